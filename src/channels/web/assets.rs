//! The widget (`/widget.js`, `/widget.css`), the demo host page (`/`) that embeds it with one
//! `<script>` tag, and the API description (`/openapi.yaml`). Compiled into the binary.

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use super::AppState;

const WIDGET_JS: &str = include_str!("../../../web/widget.js");
const WIDGET_CSS: &str = include_str!("../../../web/widget.css");
const DEMO_PAGE: &str = include_str!("../../../web/index.html");
/// The OpenAPI description of the chat API.
pub const OPENAPI: &str = include_str!("../../../web/openapi.yaml");

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                    DEMO_PAGE,
                )
            }),
        )
        .route(
            "/widget.js",
            get(|| async { asset("text/javascript; charset=utf-8", WIDGET_JS) }),
        )
        .route(
            "/widget.css",
            get(|| async { asset("text/css; charset=utf-8", WIDGET_CSS) }),
        )
        .route(
            "/openapi.yaml",
            get(|| async { asset("application/yaml", OPENAPI) }),
        )
}

fn asset(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=300"),
            // Host sites load the widget from here.
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        body,
    )
}
