//! The widget's start screen (issue 16): a new conversation opens with the welcome and the hot
//! questions as category tabs, on a desktop and on a 360 px phone; the tabs work with the
//! keyboard; a question clicked is answered; "常见问题" (the button, or typed) brings them back.
//! Screenshots of the start screen go to `target/screenshots/`.

use fantoccini::Locator;
use fantoccini::key::Key;
use helpbot::locale::Locale;
use serde_json::{Value, json};

use super::Browser;
use crate::common;
use crate::common::server::spawn_app_with;

async fn save_screenshot(browser: &Browser, name: &str) {
    let png = browser.client.screenshot().await.expect("screenshot");
    let dir = common::repo().join("target").join("screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    std::fs::write(dir.join(format!("{name}.png")), png).expect("screenshot written");
}

/// The tabs of the newest block of hot questions: their names, which one is selected, and the
/// labels of the questions visible now.
async fn newest_block(browser: &Browser) -> Value {
    browser
        .script(
            "var blocks = document.querySelectorAll('.hb-hot');
             var block = blocks[blocks.length - 1];
             var tabs = Array.from(block.querySelectorAll('[role=tab]'));
             var visible = Array.from(block.querySelectorAll('[role=tabpanel]'))
                 .filter(function (p) { return !p.hidden && p.offsetHeight > 0; });
             return {
               blocks: blocks.length,
               tabs: tabs.map(function (t) { return t.textContent; }),
               selected: tabs.filter(function (t) { return t.getAttribute('aria-selected') === 'true'; })
                   .map(function (t) { return t.textContent; }),
               focusable: tabs.filter(function (t) { return t.tabIndex === 0; }).length,
               visible: visible.map(function (p) {
                   return Array.from(p.querySelectorAll('button')).map(function (b) { return b.textContent; });
               }),
             };",
            vec![],
        )
        .await
}

async fn the_start_screen_works(name: &'static str, width: u32, height: u32, phone: bool) {
    let app = spawn_app_with(|config| config.hot.in_opening = true).await;
    let menu = app.assistant.start_menu(Locale::ZhCn);
    let categories: Vec<String> = menu[1..].iter().map(|m| m.text.clone()).collect();
    let labels = |index: usize| -> Vec<String> {
        menu[index + 1]
            .buttons
            .iter()
            .map(|b| b.label.clone())
            .collect()
    };
    assert!(categories.len() > 2, "{menu:?}");
    let browser = Browser::open(name, width, height, phone).await;
    browser.open_widget(&app).await;
    browser
        .wait_until(
            "document.querySelectorAll('.hb-hot [role=tab]').length === arguments[0]",
            vec![json!(categories.len())],
            "the category tabs",
        )
        .await;
    // The welcome with its intro, then one tab per category, the first one open.
    let welcome = browser
        .script(
            "return document.querySelector('.hb-msg.hb-bot').innerText;",
            vec![],
        )
        .await;
    assert!(
        welcome
            .as_str()
            .is_some_and(|t| t.contains("请问有什么可以帮您") && t.contains("最常问的问题")),
        "{welcome}"
    );
    let block = newest_block(&browser).await;
    assert_eq!(block["blocks"], json!(1));
    assert_eq!(block["tabs"], json!(categories));
    assert_eq!(block["selected"], json!([categories[0]]));
    assert_eq!(block["focusable"], json!(1), "one tab in the Tab order");
    assert_eq!(block["visible"], json!([labels(0)]));
    let fits = browser
        .script(
            "var panel = document.querySelector('.hb-panel').getBoundingClientRect();
             var hot = document.querySelector('.hb-hot').getBoundingClientRect();
             return document.documentElement.scrollWidth <= window.innerWidth
                 && hot.left >= panel.left && hot.right <= panel.right + 1
                 && Array.from(document.querySelectorAll('.hb-hot [role=tab], .hb-hot-panel button'))
                     .filter(function (b) { return b.offsetHeight > 0; })
                     .every(function (b) { var r = b.getBoundingClientRect();
                         return r.left >= panel.left && r.right <= panel.right + 1; });",
            vec![],
        )
        .await;
    assert_eq!(
        fits,
        json!(true),
        "the start screen does not fit {width} px"
    );
    save_screenshot(&browser, &format!("start-{name}")).await;

    // The keyboard: Tab order reaches the selected tab; the arrows move between categories.
    browser
        .script(
            "document.querySelector('.hb-hot [role=tab][aria-selected=true]').focus();",
            vec![],
        )
        .await;
    browser
        .client
        .active_element()
        .await
        .expect("focus")
        .send_keys(&String::from(char::from(Key::Right)))
        .await
        .expect("arrow right");
    let block = newest_block(&browser).await;
    assert_eq!(block["selected"], json!([categories[1]]));
    assert_eq!(block["visible"], json!([labels(1)]));
    let focused = browser
        .script("return document.activeElement.textContent;", vec![])
        .await;
    assert_eq!(focused, json!(categories[1]));
    browser
        .client
        .active_element()
        .await
        .expect("focus")
        .send_keys(&String::from(char::from(Key::End)))
        .await
        .expect("end");
    let block = newest_block(&browser).await;
    assert_eq!(block["selected"], json!([categories.last()]));

    // A click on a question of the second category answers it, as if typed.
    browser
        .client
        .find(Locator::Css(".hb-hot [role=tab]:nth-child(2)"))
        .await
        .expect("second tab")
        .click()
        .await
        .expect("click tab");
    let question = labels(1)[0].clone();
    let before = browser.bot_messages().await;
    let xpath = format!(
        "//div[contains(@class,'hb-hot-panel') and not(@hidden)]/button[normalize-space(.)='{question}']"
    );
    browser
        .client
        .find(Locator::XPath(&xpath))
        .await
        .expect("the question's button")
        .click()
        .await
        .expect("click question");
    browser
        .wait_until(
            "(function (after, question) {
                return Array.from(document.querySelectorAll('.hb-msg.hb-bot')).slice(after)
                    .some(function (m) { return m.getAttribute('data-kind') === 'answer'
                        && m.innerText.indexOf(question) === 0; });
            })(arguments[0], arguments[1])",
            vec![json!(before), json!(question)],
            "the pressed question's answer",
        )
        .await;
    save_screenshot(&browser, &format!("answer-{name}")).await;

    // "常见问题" under the answer brings the categories back, and so does typing it.
    browser
        .client
        .find(Locator::Css(".hb-msg[data-kind=answer] .hb-menu-button"))
        .await
        .expect("the common questions button")
        .click()
        .await
        .expect("click common questions");
    browser
        .wait_until(
            "document.querySelectorAll('.hb-hot').length === 2",
            vec![],
            "the hot questions again",
        )
        .await;
    let block = newest_block(&browser).await;
    assert_eq!(block["tabs"], json!(categories));
    browser.say("常见问题").await;
    browser
        .wait_until(
            "document.querySelectorAll('.hb-hot').length === 3",
            vec![],
            "the hot questions asked for by name",
        )
        .await;
    let block = newest_block(&browser).await;
    assert_eq!(block["tabs"], json!(categories));
    assert_eq!(block["visible"], json!([labels(0)]));
    save_screenshot(&browser, &format!("again-{name}")).await;
    browser.close().await;
}

#[tokio::test]
async fn the_start_screen_shows_the_hot_questions_by_category_on_a_desktop() {
    the_start_screen_works("desktop", 1280, 800, false).await;
}

#[tokio::test]
async fn the_start_screen_shows_the_hot_questions_by_category_on_a_phone() {
    the_start_screen_works("phone", 360, 740, true).await;
}
