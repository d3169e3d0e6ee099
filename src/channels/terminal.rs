//! The terminal channel (`helpbot chat`): every input line is one user message; replies are printed
//! with their buttons numbered. A button is pressed by typing its number or its label, a picture
//! uploaded with `/photo FILE`. Messages pushed to the conversation later (a support agent's
//! reply, the place in the queue, a review decision) are printed as they arrive, between lines;
//! a person's message shows their name in brackets.
//!
//! Under an answer one short line offers feedback: `+` useful, `-` not useful. Not useful asks
//! why with numbered reasons; for "other" a prompt line takes the reason's text (Enter skips
//! it): only the line typed at that prompt is taken as a reason, never a later question.

use std::io::Write;

use serde::Serialize;
use tokio::io::{AsyncBufRead, AsyncBufReadExt};
use tokio::sync::broadcast;

use crate::assistant::{Assistant, Choice, CoreError, FeedbackPress, FeedbackReply, rated_entry};
use crate::locale::Locale;
use crate::message::{BotMessage, Button, Input};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Text for people.
    Human,
    /// One JSON object per bot message: `{"text": "...", "buttons": ["...", ...]}`.
    Json,
}

#[derive(Serialize)]
struct JsonMessage<'a> {
    text: String,
    buttons: Vec<&'a str>,
    /// The display name of the person who wrote it (a support agent); absent for the bot.
    #[serde(skip_serializing_if = "Option::is_none")]
    sender: Option<&'a str>,
}

/// How often the terminal looks for pushed messages.
const PUSH_POLL: std::time::Duration = std::time::Duration::from_millis(500);

/// The text of a message with its links, as a terminal shows it.
pub fn render_text(message: &BotMessage) -> String {
    let mut text = match &message.sender {
        Some(person) => format!("[{}] {}", person.name, message.text),
        None => message.text.clone(),
    };
    for link in &message.links {
        text.push_str(&format!("\n🔗 {}: {}", link.title, link.url));
    }
    if let Some(caption) = &message.buttons_caption {
        text.push_str("\n\n");
        text.push_str(caption);
    }
    text
}

/// Prints the messages of one reply, their buttons numbered on from 1 across the reply (the
/// opening's categories read as one list), and returns those buttons in that order: the ones a
/// number presses next. None when the reply has no buttons.
fn print_reply(
    out: &mut impl Write,
    format: Format,
    messages: &[BotMessage],
) -> std::io::Result<Vec<Button>> {
    let mut numbered = 0;
    for message in messages {
        print_message(out, format, message, numbered)?;
        numbered += message.buttons.len();
    }
    Ok(messages
        .iter()
        .flat_map(|message| message.buttons.iter().cloned())
        .collect())
}

/// One message; its buttons are numbered after the `numbered` of the reply's earlier messages.
fn print_message(
    out: &mut impl Write,
    format: Format,
    message: &BotMessage,
    numbered: usize,
) -> std::io::Result<()> {
    match format {
        Format::Json => {
            let json = JsonMessage {
                text: render_text(message),
                buttons: message.buttons.iter().map(|b| b.label.as_str()).collect(),
                sender: message.sender.as_ref().map(|p| p.name.as_str()),
            };
            writeln!(out, "{}", serde_json::to_string(&json).unwrap_or_default())?;
        }
        Format::Human => {
            writeln!(out, "{}", render_text(message))?;
            for (number, button) in message.buttons.iter().enumerate() {
                writeln!(out, "  [{}] {}", numbered + number + 1, button.label)?;
            }
            writeln!(out)?;
        }
    }
    out.flush()
}

