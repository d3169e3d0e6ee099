//! The editors' pages (role `editor`, and supervisors): "what fails" — the questions the
//! assistant answered "I don't know" or only with suggestions over a date range, grouped by
//! similarity with counts, examples (personal data masked) and the entries suggested — and the
//! answers ranked by their 没用 rate with the reasons students gave. From a group, "add as a
//! similar question" shows the change to the entry's file as a diff, what the search answers
//! before and after it, and offers the changed file as a download: nothing is written to
//! `knowledge/`, the files stay the source of truth. Every view and change is audited.

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{Duration, NaiveDate, TimeZone};
use maud::{Markup, html};
use serde::Deserialize;

use super::ConsoleState;
use super::page::{self, html_response, layout};
use super::session::Signed;
use super::texts::Texts;
use crate::assistant::CoreError;
use crate::insights::{
    ChangeError, EntryRating, FailureGroup, MIN_VOTES_TO_RANK, SearchSummary, SimilarChange,
    group_failures, prepare_similar_question_change, rank_by_not_useful,
};
use crate::knowledge::Outcome;
use crate::knowledge::edit::EditError;
use crate::locale::Locale;
use crate::message::FeedbackReason;
use crate::staff::{AuditAction, AuditEntry};
use crate::store::{Database, MAX_LOW_CONFIDENCE_ANSWERS, StoreError};

/// Days the pages look back by default.
const DEFAULT_DAYS: i64 = 30;
/// The longest range one view reads.
const MAX_DAYS: i64 = 366;
/// Groups shown on "what fails".
const GROUPS_SHOWN: usize = 50;
/// Reason texts shown per entry.
const TEXTS_SHOWN: usize = 10;

#[derive(Debug, Default, Deserialize)]
pub(super) struct RangeQuery {
    #[serde(default)]
    pub(super) from: String,
    #[serde(default)]
    pub(super) to: String,
}

/// A date range in the service's time zone, `to` included.
pub(super) struct Range {
    pub(super) from: NaiveDate,
    pub(super) to: NaiveDate,
    from_ms: i64,
    to_ms: i64,
}

impl RangeQuery {
    /// The range asked for (the last [`DEFAULT_DAYS`] days by default), or `None` when a date is
    /// malformed, reversed or spans more than [`MAX_DAYS`].
    pub(super) fn range(&self, state: &ConsoleState) -> Option<Range> {
        let offset = state.utc_offset;
        let today = chrono::Utc::now().with_timezone(&offset).date_naive();
        let parse = |text: &str, default: NaiveDate| {
            let text = text.trim();
            if text.is_empty() {
                Some(default)
            } else {
                NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
            }
        };
        let to = parse(&self.to, today)?;
        let from = parse(&self.from, to - Duration::days(DEFAULT_DAYS - 1))?;
        if from > to || (to - from).num_days() >= MAX_DAYS {
            return None;
        }
        let midnight = |day: NaiveDate| {
            day.and_hms_opt(0, 0, 0)
                .and_then(|at| offset.from_local_datetime(&at).single())
                .map(|at| at.timestamp_millis())
        };
        Some(Range {
            from,
            to,
            from_ms: midnight(from)?,
            to_ms: midnight(to.succ_opt()?)?,
        })
    }
}

impl Range {
    pub(super) fn detail(&self) -> String {
        format!("{} .. {}", self.from, self.to)
    }
}

