# Telegram 渠道。
telegram-secret-deleted = 我已删除您的消息，以免密码或验证码留在聊天记录中。
telegram-secret-not-deleted = 我无法删除您的消息，请您自行删除，以免密码或验证码留在聊天记录中。
telegram-photo-refused = 目前无法在 Telegram 中接收照片或文件。如需上传证件照片，请使用我们网站上的在线帮助。
telegram-text-only = 请用文字输入您的问题。
telegram-stale-button = 该按钮属于较早的消息，请使用最新消息下方的按钮。
