//! Typed configuration: built-in defaults that run with no file at all, then `helpbot.toml` (when
//! present, or the file named by `--config`), then `HELPBOT_*` environment variables
//! (`HELPBOT_DATABASE_URL`, `HELPBOT_KNOWLEDGE_DIR`, `HELPBOT_SEARCH__DEFINITE_THRESHOLD` …).

use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use crate::knowledge::SearchSettings;
use crate::locale::Locale;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// `sqlite://data/helpbot.db` (the default; created on first run) or `postgres://…`.
    pub database_url: String,
    /// Create the SQLite file even though one was created at that path before and is now missing
    /// (`--create-database`). Off: helpbot refuses to start without it instead.
    pub create_database: bool,
    pub knowledge_dir: PathBuf,
    pub dialogs_dir: PathBuf,
    pub locales_dir: PathBuf,
    /// The language used when a channel does not say which one the user speaks.
    pub default_locale: Locale,
    /// Offset from UTC, in hours, of the users' clock (greetings by time of day).
    pub utc_offset_hours: i32,
    /// Longest message, in characters, the assistant reads.
    pub max_message_chars: usize,
    /// tracing filter when `RUST_LOG` is not set (commands pick a quiet default otherwise).
    pub log: Option<String>,
    pub search: SearchSettings,
    /// SMTP server for e-mail codes (`smtp://user:pass@host:587?tls=required`); a secret: set
    /// it as `HELPBOT_SMTP_URL` in the environment. Unset: e-mails go to the outbox. Kept as a
    /// secret value: `Debug` and logs show it redacted.
    #[serde(default, skip_serializing)]
    pub smtp_url: Option<SecretString>,
    /// The sender of those e-mails.
    pub smtp_from: String,
    /// HTTP gateway for SMS (`HELPBOT_SMS_WEBHOOK_URL`; its URL may carry a key, so it is kept
    /// as a secret value too). Unset: SMS go to the outbox.
    #[serde(default, skip_serializing)]
    pub sms_webhook_url: Option<SecretString>,
    /// Where `helpbot serve` listens.
    pub listen: String,
    /// Sites allowed to call the chat API from a browser (CORS), e.g. `https://www.example.edu`.
    /// The demo page served by helpbot itself needs none.
    pub allowed_origins: Vec<String>,
    /// Chat API requests per minute from one IP address.
    pub rate_limit_per_ip: u32,
    /// Messages per minute in one conversation.
    pub rate_limit_per_conversation: u32,
    /// Event streams open at once for one conversation (one per browser tab): a newer one
    /// replaces the oldest, whose tab is told so.
    pub event_streams_per_conversation: usize,
    /// Event streams open at once from one IP address; past this a new one is refused (429).
    pub event_streams_per_ip: usize,
    /// Seconds `helpbot serve` gives requests in flight to finish after Ctrl-C / SIGTERM.
    pub shutdown_grace_seconds: u64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            database_url: "sqlite://data/helpbot.db".into(),
            create_database: false,
            knowledge_dir: "knowledge".into(),
            dialogs_dir: "dialogs".into(),
            locales_dir: "locales".into(),
            default_locale: Locale::ZhCn,
            utc_offset_hours: 8,
            max_message_chars: 500,
            log: None,
            search: SearchSettings::default(),
            smtp_url: None,
            smtp_from: "helpbot <noreply@localhost>".into(),
            sms_webhook_url: None,
            listen: "127.0.0.1:8080".into(),
            allowed_origins: Vec::new(),
            rate_limit_per_ip: 600,
            rate_limit_per_conversation: 30,
            event_streams_per_conversation: 3,
            event_streams_per_ip: 100,
            shutdown_grace_seconds: 10,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration file {0} does not exist")]
    MissingFile(PathBuf),
    #[error("configuration: {0}")]
    Invalid(#[from] Box<figment::Error>),
}

impl Config {
    /// Loads defaults < file < environment. `file` is `--config`; without it `helpbot.toml` in the
    /// working directory is read when it exists.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(path) if !path.exists() => return Err(ConfigError::MissingFile(path.into())),
            Some(path) => figment = figment.merge(Toml::file(path)),
            None => figment = figment.merge(Toml::file("helpbot.toml")),
        }
        figment = figment.merge(Env::prefixed("HELPBOT_").split("__"));
        figment
            .extract()
            .map_err(|e| ConfigError::Invalid(Box::new(e)))
    }
}

#[cfg(test)]
// figment's Jail closures must return its (large) error type.
#[allow(clippy::result_large_err)]
mod tests {
    use super::*;

    #[test]
    fn defaults_need_no_file_and_env_overrides_file() {
        figment::Jail::expect_with(|jail| {
            let config = Config::load(None).map_err(|e| e.to_string())?;
            assert_eq!(config.database_url, "sqlite://data/helpbot.db");
            jail.create_file(
                "helpbot.toml",
                "knowledge_dir = \"from-file\"\nlocales_dir = \"l\"\n[search]\ndefinite_threshold = 0.7\n",
            )?;
            jail.set_env("HELPBOT_KNOWLEDGE_DIR", "from-env");
            jail.set_env("HELPBOT_SEARCH__SUGGEST_THRESHOLD", "0.2");
            let config = Config::load(None).map_err(|e| e.to_string())?;
            assert_eq!(config.knowledge_dir, PathBuf::from("from-env"));
            assert_eq!(config.locales_dir, PathBuf::from("l"));
            assert!((config.search.definite_threshold - 0.7).abs() < 1e-6);
            assert!((config.search.suggest_threshold - 0.2).abs() < 1e-6);
            Ok(())
        });
    }

    #[test]
    fn secrets_are_read_from_the_environment_and_never_shown() {
        use secrecy::ExposeSecret;
        figment::Jail::expect_with(|jail| {
            jail.set_env(
                "HELPBOT_SMTP_URL",
                "smtp://mailer:s3cret-pw@mail.example.edu:587",
            );
            jail.set_env(
                "HELPBOT_SMS_WEBHOOK_URL",
                "https://sms.example.edu/send?key=k3y-42",
            );
            let config = Config::load(None).map_err(|e| e.to_string())?;
            assert_eq!(
                config.smtp_url.as_ref().map(|s| s.expose_secret()),
                Some("smtp://mailer:s3cret-pw@mail.example.edu:587")
            );
            let shown = format!("{config:?}");
            assert!(!shown.contains("s3cret-pw"), "{shown}");
            assert!(!shown.contains("k3y-42"), "{shown}");
            Ok(())
        });
    }

    #[test]
    fn unknown_keys_are_errors() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("helpbot.toml", "knowlege_dir = \"typo\"\n")?;
            assert!(Config::load(None).is_err());
            Ok(())
        });
    }
}
