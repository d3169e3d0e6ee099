//! Content reload for `helpbot serve`. Editors change `knowledge/`, `dialogs/` or `locales/`; the
//! service notices (a watcher on the three folders, and SIGHUP), loads and validates the whole new
//! set exactly as `helpbot check` does, and swaps it in at once ([`LiveContent`]): requests in
//! flight finish on the set they started with, later ones get the new one. A set with problems is
//! refused, each problem logged as `file:line`, and the old set keeps serving.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use notify_debouncer_mini::{DebounceEventResult, new_debouncer, notify::RecursiveMode};
use tokio::sync::{Mutex, mpsc};

use crate::config::Config;
use crate::content::{Content, ContentError, ContentPaths, LiveContent, fingerprint};
use crate::knowledge::SearchSettings;
use crate::problem::Problem;

/// How long the files must stay quiet before a reload: an editor saving several files (or a
/// deployment copying a folder) causes one reload, not one per file.
const QUIET_FOR: Duration = Duration::from_millis(300);

/// Why the watcher could not start.
#[derive(Debug, thiserror::Error)]
pub enum ReloadError {
    #[error("watching the content folders: {0}")]
    Watch(#[from] notify_debouncer_mini::notify::Error),
    #[error("listening for SIGHUP: {0}")]
    Signal(#[from] std::io::Error),
}

/// What a reload did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reloaded {
    /// The files are the ones already serving.
    Unchanged { version: String },
    /// A new set is serving.
    Replaced {
        from: String,
        to: String,
        entries: usize,
        elapsed: Duration,
    },
}

/// Loads the configured content again and puts it in place of the serving set.
pub struct Reloader {
    live: LiveContent,
    paths: ContentPaths,
    search: SearchSettings,
    /// One reload at a time: a signal and a file event together load once each, in turn.
    running: Mutex<()>,
}

impl Reloader {
    pub fn new(live: LiveContent, config: &Config) -> Self {
        Self {
            live,
            paths: ContentPaths::from(config),
            search: config.search,
            running: Mutex::new(()),
        }
    }

    /// Loads and validates the whole set and swaps it in; on problems nothing changes.
    pub async fn reload(&self) -> Result<Reloaded, ContentError> {
        let _one_at_a_time = self.running.lock().await;
        let serving = self.live.current().version.clone();
        let paths = self.paths.clone();
        let version = fingerprint(&paths);
        if version == serving {
            return Ok(Reloaded::Unchanged { version: serving });
        }
        let search = self.search;
        let started = Instant::now();
        // Loading builds the search index: seconds of CPU on a big set, kept off the request
        // threads.
        let loaded = tokio::task::spawn_blocking(move || Content::load_as(&paths, search, version))
            .await
            .map_err(|error| {
                ContentError(vec![Problem::new(
                    &self.paths.knowledge,
                    1,
                    format!("loading stopped: {error}"),
                )])
            })??;
        let reloaded = Reloaded::Replaced {
            from: serving,
            to: loaded.version.clone(),
            entries: loaded.knowledge.entries().len(),
            elapsed: started.elapsed(),
        };
        self.live.replace(loaded.shared());
        Ok(reloaded)
    }

    /// Reloads and logs the result: the versions, or every problem as `file:line`.
    pub async fn reload_and_log(&self, trigger: &'static str) {
        match self.reload().await {
            Ok(Reloaded::Unchanged { version }) => {
                tracing::debug!(trigger, %version, "content unchanged");
            }
            Ok(Reloaded::Replaced {
                from,
                to,
                entries,
                elapsed,
            }) => tracing::info!(
                trigger,
                %from,
                version = %to,
                entries,
                elapsed_ms = elapsed.as_millis() as u64,
                "content reloaded"
            ),
            Err(ContentError(problems)) => {
                for problem in &problems {
                    tracing::error!(%problem, "content problem");
                }
                tracing::error!(
                    trigger,
                    problems = problems.len(),
                    version = %self.live.current().version,
                    "content reload refused: the set in use keeps serving"
                );
            }
        }
    }

    fn folders(&self) -> [PathBuf; 3] {
        [
            self.paths.knowledge.clone(),
            self.paths.dialogs.clone(),
            self.paths.locales.clone(),
        ]
    }
}

/// Reloads on file changes (when `watch`) and on SIGHUP, until the process ends.
pub fn spawn(
    reloader: Arc<Reloader>,
    watch: bool,
) -> Result<tokio::task::JoinHandle<()>, ReloadError> {
    let (changed, mut changes) = mpsc::unbounded_channel::<()>();
    let watcher = if watch {
        let mut debouncer = new_debouncer(QUIET_FOR, move |result: DebounceEventResult| {
            match result {
                Ok(events) if !events.is_empty() => {
                    // The receiver only ends with the process.
                    let _ = changed.send(());
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "content watcher"),
            }
        })?;
        for folder in reloader.folders() {
            debouncer
                .watcher()
                .watch(&folder, RecursiveMode::Recursive)?;
        }
        Some(debouncer)
    } else {
        drop(changed);
        None
    };
    let mut hangups = hangups()?;
    tracing::info!(
        watch,
        "content reload on SIGHUP{}",
        if watch { " and file changes" } else { "" }
    );
    Ok(tokio::spawn(async move {
        // Kept alive as long as the task: dropping it stops watching.
        let _watcher = watcher;
        loop {
            let trigger = tokio::select! {
                Some(()) = changes.recv() => "files",
                Some(()) = hangups.recv() => "SIGHUP",
                else => break,
            };
            reloader.reload_and_log(trigger).await;
        }
    }))
}

#[cfg(unix)]
fn hangups() -> Result<mpsc::UnboundedReceiver<()>, ReloadError> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut signals = signal(SignalKind::hangup())?;
    let (sender, receiver) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while signals.recv().await.is_some() {
            if sender.send(()).is_err() {
                break;
            }
        }
    });
    Ok(receiver)
}

#[cfg(not(unix))]
fn hangups() -> Result<mpsc::UnboundedReceiver<()>, ReloadError> {
    // No SIGHUP here: the receiver's sender is dropped at once and only files trigger.
    Ok(mpsc::unbounded_channel().1)
}
