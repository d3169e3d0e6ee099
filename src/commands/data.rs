//! The commands that read or fill the embedded database: `outbox` (the latest SMS and e-mails
//! "sent", to read a code), `import-records` (the student records registry) and `demo-data`.

use std::path::PathBuf;
use std::process::ExitCode;

use super::CommandResult;
use crate::config::Config;
use crate::runtime;

pub async fn outbox(config: &Config, limit: i64) -> CommandResult {
    let db = runtime::open_database(config).await?;
    let messages = crate::accounts::notify::latest(&db, limit.clamp(1, 1000)).await?;
    if messages.is_empty() {
        println!("the outbox is empty");
    }
    for message in messages {
        let at = chrono::DateTime::from_timestamp_millis(message.created_at)
            .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
            .unwrap_or_default();
        println!(
            "{at}  {:5}  {}  {}",
            message.channel,
            crate::pii::mask(&message.destination),
            message.body
        );
    }
    db.close().await;
    Ok(ExitCode::SUCCESS)
}

pub async fn import_records(config: &Config, file: PathBuf) -> CommandResult {
    let db = runtime::open_database(config).await?;
    let result = crate::accounts::records::import_records(&db, &file).await;
    db.close().await;
    match result {
        Ok(report) => {
            println!(
                "imported {} records ({} already present)",
                report.imported, report.skipped_duplicates
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(err) => {
            println!("{err}");
            Ok(ExitCode::FAILURE)
        }
    }
}

pub async fn demo_data(config: &Config) -> CommandResult {
    let db = runtime::open_database(config).await?;
    let store = runtime::account_store(db.clone());
    let created = crate::accounts::demo::load_demo_data(&store).await?;
    println!(
        "created {created} demo accounts (password {}) and their student records; see the README",
        crate::accounts::demo::DEMO_PASSWORD
    );
    db.close().await;
    Ok(ExitCode::SUCCESS)
}
