//! Telegram's commands: registered in both languages, /start's menu of hot questions, /help,
//! /human and /restart through the core's handoff, /lang and the app's language, commands
//! addressed to the bot, unknown commands, and commands at a password step.

use helpbot::assistant::{ASK_PAYLOAD, Input};
use helpbot::handoff::queue::Status;
use helpbot::locale::Locale;
use serde_json::Value;

use super::{
    Running, at_the_password_step, conversation_of, core_answer, last_keyboard, sent_count, start,
    texts, waiting_for_an_agent,
};
use crate::common::{TestDb, on_both_backends};

fn text(run: &Running, locale: Locale, id: &str) -> String {
    run.assistant.content().translations.text(locale, id, &[])
}

async fn locale_of(run: &Running, conversation: &str) -> Locale {
    run.assistant
        .conversation_locale(conversation)
        .await
        .expect("locale")
        .expect("a language")
}

/// The commands as the bot lists them after `intro`.
fn with_commands(run: &Running, locale: Locale, intro: &str) -> String {
    let mut expected = text(run, locale, intro);
    for (name, id) in [
        ("start", "telegram-command-start"),
        ("help", "telegram-command-help"),
        ("human", "telegram-command-human"),
        ("restart", "telegram-command-restart"),
        ("lang", "telegram-command-lang"),
    ] {
        expected.push_str(&format!("\n/{name} — {}", text(run, locale, id)));
    }
    expected
}

/// Sends `text` from the chat and waits until the bot has sent `more` messages after it.
async fn say(run: &Running, chat: i64, language: &str, text: &str, more: usize) -> Vec<String> {
    let before = sent_count(&run.api.calls(), chat);
    run.api
        .feed(run.api.text_update(chat, language, text))
        .await;
    run.api
        .wait_for(text, |calls| sent_count(calls, chat) >= before + more)
        .await;
    texts(&run.api.sent("sendMessage", chat))[before..].to_vec()
}

/// Presses the button labelled `label` of the chat's last keyboard and waits for `more` messages.
async fn press(run: &Running, chat: i64, language: &str, label: &str, more: usize) -> Vec<String> {
    let keyboard = last_keyboard(&run.api, chat);
    let (_, data) = keyboard
        .iter()
        .find(|(l, _)| l == label)
        .unwrap_or_else(|| panic!("no button {label} in {keyboard:?}"));
    let before = sent_count(&run.api.calls(), chat);
    run.api
        .feed(run.api.press_update(chat, language, data))
        .await;
    run.api
        .wait_for(label, |calls| sent_count(calls, chat) >= before + more)
        .await;
    texts(&run.api.sent("sendMessage", chat))[before..].to_vec()
}

