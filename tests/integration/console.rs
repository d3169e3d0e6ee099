//! The staff console against the real server on a random port, on SQLite and PostgreSQL: staff
//! accounts from the command line, signing in and out, what a request without a session (or
//! with a student's token) gets, roles, CSRF, the lockout, disabled accounts, expiring sessions,
//! markup typed by students shown as text, secrets kept out of the database and the logs, and
//! photo review decisions reaching the student's conversation.

use crate::common;

use std::sync::Arc;
use std::time::Duration;

use common::server::{App, ServeProcess, spawn_app_on};
use helpbot::accounts::demo::DEMO_PASSWORD;
use helpbot::accounts::embedded::SystemClock;
use helpbot::accounts::identity::{IdNumber, Mobile};
use helpbot::accounts::{NewAccount, StaffAccounts, StudentAccounts};
use helpbot::config::{Config, ConsoleConfig};
use helpbot::staff::{Role, StaffMember, StaffSettings, StaffStore};
use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use serde_json::json;

pub const AGENT_PASSWORD: &str = "Agent-pass-2024";
pub const SUPERVISOR_PASSWORD: &str = "Super-pass-2024";
pub const EDITOR_PASSWORD: &str = "Editor-pass-2024";

/// A client that shows redirects instead of following them.
fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

fn staff_store(app: &App) -> StaffStore {
    StaffStore::new(
        app.assistant.database().clone(),
        StaffSettings::from(&ConsoleConfig::default()),
        Arc::new(SystemClock),
    )
}

pub async fn add_staff(app: &App, name: &str, role: Role, display: &str) -> StaffMember {
    let password = match role {
        Role::Agent => AGENT_PASSWORD,
        Role::Supervisor => SUPERVISOR_PASSWORD,
        Role::Editor => EDITOR_PASSWORD,
    };
    staff_store(app)
        .add(name, display, role, password)
        .await
        .expect("staff account added")
}

/// The value a response sets for a cookie.
fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with(&format!("{name}=")))
        .map(String::from)
}

fn cookie_value(set_cookie: &str) -> String {
    set_cookie
        .split(';')
        .next()
        .and_then(|pair| pair.split_once('='))
        .map(|(_, value)| value.to_string())
        .unwrap_or_default()
}

/// The CSRF token of the first form of a page.
fn csrf_in(body: &str) -> String {
    regex::Regex::new(r#"name="csrf" value="([0-9a-f]{64})""#)
        .expect("pattern")
        .captures(body)
        .map(|found| found[1].to_string())
        .unwrap_or_else(|| panic!("no CSRF token in the page:\n{body}"))
}

/// One attempt at signing in, the way a browser does it: the form first (its cookie and token),
/// then the post.
async fn try_sign_in(base: &str, name: &str, password: &str) -> reqwest::Response {
    let client = client();
    let form = client
        .get(format!("{base}/console/sign-in"))
        .send()
        .await
        .expect("sign-in page");
    assert_eq!(form.status(), StatusCode::OK);
    let secret = set_cookie(&form, "helpbot_console_signin").expect("the form's cookie");
    let body = form.text().await.expect("body");
    client
        .post(format!("{base}/console/sign-in"))
        .header(
            COOKIE,
            format!("helpbot_console_signin={}", cookie_value(&secret)),
        )
        .form(&[
            ("name", name),
            ("password", password),
            ("csrf", &csrf_in(&body)),
        ])
        .send()
        .await
        .expect("sign in")
}

/// A signed-in staff member's browser.
pub struct Staff {
    base: String,
    client: reqwest::Client,
    pub token: String,
    pub csrf: String,
}

pub async fn sign_in(base: &str, name: &str, password: &str) -> Staff {
    sign_in_to(base, name, password, "/console/reviews").await
}

/// Signs in and lands on `start` (the role's first page), where the CSRF token is read.
pub async fn sign_in_to(base: &str, name: &str, password: &str, start: &str) -> Staff {
    let response = try_sign_in(base, name, password).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{name} signs in");
    assert_eq!(response.headers()[LOCATION], start);
    let cookie = set_cookie(&response, "helpbot_console").expect("session cookie");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/console"] {
        assert!(cookie.contains(attribute), "{attribute} missing: {cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain http: {cookie}");
    let mut staff = Staff {
        base: base.to_string(),
        client: client(),
        token: cookie_value(&cookie),
        csrf: String::new(),
    };
    let page = staff.page(start).await;
    staff.csrf = csrf_in(&page);
    staff
}

impl Staff {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .header(COOKIE, format!("helpbot_console={}", self.token))
            .header("accept-language", "zh-CN")
            .send()
            .await
            .expect("request")
    }

    /// A page that must be served: its body.
    pub async fn page(&self, path: &str) -> String {
        let response = self.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(response.headers()[CACHE_CONTROL], "no-store", "{path}");
        response.text().await.expect("body")
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.base))
            .header(COOKIE, format!("helpbot_console={}", self.token))
            .header("accept-language", "zh-CN")
            .form(form)
            .send()
            .await
            .expect("request")
    }
}

