# What the account store says when it refuses an action.

account-invalid-username = A username has 4–20 letters, digits or underscores and starts with a letter.
account-username-taken = This username is taken. Please choose another.
account-invalid-name = Please enter your real name (at most 30 characters).
password-length = A password has 8–32 characters.
password-whitespace = A password cannot contain spaces.
password-variety = A password needs at least two of: letters, digits, symbols.
password-contains-username = A password cannot contain the username.
account-id-pending-review = 证件号码重复待审核，不能再次注册此证件号码 — this ID number is used by several accounts and waits for a review, so it cannot be registered again. Sign in with your existing account and upload the review material; support answers within 3 working days.
account-id-registered = 证件号码已被注册 — this ID number is already registered. If you registered before, recover your username or reset your password; if you never did, tick 我要重新注册 (register again).
account-mobile-registered = This mobile number is already registered; you can sign in with it.
account-email-registered = This e-mail address is already registered; you can sign in with it.
account-mobile-bound-by-other = This mobile number is bound by account { $username }. Please use another number.
account-no-bound-email = This account has no activated e-mail address, so no code can be mailed. Please receive it on your mobile instead.
account-unknown = This account does not exist.
account-no-match = No account matches this name and ID number. Please check them and try again.
account-no-bound-mobile = This account has no bound mobile number, so no code can be sent. Please contact support: 010-82199588.
account-too-frequent = Too many attempts (操作过于频繁): this operation is blocked. Please try again in { $minutes } minutes.
code-resend-too-soon = A code was just sent. Please wait { $seconds } seconds before asking again.
code-daily-cap = Today's codes for this number are used up. Please try again tomorrow.
code-wrong = Wrong code; { $remaining } tries left.
code-expired = The code has expired. Please ask for a new one.
code-dead = This code no longer works. Please ask for a new one.
code-unknown = There is no valid code in this conversation (a code requested on another page cannot be used here). Please ask for a new one.
account-wrong-credentials = Wrong username or password.
account-deactivated = This account has been deactivated and cannot be used.
account-session-expired = Your sign-in has expired. Please sign in again.
verify-not-pending = This account needs no identity verification (or has completed it).
photo-daily-limit = Today's 3 uploads are used up. Please try again in { $hours } hours.
photo-total-limit = Photos can be uploaded 5 times at most, and those are used up. Please choose another verification route or contact support.
review-pending = Your photos are waiting for staff review (within 3 working days). You can upload again once there is a result.
review-not-found = This review does not exist.
review-already-decided = This review has already been decided.
review-reason-missing = Please give a reason for the rejection.
assist-classmate-not-found = No classmate with this name and mobile number. Please check them.
assist-classmate-not-bound = This classmate has not bound their mobile number yet and cannot help. Please ask another classmate or choose another route.
assist-self = You cannot assist yourself. Please enter a classmate's details.
assist-own-mobile-mismatch = The mobile number you entered is not your account's. Please check it.
assist-daily-limit = At most 5 assist requests a day. Please try again in { $hours } hours.
assist-request-not-found = This assist request does not exist or was already answered.
record-mismatch = The student record does not match; { $remaining } attempts left. Please check the school name, student or certificate number, year and level.
record-attempts-exhausted = The 3 record checks for this ID number are used up. Please choose another verification route.
account-lookups-too-frequent = Too many look-ups. Please try again in { $minutes ->
    [one] 1 minute
   *[other] { $minutes } minutes
}.
account-mobile-not-verified = This mobile number has not been verified with an SMS code yet. Please verify it first.
