## The web channel (`helpbot serve`): the chat API's errors and the widget's own texts.

# The web API's errors.
api-malformed = The request is not well-formed.
api-too-large = This message is too large. Please shorten it.
api-unknown-conversation = This conversation does not exist. Please reload the page to start again.
api-wrong-token = You may not access this conversation.
api-rate-limited = Too fast: please try again in { $seconds ->
        [one] { $seconds } second
       *[other] { $seconds } seconds
    }.
api-too-many-streams = Too many chat windows are open from your network. Please close some of them, or try again in { $seconds ->
        [one] { $seconds } second
       *[other] { $seconds } seconds
    }.
api-photo-missing = No photo arrived. Please choose the picture again.
api-photo-too-large = The picture is too large (at most 300 KB each). Please compress it and upload it again.
api-feedback-not-answered = Only the answers given in this conversation can be rated.
api-feedback-reason-invalid = A reason goes with a "not useful" vote only, its text with a reason, and the text is at most 500 characters.
api-not-found = There is nothing at this address.
api-method-not-allowed = This address does not accept this kind of request.

# The web widget's own texts.
widget-open = Help
widget-close = Close
widget-title = Student account help
widget-placeholder = Type your question…
widget-send = Send
widget-typing = Typing…
widget-useful = Useful
widget-not-useful = Not useful
widget-thanks-feedback = Thank you for the feedback!
widget-upload = Choose photo
widget-upload-send = Upload
widget-upload-rules = Photos: jpg, png or gif, at most 300 KB each.
widget-photo-too-large = This photo is larger than 300 KB. Please compress it or choose another one.
# How an uploaded photo shows in a resumed conversation.
history-photo = 📷 Photo
widget-reconnecting = Connection lost, reconnecting…
widget-language = 中文
widget-suggestions = You may want to ask:
# Resuming a conversation failed for a passing reason (the service is down, busy, or refused for a
# moment): the conversation is kept and the widget tries again by itself.
widget-resume-retrying = Sorry, your conversation cannot be loaded just now. It is safe: we will try again in a moment.
# A newer window or tab of the same conversation took over the live messages.
widget-replaced = This conversation is open in another window, where new messages now appear. Come back to this window to continue here.
# The service could not be reached at all (no answer from the network).
widget-unavailable = Sorry, the help service cannot be reached just now. Please try again in a moment.

# Feedback that says why (issue 16): the widget's reason field (the reasons are feedback-reason-*).
widget-reason-text-label = What was wrong? (at most 500 characters)
widget-reason-send = Send
widget-reason-skip = Skip
# Issue 16, the first minute: the label of the hot questions' category tabs (for screen readers).
widget-hot-categories = Common questions by category
