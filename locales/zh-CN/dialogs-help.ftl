# Guided help dialogs: sms-code-not-received, activation-mail, verify-by-app, review-status, too-frequent.

## sms-code-not-received

dialog-sms-code-not-received-title = 帮我排查
sms-code-ask-number = 我们一步步排查。先确认手机开着机、信号良好。获取校验码时填写的手机号码对吗？
sms-code-number-right = 号码没错
sms-code-number-wrong = 号码填错了
sms-code-wrong-number = 号码填错的话，校验码会发到别的号码上，您这边自然收不到。我这里没法替您修改姓名或手机号码：请回到页面，在表单里重新填写正确的本人手机号码，再点一次【获取校验码】。
sms-code-ok = 好的，我去改
sms-code-fixed-still-nothing = 改好了还是收不到
sms-code-ask-waited = 号码没错的话，请耐心等一等，校验码短信有时会晚一些到。校验码的有效期是 1 天，不用着急。
    请不要反复点“获取校验码”，点得太频繁，号码可能会被加入黑名单一段时间，影响手机号正常使用。
    您点了多久了？
sms-code-just-clicked = 刚点不久
sms-code-waited-long = 等了很久还是没有
sms-code-wait-a-bit = 那就再等一会儿，期间不要重复点“获取校验码”。另外尽量避开注册高峰期操作。收到了吗？
sms-code-received = 收到了
sms-code-still-nothing = 还是没收到
sms-code-resend-once = 等了很久还没收到的话，回到页面再点一次【获取校验码】，让系统重新发送。只点一次就好，然后耐心等短信。收到了吗？
sms-code-still-nothing-offer = 抱歉，还是没有收到。可以转人工客服帮您查一查；也可以先结束，稍后避开高峰期再试（记得不要频繁点“获取校验码”）。
sms-code-human = 转人工客服
sms-code-end = 先这样吧
sms-code-received-done = 太好了！请在有效期（1 天）内把校验码填到页面上。
sms-code-bye = 好的。如果还有问题，随时再来问我。

## activation-mail

dialog-activation-mail-title = 帮我排查
activation-mail-where = 用邮箱注册后，系统会自动发一封激活邮件：发件人是“学信网”，标题是“学信网帐号激活邮件”。打开邮件，点里面的激活链接，账号就激活好了。
    您现在是哪种情况？也可以直接把页面上的提示粘贴给我。
activation-mail-not-in-inbox = 收件箱里找不到
activation-mail-says-pending = 提示“正在等待激活”
activation-mail-says-expired = 提示“校验码已过期”
activation-mail-says-activated = 提示“该邮箱已激活”
activation-mail-says-ip-limited = 提示“邮箱IP受限”
activation-mail-found-it = 找到了，已经激活
activation-mail-spam = 先看看“垃圾邮件”“订阅邮件”等文件夹，激活邮件有时会被放到那里。找到了吗？
activation-mail-still-missing = 还是没有
activation-mail-address = 再确认一下：注册时填写的邮箱地址有没有写错？
activation-mail-address-right = 地址没错
activation-mail-address-wrong = 地址写错了
activation-mail-wrong-address = 地址写错的话，激活邮件会发到那个错误的地址，您这边收不到。我这里没法替您修改注册邮箱，请用正确的本人邮箱地址重新注册。拿不准怎么办的话，可以转人工客服。
activation-mail-ok = 好的
activation-mail-human = 转人工客服
activation-mail-resend = 地址没错的话，回到注册页面，在提示“该邮箱已经注册，正在等待激活”时点“重新发送激活邮件”，系统会再发一封到这个邮箱。收到后请尽快点新邮件里的激活链接。
activation-mail-activated-now = 激活好了
activation-mail-no-new-mail = 收不到新邮件
activation-mail-pending = “该邮箱已经注册，正在等待激活”说明这个邮箱已经注册过，只是账号还没激活。
    先检查邮箱地址有没有填错。没填错的话，去邮箱找激活邮件（垃圾邮件、订阅邮件文件夹也看看），点邮件里的激活链接；没收到就点提示里的“重新发送激活邮件”，系统会再发一封。
activation-mail-expired = “校验码已过期，请重新注册或重新获取校验码”说明这封邮件里的激活链接已经失效了。
    请让系统重新发送激活链接（例如在提示“该邮箱已经注册，正在等待激活”时点“重新发送激活邮件”），收到新邮件后尽快点新链接，继续完成激活。
