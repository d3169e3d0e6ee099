//! The editors' dashboard (issue 16) against the real server, on SQLite and PostgreSQL: students'
//! turns sent through the web API (answers of each outcome, dialog runs that go on, stop, are
//! cancelled and are left for another dialog), plus rows put straight into the tables for an
//! older day (handoffs, tickets, votes, a finished run, a day's outcomes); then the dashboard's
//! figures and funnels equal those known counts, each CSV download equals the table on the page,
//! the date range decides what is counted, agents are refused and every view is audited.

use crate::common;

use std::collections::BTreeMap;

use common::server::{App, spawn_app_on};
use common::{TestDb, on_both_backends};
use helpbot::staff::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::console::{
    AGENT_PASSWORD, EDITOR_PASSWORD, SUPERVISOR_PASSWORD, Staff, add_staff, sign_in, sign_in_to,
};

const DAY_MS: i64 = 86_400_000;

/// A table of a page: its rows of cells (header row first), read from the HTML.
fn table_in(page: &str, id: &str) -> Vec<Vec<String>> {
    let start = page
        .find(&format!(r#"<table id="{id}">"#))
        .unwrap_or_else(|| panic!("no table {id}"));
    let end = start + page[start..].find("</table>").expect("table end");
    let table = &page[start..end];
    let row = regex::Regex::new(r"(?s)<tr>(.*?)</tr>").expect("pattern");
    let cell = regex::Regex::new(r"(?s)<t[hd][^>]*>(.*?)</t[hd]>").expect("pattern");
    row.captures_iter(table)
        .map(|r| cell.captures_iter(&r[1]).map(|c| unescape(&c[1])).collect())
        .collect()
}

fn unescape(html: &str) -> String {
    html.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// A CSV download: its rows, the header first.
async fn csv_of(staff: &Staff, path: &str) -> Vec<Vec<String>> {
    let response = staff.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    assert_eq!(
        response.headers()[reqwest::header::CONTENT_TYPE],
        "text/csv; charset=utf-8"
    );
    let body = response.text().await.expect("body");
    let body = body.strip_prefix('\u{feff}').expect("a byte-order mark");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body.as_bytes())
        .records()
        .map(|record| {
            record
                .expect("a CSV record")
                .iter()
                .map(String::from)
                .collect()
        })
        .collect()
}

/// The row of a table whose first cell is `first`.
fn row<'a>(table: &'a [Vec<String>], first: &str) -> &'a [String] {
    table
        .iter()
        .find(|row| row.first().map(String::as_str) == Some(first))
        .unwrap_or_else(|| panic!("no row {first} in {table:?}"))
}

