//! The `helpbot ask --json` contract that evaluation tools rely on.

mod common;

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
