//! The staff console under `/console` of `helpbot serve`: sign-in and sign-out, the photo review
//! queue with its decisions, the agents' queue and conversations, the tickets students left and
//! their answers, the supervisor view of support's figures, and the supervisors' staff overview.
//! Plain server-rendered HTML (maud escapes every value, so whatever a student typed is shown as
//! text) with one small script for what must be live; every page is in the staff member's
//! language (a switch, else `Accept-Language`).
//!
//! Security, in one place: the session is a cookie (HttpOnly, SameSite=Strict, Secure over
//! https or when configured) whose token is stored only as a hash (`crate::staff`); every
//! state-changing request carries a CSRF token derived from it (403 without); nothing here is
//! cached (`Cache-Control: no-store`); a request without a session is sent to the sign-in page
//! (or answered 401) with nothing else in its body. Like every channel it decides nothing: photo
//! decisions go through the assistant, which tells the student.
//!
//! One file per part: `session.rs` (cookies, who is signed in, CSRF), `texts.rs` (language),
//! `page.rs` (the layout and error pages), `sign_in.rs`, `reviews.rs`, `overview.rs`, the
//! agents' workspace: `queue.rs` (the live queue, taking, presence) and `conversation.rs` (one
//! conversation: history, summary, notes, replies, canned replies, transfer, hand back, close,
//! reveal), with `web/console-agent.js`, the one small script; `tickets.rs` (the messages
//! students left, answered), `supervisor.rs` (Support today: agents, queue, today's figures) and
//! `editor.rs` (the editors' pages: what fails, answers rated 没用, knowledge changes prepared).

mod chart;
mod conversation;
mod dashboard;
mod editor;
mod overview;
mod page;
mod queue;
mod reviews;
mod session;
mod sign_in;
mod supervisor;
mod texts;
mod tickets;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{any, get, post};
use chrono::FixedOffset;
use serde::Deserialize;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::accounts::embedded::SystemClock;
use crate::assistant::{Assistant, AssistantSettings};
use crate::config::Config;
use crate::locale::Locale;
use crate::staff::{StaffSettings, StaffStore};

pub use session::SESSION_COOKIE;

/// Forms of the console are small.
const FORM_BODY_LIMIT: usize = 16 * 1024;

const STYLESHEET: &str = include_str!("../../../web/console.css");
/// The agents' workspace: its styles, and the small script of every signed-in page (presence,
/// the live queue and conversation, canned replies).
const AGENT_STYLESHEET: &str = include_str!("../../../web/console-agent.css");
const AGENT_SCRIPT: &str = include_str!("../../../web/console-agent.js");

/// What the console's handlers share.
#[derive(Clone)]
pub struct ConsoleState {
    assistant: Assistant,
    staff: StaffStore,
    secure_cookie: bool,
    utc_offset: FixedOffset,
    default_locale: Locale,
    /// Where the knowledge files are: editors' changes are prepared from them (never written).
    knowledge_dir: std::path::PathBuf,
}

impl ConsoleState {
    pub fn new(assistant: Assistant, config: &Config) -> Self {
        let staff = StaffStore::new(
            assistant.database().clone(),
            StaffSettings::from(&config.console),
            std::sync::Arc::new(SystemClock),
        );
        Self {
            assistant,
            staff,
            secure_cookie: config.console.secure_cookie,
            utc_offset: AssistantSettings::from(config).utc_offset,
            default_locale: config.conversation.default_locale,
            knowledge_dir: config.content.knowledge_dir.clone(),
        }
    }
}

