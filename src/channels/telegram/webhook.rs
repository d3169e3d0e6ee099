//! Webhook mode: Telegram posts each update to `{webhook_url}/telegram/webhook/{path secret}` of
//! `helpbot serve`, with the header secret in `X-Telegram-Bot-Api-Secret-Token`; the updates go
//! through the same [`Channel::handle_update`] as polled ones. Used when several instances run
//! behind one address (long polling allows one consumer per token).
//!
//! Both secrets are derived from the bot token (HMAC-SHA256 under distinct labels, URL-safe
//! base64), so every instance registers and accepts the same ones without another setting, and a
//! new token changes them. A wrong path is 404 and a wrong header 401, both before the body is
//! read and compared in constant time; a malformed body is 400. A good update is answered 200 at
//! once and queued for its chat: one worker per chat handles its updates in arrival order, chats
//! side by side; an update delivered twice is handled once (the claim in `store::telegram`).
//! Nothing here logs a secret or an update's content.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use teloxide::prelude::*;

use super::queue::ChatQueues;
use super::{Channel, TelegramBot};
use crate::assistant::Assistant;

/// Where the webhook is served, before the path secret.
pub const WEBHOOK_PATH: &str = "/telegram/webhook/";

/// The header Telegram sends the header secret in.
const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

/// The two secrets of a bot's webhook. No `Debug`: they must not reach a log.
#[derive(Clone)]
pub struct Secrets {
    /// The last segment of the webhook's path.
    pub path: String,
    /// The `secret_token` given to setWebhook, sent back in every request's header.
    pub header: String,
}

/// The webhook secrets of a bot token: 43 characters each of `A-Za-z0-9_-`, as Telegram allows.
pub fn secrets(token: &str) -> Secrets {
    let derive =
        |label: &str| URL_SAFE_NO_PAD.encode(hmac_sha256(token.as_bytes(), label.as_bytes()));
    Secrets {
        path: derive("helpbot telegram webhook path"),
        header: derive("helpbot telegram webhook header"),
    }
}

/// HMAC-SHA256 (RFC 2104) over `sha2`, to derive the secrets without another dependency.
fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.map(|b| b ^ byte);
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .into()
}

/// The address Telegram is given: the public base, the webhook path, the path secret.
pub fn webhook_url(base: &reqwest::Url, secrets: &Secrets) -> Result<reqwest::Url, BadBaseUrl> {
    let url = format!(
        "{}{WEBHOOK_PATH}{}",
        base.as_str().trim_end_matches('/'),
        secrets.path
    );
    reqwest::Url::parse(&url).map_err(|_| BadBaseUrl(base.to_string()))
}

/// A `webhook_url` no webhook address can be made of (the message holds the base, not the secret).
#[derive(Debug, thiserror::Error)]
#[error("telegram.webhook_url {0} is not a base address")]
pub struct BadBaseUrl(String);

/// The webhook's state: the secrets, the queue of each chat being handled.
struct Hook {
    secrets: Secrets,
    queues: ChatQueues,
}

/// Starts the channel in webhook mode: registers the webhook with Telegram (setWebhook with the
/// header secret, tried again until it succeeds) and the commands beside the server, and returns the route
/// that receives updates, for `helpbot serve` to mount. It never polls.
pub async fn start(
    assistant: Assistant,
    bot: TelegramBot,
    token: &str,
    base: &reqwest::Url,
) -> Result<Router, BadBaseUrl> {
    let secrets = secrets(token);
    let url = webhook_url(base, &secrets)?;
    let channel = Channel::new(assistant, bot);
    let registering = channel.clone();
    let header = secrets.header.clone();
    let base = base.to_string();
    // Telegram's calls run beside the server, not before it: an unreachable Bot API must not
    // keep the web widget from starting.
    tokio::spawn(async move {
        super::commands::register(&registering.bot, &registering.assistant).await;
        registering.me().await;
        registering.listen_to_recent_chats().await;
        register(&registering.bot, url, header, &base).await;
        // Lives as long as the process: the webhook route is never taken down.
        registering.prune_pushed_claims().await;
    });
    let hook = Arc::new(Hook {
        queues: ChatQueues::new(channel),
        secrets,
    });
    Ok(Router::new()
        .route(
            &format!("{WEBHOOK_PATH}{{secret}}"),
            axum::routing::post(receive),
        )
        .with_state(hook))
}

/// setWebhook until Telegram takes it, waiting longer after each failure (at most a minute).
async fn register(bot: &TelegramBot, url: reqwest::Url, header: String, base: &str) {
    let mut wait = Duration::from_secs(1);
    loop {
        match bot
            .set_webhook(url.clone())
            .secret_token(header.clone())
            .await
        {
            Ok(_) => {
                tracing::info!(%base, "telegram channel webhook registered");
                return;
            }
            Err(error) => {
                tracing::warn!(%error, "telegram setWebhook failed; trying again");
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(60));
            }
        }
    }
}

fn same(presented: &[u8], expected: &[u8]) -> bool {
    bool::from(presented.ct_eq(expected))
}

async fn receive(
    State(hook): State<Arc<Hook>>,
    Path(secret): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    if !same(secret.as_bytes(), hook.secrets.path.as_bytes()) {
        return StatusCode::NOT_FOUND;
    }
    let header = headers
        .get(SECRET_HEADER)
        .map(|value| value.as_bytes())
        .unwrap_or_default();
    if !same(header, hook.secrets.header.as_bytes()) {
        tracing::warn!("telegram webhook: a request without the right secret header; ignored");
        return StatusCode::UNAUTHORIZED;
    }
    let update: Update = match serde_json::from_slice(&body) {
        Ok(update) => update,
        Err(error) => {
            // Where and what kind of error only: serde's message may quote the content.
            tracing::warn!(
                kind = ?error.classify(),
                line = error.line(),
                column = error.column(),
                "telegram webhook: a malformed update; refused"
            );
            return StatusCode::BAD_REQUEST;
        }
    };
    hook.queues.push(update).await;
    StatusCode::OK
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 4231, test cases 1 and 6 (a key longer than a block).
    #[test]
    fn hmac_matches_the_rfc_vectors() {
        let hex = |bytes: [u8; 32]| crate::text::hex(&bytes);
        assert_eq!(
            hex(hmac_sha256(&[0x0b; 20], b"Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
        assert_eq!(
            hex(hmac_sha256(
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            )),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn the_secrets_are_distinct_stable_and_in_telegrams_alphabet() {
        let one = secrets("123456:token");
        let again = secrets("123456:token");
        let other = secrets("123456:other");
        assert_eq!(one.path, again.path);
        assert_eq!(one.header, again.header);
        assert_ne!(one.path, one.header);
        assert_ne!(one.path, other.path);
        for secret in [&one.path, &one.header] {
            assert_eq!(secret.len(), 43);
            assert!(
                secret
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            );
            assert!(!secret.contains("token"));
        }
    }

    #[test]
    fn the_webhook_url_is_under_the_base_address() {
        let secrets = secrets("123456:token");
        for base in ["https://help.example.edu", "https://help.example.edu/"] {
            let url = webhook_url(&base.parse().expect("url"), &secrets).expect("url");
            assert_eq!(
                url.as_str(),
                format!("https://help.example.edu/telegram/webhook/{}", secrets.path)
            );
        }
    }
}
