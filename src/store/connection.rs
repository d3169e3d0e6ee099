//! Opening the database: which backend a URL names, when an SQLite file may be created, the
//! schema (migrated, or only checked: `schema.rs`), and the pool with the settings every
//! connection gets.
//!
//! An SQLite file is created on the first run only. Next to it helpbot leaves a marker
//! (`helpbot.db.created`), so that a file that later goes missing (deleted, a volume not mounted)
//! is reported instead of being silently replaced by an empty database; [`Creation::Allowed`]
//! (`--create-database`) creates one anyway. The pool opens the file without the right to create
//! it, and a connection is only kept when the process may write the file and the connection can
//! write: SQLite opens a file it may not write read-only without saying so, and such a
//! connection would go on failing after write access returns.
//!
//! Every wait is bounded by [`DATABASE_WAIT`]: for a pooled connection, for SQLite's write lock,
//! for one PostgreSQL statement. A user facing a database that is down hears so within about that
//! time, not after a generic timeout.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyConnection, AnyPool, ConnectOptions, Connection};

use super::health::Health;
use super::schema::{self, MigrationReport, SchemaPolicy};
use super::{Backend, StoreError, checkpoint};

/// The longest any one wait on the database may take (see the module documentation).
pub const DATABASE_WAIT: Duration = Duration::from_secs(1);

/// A write that changes nothing: it fails on a connection or a server that cannot write.
/// `_sqlx_migrations` exists on both backends once migrated and has no negative versions.
pub(super) const WRITE_PROBE: &str =
    "UPDATE _sqlx_migrations SET success = success WHERE version < 0";

/// What to do when the SQLite file does not exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Creation {
    /// Create it on the first run only: not where helpbot created a database before (the marker
    /// beside the file says so), because then the file was lost and an empty one would hide it.
    #[default]
    FirstRun,
    /// Create an empty database even where one existed before (`--create-database`).
    Allowed,
}

/// Where the database is, as far as opening it is concerned.
#[derive(Debug, Clone)]
pub(super) enum Location {
    SqliteFile(PathBuf),
    SqliteMemory,
    Postgres,
}

impl Location {
    pub(super) fn backend(&self) -> Backend {
        match self {
            Location::SqliteFile(_) | Location::SqliteMemory => Backend::Sqlite,
            Location::Postgres => Backend::Postgres,
        }
    }
}

/// An open pool, migrated.
pub(super) struct Opened {
    pub pool: AnyPool,
    pub location: Location,
    pub health: Arc<Health>,
    /// PostgreSQL only: the connections turns hold while they wait for each other.
    pub turn_lock_pool: Option<AnyPool>,
}

/// On PostgreSQL a turn holds a connection of its own while it runs (its conversation's lock, see
/// `turn_lock.rs`). They come from a pool apart from the one turns read and write with, so that
/// turns holding or waiting for a lock never take the connections running turns need.
const TURN_LOCK_CONNECTIONS: u32 = 16;
/// How long a turn waits for the conversation's previous turn, or for a lock connection: longer
/// than any one database wait, because a turn of the same conversation may be running.
pub const TURN_WAIT: Duration = Duration::from_secs(10);

pub(super) fn locate(url: &str) -> Result<Location, StoreError> {
    if url.starts_with("sqlite:") {
        // As sqlx reads it: `sqlite://` or `sqlite:`, then the path and the parameters.
        let rest = url
            .trim_start_matches("sqlite://")
            .trim_start_matches("sqlite:");
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        if path.is_empty() || path == ":memory:" || query.split('&').any(|p| p == "mode=memory") {
            Ok(Location::SqliteMemory)
        } else {
            Ok(Location::SqliteFile(PathBuf::from(path)))
        }
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Ok(Location::Postgres)
    } else {
        Err(StoreError::UnsupportedUrl(super::redact_url(url)))
    }
}

/// The marker that says helpbot created a database at this path.
fn creation_marker(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".created");
    path.with_file_name(name)
}

/// The URL with SQLite's open mode set, unless the URL sets one itself.
fn with_mode(url: &str, mode: &str) -> String {
    if url.contains("mode=") {
        url.to_string()
    } else if url.contains('?') {
        format!("{url}&mode={mode}")
    } else {
        format!("{url}?mode={mode}")
    }
}

fn connect_options(url: &str) -> Result<AnyConnectOptions, StoreError> {
    Ok(AnyConnectOptions::from_str(url)?.disable_statement_logging())
}