/// "What fails": low-confidence questions grouped.
pub(super) async fn failures(
    State(state): State<ConsoleState>,
    signed: Signed,
    Query(query): Query<RangeQuery>,
) -> Result<Response, Response> {
    let load = async |db: &Database, range: &Range| {
        db.low_confidence_answers(range.from_ms, range.to_ms).await
    };
    let (range, answers) = view(
        &state,
        &signed,
        &query,
        AuditAction::EditorFailuresViewed,
        load,
    )
    .await?;
    let texts = &signed.visit.texts;
    let content = state.assistant.content();
    let knowledge = &content.knowledge;
    let groups = group_failures(knowledge.analyzer(), &answers);
    let mut entries: Vec<(String, String)> = knowledge
        .entries()
        .iter()
        .map(|entry| {
            (
                entry.id.clone(),
                entry.localized(texts.locale).title.clone(),
            )
        })
        .collect();
    entries.sort();
    let title_of = |id: &str| {
        knowledge
            .entry(id)
            .map(|entry| entry.localized(texts.locale).title.clone())
    };
    let body = html! {
        (range_form(texts, &range, "/console/editor"))
        p.hint { (texts.t("console-editor-source-of-truth")) }
        p #failures-summary {
            (texts.with("console-editor-failures-summary", &[
                ("questions", answers.len().into()),
                ("groups", groups.len().into()),
            ]))
        }
        @if answers.len() as i64 >= MAX_LOW_CONFIDENCE_ANSWERS {
            p.hint { (texts.with("console-editor-failures-capped", &[("max", MAX_LOW_CONFIDENCE_ANSWERS.into())])) }
        }
        @if groups.is_empty() {
            p { (texts.t("console-editor-no-failures")) }
        }
        ol.failure-groups #failure-groups {
            @for (index, group) in groups.iter().take(GROUPS_SHOWN).enumerate() {
                (group_part(texts, &signed, index, group, &entries, &title_of))
            }
        }
    };
    let title = texts.t("console-editor-failures-title");
    Ok(html_response(
        StatusCode::OK,
        layout(texts, Some(&signed), &title, body),
    ))
}

pub(super) fn range_form(texts: &Texts, range: &Range, action: &str) -> Markup {
    html! {
        form.range method="get" action=(action) {
            label for="from" { (texts.t("console-editor-from")) }
            input #from type="date" name="from" value=(range.from.to_string());
            label for="to" { (texts.t("console-editor-to")) }
            input #to type="date" name="to" value=(range.to.to_string());
            button type="submit" { (texts.t("console-editor-show")) }
        }
    }
}

fn group_part(
    texts: &Texts,
    signed: &Signed,
    index: usize,
    group: &FailureGroup,
    entries: &[(String, String)],
    title_of: &dyn Fn(&str) -> Option<String>,
) -> Markup {
    let first = group.examples.first().cloned().unwrap_or_default();
    let preselected = group.suggested.first().map(|(id, _)| id.as_str());
    let locale = crate::text::likely_language(&first);
    html! {
        li.failure-group data-count=(group.count) {
            h2 {
                span.count { (texts.with("console-editor-group-count", &[("count", group.count.into())])) }
                " · " (first)
            }
            p.hint { (texts.with("console-editor-group-outcomes", &[
                ("none", group.none.into()),
                ("suggest", group.suggest.into()),
                ("latest", texts.time(group.latest_at).into()),
            ])) }
            h3 { (texts.t("console-editor-examples")) }
            ul.examples {
                @for example in &group.examples { li { (example) } }
            }
            @if !group.suggested.is_empty() {
                h3 { (texts.t("console-editor-suggested")) }
                ul.suggested {
                    @for (id, times) in &group.suggested {
                        li {
                            span.mono { (id) } " "
                            (title_of(id).unwrap_or_default()) " "
                            span.hint { (texts.with("console-editor-times", &[("count", (*times).into())])) }
                        }
                    }
                }
            }
            form.add-similar method="post" action="/console/editor/similar" {
                input type="hidden" name="csrf" value=(signed.session.csrf);
                label for={ "question-" (index) } { (texts.t("console-editor-question")) }
                input type="text" id={ "question-" (index) } name="question" value=(first) maxlength="200" required;
                label for={ "entry-" (index) } { (texts.t("console-editor-entry")) }
                select id={ "entry-" (index) } name="entry" {
                    @for (id, title) in entries {
                        option value=(id) selected[Some(id.as_str()) == preselected] { (id) " · " (title) }
                    }
                }
                label for={ "locale-" (index) } { (texts.t("console-editor-locale")) }
                select id={ "locale-" (index) } name="locale" {
                    @for option in Locale::ALL {
                        option value=(option.tag()) selected[option == locale] { (texts.t(locale_message(option))) }
                    }
                }
                button type="submit" { (texts.t("console-editor-add-similar")) }
            }
        }
    }
}

