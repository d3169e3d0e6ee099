//! Data retention on both backends: rows older than the retention settings go, in batches, and
//! newer ones stay; so does everything an open handoff, an open ticket or a waiting review still
//! needs, however old. Once through the library, once by `helpbot purge`, and by `helpbot serve`
//! on its own (at start, then on its interval), which logs the counts and nothing else.

use std::time::Duration;

use crate::common::server::ServeProcess;
use crate::common::{helpbot, on_both_backends};
use helpbot::config::RetentionConfig;
use helpbot::store::{Database, PurgeCounts, RetentionPolicy, now_ms};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// The default policy: transcripts 180 days, photos 30.
fn default_policy(batch: u32) -> RetentionPolicy {
    RetentionPolicy {
        batch,
        ..RetentionPolicy::from(&RetentionConfig::default())
    }
}

/// A message of the conversation written at `at`; its id.
async fn message(db: &Database, conversation: &str, body: &str, at: i64) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO messages (conversation_id, sender, body, created_at) \
         VALUES ($1, 'user', $2, $3) RETURNING id",
    )
    .bind(conversation)
    .bind(body)
    .bind(at)
    .fetch_one(db.pool())
    .await
    .expect("message")
}

async fn handoff(db: &Database, id: &str, conversation: &str, status: &str, at: i64) {
    let ended = (!matches!(status, "waiting" | "owned")).then_some(at);
    sqlx::query(
        "INSERT INTO handoffs (id, conversation_id, channel, locale, reason, summary, status, \
         created_at, ended_at) VALUES ($1, $2, 'web', 'zh-CN', 'asked', '{}', $3, $4, $5)",
    )
    .bind(id)
    .bind(conversation)
    .bind(status)
    .bind(at)
    .bind(ended)
    .execute(db.pool())
    .await
    .expect("handoff");
}

