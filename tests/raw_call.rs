//! `Client::raw`: a call to an endpoint no document lists goes through the
//! same transport as the generated calls (credentials, the client's headers,
//! retries, limits, the crate's `Error`), against wiremock on loopback.
#![cfg(all(feature = "rebilly", feature = "layer", feature = "monite"))]

mod common;

use accounting_sync::{layer, monite, rebilly, Auth, ClientCredentials, Error, ErrorKind, Method, RetryPolicy, Settings};
use common::logs::Captured;
use common::{header, only_request};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use wiremock::matchers::{header as has_header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const API_KEY: &str = "sk_test_raw-call-key-0123";
const ORG: &str = "org-raw";
const ENTITY: &str = "9d2b4c8f-2087-4738-ba91-7359683c49a4";

fn settings() -> Settings {
    Settings {
        retry: RetryPolicy { base_delay: Duration::from_millis(2), max_delay: Duration::from_millis(20), ..RetryPolicy::default() },
        ..Settings::default()
    }
}

fn rebilly_at(server: &MockServer, settings: &Settings) -> rebilly::Client {
    rebilly::Client::with_settings(rebilly::Environment::Custom(server.uri()), ORG, rebilly::api_key(API_KEY), settings).unwrap()
}

fn token(access_token: &str) -> Value {
    json!({"access_token": access_token, "expires_in": 3600, "token_type": "Bearer"})
}

#[tokio::test]
async fn rebilly_sends_its_api_key_under_the_organization_path() {
    let _logs = logs();
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/organizations/{ORG}/undocumented/things")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"things": [1, 2]})))
        .mount(&server)
        .await;
    let got = rebilly_at(&server, &settings())
        .raw(Method::GET, "/undocumented/things")
        .query("limit", 10)
        .query("filter", "a b&c")
        .send_json::<Value>()
        .await
        .unwrap();
    assert_eq!(got.status().as_u16(), 200);
    assert_eq!(got.into_inner(), json!({"things": [1, 2]}));
    let request = only_request(&server).await;
    assert_eq!(header(&request, "reb-apikey"), Some(API_KEY));
    common::assert_common_headers(&request);
    assert_eq!(common::query(&request), [("limit".into(), "10".into()), ("filter".into(), "a b&c".into())]);
}

#[tokio::test]
async fn monite_sends_its_entity_header_and_a_token_from_the_token_endpoint_refreshed_after_a_401() {
    let _logs = logs();
    let server = MockServer::start().await;
    let issued = Arc::new(Mutex::new(0));
    let counter = issued.clone();
    Mock::given(method("POST"))
        .and(path("/v1/auth/token"))
        .respond_with(move |_: &wiremock::Request| {
            let mut n = counter.lock().unwrap();
            *n += 1;
            ResponseTemplate::new(200).set_body_json(token(&format!("monite-token-{n}")))
        })
        .mount(&server)
        .await;
    // The first token has expired on the server's side: a 401, then the
    // fresh token is accepted.
    Mock::given(path("/v1/payables/export"))
        .and(has_header("authorization", "Bearer monite-token-1"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": {"message": "token expired"}})))
        .mount(&server)
        .await;
    Mock::given(path("/v1/payables/export"))
        .and(has_header("authorization", "Bearer monite-token-2"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": "export-1"})))
        .mount(&server)
        .await;
    let client = monite::Client::with_settings(
        monite::Environment::Custom(format!("{}/v1", server.uri())),
        monite::client_credentials("monite-client", "monite-secret-0123"),
        &settings(),
    )
    .unwrap()
    .for_entity(ENTITY.parse().unwrap());
    let got = client.raw(Method::POST, "/payables/export").json(&json!({"format": "csv"})).send_json::<Value>().await.unwrap();
    assert_eq!(got.status().as_u16(), 201);
    assert_eq!(got.into_inner(), json!({"id": "export-1"}));
    assert_eq!(*issued.lock().unwrap(), 2, "one token, then one fresh after the 401");
    let calls: Vec<_> = server.received_requests().await.unwrap().into_iter().filter(|r| r.url.path() == "/v1/payables/export").collect();
    assert_eq!(calls.len(), 2);
    for call in &calls {
        assert_eq!(header(call, "x-monite-entity-id"), Some(ENTITY));
        assert!(header(call, "x-monite-version").is_some_and(|v| !v.is_empty()));
        assert_eq!(header(call, "content-type"), Some("application/json"));
        assert_eq!(common::json_body(call), json!({"format": "csv"}));
        common::assert_common_headers(call);
    }
    assert_eq!(header(&calls[1], "authorization"), Some("Bearer monite-token-2"));
}

#[tokio::test]
async fn layer_sends_a_bearer_token_from_its_token_endpoint() {
    let _logs = logs();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token("layer-token-0123")))
        .mount(&server)
        .await;
    Mock::given(path("/v1/businesses/b-1/undocumented")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let credentials = ClientCredentials::new("layer-id", "layer-secret-0123")
        .with_scope("scope")
        .with_token_url(format!("{}/oauth2/token", server.uri()));
    let client =
        layer::Client::with_settings(layer::Environment::Custom(server.uri()), Auth::ClientCredentials(credentials), &settings()).unwrap();
    let got = client.raw(Method::DELETE, "/v1/businesses/{business}/undocumented").path_param("business", "b-1").send().await.unwrap();
    assert_eq!(got.status().as_u16(), 204);
    assert!(got.into_inner().is_empty());
    let call = server.received_requests().await.unwrap().into_iter().find(|r| r.url.path().starts_with("/v1/")).unwrap();
    assert_eq!(header(&call, "authorization"), Some("Bearer layer-token-0123"));
}

/// A server answering 503 to the first `failures` requests, then 200.
async fn flaky(failures: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path(format!("/organizations/{ORG}/things")))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(failures)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path(format!("/organizations/{ORG}/things")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_get_is_retried_after_a_503_and_a_post_is_not_unless_made_safe() {
    let _logs = logs();
    let server = flaky(1).await;
    let client = rebilly_at(&server, &settings());
    let got = client.raw(Method::GET, "/things").send_json::<Value>().await.unwrap();
    assert_eq!(got.into_inner(), json!({"ok": true}));
    assert_eq!(server.received_requests().await.unwrap().len(), 2, "the GET was retried once");
    assert_eq!(client.stats().retries, 1);

    let server = flaky(1).await;
    let client = rebilly_at(&server, &settings());
    let err = client.raw(Method::POST, "/things").json(&json!({})).send().await.unwrap_err();
    assert_eq!(server.received_requests().await.unwrap().len(), 1, "a POST is not repeated after a 503");
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert!(!err.is_retryable(), "{err:?}");
    assert!(err.outcome_unknown(), "a 503 without Retry-After may have been processed: {err:?}");

    let server = flaky(1).await;
    let client = rebilly_at(&server, &settings());
    client.raw(Method::POST, "/things").safe_to_retry().send().await.unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 2, "a POST made safe to retry is retried");

    let server = flaky(1).await;
    let client = rebilly_at(&server, &settings()).with_options(accounting_sync::CallOptions::new().safe_to_retry());
    client.raw(Method::POST, "/things").send().await.unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 2, "CallOptions::safe_to_retry counts too");
}

#[tokio::test]
async fn a_path_parameter_is_percent_encoded_into_one_segment() {
    let _logs = logs();
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(json!({}))).mount(&server).await;
    rebilly_at(&server, &settings()).raw(Method::GET, "/invoices/{id}/items").path_param("id", "inv 1?x#y%z").send().await.unwrap();
    let request = only_request(&server).await;
    assert_eq!(request.url.path(), format!("/organizations/{ORG}/invoices/inv%201%3Fx%23y%25z/items"));
    assert_eq!(request.url.query(), None);
}

#[tokio::test]
async fn a_value_or_path_that_would_change_the_path_is_refused_before_sending() {
    let _logs = logs();
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(json!({}))).mount(&server).await;
    let client = rebilly_at(&server, &settings());
    for value in ["../admin", "..", ".", "", "a/b", "a\\b", "a\nb"] {
        let err = client.raw(Method::GET, "/invoices/{id}").path_param("id", value).send().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{value:?}: {err:?}");
        assert!(err.message().unwrap_or_default().contains("path parameter id"), "{value:?}: {err}");
        assert!(!err.outcome_unknown() && !err.is_retryable(), "{err:?}");
        assert_eq!(err.vendor(), Some(accounting_sync::Vendor::Rebilly));
    }
    for template in ["/invoices/../../admin", "/invoices/%2e%2e/x", "/a/./b", "/invoices/{id}x", "/q?x=1", "invoices", "/a\\b"] {
        let err = client.raw(Method::GET, template).path_param("id", "1").send().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{template:?}: {err:?}");
    }
    // A parameter missing or left over is the caller's mistake too.
    let err = client.raw(Method::GET, "/invoices/{id}").send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    let err = client.raw(Method::GET, "/invoices").path_param("id", "1").send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert!(server.received_requests().await.unwrap().is_empty(), "nothing may be sent");
}

#[tokio::test]
async fn an_absolute_url_or_another_origin_is_refused_and_gets_no_credentials() {
    let _logs = logs();
    let server = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200)).mount(&elsewhere).await;
    let client = rebilly_at(&server, &settings());
    let other_host = elsewhere.uri().replace("http://", "");
    for target in [
        format!("{}/steal", elsewhere.uri()),
        format!("//{other_host}/steal"),
        format!("{}/organizations/{ORG}/things", server.uri()),
        "https://evil.example/steal".to_string(),
    ] {
        let err = client.raw(Method::GET, &target).send().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{target}: {err:?}");
        assert!(err.message().unwrap_or_default().contains("own origin"), "{target}: {err}");
    }
    assert!(elsewhere.received_requests().await.unwrap().is_empty(), "a request went to another host");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_redirect_is_not_followed() {
    let _logs = logs();
    let server = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200)).mount(&elsewhere).await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(302).insert_header("Location", format!("{}/steal", elsewhere.uri()).as_str()))
        .mount(&server)
        .await;
    let err = rebilly_at(&server, &settings()).raw(Method::GET, "/things").send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Redirect, "{err:?}");
    assert!(err.message().unwrap_or_default().contains("/steal"), "{err}");
    assert!(elsewhere.received_requests().await.unwrap().is_empty(), "the redirect was followed");
}

