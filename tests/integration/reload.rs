//! Content reload (issue 15): `helpbot serve` notices edited files and SIGHUP, validates the whole
//! new set, swaps it in, refuses an invalid one while the old keeps serving, and moves a
//! conversation whose dialog step disappeared to a safe point.

use std::path::Path;
use std::time::{Duration, Instant};

use helpbot::reload::{Reloaded, Reloader};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::content_copy;
use crate::common::server::{ServeProcess, spawn_app_with};

const ENTRY: &str = "knowledge/find-account/find-username.md";

fn content_env(root: &Path) -> Vec<(String, String)> {
    ["knowledge", "dialogs", "locales"]
        .iter()
        .map(|folder| {
            (
                format!("HELPBOT_CONTENT__{}_DIR", folder.to_uppercase()),
                root.join(folder).display().to_string(),
            )
        })
        .collect()
}

/// Rewrites one file of the copy, replacing `from` (which must be there) with `to`.
fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains(from), "{file} has no {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
}

/// The titles `/suggest` offers for what the user is typing.
async fn suggested(base: &str, typed: &str) -> Vec<String> {
    let response = reqwest::Client::new()
        .get(format!("{base}/api/v1/suggest"))
        .query(&[("q", typed), ("locale", "zh-CN")])
        .send()
        .await
        .expect("suggest");
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.expect("json");
    body["suggestions"]
        .as_array()
        .expect("suggestions")
        .iter()
        .filter_map(|s| s["title"].as_str().map(String::from))
        .collect()
}

/// Waits until `/suggest` offers (or no longer offers) `title` for `typed`.
async fn wait_for_title(base: &str, typed: &str, title: &str, offered: bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let titles = suggested(base, typed).await;
        if titles.iter().any(|t| t == title) == offered {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{title:?} offered={offered} never came: {titles:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn start_on(root: &Path, extra: &[(&str, &str)]) -> ServeProcess {
    let env = content_env(root);
    let mut all: Vec<(&str, &str)> = env
        .iter()
        .map(|(key, value)| (key.as_str(), value.as_str()))
        .collect();
    all.extend_from_slice(extra);
    ServeProcess::start(&all)
}

#[tokio::test]
async fn an_edited_file_is_served_and_an_invalid_set_is_refused_while_the_old_one_serves() {
    let content = content_copy();
    let root = content.path();
    let mut server = start_on(root, &[]);
    let old = "忘记用户名怎么办？";
    let new = "用户名想不起来了，怎么找回？（已更新）";
    let title = std::fs::read_to_string(root.join(ENTRY)).expect("entry");
    assert!(title.contains(&format!("title = \"{old}\"")), "{title}");
    wait_for_title(&server.base, "忘记用户名", old, true).await;

    edit(root, ENTRY, old, new);
    server.wait_for_log("content reloaded");
    wait_for_title(&server.base, "忘记用户名", new, true).await;

    // Broken TOML: refused with its file and line; the set just loaded keeps answering.
    edit(root, ENTRY, "similar = [", "similar = [[[");
    let refused = server.wait_for_log("content reload refused");
    assert!(refused.contains("problems=1"), "{refused}");
    let problem = server.wait_for_log("content problem");
    assert!(
        problem.contains("find-username.md:") && problem.contains("problem="),
        "{problem}"
    );
    assert_eq!(
        suggested(&server.base, "忘记用户名").await.first(),
        Some(&new.to_string())
    );
    let ready = reqwest::get(format!("{}/readyz", server.base))
        .await
        .expect("readyz");
    assert_eq!(ready.status(), StatusCode::OK);

    // Mended: the next change is loaded.
    edit(root, ENTRY, "similar = [[[", "similar = [");
    edit(root, ENTRY, new, old);
    wait_for_title(&server.base, "忘记用户名", old, true).await;
}

#[tokio::test]
async fn sighup_reloads_when_watching_is_off() {
    let content = content_copy();
    let root = content.path();
    let mut server = start_on(root, &[("HELPBOT_CONTENT__WATCH", "false")]);
    server.wait_for_log("content reload on SIGHUP");
    let old = "忘记用户名怎么办？";
    let new = "用户名忘了（SIGHUP 之后）";
    edit(root, ENTRY, old, new);
    // Not watched: the old title stays until the signal.
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(
        !server.log().contains("content reloaded"),
        "{}",
        server.log()
    );
    wait_for_title(&server.base, "忘记用户名", old, true).await;

    server.signal("HUP");
    let line = server.wait_for_log("content reloaded");
    assert!(line.contains("trigger=\"SIGHUP\""), "{line}");
    wait_for_title(&server.base, "忘记用户名", new, true).await;
}

#[tokio::test]
async fn a_conversation_whose_step_was_removed_is_moved_to_the_dialog_start() {
    let content = content_copy();
    let root = content.path().to_path_buf();
    let dirs = root.clone();
    let app = spawn_app_with(move |config| {
        config.content = helpbot::config::ContentConfig::under(&dirs);
    })
    .await;
    let reloader = Reloader::new(
        app.assistant.live_content().clone(),
        &helpbot::config::Config {
            content: helpbot::config::ContentConfig::under(&root),
            ..crate::common::config("sqlite::memory:")
        },
    );
    assert!(matches!(
        reloader.reload().await,
        Ok(Reloaded::Unchanged { .. })
    ));

    let (id, token, _) = app.start("zh-CN").await;
    let (status, asked) = app
        .send(&id, &token, json!({ "button": "dialog:find-username" }))
        .await;
    assert_eq!(status, StatusCode::OK, "{asked}");
    // The conversation waits at `ask-name`; an editor renames that step.
    edit(
        &root,
        "dialogs/find-username.toml",
        "start = \"ask-name\"",
        "start = \"ask-real-name\"",
    );
    edit(
        &root,
        "dialogs/find-username.toml",
        "[steps.ask-name]",
        "[steps.ask-real-name]",
    );
    let text = std::fs::read_to_string(root.join("dialogs/find-username.toml")).expect("read");
    std::fs::write(
        root.join("dialogs/find-username.toml"),
        text.replace("next = \"ask-name\"", "next = \"ask-real-name\""),
    )
    .expect("write");
    let reloaded = reloader.reload().await.expect("the edited set is valid");
    assert!(
        matches!(reloaded, Reloaded::Replaced { .. }),
        "{reloaded:?}"
    );

    let (status, reply) = app.send(&id, &token, json!({ "text": "张三" })).await;
    assert_eq!(status, StatusCode::OK, "{reply}");
    let message = &reply["messages"][0];
    assert!(
        message["text"]
            .as_str()
            .is_some_and(|t| t.contains("帮助流程刚刚更新")),
        "{reply}"
    );
    assert_eq!(message["buttons"][0]["payload"], "dialog:find-username");
    // The way forward works: the dialog starts again at its new first step.
    let (status, again) = app
        .send(&id, &token, json!({ "button": "dialog:find-username" }))
        .await;
    assert_eq!(status, StatusCode::OK, "{again}");
    let (_, named) = app.send(&id, &token, json!({ "text": "张三" })).await;
    assert!(
        !named.to_string().contains("帮助流程刚刚更新"),
        "the restarted dialog goes on: {named}"
    );
}
