//! A tiny webhook receiver on loopback for all three vendors: Rebilly's
//! Basic credentials, Monite's and Layer's signatures, checked with
//! `accounting_sync::webhooks`; it prints each event and answers 200, or 401
//! / 400 with the reason.
//!
//! - `cargo run --example webhook_receiver` listens on 127.0.0.1:8787 (or
//!   `PORT`): `/webhooks/rebilly` with `REBILLY_WEBHOOK_USER` and
//!   `REBILLY_WEBHOOK_PASSWORD`, `/webhooks/monite` with
//!   `MONITE_WEBHOOK_SECRET`, `/webhooks/layer` with `LAYER_WEBHOOK_SECRET`
//!   (local demo values otherwise). Point a tunnel at it.
//! - `cargo run --example webhook_receiver -- --identify FILE --secret S`
//!   reads one captured delivery (headers, a blank line, the raw body) and
//!   says which scheme verifies it with `S` (`user:password` for Rebilly);
//!   it exits non-zero when none does. `--secret` may repeat; without it,
//!   `WEBHOOK_SECRET` is read (keeps the secret out of shell history).
//! - `cargo run --example webhook_receiver -- --self-test` starts it on a
//!   free port, posts good and bad deliveries of each vendor to it over HTTP,
//!   checks each answer and `--identify` on a capture it writes, and exits
//!   (CI runs this).

use accounting_sync::webhooks::{self, layer, monite, rebilly, CapturedRequest, WebhookError};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use std::future::IntoFuture;
use std::io::Read as _;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

struct Receivers {
    rebilly: rebilly::Receiver,
    monite: monite::Receiver,
    layer: layer::Receiver,
}

/// 200 with the event printed, 401 when the sender did not prove who it is,
/// 400 otherwise.
fn answer(result: Result<String, WebhookError>) -> (StatusCode, String) {
    match result {
        Ok(event) => {
            println!("event {event}");
            (StatusCode::OK, "ok".into())
        }
        Err(e) if e.is_unauthenticated() => (StatusCode::UNAUTHORIZED, e.to_string()),
        Err(e) => (StatusCode::BAD_REQUEST, e.to_string()),
    }
}

// Each takes the raw bytes, as received: the signature covers the body as sent.
async fn rebilly(State(r): State<Arc<Receivers>>, headers: HeaderMap, body: Bytes) -> (StatusCode, String) {
    answer(r.rebilly.verify(&headers, &body).map(|e| format!("{} about {:?}", e.event_type, e.object())))
}

async fn monite(State(r): State<Arc<Receivers>>, headers: HeaderMap, body: Bytes) -> (StatusCode, String) {
    answer(r.monite.verify(&headers, &body).map(|e| format!("{} about {:?} {:?}", e.action, e.object_type, monite::object_id(&e))))
}

async fn layer(State(r): State<Arc<Receivers>>, headers: HeaderMap, body: Bytes) -> (StatusCode, String) {
    answer(r.layer.verify(&headers, &body).map(|e| format!("{} about {}", e.event_type, e.entity_id())))
}

fn app(receivers: Receivers) -> Router {
    Router::new()
        .route("/webhooks/rebilly", post(rebilly))
        .route("/webhooks/monite", post(monite))
        .route("/webhooks/layer", post(layer))
        .with_state(Arc::new(receivers))
}

/// Reads a captured request from `path` and prints what verifies it with
/// each secret: `Ok(true)` when something does.
fn identify_file(path: &str, secrets: &[String]) -> Result<bool, Box<dyn std::error::Error>> {
    let mut raw = Vec::new();
    // One byte more than is read, so a larger file is refused, not cut.
    std::fs::File::open(path)
        .map_err(|e| format!("cannot open {path}: {e}"))?
        .take(webhooks::MAX_CAPTURE_BYTES as u64 + 1)
        .read_to_end(&mut raw)?;
    let request = CapturedRequest::parse(&raw)?;
    println!("{path}: {} headers, a body of {} bytes", request.headers.len(), request.body.len());
    let mut verified = false;
    for (n, secret) in secrets.iter().enumerate() {
        let found = webhooks::identify(&request, secret);
        for matched in &found.matches {
            println!("secret #{}: verified by {matched}", n + 1);
        }
        for note in &found.notes {
            println!("secret #{}: {note}", n + 1);
        }
        verified |= !found.matches.is_empty();
    }
    if !verified {
        println!("no scheme verifies this delivery with the secret(s) given");
    }
    Ok(verified)
}

