//! Typed configuration: built-in defaults that run with no file at all, then `helpbot.toml` (when
//! present, or the file named by `--config`), then `HELPBOT_*` environment variables. Keys are
//! grouped by concern, one table each (`[content]`, `[conversation]`, `[search]`, `[messaging]`,
//! `[web]`, `[handoff]`, `[console]`, `[telegram]`, `[retention]`, `[metrics]`, `[hot]`), and a nested key
//! is set in the environment with `__` (`HELPBOT_WEB__LISTEN`,
//! `HELPBOT_SEARCH__DEFINITE_THRESHOLD`). What every process needs (the database, migrations,
//! logging) stays at the top (`HELPBOT_DATABASE_URL`, `HELPBOT_MIGRATE`, `HELPBOT_LOG_FORMAT`).
//! Values that hold a password (the database URL, the SMTP URL, the SMS gateway URL, the Telegram
//! bot token, the metrics token) are secret values: `Debug` and logs never show them.
//!
//! The Telegram keys are also read under the names issue 13 and Telegram guides use, with one
//! underscore ([`ENV_ALIASES`]: `HELPBOT_TELEGRAM_TOKEN`, `HELPBOT_TELEGRAM_API_URL`,
//! `HELPBOT_TELEGRAM_WEBHOOK_URL`); the `__` names win when both are set.

use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use crate::handoff::hours::{ClockTime, Day, Holiday};
use crate::knowledge::SearchSettings;
use crate::locale::Locale;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// `sqlite://data/helpbot.db` (the default; created on first run) or `postgres://…`, whose
    /// URL may carry a password: a secret value.
    #[serde(skip_serializing)]
    pub database_url: SecretString,
    /// Create the SQLite file even though one was created at that path before and is now missing
    /// (`--create-database`). Off: helpbot refuses to start without it instead.
    pub create_database: bool,
    /// Apply missing migrations when a command opens the database. Off (`--no-migrate` of
    /// `helpbot serve`), a database that misses one is refused; `helpbot migrate` applies them.
    pub migrate: bool,
    /// tracing filter when `RUST_LOG` is not set (commands pick a quiet default otherwise).
    pub log: Option<String>,
    /// How log lines are written: text for people, or one JSON object per line for a collector.
    pub log_format: LogFormat,
    pub content: ContentConfig,
    pub conversation: ConversationConfig,
    pub search: SearchSettings,
    pub messaging: MessagingConfig,
    pub web: WebConfig,
    pub handoff: HandoffConfig,
    pub console: ConsoleConfig,
    pub telegram: TelegramConfig,
    pub retention: RetentionConfig,
    pub metrics: MetricsConfig,
    pub hot: HotConfig,
}

/// The format of log lines (`log_format`, `HELPBOT_LOG_FORMAT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One readable line per event, with its spans' fields before it.
    #[default]
    Text,
    /// One JSON object per line: time, level, target, message and fields, the current span and
    /// the spans it is in, with their fields.
    Json,
}

/// The hot questions a conversation opens with (`src/hot.rs`): per category the editors' pinned
/// entries, then the entries most asked over a recent window, recomputed in the background.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HotConfig {
    /// Days of traffic counted: long enough for a quiet category to have answers, short enough
    /// that a question of last term's registration rush fades.
    pub window_days: u32,
    /// Questions shown per category: pinned ones first (all of them), then the most asked.
    pub per_category: usize,
    /// Minutes between two recomputations in `helpbot serve`.
    pub refresh_minutes: u32,
    /// New conversations open with the hot questions after the welcome. Off: the welcome alone;
    /// the hot questions still come on request (the 常见问题 button, the phrases, `/start`).
    pub in_opening: bool,
}

impl Default for HotConfig {
    fn default() -> Self {
        Self {
            window_days: 14,
            per_category: 4,
            refresh_minutes: 10,
            in_opening: true,
        }
    }
}

/// How long what students wrote and sent is kept (`src/retention.rs`, `store/retention.rs`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetentionConfig {
    /// Days the transcripts are kept (messages, ended handoffs, answered tickets); 0: for ever.
    pub transcript_days: u32,
    /// Days uploaded photos and the photos of decided reviews are kept; 0: for ever.
    pub photo_days: u32,
    /// Minutes between two purges in `helpbot serve`; 0: none (run `helpbot purge` instead).
    pub purge_interval_minutes: u32,
}

