//! Honest kinds: a lost connection, a response that is not HTTP and a failing
//! token endpoint each fail with the kind they are; an unknown error shape
//! keeps its message, the display stays bounded, a Retry-After date is
//! read in every HTTP date format, and an undocumented success keeps its
//! Retry-After.
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
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn a_connection_lost_after_sending_is_retried_for_idempotent_methods_only() {
    let server = RawServer::start(|_| None).await;
    let s = settings();
    let err = monite_get(&monite_client(&server.url(), Auth::bearer("token-0123"), &s)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connect, "{err}");
    assert!(err.is_retryable() && err.outcome_unknown());
    assert_eq!(server.connections(), 3, "GET: tried max_attempts times");

    let server = RawServer::start(|_| None).await;
    let err = monite_push(&monite_client(&server.url(), Auth::bearer("token-0123"), &s)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connect, "{err}");
    assert!(!err.is_retryable(), "a POST may have been processed");
    assert!(err.outcome_unknown());
    assert_eq!(server.connections(), 1, "POST: not repeated");
}

#[tokio::test]
async fn responses_that_are_not_http_are_final() {
    let long_header = format!("HTTP/1.1 200 OK\r\nx-pad: {}\r\n\r\n", "a".repeat(1 << 20)).into_bytes();
    for (case, reply) in [("over-long header block", long_header), ("garbage status line", b"HELLO\r\n\r\n".to_vec())] {
        let reply = Arc::new(reply);
        let server = RawServer::start(move |_| Some(reply.to_vec())).await;
        let err = monite_get(&monite_client(&server.url(), Auth::bearer("token-0123"), &settings())).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidResponse, "{case}: {err}");
        assert!(!err.is_retryable(), "{case}");
        assert!(err.outcome_unknown(), "{case}: a server read the request");
        assert_eq!(server.connections(), 1, "{case}: not retried");
    }
}

#[tokio::test]
async fn token_endpoint_transport_failures_keep_their_kind() {
    // Nobody listens.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let err = layer_get(&layer_client(&closed, layer_credentials(&closed), &settings())).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connect, "{err}");
    assert!(err.is_retryable() && err.to_string().contains("token"), "{err}");

    // Reset after the request.
    let reset = RawServer::start(|_| None).await;
    let err = monite_get(&monite_client(&reset.url(), monite::client_credentials("id", SECRET), &settings())).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connect, "{err}");
    assert!(err.is_retryable(), "{err}");
    assert!(!err.outcome_unknown(), "no token: the API call was never sent");

    // Silent.
    let silent = silent_server().await;
    let s = Settings { token_timeout: Duration::from_millis(300), ..settings() };
    let err = monite_get(&monite_client(&silent.url(), monite::client_credentials("id", SECRET), &s)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(err.is_retryable() && err.to_string().contains("token"), "{err}");
}

#[tokio::test]
async fn unknown_error_shapes_keep_a_message_and_display_is_bounded() {
    for (field, body) in [
        ("message", json!({"message": "quota exceeded"})),
        ("error", json!({"error": "quota exceeded"})),
        ("error_description", json!({"error_description": "quota exceeded"})),
    ] {
        let server = MockServer::start().await;
        Mock::given(any()).respond_with(ResponseTemplate::new(500).set_body_json(&body)).mount(&server).await;
        let s = Settings { retry: RetryPolicy::none(), ..settings() };
        for call in [
            monite_push(&monite_client(&server.uri(), Auth::bearer("token-0123"), &s)),
            rebilly_put(&rebilly_client(&server.uri(), rebilly::api_key(API_KEY), &s)),
        ] {
            let err = call.await.unwrap_err();
            assert_eq!(err.message(), Some("quota exceeded"), "{field}: {err}");
            assert_eq!(err.raw_body().map(|b| serde_json::from_slice::<serde_json::Value>(b).unwrap()), Some(body.clone()));
        }
    }
    // Control characters are escaped, long texts cut.
    let server = MockServer::start().await;
    // A header value cannot carry most control characters; a tab it can.
    let id = format!("req\tid{}", "r".repeat(60_000));
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(500)
                .insert_header("x-request-id", id.as_str())
                .set_body_json(json!({"message": format!("line one\nline two\u{7}{}", "m".repeat(60_000))})),
        )
        .mount(&server)
        .await;
    let err =
        monite_push(&monite_client(&server.uri(), Auth::bearer("token-0123"), &Settings { retry: RetryPolicy::none(), ..settings() }))
            .await
            .unwrap_err();
    let printed = err.to_string();
    assert!(printed.len() < 2000, "{} bytes", printed.len());
    assert!(!printed.contains('\u{1b}') && !printed.contains('\n') && !printed.contains('\u{7}'), "{printed}");
    assert!(printed.contains("line one\\nline two\\u{7}") && printed.contains("req\\tid"), "{printed}");
}

#[tokio::test]
async fn retry_after_in_every_http_date_format() {
    for format in ["%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"] {
        let when = (chrono::Utc::now() + chrono::Duration::seconds(120)).format(format).to_string();
        let server = MockServer::start().await;
        Mock::given(any()).respond_with(ResponseTemplate::new(429).insert_header("retry-after", when.as_str())).mount(&server).await;
        let err = monite_get(&monite_client(&server.uri(), Auth::bearer("token-0123"), &settings())).await.unwrap_err();
        let wait = err.retry_after().unwrap_or_else(|| panic!("{when}: {err}"));
        assert!(wait > Duration::from_secs(100) && wait <= Duration::from_secs(120), "{when}: {wait:?}");
    }
}

/// A success status the operation does not document is an error, and it
/// keeps the wait the response asked for: the one the transport read for
/// the attempt (a 202 with `Retry-After` is how a server says "later").
#[tokio::test]
async fn an_undocumented_success_keeps_the_attempts_retry_after() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(202).insert_header("retry-after", "7")).mount(&server).await;
    let err = monite_get(&monite_client(&server.uri(), Auth::bearer("token-0123"), &settings())).await.unwrap_err();
    assert_eq!((err.kind(), err.status().map(|s| s.as_u16())), (ErrorKind::Unexpected, Some(202)), "{err}");
    assert_eq!(err.retry_after(), Some(Duration::from_secs(7)), "{err}");
    assert!(err.outcome_unknown(), "a 2xx: the server acted");
    assert!(!err.is_retryable(), "{err}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1, "not retried");
}