const DEMO_MONITE_SECRET: &str = "whsec_local-demo-monite-secret";
const DEMO_LAYER_SECRET: &str = "whsec_bG9jYWwtZGVtby1sYXllci1zZWNyZXQh";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(at) = args.iter().position(|a| a == "--identify") {
        let path = args.get(at + 1).ok_or("--identify needs the file of a captured delivery")?;
        let mut secrets: Vec<String> = args.windows(2).filter(|pair| pair[0] == "--secret").map(|pair| pair[1].clone()).collect();
        if secrets.is_empty() {
            secrets.extend(std::env::var("WEBHOOK_SECRET").ok());
        }
        if secrets.is_empty() {
            return Err("give the secret with --secret S (or WEBHOOK_SECRET)".into());
        }
        if !identify_file(path, &secrets)? {
            std::process::exit(1);
        }
        return Ok(());
    }
    let env = |name: &str, demo: &str| std::env::var(name).unwrap_or_else(|_| demo.into());
    let user = env("REBILLY_WEBHOOK_USER", "rebilly-hook");
    let password = env("REBILLY_WEBHOOK_PASSWORD", "local-demo-password");
    let monite_secret = env("MONITE_WEBHOOK_SECRET", DEMO_MONITE_SECRET);
    let layer_secret = env("LAYER_WEBHOOK_SECRET", DEMO_LAYER_SECRET);
    let receivers = Receivers {
        rebilly: rebilly::Receiver::new(&user, &password),
        monite: monite::Receiver::new(&monite_secret),
        layer: layer::Receiver::new(&layer_secret)?,
    };
    let self_test = args.iter().any(|a| a == "--self-test");
    let port = if self_test { 0 } else { std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(8787) };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let base = format!("http://{}/webhooks", listener.local_addr()?);
    println!("listening on {base}/rebilly, {base}/monite and {base}/layer");
    let server = tokio::spawn(axum::serve(listener, app(receivers)).into_future());
    if !self_test {
        server.await??;
        return Ok(());
    }
    let failed =
        self_test_deliveries(&base, (&user, &password), &monite_secret, &layer_secret).await? | !self_test_identify(&monite_secret)?;
    server.abort();
    if failed {
        return Err("the self-test got another answer than expected".into());
    }
    println!("self-test passed");
    Ok(())
}