impl Default for RetentionConfig {
    fn default() -> Self {
        Self {
            transcript_days: 180,
            photo_days: 30,
            purge_interval_minutes: 60,
        }
    }
}

/// The editors' content folders.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ContentConfig {
    pub knowledge_dir: PathBuf,
    pub dialogs_dir: PathBuf,
    pub locales_dir: PathBuf,
    /// `helpbot serve` reloads the content when its files change (SIGHUP always reloads).
    pub watch: bool,
}

/// How the assistant talks, whatever the channel.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConversationConfig {
    /// The language used when a channel does not say which one the user speaks.
    pub default_locale: Locale,
    /// Offset from UTC, in hours, of the users' clock (greetings by time of day).
    pub utc_offset_hours: i32,
    /// Longest message, in characters, the assistant reads.
    pub max_message_chars: usize,
}

/// How the account store sends codes and notices.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MessagingConfig {
    /// SMTP server for e-mail codes (`smtp://user:pass@host:587?tls=required`); a secret: set
    /// it as `HELPBOT_MESSAGING__SMTP_URL` in the environment. Unset: e-mails go to the outbox.
    #[serde(skip_serializing)]
    pub smtp_url: Option<SecretString>,
    /// The sender of those e-mails.
    pub smtp_from: String,
    /// HTTP gateway for SMS (`HELPBOT_MESSAGING__SMS_WEBHOOK_URL`; its URL may carry a key, so
    /// it is a secret value too). Unset: SMS go to the outbox.
    #[serde(skip_serializing)]
    pub sms_webhook_url: Option<SecretString>,
}

/// The web channel (`helpbot serve`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WebConfig {
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

/// Human handoff: when support works and what students are told when it does not.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HandoffConfig {
    /// Working days, "mon" … "sun".
    pub days: Vec<Day>,
    /// Opening and closing time, "HH:MM" on the clock of `utc_offset_hours`. A closing time
    /// before the opening time runs past midnight; equal times mean all day.
    pub opens: ClockTime,
    pub closes: ClockTime,
    /// Dates ("YYYY-MM-DD") support does not work, whatever the day.
    pub holidays: Vec<Holiday>,
    /// Offset from UTC, in hours, of support's clock.
    pub utc_offset_hours: i32,
    /// The hotline and e-mail students are given when nobody can take them.
    pub hotline: String,
    pub email: String,
    /// An agent counts as online this long after the console's last heartbeat.
    pub agent_timeout_seconds: u64,
    /// Minutes an agent spends on one student, for the estimated wait in the queue.
    pub minutes_per_conversation: u32,
}

impl Default for HandoffConfig {
    fn default() -> Self {
        Self {
            days: vec![Day::Mon, Day::Tue, Day::Wed, Day::Thu, Day::Fri],
            opens: ClockTime(chrono::NaiveTime::from_hms_opt(8, 30, 0).unwrap_or_default()),
            closes: ClockTime(chrono::NaiveTime::from_hms_opt(17, 30, 0).unwrap_or_default()),
            holidays: Vec::new(),
            utc_offset_hours: 8,
            hotline: "010-82199588".into(),
            email: "kefu@chsi.com.cn".into(),
            agent_timeout_seconds: 60,
            minutes_per_conversation: 5,
        }
    }
}

/// The staff console under `/console` of `helpbot serve`: sessions and sign-in lockout.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConsoleConfig {
    /// A session unused this long (seconds) ends: the staff member signs in again.
    pub session_idle_seconds: u64,
    /// A session ends this long (seconds) after signing in, however busy.
    pub session_absolute_seconds: u64,
    /// Failed sign-ins from one address before that address may not sign in for
    /// `lockout_seconds`.
    pub lockout_failures_per_address: u32,
    /// Failed sign-ins to one staff account, from anywhere, before the account is locked for
    /// `lockout_seconds` (even with the right password). Above the per-address number, so that a
    /// stranger at one address locks themselves out first.
    pub lockout_failures_per_account: u32,
    /// How long a lock lasts, in seconds; failures counted within this time add up.
    pub lockout_seconds: u64,
    /// Always mark the session cookie `Secure`. Without it the cookie is `Secure` when the request
    /// came over https (`X-Forwarded-Proto: https` from a TLS-terminating proxy).
    pub secure_cookie: bool,
}

