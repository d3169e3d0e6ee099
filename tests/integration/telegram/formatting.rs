//! How replies look in Telegram: text that is markup elsewhere arrives verbatim (no parse mode),
//! a link is a `text_link` entity over its title at the right UTF-16 offsets, a long answer is
//! split at 4,096 units with its link entity whole, and suggestions are buttons.

use helpbot::locale::Locale;
use helpbot::message::ReplyKind;
use serde_json::Value;

use super::fake_bot_api::FakeBotApi;
use super::{an_agent_replies, core_reply, last_keyboard, sent_count, start, texts};
use crate::common::TestDb;

const HOSTILE: &str = "_*[]()~>#+-=|{}.! <&> &amp; <b>x</b> \\n";

fn utf16_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// The text an entity of a sent message covers.
fn covered(message: &Value, entity: &Value) -> String {
    let units: Vec<u16> = message["text"]
        .as_str()
        .unwrap_or_default()
        .encode_utf16()
        .collect();
    let offset = entity["offset"].as_u64().expect("offset") as usize;
    let length = entity["length"].as_u64().expect("length") as usize;
    String::from_utf16(&units[offset..offset + length]).expect("whole characters")
}

#[tokio::test]
async fn an_agents_markup_like_text_arrives_verbatim_with_the_name_in_bold() {
    let db = TestDb::sqlite();
    let run = start(&db, crate::handoff::always_open).await;
    let chat = 71;
    an_agent_replies(&run, chat, HOSTILE).await;
    let calls = run
        .api
        .wait_for("the agent's reply", |calls| {
            calls.iter().any(|c| {
                c.params["text"]
                    .as_str()
                    .is_some_and(|t| t.contains(HOSTILE))
            })
        })
        .await;
    let reply = calls
        .iter()
        .find(|c| {
            c.params["text"]
                .as_str()
                .is_some_and(|t| t.contains(HOSTILE))
        })
        .expect("reply");
    assert_eq!(
        reply.params["text"].as_str(),
        Some(format!("[小王] {HOSTILE}").as_str())
    );
    assert!(reply.params.get("parse_mode").is_none());
    let entities = reply.params["entities"].as_array().expect("entities");
    assert_eq!(entities.len(), 1);
    assert_eq!(entities[0]["type"], "bold");
    assert_eq!(covered(&reply.params, &entities[0]), "[小王]");
    // Nothing the bot sent used a parse mode.
    assert!(
        run.api
            .calls()
            .iter()
            .all(|c| c.params.get("parse_mode").is_none())
    );
}

/// A knowledge folder: the shipped one and an entry with a long answer and a link whose title is
/// full of markup characters.
fn knowledge_with_a_long_answer(body: &str, title: &str) -> tempfile::TempDir {
    fn copy(from: &std::path::Path, to: &std::path::Path) {
        std::fs::create_dir_all(to).expect("mkdir");
        for entry in std::fs::read_dir(from).expect("read dir") {
            let entry = entry.expect("entry");
            let target = to.join(entry.file_name());
            if entry.file_type().expect("type").is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).expect("copy");
            }
        }
    }
    let dir = tempfile::tempdir().expect("temp dir");
    copy(&crate::common::repo().join("knowledge"), dir.path());
    let entry = format!(
        r#"+++
id = "telegram-formatting-sample"
category = "support"

[zh-CN]
title = "电报格式样例条目"
links = [{{ title = "{title}", url = "https://account.chsi.com.cn/help?a=1&b=2" }}]

[en]
title = "Telegram formatting sample entry"
links = [{{ title = "{title}", url = "https://account.chsi.com.cn/help?a=1&b=2" }}]
+++
::: zh-CN
{body}

::: en
{body}
"#
    );
    std::fs::write(
        dir.path().join("support/telegram-formatting-sample.md"),
        entry,
    )
    .expect("write");
    dir
}

#[tokio::test]
async fn a_long_answer_is_split_with_its_link_entity_whole_at_the_right_offsets() {
    let db = TestDb::sqlite();
    // 4,080 UTF-16 units (an emoji counts two), so that the limit falls inside the link's title.
    let body = format!("{}补充说明如：", "学信网帐号😀说明。".repeat(404));
    // With the title above it, the answer is 4,080 UTF-16 units (an emoji counts two): the
    // limit falls inside the link's title.
    let title = "帮助 <中心> & _*[]()~>#+-=|{}.! 😀 title";
    let knowledge = knowledge_with_a_long_answer(&body, title);
    let dir = knowledge.path().to_path_buf();
    let run = start(&db, move |config| config.content.knowledge_dir = dir).await;
    let question = "Telegram formatting sample entry";
    let core = core_reply(&run.assistant, Locale::En, question).await;
    assert_eq!(core[0].kind, ReplyKind::Answer, "{core:?}");
    let answer = core[0].text.clone();
    assert!(answer.ends_with(&body));
    assert_eq!(utf16_len(&answer), 4080, "{:?}", answer.split('\n').next());

    let chat = 72;
    run.api
        .feed(run.api.text_update(chat, "en", question))
        .await;
    let api: &FakeBotApi = &run.api;
    api.wait_for("the answer in parts", |calls| sent_count(calls, chat) >= 3)
        .await;
    let sent = api.sent("sendMessage", chat);
    let parts = &sent[1..];
    assert_eq!(parts.len(), 2, "{:?}", texts(&sent));
    for part in parts {
        assert!(utf16_len(part["text"].as_str().expect("text")) <= 4096);
    }
    // The whole text, as the core wrote it, then the link on its own line.
    let joined: String = texts(parts).concat();
    assert!(joined == format!("{answer}\n🔗 {title}"));
    // The first part ends at the line break; the link is whole in the second.
    assert!(parts[0]["text"].as_str() == Some(format!("{answer}\n").as_str()));
    assert!(parts[0].get("entities").is_none());
    let entities = parts[1]["entities"].as_array().expect("entities");
    assert_eq!(entities.len(), 1);
    assert_eq!(entities[0]["type"], "text_link");
    assert_eq!(
        entities[0]["url"],
        "https://account.chsi.com.cn/help?a=1&b=2"
    );
    // After "🔗 ": an emoji (two units) and a space.
    assert_eq!(entities[0]["offset"], 3);
    assert_eq!(
        entities[0]["length"].as_u64(),
        Some(utf16_len(title) as u64)
    );
    assert_eq!(covered(&parts[1], &entities[0]), title);
}

#[tokio::test]
async fn suggestions_are_buttons() {
    let db = TestDb::sqlite();
    let run = start(&db, |_| {}).await;
    // A vague question: the core suggests entries instead of answering.
    let question = "账号";
    let core = core_reply(&run.assistant, Locale::ZhCn, question).await;
    assert_eq!(core[0].kind, ReplyKind::Suggestions, "{core:?}");
    let chat = 73;
    run.api
        .feed(run.api.text_update(chat, "zh-CN", question))
        .await;
    run.api
        .wait_for("a keyboard", |_| !last_keyboard(&run.api, chat).is_empty())
        .await;
    let labels: Vec<String> = last_keyboard(&run.api, chat)
        .into_iter()
        .map(|(label, _)| label)
        .collect();
    let expected: Vec<String> = core[0].buttons.iter().map(|b| b.label.clone()).collect();
    assert_eq!(labels, expected);
    assert!(
        texts(&run.api.sent("sendMessage", chat))
            .iter()
            .any(|t| *t == core[0].text)
    );
}