/// lisi2024 (waiting for verification) uploads two photos in a chat: the conversation and the
/// review it started.
pub async fn student_submits_photos(app: &App) -> (String, String) {
    let (id, token, _) = app.start("zh-CN").await;
    for body in [
        json!({ "button": "dialog:verify-by-photo" }),
        json!({ "text": "lisi2024" }),
        json!({ "text": DEMO_PASSWORD }),
    ] {
        let (status, reply) = app.send(&id, &token, body).await;
        assert_eq!(status, StatusCode::OK, "{reply}");
    }
    for (width, name) in [(300, "front.png"), (320, "back.png")] {
        let (status, reply) = app
            .upload(&id, &token, common::png(width, 240, false), name)
            .await;
        assert_eq!(status, StatusCode::OK, "{reply}");
    }
    let waiting = app
        .assistant
        .accounts()
        .pending_reviews(10)
        .await
        .expect("queue");
    let review = waiting.last().expect("a review waits").id.clone();
    (id, review)
}

/// The texts pushed to a conversation after its turns (news such as a review decision).
async fn pushed_texts(app: &App, conversation: &str) -> Vec<String> {
    crate::dialogs::pushed_texts(&app.assistant, conversation).await
}

#[tokio::test]
async fn staff_accounts_are_added_listed_and_disabled_from_the_command_line() {
    common::on_both_backends(async |db| {
        let url = db.url();
        let add = |args: &[&str], stdin: &str| common::helpbot(args, stdin, url, &[]);
        let added = add(
            &[
                "staff",
                "add",
                "Wang.Li",
                "--role",
                "agent",
                "--display-name",
                "小王",
            ],
            "Agent-pass-2024\n",
        );
        assert!(added.status.success(), "{added:?}");
        let said = String::from_utf8_lossy(&added.stdout);
        assert!(said.contains("wang.li") && said.contains("小王"), "{said}");
        let weak = add(&["staff", "add", "zhao", "--role", "agent"], "short\n");
        assert!(!weak.status.success());
        assert!(
            String::from_utf8_lossy(&weak.stderr).contains("too weak"),
            "{weak:?}"
        );
        let twice = add(
            &["staff", "add", "WANG.LI", "--role", "agent"],
            "Other-pass-99\n",
        );
        assert!(!twice.status.success());
        assert!(String::from_utf8_lossy(&twice.stderr).contains("exists already"));
        let boss = add(
            &["staff", "add", "chen", "--role", "supervisor"],
            "Super-pass-2024\n",
        );
        assert!(boss.status.success(), "{boss:?}");

        let listed = add(&["staff", "list"], "");
        let lines = common::stdout_lines(&listed);
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(
            lines[0].starts_with("chen")
                && lines[0].contains("supervisor")
                && lines[0].contains("客服"),
            "the default display name: {lines:?}"
        );
        assert!(lines[1].contains("wang.li") && lines[1].contains("enabled"));
        assert!(lines[1].contains("never signed in"), "{lines:?}");

        let disabled = add(&["staff", "disable", "wang.li"], "");
        assert!(disabled.status.success(), "{disabled:?}");
        let listed = common::stdout_lines(&add(&["staff", "list"], ""));
        assert!(listed[1].contains("disabled"), "{listed:?}");
        let unknown = add(&["staff", "disable", "nobody"], "");
        assert!(!unknown.status.success());

        // Only the argon2 hash is kept, and both changes are in the audit log.
        let database = db.connect().await;
        let hashes: Vec<String> = sqlx::query_scalar("SELECT password_hash FROM staff_accounts")
            .fetch_all(database.pool())
            .await
            .expect("hashes");
        assert!(
            hashes.iter().all(|h| h.starts_with("$argon2id$")),
            "{hashes:?}"
        );
        let actions: Vec<String> =
            sqlx::query_scalar("SELECT action FROM staff_audit ORDER BY at, action")
                .fetch_all(database.pool())
                .await
                .expect("audit");
        assert_eq!(
            actions.iter().filter(|a| *a == "staff-added").count(),
            2,
            "{actions:?}"
        );
        assert!(actions.contains(&"staff-disabled".to_string()));
        database.close().await;
    })
    .await;
}

