//! Migrations as operators run them: `helpbot migrate` on its own (what it applies, and nothing
//! the second time), `helpbot serve --no-migrate` refusing a database that misses a migration and
//! changing nothing, then starting once it is migrated; on SQLite and PostgreSQL. And the schema
//! the two backends' migrations build, read back from the databases themselves, compared
//! (`migrations::parity`).

mod parity;

use std::path::PathBuf;

use crate::common::server::ServeProcess;
use crate::common::{TestDb, helpbot, on_both_backends, repo};
use sqlx::Connection;

/// The migrations folder of the backend a test database is on.
fn migrations_dir(db: &TestDb) -> PathBuf {
    repo().join("migrations").join(match db {
        TestDb::Sqlite { .. } => "sqlite",
        TestDb::Postgres { .. } => "postgres",
    })
}

/// The backend's migrations as the repository has them.
async fn migrator(db: &TestDb) -> sqlx::migrate::Migrator {
    sqlx::migrate::Migrator::new(migrations_dir(db))
        .await
        .expect("the migrations folder reads")
}

/// How `helpbot migrate` names a migration: number and description.
fn named(migration: &sqlx::migrate::Migration) -> String {
    format!("{:04} {}", migration.version, migration.description)
}

async fn connection(db: &TestDb) -> sqlx::AnyConnection {
    sqlx::any::install_default_drivers();
    sqlx::AnyConnection::connect(db.url())
        .await
        .expect("connects")
}

/// How many migrations the database records as applied (`None`: sqlx's table does not exist).
async fn applied_count(db: &TestDb) -> Option<i64> {
    let mut conn = connection(db).await;
    let exists: i64 = match db {
        TestDb::Sqlite { .. } => sqlx::query_scalar(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
        ),
        TestDb::Postgres { .. } => sqlx::query_scalar(
            "SELECT COUNT(*) FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_name = '_sqlx_migrations'",
        ),
    }
    .fetch_one(&mut conn)
    .await
    .expect("catalog");
    let count = if exists == 0 {
        None
    } else {
        Some(
            sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
                .fetch_one(&mut conn)
                .await
                .expect("count"),
        )
    };
    conn.close().await.ok();
    count
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test]
async fn migrate_applies_what_is_missing_and_reports_it() {
    on_both_backends(async |db| {
        let all = migrator(&db).await;
        let last = all.iter().last().expect("a migration");
        // A database one migration behind, as an older helpbot left it.
        let mut conn = match &db {
            TestDb::Sqlite { url, .. } => {
                sqlx::any::install_default_drivers();
                sqlx::AnyConnection::connect(&format!("{url}?mode=rwc"))
                    .await
                    .expect("creates the file")
            }
            TestDb::Postgres { .. } => connection(&db).await,
        };
        all.run_to(last.version - 1, &mut conn)
            .await
            .expect("migrates all but the last");
        conn.close().await.ok();
        let behind = applied_count(&db).await;

        // serve refuses it, naming the missing migration and the command, and changes nothing.
        for how in [&["serve", "--no-migrate"][..], &["serve"][..]] {
            let env: &[(&str, &str)] = if how.len() == 1 {
                &[("HELPBOT_MIGRATE", "false")]
            } else {
                &[]
            };
            let refused = helpbot(how, "", db.url(), env);
            let stderr = text(&refused.stderr);
            assert!(!refused.status.success(), "{how:?} started: {stderr}");
            assert!(stderr.contains(&named(last)), "{how:?}: {stderr}");
            assert!(stderr.contains("helpbot migrate"), "{how:?}: {stderr}");
            assert!(
                !stderr.contains(&named(all.iter().next().expect("first"))),
                "only the missing one is named: {stderr}"
            );
            assert_eq!(applied_count(&db).await, behind, "{how:?} changed nothing");
        }

        let migrated = helpbot(&["migrate"], "", db.url(), &[]);
        let stdout = text(&migrated.stdout);
        assert!(migrated.status.success(), "{}", text(&migrated.stderr));
        let applied: Vec<&str> = stdout
            .lines()
            .filter(|l| l.starts_with("applied "))
            .collect();
        assert_eq!(
            applied,
            vec![format!("applied {}", named(last)).as_str()],
            "{stdout}"
        );
        let total = all.iter().count();
        assert!(
            stdout.contains(&format!("applied 1 of {total} migrations")),
            "{stdout}"
        );
        assert_eq!(applied_count(&db).await, Some(total as i64));
        if let TestDb::Postgres { .. } = db {
            assert!(
                !stdout.contains("postgres://postgres@"),
                "the URL is shown without its user: {stdout}"
            );
        }

        let again = helpbot(&["migrate"], "", db.url(), &[]);
        let stdout = text(&again.stdout);
        assert!(again.status.success(), "{}", text(&again.stderr));
        assert!(
            !stdout.lines().any(|l| l.starts_with("applied ")),
            "{stdout}"
        );
        assert!(stdout.contains("up to date"), "{stdout}");

        // Migrated, serve starts without migrating, from the flag as from the setting.
        let workdir = tempfile::tempdir().expect("temp dir");
        let served =
            ServeProcess::start_in_with(workdir.path(), db.url(), None, &["--no-migrate"], &[]);
        let response = reqwest::get(format!("{}/readyz", served.base))
            .await
            .expect("readyz");
        assert!(response.status().is_success());
        drop(served);
        let served = ServeProcess::start_in(
            workdir.path(),
            db.url(),
            None,
            &[("HELPBOT_MIGRATE", "false")],
        );
        drop(served);
    })
    .await;
}

#[tokio::test]
async fn serve_without_migrating_refuses_a_database_never_migrated_and_creates_nothing() {
    on_both_backends(async |db| {
        let all = migrator(&db).await;
        let refused = helpbot(&["serve", "--no-migrate"], "", db.url(), &[]);
        let stderr = text(&refused.stderr);
        assert!(!refused.status.success(), "{stderr}");
        assert!(stderr.contains("helpbot migrate"), "{stderr}");
        for migration in all.iter() {
            assert!(stderr.contains(&named(migration)), "{stderr}");
        }
        match &db {
            TestDb::Sqlite { url, .. } => {
                let path = url.trim_start_matches("sqlite://");
                assert!(
                    !std::path::Path::new(path).exists(),
                    "no database file was created"
                );
            }
            TestDb::Postgres { .. } => {
                assert_eq!(applied_count(&db).await, None, "no table was created");
            }
        }
        // `helpbot migrate` creates it (the SQLite file on a first run) and applies everything.
        let migrated = helpbot(&["migrate"], "", db.url(), &[]);
        let stdout = text(&migrated.stdout);
        assert!(migrated.status.success(), "{}", text(&migrated.stderr));
        let applied: Vec<String> = stdout
            .lines()
            .filter_map(|l| l.strip_prefix("applied "))
            .map(String::from)
            .collect();
        assert_eq!(applied, all.iter().map(named).collect::<Vec<_>>());
    })
    .await;
}
