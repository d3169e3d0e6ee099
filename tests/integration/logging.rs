//! What users type cannot forge or hide log lines: a turn's input is logged masked and escaped, as
//! exactly one line, in the service's own log format.

use crate::common;

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
    helpbot::runtime::init_logging_to(Some("info"), "info", move || writer.clone());
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
