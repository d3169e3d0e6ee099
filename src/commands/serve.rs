//! `helpbot serve`: the web channel until a signal stops it (see `channels::web::shutdown`), the
//! retention purge on its interval (`crate::retention`) and the count of the hot questions on
//! theirs (`crate::hot`).

use std::process::ExitCode;

use super::CommandResult;
use crate::config::Config;
use crate::runtime;

pub async fn run(config: &Config) -> CommandResult {
    use crate::channels::web::{self, shutdown::Stopped};
    // Installed first, so that a signal during start-up stops the server gracefully too.
    let signals = web::shutdown::signals()?;
    let assistant = runtime::start(config).await?;
    let reloader = std::sync::Arc::new(crate::reload::Reloader::new(
        assistant.live_content().clone(),
        config,
    ));
    let _reloading = crate::reload::spawn(reloader, config.content.watch)?;
    // Stops with the process; a purge cut off mid-way leaves whole batches done.
    let _purging = crate::retention::purge_interval(&config.retention).map(|interval| {
        crate::retention::purge_in_background(
            assistant.database().clone(),
            (&config.retention).into(),
            interval,
        )
    });
    // The hot questions from traffic: counted at once, then every `[hot] refresh_minutes`.
    let _counting_hot = crate::hot::refresh_in_background(
        assistant.database().clone(),
        assistant.hot_traffic().clone(),
        config.hot.window_days,
        crate::hot::refresh_interval(&config.hot),
    );
    let listener = tokio::net::TcpListener::bind(&config.web.listen).await?;
    tracing::info!(address = %listener.local_addr()?, "helpbot serving: open http://{}/", listener.local_addr()?);
    let mut state = web::AppState::new(assistant.clone(), config);
    let metrics_apart = serve_metrics_apart(config, &assistant).await?;
    // The Telegram channel, when a bot token is set: polling in its own task (it stops with the
    // process), or a webhook route on this server.
    let _polling = match &config.telegram.token {
        Some(token) => {
            use secrecy::ExposeSecret;
            let api_url = reqwest::Url::parse(&config.telegram.api_url).map_err(|error| {
                format!("telegram.api_url {}: {error}", config.telegram.api_url)
            })?;
            let bot = crate::channels::telegram::bot(token.expose_secret(), api_url);
            match &config.telegram.webhook_url {
                Some(base) => {
                    let base = reqwest::Url::parse(base)
                        .map_err(|error| format!("telegram.webhook_url {base}: {error}"))?;
                    tracing::info!(%base, "telegram channel in webhook mode");
                    let routes = crate::channels::telegram::webhook::start(
                        assistant.clone(),
                        bot,
                        token.expose_secret(),
                        &base,
                    )
                    .await?;
                    state = state.mount(routes);
                    None
                }
                None => Some(tokio::spawn(crate::channels::telegram::run(
                    assistant.clone(),
                    bot,
                ))),
            }
        }
        None => None,
    };
    let stopped = web::serve(listener, state, &config.web.allowed_origins, signals).await?;
    if let Some(metrics_apart) = metrics_apart {
        metrics_apart.abort();
    }
    match stopped {
        Stopped::Drained => {
            assistant.database().close().await;
            Ok(ExitCode::SUCCESS)
        }
        // Requests cut off may still hold database connections: do not wait for them.
        Stopped::GraceExpired => Ok(ExitCode::SUCCESS),
        Stopped::Forced => Ok(ExitCode::FAILURE),
    }
}

/// `/metrics` on the separate `[metrics] listen` address, when one is set: bound before the main
/// server starts, so that a taken address stops the start-up with its error.
async fn serve_metrics_apart(
    config: &Config,
    assistant: &crate::assistant::Assistant,
) -> Result<Option<tokio::task::JoinHandle<()>>, Box<dyn std::error::Error>> {
    use crate::channels::web::metrics::{MetricsAccess, serve_separately};
    let Some(address) = config.metrics.listen_address() else {
        return Ok(None);
    };
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|error| format!("metrics.listen {address}: {error}"))?;
    tracing::info!(address = %listener.local_addr()?, "metrics served on http://{}/metrics", listener.local_addr()?);
    let access = MetricsAccess::new(config.metrics.token.as_ref());
    let assistant = assistant.clone();
    Ok(Some(tokio::spawn(async move {
        if let Err(error) = serve_separately(listener, assistant, access).await {
            tracing::error!(%error, "the metrics address stopped serving");
        }
    })))
}
