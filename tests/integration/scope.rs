//! Issue 14: questions about other services and subjects next to the account are answered with
//! "not this service" / "not account help", never with an account entry's steps; "验证码" alone
//! is asked back with buttons that lead to the right place on every channel; `check` names a
//! broken `_scope.toml` at its line.

use crate::check::{check, edit};
use crate::common;
use crate::terminal_chat::{buttons, chat_json, text};
use crate::web::texts;

use common::TestDb;
use common::server::spawn_app;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The bot's messages for a scripted Chinese terminal chat: the welcome, then one reply per
/// line (checked: `replies` of them).
fn chat(script: &str, replies: usize) -> Vec<Value> {
    let db = TestDb::sqlite();
    let messages = chat_json(script, "zh-CN", &db);
    assert_eq!(messages.len(), replies + 1, "{messages:?}");
    messages
}

fn assert_starts(message: &Value, prefix: &str) {
    assert!(text(message).starts_with(prefix), "{}", text(message));
}

#[test]
fn another_service_gets_the_not_this_service_reply_in_the_users_language() {
    let messages = chat(
        "12306身份证被注册怎么办\nI forgot my 12306 password, how do I reset it\n",
        2,
    );
    let chinese = text(&messages[1]);
    assert!(chinese.contains("12306（铁路）"), "{chinese}");
    assert!(
        chinese.contains("只能解答学信网账号本身的问题"),
        "{chinese}"
    );
    // Not the account's own steps for a duplicate ID, nor its dialog.
    assert!(!chinese.contains("证件号码已被注册"), "{chinese}");
    // Only the way on: the common questions.
    assert_eq!(buttons(&messages[1]), ["常见问题"]);
    let english = text(&messages[2]);
    assert!(english.contains("12306 (China Railway)"), "{english}");
    assert!(
        english.contains("only help with the account itself"),
        "{english}"
    );
    assert_eq!(buttons(&messages[2]), ["Common questions"]);
}

#[test]
fn an_outside_subject_is_told_honestly_and_an_account_question_about_it_still_answers() {
    let messages = chat(
        "学信网学历认证报告怎么弄\n研招网登录密码忘了怎么办\n考研报名时学信网用户名忘了\n2022考研网上报名:学信网账号作用是什么?\n",
        4,
    );
    let outside = text(&messages[1]);
    assert!(outside.contains("不属于学信网账号帮助的范围"), "{outside}");
    assert!(outside.contains("在线验证报告"), "{outside}");
    // 研招网 uses this account: its password question is this account's.
    assert_starts(&messages[2], "忘记密码怎么办");
    assert_starts(&messages[3], "忘记用户名怎么办");
    // 考研网上报名 named, but the question is about the account: never "not account help".
    let scope = text(&messages[4]);
    assert!(!scope.contains("不属于学信网账号帮助的范围"), "{scope}");
}

#[test]
fn a_vague_code_is_asked_back_and_each_button_leads_to_its_meaning() {
    let messages = chat("验证码\n1\n学信网的验证码是什么\n2\n验证码怎么弄\n3\n", 6);
    for asked in [&messages[1], &messages[3], &messages[5]] {
        assert!(text(asked).contains("哪一种"), "{}", text(asked));
        assert_eq!(
            buttons(asked),
            [
                "图片验证码（登录时的图片）",
                "短信/手机校验码",
                "学历/学籍报告的在线验证码",
                "常见问题"
            ]
        );
    }
    assert!(
        text(&messages[2]).contains("图片验证码"),
        "{}",
        text(&messages[2])
    );
    assert_starts(&messages[4], "收不到手机短信校验码怎么办");
    assert!(
        text(&messages[6]).contains("不属于学信网账号帮助的范围"),
        "{}",
        text(&messages[6])
    );
}

#[test]
fn a_code_question_that_says_which_is_not_asked_back() {
    let messages = chat(
        "验证码收不到怎么办\n登录时图片验证码看不清\n学信网在线验证码如何获取\n",
        3,
    );
    for message in &messages[1..] {
        assert!(!text(message).contains("哪一种"), "{}", text(message));
    }
    assert!(text(&messages[1]).contains("收不到手机短信校验码"));
    assert!(text(&messages[2]).contains("图片验证码"));
    assert!(text(&messages[3]).contains("不属于学信网账号帮助的范围"));
}

