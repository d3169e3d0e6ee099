//! The editors' side of the console (issue 14), against the real server: the storage queries
//! behind "what fails" and "rated 没用" on SQLite and PostgreSQL with known data, the reason a
//! student may give with a 没用 vote (web API), who may see the editors' pages (editors and
//! supervisors; agents are refused, and editors are refused the desk), and "add as a similar
//! question": the diff, the refusal of a question the entry has, the download, which passes
//! `helpbot check`'s validation once put into a copy of the content.

use crate::common;

use std::collections::BTreeMap;

use common::server::{App, spawn_app_on};
use common::{TestDb, on_both_backends};
use helpbot::content::{Content, ContentPaths};
use helpbot::knowledge::SearchSettings;
use helpbot::message::FeedbackReason;
use helpbot::staff::Role;
use helpbot::store::{Database, GivenReason, NewMessage, Sender};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_DISPOSITION, LOCATION};
use serde_json::json;

use crate::console::{
    AGENT_PASSWORD, EDITOR_PASSWORD, SUPERVISOR_PASSWORD, add_staff, sign_in, sign_in_to,
};

/// A question to `answer` with outcome `outcome` (bot messages, as many as `replies`).
pub async fn asked(
    db: &Database,
    conversation: &str,
    question: &str,
    outcome: &str,
    suggested: &[&str],
    replies: usize,
) {
    let buttons: Vec<serde_json::Value> = suggested
        .iter()
        .map(|entry| json!({ "label": entry, "payload": format!("entry:{entry}") }))
        .collect();
    let reply =
        json!({ "kind": "suggestions", "text": "您是不是想问", "buttons": buttons }).to_string();
    let mut messages = vec![NewMessage {
        sender: Sender::User,
        body: question,
        outcome: None,
        entry_id: None,
    }];
    for _ in 0..replies {
        messages.push(NewMessage {
            sender: Sender::Bot,
            body: &reply,
            outcome: Some(outcome),
            entry_id: None,
        });
    }
    db.record_turn(conversation, "zh-CN", "{}", &messages)
        .await
        .expect("turn stored");
}

/// The server with the editor `zhou` and questions the bot was unsure about: one question asked
/// three times, a similar one answered with suggestions, and one with a phone number.
pub async fn app_with_an_editor_and_failures() -> App {
    let app = spawn_app_on(TestDb::sqlite(), |_| {}).await;
    add_staff(&app, "zhou", Role::Editor, "周编辑").await;
    let db = app.assistant.database();
    db.create_conversation("c1", "web", "zh-CN")
        .await
        .expect("conversation");
    for _ in 0..3 {
        asked(db, "c1", "账号开通后能办哪些事", "none", &[], 1).await;
    }
    let suggested = ["account-scope"];
    asked(db, "c1", "账号开通后能办什么事", "suggest", &suggested, 1).await;
    asked(db, "c1", "手机13812345678换了怎么办", "none", &[], 1).await;
    app
}

fn hour_around_now() -> (i64, i64) {
    let now = chrono::Utc::now().timestamp_millis();
    (now - 3_600_000, now + 3_600_000)
}

