//! The facade around the generated clients: one `Error` with a stable
//! `ErrorKind`, credentials and tokens, retries and timeouts, tracing. Each
//! test runs the real client against a real server on loopback.
#![cfg(all(feature = "rebilly", feature = "layer", feature = "monite"))]

mod common;

use accounting_sync::{layer, monite, rebilly, Auth, CallOptions, Error, ErrorKind, RetryPolicy, Settings, Vendor};
use common::fd_limit::raise_open_file_limit;
use common::monite::*;
use common::*;
use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::{any, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn fast_retries() -> Settings {
    Settings {
        retry: RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_secs(2),
            max_total_delay: Duration::from_secs(5),
            ..RetryPolicy::default()
        },
        ..Settings::default()
    }
}

async fn request_count(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

// ---- the failure table: each case gives its ErrorKind, and nothing panics ----

#[tokio::test]
async fn malformed_json_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(r#"{"id": "0e4d3c1b-"#, "application/json"))
        .mount(&server)
        .await;
    let err = get_record(&monite_client(&server.uri(), Auth::bearer("t"), &fast_retries())).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    assert_eq!(err.raw_body(), Some(br#"{"id": "0e4d3c1b-"#.as_slice()));
    assert!(!err.is_retryable());
    assert!(err.outcome_unknown(), "a 200 came: the request was processed");
}

#[tokio::test]
async fn an_html_502_page_keeps_its_status_and_raw_body() {
    let server = MockServer::start().await;
    let page = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>";
    Mock::given(any()).respond_with(ResponseTemplate::new(502).set_body_raw(page, "text/html")).mount(&server).await;
    let err = get_record(&monite_client(&server.uri(), Auth::bearer("t"), &fast_retries())).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(err.raw_body(), Some(page.as_bytes()));
    assert!(!err.has_body() && err.body::<monite::types::ErrorBody>().is_none());
    assert!(err.is_retryable());
    assert!(err.outcome_unknown(), "the server behind the gateway may have it");
    assert_eq!(request_count(&server).await, 3, "a GET is retried on 502 up to the attempt limit");
    let line = err.to_string();
    assert!(line.starts_with("Monite HTTP 502 server error: non-JSON body (HTML?)"), "{line}");
    assert!(!line.contains('\n'));
}

#[tokio::test]
async fn an_html_page_on_a_documented_error_status_is_not_a_decode_failure() {
    // Monite documents 500 with a JSON body; a proxy may answer HTML instead.
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(500).set_body_raw("<html>oops</html>", "text/html")).mount(&server).await;
    let err = push_record(&monite_client(&server.uri(), Auth::bearer("t"), &fast_retries())).await.unwrap_err();
    assert_eq!((err.kind(), err.status().map(|s| s.as_u16())), (ErrorKind::Server, Some(500)));
    assert_eq!(err.raw_body(), Some(b"<html>oops</html>".as_slice()));
    assert!(!err.is_retryable() && err.outcome_unknown(), "a POST answered 500 may have been processed");
    assert_eq!(request_count(&server).await, 1, "a 500 is not retried");
}

#[tokio::test]
async fn an_empty_body_where_json_is_expected() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let err = get_record(&monite_client(&server.uri(), Auth::bearer("t"), &fast_retries())).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");

    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(422)).mount(&server).await;
    let err = get_record(&monite_client(&server.uri(), Auth::bearer("t"), &fast_retries())).await.unwrap_err();
    assert_eq!((err.kind(), err.status().map(|s| s.as_u16())), (ErrorKind::Validation, Some(422)));
    assert_eq!(err.message(), Some("empty response body"));
    assert!(!err.outcome_unknown(), "the server refused it");
}

