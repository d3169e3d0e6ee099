//! Photos and image documents on Telegram: fetched only in the photo step and only when the size
//! Telegram reports is within the account store's limit, then checked by the core and the store
//! like an upload on the web.

use helpbot::accounts::demo::DEMO_PASSWORD;
use helpbot::accounts::photo::MAX_PHOTO_BYTES;
use helpbot::assistant::Input;
use helpbot::locale::Locale;
use serde_json::{Value, json};

use super::{Running, demo_chat, start, through_the_core, wait_for_text};
use crate::common::{TestDb, on_both_backends, png};

fn text(run: &Running, locale: Locale, id: &str) -> String {
    run.assistant.content().translations.text(locale, id, &[])
}

fn too_large(run: &Running) -> String {
    run.assistant.content().translations.text(
        Locale::ZhCn,
        "telegram-photo-too-large",
        &[("max", ((MAX_PHOTO_BYTES / 1024) as i64).into())],
    )
}

/// A chat whose conversation waits for the front photo (lisi2024 signed in, through the core);
/// its conversation.
async fn at_the_photo_step(run: &Running, chat: i64) -> String {
    let conversation = demo_chat(run, chat, "zh-CN").await;
    let asked = through_the_core(
        run,
        &conversation,
        vec![
            Input::Button("dialog:verify-by-photo".into()),
            Input::Text("lisi2024".into()),
            Input::Text(DEMO_PASSWORD.into()),
        ],
    )
    .await;
    assert!(asked.last().is_some_and(|m| m.expects_photo));
    conversation
}

fn size(file_id: &str, bytes: usize) -> Value {
    json!({ "file_id": file_id, "file_unique_id": format!("u-{file_id}"), "width": 320, "height": 320, "file_size": bytes })
}

/// A file sent as a document, its size as reported.
fn document(file_id: &str, mime: &str, bytes: usize) -> Value {
    json!({ "document": {
        "file_id": file_id, "file_unique_id": format!("u-{file_id}"),
        "file_name": format!("{file_id}.file"), "mime_type": mime, "file_size": bytes,
    } })
}

/// Sends the chat a message with these fields (a photo, a document).
async fn send(run: &Running, chat: i64, fields: Value) {
    run.api
        .feed(run.api.message_update(chat, "zh-CN", fields))
        .await;
}

/// The conversation still waits for the photo and recorded nothing since `before` messages.
async fn unchanged(run: &Running, conversation: &str, before: usize) {
    let after = run.assistant.history(conversation).await.expect("history");
    assert_eq!(after.len(), before, "nothing recorded");
    assert!(
        run.assistant
            .awaits_photo(conversation)
            .await
            .expect("state")
    );
}