/// A typed line as an input: the number or exact label of a button on screen presses it.
pub fn interpret_line(line: &str, buttons: &[Button]) -> Input {
    let typed = line.trim();
    // `/photo FILE` uploads a picture; an unreadable file arrives empty and is refused as such.
    if let Some(path) = typed.strip_prefix("/photo ") {
        return Input::Photo(std::fs::read(path.trim()).unwrap_or_default());
    }
    if let Ok(number) = typed.parse::<usize>()
        && (1..=buttons.len()).contains(&number)
    {
        return Input::Button(buttons[number - 1].payload.clone());
    }
    if let Some(button) = buttons
        .iter()
        .find(|b| !typed.is_empty() && b.label == typed)
    {
        return Input::Button(button.payload.clone());
    }
    Input::Text(line.to_string())
}

/// Runs a conversation over `input` lines until end of input: a stored one when `resume` names
/// it (its last reply is shown again), else a new one (its opening shown).
pub async fn run(
    assistant: &Assistant,
    locale: Locale,
    format: Format,
    resume: Option<&str>,
    input: impl AsyncBufRead + Unpin,
    out: &mut impl Write,
) -> Result<String, CoreError> {
    let resumed = match resume {
        Some(id) => assistant
            .resume(id)
            .await?
            .map(|last| (id.to_string(), last)),
        None => None,
    };
    let (conversation, first) = match resumed {
        Some(found) => found,
        None => assistant.start_conversation("terminal", locale).await?,
    };
    eprintln!("conversation {conversation} (continue it later with --conversation {conversation})");
    let mut buttons: Vec<Button> = print_reply(out, format, &first).unwrap_or_default();
    let follower = assistant.follow_pushed_messages(PUSH_POLL);
    let mut pushed = assistant.subscribe(&conversation);
    let mut lines = input.lines();
    // The answer `+` and `-` rate, and the answer whose reason the next line gives.
    let mut rated: Option<String> = None;
    let mut reason_for: Option<String> = None;
    loop {
        let line = tokio::select! {
            line = lines.next_line() => line,
            message = next_pushed(&mut pushed) => {
                print_message(out, format, &message, 0).ok();
                if !message.buttons.is_empty() {
                    buttons = message.buttons.clone();
                }
                continue;
            }
        };
        let line = match line {
            Ok(Some(line)) => line,
            Ok(None) => break,
            // Not UTF-8: answered like any unreadable message, and the chat goes on.
            Err(err) if err.kind() == std::io::ErrorKind::InvalidData => "\u{fffd}".to_string(),
            Err(_) => break,
        };
        // The line typed at the "why" prompt is the reason's text (empty: skipped).
        if let Some(entry) = reason_for.take() {
            let reply = assistant.feedback_text(&conversation, &entry, &line).await;
            reason_for =
                show_feedback(assistant, &conversation, reply, format, out, &mut buttons).await;
            continue;
        }
        let input = match feedback_shortcut(&line, rated.as_deref()) {
            Some(press) => Input::Button(press.payload()),
            None => interpret_line(&line, &buttons),
        };
        if let Input::Button(payload) = &input
            && let Some(press) = FeedbackPress::parse(payload)
        {
            let reply = assistant.feedback(&conversation, &press).await;
            reason_for =
                show_feedback(assistant, &conversation, reply, format, out, &mut buttons).await;
            continue;
        }
        // A turn that failed (the database is unreachable, say) is apologised for and the chat
        // goes on: the user may try again or ask something else.
        let messages = match assistant.handle(&conversation, input.clone()).await {
            Ok(messages) => messages,
            Err(error) => {
                tracing::error!(%error, "turn failed");
                vec![assistant.apology(&conversation, &input, &error).await]
            }
        };
        let shown = print_reply(out, format, &messages).unwrap_or_default();
        rated = messages
            .iter()
            .rev()
            .find_map(rated_entry)
            .map(String::from);
        if rated.is_some() && format == Format::Human {
            let hint = text_of(assistant, &conversation, locale, "terminal-feedback-hint").await;
            writeln!(out, "{hint}\n").ok();
            out.flush().ok();
        }
        if !messages.is_empty() {
            buttons = shown;
        }
    }
    follower.abort();
    Ok(conversation)
}

