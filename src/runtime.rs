//! Start-up shared by every command: logging, content and database from one configuration.

use std::sync::Arc;
use std::time::Instant;

use secrecy::ExposeSecret;
use tracing_subscriber::EnvFilter;

use crate::assistant::{Assistant, AssistantSettings};
use crate::config::{Config, LogFormat};
use crate::content::{Content, ContentError, ContentPaths};
use crate::store::{Creation, Database, SchemaPolicy, StoreError, redact_url};

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Content(#[from] ContentError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("messages: {0}")]
    Notifier(#[from] crate::accounts::notify::NotifyError),
}

/// Logs to stderr, as text or as JSON lines (`format`). `RUST_LOG` wins over the configured
/// filter; `default` applies when neither is set (commands that print to a terminal keep quiet
/// unless asked).
pub fn init_logging(configured: Option<&str>, format: LogFormat, default: &str) {
    use std::io::IsTerminal;
    // Colours only for a person at a terminal: a log file or a collector gets plain text.
    let colours = format == LogFormat::Text && std::io::stderr().is_terminal();
    install_logging(configured, format, default, std::io::stderr, colours);
}

/// Logs to `writer` in the format of [`init_logging`], without colours (tests read what would
/// reach stderr).
pub fn init_logging_to<W>(configured: Option<&str>, format: LogFormat, default: &str, writer: W)
where
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    install_logging(configured, format, default, writer, false);
}

/// Personal data is masked where a value enters a log line, not by the format: user text is
/// recorded through [`crate::pii::loggable`] (masked, and escaped onto one line), types that hold
/// personal data mask it in their `Debug`. Both formats write those recorded values, so JSON lines
/// carry exactly the masked text the text lines do, in JSON strings.
fn install_logging<W>(
    configured: Option<&str>,
    format: LogFormat,
    default: &str,
    writer: W,
    colours: bool,
) where
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    let filter = std::env::var("RUST_LOG")
        .ok()
        .or_else(|| configured.map(String::from))
        .unwrap_or_else(|| default.to_string());
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_new(&filter).unwrap_or_else(|_| EnvFilter::new(default)))
        .with_writer(writer)
        .with_ansi(colours);
    let _ = match format {
        LogFormat::Text => subscriber.try_init(),
        LogFormat::Json => subscriber
            .json()
            .with_current_span(true)
            .with_span_list(true)
            .try_init(),
    };
}

/// Opens the configured database, creating a missing SQLite file only on the first run unless
/// the configuration says to (`create_database`, `--create-database`), and migrating it unless
/// the configuration says not to (`migrate = false`, `--no-migrate`: then a database that misses
/// a migration is refused).
pub async fn open_database(config: &Config) -> Result<Database, StoreError> {
    let schema = if config.migrate {
        SchemaPolicy::Migrate
    } else {
        SchemaPolicy::RequireCurrent
    };
    Database::open(
        config.database_url.expose_secret(),
        creation(config),
        schema,
    )
    .await
}

/// Whether a missing SQLite file may be created where one was before (see [`open_database`]).
pub fn creation(config: &Config) -> Creation {
    if config.create_database {
        Creation::Allowed
    } else {
        Creation::FirstRun
    }
}

/// Loads and validates the content named by the configuration.
pub fn load_content(config: &Config) -> Result<Arc<Content>, ContentError> {
    let started = Instant::now();
    let content = Content::load(&ContentPaths::from(config), config.search)?;
    tracing::info!(
        entries = content.knowledge.entries().len(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "content loaded"
    );
    Ok(content.shared())
}

/// Content, database and the core, ready to handle conversations.
pub async fn start(config: &Config) -> Result<Assistant, StartError> {
    let content = load_content(config)?;
    let db = open_database(config).await?;
    tracing::info!(database = %redact_url(config.database_url.expose_secret()), "database ready");
    let accounts = Arc::new(configured_account_store(config, db.clone())?);
    Ok(Assistant::new(
        content,
        db,
        accounts,
        AssistantSettings::from(config),
    ))
}

/// The embedded account store on a database, sending through the outbox.
pub fn account_store(db: Database) -> crate::accounts::embedded::EmbeddedAccountStore {
    use crate::accounts::embedded::{EmbeddedAccountStore, SystemClock};
    use crate::accounts::notify::OutboxNotifier;
    EmbeddedAccountStore::new(
        db.clone(),
        Arc::new(OutboxNotifier::new(db)),
        Arc::new(SystemClock),
    )
}

/// The embedded account store sending through the configured SMTP server and SMS gateway.
pub fn configured_account_store(
    config: &Config,
    db: Database,
) -> Result<crate::accounts::embedded::EmbeddedAccountStore, crate::accounts::notify::NotifyError> {
    use crate::accounts::embedded::{EmbeddedAccountStore, SystemClock};
    let notifier = crate::accounts::senders::configured_notifier(
        &db,
        config
            .messaging
            .smtp_url
            .as_ref()
            .map(ExposeSecret::expose_secret),
        &config.messaging.smtp_from,
        config
            .messaging
            .sms_webhook_url
            .as_ref()
            .map(ExposeSecret::expose_secret),
    )?;
    Ok(EmbeddedAccountStore::new(
        db,
        notifier,
        Arc::new(SystemClock),
    ))
}