/// The Telegram channel, started by `helpbot serve` when a bot token is set: long polling, or a
/// webhook when `webhook_url` is set.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TelegramConfig {
    /// The bot's token from @BotFather; a secret: set it as `HELPBOT_TELEGRAM__TOKEN` in the
    /// environment. Unset: no Telegram channel.
    #[serde(skip_serializing)]
    pub token: Option<SecretString>,
    /// The Bot API server: Telegram's, or a self-hosted `telegram-bot-api`.
    pub api_url: String,
    /// The public base address of this service (`https://help.example.edu`, TLS terminated by a
    /// proxy in front): set, Telegram posts updates to a secret path under it instead of being
    /// polled (see `channels::telegram::webhook`).
    pub webhook_url: Option<String>,
}

/// `/metrics` (Prometheus text format) of `helpbot serve`. Not public by default: with neither
/// key set there is no `/metrics` at all and nothing is recorded.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MetricsConfig {
    /// A separate address serving only `/metrics` (e.g. `127.0.0.1:9090`), for a scraper inside
    /// the network while the main address faces the world.
    pub listen: Option<String>,
    /// A secret bearer token (`HELPBOT_METRICS__TOKEN`): set, the main server answers `/metrics`
    /// to `Authorization: Bearer <token>` only (404 otherwise), and so does `listen`.
    #[serde(skip_serializing)]
    pub token: Option<SecretString>,
}

/// The shortest metrics token accepted: a guessable one would open `/metrics` to anyone.
pub const MIN_METRICS_TOKEN_CHARS: usize = 16;

impl MetricsConfig {
    /// Whether `/metrics` is served anywhere (and so whether anything is recorded).
    pub fn exposed(&self) -> bool {
        self.listen_address().is_some() || self.token.is_some()
    }

    /// The separate address, `None` when unset or blank (`HELPBOT_METRICS__LISTEN=` turns it off).
    pub fn listen_address(&self) -> Option<&str> {
        self.listen
            .as_deref()
            .map(str::trim)
            .filter(|address| !address.is_empty())
    }

    /// Refuses a token too short to be secret (an empty `HELPBOT_METRICS__TOKEN=` included).
    pub fn validate(&self) -> Result<(), ConfigError> {
        use secrecy::ExposeSecret;
        match &self.token {
            Some(token) if token.expose_secret().chars().count() < MIN_METRICS_TOKEN_CHARS => {
                Err(ConfigError::MetricsTokenTooShort)
            }
            _ => Ok(()),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            database_url: SecretString::from("sqlite://data/helpbot.db"),
            create_database: false,
            migrate: true,
            log: None,
            log_format: LogFormat::Text,
            content: ContentConfig::default(),
            conversation: ConversationConfig::default(),
            search: SearchSettings::default(),
            messaging: MessagingConfig::default(),
            web: WebConfig::default(),
            handoff: HandoffConfig::default(),
            console: ConsoleConfig::default(),
            telegram: TelegramConfig::default(),
            retention: RetentionConfig::default(),
            metrics: MetricsConfig::default(),
            hot: HotConfig::default(),
        }
    }
}

impl Default for ContentConfig {
    fn default() -> Self {
        Self {
            knowledge_dir: "knowledge".into(),
            dialogs_dir: "dialogs".into(),
            locales_dir: "locales".into(),
            watch: true,
        }
    }
}

impl ContentConfig {
    /// The content folders of a checkout (tests, benchmarks, tools run from anywhere).
    pub fn under(root: &Path) -> Self {
        Self {
            knowledge_dir: root.join("knowledge"),
            dialogs_dir: root.join("dialogs"),
            locales_dir: root.join("locales"),
            ..Self::default()
        }
    }
}

impl Default for ConversationConfig {
    fn default() -> Self {
        Self {
            default_locale: Locale::ZhCn,
            utc_offset_hours: 8,
            max_message_chars: 500,
        }
    }
}