/// A server that sends the status line, headers and the start of a body,
/// then stalls.
async fn stalling_server(status: u16) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else { return };
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let mut seen = Vec::new();
                while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => seen.extend_from_slice(&buf[..n]),
                    }
                }
                let head = format!("HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{{\"id\": ");
                let _ = socket.write_all(head.as_bytes()).await;
                tokio::time::sleep(Duration::from_secs(30)).await;
            });
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn a_body_slower_than_the_timeout() {
    let settings = Settings { request_timeout: Duration::from_millis(300), ..fast_retries() };
    for status in [200, 500] {
        let base = stalling_server(status).await;
        let err = get_record(&monite_client(&base, Auth::bearer("t"), &settings)).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Timeout, "{status}: {err}");
        assert!(err.is_retryable());
        assert!(err.outcome_unknown(), "{status}: the request was sent");
    }
}

/// An attempt that may have been processed, then retried: the call's error
/// says so even when the last attempt was refused.
#[tokio::test]
async fn an_earlier_attempt_that_may_have_acted_is_not_forgotten() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(404)).with_priority(2).mount(&server).await;
    Mock::given(any()).respond_with(ResponseTemplate::new(504)).up_to_n_times(1).with_priority(1).mount(&server).await;
    let err = get_record(&monite_client(&server.uri(), Auth::bearer("t"), &fast_retries())).await.unwrap_err();
    assert_eq!((err.kind(), request_count(&server).await), (ErrorKind::NotFound, 2), "{err}");
    assert!(err.outcome_unknown(), "the first attempt got a 504");

    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(404)).with_priority(2).mount(&server).await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    let err = get_record(&monite_client(&server.uri(), Auth::bearer("t"), &fast_retries())).await.unwrap_err();
    assert_eq!((err.kind(), request_count(&server).await), (ErrorKind::NotFound, 2), "{err}");
    assert!(!err.outcome_unknown(), "a 429 and a 404: nothing was processed");
}

#[tokio::test]
async fn connection_refused() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let err = push_record(&monite_client(&base, Auth::bearer("t"), &fast_retries())).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connect, "{err}");
    assert_eq!(err.status(), None);
    assert!(err.is_retryable());
    assert!(!err.outcome_unknown(), "nothing was sent");
}

#[tokio::test]
async fn a_429_storm_with_retry_after() {
    // The storm never ends: the attempts run out and the 429 is reported.
    let server = MockServer::start().await;
    let problem = json!({"title": "Rate Limit Exceeded", "status": 429, "detail": "slow down"});
    Mock::given(any())
        .respond_with(ResponseTemplate::new(429).set_body_json(&problem).insert_header("Retry-After", "0"))
        .mount(&server)
        .await;
    let client =
        rebilly::Client::with_settings(rebilly::Environment::Custom(server.uri()), "org", rebilly::api_key("k"), &fast_retries()).unwrap();
    let result: Result<_, Error> = client
        .post_external_identifier()
        .resource(rebilly::types::ExternalIdentifierResource::Customers)
        .resource_id("cus_1")
        .service(rebilly::types::ExternalIdentifierService::QuickbooksOnline)
        .send()
        .await;
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(err.retry_after(), Some(Duration::ZERO));
    assert_eq!(err.message(), Some("slow down"));
    assert!(matches!(err.body::<rebilly::types::ErrorBody>(), Some(b) if b.status == Some(429)));
    assert!(err.has_body() && err.body::<monite::types::ErrorBody>().is_none(), "read back only as its own type");
    assert_eq!(request_count(&server).await, 3, "a POST is retried on 429: the server did not process it");
    assert!(err.is_retryable() && !err.outcome_unknown(), "a 429 says the request was not processed");

    // A storm that passes: two 429s, then success.
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(record())).with_priority(2).mount(&server).await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0"))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    let ok = push_record(&monite_client(&server.uri(), Auth::bearer("t"), &fast_retries())).await.unwrap();
    assert_eq!(ok.id.to_string(), RECORD);
    assert_eq!(request_count(&server).await, 3);
}

