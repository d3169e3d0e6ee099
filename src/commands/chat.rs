//! `helpbot chat`: a conversation in the terminal, new or continued.

use std::io::Write;
use std::process::ExitCode;

use super::CommandResult;
use crate::channels::terminal;
use crate::config::Config;
use crate::locale::Locale;
use crate::runtime;

pub async fn run(
    config: &Config,
    json: bool,
    lang: Option<Locale>,
    conversation: Option<String>,
) -> CommandResult {
    let assistant = runtime::start(config).await?;
    // The hot questions of the opening from the traffic, counted once: a chat is short.
    if let Err(error) = assistant.refresh_hot_questions().await {
        tracing::warn!(%error, "hot questions not counted; the pinned ones are shown");
    }
    let locale = lang.unwrap_or(config.conversation.default_locale);
    let format = if json {
        terminal::Format::Json
    } else {
        terminal::Format::Human
    };
    let stdin = tokio::io::BufReader::new(tokio::io::stdin());
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    terminal::run(
        &assistant,
        locale,
        format,
        conversation.as_deref(),
        stdin,
        &mut out,
    )
    .await?;
    out.flush()?;
    assistant.database().close().await;
    Ok(ExitCode::SUCCESS)
}
