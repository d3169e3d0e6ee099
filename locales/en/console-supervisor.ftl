# The staff console: the supervisor view and the tickets students left (/console/supervisor,
# /console/tickets).
console-nav-tickets = Tickets
console-nav-supervisor = Support today

# The supervisor view
console-supervisor-title = Support today
console-supervisor-link = Support today: agents, queue, handoffs, tickets and ratings
console-supervisor-agents = Agents
console-supervisor-agents-online = { $count ->
    [0] No agent is online.
    [one] One agent is online.
   *[other] { $count } agents are online.
}
console-supervisor-agent = Agent
console-supervisor-presence = Presence
console-supervisor-load = Conversations owned now
console-supervisor-online = online
console-supervisor-offline = offline (still owns conversations)
console-supervisor-queue = Queue
console-supervisor-waiting = Waiting now
console-supervisor-longest-wait = Longest wait
console-supervisor-nobody-waits = nobody is waiting
console-supervisor-today = Today
console-supervisor-today-since = Counted since { $since } (midnight on support's clock).
console-supervisor-handoffs = Handed to a person
console-supervisor-taken = Taken by an agent
console-supervisor-cancelled = Went back to the bot before being taken
console-supervisor-tickets-opened = Tickets left
console-supervisor-tickets-answered = Tickets answered
console-supervisor-ratings = Ratings (of conversations closed today)
console-supervisor-average = Average rating
console-supervisor-distribution = Ratings today by stars
console-supervisor-stars = { $stars ->
    [one] 1 star
   *[other] { $stars } stars
}
console-supervisor-comments = Latest comments
console-supervisor-no-comments = No student has left a comment yet.
console-supervisor-to-tickets = Open tickets

# Tickets
console-tickets-title = Tickets
console-tickets-ticket-title = Ticket
console-tickets-empty = No ticket is open.
console-tickets-count = { $count ->
    [one] One ticket is open, oldest first.
   *[other] { $count } tickets are open, oldest first.
}
console-tickets-left = Left
console-tickets-reason = Why it came to support
console-tickets-channel = Channel and language
console-tickets-message = Message
console-tickets-open = Open the ticket
console-tickets-reason-asked = The student asked for a person
console-tickets-reason-dialog-step = A dialog handed over
console-tickets-reason-failed-inputs = Three inputs a dialog could not take
console-tickets-reason-unanswered = Questions the knowledge base could not answer
console-tickets-summary = Where the student was
console-tickets-dialog = Dialog { $dialog }, step { $step }
console-tickets-no-lines = Nothing was said before the message.
console-tickets-answer-heading = Answer
console-tickets-answer-label = Your answer to the student
console-tickets-answer-hint = The student sees it in their conversation, signed { $name }. A ticket is answered once.
console-tickets-send = Send the answer
console-tickets-answered-heading = Answered
console-tickets-answered-by = { $name } answered on { $time }:
console-tickets-back = Back to the tickets
console-tickets-unknown = There is no such ticket.
console-tickets-empty-text = The answer was empty. Please go back and type it.
console-tickets-too-long = The answer is too long. Please go back and shorten it.
console-tickets-already = This ticket was answered already.
console-tickets-sent-title = Answer sent
console-tickets-sent = The answer is in the student's conversation.
