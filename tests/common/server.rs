//! `helpbot serve` in-process on a random port with a fresh SQLite database, stopped when the value
//! is dropped, the way zero-to-production's `spawn_app()` does it.

use helpbot::core::Assistant;
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{TestDb, config};

pub struct App {
    pub base: String,
    pub client: reqwest::Client,
    pub assistant: Assistant,
    _db: TestDb,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for App {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

pub async fn spawn_app_with(tweak: impl FnOnce(&mut helpbot::config::Config)) -> App {
    spawn_app_on(TestDb::sqlite(), tweak).await
}

/// The server on the given database (kept as long as the app), the configuration tweaked.
pub async fn spawn_app_on(db: TestDb, tweak: impl FnOnce(&mut helpbot::config::Config)) -> App {
    let mut config = config(db.url());
    tweak(&mut config);
    let assistant = helpbot::runtime::start(&config).await.expect("starts");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let state = helpbot::channels::web::AppState::new(assistant.clone(), &config);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let origins = config.allowed_origins.clone();
    tokio::spawn(async move {
        let _ = helpbot::channels::web::serve(listener, state, &origins, async {
            let _ = stopped.await;
        })
        .await;
    });
    App {
        base,
        client: reqwest::Client::new(),
        assistant,
        _db: db,
        stop: Some(stop),
    }
}

pub async fn spawn_app() -> App {
    spawn_app_with(|_| {}).await
}

impl App {
    /// The server's database, for another process (the `helpbot` binary) to use.
    pub fn database_url(&self) -> &str {
        self._db.url()
    }

    /// The demo accounts (`helpbot demo-data`) in this server's database.
    pub async fn load_demo_data(&self) {
        let store = helpbot::runtime::account_store(self.assistant.database().clone());
        helpbot::accounts::demo::load_demo_data(&store)
            .await
            .expect("demo data");
    }

    pub async fn start(&self, locale: &str) -> (String, String, Value) {
        let response = self
            .client
            .post(format!("{}/api/v1/conversations", self.base))
            .json(&json!({ "locale": locale }))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), StatusCode::CREATED);
        let body: Value = response.json().await.expect("json");
        (
            body["id"].as_str().expect("id").to_string(),
            body["token"].as_str().expect("token").to_string(),
            body,
        )
    }

    /// Uploads a file as the conversation's photo; the status and the JSON body (or null).
    pub async fn upload(
        &self,
        id: &str,
        token: &str,
        bytes: Vec<u8>,
        name: &str,
    ) -> (StatusCode, Value) {
        let form = reqwest::multipart::Form::new().part(
            "photo",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        );
        let response = self
            .client
            .post(format!("{}/api/v1/conversations/{id}/photos", self.base))
            .bearer_auth(token)
            .multipart(form)
            .send()
            .await
            .expect("upload");
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn send(&self, id: &str, token: &str, body: Value) -> (StatusCode, Value) {
        let response = self
            .client
            .post(format!("{}/api/v1/conversations/{id}/messages", self.base))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .expect("request");
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }
}
