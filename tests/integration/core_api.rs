//! The channel-agnostic core driven directly, on both database backends.

use crate::common;

use common::{TestDb, config, config_with_opening};
use helpbot::assistant::{Input, ReplyKind};
use helpbot::locale::Locale;

#[tokio::test]
async fn the_core_answers_and_stores_turns_on_both_backends() {
    common::on_both_backends(async |test_db| {
        let assistant = helpbot::runtime::start(&config_with_opening(test_db.url()))
            .await
            .expect("starts");
        let (id, opening) = assistant
            .start_conversation("test", Locale::ZhCn)
            .await
            .expect("conversation");
        // The welcome, then the hot questions by category.
        assert_eq!(opening[0].kind, ReplyKind::SmallTalk);
        assert!(opening.len() > 1);
        assert!(
            opening[1..]
                .iter()
                .all(|m| m.kind == ReplyKind::HotQuestions && !m.buttons.is_empty())
        );
        let replies = assistant
            .handle(&id, Input::Text("身份证号码重复待审核".into()))
            .await
            .expect("reply");
        assert_eq!(replies[0].kind, ReplyKind::Answer);
        assert_eq!(replies[0].entry_id.as_deref(), Some("id-pending-review"));
        // The first button starts the dialog that solves the problem; related entries follow.
        assert_eq!(replies[0].buttons[0].payload, "dialog:duplicate-id");
        let first_related = replies[0].buttons[1].payload.clone();
        let picked = assistant
            .handle(&id, Input::Button(first_related.clone()))
            .await
            .expect("button");
        assert_eq!(
            Some(format!(
                "entry:{}",
                picked[0].entry_id.clone().unwrap_or_default()
            )),
            Some(first_related)
        );
        let unknown = assistant
            .handle(&id, Input::Button("entry:no-such-entry".into()))
            .await
            .expect("button");
        assert_eq!(unknown[0].kind, ReplyKind::Notice);
        let messages = assistant.database().messages(&id).await.expect("messages");
        // The opening, then three questions and their answers.
        assert_eq!(messages.len(), opening.len() + 6);
        assistant.database().close().await;
    })
    .await;
}

#[tokio::test]
async fn an_unknown_conversation_is_an_error_not_a_panic() {
    let test_db = TestDb::sqlite();
    let assistant = helpbot::runtime::start(&config(test_db.url()))
        .await
        .expect("starts");
    let err = assistant
        .handle("nope", Input::Text("你好".into()))
        .await
        .expect_err("unknown");
    assert!(err.to_string().contains("does not exist"));
}

#[tokio::test]
async fn two_users_at_once_keep_their_own_conversations() {
    let test_db = TestDb::postgres().await;
    let assistant = helpbot::runtime::start(&config(test_db.url()))
        .await
        .expect("starts");
    let (a, _) = assistant
        .start_conversation("test", Locale::ZhCn)
        .await
        .expect("a");
    let (b, _) = assistant
        .start_conversation("test", Locale::En)
        .await
        .expect("b");
    let (ra, rb) = tokio::join!(
        assistant.handle(&a, Input::Text("忘记密码".into())),
        assistant.handle(&b, Input::Text("forgot my password".into())),
    );
    let (ra, rb) = (ra.expect("a replies"), rb.expect("b replies"));
    assert!(ra[0].text.contains("密码"));
    assert!(rb[0].text.to_lowercase().contains("password"));
    assert!(!helpbot::text::has_cjk(&rb[0].buttons[0].label));
    assert_eq!(assistant.database().messages(&a).await.expect("a").len(), 3);
    assert_eq!(assistant.database().messages(&b).await.expect("b").len(), 3);
    assistant.database().close().await;
}
