//! The hot questions (issue 16, the first minute): counted from synthetic traffic with known
//! numbers on SQLite and PostgreSQL (distinct conversations, definite answers only, within the
//! window), merged with the editors' pins; the opening and the start menu that show them; a
//! pressed hot question answered as a normal answer; "常见问题" typed or pressed brings them back;
//! `helpbot chat` numbers them across categories.

use helpbot::assistant::{Assistant, FeedbackOutcome, Input, ReplyKind};
use helpbot::config::Config;
use helpbot::locale::Locale;
use helpbot::store::{AskedEntry, Database};

use crate::common::{self, TestDb, config_with_opening, on_both_backends};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

async fn assistant(db: &TestDb, tweak: impl FnOnce(&mut Config)) -> Assistant {
    let mut config = config_with_opening(db.url());
    tweak(&mut config);
    helpbot::runtime::start(&config).await.expect("starts")
}

/// `count` new conversations, each answered once with `entry` (outcome `outcome`) at `at`, and
/// the same answer `repeats` more times in each: one conversation counts once however often.
async fn traffic(db: &Database, entry: &str, outcome: &str, count: usize, repeats: usize, at: i64) {
    for _ in 0..count {
        let conversation = uuid::Uuid::new_v4().to_string();
        sqlx::query(
            "INSERT INTO conversations (id, channel, locale, state, created_at, updated_at) \
             VALUES ($1, 'web', 'zh-CN', '{}', $2, $2)",
        )
        .bind(&conversation)
        .bind(at)
        .execute(db.pool())
        .await
        .expect("conversation");
        for _ in 0..=repeats {
            sqlx::query(
                "INSERT INTO messages (conversation_id, sender, body, outcome, entry_id, created_at) \
                 VALUES ($1, 'bot', '{}', $2, $3, $4)",
            )
            .bind(&conversation)
            .bind(outcome)
            .bind(entry)
            .bind(at)
            .execute(db.pool())
            .await
            .expect("answer");
        }
    }
}

/// The entry ids shown for `category`, and the traffic part with its counts.
fn shown(assistant: &Assistant, category: &str) -> (Vec<String>, Vec<(String, i64)>) {
    let hot = assistant.hot_questions();
    let found = hot
        .categories
        .iter()
        .find(|c| c.category == category)
        .unwrap_or_else(|| panic!("no category {category} in {hot:?}"));
    (
        found.entry_ids().map(String::from).collect(),
        found.asked.clone(),
    )
}

fn pinned(assistant: &Assistant, category: &str) -> Vec<String> {
    assistant
        .content()
        .knowledge
        .entries()
        .iter()
        .filter(|e| e.category == category && e.hot)
        .map(|e| e.id.clone())
        .collect()
}

fn owned(ids: &[&str]) -> Vec<String> {
    ids.iter().map(|id| id.to_string()).collect()
}

