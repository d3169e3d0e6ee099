//! Human handoff end to end, on SQLite and PostgreSQL: the real server on a random port, students
//! through the chat API and its event stream, agents through the assistant's desk (the API the
//! staff console calls; staff accounts and sign-in are the console's). The queue and the places
//! students are told, twenty agents racing for one conversation, replies both ways, the bot
//! silent while a person owns the conversation, transfer, handing back into a dialog, closing and
//! rating, and a message left out of hours whose answer reaches the conversation.

use std::time::Duration;

use chrono::NaiveTime;
use helpbot::assistant::{Assistant, DeskError};
use helpbot::config::Config;
use helpbot::handoff::hours::{ClockTime, Day};
use helpbot::handoff::{Agent, Reason};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::server::{App, read_stream, spawn_app_on};
use crate::common::{self, TestDb, on_both_backends};
use crate::web::texts;

/// How long a pushed message may take to reach a stream (the server polls every few hundred ms).
const PUSHED_WITHIN: Duration = Duration::from_secs(10);

pub fn always_open(config: &mut Config) {
    config.handoff.days = Day::ALL.to_vec();
    config.handoff.opens = ClockTime(NaiveTime::MIN);
    config.handoff.closes = ClockTime(NaiveTime::MIN);
}

fn never_open(config: &mut Config) {
    config.handoff.days = Vec::new();
}

fn wang() -> Agent {
    Agent::new("staff-wang-01", "小王")
}

fn li() -> Agent {
    Agent::new("staff-li-02", "小李")
}

/// A student in the widget: a conversation, its token and its open event stream.
pub struct Student {
    pub id: String,
    pub token: String,
    stream: reqwest::Response,
}

impl Student {
    pub async fn open(app: &App, locale: &str) -> Self {
        let (id, token, _) = app.start(locale).await;
        let stream = app
            .client
            .get(format!(
                "{}/api/v1/conversations/{id}/events?token={token}",
                app.base
            ))
            .send()
            .await
            .expect("stream");
        assert_eq!(stream.status(), StatusCode::OK);
        Self { id, token, stream }
    }