/// Opens (creating on the first run, as `creation` allows) the database, migrates it or checks
/// that it is migrated (`policy`), and builds the pool.
pub(super) async fn open(
    url: &str,
    creation: Creation,
    policy: SchemaPolicy,
) -> Result<Opened, StoreError> {
    sqlx::any::install_default_drivers();
    let location = locate(url)?;
    let health = Arc::new(Health::default());
    let mut turn_lock_pool = None;
    let pool = match &location {
        Location::SqliteMemory => {
            // Each connection to `:memory:` is a database of its own: keep exactly one, for good.
            // Nothing else can have migrated it, whatever the policy.
            let pool = pool_options(Backend::Sqlite, &health, None)
                .max_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
                .connect_with(connect_options(url)?)
                .await?;
            schema::migrator(Backend::Sqlite).run(&pool).await?;
            pool
        }
        Location::SqliteFile(path) => {
            match policy {
                SchemaPolicy::Migrate => {
                    migrate_file(url, path, creation).await?;
                }
                SchemaPolicy::RequireCurrent => {
                    // A database that does not exist yet misses every migration: it is not
                    // created here, `helpbot migrate` does that.
                    if !path.exists() {
                        refuse_if_lost(path, creation)?;
                        return Err(schema::all_pending(Backend::Sqlite));
                    }
                    prepare_file(path, creation)?;
                    with_connection(Backend::Sqlite, &with_mode(url, "rw"), policy).await?;
                }
            }
            pool_options(Backend::Sqlite, &health, Some(Arc::from(path.as_path())))
                .connect_with(connect_options(&with_mode(url, "rw"))?)
                .await?
        }
        Location::Postgres => {
            with_connection(Backend::Postgres, url, policy).await?;
            let options = connect_options(url)?;
            turn_lock_pool = Some(
                AnyPoolOptions::new()
                    .max_connections(TURN_LOCK_CONNECTIONS)
                    .min_connections(0)
                    .acquire_timeout(TURN_WAIT)
                    .test_before_acquire(true)
                    .connect_lazy_with(options.clone()),
            );
            pool_options(Backend::Postgres, &health, None)
                .connect_with(options)
                .await?
        }
    };
    Ok(Opened {
        pool,
        location,
        health,
        turn_lock_pool,
    })
}

/// Applies the missing migrations and nothing else (`helpbot migrate`): creates the SQLite file
/// on the first run as `creation` allows, and builds no pool.
pub(super) async fn migrate_only(
    url: &str,
    creation: Creation,
) -> Result<MigrationReport, StoreError> {
    sqlx::any::install_default_drivers();
    match locate(url)? {
        Location::SqliteFile(path) => migrate_file(url, &path, creation).await,
        Location::SqliteMemory => {
            with_connection(Backend::Sqlite, url, SchemaPolicy::Migrate).await
        }
        Location::Postgres => with_connection(Backend::Postgres, url, SchemaPolicy::Migrate).await,
    }
}

/// Migrates the SQLite file, creating it (and its marker) on the first run as `creation` allows.
async fn migrate_file(
    url: &str,
    path: &Path,
    creation: Creation,
) -> Result<MigrationReport, StoreError> {
    let create = prepare_file(path, creation)?;
    let migrate_url = with_mode(url, if create { "rwc" } else { "rw" });
    let report = with_connection(Backend::Sqlite, &migrate_url, SchemaPolicy::Migrate).await?;
    if create {
        mark_created(path);
    }
    Ok(report)
}

/// Migrates, or checks the schema, on a connection of its own, without the statement timeout of
/// the pool (a migration may take longer than one ordinary wait). A check reports no migration.
async fn with_connection(
    backend: Backend,
    url: &str,
    policy: SchemaPolicy,
) -> Result<MigrationReport, StoreError> {
    let mut conn = AnyConnection::connect_with(&connect_options(url)?).await?;
    let result = match policy {
        SchemaPolicy::Migrate => schema::migrate(backend, &mut conn).await,
        SchemaPolicy::RequireCurrent => {
            schema::require_current(backend, &mut conn)
                .await
                .map(|()| MigrationReport {
                    applied: Vec::new(),
                    total: schema::migrator(backend).iter().count(),
                })
        }
    };
    conn.close().await.ok();
    result
}

/// Decides whether the SQLite file may be created; true when it is to be.
fn prepare_file(path: &Path, creation: Creation) -> Result<bool, StoreError> {
    let marker = creation_marker(path);
    if path.exists() {
        if !marker.exists() {
            // A database from before markers existed, or restored from a backup: mark it now, so
            // that losing it later is noticed.
            mark_created(path);
        }
        return Ok(false);
    }
    refuse_if_lost(path, creation)?;
    if let Some(parent) = path.parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent)
            .map_err(|e| StoreError::Folder(parent.display().to_string(), e))?;
    }
    Ok(true)
}

/// Refuses a missing file where helpbot created one before, unless `creation` allows it.
fn refuse_if_lost(path: &Path, creation: Creation) -> Result<(), StoreError> {
    let marker = creation_marker(path);
    if !path.exists() && marker.exists() && creation != Creation::Allowed {
        return Err(StoreError::Missing {
            path: path.display().to_string(),
            marker: marker.display().to_string(),
        });
    }
    Ok(())
}

fn mark_created(path: &Path) {
    let marker = creation_marker(path);
    let note = format!(
        "helpbot created or opened the database {} here on {}.\n\
         While this file exists, helpbot refuses to start without that database instead of\n\
         creating an empty one (start it with --create-database to do that deliberately).\n",
        path.display(),
        chrono::Utc::now().format("%Y-%m-%d %H:%M:%S UTC")
    );
    if let Err(e) = std::fs::write(&marker, note) {
        tracing::warn!(marker = %marker.display(), error = %e, "cannot write the database marker");
    }
}

