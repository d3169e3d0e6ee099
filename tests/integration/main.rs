//! The integration tests, one binary: the real `helpbot` binary, the core and the web server
//! against fresh SQLite and PostgreSQL databases, the widget in a headless Chromium. Run a part of
//! them by module path, e.g. `cargo test --test integration browser::`.

mod common;

mod accounts;
mod ask;
mod browser;
mod check;
mod console;
mod console_agent;
mod console_supervisor;
mod core_api;
mod dashboard;
mod dialogs;
mod editor;
mod eval;
mod faults;
mod feedback;
mod handoff;
mod hot_questions;
mod instances;
mod knowledge_topics;
mod layers;
mod limits;
mod logging;
mod metrics;
mod migrations;
mod pii;
mod real_phrasing;
mod records;
mod reload;
mod retention;
mod scope;
mod secrets;
mod senders;
mod store;
mod telegram;
mod terminal_chat;
mod turns;
mod web;
