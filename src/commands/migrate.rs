//! `helpbot migrate`: applies the database migrations that are missing, on SQLite or
//! PostgreSQL, and says which ones it applied; nothing else is started. For deployments that
//! migrate in a step of their own before starting `helpbot serve --no-migrate`.

use std::process::ExitCode;

use secrecy::ExposeSecret;

use super::CommandResult;
use crate::config::Config;
use crate::store::{Database, redact_url};

pub async fn run(config: &Config) -> CommandResult {
    let url = config.database_url.expose_secret();
    let report = Database::migrate(url, crate::runtime::creation(config)).await?;
    let database = redact_url(url);
    for migration in &report.applied {
        println!("applied {migration}");
    }
    if report.applied.is_empty() {
        println!(
            "{database}: up to date, nothing to apply ({} migrations)",
            report.total
        );
    } else {
        println!(
            "{database}: applied {} of {} migrations",
            report.applied.len(),
            report.total
        );
    }
    Ok(ExitCode::SUCCESS)
}
