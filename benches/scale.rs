//! How cost grows with the size of the content and of the database. Run with
//! `cargo bench --bench scale`; it prints numbers, it asserts nothing.
//!
//! `knowledge` (`cargo bench --bench scale -- knowledge`): the shipped content, then synthetic
//! knowledge bases of 30, 1,000 and 10,000 entries (valid as `helpbot check` wants them: both
//! languages, titles, similar questions, answers, related entries in the shipped categories),
//! written into a temporary folder beside copies of the shipped dialogs and translations. Their
//! Chinese is made of the domain's own words (accounts, ID numbers, codes, mail, records …) in
//! the shapes students write, so the index has realistic term statistics. Per size: start-up
//! (`Content::load`: validation, jieba, the tantivy index), answer latency over the evaluation
//! questions (the answering core on one thread, as `benches/answering.rs`), the memory of an idle
//! `helpbot chat` on that content, and the reload of a changed file (`Reloader::reload`, the
//! fingerprint of every file included) and of unchanged files (the fingerprint alone).
//!
//! `conversations` (`cargo bench --bench scale -- conversations`, `BENCH_BACKEND=sqlite|postgres`
//! for one backend): turn latency through the core (`Assistant::handle`) with 1,000, 100,000 and
//! 1,000,000 stored conversations of three messages each (the welcome, a question, its answer:
//! the bodies of a real turn), on an SQLite file and on a fresh PostgreSQL database (created on
//! the local server, dropped at the end). The rows are added with bulk SQL (a recursive series
//! on SQLite, `generate_series` on PostgreSQL) in large transactions, never through the API.
//! When the next size would take longer than `GENERATION_BUDGET` to add at the rate measured so
//! far, or leave less than `DISK_LEFT_FREE` of the disk free (1,000,000 conversations take about
//! 2.5 GB on either backend), it says so and stops growing.

mod common;
use common::{PostgresDatabase, idle_chat, micros, ms, percentile, repo};

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use helpbot::answering::{AnswerSettings, Answerer};
use helpbot::assistant::{Assistant, Input};
use helpbot::config::{Config, ContentConfig};
use helpbot::content::{Content, ContentPaths, LiveContent};
use helpbot::eval::load_cases;
use helpbot::locale::Locale;
use helpbot::reload::{Reloaded, Reloader};
use helpbot::store::Backend;
use helpbot::text::likely_language;
use sqlx::{AnyConnection, Connection, Row};

/// Sizes of the synthetic knowledge bases.
const ENTRY_COUNTS: [usize; 3] = [30, 1_000, 10_000];
/// Numbers of stored conversations the turns are timed at.
const STORED_CONVERSATIONS: [usize; 3] = [1_000, 100_000, 1_000_000];
/// Turns timed at each number of stored conversations, of stored and of new conversations.
const TIMED_TURNS: usize = 500;
/// Untimed turns of stored conversations before the timed ones, at each size.
const WARM_UP_TURNS: usize = 100;
/// Conversations added per statement (and transaction).
const BULK_CHUNK: usize = 50_000;
/// The longest the rows of one more size may take to add, projected from the rate so far.
const GENERATION_BUDGET: Duration = Duration::from_secs(150);
/// Questions asked about the entries of a synthetic base (as many as the evaluation questions).
const QUESTIONS_ABOUT_ENTRIES: usize = 340;
/// Disk space the conversations benchmark leaves free whatever it generates.
const DISK_LEFT_FREE: u64 = 4_000_000_000;
/// Room for the write-ahead log while rows are added (PostgreSQL keeps up to `max_wal_size`, 1 GB
/// by default, and a checkpoint's worth more).
const WAL_ALLOWANCE: u64 = 1_500_000_000;
/// How long answering is timed at most per knowledge size (whole rounds of the questions).
const ANSWER_BUDGET: Duration = Duration::from_secs(8);