#[tokio::test]
async fn a_wait_longer_than_the_policy_allows_is_not_made() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "3600")).mount(&server).await;
    let err = get_record(&monite_client(&server.uri(), Auth::bearer("t"), &fast_retries())).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn posts_are_not_retried_when_the_server_may_have_processed_them() {
    for (status, retry_after, want_requests) in [(502, None, 1), (503, None, 1), (503, Some("0"), 3), (504, None, 1)] {
        let server = MockServer::start().await;
        let mut response = ResponseTemplate::new(status);
        if let Some(v) = retry_after {
            response = response.insert_header("Retry-After", v);
        }
        Mock::given(any()).respond_with(response).mount(&server).await;
        let err = push_record(&monite_client(&server.uri(), Auth::bearer("t"), &fast_retries())).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Server);
        assert_eq!(request_count(&server).await, want_requests, "POST answered {status} with Retry-After {retry_after:?}");
    }
}

// ---- per-call options ----

#[tokio::test]
async fn a_post_marked_safe_to_retry_is_retried_and_an_idempotency_key_alone_is_not_enough() {
    for (safe, want_requests) in [(false, 1), (true, 2)] {
        let server = MockServer::start().await;
        Mock::given(any()).respond_with(ResponseTemplate::new(502)).up_to_n_times(1).mount(&server).await;
        Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(record())).mount(&server).await;
        // An Idempotency-Key header no vendor documents does not make the POST safe.
        let settings =
            Settings { extra_headers: [(header_name("idempotency-key"), "k-1".parse().unwrap())].into_iter().collect(), ..fast_retries() };
        let client = monite_client(&server.uri(), Auth::bearer("t"), &settings);
        let client = if safe { client.with_options(CallOptions::new().safe_to_retry()) } else { client };
        let result = push_record(&client).await;
        assert_eq!(result.is_ok(), safe, "{result:?}");
        assert_eq!(request_count(&server).await, want_requests, "safe_to_retry {safe}");
    }
}

#[tokio::test]
async fn per_call_headers_are_sent_but_never_replace_the_clients_own() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(record())).mount(&server).await;
    let settings =
        Settings { extra_headers: [(header_name("x-team"), "settings".parse().unwrap())].into_iter().collect(), ..fast_retries() };
    let base = monite_client(&server.uri(), Auth::bearer("real-token"), &settings);
    let options = CallOptions::new()
        .header("x-correlation-id", "run-42")
        .unwrap()
        .header("x-team", "per-call")
        .unwrap()
        .header("authorization", "Bearer stolen")
        .unwrap()
        .header("x-monite-entity-id", "someone-else")
        .unwrap();
    get_record(&base.with_options(options)).await.unwrap();
    get_record(&base).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    let with = &requests[0];
    assert_eq!(header_of(with, "x-correlation-id"), Some("run-42"));
    assert_eq!(header_of(with, "x-team"), Some("per-call"));
    assert_eq!(header_of(with, "authorization"), Some("Bearer real-token"));
    assert_eq!(header_of(with, "x-monite-entity-id"), Some(ENTITY));
    // The original client is unchanged.
    assert_eq!(header_of(&requests[1], "x-correlation-id"), None);
    assert_eq!(header_of(&requests[1], "x-team"), Some("settings"));
    assert!(CallOptions::new().header("bad header", "x").is_err());
    assert!(CallOptions::new().header("x-ok", "line\nbreak").is_err());
}

#[tokio::test]
async fn a_per_call_timeout_bounds_each_attempt() {
    let base = stalling_server(200).await;
    let client = monite_client(&base, Auth::bearer("t"), &fast_retries());
    let started = std::time::Instant::now();
    let err = get_record(&client.with_options(CallOptions::new().timeout(Duration::from_millis(300)))).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    // Three attempts of 0.3 s each and short backoffs, not the client's 60 s.
    assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
}

fn header_name(name: &'static str) -> reqwest::header::HeaderName {
    reqwest::header::HeaderName::from_static(name)
}

// ---- tokens ----

