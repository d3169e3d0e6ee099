# The Telegram channel.
telegram-secret-deleted = I deleted your message so that your password or code does not stay in this chat.
telegram-secret-not-deleted = I could not delete your message: please delete it yourself, so that your password or code does not stay in this chat.
telegram-text-only = Please write your question as text.
telegram-stale-button = That button belongs to an earlier message; please use the buttons of the latest one.
telegram-photo-too-large = This photo is larger than { $max } KB, so I have not downloaded it. Please compress it or choose a smaller one, and send it again.
telegram-file-not-image = I can only take a picture here (JPEG or PNG). Please send your ID photo as a photo or as a JPEG or PNG file.
telegram-photo-not-fetched = I could not fetch your photo from Telegram. Please send it again.
telegram-contact-not-own = I can only take your own number. Please share your own contact with the button, or type your mobile number.
telegram-share-contact = Share my mobile number
telegram-open-private-chat = Continue in a private chat
