//! Bounded reads: a body over the limit is an error of its own, an endless
//! one ends at the limit, and memory stays small.
//!
//! One of the hostile_* files: a hostile or broken server cannot hurt the
//! caller. Every test talks to a real server on loopback: wiremock, or a raw
//! TCP server (tests/common/hostile.rs) where a server must misbehave below
//! HTTP.
#![cfg(all(feature = "rebilly", feature = "layer", feature = "monite"))]

mod common;

use accounting_sync::{monite, Auth, ErrorKind, Settings};
use common::hostile::*;
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn bodies_over_the_limit_are_an_error_of_their_own() {
    let limit = 64 << 10;
    let s = Settings { max_response_bytes: limit, max_token_response_bytes: 1024, ..settings() };
    let record = common::fixture(include_str!("fixtures/monite/synced_record.json"));
    // With a Content-Length, and without one (chunked): both stop at the limit.
    let big = format!("{{\"pad\": \"{}\"}}", "x".repeat(limit));
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_raw(big.clone(), "application/json")).mount(&server).await;
    let err = monite_get(&monite_client(&server.uri(), Auth::bearer("token-0123"), &s)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooLarge, "{err}");
    assert!(!err.is_retryable());
    assert!(err.outcome_unknown(), "a 200 came: the request was processed");

    // An endless chunked body ends at the limit, long before the timeout.
    let endless = RawServer::start(|_| {
        let mut out = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n".to_vec();
        for _ in 0..64 {
            out.extend_from_slice(format!("{:x}\r\n{}\r\n", 4096, "y".repeat(4096)).as_bytes());
        }
        Some(out)
    })
    .await;
    let started = Instant::now();
    let err = monite_get(&monite_client(&endless.url(), Auth::bearer("token-0123"), &s)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooLarge, "{err}");
    assert!(started.elapsed() < Duration::from_secs(5));

    // Under the limit: decoded as usual.
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(record)).mount(&server).await;
    monite_get(&monite_client(&server.uri(), Auth::bearer("token-0123"), &s)).await.unwrap();

    // A token response over its own limit.
    let server = MockServer::start().await;
    let padded = json!({"access_token": "t".repeat(2000), "expires_in": 3600});
    Mock::given(path("/v1/auth/token")).respond_with(ResponseTemplate::new(200).set_body_json(padded)).mount(&server).await;
    let err = monite_get(&monite_client(&server.uri(), monite::client_credentials("id", SECRET), &s)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooLarge, "{err}");
    let calls = server.received_requests().await.unwrap();
    assert!(calls.iter().all(|r| r.url.path() == "/v1/auth/token"), "no API call without a token");

    // An error body is cut, not refused: the status says what happened.
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(500).set_body_string("e".repeat(1 << 20))).mount(&server).await;
    let err = monite_push(&monite_client(&server.uri(), Auth::bearer("token-0123"), &s)).await.unwrap_err();
    assert_eq!((err.kind(), err.raw_body().map(<[u8]>::len)), (ErrorKind::Server, Some(accounting_sync::error::RAW_BODY_LIMIT)));
}

/// Resident memory while a 100 MiB body meets a 1 MiB limit. Ignored by
/// default (it measures the process, so it runs alone):
/// `cargo test --test hostile_bodies -- --ignored --nocapture memory`.
#[tokio::test]
#[ignore]
async fn memory_stays_small_when_a_server_sends_100_mib() {
    fn peak_kib() -> u64 {
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    }
    let chunk = Arc::new(vec![b'z'; 1 << 20]);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let chunk = chunk.clone();
            tokio::spawn(async move {
                read_request(&mut socket).await;
                // No Content-Length: the body runs to the end of the connection.
                let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n";
                let _ = socket.write_all(head.as_bytes()).await;
                for _ in 0..100 {
                    if socket.write_all(&chunk).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    let before = peak_kib();
    // No Content-Length to check first: the limit is enforced while streaming.
    let s = Settings { max_response_bytes: 1 << 20, ..settings() };
    let client = monite_client(&format!("http://{addr}"), Auth::bearer("token-0123"), &s);
    let err = monite_get(&client).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooLarge);
    let after = peak_kib();
    println!("peak resident memory: before {before} KiB, after {after} KiB, growth {} KiB", after.saturating_sub(before));
    assert!(after.saturating_sub(before) < 32 << 10, "peak grew by {} KiB", after - before);
}
