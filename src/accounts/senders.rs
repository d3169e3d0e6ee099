//! Real senders behind the [`Notifier`] trait: e-mail over SMTP (lettre, `HELPBOT_MESSAGING__SMTP_URL`) and
//! SMS through an HTTP gateway webhook (`HELPBOT_MESSAGING__SMS_WEBHOOK_URL`, which receives
//! `{"to": "...", "text": "..."}` as JSON). Without them the outbox is the sink.

use std::sync::Arc;

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::notify::{Channel, Notification, Notifier, NotifyError, NotifyFuture, OutboxNotifier};
use crate::pii;
use crate::store::Database;

/// Mails through an SMTP server: `smtp://user:pass@host:587?tls=required`, `smtps://…`.
pub struct SmtpNotifier {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpNotifier {
    /// Call inside the tokio runtime: the connection pool lives on it.
    pub fn new(url: &str, from: &str) -> Result<Self, NotifyError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| NotifyError::Transport(format!("SMTP URL: {e}")))?
            .build();
        let from = from
            .parse()
            .map_err(|e| NotifyError::Transport(format!("sender address: {e}")))?;
        Ok(Self { transport, from })
    }
}

impl Notifier for SmtpNotifier {
    fn send<'a>(&'a self, notification: &'a Notification) -> NotifyFuture<'a> {
        Box::pin(async move {
            let to: Mailbox = notification.destination.parse().map_err(|e| {
                NotifyError::Transport(format!(
                    "address {}: {e}",
                    pii::mask(&notification.destination)
                ))
            })?;
            let message = Message::builder()
                .from(self.from.clone())
                .to(to)
                .subject(notification.subject.clone().unwrap_or_default())
                .header(ContentType::TEXT_PLAIN)
                .body(notification.body.clone())
                .map_err(|e| NotifyError::Transport(format!("building the mail: {e}")))?;
            self.transport
                .send(message)
                .await
                .map_err(|e| NotifyError::Transport(format!("SMTP: {e}")))?;
            tracing::info!(to = %pii::loggable(&notification.destination), "mail sent");
            Ok(())
        })
    }
}

/// Sends SMS through an HTTP gateway: POST `{"to", "text"}` as JSON, any 2xx is success.
pub struct WebhookSmsNotifier {
    client: reqwest::Client,
    url: String,
}

impl WebhookSmsNotifier {
    pub fn new(url: &str) -> Result<Self, NotifyError> {
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .map_err(|e| NotifyError::Transport(format!("HTTP client: {e}")))?;
        Ok(Self {
            client,
            url: url.to_string(),
        })
    }
}

impl Notifier for WebhookSmsNotifier {
    fn send<'a>(&'a self, notification: &'a Notification) -> NotifyFuture<'a> {
        Box::pin(async move {
            self.client
                .post(&self.url)
                .json(&serde_json::json!({
                    "to": notification.destination,
                    "text": notification.body,
                }))
                .send()
                .await
                .and_then(reqwest::Response::error_for_status)
                .map_err(|e| NotifyError::Transport(format!("SMS gateway: {}", e.without_url())))?;
            tracing::info!(to = %pii::loggable(&notification.destination), "SMS sent");
            Ok(())
        })
    }
}

/// Sends SMS and e-mail each through its own notifier.
pub struct RoutingNotifier {
    pub sms: Arc<dyn Notifier>,
    pub email: Arc<dyn Notifier>,
}

impl Notifier for RoutingNotifier {
    fn send<'a>(&'a self, notification: &'a Notification) -> NotifyFuture<'a> {
        match notification.channel {
            Channel::Sms => self.sms.send(notification),
            Channel::Email => self.email.send(notification),
        }
    }
}

/// The notifier the configuration asks for: SMTP and the SMS webhook where configured, the
/// outbox for whatever is not.
pub fn configured_notifier(
    db: &Database,
    smtp_url: Option<&str>,
    smtp_from: &str,
    sms_webhook_url: Option<&str>,
) -> Result<Arc<dyn Notifier>, NotifyError> {
    let outbox: Arc<dyn Notifier> = Arc::new(OutboxNotifier::new(db.clone()));
    let email: Arc<dyn Notifier> = match smtp_url {
        Some(url) => Arc::new(SmtpNotifier::new(url, smtp_from)?),
        None => outbox.clone(),
    };
    let sms: Arc<dyn Notifier> = match sms_webhook_url {
        Some(url) => Arc::new(WebhookSmsNotifier::new(url)?),
        None => outbox,
    };
    Ok(Arc::new(RoutingNotifier { sms, email }))
}
