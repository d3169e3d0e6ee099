//! The real senders against local fake servers: an SMTP server and an SMS gateway, both on
//! loopback, speaking just enough of their protocols to receive one message.

use crate::common;

use std::sync::{Arc, Mutex};

use helpbot::accounts::notify::{Channel, Notification, Notifier};
use helpbot::accounts::senders::{SmtpNotifier, WebhookSmsNotifier, configured_notifier};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// A one-connection SMTP server that records the DATA it receives.
async fn fake_smtp() -> (String, Arc<Mutex<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let received = Arc::new(Mutex::new(String::new()));
    let data = received.clone();
    tokio::spawn(async move {
        let Ok((stream, _)) = listener.accept().await else {
            return;
        };
        let (read, mut write) = stream.into_split();
        let mut lines = BufReader::new(read).lines();
        let _ = write.write_all(b"220 fake ESMTP\r\n").await;
        while let Ok(Some(line)) = lines.next_line().await {
            let command = line.to_ascii_uppercase();
            let reply: &[u8] = if command.starts_with("EHLO") || command.starts_with("HELO") {
                b"250-fake\r\n250 8BITMIME\r\n"
            } else if command.starts_with("DATA") {
                let _ = write.write_all(b"354 go on\r\n").await;
                while let Ok(Some(body_line)) = lines.next_line().await {
                    if body_line == "." {
                        break;
                    }
                    if let Ok(mut text) = data.lock() {
                        text.push_str(&body_line);
                        text.push('\n');
                    }
                }
                b"250 queued\r\n"
            } else if command.starts_with("QUIT") {
                let _ = write.write_all(b"221 bye\r\n").await;
                break;
            } else {
                b"250 ok\r\n"
            };
            let _ = write.write_all(reply).await;
        }
    });
    (format!("smtp://127.0.0.1:{port}"), received)
}

/// A one-request HTTP server that records the request body and answers `status`.
async fn fake_gateway(status: u16) -> (String, Arc<Mutex<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let received = Arc::new(Mutex::new(String::new()));
    let body = received.clone();
    tokio::spawn(async move {
        let Ok((mut stream, _)) = listener.accept().await else {
            return;
        };
        let mut buffer = Vec::new();
        let mut chunk = [0u8; 4096];
        loop {
            let Ok(n) = stream.read(&mut chunk).await else {
                return;
            };
            if n == 0 {
                break;
            }
            buffer.extend_from_slice(&chunk[..n]);
            let text = String::from_utf8_lossy(&buffer).to_string();
            if let Some(split) = text.find("\r\n\r\n") {
                let length = text[..split]
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length:")
                            .map(|v| v.trim().to_string())
                    })
                    .and_then(|v| v.parse::<usize>().ok())
                    .unwrap_or(0);
                if buffer.len() >= split + 4 + length {
                    if let Ok(mut stored) = body.lock() {
                        *stored = text[split + 4..].to_string();
                    }
                    break;
                }
            }
        }
        let response =
            format!("HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        let _ = stream.write_all(response.as_bytes()).await;
    });
    (format!("http://127.0.0.1:{port}/send"), received)
}

fn mail() -> Notification {
    Notification {
        channel: Channel::Email,
        destination: "student@example.com".into(),
        subject: Some("学信网账号校验码".into()),
        body: "您的校验码是 123456".into(),
    }
}

fn sms() -> Notification {
    Notification {
        channel: Channel::Sms,
        destination: "13812345678".into(),
        subject: None,
        body: "【学信网】您的校验码是 654321".into(),
    }
}

#[tokio::test]
async fn mail_goes_through_the_smtp_server() {
    let (url, received) = fake_smtp().await;
    let notifier = SmtpNotifier::new(&url, "helpbot <noreply@localhost>").expect("configured");
    notifier.send(&mail()).await.expect("sent");
    let data = received.lock().expect("lock").clone();
    assert!(data.contains("To: student@example.com"), "{data}");
    assert!(data.contains("From: helpbot <noreply@localhost>"), "{data}");
    assert!(data.contains("Subject:"), "{data}");
}

#[tokio::test]
async fn sms_go_through_the_gateway_and_failures_are_errors() {
    let (url, received) = fake_gateway(200).await;
    WebhookSmsNotifier::new(&url)
        .expect("configured")
        .send(&sms())
        .await
        .expect("sent");
    let body: serde_json::Value =
        serde_json::from_str(&received.lock().expect("lock")).expect("JSON");
    assert_eq!(body["to"], "13812345678");
    assert_eq!(body["text"], "【学信网】您的校验码是 654321");

    let (url, _) = fake_gateway(500).await;
    let failed = WebhookSmsNotifier::new(&url)
        .expect("configured")
        .send(&sms())
        .await;
    assert!(failed.is_err());
    assert!(
        !failed
            .map_err(|e| e.to_string())
            .unwrap_err()
            .contains("13812345678")
    );
}

#[tokio::test]
async fn without_configuration_both_channels_use_the_outbox() {
    let test_db = common::TestDb::sqlite();
    let db = test_db.connect().await;
    let notifier =
        configured_notifier(&db, None, "helpbot <noreply@localhost>", None).expect("outbox");
    notifier.send(&mail()).await.expect("mail");
    notifier.send(&sms()).await.expect("sms");
    let outbox = helpbot::accounts::notify::latest(&db, 10)
        .await
        .expect("outbox");
    let mut channels: Vec<&str> = outbox.iter().map(|m| m.channel.as_str()).collect();
    channels.sort();
    assert_eq!(channels, vec!["email", "sms"]);
    db.close().await;
}

#[tokio::test]
async fn a_bad_smtp_url_is_a_configuration_error() {
    assert!(SmtpNotifier::new("ftp://nowhere", "a@b.c").is_err());
    assert!(SmtpNotifier::new("smtp://127.0.0.1:25", "not an address").is_err());
}
