# Guided dialogs: duplicate ID diagnosis, username and password recovery, verification routes.

dialog-duplicate-id-title = Help me sort it out
dup-which-message = After you entered the ID number, which message did the registration form show? Choose one below, or paste the message here.
dup-btn-registered = "证件号码已被注册" (already registered)
dup-btn-pending = "证件号码重复待审核，不能再次注册此证件号码" (duplicate, pending review)
dup-btn-not-sure = Not sure, check it for me
dup-ask-id = Please enter your 18-character ID number and I will check its registration state.
dup-free = This ID number is not registered yet: you can register an account right away.
dup-pending = This is "duplicate, pending review": several accounts use this ID number and a staff review is pending, so no new account can be registered with it for now.
    What to do:
    1. Sign in with the account you already have (recover the username first if you forgot it);
    2. Upload the review material under "证件重复-客服审核";
    3. Staff handle it within 3 working days; you can check the progress at any time.
dup-btn-find-username = Recover my username
dup-btn-upload = Upload review photos
dup-btn-check-status = Check review progress
dup-btn-done = Got it
dup-registered = This is "already registered": an account already uses this ID number. Did you register with it before? (If you used the record archive, image check, graduate admissions or conscription sign-up, you probably did.)
dup-btn-registered-before = Yes / maybe
dup-btn-never = Never
dup-recover = The easiest way is to recover your old account: find your username, or reset your password.
dup-btn-reset-password = Reset my password
dup-btn-cannot-recover = I can't recover it
dup-reregister-warning = You can tick 我要重新注册 (register again) and create a new account with this ID number. Please note:
    • the new account can be used only after an identity verification;
    • when it passes, every other account with this ID number is deactivated;
    • graduate admission (推免, 统考), 自主招生 and conscription (兵役登记/应征报名) filed with the old account are affected;
    • your student status and degree records are never lost.
    Do you want to register again?
dup-btn-confirm = Yes, register again
dup-btn-back-to-recover = Try recovering the old account
dup-how-register = All right. I can register the new account for you now; if you already registered it with 我要重新注册, go straight to the verification.
dup-btn-register-here = Register it here
dup-btn-registered-already = Already registered
dup-ask-name = Please enter your real name (it cannot be changed later).
dup-ask-id-for-register = Please enter your 18-character ID number (it cannot be changed later).
dup-ask-mobile = Please enter your mobile number (one no other account uses).
dup-ask-username = Choose a username: 4–20 letters, digits or underscores, starting with a letter.
dup-ask-password = Choose a password: 8–32 characters with at least two of letters, digits and symbols.
dup-registered-new = Your new account is registered. Now it needs an identity verification.
dup-choose-route = Choose a verification route; the first is the quickest:
dup-btn-route-record = Student record check (recommended)
dup-btn-route-photo = Handheld ID photos, reviewed by staff
dup-btn-route-classmate = Ask a classmate to confirm
dup-btn-route-app = Face verification in the app
dup-done = All right. Ask me anything, any time.

dialog-find-username-title = Recover my username
find-ask-name = To recover your username I first need to confirm who you are. Please enter the real name you registered with.
find-ask-id = Please enter the ID number you registered with.
find-ask-code = A code was sent to your bound mobile { $masked_mobile }; it is valid for 1 day. Please enter the 6 digits.
find-revealed = Verified! Your username is: { $username }
    Keep it safe: it signs you in to every platform of the service.
find-btn-reset-password = Reset my password too
find-btn-done = Thanks
find-no-match = No account matches this name and ID number. Please check that they are exactly as you registered them.
find-btn-retry = Try again
find-btn-never-registered = Maybe I never registered
find-btn-human = Human support
find-no-mobile = I found the account, but it has no bound mobile, so I cannot confirm your identity by SMS. Please contact human support.
find-stop = I cannot go on right now. Please try again later or call support on 010-82199588.
find-done = All right. Ask me anything, any time.

dialog-reset-password-title = Reset my password
reset-ask-name = To reset your password I first need to confirm who you are. Please enter the real name you registered with.
reset-ask-id = Please enter the ID number you registered with.
reset-ask-code = A code was sent to your bound mobile { $masked_mobile }; it is valid for 1 day. Please enter the 6 digits.
reset-ask-password = Please enter a new password: 8–32 characters with at least two of letters, digits and symbols, not containing the username.
reset-no-match = No account matches this name and ID number. Please check them and try again.
reset-btn-retry = Try again
reset-btn-human = Human support
reset-no-mobile = This account has no bound mobile, so the password cannot be reset by SMS. Please contact human support; conscription users can also ask their local conscription office.
reset-btn-stop = Not now
reset-stop = I cannot go on right now. Please try again later or call support on 010-82199588.
reset-done = Your password is reset! Everywhere you were signed in, please sign in again with the new password.

