//! helpbot: a help assistant for a student account service. It answers from a knowledge base,
//! guides through dialogs, acts on the account store and hands over to human support, on several
//! channels through one core.
//!
//! The modules, one line each (the README's code tour follows a message through them):

/// The account store: rules of the account service and the actions the bot may take.
pub mod accounts;
/// Answering from the help content alone: small talk, search, wording (no database).
pub mod answering;
/// `helpbot ask`: one answer for people, or JSON lines for evaluation tools.
pub mod ask;
/// The assistant: turns an input of a conversation into structured replies.
pub mod assistant;
/// Channel adapters (terminal, web; Telegram later): translate, never decide.
pub mod channels;
/// The commands of the `helpbot` binary, one file each.
pub mod commands;
/// Typed configuration: defaults < `helpbot.toml` < `HELPBOT_*` environment.
pub mod config;
/// Editor content (knowledge, small talk, translations) loaded and validated as one set.
pub mod content;
/// Live delivery of bot messages to listening channels, including messages pushed later.
pub mod delivery;
/// Guided dialogs: the file format, its checks, the engine, actions and validators.
pub mod dialog;
/// Evaluation of the search on a labelled question set, and threshold tuning.
pub mod eval;
/// Human handoff: the queue, working hours, agents online, tickets, ratings, the agent's summary.
pub mod handoff;
/// Hot questions by category: the editors' pins and the most asked, counted in the background.
pub mod hot;
/// Fluent translations of every text the code itself produces.
pub mod i18n;
/// What editors read to improve the content: failures grouped, answers rated 没用, prepared changes.
pub mod insights;
/// Knowledge entries, the tantivy + jieba index, and the three-outcome search.
pub mod knowledge;
/// Supported locales and language negotiation.
pub mod locale;
/// What every layer shares: inputs and structured replies (imports nothing of ours).
pub mod message;
/// Prometheus metrics: names, recording where things happen, the scrape's text.
pub mod metrics;
/// Masking of ID numbers, phones and e-mails in free text.
pub mod pii;
/// `file:line: message` problems reported by `helpbot check`.
pub mod problem;
/// Content reload in `helpbot serve`: watch, validate, swap atomically or keep the old set.
pub mod reload;
/// Data retention: transcripts and photos deleted after their time, on an interval.
pub mod retention;
/// Start-up: configuration, logging, content and database wired together.
pub mod runtime;
/// Greetings, thanks, goodbyes and "who are you".
pub mod smalltalk;
/// Support staff: accounts, console sessions, the sign-in lockout and the audit log.
pub mod staff;
/// The database (SQLite or PostgreSQL) and the conversation tables.
pub mod store;
/// Text helpers every layer uses: normalisation, squeezing, the words that steer a conversation.
pub mod text;
