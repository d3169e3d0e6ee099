//! The supervisor view and tickets in the console, against the real server on a random port, on
//! SQLite and PostgreSQL: a scripted day (handoffs, a conversation an agent owns, two closed and
//! rated, a ticket left while nobody was online) and the figures the view shows for it; agents
//! refused the view; nothing without a session; a ticket answered in the console reaching the
//! student's conversation, with its CSRF token, once, audited; markup in a ticket shown as text.

use chrono::NaiveTime;
use helpbot::config::Config;
use helpbot::handoff::Agent;
use helpbot::handoff::hours::{ClockTime, Day};
use helpbot::staff::{Role, StaffMember};
use reqwest::StatusCode;
use reqwest::header::LOCATION;
use serde_json::{Value, json};

use crate::common::server::{App, spawn_app_on};
use crate::common::{TestDb, on_both_backends};
use crate::console::{AGENT_PASSWORD, SUPERVISOR_PASSWORD, add_staff, sign_in};
use crate::web::texts;

pub fn always_open(config: &mut Config) {
    config.handoff.days = Day::ALL.to_vec();
    config.handoff.opens = ClockTime(NaiveTime::MIN);
    config.handoff.closes = ClockTime(NaiveTime::MIN);
}

/// A student's conversation in the widget: its id and token.
pub struct Student {
    id: String,
    token: String,
}

impl Student {
    async fn open(app: &App) -> Self {
        let (id, token, _) = app.start("zh-CN").await;
        Self { id, token }
    }

    async fn send(&self, app: &App, body: Value) -> Value {
        let (status, reply) = app.send(&self.id, &self.token, body).await;
        assert_eq!(status, StatusCode::OK, "{reply}");
        reply
    }

    async fn say(&self, app: &App, text: &str) -> Value {
        self.send(app, json!({ "text": text })).await
    }

    async fn press(&self, app: &App, payload: &str) -> Value {
        self.send(app, json!({ "button": payload })).await
    }

    /// The conversation's history as the widget loads it, as JSON text.
    pub async fn history(&self, app: &App) -> String {
        let response = app
            .client
            .get(format!(
                "{}/api/v1/conversations/{}/messages",
                app.base, self.id
            ))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("history");
        assert_eq!(response.status(), StatusCode::OK);
        response.text().await.expect("body")
    }
}

pub fn agent_of(member: &StaffMember) -> Agent {
    Agent::new(member.id.clone(), member.display_name.clone())
}

/// The handoff of a conversation waiting in the queue.
async fn waiting_handoff(app: &App, student: &Student) -> String {
    app.assistant
        .desk()
        .queue()
        .await
        .expect("queue")
        .into_iter()
        .find(|item| item.handoff.conversation_id == student.id)
        .map(|item| item.handoff.id)
        .expect("in the queue")
}

/// A message a student left while nobody was online (the markup and the ID number are theirs).
const LEFT_MESSAGE: &str =
    "<script>alert('x')</script><b>证件号</b> 11010519491231002X 被别人注册了，怎么办？";

/// While nobody is online a student leaves `LEFT_MESSAGE` (a ticket); then 小王 comes online and
/// four students ask for a person: one waits, 小王 owns one, and closes two that are rated 5 (with
/// a comment in markup) and 3.
pub async fn scripted_day(app: &App, wang: &Agent) -> (Student, String) {
    let writer = Student::open(app).await;
    let told = texts(&writer.say(app, "转人工").await);
    assert!(told.contains("010-82199588"), "{told}");
    writer.press(app, "handoff:leave-message").await;
    let left = texts(&writer.say(app, LEFT_MESSAGE).await);
    assert!(left.contains("留言已收到"), "{left}");

    let desk = app.assistant.desk();
    desk.heartbeat(wang).await.expect("beat");
    let mut students = Vec::new();
    for _ in 0..4 {
        let student = Student::open(app).await;
        student.say(app, "转人工").await;
        students.push(student);
    }
    let mut handoffs = Vec::new();
    for student in &students[1..] {
        let id = waiting_handoff(app, student).await;
        desk.take(&id, wang).await.expect("take");
        handoffs.push(id);
    }
    for (id, student, rating) in [
        (&handoffs[1], &students[2], "5"),
        (&handoffs[2], &students[3], "3"),
    ] {
        desk.reply(id, wang, "已为您处理。").await.expect("reply");
        desk.close(id, wang).await.expect("close");
        let rated = texts(&student.press(app, &format!("handoff:rate:{rating}")).await);
        assert!(rated.contains("谢谢您的评价"), "{rated}");
    }
    let commented = texts(&students[2].say(app, "<b>很快</b>，谢谢 13800138000").await);
    assert!(commented.contains("意见已记录"), "{commented}");
    let ticket = desk.tickets(true).await.expect("tickets")[0].id.clone();
    (writer, ticket)
}