    pub async fn say(&self, app: &App, text: &str) -> Value {
        let (status, body) = app
            .send(&self.id, &self.token, json!({ "text": text }))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    pub async fn press(&self, app: &App, payload: &str) -> Value {
        let (status, body) = app
            .send(&self.id, &self.token, json!({ "button": payload }))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    /// What the stream says until `until` appears (fails when it does not in time).
    pub async fn hears(&mut self, until: &str) -> String {
        let (received, _) = read_stream(&mut self.stream, until, PUSHED_WITHIN).await;
        assert!(
            received.contains(until),
            "waited for {until:?}, got {received}"
        );
        received
    }

    /// What the stream says within `wait` until `until` appears, and whether it did.
    pub async fn heard_within(&mut self, until: &str, wait: Duration) -> (String, bool) {
        let (received, _) = read_stream(&mut self.stream, until, wait).await;
        let heard = received.contains(until);
        (received, heard)
    }

    pub async fn history(&self, app: &App) -> Vec<Value> {
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
        let body: Value = response.json().await.expect("json");
        body["messages"].as_array().cloned().unwrap_or_default()
    }
}

fn buttons(body: &Value) -> Vec<String> {
    body["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|m| m["buttons"].as_array().cloned().unwrap_or_default())
        .filter_map(|b| b["payload"].as_str().map(String::from))
        .collect()
}

fn no_messages(body: &Value) -> bool {
    body["messages"].as_array().is_some_and(Vec::is_empty)
}

pub async fn handoff_of(assistant: &Assistant, conversation: &str) -> String {
    assistant
        .desk()
        .queue()
        .await
        .expect("queue")
        .into_iter()
        .find(|item| item.handoff.conversation_id == conversation)
        .map(|item| item.handoff.id)
        .expect("the conversation is in the queue")
}

/// A student who asked for a person, taken by 小王: the student and the handoff's id.
async fn taken_by_wang(app: &App) -> (Student, String) {
    agents_online(app).await;
    let student = Student::open(app, "zh-CN").await;
    student.say(app, "转人工").await;
    let id = handoff_of(&app.assistant, &student.id).await;
    app.assistant.desk().take(&id, &wang()).await.expect("take");
    (student, id)
}

async fn agents_online(app: &App) {
    for agent in [wang(), li()] {
        app.assistant.desk().heartbeat(&agent).await.expect("beat");
    }
}

#[tokio::test]
async fn the_queue_keeps_its_order_and_students_hear_their_place_as_it_changes() {
    on_both_backends(async |db: TestDb| {
        let app = spawn_app_on(db, always_open).await;
        agents_online(&app).await;
        let first = Student::open(&app, "zh-CN").await;
        let second = Student::open(&app, "en").await;
        let mut third = Student::open(&app, "zh-CN").await;

        let joined = texts(&first.say(&app, "转人工").await);
        assert!(joined.contains("第 1 位"), "{joined}");
        let joined = texts(&second.say(&app, "Talk to a human").await);
        assert!(joined.contains("number 2"), "{joined}");
        let joined = third.say(&app, "人工客服").await;
        assert!(texts(&joined).contains("第 3 位"), "{joined}");
        assert!(buttons(&joined).contains(&"handoff:cancel".to_string()));

        let queue = app.assistant.desk().queue().await.expect("queue");
        let order: Vec<&str> = queue
            .iter()
            .map(|i| i.handoff.conversation_id.as_str())
            .collect();
        assert_eq!(order, [&first.id, &second.id, &third.id]);
        assert_eq!(
            queue.iter().map(|i| i.position).collect::<Vec<_>>(),
            [1, 2, 3]
        );
        assert!(queue.iter().all(|i| i.handoff.reason == Reason::Asked));
        assert!(queue.iter().all(|i| i.handoff.channel == "web"));
        assert_eq!(queue[1].handoff.locale, "en");

        // Typing while waiting goes to the queue item, not to the bot.
        let noted = texts(&third.say(&app, "忘记用户名怎么办").await);
        assert!(noted.contains("客服接入后会看到"), "{noted}");
        assert!(!noted.contains("用户名"), "the bot answered: {noted}");

        // The second leaves with the cancel word: the third moves up and is told.
        let left = texts(&second.say(&app, "cancel").await);
        assert!(left.contains("back with the assistant"), "{left}");
        third.hears("第 2 位").await;
        // A taken conversation leaves the queue too.
        let id = handoff_of(&app.assistant, &first.id).await;
        app.assistant.desk().take(&id, &wang()).await.expect("take");
        third.hears("第 1 位").await;
        let queue = app.assistant.desk().queue().await.expect("queue");
        assert_eq!(queue.len(), 1);
        assert_eq!(queue[0].handoff.conversation_id, third.id);
        assert_eq!(queue[0].position, 1);
        // The one who left is back with the bot.
        let answered = texts(&second.say(&app, "I forgot my username").await);
        assert!(answered.to_lowercase().contains("username"), "{answered}");
    })
    .await;
}

#[tokio::test]
async fn of_twenty_agents_taking_one_conversation_at_once_exactly_one_wins() {
    on_both_backends(async |db: TestDb| {
        let app = spawn_app_on(db, always_open).await;
        agents_online(&app).await;
        let student = Student::open(&app, "zh-CN").await;
        student.say(&app, "转人工").await;
        let id = handoff_of(&app.assistant, &student.id).await;
        let attempts: Vec<_> = (0..20)
            .map(|n| {
                let assistant = app.assistant.clone();
                let id = id.clone();
                tokio::spawn(async move {
                    let agent = Agent::new(format!("staff-{n}"), format!("客服{n}"));
                    assistant.desk().take(&id, &agent).await.map(|_| agent)
                })
            })
            .collect();
        let mut winners = Vec::new();
        let mut told = Vec::new();
        for attempt in attempts {
            match attempt.await.expect("task") {
                Ok(agent) => winners.push(agent),
                Err(DeskError::AlreadyTaken { by }) => told.push(by),
                Err(other) => panic!("unexpected: {other}"),
            }
        }
        assert_eq!(winners.len(), 1, "winners: {winners:?}");
        assert_eq!(told.len(), 19);
        let winner = &winners[0];
        assert!(told.iter().all(|by| *by == winner.display_name), "{told:?}");
        let handoff = app.assistant.desk().handoff(&id).await.expect("handoff");
        assert_eq!(handoff.owner_id.as_deref(), Some(winner.staff_id.as_str()));
    })
    .await;
}

#[tokio::test]
async fn a_person_owns_the_conversation_until_closing_and_the_student_rates_the_help() {
    on_both_backends(async |db: TestDb| {
        let app = spawn_app_on(db, always_open).await;
        let (mut student, id) = taken_by_wang(&app).await;
        let desk = app.assistant.desk();
        student.hears("客服 小王 已接入").await;

        // The bot stays silent, even for a question it could answer.
        assert!(no_messages(&student.say(&app, "我的账号登不上").await));
        assert!(no_messages(&student.say(&app, "忘记用户名怎么办").await));
        desk.reply(&id, &wang(), "您好，请问您的用户名是什么？")
            .await
            .expect("reply");
        desk.reply(&id, &wang(), "第二条回复").await.expect("reply");
        let heard = student.hears("第二条回复").await;
        let first_reply = heard.find("您好，请问").expect("first reply");
        assert!(first_reply < heard.find("第二条回复").expect("second"));
        assert!(heard.contains("\"sender\":{\"name\":\"小王\"}"), "{heard}");
        assert!(
            !heard.contains("staff-wang-01"),
            "the account name: {heard}"
        );
        desk.note(&id, &wang(), "内部备注：先核对证件")
            .await
            .expect("note");
        assert_eq!(desk.notes(&id).await.expect("notes").len(), 1);
        // Only the owner writes notes, whichever channel asks (not only the console).
        assert!(matches!(
            desk.note(&id, &li(), "别人的备注").await,
            Err(DeskError::NotYours)
        ));
        assert_eq!(desk.notes(&id).await.expect("notes").len(), 1);
        assert!(matches!(
            desk.reply(&id, &li(), "插话").await,
            Err(DeskError::NotYours)
        ));
        assert!(matches!(
            desk.reply(&id, &wang(), "   ").await,
            Err(DeskError::EmptyText)
        ));
        assert!(no_messages(&student.say(&app, "用户名是 lisi2024").await));

        // The history holds both sides in order, the agent's lines marked with their name.
        let history = student.history(&app).await;
        let lines: Vec<String> = history
            .iter()
            .map(|item| match item["sender"].as_str() {
                Some("user") => format!("student: {}", item["text"].as_str().unwrap_or("")),
                _ => match item["message"]["sender"]["name"].as_str() {
                    Some(name) => format!("{name}: {}", item["message"]["text"]),
                    None => format!("bot: {}", item["message"]["text"]),
                },
            })
            .collect();
        let tail = &lines[lines.len() - 6..];
        assert!(
            tail[0].starts_with("bot: ") && tail[0].contains("小王"),
            "{lines:#?}"
        );
        assert!(tail[1].starts_with("student: 我的账号登不上"), "{lines:#?}");
        assert!(
            tail[2].starts_with("student: 忘记用户名怎么办"),
            "{lines:#?}"
        );
        assert!(
            tail[3].starts_with("小王: ") && tail[3].contains("您好"),
            "{lines:#?}"
        );
        assert!(
            tail[4].starts_with("小王: ") && tail[4].contains("第二条"),
            "{lines:#?}"
        );
        assert!(tail[5].starts_with("student: 用户名是"), "{lines:#?}");
        let everything = serde_json::to_string(&history).expect("json");
        assert!(
            !everything.contains("内部备注"),
            "a note reached the student"
        );
        assert!(!everything.contains("staff-wang-01"));

        // Closing asks for a rating; a rating and a comment are stored.
        desk.close(&id, &wang()).await.expect("close");
        let heard = student.hears("handoff:rate:5").await;
        assert!(heard.contains("打分"), "{heard}");
        let rated = student.press(&app, "handoff:rate:4").await;
        assert!(texts(&rated).contains("谢谢您的评价"), "{rated}");
        let commented = texts(&student.say(&app, "回复很快，谢谢").await);
        assert!(commented.contains("意见已记录"), "{commented}");
        let closed = desk.handoff(&id).await.expect("handoff");
        assert_eq!(closed.rating, Some(4));
        assert_eq!(closed.rating_comment.as_deref(), Some("回复很快，谢谢"));
        assert!(matches!(
            desk.reply(&id, &wang(), "还在吗").await,
            Err(DeskError::NotYours)
        ));
        // The bot answers again.
        let answered = texts(&student.say(&app, "忘记用户名怎么办").await);
        assert!(answered.contains("用户名"), "{answered}");
    })
    .await;
}

#[tokio::test]
async fn an_agent_transfers_and_hands_back_straight_into_a_dialog() {
    on_both_backends(async |db: TestDb| {
        let app = spawn_app_on(db, always_open).await;
        let (mut student, id) = taken_by_wang(&app).await;
        let desk = app.assistant.desk();
        let gone = Agent::new("staff-away", "小赵");
        assert!(matches!(
            desk.transfer(&id, &wang(), &gone).await,
            Err(DeskError::AgentOffline(_))
        ));
        desk.transfer(&id, &wang(), &li()).await.expect("transfer");
        student.hears("已为您转给客服 小李").await;
        assert!(matches!(
            desk.reply(&id, &wang(), "我还在").await,
            Err(DeskError::NotYours)
        ));
        assert!(matches!(
            desk.hand_back(&id, &li(), Some("no-such-dialog")).await,
            Err(DeskError::UnknownDialog(_))
        ));
        desk.hand_back(&id, &li(), Some("find-username"))
            .await
            .expect("hand back");
        student.hears("请输入注册时填写的真实姓名").await;
        // The dialog goes on with the bot.
        let next = texts(&student.say(&app, "张三").await);
        assert!(next.contains("身份证号码"), "{next}");
        let state = app
            .assistant
            .database()
            .conversation(&student.id)
            .await
            .expect("read")
            .expect("exists")
            .state;
        assert!(state.contains("\"find-username\""), "{state}");
        assert_eq!(
            desk.handoff(&id).await.expect("handoff").status,
            helpbot::handoff::Status::Returned
        );
    })
    .await;
}

#[tokio::test]
async fn a_failing_dialog_and_unanswered_questions_offer_a_person_with_a_summary() {
    on_both_backends(async |db: TestDb| {
        let app = spawn_app_on(db, always_open).await;
        agents_online(&app).await;
        // Three inputs the dialog cannot take, then the offered button: a real handoff.
        let student = Student::open(&app, "zh-CN").await;
        student.press(&app, "dialog:find-username").await;
        student.say(&app, "张三").await;
        let mut last = Value::Null;
        for wrong in ["123", "abc", "12345"] {
            last = student.say(&app, wrong).await;
        }
        assert!(buttons(&last).contains(&"dlg:human".to_string()), "{last}");
        let handed = texts(&student.press(&app, "dlg:human").await);
        assert!(handed.contains("第 1 位"), "{handed}");
        let id = handoff_of(&app.assistant, &student.id).await;
        let handoff = app.assistant.desk().handoff(&id).await.expect("handoff");
        assert_eq!(handoff.reason, Reason::FailedInputs);
        assert_eq!(handoff.summary.dialog.as_deref(), Some("find-username"));
        assert_eq!(handoff.summary.step.as_deref(), Some("ask-id"));
        assert_eq!(handoff.summary.slots["real_name"], "张*");
        let summary = serde_json::to_string(&handoff.summary.lines).expect("json");
        assert!(
            summary.contains("请输入注册时填写的身份证号码"),
            "{summary}"
        );
        assert!(!summary.contains("张三"), "{summary}");

        // Two questions the knowledge base cannot answer offer a person; nothing is forced.
        let other = Student::open(&app, "en").await;
        let once = other.say(&app, "zebra quantum pancake").await;
        assert!(!buttons(&once).contains(&"handoff:unanswered".to_string()));
        let twice = other.say(&app, "purple volcano umbrella").await;
        assert!(
            buttons(&twice).contains(&"handoff:unanswered".to_string()),
            "{twice}"
        );
        assert!(app.assistant.desk().queue().await.expect("queue").len() == 1);
        let queued = texts(&other.press(&app, "handoff:unanswered").await);
        assert!(queued.contains("number 2"), "{queued}");
        let id = handoff_of(&app.assistant, &other.id).await;
        let handoff = app.assistant.desk().handoff(&id).await.expect("handoff");
        assert_eq!(handoff.reason, Reason::Unanswered);
        assert!(
            serde_json::to_string(&handoff.summary)
                .expect("json")
                .contains("purple volcano umbrella")
        );
    })
    .await;
}

#[tokio::test]
async fn out_of_hours_a_message_becomes_a_ticket_and_its_answer_reaches_the_conversation() {
    on_both_backends(async |db: TestDb| {
        let app = spawn_app_on(db, never_open).await;
        // An agent online does not open support outside its hours.
        agents_online(&app).await;
        let mut student = Student::open(&app, "zh-CN").await;
        let told = student.say(&app, "转人工").await;
        let text = texts(&told);
        assert!(
            text.contains("010-82199588") && text.contains("kefu@chsi.com.cn"),
            "{text}"
        );
        assert!(text.contains("工作时间"), "{text}");
        assert!(buttons(&told).contains(&"handoff:leave-message".to_string()));
        assert!(
            app.assistant
                .desk()
                .queue()
                .await
                .expect("queue")
                .is_empty()
        );
        let prompt = texts(&student.press(&app, "handoff:leave-message").await);
        assert!(prompt.contains("请输入您的留言"), "{prompt}");
        let left = texts(
            &student
                .say(&app, "我的证件号码被别人注册了，怎么办？")
                .await,
        );
        assert!(left.contains("留言已收到"), "{left}");
        // The student is back with the bot.
        let answered = texts(&student.say(&app, "忘记用户名怎么办").await);
        assert!(answered.contains("用户名"), "{answered}");

        // Staff list and answer it from the terminal (the console's API underneath).
        let url = app.database_url().to_string();
        let listed =
            tokio::task::spawn_blocking(move || common::helpbot(&["tickets"], "", &url, &[]))
                .await
                .expect("run");
        assert!(listed.status.success(), "{listed:?}");
        let listing = String::from_utf8_lossy(&listed.stdout).to_string();
        assert!(listing.contains("我的证件号码被别人注册了"), "{listing}");
        let tickets = app.assistant.desk().tickets(true).await.expect("tickets");
        assert_eq!(tickets.len(), 1);
        let ticket = tickets[0].id.clone();
        assert!(listing.contains(&ticket), "{listing}");
        let url = app.database_url().to_string();
        let answer_id = ticket.clone();
        let answered = tokio::task::spawn_blocking(move || {
            common::helpbot(
                &[
                    "tickets",
                    "answer",
                    &answer_id,
                    "--text",
                    "请上传手持身份证照片申请审核。",
                    "--staff",
                    "staff-wang-01",
                    "--name",
                    "小王",
                ],
                "",
                &url,
                &[],
            )
        })
        .await
        .expect("run");
        assert!(answered.status.success(), "{answered:?}");
        let heard = student.hears("请上传手持身份证照片申请审核").await;
        assert!(heard.contains("客服回复了您的留言"), "{heard}");
        assert!(heard.contains("\"name\":\"小王\""), "{heard}");
        assert!(!heard.contains("staff-wang-01"), "{heard}");
        assert!(matches!(
            app.assistant
                .desk()
                .answer_ticket(&ticket, &wang(), "again")
                .await,
            Err(DeskError::TicketAnswered(_))
        ));
        assert!(
            app.assistant
                .desk()
                .tickets(true)
                .await
                .expect("tickets")
                .is_empty()
        );
    })
    .await;
}

#[tokio::test]
async fn in_working_hours_with_nobody_online_the_student_is_told_at_once() {
    on_both_backends(async |db: TestDb| {
        let app = spawn_app_on(db, always_open).await;
        let student = Student::open(&app, "en").await;
        let told = student.say(&app, "Talk to a human").await;
        let text = texts(&told);
        assert!(text.contains("no support agent is online"), "{text}");
        assert!(text.contains("010-82199588"), "{text}");
        assert!(
            app.assistant
                .desk()
                .queue()
                .await
                .expect("queue")
                .is_empty()
        );
        // Declining the message goes back to the bot.
        let back = texts(&student.press(&app, "handoff:cancel").await);
        assert!(back.contains("Ask me anything"), "{back}");
        let answered = texts(&student.say(&app, "I forgot my username").await);
        assert!(answered.to_lowercase().contains("username"), "{answered}");
    })
    .await;
}

#[tokio::test]
async fn the_terminal_prints_what_a_person_writes_between_the_lines_typed() {
    use helpbot::channels::terminal::{self, Format};
    use tokio::io::AsyncWriteExt;
    on_both_backends(async |db: TestDb| {
        let mut config = common::config(db.url());
        always_open(&mut config);
        let assistant = helpbot::runtime::start(&config).await.expect("starts");
        assistant.desk().heartbeat(&wang()).await.expect("beat");
        let (mut typing, typed) = tokio::io::duplex(1024);
        let mut out = Vec::new();
        let agent_side = async {
            typing.write_all("转人工\n".as_bytes()).await.expect("type");
            // The student's turn is taken, then the agent takes the conversation and replies.
            let id = loop {
                let queue = assistant.desk().queue().await.expect("queue");
                if let Some(item) = queue.first() {
                    break item.handoff.id.clone();
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            };
            let desk = assistant.desk();
            desk.take(&id, &wang()).await.expect("take");
            desk.reply(&id, &wang(), "您好，我是人工客服")
                .await
                .expect("reply");
            // The terminal looks for pushed messages twice a second.
            tokio::time::sleep(Duration::from_secs(2)).await;
            drop(typing);
        };
        let (ran, ()) = tokio::join!(
            terminal::run(
                &assistant,
                helpbot::locale::Locale::ZhCn,
                Format::Human,
                None,
                tokio::io::BufReader::new(typed),
                &mut out,
            ),
            agent_side
        );
        ran.expect("chat");
        let printed = String::from_utf8_lossy(&out);
        assert!(printed.contains("第 1 位"), "{printed}");
        assert!(printed.contains("客服 小王 已接入"), "{printed}");
        assert!(printed.contains("[小王] 您好，我是人工客服"), "{printed}");
        assistant.database().close().await;
    })
    .await;
}

#[tokio::test]
async fn a_reply_from_this_instance_reaches_the_stream_before_the_next_poll_and_only_once() {
    on_both_backends(async |db: TestDb| {
        let app = spawn_app_on(db, always_open).await;
        let (mut student, id) = taken_by_wang(&app).await;
        student.hears("客服 小王 已接入").await;
        // The stream polls the database every 500 ms; a reply pushed by this instance does not
        // wait for it. Ten replies, each heard well within one poll interval.
        for n in 0..10 {
            let text = format!("即时回复 {n} 号");
            let sent = std::time::Instant::now();
            app.assistant
                .desk()
                .reply(&id, &wang(), &text)
                .await
                .expect("reply");
            student.hears(&text).await;
            let took = sent.elapsed();
            assert!(took < Duration::from_millis(400), "{text} took {took:?}");
        }
        // Nothing is heard twice: after the next polls, no reply comes again.
        let (again, _) =
            read_stream(&mut student.stream, "即时回复", Duration::from_millis(1500)).await;
        assert!(!again.contains("即时回复"), "delivered twice: {again}");
    })
    .await;
}