fn locale_message(locale: Locale) -> &'static str {
    match locale {
        Locale::ZhCn => "console-editor-locale-zh-cn",
        Locale::En => "console-editor-locale-en",
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct SimilarForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    question: String,
    #[serde(default)]
    entry: String,
    #[serde(default)]
    locale: String,
}

/// The change "add as a similar question" would make, or the page that refuses it.
async fn prepared(
    state: &ConsoleState,
    signed: &Signed,
    headers: &HeaderMap,
    form: Result<Form<SimilarForm>, FormRejection>,
    action: AuditAction,
) -> Result<(SimilarForm, Locale, SimilarChange), Response> {
    let texts = &signed.visit.texts;
    let Ok(Form(form)) = form else {
        return Err(page::message(
            texts,
            Some(signed),
            StatusCode::BAD_REQUEST,
            "console-bad-form",
        ));
    };
    if let Some(refused) = signed.csrf_refusal(&form.csrf, headers) {
        return Err(refused);
    }
    let Some(locale) = Locale::ALL.into_iter().find(|l| l.tag() == form.locale) else {
        return Err(page::message(
            texts,
            Some(signed),
            StatusCode::BAD_REQUEST,
            "console-bad-form",
        ));
    };
    let content = state.assistant.content();
    let change = prepare_similar_question_change(
        &content,
        &state.knowledge_dir,
        &form.entry,
        locale,
        &form.question,
    );
    let change = match change {
        Ok(change) => change,
        Err(err) => {
            let (status, message) = match &err {
                ChangeError::UnknownEntry(_) => {
                    (StatusCode::NOT_FOUND, "console-editor-unknown-entry")
                }
                ChangeError::Edit(EditError::AlreadyPresent) => {
                    (StatusCode::CONFLICT, "console-editor-already-present")
                }
                ChangeError::Edit(EditError::BadQuestion) => {
                    (StatusCode::BAD_REQUEST, "console-editor-bad-question")
                }
                _ => {
                    tracing::error!(error = %err, entry = %form.entry, "console: a knowledge change could not be prepared");
                    (
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "console-editor-change-failed",
                    )
                }
            };
            return Err(page::message(texts, Some(signed), status, message));
        }
    };
    let detail = format!(
        "{} [{}]: {}",
        form.entry,
        locale.tag(),
        form.question.trim()
    );
    audit(state, signed, action, &detail).await?;
    Ok((form, locale, change))
}

/// "Add as a similar question": the diff, the search before and after, the download.
pub(super) async fn similar(
    State(state): State<ConsoleState>,
    signed: Signed,
    headers: HeaderMap,
    form: Result<Form<SimilarForm>, FormRejection>,
) -> Response {
    let (form, locale, change) = match prepared(
        &state,
        &signed,
        &headers,
        form,
        AuditAction::EditorChangePrepared,
    )
    .await
    {
        Ok(prepared) => prepared,
        Err(response) => return response,
    };
    let texts = &signed.visit.texts;
    let body = html! {
        p.hint { (texts.t("console-editor-source-of-truth")) }
        dl.facts {
            dt { (texts.t("console-editor-question")) }
            dd #change-question { (form.question.trim()) }
            dt { (texts.t("console-editor-entry")) }
            dd.mono { (form.entry) }
            dt { (texts.t("console-editor-locale")) }
            dd { (texts.t(locale_message(locale))) }
            dt { (texts.t("console-editor-file")) }
            dd.mono #change-file { (change.file_name) }
            dt { (texts.t("console-editor-before")) }
            dd #search-before { (summary(texts, &change.before)) }
            dt { (texts.t("console-editor-after")) }
            dd #search-after { (summary(texts, &change.after)) }
        }
        h2 { (texts.t("console-editor-diff")) }
        pre.diff #diff {
            @for line in change.prepared.diff.lines() {
                @let class = diff_class(line);
                span class=(class) { (line) } "\n"
            }
        }
        form method="post" action="/console/editor/similar/file" {
            input type="hidden" name="csrf" value=(signed.session.csrf);
            input type="hidden" name="question" value=(form.question);
            input type="hidden" name="entry" value=(form.entry);
            input type="hidden" name="locale" value=(locale.tag());
            button #download type="submit" { (texts.t("console-editor-download")) }
        }
        p.hint { (texts.t("console-editor-apply-hint")) }
        p { a href="/console/editor" { (texts.t("console-back-to-failures")) } }
    };
    let title = texts.t("console-editor-change-title");
    html_response(StatusCode::OK, layout(texts, Some(&signed), &title, body))
}

