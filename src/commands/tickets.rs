//! `helpbot tickets` and `helpbot handoff`: support's side of the human handoff in a terminal
//! until the web console: the messages students left (list, answer: the answer reaches the
//! student's conversation) and the queue of conversations waiting for a person. Thin over the
//! assistant's desk (`Assistant::desk`), which the console uses too.

use std::process::ExitCode;

use super::CommandResult;
use crate::config::Config;

/// What to do with the tickets.
#[derive(Debug, clap::Subcommand)]
pub enum TicketAction {
    /// The open tickets, oldest first (the default); `--all` lists the answered ones too.
    List {
        #[arg(long)]
        all: bool,
    },
    /// Answer a ticket: the answer is pushed to the student's conversation (live in an open
    /// widget) under the display name given.
    Answer {
        ticket: String,
        #[arg(long)]
        text: String,
        /// Who answers (kept with the answer; never shown to the student).
        #[arg(long, env = "USER", default_value = "staff")]
        staff: String,
        /// The name the student sees.
        #[arg(long)]
        name: String,
    },
}

pub async fn tickets(config: &Config, action: TicketAction) -> CommandResult {
    use crate::channels::staff;
    let assistant = crate::runtime::start(config).await?;
    let result = match action {
        TicketAction::List { all } => staff::list_tickets(&assistant, !all, &mut std::io::stdout())
            .await
            .map(|_| ()),
        TicketAction::Answer {
            ticket,
            text,
            staff,
            name,
        } => staff::answer_ticket(&assistant, &ticket, &staff, &name, &text)
            .await
            .map(|()| println!("answered; the student is told in the chat")),
    };
    assistant.database().close().await;
    result?;
    Ok(ExitCode::SUCCESS)
}

/// `helpbot handoff`: the queue of conversations waiting for a person, first come first served.
pub async fn handoff_queue(config: &Config) -> CommandResult {
    use crate::channels::staff;
    let assistant = crate::runtime::start(config).await?;
    let result = staff::list_queue(&assistant, &mut std::io::stdout()).await;
    assistant.database().close().await;
    result?;
    Ok(ExitCode::SUCCESS)
}