async fn ticket(db: &Database, id: &str, conversation: &str, answered: bool, at: i64) {
    sqlx::query(
        "INSERT INTO tickets (id, conversation_id, channel, locale, reason, summary, message, \
         status, created_at, answered_at, answer) \
         VALUES ($1, $2, 'web', 'zh-CN', 'asked', '{}', '手机13912345678收不到验证码', $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(conversation)
    .bind(if answered { "answered" } else { "open" })
    .bind(at)
    .bind(answered.then_some(at))
    .bind(answered.then_some("请再试一次"))
    .execute(db.pool())
    .await
    .expect("ticket");
}

async fn upload(db: &Database, id: &str, conversation: &str, at: i64) {
    sqlx::query(
        "INSERT INTO uploads (id, conversation_id, content, size, created_at) \
         VALUES ($1, $2, $3, 3, $4)",
    )
    .bind(id)
    .bind(conversation)
    .bind(vec![1u8, 2, 3])
    .bind(at)
    .execute(db.pool())
    .await
    .expect("upload");
}

/// A photo review in `status` with its two photos taken at `at`.
async fn review(db: &Database, id: &str, status: &str, at: i64) {
    sqlx::query(
        "INSERT INTO verifications (id, account_id, route, status, created_at) \
         VALUES ($1, 'account-1', 'photo', $2, $3)",
    )
    .bind(id)
    .bind(status)
    .bind(at)
    .execute(db.pool())
    .await
    .expect("verification");
    for side in ["front", "back"] {
        sqlx::query(
            "INSERT INTO photos (id, verification_id, side, format, size, content, created_at) \
             VALUES ($1, $2, $3, 'png', 3, $4, $5)",
        )
        .bind(format!("{id}-{side}"))
        .bind(id)
        .bind(side)
        .bind(vec![1u8, 2, 3])
        .bind(at)
        .execute(db.pool())
        .await
        .expect("photo");
    }
}

/// What a database holds for the retention tests, and what must go.
struct Scenario {
    old_messages: Vec<i64>,
    kept_messages: Vec<i64>,
}

/// Conversations, support history, feedback, uploads and reviews, old and new: transcripts 200
/// days old (past 180), photos 40 days old (past 30, within 180), and newer ones of a day.
async fn fill(db: &Database) -> Scenario {
    let now = now_ms();
    let (old, old_photo, recent) = (now - 200 * DAY_MS, now - 40 * DAY_MS, now - DAY_MS);
    for id in ["plain", "waiting", "ticketed", "ended"] {
        db.create_conversation(id, "web", "zh-CN")
            .await
            .expect("conversation");
    }
    let mut old_messages = Vec::new();
    for n in 0..5 {
        old_messages.push(message(db, "plain", &format!("旧消息 {n} 13912345678"), old).await);
    }
    old_messages.push(message(db, "ended", "结束的对话", old).await);
    let kept_messages = vec![
        message(db, "plain", "新消息", recent).await,
        // With a person now, or a message left unanswered: the agent reads the history.
        message(db, "waiting", "等待人工", old).await,
        message(db, "ticketed", "留言了", old).await,
    ];
    handoff(db, "h-waiting", "waiting", "waiting", old).await;
    handoff(db, "h-closed-old", "ended", "closed", old).await;
    handoff(db, "h-returned-new", "ended", "returned", recent).await;
    sqlx::query(
        "INSERT INTO handoff_notes (id, handoff_id, staff_id, body, created_at) \
         VALUES ('note-1', 'h-closed-old', 'staff-1', '学生的手机13912345678', $1)",
    )
    .bind(old)
    .execute(db.pool())
    .await
    .expect("note");
    ticket(db, "t-answered-old", "plain", true, old).await;
    ticket(db, "t-answered-new", "plain", true, recent).await;
    ticket(db, "t-open-old", "ticketed", false, old).await;
    for (id, entry, at) in [
        ("f-old", "find-username", old),
        ("f-new", "find-password", recent),
    ] {
        sqlx::query(
            "INSERT INTO feedback (id, conversation_id, entry_id, useful, created_at, reason, \
             reason_text, question, outcome) VALUES ($1, 'plain', $2, 0, $3, 'other', \
             '我的邮箱a.b@example.com', '手机138****5678收不到短信', 'definite')",
        )
        .bind(id)
        .bind(entry)
        .bind(at)
        .execute(db.pool())
        .await
        .expect("feedback");
    }
    upload(db, "u-old", "plain", old_photo).await;
    upload(db, "u-new", "plain", recent).await;
    sqlx::query(
        "INSERT INTO accounts (id, username, password_hash, real_name, id_number, state, \
         created_at) VALUES ('account-1', 'lisi2024', 'x', '李四', '11010519491231002X', \
         'pending_verification', $1)",
    )
    .bind(old)
    .execute(db.pool())
    .await
    .expect("account");
    review(db, "r-waiting-old", "pending", old).await;
    review(db, "r-approved-old", "approved", old_photo).await;
    review(db, "r-rejected-new", "rejected", recent).await;
    Scenario {
        old_messages,
        kept_messages,
    }
}

/// The ids left in a table, sorted.
async fn ids(db: &Database, statement: &'static str) -> Vec<String> {
    let mut ids: Vec<String> = sqlx::query_scalar(statement)
        .fetch_all(db.pool())
        .await
        .expect("ids");
    ids.sort();
    ids
}

async fn message_ids(db: &Database) -> Vec<i64> {
    let mut ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM messages")
        .fetch_all(db.pool())
        .await
        .expect("messages");
    ids.sort();
    ids
}

/// Everything old went and everything else stayed (`photos`: whether photos were purged too).
async fn assert_purged(db: &Database, scenario: &Scenario, photos: bool) {
    let mut kept = scenario.kept_messages.clone();
    kept.sort();
    assert_eq!(message_ids(db).await, kept);
    assert_eq!(
        ids(db, "SELECT id FROM handoffs").await,
        ["h-returned-new", "h-waiting"],
        "ended handoffs go, open ones stay"
    );
    assert!(
        ids(db, "SELECT id FROM handoff_notes").await.is_empty(),
        "the notes go with their handoff"
    );
    assert_eq!(
        ids(db, "SELECT id FROM tickets").await,
        ["t-answered-new", "t-open-old"]
    );
    assert_eq!(
        ids(db, "SELECT id FROM feedback WHERE reason_text IS NOT NULL").await,
        ["f-new"]
    );
    assert_eq!(
        ids(db, "SELECT id FROM feedback WHERE question IS NOT NULL").await,
        ["f-new"],
        "the question typed is student text: it goes with the transcripts"
    );
    assert_eq!(
        ids(db, "SELECT id FROM feedback WHERE outcome = 'definite'").await,
        ["f-new", "f-old"],
        "the outcome is no student text: it stays"
    );
    assert_eq!(
        ids(db, "SELECT id FROM feedback").await,
        ["f-new", "f-old"],
        "the votes stay"
    );
    let (uploads, photos_left): (&[&str], &[&str]) = if photos {
        (
            &["u-new"],
            &[
                "r-rejected-new-back",
                "r-rejected-new-front",
                "r-waiting-old-back",
                "r-waiting-old-front",
            ],
        )
    } else {
        (
            &["u-new", "u-old"],
            &[
                "r-approved-old-back",
                "r-approved-old-front",
                "r-rejected-new-back",
                "r-rejected-new-front",
                "r-waiting-old-back",
                "r-waiting-old-front",
            ],
        )
    };
    assert_eq!(ids(db, "SELECT id FROM uploads").await, uploads);
    assert_eq!(ids(db, "SELECT id FROM photos").await, photos_left);
    assert_eq!(
        ids(db, "SELECT id FROM conversations").await,
        ["ended", "plain", "ticketed", "waiting"],
        "conversations stay"
    );
}

#[tokio::test]
async fn old_transcripts_and_photos_go_in_batches_and_what_support_needs_stays() {
    on_both_backends(async |test_db| {
        let db = test_db.connect().await;
        let scenario = fill(&db).await;
        // Batches of two: five old messages of one conversation take three.
        let counts = db
            .purge_expired(&default_policy(2), now_ms())
            .await
            .expect("purges");
        assert_eq!(
            counts,
            PurgeCounts {
                messages: scenario.old_messages.len() as u64,
                handoffs: 1,
                tickets: 1,
                feedback_texts: 1,
                uploads: 1,
                review_photos: 2,
            }
        );
        assert_purged(&db, &scenario, true).await;
        // A decided review without its photos still exists: the console says they were deleted.
        let store = helpbot::runtime::account_store(db.clone());
        use helpbot::accounts::StaffAccounts;
        let photos = |id: &'static str| store.review_photos(id);
        assert_eq!(
            photos("r-approved-old").await.map(|p| p.len()).ok(),
            Some(0)
        );
        assert_eq!(photos("r-waiting-old").await.map(|p| p.len()).ok(), Some(2));
        assert!(photos("r-never-was").await.is_err());
        // Nothing is left to purge.
        let again = db
            .purge_expired(&default_policy(2), now_ms())
            .await
            .expect("purges");
        assert_eq!(again.total(), 0);
        db.close().await;
    })
    .await;
}

#[tokio::test]
async fn nothing_goes_when_retention_is_off() {
    on_both_backends(async |test_db| {
        let db = test_db.connect().await;
        fill(&db).await;
        let before = message_ids(&db).await;
        let off = RetentionPolicy::from(&RetentionConfig {
            transcript_days: 0,
            photo_days: 0,
            purge_interval_minutes: 60,
        });
        let counts = db.purge_expired(&off, now_ms()).await.expect("purges");
        assert_eq!(counts.total(), 0);
        assert_eq!(message_ids(&db).await, before);
        db.close().await;
    })
    .await;
}

#[tokio::test]
async fn the_background_purge_runs_again_on_its_interval() {
    on_both_backends(async |test_db| {
        let db = test_db.connect().await;
        db.create_conversation("c", "web", "zh-CN")
            .await
            .expect("conversation");
        let purging = helpbot::retention::purge_in_background(
            db.clone(),
            default_policy(100),
            Duration::from_millis(200),
        );
        let old = now_ms() - 200 * DAY_MS;
        for round in 0..2 {
            let id = message(&db, "c", &format!("第{round}轮"), old).await;
            let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
            while message_ids(&db).await.contains(&id) {
                assert!(
                    tokio::time::Instant::now() < deadline,
                    "round {round}: the old message is still there"
                );
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        purging.abort();
        db.close().await;
    })
    .await;
}

#[tokio::test]
async fn helpbot_purge_deletes_once_and_says_how_many() {
    on_both_backends(async |test_db| {
        let db = test_db.connect().await;
        let scenario = fill(&db).await;
        db.close().await;
        // Photos kept for ever: only the transcripts go.
        let output = helpbot(
            &["purge"],
            "",
            test_db.url(),
            &[("HELPBOT_RETENTION__PHOTO_DAYS", "0")],
        );
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let expected = format!(
            "purged {} messages, 1 ended handoffs, 1 answered tickets, 1 feedback texts \
             (transcripts kept 180 days); 0 uploads, 0 review photos (photos kept for ever)",
            scenario.old_messages.len()
        );
        assert_eq!(stdout.trim(), expected);
        let db = test_db.connect().await;
        assert_purged(&db, &scenario, false).await;
        db.close().await;
    })
    .await;
}

#[tokio::test]
async fn serve_purges_at_start_and_logs_only_counts() {
    on_both_backends(async |test_db| {
        let db = test_db.connect().await;
        let scenario = fill(&db).await;
        db.close().await;
        let workdir = tempfile::tempdir().expect("temp dir");
        let mut served = ServeProcess::start_in(workdir.path(), test_db.url(), None, &[]);
        let line = served.wait_for_log("retention purge done");
        for count in [
            format!("messages={}", scenario.old_messages.len()),
            "handoffs=1".into(),
            "tickets=1".into(),
            "uploads=1".into(),
            "review_photos=2".into(),
        ] {
            assert!(line.contains(&count), "{count} in {line}");
        }
        let log = served.log();
        for personal in [
            "13912345678",
            "139****5678",
            "旧消息",
            "a.b@example.com",
            "李四",
        ] {
            assert!(!log.contains(personal), "{personal} in the log:\n{log}");
        }
        drop(served);
        let db = test_db.connect().await;
        assert_purged(&db, &scenario, true).await;
        db.close().await;
    })
    .await;
}