fn diff_class(line: &str) -> &'static str {
    if line.starts_with("+++") || line.starts_with("---") || line.starts_with("@@") {
        "meta"
    } else if line.starts_with('+') {
        "added"
    } else if line.starts_with('-') {
        "removed"
    } else {
        "same"
    }
}

fn summary(texts: &Texts, summary: &SearchSummary) -> String {
    let outcome = match summary.outcome {
        Outcome::Definite => "console-editor-outcome-definite",
        Outcome::Suggest => "console-editor-outcome-suggest",
        Outcome::None => "console-editor-outcome-none",
    };
    texts.with(
        outcome,
        &[(
            "entry",
            summary
                .top
                .clone()
                .unwrap_or_else(|| "—".to_string())
                .into(),
        )],
    )
}

/// The changed entry file as a download (never written on the server).
pub(super) async fn similar_file(
    State(state): State<ConsoleState>,
    signed: Signed,
    headers: HeaderMap,
    form: Result<Form<SimilarForm>, FormRejection>,
) -> Response {
    let (_, _, change) = match prepared(
        &state,
        &signed,
        &headers,
        form,
        AuditAction::EditorChangeDownloaded,
    )
    .await
    {
        Ok(prepared) => prepared,
        Err(response) => return response,
    };
    // Entry file names are ids (lowercase ASCII words joined by hyphens), safe in the header.
    let name = change
        .file_name
        .rsplit('/')
        .next()
        .filter(|name| {
            name.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        })
        .unwrap_or("entry.md")
        .to_string();
    (
        [
            (
                header::CONTENT_TYPE,
                "text/markdown; charset=utf-8".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        change.prepared.changed,
    )
        .into_response()
}

/// Answers ranked by their 没用 rate, with the reasons.
pub(super) async fn ratings(
    State(state): State<ConsoleState>,
    signed: Signed,
    Query(query): Query<RangeQuery>,
) -> Result<Response, Response> {
    let load =
        async |db: &Database, range: &Range| db.entry_votes(range.from_ms, range.to_ms).await;
    let (range, votes) = view(
        &state,
        &signed,
        &query,
        AuditAction::EditorRatingsViewed,
        load,
    )
    .await?;
    let texts = &signed.visit.texts;
    let ratings = rank_by_not_useful(&state.assistant.content().knowledge, texts.locale, votes);
    let body = html! {
        (range_form(texts, &range, "/console/editor/ratings"))
        p.hint { (texts.with("console-editor-ratings-hint", &[("min", MIN_VOTES_TO_RANK.into())])) }
        @if ratings.is_empty() {
            p { (texts.t("console-editor-no-votes")) }
        } @else {
            table #ratings {
                thead { tr {
                    th scope="col" { (texts.t("console-editor-entry")) }
                    th scope="col" { (texts.t("console-editor-useful")) }
                    th scope="col" { (texts.t("console-editor-not-useful")) }
                    th scope="col" { (texts.t("console-editor-rate")) }
                    @for reason in FeedbackReason::ALL {
                        th scope="col" { (texts.t(reason_message(reason))) }
                    }
                } }
                tbody {
                    @for rating in &ratings { (rating_row(texts, rating)) }
                }
            }
            @for rating in ratings.iter().filter(|r| !r.votes.texts.is_empty()) {
                section.reason-texts data-entry=(rating.votes.entry_id) {
                    h2 { (texts.with("console-editor-texts-of", &[("entry", rating.votes.entry_id.clone().into())])) }
                    ul.comments {
                        @for given in rating.votes.texts.iter().take(TEXTS_SHOWN) {
                            li {
                                span.hint { (texts.t(reason_message(given.reason))) " · " (texts.time(given.at)) }
                                @if let Some(question) = &given.question {
                                    p.asked { (texts.t("console-editor-asked")) " " (crate::pii::mask(question)) }
                                }
                                blockquote { (crate::pii::mask(&given.text)) }
                            }
                        }
                    }
                }
            }
        }
    };
    let title = texts.t("console-editor-ratings-title");
    Ok(html_response(
        StatusCode::OK,
        layout(texts, Some(&signed), &title, body),
    ))
}

fn rating_row(texts: &Texts, rating: &EntryRating) -> Markup {
    let votes = &rating.votes;
    html! {
        tr data-entry=(votes.entry_id) {
            td {
                span.mono { (votes.entry_id) }
                @if let Some(title) = &rating.title { br; (title) }
            }
            td.number data-figure="useful" { (votes.useful) }
            td.number data-figure="not-useful" { (votes.not_useful) }
            td.number data-figure="rate" {
                @if rating.ranked {
                    (format!("{:.0} %", rating.not_useful_rate * 100.0))
                } @else {
                    span.hint { (texts.t("console-editor-too-few-votes")) }
                }
            }
            @for reason in FeedbackReason::ALL {
                td.number data-reason=(reason.as_str()) { (votes.reasons.get(&reason).copied().unwrap_or(0)) }
            }
        }
    }
}

fn reason_message(reason: FeedbackReason) -> &'static str {
    match reason {
        FeedbackReason::Unclear => "console-editor-reason-unclear",
        FeedbackReason::DidNotWork => "console-editor-reason-did-not-work",
        FeedbackReason::NotWhatIAsked => "console-editor-reason-not-what-i-asked",
        FeedbackReason::Other => "console-editor-reason-other",
    }
}