/// The text of the element whose opening tag ends with `marker` (e.g. `data-figure="taken">`).
fn shown(page: &str, marker: &str) -> String {
    let start = page
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} missing:\n{page}"))
        + marker.len();
    page[start..]
        .split('<')
        .next()
        .unwrap_or_default()
        .trim()
        .to_string()
}

#[tokio::test]
async fn the_supervisor_view_shows_the_days_figures_to_supervisors_only() {
    on_both_backends(async |db: TestDb| {
        let app = spawn_app_on(db, always_open).await;
        let wang = agent_of(&add_staff(&app, "agent1", Role::Agent, "小王").await);
        add_staff(&app, "boss", Role::Supervisor, "陈主管").await;
        let boss = sign_in(&app.base, "boss", SUPERVISOR_PASSWORD).await;
        let quiet = boss.page("/console/supervisor").await;
        assert_eq!(shown(&quiet, r#"id="queue-length">"#), "0");
        assert_eq!(shown(&quiet, r#"data-figure="handoffs">"#), "0");
        assert!(quiet.contains("目前没有客服在线"), "{quiet}");
        assert!(quiet.contains("无人排队"), "{quiet}");

        scripted_day(&app, &wang).await;
        let view = boss.page("/console/supervisor").await;
        assert!(view.contains("目前 1 位客服在线"), "{view}");
        assert!(view.contains("小王"), "{view}");
        assert_eq!(shown(&view, r#"data-owned="1">"#), "1", "小王 owns one now");
        assert_eq!(shown(&view, r#"id="queue-length">"#), "1");
        assert!(
            shown(&view, r#"id="longest-wait">"#).contains("分钟"),
            "{view}"
        );
        for (figure, expected) in [
            ("handoffs", "4"),
            ("taken", "3"),
            ("cancelled", "0"),
            ("tickets-opened", "1"),
            ("tickets-answered", "0"),
            ("ratings", "2"),
            ("average", "4.0"),
        ] {
            let marker = format!(r#"data-figure="{figure}">"#);
            assert_eq!(shown(&view, &marker), expected, "{figure}");
        }
        for (stars, given) in [("1", "0"), ("2", "0"), ("3", "1"), ("4", "0"), ("5", "1")] {
            let marker = format!(r#"data-stars="{stars}">"#);
            assert_eq!(shown(&view, &marker), given, "{stars} stars");
        }
        // The comment is text, its phone number masked.
        assert!(view.contains("&lt;b&gt;很快&lt;/b&gt;，谢谢"), "{view}");
        assert!(!view.contains("<b>很快"), "{view}");
        assert!(!view.contains("13800138000"), "{view}");
        // The staff overview leads to it; the navigation too.
        assert!(
            boss.page("/console/staff")
                .await
                .contains("/console/supervisor")
        );

        // An agent is refused, and sees none of it.
        let agent = sign_in(&app.base, "agent1", AGENT_PASSWORD).await;
        let refused = agent.get("/console/supervisor").await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        let body = refused.text().await.expect("body");
        assert!(body.contains("只有主管"), "{body}");
        assert!(
            !body.contains("data-figure") && !body.contains("很快"),
            "{body}"
        );
        assert!(
            !agent
                .page("/console/tickets")
                .await
                .contains("/console/supervisor")
        );

        // Without a session: the sign-in page, and no data.
        let anonymous = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        for path in [
            "/console/supervisor",
            "/console/tickets",
            "/console/tickets/x",
        ] {
            let response = anonymous
                .get(format!("{}{path}", app.base))
                .send()
                .await
                .expect("request");
            assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
            assert_eq!(response.headers()[LOCATION], "/console/sign-in");
            let body = response.text().await.expect("body");
            assert!(!body.contains("小王") && !body.contains("证件号"), "{body}");
        }
    })
    .await;
}

#[tokio::test]
async fn a_ticket_answered_in_the_console_reaches_the_student_once_with_its_token() {
    on_both_backends(async |db: TestDb| {
        let app = spawn_app_on(db, always_open).await;
        let member = add_staff(&app, "agent1", Role::Agent, "小王").await;
        add_staff(&app, "boss", Role::Supervisor, "陈主管").await;
        let (writer, ticket) = scripted_day(&app, &agent_of(&member)).await;
        let agent = sign_in(&app.base, "agent1", AGENT_PASSWORD).await;
        let boss = sign_in(&app.base, "boss", SUPERVISOR_PASSWORD).await;

        // The list and the ticket show the student's markup as text, the ID number masked.
        let list = agent.page("/console/tickets").await;
        let page = agent.page(&format!("/console/tickets/{ticket}")).await;
        for shown in [&list, &page] {
            assert!(shown.contains("&lt;script&gt;alert"), "{shown}");
            assert!(!shown.contains("<script>alert"), "{shown}");
            assert!(!shown.contains("<b>证件号"), "{shown}");
            assert!(!shown.contains("11010519491231002X"), "{shown}");
            assert!(shown.contains("1101"), "{shown}");
        }
        assert!(
            list.contains(&format!("/console/tickets/{ticket}")),
            "{list}"
        );
        assert!(page.contains(r#"action="/console/tickets/"#), "{page}");

        // Without the token, with another session's or a made-up one: refused, nothing sent.
        let path = format!("/console/tickets/{ticket}/answer");
        let wrong = "0".repeat(64);
        for csrf in ["", boss.csrf.as_str(), wrong.as_str()] {
            let response = agent
                .post(&path, &[("csrf", csrf), ("text", "不该发出的回复")])
                .await;
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "csrf {csrf:?}");
        }
        let unsigned = reqwest::Client::new()
            .post(format!("{}{path}", app.base))
            .form(&[("csrf", agent.csrf.as_str()), ("text", "不该发出的回复")])
            .send()
            .await
            .expect("post");
        assert_eq!(unsigned.status(), StatusCode::UNAUTHORIZED);
        let empty = agent
            .post(&path, &[("csrf", &agent.csrf), ("text", "  ")])
            .await;
        assert_eq!(empty.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            app.assistant
                .desk()
                .tickets(true)
                .await
                .expect("open")
                .len(),
            1
        );
        assert!(!writer.history(&app).await.contains("不该发出的回复"));

        // With it, the answer reaches the student's conversation under the agent's display name.
        let answer = "请上传手持身份证照片申请人工审核。";
        let sent = agent
            .post(&path, &[("csrf", &agent.csrf), ("text", answer)])
            .await;
        assert_eq!(sent.status(), StatusCode::OK);
        assert!(sent.text().await.expect("body").contains("回复已发送"));
        let history = writer.history(&app).await;
        assert!(history.contains(answer), "{history}");
        assert!(history.contains("客服回复了您的留言"), "{history}");
        assert!(history.contains("\"name\":\"小王\""), "{history}");
        assert!(!history.contains("agent1"), "the account name: {history}");

        // Once only; the ticket shows its answer; the list is empty; the audit has it.
        let again = boss
            .post(&path, &[("csrf", &boss.csrf), ("text", "再答一次")])
            .await;
        assert_eq!(again.status(), StatusCode::CONFLICT);
        let answered = boss.page(&format!("/console/tickets/{ticket}")).await;
        assert!(
            answered.contains(answer) && answered.contains("小王"),
            "{answered}"
        );
        assert!(!answered.contains(&path), "no form any more: {answered}");
        assert!(
            agent
                .page("/console/tickets")
                .await
                .contains("没有待回复的留言")
        );
        let audit: Vec<(String, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT action, conversation_id, staff_id FROM staff_audit \
             WHERE action = 'ticket-answered'",
        )
        .fetch_all(app.assistant.database().pool())
        .await
        .expect("audit");
        assert_eq!(
            audit,
            vec![(
                "ticket-answered".to_string(),
                Some(writer.id.clone()),
                Some(member.id.clone())
            )]
        );
        let view = boss.page("/console/supervisor").await;
        assert_eq!(shown(&view, r#"data-figure="tickets-answered">"#), "1");
        let unknown = agent.get("/console/tickets/no-such-ticket").await;
        assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    })
    .await;
}
