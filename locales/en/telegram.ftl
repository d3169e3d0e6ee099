# The Telegram channel.
telegram-secret-deleted = I deleted your message so that your password or code does not stay in this chat.
telegram-secret-not-deleted = I could not delete your message: please delete it yourself, so that your password or code does not stay in this chat.
telegram-photo-refused = I cannot take photos or files in Telegram yet. To upload an ID photo, please use the help chat on our website.
telegram-text-only = Please write your question as text.
telegram-stale-button = That button belongs to an earlier message; please use the buttons of the latest one.