#[tokio::test]
async fn the_hot_questions_follow_the_traffic_with_the_pins_first() {
    on_both_backends(async |test_db: TestDb| {
        let assistant = assistant(&test_db, |_| {}).await;
        let db = assistant.database().clone();
        // No traffic yet: every category shows its pins, and only categories with pins appear.
        assistant.refresh_hot_questions().await.expect("counted");
        let hot = assistant.hot_questions();
        assert_eq!(hot.window_days, 14);
        assert!(hot.counted_at.is_some());
        assert!(!hot.categories.is_empty());
        for category in &hot.categories {
            assert!(category.asked.is_empty(), "{category:?}");
            assert_eq!(category.pinned, pinned(&assistant, &category.category));
        }
        let find_pins = pinned(&assistant, "find-account");
        assert_eq!(
            find_pins.len(),
            3,
            "the test assumes one free place of four"
        );

        let now = helpbot::store::now_ms();
        // Counted: definite answers in distinct conversations within the 14 days.
        traffic(&db, "captcha", "definite", 3, 0, now - DAY_MS).await;
        traffic(
            &db,
            "wechat-alipay-login",
            "definite",
            2,
            0,
            now - 2 * DAY_MS,
        )
        .await;
        // One student asking ten times is one conversation.
        traffic(&db, "enterprise-account", "definite", 1, 9, now).await;
        // Not counted: presses on buttons we showed, and answers older than the window.
        traffic(&db, "wechat-alipay-login", "picked", 5, 0, now).await;
        traffic(
            &db,
            "enterprise-account",
            "definite",
            6,
            0,
            now - 20 * DAY_MS,
        )
        .await;
        // Other categories, and an entry the content no longer has.
        traffic(&db, "official-site", "definite", 1, 0, now).await;
        traffic(&db, "mobile-exists", "definite", 2, 0, now).await;
        traffic(&db, "change-mobile-email", "definite", 1, 0, now).await;
        traffic(&db, "removed-entry", "definite", 50, 0, now).await;

        let counted = db
            .definite_answers_by_entry(now - 14 * DAY_MS)
            .await
            .expect("query");
        let asked = |id: &str, conversations: i64| AskedEntry {
            entry_id: id.into(),
            conversations,
        };
        assert_eq!(
            counted,
            [
                asked("removed-entry", 50),
                asked("captcha", 3),
                asked("mobile-exists", 2),
                asked("wechat-alipay-login", 2),
                asked("change-mobile-email", 1),
                asked("enterprise-account", 1),
                asked("official-site", 1),
            ]
        );

        // Nothing changes until the background count runs: a request never counts.
        assert!(shown(&assistant, "find-account").1.is_empty());
        assistant.refresh_hot_questions().await.expect("counted");
        let (ids, traffic_part) = shown(&assistant, "find-account");
        let mut expected = find_pins.clone();
        expected.push("captcha".into());
        assert_eq!(ids, expected);
        assert_eq!(traffic_part, [("captcha".to_string(), 3)]);
        let (ids, _) = shown(&assistant, "support");
        assert_eq!(ids, owned(&["contact-support", "official-site"]));
        let (_, traffic_part) = shown(&assistant, "email-mobile");
        assert_eq!(traffic_part, [("mobile-exists".to_string(), 2)]);
        assert!(
            assistant
                .hot_questions()
                .categories
                .iter()
                .all(|c| c.entry_ids().all(|id| id != "removed-entry"))
        );

        // The traffic's order changes the list: WeChat sign-in overtakes the captcha.
        traffic(&db, "wechat-alipay-login", "definite", 4, 0, now).await;
        assistant.refresh_hot_questions().await.expect("counted");
        let (ids, traffic_part) = shown(&assistant, "find-account");
        let mut expected = find_pins.clone();
        expected.push("wechat-alipay-login".into());
        assert_eq!(ids, expected, "the pins stay first");
        assert_eq!(traffic_part, [("wechat-alipay-login".to_string(), 6)]);

        // What a new conversation opens with shows the same list, titled in its language.
        let (_, opening) = assistant
            .start_conversation("test", Locale::En)
            .await
            .expect("start");
        let content = assistant.content();
        let category_name = content
            .translations
            .text(Locale::En, "category-find-account", &[]);
        let message = opening
            .iter()
            .find(|m| m.text == category_name)
            .expect("the category in the opening");
        assert_eq!(message.kind, ReplyKind::HotQuestions);
        let payloads: Vec<String> = message.buttons.iter().map(|b| b.payload.clone()).collect();
        let expected_payloads: Vec<String> =
            expected.iter().map(|id| format!("entry:{id}")).collect();
        assert_eq!(payloads, expected_payloads);
        let title = &content
            .knowledge
            .entry("wechat-alipay-login")
            .expect("entry")
            .localized(Locale::En)
            .title;
        assert_eq!(&message.buttons[3].label, title);
    })
    .await;
}

#[tokio::test]
async fn more_places_per_category_take_more_of_the_traffic() {
    let test_db = TestDb::sqlite();
    let assistant = assistant(&test_db, |config| config.hot.per_category = 5).await;
    let db = assistant.database().clone();
    let now = helpbot::store::now_ms();
    traffic(&db, "captcha", "definite", 3, 0, now).await;
    traffic(&db, "wechat-alipay-login", "definite", 2, 0, now).await;
    traffic(&db, "enterprise-account", "definite", 1, 0, now).await;
    assistant.refresh_hot_questions().await.expect("counted");
    let (_, traffic_part) = shown(&assistant, "find-account");
    assert_eq!(
        traffic_part,
        [
            ("captcha".to_string(), 3),
            ("wechat-alipay-login".to_string(), 2)
        ]
    );
}