#[tokio::test]
async fn monite_client_credentials_get_a_token_once_and_use_it() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/auth/token"))
        .and(header("x-monite-version", "2024-05-25"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body("tok-1", json!(86400))))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/v1/accounting_synced_records/{RECORD}/push")))
        .and(header("authorization", "Bearer tok-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(record()))
        .expect(3)
        .mount(&server)
        .await;
    let client = monite_client(&server.uri(), monite::client_credentials("3f2b9c1e-1111-4222-8333-444455556666", SECRET), &fast_retries());
    for _ in 0..3 {
        push_record(&client).await.unwrap();
    }
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        json_body(&requests[0]),
        json!({"client_id": "3f2b9c1e-1111-4222-8333-444455556666", "client_secret": SECRET, "grant_type": "client_credentials"})
    );
    assert_eq!(header_of(&requests[1], "x-monite-entity-id"), Some(ENTITY));
}

fn header_of<'a>(r: &'a Request, name: &str) -> Option<&'a str> {
    common::header(r, name)
}

#[tokio::test]
async fn monite_entity_user_grant() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/auth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body("tok-u", json!(60))))
        .mount(&server)
        .await;
    Mock::given(path(format!("/v1/accounting_synced_records/{RECORD}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(record()))
        .mount(&server)
        .await;
    let user: uuid::Uuid = RECORD.parse().unwrap();
    let client = monite_client(&server.uri(), monite::entity_user("3f2b9c1e-1111-4222-8333-444455556666", SECRET, user), &fast_retries());
    get_record(&client).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(json_body(&requests[0])["grant_type"], "entity_user");
    assert_eq!(json_body(&requests[0])["entity_user_id"], RECORD);
    assert_eq!(header_of(&requests[1], "authorization"), Some("Bearer tok-u"));
}

#[tokio::test]
async fn layer_client_credentials_use_basic_auth_a_form_and_the_environment_scope() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/token"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body("layer-tok", json!("3600"))))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/v1/configure/quickbooks"))
        .and(header("authorization", "Bearer layer-tok"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {"client_id": "x"}})))
        .mount(&server)
        .await;
    let credentials = accounting_sync::ClientCredentials::new("layer-client", SECRET)
        .with_token_url(format!("{}/oauth2/token", server.uri()))
        .with_scope(layer::Environment::Sandbox.scope().unwrap());
    let client = layer::Client::with_environment(layer::Environment::Custom(server.uri()), Auth::ClientCredentials(credentials)).unwrap();
    let c = client.configure_quickbooks_get().send().await.unwrap();
    assert_eq!(c.data.client_id.as_deref(), Some("x"));
    let token_request = &server.received_requests().await.unwrap()[0];
    use base64_check::basic;
    assert_eq!(header_of(token_request, "authorization"), Some(basic("layer-client", SECRET).as_str()));
    let form: Vec<(String, String)> = url_pairs(&token_request.body);
    assert_eq!(
        form,
        [
            ("grant_type".to_string(), "client_credentials".to_string()),
            ("scope".to_string(), "https://sandbox.layerfi.com/sandbox".to_string()),
            ("client_id".to_string(), "layer-client".to_string())
        ]
    );
    assert_eq!(layer::Environment::Production.scope(), Some("https://api.layerfi.com/production"));
    let no_scope = layer::Client::with_environment(layer::Environment::Custom(server.uri()), layer::client_credentials("a", "b"));
    assert!(no_scope.unwrap_err().to_string().contains("scope"));
}

fn url_pairs(body: &[u8]) -> Vec<(String, String)> {
    reqwest::Url::parse(&format!("http://x/?{}", String::from_utf8_lossy(body)))
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.into(), v.into()))
        .collect()
}

