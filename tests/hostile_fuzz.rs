//! No panic, whatever is sent: random statuses, headers the client does
//! arithmetic on, bodies and token lifetimes of every shape.
//!
//! One of the hostile_* files: a hostile or broken server cannot hurt the
//! caller. Every test talks to a real server on loopback: wiremock, or a raw
//! TCP server (tests/common/hostile.rs) where a server must misbehave below
//! HTTP.
#![cfg(all(feature = "rebilly", feature = "layer", feature = "monite"))]

mod common;

use accounting_sync::{monite, rebilly, Auth, ErrorKind, RetryPolicy, Settings};
use common::hostile::*;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Values for the headers the client does arithmetic on.
const HOSTILE_NUMBERS: &[&str] = &[
    "0",
    "1",
    "-1",
    "9223372036854775807",
    "9223372036854775808",
    "18446744073709551615",
    "18446744073709551616",
    "1e400",
    "NaN",
    "",
    "Fri, 31 Dec 9999 23:59:59 GMT",
    "Thu, 01 Jan 1970 00:00:00 GMT",
    "Sunday, 06-Nov-94 08:49:37 GMT",
    "Sun Nov  6 08:49:37 1994",
    "99999999999999999999999999999",
];

fn hostile_body(rng: &mut fastrand::Rng) -> Vec<u8> {
    match rng.usize(0..9) {
        0 => Vec::new(),
        1 => (0..rng.usize(0..3000)).map(|_| rng.u8(..)).collect(),
        2 => format!("{}{}", "[".repeat(5000), "]".repeat(5000)).into_bytes(),
        3 => json!({"message": "quota exceeded", "status": 1e300}).to_string().into_bytes(),
        4 => json!({"errors": [{"type": "X", "description": "\u{0}\u{1b}[31m", "meta": null}]}).to_string().into_bytes(),
        5 => json!({"detail": [{"loc": [1e300, -1, "x"], "msg": "m", "type": "t"}]}).to_string().into_bytes(),
        6 => json!({"error": {"message": "x".repeat(100_000)}}).to_string().into_bytes(),
        7 => br#"{"status": 18446744073709551616, "invalidFields": [{"field": null}]}"#.to_vec(),
        _ => common::fixture(include_str!("fixtures/monite/synced_record.json")).to_string().into_bytes(),
    }
}

#[tokio::test]
async fn nothing_a_server_sends_panics_the_client() {
    let rng = Arc::new(std::sync::Mutex::new(fastrand::Rng::with_seed(11)));
    let source = rng.clone();
    let server = RawServer::start(move |_| {
        let mut rng = source.lock().unwrap();
        let status = [200, 204, 301, 400, 401, 404, 422, 429, 500, 502, 503, 504][rng.usize(0..12)];
        let body = hostile_body(&mut rng);
        let mut head = format!("HTTP/1.1 {status} X\r\nconnection: close\r\ncontent-type: application/json\r\n");
        let pick = |rng: &mut fastrand::Rng| HOSTILE_NUMBERS[rng.usize(0..HOSTILE_NUMBERS.len())];
        for name in ["retry-after", "x-ratelimit-retry-after", "x-ratelimit-remaining", "x-ratelimit-reset", "location", "x-request-id"] {
            if rng.bool() {
                head.push_str(&format!("{name}: {}\r\n", pick(&mut rng)));
            }
        }
        // A Content-Length that is right, short, long, huge or not a number.
        let length = match rng.usize(0..5) {
            0 => body.len().to_string(),
            1 => (body.len() / 2).to_string(),
            2 => (body.len() + 10).to_string(),
            3 => pick(&mut rng).to_string(),
            _ => String::new(),
        };
        if !length.is_empty() {
            head.push_str(&format!("content-length: {length}\r\n"));
        }
        head.push_str("\r\n");
        let mut out = head.into_bytes();
        out.extend_from_slice(&body);
        Some(out)
    })
    .await;
    let s = Settings {
        retry: RetryPolicy {
            max_attempts: 2,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(10),
            ..RetryPolicy::default()
        },
        request_timeout: Duration::from_secs(2),
        ..settings()
    };
    let monite = monite_client(&server.url(), Auth::bearer("token-0123"), &s);
    let rebilly = rebilly_client(&server.url(), rebilly::api_key(API_KEY), &s);
    let layer = layer_client(&server.url(), Auth::bearer("token-0123"), &s);
    let mut kinds = std::collections::BTreeMap::new();
    for round in 0..150 {
        let call = match round % 4 {
            0 => monite_get(&monite),
            1 => monite_push(&monite),
            2 => rebilly_get(&rebilly),
            _ => layer_get(&layer),
        };
        match call.await {
            Ok(()) => *kinds.entry("ok".to_string()).or_insert(0) += 1,
            Err(err) => {
                let printed = err.to_string();
                assert!(printed.len() < 4000 && !printed.contains('\u{1b}') && !printed.contains('\n'), "{round}: {printed}");
                *kinds.entry(format!("{:?}", err.kind())).or_insert(0) += 1;
            }
        }
    }
    // The run met many kinds of failure, not one.
    assert!(kinds.len() >= 6, "{kinds:?}");

    // Token lifetimes of every shape.
    for expires_in in [
        json!(-1),
        json!(0),
        json!(1e308),
        json!("1e400"),
        json!(0.0001),
        json!(null),
        json!({}),
        json!(true),
        json!("18446744073709551616"),
    ] {
        let server = MockServer::start().await;
        let token = json!({"access_token": "token-0123456", "expires_in": expires_in});
        Mock::given(path("/v1/auth/token")).respond_with(ResponseTemplate::new(200).set_body_json(token)).mount(&server).await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_json(common::fixture(include_str!("fixtures/monite/synced_record.json"))))
            .mount(&server)
            .await;
        let client = monite_client(&server.uri(), monite::client_credentials("id", SECRET), &s);
        match monite_get(&client).await {
            Ok(()) => {}
            Err(err) => assert_eq!(err.kind(), ErrorKind::Auth, "{expires_in}: {err}"),
        }
    }
}