/// Every console route, with the methods it answers.
const ROUTES: &[(&str, &str)] = &[
    ("GET", "/console"),
    ("GET", "/console/reviews"),
    ("GET", "/console/reviews/REVIEW"),
    ("GET", "/console/reviews/REVIEW/photos/front"),
    ("GET", "/console/reviews/REVIEW/photos/back"),
    ("POST", "/console/reviews/REVIEW/decision"),
    ("GET", "/console/staff"),
    ("POST", "/console/sign-out"),
    ("GET", "/console/anything-else"),
];

#[tokio::test]
async fn without_a_session_nothing_under_the_console_is_reached_not_even_with_a_students_token() {
    common::on_both_backends(async |db| {
        let app = spawn_app_on(db, |_| {}).await;
        app.load_demo_data().await;
        let (conversation, review) = student_submits_photos(&app).await;
        let (_, student_token, _) = app.start("zh-CN").await;
        add_staff(&app, "agent1", Role::Agent, "小王").await;
        let signed = sign_in(&app.base, "agent1", AGENT_PASSWORD).await;
        let client = client();
        // Nothing, the student's own conversation token (as a bearer token and as the cookie),
        // a made-up session, and the session's hash instead of the session.
        let attempts: Vec<(&str, Option<String>, Option<String>)> = vec![
            ("nothing", None, None),
            ("student bearer", None, Some(student_token.clone())),
            (
                "student token as cookie",
                Some(format!("helpbot_console={student_token}")),
                None,
            ),
            (
                "made-up session",
                Some(format!("helpbot_console={}", "ab".repeat(32))),
                None,
            ),
            (
                "conversation id as cookie",
                Some(format!("helpbot_console={conversation}")),
                None,
            ),
        ];
        for (what, cookie, bearer) in &attempts {
            for (method, path) in ROUTES {
                let url = format!("{}{}", app.base, path.replace("REVIEW", &review));
                let mut request = match *method {
                    "GET" => client.get(&url),
                    _ => client
                        .post(&url)
                        .form(&[("csrf", signed.csrf.as_str()), ("decision", "approve")]),
                };
                if let Some(cookie) = cookie {
                    request = request.header(COOKIE, cookie);
                }
                if let Some(bearer) = bearer {
                    request = request.bearer_auth(bearer);
                }
                let response = request.send().await.expect("request");
                let status = response.status();
                let location = response
                    .headers()
                    .get(LOCATION)
                    .map(|l| l.to_str().unwrap_or_default().to_string());
                let body = response.bytes().await.expect("body");
                match *method {
                    "GET" => {
                        assert_eq!(status, StatusCode::SEE_OTHER, "{what}: {method} {path}");
                        assert_eq!(location.as_deref(), Some("/console/sign-in"), "{what}");
                    }
                    _ => assert_eq!(status, StatusCode::UNAUTHORIZED, "{what}: {method} {path}"),
                }
                assert!(body.is_empty(), "{what}: {method} {path} answered a body");
            }
        }
        // Nothing was decided by any of it.
        let still = app
            .assistant
            .accounts()
            .pending_reviews(10)
            .await
            .expect("queue");
        assert_eq!(still.len(), 1);
        // The staff member's own session reaches them all (the photos are there).
        let photo = signed
            .get(&format!("/console/reviews/{review}/photos/front"))
            .await;
        assert_eq!(photo.status(), StatusCode::OK);
        assert_eq!(photo.headers()[CONTENT_TYPE], "image/png");
        assert_eq!(photo.headers()[CACHE_CONTROL], "no-store");
    })
    .await;
}

