//! The agents' workspace in the console against the real server on a random port, on SQLite and
//! PostgreSQL: two students and two agents signed in with real staff accounts, everything done
//! through the console's HTTP routes. Queue order and places, presence from the console, twenty
//! parallel takes of which exactly one wins, replies both ways in order with the bot silent,
//! canned replies in the conversation's language, notes the student never sees, hand back into a
//! dialog, close and a rating reaching the student; the security of it all (no session, someone
//! else's conversation, missing CSRF tokens); markup typed by a student shown as text; personal
//! data masked until the owner reveals one message, which is audited.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION};
use serde_json::Value;

use crate::common::server::{App, spawn_app_on};
use crate::common::{TestDb, on_both_backends};
use crate::console::{AGENT_PASSWORD, Staff, add_staff, sign_in};
use crate::handoff::{Student, always_open};
use helpbot::assistant::ASK_PAYLOAD;
use helpbot::handoff::Status;
use helpbot::staff::Role;

/// The handoff of a student's conversation, from the queue.
async fn handoff_of(app: &App, conversation: &str) -> String {
    let desk = app.assistant.desk();
    for item in desk.queue().await.expect("queue") {
        if item.handoff.conversation_id == conversation {
            return item.handoff.id;
        }
    }
    panic!("{conversation} is not in the queue")
}

/// An agent of the console, signed in (the queue page opened, which beats for them).
async fn agent(app: &App, name: &str, display: &str) -> Staff {
    add_staff(app, name, Role::Agent, display).await;
    let staff = sign_in(&app.base, name, AGENT_PASSWORD).await;
    staff.page("/console/queue").await;
    staff
}

async fn live_json(staff: &Staff, path: &str) -> (StatusCode, Value) {
    let response = staff.get(path).await;
    let status = response.status();
    (status, response.json().await.expect("json"))
}

/// The audit actions recorded for a conversation.
async fn audited(app: &App, conversation: &str) -> BTreeSet<String> {
    let store = helpbot::staff::StaffStore::new(
        app.assistant.database().clone(),
        helpbot::staff::StaffSettings::from(&helpbot::config::ConsoleConfig::default()),
        std::sync::Arc::new(helpbot::accounts::embedded::SystemClock),
    );
    store
        .recent_audit(1000)
        .await
        .expect("audit")
        .into_iter()
        .filter(|line| line.conversation_id.as_deref() == Some(conversation))
        .map(|line| line.action)
        .collect()
}

