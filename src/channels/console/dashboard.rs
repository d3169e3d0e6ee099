//! The editors' dashboard (issue 16; roles editor and supervisor): per day over a date range,
//! the answers by outcome, the handoffs and their reasons, the ratings (support ratings and
//! 有用/没用 votes) and the tickets; and on a page of its own the dialog funnels (how many runs
//! of each dialog reached each step, in the dialog's order, and where the others stopped); and
//! the hot questions a new conversation opens with, per category, pinned or from traffic.
//! Charts are inline SVG (see `chart.rs`) with the same numbers in a table below; every table
//! downloads as CSV (`?format=csv&table=<id>`), built from the very rows the page shows. Every
//! view and download is audited. The figures are the facts stored with each turn (see
//! `store/dashboard.rs`), so the pages stay fast however many messages are kept.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use maud::{Markup, html};
use serde::Deserialize;

use super::ConsoleState;
use super::chart::{self, PALETTE, Series};
use super::editor::{Range, RangeQuery, audit, range_form};
use super::page::{self, html_response, layout};
use super::session::Signed;
use super::texts::Texts;
use crate::assistant::CoreError;
use crate::dialog::runs::step_order;
use crate::handoff::Reason;
use crate::staff::AuditAction;
use crate::store::{DayRange, FunnelCounts, StoreError};

const DASHBOARD_PATH: &str = "/console/editor/dashboard";
const FUNNELS_PATH: &str = "/console/editor/funnels";
const HOT_PATH: &str = "/console/editor/hot";

/// How answers are grouped: the three the editors work on, then the rest by kind.
const OUTCOME_GROUPS: [&str; 7] = [
    "definite",
    "suggest",
    "none",
    "smalltalk",
    "dialog",
    "support",
    "other",
];

const HANDOFF_REASONS: [Reason; 4] = [
    Reason::Asked,
    Reason::DialogStep,
    Reason::FailedInputs,
    Reason::Unanswered,
];

/// The group of a stored outcome (see [`OUTCOME_GROUPS`]).
fn outcome_group(outcome: &str) -> usize {
    match outcome {
        "definite" => 0,
        "suggest" => 1,
        "none" => 2,
        "smalltalk" => 3,
        _ if outcome.starts_with("dialog") => 4,
        _ if outcome.starts_with("handoff") => 5,
        _ => 6,
    }
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct DashboardQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    /// `csv` downloads the table named by `table` instead of showing the page.
    #[serde(default)]
    format: String,
    #[serde(default)]
    table: String,
}

