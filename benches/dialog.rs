//! Dialog benchmark: the whole walk of the duplicate-ID diagnosis through the student record
//! route to the deactivation of the old account, on an SQLite file, timing every turn on the
//! server side (`Assistant::handle`). Run with `cargo bench --bench dialog`; prints numbers.

mod common;
use common::repo;

use std::time::{Duration, Instant};

use helpbot::accounts::demo::{DEMO_PASSWORD, load_demo_data};
use helpbot::assistant::Input;
use helpbot::config::Config;
use helpbot::locale::Locale;

const WALK: &[(&str, &str)] = &[
    ("question", "注册的时候显示身份证已经被注册了"),
    ("start dialog", "dialog:duplicate-id"),
    ("which message", "1"),
    ("never registered", "2"),
    ("confirm warning", "1"),
    ("already registered", "2"),
    ("record route", "1"),
    ("username", "lisi2024"),
    ("password (argon2)", DEMO_PASSWORD),
    ("graduate", "2"),
    ("school", "北京大学"),
    ("certificate", "100011201905000123"),
    ("year", "2019"),
    ("level → verified", "本科"),
];

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let rounds = 20;
    let mut per_turn: Vec<Vec<Duration>> = vec![Vec::new(); WALK.len()];
    runtime.block_on(async {
        for _ in 0..rounds {
            let dir = tempfile::tempdir().expect("temp dir");
            let config = Config {
                database_url: format!("sqlite://{}", dir.path().join("h.db").display()).into(),
                content: helpbot::config::ContentConfig::under(&repo()),
                ..Config::default()
            };
            let assistant = helpbot::runtime::start(&config).await.expect("starts");
            let store = helpbot::runtime::account_store(assistant.database().clone());
            load_demo_data(&store).await.expect("demo data");
            let (id, _) = assistant
                .start_conversation("bench", Locale::ZhCn)
                .await
                .expect("conversation");
            for (index, (_, typed)) in WALK.iter().enumerate() {
                let input = if typed.starts_with("dialog:") {
                    Input::Button((*typed).to_string())
                } else {
                    Input::Text((*typed).to_string())
                };
                let started = Instant::now();
                let replies = assistant.handle(&id, input).await.expect("turn");
                per_turn[index].push(started.elapsed());
                std::hint::black_box(replies);
            }
            let done = assistant.database().messages(&id).await.expect("messages");
            assert!(
                done.last().is_some_and(|m| m.body.contains("核验通过")),
                "the walk must end verified"
            );
            assistant.database().close().await;
        }
    });
    println!("dialog walk on SQLite, {rounds} walks, server time per turn (median / max):");
    let mut all = Vec::new();
    for ((name, _), times) in WALK.iter().zip(per_turn.iter_mut()) {
        times.sort();
        all.extend(times.iter().copied());
        println!(
            "  {name:22} {:7.2} ms / {:7.2} ms",
            times[times.len() / 2].as_secs_f64() * 1e3,
            times[times.len() - 1].as_secs_f64() * 1e3
        );
    }
    all.sort();
    println!(
        "  all turns: median {:.2} ms, p90 {:.2} ms, max {:.2} ms",
        all[all.len() / 2].as_secs_f64() * 1e3,
        all[all.len() * 9 / 10].as_secs_f64() * 1e3,
        all[all.len() - 1].as_secs_f64() * 1e3
    );
}
