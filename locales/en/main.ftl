# Texts of the assistant itself (answers come from knowledge/).

greeting-morning = Good morning
greeting-afternoon = Good afternoon
greeting-evening = Good evening
greeting-night = Hello, you are up late

smalltalk-greeting = { $greeting }! I am the help assistant for student accounts. Ask me about registering, recovering your username or password, duplicate ID numbers, e-mail and mobile, and more. Just describe your problem.
smalltalk-thanks = You're welcome! Ask me anything else at any time.
smalltalk-bye = Goodbye, and good luck! Come back whenever you need help.
smalltalk-identity = I am the help robot for student accounts. I answer questions about registration, account recovery, duplicate ID numbers, e-mail and mobile binding and real-name information. When I can't help, I tell you how to reach human support.

answer-related = Related questions:
answer-next-steps = What next:
answer-links = Links:
suggest-intro = Did you mean:
none-reply = Sorry, I can't answer that yet. Try asking in other words, or contact human support:
    Hotline 010-82199588
    E-mail kefu@chsi.com.cn
    Help centre https://account.chsi.com.cn/account/help/index.jsp

input-empty = It looks like your message is empty. Please describe your problem.
input-too-long = Your message has { $length } characters, which is too long. Please keep it under { $max } characters and describe your problem briefly.
input-not-text = I can't read this message. Please describe your problem in words.
chat-welcome = Hello, I am the student account help assistant. How can I help you?
start-menu-intro = These are the questions asked most often. Press one to see its answer, or just write your own question.
button-unknown = That option is no longer available. Please type your question.
internal-error = Sorry, something went wrong on our side. Please try again in a moment.
service-unavailable = Sorry, the service is temporarily unavailable. Please try again later. If it is urgent, call the hotline 010-82199588.

category-register = Registration
category-find-account = Account recovery
category-duplicate-id = Duplicate ID number
category-email-mobile = E-mail and mobile
category-real-name = Real-name information
category-support = Contact support
input-photo-unexpected = No picture is needed now. Please describe your problem in words.

# Guided dialogs: what the engine itself says.
dialog-your-turn = Please choose or type:
dialog-choose-button = Please press one of the options below, or type its number.
dialog-continue = Shall we go on with the previous step?
dialog-continue-button = Continue
dialog-offer-human = This does not seem to be working. Shall I hand you over to human support?
dialog-human-button = Human support
dialog-at-start = This is already the first step.
dialog-restarted = All right, let's start again.
dialog-cancelled = All right, I have stopped this. Ask me anything else.

## News about the student's account, pushed to the conversations that signed in to it.
notice-review-approved = Good news: your ID photos were approved and your account is now active; you can sign in and use it. Other accounts with the same ID number have been deactivated.
notice-review-rejected = Your photos were not approved. Reason: { $reason }. Please take them again with that in mind and upload them, or verify your identity another way.
notice-assist-confirmed = Good news: your classmate confirmed your identity and your account is now active; you can sign in and use it. Other accounts with the same ID number have been deactivated.
notice-assist-declined = The classmate you asked did not confirm your identity. You can ask another classmate, or verify your identity another way.
dialog-lost-place = Sorry, this step is missing something from earlier (perhaps you continued on another page, or your sign-in expired), so let's start this part again from the beginning.
dialog-failed = Sorry, something went wrong with this step and it has ended. You can start again or just ask your question.
dialog-changed-restart = The help steps were just updated and the step you were at no longer exists. Please start these steps again with the button below, or just ask your question.
dialog-changed-gone = The help steps were just updated and these steps no longer exist. Please just ask your question, and I will help from there.
dialog-private-chat-only = This needs your personal details, which others in this group would see. Please continue in a private chat with me.

# Feedback that says why (issue 16): 有用 / 没用 under an answer on every channel, and why.
feedback-useful = 👍 Useful
feedback-not-useful = 👎 Not useful
feedback-thanks = Thank you for the feedback! Just type if you have another question.
feedback-why = Sorry this did not help. What was wrong with it?
feedback-reason-unclear = Hard to understand
feedback-reason-did-not-work = Did not work
feedback-reason-not-what-i-asked = Not what I asked
feedback-reason-other = Other
feedback-ask-text = Please tell us in a sentence what was wrong (you may leave it empty).
feedback-text-too-long = That is { $length } characters; at most { $max } are kept. Please make it shorter and send it again.
feedback-thanks-reason = Thank you, this helps us improve the answer. Just type if you have another question.
feedback-thanks-not-what-i-asked = Thank you, this helps us improve the answer. Would you like to ask again in other words?
feedback-thanks-did-not-work = Thank you, this helps us improve the answer. If the steps still do not work, a person from support can help you, or ask again in other words.
feedback-not-answered = Only the answers given in this conversation can be rated. You can go on asking.
# The terminal: a short line under an answer, and the prompt for the reason's text.
terminal-feedback-hint = (Did this help? Type + for useful, - for not useful)
terminal-feedback-prompt = Why (Enter to skip):
# Issue 16, the first minute: the hot questions on request.
# The button after answers, suggestions and "I don't know" that shows the hot questions again.
hot-menu-button = Common questions
# The start menu asked for while no category has a hot question (no pins, no traffic yet).
start-menu-empty = The common questions are not ready yet. Please type your question and I will look it up.