#[tokio::test]
async fn agents_cannot_use_supervisor_pages_and_every_change_needs_its_csrf_token() {
    common::on_both_backends(async |db| {
        let app = spawn_app_on(db, |_| {}).await;
        app.load_demo_data().await;
        let (_, review) = student_submits_photos(&app).await;
        add_staff(&app, "agent1", Role::Agent, "小王").await;
        add_staff(&app, "boss", Role::Supervisor, "陈主管").await;
        let agent = sign_in(&app.base, "agent1", AGENT_PASSWORD).await;
        let boss = sign_in(&app.base, "boss", SUPERVISOR_PASSWORD).await;

        let refused = agent.get("/console/staff").await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        let body = refused.text().await.expect("body");
        assert!(body.contains("只有主管"), "{body}");
        assert!(
            !body.contains("陈主管") && !body.contains("boss"),
            "no staff data: {body}"
        );
        assert!(
            !agent
                .page("/console/reviews")
                .await
                .contains("/console/staff")
        );
        let overview = boss.page("/console/staff").await;
        for shown in ["agent1", "小王", "boss", "陈主管", "sign-in"] {
            assert!(overview.contains(shown), "{shown} missing:\n{overview}");
        }

        // A decision without the token, with another session's token, or with a made-up one,
        // is refused and changes nothing.
        let decision = format!("/console/reviews/{review}/decision");
        let wrong = "0".repeat(64);
        for csrf in ["", boss.csrf.as_str(), wrong.as_str()] {
            let response = agent
                .post(&decision, &[("csrf", csrf), ("decision", "approve")])
                .await;
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "csrf {csrf:?}");
        }
        let response = agent.post(&decision, &[("decision", "approve")]).await;
        assert_eq!(
            response.status(),
            StatusCode::FORBIDDEN,
            "no csrf field at all"
        );
        assert_eq!(
            app.assistant
                .accounts()
                .pending_reviews(10)
                .await
                .expect("queue")
                .len(),
            1
        );
        // Signing out needs it too.
        let response = agent.post("/console/sign-out", &[]).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        agent.page("/console/reviews").await;
        // The sign-in form is bound to its own cookie: a post from elsewhere is refused.
        let forged = client()
            .post(format!("{}/console/sign-in", app.base))
            .form(&[
                ("name", "agent1"),
                ("password", AGENT_PASSWORD),
                ("csrf", &agent.csrf),
            ])
            .send()
            .await
            .expect("post");
        assert_eq!(forged.status(), StatusCode::FORBIDDEN);
        assert!(set_cookie(&forged, "helpbot_console").is_none());

        // With its token (as a header here, as a script would send it) signing out works, and
        // the session is gone.
        let response = client()
            .post(format!("{}/console/sign-out", app.base))
            .header(COOKIE, format!("helpbot_console={}", agent.token))
            .header("x-csrf-token", &agent.csrf)
            .send()
            .await
            .expect("sign out");
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let cleared = set_cookie(&response, "helpbot_console").expect("cookie cleared");
        assert!(cleared.contains("Max-Age=0"), "{cleared}");
        assert_eq!(
            agent.get("/console/reviews").await.status(),
            StatusCode::SEE_OTHER
        );
        let audit: Vec<String> = sqlx::query_scalar("SELECT action FROM staff_audit")
            .fetch_all(app.assistant.database().pool())
            .await
            .expect("audit");
        assert!(audit.contains(&"sign-out".to_string()), "{audit:?}");
    })
    .await;
}