#[tokio::test]
async fn a_pressed_hot_question_is_a_normal_answer_and_the_common_questions_come_back() {
    on_both_backends(async |test_db: TestDb| {
        let assistant = assistant(&test_db, |_| {}).await;
        let (id, opening) = assistant
            .start_conversation("test", Locale::ZhCn)
            .await
            .expect("start");
        let content = assistant.content();
        let text = |id: &str| content.translations.text(Locale::ZhCn, id, &[]);
        assert!(opening[0].text.starts_with(&text("chat-welcome")));
        assert!(opening[0].text.contains(&text("start-menu-intro")));
        let hot_button = opening[1].buttons[0].clone();

        // Pressed: the entry's answer, stored with its entry, which may be rated.
        let answer = assistant
            .handle(&id, Input::Button(hot_button.payload.clone()))
            .await
            .expect("turn");
        assert_eq!(answer[0].kind, ReplyKind::Answer);
        let entry = answer[0].entry_id.clone().expect("an entry");
        assert_eq!(hot_button.payload, format!("entry:{entry}"));
        let common = answer[0].buttons.last().expect("buttons").clone();
        assert_eq!(common.payload, "menu:hot");
        assert_eq!(common.label, text("hot-menu-button"));
        assert_eq!(
            assistant
                .record_feedback(&id, &entry, true, None)
                .await
                .expect("vote"),
            FeedbackOutcome::Recorded
        );

        // The button, and the phrases in `_smalltalk.toml`, bring the menu back.
        let menu = assistant.start_menu(Locale::ZhCn);
        assert_eq!(menu[0].text, text("start-menu-intro"));
        assert_eq!(menu[1..], opening[1..]);
        for input in [
            Input::Button("menu:hot".into()),
            Input::Text("常见问题".into()),
            Input::Text("还有什么问题？".into()),
            Input::Text("热门问题".into()),
            Input::Text("menu".into()),
        ] {
            let reply = assistant.handle(&id, input.clone()).await.expect("turn");
            assert_eq!(reply, menu, "{input:?}");
        }
        let english = assistant
            .handle(&id, Input::Text("common questions".into()))
            .await
            .expect("turn");
        assert_eq!(english, assistant.start_menu(Locale::En));
        let stored = assistant.history(&id).await.expect("history");
        assert!(
            stored
                .iter()
                .filter(|m| m.outcome.as_deref() == Some("menu"))
                .count()
                >= menu.len() * 6
        );

        // "I don't know" and suggestions end with the button too; a dialog step does not.
        let unknown = assistant
            .handle(&id, Input::Text("明天会下雨吗".into()))
            .await
            .expect("turn");
        assert_eq!(
            unknown[0].buttons.last().map(|b| b.payload.as_str()),
            Some("menu:hot")
        );
        let step = assistant
            .handle(&id, Input::Button("dialog:find-username".into()))
            .await
            .expect("turn");
        assert_eq!(step[0].kind, ReplyKind::Dialog);
        assert!(
            step.iter()
                .flat_map(|m| &m.buttons)
                .all(|b| b.payload != "menu:hot"),
            "{step:?}"
        );

        // Presses on the menu's own buttons never make an entry hot: only typed questions count.
        let (other, _) = assistant
            .start_conversation("test", Locale::ZhCn)
            .await
            .expect("start");
        assistant
            .handle(&other, Input::Button("entry:captcha".into()))
            .await
            .expect("turn");
        assistant.refresh_hot_questions().await.expect("counted");
        assert!(shown(&assistant, "find-account").1.is_empty());
    })
    .await;
}

#[test]
fn the_terminal_numbers_the_hot_questions_across_categories_and_a_number_answers() {
    let db = TestDb::sqlite();
    // What the core opens with, from the content alone (no traffic yet: the pins).
    let config = config_with_opening(db.url());
    let content = helpbot::runtime::load_content(&config).expect("content");
    let opening = helpbot::answering::Answerer::new(
        content,
        helpbot::answering::AnswerSettings::from(&config),
    )
    .opening(Locale::ZhCn);
    let buttons: Vec<_> = opening.iter().flat_map(|m| m.buttons.clone()).collect();
    let last = buttons.last().expect("hot questions").clone();
    let script = format!("{}\n常见问题\n", buttons.len());
    let output = common::helpbot(
        &["chat", "--lang", "zh-CN"],
        &script,
        db.url(),
        &[("HELPBOT_HOT__IN_OPENING", "true")],
    );
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    // Every category by name, its questions numbered on from the previous category's.
    let mut at = 0;
    for message in &opening[1..] {
        let found = stdout[at..]
            .find(&format!("\n{}\n", message.text))
            .unwrap_or_else(|| panic!("no category {} in\n{stdout}", message.text));
        at += found;
    }
    for (number, button) in buttons.iter().enumerate() {
        assert!(
            stdout.contains(&format!("  [{}] {}\n", number + 1, button.label)),
            "[{}] {} in\n{stdout}",
            number + 1,
            button.label
        );
    }
    // The last number answers the last hot question; "常见问题" shows them again.
    let answer_at = stdout
        .find(&format!("\n{}\n\n", last.label))
        .unwrap_or_else(|| panic!("the answer to {} in\n{stdout}", last.label));
    let again = &stdout[answer_at..];
    for message in &opening[1..] {
        assert!(again.contains(&format!("\n{}\n", message.text)), "{again}");
    }
}
