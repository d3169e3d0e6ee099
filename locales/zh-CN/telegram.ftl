# Telegram 渠道。
telegram-secret-deleted = 我已删除您的消息，以免密码或验证码留在聊天记录中。
telegram-secret-not-deleted = 我无法删除您的消息，请您自行删除，以免密码或验证码留在聊天记录中。
telegram-text-only = 请用文字输入您的问题。
telegram-stale-button = 该按钮属于较早的消息，请使用最新消息下方的按钮。
telegram-photo-too-large = 这张照片超过 { $max } KB，我没有下载。请压缩或换一张较小的照片后重新发送。
telegram-file-not-image = 这里只能接收图片（JPEG 或 PNG）。请以照片或 JPEG、PNG 文件的形式发送证件照片。
telegram-photo-not-fetched = 我没能从 Telegram 取得您的照片，请重新发送。
telegram-contact-not-own = 我只能接收您本人的号码。请用按钮分享您自己的联系方式，或直接输入您的手机号。
telegram-share-contact = 分享我的手机号
telegram-open-private-chat = 在私聊中继续