#[tokio::test]
async fn a_locked_out_account_stays_locked_even_for_the_right_password_until_the_time_passes() {
    common::on_both_backends(async |db| {
        let app = spawn_app_on(db, |config: &mut Config| {
            config.console.lockout_failures_per_account = 3;
            config.console.lockout_failures_per_address = 100;
            config.console.lockout_seconds = 3;
        })
        .await;
        add_staff(&app, "agent1", Role::Agent, "小王").await;
        for attempt in 1..=3 {
            let response = try_sign_in(&app.base, "agent1", "Wrong-pass-1").await;
            let expected = if attempt < 3 {
                StatusCode::UNAUTHORIZED
            } else {
                StatusCode::TOO_MANY_REQUESTS
            };
            assert_eq!(response.status(), expected, "attempt {attempt}");
        }
        let locked = try_sign_in(&app.base, "agent1", AGENT_PASSWORD).await;
        assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(set_cookie(&locked, "helpbot_console").is_none());
        assert!(locked.text().await.expect("body").contains("锁定"));
        // Another account is not affected: the lock is this account's (the address may go on).
        add_staff(&app, "agent2", Role::Agent, "小李").await;
        sign_in(&app.base, "agent2", AGENT_PASSWORD).await;
        tokio::time::sleep(Duration::from_millis(3200)).await;
        sign_in(&app.base, "agent1", AGENT_PASSWORD).await;
    })
    .await;
}

#[tokio::test]
async fn failures_from_one_address_lock_that_address_before_any_account() {
    common::on_both_backends(async |db| {
        let app = spawn_app_on(db, |config: &mut Config| {
            config.console.lockout_failures_per_account = 20;
            config.console.lockout_failures_per_address = 2;
            config.console.lockout_seconds = 2;
        })
        .await;
        add_staff(&app, "agent1", Role::Agent, "小王").await;
        // Guessing names that are no account: counted for the address only.
        let first = try_sign_in(&app.base, "nobody", "Wrong-pass-1").await;
        assert_eq!(first.status(), StatusCode::UNAUTHORIZED);
        let second = try_sign_in(&app.base, "no-one", "Wrong-pass-2").await;
        assert_eq!(second.status(), StatusCode::TOO_MANY_REQUESTS);
        let locked = try_sign_in(&app.base, "agent1", AGENT_PASSWORD).await;
        assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
        // The account itself was never counted, and nothing typed as a name was kept.
        let subjects: Vec<String> = sqlx::query_scalar("SELECT subject FROM rate_events")
            .fetch_all(app.assistant.database().pool())
            .await
            .expect("counted");
        assert!(
            subjects.iter().all(|s| s.starts_with("console-address:")),
            "{subjects:?}"
        );
        let details: Vec<Option<String>> =
            sqlx::query_scalar("SELECT detail FROM staff_audit WHERE action LIKE 'sign-in%'")
                .fetch_all(app.assistant.database().pool())
                .await
                .expect("audit");
        assert!(details.iter().all(Option::is_none), "{details:?}");
        tokio::time::sleep(Duration::from_millis(2200)).await;
        sign_in(&app.base, "agent1", AGENT_PASSWORD).await;
    })
    .await;
}

#[tokio::test]
async fn a_disabled_account_cannot_sign_in_and_its_sessions_end() {
    common::on_both_backends(async |db| {
        let app = spawn_app_on(db, |_| {}).await;
        add_staff(&app, "agent1", Role::Agent, "小王").await;
        let agent = sign_in(&app.base, "agent1", AGENT_PASSWORD).await;
        staff_store(&app).disable("agent1").await.expect("disabled");
        assert_eq!(
            agent.get("/console/reviews").await.status(),
            StatusCode::SEE_OTHER
        );
        let refused = try_sign_in(&app.base, "agent1", AGENT_PASSWORD).await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        assert!(set_cookie(&refused, "helpbot_console").is_none());
        assert!(refused.text().await.expect("body").contains("已停用"));
        // A wrong password for it says only that the name or password is wrong.
        let wrong = try_sign_in(&app.base, "agent1", "Wrong-pass-1").await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
        assert!(!wrong.text().await.expect("body").contains("已停用"));
    })
    .await;
}

