//! Feedback that says why, through the real service on SQLite and PostgreSQL: a vote keeps the
//! question as typed (masked) and how it was answered, a change of mind replaces it, a vote on
//! an entry the conversation was not answered with is refused and changes nothing; the core's
//! feedback buttons (any channel) ask why and take the reasons; the terminal's `+` / `-`.

use helpbot::message::FeedbackReason;
use helpbot::store::{Database, RatedAnswer, StoredVote};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::server::{App, spawn_app_on};
use crate::common::{self, TestDb, on_both_backends};

async fn rate(app: &App, id: &str, token: &str, body: Value) -> (StatusCode, Value) {
    let response = app
        .client
        .post(format!("{}/api/v1/conversations/{id}/feedback", app.base))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("request");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn votes(db: &Database) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM feedback")
        .fetch_one(db.pool())
        .await
        .expect("count")
}

fn labels(reply: &Value, message: usize) -> Vec<String> {
    reply["messages"][message]["buttons"]
        .as_array()
        .map(|buttons| {
            buttons
                .iter()
                .filter_map(|b| b["label"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_vote_keeps_the_question_masked_and_the_outcome_and_a_change_of_mind_replaces_it() {
    on_both_backends(async |db: TestDb| {
        let app = spawn_app_on(db, |_| {}).await;
        let store = app.assistant.database();
        let (id, token, _) = app.start("zh-CN").await;
        let question = "我的身份证号120104199102052530显示已被注册怎么办";
        let (_, answer) = app.send(&id, &token, json!({ "text": question })).await;
        assert_eq!(answer["messages"][0]["entry_id"], "id-already-registered");

        let (status, _) = rate(
            &app,
            &id,
            &token,
            json!({ "entry_id": "id-already-registered", "useful": false, "reason": "unclear" }),
        )
        .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let vote = store
            .vote(&id, "id-already-registered")
            .await
            .expect("read")
            .expect("stored");
        let stored_question = vote.answer.question.clone().expect("the question");
        assert!(
            !stored_question.contains("120104199102052530"),
            "the ID number is masked: {stored_question}"
        );
        assert_eq!(stored_question, helpbot::pii::mask(question));
        assert_eq!(
            vote,
            StoredVote {
                useful: false,
                reason: Some(FeedbackReason::Unclear),
                reason_text: None,
                answer: RatedAnswer {
                    question: Some(stored_question.clone()),
                    outcome: Some("definite".into()),
                },
            }
        );

        // A change of mind replaces the vote (one row), the question stays with it.
        let (status, _) = rate(
            &app,
            &id,
            &token,
            json!({ "entry_id": "id-already-registered", "useful": true }),
        )
        .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let vote = store
            .vote(&id, "id-already-registered")
            .await
            .expect("read")
            .expect("stored");
        assert!(vote.useful);
        assert_eq!(vote.reason, None);
        assert_eq!(
            vote.answer.question.as_deref(),
            Some(stored_question.as_str())
        );
        assert_eq!(votes(store).await, 1);

        // An entry this conversation was not answered with: refused politely, nothing stored.
        let (status, body) = rate(
            &app,
            &id,
            &token,
            json!({ "entry_id": "find-username", "useful": false, "reason": "other",
                    "reason_text": "不对" }),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(
            body["error"]["message"], "只能评价本对话中给出的回答。",
            "{body}"
        );
        assert_eq!(store.vote(&id, "find-username").await.expect("read"), None);
        assert_eq!(votes(store).await, 1);

        // Picked from suggestions: the question is the one typed before them.
        let (_, suggested) = app.send(&id, &token, json!({ "text": "账号" })).await;
        assert_eq!(
            suggested["messages"][0]["kind"], "suggestions",
            "{suggested}"
        );
        let (_, picked) = app
            .send(&id, &token, json!({ "button": "entry:find-username" }))
            .await;
        assert_eq!(picked["messages"][0]["entry_id"], "find-username");
        let (status, _) = rate(
            &app,
            &id,
            &token,
            json!({ "entry_id": "find-username", "useful": false, "reason": "other",
                    "reason_text": "  步骤里的链接打不开  " }),
        )
        .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let vote = store
            .vote(&id, "find-username")
            .await
            .expect("read")
            .expect("stored");
        assert_eq!(vote.reason, Some(FeedbackReason::Other));
        assert_eq!(vote.reason_text.as_deref(), Some("步骤里的链接打不开"));
        assert_eq!(
            vote.answer,
            RatedAnswer {
                question: Some("账号".into()),
                outcome: Some("suggest".into()),
            }
        );
        // The editors' "rated 没用" figures show the question with the student's words.
        let rated = store.entry_votes(0, i64::MAX).await.expect("votes");
        let username = rated
            .iter()
            .find(|votes| votes.entry_id == "find-username")
            .expect("find-username rated");
        assert_eq!(username.texts.len(), 1);
        assert_eq!(username.texts[0].text, "步骤里的链接打不开");
        assert_eq!(username.texts[0].question.as_deref(), Some("账号"));
    })
    .await;
}

#[tokio::test]
async fn the_cores_feedback_buttons_ask_why_and_take_the_reason_without_a_turn() {
    on_both_backends(async |db: TestDb| {
        let app = spawn_app_on(db, |_| {}).await;
        let assistant = &app.assistant;
        let store = assistant.database();
        let (id, token, _) = app.start("zh-CN").await;
        app.send(
            &id,
            &token,
            json!({ "text": "忘记学信网用户名了，手机13812345678" }),
        )
        .await;
        let transcript = store.messages(&id).await.expect("messages").len();

        // 没用 as a button (what Telegram and the terminal press): the vote, and why?
        let (status, why) = app
            .send(
                &id,
                &token,
                json!({ "button": "feedback:not-useful:find-username" }),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            labels(&why, 0),
            ["看不懂", "操作后不成功", "不是我要问的", "其他"],
            "{why}"
        );
        let vote = store
            .vote(&id, "find-username")
            .await
            .expect("read")
            .expect("vote");
        assert!(!vote.useful);
        assert_eq!(vote.reason, None);
        let question = vote.answer.question.expect("question");
        assert!(question.contains("138****5678"), "{question}");

        // A reason: thanks, and with "did not work" a person is offered.
        let (_, thanks) = app
            .send(
                &id,
                &token,
                json!({ "button": "feedback:did-not-work:find-username" }),
            )
            .await;
        assert!(
            thanks["messages"][0]["text"]
                .as_str()
                .is_some_and(|t| t.starts_with("谢谢")),
            "{thanks}"
        );
        assert_eq!(labels(&thanks, 0), ["转人工"]);
        let vote = store
            .vote(&id, "find-username")
            .await
            .expect("read")
            .expect("vote");
        assert_eq!(vote.reason, Some(FeedbackReason::DidNotWork));

        // 其他: asks for a text; the next typed message is NOT taken as the reason.
        let reply = assistant
            .feedback(
                &id,
                &helpbot::assistant::FeedbackPress::new(
                    "find-username",
                    helpbot::assistant::Choice::Reason(FeedbackReason::Other),
                ),
            )
            .await
            .expect("feedback");
        assert_eq!(reply.asks_text_for.as_deref(), Some("find-username"));
        let (_, next) = app.send(&id, &token, json!({ "text": "忘记密码了" })).await;
        assert_eq!(next["messages"][0]["entry_id"], "find-password", "{next}");
        let vote = store
            .vote(&id, "find-username")
            .await
            .expect("read")
            .expect("vote");
        assert_eq!(vote.reason, Some(FeedbackReason::Other));
        assert_eq!(vote.reason_text, None);
        // The text given in answer to the request is.
        let too_long = "长".repeat(501);
        let refused = assistant
            .feedback_text(&id, "find-username", &too_long)
            .await
            .expect("refused politely");
        assert_eq!(refused.asks_text_for.as_deref(), Some("find-username"));
        assert_eq!(
            store
                .vote(&id, "find-username")
                .await
                .expect("read")
                .and_then(|v| v.reason_text),
            None
        );
        assistant
            .feedback_text(&id, "find-username", "我的邮箱 li.si@example.com 收不到")
            .await
            .expect("recorded");
        let vote = store
            .vote(&id, "find-username")
            .await
            .expect("read")
            .expect("vote");
        assert_eq!(
            vote.reason_text.as_deref(),
            Some("我的邮箱 li.si@example.com 收不到")
        );

        // An entry never given, and a malformed payload: a polite word, nothing stored.
        let (status, refused) = app
            .send(
                &id,
                &token,
                json!({ "button": "feedback:useful:id-pending-review" }),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            refused["messages"][0]["text"],
            "只能评价本对话中给出的回答。您可以继续提问。"
        );
        assert_eq!(
            store.vote(&id, "id-pending-review").await.expect("read"),
            None
        );
        let (_, unknown) = app
            .send(
                &id,
                &token,
                json!({ "button": "feedback:maybe:find-username" }),
            )
            .await;
        assert_eq!(
            unknown["messages"][0]["text"],
            "这个选项已经失效了，请直接输入您的问题。"
        );
        assert_eq!(votes(store).await, 1);
        // Feedback is not part of the transcript: only the question typed in between is.
        assert_eq!(
            store.messages(&id).await.expect("messages").len(),
            transcript + 2
        );
    })
    .await;
}

#[tokio::test]
async fn the_terminal_rates_with_plus_and_minus_and_asks_why_on_a_line_that_can_be_skipped() {
    let db = TestDb::sqlite();
    let assistant = helpbot::runtime::start(&common::config(db.url()))
        .await
        .expect("starts");
    let typed = "忘记学信网用户名了\n-\n4\n  链接打不开  \n忘记密码了\n+\n-\n4\n\n";
    let mut screen = Vec::new();
    let conversation = helpbot::channels::terminal::run(
        &assistant,
        helpbot::locale::Locale::ZhCn,
        helpbot::channels::terminal::Format::Human,
        None,
        tokio::io::BufReader::new(typed.as_bytes()),
        &mut screen,
    )
    .await
    .expect("runs");
    let screen = String::from_utf8(screen).expect("utf-8");
    assert!(screen.contains("输入 + 表示有用，- 表示没用"), "{screen}");
    assert!(screen.contains("[4] 其他"), "{screen}");
    assert!(screen.contains("原因（直接回车跳过）："), "{screen}");
    let store = assistant.database();
    let username = store
        .vote(&conversation, "find-username")
        .await
        .expect("read")
        .expect("voted");
    assert!(!username.useful);
    assert_eq!(username.reason, Some(FeedbackReason::Other));
    assert_eq!(username.reason_text.as_deref(), Some("链接打不开"));
    assert_eq!(
        username.answer.question.as_deref(),
        Some("忘记学信网用户名了")
    );
    // `+` then `-` on the second answer: the change of mind replaced the vote; the reason's
    // line was skipped with Enter.
    let password = store
        .vote(&conversation, "find-password")
        .await
        .expect("read")
        .expect("voted");
    assert!(!password.useful);
    assert_eq!(password.reason, Some(FeedbackReason::Other));
    assert_eq!(password.reason_text, None);
    assert_eq!(votes(store).await, 2);
    // "忘记密码了" after the reason's line was answered as a question, not taken as a reason.
    assert!(screen.contains("忘记密码怎么办"), "{screen}");
}
