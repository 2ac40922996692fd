//! A tiny webhook receiver on loopback: it checks each Rebilly delivery's
//! Basic credentials with `webhooks::rebilly::Receiver`, prints the event,
//! and answers 200, or 401 / 400 with the reason.
//!
//! - `cargo run --example webhook_receiver` listens on 127.0.0.1:8787 (or
//!   `PORT`) with the credentials in `REBILLY_WEBHOOK_USER` and
//!   `REBILLY_WEBHOOK_PASSWORD` (a local demo pair otherwise); point a
//!   tunnel or Rebilly's "Test webhook" at `/webhooks/rebilly`.
//! - `cargo run --example webhook_receiver -- --self-test` starts it on a
//!   free port, posts a good delivery and bad ones to it over HTTP, checks
//!   each answer, and exits (CI runs this).

use accounting_sync::webhooks::rebilly::Receiver;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use std::future::IntoFuture;
use std::sync::Arc;

async fn rebilly(State(receiver): State<Arc<Receiver>>, headers: HeaderMap, body: Bytes) -> (StatusCode, String) {
    // The raw bytes, as received: the credentials cover the delivery as sent.
    match receiver.verify(&headers, &body) {
        Ok(event) => {
            println!("event {}: {}", event.event_type, event.payload);
            (StatusCode::OK, "ok".into())
        }
        Err(e) if e.is_unauthenticated() => (StatusCode::UNAUTHORIZED, e.to_string()),
        Err(e) => (StatusCode::BAD_REQUEST, e.to_string()),
    }
}

fn app(receiver: Receiver) -> Router {
    Router::new().route("/webhooks/rebilly", post(rebilly)).with_state(Arc::new(receiver))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let user = std::env::var("REBILLY_WEBHOOK_USER").unwrap_or_else(|_| "rebilly-hook".into());
    let password = std::env::var("REBILLY_WEBHOOK_PASSWORD").unwrap_or_else(|_| "local-demo-password".into());
    let self_test = std::env::args().any(|a| a == "--self-test");
    let port = if self_test { 0 } else { std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(8787) };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let url = format!("http://{}/webhooks/rebilly", listener.local_addr()?);
    println!("listening on {url}");
    let server = tokio::spawn(axum::serve(listener, app(Receiver::new(&user, &password))).into_future());
    if !self_test {
        server.await??;
        return Ok(());
    }
    // This program builds a reqwest client of its own, before any
    // accounting-sync client: give rustls its provider first.
    accounting_sync::install_crypto_provider();
    let http = reqwest::Client::new();
    let event = r#"{"eventType": "invoice-paid", "invoiceId": "in_01"}"#;
    let cases = [
        ("the webhook's credentials", Some((user.as_str(), password.as_str())), event, 200),
        ("a wrong password", Some((user.as_str(), "guessed")), event, 401),
        ("no credentials", None, event, 401),
        ("a body that is not an event", Some((user.as_str(), password.as_str())), "not json", 400),
    ];
    let mut failed = false;
    for (what, credentials, body, want) in cases {
        let mut request = http.post(&url).header("content-type", "application/json").body(body);
        if let Some((u, p)) = credentials {
            request = request.basic_auth(u, Some(p));
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        println!("{what}: HTTP {status} {}", response.text().await?);
        failed |= status != want;
    }
    server.abort();
    if failed {
        return Err("a delivery got another answer than expected".into());
    }
    Ok(())
}