/// The figure a page shows in its `data-figure` element.
fn figure(page: &str, name: &str) -> String {
    let pattern = regex::Regex::new(&format!(r#"data-figure="{name}">([^<]*)<"#)).expect("p");
    pattern
        .captures(page)
        .map(|c| c[1].trim().to_string())
        .unwrap_or_else(|| panic!("no figure {name}"))
}

/// Sends the inputs to a new web conversation, each answered.
async fn chat(app: &App, inputs: &[serde_json::Value]) {
    let (id, token, _) = app.start("zh-CN").await;
    for input in inputs {
        let (status, reply) = app.send(&id, &token, input.clone()).await;
        assert_eq!(status, StatusCode::OK, "{input}: {reply}");
    }
}

/// The students' turns of today, through the web API.
pub async fn todays_traffic(app: &App) {
    // Answers: two definite, one with suggestions, one unknown.
    chat(
        app,
        &[
            json!({ "text": "忘记学信网用户名了" }),
            json!({ "text": "忘记学信网用户名了" }),
            json!({ "text": "邮箱" }),
            json!({ "text": "给我讲个笑话" }),
        ],
    )
    .await;
    let start = json!({ "button": "dialog:find-username" });
    // A: cancelled at the ID number.
    chat(
        app,
        &[
            start.clone(),
            json!({ "text": "张三" }),
            json!({ "text": "退出" }),
        ],
    )
    .await;
    // B: on to the code, then the student goes away.
    chat(
        app,
        &[
            start.clone(),
            json!({ "text": "张三" }),
            json!({ "text": "120104199102052530" }),
        ],
    )
    .await;
    // C: goes away at once.
    chat(app, std::slice::from_ref(&start)).await;
    // D: at the ID number, the student starts resetting the password instead (and leaves it).
    chat(
        app,
        &[
            start.clone(),
            json!({ "text": "张三" }),
            json!({ "button": "dialog:reset-password" }),
        ],
    )
    .await;
}

/// Rows put straight into the tables: `old` is a day 40 days back, `today` today (day numbers in
/// the service's time zone, `offset_ms` from UTC).
pub async fn seeded_rows(app: &App, old: i64, today: i64, offset_ms: i64) {
    let db = app.assistant.database();
    let pool = db.pool();
    db.create_conversation("seed", "web", "zh-CN")
        .await
        .expect("conversation");
    let noon = |day: i64| day * DAY_MS - offset_ms + DAY_MS / 2;
    for (day, outcome, turns) in [
        (old, "definite", 5),
        (old, "handoff-queued", 2),
        (old, "picked", 1),
    ] {
        sqlx::query("INSERT INTO daily_outcomes (day, outcome, turns) VALUES ($1, $2, $3)")
            .bind(day)
            .bind(outcome)
            .bind(turns)
            .execute(pool)
            .await
            .expect("outcomes");
    }
    // Handoffs: two on the old day, three today (two of them closed today and rated 4 and 5).
    let handoffs = [
        ("h1", old, "asked", None),
        ("h2", old, "unanswered", None),
        ("h3", today, "asked", Some(4)),
        ("h4", today, "asked", Some(5)),
        ("h5", today, "dialog-step", None),
    ];
    for (id, day, reason, rating) in handoffs {
        let status = if rating.is_some() {
            "closed"
        } else {
            "returned"
        };
        sqlx::query(
            "INSERT INTO handoffs (id, conversation_id, channel, locale, reason, summary, status, \
             created_at, ended_at, rating) VALUES ($1, 'seed', 'web', 'zh-CN', $2, '{}', $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(reason)
        .bind(status)
        .bind(noon(day))
        .bind(noon(day) + 60_000)
        .bind(rating.map(i64::from))
        .execute(pool)
        .await
        .expect("handoff");
    }
    // Tickets: one opened on the old day and answered today, two opened today.
    let tickets = [
        ("t1", old, Some(today)),
        ("t2", today, None),
        ("t3", today, None),
    ];
    for (id, day, answered) in tickets {
        sqlx::query(
            "INSERT INTO tickets (id, conversation_id, channel, locale, reason, summary, message, \
             status, created_at, answered_at) VALUES ($1, 'seed', 'web', 'zh-CN', 'asked', '{}', \
             'm', $2, $3, $4)",
        )
        .bind(id)
        .bind(if answered.is_some() {
            "answered"
        } else {
            "open"
        })
        .bind(noon(day))
        .bind(answered.map(noon))
        .execute(pool)
        .await
        .expect("ticket");
    }
    // Votes: three useful and one not useful today, one not useful on the old day.
    let votes = [
        ("v1", "e1", 1, today),
        ("v2", "e2", 1, today),
        ("v3", "e3", 1, today),
        ("v4", "e4", 0, today),
        ("v5", "e5", 0, old),
    ];
    for (id, entry, useful, day) in votes {
        sqlx::query(
            "INSERT INTO feedback (id, conversation_id, entry_id, useful, created_at) \
             VALUES ($1, 'seed', $2, $3, $4)",
        )
        .bind(id)
        .bind(entry)
        .bind(useful)
        .bind(noon(day))
        .execute(pool)
        .await
        .expect("vote");
    }
    // A run of find-username on the old day, completed.
    sqlx::query(
        "INSERT INTO dialog_runs (id, dialog, day, started_at, last_step, result, ended_at) \
         VALUES ('old-run', 'find-username', $1, $2, 'done', 'completed', $2)",
    )
    .bind(old)
    .bind(noon(old))
    .execute(pool)
    .await
    .expect("run");
    for step in [
        "ask-name", "ask-id", "find", "send", "ask-code", "reveal", "revealed", "done",
    ] {
        sqlx::query(
            "INSERT INTO dialog_run_steps (run_id, step, dialog, day) \
             VALUES ('old-run', $1, 'find-username', $2)",
        )
        .bind(step)
        .bind(old)
        .execute(pool)
        .await
        .expect("step");
    }
}

/// Every table of a page equals its CSV download.
async fn tables_match_their_csv(
    staff: &Staff,
    page: &str,
    path: &str,
    query: &str,
    ids: &[String],
) {
    for id in ids {
        let shown = table_in(page, id);
        let downloaded = csv_of(staff, &format!("{path}?{query}&format=csv&table={id}")).await;
        assert_eq!(shown, downloaded, "table {id}");
    }
}

#[tokio::test]
async fn the_dashboard_counts_what_students_did_and_downloads_what_it_shows() {
    on_both_backends(async |test_db: TestDb| {
        let url = test_db.url().to_string();
        let app = spawn_app_on(test_db, |_| {}).await;
        app.load_demo_data().await;
        add_staff(&app, "zhou", Role::Editor, "周编辑").await;
        add_staff(&app, "li", Role::Agent, "小李").await;
        add_staff(&app, "chen", Role::Supervisor, "陈主管").await;
        let offset = helpbot::assistant::AssistantSettings::from(&common::config(&url)).utc_offset;
        let offset_ms = i64::from(offset.local_minus_utc()) * 1000;
        let today = helpbot::store::day_number(chrono::Utc::now().timestamp_millis(), offset_ms);
        let old = today - 40;
        let date = |day: i64| {
            (chrono::DateTime::UNIX_EPOCH.date_naive() + chrono::Duration::days(day)).to_string()
        };

        todays_traffic(&app).await;
        seeded_rows(&app, old, today, offset_ms).await;

        // Agents are refused; editors and supervisors see the pages.
        let agent = sign_in(&app.base, "li", AGENT_PASSWORD).await;
        for path in [
            "/console/editor/dashboard",
            "/console/editor/funnels",
            "/console/editor/dashboard?format=csv&table=outcomes",
        ] {
            assert_eq!(
                agent.get(path).await.status(),
                StatusCode::FORBIDDEN,
                "{path}"
            );
        }
        let supervisor = sign_in(&app.base, "chen", SUPERVISOR_PASSWORD).await;
        supervisor.page("/console/editor/dashboard").await;
        let editor = sign_in_to(&app.base, "zhou", EDITOR_PASSWORD, "/console/editor").await;

        // The default range: the last 30 days, today's traffic only.
        let page = editor.page("/console/editor/dashboard").await;
        assert!(
            page.contains(&format!(r#"value="{}""#, date(today))),
            "today is the end"
        );
        let outcomes = table_in(&page, "outcomes");
        assert_eq!(outcomes.len(), 1 + 30, "a header and 30 days");
        // Day, answered, suggestions, not known, small talk, dialogs, support, other, total.
        assert_eq!(
            row(&outcomes, &date(today))[1..],
            ["2", "1", "1", "0", "10", "0", "0", "14"]
        );
        assert_eq!(figure(&page, "turns"), "14");
        assert!(
            !outcomes.iter().any(|r| r[0] == date(old)),
            "the old day is outside"
        );
        let handoffs = table_in(&page, "handoffs");
        // Day, asked, dialog step, failed inputs, unanswered, other, total.
        assert_eq!(
            row(&handoffs, &date(today))[1..],
            ["2", "1", "0", "0", "0", "3"]
        );
        let reasons = table_in(&page, "handoff-reasons");
        assert_eq!(reasons[1][1..], ["2", "67 %"]);
        assert_eq!(reasons[2][1..], ["1", "33 %"]);
        let ratings = table_in(&page, "ratings");
        assert_eq!(row(&ratings, &date(today))[1..], ["2", "4.5", "3", "1"]);
        let tickets = table_in(&page, "tickets");
        assert_eq!(row(&tickets, &date(today))[1..], ["2", "1"]);
        assert!(page.contains(r#"<svg class="chart" id="outcomes-chart""#));
        assert!(page.contains(r#"<svg class="chart" id="handoffs-chart""#));
        let ids: Vec<String> = [
            "outcomes",
            "handoffs",
            "handoff-reasons",
            "ratings",
            "tickets",
        ]
        .map(String::from)
        .to_vec();
        tables_match_their_csv(
            &editor,
            &page,
            "/console/editor/dashboard",
            "from=&to=",
            &ids,
        )
        .await;

        // A range that reaches the old day counts it too.
        let query = format!("from={}&to={}", date(old), date(today));
        let page = editor
            .page(&format!("/console/editor/dashboard?{query}"))
            .await;
        let outcomes = table_in(&page, "outcomes");
        assert_eq!(outcomes.len(), 1 + 41);
        assert_eq!(
            row(&outcomes, &date(old))[1..],
            ["5", "0", "0", "0", "0", "2", "1", "8"]
        );
        assert_eq!(figure(&page, "turns"), "22");
        assert_eq!(
            row(&table_in(&page, "handoffs"), &date(old))[1..],
            ["1", "0", "0", "1", "0", "2"]
        );
        assert_eq!(
            row(&table_in(&page, "ratings"), &date(old))[1..],
            ["0", "—", "0", "1"]
        );
        assert_eq!(
            row(&table_in(&page, "tickets"), &date(old))[1..],
            ["1", "0"]
        );
        tables_match_their_csv(&editor, &page, "/console/editor/dashboard", &query, &ids).await;
        // Only the old day: nothing of today.
        let only_old = format!("from={}&to={}", date(old), date(old));
        let page = editor
            .page(&format!("/console/editor/dashboard?{only_old}"))
            .await;
        assert_eq!(figure(&page, "turns"), "8");

        // Funnels of today's runs: find-username four times, reset-password once.
        let page = editor.page("/console/editor/funnels").await;
        let funnel = table_in(&page, "funnel-find-username");
        let by_step: BTreeMap<&str, &[String]> = funnel[1..]
            .iter()
            .map(|r| (r[0].as_str(), &r[1..]))
            .collect();
        // Reached, completed, handed over, next dialog, abandoned, left.
        assert_eq!(by_step["ask-name"], ["4", "0", "0", "0", "0", "1"]);
        assert_eq!(by_step["ask-id"], ["3", "0", "0", "0", "2", "0"]);
        assert_eq!(by_step["find"], ["1", "0", "0", "0", "0", "0"]);
        assert_eq!(by_step["send"], ["1", "0", "0", "0", "0", "0"]);
        assert_eq!(by_step["ask-code"], ["1", "0", "0", "0", "0", "1"]);
        assert_eq!(by_step["done"], ["0", "0", "0", "0", "0", "0"]);
        assert_eq!(
            funnel[1][0], "ask-name",
            "the dialog's order: its start first"
        );
        // reset-password checks for a known account first (none: slots are not carried over
        // from an abandoned run), then waits for the name.
        let reset = table_in(&page, "funnel-reset-password");
        assert_eq!(reset[1][..2], ["known", "1"]);
        assert_eq!(row(&reset, "ask-name")[1..], ["1", "0", "0", "0", "0", "1"]);
        let ids = vec![
            "funnel-find-username".to_string(),
            "funnel-reset-password".to_string(),
        ];
        tables_match_their_csv(&editor, &page, "/console/editor/funnels", "from=&to=", &ids).await;
        // With the old day: the completed run too.
        let page = editor
            .page(&format!("/console/editor/funnels?{query}"))
            .await;
        let funnel = table_in(&page, "funnel-find-username");
        assert_eq!(
            row(&funnel, "ask-name")[1..],
            ["5", "0", "0", "0", "0", "1"]
        );
        assert_eq!(row(&funnel, "done")[1..], ["1", "1", "0", "0", "0", "0"]);
        // Only the old day.
        let page = editor
            .page(&format!("/console/editor/funnels?{only_old}"))
            .await;
        assert!(!page.contains("funnel-reset-password"));

        // Bad input: a range the wrong way round, an unknown table.
        let refused = editor
            .get(&format!(
                "/console/editor/dashboard?from={}&to={}",
                date(today),
                date(old)
            ))
            .await;
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
        let unknown = editor
            .get("/console/editor/dashboard?format=csv&table=nothing")
            .await;
        assert_eq!(unknown.status(), StatusCode::NOT_FOUND);

        // Every view and download is audited.
        let audit: Vec<String> = sqlx::query_scalar(
            "SELECT action FROM staff_audit WHERE action IN \
             ('editor-dashboard-viewed', 'editor-funnels-viewed', 'editor-table-downloaded')",
        )
        .fetch_all(app.assistant.database().pool())
        .await
        .expect("audit");
        let count = |action: &str| audit.iter().filter(|a| *a == action).count();
        assert_eq!(count("editor-dashboard-viewed"), 4, "{audit:?}");
        assert_eq!(count("editor-funnels-viewed"), 3, "{audit:?}");
        assert_eq!(count("editor-table-downloaded"), 12, "{audit:?}");
    })
    .await;
}

#[tokio::test]
async fn turns_written_at_once_by_two_instances_add_up_in_the_daily_counts() {
    on_both_backends(async |test_db: TestDb| {
        // Two connection pools on one database: two instances of the service.
        let first = test_db.connect().await;
        let second = test_db.connect().await;
        for index in 0..20 {
            first
                .create_conversation(&format!("c{index}"), "web", "zh-CN")
                .await
                .expect("conversation");
        }
        let mut writers = Vec::new();
        for index in 0..20 {
            let db = if index % 2 == 0 {
                first.clone()
            } else {
                second.clone()
            };
            writers.push(tokio::spawn(async move {
                for turn in 0..5 {
                    let outcome = if turn % 2 == 0 { "definite" } else { "none" };
                    let facts = helpbot::store::TurnFacts {
                        day: 20_000,
                        outcome: outcome.to_string(),
                        runs: Vec::new(),
                    };
                    let messages = [helpbot::store::NewMessage {
                        sender: helpbot::store::Sender::User,
                        body: "问题",
                        outcome: None,
                        entry_id: None,
                    }];
                    db.record_turn_with_facts(
                        &format!("c{index}"),
                        "zh-CN",
                        "{}",
                        &messages,
                        Some(facts),
                    )
                    .await
                    .expect("turn stored");
                }
            }));
        }
        for writer in writers {
            writer.await.expect("writer");
        }
        let counts = first
            .daily_outcomes(helpbot::store::DayRange {
                from_day: 20_000,
                to_day: 20_000,
                offset_ms: 0,
            })
            .await
            .expect("counts");
        assert_eq!(
            counts,
            [
                (20_000, "definite".to_string(), 60),
                (20_000, "none".to_string(), 40)
            ]
        );
    })
    .await;
}

/// Sends `text` in a new web conversation `times` times; the entry of its last answer.
async fn asked(app: &App, text: &str, times: usize) -> Option<String> {
    let (id, token, _) = app.start("zh-CN").await;
    let mut entry = None;
    for _ in 0..times {
        let (status, reply) = app.send(&id, &token, json!({ "text": text })).await;
        assert_eq!(status, StatusCode::OK, "{text}: {reply}");
        entry = reply["messages"][0]["entry_id"].as_str().map(String::from);
    }
    entry
}

#[tokio::test]
async fn the_hot_questions_page_shows_the_pins_and_the_traffic_with_their_counts() {
    on_both_backends(async |test_db: TestDb| {
        let app = spawn_app_on(test_db, |_| {}).await;
        add_staff(&app, "zhou", Role::Editor, "周编辑").await;
        add_staff(&app, "li", Role::Agent, "小李").await;
        let content = app.assistant.content();
        let entries = content.knowledge.entries();
        let title = |id: &str| {
            entries
                .iter()
                .find(|e| e.id == id)
                .map(|e| e.localized(helpbot::locale::Locale::ZhCn).title.clone())
                .expect("an entry")
        };
        let pinned: Vec<&helpbot::knowledge::Entry> = entries.iter().filter(|e| e.hot).collect();
        assert!(!pinned.is_empty(), "the shipped knowledge pins entries");
        // An entry nobody pinned, asked by its own title: it fills a place of its category.
        let unpinned = entries
            .iter()
            .find(|e| !e.hot && e.category == "find-account")
            .expect("an unpinned entry in find-account");
        let unpinned_title = unpinned
            .localized(helpbot::locale::Locale::ZhCn)
            .title
            .clone();

        let agent = sign_in(&app.base, "li", AGENT_PASSWORD).await;
        assert_eq!(
            agent.get("/console/editor/hot").await.status(),
            StatusCode::FORBIDDEN
        );
        let editor = sign_in_to(&app.base, "zhou", EDITOR_PASSWORD, "/console/editor").await;

        // Before any count: the pins alone, each with no conversations yet.
        let page = editor.page("/console/editor/hot").await;
        assert!(page.contains(r#"id="hot-counted""#));
        let table = table_in(&page, "hot");
        assert_eq!(table.len(), 1 + pinned.len(), "{table:?}");
        for entry in &pinned {
            let shown = row_with(&table, &title(&entry.id));
            assert_eq!(shown[2], "编辑置顶（hot = true）");
            assert_eq!(shown[3], "0");
        }

        // Traffic: find-username asked in three conversations (one asks twice), the unpinned
        // entry in two; then the count the background task makes.
        for times in [1, 2, 1] {
            assert_eq!(
                asked(&app, "忘记学信网用户名了", times).await.as_deref(),
                Some("find-username")
            );
        }
        for _ in 0..2 {
            assert_eq!(
                asked(&app, &unpinned_title, 1).await.as_deref(),
                Some(unpinned.id.as_str())
            );
        }
        app.assistant
            .refresh_hot_questions()
            .await
            .expect("the count");
        let page = editor.page("/console/editor/hot").await;
        let table = table_in(&page, "hot");
        assert_eq!(row_with(&table, &title("find-username"))[3], "3");
        let shown = row_with(&table, &unpinned_title);
        let category =
            content
                .translations
                .text(helpbot::locale::Locale::ZhCn, "category-find-account", &[]);
        assert_eq!(shown[0], category);
        assert_eq!(shown[2], "来自学生提问");
        assert_eq!(shown[3], "2");
        assert_eq!(table.len(), 1 + pinned.len() + 1, "{table:?}");

        // The CSV is the table on the page.
        assert_eq!(
            csv_of(&editor, "/console/editor/hot?format=csv&table=hot").await,
            table
        );
        let unknown = editor
            .get("/console/editor/hot?format=csv&table=nothing")
            .await;
        assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
        let views: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM staff_audit WHERE action = 'editor-hot-viewed'",
        )
        .fetch_one(app.assistant.database().pool())
        .await
        .expect("audit");
        assert_eq!(views, 2);
    })
    .await;
}

/// The row of a table whose second cell (the question) is `question`.
fn row_with<'a>(table: &'a [Vec<String>], question: &str) -> &'a [String] {
    table
        .iter()
        .find(|row| row.get(1).map(String::as_str) == Some(question))
        .unwrap_or_else(|| panic!("no row {question} in {table:?}"))
}
