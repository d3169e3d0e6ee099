//! The service's metrics, in Prometheus text format: every metric name and label set in one
//! place, the recording calls the core makes where things happen, and the rendering of a scrape
//! (`/metrics`; how it is exposed, on a separate address or behind a token, is the web channel's:
//! `channels::web::metrics`).
//!
//! Each assistant (`assistant::Assistant`) owns its [`Metrics`](crate::metrics::Metrics): a
//! recorder of its own, not the process-wide one of the `metrics` facade, so that two servers in
//! one process (the tests, a benchmark) never count each other's turns and nothing needs
//! installing once. Recording is off ([`Metrics::disabled`](crate::metrics::Metrics::disabled))
//! unless the configuration exposes `/metrics`: then every call is one branch and nothing is kept.
//!
//! Counted as it happens (counters and one histogram, kept in memory): messages by channel and
//! outcome, the turn's server time, dialog starts, completions and abandonments, handoffs, the
//! account store's actions and refusals, HTTP responses. Read from the truth at scrape time
//! ([`ScrapeFigures`](crate::metrics::ScrapeFigures)): the handoff queue (from the database, so
//! every instance agrees), the database pools and the content version in use.
//!
//! No label carries personal data or anything a user chooses freely: labels are bounded sets
//! (channel, outcome, dialog and action names from the content and the code, reason codes, route
//! templates, HTTP status codes). A dialog that is left without a word (the student closes the
//! tab) is not an abandonment anyone can see at that moment: it stays "in progress", so
//! `starts = completions + abandonments + dialogs in progress or silently left`.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

use metrics::{Key, KeyName, Label, Level, Metadata, Recorder, SharedString};
use metrics_exporter_prometheus::{
    Matcher, PrometheusBuilder, PrometheusHandle, PrometheusRecorder,
};

use crate::store::PoolUse;

/// Inputs handled (one per turn), by `channel` and the reply's `outcome` (`definite`, `suggest`,
/// `none`, `dialog`, `handoff`, …; `error` when the turn failed).
pub const MESSAGES: &str = "helpbot_messages_total";
/// Server time of a turn, from the input's arrival at the core to the stored reply, by `channel`.
pub const TURN_SECONDS: &str = "helpbot_turn_duration_seconds";
/// Dialogs entered at their start, by `dialog`.
pub const DIALOG_STARTS: &str = "helpbot_dialog_starts_total";
/// Dialogs that reached an end their file designs, by `dialog` and `ending` ([`DialogEnding`]).
pub const DIALOG_COMPLETIONS: &str = "helpbot_dialog_completions_total";
/// Dialogs left before such an end, by `dialog` and `reason` ([`Abandonment`]).
pub const DIALOG_ABANDONMENTS: &str = "helpbot_dialog_abandonments_total";
/// Conversations handed to human support, by `reason` (`asked`, `dialog-step`, `failed-inputs`,
/// `unanswered`) and `result` ([`HandoffResult`]).
pub const HANDOFFS: &str = "helpbot_handoffs_total";
/// Actions dialogs ran on the account store, by `action` and `outcome` (the action's declared
/// outcomes; `error` when the store failed).
pub const ACCOUNT_ACTIONS: &str = "helpbot_account_actions_total";
/// The account store's refusals among those actions, by `action` and `reason` (the refusal's
/// message id, e.g. `account-too-frequent`, `code-wrong`).
pub const ACCOUNT_REFUSALS: &str = "helpbot_account_refusals_total";
/// HTTP responses of the web server, by `method`, `route` (the route's template, e.g.
/// `/api/v1/conversations/{id}/messages`; `unmatched` for no route) and `status`.
pub const HTTP_RESPONSES: &str = "helpbot_http_responses_total";
/// Conversations waiting for a person now, across every instance (scrape time).
pub const QUEUE_LENGTH: &str = "helpbot_handoff_queue_length";
/// How long the conversation waiting longest has waited, in seconds; 0 with nobody waiting.
pub const QUEUE_LONGEST_WAIT: &str = "helpbot_handoff_queue_longest_wait_seconds";
/// Open connections of a database pool, by `pool` and `state` (`idle`, `in-use`) (scrape time).
pub const POOL_CONNECTIONS: &str = "helpbot_db_pool_connections";
/// The most connections a database pool opens, by `pool`.
pub const POOL_MAX_CONNECTIONS: &str = "helpbot_db_pool_max_connections";
/// Always 1, labelled with the `version` (digest) of the content set in use.
pub const CONTENT_INFO: &str = "helpbot_content_info";

