//! The `helpbot ask --json` contract that evaluation tools rely on.

use crate::common;

use common::{helpbot, stdout_lines};
use serde_json::Value;

#[test]
fn json_mode_reads_questions_from_stdin_one_object_per_line() {
    let output = helpbot(
        &["ask", "--json"],
        "忘记学信网用户名了\n给我讲个笑话\nmy ID number is already registered\n邮箱\n",
        "sqlite::memory:",
        &[],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines: Vec<Value> = stdout_lines(&output)
        .iter()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(lines.len(), 4);
    for line in &lines {
        let outcome = line["outcome"].as_str().expect("outcome");
        assert!(["definite", "suggest", "none"].contains(&outcome));
        assert_eq!(line["answered"].as_bool(), Some(outcome == "definite"));
        let hits = line["hits"].as_array().expect("hits");
        let scores: Vec<f64> = hits
            .iter()
            .map(|h| h["score"].as_f64().expect("score"))
            .collect();
        assert!(
            scores.windows(2).all(|w| w[0] >= w[1]),
            "best first: {scores:?}"
        );
        for hit in hits {
            assert!(hit["id"].is_string() && hit["title"].is_string());
        }
    }
    assert_eq!(lines[0]["query"], "忘记学信网用户名了");
    assert_eq!(lines[0]["outcome"], "definite");
    assert_eq!(lines[0]["hits"][0]["id"], "find-username");
    assert!(lines[0]["hits"].as_array().map_or(0, Vec::len) >= 5);
    assert_eq!(lines[1]["outcome"], "none");
    assert_eq!(lines[1]["answered"], false);
    assert_eq!(lines[2]["hits"][0]["id"], "id-already-registered");
    assert_eq!(lines[3]["outcome"], "suggest");
}

#[test]
fn one_question_prints_a_readable_answer() {
    let output = helpbot(&["ask", "收不到手机校验码短信"], "", "sqlite::memory:", &[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success());
    assert!(stdout.starts_with("[definite]"), "{stdout}");
    assert!(stdout.contains("1 天"), "{stdout}");
}

/// `helpbot ask --json` fed raw bytes (the shared fixture takes text only).
fn ask_json_bytes(stdin: &[u8]) -> std::process::Output {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let workdir = tempfile::tempdir().expect("temp dir");
    let mut child = Command::new(env!("CARGO_BIN_EXE_helpbot"))
        .args(["ask", "--json"])
        .current_dir(workdir.path())
        .env(
            "HELPBOT_CONTENT__KNOWLEDGE_DIR",
            common::repo().join("knowledge"),
        )
        .env(
            "HELPBOT_CONTENT__DIALOGS_DIR",
            common::repo().join("dialogs"),
        )
        .env(
            "HELPBOT_CONTENT__LOCALES_DIR",
            common::repo().join("locales"),
        )
        .env_remove("RUST_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run helpbot");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin)
        .expect("write stdin");
    child.wait_with_output().expect("helpbot finishes")
}

#[test]
fn a_line_that_is_not_utf8_is_reported_in_place_and_the_rest_are_answered() {
    let mut input = Vec::new();
    input.extend_from_slice("忘记学信网用户名了\n".as_bytes());
    // GBK for 忘记密码: what a file saved in the wrong encoding looks like.
    input.extend_from_slice(b"\xcd\xfc\xbc\xc7\xc3\xdc\xc2\xeb\n");
    input.extend_from_slice("给我讲个笑话\r\n".as_bytes());
    input.extend_from_slice(b"abc\xff\n");
    input.extend_from_slice("my ID number is already registered".as_bytes());
    let output = ask_json_bytes(&input);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "bad lines must fail the run");
    let lines: Vec<Value> = stdout_lines(&output)
        .iter()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(lines.len(), 5, "one output line per input line: {lines:?}");
    assert_eq!(lines[0]["query"], "忘记学信网用户名了");
    assert_eq!(lines[0]["outcome"], "definite");
    assert_eq!(lines[1]["line"], 2);
    assert!(lines[1]["error"].as_str().expect("error").contains("UTF-8"));
    assert!(lines[1].get("outcome").is_none());
    assert_eq!(lines[2]["query"], "给我讲个笑话");
    assert_eq!(lines[3]["line"], 4);
    assert!(
        lines[3]["error"]
            .as_str()
            .expect("error")
            .contains("offset 3")
    );
    assert_eq!(lines[4]["hits"][0]["id"], "id-already-registered");
    assert!(stderr.contains("line 2: not UTF-8"), "{stderr}");
    assert!(stderr.contains("line 4: not UTF-8"), "{stderr}");
    assert!(stderr.contains("2 of 5 lines"), "{stderr}");
}

#[test]
fn answering_opens_no_database() {
    // A database URL nothing answers at: `ask` answers all the same, from the content alone.
    let unreachable = "postgres://nobody@127.0.0.1:1/none";
    let output = helpbot(&["ask", "忘记用户名怎么办"], "", unreachable, &[]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).starts_with("[definite]"));
    let output = helpbot(&["ask", "--json"], "忘记用户名怎么办\n", unreachable, &[]);
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("\"definite\""));
}