/// The pool's settings; `file`: the SQLite file, whose connections are refused when they cannot
/// write.
fn pool_options(backend: Backend, health: &Arc<Health>, file: Option<Arc<Path>>) -> AnyPoolOptions {
    let stale = Arc::clone(health);
    AnyPoolOptions::new()
        .max_connections(if backend == Backend::Sqlite { 4 } else { 10 })
        .min_connections(1)
        .acquire_timeout(DATABASE_WAIT)
        // A local SQLite connection does not go stale; pinging it before every query was a
        // tenth of the server's time under load. A server connection may have been dropped.
        .test_before_acquire(backend == Backend::Postgres)
        // Connections opened before a fault was seen (see `health.rs`) are reopened.
        .before_acquire(move |_conn, meta| {
            let keep = !stale.opened_before_fault(meta.age);
            Box::pin(async move { Ok(keep) })
        })
        .after_connect(move |conn, _meta| {
            let file = file.clone();
            Box::pin(async move { set_up_session(conn, backend, file.as_deref()).await })
        })
}

/// Whether this process may write the SQLite file, and its log files when they exist, now: what
/// a connection opened now would be allowed. (SQLite may hand a new connection a descriptor it
/// kept open from before the file became read-only, so a connection that can write does not
/// prove this.)
///
/// SQLite creates its `-wal` and `-shm` files with the database file's permissions. Created while
/// the database was read-only, they would stay read-only after it is writable again and keep every
/// new connection from writing; they are given the database file's permissions again here.
pub(super) fn file_writable(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use rustix::fs::{Access, access};
        use std::os::unix::fs::PermissionsExt;
        access(path, Access::WRITE_OK)?;
        for suffix in ["-wal", "-shm"] {
            let mut name = path.as_os_str().to_os_string();
            name.push(suffix);
            let side = Path::new(&name);
            match access(side, Access::WRITE_OK) {
                Ok(()) | Err(rustix::io::Errno::NOENT) => {}
                Err(rustix::io::Errno::ACCESS) => {
                    let mode = std::fs::metadata(path)?.permissions().mode() & 0o777;
                    std::fs::set_permissions(side, std::fs::Permissions::from_mode(mode))?;
                    tracing::info!(file = %side.display(), "made writable again like the database");
                    access(side, Access::WRITE_OK)?;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// What every new connection runs before it is used; `file`: the SQLite file, when connections
/// that cannot write it are to be refused.
async fn set_up_session(
    conn: &mut AnyConnection,
    backend: Backend,
    file: Option<&Path>,
) -> Result<(), sqlx::Error> {
    let wait_ms = DATABASE_WAIT.as_millis();
    match backend {
        Backend::Sqlite => {
            // WAL lets readers work while one writer commits; the timeout makes a second writer
            // wait instead of failing with SQLITE_BUSY.
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&mut *conn)
                .await?;
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "PRAGMA busy_timeout = {wait_ms}"
            )))
            .execute(&mut *conn)
            .await?;
            sqlx::query("PRAGMA foreign_keys = ON")
                .execute(&mut *conn)
                .await?;
            sqlx::query("PRAGMA synchronous = NORMAL")
                .execute(&mut *conn)
                .await?;
            sqlx::query(checkpoint::AUTOCHECKPOINT)
                .execute(&mut *conn)
                .await?;
            // SQLite opens a file it may not write read-only without saying so; such a connection
            // would fail every write for as long as the pool keeps it.
            if let Some(file) = file {
                file_writable(file)?;
                sqlx::query(WRITE_PROBE).execute(&mut *conn).await?;
            }
        }
        Backend::Postgres => {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "SET statement_timeout = {wait_ms}"
            )))
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_their_location() {
        assert!(matches!(
            locate("sqlite://data/helpbot.db"),
            Ok(Location::SqliteFile(p)) if p == Path::new("data/helpbot.db")
        ));
        assert!(matches!(
            locate("sqlite:h.db?mode=rwc"),
            Ok(Location::SqliteFile(p)) if p == Path::new("h.db")
        ));
        assert!(matches!(
            locate("sqlite:////srv/helpbot.db"),
            Ok(Location::SqliteFile(p)) if p == Path::new("//srv/helpbot.db")
        ));
        assert!(matches!(
            locate("sqlite::memory:"),
            Ok(Location::SqliteMemory)
        ));
        assert!(matches!(
            locate("postgres://u@h/db"),
            Ok(Location::Postgres)
        ));
        assert!(locate("mysql://x").is_err());
        assert_eq!(
            creation_marker(Path::new("data/helpbot.db")),
            Path::new("data/helpbot.db.created")
        );
        assert_eq!(with_mode("sqlite://a.db", "rw"), "sqlite://a.db?mode=rw");
        assert_eq!(
            with_mode("sqlite://a.db?x=1", "rw"),
            "sqlite://a.db?x=1&mode=rw"
        );
        assert_eq!(
            with_mode("sqlite://a.db?mode=ro", "rw"),
            "sqlite://a.db?mode=ro"
        );
    }
}