/// The help text of every metric counted as it happens.
const DESCRIPTIONS: &[(&str, &str)] = &[
    (MESSAGES, "Inputs handled, by channel and outcome."),
    (
        TURN_SECONDS,
        "Server time of a turn in seconds, by channel.",
    ),
    (DIALOG_STARTS, "Dialogs entered at their start."),
    (
        DIALOG_COMPLETIONS,
        "Dialogs that reached a designed end, by ending.",
    ),
    (
        DIALOG_ABANDONMENTS,
        "Dialogs left before their end, by reason.",
    ),
    (
        HANDOFFS,
        "Conversations handed to human support, by reason and result.",
    ),
    (
        ACCOUNT_ACTIONS,
        "Account store actions run by dialogs, by outcome.",
    ),
    (
        ACCOUNT_REFUSALS,
        "Account store refusals, by action and reason.",
    ),
    (
        HTTP_RESPONSES,
        "HTTP responses, by method, route template and status.",
    ),
];

/// Upper bounds (seconds) of the turn-time histogram's buckets: a turn on the knowledge base
/// takes milliseconds, one that calls the account store (argon2, an SMS gateway) up to seconds.
const TURN_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// How a dialog reached an end its file designs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialogEnding {
    /// An `end` step (or a step with nowhere to go next).
    End,
    /// A `handoff` step: the dialog hands over to a person by design.
    Handoff,
    /// A step or button that leads into another dialog (which counts a start of its own).
    NextDialog,
}

impl DialogEnding {
    pub fn as_str(self) -> &'static str {
        match self {
            DialogEnding::End => "end",
            DialogEnding::Handoff => "handoff",
            DialogEnding::NextDialog => "next-dialog",
        }
    }
}

/// Why a conversation left a dialog before a designed end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Abandonment {
    /// The student typed the cancel word (退出, cancel).
    Cancelled,
    /// The student asked for a person in the middle of it (typed, or a human button).
    Handoff,
    /// The student started it again (重新开始, the same dialog's button, a new conversation).
    Restarted,
    /// The student pressed a button that starts another dialog.
    OtherDialog,
    /// A content reload removed the step the conversation waited at.
    ContentChanged,
    /// The dialog could not go on: a step was reached twice without what it needs, or the
    /// dialog failed (a bug `check` did not catch).
    Failed,
    /// The dialog takes personal data and the conversation is shared (a group chat).
    PrivateChatOnly,
}

impl Abandonment {
    pub fn as_str(self) -> &'static str {
        match self {
            Abandonment::Cancelled => "cancelled",
            Abandonment::Handoff => "handoff",
            Abandonment::Restarted => "restarted",
            Abandonment::OtherDialog => "other-dialog",
            Abandonment::ContentChanged => "content-changed",
            Abandonment::Failed => "failed",
            Abandonment::PrivateChatOnly => "private-chat-only",
        }
    }
}

/// What became of a request for a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandoffResult {
    /// Into the queue.
    Queued,
    /// Outside working hours: the hotline, the e-mail and the offer to leave a message.
    OutOfHours,
    /// Working hours, but no agent online: the same offer.
    NobodyOnline,
}

impl HandoffResult {
    pub fn as_str(self) -> &'static str {
        match self {
            HandoffResult::Queued => "queued",
            HandoffResult::OutOfHours => "out-of-hours",
            HandoffResult::NobodyOnline => "nobody-online",
        }
    }
}

/// What a scrape reads from the truth at that moment rather than counts.
#[derive(Debug, Clone, Default)]
pub struct ScrapeFigures {
    /// The handoff queue, `None` when the database could not say (the rest is still served).
    pub queue: Option<QueueNow>,
    pub pools: Vec<PoolUse>,
    pub content_version: String,
}

/// The handoff queue at scrape time.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct QueueNow {
    pub waiting: i64,
    pub longest_wait_seconds: f64,
}

/// Where an assistant records; cloned into whatever records (one pointer).
#[derive(Clone, Default)]
pub struct Metrics(Option<Arc<Recording>>);

struct Recording {
    recorder: PrometheusRecorder,
    handle: PrometheusHandle,
}

/// The recorder ignores metadata (levels and targets are for filtering in other recorders).
const METADATA: Metadata<'static> = Metadata::new(module_path!(), Level::INFO, None);