impl Default for MessagingConfig {
    fn default() -> Self {
        Self {
            smtp_url: None,
            smtp_from: "helpbot <noreply@localhost>".into(),
            sms_webhook_url: None,
        }
    }
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
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

impl Default for ConsoleConfig {
    fn default() -> Self {
        Self {
            session_idle_seconds: 30 * 60,
            session_absolute_seconds: 12 * 60 * 60,
            lockout_failures_per_address: 5,
            lockout_failures_per_account: 20,
            lockout_seconds: 15 * 60,
            secure_cookie: false,
        }
    }
}

impl Default for TelegramConfig {
    fn default() -> Self {
        Self {
            token: None,
            api_url: "https://api.telegram.org".into(),
            webhook_url: None,
        }
    }
}

/// Environment names read besides the `HELPBOT_<TABLE>__<KEY>` ones (without the `HELPBOT_`
/// prefix), and the key each sets.
pub const ENV_ALIASES: [(&str, &str); 3] = [
    ("TELEGRAM_TOKEN", "telegram.token"),
    ("TELEGRAM_API_URL", "telegram.api_url"),
    ("TELEGRAM_WEBHOOK_URL", "telegram.webhook_url"),
];

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration file {0} does not exist")]
    MissingFile(PathBuf),
    #[error("configuration: {0}")]
    Invalid(#[from] Box<figment::Error>),
    #[error("configuration: metrics.token must be at least {MIN_METRICS_TOKEN_CHARS} characters")]
    MetricsTokenTooShort,
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
        // The aliases first, so that the `__` names, merged after them, win.
        let alias_names: Vec<&str> = ENV_ALIASES.iter().map(|(alias, _)| *alias).collect();
        figment = figment
            .merge(Env::prefixed("HELPBOT_").filter_map(|name| {
                ENV_ALIASES
                    .iter()
                    .find(|(alias, _)| name.as_str().eq_ignore_ascii_case(alias))
                    .map(|(_, key)| (*key).into())
            }))
            .merge(Env::prefixed("HELPBOT_").ignore(&alias_names).split("__"));
        let config: Config = figment
            .extract()
            .map_err(|e| ConfigError::Invalid(Box::new(e)))?;
        config.metrics.validate()?;
        Ok(config)
    }
}