/// `+` or `-` alone, under a rated answer: the feedback on it.
fn feedback_shortcut(line: &str, rated: Option<&str>) -> Option<FeedbackPress> {
    let choice = match line.trim() {
        "+" => Choice::Useful,
        "-" => Choice::NotUseful,
        _ => return None,
    };
    Some(FeedbackPress::new(rated?, choice))
}

/// Prints the core's reply to feedback (its reasons become the numbered buttons) and, when it
/// asks why in the student's words, the prompt line; returns the entry the next line is the
/// reason for.
async fn show_feedback(
    assistant: &Assistant,
    conversation: &str,
    reply: Result<FeedbackReply, CoreError>,
    format: Format,
    out: &mut impl Write,
    buttons: &mut Vec<Button>,
) -> Option<String> {
    let reply = match reply {
        Ok(reply) => reply,
        Err(error) => {
            tracing::error!(%error, "feedback failed");
            let input = Input::Text(String::new());
            let apology = assistant.apology(conversation, &input, &error).await;
            print_message(out, format, &apology, 0).ok();
            return None;
        }
    };
    let shown = print_reply(out, format, &reply.messages).unwrap_or_default();
    // The reasons become the numbered buttons; once one is given they are gone (the answer's
    // own buttons stay pressable after a 👍).
    if !shown.is_empty() {
        *buttons = shown;
    } else if buttons
        .iter()
        .any(|b| FeedbackPress::parse(&b.payload).is_some())
    {
        buttons.clear();
    }
    let entry = reply.asks_text_for?;
    if format == Format::Human {
        let locale = assistant.default_locale();
        let prompt = text_of(assistant, conversation, locale, "terminal-feedback-prompt").await;
        write!(out, "{prompt} ").ok();
        out.flush().ok();
    }
    Some(entry)
}

/// A text in the conversation's language (`fallback` when it cannot be read).
async fn text_of(assistant: &Assistant, conversation: &str, fallback: Locale, id: &str) -> String {
    let locale = assistant
        .conversation_locale(conversation)
        .await
        .ok()
        .flatten()
        .unwrap_or(fallback);
    assistant.content().translations.text(locale, id, &[])
}

/// The next message pushed to the conversation; never, once nothing can arrive.
async fn next_pushed(receiver: &mut Option<broadcast::Receiver<BotMessage>>) -> BotMessage {
    loop {
        let Some(listening) = receiver else {
            return std::future::pending().await;
        };
        match listening.recv().await {
            Ok(message) => return message,
            // Fell behind: the history has what was missed.
            Err(broadcast::error::RecvError::Lagged(_)) => continue,
            Err(broadcast::error::RecvError::Closed) => *receiver = None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_labels_press_buttons() {
        let buttons = vec![
            Button {
                label: "忘记用户名".into(),
                payload: "entry:find-username".into(),
            },
            Button {
                label: "忘记密码".into(),
                payload: "entry:find-password".into(),
            },
        ];
        assert_eq!(
            interpret_line("2", &buttons),
            Input::Button("entry:find-password".into())
        );
        assert_eq!(
            interpret_line("忘记用户名", &buttons),
            Input::Button("entry:find-username".into())
        );
        assert_eq!(interpret_line("3", &buttons), Input::Text("3".into()));
        assert_eq!(
            interpret_line("/photo /no/such/file.jpg", &buttons),
            Input::Photo(Vec::new())
        );
    }

    #[test]
    fn plus_and_minus_rate_the_last_answer_only_when_there_is_one() {
        assert_eq!(
            feedback_shortcut(" + ", Some("find-username")),
            Some(FeedbackPress::new("find-username", Choice::Useful))
        );
        assert_eq!(
            feedback_shortcut("-", Some("find-username")),
            Some(FeedbackPress::new("find-username", Choice::NotUseful))
        );
        assert_eq!(feedback_shortcut("-", None), None);
        assert_eq!(feedback_shortcut("+1", Some("find-username")), None);
    }
}