/// Every route of the console, on its own state, to be merged into the web channel's router.
pub fn routes<S: Clone + Send + Sync + 'static>(state: ConsoleState) -> Router<S> {
    Router::new()
        .route("/console", get(home))
        .route("/console/", get(home))
        .route("/console/sign-in", get(sign_in::page).post(sign_in::submit))
        .route("/console/sign-out", post(sign_in::sign_out))
        .route("/console/language", get(switch_language))
        .route("/console/reviews", get(reviews::queue))
        .route("/console/reviews/{id}", get(reviews::review))
        .route("/console/reviews/{id}/photos/{side}", get(reviews::photo))
        .route("/console/reviews/{id}/decision", post(reviews::decide))
        .route("/console/staff", get(overview::staff))
        .route("/console/queue", get(queue::page))
        .route("/console/queue/live", get(queue::live))
        .route("/console/queue/{id}/take", post(queue::take))
        .route("/console/presence", post(queue::presence))
        .route("/console/conversations/{id}", get(conversation::view))
        .route("/console/conversations/{id}/live", get(conversation::live))
        .route(
            "/console/conversations/{id}/canned",
            get(conversation::canned),
        )
        .route(
            "/console/conversations/{id}/reply",
            post(conversation::reply),
        )
        .route("/console/conversations/{id}/note", post(conversation::note))
        .route(
            "/console/conversations/{id}/transfer",
            post(conversation::transfer),
        )
        .route(
            "/console/conversations/{id}/hand-back",
            post(conversation::hand_back),
        )
        .route(
            "/console/conversations/{id}/close",
            post(conversation::close),
        )
        .route(
            "/console/conversations/{id}/reveal",
            post(conversation::reveal),
        )
        .route("/console/supervisor", get(supervisor::view))
        .route("/console/editor", get(editor::failures))
        .route("/console/editor/ratings", get(editor::ratings))
        .route("/console/editor/dashboard", get(dashboard::overview))
        .route("/console/editor/funnels", get(dashboard::funnels_page))
        .route("/console/editor/hot", get(dashboard::hot_page))
        .route("/console/editor/similar", post(editor::similar))
        .route("/console/editor/similar/file", post(editor::similar_file))
        .route("/console/tickets", get(tickets::list))
        .route("/console/tickets/{id}", get(tickets::ticket))
        .route("/console/tickets/{id}/answer", post(tickets::answer))
        .route("/console/console.css", get(stylesheet))
        .route("/console/console-agent.css", get(agent_stylesheet))
        .route("/console/console-agent.js", get(agent_script))
        .route("/console/{*rest}", any(not_found))
        .layer(DefaultBodyLimit::max(FORM_BODY_LIMIT))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .with_state(state)
}

/// The console's first page: the photo review queue for the desk, "what fails" for editors.
async fn home(signed: session::Signed) -> Redirect {
    Redirect::to(page::start_page(signed.session.member.role))
}

async fn stylesheet() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        STYLESHEET,
    )
        .into_response()
}

async fn agent_stylesheet() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        AGENT_STYLESHEET,
    )
        .into_response()
}

async fn agent_script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        AGENT_SCRIPT,
    )
        .into_response()
}

/// Anything else under `/console`: for staff only, like the rest.
async fn not_found(signed: session::Signed) -> Response {
    page::message(
        &signed.visit.texts,
        Some(&signed),
        axum::http::StatusCode::NOT_FOUND,
        "console-not-found",
    )
}

#[derive(Deserialize)]
struct LanguageQuery {
    to: String,
    #[serde(default)]
    back: String,
}

/// The language switch: remembers the choice in a cookie and goes back to the page it was
/// pressed on (a console page only).
async fn switch_language(
    State(state): State<ConsoleState>,
    visit: session::Visit,
    Query(query): Query<LanguageQuery>,
) -> Response {
    let locale = Locale::negotiate(&query.to).unwrap_or(state.default_locale);
    // Only a console path of plain characters: never another site, never a broken header.
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_');
    let back = if query.back.starts_with("/console")
        && !query.back.contains("//")
        && query.back.chars().all(plain)
    {
        query.back
    } else {
        "/console/reviews".to_string()
    };
    (
        [(
            header::SET_COOKIE,
            session::language_cookie(locale, visit.https(&state)),
        )],
        Redirect::to(&back),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::i18n::Translations;
    use crate::locale::Locale;

    /// Every `console-…` message the console's code names exists in both languages.
    #[test]
    fn every_console_text_is_translated() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let translations = Translations::load(&root.join("locales")).expect("shipped locales");
        let named = regex::Regex::new(r#""(console-[a-z-]+)""#).expect("pattern");
        let mut ids = Vec::new();
        for file in std::fs::read_dir(root.join("src/channels/console")).expect("sources") {
            let text = std::fs::read_to_string(file.expect("entry").path()).expect("source");
            ids.extend(named.captures_iter(&text).map(|c| c[1].to_string()));
        }
        assert!(ids.len() > 50, "{ids:?}");
        for id in ids {
            for locale in Locale::ALL {
                assert!(translations.has(locale, &id), "{id} has no {locale} text");
            }
        }
    }
}