#[cfg(test)]
// figment's Jail closures must return its (large) error type.
#[allow(clippy::result_large_err)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[test]
    fn defaults_need_no_file_and_env_overrides_file() {
        figment::Jail::expect_with(|jail| {
            let config = Config::load(None).map_err(|e| e.to_string())?;
            assert_eq!(
                config.database_url.expose_secret(),
                "sqlite://data/helpbot.db"
            );
            assert_eq!(config.web.listen, "127.0.0.1:8080");
            jail.create_file(
                "helpbot.toml",
                "[content]\nknowledge_dir = \"from-file\"\nlocales_dir = \"l\"\n\
                 [search]\ndefinite_threshold = 0.7\n[web]\nrate_limit_per_ip = 7\n",
            )?;
            jail.set_env("HELPBOT_CONTENT__KNOWLEDGE_DIR", "from-env");
            jail.set_env("HELPBOT_SEARCH__SUGGEST_THRESHOLD", "0.2");
            jail.set_env("HELPBOT_DATABASE_URL", "postgres://h@db/helpbot");
            let config = Config::load(None).map_err(|e| e.to_string())?;
            assert_eq!(config.content.knowledge_dir, PathBuf::from("from-env"));
            assert_eq!(config.content.locales_dir, PathBuf::from("l"));
            assert_eq!(config.content.dialogs_dir, PathBuf::from("dialogs"));
            assert_eq!(config.web.rate_limit_per_ip, 7);
            assert_eq!(config.web.shutdown_grace_seconds, 10);
            assert_eq!(
                config.database_url.expose_secret(),
                "postgres://h@db/helpbot"
            );
            assert!((config.search.definite_threshold - 0.7).abs() < 1e-6);
            assert!((config.search.suggest_threshold - 0.2).abs() < 1e-6);
            Ok(())
        });
    }

    #[test]
    fn secrets_are_read_from_the_environment_and_never_shown() {
        figment::Jail::expect_with(|jail| {
            jail.set_env(
                "HELPBOT_MESSAGING__SMTP_URL",
                "smtp://mailer:s3cret-pw@mail.example.edu:587",
            );
            jail.set_env(
                "HELPBOT_MESSAGING__SMS_WEBHOOK_URL",
                "https://sms.example.edu/send?key=k3y-42",
            );
            jail.set_env("HELPBOT_DATABASE_URL", "postgres://h:db-pa55@db/helpbot");
            jail.set_env("HELPBOT_TELEGRAM__TOKEN", "123456:tg-t0ken");
            jail.set_env("HELPBOT_METRICS__TOKEN", "m3trics-scrape-t0ken");
            let config = Config::load(None).map_err(|e| e.to_string())?;
            assert_eq!(
                config.metrics.token.as_ref().map(|s| s.expose_secret()),
                Some("m3trics-scrape-t0ken")
            );
            assert_eq!(
                config
                    .messaging
                    .smtp_url
                    .as_ref()
                    .map(|s| s.expose_secret()),
                Some("smtp://mailer:s3cret-pw@mail.example.edu:587")
            );
            let shown = format!("{config:?}");
            assert_eq!(
                config.telegram.token.as_ref().map(|s| s.expose_secret()),
                Some("123456:tg-t0ken")
            );
            for secret in [
                "s3cret-pw",
                "k3y-42",
                "db-pa55",
                "tg-t0ken",
                "m3trics-scrape-t0ken",
            ] {
                assert!(!shown.contains(secret), "{shown}");
            }
            Ok(())
        });
    }

    /// `helpbot.example.toml` documents every key with its default value: parsed, it has the
    /// same keys and values as the built-in defaults.
    #[test]
    fn the_example_file_shows_every_key_with_its_default() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("helpbot.example.toml");
        let example: toml::Table = std::fs::read_to_string(&path)
            .expect("example file")
            .parse()
            .expect("example is TOML");
        let defaults = toml::Table::try_from(Config::default()).expect("defaults serialise");
        fn keys(table: &toml::Table, prefix: &str, into: &mut Vec<String>) {
            for (key, value) in table {
                let path = format!("{prefix}{key}");
                match value {
                    toml::Value::Table(inner) => keys(inner, &format!("{path}."), into),
                    _ => into.push(path),
                }
            }
        }
        let (mut documented, mut known) = (Vec::new(), Vec::new());
        keys(&example, "", &mut documented);
        keys(&defaults, "", &mut known);
        // The database URL is a secret value, never serialised; it is documented all the same.
        known.push("database_url".into());
        documented.sort();
        known.sort();
        assert_eq!(documented, known);
        // And with the values of the defaults (compared once loaded: floats are f32).
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "helpbot.toml",
                &std::fs::read_to_string(&path).expect("read"),
            )?;
            let loaded = Config::load(None).map_err(|e| e.to_string())?;
            assert_eq!(format!("{loaded:?}"), format!("{:?}", Config::default()));
            Ok(())
        });
    }

    #[test]
    fn the_telegram_keys_are_read_under_their_one_underscore_names_too() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("HELPBOT_TELEGRAM_TOKEN", "123456:al1as-t0ken");
            jail.set_env("HELPBOT_TELEGRAM_API_URL", "http://127.0.0.1:8081");
            jail.set_env("HELPBOT_TELEGRAM_WEBHOOK_URL", "https://help.example.edu");
            let config = Config::load(None).map_err(|e| e.to_string())?;
            assert_eq!(
                config.telegram.token.as_ref().map(|s| s.expose_secret()),
                Some("123456:al1as-t0ken")
            );
            assert_eq!(config.telegram.api_url, "http://127.0.0.1:8081");
            assert_eq!(
                config.telegram.webhook_url.as_deref(),
                Some("https://help.example.edu")
            );
            assert!(!format!("{config:?}").contains("al1as-t0ken"));
            // The documented `__` names win over the aliases.
            jail.set_env("HELPBOT_TELEGRAM__WEBHOOK_URL", "https://bot.example.edu");
            jail.set_env("HELPBOT_TELEGRAM__TOKEN", "123456:main-t0ken");
            let config = Config::load(None).map_err(|e| e.to_string())?;
            assert_eq!(
                config.telegram.webhook_url.as_deref(),
                Some("https://bot.example.edu")
            );
            assert_eq!(
                config.telegram.token.as_ref().map(|s| s.expose_secret()),
                Some("123456:main-t0ken")
            );
            Ok(())
        });
    }

    #[test]
    fn log_format_migration_and_retention_are_read_from_file_and_environment() {
        figment::Jail::expect_with(|jail| {
            let config = Config::load(None).map_err(|e| e.to_string())?;
            assert_eq!(config.log_format, LogFormat::Text);
            assert!(config.migrate);
            assert_eq!(config.retention.transcript_days, 180);
            assert_eq!(config.retention.photo_days, 30);
            jail.create_file(
                "helpbot.toml",
                "log_format = \"json\"\nmigrate = false\n[retention]\nphoto_days = 7\n",
            )?;
            let config = Config::load(None).map_err(|e| e.to_string())?;
            assert_eq!(config.log_format, LogFormat::Json);
            assert!(!config.migrate);
            assert_eq!(config.retention.photo_days, 7);
            jail.set_env("HELPBOT_LOG_FORMAT", "text");
            jail.set_env("HELPBOT_RETENTION__TRANSCRIPT_DAYS", "90");
            let config = Config::load(None).map_err(|e| e.to_string())?;
            assert_eq!(config.log_format, LogFormat::Text);
            assert_eq!(config.retention.transcript_days, 90);
            jail.set_env("HELPBOT_LOG_FORMAT", "xml");
            let error = Config::load(None).err().map(|e| e.to_string());
            assert!(
                error
                    .as_deref()
                    .is_some_and(|e| e.contains("LOG_FORMAT") && e.contains("json")),
                "{error:?}"
            );
            Ok(())
        });
    }

    #[test]
    fn metrics_are_off_unless_an_address_or_a_long_enough_token_is_set() {
        figment::Jail::expect_with(|jail| {
            assert!(
                !Config::load(None)
                    .map_err(|e| e.to_string())?
                    .metrics
                    .exposed()
            );
            jail.set_env("HELPBOT_METRICS__LISTEN", "127.0.0.1:9090");
            let config = Config::load(None).map_err(|e| e.to_string())?;
            assert_eq!(config.metrics.listen.as_deref(), Some("127.0.0.1:9090"));
            assert!(config.metrics.exposed());
            jail.set_env("HELPBOT_METRICS__LISTEN", "");
            assert!(
                !Config::load(None)
                    .map_err(|e| e.to_string())?
                    .metrics
                    .exposed()
            );
            for short in ["too-short", ""] {
                jail.set_env("HELPBOT_METRICS__TOKEN", short);
                assert!(matches!(
                    Config::load(None),
                    Err(ConfigError::MetricsTokenTooShort)
                ));
            }
            Ok(())
        });
    }

    #[test]
    fn hot_questions_are_configured_from_file_and_environment() {
        figment::Jail::expect_with(|jail| {
            let config = Config::load(None).map_err(|e| e.to_string())?;
            assert_eq!(config.hot.window_days, 14);
            assert_eq!(config.hot.per_category, 4);
            assert_eq!(config.hot.refresh_minutes, 10);
            jail.create_file(
                "helpbot.toml",
                "[hot]\nwindow_days = 30\nper_category = 3\n",
            )?;
            jail.set_env("HELPBOT_HOT__REFRESH_MINUTES", "5");
            jail.set_env("HELPBOT_HOT__PER_CATEGORY", "6");
            let config = Config::load(None).map_err(|e| e.to_string())?;
            assert_eq!(config.hot.window_days, 30);
            assert_eq!(config.hot.per_category, 6);
            assert_eq!(config.hot.refresh_minutes, 5);
            Ok(())
        });
    }

    #[test]
    fn unknown_keys_are_errors() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("helpbot.toml", "[content]\nknowlege_dir = \"typo\"\n")?;
            assert!(Config::load(None).is_err());
            // A key of the old flat layout names a table that does not exist.
            jail.create_file("helpbot.toml", "listen = \"0.0.0.0:80\"\n")?;
            assert!(Config::load(None).is_err());
            Ok(())
        });
    }
}
