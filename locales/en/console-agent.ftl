# The agents' workspace in the console: the queue and conversations (/console/queue, /console/conversations/…).
console-nav-queue = Queue and conversations
console-agent-queue-title = Conversations waiting
console-agent-queue-heading = Waiting for a person
console-agent-queue-live-hint = This page updates itself; no need to reload. First come, first served: please take number 1 first.
console-agent-queue-count = { $count ->
    [0] Nobody is waiting.
    [one] One student is waiting.
   *[other] { $count } students are waiting.
}
console-agent-mine-heading = My conversations
console-agent-mine-none = You have no conversation now.
console-agent-open = Open the conversation
console-agent-position = Place
console-agent-reason = Why handed over
console-agent-reason-asked = The student asked for a person
console-agent-reason-dialog-step = A dialog needs a person
console-agent-reason-failed-inputs = Inputs failed several times
console-agent-reason-unanswered = The knowledge base had no answer
console-agent-channel = Channel
console-agent-channel-web = Web
console-agent-channel-telegram = Telegram
console-agent-channel-terminal = Terminal
console-agent-language = Language
console-agent-language-zh = Chinese
console-agent-language-en = English
console-agent-last-question = The student's last question
console-agent-take = Take
console-agent-taken-by = { $name } took this conversation first.
console-agent-not-waiting = This conversation is no longer waiting.
console-agent-take-first = This conversation is waiting: take it from the queue first to read and answer it.
console-agent-not-yours = This conversation is not yours: you cannot see or act on it.
console-agent-no-longer-yours = This conversation is no longer yours (transferred, handed back or closed); it is not updated any more.
console-agent-back-to-queue = Back to the queue

# A conversation
console-agent-conversation-title = Conversation
console-agent-history = The whole conversation
console-agent-from-student = Student
console-agent-from-bot = Bot
console-agent-from-agent = Agent
console-agent-from-person = Agent { $name }
console-agent-reveal = Show in full
console-agent-revealed = Shown in full (this is in the audit log).
console-agent-nothing-to-reveal = Only one of the student's own messages can be shown in full.
console-agent-summary = Summary
console-agent-asked-at = Handed over at
console-agent-dialog = Dialog and step
console-agent-summary-lines = Latest lines (masked)
console-agent-reply-heading = Reply to the student
console-agent-canned-label = Find an answer in the knowledge base
console-agent-canned-hint = Type to search, in the student's language; the answer you pick goes into the reply box, to edit before sending.
console-agent-reply-label = Your reply (the student sees your display name)
console-agent-send = Send
console-agent-notes = Internal notes
console-agent-notes-hint = Notes are for staff only; the student never sees them.
console-agent-no-notes = No notes yet.
console-agent-note-label = New note
console-agent-add-note = Add the note
console-agent-actions = Actions
console-agent-transfer-to = Transfer to an agent online
console-agent-nobody-to-transfer = No other agent is online.
console-agent-transfer = Transfer
console-agent-transfer-unknown = That agent is not online: the conversation was not transferred.
console-agent-transferred = Transferred to { $name }.
console-agent-hand-back-into = Hand back to the bot, into a dialog (optional)
console-agent-no-dialog = No dialog
console-agent-hand-back = Hand back to the bot
console-agent-handed-back = The conversation is back with the bot.
console-agent-close-hint = When you close it, the student is asked to rate the help.
console-agent-close = Close the conversation
console-agent-closed = The conversation is closed; the student was asked for a rating.
console-agent-empty-text = The text is empty. Please type something first.
console-agent-text-too-long = The text is too long: { $max } characters at most.
console-agent-unknown-dialog = There is no such dialog. Please pick one from the list.
console-agent-offline = { $name } is not online: the conversation was not transferred.
console-agent-canned-heading = Answers from the knowledge base
