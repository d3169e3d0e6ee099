//! The schema: the migrations of each backend (`migrations/sqlite`, `migrations/postgres`, the
//! same version numbers on both), running them and reporting what was applied (`helpbot
//! migrate`), and, for deployments that migrate separately (`helpbot serve --no-migrate`),
//! checking that a database has every migration without changing it.
//!
//! The check never writes: it does not even create sqlx's `_sqlx_migrations` table, because the
//! role a service runs as in such a deployment may not be allowed to. A database with migrations
//! this binary does not know (migrated by a newer helpbot) is accepted with a warning: during a
//! rolling upgrade the old instances still run against the new schema, and helpbot's migrations
//! add rather than remove.

use std::collections::HashMap;

use sqlx::AnyConnection;
use sqlx::migrate::{Migrate, MigrateError, Migrator};

use super::{Backend, StoreError};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// The migrations of a backend.
pub(super) fn migrator(backend: Backend) -> &'static Migrator {
    match backend {
        Backend::Sqlite => &SQLITE_MIGRATIONS,
        Backend::Postgres => &POSTGRES_MIGRATIONS,
    }
}

/// What to do about the schema when a database is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SchemaPolicy {
    /// Apply the migrations that are missing (the default: one process does everything).
    #[default]
    Migrate,
    /// Change nothing, and refuse to open a database that misses a migration
    /// ([`StoreError::MigrationsPending`]); `helpbot migrate` applies them.
    RequireCurrent,
}

/// One migration, as `helpbot migrate` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationName {
    pub version: i64,
    pub description: String,
}

impl std::fmt::Display for MigrationName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04} {}", self.version, self.description)
    }
}

/// What `helpbot migrate` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationReport {
    /// The migrations this run applied, in order (empty: the schema was up to date).
    pub applied: Vec<MigrationName>,
    /// Every migration the database has now.
    pub total: usize,
}

/// The versions the database has applied, with their checksums (none when it was never
/// migrated: sqlx's table does not exist yet).
async fn applied(
    backend: Backend,
    conn: &mut AnyConnection,
) -> Result<HashMap<i64, Vec<u8>>, StoreError> {
    let table = &migrator(backend).table_name;
    // Asked of the catalog so that nothing is created; the name is sqlx's constant.
    let exists: i64 = match backend {
        Backend::Sqlite => {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $1",
            )
            .bind(table.as_ref())
            .fetch_one(&mut *conn)
            .await?
        }
        Backend::Postgres => {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_name = $1",
            )
            .bind(table.as_ref())
            .fetch_one(&mut *conn)
            .await?
        }
    };
    if exists == 0 {
        return Ok(HashMap::new());
    }
    if let Some(version) = conn.dirty_version(table).await? {
        return Err(MigrateError::Dirty(version).into());
    }
    Ok(conn
        .list_applied_migrations(table)
        .await?
        .into_iter()
        .map(|m| (m.version, m.checksum.into_owned()))
        .collect())
}

fn name_of(migration: &sqlx::migrate::Migration) -> MigrationName {
    MigrationName {
        version: migration.version,
        description: migration.description.to_string(),
    }
}

/// Applies the missing migrations on `conn` and reports which ones it applied. Several
/// processes may run this at once: sqlx takes a lock on PostgreSQL (SQLite's write lock does the
/// same), and a migration another process applied meanwhile is not reported as this run's.
pub(super) async fn migrate(
    backend: Backend,
    conn: &mut AnyConnection,
) -> Result<MigrationReport, StoreError> {
    let migrator = migrator(backend);
    let before = applied(backend, conn).await?;
    migrator.run(&mut *conn).await?;
    let after = applied(backend, conn).await?;
    let applied = migrator
        .iter()
        .filter(|m| after.contains_key(&m.version) && !before.contains_key(&m.version))
        .map(name_of)
        .collect();
    Ok(MigrationReport {
        applied,
        total: after.len(),
    })
}

/// Whether the database has every migration of this binary, unchanged; changes nothing.
pub(super) async fn require_current(
    backend: Backend,
    conn: &mut AnyConnection,
) -> Result<(), StoreError> {
    let migrator = migrator(backend);
    let applied = applied(backend, conn).await?;
    let mut pending = Vec::new();
    for migration in migrator.iter() {
        match applied.get(&migration.version) {
            Some(checksum) if *checksum != *migration.checksum => {
                return Err(MigrateError::VersionMismatch(migration.version).into());
            }
            Some(_) => {}
            None => pending.push(name_of(migration)),
        }
    }
    if !pending.is_empty() {
        return Err(StoreError::MigrationsPending(Pending(pending)));
    }
    let newer: Vec<i64> = applied
        .keys()
        .copied()
        .filter(|version| !migrator.version_exists(*version))
        .collect();
    if !newer.is_empty() {
        tracing::warn!(
            versions = ?newer,
            "the database has migrations this helpbot does not know (a newer version migrated it)"
        );
    }
    Ok(())
}

/// Every migration of the backend, as pending on a database that was never migrated.
pub(super) fn all_pending(backend: Backend) -> StoreError {
    StoreError::MigrationsPending(Pending(migrator(backend).iter().map(name_of).collect()))
}

/// Migrations a database does not have yet, named in the error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending(pub Vec<MigrationName>);

impl std::fmt::Display for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, name) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{name}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_backends_have_the_same_migration_versions() {
        let versions = |backend| {
            migrator(backend)
                .iter()
                .map(|m| m.version)
                .collect::<Vec<_>>()
        };
        assert_eq!(versions(Backend::Sqlite), versions(Backend::Postgres));
        assert!(!versions(Backend::Sqlite).is_empty());
    }

    #[test]
    fn pending_migrations_are_named_by_number_and_description() {
        let pending = Pending(vec![
            MigrationName {
                version: 13,
                description: "editors".into(),
            },
            MigrationName {
                version: 14,
                description: "retention".into(),
            },
        ]);
        assert_eq!(pending.to_string(), "0013 editors, 0014 retention");
    }
}