verify-ask-username = First, please sign in with your new (re-registered) account. Your username?
verify-ask-password = Your password? (Used for this sign-in only, never stored.)
verify-stop = I cannot go on right now. Please try again later or call support on 010-82199588.
verify-done = Verified! Your account is ready to use.
    Other accounts with the same ID number were deactivated: { $deactivated }
verify-other-route = This route does not work right now. You can choose another one:
verify-btn-human = Human support

dialog-verify-record-title = Student record check
record-intro = Student record check: enter your student status or degree details; if they match the registry you are verified. Each ID number has 3 attempts, so please be careful.
    Note: when it passes, other accounts with your ID number are deactivated.
    Are you a current student or a graduate?
record-btn-current = Current student
record-btn-graduate = Graduate
record-ask-school = Please enter the full name of your school (e.g. 北京大学).
record-ask-student-number = Please enter your student number.
record-ask-enrolment-year = Please enter your enrolment year (4 digits, e.g. 2023).
record-ask-graduation-year = Please enter your graduation year (4 digits, e.g. 2019).
record-ask-certificate-number = Please enter your degree certificate number.
record-ask-level = Please enter the level (e.g. 本科 bachelor, 专科 college, 硕士研究生 master).

dialog-verify-photo-title = Upload handheld ID photos
photo-rules = Please prepare two photos of you holding your ID card: the front and the back.
    • Face and card fully visible and sharp, not edited;
    • jpg, jpeg, png or gif, at most 300 KB each;
    • at most 3 uploads a day and 5 in total;
    • staff review them within 3 working days.
photo-ask-front = Please upload the photo of you holding the FRONT (portrait side) of your ID card.
photo-ask-back = Please upload the photo of you holding the BACK (emblem side) of your ID card.
photo-submitted = Photos submitted; the status is "pending review". Staff answer within 3 working days; ask me about "review progress" any time.

dialog-verify-classmate-title = Ask a classmate to confirm
assist-who = Do you want to ask a classmate for help, or did a classmate ask you?
assist-btn-requester = I want to ask a classmate
assist-btn-classmate = I'm confirming for a classmate
assist-rules = How classmate assist works:
    • your classmate must have bound their mobile number;
    • at most 5 requests a day;
    • your classmate confirms after signing in to their own account; then your account is verified and other accounts with your ID number are deactivated.
assist-ask-classmate-name = Please enter your classmate's real name.
assist-ask-classmate-mobile = Please enter your classmate's bound mobile number.
assist-ask-own-mobile = Please enter your own mobile number (the one of your new account).
assist-sent = Request sent! Please tell { $classmate_name } to sign in and confirm it in the inbox (top right), or to ask me to "confirm for a classmate".

dialog-classmate-inbox-title = Confirm a classmate
inbox-ask-username = Please sign in with your own account to answer your classmate's request. Your username?
inbox-request = { $requester_name } (mobile { $requester_mobile }) asks you to confirm their identity. Is this really your classmate?
inbox-btn-confirm = Yes, my classmate
inbox-btn-decline = No / decline
inbox-confirmed = Confirmed. Thank you for helping!
inbox-declined = You declined this request.
inbox-empty = No requests are waiting for you.

find-wait = Wait a moment, then press "Send again"; if the earlier code has arrived, you can type it instead.
find-btn-resend = Send again
find-btn-have-code = I have the code
reset-wait = Wait a moment, then press "Send again"; if the earlier code has arrived, you can type it instead.
reset-btn-resend = Send again
reset-btn-have-code = I have the code
dup-ask-mobile-code = A code was sent to { $masked_mobile }. Please type the 6-digit code to confirm this mobile number is yours.
dup-mobile-code-wait = Please wait a moment before asking for a new code; if the earlier code has arrived, you can type it instead.
dup-btn-resend = Send again
dup-btn-have-code = I have the code
dup-btn-other-mobile = Use another mobile number
photo-already-waiting = Your photos were already submitted and are waiting for staff review (within 3 working days), so there is nothing to upload now. You will be told the result here, and you can check the progress at any time.