/// A table as the page shows it and the CSV gives it: the first column names the row, the
/// others are numbers.
struct Table {
    id: String,
    caption: String,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn html(&self, link: &str) -> Markup {
        html! {
            div.table-scroll {
                table id=(self.id) {
                    caption { (self.caption) }
                    thead { tr {
                        @for (index, header) in self.headers.iter().enumerate() {
                            @if index == 0 {
                                th scope="col" { (header) }
                            } @else {
                                th.number scope="col" { (header) }
                            }
                        }
                    } }
                    tbody {
                        @for row in &self.rows {
                            tr {
                                @for (index, cell) in row.iter().enumerate() {
                                    @if index == 0 {
                                        th scope="row" { (cell) }
                                    } @else {
                                        td.number { (cell) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            p.download { a href=(link) download { (self.caption) " · CSV" } }
        }
    }

    /// The table as CSV (UTF-8 with a byte-order mark, which spreadsheet programs need to read
    /// Chinese), every cell safe from formula injection.
    fn csv(&self) -> Result<Vec<u8>, csv::Error> {
        let mut writer = csv::Writer::from_writer(Vec::from("\u{feff}".as_bytes()));
        writer.write_record(self.headers.iter().map(|h| safe_cell(h)))?;
        for row in &self.rows {
            writer.write_record(row.iter().map(|cell| safe_cell(cell)))?;
        }
        writer.into_inner().map_err(|err| err.into_error().into())
    }
}

/// A cell a spreadsheet will not run as a formula: text that starts with `=`, `+`, `-`, `@`, a
/// tab or a carriage return gets a leading apostrophe (step names and entry ids come from
/// files, reasons from students).
fn safe_cell(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// The day numbers of a range in the service's time zone.
fn day_range(state: &ConsoleState, range: &Range) -> DayRange {
    DayRange {
        from_day: day_of(range.from),
        to_day: day_of(range.to),
        offset_ms: i64::from(state.utc_offset.local_minus_utc()) * 1000,
    }
}

fn day_of(date: NaiveDate) -> i64 {
    (date - chrono::DateTime::UNIX_EPOCH.date_naive()).num_days()
}

fn date_of(day: i64) -> NaiveDate {
    chrono::DateTime::UNIX_EPOCH.date_naive() + chrono::Duration::days(day)
}

/// The range asked for, `None` when it is no valid range.
fn asked_range(state: &ConsoleState, query: &DashboardQuery) -> Option<Range> {
    RangeQuery {
        from: query.from.clone(),
        to: query.to.clone(),
    }
    .range(state)
}

/// The page that refuses a range.
fn bad_range(signed: &Signed) -> Response {
    page::message(
        &signed.visit.texts,
        Some(signed),
        StatusCode::BAD_REQUEST,
        "console-editor-bad-range",
    )
}

fn store_failure(signed: &Signed, err: StoreError) -> Response {
    page::failure(
        &signed.visit.texts,
        Some(signed),
        &CoreError::from(err).into(),
    )
}

/// A page made, with its tables (for a CSV download) and how its view is audited.
struct Made {
    action: AuditAction,
    title: String,
    tables: Vec<Table>,
    body: Markup,
}

/// The CSV of the table asked for (audited), the page (audited), or the refusal.
async fn answer(
    state: &ConsoleState,
    signed: &Signed,
    query: &DashboardQuery,
    range: &Range,
    made: Made,
) -> Result<Response, Response> {
    let texts = &signed.visit.texts;
    let Made {
        action,
        title,
        tables,
        body,
    } = made;
    if query.format == "csv" {
        let Some(table) = tables.iter().find(|t| t.id == query.table) else {
            return Err(page::message(
                texts,
                Some(signed),
                StatusCode::NOT_FOUND,
                "console-dashboard-unknown-table",
            ));
        };
        let detail = format!("{} {}", table.id, range.detail());
        // Table ids are ASCII words and dialog names (lowercase ASCII and hyphens).
        let name = format!("{}-{}-{}.csv", table.id, range.from, range.to);
        return csv_download(state, signed, table, &detail, &name).await;
    }
    audit(state, signed, action, &range.detail()).await?;
    Ok(html_response(
        StatusCode::OK,
        layout(texts, Some(signed), &title, body),
    ))
}

/// A table of days (rows, labelled by `days`) by series (columns, named by `names`, their
/// values per day in `values`), with each day's total last.
fn daily_table(
    texts: &Texts,
    id: &str,
    caption: String,
    names: &[String],
    days: &[String],
    values: &[Vec<i64>],
) -> Table {
    let mut headers = vec![texts.t("console-dashboard-day")];
    headers.extend(names.iter().cloned());
    headers.push(texts.t("console-dashboard-total"));
    Table {
        id: id.into(),
        caption,
        headers,
        rows: days
            .iter()
            .enumerate()
            .map(|(i, day)| {
                let mut row = vec![day.clone()];
                row.extend(values.iter().map(|series| series[i].to_string()));
                row.push(
                    values
                        .iter()
                        .map(|series| series[i])
                        .sum::<i64>()
                        .to_string(),
                );
                row
            })
            .collect(),
    }
}

/// A table downloaded as the CSV file `name` (ASCII), the download audited with `detail`.
async fn csv_download(
    state: &ConsoleState,
    signed: &Signed,
    table: &Table,
    detail: &str,
    name: &str,
) -> Result<Response, Response> {
    let csv = table.csv().map_err(|err| {
        tracing::error!(error = %err, "console: a CSV could not be written");
        page::message(
            &signed.visit.texts,
            Some(signed),
            StatusCode::INTERNAL_SERVER_ERROR,
            "console-error",
        )
    })?;
    audit(state, signed, AuditAction::EditorTableDownloaded, detail).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        csv,
    )
        .into_response())
}

/// The link that downloads one of the page's tables for the same range.
fn csv_link(path: &str, range: &Range, table: &str) -> String {
    format!(
        "{path}?from={}&to={}&format=csv&table={table}",
        range.from, range.to
    )
}

/// Links between the dashboard's pages and the editors' other pages.
fn sub_navigation(texts: &Texts, current: &str) -> Markup {
    let pages = [
        (DASHBOARD_PATH, "console-nav-dashboard"),
        (FUNNELS_PATH, "console-nav-funnels"),
        (HOT_PATH, "console-nav-hot"),
        ("/console/editor", "console-nav-failures"),
        ("/console/editor/ratings", "console-nav-ratings"),
    ];
    html! {
        nav.sub aria-label=(texts.t("console-dashboard-pages")) {
            @for (path, message) in pages {
                @if path == current {
                    a href=(path) aria-current="page" { (texts.t(message)) }
                } @else {
                    a href=(path) { (texts.t(message)) }
                }
            }
        }
    }
}

/// Answers, handoffs, ratings and tickets per day.
pub(super) async fn overview(
    State(state): State<ConsoleState>,
    signed: Signed,
    Query(query): Query<DashboardQuery>,
) -> Result<Response, Response> {
    let Some(range) = asked_range(&state, &query) else {
        return Err(bad_range(&signed));
    };
    let days = day_range(&state, &range);
    let db = state.assistant.database();
    let outcomes = db
        .daily_outcomes(days)
        .await
        .map_err(|e| store_failure(&signed, e))?;
    let handoffs = db
        .daily_handoffs(days)
        .await
        .map_err(|e| store_failure(&signed, e))?;
    let ratings = db
        .daily_ratings(days)
        .await
        .map_err(|e| store_failure(&signed, e))?;
    let tickets = db
        .daily_tickets(days)
        .await
        .map_err(|e| store_failure(&signed, e))?;
    let texts = &signed.visit.texts;
    let day_numbers: Vec<i64> = (days.from_day..=days.to_day).collect();
    let labels: Vec<String> = day_numbers
        .iter()
        .map(|d| date_of(*d).to_string())
        .collect();
    let index_of = |day: i64| usize::try_from(day - days.from_day).ok();

    // Answers by outcome group per day.
    let mut by_group = vec![vec![0_i64; day_numbers.len()]; OUTCOME_GROUPS.len()];
    for (day, outcome, turns) in &outcomes {
        if let Some(i) = index_of(*day).filter(|i| *i < day_numbers.len()) {
            by_group[outcome_group(outcome)][i] += turns;
        }
    }
    let group_names: Vec<String> = OUTCOME_GROUPS
        .iter()
        .map(|g| texts.t(&format!("console-dashboard-outcome-{g}")))
        .collect();
    let outcome_series: Vec<Series> = by_group
        .iter()
        .enumerate()
        .map(|(g, values)| Series {
            label: group_names[g].clone(),
            color: PALETTE[g % PALETTE.len()],
            values: values.clone(),
        })
        .collect();
    let outcome_table = daily_table(
        texts,
        "outcomes",
        texts.t("console-dashboard-outcomes-table"),
        &group_names,
        &labels,
        &by_group,
    );

    // Handoffs per day and reason.
    let mut by_reason = vec![vec![0_i64; day_numbers.len()]; HANDOFF_REASONS.len() + 1];
    for count in &handoffs {
        let column = HANDOFF_REASONS
            .iter()
            .position(|r| r.as_str() == count.reason)
            .unwrap_or(HANDOFF_REASONS.len());
        if let Some(i) = index_of(count.day).filter(|i| *i < day_numbers.len()) {
            by_reason[column][i] += count.count;
        }
    }
    let mut reason_names: Vec<String> = HANDOFF_REASONS
        .iter()
        .map(|r| texts.t(super::queue::reason_message(*r)))
        .collect();
    reason_names.push(texts.t("console-dashboard-other"));
    let handoff_series: Vec<Series> = by_reason
        .iter()
        .enumerate()
        .map(|(r, values)| Series {
            label: reason_names[r].clone(),
            color: PALETTE[(r + 1) % PALETTE.len()],
            values: values.clone(),
        })
        .collect();
    let handoff_table = daily_table(
        texts,
        "handoffs",
        texts.t("console-dashboard-handoffs-table"),
        &reason_names,
        &labels,
        &by_reason,
    );
    let all_handoffs: i64 = by_reason.iter().flatten().sum();
    let reason_table = Table {
        id: "handoff-reasons".into(),
        caption: texts.t("console-dashboard-reasons-table"),
        headers: vec![
            texts.t("console-dashboard-reason"),
            texts.t("console-dashboard-handoffs"),
            texts.t("console-dashboard-share"),
        ],
        rows: by_reason
            .iter()
            .enumerate()
            .map(|(r, values)| {
                let count: i64 = values.iter().sum();
                vec![
                    reason_names[r].clone(),
                    count.to_string(),
                    percent(count, all_handoffs),
                ]
            })
            .collect(),
    };

    // Ratings and tickets per day.
    let ratings_table = Table {
        id: "ratings".into(),
        caption: texts.t("console-dashboard-ratings-table"),
        headers: vec![
            texts.t("console-dashboard-day"),
            texts.t("console-dashboard-support-ratings"),
            texts.t("console-dashboard-average-rating"),
            texts.t("console-editor-useful"),
            texts.t("console-editor-not-useful"),
        ],
        rows: day_numbers
            .iter()
            .zip(&labels)
            .map(|(day, label)| {
                let day = ratings.get(day).cloned().unwrap_or_default();
                let average = if day.support_ratings > 0 {
                    format!(
                        "{:.1}",
                        day.support_rating_sum as f64 / day.support_ratings as f64
                    )
                } else {
                    "—".into()
                };
                vec![
                    label.clone(),
                    day.support_ratings.to_string(),
                    average,
                    day.useful.to_string(),
                    day.not_useful.to_string(),
                ]
            })
            .collect(),
    };
    let tickets_table = Table {
        id: "tickets".into(),
        caption: texts.t("console-dashboard-tickets-table"),
        headers: vec![
            texts.t("console-dashboard-day"),
            texts.t("console-dashboard-tickets-opened"),
            texts.t("console-dashboard-tickets-answered"),
        ],
        rows: day_numbers
            .iter()
            .zip(&labels)
            .map(|(day, label)| {
                let day = tickets.get(day).cloned().unwrap_or_default();
                vec![
                    label.clone(),
                    day.opened.to_string(),
                    day.answered.to_string(),
                ]
            })
            .collect(),
    };

    let link = |table: &str| csv_link(DASHBOARD_PATH, &range, table);
    let totals: Vec<i64> = by_group.iter().map(|v| v.iter().sum()).collect();
    let answered: i64 = totals.iter().sum();
    let body = html! {
        (sub_navigation(texts, DASHBOARD_PATH))
        (range_form(texts, &range, DASHBOARD_PATH))
        dl.facts #dashboard-totals {
            dt { (texts.t("console-dashboard-turns")) }
            dd data-figure="turns" { (answered) }
            @for (g, name) in group_names.iter().enumerate().take(3) {
                dt { (name) }
                dd data-figure=(OUTCOME_GROUPS[g]) { (totals[g]) " (" (percent(totals[g], answered)) ")" }
            }
            dt { (texts.t("console-dashboard-handoffs")) }
            dd data-figure="handoffs" { (all_handoffs) }
        }
        section #outcomes-section {
            h2 { (texts.t("console-dashboard-outcomes-title")) }
            p.hint { (texts.t("console-dashboard-outcomes-hint")) }
            (chart::stacked_bars("outcomes-chart", &texts.t("console-dashboard-outcomes-title"), &labels, &outcome_series))
            (outcome_table.html(&link("outcomes")))
        }
        section #handoffs-section {
            h2 { (texts.t("console-dashboard-handoffs-title")) }
            (chart::stacked_bars("handoffs-chart", &texts.t("console-dashboard-handoffs-title"), &labels, &handoff_series))
            (handoff_table.html(&link("handoffs")))
            (reason_table.html(&link("handoff-reasons")))
        }
        section #ratings-section {
            h2 { (texts.t("console-dashboard-ratings-title")) }
            p.hint { (texts.t("console-dashboard-ratings-hint")) }
            (ratings_table.html(&link("ratings")))
        }
        section #tickets-section {
            h2 { (texts.t("console-dashboard-tickets-title")) }
            (tickets_table.html(&link("tickets")))
        }
    };
    let title = texts.t("console-dashboard-title");
    let tables = vec![
        outcome_table,
        handoff_table,
        reason_table,
        ratings_table,
        tickets_table,
    ];
    let made = Made {
        action: AuditAction::EditorDashboardViewed,
        title,
        tables,
        body,
    };
    answer(&state, &signed, &query, &range, made).await
}

/// `part` of `whole` as a percentage with no decimals (`—` of nothing).
fn percent(part: i64, whole: i64) -> String {
    if whole <= 0 {
        "—".into()
    } else {
        format!("{:.0} %", part as f64 * 100.0 / whole as f64)
    }
}

/// How runs that stopped at a step ended there, in the funnel's columns.
const STOPS: [&str; 5] = ["completed", "handoff", "next-dialog", "abandoned", "open"];

/// One dialog's funnel: its steps in order with the runs that reached each, and where the runs
/// stopped by how.
struct Funnel {
    dialog: String,
    title: String,
    runs: i64,
    steps: Vec<(String, i64, [i64; STOPS.len()])>,
}

fn funnels(state: &ConsoleState, texts: &Texts, counts: &FunnelCounts) -> Vec<Funnel> {
    let content = state.assistant.content();
    let mut stops: BTreeMap<(&str, &str), [i64; STOPS.len()]> = BTreeMap::new();
    for ((dialog, step, result, _), count) in &counts.stopped {
        let column = match result.as_deref() {
            None => STOPS.len() - 1,
            Some(result) => STOPS.iter().position(|s| *s == result).unwrap_or(3),
        };
        stops.entry((dialog.as_str(), step.as_str())).or_default()[column] += count;
    }
    let mut funnels: Vec<Funnel> = counts
        .runs
        .iter()
        .map(|(dialog, runs)| {
            let known = content.dialogs.get(dialog);
            let mut order = known.map(step_order).unwrap_or_default();
            // Steps the runs reached that the dialog no longer has (the content changed).
            for (reached_dialog, step) in counts.reached.keys() {
                if reached_dialog == dialog && !order.contains(step) {
                    order.push(step.clone());
                }
            }
            let steps = order
                .into_iter()
                .map(|step| {
                    let key = (dialog.clone(), step);
                    let reached = counts.reached.get(&key).copied().unwrap_or(0);
                    let stopped = stops
                        .get(&(dialog.as_str(), key.1.as_str()))
                        .copied()
                        .unwrap_or_default();
                    (key.1, reached, stopped)
                })
                .collect();
            Funnel {
                dialog: dialog.clone(),
                title: known
                    .map(|d| texts.t(&d.title))
                    .unwrap_or_else(|| dialog.clone()),
                runs: *runs,
                steps,
            }
        })
        .collect();
    funnels.sort_by(|a, b| b.runs.cmp(&a.runs).then(a.dialog.cmp(&b.dialog)));
    funnels
}

/// The dialog funnels of the runs started in the range.
pub(super) async fn funnels_page(
    State(state): State<ConsoleState>,
    signed: Signed,
    Query(query): Query<DashboardQuery>,
) -> Result<Response, Response> {
    let Some(range) = asked_range(&state, &query) else {
        return Err(bad_range(&signed));
    };
    let counts = state
        .assistant
        .database()
        .dialog_funnels(day_range(&state, &range))
        .await
        .map_err(|e| store_failure(&signed, e))?;
    let texts = &signed.visit.texts;
    let funnels = funnels(&state, texts, &counts);
    let mut headers = vec![
        texts.t("console-dashboard-step"),
        texts.t("console-dashboard-reached"),
    ];
    headers.extend(
        STOPS
            .iter()
            .map(|stop| texts.t(&format!("console-dashboard-stopped-{stop}"))),
    );
    let tables: Vec<Table> = funnels
        .iter()
        .map(|funnel| Table {
            id: format!("funnel-{}", funnel.dialog),
            caption: texts.with(
                "console-dashboard-funnel-table",
                &[("dialog", funnel.title.clone().into())],
            ),
            headers: headers.clone(),
            rows: funnel
                .steps
                .iter()
                .map(|(step, reached, stopped)| {
                    let mut row = vec![step.clone(), reached.to_string()];
                    row.extend(stopped.iter().map(i64::to_string));
                    row
                })
                .collect(),
        })
        .collect();
    let body = html! {
        (sub_navigation(texts, FUNNELS_PATH))
        (range_form(texts, &range, FUNNELS_PATH))
        p.hint { (texts.t("console-dashboard-funnels-hint")) }
        @if funnels.is_empty() {
            p #no-runs { (texts.t("console-dashboard-no-runs")) }
        }
        @for (funnel, table) in funnels.iter().zip(&tables) {
            section.funnel data-dialog=(funnel.dialog) {
                h2 { (funnel.title) " " span.mono.hint { (funnel.dialog) } }
                p data-figure="runs" {
                    (texts.with("console-dashboard-runs", &[("runs", funnel.runs.into())]))
                }
                @let bars: Vec<(String, i64)> = funnel.steps.iter().map(|(s, n, _)| (s.clone(), *n)).collect();
                (chart::funnel(&format!("chart-{}", funnel.dialog), &funnel.title, &bars))
                (table.html(&csv_link(FUNNELS_PATH, &range, &table.id)))
            }
        }
    };
    let title = texts.t("console-dashboard-funnels-title");
    let made = Made {
        action: AuditAction::EditorFunnelsViewed,
        title,
        tables,
        body,
    };
    answer(&state, &signed, &query, &range, made).await
}

/// The hot questions a new conversation opens with now, per category: the editors' pins first,
/// then the entries most asked over the configured window, each with its number of
/// conversations in that window (the count the background task made last; pins too, so an
/// editor sees whether a pin is still asked). One table, downloadable as CSV.
pub(super) async fn hot_page(
    State(state): State<ConsoleState>,
    signed: Signed,
    Query(query): Query<DashboardQuery>,
) -> Result<Response, Response> {
    let texts = &signed.visit.texts;
    let hot = state.assistant.hot_questions();
    let traffic = state.assistant.hot_traffic().current();
    let asked: BTreeMap<&str, i64> = traffic
        .asked
        .iter()
        .map(|asked| (asked.entry_id.as_str(), asked.conversations))
        .collect();
    let content = state.assistant.content();
    let title_of = |id: &str| {
        content.knowledge.entry(id).map_or_else(
            || id.to_string(),
            |entry| entry.localized(texts.locale).title.clone(),
        )
    };
    let mut rows = Vec::new();
    for category in &hot.categories {
        let name = texts.t(&format!("category-{}", category.category));
        for id in category.entry_ids() {
            let source = if category.pinned.iter().any(|pinned| pinned == id) {
                "console-hot-pinned"
            } else {
                "console-hot-asked"
            };
            rows.push(vec![
                name.clone(),
                title_of(id),
                texts.t(source),
                asked.get(id).copied().unwrap_or(0).to_string(),
            ]);
        }
    }
    let table = Table {
        id: "hot".to_string(),
        caption: texts.t("console-hot-table"),
        headers: vec![
            texts.t("console-hot-category"),
            texts.t("console-hot-question"),
            texts.t("console-hot-source"),
            texts.t("console-hot-conversations"),
        ],
        rows,
    };
    if query.format == "csv" {
        if query.table != table.id {
            return Err(page::message(
                texts,
                Some(&signed),
                StatusCode::NOT_FOUND,
                "console-dashboard-unknown-table",
            ));
        }
        return csv_download(&state, &signed, &table, "hot", "hot-questions.csv").await;
    }
    let counted = match traffic.counted_at {
        Some(at) => texts.with(
            "console-hot-counted",
            &[
                ("days", hot.window_days.into()),
                ("time", texts.time(at).into()),
            ],
        ),
        None => texts.t("console-hot-not-counted"),
    };
    // Two cells a row in the table above: the whole table is shown as it is downloaded.
    let cells = html! {
        div.table-scroll {
            table id=(table.id) {
                caption { (table.caption) }
                thead { tr {
                    @for (index, header) in table.headers.iter().enumerate() {
                        @if index == 3 { th.number scope="col" { (header) } } @else { th scope="col" { (header) } }
                    }
                } }
                tbody {
                    @for row in &table.rows {
                        tr {
                            @for (index, cell) in row.iter().enumerate() {
                                @if index == 3 { td.number { (cell) } } @else { td { (cell) } }
                            }
                        }
                    }
                }
            }
        }
        p.download { a href={ (HOT_PATH) "?format=csv&table=hot" } download { (table.caption) " · CSV" } }
    };
    let body = html! {
        (sub_navigation(texts, HOT_PATH))
        p.hint #hot-counted { (counted) }
        p.hint { (texts.t("console-hot-hint")) }
        @if table.rows.is_empty() {
            p #no-hot { (texts.t("console-hot-none")) }
        } @else {
            (cells)
        }
    };
    audit(&state, &signed, AuditAction::EditorHotViewed, "").await?;
    let title = texts.t("console-hot-title");
    Ok(html_response(
        StatusCode::OK,
        layout(texts, Some(&signed), &title, body),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_fall_into_their_groups() {
        assert_eq!(OUTCOME_GROUPS[outcome_group("definite")], "definite");
        assert_eq!(OUTCOME_GROUPS[outcome_group("none")], "none");
        assert_eq!(OUTCOME_GROUPS[outcome_group("dialog-failed")], "dialog");
        assert_eq!(OUTCOME_GROUPS[outcome_group("handoff-queued")], "support");
        assert_eq!(OUTCOME_GROUPS[outcome_group("picked")], "other");
    }

    #[test]
    fn a_cell_cannot_be_a_formula() {
        assert_eq!(safe_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(safe_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(safe_cell("-1+2"), "'-1+2");
        assert_eq!(safe_cell("2026-01-01"), "2026-01-01");
    }

    #[test]
    fn a_table_downloads_as_the_rows_it_shows() {
        let table = Table {
            id: "t".into(),
            caption: "T".into(),
            headers: vec!["日期".into(), "n".into()],
            rows: vec![
                vec!["2026-01-01".into(), "3".into()],
                vec!["+x".into(), "1".into()],
            ],
        };
        let csv = String::from_utf8(table.csv().expect("csv")).expect("utf-8");
        assert_eq!(csv, "\u{feff}日期,n\n2026-01-01,3\n'+x,1\n");
    }

    #[test]
    fn days_are_numbered_from_1970() {
        let day = NaiveDate::from_ymd_opt(2024, 1, 1).expect("a date");
        assert_eq!(day_of(day), 19_723);
        assert_eq!(date_of(19_723), day);
    }
}
