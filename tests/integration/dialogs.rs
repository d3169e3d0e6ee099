//! Scripted conversations through the core for the guided dialogs, on demo data: every route of
//! the duplicate-ID diagnosis, recovery with codes, the verification routes (including the
//! classmate's two-party flow), steering commands, bad input, and a restart in the middle.

use crate::common;

use common::{TestDb, config, png};
use helpbot::accounts::Requester;
use helpbot::accounts::demo::{DEMO_PASSWORD, load_demo_data};
use helpbot::accounts::notify::latest;
use helpbot::assistant::{Assistant, BotMessage, Input};
use helpbot::locale::Locale;

/// Who asks: a conversation of the test channel.
fn who(conversation: &str) -> Requester {
    Requester::new("test", conversation)
}

struct Chat {
    assistant: Assistant,
    id: String,
}

async fn assistant(test_db: &TestDb) -> Assistant {
    helpbot::runtime::start(&config(test_db.url()))
        .await
        .expect("starts")
}

async fn demo(test_db: &TestDb) -> Assistant {
    let assistant = assistant(test_db).await;
    let store = helpbot::runtime::account_store(assistant.database().clone());
    load_demo_data(&store).await.expect("demo data");
    assistant
}

impl Chat {
    async fn open(assistant: &Assistant, locale: Locale) -> Self {
        let (id, _) = assistant
            .start_conversation("test", locale)
            .await
            .expect("conversation");
        Self {
            assistant: assistant.clone(),
            id,
        }
    }

    async fn say(&self, text: &str) -> Vec<BotMessage> {
        self.assistant
            .handle(&self.id, Input::Text(text.into()))
            .await
            .expect("turn")
    }

    async fn press(&self, payload: &str) -> Vec<BotMessage> {
        self.assistant
            .handle(&self.id, Input::Button(payload.into()))
            .await
            .expect("turn")
    }

    async fn photo(&self, bytes: Vec<u8>) -> Vec<BotMessage> {
        self.assistant
            .handle(&self.id, Input::Photo(bytes))
            .await
            .expect("turn")
    }
}

