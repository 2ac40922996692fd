//! Token single flight: one token request for all waiters; a hung or failed
//! token endpoint fails them all within one timeout, and the next call tries
//! again.
//!
//! One of the hostile_* files: a hostile or broken server cannot hurt the
//! caller. Every test talks to a real server on loopback: wiremock, or a raw
//! TCP server (tests/common/hostile.rs) where a server must misbehave below
//! HTTP.
#![cfg(all(feature = "rebilly", feature = "layer", feature = "monite"))]

mod common;

use accounting_sync::{monite, ErrorKind, Settings};
use common::hostile::*;
use std::time::{Duration, Instant};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn a_hung_token_endpoint_fails_every_waiter_within_one_timeout() {
    let silent = silent_server().await;
    let timeout = Duration::from_millis(400);
    let s = Settings { token_timeout: timeout, ..settings() };
    let client = monite_client(&silent.url(), monite::client_credentials("id", SECRET), &s);
    let started = Instant::now();
    let waiters: Vec<_> = (0..20).map(|_| tokio::spawn(monite_get(&client))).collect();
    for waiter in waiters {
        let err = waiter.await.unwrap().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    }
    let elapsed = started.elapsed();
    assert!(elapsed < timeout * 3, "20 waiters took {elapsed:?} with a {timeout:?} token timeout");
    assert_eq!(silent.connections(), 1, "one token request for all the waiters");
    // The next call tries again.
    monite_get(&client).await.unwrap_err();
    assert_eq!(silent.connections(), 2);
}

#[tokio::test]
async fn a_token_failure_is_shared_and_the_next_call_succeeds() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/auth/token"))
        .respond_with(ResponseTemplate::new(503).set_delay(Duration::from_millis(200)))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/v1/auth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body("fresh-token-0123")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(common::fixture(include_str!("fixtures/monite/synced_record.json"))))
        .mount(&server)
        .await;
    let client = monite_client(&server.uri(), monite::client_credentials("id", SECRET), &settings());
    let waiters: Vec<_> = (0..10).map(|_| tokio::spawn(monite_get(&client))).collect();
    for waiter in waiters {
        let err = waiter.await.unwrap().unwrap_err();
        assert_eq!((err.kind(), err.status().map(|s| s.as_u16())), (ErrorKind::Auth, Some(503)), "{err}");
        assert!(err.is_retryable());
    }
    monite_get(&client).await.unwrap();
    let tokens = server.received_requests().await.unwrap().iter().filter(|r| r.url.path() == "/v1/auth/token").count();
    assert_eq!(tokens, 2, "one failed fetch shared by ten callers, then one that worked");
}
