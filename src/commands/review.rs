//! `helpbot review`: the photo review queue for staff in a terminal (the staff console has it
//! in a browser): list, save a review's photos, approve or reject (the student is told in the
//! chat).

use std::path::PathBuf;
use std::process::ExitCode;

use super::CommandResult;
use crate::config::Config;

/// What to do with the review queue.
#[derive(Debug, clap::Subcommand)]
pub enum ReviewAction {
    /// The waiting reviews, oldest first (the default).
    List,
    /// Save a review's photos into a folder to look at them.
    Photos {
        review: String,
        #[arg(long, default_value = ".")]
        to: PathBuf,
    },
    /// Approve: the account is activated, other accounts with its ID number deactivated.
    Approve {
        review: String,
        /// Who decides (kept with the decision).
        #[arg(long, env = "USER", default_value = "staff")]
        staff: String,
    },
    /// Reject with a reason the student can act on.
    Reject {
        review: String,
        #[arg(long)]
        reason: String,
        #[arg(long, env = "USER", default_value = "staff")]
        staff: String,
    },
}

pub async fn run(config: &Config, action: ReviewAction) -> CommandResult {
    use crate::accounts::StaffDecision;
    use crate::channels::staff;
    let assistant = crate::runtime::start(config).await?;
    let result = match action {
        ReviewAction::List => staff::list_reviews(&assistant, &mut std::io::stdout())
            .await
            .map(|_| ()),
        ReviewAction::Photos { review, to } => {
            staff::save_photos(assistant.accounts().as_ref(), &review, &to)
                .await
                .map(|paths| {
                    if paths.is_empty() {
                        println!(
                            "no photos: this review was decided and its photos were deleted \
                             after [retention] photo_days"
                        );
                    }
                    paths.iter().for_each(|p| println!("{p}"))
                })
        }
        ReviewAction::Approve { review, staff } => {
            staff::decide(&assistant, &review, &staff, StaffDecision::Approve)
                .await
                .map(|decision| {
                    let deactivated = decision
                        .activation
                        .map(|a| a.deactivated)
                        .unwrap_or_default();
                    println!("approved; account activated, deactivated: {deactivated:?}");
                })
        }
        ReviewAction::Reject {
            review,
            reason,
            staff,
        } => staff::decide(
            &assistant,
            &review,
            &staff,
            StaffDecision::Reject { reason },
        )
        .await
        .map(|_| println!("rejected")),
    };
    assistant.database().close().await;
    result?;
    Ok(ExitCode::SUCCESS)
}