#[tokio::test]
async fn an_error_status_is_decoded_as_the_vendors_body_with_status_and_request_id() {
    let _logs = logs();
    let server = MockServer::start().await;
    let problem = json!({
        "type": "https://api-reference.rebilly.com/problems/422",
        "title": "Invalid data",
        "status": 422,
        "detail": "The thing is not valid",
        "invalidFields": [{"field": "amount", "message": "must be positive"}],
    });
    Mock::given(path(format!("/organizations/{ORG}/things")))
        .respond_with(
            ResponseTemplate::new(422)
                .set_body_raw(problem.to_string(), "application/problem+json")
                .insert_header("x-request-id", "req-raw-42"),
        )
        .mount(&server)
        .await;
    let err: Error = rebilly_at(&server, &settings()).raw(Method::POST, "/things").json(&json!({"amount": -1})).send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(422));
    assert_eq!(err.request_id(), Some("req-raw-42"));
    assert_eq!(err.message(), Some("The thing is not valid"));
    assert_eq!(err.field_errors()[0].field, "amount");
    let body = err.body::<rebilly::types::ErrorBody>().expect("the typed Rebilly error body");
    assert_eq!(body.title.as_deref(), Some("Invalid data"));
    assert!(!err.is_retryable() && !err.outcome_unknown(), "{err:?}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);

    // Monite's error body type for a Monite client.
    let server = MockServer::start().await;
    Mock::given(path("/v1/nowhere"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"error": {"message": "No such thing"}})))
        .mount(&server)
        .await;
    let client = monite::Client::with_settings(
        monite::Environment::Custom(format!("{}/v1", server.uri())),
        Auth::bearer("tok-0123456"),
        &settings(),
    )
    .unwrap();
    let err = client.raw(Method::GET, "/nowhere").send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(err.body::<monite::types::ErrorBody>().is_some(), "{err:?}");
    assert_eq!(err.message(), Some("No such thing"));
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_as_for_a_generated_call() {
    let _logs = logs();
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(vec![b'['; 4096], "application/json"))
        .mount(&server)
        .await;
    let limited = Settings { max_response_bytes: 1024, ..settings() };
    let client = rebilly_at(&server, &limited);
    let raw = client.raw(Method::GET, "/things").send().await.unwrap_err();
    let generated = client.get_external_identifier_collection().send().await.unwrap_err();
    for err in [&raw, &generated] {
        assert_eq!(err.kind(), ErrorKind::TooLarge, "{err:?}");
        assert!(err.outcome_unknown(), "{err:?}");
    }
    assert_eq!(raw.message(), generated.message());
    // Within the limit, the same body is read whole (and is not JSON).
    let client = rebilly_at(&server, &settings());
    assert_eq!(client.raw(Method::GET, "/things").send().await.unwrap().into_inner().len(), 4096);
    let err = client.raw(Method::GET, "/things").send_json::<Value>().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.outcome_unknown());
}

/// The logs of every test of this file, from one global subscriber that
/// each test installs first: a thread's own (`set_default`) misses spans
/// whose interest another test's thread cached first.
fn logs() -> Captured {
    static LOGS: OnceLock<Captured> = OnceLock::new();
    LOGS.get_or_init(|| {
        let captured = Captured::default();
        tracing::subscriber::set_global_default(captured.subscriber()).expect("the only subscriber of this test binary");
        captured
    })
    .clone()
}

#[tokio::test]
async fn the_span_names_the_raw_call_by_its_template_and_no_secret() {
    let logs = logs();
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(json!({}))).mount(&server).await;
    rebilly_at(&server, &settings()).raw(Method::GET, "/invoices/{id}").path_param("id", "inv_secretive_1").send().await.unwrap();
    let text = logs.text();
    assert!(text.contains("operation=\"raw GET /invoices/{id}\""), "{text}");
    assert!(text.contains("path=\"/invoices/{id}\""), "{text}");
    assert!(!text.contains("inv_secretive_1"), "the filled path must not be logged: {text}");
    assert!(!text.contains(API_KEY), "{text}");
}