impl Metrics {
    /// Recording, with a registry of its own.
    pub fn enabled() -> Self {
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(TURN_SECONDS.to_string()), TURN_BUCKETS);
        // The buckets are a non-empty constant: the builder cannot refuse them; without them the
        // turn time would be a summary, still correct.
        let recorder = match builder {
            Ok(builder) => builder.build_recorder(),
            Err(_) => PrometheusBuilder::new().build_recorder(),
        };
        for &(name, help) in DESCRIPTIONS {
            let (key, help) = (KeyName::from_const_str(name), SharedString::const_str(help));
            if name == TURN_SECONDS {
                recorder.describe_histogram(key, None, help);
            } else {
                recorder.describe_counter(key, None, help);
            }
        }
        let handle = recorder.handle();
        Self(Some(Arc::new(Recording { recorder, handle })))
    }

    /// Records nothing (no `/metrics` is configured).
    pub fn disabled() -> Self {
        Self(None)
    }

    /// Recording when the configuration exposes `/metrics` somewhere.
    pub fn new(exposed: bool) -> Self {
        if exposed {
            Self::enabled()
        } else {
            Self::disabled()
        }
    }

    pub fn is_enabled(&self) -> bool {
        self.0.is_some()
    }

    fn count(&self, name: &'static str, labels: Vec<Label>) {
        if let Some(recording) = &self.0 {
            recording
                .recorder
                .register_counter(&Key::from_parts(name, labels), &METADATA)
                .increment(1);
        }
    }

    /// One input handled in a conversation of `channel`, answered with `outcome`.
    pub fn message(&self, channel: &str, outcome: &'static str, took: Duration) {
        if let Some(recording) = &self.0 {
            let channel = Label::new("channel", channel.to_string());
            recording
                .recorder
                .register_histogram(
                    &Key::from_parts(TURN_SECONDS, vec![channel.clone()]),
                    &METADATA,
                )
                .record(took.as_secs_f64());
            self.count(
                MESSAGES,
                vec![channel, Label::from_static_parts("outcome", outcome)],
            );
        }
    }

    pub fn dialog_started(&self, dialog: &str) {
        if self.is_enabled() {
            self.count(
                DIALOG_STARTS,
                vec![Label::new("dialog", dialog.to_string())],
            );
        }
    }

    pub fn dialog_completed(&self, dialog: &str, ending: DialogEnding) {
        self.count_dialog(DIALOG_COMPLETIONS, dialog, ("ending", ending.as_str()));
    }

    pub fn dialog_abandoned(&self, dialog: &str, reason: Abandonment) {
        self.count_dialog(DIALOG_ABANDONMENTS, dialog, ("reason", reason.as_str()));
    }

    /// A dialog's end of some kind: the dialog's name and what kind.
    fn count_dialog(&self, name: &'static str, dialog: &str, kind: (&'static str, &'static str)) {
        if self.is_enabled() {
            self.count(
                name,
                vec![
                    Label::new("dialog", dialog.to_string()),
                    Label::from_static_parts(kind.0, kind.1),
                ],
            );
        }
    }

    /// A request for a person (`reason`: `handoff::Reason::as_str`).
    pub fn handoff(&self, reason: &'static str, result: HandoffResult) {
        self.count(
            HANDOFFS,
            vec![
                Label::from_static_parts("reason", reason),
                Label::from_static_parts("result", result.as_str()),
            ],
        );
    }

    /// An account store action and its outcome; `refusal`: the refusal's reason code when the
    /// store said no.
    pub fn account_action(
        &self,
        action: &str,
        outcome: &'static str,
        refusal: Option<&'static str>,
    ) {
        if !self.is_enabled() {
            return;
        }
        let action = Label::new("action", action.to_string());
        if let Some(reason) = refusal {
            self.count(
                ACCOUNT_REFUSALS,
                vec![action.clone(), Label::from_static_parts("reason", reason)],
            );
        }
        self.count(
            ACCOUNT_ACTIONS,
            vec![action, Label::from_static_parts("outcome", outcome)],
        );
    }

    /// One HTTP response: `route` is the matched route's template (never the path itself,
    /// which holds conversation ids), `None` when no route matched.
    pub fn http_response(&self, method: &axum::http::Method, route: Option<&str>, status: u16) {
        if !self.is_enabled() {
            return;
        }
        self.count(
            HTTP_RESPONSES,
            vec![
                Label::from_static_parts("method", method_label(method)),
                Label::new("route", route.unwrap_or("unmatched").to_string()),
                Label::new("status", status.to_string()),
            ],
        );
    }

    /// Folds recorded turn times into their buckets. Rendering does it too; without a scrape for
    /// a long time the samples would pile up, so the server calls this every few seconds.
    pub fn upkeep(&self) {
        if let Some(recording) = &self.0 {
            recording.handle.run_upkeep();
        }
    }

    /// The scrape: everything counted, then `figures`. `None` when recording is off.
    pub fn render(&self, figures: &ScrapeFigures) -> Option<String> {
        let recording = self.0.as_ref()?;
        let mut text = recording.handle.render();
        render_figures(&mut text, figures);
        Some(text)
    }
}

/// A bounded label for an HTTP method: the standard ones by name, anything else `other` (a
/// client may send any token as a method).
fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        Method::PATCH => "PATCH",
        _ => "other",
    }
}

/// The scrape-time gauges, written directly: they describe this moment only, so nothing of an
/// earlier scrape (an old content version, say) may linger in a registry.
fn render_figures(text: &mut String, figures: &ScrapeFigures) {
    if let Some(queue) = figures.queue {
        family(
            text,
            QUEUE_LENGTH,
            "Conversations waiting for a person now.",
        );
        sample(text, QUEUE_LENGTH, &[], queue.waiting as f64);
        family(
            text,
            QUEUE_LONGEST_WAIT,
            "Seconds the conversation waiting longest has waited.",
        );
        sample(text, QUEUE_LONGEST_WAIT, &[], queue.longest_wait_seconds);
    }
    if !figures.pools.is_empty() {
        family(
            text,
            POOL_CONNECTIONS,
            "Open database connections, by pool and state.",
        );
        for pool in &figures.pools {
            let in_use = pool.size.saturating_sub(pool.idle);
            sample(
                text,
                POOL_CONNECTIONS,
                &[("pool", pool.name), ("state", "idle")],
                pool.idle as f64,
            );
            sample(
                text,
                POOL_CONNECTIONS,
                &[("pool", pool.name), ("state", "in-use")],
                in_use as f64,
            );
        }
        family(
            text,
            POOL_MAX_CONNECTIONS,
            "Most connections a database pool opens.",
        );
        for pool in &figures.pools {
            sample(
                text,
                POOL_MAX_CONNECTIONS,
                &[("pool", pool.name)],
                f64::from(pool.max),
            );
        }
    }
    family(text, CONTENT_INFO, "The content set in use, by version.");
    sample(
        text,
        CONTENT_INFO,
        &[("version", figures.content_version.as_str())],
        1.0,
    );
}

fn family(text: &mut String, name: &str, help: &str) {
    let _ = writeln!(text, "# HELP {name} {help}\n# TYPE {name} gauge");
}

fn sample(text: &mut String, name: &str, labels: &[(&str, &str)], value: f64) {
    text.push_str(name);
    if !labels.is_empty() {
        text.push('{');
        for (index, (label, value)) in labels.iter().enumerate() {
            if index > 0 {
                text.push(',');
            }
            let _ = write!(text, "{label}=\"{}\"", escape_label_value(value));
        }
        text.push('}');
    }
    let _ = writeln!(text, " {value}");
}

/// A label value as the text format wants it: backslash, double quote and line feed escaped.
fn escape_label_value(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Method;

    /// The value of the sample `series` (name and labels as rendered) in a scrape.
    fn value(text: &str, series: &str) -> Option<f64> {
        text.lines()
            .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
    }

    fn figures() -> ScrapeFigures {
        ScrapeFigures {
            queue: Some(QueueNow {
                waiting: 3,
                longest_wait_seconds: 42.5,
            }),
            pools: vec![PoolUse {
                name: "main",
                size: 4,
                idle: 3,
                max: 10,
            }],
            content_version: "v\"1\\2".into(),
        }
    }

    #[test]
    fn switched_off_it_keeps_and_serves_nothing() {
        let metrics = Metrics::disabled();
        metrics.message("web", "definite", Duration::from_millis(3));
        metrics.dialog_started("find-username");
        assert!(!metrics.is_enabled());
        assert_eq!(metrics.render(&figures()), None);
    }

    #[test]
    fn what_is_recorded_is_rendered_with_its_labels() {
        let metrics = Metrics::enabled();
        metrics.message("web", "definite", Duration::from_millis(3));
        metrics.message("web", "definite", Duration::from_millis(700));
        metrics.message("telegram", "none", Duration::from_millis(20));
        metrics.dialog_started("find-username");
        metrics.dialog_completed("find-username", DialogEnding::End);
        metrics.dialog_abandoned("duplicate-id", Abandonment::Cancelled);
        metrics.handoff("asked", HandoffResult::Queued);
        metrics.account_action("find-accounts", "no-match", Some("account-no-match"));
        metrics.account_action("find-accounts", "found", None);
        metrics.http_response(
            &Method::POST,
            Some("/api/v1/conversations/{id}/messages"),
            200,
        );
        metrics.http_response(&Method::from_bytes(b"BREW").expect("method"), None, 404);
        let text = metrics.render(&figures()).expect("enabled");
        let expect = [
            (
                r#"helpbot_messages_total{channel="web",outcome="definite"}"#,
                2.0,
            ),
            (
                r#"helpbot_messages_total{channel="telegram",outcome="none"}"#,
                1.0,
            ),
            (r#"helpbot_turn_duration_seconds_count{channel="web"}"#, 2.0),
            (
                r#"helpbot_turn_duration_seconds_bucket{channel="web",le="0.005"}"#,
                1.0,
            ),
            (
                r#"helpbot_turn_duration_seconds_bucket{channel="web",le="1"}"#,
                2.0,
            ),
            (
                r#"helpbot_dialog_starts_total{dialog="find-username"}"#,
                1.0,
            ),
            (
                r#"helpbot_dialog_completions_total{dialog="find-username",ending="end"}"#,
                1.0,
            ),
            (
                r#"helpbot_dialog_abandonments_total{dialog="duplicate-id",reason="cancelled"}"#,
                1.0,
            ),
            (
                r#"helpbot_handoffs_total{reason="asked",result="queued"}"#,
                1.0,
            ),
            (
                r#"helpbot_account_actions_total{action="find-accounts",outcome="no-match"}"#,
                1.0,
            ),
            (
                r#"helpbot_account_actions_total{action="find-accounts",outcome="found"}"#,
                1.0,
            ),
            (
                r#"helpbot_account_refusals_total{action="find-accounts",reason="account-no-match"}"#,
                1.0,
            ),
            (
                r#"helpbot_http_responses_total{method="POST",route="/api/v1/conversations/{id}/messages",status="200"}"#,
                1.0,
            ),
            (
                r#"helpbot_http_responses_total{method="other",route="unmatched",status="404"}"#,
                1.0,
            ),
            ("helpbot_handoff_queue_length", 3.0),
            ("helpbot_handoff_queue_longest_wait_seconds", 42.5),
            (
                r#"helpbot_db_pool_connections{pool="main",state="idle"}"#,
                3.0,
            ),
            (
                r#"helpbot_db_pool_connections{pool="main",state="in-use"}"#,
                1.0,
            ),
            (r#"helpbot_db_pool_max_connections{pool="main"}"#, 10.0),
            (r#"helpbot_content_info{version="v\"1\\2"}"#, 1.0),
        ];
        for (series, expected) in expect {
            assert_eq!(value(&text, series), Some(expected), "{series} in\n{text}");
        }
        assert!(
            text.contains("# TYPE helpbot_messages_total counter"),
            "{text}"
        );
        assert!(
            text.contains("# TYPE helpbot_turn_duration_seconds histogram"),
            "{text}"
        );
        assert!(text.contains("# HELP helpbot_handoffs_total "), "{text}");
        assert!(text.contains("# TYPE helpbot_content_info gauge"), "{text}");
    }

    #[test]
    fn a_queue_the_database_could_not_read_is_left_out() {
        let metrics = Metrics::enabled();
        let text = metrics
            .render(&ScrapeFigures {
                queue: None,
                ..figures()
            })
            .expect("enabled");
        assert!(!text.contains(QUEUE_LENGTH), "{text}");
        assert!(text.contains(CONTENT_INFO), "{text}");
    }

    /// Recording is in the path of every request and turn: the series must not multiply with
    /// traffic (what it costs is for a benchmark to say, not a timed test).
    #[test]
    fn the_series_do_not_grow_with_traffic() {
        let metrics = Metrics::enabled();
        for index in 0..20_000u32 {
            metrics.http_response(
                &Method::POST,
                Some("/api/v1/conversations/{id}/messages"),
                if index % 10 == 0 { 429 } else { 200 },
            );
            metrics.message("web", "definite", Duration::from_micros(u64::from(index)));
        }
        metrics.upkeep();
        let text = metrics.render(&ScrapeFigures::default()).expect("enabled");
        // Two series of responses, one of messages: the series do not multiply with traffic.
        assert_eq!(
            text.lines()
                .filter(|line| line.starts_with(HTTP_RESPONSES))
                .count(),
            2,
            "{text}"
        );
        assert_eq!(
            value(
                &text,
                r#"helpbot_turn_duration_seconds_count{channel="web"}"#
            ),
            Some(20_000.0)
        );
    }
}