#[tokio::test]
async fn low_confidence_questions_and_votes_are_counted_as_they_were_stored() {
    on_both_backends(async |test_db: TestDb| {
        let db = test_db.connect().await;
        for id in ["c1", "c2", "old", "v1", "v2", "v3", "v4", "v5"] {
            db.create_conversation(id, "web", "zh-CN")
                .await
                .expect("conversation");
        }
        asked(&db, "c1", "学信网怎么注销账号", "none", &[], 1).await;
        asked(&db, "c1", "忘记密码", "definite", &[], 1).await;
        // A reply of two bot messages is still one question.
        asked(
            &db,
            "c1",
            "学信网账号怎么注销",
            "suggest",
            &["account-scope", "re-register"],
            2,
        )
        .await;
        asked(
            &db,
            "c2",
            "身份证110101199003071234被注册了",
            "none",
            &[],
            1,
        )
        .await;
        asked(&db, "old", "很久以前的问题", "none", &[], 1).await;
        sqlx::query("UPDATE messages SET created_at = 1000 WHERE conversation_id = 'old'")
            .execute(db.pool())
            .await
            .expect("made old");

        let (from, to) = hour_around_now();
        let answers = db.low_confidence_answers(from, to).await.expect("answers");
        let shown: Vec<(&str, &str)> = answers
            .iter()
            .map(|a| (a.question.as_str(), a.outcome.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                ("学信网怎么注销账号", "none"),
                ("学信网账号怎么注销", "suggest"),
                ("身份证110101199003071234被注册了", "none"),
            ]
        );
        let old = db.low_confidence_answers(0, 2_000).await.expect("answers");
        assert_eq!(old.len(), 1);
        assert_eq!(old[0].question, "很久以前的问题");

        let reason = |reason, text: Option<&str>| GivenReason {
            reason,
            text: text.map(String::from),
        };
        let votes: [(&str, &str, bool, Option<GivenReason>); 6] = [
            (
                "v1",
                "find-password",
                false,
                Some(reason(FeedbackReason::Unclear, None)),
            ),
            (
                "v2",
                "find-password",
                false,
                Some(reason(FeedbackReason::Unclear, None)),
            ),
            (
                "v3",
                "find-password",
                false,
                Some(reason(
                    FeedbackReason::Other,
                    Some("我的手机13812345678收不到"),
                )),
            ),
            ("v4", "find-password", true, None),
            ("v5", "find-password", false, None),
            (
                "v1",
                "find-username",
                true,
                Some(reason(FeedbackReason::Other, Some("ignored"))),
            ),
        ];
        for (conversation, entry, useful, given) in &votes {
            db.set_feedback_with_reason(conversation, entry, *useful, given.as_ref())
                .await
                .expect("vote");
        }
        // A change of mind replaces the vote and its reason.
        db.set_feedback_with_reason(
            "v2",
            "find-password",
            false,
            Some(&reason(FeedbackReason::DidNotWork, None)),
        )
        .await
        .expect("vote");
        let counted = db.entry_votes(from, to).await.expect("votes");
        assert_eq!(counted.len(), 2);
        let password = &counted[0];
        assert_eq!(password.entry_id, "find-password");
        assert_eq!((password.useful, password.not_useful), (1, 4));
        let reasons: BTreeMap<FeedbackReason, i64> = [
            (FeedbackReason::Unclear, 1),
            (FeedbackReason::DidNotWork, 1),
            (FeedbackReason::Other, 1),
        ]
        .into();
        assert_eq!(password.reasons, reasons);
        assert_eq!(password.texts.len(), 1);
        assert_eq!(password.texts[0].text, "我的手机13812345678收不到");
        let username = &counted[1];
        assert_eq!((username.useful, username.not_useful), (1, 0));
        assert!(
            username.reasons.is_empty() && username.texts.is_empty(),
            "no reason with a useful vote"
        );
        assert!(db.entry_votes(0, 2_000).await.expect("votes").is_empty());
    })
    .await;
}