/// The date range a view asks for, what `load` reads for it and the view's audit line; or the
/// page that refuses or fails.
async fn view<T>(
    state: &ConsoleState,
    signed: &Signed,
    query: &RangeQuery,
    action: AuditAction,
    load: impl AsyncFnOnce(&Database, &Range) -> Result<T, StoreError>,
) -> Result<(Range, T), Response> {
    let texts = &signed.visit.texts;
    let Some(range) = query.range(state) else {
        return Err(page::message(
            texts,
            Some(signed),
            StatusCode::BAD_REQUEST,
            "console-editor-bad-range",
        ));
    };
    let loaded = load(state.assistant.database(), &range)
        .await
        .map_err(|err| page::failure(texts, Some(signed), &CoreError::from(err).into()))?;
    audit(state, signed, action, &range.detail()).await?;
    Ok((range, loaded))
}

/// One audit line for an editor's view or change; a page that cannot be audited is not served.
pub(super) async fn audit(
    state: &ConsoleState,
    signed: &Signed,
    action: AuditAction,
    detail: &str,
) -> Result<(), Response> {
    let member = &signed.session.member;
    state
        .staff
        .audit(AuditEntry {
            address: Some(&signed.visit.address),
            detail: Some(detail),
            ..AuditEntry::new(Some(&member.id), action)
        })
        .await
        .map_err(|err| page::failure(&signed.visit.texts, Some(signed), &err.into()))
}