fn main() {
    let parts: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let wanted = |part: &str| parts.is_empty() || parts.iter().any(|p| p == part);
    if let Some(unknown) = parts
        .iter()
        .find(|p| !["knowledge", "conversations"].contains(&p.as_str()))
    {
        panic!("unknown part `{unknown}`: knowledge or conversations");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    if wanted("knowledge") {
        runtime.block_on(knowledge_sizes());
    }
    if wanted("conversations") {
        for backend in backends() {
            runtime.block_on(stored_conversations(backend));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Knowledge size

/// What one knowledge base measured, for the summary table.
struct KnowledgeRow {
    name: String,
    entries: usize,
    load: Duration,
    eval: AnswerTimes,
    own: AnswerTimes,
    rss: String,
    peak: String,
    reload: Duration,
    unchanged: Duration,
}

async fn knowledge_sizes() {
    let mut rows = Vec::new();
    let shipped = tempfile::tempdir().expect("temp dir");
    for folder in ["knowledge", "dialogs", "locales"] {
        copy_dir(&repo().join(folder), &shipped.path().join(folder));
    }
    rows.push(measure_knowledge("shipped", shipped.path(), None).await);
    for count in ENTRY_COUNTS {
        let root = tempfile::tempdir().expect("temp dir");
        let started = Instant::now();
        write_synthetic_content(root.path(), count);
        println!(
            "wrote {count} synthetic entries in {}",
            ms(started.elapsed())
        );
        let questions = synthetic_questions(count, QUESTIONS_ABOUT_ENTRIES);
        rows.push(measure_knowledge("synthetic", root.path(), Some(questions)).await);
    }
    println!();
    println!(
        "{:10} {:>7} {:>10} {:>23} {:>23} {:>11} {:>10} {:>10} {:>10} {:>10}",
        "content",
        "entries",
        "start-up",
        "answer p50/p99 eval",
        "p50/p99 own",
        "own d/s/n",
        "chat RSS",
        "peak",
        "reload",
        "unchanged"
    );
    for row in rows {
        let own_outcomes = format!(
            "{}/{}/{}",
            row.own.count("definite"),
            row.own.count("suggest"),
            row.own.count("none")
        );
        println!(
            "{:10} {:>7} {:>10} {:>23} {:>23} {:>11} {:>10} {:>10} {:>10} {:>10}",
            row.name,
            row.entries,
            ms(row.load),
            row.eval.p50_p99(),
            row.own.p50_p99(),
            own_outcomes,
            row.rss,
            row.peak,
            ms(row.reload),
            ms(row.unchanged)
        );
    }
}

/// Answer latencies over a set of questions, and what the first round answered.
#[derive(Clone)]
struct AnswerTimes {
    sorted: Vec<Duration>,
    questions: usize,
    rounds: usize,
    outcomes: std::collections::BTreeMap<&'static str, usize>,
}

impl AnswerTimes {
    fn count(&self, outcome: &str) -> usize {
        self.outcomes.get(outcome).copied().unwrap_or(0)
    }

    fn p50_p99(&self) -> String {
        format!(
            "{} / {}",
            micros(percentile(&self.sorted, 0.5)),
            micros(percentile(&self.sorted, 0.99))
        )
    }
}

impl std::fmt::Display for AnswerTimes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} answers ({} questions x {}), one thread: p50 {} p99 {} max {}; outcomes: {}",
            self.sorted.len(),
            self.questions,
            self.rounds,
            micros(percentile(&self.sorted, 0.5)),
            micros(percentile(&self.sorted, 0.99)),
            micros(self.sorted.last().copied().unwrap_or_default()),
            self.outcomes
                .iter()
                .map(|(name, count)| format!("{name} {count}"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

/// Answers the questions one at a time on this thread, in whole rounds, for up to
/// [`ANSWER_BUDGET`] (ten rounds at most).
fn time_answers(answerer: &Answerer, questions: &[String]) -> AnswerTimes {
    let mut sorted = Vec::new();
    let mut outcomes = std::collections::BTreeMap::new();
    let timing = Instant::now();
    let mut rounds = 0;
    while rounds < 10 && (rounds == 0 || timing.elapsed() < ANSWER_BUDGET) {
        for question in questions {
            let input = Input::Text(question.clone());
            let started = Instant::now();
            let reply = answerer
                .reply(&input, likely_language(question))
                .expect("reply");
            sorted.push(started.elapsed());
            if rounds == 0 {
                *outcomes.entry(reply.outcome).or_default() += 1;
            }
        }
        rounds += 1;
    }
    sorted.sort();
    AnswerTimes {
        sorted,
        questions: questions.len(),
        rounds,
        outcomes,
    }
}

/// evaluation questions are not.
async fn measure_knowledge(
    name: &str,
    root: &Path,
    own_questions: Option<Vec<String>>,
) -> KnowledgeRow {
    let config = Config {
        content: ContentConfig::under(root),
        ..Config::default()
    };
    let paths = ContentPaths::from(&config);

    // Start-up: load and validate the content, build the jieba dictionary and the index.
    let mut loads = Vec::new();
    let mut content = None;
    while loads.len() < repeats(&loads) {
        let started = Instant::now();
        let loaded = Content::load(&paths, config.search).expect("the content is valid");
        loads.push(started.elapsed());
        content = Some(loaded);
    }
    let content = content.expect("loaded").shared();
    let entries = content.knowledge.entries().len();
    println!(
        "{name} content, {entries} entries: Content::load {}",
        spread(&mut loads)
    );

    // Answer latency: the evaluation questions, and for a synthetic base questions about its
    // own entries (the evaluation questions are about the shipped ones).
    let answerer = Answerer::new(content.clone(), AnswerSettings::from(&config));
    let eval_questions: Vec<String> = load_cases(&repo().join("tests/eval/questions.tsv"))
        .expect("eval set")
        .into_iter()
        .map(|c| c.question)
        .collect();
    let eval = time_answers(&answerer, &eval_questions);
    println!("  answer latency, evaluation questions: {eval}");
    let own = match own_questions {
        Some(questions) => {
            let own = time_answers(&answerer, &questions);
            println!("  answer latency, questions about these entries: {own}");
            own
        }
        None => eval.clone(),
    };

    // Memory of a process serving this content.
    let chat = idle_chat(root);
    println!(
        "  helpbot chat: welcome after {} (process start to first message); idle VmRSS {}, peak VmHWM {}",
        ms(chat.ready),
        chat.rss,
        chat.peak
    );

    // Reload: an editor changes one entry; and a reload that finds nothing changed.
    let reloader = Reloader::new(LiveContent::new(content), &config);
    let edited = first_entry_file(&paths.knowledge);
    let mut reloads = Vec::new();
    while reloads.len() < repeats(&reloads) {
        let mut text = std::fs::read_to_string(&edited).expect("entry file");
        // The file ends inside its last answer: one more line there is a valid change.
        let _ = write!(
            text,
            "\nEdited for the reload benchmark, round {}.\n",
            reloads.len()
        );
        std::fs::write(&edited, text).expect("edit the entry");
        let started = Instant::now();
        let reloaded = reloader
            .reload()
            .await
            .expect("the edited content is valid");
        reloads.push(started.elapsed());
        assert!(
            matches!(reloaded, Reloaded::Replaced { .. }),
            "an edit must replace the content"
        );
    }
    let mut unchanged = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        let reloaded = reloader.reload().await.expect("reload");
        unchanged.push(started.elapsed());
        assert!(matches!(reloaded, Reloaded::Unchanged { .. }));
    }
    println!(
        "  reload after an edit: {}; with nothing changed (fingerprint only): {}",
        spread(&mut reloads),
        spread(&mut unchanged)
    );
    KnowledgeRow {
        name: name.to_string(),
        entries,
        load: median(&loads),
        eval,
        own,
        rss: chat.rss,
        peak: chat.peak,
        reload: median(&reloads),
        unchanged: median(&unchanged),
    }
}

/// How many times to time something that took `so_far`: three times, once when it takes seconds.
fn repeats(so_far: &[Duration]) -> usize {
    match so_far.first() {
        Some(first) if *first > Duration::from_secs(3) => 1,
        _ => 3,
    }
}

/// Sorts the times and says min, median and max (or the one time).
fn spread(times: &mut [Duration]) -> String {
    times.sort();
    match times {
        [one] => ms(*one),
        _ => format!(
            "min {} median {} max {}",
            ms(times[0]),
            ms(median(times)),
            ms(times[times.len() - 1])
        ),
    }
}

/// The middle of sorted times.
fn median(sorted: &[Duration]) -> Duration {
    percentile(sorted, 0.5)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for item in std::fs::read_dir(from).expect("read folder").flatten() {
        let path = item.path();
        let target = to.join(item.file_name());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("copy file");
        }
    }
}

/// The first entry file (`*.md`) below the knowledge folder, by name.
fn first_entry_file(knowledge: &Path) -> std::path::PathBuf {
    let mut folders: Vec<_> = std::fs::read_dir(knowledge)
        .expect("knowledge folder")
        .flatten()
        .map(|i| i.path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    let folder = folders.first().expect("a category folder");
    let mut files: Vec<_> = std::fs::read_dir(folder)
        .expect("category folder")
        .flatten()
        .map(|i| i.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    files.first().expect("an entry").clone()
}

/// The shipped categories (each has its `category-<name>` message in both locales).
const CATEGORIES: [&str; 6] = [
    "register",
    "find-account",
    "duplicate-id",
    "email-mobile",
    "real-name",
    "support",
];

/// A word or phrase in Chinese and in English.
type Word = (&'static str, &'static str);

/// What a question is about, in both languages.
const SUBJECTS: [Word; 40] = [
    ("学信网账号", "account"),
    ("用户名", "username"),
    ("密码", "password"),
    ("手机号", "mobile number"),
    ("安全邮箱", "security e-mail"),
    ("身份证号", "ID number"),
    ("证件号码", "document number"),
    ("短信校验码", "SMS code"),
    ("图片校验码", "picture code"),
    ("实名信息", "real-name information"),
    ("学籍信息", "student record"),
    ("学历信息", "degree record"),
    ("学信档案", "record archive"),
    ("激活邮件", "activation e-mail"),
    ("激活链接", "activation link"),
    ("手持身份证照片", "photo holding the ID card"),
    ("学号", "student number"),
    ("证书编号", "certificate number"),
    ("入学年份", "enrolment year"),
    ("毕业年份", "graduation year"),
    ("学历层次", "degree level"),
    ("旧账号", "old account"),
    ("企业用户", "enterprise account"),
    ("报名号", "registration number"),
    ("兵役登记信息", "conscription sign-up"),
    ("学信卡", "student card"),
    ("申请函", "application letter"),
    ("微信绑定", "WeChat binding"),
    ("支付宝登录", "Alipay sign-in"),
    ("扫码登录", "QR code sign-in"),
    ("安全问题", "security question"),
    ("登录记录", "sign-in history"),
    ("注册信息", "registration details"),
    ("姓名", "name"),
    ("出生日期", "date of birth"),
    ("护照号码", "passport number"),
    ("港澳通行证", "Hong Kong and Macau permit"),
    ("台胞证", "Taiwan compatriot permit"),
    ("审核结果", "review result"),
    ("人工审核", "manual review"),
];

/// What the student tries to do with it.
const ACTIONS: [Word; 25] = [
    ("忘记", "forget"),
    ("修改", "change"),
    ("找回", "recover"),
    ("注册", "register"),
    ("激活", "activate"),
    ("绑定", "bind"),
    ("解绑", "unbind"),
    ("注销", "close"),
    ("登录", "sign in with"),
    ("收不到", "receive"),
    ("重置", "reset"),
    ("核验", "verify"),
    ("上传", "upload"),
    ("填写", "fill in"),
    ("更换", "replace"),
    ("验证", "validate"),
    ("查询", "look up"),
    ("删除", "delete"),
    ("合并", "merge"),
    ("恢复", "restore"),
    ("申诉", "appeal about"),
    ("补充", "complete"),
    ("确认", "confirm"),
    ("输入", "enter"),
    ("提交", "submit"),
];

/// What goes wrong.
const PROBLEMS: [Word; 20] = [
    ("提示错误", "shows an error"),
    ("显示已被注册", "says it is already registered"),
    ("一直失败", "keeps failing"),
    ("已经过期", "has expired"),
    ("不正确", "is wrong"),
    ("被别人占用", "is taken by someone else"),
    ("重复待审核", "is pending review as a duplicate"),
    ("没有反应", "does nothing"),
    ("操作过于频繁", "says too many attempts"),
    ("页面打不开", "page will not open"),
    ("审核不通过", "was rejected in review"),
    ("格式不对", "has the wrong format"),
    ("信息不一致", "does not match my details"),
    ("超过次数", "is over the limit"),
    ("系统繁忙", "says the system is busy"),
    ("找不到入口", "has no entry point I can find"),
    ("收到两次", "arrives twice"),
    ("显示乱码", "shows garbled text"),
    ("等了很久", "takes very long"),
    ("无法撤销", "cannot be undone"),
];

/// Where and when it happens, as students tell it.
const CONTEXTS: [&str; 20] = [
    "换了新手机以后",
    "毕业好几年了",
    "人在国外",
    "用电脑的时候",
    "在手机上",
    "昨天晚上",
    "第二次试",
    "帮同学弄",
    "考研报名前",
    "征兵报名时",
    "刚刚注册完",
    "很久没登录",
    "学校老师让我",
    "用微信打开",
    "换了浏览器",
    "网络没问题",
    "输了好几次",
    "登录研招网时",
    "高考以后",
    "专升本的时候",
];

/// The (subject, action, problem) of synthetic entry `index`: each entry has its own.
fn topic(index: usize) -> (Word, Word, Word) {
    let combinations = SUBJECTS.len() * ACTIONS.len() * PROBLEMS.len();
    // A step prime to the number of combinations visits each once, spread over all three words.
    let combination = index * 7919 % combinations;
    (
        SUBJECTS[combination % SUBJECTS.len()],
        ACTIONS[combination / SUBJECTS.len() % ACTIONS.len()],
        PROBLEMS[combination / (SUBJECTS.len() * ACTIONS.len())],
    )
}

/// Questions about the entries of a synthetic base of `count` entries, worded unlike any of
/// their phrasings (what the evaluation questions are to the shipped entries).
fn synthetic_questions(count: usize, how_many: usize) -> Vec<String> {
    (0..how_many)
        .map(|k| {
            let index = k * count / how_many;
            let ((subject, _), (action, _), (problem, _)) = topic(index);
            let context = CONTEXTS[(k * 13) % CONTEXTS.len()];
            match k % 3 {
                0 => format!("{context}{subject}{action}{problem}，怎么处理"),
                1 => format!("{action}{subject}老是{problem}"),
                _ => format!("请问{subject}{problem}还能{action}吗"),
            }
        })
        .collect()
}

/// Entry `index` of a synthetic base of `count` entries, as its file's text. Every entry has its
/// own (subject, action, problem) triple; the phrasings and the answer combine it with other
/// domain words.
fn synthetic_entry(index: usize, count: usize) -> String {
    let ((subject, subject_en), (action, action_en), (problem, problem_en)) = topic(index);
    let pick = |salt: usize| index * 31 + salt * 17;
    let other = |salt: usize| SUBJECTS[pick(salt) % SUBJECTS.len()];
    let context = |salt: usize| CONTEXTS[pick(salt) % CONTEXTS.len()];
    let (other_subject, other_subject_en) = other(1);
    let (third_subject, _) = other(2);
    let (other_problem, _) = PROBLEMS[pick(3) % PROBLEMS.len()];
    let (other_action, _) = ACTIONS[pick(4) % ACTIONS.len()];

    let id = format!("topic-{index:05}");
    let category = CATEGORIES[index % CATEGORIES.len()];
    let related = [(index + 1) % count, (index + count / 2) % count]
        .iter()
        .filter(|r| **r != index)
        .map(|r| format!("\"topic-{r:05}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let title = match index % 3 {
        0 => format!("{subject}{action}时{problem}怎么办？"),
        1 => format!("为什么{action}{subject}会{problem}？"),
        _ => format!("{subject}{problem}，还能{action}吗？"),
    };
    let similar = [
        format!("{subject}{action}{problem}"),
        format!("{}{subject}{problem}", context(5)),
        format!("{action}{subject}的时候{problem}"),
        format!("{}{action}{subject}不成功", context(6)),
        format!("{subject}{problem}了怎么{action}"),
        format!("{other_action}{other_subject}后{subject}{problem}"),
        format!("{subject}{action}{problem}，{}", context(7)),
    ]
    .iter()
    .map(|s| format!("\"{s}\""))
    .collect::<Vec<_>>()
    .join(", ");
    let days = 1 + index % 7;
    let answer = format!(
        "遇到{subject}{problem}的情况，请先确认{other_subject}填写正确，再重新{action}。\n\
         {}{action}{subject}时，系统会向{third_subject}发送通知，一般{days}分钟内到达。\n\
         如果多次{action}仍然{other_problem}，可以通过“{other_subject}”页面提交申请，工作人员会在{days}个工作日内处理。\n\
         处理完成后，请使用新的{subject}登录学信网，并及时修改{third_subject}。",
        context(8)
    );
    format!(
        "+++\n\
         id = \"{id}\"\n\
         category = \"{category}\"\n\
         hot = {hot}\n\
         related = [{related}]\n\
         \n\
         [zh-CN]\n\
         title = \"{title}\"\n\
         similar = [{similar}]\n\
         links = [{{ title = \"学信网帐号帮助中心\", url = \"https://account.chsi.com.cn/account/help/index.jsp\" }}]\n\
         \n\
         [en]\n\
         title = \"Trying to {action_en} my {subject_en}, it {problem_en}\"\n\
         similar = [\"{action_en} {subject_en} {problem_en}\", \"my {subject_en} {problem_en}\", \"cannot {action_en} {subject_en}\"]\n\
         +++\n\
         ::: zh-CN\n\
         {answer}\n\
         \n\
         ::: en\n\
         If your {subject_en} {problem_en}, first check your {other_subject_en} and {action_en} it again.\n\
         Support handles such requests within {days} working days.\n",
        hot = index < 2 * CATEGORIES.len(),
    )
}

/// A content root with `count` synthetic entries, the shipped analysis and small-talk settings
/// and copies of the shipped dialogs and translations. No `_scope.toml`: the shipped one names
/// shipped entries.
fn write_synthetic_content(root: &Path, count: usize) {
    let knowledge = root.join("knowledge");
    for category in CATEGORIES {
        std::fs::create_dir_all(knowledge.join(category)).expect("category folder");
    }
    for file in ["_analysis.toml", "_smalltalk.toml"] {
        std::fs::copy(repo().join("knowledge").join(file), knowledge.join(file))
            .expect("copy settings");
    }
    for index in 0..count {
        let category = CATEGORIES[index % CATEGORIES.len()];
        std::fs::write(
            knowledge
                .join(category)
                .join(format!("topic-{index:05}.md")),
            synthetic_entry(index, count),
        )
        .expect("write entry");
    }
    for folder in ["dialogs", "locales"] {
        copy_dir(&repo().join(folder), &root.join(folder));
    }
}

// ---------------------------------------------------------------------------------------------
// Stored conversations

/// The backends to run: `BENCH_BACKEND` (sqlite or postgres), else both. (Not a `HELPBOT_`
/// variable: the configuration would refuse it as an unknown key.)
fn backends() -> Vec<Backend> {
    match std::env::var("BENCH_BACKEND").as_deref() {
        Err(_) => vec![Backend::Sqlite, Backend::Postgres],
        Ok("sqlite") => vec![Backend::Sqlite],
        Ok("postgres") => vec![Backend::Postgres],
        Ok(other) => panic!("BENCH_BACKEND must be sqlite or postgres, not `{other}`"),
    }
}

fn backend_name(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "SQLite",
        Backend::Postgres => "PostgreSQL",
    }
}

/// The messages every generated conversation holds: those of a real conversation's first turn.
struct Template {
    state: String,
    welcome: String,
    question: String,
    answer: String,
    outcome: Option<String>,
    entry_id: Option<String>,
}

async fn template(assistant: &Assistant) -> Template {
    let (id, _) = assistant
        .start_conversation("web", Locale::ZhCn)
        .await
        .expect("conversation");
    assistant
        .handle(&id, Input::Text("忘记用户名了怎么办".to_string()))
        .await
        .expect("turn");
    let state = assistant
        .database()
        .conversation(&id)
        .await
        .expect("read")
        .expect("stored")
        .state;
    let messages = assistant.database().messages(&id).await.expect("messages");
    // The opening (the welcome, and the hot questions by category unless `[hot] in_opening` is
    // off), then the question and its answer: the stored conversations keep the welcome alone.
    let (Some(welcome), [_, .., question, answer]) = (messages.first(), messages.as_slice()) else {
        panic!(
            "a first turn stores at least three messages, not {}",
            messages.len()
        );
    };
    Template {
        state,
        welcome: welcome.body.clone(),
        question: question.body.clone(),
        answer: answer.body.clone(),
        outcome: answer.outcome.clone(),
        entry_id: answer.entry_id.clone(),
    }
}

/// Where one backend's database lives, removed with the value.
enum Data {
    Sqlite(tempfile::TempDir),
    Postgres(PostgresDatabase),
}

impl Data {
    fn url(&self) -> String {
        match self {
            Data::Sqlite(dir) => format!("sqlite://{}", dir.path().join("helpbot.db").display()),
            Data::Postgres(database) => database.url.clone(),
        }
    }
}

/// Bytes the database takes on disk.
async fn database_size(conn: &mut AnyConnection, data: &Data) -> u64 {
    match data {
        Data::Sqlite(dir) => ["helpbot.db", "helpbot.db-wal"]
            .iter()
            .filter_map(|f| std::fs::metadata(dir.path().join(f)).ok())
            .map(|m| m.len())
            .sum(),
        Data::Postgres(_) => sqlx::query("SELECT pg_database_size(current_database())")
            .fetch_one(&mut *conn)
            .await
            .and_then(|row| row.try_get::<i64, _>(0))
            .map_or(0, |bytes| bytes.max(0) as u64),
    }
}

/// Free bytes on the disk that holds the database, when it is on this machine.
async fn free_disk(conn: &mut AnyConnection, data: &Data) -> Option<u64> {
    let folder = match data {
        Data::Sqlite(dir) => dir.path().to_path_buf(),
        // Readable by a superuser, as the benchmark's role is; a remote server's folder is not
        // here to look at.
        Data::Postgres(_) => sqlx::query("SHOW data_directory")
            .fetch_one(&mut *conn)
            .await
            .and_then(|row| row.try_get::<String, _>(0))
            .ok()?
            .into(),
    };
    let stats = rustix::fs::statvfs(&folder).ok()?;
    Some(stats.f_bavail * stats.f_frsize)
}

fn gigabytes(bytes: f64) -> String {
    format!("{:.1} GB", bytes / 1e9)
}

/// What adding rows has cost so far, to foresee the next size.
struct Growth {
    conversations_per_second: f64,
    bytes_per_conversation: f64,
}

impl Growth {
    /// Why `adding` more conversations should not be generated here: over the time budget, or
    /// leaving less than [`DISK_LEFT_FREE`] of the disk (other work shares this machine).
    fn refusal(&self, adding: usize, free: Option<u64>) -> Option<String> {
        let seconds = adding as f64 / self.conversations_per_second;
        if seconds > GENERATION_BUDGET.as_secs_f64() {
            return Some(format!(
                "adding {adding} more would take about {seconds:.0} s at the {:.0} conversations/s \
                 measured, over the {} s budget",
                self.conversations_per_second,
                GENERATION_BUDGET.as_secs()
            ));
        }
        let needed = adding as f64 * self.bytes_per_conversation + WAL_ALLOWANCE as f64;
        match free {
            Some(free) if (free as f64) < needed + DISK_LEFT_FREE as f64 => Some(format!(
                "adding {adding} more needs about {} of disk and {} is free; at least {} must stay \
                 free",
                gigabytes(needed),
                gigabytes(free as f64),
                gigabytes(DISK_LEFT_FREE as f64)
            )),
            _ => None,
        }
    }
}

/// Adds conversations `from..from + count` (numbers only make their ids and times differ), each
/// with the template's three messages, in transactions of [`BULK_CHUNK`].
async fn add_conversations(
    conn: &mut AnyConnection,
    backend: Backend,
    template: &Template,
    from: usize,
    count: usize,
) {
    let now = helpbot::store::now_ms();
    let mut start = from;
    while start < from + count {
        let end = (start + BULK_CHUNK).min(from + count) as i64 - 1;
        match backend {
            Backend::Sqlite => {
                let mut tx = conn.begin().await.expect("begin");
                let last: i64 = sqlx::query("SELECT COALESCE(MAX(rowid), 0) FROM conversations")
                    .fetch_one(&mut *tx)
                    .await
                    .and_then(|row| row.try_get(0))
                    .expect("last rowid");
                // Random ids like the uuids of real conversations, so that lookups and inserts
                // land all over the primary key's index.
                sqlx::query(
                    "WITH RECURSIVE n(i) AS (SELECT $1 UNION ALL SELECT i + 1 FROM n WHERE i < $2) \
                     INSERT INTO conversations (id, channel, locale, state, created_at, updated_at) \
                     SELECT lower(hex(randomblob(16))), 'web', 'zh-CN', $3, $4 - i * 1000, \
                            $4 - i * 1000 + 31000 \
                     FROM n",
                )
                .bind(start as i64)
                .bind(end)
                .bind(&template.state)
                .bind(now)
                .execute(&mut *tx)
                .await
                .expect("insert conversations");
                sqlx::query(
                    "INSERT INTO messages (conversation_id, sender, body, outcome, entry_id, created_at) \
                     SELECT c.id, m.sender, m.body, m.outcome, m.entry_id, c.created_at + m.after \
                     FROM conversations c CROSS JOIN ( \
                         SELECT 'bot' AS sender, $1 AS body, NULL AS outcome, NULL AS entry_id, 0 AS after \
                         UNION ALL SELECT 'user', $2, NULL, NULL, 30000 \
                         UNION ALL SELECT 'bot', $3, $4, $5, 31000) m \
                     WHERE c.rowid > $6",
                )
                .bind(&template.welcome)
                .bind(&template.question)
                .bind(&template.answer)
                .bind(template.outcome.as_deref())
                .bind(template.entry_id.as_deref())
                .bind(last)
                .execute(&mut *tx)
                .await
                .expect("insert messages");
                tx.commit().await.expect("commit");
            }
            Backend::Postgres => {
                // One statement: the conversations, and from what they return, their messages.
                sqlx::query(
                    "WITH c AS ( \
                         INSERT INTO conversations (id, channel, locale, state, created_at, updated_at) \
                         SELECT md5('bench-' || i)::uuid::text, 'web', 'zh-CN', $1, $2 - i * 1000, \
                                $2 - i * 1000 + 31000 \
                         FROM generate_series($3::bigint, $4::bigint) AS i \
                         RETURNING id, created_at) \
                     INSERT INTO messages (conversation_id, sender, body, outcome, entry_id, created_at) \
                     SELECT c.id, m.sender, m.body, m.outcome, m.entry_id, c.created_at + m.after \
                     FROM c CROSS JOIN (VALUES ('bot', $5, NULL, NULL, 0), \
                                               ('user', $6, NULL, NULL, 30000), \
                                               ('bot', $7, $8, $9, 31000)) \
                          AS m(sender, body, outcome, entry_id, after)",
                )
                .bind(&template.state)
                .bind(now)
                .bind(start as i64)
                .bind(end)
                .bind(&template.welcome)
                .bind(&template.question)
                .bind(&template.answer)
                .bind(template.outcome.as_deref())
                .bind(template.entry_id.as_deref())
                .execute(&mut *conn)
                .await
                .expect("insert conversations and messages");
            }
        }
        start = end as usize + 1;
    }
    if backend == Backend::Postgres {
        // Autovacuum would analyze the grown tables soon after; the planner should not time
        // the turns on the statistics of an empty table.
        sqlx::query("ANALYZE conversations, messages")
            .execute(&mut *conn)
            .await
            .expect("analyze");
    }
}

/// Times turns at growing numbers of stored conversations on one backend.
async fn stored_conversations(backend: Backend) {
    let name = backend_name(backend);
    let data = match backend {
        Backend::Sqlite => Data::Sqlite(tempfile::tempdir().expect("temp dir")),
        Backend::Postgres => Data::Postgres(PostgresDatabase::create().await),
    };
    let config = Config {
        database_url: data.url().into(),
        content: ContentConfig::under(&repo()),
        ..Config::default()
    };
    let assistant = helpbot::runtime::start(&config)
        .await
        .expect("the assistant starts");
    let template = template(&assistant).await;
    // The rows are added on a connection of their own: the service's connections cut a statement
    // off after a second (on PostgreSQL).
    let mut bulk = AnyConnection::connect(&data.url())
        .await
        .expect("bulk connection");
    if backend == Backend::Sqlite {
        sqlx::query("PRAGMA busy_timeout = 10000")
            .execute(&mut bulk)
            .await
            .expect("busy timeout");
    }
    let questions: Vec<String> = load_cases(&repo().join("tests/eval/questions.tsv"))
        .expect("eval set")
        .into_iter()
        .map(|c| c.question)
        .collect();

    println!();
    println!(
        "== {name}: turns through the core (Assistant::handle) with stored conversations of three messages each"
    );
    let mut rows = Vec::new();
    let mut stored = 0;
    let mut growth: Option<Growth> = None;
    for target in STORED_CONVERSATIONS {
        let adding = target - stored;
        let free = free_disk(&mut bulk, &data).await;
        if let Some(reason) = growth.as_ref().and_then(|g| g.refusal(adding, free)) {
            println!("{target} stored conversations: skipped, {reason}");
            rows.push(format!("{target:>9}  skipped: {reason}"));
            break;
        }
        let started = Instant::now();
        add_conversations(&mut bulk, backend, &template, stored, adding).await;
        let took = started.elapsed();
        stored = target;
        let size = database_size(&mut bulk, &data).await;
        growth = Some(Growth {
            conversations_per_second: adding as f64 / took.as_secs_f64(),
            bytes_per_conversation: size as f64 / stored as f64,
        });
        println!(
            "{target} stored conversations ({} messages): added {adding} in {:.1} s ({:.0} conversations/s); database {:.0} MB",
            target * 3,
            took.as_secs_f64(),
            adding as f64 / took.as_secs_f64(),
            size as f64 / 1e6
        );

        let sample: Vec<String> = sqlx::query(
            "SELECT id FROM conversations WHERE channel = 'web' ORDER BY random() LIMIT $1",
        )
        .bind((WARM_UP_TURNS + TIMED_TURNS) as i64)
        .fetch_all(&mut bulk)
        .await
        .expect("sample")
        .iter()
        .map(|row| row.try_get::<String, _>(0).expect("id"))
        .collect();
        // Each size starts with the same untimed turns, so that none pays for the process
        // warming up (connections, prepared statements, caches) or for the rows just added.
        let mut existing = Vec::new();
        for (index, id) in sample.iter().enumerate() {
            let question = &questions[index * 7 % questions.len()];
            let started = Instant::now();
            assistant
                .handle(id, Input::Text(question.clone()))
                .await
                .expect("turn of a stored conversation");
            if index >= WARM_UP_TURNS {
                existing.push(started.elapsed());
            }
        }
        let mut starts = Vec::new();
        let mut firsts = Vec::new();
        for index in 0..TIMED_TURNS {
            let question = &questions[index * 11 % questions.len()];
            let started = Instant::now();
            let (id, _) = assistant
                .start_conversation("bench", Locale::ZhCn)
                .await
                .expect("new conversation");
            starts.push(started.elapsed());
            let started = Instant::now();
            assistant
                .handle(&id, Input::Text(question.clone()))
                .await
                .expect("first turn");
            firsts.push(started.elapsed());
        }
        let line = |mut times: Vec<Duration>| {
            times.sort();
            format!(
                "p50 {} p99 {}",
                ms(percentile(&times, 0.5)),
                ms(percentile(&times, 0.99))
            )
        };
        let (existing, starts, firsts) = (line(existing), line(starts), line(firsts));
        println!("  turn of a stored conversation        {existing}");
        println!("  start of a new conversation          {starts}");
        println!("  first turn of a new conversation     {firsts}");
        rows.push(format!(
            "{target:>9}  stored turn {existing} | start {starts} | first turn {firsts}"
        ));
    }
    println!("{name} summary ({TIMED_TURNS} timed turns each, one at a time):");
    for row in rows {
        println!("  {row}");
    }
    bulk.close().await.ok();
    assistant.database().close().await;
}