activation-mail-already = “该邮箱已激活，请不要重复操作”说明您的注册邮箱已经激活成功，不需要再激活了。直接用这个邮箱登录就可以；忘了密码的话，用“找回密码”重置。
activation-mail-ip-limited = 出现“邮箱IP受限”时，可以先不填邮箱，直接完成注册。注册成功后登录账号，在【账号管理】里重新绑定一个在学信网上没有使用记录的邮箱就可以了。
activation-mail-done = 太好了，账号已经激活，现在可以正常登录了。
activation-mail-still-nothing = 抱歉，还是没能解决。可以转人工客服帮您查一查，也可以先结束，稍后再试。
activation-mail-end = 先这样吧
activation-mail-bye = 好的。如果还有问题，随时再来问我。

## verify-by-app

dialog-verify-by-app-title = 一步步带我做
verify-by-app-intro = APP 自助验证（途径 1）要在学信网手机 APP 里完成，我这里没法替您操作，但可以一步步告诉您怎么做。
    先提醒一句：验证通过后，使用同一证件号码的其他账号都会被注销，旧账号上填报的研招推免、统考、自主招生、兵役登记/应征报名等信息操作会暂时受影响，请慎重。
verify-by-app-go-on = 我知道了，继续
verify-by-app-other-route = 换一种验证方式
verify-by-app-next = 下一步
verify-by-app-step-1 = 第 1 步：用新账号登录，在个人信息页面点【解决办法】，选“APP自助验证”。
verify-by-app-step-2 = 第 2 步：按页面提示下载学信网手机 APP。
verify-by-app-step-3 = 第 3 步：打开 APP，点“我的”登录，完成实人验证。
verify-by-app-passed = 验证通过了
verify-by-app-not-working = 做不了，想换个方式
verify-by-app-passed-done = 太好了！实人验证通过后，您的账号就能正常使用了。
verify-by-app-other = 没关系，还有其他核验途径：提供学籍或学历信息（最快，推荐）、上传手持身份证照片由客服审核、请大学同班同学协助。
verify-by-app-ok = 好的，先这样
verify-by-app-bye = 好的。需要时随时再来问我。

## review-status

dialog-review-status-title = 帮我查审核结果
review-status-ask-username = 我帮您查一下客服审核的结果，需要先登录。请输入您的学信网用户名：
review-status-ask-password = 请输入密码（只用于这次登录，不会保存在对话里）：
review-status-failed = 暂时没法登录，所以查不了审核结果。您也可以稍后登录学信网，在左侧菜单“证件重复-客服审核”里查看。
review-status-none = 没有查到这个账号的客服审核记录。
review-status-pending = 审核状态：待审核。客服正在处理，核对无误后 3 个工作日内处理完毕，请及时登录查看。
    不想等的话，也可以改用“提供学籍或学历信息”或大学同班同学协助来完成核验。
review-status-rejected = 审核状态：审核失败。原因：{ $reason }
    请看清失败原因，按要求重新上传手持身份证正面和背面照片（每天最多 3 次，累计不超过 5 次）。
review-status-reupload = 重新上传照片
review-status-later = 先不传了
review-status-approved = 审核状态：通过。页面左侧会出现“绑定实名信息”菜单，您可以继续完成实名绑定。
review-status-bye = 好的。需要重新上传时随时再来找我。

## too-frequent

dialog-too-frequent-title = 帮我查一下
too-frequent-choose = 遇到“操作过于频繁，操作被禁止”了吗？我可以登录您的账号，看看现在是否还被锁定、还要等多久；也可以只给您解释一下。
too-frequent-check-account = 查我的账号
too-frequent-just-explain = 只要解释一下
too-frequent-explain = “操作过于频繁，操作被禁止”表示短时间内同一项敏感操作做了太多次，系统会把这项操作锁定 2 小时。
    等锁定结束后再试就可以了，期间别反复重试，以免再次触发限制。
too-frequent-understood = 明白了
too-frequent-ask-username = 请输入您的学信网用户名：
too-frequent-ask-password = 请输入密码（只用于这次登录，不会保存在对话里）：
too-frequent-failed = 暂时没法登录，所以查不了锁定状态。锁定时间是 2 小时，请稍后再试，期间不要反复操作。
too-frequent-locked = 您的账号现在确实处于“操作过于频繁，操作被禁止”的锁定中，大约还要等 { $minutes } 分钟。请等锁定结束后再试，期间不要反复重试，以免再次触发限制。
too-frequent-free = 您的账号现在没有被锁定，可以再试一次了。操作时别在短时间内反复提交，以免再次被锁定 2 小时。
too-frequent-bye = 好的。还有其他问题，随时问我。
