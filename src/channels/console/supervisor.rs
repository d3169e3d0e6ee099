//! The supervisor view (`/console/supervisor`, supervisors only; agents get 403): the agents
//! online and how many conversations each owns now, the queue's length and longest wait, and
//! today's handoffs, tickets and ratings with the latest comments. Every figure is counted from
//! the tables by the desk (`Desk::figures`); this page only shows them (comments are students'
//! text: masked, and escaped like everything maud writes).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};

use super::ConsoleState;
use super::page::{self, html_response, layout};
use super::session::Signed;
use super::texts::Texts;
use crate::assistant::SupportFigures;

pub(super) async fn view(State(state): State<ConsoleState>, signed: Signed) -> Response {
    let texts = &signed.visit.texts;
    if let Some(refused) = page::supervisors_only(&signed) {
        return refused;
    }
    let figures = match state.assistant.desk().figures().await {
        Ok(figures) => figures,
        Err(err) => return page::failure(texts, Some(&signed), &err.into()),
    };
    let now = crate::store::now_ms();
    let body = html! {
        div.figures {
            (agents(texts, &figures))
            (queue(texts, &figures, now))
        }
        (today(texts, &figures))
        (comments(texts, &figures))
        p { a href="/console/tickets" { (texts.t("console-supervisor-to-tickets")) } }
    };
    let title = texts.t("console-supervisor-title");
    html_response(StatusCode::OK, layout(texts, Some(&signed), &title, body))
}

fn agents(texts: &Texts, figures: &SupportFigures) -> Markup {
    let online = figures.agents.iter().filter(|agent| agent.online).count() as i64;
    html! {
        section aria-labelledby="agents-heading" {
            h2 #agents-heading { (texts.t("console-supervisor-agents")) }
            p #agents-online { (texts.with("console-supervisor-agents-online", &[("count", online.into())])) }
            @if !figures.agents.is_empty() {
                table #agents {
                    thead { tr {
                        th scope="col" { (texts.t("console-supervisor-agent")) }
                        th scope="col" { (texts.t("console-supervisor-presence")) }
                        th.number scope="col" { (texts.t("console-supervisor-load")) }
                    } }
                    tbody {
                        @for agent in &figures.agents {
                            tr {
                                td { (agent.display_name) }
                                td { (texts.t(if agent.online { "console-supervisor-online" } else { "console-supervisor-offline" })) }
                                td.number data-owned=(agent.owned) { (agent.owned) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn queue(texts: &Texts, figures: &SupportFigures, now: i64) -> Markup {
    html! {
        section aria-labelledby="queue-heading" {
            h2 #queue-heading { (texts.t("console-supervisor-queue")) }
            dl.facts #queue-figures {
                dt { (texts.t("console-supervisor-waiting")) }
                dd #queue-length { (figures.queue.waiting) }
                dt { (texts.t("console-supervisor-longest-wait")) }
                dd #longest-wait {
                    @match figures.queue.oldest_since {
                        Some(since) => (texts.waited(since, now)),
                        None => (texts.t("console-supervisor-nobody-waits")),
                    }
                }
            }
        }
    }
}

fn today(texts: &Texts, figures: &SupportFigures) -> Markup {
    let day = &figures.today;
    let average = day
        .average_rating
        .map(|average| format!("{average:.1}"))
        .unwrap_or_else(|| "—".to_string());
    let rows: [(&str, &str, i64); 6] = [
        ("handoffs", "console-supervisor-handoffs", day.handoffs),
        ("taken", "console-supervisor-taken", day.taken),
        (
            "cancelled",
            "console-supervisor-cancelled",
            day.cancelled_waiting,
        ),
        (
            "tickets-opened",
            "console-supervisor-tickets-opened",
            day.tickets_opened,
        ),
        (
            "tickets-answered",
            "console-supervisor-tickets-answered",
            day.tickets_answered,
        ),
        ("ratings", "console-supervisor-ratings", day.ratings),
    ];
    html! {
        section aria-labelledby="today-heading" {
            h2 #today-heading { (texts.t("console-supervisor-today")) }
            p.hint { (texts.with("console-supervisor-today-since", &[("since", texts.time(figures.day_start).into())])) }
            dl.facts #today {
                @for (key, label, value) in rows {
                    dt { (texts.t(label)) }
                    dd data-figure=(key) { (value) }
                }
                dt { (texts.t("console-supervisor-average")) }
                dd data-figure="average" { (average) }
            }
            table #distribution {
                caption { (texts.t("console-supervisor-distribution")) }
                thead { tr {
                    @for stars in 1..=5_i64 {
                        th scope="col" { (texts.with("console-supervisor-stars", &[("stars", stars.into())])) }
                    }
                } }
                tbody { tr {
                    @for (index, given) in day.distribution.iter().enumerate() {
                        td.number data-stars=(index + 1) { (given) }
                    }
                } }
            }
        }
    }
}

fn comments(texts: &Texts, figures: &SupportFigures) -> Markup {
    html! {
        section aria-labelledby="comments-heading" {
            h2 #comments-heading { (texts.t("console-supervisor-comments")) }
            @if figures.comments.is_empty() {
                p { (texts.t("console-supervisor-no-comments")) }
            } @else {
                ul.comments #comments {
                    @for comment in &figures.comments {
                        li {
                            span.rating { (texts.with("console-supervisor-stars", &[("stars", comment.rating.into())])) }
                            " · "
                            span.when { (texts.time(comment.closed_at)) }
                            @if let Some(agent) = &comment.agent_name {
                                " · " span.agent { (agent) }
                            }
                            blockquote { (crate::pii::mask(&comment.comment)) }
                        }
                    }
                }
            }
        }
    }
}