fn location(response: &reqwest::Response) -> String {
    response.headers()[LOCATION]
        .to_str()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn two_agents_work_the_queue_and_two_students_through_the_console() {
    on_both_backends(async |db: TestDb| {
        let app = spawn_app_on(db, always_open).await;
        let wang = agent(&app, "wang.xiao", "小王").await;
        let li = agent(&app, "li.xiao", "小李").await;
        let online: Vec<String> = app
            .assistant
            .desk()
            .online()
            .await
            .expect("online")
            .into_iter()
            .map(|agent| agent.display_name)
            .collect();
        assert_eq!(online, ["小李", "小王"], "the console's pages beat");

        // Two students ask for a person: the first in Chinese, the second in English.
        let mut zhang = Student::open(&app, "zh-CN").await;
        zhang.say(&app, "忘记用户名怎么办").await;
        let queued = zhang.say(&app, "转人工").await;
        assert!(queued.to_string().contains("排在第 1 位"), "{queued}");
        let mut mary = Student::open(&app, "en").await;
        mary.press(&app, ASK_PAYLOAD).await;
        let first = handoff_of(&app, &zhang.id).await;
        let second = handoff_of(&app, &mary.id).await;

        // The queue, in order, with place, reason, channel and language; live as JSON too.
        let queue = li.page("/console/queue").await;
        let (at_first, at_second) = (
            queue.find(&first).expect("first listed"),
            queue.find(&second).expect("second listed"),
        );
        assert!(at_first < at_second, "first come first served");
        for shown in [
            "共 2 位学生在排队",
            "学生要求人工",
            "网页",
            "中文",
            "英文",
            "转人工",
        ] {
            assert!(queue.contains(shown), "{shown} missing:\n{queue}");
        }
        let (status, live) = live_json(&li, "/console/queue/live").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(live["waiting"], 2);

        // 小王 takes the first; 小李, a moment later, is told who has it.
        let taken = wang
            .post(
                &format!("/console/queue/{first}/take"),
                &[("csrf", &wang.csrf)],
            )
            .await;
        assert_eq!(taken.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&taken), format!("/console/conversations/{first}"));
        let lost = li
            .post(
                &format!("/console/queue/{first}/take"),
                &[("csrf", &li.csrf)],
            )
            .await;
        assert_eq!(lost.status(), StatusCode::CONFLICT);
        assert!(lost.text().await.expect("body").contains("已被 小王 接入"));
        zhang.hears("客服 小王 已接入").await;
        mary.hears("you are number 1").await;
        let (_, live) = live_json(&li, "/console/queue/live").await;
        assert_eq!(live["waiting"], 1, "{live}");
        assert!(live["queue"].as_str().is_some_and(|q| q.contains(&second)));
        let (_, mine) = live_json(&wang, "/console/queue/live").await;
        assert!(mine["mine"].as_str().is_some_and(|m| m.contains(&first)));

        // The whole history, the bot's part included, and the summary.
        let view = wang.page(&format!("/console/conversations/{first}")).await;
        for shown in [
            "忘记用户名怎么办",
            "转人工",
            "机器人",
            "摘要",
            "学生要求人工",
        ] {
            assert!(view.contains(shown), "{shown} missing");
        }

        // Replies both ways, in order; the bot stays silent.
        let last = |page: &str| -> String {
            regex::Regex::new(r#"data-last="(\d+)""#)
                .expect("pattern")
                .captures(page)
                .map(|found| found[1].to_string())
                .expect("the history's last id")
        };
        let after = last(&view);
        let base = format!("/console/conversations/{first}");
        for text in ["您好，我是小王。", "请问您的用户名是什么？"] {
            let sent = wang
                .post(
                    &format!("{base}/reply"),
                    &[("csrf", &wang.csrf), ("text", text)],
                )
                .await;
            assert_eq!(sent.status(), StatusCode::SEE_OTHER);
        }
        let heard = zhang.hears("请问您的用户名").await;
        assert!(
            heard.find("您好，我是小王").expect("first")
                < heard.find("请问您的用户名").expect("second")
        );
        assert!(heard.contains("\"sender\":{\"name\":\"小王\"}"), "{heard}");
        for text in ["第一条：lisi2024", "第二条：还是登不上"] {
            let body = zhang.say(&app, text).await;
            assert!(
                body["messages"].as_array().is_some_and(Vec::is_empty),
                "the bot answered over the agent: {body}"
            );
        }
        let (status, news) = live_json(&wang, &format!("{base}/live?after={after}")).await;
        assert_eq!(status, StatusCode::OK);
        let html = news["html"].as_str().unwrap_or_default();
        let order: Vec<usize> = ["您好，我是小王", "请问您的用户名", "第一条", "第二条"]
            .iter()
            .map(|text| {
                html.find(text)
                    .unwrap_or_else(|| panic!("{text} not live: {html}"))
            })
            .collect();
        assert!(order.windows(2).all(|pair| pair[0] < pair[1]), "{html}");
        assert!(html.contains("客服 小王"));
        let (_, nothing) = live_json(
            &wang,
            &format!("{base}/live?after={}", news["last"].as_i64().unwrap_or(0)),
        )
        .await;
        assert_eq!(nothing["html"], "", "{nothing}");

        // Canned replies in the conversation's language.
        let (_, canned) = live_json(&wang, &format!("{base}/canned?q=忘记用户名")).await;
        let replies = canned["replies"].as_array().cloned().unwrap_or_default();
        assert!(!replies.is_empty(), "{canned}");
        assert!(
            replies[0]["text"]
                .as_str()
                .is_some_and(|t| t.contains("用户名"))
        );

        // A note for staff only.
        let noted = wang
            .post(
                &format!("{base}/note"),
                &[("csrf", &wang.csrf), ("text", "内部备注：核对证件")],
            )
            .await;
        assert_eq!(noted.status(), StatusCode::SEE_OTHER);
        let with_note = wang.page(&base).await;
        assert!(with_note.contains("内部备注：核对证件"));
        assert!(with_note.contains(r#"<span class="author">小王</span>"#));
        let history = serde_json::to_string(&zhang.history(&app).await).expect("json");
        assert!(!history.contains("内部备注"), "a note reached the student");

        // 小李 takes the English student; canned replies come in English; hand back into a dialog.
        let taken = li
            .post(
                &format!("/console/queue/{second}/take"),
                &[("csrf", &li.csrf)],
            )
            .await;
        assert_eq!(taken.status(), StatusCode::SEE_OTHER);
        mary.hears("小李 from support has joined").await;
        let other = format!("/console/conversations/{second}");
        let (_, canned) = live_json(&li, &format!("{other}/canned?q=forgot my username")).await;
        let replies = canned["replies"].as_array().cloned().unwrap_or_default();
        assert!(!replies.is_empty(), "{canned}");
        assert!(
            replies[0]["text"]
                .as_str()
                .is_some_and(|t| t.to_lowercase().contains("username")),
            "{canned}"
        );
        let handed = li
            .post(
                &format!("{other}/hand-back"),
                &[("csrf", &li.csrf), ("dialog", "find-username")],
            )
            .await;
        assert_eq!(handed.status(), StatusCode::OK);
        mary.hears("recover your username").await;
        let record = app
            .assistant
            .desk()
            .handoff(&second)
            .await
            .expect("handoff");
        assert_eq!(record.status, Status::Returned);

        // 小王 closes; the student rates the help.
        let closed = wang
            .post(&format!("{base}/close"), &[("csrf", &wang.csrf)])
            .await;
        assert_eq!(closed.status(), StatusCode::OK);
        zhang.hears("handoff:rate:5").await;
        zhang.press(&app, "handoff:rate:4").await;
        let record = app.assistant.desk().handoff(&first).await.expect("handoff");
        assert_eq!((record.status, record.rating), (Status::Closed, Some(4)));
        let after_close = wang
            .post(
                &format!("{base}/reply"),
                &[("csrf", &wang.csrf), ("text", "还在吗")],
            )
            .await;
        assert_eq!(after_close.status(), StatusCode::FORBIDDEN);

        // Every action is in the audit log.
        let actions = audited(&app, &zhang.id).await;
        for action in [
            "handoff-taken",
            "handoff-opened",
            "handoff-replied",
            "handoff-noted",
            "handoff-closed",
        ] {
            assert!(
                actions.contains(action),
                "{action} not audited: {actions:?}"
            );
        }
        assert!(
            audited(&app, &mary.id)
                .await
                .contains("handoff-handed-back")
        );

        // Signing out signs the agent off at once.
        let out = wang
            .post("/console/sign-out", &[("csrf", &wang.csrf)])
            .await;
        assert_eq!(out.status(), StatusCode::SEE_OTHER);
        let online: Vec<String> = app
            .assistant
            .desk()
            .online()
            .await
            .expect("online")
            .into_iter()
            .map(|agent| agent.display_name)
            .collect();
        assert_eq!(online, ["小李"]);
    })
    .await;
}

#[tokio::test]
async fn of_twenty_parallel_takes_on_two_instances_exactly_one_wins() {
    on_both_backends(async |db: TestDb| {
        let app = spawn_app_on(db, always_open).await;
        let mut agents = Vec::new();
        for (name, display) in [
            ("a.one", "一号"),
            ("a.two", "二号"),
            ("a.three", "三号"),
            ("a.four", "四号"),
        ] {
            agents.push(agent(&app, name, display).await);
        }
        let student = Student::open(&app, "zh-CN").await;
        student.say(&app, "转人工").await;
        let id = handoff_of(&app, &student.id).await;
        // Half the attempts go to a second instance on the same database.
        let other = app.second_instance().await;
        let path = format!("/console/queue/{id}/take");
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let attempts = (0..20).map(|n| {
            let staff = &agents[n % agents.len()];
            let base = if n % 2 == 0 { &app.base } else { &other };
            let request = client
                .post(format!("{base}{path}"))
                .header(COOKIE, format!("helpbot_console={}", staff.token))
                .header("accept-language", "zh-CN")
                .form(&[("csrf", staff.csrf.as_str())]);
            async move {
                let response = request.send().await.expect("take");
                let status = response.status();
                (status, response.text().await.unwrap_or_default())
            }
        });
        let outcomes = futures_util::future::join_all(attempts).await;
        let won = outcomes
            .iter()
            .filter(|(status, _)| *status == StatusCode::SEE_OTHER)
            .count();
        assert_eq!(
            won,
            1,
            "{:?}",
            outcomes.iter().map(|o| o.0).collect::<Vec<_>>()
        );
        let record = app.assistant.desk().handoff(&id).await.expect("handoff");
        let winner = record.owner_name.clone().expect("an owner");
        for (status, body) in outcomes
            .iter()
            .filter(|(status, _)| *status != StatusCode::SEE_OTHER)
        {
            assert_eq!(*status, StatusCode::CONFLICT);
            assert!(body.contains(&format!("已被 {winner} 接入")), "{body}");
        }
        let taken = audited(&app, &student.id).await;
        assert!(taken.contains("handoff-taken"));
        // Either instance's live queue reads the table: nobody waits any more on both.
        for base in [&app.base, &other] {
            let live: Value = client
                .get(format!("{base}/console/queue/live"))
                .header(COOKIE, format!("helpbot_console={}", agents[0].token))
                .send()
                .await
                .expect("live")
                .json()
                .await
                .expect("json");
            assert_eq!(live["waiting"], 0, "{base}: {live}");
        }
    })
    .await;
}

#[tokio::test]
async fn only_the_owner_acts_and_every_change_needs_a_session_and_its_csrf_token() {
    let app = spawn_app_on(TestDb::sqlite(), always_open).await;
    let wang = agent(&app, "wang.xiao", "小王").await;
    let li = agent(&app, "li.xiao", "小李").await;
    let mut student = Student::open(&app, "zh-CN").await;
    student.say(&app, "我的秘密问题：蓝色").await;
    student.say(&app, "转人工").await;
    let id = handoff_of(&app, &student.id).await;
    let base = format!("/console/conversations/{id}");
    let anonymous = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");

    // Before anyone takes it, nobody reads it.
    let early = wang.get(&base).await;
    assert_eq!(early.status(), StatusCode::FORBIDDEN);
    assert!(!early.text().await.expect("body").contains("蓝色"));

    // Without its CSRF token (or with a wrong one) the take is refused and changes nothing.
    for form in [vec![], vec![("csrf", "0".repeat(64))]] {
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let refused = wang.post(&format!("/console/queue/{id}/take"), &form).await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    }
    assert_eq!(
        app.assistant
            .desk()
            .handoff(&id)
            .await
            .expect("handoff")
            .status,
        Status::Waiting
    );
    // Without a session: no page, no data, no take.
    for path in ["/console/queue", "/console/queue/live", base.as_str()] {
        let response = anonymous
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .expect("get");
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(location(&response), "/console/sign-in");
        assert!(!response.text().await.expect("body").contains("蓝色"));
    }
    let response = anonymous
        .post(format!("{}/console/queue/{id}/take", app.base))
        .form(&[("csrf", wang.csrf.as_str())])
        .send()
        .await
        .expect("post");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    // A student's token is no session either.
    let response = anonymous
        .get(format!("{}{base}", app.base))
        .header(COOKIE, format!("helpbot_console={}", student.token))
        .send()
        .await
        .expect("get");
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    let taken = wang
        .post(
            &format!("/console/queue/{id}/take"),
            &[("csrf", &wang.csrf)],
        )
        .await;
    assert_eq!(taken.status(), StatusCode::SEE_OTHER);
    student.hears("小王").await;

    // 小李 does not own it: nothing to see, say, note, transfer, hand back, close or reveal.
    let refused = li.get(&base).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(!refused.text().await.expect("body").contains("蓝色"));
    assert_eq!(
        li.get(&format!("{base}/live?after=0")).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        li.get(&format!("{base}/canned?q=密码")).await.status(),
        StatusCode::FORBIDDEN
    );
    for (action, extra) in [
        ("reply", ("text", "插话")),
        ("note", ("text", "别人的备注")),
        ("transfer", ("to", "")),
        ("hand-back", ("dialog", "")),
        ("close", ("text", "")),
        ("reveal", ("message", "1")),
    ] {
        let response = li
            .post(&format!("{base}/{action}"), &[("csrf", &li.csrf), extra])
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{action}");
        assert!(
            !response.text().await.expect("body").contains("蓝色"),
            "{action}"
        );
    }
    assert!(
        app.assistant
            .desk()
            .notes(&id)
            .await
            .expect("notes")
            .is_empty()
    );

    // The owner too needs the token for every change.
    for (action, extra) in [
        ("reply", ("text", "没有令牌的回复")),
        ("note", ("text", "没有令牌的备注")),
        ("transfer", ("to", "x")),
        ("hand-back", ("dialog", "")),
        ("close", ("text", "")),
        ("reveal", ("message", "1")),
    ] {
        let response = wang.post(&format!("{base}/{action}"), &[extra]).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{action}");
    }
    let presence = reqwest::Client::new()
        .post(format!("{}/console/presence", app.base))
        .header(COOKIE, format!("helpbot_console={}", wang.token))
        .send()
        .await
        .expect("beat");
    assert_eq!(presence.status(), StatusCode::FORBIDDEN);
    let presence = reqwest::Client::new()
        .post(format!("{}/console/presence", app.base))
        .header(COOKIE, format!("helpbot_console={}", wang.token))
        .header("x-csrf-token", &wang.csrf)
        .send()
        .await
        .expect("beat");
    assert_eq!(presence.status(), StatusCode::NO_CONTENT);
    let record = app.assistant.desk().handoff(&id).await.expect("handoff");
    assert!(record.owned_by(&record.owner_id.clone().unwrap_or_default()));
    assert_eq!(record.owner_name.as_deref(), Some("小王"));
    assert!(
        app.assistant
            .desk()
            .notes(&id)
            .await
            .expect("notes")
            .is_empty()
    );
    let history = serde_json::to_string(&student.history(&app).await).expect("json");
    assert!(!history.contains("没有令牌"), "{history}");

    // A transfer goes to an agent online only; then it is 小李's and no longer 小王's.
    let transferred = wang
        .post(
            &format!("{base}/transfer"),
            &[("csrf", &wang.csrf), ("to", "nobody")],
        )
        .await;
    assert_eq!(transferred.status(), StatusCode::BAD_REQUEST);
    let li_id = app
        .assistant
        .desk()
        .online()
        .await
        .expect("online")
        .into_iter()
        .find(|a| a.display_name == "小李")
        .expect("小李 online")
        .staff_id;
    let transferred = wang
        .post(
            &format!("{base}/transfer"),
            &[("csrf", &wang.csrf), ("to", &li_id)],
        )
        .await;
    assert_eq!(transferred.status(), StatusCode::OK);
    student.hears("小李").await;
    assert_eq!(wang.get(&base).await.status(), StatusCode::FORBIDDEN);
    let (status, ended) = live_json(&wang, &format!("{base}/live?after=0")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        ended["ended"]
            .as_str()
            .is_some_and(|t| t.contains("不归您"))
    );
    assert_eq!(li.get(&base).await.status(), StatusCode::OK);
    assert!(
        audited(&app, &student.id)
            .await
            .contains("handoff-transferred")
    );
}

#[tokio::test]
async fn markup_is_text_and_personal_data_is_masked_until_the_owner_reveals_one_message() {
    let app = spawn_app_on(TestDb::sqlite(), always_open).await;
    let wang = agent(&app, "wang.xiao", "小王").await;
    let student = Student::open(&app, "zh-CN").await;
    let id_number = "120104199102052530";
    student
        .say(&app, "请看 <script>alert('queue')</script> 这个")
        .await;
    student
        .say(&app, &format!("我的证件号是 {id_number}"))
        .await;
    student
        .say(&app, "<img src=x onerror=alert(1)><b>转人工</b>")
        .await;
    student.say(&app, "转人工").await;
    let id = handoff_of(&app, &student.id).await;

    let queue = wang.page("/console/queue").await;
    let (_, live) = live_json(&wang, "/console/queue/live").await;
    for page in [queue.as_str(), live["queue"].as_str().unwrap_or_default()] {
        assert!(!page.contains("<img src=x"), "{page}");
        assert!(!page.contains("<b>转人工"), "{page}");
    }
    assert!(queue.contains("&lt;img src=x onerror=alert(1)&gt;&lt;b&gt;转人工&lt;/b&gt;"));
    wang.post(
        &format!("/console/queue/{id}/take"),
        &[("csrf", &wang.csrf)],
    )
    .await;

    let base = format!("/console/conversations/{id}");
    let view = wang.page(&base).await;
    assert!(
        !view.contains("<script>alert"),
        "history or summary unescaped"
    );
    assert!(!view.contains("<img src=x"));
    assert!(view.contains("&lt;script&gt;alert"), "{view}");
    assert!(!view.contains(id_number), "the ID number shown unmasked");
    let (_, news) = live_json(&wang, &format!("{base}/live?after=0")).await;
    let html = news["html"].as_str().unwrap_or_default();
    assert!(
        !html.contains("<script>alert") && !html.contains(id_number),
        "{html}"
    );

    // One message revealed: that one, in that response only, audited.
    let message = regex::Regex::new(r#"name="message" value="(\d+)""#)
        .expect("pattern")
        .captures(&view)
        .map(|found| found[1].to_string())
        .expect("a reveal button beside the masked message");
    let revealed = wang
        .post(
            &format!("{base}/reveal"),
            &[("csrf", &wang.csrf), ("message", &message)],
        )
        .await;
    assert_eq!(revealed.status(), StatusCode::OK);
    let revealed = revealed.text().await.expect("body");
    assert_eq!(revealed.matches(id_number).count(), 1, "{revealed}");
    assert!(!revealed.contains("<script>alert"));
    assert!(
        !wang.page(&base).await.contains(id_number),
        "revealed for good"
    );
    assert!(
        audited(&app, &student.id)
            .await
            .contains("handoff-revealed")
    );
    // A bot message or a message of another conversation is nothing to reveal.
    let nothing = wang
        .post(
            &format!("{base}/reveal"),
            &[("csrf", &wang.csrf), ("message", "999999")],
        )
        .await;
    assert_eq!(nothing.status(), StatusCode::BAD_REQUEST);
}
