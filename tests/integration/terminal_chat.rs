//! `helpbot chat` end to end: the real binary, a fresh database, scripted stdin.

use crate::common;

use common::{TestDb, helpbot, stdout_lines};
use serde_json::Value;

pub(crate) fn chat_json(script: &str, lang: &str, db: &TestDb) -> Vec<Value> {
    let output = helpbot(&["chat", "--json", "--lang", lang], script, db.url(), &[]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout_lines(&output)
        .iter()
        .map(|line| serde_json::from_str(line).expect("every line is JSON"))
        .collect()
}

pub(crate) fn text(message: &Value) -> &str {
    message["text"].as_str().expect("text")
}

pub(crate) fn buttons(message: &Value) -> Vec<&str> {
    message["buttons"]
        .as_array()
        .expect("buttons")
        .iter()
        .filter_map(Value::as_str)
        .collect()
}

#[test]
fn a_student_gets_answers_presses_a_related_question_and_is_told_when_the_bot_does_not_know() {
    let db = TestDb::sqlite();
    let script = "你好\n注册的时候显示身份证已经被注册了\n2\n明天会下雨吗\n谢谢\n";
    let messages = chat_json(script, "zh-CN", &db);
    assert_eq!(messages.len(), 6, "{messages:?}");
    assert!(text(&messages[0]).contains("请问有什么可以帮您"));
    assert!(text(&messages[1]).contains("我是学信网账号帮助助手"));
    let answer = text(&messages[2]);
    assert!(answer.contains("证件号码已被注册"), "{answer}");
    // The dialog is offered first, so the buttons are captioned as next steps.
    assert!(answer.contains("您可以"), "{answer}");
    let related = buttons(&messages[2]);
    // The first button starts the dialog that solves the problem, related questions follow.
    assert_eq!(related[0], "帮我判断/处理");
    // Pressing "2" shows the first related entry, whose title is that button's label.
    assert!(
        text(&messages[3]).starts_with(related[1]),
        "{} / {}",
        text(&messages[3]),
        related[1]
    );
    assert!(text(&messages[4]).contains("010-82199588"));
    assert!(text(&messages[4]).contains("回答不了"));
    assert_eq!(buttons(&messages[4]), ["常见问题"]);
    assert!(text(&messages[5]).contains("不客气"));
}

#[test]
fn english_conversations_are_answered_in_english() {
    let db = TestDb::sqlite();
    let messages = chat_json("hello\nI forgot my username\nwho are you\n", "en", &db);
    assert!(text(&messages[0]).contains("How can I help"));
    assert!(text(&messages[2]).to_lowercase().contains("username"));
    assert!(
        !helpbot::text::has_cjk(buttons(&messages[2]).join(" ").as_str()),
        "{messages:?}"
    );
    assert!(text(&messages[3]).contains("help robot"));
}

#[test]
fn bad_input_gets_a_polite_message_and_the_chat_goes_on() {
    let db = TestDb::sqlite();
    let long = "问".repeat(501);
    let script = format!("   \n{long}\nabc\u{1}def\n忘记密码\n");
    let messages = chat_json(&script, "zh-CN", &db);
    assert_eq!(messages.len(), 5, "{messages:?}");
    assert!(text(&messages[1]).contains("还没有输入内容"));
    assert!(text(&messages[2]).contains("501") && text(&messages[2]).contains("500"));
    assert!(text(&messages[3]).contains("读不懂"));
    assert!(text(&messages[4]).contains("找回密码"));
}

#[test]
fn did_you_mean_offers_clickable_titles() {
    let db = TestDb::sqlite();
    // A vague question touching several topics.
    let messages = chat_json("邮箱\n1\n", "zh-CN", &db);
    let suggestion = &messages[1];
    assert!(text(suggestion).contains("您是不是想问"), "{messages:?}");
    let mut titles = buttons(suggestion);
    // The suggested titles, then the way on to the common questions.
    assert_eq!(titles.pop(), Some("常见问题"));
    assert!((2..=5).contains(&titles.len()), "{titles:?}");
    assert!(text(&messages[2]).starts_with(titles[0]));
}

#[tokio::test]
async fn the_conversation_and_its_outcomes_are_stored() {
    let db = TestDb::sqlite();
    let _ = chat_json("忘记学信网用户名了\n给我讲个笑话\n", "zh-CN", &db);
    let database = db.connect().await;
    use sqlx::Row;
    let rows = sqlx::query("SELECT sender, outcome, entry_id FROM messages ORDER BY id")
        .fetch_all(database.pool())
        .await
        .expect("query");
    let outcomes: Vec<(String, Option<String>, Option<String>)> = rows
        .iter()
        .map(|r| {
            (
                r.try_get("sender").expect("sender"),
                r.try_get("outcome").expect("outcome"),
                r.try_get("entry_id").expect("entry"),
            )
        })
        .collect();
    assert_eq!(outcomes.len(), 5, "{outcomes:?}");
    assert_eq!(outcomes[2].1.as_deref(), Some("definite"));
    assert_eq!(outcomes[2].2.as_deref(), Some("find-username"));
    assert_eq!(outcomes[4].1.as_deref(), Some("none"));
    database.close().await;
}

#[test]
fn logs_mask_personal_data() {
    let db = TestDb::sqlite();
    let output = helpbot(
        &["chat", "--json"],
        "我的身份证120104199102052530被注册了，手机13812345678\n",
        db.url(),
        &[("RUST_LOG", "info")],
    );
    let logs = String::from_utf8_lossy(&output.stderr);
    assert!(logs.contains("turn"), "{logs}");
    assert!(logs.contains("1201**********2530"), "{logs}");
    assert!(!logs.contains("120104199102052530"));
    assert!(!logs.contains("13812345678"));
    // stderr is a pipe here, not a terminal: no colour codes in what a log collector reads.
    assert!(!logs.contains('\u{1b}'), "{logs:?}");
}

#[test]
fn a_dialog_continues_after_the_process_is_killed_and_started_again() {
    let db = TestDb::sqlite();
    let first = helpbot(&["demo-data"], "", db.url(), &[]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    // First process: start the username recovery and give the name, then stdin ends.
    let output = helpbot(
        &["chat", "--json"],
        "忘记学信网用户名了\n1\n张三\n",
        db.url(),
        &[],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    let conversation = stderr
        .split_whitespace()
        .nth(1)
        .expect("the conversation id on stderr")
        .to_string();
    let lines = stdout_lines(&output);
    assert!(
        lines.last().is_some_and(|l| l.contains("身份证号码")),
        "{lines:?}"
    );
    // Second process: the same conversation goes on at the ID number step.
    let output = helpbot(
        &["chat", "--json", "--conversation", &conversation],
        "120104199102052530\n",
        db.url(),
        &[],
    );
    let messages: Vec<Value> = stdout_lines(&output)
        .iter()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    assert!(text(&messages[0]).contains("身份证号码"), "{messages:?}");
    assert!(text(&messages[1]).contains("138****0001"), "{messages:?}");
}

/// Waits until the chat printed at least `count` lines.
async fn wait_for(screen: &common::SharedBuffer, count: usize) -> Vec<String> {
    for _ in 0..200 {
        let lines = screen.lines();
        if lines.len() >= count {
            return lines;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("expected {count} lines, saw {:?}", screen.lines());
}

/// A Chinese terminal chat printing JSON lines: what is typed, what is shown, the running chat.
fn chat_in_json(
    assistant: &helpbot::assistant::Assistant,
) -> (
    tokio::io::DuplexStream,
    common::SharedBuffer,
    tokio::task::JoinHandle<Result<String, helpbot::assistant::CoreError>>,
) {
    let (keyboard, input) = tokio::io::duplex(4096);
    let screen = common::SharedBuffer::default();
    let assistant = assistant.clone();
    let mut out = screen.clone();
    let chat = tokio::spawn(async move {
        helpbot::channels::terminal::run(
            &assistant,
            helpbot::locale::Locale::ZhCn,
            helpbot::channels::terminal::Format::Json,
            None,
            tokio::io::BufReader::new(input),
            &mut out,
        )
        .await
    });
    (keyboard, screen, chat)
}

#[tokio::test]
async fn a_turn_that_fails_is_apologised_for_and_the_chat_goes_on() {
    use tokio::io::AsyncWriteExt;
    let db = TestDb::sqlite();
    let assistant = helpbot::runtime::start(&common::config(db.url()))
        .await
        .expect("starts");
    let (mut keyboard, screen, chat) = chat_in_json(&assistant);
    wait_for(&screen, 1).await;
    keyboard
        .write_all("忘记用户名\n".as_bytes())
        .await
        .expect("type");
    let before = wait_for(&screen, 2).await.len();
    // The database goes away: the next turn cannot be stored.
    assistant.database().close().await;
    keyboard.write_all("你好\n".as_bytes()).await.expect("type");
    let lines = wait_for(&screen, before + 1).await;
    let apology: Value = serde_json::from_str(&lines[before]).expect("JSON");
    assert!(text(&apology).contains("请稍后再试"), "{apology}");
    // The chat is still there: it reads the next line, and ends only with the input.
    keyboard
        .write_all("还在吗\n".as_bytes())
        .await
        .expect("type");
    wait_for(&screen, before + 2).await;
    drop(keyboard);
    let ended = chat.await.expect("task");
    assert!(ended.is_ok(), "{ended:?}");
}

#[tokio::test]
async fn an_apology_is_in_the_language_the_conversation_switched_to() {
    use tokio::io::AsyncWriteExt;
    let db = TestDb::sqlite();
    let assistant = helpbot::runtime::start(&common::config(db.url()))
        .await
        .expect("starts");
    let (mut keyboard, screen, chat) = chat_in_json(&assistant);
    wait_for(&screen, 1).await;
    // A question clearly in English switches the Chinese conversation to English...
    keyboard
        .write_all(b"I forgot my username\n")
        .await
        .expect("type");
    let before = wait_for(&screen, 2).await.len();
    assistant.database().close().await;
    // ...so a failed turn that shows no language of its own is apologised for in English.
    keyboard.write_all(b"ok\n").await.expect("type");
    let lines = wait_for(&screen, before + 1).await;
    let apology: Value = serde_json::from_str(&lines[before]).expect("JSON");
    assert!(text(&apology).contains("Sorry"), "{apology}");
    drop(keyboard);
    assert!(chat.await.expect("task").is_ok());
}