#[tokio::test]
async fn photos_in_the_photo_step_are_fetched_within_the_limit_and_submitted() {
    on_both_backends(async |db: TestDb| {
        let run = start(&db, |_| {}).await;
        let chat = 61;
        let conversation = at_the_photo_step(&run, chat).await;
        // Telegram offers three sizes: the largest within the limit is fetched, only it.
        let front = png(300, 300, false);
        run.api.add_file("front-m", front.clone());
        let sizes = [
            size("front-s", 900),
            size("front-m", front.len()),
            size("front-l", MAX_PHOTO_BYTES + 1),
        ];
        send(&run, chat, json!({ "photo": sizes })).await;
        wait_for_text(&run, chat, &text(&run, Locale::ZhCn, "photo-ask-back")).await;
        assert_eq!(run.api.downloads(), vec!["photos/front-m.jpg".to_string()]);
        let asked: Vec<Value> = run
            .api
            .calls()
            .into_iter()
            .filter(|c| c.method == "getFile")
            .map(|c| c.params)
            .collect();
        assert_eq!(asked.len(), 1);
        assert_eq!(asked[0]["file_id"], "front-m");
        let history = run.assistant.history(&conversation).await.expect("history");
        assert!(
            history
                .iter()
                .any(|m| m.body == format!("[photo] {} bytes", front.len())),
            "the core got the photo's bytes"
        );

        // The back as an image document: taken the same way, and the photos go to review.
        let back = png(320, 240, false);
        run.api.add_file("back", back.clone());
        send(&run, chat, document("back", "image/png", back.len())).await;
        wait_for_text(&run, chat, "待审核").await;
        let reviews = run
            .assistant
            .accounts()
            .pending_reviews(10)
            .await
            .expect("queue");
        assert_eq!(reviews.len(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_photo_too_large_by_its_reported_size_is_refused_without_a_download() {
    let db = TestDb::sqlite();
    let run = start(&db, |_| {}).await;
    let chat = 62;
    let conversation = at_the_photo_step(&run, chat).await;
    let before = run.assistant.history(&conversation).await.expect("history");
    let sizes = [
        size("big-m", MAX_PHOTO_BYTES + 1),
        size("big-l", 2 * MAX_PHOTO_BYTES),
    ];
    send(&run, chat, json!({ "photo": sizes })).await;
    let refusal = too_large(&run);
    assert!(refusal.contains("300"), "{refusal}");
    wait_for_text(&run, chat, &refusal).await;
    let calls = run.api.calls();
    assert!(calls.iter().all(|c| c.method != "getFile"), "{calls:#?}");
    assert!(run.api.downloads().is_empty());
    unchanged(&run, &conversation, before.len()).await;
}

#[tokio::test]
async fn a_file_larger_than_its_reported_size_is_read_no_further_than_the_limit() {
    let db = TestDb::sqlite();
    let run = start(&db, |_| {}).await;
    let chat = 63;
    let conversation = at_the_photo_step(&run, chat).await;
    let before = run.assistant.history(&conversation).await.expect("history");
    run.api
        .add_file("liar", vec![0xff; MAX_PHOTO_BYTES + 64 * 1024]);
    send(&run, chat, json!({ "photo": [size("liar", 20_000)] })).await;
    wait_for_text(&run, chat, &too_large(&run)).await;
    assert_eq!(run.api.downloads().len(), 1);
    unchanged(&run, &conversation, before.len()).await;
}

#[tokio::test]
async fn a_document_that_is_not_an_image_is_refused_without_a_download() {
    let db = TestDb::sqlite();
    let run = start(&db, |_| {}).await;
    let chat = 64;
    let conversation = at_the_photo_step(&run, chat).await;
    let before = run.assistant.history(&conversation).await.expect("history");
    run.api.add_file("pdf", b"%PDF-1.4".to_vec());
    send(&run, chat, document("pdf", "application/pdf", 8)).await;
    wait_for_text(
        &run,
        chat,
        &text(&run, Locale::ZhCn, "telegram-file-not-image"),
    )
    .await;
    assert!(run.api.calls().iter().all(|c| c.method != "getFile"));
    assert!(run.api.downloads().is_empty());
    unchanged(&run, &conversation, before.len()).await;
}

#[tokio::test]
async fn an_image_document_that_is_not_an_image_is_refused_by_the_store() {
    let db = TestDb::sqlite();
    let run = start(&db, |_| {}).await;
    let chat = 65;
    let conversation = at_the_photo_step(&run, chat).await;
    let fake = b"this is a text file renamed to .jpg".to_vec();
    run.api.add_file("fake-jpg", fake.clone());
    send(&run, chat, document("fake-jpg", "image/jpeg", fake.len())).await;
    wait_for_text(&run, chat, &text(&run, Locale::ZhCn, "photo-not-image")).await;
    assert_eq!(run.api.downloads(), vec!["photos/fake-jpg.jpg".to_string()]);
    // Still at the photo step: a picture is asked for again.
    assert!(
        run.assistant
            .awaits_photo(&conversation)
            .await
            .expect("state")
    );
}

#[tokio::test]
async fn a_photo_outside_the_photo_step_is_not_fetched_and_the_core_says_none_is_needed() {
    let db = TestDb::sqlite();
    let run = start(&db, |_| {}).await;
    let chat = 66;
    run.api.add_file("p", png(300, 300, false));
    run.api
        .feed(
            run.api
                .message_update(chat, "en", json!({ "photo": [size("p", 2_000)] })),
        )
        .await;
    wait_for_text(
        &run,
        chat,
        &text(&run, Locale::En, "input-photo-unexpected"),
    )
    .await;
    assert!(run.api.calls().iter().all(|c| c.method != "getFile"));
    assert!(run.api.downloads().is_empty());
}

#[tokio::test]
async fn a_photo_that_cannot_be_fetched_is_asked_for_again_and_changes_nothing() {
    let db = TestDb::sqlite();
    let run = start(&db, |_| {}).await;
    let chat = 67;
    let conversation = at_the_photo_step(&run, chat).await;
    let before = run.assistant.history(&conversation).await.expect("history");
    // Telegram no longer has the file: getFile fails.
    send(&run, chat, json!({ "photo": [size("gone", 2_000)] })).await;
    wait_for_text(
        &run,
        chat,
        &text(&run, Locale::ZhCn, "telegram-photo-not-fetched"),
    )
    .await;
    assert!(run.api.downloads().is_empty());
    unchanged(&run, &conversation, before.len()).await;
}
