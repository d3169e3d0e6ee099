//! What users type cannot forge or hide log lines: a turn's input is logged masked and escaped, as
//! exactly one line, in the service's own log format.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::{TestDb, config};
use helpbot::core::Input;
use helpbot::locale::Locale;

/// Everything the log writes, kept for the test to read.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut all) = self.0.lock() {
            all.extend_from_slice(bytes);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().map(|b| b.clone()).unwrap_or_default()).into_owned()
    }
}

#[tokio::test]
async fn a_message_that_imitates_a_log_line_stays_on_its_own_line_escaped() {
    let log = Captured::default();
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

    let text = log.text();
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
