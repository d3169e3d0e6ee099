//! The widget end to end in a real headless Chromium, driven over WebDriver (chromedriver) from
//! Rust: the demo page, the bubble, a question and its answer, feedback, the duplicate-ID diagnosis
//! walked by clicking, a hidden password, a photo upload with preview, the history after a reload,
//! the language switch, typing suggestions, the keyboard and a phone-sized screen.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`scripts/test` installs them; `CHROMIUM` and
//! `CHROMEDRIVER` point elsewhere). Screenshots of the key states are written to
//! `test-artifacts/browser/`.

use crate::common;

mod console;
mod console_agent;
mod console_dashboard;
mod console_editor;
mod console_supervisor;
mod start_screen;
mod widget_feedback;

use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::server::{App, spawn_app, spawn_app_with};
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use helpbot::accounts::demo::DEMO_PASSWORD;
use helpbot::accounts::{StaffAccounts, StaffDecision};
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(15);

/// A chromedriver on a free port in its own process group, killed with the Chromium it started
/// when dropped, even when a test panics before closing its session.
struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-s", "KILL", "--", &group])
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn executable(variable: &str, default: &str) -> PathBuf {
    let path = std::env::var_os(variable)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(default));
    assert!(
        path.exists(),
        "{} is missing: install Debian's chromium and chromium-driver (scripts/test does), \
         or set {variable}",
        path.display()
    );
    path
}

async fn start_driver() -> Driver {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("free port")
        .port();
    let child = Command::new(executable("CHROMEDRIVER", "/usr/bin/chromedriver"))
        .arg(format!("--port={port}"))
        .process_group(0)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let driver = Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    driver
}

