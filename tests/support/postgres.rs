//! A uniquely named database on a PostgreSQL server, for the tests and the benchmarks (both
//! include this file): created empty, dropped whatever is still connected to it.

/// The server the databases are created on: `TEST_POSTGRES_URL` (not a `HELPBOT_` variable,
/// which the configuration would reject as an unknown key), else the local server as user
/// postgres.
pub fn admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

/// Creates an empty database named `<prefix>_<random>`; returns its name and URL.
pub async fn create_database(prefix: &str) -> (String, String) {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let admin = admin_url();
    let name = format!("{prefix}_{}", uuid::Uuid::new_v4().simple());
    let mut conn = sqlx::AnyConnection::connect(&admin).await.expect(
        "PostgreSQL must run on 127.0.0.1:5432 or where TEST_POSTGRES_URL says (see README: \
         scripts/test installs it)",
    );
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .expect("create a database");
    conn.close().await.ok();
    let base = admin
        .rsplit_once('/')
        .map_or(admin.as_str(), |(base, _)| base);
    let url = format!("{base}/{name}");
    (name, url)
}

/// Drops the database, connections and all. Callable from `Drop`, inside a runtime or outside
/// any: it blocks on a thread with a small runtime of its own.
pub fn drop_database(name: &str) {
    let admin = admin_url();
    let name = name.to_string();
    let _ = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async move {
            use sqlx::Connection;
            if let Ok(mut conn) = sqlx::AnyConnection::connect(&admin).await {
                let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                )))
                .execute(&mut conn)
                .await;
            }
        });
    })
    .join();
}