fn all_text(messages: &[BotMessage]) -> String {
    messages
        .iter()
        .map(|m| m.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

fn labels(messages: &[BotMessage]) -> Vec<String> {
    messages
        .last()
        .map(|m| m.buttons.iter().map(|b| b.label.clone()).collect())
        .unwrap_or_default()
}

/// The last SMS code in the outbox.
async fn code(assistant: &Assistant) -> String {
    common::code_in(&latest(assistant.database(), 1).await.expect("outbox")[0].body)
}

#[tokio::test]
async fn already_registered_never_registered_record_route_deactivates_the_old_account() {
    common::on_both_backends(async |test_db| {
        let assistant = demo(&test_db).await;
        let chat = Chat::open(&assistant, Locale::ZhCn).await;
        let answer = chat.say("注册的时候显示身份证已经被注册了").await;
        assert_eq!(answer[0].buttons[0].payload, "dialog:duplicate-id");
        let which = chat.press("dialog:duplicate-id").await;
        assert!(all_text(&which).contains("哪一条提示"));
        assert_eq!(labels(&which).len(), 3);
        let registered = chat.say("1").await;
        assert!(all_text(&registered).contains("以前用这个证件号码注册过"));
        let warning = chat.say("从没注册过").await;
        let warning_text = all_text(&warning);
        assert!(
            warning_text.contains("注销") && warning_text.contains("学籍、学历信息不会丢失"),
            "{warning_text}"
        );
        chat.say("1").await; // confirm
        chat.say("2").await; // already registered with 我要重新注册
        let routes = chat.say("1").await; // record route
        assert!(
            all_text(&routes).contains("请输入用户名"),
            "{}",
            all_text(&routes)
        );
        chat.say("lisi2024").await;
        let intro = chat.say(DEMO_PASSWORD).await;
        assert!(all_text(&intro).contains("最多核对 3 次"));
        chat.say("2").await; // graduate
        chat.say("北京大学").await;
        chat.say("100011201905000123").await;
        chat.say("2019").await;
        let done = chat.say("本科").await;
        let text = all_text(&done);
        assert!(text.contains("核验通过") && text.contains("l**i"), "{text}");
        let store = assistant.accounts();
        assert!(matches!(
            store.sign_in("lisi", DEMO_PASSWORD, &who("t")).await,
            Err(helpbot::accounts::AccountError::AccountDeactivated)
        ));
        // The password typed in the dialog is nowhere in the stored conversation.
        let stored = assistant
            .database()
            .messages(&chat.id)
            .await
            .expect("messages");
        let record = assistant
            .database()
            .conversation(&chat.id)
            .await
            .expect("read")
            .expect("exists");
        assert!(!record.state.contains(DEMO_PASSWORD));
        assert!(
            stored
                .iter()
                .any(|m| m.outcome.as_deref() == Some("dialog"))
        );
        assistant.database().close().await;
    })
    .await;
}

#[tokio::test]
async fn a_pasted_pending_message_is_recognised_and_an_unknown_state_is_looked_up() {
    let test_db = TestDb::sqlite();
    let assistant = demo(&test_db).await;
    let chat = Chat::open(&assistant, Locale::ZhCn).await;
    chat.press("dialog:duplicate-id").await;
    let pending = chat
        .say("它说：证件号码重复待审核，不能再次注册此证件号码")
        .await;
    let text = all_text(&pending);
    assert!(text.contains("3 个工作日"), "{text}");
    assert_eq!(labels(&pending).len(), 4);

    let chat = Chat::open(&assistant, Locale::ZhCn).await;
    chat.press("dialog:duplicate-id").await;
    chat.say("3").await; // not sure
    let bad = chat.say("120104199102052531").await;
    assert!(
        all_text(&bad).contains("校验码不正确"),
        "{}",
        all_text(&bad)
    );
    let looked_up = chat.say("11010519491231002x").await;
    assert!(
        all_text(&looked_up).contains("证件号码重复待审核"),
        "{}",
        all_text(&looked_up)
    );
    // The ID number is never echoed in full.
    assert!(!all_text(&looked_up).contains("11010519491231002X"));
}

#[tokio::test]
async fn find_username_then_reset_password_with_codes() {
    use helpbot::accounts::embedded::{EmbeddedAccountStore, ManualClock};
    use helpbot::accounts::notify::OutboxNotifier;
    use std::sync::Arc;
    for (locale, wrong_code_text, revealed, wait_text, done_text) in [
        (
            Locale::ZhCn,
            "还可以再试 4 次",
            "您的用户名是：zhangsan",
            "请 60 秒后再获取",
            "密码已重置",
        ),
        (
            Locale::En,
            "4 tries left",
            "Your username is: zhangsan",
            "wait 60 seconds",
            "password is reset",
        ),
    ] {
        let test_db = TestDb::sqlite();
        let config = config(test_db.url());
        let db = test_db.connect().await;
        let clock = Arc::new(ManualClock::new(helpbot::store::now_ms()));
        let store = Arc::new(EmbeddedAccountStore::new(
            db.clone(),
            Arc::new(OutboxNotifier::new(db.clone())),
            clock.clone(),
        ));
        load_demo_data(&store).await.expect("demo data");
        let content = helpbot::runtime::load_content(&config).expect("content");
        let assistant = Assistant::new(
            content,
            db,
            store,
            helpbot::assistant::AssistantSettings::from(&config),
        );
        let chat = Chat::open(&assistant, locale).await;
        chat.press("dialog:find-username").await;
        chat.say("张三").await;
        let asked = chat.say("120104199102052530").await;
        assert!(
            all_text(&asked).contains("138****0001"),
            "{}",
            all_text(&asked)
        );
        let first = code(&assistant).await;
        let wrong = if first == "000000" {
            "111111"
        } else {
            "000000"
        };
        let refused = chat.say(wrong).await;
        assert!(
            all_text(&refused).contains(wrong_code_text),
            "{}",
            all_text(&refused)
        );
        let shown = chat.say(&first).await;
        assert!(all_text(&shown).contains(revealed), "{}", all_text(&shown));

        // On to the password at once: the resend interval is explained, and a resend a minute
        // later works.
        let too_soon = chat.say("1").await;
        assert!(
            all_text(&too_soon).contains(wait_text),
            "{}",
            all_text(&too_soon)
        );
        clock.advance(61_000);
        let sent = chat.say("1").await;
        assert!(
            all_text(&sent).contains("138****0001"),
            "{}",
            all_text(&sent)
        );
        chat.say(&code(&assistant).await).await;
        let weak = chat.say("short").await;
        assert!(all_text(&weak).contains("8–32"), "{}", all_text(&weak));
        let done = chat.say("New-pass-2026").await;
        assert!(all_text(&done).contains(done_text), "{}", all_text(&done));
        assistant
            .accounts()
            .sign_in("zhangsan", "New-pass-2026", &who("t"))
            .await
            .expect("new password works");
    }
}

#[tokio::test]
async fn steering_commands_unrelated_questions_and_repeated_bad_input() {
    let test_db = TestDb::sqlite();
    let assistant = demo(&test_db).await;
    let chat = Chat::open(&assistant, Locale::ZhCn).await;
    chat.press("dialog:find-username").await;
    chat.say("张三").await;
    // back: the name question again
    let back = chat.say("返回").await;
    assert!(all_text(&back).contains("真实姓名"), "{}", all_text(&back));
    // an unrelated question is answered, then the dialog can continue
    let aside = chat.say("收不到手机校验码短信").await;
    assert!(all_text(&aside).contains("1 天"), "{}", all_text(&aside));
    assert_eq!(
        aside.last().map(|m| m.buttons[0].payload.as_str()),
        Some("dlg:continue")
    );
    let resumed = chat.press("dlg:continue").await;
    assert!(all_text(&resumed).contains("真实姓名"));
    chat.say("张三").await;
    // three invalid ID numbers in a row offer human help
    chat.say("123").await;
    chat.say("abc").await;
    let third = chat.say("456").await;
    assert!(
        all_text(&third).contains("转人工客服"),
        "{}",
        all_text(&third)
    );
    assert_eq!(
        labels(&third),
        vec!["转人工".to_string(), "继续".to_string()]
    );
    let human = chat.press("dlg:human").await;
    assert!(all_text(&human).contains("010-82199588"));
    // the dialog is over: a question is answered from the knowledge base again
    let after = chat.say("忘记密码").await;
    assert!(all_text(&after).contains("找回密码"));
    // restart from the middle of another dialog
    chat.press("dialog:duplicate-id").await;
    chat.say("1").await;
    let restarted = chat.say("重新开始").await;
    assert!(all_text(&restarted).contains("哪一条提示"));
    let cancelled = chat.say("退出").await;
    assert!(all_text(&cancelled).contains("已结束"));
}

#[tokio::test]
async fn a_dialog_survives_a_restart_of_the_service() {
    let test_db = TestDb::sqlite();
    let id = {
        let assistant = demo(&test_db).await;
        let chat = Chat::open(&assistant, Locale::ZhCn).await;
        chat.press("dialog:find-username").await;
        chat.say("张三").await;
        assistant.database().close().await;
        chat.id.clone()
    };
    // A new service on the same database continues where the conversation was.
    let assistant = assistant(&test_db).await;
    let next = assistant
        .handle(&id, Input::Text("120104199102052530".into()))
        .await
        .expect("turn");
    assert!(
        all_text(&next).contains("138****0001"),
        "{}",
        all_text(&next)
    );
}

#[tokio::test]
async fn the_classmate_two_party_flow() {
    let test_db = TestDb::postgres().await;
    let assistant = demo(&test_db).await;
    let student = Chat::open(&assistant, Locale::ZhCn).await;
    student.press("dialog:verify-by-classmate").await;
    student.say("1").await;
    student.say("lisi2024").await;
    let rules = student.say(DEMO_PASSWORD).await;
    assert!(all_text(&rules).contains("手机实名绑定"));
    student.say("王芳").await;
    student.say("13800000003").await;
    let sent = student.say("13800000012").await;
    assert!(
        all_text(&sent).contains("协助请求已发送"),
        "{}",
        all_text(&sent)
    );

    let classmate = Chat::open(&assistant, Locale::En).await;
    classmate.press("dialog:verify-by-classmate").await;
    classmate.say("2").await;
    classmate.say("wangfang").await;
    let request = classmate.say(DEMO_PASSWORD).await;
    let text = all_text(&request);
    assert!(
        text.contains("李四") && text.contains("138****0012"),
        "{text}"
    );
    let confirmed = classmate.say("1").await;
    let text = all_text(&confirmed);
    assert!(
        text.contains("Confirmed") && text.contains("No requests"),
        "{text}"
    );
    let session = assistant
        .accounts()
        .sign_in("lisi2024", DEMO_PASSWORD, &who("t"))
        .await
        .expect("signs in");
    assert_eq!(
        assistant
            .accounts()
            .account(&session.account_id)
            .await
            .expect("account")
            .state,
        helpbot::accounts::AccountState::Active
    );
    // The student hears about it in their own conversation, not the classmate's.
    let news = pushed_texts(&assistant, &student.id).await;
    assert!(news.iter().any(|t| t.contains("同学已确认")), "{news:?}");
    assert!(pushed_texts(&assistant, &classmate.id).await.is_empty());
    assistant.database().close().await;
}

/// The messages pushed to a conversation outside its turns.
pub async fn pushed_texts(assistant: &Assistant, conversation: &str) -> Vec<String> {
    assistant
        .database()
        .messages(conversation)
        .await
        .expect("messages")
        .into_iter()
        .filter(|m| m.outcome.as_deref() == Some("pushed"))
        .filter_map(|m| serde_json::from_str::<BotMessage>(&m.body).ok())
        .map(|m| m.text)
        .collect()
}

#[tokio::test]
async fn photos_are_uploaded_in_the_chat_and_the_review_status_is_shown() {
    let test_db = TestDb::sqlite();
    let assistant = demo(&test_db).await;
    let chat = Chat::open(&assistant, Locale::ZhCn).await;
    chat.press("dialog:verify-by-photo").await;
    chat.say("lisi2024").await;
    let rules = chat.say(DEMO_PASSWORD).await;
    assert!(all_text(&rules).contains("300 KB"));
    assert!(rules.last().is_some_and(|m| m.expects_photo));
    let not_a_photo = chat.say("我没有照片").await;
    assert!(
        all_text(&not_a_photo).contains("请上传一张照片"),
        "{}",
        all_text(&not_a_photo)
    );
    // Each photo is checked as it arrives: a bad one is refused at once and asked for again.
    let text_file = chat
        .photo(b"this is a text file renamed to .jpg".to_vec())
        .await;
    assert!(
        all_text(&text_file).contains("不是图片"),
        "{}",
        all_text(&text_file)
    );
    assert!(
        all_text(&text_file).contains("正面"),
        "{}",
        all_text(&text_file)
    );
    assert!(
        !all_text(&text_file).contains("背面"),
        "{}",
        all_text(&text_file)
    );
    let front = chat.photo(png(300, 300, false)).await;
    assert!(all_text(&front).contains("背面"), "{}", all_text(&front));
    let submitted = chat.photo(png(320, 240, false)).await;
    assert!(
        all_text(&submitted).contains("待审核"),
        "{}",
        all_text(&submitted)
    );

    let status = Chat::open(&assistant, Locale::ZhCn).await;
    status.press("dialog:review-status").await;
    status.say("lisi2024").await;
    let shown = status.say(DEMO_PASSWORD).await;
    assert!(all_text(&shown).contains("待审核"), "{}", all_text(&shown));

    // Staff reject it: both conversations that signed in to the account are told why, with a
    // button to upload again.
    let review = assistant
        .accounts()
        .pending_reviews(10)
        .await
        .expect("queue")
        .pop()
        .expect("a review");
    assistant
        .decide_review(
            &review.id,
            "staff-1",
            helpbot::accounts::StaffDecision::Reject {
                reason: "照片模糊".into(),
            },
        )
        .await
        .expect("rejected");
    for conversation in [&chat.id, &status.id] {
        let news = pushed_texts(&assistant, conversation).await;
        assert!(
            news.len() == 1 && news[0].contains("没有通过审核") && news[0].contains("照片模糊"),
            "{news:?}"
        );
    }
    // Still signed in in this conversation: after a rejection the photos are asked for again.
    let again = chat.press("dialog:verify-by-photo").await;
    assert!(all_text(&again).contains("300 KB"), "{}", all_text(&again));
    assert!(again.last().is_some_and(|m| m.expects_photo));
}

#[tokio::test]
async fn a_waiting_review_is_said_before_anything_is_uploaded() {
    let test_db = TestDb::sqlite();
    let assistant = demo(&test_db).await;
    let first = Chat::open(&assistant, Locale::ZhCn).await;
    first.press("dialog:verify-by-photo").await;
    first.say("lisi2024").await;
    first.say(DEMO_PASSWORD).await;
    first.photo(png(300, 300, false)).await;
    first.photo(png(320, 240, false)).await;

    let second = Chat::open(&assistant, Locale::ZhCn).await;
    second.press("dialog:verify-by-photo").await;
    second.say("lisi2024").await;
    let told = second.say(DEMO_PASSWORD).await;
    assert!(
        all_text(&told).contains("正在等待客服审核"),
        "{}",
        all_text(&told)
    );
    assert!(
        !told.iter().any(|m| m.expects_photo),
        "no upload is asked for"
    );
}

#[tokio::test]
async fn two_users_work_at_once() {
    let test_db = TestDb::sqlite();
    let assistant = demo(&test_db).await;
    let a = Chat::open(&assistant, Locale::ZhCn).await;
    let b = Chat::open(&assistant, Locale::En).await;
    let (_, _) = tokio::join!(
        a.press("dialog:find-username"),
        b.press("dialog:duplicate-id")
    );
    let (ra, rb) = tokio::join!(a.say("张三"), b.say("2"));
    assert!(all_text(&ra).contains("身份证号码"));
    assert!(
        all_text(&rb).contains("3 working days"),
        "{}",
        all_text(&rb)
    );
}

/// A value each validator accepts, for walking dialogs without a script.
fn canned(validator: &str) -> Input {
    let text = match validator {
        "name" => "李四",
        "id-number" => "11010519491231002X",
        "mobile" => "13800000012",
        "year" => "2019",
        "code" => "000000",
        "school" => "北京大学",
        "number" => "100011201905000123",
        "level" => "本科",
        "username" => "lisi2024",
        "password" => DEMO_PASSWORD,
        "photo" => return Input::Photo(png(300, 300, false)),
        _ => "好的",
    };
    Input::Text(text.into())
}

/// Walks every dialog in both languages, pressing every button and answering every input step
/// with a valid value, until no new step is reached: every message on the way must exist in the
/// locale (no raw message ids), and most steps of every dialog must be reachable this way.
#[tokio::test]
async fn every_dialog_step_reached_by_buttons_renders_in_both_languages() {
    use std::collections::{BTreeSet, VecDeque};
    let test_db = TestDb::sqlite();
    let assistant = demo(&test_db).await;
    let dialogs = assistant.content().dialogs.clone();
    let mut reached: BTreeSet<(String, String)> = BTreeSet::new();
    for locale in [Locale::ZhCn, Locale::En] {
        for name in dialogs.names() {
            // A path is the inputs after starting the dialog.
            let mut queue: VecDeque<Vec<Input>> = VecDeque::from([Vec::new()]);
            let mut seen_paths = 0;
            while let Some(path) = queue.pop_front() {
                seen_paths += 1;
                if seen_paths > 200 || path.len() > 16 {
                    continue;
                }
                let chat = Chat::open(&assistant, locale).await;
                let mut last = chat.press(&format!("dialog:{name}")).await;
                for input in &path {
                    last = assistant
                        .handle(&chat.id, input.clone())
                        .await
                        .expect("turn");
                }
                for message in &last {
                    let id_like = !message.text.contains(' ')
                        && message.text.contains('-')
                        && message.text.is_ascii();
                    assert!(
                        !id_like,
                        "untranslated `{}` in {name} ({locale})",
                        message.text
                    );
                }
                let record = assistant
                    .database()
                    .conversation(&chat.id)
                    .await
                    .expect("read")
                    .expect("exists");
                let state: helpbot::assistant::ConversationState =
                    serde_json::from_str(&record.state).expect("state");
                let Some(dialog_state) = state.dialog else {
                    continue;
                };
                let key = (dialog_state.dialog.clone(), dialog_state.step.clone());
                let new_step = reached.insert(key.clone());
                if !new_step && !path.is_empty() {
                    continue;
                }
                let Some(step) = dialogs.get(&key.0).and_then(|d| d.steps.get(&key.1)) else {
                    continue;
                };
                if !step.buttons.is_empty() {
                    for index in 0..step.buttons.len() {
                        let mut next = path.clone();
                        next.push(Input::Button(format!("dlg:{index}")));
                        queue.push_back(next);
                    }
                } else if let Some(validator) = &step.input {
                    let mut next = path.clone();
                    next.push(canned(validator));
                    queue.push_back(next);
                }
            }
        }
    }
    let all: BTreeSet<(String, String)> = dialogs
        .by_name
        .iter()
        .flat_map(|(name, d)| {
            d.steps
                .iter()
                .filter(|(_, s)| s.waits())
                .map(move |(step, _)| (name.clone(), step.clone()))
        })
        .collect();
    let missed: Vec<_> = all.difference(&reached).collect();
    eprintln!(
        "reached {} of {} waiting steps; missed {missed:?}",
        all.len() - missed.len(),
        all.len()
    );
    assert!(
        missed.len() * 5 <= all.len(),
        "{} of {} waiting steps never reached: {missed:?}",
        missed.len(),
        all.len()
    );
}

#[tokio::test]
async fn too_frequent_tells_how_long_the_lock_lasts_and_sms_troubleshooting_hands_over() {
    let test_db = TestDb::sqlite();
    let assistant = demo(&test_db).await;
    let chat = Chat::open(&assistant, Locale::ZhCn).await;
    chat.press("dialog:too-frequent").await;
    chat.say("1").await;
    chat.say("zhaolei").await;
    let locked = chat.say(DEMO_PASSWORD).await;
    let text = all_text(&locked);
    assert!(
        text.contains("120") && text.contains("操作过于频繁"),
        "{text}"
    );

    let chat = Chat::open(&assistant, Locale::En).await;
    let mut last = chat.press("dialog:sms-code-not-received").await;
    // Always take the last option ("still nothing" / "human") until the dialog hands over.
    for _ in 0..8 {
        if all_text(&last).contains("010-82199588") {
            break;
        }
        let Some(count) = last.last().map(|m| m.buttons.len()).filter(|n| *n > 0) else {
            break;
        };
        let choice = if last
            .last()
            .is_some_and(|m| m.buttons.iter().any(|b| b.label.contains("uman")))
        {
            last.last()
                .and_then(|m| m.buttons.iter().position(|b| b.label.contains("uman")))
                .unwrap_or(0)
        } else {
            count - 1
        };
        last = chat.press(&format!("dlg:{choice}")).await;
    }
    assert!(
        all_text(&last).contains("010-82199588"),
        "{}",
        all_text(&last)
    );
}

/// Walks the duplicate-ID dialog to the registration form and gives name, ID number and
/// mobile; what the bot said last.
async fn fill_registration_form(chat: &Chat, mobile: &str) -> String {
    chat.press("dialog:duplicate-id").await;
    chat.press("dlg:0").await; // 证件号码已被注册
    chat.press("dlg:1").await; // never registered
    chat.press("dlg:0").await; // confirm the warning
    chat.press("dlg:0").await; // register here
    chat.say("张三").await;
    chat.say("120104199102052530").await;
    all_text(&chat.say(mobile).await)
}

/// What the registration form shows for 张三's ID number now.
async fn zhangsan_state(assistant: &Assistant) -> helpbot::accounts::RegistrationState {
    let id = helpbot::accounts::identity::IdNumber::parse("120104199102052530").expect("id");
    assistant
        .accounts()
        .registration_state(&id, &who("someone"))
        .await
        .expect("state")
}

#[tokio::test]
async fn registering_in_the_chat_creates_nothing_until_the_mobile_is_proven() {
    use helpbot::accounts::RegistrationState;
    common::on_both_backends(async |test_db| {
        let assistant = demo(&test_db).await;
        let chat = Chat::open(&assistant, Locale::ZhCn).await;
        let asked = fill_registration_form(&chat, "13900000088").await;
        assert!(asked.contains("139****0088"), "{asked}");
        let code = code(&assistant).await;
        let wrong = if code == "000000" { "111111" } else { "000000" };
        let refused = all_text(&chat.say(wrong).await);
        assert!(refused.contains("不正确"), "{refused}");
        // Nothing was created yet: the ID number still shows 已被注册 to anyone.
        assert_eq!(
            zhangsan_state(&assistant).await,
            RegistrationState::Registered
        );

        // Another conversation cannot use this conversation's code.
        let other = Chat::open(&assistant, Locale::ZhCn).await;
        let too_soon = fill_registration_form(&other, "13900000088").await;
        assert!(too_soon.contains("秒"), "{too_soon}");
        other.press("dlg:1").await; // "I have the code"
        let not_here = all_text(&other.say(&code).await);
        assert!(
            not_here.contains("这次对话中没有可用的校验码"),
            "{not_here}"
        );

        let username_step = all_text(&chat.say(&code).await);
        assert!(username_step.contains("用户名"), "{username_step}");
        chat.say("zhangsan2026").await;
        let registered = all_text(&chat.say("Register-pass-51").await);
        assert!(registered.contains("核验"), "{registered}");
        assert_eq!(
            zhangsan_state(&assistant).await,
            RegistrationState::PendingReview
        );
        assistant.database().close().await;
    })
    .await;
}

#[tokio::test]
async fn a_code_step_reached_without_a_code_in_this_conversation_leads_somewhere() {
    common::on_both_backends(async |test_db| {
        let assistant = demo(&test_db).await;
        // Another tab sent the code a moment ago.
        let tab = Chat::open(&assistant, Locale::ZhCn).await;
        tab.press("dialog:find-username").await;
        tab.say("张三").await;
        tab.say("120104199102052530").await;
        let code = code(&assistant).await;

        let chat = Chat::open(&assistant, Locale::ZhCn).await;
        chat.press("dialog:find-username").await;
        chat.say("张三").await;
        let wait = chat.say("120104199102052530").await;
        assert!(all_text(&wait).contains("重新发送"), "{}", all_text(&wait));
        chat.press("dlg:1").await; // 我已收到校验码
        for _ in 0..3 {
            let answered = all_text(&chat.say(&code).await);
            assert!(
                answered.contains("这次对话中没有可用的校验码"),
                "{answered}"
            );
            // A way forward every time: send again or type a code.
            assert!(
                answered.contains("重新发送") || answered.contains("校验码"),
                "{answered}"
            );
            chat.press("dlg:1").await;
        }
        // The other tab's code still works where it was sent.
        let revealed = all_text(&tab.say(&code).await);
        assert!(revealed.contains("zhangsan"), "{revealed}");
        assistant.database().close().await;
    })
    .await;
}

#[tokio::test]
async fn asking_for_a_person_works_the_same_in_and_out_of_a_dialog() {
    let test_db = TestDb::sqlite();
    let assistant = demo(&test_db).await;
    let outside = Chat::open(&assistant, Locale::En).await;
    let asked = all_text(&outside.say("Talk to a human").await);
    let inside = Chat::open(&assistant, Locale::En).await;
    inside.press("dialog:find-username").await;
    let handed = all_text(&inside.say("Talk to a human").await);
    assert_eq!(asked, handed, "the same words, the same answer");
    let state = assistant
        .database()
        .conversation(&inside.id)
        .await
        .expect("read")
        .expect("exists")
        .state;
    assert!(state.contains("\"handoff_requested\":true"), "{state}");
    assert!(
        state.contains("\"dialog\":null"),
        "the dialog ended: {state}"
    );
}

#[tokio::test]
async fn uploaded_photos_are_kept_apart_from_the_conversation_state() {
    common::on_both_backends(async |test_db| {
        let assistant = demo(&test_db).await;
        let chat = Chat::open(&assistant, Locale::ZhCn).await;
        chat.press("dialog:verify-by-photo").await;
        chat.say("lisi2024").await;
        chat.say(DEMO_PASSWORD).await;
        let photo = png(300, 200, true);
        assert!(photo.len() > 100_000, "a photo of {} bytes", photo.len());
        let back_asked = all_text(&chat.photo(photo).await);
        assert!(back_asked.contains("背面"), "{back_asked}");
        let state = assistant
            .database()
            .conversation(&chat.id)
            .await
            .expect("read")
            .expect("exists")
            .state;
        assert!(state.len() < 4096, "{} bytes of state", state.len());
        let submitted = all_text(&chat.photo(png(320, 240, false)).await);
        assert!(submitted.contains("待审核"), "{submitted}");
        let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM uploads")
            .fetch_one(assistant.database().pool())
            .await
            .expect("count");
        assert_eq!(left, 0, "handed on to the review, then forgotten");
        assistant.database().close().await;
    })
    .await;
}

#[tokio::test]
async fn an_off_topic_question_at_a_buttons_step_is_answered_honestly_with_the_way_back() {
    let test_db = TestDb::sqlite();
    let assistant = demo(&test_db).await;
    let chat = Chat::open(&assistant, Locale::ZhCn).await;
    chat.press("dialog:duplicate-id").await;
    let off_topic = chat.say("今天天气怎么样").await;
    let text = all_text(&off_topic);
    assert!(text.contains("暂时回答不了"), "{text}");
    assert!(!text.contains("请点击下面的选项之一"), "{text}");
    let back = chat.press("dlg:continue").await;
    assert!(
        all_text(&back).contains("哪一条提示"),
        "{}",
        all_text(&back)
    );
    assert_eq!(labels(&back).len(), 3, "the step's buttons again");
}

#[tokio::test]
async fn every_declared_action_is_one_the_engine_runs() {
    use helpbot::dialog::actions::{ACTIONS, ActionError, run};
    let test_db = TestDb::sqlite();
    let assistant = demo(&test_db).await;
    for spec in ACTIONS {
        let mut slots = Default::default();
        let result = run(
            spec.name,
            assistant.accounts().as_ref(),
            assistant.database(),
            &mut slots,
            &who("declared-actions"),
        )
        .await;
        if let Err(ActionError::Account(error)) = &result {
            assert!(
                !error.to_string().contains("unknown action"),
                "`{}` is declared but not run: {error}",
                spec.name
            );
        }
        if let Ok(done) = &result {
            assert!(
                spec.outcomes.contains(&done.outcome),
                "`{}` returned undeclared outcome `{}`",
                spec.name,
                done.outcome
            );
        }
    }
}