/// `Basic base64(id:secret)`, written out here so the test does not trust
/// the code under test to encode it.
mod base64_check {
    pub fn basic(id: &str, secret: &str) -> String {
        const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let input = format!("{id}:{secret}").into_bytes();
        let mut out = String::new();
        for chunk in input.chunks(3) {
            let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(TABLE[((n >> (18 - 6 * i)) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        format!("Basic {out}")
    }
}

#[tokio::test]
async fn token_endpoint_failures_are_auth_errors() {
    for (response, want_status) in [
        (ResponseTemplate::new(500).set_body_string("upstream exploded"), Some(500)),
        (ResponseTemplate::new(200).set_body_raw("{not json", "application/json"), Some(200)),
        (ResponseTemplate::new(200).set_body_json(json!({"token": "missing access_token"})), Some(200)),
    ] {
        let server = MockServer::start().await;
        Mock::given(path("/v1/auth/token")).respond_with(response).mount(&server).await;
        let client = monite_client(&server.uri(), monite::client_credentials("id", SECRET), &fast_retries());
        let err = push_record(&client).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Auth, "{err}");
        assert_eq!(err.status().map(|s| s.as_u16()), want_status, "{err}");
        assert_eq!(request_count(&server).await, 1, "the API is not called without a token");
        assert!(err.to_string().starts_with("Monite"), "{err}");
    }
}

#[tokio::test]
async fn a_401_in_mid_flight_refreshes_the_token_once_and_retries_once() {
    let server = MockServer::start().await;
    let issued = Arc::new(Mutex::new(0));
    let counter = issued.clone();
    Mock::given(path("/v1/auth/token"))
        .respond_with(move |_: &Request| {
            let mut n = counter.lock().unwrap();
            *n += 1;
            ResponseTemplate::new(200).set_body_json(token_body(&format!("tok-{n}"), json!(86400)))
        })
        .mount(&server)
        .await;
    // The server revoked tok-1 (the token is still within its lifetime).
    Mock::given(path(format!("/v1/accounting_synced_records/{RECORD}/push")))
        .and(header("authorization", "Bearer tok-1"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": {"message": "token revoked"}})))
        .mount(&server)
        .await;
    Mock::given(path(format!("/v1/accounting_synced_records/{RECORD}/push")))
        .and(header("authorization", "Bearer tok-2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(record()))
        .mount(&server)
        .await;
    let client = monite_client(&server.uri(), monite::client_credentials("id", SECRET), &RetryPolicy::none().into_settings());
    push_record(&client).await.unwrap();
    assert_eq!(*issued.lock().unwrap(), 2);
    push_record(&client).await.unwrap();
    assert_eq!(*issued.lock().unwrap(), 2, "the fresh token is cached");

    // A 401 that persists is reported after one refresh, not looped on.
    let server = MockServer::start().await;
    Mock::given(path("/v1/auth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body("t", json!(86400))))
        .mount(&server)
        .await;
    Mock::given(path(format!("/v1/accounting_synced_records/{RECORD}/push")))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": {"message": "entity not allowed"}})))
        .mount(&server)
        .await;
    let client = monite_client(&server.uri(), monite::client_credentials("id", SECRET), &fast_retries());
    let err = push_record(&client).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unauthorized);
    assert_eq!(err.message(), Some("entity not allowed"));
    let calls: Vec<String> = server.received_requests().await.unwrap().iter().map(|r| r.url.path().to_string()).collect();
    assert_eq!(calls.iter().filter(|p| p.ends_with("/push")).count(), 2);
    assert_eq!(calls.iter().filter(|p| p.ends_with("/auth/token")).count(), 2);
}

trait IntoSettings {
    fn into_settings(self) -> Settings;
}
impl IntoSettings for RetryPolicy {
    fn into_settings(self) -> Settings {
        Settings { retry: self, ..Settings::default() }
    }
}

#[tokio::test]
async fn a_thousand_concurrent_calls_on_an_expired_token_make_one_token_request() {
    raise_open_file_limit();
    let server = MockServer::start().await;
    Mock::given(path("/v1/auth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body("shared", json!(86400))).set_delay(Duration::from_millis(200)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path(format!("/v1/accounting_synced_records/{RECORD}")))
        .and(header("authorization", "Bearer shared"))
        .respond_with(ResponseTemplate::new(200).set_body_json(record()))
        .expect(1000)
        .mount(&server)
        .await;
    let client = monite_client(&server.uri(), monite::client_credentials("id", SECRET), &fast_retries());
    let calls = (0..1000).map(|_| get_record(&client));
    let results = futures::future::join_all(calls).await;
    assert!(results.iter().all(Result::is_ok), "{:?}", results.iter().find(|r| r.is_err()));
    server.verify().await;
}

#[tokio::test]
async fn a_dropped_call_cancels_cleanly_even_while_fetching_a_token() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/auth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body("slow", json!(86400))).set_delay(Duration::from_millis(500)))
        .mount(&server)
        .await;
    Mock::given(path(format!("/v1/accounting_synced_records/{RECORD}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(record()))
        .mount(&server)
        .await;
    let client = monite_client(&server.uri(), monite::client_credentials("id", SECRET), &fast_retries());
    // Dropped while the token is being fetched.
    assert!(tokio::time::timeout(Duration::from_millis(50), get_record(&client)).await.is_err());
    // The next call is not stuck behind the abandoned fetch.
    get_record(&client).await.unwrap();
}

// ---- what the error says, per vendor ----

#[tokio::test]
async fn vendor_errors_map_to_kinds_with_their_messages_and_fields() {
    // Rebilly 422 with invalidFields.
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(422)
                .set_body_raw(
                    json!({"title": "Invalid data", "status": 422, "detail": "externalIdentifier is blank",
                           "invalidFields": [{"field": "externalIdentifier", "message": "must not be blank"}]})
                    .to_string(),
                    "application/problem+json",
                )
                .insert_header("x-request-id", "req-123"),
        )
        .mount(&server)
        .await;
    let client = rebilly::Client::with_environment(rebilly::Environment::Custom(server.uri()), "org", rebilly::api_key("k")).unwrap();
    let err: Error = client
        .put_external_identifier()
        .resource(rebilly::types::ExternalIdentifierResource::Customers)
        .resource_id("c1")
        .service(rebilly::types::ExternalIdentifierService::QuickbooksOnline)
        .body(rebilly::types::ExternalIdentifier::builder().external_identifier(""))
        .send()
        .await
        .unwrap_err();
    assert_eq!((err.vendor(), err.kind()), (Some(Vendor::Rebilly), ErrorKind::Validation));
    assert_eq!(err.request_id(), Some("req-123"));
    assert_eq!(err.field_errors()[0].field, "externalIdentifier");
    assert_eq!(
        err.to_string(),
        "Rebilly HTTP 422 validation failed: externalIdentifier is blank [externalIdentifier: must not be blank] (request id req-123)"
    );

    // Monite 422 detail.
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(422).set_body_json(
            json!({"detail": [{"loc": ["body", "items", 0, "quantity"], "msg": "must be positive", "type": "value_error"}]}),
        ))
        .mount(&server)
        .await;
    let err = push_record(&monite_client(&server.uri(), Auth::bearer("t"), &fast_retries())).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
    assert_eq!(
        err.field_errors(),
        [accounting_sync::FieldError { field: "body.items.0.quantity".into(), message: "must be positive".into() }]
    );

    // Monite's framework answers some errors in a shape its document does not
    // declare: kept raw, with the status.
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(401).set_body_json(json!({"detail": "Not authenticated"}))).mount(&server).await;
    let err = push_record(&monite_client(&server.uri(), Auth::bearer("t"), &fast_retries())).await.unwrap_err();
    assert_eq!((err.kind(), err.status().map(|s| s.as_u16())), (ErrorKind::Unauthorized, Some(401)));
    assert_eq!(err.raw_body(), Some(br#"{"detail":"Not authenticated"}"#.as_slice()));

    // Layer: the error list, and a type that says more than a 400 does.
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"errors": [{"type": "Conflict", "description": "already connected", "error_enum": "QuickbooksConnectionAlreadyExists"}]})))
        .mount(&server)
        .await;
    let client = layer::Client::with_environment(layer::Environment::Custom(server.uri()), Auth::bearer("t")).unwrap();
    let err: Error =
        client.configure_quickbooks_put().body(layer::types::QuickbooksConfigurationInput::builder()).send().await.unwrap_err();
    assert_eq!((err.vendor(), err.kind()), (Some(Vendor::Layer), ErrorKind::Conflict));
    assert_eq!(err.message(), Some("already connected"));
    let Some(body) = err.body::<layer::types::ApiErrorEnvelope>() else { panic!("{err:?}") };
    assert_eq!(body.errors[0].error_enum, Some(layer::types::ApiEnumErrorType::QuickbooksConnectionAlreadyExists));

    // Bad input from the caller.
    let err: Error = client.business_quickbooks_authorize_post().send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert!(err.to_string().contains("business_id"), "{err}");
}

#[test]
fn error_kinds_can_be_matched_on() {
    fn advice(e: &Error) -> &'static str {
        match e.kind() {
            ErrorKind::RateLimited | ErrorKind::Timeout | ErrorKind::Connect => "retry later",
            ErrorKind::Unauthorized | ErrorKind::Auth => "check credentials",
            ErrorKind::Validation => "fix the request",
            _ => "report",
        }
    }
    let e: Error =
        monite::Client::with_environment(monite::Environment::Custom("ftp://nowhere".into()), Auth::bearer("t")).unwrap_err().into();
    assert_eq!(advice(&e), "report");
}

#[test]
fn a_client_that_cannot_be_built_is_an_error_too() {
    fn build() -> Result<monite::Client, Error> {
        Ok(monite::Client::with_environment(monite::Environment::Custom("ftp://nowhere".into()), Auth::bearer("t"))?)
    }
    let err = build().unwrap_err();
    assert_eq!((err.kind(), err.vendor(), err.status()), (ErrorKind::Config, None, None));
    assert!(err.to_string().starts_with("accounting-sync invalid client settings: invalid base URL"), "{err}");
    let err: Error =
        rebilly::Client::with_environment(rebilly::Environment::Sandbox, "org", monite::client_credentials("a", "b")).unwrap_err().into();
    assert_eq!((err.kind(), err.vendor()), (ErrorKind::Config, Some(Vendor::Rebilly)));
    // A custom Layer host does not get its secret sent to Layer's own token endpoint.
    let credentials = accounting_sync::ClientCredentials::new("id", "secret-value").with_scope("s");
    let err =
        layer::Client::with_environment(layer::Environment::Custom("http://127.0.0.1:9".into()), Auth::ClientCredentials(credentials))
            .unwrap_err();
    assert!(err.to_string().contains("with_token_url"), "{err}");
}

#[tokio::test]
async fn tokens_are_renewed_ahead_of_expiry() {
    let server = MockServer::start().await;
    // A one-second token is renewed from half its lifetime on.
    Mock::given(path("/v1/auth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body("short", json!(1))))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(path(format!("/v1/accounting_synced_records/{RECORD}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(record()))
        .mount(&server)
        .await;
    let client = monite_client(&server.uri(), monite::client_credentials("id", SECRET), &fast_retries());
    get_record(&client).await.unwrap();
    get_record(&client).await.unwrap();
    tokio::time::sleep(Duration::from_millis(600)).await;
    get_record(&client).await.unwrap();
    server.verify().await;
}

/// The TLS stack the features chose works end to end as far as loopback
/// allows: a TLS handshake is attempted (with the `rustls` feature, under
/// the ring provider the crate installs) and a server that does not speak
/// TLS is a connection error, not a panic.
#[cfg(any(feature = "rustls", feature = "rustls-aws-lc", feature = "native-tls"))]
#[tokio::test]
async fn https_to_a_server_without_tls_is_a_connection_error() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let _ = socket.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").await;
        }
    });
    let client = monite_client(&format!("https://{addr}"), Auth::bearer("t"), &fast_retries());
    let err = get_record(&client).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connect, "{err}");
}