#[tokio::test]
async fn sessions_end_when_idle_and_after_their_absolute_lifetime() {
    common::on_both_backends(async |db| {
        let app = spawn_app_on(db, |config: &mut Config| {
            config.console.session_idle_seconds = 1;
            config.console.session_absolute_seconds = 3;
        })
        .await;
        add_staff(&app, "agent1", Role::Agent, "小王").await;
        let idle = sign_in(&app.base, "agent1", AGENT_PASSWORD).await;
        tokio::time::sleep(Duration::from_millis(1600)).await;
        assert_eq!(
            idle.get("/console/reviews").await.status(),
            StatusCode::SEE_OTHER
        );

        // Used every half second, it lives until its absolute end and no longer.
        let busy = sign_in(&app.base, "agent1", AGENT_PASSWORD).await;
        let started = std::time::Instant::now();
        while started.elapsed() < Duration::from_millis(2500) {
            assert_eq!(busy.get("/console/reviews").await.status(), StatusCode::OK);
            tokio::time::sleep(Duration::from_millis(400)).await;
        }
        tokio::time::sleep(Duration::from_millis(900)).await;
        assert_eq!(
            busy.get("/console/reviews").await.status(),
            StatusCode::SEE_OTHER
        );
    })
    .await;
}

#[tokio::test]
async fn photo_reviews_are_rejected_and_approved_in_the_console_and_reach_the_student() {
    common::on_both_backends(async |db| {
        let app = spawn_app_on(db, |_| {}).await;
        app.load_demo_data().await;
        let (conversation, review) = student_submits_photos(&app).await;
        add_staff(&app, "agent1", Role::Agent, "小王").await;
        let agent = sign_in(&app.base, "agent1", AGENT_PASSWORD).await;

        // The queue shows the review masked: the username, the name, the ID number.
        let queue = agent.page("/console/reviews").await;
        for shown in ["l******4", "李*", "1101**********002X", &review] {
            assert!(queue.contains(shown), "{shown} missing:\n{queue}");
        }
        for hidden in ["lisi2024", "李四", "11010519491231002X"] {
            assert!(!queue.contains(hidden), "{hidden} shown:\n{queue}");
        }
        // The review: both photos, and the account an approval would deactivate (lisi).
        let page = agent.page(&format!("/console/reviews/{review}")).await;
        assert!(page.contains(&format!("/console/reviews/{review}/photos/front")));
        assert!(page.contains(&format!("/console/reviews/{review}/photos/back")));
        assert!(page.contains("l**i"), "{page}");
        let photo = agent
            .get(&format!("/console/reviews/{review}/photos/back"))
            .await;
        assert_eq!(photo.status(), StatusCode::OK);
        assert_eq!(photo.headers()[CACHE_CONTROL], "no-store");
        assert!(photo.bytes().await.expect("png").starts_with(b"\x89PNG"));

        // A rejection needs a reason: none given changes nothing.
        let decision = format!("/console/reviews/{review}/decision");
        let response = agent
            .post(&decision, &[("csrf", &agent.csrf), ("decision", "reject")])
            .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert!(response.text().await.expect("body").contains("原因"));
        // Rejected with a reason from the list: the student is told why.
        let response = agent
            .post(
                &decision,
                &[
                    ("csrf", &agent.csrf),
                    ("decision", "reject"),
                    ("reason", "blurry"),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(response.text().await.expect("body").contains("照片模糊"));
        let told = pushed_texts(&app, &conversation).await;
        assert!(
            told.len() == 1 && told[0].contains("没有通过审核") && told[0].contains("照片模糊"),
            "{told:?}"
        );
        // Deciding again is refused.
        let again = agent
            .post(&decision, &[("csrf", &agent.csrf), ("decision", "approve")])
            .await;
        assert_eq!(again.status(), StatusCode::CONFLICT);

        // The student uploads again; this time the agent approves, and sees what was deactivated.
        let (_, second) = student_submits_photos(&app).await;
        let response = agent
            .post(
                &format!("/console/reviews/{second}/decision"),
                &[("csrf", &agent.csrf), ("decision", "approve")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        let result = response.text().await.expect("body");
        assert!(
            result.contains("已注销以下帐号") && result.contains("l**i"),
            "{result}"
        );
        let told = pushed_texts(&app, &conversation).await;
        assert!(told.iter().any(|t| t.contains("审核通过")), "{told:?}");
        assert!(
            agent
                .page("/console/reviews")
                .await
                .contains("目前没有等待审核的照片")
        );

        // Every look and decision is in the audit log, with who and which review.
        let audit: Vec<(String, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT action, staff_id, review_id FROM staff_audit ORDER BY at, action",
        )
        .fetch_all(app.assistant.database().pool())
        .await
        .expect("audit");
        for (action, on) in [
            ("review-opened", &review),
            ("review-photo-viewed", &review),
            ("review-rejected", &review),
            ("review-approved", &second),
        ] {
            assert!(
                audit.iter().any(|(a, staff, r)| a == action
                    && staff.is_some()
                    && r.as_deref() == Some(on.as_str())),
                "{action} on {on}: {audit:?}"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn markup_typed_by_students_and_staff_is_shown_as_text() {
    common::on_both_backends(async |db| {
        let app = spawn_app_on(db, |_| {}).await;
        app.load_demo_data().await;
        // A student registers (again, for 张三's ID number) with markup as the name, and sends
        // photos.
        let store = helpbot::runtime::account_store(app.assistant.database().clone());
        let account = StaffAccounts::register(
            &store,
            NewAccount {
                username: "markup01".into(),
                password: "Markup-pass-2024".into(),
                real_name: "<script>alert(1)</script>".into(),
                id_number: IdNumber::parse("120104199102052530").expect("id"),
                mobile: Mobile::parse("13800000099").expect("mobile"),
                email: None,
                reregister: true,
            },
        )
        .await
        .expect("registered");
        let photo = common::png(300, 240, false);
        let review = store
            .submit_photos(&account.id, &photo, &photo)
            .await
            .expect("photos")
            .id;
        add_staff(&app, "agent1", Role::Agent, "<b>小王</b>").await;
        add_staff(
            &app,
            "boss",
            Role::Supervisor,
            "<i onmouseover=alert(2)>陈</i>",
        )
        .await;
        let agent = sign_in(&app.base, "agent1", AGENT_PASSWORD).await;
        let boss = sign_in(&app.base, "boss", SUPERVISOR_PASSWORD).await;

        let queue = agent.page("/console/reviews").await;
        assert!(
            queue.contains("&lt;*"),
            "the masked name, escaped:\n{queue}"
        );
        assert!(queue.contains("&lt;b&gt;小王&lt;/b&gt;"), "{queue}");
        for raw in ["<*", "<b>小王"] {
            assert!(!queue.contains(raw), "{raw} raw:\n{queue}");
        }
        let payload = "<script>alert(\"reason\")</script><img src=x onerror=alert(3)>";
        let response = agent
            .post(
                &format!("/console/reviews/{review}/decision"),
                &[
                    ("csrf", &agent.csrf),
                    ("decision", "reject"),
                    ("reason_text", payload),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        let result = response.text().await.expect("body");
        let review_page = agent.page(&format!("/console/reviews/{review}")).await;
        let overview = boss.page("/console/staff").await;
        for (page, body) in [
            ("result", &result),
            ("review", &review_page),
            ("staff", &overview),
        ] {
            assert!(
                body.contains("&lt;script&gt;alert(") && body.contains("&lt;img src=x"),
                "{page}: the reason escaped:\n{body}"
            );
            for raw in ["<script>alert", "<img src=x", "<i onmouseover", "<b>小王"] {
                assert!(!body.contains(raw), "{page}: {raw} raw:\n{body}");
            }
        }
        assert!(
            overview.contains("&lt;i onmouseover=alert(2)&gt;陈&lt;/i&gt;"),
            "{overview}"
        );
    })
    .await;
}

#[tokio::test]
async fn no_password_session_or_csrf_token_reaches_the_database_or_the_logs() {
    common::on_both_backends(async |db| {
        let added = common::helpbot(
            &["staff", "add", "agent1", "--role", "supervisor"],
            &format!("{AGENT_PASSWORD}\n"),
            db.url(),
            &[],
        );
        assert!(added.status.success(), "{added:?}");
        let workdir = tempfile::tempdir().expect("workdir");
        let server =
            ServeProcess::start_in(workdir.path(), db.url(), None, &[("RUST_LOG", "trace")]);
        let wrong = try_sign_in(&server.base, "agent1", "Typo-pass-2024").await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
        let staff = sign_in(&server.base, "agent1", AGENT_PASSWORD).await;
        staff.page("/console/staff").await;
        let response = staff
            .post("/console/sign-out", &[("csrf", &staff.csrf)])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);

        let database = db.connect().await;
        let stored = crate::secrets::database_text(&db, database.pool()).await;
        let logged = server.log();
        assert!(
            logged.contains("/console/sign-in"),
            "the requests were logged"
        );
        for secret in [AGENT_PASSWORD, "Typo-pass-2024", &staff.token, &staff.csrf] {
            assert!(
                !crate::secrets::contains(&stored, secret),
                "`{secret}` in the database"
            );
            assert!(
                !crate::secrets::contains(logged.as_bytes(), secret),
                "`{secret}` in the log"
            );
        }
        database.close().await;
    })
    .await;
}

#[tokio::test]
async fn the_language_follows_the_browser_or_the_switch_and_cookies_are_secure_over_https() {
    let app = common::server::spawn_app().await;
    let client = client();
    let page = |language: &'static str, cookie: Option<String>| {
        let mut request = client
            .get(format!("{}/console/sign-in", app.base))
            .header("accept-language", language);
        if let Some(cookie) = cookie {
            request = request.header(COOKIE, cookie);
        }
        request.send()
    };
    let english = page("en-GB,en", None).await.expect("page");
    assert!(
        english
            .text()
            .await
            .expect("body")
            .contains("Staff sign-in")
    );
    let chinese = page("zh-CN", None).await.expect("page");
    assert!(chinese.text().await.expect("body").contains("客服登录"));

    // The switch remembers the choice and goes back to a console page, never elsewhere.
    for (back, expected) in [
        ("/console/sign-in", "/console/sign-in"),
        ("https://example.com/", "/console/reviews"),
        ("//example.com/console", "/console/reviews"),
        ("/console/x\r\nSet-Cookie: a=b", "/console/reviews"),
    ] {
        let switched = client
            .get(format!("{}/console/language", app.base))
            .query(&[("to", "en"), ("back", back)])
            .send()
            .await
            .expect("switch");
        assert_eq!(switched.status(), StatusCode::SEE_OTHER, "{back}");
        assert_eq!(switched.headers()[LOCATION], expected, "{back}");
        let chosen = set_cookie(&switched, "helpbot_console_lang").expect("cookie");
        assert!(chosen.contains("HttpOnly") && chosen.contains("SameSite=Strict"));
        let english = page(
            "zh-CN",
            Some(format!("helpbot_console_lang={}", cookie_value(&chosen))),
        )
        .await
        .expect("page");
        assert!(
            english
                .text()
                .await
                .expect("body")
                .contains("Staff sign-in")
        );
    }

    // Behind a TLS proxy the cookies are Secure.
    let over_https = client
        .get(format!("{}/console/sign-in", app.base))
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .expect("page");
    let cookie = set_cookie(&over_https, "helpbot_console_signin").expect("cookie");
    assert!(cookie.contains("Secure"), "{cookie}");
}