#[tokio::test]
async fn a_not_useful_vote_may_say_why_and_a_useful_one_may_not() {
    let app = spawn_app_on(TestDb::sqlite(), |_| {}).await;
    let (id, token, _) = app.start("zh-CN").await;
    let (status, reply) = app
        .send(&id, &token, json!({ "text": "忘记密码怎么办" }))
        .await;
    assert_eq!(status, StatusCode::OK, "{reply}");
    let entry = reply["messages"][0]["entry_id"]
        .as_str()
        .expect("answered")
        .to_string();
    let client = reqwest::Client::new();
    let vote = |body: serde_json::Value| {
        client
            .post(format!("{}/api/v1/conversations/{id}/feedback", app.base))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    for refused in [
        json!({ "entry_id": entry, "useful": true, "reason": "unclear" }),
        json!({ "entry_id": entry, "useful": false, "reason_text": "没有原因的说明" }),
        json!({ "entry_id": entry, "useful": false, "reason": "other", "reason_text": "长".repeat(501) }),
        json!({ "entry_id": entry, "useful": false, "reason": "boring" }),
    ] {
        let response = vote(refused.clone()).await.expect("vote");
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{refused}");
    }
    let response = vote(json!({ "entry_id": entry, "useful": false, "reason": "other", "reason_text": "步骤和网站不一样" }))
        .await
        .expect("vote");
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let (from, to) = hour_around_now();
    let votes = app
        .assistant
        .database()
        .entry_votes(from, to)
        .await
        .expect("votes");
    assert_eq!(votes.len(), 1);
    assert_eq!(votes[0].reasons.get(&FeedbackReason::Other), Some(&1));
    assert_eq!(votes[0].texts[0].text, "步骤和网站不一样");
}

#[tokio::test]
async fn editors_see_their_pages_agents_do_not_and_a_similar_question_becomes_a_reviewed_change() {
    let app = app_with_an_editor_and_failures().await;
    add_staff(&app, "li", Role::Agent, "小李").await;
    add_staff(&app, "chen", Role::Supervisor, "陈主管").await;
    let db = app.assistant.database();

    // An agent is refused the editors' pages, an editor the desk.
    let agent = sign_in(&app.base, "li", AGENT_PASSWORD).await;
    for path in ["/console/editor", "/console/editor/ratings"] {
        assert_eq!(
            agent.get(path).await.status(),
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let refused = agent
        .post(
            "/console/editor/similar",
            &[
                ("csrf", &agent.csrf),
                ("question", "q"),
                ("entry", "account-scope"),
                ("locale", "zh-CN"),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let editor = sign_in_to(&app.base, "zhou", EDITOR_PASSWORD, "/console/editor").await;
    for path in [
        "/console/queue",
        "/console/reviews",
        "/console/tickets",
        "/console/staff",
    ] {
        assert_eq!(
            editor.get(path).await.status(),
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let home = editor.get("/console").await;
    assert_eq!(home.headers()[LOCATION], "/console/editor");
    let supervisor = sign_in(&app.base, "chen", SUPERVISOR_PASSWORD).await;
    supervisor.page("/console/editor/ratings").await;

    // What fails: the four similar questions are one group, the phone is masked.
    let page = editor.page("/console/editor").await;
    assert!(page.contains(r#"data-count="4""#), "{page}");
    assert!(page.contains("被问 4 次"), "{page}");
    assert!(!page.contains("13812345678"), "masked");
    assert!(
        !page.contains("console-agent.js"),
        "editors are no agents online"
    );

    // Add as a similar question: the diff, the search before and after.
    let form = [
        ("csrf", editor.csrf.as_str()),
        ("question", "账号开通后能办哪些事"),
        ("entry", "account-scope"),
        ("locale", "zh-CN"),
    ];
    let response = editor.post("/console/editor/similar", &form).await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = response.text().await.expect("body");
    assert!(
        page.contains(r#"<span class="added">+  &quot;账号开通后能办哪些事&quot;,</span>"#),
        "{page}"
    );
    assert!(page.contains("register/account-scope.md"), "{page}");
    assert!(
        page.contains("直接回答：account-scope"),
        "the search after the change: {page}"
    );

    // The download is the changed file, which the content validation accepts.
    let download = editor.post("/console/editor/similar/file", &form).await;
    assert_eq!(download.status(), StatusCode::OK);
    assert_eq!(
        download.headers()[CONTENT_DISPOSITION],
        "attachment; filename=\"account-scope.md\""
    );
    let changed = download.text().await.expect("file");
    let original =
        std::fs::read_to_string(common::repo().join("knowledge/register/account-scope.md"))
            .expect("shipped");
    assert_ne!(changed, original);
    assert_eq!(changed.lines().count(), original.lines().count() + 1);
    let copy = common::content_copy();
    std::fs::write(
        copy.path().join("knowledge/register/account-scope.md"),
        &changed,
    )
    .expect("applied");
    let paths = ContentPaths {
        knowledge: copy.path().join("knowledge"),
        dialogs: copy.path().join("dialogs"),
        locales: copy.path().join("locales"),
    };
    let content =
        Content::load(&paths, SearchSettings::default()).expect("the changed content is valid");
    let entry = content.knowledge.entry("account-scope").expect("entry");
    assert!(
        entry
            .localized(helpbot::locale::Locale::ZhCn)
            .similar
            .iter()
            .any(|s| s == "账号开通后能办哪些事")
    );

    // A question the entry has already is refused; nothing was written to knowledge/.
    let response = editor
        .post(
            "/console/editor/similar",
            &[
                ("csrf", editor.csrf.as_str()),
                ("question", "学信网账号有什么用"),
                ("entry", "account-scope"),
                ("locale", "en"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let unchanged =
        std::fs::read_to_string(common::repo().join("knowledge/register/account-scope.md"))
            .expect("shipped");
    assert_eq!(unchanged, original);
    let without_csrf = editor
        .post(
            "/console/editor/similar",
            &[
                ("question", "x"),
                ("entry", "account-scope"),
                ("locale", "en"),
            ],
        )
        .await;
    assert_eq!(without_csrf.status(), StatusCode::FORBIDDEN);

    let audit: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM staff_audit WHERE action LIKE 'editor-%' ORDER BY at",
    )
    .fetch_all(db.pool())
    .await
    .expect("audit");
    for action in [
        "editor-failures-viewed",
        "editor-ratings-viewed",
        "editor-change-prepared",
        "editor-change-downloaded",
    ] {
        assert!(audit.iter().any(|a| a == action), "{action} in {audit:?}");
    }
}

/// "What fails" reads at most its cap of answers and groups them quickly: 5,000 questions of 50
/// kinds on SQLite, the page served (query, grouping, rendering) well within a second or two.
#[tokio::test]
async fn what_fails_over_five_thousand_questions_is_served_quickly() {
    let app = app_with_an_editor_and_failures().await;
    let db = app.assistant.database();
    let subjects = [
        "学信网账号",
        "研招网报名",
        "征兵网",
        "学籍档案",
        "手机号",
        "邮箱",
        "密码",
        "用户名",
        "实名认证",
        "图像校对",
    ];
    let asks = [
        "怎么注销",
        "能转让吗",
        "为什么打不开",
        "多久能审核完",
        "可以改名字吗",
    ];
    for batch in 0..50 {
        let conversation = format!("load-{batch}");
        db.create_conversation(&conversation, "web", "zh-CN")
            .await
            .expect("conversation");
        let questions: Vec<String> = (0..100)
            .map(|i| {
                format!(
                    "{}{}{}",
                    subjects[(batch + i) % subjects.len()],
                    asks[i % asks.len()],
                    i % 7
                )
            })
            .collect();
        let reply = json!({ "kind": "no_answer", "text": "不知道" }).to_string();
        let mut messages = Vec::new();
        for question in &questions {
            messages.push(NewMessage {
                sender: Sender::User,
                body: question,
                outcome: None,
                entry_id: None,
            });
            messages.push(NewMessage {
                sender: Sender::Bot,
                body: &reply,
                outcome: Some("none"),
                entry_id: None,
            });
        }
        db.record_turn(&conversation, "zh-CN", "{}", &messages)
            .await
            .expect("turns stored");
    }
    let editor = sign_in_to(&app.base, "zhou", EDITOR_PASSWORD, "/console/editor").await;
    let started = std::time::Instant::now();
    let page = editor.page("/console/editor").await;
    let elapsed = started.elapsed();
    println!("what fails over 5,000 questions: {elapsed:?}");
    assert!(page.contains("共 5000 个"), "capped at the newest 5,000");
    assert!(elapsed < std::time::Duration::from_secs(10), "{elapsed:?}");
}

/// "Rated 没用": ranked by the share of not useful votes from five votes on (fewer follow),
/// reasons counted per entry, the texts masked.
#[tokio::test]
async fn answers_are_ranked_by_their_not_useful_rate_with_the_reasons_given() {
    let app = app_with_an_editor_and_failures().await;
    let db = app.assistant.database();
    let votes: [(&str, i64, i64); 3] = [
        ("find-username", 4, 1),
        ("find-password", 1, 4),
        ("account-scope", 0, 2),
    ];
    for (entry, useful, not_useful) in votes {
        for vote in 0..useful + not_useful {
            let conversation = format!("{entry}-{vote}");
            db.create_conversation(&conversation, "web", "zh-CN")
                .await
                .expect("conversation");
            let reason = match vote % 2 {
                0 => GivenReason {
                    reason: FeedbackReason::Unclear,
                    text: None,
                },
                _ => GivenReason {
                    reason: FeedbackReason::Other,
                    text: Some(format!("联系我 13812345678 ({entry})")),
                },
            };
            db.set_feedback_with_reason(&conversation, entry, vote >= not_useful, Some(&reason))
                .await
                .expect("vote");
        }
    }
    let editor = sign_in_to(&app.base, "zhou", EDITOR_PASSWORD, "/console/editor").await;
    let page = editor.page("/console/editor/ratings").await;
    let rows: Vec<&str> = regex::Regex::new(r#"<tr data-entry="([a-z-]+)""#)
        .expect("pattern")
        .captures_iter(&page)
        .map(|found| found.get(1).map_or("", |m| m.as_str()))
        .collect();
    assert_eq!(
        rows,
        ["find-password", "find-username", "account-scope"],
        "{page}"
    );
    assert!(page.contains("80 %") && page.contains("20 %"), "{page}");
    let password_row = &page[page.find(r#"<tr data-entry="find-password""#).expect("row")..];
    assert!(
        password_row.contains(r#"data-reason="unclear">2<"#),
        "{password_row}"
    );
    assert!(
        password_row.contains(r#"data-reason="other">2<"#),
        "{password_row}"
    );
    assert!(
        page.contains("联系我 138****5678 (find-password)"),
        "{page}"
    );
    assert!(!page.contains("13812345678"), "masked");
}
