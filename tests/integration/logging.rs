//! What users type cannot forge or hide log lines: a turn's input is logged masked and escaped, as
//! exactly one line, in the service's own log format. In JSON (`HELPBOT_LOG_FORMAT=json`) every
//! line is one JSON object, with the fields of its spans, and personal data is masked as in text.

use crate::common;
use crate::common::server::ServeProcess;
use serde_json::{Value, json};

use common::{TestDb, config};
use helpbot::assistant::Input;
use helpbot::locale::Locale;

#[tokio::test]
async fn a_message_that_imitates_a_log_line_stays_on_its_own_line_escaped() {
    // It installs the process's log subscriber.
    if common::passed_in_own_process(
        "logging::a_message_that_imitates_a_log_line_stays_on_its_own_line_escaped",
    ) {
        return;
    }
    let log = common::SharedBuffer::default();
    let writer = log.clone();
    helpbot::runtime::init_logging_to(
        Some("info"),
        helpbot::config::LogFormat::Text,
        "info",
        move || writer.clone(),
    );
    let db = TestDb::sqlite();
    let assistant = helpbot::runtime::start(&config(db.url()))
        .await
        .expect("starts");
    let (id, _) = assistant
        .start_conversation("web", Locale::ZhCn)
        .await
        .expect("conversation");
    let forged = "我的手机13812345678\n2026-01-01T00:00:00Z  INFO forged: password reset for admin\
                  \x1b[8mhidden\x1b[0m\r\u{202e}txt.exe";
    assistant
        .handle(&id, Input::Text(forged.to_string()))
        .await
        .expect("turn");

    let text = String::from_utf8_lossy(&log.bytes()).into_owned();
    let turn_lines: Vec<&str> = text.lines().filter(|l| l.contains("forged")).collect();
    assert_eq!(turn_lines.len(), 1, "exactly one line: {text}");
    let line = turn_lines[0];
    assert!(line.contains("turn"), "{line}");
    assert!(
        line.contains(
            "我的手机138****5678\\n2026-01-01T00:00:00Z  INFO forged: password reset for admin\
             \\u{1b}[8mhidden\\u{1b}[0m\\r\\u{202e}txt.exe"
        ),
        "{line}"
    );
    assert!(
        !text.lines().any(|l| l.starts_with("2026-01-01")),
        "no forged line: {text}"
    );
    for raw in ["\x1b[8m", "\u{202e}", "\r", "13812345678"] {
        assert!(!text.contains(raw), "{raw:?} reached the log: {text}");
    }
}

#[tokio::test]
async fn json_logs_are_one_object_a_line_with_span_fields_and_personal_data_masked() {
    let id_number = "120104199102052530";
    let mobile = "13912345678";
    let email = "zhang.san@example.com";
    let question = format!("我的身份证{id_number}被注册了，手机{mobile}，邮箱{email}，怎么办");
    let mut served = ServeProcess::start(&[("HELPBOT_LOG_FORMAT", "json")]);
    let client = reqwest::Client::new();
    let (id, token) = served.start_conversation(&client, "zh-CN").await;
    let sent = client
        .post(format!(
            "{}/api/v1/conversations/{id}/messages",
            served.base
        ))
        .bearer_auth(&token)
        .json(&json!({ "text": question }))
        .send()
        .await
        .expect("message");
    assert!(sent.status().is_success(), "{}", sent.status());
    served.wait_for_log(r#""message":"turn""#);

    let log = served.log();
    let events: Vec<Value> = log
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    assert!(events.iter().all(Value::is_object), "{log}");
    assert!(
        events
            .iter()
            .all(|e| e["level"].is_string() && e["timestamp"].is_string())
    );
    let turn = events
        .iter()
        .find(|e| e["fields"]["message"] == "turn")
        .expect("the turn's line");
    // The span the turn ran in, with its fields.
    assert_eq!(turn["span"]["name"], "turn", "{turn}");
    assert_eq!(turn["span"]["conversation"], id, "{turn}");
    assert!(
        turn["spans"]
            .as_array()
            .is_some_and(|spans| spans.iter().any(|s| s["name"] == "turn")),
        "{turn}"
    );
    // Exactly the masked, escaped text the text format writes.
    let input = turn["fields"]["input"].as_str().expect("input");
    assert_eq!(input, helpbot::pii::loggable(&question));
    for masked in [id_number, mobile, email].map(helpbot::pii::mask) {
        assert!(input.contains(masked.as_ref()), "{masked} in {input}");
    }
    for raw in [id_number, mobile, email, "zhang.san"] {
        assert!(!log.contains(raw), "{raw} reached the log:\n{log}");
    }
}
