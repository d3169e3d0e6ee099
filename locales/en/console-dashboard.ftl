# The editors' dashboard (issue 16): figures per day, charts, dialog funnels, CSV downloads.
console-nav-dashboard = Dashboard
console-nav-funnels = Dialog funnels
console-dashboard-pages = Dashboard pages
console-dashboard-title = Dashboard: what happens
console-dashboard-funnels-title = Dialog funnels
console-dashboard-unknown-table = This page has no table by that name.
console-dashboard-day = Day
console-dashboard-total = Total
console-dashboard-other = Other
console-dashboard-turns = Questions and inputs answered
console-dashboard-outcome-definite = Answered
console-dashboard-outcome-suggest = Suggestions
console-dashboard-outcome-none = Not known
console-dashboard-outcome-smalltalk = Small talk
console-dashboard-outcome-dialog = Dialogs
console-dashboard-outcome-support = With support
console-dashboard-outcome-other = Other
console-dashboard-outcomes-title = Answers per day by outcome
console-dashboard-outcomes-hint = Every message a student sent counts once, by what the assistant did with it: answered from one entry, offered suggestions, did not know, small talk, a step of a dialog, a turn with support, or anything else (buttons, invalid inputs).
console-dashboard-outcomes-table = Answers per day by outcome
console-dashboard-handoffs-title = Handoffs per day by reason
console-dashboard-handoffs = Handoffs
console-dashboard-handoffs-table = Handoffs per day by reason
console-dashboard-reasons-table = Handoffs by reason
console-dashboard-reason = Reason
console-dashboard-share = Share
console-dashboard-ratings-title = Ratings per day
console-dashboard-ratings-hint = Support ratings (1 to 5) count on the day their conversation with support was closed; votes on answers on the day they were given.
console-dashboard-ratings-table = Ratings per day
console-dashboard-support-ratings = Support ratings
console-dashboard-average-rating = Average rating
console-dashboard-tickets-title = Tickets per day
console-dashboard-tickets-table = Tickets per day
console-dashboard-tickets-opened = Opened
console-dashboard-tickets-answered = Answered
console-dashboard-funnels-hint = For the dialogs started in this range: how many runs reached each step (in the order students meet them, each step once per run), and where runs stopped — completed, handed over to support by the dialog, continued in another dialog, abandoned (cancelled, asked for a person, left for another dialog), or still open at that step (the student went away or has not answered yet).
console-dashboard-no-runs = No dialog was started in this range.
console-dashboard-runs = { $runs ->
    [one] 1 run started
   *[other] { $runs } runs started
}
console-dashboard-funnel-table = Steps of { $dialog }
console-dashboard-step = Step
console-dashboard-reached = Reached
console-dashboard-stopped-completed = Completed here
console-dashboard-stopped-handoff = Handed over here
console-dashboard-stopped-next-dialog = Went on to another dialog here
console-dashboard-stopped-abandoned = Abandoned here
console-dashboard-stopped-open = Left here

# Hot questions (issue 16): what a new conversation opens with per category, pinned by editors or from students' questions.
console-nav-hot = Hot questions
console-hot-title = Hot questions
console-hot-table = Hot questions by category
console-hot-category = Category
console-hot-question = Question
console-hot-source = Source
console-hot-conversations = Conversations in the window
console-hot-pinned = Pinned by editors (hot = true)
console-hot-asked = From students' questions
console-hot-counted = Counted over the last { $days } days; last counted at { $time }.
console-hot-not-counted = Students' questions have not been counted yet: only the pinned questions are shown.
console-hot-hint = A new conversation opens with these questions by category: first the entries pinned with hot = true in their knowledge files, then the most asked (distinct conversations answered definitely with the entry; answers to a pressed button do not count) until each category has its places ([hot] per_category).
console-hot-none = There are no hot questions to show: no entry is pinned and no student questions have been counted yet.
