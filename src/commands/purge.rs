//! `helpbot purge`: deletes once what the retention settings (`[retention]`) no longer allow to
//! keep, as `helpbot serve` does on its interval, and prints how many rows of each kind went.

use std::process::ExitCode;

use super::CommandResult;
use crate::config::Config;
use crate::store::RetentionPolicy;

pub async fn run(config: &Config) -> CommandResult {
    let policy = RetentionPolicy::from(&config.retention);
    if policy.transcripts.is_none() && policy.photos.is_none() {
        println!("retention is off (transcript_days and photo_days are 0): nothing to purge");
        return Ok(ExitCode::SUCCESS);
    }
    let db = crate::runtime::open_database(config).await?;
    let result = crate::retention::purge_once(&db, &policy).await;
    db.close().await;
    let counts = result?;
    let kept = |days: u32| {
        if days == 0 {
            "for ever".to_string()
        } else {
            format!("{days} days")
        }
    };
    println!(
        "purged {} messages, {} ended handoffs, {} answered tickets, {} feedback texts \
         (transcripts kept {}); {} uploads, {} review photos (photos kept {})",
        counts.messages,
        counts.handoffs,
        counts.tickets,
        counts.feedback_texts,
        kept(config.retention.transcript_days),
        counts.uploads,
        counts.review_photos,
        kept(config.retention.photo_days),
    );
    Ok(ExitCode::SUCCESS)
}