#[tokio::test]
async fn the_ask_back_buttons_work_in_the_web_channel_in_english() {
    let app = spawn_app().await;
    let (id, token, _) = app.start("en").await;
    let (status, asked) = app
        .send(
            &id,
            &token,
            json!({ "text": "what is the verification code" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let message = &asked["messages"][0];
    assert_eq!(message["kind"], "suggestions");
    let payloads: Vec<&str> = message["buttons"]
        .as_array()
        .expect("buttons")
        .iter()
        .filter_map(|button| button["payload"].as_str())
        .collect();
    assert_eq!(
        payloads,
        [
            "entry:captcha",
            "entry:sms-code-not-received",
            "outside:verification-report",
            "menu:hot"
        ]
    );
    let (_, picture) = app
        .send(&id, &token, json!({ "button": payloads[0] }))
        .await;
    assert_eq!(picture["messages"][0]["entry_id"], "captcha");
    let (_, report) = app
        .send(&id, &token, json!({ "button": payloads[2] }))
        .await;
    assert!(
        texts(&report).contains("not part of the 学信网 account help"),
        "{report}"
    );
    let (_, unknown) = app
        .send(&id, &token, json!({ "button": "outside:no-such-subject" }))
        .await;
    assert!(
        !texts(&unknown).contains("not part of the 学信网 account help"),
        "{unknown}"
    );
}

#[test]
fn check_names_a_broken_scope_file_at_its_line() {
    let dir = content_copy_with_broken_scope();
    let output = check(dir.path());
    assert!(!output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line_of = |needle: &str| {
        let text = std::fs::read_to_string(dir.path().join("knowledge/_scope.toml"))
            .expect("read scope file");
        text.lines()
            .position(|line| line.contains(needle))
            .map(|index| index + 1)
            .expect("needle in the file")
    };
    let expect = |needle: String| {
        assert!(
            stdout.lines().any(|l| l.contains(&needle)),
            "`{needle}` not in:\n{stdout}"
        );
    };
    expect(format!(
        "_scope.toml:{}: entry `no-such-entry` does not exist",
        line_of("\"no-such-entry\"")
    ));
    expect(format!(
        "_scope.toml:{}: message `scope-service-ferry` is missing in locales/zh-CN/",
        line_of("\"ferry\"")
    ));

    // A file that is not valid TOML is reported at the line of the mistake.
    let broken = dir.path().join("knowledge/_scope.toml");
    std::fs::write(
        &broken,
        "this_service = [\"学信网\"]\n[[service]\nid = \"x\"\n",
    )
    .expect("write");
    let stdout = String::from_utf8_lossy(&check(dir.path()).stdout).into_owned();
    assert!(stdout.contains("_scope.toml:2:"), "{stdout}");
}

/// The shipped content with a scope option that leads to no entry and a service without a name.
fn content_copy_with_broken_scope() -> tempfile::TempDir {
    let dir = common::content_copy();
    let scope = dir.path().join("knowledge/_scope.toml");
    edit(&scope, "entry = \"captcha\"", "entry = \"no-such-entry\"");
    let mut text = std::fs::read_to_string(&scope).expect("read");
    text.push_str("\n[[service]]\nid = \"ferry\"\naliases = [\"轮渡\"]\n");
    std::fs::write(&scope, text).expect("write");
    dir
}

#[test]
fn account_questions_that_mention_neighbouring_words_stay_in_the_domain() {
    let questions = [
        "有人用我的身份证在学信网注册了，要去派出所开证明吗",
        "考研报名时学信网账号被注册了怎么办",
        "能用支付宝扫码登录学信网吗",
        "12306和学信网的账号是同一个吗",
        "查四六级成绩要先注册学信网账号吗",
        "学信网账号的激活邮件收不到",
    ];
    // Replies are checked as a whole: two unanswered questions in a row add an offer of a person.
    let db = TestDb::sqlite();
    let messages = chat_json(&(questions.join("\n") + "\n"), "zh-CN", &db);
    assert!(messages.len() > questions.len(), "{messages:?}");
    for reply in &messages {
        let reply = text(reply);
        assert!(
            !reply.contains("不属于学信网账号帮助的范围")
                && !reply.contains("这个问题看起来是关于"),
            "{reply}"
        );
    }
}

#[test]
fn ask_json_counts_other_services_as_none_and_keeps_hits_best_first_when_asking_back() {
    let output = common::helpbot(
        &["ask", "--json"],
        "12306身份证被注册怎么办\n验证码\n验证码总是看不清\n",
        "sqlite::memory:",
        &[],
    );
    assert!(output.status.success());
    let lines: Vec<Value> = common::stdout_lines(&output)
        .iter()
        .map(|line| serde_json::from_str(line).expect("JSON line"))
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["outcome"], "none");
    assert_eq!(lines[0]["hits"].as_array().map(Vec::len), Some(0));
    for (line, first) in [(&lines[1], None), (&lines[2], Some("captcha"))] {
        let hits = line["hits"].as_array().expect("hits");
        let ids: Vec<&str> = hits.iter().filter_map(|h| h["id"].as_str()).collect();
        assert!(ids.contains(&"captcha") && ids.contains(&"sms-code-not-received"));
        if let Some(first) = first {
            assert_eq!(ids[0], first, "{line}");
        }
        let scores: Vec<f64> = hits.iter().filter_map(|h| h["score"].as_f64()).collect();
        assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    }
    assert_eq!(lines[1]["outcome"], "suggest");
}