/// Posts good and bad deliveries of each vendor; `Ok(true)` if any answer
/// was not the expected one.
async fn self_test_deliveries(
    base: &str,
    (user, password): (&str, &str),
    monite_secret: &str,
    layer_secret: &str,
) -> Result<bool, Box<dyn std::error::Error>> {
    // This program builds a reqwest client of its own, before any
    // accounting-sync client: give rustls its provider first.
    accounting_sync::install_crypto_provider();
    let http = reqwest::Client::new();
    let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();

    let rebilly_event = r#"{"eventType": "invoice-paid", "invoiceId": "in_01"}"#;
    let monite_event = r#"{"id": "0b9b1f0e-3c3f-4f55-9a5a-8b3c2d1e0f9a", "action": "payable.created", "api_version": "2024-05-25", "description": "", "entity_id": "9d2b4c8f-2087-4738-ba91-7359683c49a4", "object": {"id": "4b3a2c1d-0e9f-4a8b-b7c6-d5e4f3a2b1c0"}, "object_type": "payable", "webhook_subscription_id": "7e209570-afd5-4078-ac33-b8e7409fa790"}"#;
    let layer_event = r#"{"id": "evt_1", "type": "Invoice.updated", "business_id": "biz_1", "data": {"entity_id": "inv_1"}}"#;
    let monite_sign = |secret: &str, t: u64, body: &str| monite::Scheme::DOCUMENTED.sign(secret, t, body.as_bytes()).unwrap_or_default();
    let layer_sign = |secret: &str, t: u64, body: &str| layer::sign(secret, "msg_selftest", t, body.as_bytes()).unwrap_or_default();
    let basic = |u: &str, p: &str| {
        use base64::Engine as _;
        format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{u}:{p}")))
    };
    let other_layer_secret = "whsec_b3RoZXItbGF5ZXItc2VjcmV0";
    type Case<'a> = (&'a str, &'a str, Vec<(&'a str, String)>, &'a str, u16);
    let layer_headers = |t: u64, signature: String| {
        vec![("webhook-id", "msg_selftest".to_string()), ("webhook-timestamp", t.to_string()), ("webhook-signature", signature)]
    };
    let cases: Vec<Case> = vec![
        ("Rebilly: the webhook's credentials", "rebilly", vec![("authorization", basic(user, password))], rebilly_event, 200),
        ("Rebilly: a wrong password", "rebilly", vec![("authorization", basic(user, "guessed"))], rebilly_event, 401),
        ("Rebilly: no credentials", "rebilly", vec![], rebilly_event, 401),
        ("Rebilly: not an event", "rebilly", vec![("authorization", basic(user, password))], "not json", 400),
        ("Monite: signed now", "monite", vec![("monite-signature", monite_sign(monite_secret, now, monite_event))], monite_event, 200),
        ("Monite: a body changed", "monite", vec![("monite-signature", monite_sign(monite_secret, now, monite_event))], "{}", 401),
        ("Monite: another secret", "monite", vec![("monite-signature", monite_sign("whsec_other", now, monite_event))], monite_event, 401),
        (
            "Monite: signed an hour ago",
            "monite",
            vec![("monite-signature", monite_sign(monite_secret, now - 3600, monite_event))],
            monite_event,
            401,
        ),
        ("Monite: no signature", "monite", vec![], monite_event, 401),
        ("Monite: signed, not an event", "monite", vec![("monite-signature", monite_sign(monite_secret, now, "[]"))], "[]", 400),
        ("Layer: signed now", "layer", layer_headers(now, layer_sign(layer_secret, now, layer_event)), layer_event, 200),
        ("Layer: a body changed", "layer", layer_headers(now, layer_sign(layer_secret, now, layer_event)), "{}", 401),
        ("Layer: another secret", "layer", layer_headers(now, layer_sign(other_layer_secret, now, layer_event)), layer_event, 401),
        (
            "Layer: signed in ten minutes",
            "layer",
            layer_headers(now + 600, layer_sign(layer_secret, now + 600, layer_event)),
            layer_event,
            401,
        ),
        ("Layer: no signature", "layer", vec![], layer_event, 401),
    ];
    let mut failed = false;
    for (what, vendor, headers, body, want) in cases {
        let mut request = http.post(format!("{base}/{vendor}")).header("content-type", "application/json").body(body);
        for (name, value) in headers {
            request = request.header(name, value);
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        println!("{what}: HTTP {status} {}", response.text().await?);
        if status != want {
            println!("  expected HTTP {want}");
            failed = true;
        }
    }
    Ok(failed)
}

/// Writes a capture of a Monite delivery as `nc -l` saves it and runs this
/// program with `--identify` on it: `Ok(true)` when that succeeds with the
/// secret and exits non-zero with a wrong one.
fn self_test_identify(secret: &str) -> Result<bool, Box<dyn std::error::Error>> {
    let body = r#"{"id": "0b9b1f0e-3c3f-4f55-9a5a-8b3c2d1e0f9a"}"#;
    let signature = monite::Scheme::DOCUMENTED.sign(secret, 1_765_000_000, body.as_bytes()).ok_or("cannot sign")?;
    let capture = format!(
        "POST /webhooks/monite HTTP/1.1\r\nHost: localhost\r\nContent-Length: {}\r\nMonite-Signature: {signature}\r\n\r\n{body}\n",
        body.len()
    );
    let path = std::env::temp_dir().join(format!("webhook-capture-{}.txt", std::process::id()));
    std::fs::write(&path, capture)?;
    let run = |secret: &str| {
        // The secret through the environment, as a user would keep it out of history.
        std::process::Command::new(std::env::current_exe()?).arg("--identify").arg(&path).env("WEBHOOK_SECRET", secret).status()
    };
    let (found, missed) = (run(secret), run("whsec_wrong"));
    std::fs::remove_file(&path)?;
    let (found, missed) = (found?.success(), missed?.success());
    println!("--identify on a captured Monite delivery: {}", if found && !missed { "as expected" } else { "NOT as expected" });
    Ok(found && !missed)
}
