//! The conversation store on both backends: SQLite file and PostgreSQL server.

use crate::common;

use common::TestDb;
use helpbot::store::{Backend, NewMessage, Sender};

#[tokio::test]
async fn conversations_and_transcripts_round_trip_on_both_backends() {
    common::on_both_backends(async |test_db| {
        let db = test_db.connect().await;
        db.create_conversation("c-1", "terminal", "zh-CN")
            .await
            .expect("create");
        let record = db.conversation("c-1").await.expect("read").expect("exists");
        assert_eq!(record.channel, "terminal");
        assert_eq!(record.state, "{}");

        db.record_turn(
            "c-1",
            "en",
            r#"{"turns":1}"#,
            &[
                NewMessage {
                    sender: Sender::User,
                    body: "忘记用户名了",
                    outcome: None,
                    entry_id: None,
                },
                NewMessage {
                    sender: Sender::Bot,
                    body: r#"{"text":"answer"}"#,
                    outcome: Some("definite"),
                    entry_id: Some("find-username"),
                },
            ],
        )
        .await
        .expect("record");
        let messages = db.messages("c-1").await.expect("messages");
        assert_eq!(messages.len(), 2, "{:?}", db.backend());
        assert_eq!(messages[0].sender, Sender::User);
        assert_eq!(messages[0].body, "忘记用户名了");
        assert_eq!(messages[1].outcome.as_deref(), Some("definite"));
        assert_eq!(messages[1].entry_id.as_deref(), Some("find-username"));
        let record = db.conversation("c-1").await.expect("read").expect("exists");
        assert_eq!(record.locale, "en");
        assert_eq!(record.state, r#"{"turns":1}"#);
        assert!(record.updated_at >= record.created_at);
        db.close().await;
    })
    .await;
}

#[tokio::test]
async fn a_turn_of_an_unknown_conversation_stores_nothing() {
    common::on_both_backends(async |test_db| {
        let db = test_db.connect().await;
        let result = db
            .record_turn(
                "missing",
                "zh-CN",
                "{}",
                &[NewMessage {
                    sender: Sender::User,
                    body: "hello",
                    outcome: None,
                    entry_id: None,
                }],
            )
            .await;
        assert!(result.is_err(), "{:?}", db.backend());
        assert!(db.conversation("missing").await.expect("read").is_none());
        db.close().await;
    })
    .await;
}

#[tokio::test]
async fn user_text_is_data_not_sql() {
    common::on_both_backends(async |test_db| {
        let db = test_db.connect().await;
        let hostile = "x'); DROP TABLE messages; --";
        db.create_conversation(hostile, "terminal", "zh-CN")
            .await
            .expect("create");
        db.record_turn(
            hostile,
            "zh-CN",
            "{}",
            &[NewMessage {
                sender: Sender::User,
                body: hostile,
                outcome: None,
                entry_id: None,
            }],
        )
        .await
        .expect("record");
        assert_eq!(
            db.messages(hostile).await.expect("messages")[0].body,
            hostile
        );
        db.close().await;
    })
    .await;
}

#[tokio::test]
async fn sqlite_is_created_on_first_run_in_wal_mode_and_migrations_are_idempotent() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("nested/data/h.db").display());
    let db = helpbot::store::Database::connect(&url)
        .await
        .expect("creates");
    assert_eq!(db.backend(), Backend::Sqlite);
    use sqlx::Row;
    let mode: String = sqlx::query("PRAGMA journal_mode")
        .fetch_one(db.pool())
        .await
        .expect("pragma")
        .try_get(0)
        .expect("text");
    assert_eq!(mode.to_lowercase(), "wal");
    db.close().await;
    let again = helpbot::store::Database::connect(&url)
        .await
        .expect("reopens");
    again.ping().await.expect("answers");
    again.close().await;
}

#[tokio::test]
async fn an_unsupported_url_is_a_clear_error() {
    let err = helpbot::store::Database::connect("mysql://root:secret@localhost/x")
        .await
        .expect_err("refused");
    let text = err.to_string();
    assert!(text.contains("neither sqlite: nor postgres:"), "{text}");
    assert!(!text.contains("secret"), "{text}");
}

