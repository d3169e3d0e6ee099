# Guided help dialogs: sms-code-not-received, activation-mail, verify-by-app, review-status, too-frequent.

## sms-code-not-received

dialog-sms-code-not-received-title = Help me check
sms-code-ask-number = Let's go through it step by step. First make sure the phone is on and has good signal. Is the mobile number you entered for the code correct?
sms-code-number-right = The number is right
sms-code-number-wrong = I typed it wrong
sms-code-wrong-number = If the number is wrong, the code goes to another phone, so it can't reach you. I can't change your name or mobile number here: please go back to the page, enter your own correct mobile number in the form and click 【获取校验码】 (get code) once more.
sms-code-ok = OK, I'll fix it
sms-code-fixed-still-nothing = Fixed it, still nothing
sms-code-ask-waited = If the number is right, please be patient: the code message sometimes takes a while. The code is valid for 1 day, so there's no hurry.
    Please don't keep clicking "获取校验码" (get code): clicking too often can get the number blacklisted for a while, which affects normal use of your phone number.
    How long have you been waiting?
sms-code-just-clicked = I only just clicked
sms-code-waited-long = A long time, still nothing
sms-code-wait-a-bit = Then give it a little longer, and don't click "获取校验码" again meanwhile. It also helps to avoid peak registration times. Has it arrived?
sms-code-received = It arrived
sms-code-still-nothing = Still nothing
sms-code-resend-once = If nothing has come after a long wait, go back to the page and click 【获取校验码】 (get code) once more to have it resent. Click only once, then wait for the message. Has it arrived?
sms-code-still-nothing-offer = Sorry it still hasn't come. I can hand you over to human support to look into it, or we can stop here and you try again later, outside peak times (and without clicking "获取校验码" repeatedly).
sms-code-human = Human support
sms-code-end = Leave it for now
sms-code-received-done = Great! Enter the code on the page while it's valid (1 day).
sms-code-bye = All right. If anything else comes up, just ask me.

## activation-mail

dialog-activation-mail-title = Help me check
activation-mail-where = After you register with an e-mail address, an activation mail is sent automatically: the sender is "学信网" and the subject is "学信网帐号激活邮件". Open it and click the activation link, and your account is activated.
    Which of these fits your situation? You can also paste the message the site shows you.
activation-mail-not-in-inbox = It's not in my inbox
activation-mail-says-pending = It says "正在等待激活"
activation-mail-says-expired = It says "校验码已过期"
activation-mail-says-activated = It says "该邮箱已激活"
activation-mail-says-ip-limited = It says "邮箱IP受限"
activation-mail-found-it = Found it, all activated
activation-mail-spam = First look in the spam / junk and subscription folders: the activation mail sometimes lands there. Did you find it?
activation-mail-still-missing = Still not there
activation-mail-address = Let's check one more thing: did you type the e-mail address correctly when you registered?
activation-mail-address-right = The address is right
activation-mail-address-wrong = I typed it wrong
activation-mail-wrong-address = If the address was wrong, the activation mail went to that wrong address and can't reach you. I can't change the registration e-mail for you here; please register again with your own correct e-mail address. If you're unsure what to do, human support can help.
activation-mail-ok = OK
activation-mail-human = Human support
activation-mail-resend = If the address is right, go back to the registration page and, where it says "该邮箱已经注册，正在等待激活", click "重新发送激活邮件" (resend activation mail). A new mail is sent to that address; click the link in the new mail soon.
activation-mail-activated-now = It's activated now
activation-mail-no-new-mail = No new mail arrives
activation-mail-pending = "该邮箱已经注册，正在等待激活" means the address is already registered but the account isn't activated yet.
    First check the address for typos. If it's right, find the activation mail (check the spam and subscription folders too) and click its link; if there's no mail, click "重新发送激活邮件" (resend activation mail) in the message and another one is sent.
activation-mail-expired = "校验码已过期，请重新注册或重新获取校验码" means the activation link in that mail is no longer valid.
    Have the system send a new activation link (for example, click "重新发送激活邮件" where the site says "该邮箱已经注册，正在等待激活"), then open the new link soon to finish activating.
