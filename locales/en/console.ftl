# The staff console (/console of `helpbot serve`): what support staff read, in their language.
console-name = Support console
console-skip-to-content = Skip to content
console-navigation = Console navigation
console-nav-reviews = Photo reviews
console-nav-staff = Staff
console-switch-language = 中文
console-signed-in-as = { $name } ({ $account }, { $role })
console-role-agent = agent
console-role-supervisor = supervisor
console-sign-out = Sign out
console-back-to-reviews = Back to the photo reviews

# Signing in
console-sign-in-title = Staff sign-in
console-account-name = Account name
console-password = Password
console-sign-in = Sign in
console-sign-in-hint = Accounts are created on the server with helpbot staff add. Too many wrong passwords lock signing in for a while.
console-wrong-credentials = The account name or the password is wrong.
console-locked = Too many failed sign-ins: signing in is locked. Please try again in { $minutes } minutes.
console-account-disabled = This account is disabled. Please ask your supervisor.
console-form-expired = The sign-in page had expired. Please type your details again.

# Errors
console-csrf-refused = The request did not carry a valid security token and was refused. Please go back and try again.
console-not-found = There is no such page.
console-bad-form = The form was incomplete. Please go back and try again.
console-supervisors-only = Only supervisors may see this page.
console-unavailable = The database cannot be reached just now. Please try again shortly.
console-error = Something went wrong. Please try again shortly.

# The photo review queue
console-reviews-title = Photo reviews waiting
console-reviews-empty = No photo reviews are waiting.
console-reviews-count = { $count } waiting, oldest first.
console-submitted = Submitted
console-waiting = Waiting
console-account = Account
console-real-name = Name
console-id-number = ID number
console-mobile = Mobile
console-open-review = Review
console-waited-minutes = { $minutes } min
console-waited-hours = { $hours } h { $minutes } min
console-waited-days = { $days } d { $hours } h

# One review
console-review-title = Photo review
console-state-active = active
console-state-pending = waiting for verification
console-state-deactivated = deactivated
console-same-id-heading = Other accounts with this ID number
console-same-id-none = No other account uses this ID number.
console-same-id-intro = Approving deactivates these accounts:
console-photos = Handheld ID photos
console-photos-purged = This review was decided and its photos have been deleted, as the data retention settings require ([retention] photo_days).
console-photo-front = Front photo
console-photo-back = Back photo
console-decide = Decision
console-approve-explained = The photos match the account's name and ID number: activate this account and deactivate the other accounts with the same ID number.
console-approve = Approve
console-reject-reason = Reason for rejecting
console-reason-blurry = The photo is blurry; the card cannot be read
console-reason-not-handheld = The photo does not show the student holding the card
console-reason-mismatch = The card does not match the registered details
console-reason-incomplete = The card is cut off or covered
console-reason-typed = Or type a reason
console-reason-hint = A typed reason wins over a chosen one and is sent to the student as typed. Reasons from the list are sent in Chinese.
console-reject = Reject
console-review-was-approved = This review was approved.
console-review-was-rejected = This review was rejected: { $reason }

# After a decision
console-approved-title = Review approved
console-approved-done = The account { $account } is active.
console-deactivated-none = No other account had to be deactivated.
console-deactivated-intro = These accounts were deactivated:
console-rejected-title = Review rejected
console-rejected-with = The photos of { $account } were rejected: { $reason }
console-student-told = The conversations that signed in to this account are told in the chat.

# The supervisors' page
console-staff-title = Staff
console-staff-heading = Accounts
console-staff-account = Account
console-staff-display-name = Name shown to students
console-staff-role = Role
console-staff-enabled = May sign in
console-staff-last-sign-in = Last sign-in
console-staff-hint = Staff accounts are added on the server with helpbot staff add and disabled with helpbot staff disable.
console-yes = yes
console-no = no
console-never = never
console-audit-heading = Latest staff actions
console-audit-when = When
console-audit-who = Who
console-audit-what = Action
console-audit-about = About
console-audit-detail = Detail
console-audit-nobody = command line or unknown name
console-audit-review = review { $id }
console-audit-conversation = conversation { $id }
