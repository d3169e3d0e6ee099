# Human handoff: the queue, working hours, tickets and ratings, as the student reads them.

handoff-queued = I have passed you on to human support. You are number { $position } in the queue; the estimated wait is about { $minutes } min.
    You can keep typing while you wait: the agent will see it. To go back to the assistant, press "Stop waiting".
handoff-position = Queue update: you are number { $position }; the estimated wait is about { $minutes } min.
handoff-noted = Noted: the agent will see this when they join. You are number { $position } in the queue (about { $minutes } min).
handoff-cancel-button = Stop waiting
handoff-cancelled = All right, you have left the support queue and are back with the assistant. Ask me anything.
handoff-nothing-to-cancel = You are not waiting for human support now. Ask me anything.
handoff-photo-not-passed = Pictures cannot be passed on to human support; please describe your problem in words.
handoff-taken = { $name } from support has joined and is helping you now.
handoff-transferred = You have been passed on to { $name } from support.
handoff-returned = Support has handed the conversation back to the assistant. Ask me anything.
handoff-closed = Support has ended this conversation. Please rate the help you got (1–5, 5 is best):
handoff-rate-button = { $stars }
handoff-rated = Thank you for rating! If you like, write a few words about it and send them; you don't have to.
handoff-no-comment-button = No comment
handoff-comment-thanks = Thank you, your comment is recorded. Ask me anything else.
handoff-rating-done = All right, thank you! Ask me anything else.
handoff-out-of-hours = Human support is not working now (working hours: { $days } { $opens }–{ $closes }, { $zone }). You can reach them here:
    Hotline { $hotline }
    E-mail { $email }
    Or leave a message here: support will answer it in this conversation when they are back.
handoff-nobody-online = Sorry, no support agent is online now. You can reach them here:
    Hotline { $hotline }
    E-mail { $email }
    Or leave a message here: support will answer it in this conversation.
handoff-leave-message-button = Leave a message
handoff-back = All right. Ask me anything.
handoff-back-button = Back to the assistant
handoff-write-message = Please type your message (one message) and I will pass it on to support. Changed your mind? Press "Back to the assistant".
handoff-ticket-created = Your message has been received. Support's answer will appear in this conversation.
handoff-ticket-answered = Support has answered your message "{ $message }":
handoff-offer-unanswered = Sorry, I still could not answer your question. Shall I pass you on to human support?
handoff-ask-button = Human support
handoff-days-joiner = {", "}
handoff-day-mon = Mon
handoff-day-tue = Tue
handoff-day-wed = Wed
handoff-day-thu = Thu
handoff-day-fri = Fri
handoff-day-sat = Sat
handoff-day-sun = Sun
