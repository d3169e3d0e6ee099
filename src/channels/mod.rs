//! Channel adapters: they turn a medium's events into core inputs and render core replies. They
//! never decide anything about dialogs or knowledge.

pub mod console;
pub mod staff;
pub mod telegram;
pub mod terminal;
pub mod web;