#[tokio::test]
async fn the_commands_are_registered_in_both_languages_with_the_locales_texts() {
    let db = TestDb::sqlite();
    let run = start(&db, |_| {}).await;
    let calls = run
        .api
        .wait_for("three command lists", |calls| {
            calls.iter().filter(|c| c.method == "setMyCommands").count() >= 3
        })
        .await;
    let lists: Vec<&Value> = calls
        .iter()
        .filter(|c| c.method == "setMyCommands")
        .map(|c| &c.params)
        .collect();
    let default_locale = run.assistant.default_locale();
    for (code, locale) in [
        (Some("zh"), Locale::ZhCn),
        (Some("en"), Locale::En),
        (None, default_locale),
    ] {
        let list = lists
            .iter()
            .find(|l| l["language_code"].as_str() == code)
            .unwrap_or_else(|| panic!("no list for {code:?}: {lists:?}"));
        let commands: Vec<(String, String)> = list["commands"]
            .as_array()
            .expect("commands")
            .iter()
            .map(|c| {
                (
                    c["command"].as_str().unwrap_or_default().to_string(),
                    c["description"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect();
        let expected: Vec<(String, String)> = ["start", "help", "human", "restart", "lang"]
            .into_iter()
            .map(|name| {
                (
                    name.to_string(),
                    text(&run, locale, &format!("telegram-command-{name}")),
                )
            })
            .collect();
        assert_eq!(commands, expected, "{code:?}");
    }
    assert_ne!(
        text(&run, Locale::ZhCn, "telegram-command-start"),
        text(&run, Locale::En, "telegram-command-start")
    );
}

/// The inline keyboards' labels of the chat's messages `from..`, one list per message.
fn keyboards_from(run: &Running, chat: i64, from: usize) -> Vec<Vec<String>> {
    run.api
        .sent("sendMessage", chat)
        .iter()
        .skip(from)
        .map(|m| {
            m["reply_markup"]["inline_keyboard"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .iter()
                .filter_map(|row| row[0]["text"].as_str().map(String::from))
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn start_offers_the_hot_questions_and_a_press_answers_the_entry() {
    on_both_backends(async |db: TestDb| {
        // As shipped: a new chat opens with the welcome and the hot questions.
        let run = start(&db, |config| config.hot.in_opening = true).await;
        let chat = 51;
        let opening = run.assistant.answerer().opening(Locale::ZhCn);
        let menu = run.assistant.start_menu(Locale::ZhCn);
        assert!(menu.len() > 2, "{menu:?}");
        assert_eq!(
            opening.len(),
            menu.len(),
            "the welcome stands for the intro"
        );
        let sent = say(&run, chat, "zh-CN", "/start", opening.len()).await;
        // A new chat: the opening once (/start adds no second menu).
        let expected: Vec<String> = opening.iter().map(|m| m.text.clone()).collect();
        assert_eq!(sent, expected);
        assert!(sent[0].starts_with(&text(&run, Locale::ZhCn, "chat-welcome")));
        assert!(sent.contains(&text(&run, Locale::ZhCn, "category-find-account")));
        // Every hot question is a button under its category's name, in the chat's language,
        // with callback data within Telegram's 64 bytes.
        let labels: Vec<Vec<String>> = opening
            .iter()
            .map(|m| m.buttons.iter().map(|b| b.label.clone()).collect())
            .collect();
        assert_eq!(keyboards_from(&run, chat, 0), labels);
        assert!(labels[1..].iter().all(|buttons| !buttons.is_empty()));
        assert!(
            last_keyboard(&run.api, chat)
                .iter()
                .all(|(_, data)| !data.is_empty() && data.len() <= 64)
        );
        // Pressing one answers its entry, as the core answers that button anywhere (a second
        // menu sent for /start would arrive first and fail the comparison).
        let button = menu.last().expect("a category").buttons[0].clone();
        let answer = press(&run, chat, "zh-CN", &button.label, 1).await;
        let (other, _) = run
            .assistant
            .start_conversation("test", Locale::ZhCn)
            .await
            .expect("start");
        let core = run
            .assistant
            .handle(&other, Input::Button(button.payload.clone()))
            .await
            .expect("turn");
        assert_eq!(
            answer[0],
            helpbot::channels::telegram::format::format(&core[0]).text
        );
        let entry = core[0].entry_id.as_deref().expect("an entry's answer");
        assert_eq!(button.payload, format!("entry:{entry}"));
        // The answer's buttons end with the one that brings the common questions back (the row
        // of 👍 / 👎 under it is feedback, see `feedback.rs`).
        let common = text(&run, Locale::ZhCn, "hot-menu-button");
        let answer_buttons = last_keyboard(&run.api, chat);
        let own_last = answer_buttons
            .iter()
            .rev()
            .find(|(_, data)| !data.starts_with("feedback:"));
        assert_eq!(own_last.map(|(l, _)| l), Some(&common));
        let again = press(&run, chat, "zh-CN", &common, menu.len()).await;
        let expected_menu: Vec<String> = menu.iter().map(|m| m.text.clone()).collect();
        assert_eq!(again, expected_menu);

        // /start again: the menu, nothing else, and the conversation is as it was.
        let conversation = conversation_of(&run.assistant, chat).await;
        let history = run.assistant.history(&conversation).await.expect("history");
        let from = run.api.sent("sendMessage", chat).len();
        let again = say(&run, chat, "zh-CN", "/start", menu.len()).await;
        assert_eq!(again, expected_menu);
        let menu_labels: Vec<Vec<String>> = menu
            .iter()
            .map(|m| m.buttons.iter().map(|b| b.label.clone()).collect())
            .collect();
        assert_eq!(keyboards_from(&run, chat, from), menu_labels);
        assert_eq!(conversation_of(&run.assistant, chat).await, conversation);
        let after = run.assistant.history(&conversation).await.expect("history");
        assert_eq!(after.len(), history.len());
    })
    .await;
}

#[tokio::test]
async fn the_chat_follows_the_apps_language_until_lang_chooses_one_which_sticks() {
    on_both_backends(async |db: TestDb| {
        let run = start(&db, |_| {}).await;
        let chat = 61;
        let help = say(&run, chat, "en", "/help", 2).await;
        assert_eq!(help[1], with_commands(&run, Locale::En, "telegram-help"));
        // The app now speaks Chinese: so does the chat.
        let help = say(&run, chat, "zh-CN", "/help", 1).await;
        assert_eq!(help[0], with_commands(&run, Locale::ZhCn, "telegram-help"));
        let conversation = conversation_of(&run.assistant, chat).await;
        assert_eq!(locale_of(&run, &conversation).await, Locale::ZhCn);

        // /lang offers both languages; English is chosen from a Chinese app.
        let offer = say(&run, chat, "zh-CN", "/lang", 1).await;
        assert_eq!(offer[0], text(&run, Locale::ZhCn, "telegram-lang"));
        let labels: Vec<String> = last_keyboard(&run.api, chat)
            .into_iter()
            .map(|(label, _)| label)
            .collect();
        assert_eq!(labels, ["中文", "English"]);
        let set = press(&run, chat, "zh-CN", "English", 1).await;
        assert_eq!(set[0], text(&run, Locale::En, "telegram-lang-set"));
        assert!(
            run.assistant
                .database()
                .telegram_language_chosen(chat)
                .await
                .expect("read")
        );

        // It sticks, though the app still speaks Chinese.
        let help = say(&run, chat, "zh-CN", "/help", 1).await;
        assert_eq!(help[0], with_commands(&run, Locale::En, "telegram-help"));
        assert_eq!(locale_of(&run, &conversation).await, Locale::En);
        // And over a restart of the chat.
        let restarted = say(&run, chat, "zh-CN", "/restart", 1).await;
        assert_eq!(restarted[0], text(&run, Locale::En, "chat-welcome"));
        let help = say(&run, chat, "zh-CN", "/help", 1).await;
        assert_eq!(help[0], with_commands(&run, Locale::En, "telegram-help"));
    })
    .await;
}

#[tokio::test]
async fn human_asks_for_a_person_as_the_core_decides() {
    on_both_backends(async |db: TestDb| {
        // Support at work with an agent online: the chat is in the queue.
        let run = start(&db, crate::handoff::always_open).await;
        let agent = helpbot::handoff::Agent::new("staff-wang-01", "小王");
        run.assistant
            .desk()
            .heartbeat(&agent)
            .await
            .expect("online");
        let chat = 71;
        let sent = say(&run, chat, "zh-CN", "/human", 2).await;
        let conversation = conversation_of(&run.assistant, chat).await;
        let handoff = crate::handoff::handoff_of(&run.assistant, &conversation).await;
        let record = run.assistant.desk().handoff(&handoff).await.expect("read");
        assert_eq!(record.status, Status::Waiting);
        assert_eq!(record.channel, "telegram");
        let cancel = text(&run, Locale::ZhCn, "handoff-cancel-button");
        assert!(
            last_keyboard(&run.api, chat)
                .iter()
                .any(|(label, _)| *label == cancel),
            "{sent:?}"
        );
    })
    .await;

    // Out of hours: what the core tells anyone who asks, with its buttons.
    let db = TestDb::sqlite();
    let run = start(&db, |config| config.handoff.days = Vec::new()).await;
    let chat = 72;
    let sent = say(&run, chat, "en", "/human", 2).await;
    let (other, _) = run
        .assistant
        .start_conversation("test", Locale::En)
        .await
        .expect("start");
    let core = run
        .assistant
        .handle(&other, Input::Button(ASK_PAYLOAD.into()))
        .await
        .expect("turn");
    assert_eq!(sent[1], core[0].text);
    let labels: Vec<String> = last_keyboard(&run.api, chat)
        .into_iter()
        .map(|(label, _)| label)
        .collect();
    let core_labels: Vec<String> = core[0].buttons.iter().map(|b| b.label.clone()).collect();
    assert_eq!(labels, core_labels);
}

#[tokio::test]
async fn restart_gives_a_new_conversation_and_cancels_a_waiting_request() {
    on_both_backends(async |db: TestDb| {
        let run = start(&db, crate::handoff::always_open).await;
        let chat = 81;
        let (_agent, old) = waiting_for_an_agent(&run, chat).await;
        let handoff = crate::handoff::handoff_of(&run.assistant, &old).await;
        let sent = say(&run, chat, "zh-CN", "/restart", 2).await;
        assert_eq!(
            sent,
            [
                text(&run, Locale::ZhCn, "handoff-cancelled"),
                text(&run, Locale::ZhCn, "chat-welcome"),
            ]
        );
        let new = conversation_of(&run.assistant, chat).await;
        assert_ne!(new, old);
        let record = run.assistant.desk().handoff(&handoff).await.expect("read");
        assert_eq!(record.status, Status::Cancelled);
        assert!(
            run.assistant
                .desk()
                .queue()
                .await
                .expect("queue")
                .iter()
                .all(|item| item.handoff.conversation_id != old)
        );
        // The new conversation answers questions as usual.
        let question = "怎么找回用户名";
        let expected = core_answer(&run.assistant, Locale::ZhCn, question).await;
        let answer = say(&run, chat, "zh-CN", question, 1).await;
        assert!(answer[0].contains(&expected), "{answer:?}");
        let history = run.assistant.history(&new).await.expect("history");
        assert!(history.iter().any(|m| m.body == question));
    })
    .await;
}

#[tokio::test]
async fn commands_addressed_to_the_bot_work_and_unknown_ones_are_listed() {
    let db = TestDb::sqlite();
    let run = start(&db, |_| {}).await;
    let chat = 91;
    let menu = run.assistant.start_menu(Locale::En);
    let sent = say(&run, chat, "en", "/start@helpbot_test_bot", 1 + menu.len()).await;
    assert_eq!(sent[1], menu[0].text);
    let conversation = conversation_of(&run.assistant, chat).await;
    let history = run.assistant.history(&conversation).await.expect("history");
    let unknown = with_commands(&run, Locale::En, "telegram-unknown-command");
    for typed in ["/weather", "/start@another_bot"] {
        let sent = say(&run, chat, "en", typed, 1).await;
        assert_eq!(sent, std::slice::from_ref(&unknown));
    }
    let after = run.assistant.history(&conversation).await.expect("history");
    assert_eq!(after.len(), history.len());
}

#[tokio::test]
async fn at_a_password_step_commands_work_and_an_unknown_one_is_taken_for_the_password() {
    let db = TestDb::sqlite();
    let run = start(&db, |_| {}).await;
    let chat = 101;
    let conversation = at_the_password_step(&run, chat).await;
    let help = say(&run, chat, "en", "/help", 1).await;
    assert_eq!(help[0], with_commands(&run, Locale::En, "telegram-help"));
    assert!(
        run.assistant
            .awaits_secret(&conversation)
            .await
            .expect("state")
    );
    assert!(run.api.sent("deleteMessage", chat).is_empty());

    // "/x9secret" may be the password: removed, never echoed, never stored.
    let sent = say(&run, chat, "en", "/x9secret", 2).await;
    assert_eq!(sent[0], text(&run, Locale::En, "telegram-secret-deleted"));
    assert_eq!(run.api.sent("deleteMessage", chat).len(), 1);
    assert!(sent.iter().all(|t| !t.contains("x9secret")), "{sent:?}");
    let history = run.assistant.history(&conversation).await.expect("history");
    assert!(history.iter().all(|m| !m.body.contains("x9secret")));
}