#[tokio::test]
async fn pushed_messages_and_account_links_on_both_backends() {
    common::on_both_backends(async |test_db| {
        let db = test_db.connect().await;
        for (id, locale) in [("c-1", "zh-CN"), ("c-2", "en"), ("c-3", "zh-CN")] {
            db.create_conversation(id, "web", locale)
                .await
                .expect("create");
        }
        db.link_account("c-1", "account-a").await.expect("link");
        db.link_account("c-2", "account-a").await.expect("link");
        db.link_account("c-3", "account-b").await.expect("link");
        // Linking again is not an error; it makes the conversation the newest.
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        db.link_account("c-1", "account-a").await.expect("relink");
        let linked = db
            .conversations_of_account("account-a", 10)
            .await
            .expect("linked");
        assert_eq!(
            linked,
            vec![
                ("c-1".to_string(), "zh-CN".to_string()),
                ("c-2".to_string(), "en".to_string())
            ],
            "{:?}",
            db.backend()
        );
        assert_eq!(
            db.conversations_of_account("account-a", 1)
                .await
                .expect("limit")
                .len(),
            1
        );

        let start = helpbot::store::now_ms();
        let first = db
            .push_message("c-2", r#"{"kind":"notice","text":"one"}"#)
            .await
            .expect("push");
        let second = db
            .push_message("c-3", r#"{"kind":"notice","text":"two"}"#)
            .await
            .expect("push");
        assert!(second > first);
        let pushed = db.pushed_since(start, 10).await.expect("since");
        assert_eq!(
            pushed
                .iter()
                .map(|p| (p.id, p.conversation_id.as_str()))
                .collect::<Vec<_>>(),
            [(first, "c-2"), (second, "c-3")]
        );
        assert!(pushed.iter().all(|p| p.created_at >= start));
        assert_eq!(db.pushed_since(start, 1).await.expect("limit").len(), 1);
        assert!(
            db.pushed_since(helpbot::store::now_ms() + 60_000, 10)
                .await
                .expect("future")
                .is_empty()
        );
        // Pushed messages are part of the transcript; ordinary turns are not "pushed".
        let transcript = db.messages("c-2").await.expect("messages");
        assert_eq!(transcript.len(), 1);
        assert_eq!(transcript[0].outcome.as_deref(), Some("pushed"));
        assert_eq!(transcript[0].sender, Sender::Bot);
        db.close().await;
    })
    .await;
}

#[tokio::test]
async fn concurrent_turns_are_committed_together_and_a_bad_one_fails_alone_on_both_backends() {
    common::on_both_backends(async |test_db| {
        let db = test_db.connect().await;
        for n in 0..20 {
            db.create_conversation(&format!("c-{n}"), "web", "zh-CN")
                .await
                .expect("create");
        }
        let mut tasks = Vec::new();
        for turn in 0..60 {
            let db = db.clone();
            // Every conversation gets three turns; one writer targets a conversation that does
            // not exist.
            let conversation = if turn == 30 {
                "missing".to_string()
            } else {
                format!("c-{}", turn % 20)
            };
            tasks.push(tokio::spawn(async move {
                let body = format!("question {turn}");
                let state = format!(r#"{{"turns":{turn}}}"#);
                let result = db
                    .record_turn(
                        &conversation,
                        "en",
                        &state,
                        &[
                            NewMessage {
                                sender: Sender::User,
                                body: &body,
                                outcome: None,
                                entry_id: None,
                            },
                            NewMessage {
                                sender: Sender::Bot,
                                body: r#"{"text":"answer"}"#,
                                outcome: Some("definite"),
                                entry_id: Some("find-username"),
                            },
                        ],
                    )
                    .await;
                (conversation, result.is_ok())
            }));
        }
        let mut failed = Vec::new();
        for task in tasks {
            let (conversation, ok) = task.await.expect("task");
            if !ok {
                failed.push(conversation);
            }
        }
        assert_eq!(failed, ["missing"], "{:?}", db.backend());
        let mut stored = 0;
        for n in 0..20 {
            let messages = db.messages(&format!("c-{n}")).await.expect("messages");
            stored += messages.len();
            // User and bot messages stay paired and in order.
            for pair in messages.chunks(2) {
                assert_eq!(pair[0].sender, Sender::User);
                assert_eq!(pair[1].sender, Sender::Bot);
            }
            let record = db
                .conversation(&format!("c-{n}"))
                .await
                .expect("read")
                .expect("exists");
            assert_eq!(record.locale, "en");
            assert!(record.state.starts_with(r#"{"turns":"#));
        }
        assert_eq!(stored, 59 * 2);
        db.close().await;
    })
    .await;
}

#[tokio::test]
async fn a_conversation_reads_back_its_newest_turn_while_others_write() {
    common::on_both_backends(async |test_db| {
        let db = test_db.connect().await;
        for n in 0..8 {
            db.create_conversation(&format!("r-{n}"), "web", "zh-CN")
                .await
                .expect("create");
        }
        let mut tasks = Vec::new();
        for n in 0..8 {
            let db = db.clone();
            tasks.push(tokio::spawn(async move {
                let id = format!("r-{n}");
                for turn in 1..=25 {
                    let before = db.conversation(&id).await.expect("read").expect("exists");
                    let expected = match turn {
                        1 => "{}".to_string(),
                        _ => format!(r#"{{"turns":{}}}"#, turn - 1),
                    };
                    assert_eq!(before.state, expected);
                    let locale = if turn % 2 == 0 { "en" } else { "zh-CN" };
                    db.record_turn(&id, locale, &format!(r#"{{"turns":{turn}}}"#), &[])
                        .await
                        .expect("record");
                }
            }));
        }
        for task in tasks {
            task.await.expect("every read saw the turn before it");
        }
        // A second handle on the same database (nothing in its memory) sees the same.
        let fresh = test_db.connect().await;
        for n in 0..8 {
            let id = format!("r-{n}");
            let remembered = db.conversation(&id).await.expect("read").expect("exists");
            let stored = fresh
                .conversation(&id)
                .await
                .expect("read")
                .expect("exists");
            assert_eq!(remembered, stored, "{:?}", db.backend());
            assert_eq!(stored.state, r#"{"turns":25}"#);
            assert_eq!(stored.locale, "zh-CN");
        }
        fresh.close().await;
        db.close().await;
    })
    .await;
}

/// The database file itself, read as if there were no write-ahead log: what checkpoints copied.
async fn messages_in_the_main_file(url: &str) -> Option<i64> {
    use sqlx::Connection;
    let mut conn = sqlx::AnyConnection::connect(&format!("{url}?mode=ro&immutable=1"))
        .await
        .ok()?;
    let count = sqlx::query_scalar("SELECT COUNT(*) FROM messages")
        .fetch_one(&mut conn)
        .await
        .ok();
    conn.close().await.ok();
    count
}

#[tokio::test]
async fn sqlite_turns_reach_the_database_file_in_the_background() {
    let test_db = TestDb::sqlite();
    let db = test_db.connect().await;
    db.create_conversation("w-1", "web", "zh-CN")
        .await
        .expect("create");
    for turn in 0..10 {
        db.record_turn(
            "w-1",
            "zh-CN",
            "{}",
            &[NewMessage {
                sender: Sender::User,
                body: &format!("question {turn}"),
                outcome: None,
                entry_id: None,
            }],
        )
        .await
        .expect("record");
    }
    // Ten small turns are far below the log size at which a commit checkpoints by itself, so
    // only the background checkpoint can have copied them into the file.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let mut copied = messages_in_the_main_file(test_db.url()).await;
    while copied != Some(10) && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        copied = messages_in_the_main_file(test_db.url()).await;
    }
    assert_eq!(copied, Some(10));
    db.close().await;
}

/// (table, column) of every table the migrations made.
async fn schema(test_db: &TestDb) -> std::collections::BTreeSet<(String, String)> {
    use sqlx::Row;
    let db = test_db.connect().await;
    let rows = match test_db {
        TestDb::Sqlite { .. } => {
            sqlx::query(
                "SELECT m.name AS table_name, p.name AS column_name \
                 FROM sqlite_master m JOIN pragma_table_info(m.name) p \
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'",
            )
            .fetch_all(db.pool())
            .await
        }
        TestDb::Postgres { .. } => {
            sqlx::query(
                "SELECT CAST(table_name AS TEXT) AS table_name, \
                 CAST(column_name AS TEXT) AS column_name \
                 FROM information_schema.columns WHERE table_schema = 'public'",
            )
            .fetch_all(db.pool())
            .await
        }
    }
    .expect("schema");
    let columns = rows
        .iter()
        .map(|row| {
            (
                row.try_get::<String, _>("table_name").expect("table"),
                row.try_get::<String, _>("column_name").expect("column"),
            )
        })
        .collect();
    db.close().await;
    columns
}

#[tokio::test]
async fn both_backends_migrate_to_the_same_tables_and_columns() {
    let sqlite = schema(&TestDb::sqlite()).await;
    let postgres = schema(&TestDb::postgres().await).await;
    assert!(sqlite.len() > 50, "{sqlite:?}");
    let only_sqlite: Vec<_> = sqlite.difference(&postgres).collect();
    let only_postgres: Vec<_> = postgres.difference(&sqlite).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "only on SQLite: {only_sqlite:?}; only on PostgreSQL: {only_postgres:?}"
    );
}
