# Telegram 渠道。
telegram-secret-deleted = 我已删除您的消息，以免密码或验证码留在聊天记录中。
telegram-secret-not-deleted = 我无法删除您的消息，请您自行删除，以免密码或验证码留在聊天记录中。
telegram-text-only = 请用文字输入您的问题。
telegram-stale-button = 该按钮属于较早的消息，请使用最新消息下方的按钮。
telegram-command-start = 显示常见问题
telegram-command-help = 我能做什么，以及命令列表
telegram-command-human = 转人工客服
telegram-command-restart = 开始新的对话
telegram-command-lang = 选择语言（中文 / English）
telegram-help = 我可以解答学信网账号的相关问题：注册、找回用户名或密码、证件号码重复、邮箱与手机、实名信息等。直接输入您的问题即可，也可以用 /start 查看常见问题。如果我帮不了您，会为您转接人工客服。可用的命令：
telegram-unknown-command = 抱歉，我不认识这个命令。我能识别的命令有：
telegram-lang = 您希望我使用哪种语言？
telegram-lang-zh-CN = 中文
telegram-lang-en = English
telegram-lang-set = 好的，接下来我会用中文回复您。您可以随时用 /lang 更改。
telegram-photo-too-large = 这张照片超过 { $max } KB，我没有下载。请压缩或换一张较小的照片后重新发送。
telegram-file-not-image = 这里只能接收图片（JPEG 或 PNG）。请以照片或 JPEG、PNG 文件的形式发送证件照片。
telegram-photo-not-fetched = 我没能从 Telegram 取得您的照片，请重新发送。
telegram-contact-not-own = 我只能接收您本人的号码。请用按钮分享您自己的联系方式，或直接输入您的手机号。
telegram-share-contact = 分享我的手机号
telegram-open-private-chat = 在私聊中继续

# Feedback that says why (issue 16): the placeholder of the reply asked for with ForceReply.
telegram-feedback-placeholder = 哪里不对？
