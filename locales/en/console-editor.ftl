# The staff console: the editors' pages (/console/editor, /console/editor/ratings).
console-nav-failures = What fails
console-nav-ratings = Rated not useful
console-role-editor = editor
console-back-to-failures = Back to what fails
console-not-your-role = This page belongs to another role.

console-editor-failures-title = What fails
console-editor-ratings-title = Answers rated not useful
console-editor-change-title = Add as a similar question: the change
console-editor-source-of-truth = The files in knowledge/ stay the source of truth: this page never changes them. It shows the change and offers the changed file for you to review, apply and publish.
console-editor-from = From
console-editor-to = To
console-editor-show = Show
console-editor-bad-range = The dates are not a valid range (YYYY-MM-DD, from before to, at most a year).
console-editor-failures-summary = { $questions ->
    [one] One question
   *[other] { $questions } questions
} the assistant could not answer or only answered with suggestions, in { $groups ->
    [one] one group
   *[other] { $groups } groups
}.
console-editor-failures-capped = Only the latest { $max } answers were read: choose a shorter range to see all.
console-editor-no-failures = No question was left unanswered in this range.
console-editor-group-count = { $count ->
    [one] asked once
   *[other] asked { $count } times
}
console-editor-group-outcomes = "I don't know": { $none } · suggestions: { $suggest } · latest { $latest }
console-editor-examples = Examples (personal data masked)
console-editor-suggested = Entries the search suggested
console-editor-times = { $count ->
    [one] once
   *[other] { $count } times
}
console-editor-question = Question
console-editor-entry = Entry
console-editor-locale = Language
console-editor-locale-zh-cn = Chinese (zh-CN)
console-editor-locale-en = English (en)
console-editor-add-similar = Add as a similar question
console-editor-unknown-entry = There is no such entry in the knowledge files.
console-editor-already-present = The entry has this question already (as its title or a similar question).
console-editor-bad-question = The question must be one line of text.
console-editor-change-failed = The change could not be prepared. Please try again later.
console-editor-file = File
console-editor-before = Search now
console-editor-after = Search with the change
console-editor-outcome-definite = answers with { $entry }
console-editor-outcome-suggest = suggests entries, the first { $entry }
console-editor-outcome-none = says it does not know
console-editor-diff = The change
console-editor-download = Download the changed file
console-editor-apply-hint = To publish it, put the changed file in place of the one in knowledge/, run helpbot check, and release the content as usual.

console-editor-ratings-hint = Ranked by the share of not useful votes, for answers with at least { $min } votes; answers with fewer votes follow. Reasons are counted when students gave one.
console-editor-no-votes = No answer was rated in this range.
console-editor-useful = Useful
console-editor-not-useful = Not useful
console-editor-rate = Not useful rate
console-editor-too-few-votes = too few votes
console-editor-reason-unclear = Unclear
console-editor-reason-did-not-work = Did not work
console-editor-reason-not-what-i-asked = Not what I asked
console-editor-reason-other = Other
console-editor-texts-of = What students wrote about { $entry } (personal data masked)
console-editor-asked = Question answered:
