//! Redirects are never followed, also by a client made from another's
//! context: no credential reaches another origin.
//!
//! One of the hostile_* files: a hostile or broken server cannot hurt the
//! caller. Every test talks to a real server on loopback: wiremock, or a raw
//! TCP server (tests/common/hostile.rs) where a server must misbehave below
//! HTTP.
#![cfg(all(feature = "rebilly", feature = "layer", feature = "monite"))]

mod common;

use accounting_sync::{monite, rebilly, Auth, ErrorKind};
use common::hostile::*;
use serde_json::json;
use wiremock::matchers::{any, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A recording server on another origin: 127.0.0.2 (another address), or
/// 127.0.0.1 on another port.
async fn elsewhere(address: &str) -> MockServer {
    let listener = std::net::TcpListener::bind(format!("{address}:0")).unwrap();
    let server = MockServer::builder().listener(listener).start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(json!({}))).mount(&server).await;
    server
}

#[tokio::test]
async fn redirects_are_never_followed_and_no_credential_reaches_another_origin() {
    for address in ["127.0.0.2", "127.0.0.1"] {
        for status in [301, 302, 303, 307, 308] {
            let other = elsewhere(address).await;
            let target = format!("{}/stolen", other.uri());
            let origin = MockServer::start().await;
            let redirect = ResponseTemplate::new(status).insert_header("location", target.as_str());
            // Token endpoints that redirect, and APIs that redirect once a token is had.
            Mock::given(path("/redirecting/oauth2/token")).respond_with(redirect.clone()).mount(&origin).await;
            Mock::given(path("/redirecting/v1/auth/token")).respond_with(redirect.clone()).mount(&origin).await;
            Mock::given(path("/oauth2/token"))
                .respond_with(ResponseTemplate::new(200).set_body_json(token_body("layer-token-0123")))
                .mount(&origin)
                .await;
            Mock::given(path("/v1/auth/token"))
                .respond_with(ResponseTemplate::new(200).set_body_json(token_body("monite-token-0123")))
                .mount(&origin)
                .await;
            Mock::given(any()).respond_with(redirect).mount(&origin).await;
            let base = origin.uri();
            let redirecting = format!("{base}/redirecting");
            let s = settings();
            let cases: Vec<(&str, Call)> = vec![
                ("rebilly api key GET", rebilly_get(&rebilly_client(&base, rebilly::api_key(API_KEY), &s))),
                ("rebilly api key PUT", rebilly_put(&rebilly_client(&base, rebilly::api_key(API_KEY), &s))),
                ("rebilly jwt", rebilly_get(&rebilly_client(&base, Auth::bearer("eyJ.jwt-0123456789"), &s))),
                ("layer token endpoint", layer_get(&layer_client(&base, layer_credentials(&redirecting), &s))),
                ("layer api with a token", layer_get(&layer_client(&base, layer_credentials(&base), &s))),
                ("layer bearer", layer_get(&layer_client(&base, Auth::bearer("layer-bearer-0123"), &s))),
                ("monite token endpoint", monite_get(&monite_client(&redirecting, monite::client_credentials("m-id", SECRET), &s))),
                (
                    "monite entity user token endpoint",
                    monite_get(&monite_client(&redirecting, monite::entity_user("m-id", SECRET, ENTITY.parse().unwrap()), &s)),
                ),
                ("monite api with a token", monite_push(&monite_client(&base, monite::client_credentials("m-id", SECRET), &s))),
            ];
            for (case, call) in cases {
                let err = call.await.expect_err(case);
                assert_eq!(err.kind(), ErrorKind::Redirect, "{address} {status} {case}: {err}");
                assert!(err.to_string().contains(&target), "{case}: the error names the Location: {err}");
                assert!(!err.is_retryable(), "{case}");
                assert!(!err.outcome_unknown(), "{case}");
            }
            let received = other.received_requests().await.unwrap();
            assert!(received.is_empty(), "{address} {status}: the other origin received {received:?}");
        }
    }
}

/// A client made with progenitor's `Client::new` from another client's
/// context keeps the context's safeguards and credentials: its requests go
/// through the context's HTTP client (a redirect is not followed), under
/// another base path too.
#[tokio::test]
async fn a_client_made_with_new_from_a_context_keeps_its_safeguards() {
    use accounting_sync::monite::ClientInfo;
    let elsewhere = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200)).mount(&elsewhere).await;
    let proxy = MockServer::start().await;
    Mock::given(path("/redirecting/v1/accounting_synced_records/0e4d3c1b-6a5f-4e2d-9c8b-7a6f5e4d3c2b"))
        .respond_with(ResponseTemplate::new(302).insert_header("Location", format!("{}/steal", elsewhere.uri()).as_str()))
        .mount(&proxy)
        .await;
    Mock::given(path("/api/v1/accounting_synced_records/0e4d3c1b-6a5f-4e2d-9c8b-7a6f5e4d3c2b"))
        .respond_with(ResponseTemplate::new(200).set_body_json(common::monite::record()))
        .mount(&proxy)
        .await;
    let original = monite_client("http://127.0.0.1:9", Auth::bearer("context-token"), &settings());
    let via = |base: &str| monite::Client::new(&format!("{}{base}", proxy.uri()), original.inner().clone());
    let record = via("/api/v1").get_accounting_synced_records_id().synced_record_id(RECORD.parse::<uuid::Uuid>().unwrap()).send().await;
    assert!(record.is_ok(), "{:?}", record);
    let redirected =
        via("/redirecting/v1").get_accounting_synced_records_id().synced_record_id(RECORD.parse::<uuid::Uuid>().unwrap()).send().await;
    assert_eq!(redirected.unwrap_err().kind(), ErrorKind::Redirect);
    assert!(elsewhere.received_requests().await.unwrap().is_empty(), "the redirect was followed");
    let sent = proxy.received_requests().await.unwrap();
    assert!(sent.iter().all(|r| r.headers.get("authorization").is_some_and(|v| v == "Bearer context-token")));
}
