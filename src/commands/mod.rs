//! The `helpbot` commands behind the command line, one file each: what a command does beyond
//! calling the library (opening what it needs, printing, choosing the exit status). `main.rs`
//! only parses the arguments and picks one.

pub mod ask;
pub mod chat;
pub mod check;
pub mod data;
pub mod eval;
pub mod migrate;
pub mod purge;
pub mod review;
pub mod serve;
pub mod staff;
pub mod tickets;

use std::process::ExitCode;

/// What a command ends with: an exit status, or an error `main` prints.
pub type CommandResult = Result<ExitCode, Box<dyn std::error::Error>>;

/// Runs an async command on a multi-threaded runtime of its own.
pub fn with_runtime(future: impl Future<Output = CommandResult>) -> CommandResult {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(future)
}
