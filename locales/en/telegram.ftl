# The Telegram channel.
telegram-secret-deleted = I deleted your message so that your password or code does not stay in this chat.
telegram-secret-not-deleted = I could not delete your message: please delete it yourself, so that your password or code does not stay in this chat.
telegram-text-only = Please write your question as text.
telegram-stale-button = That button belongs to an earlier message; please use the buttons of the latest one.
telegram-command-start = Show the common questions
telegram-command-help = What I can do, and the commands
telegram-command-human = Talk to a person from support
telegram-command-restart = Start a new conversation
telegram-command-lang = Choose the language (中文 / English)
telegram-help = I answer questions about student accounts: registering, recovering your username or password, duplicate ID numbers, e-mail and mobile, real-name information. Just write your question, or pick one of the common questions with /start. When I cannot help, I hand you over to a person from support. The commands:
telegram-unknown-command = Sorry, I do not know that command. These are the ones I know:
telegram-lang = Which language would you like me to use?
telegram-lang-zh-CN = 中文
telegram-lang-en = English
telegram-lang-set = I will answer in English from now on. You can change this with /lang at any time.
telegram-photo-too-large = This photo is larger than { $max } KB, so I have not downloaded it. Please compress it or choose a smaller one, and send it again.
telegram-file-not-image = I can only take a picture here (JPEG or PNG). Please send your ID photo as a photo or as a JPEG or PNG file.
telegram-photo-not-fetched = I could not fetch your photo from Telegram. Please send it again.
telegram-contact-not-own = I can only take your own number. Please share your own contact with the button, or type your mobile number.
telegram-share-contact = Share my mobile number
telegram-open-private-chat = Continue in a private chat

# Feedback that says why (issue 16): the placeholder of the reply asked for with ForceReply.
telegram-feedback-placeholder = What was wrong?