activation-mail-already = "该邮箱已激活，请不要重复操作" means your registration e-mail is already activated, so there's nothing more to do. Just sign in with that address; if you've forgotten the password, reset it with "找回密码".
activation-mail-ip-limited = If you see "邮箱IP受限", simply leave the e-mail field empty and finish the registration. Then sign in and, under 【账号管理】 (account management), bind an e-mail address that has never been used on the site.
activation-mail-done = Great, your account is activated and you can sign in now.
activation-mail-still-nothing = Sorry we haven't sorted it out yet. I can hand you over to human support, or we can stop here and you try again later.
activation-mail-end = Leave it for now
activation-mail-bye = All right. If anything else comes up, just ask me.

## verify-by-app

dialog-verify-by-app-title = Walk me through it
verify-by-app-intro = APP self-verification (route 1) is done in the CHSI (学信网) mobile app. I can't do it for you from here, but I can walk you through it.
    One warning first: once it passes, every other account with the same ID number is deactivated, which temporarily affects graduate admission (研招推免 / 统考), 自主招生 and conscription (兵役登记 / 应征报名) filings made with the old account. Please think it over.
verify-by-app-go-on = Understood, go on
verify-by-app-other-route = Try another route
verify-by-app-next = Next
verify-by-app-step-1 = Step 1: sign in with the new account, click 【解决办法】 on the personal information page and choose "APP自助验证".
verify-by-app-step-2 = Step 2: download the CHSI (学信网) mobile app as the page instructs.
verify-by-app-step-3 = Step 3: open the app, tap "我的" (Me), sign in and complete the real-person verification (实人验证).
verify-by-app-passed = It passed
verify-by-app-not-working = It doesn't work for me
verify-by-app-passed-done = Great! Once the real-person verification passes, your account is ready to use.
verify-by-app-other = No problem, there are other routes: student status or degree information (the quickest, recommended), handheld ID photos reviewed by staff, or help from a university classmate.
verify-by-app-ok = OK, done
verify-by-app-bye = All right. Ask me again whenever you need to.

## review-status

dialog-review-status-title = Check my review
review-status-ask-username = I'll look up the result of the staff review; for that you need to sign in. Please type your username:
review-status-ask-password = Please type your password (used only for this sign-in, not kept in the conversation):
review-status-failed = Signing in isn't possible right now, so I can't check the review. You can also sign in later and open the left menu "证件重复-客服审核".
review-status-none = I found no staff review for this account.
review-status-pending = Review status: 待审核 (pending). Staff are working on it; it's handled within 3 working days once the material checks out, so sign in to check.
    If you'd rather not wait, you can verify with student status / degree information or a classmate's help instead.
review-status-rejected = Review status: 审核失败 (failed). Reason: { $reason }
    Read the reason carefully and upload the photos of you holding the front and the back of your ID card again as required (at most 3 uploads a day, 5 in total).
review-status-reupload = Upload again
review-status-later = Not now
review-status-approved = Review status: 通过 (approved). A "绑定实名信息" menu appears on the left of the page so you can finish real-name binding.
review-status-bye = All right. Come back whenever you want to upload again.

## too-frequent

dialog-too-frequent-title = Check for me
too-frequent-choose = Seeing "操作过于频繁，操作被禁止" (operation too frequent)? I can sign in to your account and check whether it's still locked and for how long, or just explain what it means.
too-frequent-check-account = Check my account
too-frequent-just-explain = Just explain
too-frequent-explain = "操作过于频繁，操作被禁止" means the same sensitive operation was done too many times in a short period, so that operation is locked for 2 hours.
    Wait until the lock is over and try again; don't keep retrying meanwhile, or it may be triggered again.
too-frequent-understood = Got it
too-frequent-ask-username = Please type your username:
too-frequent-ask-password = Please type your password (used only for this sign-in, not kept in the conversation):
too-frequent-failed = Signing in isn't possible right now, so I can't check the lock. The lock lasts 2 hours; please try again later and don't keep retrying meanwhile.
too-frequent-locked = Your account is indeed locked ("操作过于频繁，操作被禁止"). Time left: about { $minutes } min. Please wait until the lock is over, and don't keep retrying meanwhile, or it may be triggered again.
too-frequent-free = Your account isn't locked right now, so you can try again. Avoid repeating the operation many times in a short period, or it gets locked for 2 hours again.
too-frequent-bye = All right. Ask me anything else whenever you like.