/// One headless Chromium with a fresh profile, looking at the test server.
struct Browser {
    client: Client,
    name: &'static str,
    _driver: Driver,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// A desktop window of this size, or with `phone` a phone's screen (touch, device pixels).
    async fn open(name: &'static str, width: u32, height: u32, phone: bool) -> Self {
        let driver = start_driver().await;
        let profile = tempfile::tempdir().expect("profile dir");
        // As root Chromium needs --no-sandbox; the network here is closed, so everything that
        // would phone home is switched off.
        let args = [
            "--headless=new".to_string(),
            "--no-sandbox".to_string(),
            "--disable-gpu".to_string(),
            "--disable-dev-shm-usage".to_string(),
            "--disable-background-networking".to_string(),
            "--disable-component-update".to_string(),
            "--disable-sync".to_string(),
            "--disable-quic".to_string(),
            "--no-first-run".to_string(),
            "--lang=zh-CN".to_string(),
            format!("--window-size={width},{height}"),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let chromium = executable("CHROMIUM", "/usr/bin/chromium");
        let mut options = json!({
            "binary": chromium,
            "args": args,
            "prefs": { "intl.accept_languages": "zh-CN,zh" },
        });
        if phone {
            options["mobileEmulation"] = json!({
                "deviceMetrics": { "width": width, "height": height, "pixelRatio": 2.0, "touch": true },
            });
        }
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("goog:chromeOptions".to_string(), options);
        // Two TLS back-ends are linked in (through different crates): pick one for rustls. The
        // WebDriver connection itself is plain HTTP on loopback.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = ClientBuilder::rustls()
            .expect("TLS set-up")
            .capabilities(capabilities)
            .connect(&driver.url)
            .await
            .expect("WebDriver session");
        Self {
            client,
            name,
            _driver: driver,
            _profile: profile,
        }
    }

    async fn close(self) {
        let _ = self.client.clone().close().await;
    }

    async fn script(&self, body: &str, args: Vec<Value>) -> Value {
        self.client.execute(body, args).await.expect("script runs")
    }

    /// Polls a JavaScript expression until it is truthy; on time-out saves a screenshot and
    /// fails with the chat log.
    async fn wait_until(&self, expression: &str, args: Vec<Value>, what: &str) -> Value {
        let deadline = Instant::now() + WAIT;
        let body = format!("return ({expression});");
        loop {
            let value = self.script(&body, args.clone()).await;
            let truthy = match &value {
                Value::Null => false,
                Value::Bool(b) => *b,
                Value::String(s) => !s.is_empty(),
                Value::Number(n) => n.as_f64().is_some_and(|n| n != 0.0),
                _ => true,
            };
            if truthy {
                return value;
            }
            if Instant::now() > deadline {
                self.screenshot("timed-out").await;
                panic!(
                    "timed out waiting for {what}; chat log:\n{}",
                    self.log().await
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn log(&self) -> String {
        self.script(
            "var log = document.querySelector('.hb-log'); return log ? log.innerText : '';",
            vec![],
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
    }

    async fn bot_messages(&self) -> usize {
        self.script(
            "return document.querySelectorAll('.hb-msg.hb-bot').length;",
            vec![],
        )
        .await
        .as_u64()
        .unwrap_or(0) as usize
    }

    /// Waits until a bot message after the first `after` ones contains `text`.
    async fn wait_for_bot_text(&self, after: usize, text: &str) {
        self.wait_until(
            "(function (after, text) {
                return Array.from(document.querySelectorAll('.hb-msg.hb-bot')).slice(after)
                    .some(function (m) { return m.innerText.indexOf(text) >= 0; });
            })(arguments[0], arguments[1])",
            vec![json!(after), json!(text)],
            &format!("a bot message containing {text:?}"),
        )
        .await;
    }

    async fn screenshot(&self, state: &str) {
        let Ok(png) = self.client.screenshot().await else {
            return;
        };
        let dir = common::repo().join("test-artifacts").join("browser");
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(dir.join(format!("{}-{state}.png", self.name)), png);
    }

    async fn open_widget(&self, app: &App) {
        self.client.goto(&app.base).await.expect("demo page");
        let bubble = self.wait_for_element(".hb-bubble").await;
        self.wait_until(
            "document.querySelector('.hb-bubble').textContent !== 'widget-open'
                && document.querySelector('.hb-bubble').textContent !== ''",
            vec![],
            "the widget's texts",
        )
        .await;
        bubble.click().await.expect("bubble opens the panel");
        self.wait_until(
            "!document.querySelector('.hb-panel').hidden
                && document.querySelectorAll('.hb-msg.hb-bot').length > 0",
            vec![],
            "the panel with the welcome message",
        )
        .await;
    }

    async fn wait_for_element(&self, css: &str) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"))
    }

    /// Types into the chat box and presses Enter, as a keyboard user does.
    async fn say(&self, text: &str) {
        let input = self.wait_for_element(".hb-form input").await;
        input.send_keys(text).await.expect("typing");
        input
            .send_keys(&String::from(char::from(Key::Enter)))
            .await
            .expect("enter");
    }

    /// Clicks the newest button with this label.
    async fn press(&self, label: &str) {
        let xpath = format!(
            "(//div[contains(@class,'hb-buttons')]/button[normalize-space(.)='{label}'])[last()]"
        );
        let found = self
            .client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::XPath(&xpath))
            .await;
        match found {
            Ok(button) => button.click().await.expect("click"),
            Err(e) => panic!("no button {label:?}: {e}\n{}", self.log().await),
        }
    }
}

#[tokio::test]
async fn a_student_asks_walks_the_diagnosis_uploads_photos_and_comes_back() {
    let app = spawn_app().await;
    app.load_demo_data().await;
    let browser = Browser::open("desktop", 1280, 800, false).await;
    browser.open_widget(&app).await;
    let attributes = browser
        .script(
            "var p = document.querySelector('.hb-panel'), l = document.querySelector('.hb-log');
             return [p.getAttribute('role'), l.getAttribute('role'), l.getAttribute('aria-live'),
                     document.activeElement === document.querySelector('.hb-form input')];",
            vec![],
        )
        .await;
    assert_eq!(attributes, json!(["dialog", "log", "polite", true]));
    browser.screenshot("1-opened").await;

    // A question gets an answer with feedback buttons; the feedback is stored.
    let before = browser.bot_messages().await;
    browser.say("证件号码已被注册怎么办").await;
    browser
        .wait_until(
            "document.querySelectorAll('.hb-msg.hb-bot[data-kind=answer] .hb-feedback button').length > 0",
            vec![],
            "an answer with feedback buttons",
        )
        .await;
    assert!(browser.bot_messages().await > before);
    browser.screenshot("2-answer").await;
    let useful = browser
        .client
        .find(Locator::XPath(
            "(//div[contains(@class,'hb-feedback')]//button[@data-vote='useful'])[1]",
        ))
        .await
        .expect("feedback button");
    useful.click().await.expect("click useful");
    browser
        .wait_until(
            "document.querySelector('.hb-feedback .hb-feedback-thanks') !== null
                && document.querySelector('.hb-feedback button').getAttribute('aria-pressed') === 'true'",
            vec![],
            "the thanks for the feedback, the choice marked",
        )
        .await;
    let counts = app
        .assistant
        .database()
        .feedback_counts()
        .await
        .expect("feedback");
    assert_eq!(
        counts.iter().map(|(_, up, _)| up).sum::<i64>(),
        1,
        "{counts:?}"
    );

    // The diagnosis, by clicking: the answer offers it, then the pending-review branch, then the
    // photo route.
    browser.press("帮我判断/处理").await;
    browser
        .press("“证件号码重复待审核，不能再次注册此证件号码”")
        .await;
    let before = browser.bot_messages().await;
    browser.press("上传审核照片").await;
    browser.wait_for_bot_text(before, "用户名").await;
    browser.screenshot("3-diagnosis").await;
    browser.say("lisi2024").await;
    browser
        .wait_until(
            "document.querySelector('.hb-form input').type === 'password'",
            vec![],
            "a hidden password box",
        )
        .await;
    let before = browser.bot_messages().await;
    browser.say(DEMO_PASSWORD).await;
    browser.wait_for_bot_text(before, "300 KB").await;
    let log = browser.log().await;
    assert!(
        !log.contains(DEMO_PASSWORD),
        "the password is echoed:\n{log}"
    );
    assert!(log.contains("••••••"), "{log}");

    // Two photos with a preview each; the rules are shown beside the picker.
    let photos = tempfile::tempdir().expect("temp dir");
    for (index, (side, next)) in [("front", "背面"), ("back", "待审核")].iter().enumerate() {
        let path = photos.path().join(format!("{side}.png"));
        std::fs::write(&path, common::png(300 + index as u32 * 20, 300, false)).expect("png");
        browser
            .wait_until(
                "!document.querySelector('.hb-upload').hidden",
                vec![],
                "the upload area",
            )
            .await;
        let rules = browser
            .script(
                "return document.querySelector('.hb-upload-rules').textContent;",
                vec![],
            )
            .await;
        assert!(
            rules.as_str().is_some_and(|r| r.contains("300 KB")),
            "{rules}"
        );
        let picker = browser
            .wait_for_element(".hb-upload input[type=file]")
            .await;
        picker
            .send_keys(&path.display().to_string())
            .await
            .expect("choose file");
        browser
            .wait_until(
                "document.querySelector('.hb-upload img').getAttribute('src')",
                vec![],
                "the photo preview",
            )
            .await;
        if index == 0 {
            browser.screenshot("4-photo-preview").await;
        }
        let before = browser.bot_messages().await;
        browser
            .client
            .find(Locator::Css(".hb-upload button"))
            .await
            .expect("upload button")
            .click()
            .await
            .expect("upload");
        browser.wait_for_bot_text(before, next).await;
    }
    browser.screenshot("5-submitted").await;
    let store = helpbot::runtime::account_store(app.assistant.database().clone());
    let waiting = store.pending_reviews(10).await.expect("review queue");
    assert_eq!(waiting.len(), 1, "{waiting:?}");

    // Staff approve the photos: the news appears in the open widget by itself.
    let before = browser.bot_messages().await;
    app.assistant
        .decide_review(&waiting[0].id, "staff-1", StaffDecision::Approve)
        .await
        .expect("approved");
    browser.wait_for_bot_text(before, "审核通过").await;
    browser.screenshot("6-approved-live").await;

    // Reloading the page shows the history and keeps the conversation.
    browser.client.refresh().await.expect("reload");
    browser.open_widget(&app).await;
    browser
        .wait_until(
            "document.querySelector('.hb-log').innerText.indexOf('lisi2024') >= 0",
            vec![],
            "the history after a reload",
        )
        .await;
    let after_reload = browser.log().await;
    for line in [
        "证件号码已被注册怎么办",
        "上传审核照片",
        "lisi2024",
        "••••••",
        "📷 照片",
        "照片已提交",
        "审核通过",
    ] {
        assert!(
            after_reload.contains(line),
            "{line} missing:\n{after_reload}"
        );
    }
    assert!(!after_reload.contains(DEMO_PASSWORD));
    browser.screenshot("7-reloaded").await;

    // Switching to English changes the widget and the answers.
    browser
        .client
        .find(Locator::Css(".hb-lang"))
        .await
        .expect("language button")
        .click()
        .await
        .expect("switch");
    browser
        .wait_until(
            "document.getElementById('hb-title').textContent === 'Student account help'",
            vec![],
            "the English title",
        )
        .await;
    let before = browser.bot_messages().await;
    browser.say("How do I reset my password?").await;
    browser
        .wait_until(
            "Array.from(document.querySelectorAll('.hb-msg.hb-bot')).slice(arguments[0])
                .some(function (m) { return m.querySelector('.hb-feedback button')
                    && m.querySelector('.hb-feedback button').textContent === 'Useful'; })",
            vec![json!(before)],
            "an English answer",
        )
        .await;
    browser.screenshot("8-english").await;
    browser.close().await;
}

#[tokio::test]
async fn on_a_phone_with_the_keyboard_suggestions_appear_while_typing() {
    let app = spawn_app().await;
    let browser = Browser::open("phone", 375, 740, true).await;
    browser.open_widget(&app).await;
    let fits = browser
        .script(
            "var r = document.querySelector('.hb-panel').getBoundingClientRect();
             return window.innerWidth === 375 && r.left >= 0
                 && r.right <= window.innerWidth + 1 && r.width >= window.innerWidth - 1
                 && document.documentElement.scrollWidth <= window.innerWidth;",
            vec![],
        )
        .await;
    assert_eq!(fits, json!(true), "the panel does not fit a phone screen");

    let input = browser.wait_for_element(".hb-form input").await;
    input.send_keys("忘记用户").await.expect("typing");
    browser
        .wait_until(
            "document.querySelectorAll('.hb-suggest li button').length > 0",
            vec![],
            "suggestions while typing",
        )
        .await;
    browser.screenshot("1-suggestions").await;
    let first = browser
        .script(
            "return document.querySelector('.hb-suggest li button').textContent;",
            vec![],
        )
        .await;
    let title = first.as_str().unwrap_or_default().to_string();
    assert!(title.contains("用户名"), "{title}");
    let before = browser.bot_messages().await;
    browser
        .client
        .find(Locator::Css(".hb-suggest li button"))
        .await
        .expect("suggestion")
        .click()
        .await
        .expect("click suggestion");
    browser
        .wait_until(
            "Array.from(document.querySelectorAll('.hb-msg.hb-bot')).slice(arguments[0])
                .some(function (m) { return m.getAttribute('data-kind') === 'answer'; })",
            vec![json!(before)],
            "the suggested entry's answer",
        )
        .await;
    browser.screenshot("2-answer").await;

    // Escape closes the panel and gives the focus back to the bubble.
    browser
        .client
        .active_element()
        .await
        .expect("focus")
        .send_keys(&String::from(char::from(Key::Escape)))
        .await
        .expect("escape");
    let closed = browser
        .wait_until(
            "document.querySelector('.hb-panel').hidden
                && document.activeElement === document.querySelector('.hb-bubble')
                && document.querySelector('.hb-bubble').getAttribute('aria-expanded') === 'false'",
            vec![],
            "the panel closed by Escape",
        )
        .await;
    assert_eq!(closed, json!(true));
    browser.close().await;
}

/// The conversation the widget keeps in the browser (`{id, token}`), or null.
async fn kept_conversation(browser: &Browser) -> Value {
    browser
        .script(
            "return JSON.parse(localStorage.getItem('helpbot.conversation') || 'null');",
            vec![],
        )
        .await
}

#[tokio::test]
async fn a_resume_during_an_outage_keeps_the_conversation_and_continues_it_afterwards() {
    let mut app = spawn_app().await;
    let browser = Browser::open("outage", 1280, 800, false).await;
    browser.open_widget(&app).await;
    let before = browser.bot_messages().await;
    browser.say("忘记学信网用户名了").await;
    browser.wait_for_bot_text(before, "用户名").await;
    let kept = kept_conversation(&browser).await;
    let id = kept["id"]
        .as_str()
        .expect("a kept conversation")
        .to_string();

    // Next visit: the page and the widget load, then the service goes down before the student
    // opens the panel.
    browser.client.refresh().await.expect("reload");
    browser
        .wait_until(
            "document.querySelector('.hb-bubble')
                && document.querySelector('.hb-bubble').textContent === '在线帮助'",
            vec![],
            "the widget's texts",
        )
        .await;
    app.stop().await;
    browser
        .client
        .find(Locator::Css(".hb-bubble"))
        .await
        .expect("bubble")
        .click()
        .await
        .expect("open the panel");
    let said = browser
        .wait_until(
            "!document.querySelector('.hb-status').hidden
                && document.querySelector('.hb-status').textContent",
            vec![],
            "a message that the conversation will be loaded again",
        )
        .await;
    assert!(
        said.as_str().is_some_and(|s| s.contains("对话记录都还在")),
        "{said}"
    );
    browser.screenshot("1-service-down").await;
    assert_eq!(kept_conversation(&browser).await, kept, "the place is kept");

    // The service comes back (same address, same database): the widget tries again by itself.
    app.restart().await;
    browser
        .wait_until(
            "document.querySelector('.hb-log').innerText.indexOf('忘记学信网用户名了') >= 0
                && document.querySelector('.hb-status').hidden",
            vec![],
            "the history once the service answers again",
        )
        .await;
    browser.screenshot("2-resumed").await;
    let before = browser.bot_messages().await;
    browser.say("谢谢").await;
    browser.wait_for_bot_text(before, "不客气").await;
    assert_eq!(kept_conversation(&browser).await, kept);
    let stored = app
        .assistant
        .database()
        .messages(&id)
        .await
        .expect("messages");
    assert!(
        stored.iter().any(|m| m.body == "谢谢"),
        "the conversation went on where it was: {stored:?}"
    );

    // A conversation the server does not know (404) is forgotten: a new one starts.
    browser
        .script(
            "localStorage.setItem('helpbot.conversation',
                JSON.stringify({ id: 'no-such-conversation', token: 'x' }));",
            vec![],
        )
        .await;
    browser.client.refresh().await.expect("reload");
    browser.open_widget(&app).await;
    let fresh = kept_conversation(&browser).await;
    assert!(
        fresh["id"]
            .as_str()
            .is_some_and(|new| new != "no-such-conversation" && new != id),
        "{fresh}"
    );
    browser.close().await;
}

#[tokio::test]
async fn a_newer_tab_takes_over_the_live_messages_and_the_older_one_says_so() {
    let app = spawn_app_with(|c| c.web.event_streams_per_conversation = 1).await;
    let browser = Browser::open("tabs", 1280, 800, false).await;
    browser.open_widget(&app).await;
    let id = kept_conversation(&browser).await["id"]
        .as_str()
        .expect("a kept conversation")
        .to_string();
    // Wait until this tab's event stream is open, and note every status it shows from now on.
    browser
        .wait_until(
            "document.querySelector('.hb-status').hidden",
            vec![],
            "the first tab's live stream",
        )
        .await;
    browser
        .script(
            "window.__statuses = [];
             var status = document.querySelector('.hb-status');
             new MutationObserver(function () {
                 if (!status.hidden) window.__statuses.push(status.textContent);
             }).observe(status, { attributes: true, childList: true, characterData: true, subtree: true });",
            vec![],
        )
        .await;
    let first = browser.client.window().await.expect("first tab");

    // The same conversation in a second tab (the conversation is kept per site).
    let second = browser.client.new_window(true).await.expect("a new tab");
    browser
        .client
        .switch_to_window(second.handle)
        .await
        .expect("to the second tab");
    browser.open_widget(&app).await;
    assert_eq!(kept_conversation(&browser).await["id"], json!(id));
    browser
        .wait_until(
            "document.querySelector('.hb-status').hidden",
            vec![],
            "the second tab's live stream",
        )
        .await;
    let before = browser.bot_messages().await;
    app.push_notice(&id, "来自老师的消息").await;
    browser.wait_for_bot_text(before, "来自老师的消息").await;

    browser
        .client
        .switch_to_window(first)
        .await
        .expect("back to the first tab");
    let statuses = browser
        .wait_until(
            "window.__statuses.join('\\n')",
            vec![],
            "the first tab's notice",
        )
        .await;
    assert!(
        statuses
            .as_str()
            .is_some_and(|s| s.contains("已在另一个窗口中打开")),
        "{statuses}"
    );
    browser.screenshot("1-replaced").await;

    // Looking at the first tab again makes it the live one.
    browser
        .wait_until(
            "document.visibilityState === 'visible' && document.querySelector('.hb-status').hidden",
            vec![],
            "the first tab live again",
        )
        .await;
    let before = browser.bot_messages().await;
    app.push_notice(&id, "第二条消息").await;
    browser.wait_for_bot_text(before, "第二条消息").await;
    browser.close().await;
}

#[tokio::test]
async fn a_student_waits_for_a_person_hears_them_by_name_and_rates_the_help() {
    use helpbot::handoff::Agent;
    use helpbot::handoff::hours::{ClockTime, Day};
    let app = spawn_app_with(|config| {
        config.handoff.days = Day::ALL.to_vec();
        config.handoff.opens = ClockTime(chrono::NaiveTime::MIN);
        config.handoff.closes = ClockTime(chrono::NaiveTime::MIN);
    })
    .await;
    let agent = Agent::new("staff-wang-01", "小王");
    let desk = app.assistant.desk();
    desk.heartbeat(&agent).await.expect("beat");
    let browser = Browser::open("handoff", 1100, 800, false).await;
    browser.open_widget(&app).await;
    let before = browser.bot_messages().await;
    browser.say("转人工").await;
    browser.wait_for_bot_text(before, "排在第 1 位").await;
    let id = desk.queue().await.expect("queue")[0].handoff.id.clone();
    desk.take(&id, &agent).await.expect("take");
    browser.wait_for_bot_text(before, "客服 小王 已接入").await;
    let before = browser.bot_messages().await;
    // A student's markup is text for the agent, and the agent's is text for the student.
    browser.say("我的账号<b>登不上</b>").await;
    desk.reply(&id, &agent, "您好，<i>请问</i>您的用户名是？")
        .await
        .expect("reply");
    browser.wait_for_bot_text(before, "请问").await;
    let shown = browser
        .script(
            "var m = Array.from(document.querySelectorAll('.hb-person')).pop();
             return m ? [m.querySelector('.hb-sender').textContent, m.innerText,
                         m.querySelectorAll('i').length] : null;",
            vec![],
        )
        .await;
    assert_eq!(shown[0], json!("小王"), "{shown}");
    assert!(
        shown[1].as_str().is_some_and(|t| t.contains("<i>请问</i>")),
        "{shown}"
    );
    assert_eq!(shown[2], json!(0), "markup was rendered: {shown}");
    browser.screenshot("1-agent-reply").await;

    let before = browser.bot_messages().await;
    desk.close(&id, &agent).await.expect("close");
    browser.wait_for_bot_text(before, "打分").await;
    browser.press("5 分").await;
    browser.wait_for_bot_text(before, "谢谢您的评价").await;
    browser.screenshot("2-rated").await;
    assert_eq!(desk.handoff(&id).await.expect("handoff").rating, Some(5));
    browser.close().await;
}
