//! A hostile or broken server cannot hurt the caller: credentials stay with
//! their origin, reads and waits are bounded, nothing a server sends panics,
//! secrets never show, and every failure has an honest kind. Every test
//! here talks to a real server on loopback: wiremock, or a raw TCP server
//! where a server must misbehave below HTTP.
#![cfg(all(feature = "rebilly", feature = "layer", feature = "monite"))]

mod common;

use accounting_sync::{layer, monite, rebilly, Auth, ClientCredentials, Error, ErrorKind, RetryPolicy, Settings};
use serde_json::json;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ENTITY: &str = "9d2b4c8f-2087-4738-ba91-7359683c49a4";
const RECORD: &str = "0e4d3c1b-6a5f-4e2d-9c8b-7a6f5e4d3c2b";
const BUSINESS: &str = "c1a7b7d6-1d1e-4a5c-9f43-3f1c0c6b9f10";
/// A secret with the characters that change under JSON and URL encoding.
const SECRET: &str = "s3cr\"et\\key+/=&0123456789";
const API_KEY: &str = "sk_live_api-key-0123456789";

type Call = Pin<Box<dyn Future<Output = Result<(), Error>> + Send>>;

fn settings() -> Settings {
    Settings {
        retry: RetryPolicy { base_delay: Duration::from_millis(5), max_delay: Duration::from_millis(50), ..RetryPolicy::default() },
        ..Settings::default()
    }
}

fn rebilly_client(base: &str, auth: Auth, settings: &Settings) -> rebilly::Client {
    rebilly::Client::with_base_url(base, auth, settings).unwrap()
}

fn layer_credentials(base: &str) -> Auth {
    Auth::ClientCredentials(ClientCredentials::new("layer-id", SECRET).with_scope("scope").with_token_url(format!("{base}/oauth2/token")))
}

fn layer_client(base: &str, auth: Auth, settings: &Settings) -> layer::Client {
    layer::Client::with_settings(layer::Environment::Custom(base.into()), auth, settings).unwrap()
}

fn monite_client(base: &str, auth: Auth, settings: &Settings) -> monite::Client {
    monite::Client::with_settings(monite::Environment::Custom(format!("{base}/v1")), auth, settings)
        .unwrap()
        .for_entity(ENTITY.parse().unwrap())
}

fn rebilly_get(c: &rebilly::Client) -> Call {
    let c = c.clone();
    Box::pin(async move {
        c.get_external_identifier()
            .resource(rebilly::types::ExternalIdentifierResource::Customers)
            .resource_id("cus_1")
            .service(rebilly::types::ExternalIdentifierService::QuickbooksOnline)
            .send()
            .await?;
        Ok(())
    })
}

fn rebilly_put(c: &rebilly::Client) -> Call {
    let c = c.clone();
    Box::pin(async move {
        c.put_external_identifier()
            .resource(rebilly::types::ExternalIdentifierResource::Customers)
            .resource_id("cus_1")
            .service(rebilly::types::ExternalIdentifierService::QuickbooksOnline)
            .body(rebilly::types::ExternalIdentifier::builder().external_identifier("qbo-1"))
            .send()
            .await?;
        Ok(())
    })
}

fn layer_get(c: &layer::Client) -> Call {
    let c = c.clone();
    Box::pin(async move {
        c.business_quickbooks_connection_status_get().business_id(BUSINESS).send().await?;
        Ok(())
    })
}

fn monite_get(c: &monite::Client) -> Call {
    let c = c.clone();
    Box::pin(async move {
        c.get_accounting_synced_records_id().synced_record_id(RECORD.parse::<uuid::Uuid>().unwrap()).send().await?;
        Ok(())
    })
}

fn monite_push(c: &monite::Client) -> Call {
    let c = c.clone();
    Box::pin(async move {
        c.post_accounting_synced_records_id_push().synced_record_id(RECORD.parse::<uuid::Uuid>().unwrap()).send().await?;
        Ok(())
    })
}

fn token_body(token: &str) -> serde_json::Value {
    json!({"access_token": token, "expires_in": 3600, "token_type": "Bearer"})
}

/// A server that answers each connection by `answer(request bytes)`; `None`
/// closes the connection without a word. Counts connections.
struct RawServer {
    addr: SocketAddr,
    connections: Arc<AtomicUsize>,
}

impl RawServer {
    async fn start(answer: impl Fn(&[u8]) -> Option<Vec<u8>> + Send + Sync + 'static) -> Self {
        Self::start_on("127.0.0.1:0", answer).await
    }

    async fn start_on(bind: &str, answer: impl Fn(&[u8]) -> Option<Vec<u8>> + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind(bind).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let connections = Arc::new(AtomicUsize::new(0));
        let count = connections.clone();
        let answer = Arc::new(answer);
        tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else { return };
                count.fetch_add(1, Ordering::SeqCst);
                let answer = answer.clone();
                tokio::spawn(async move {
                    let request = read_request(&mut socket).await;
                    if let Some(bytes) = answer(&request) {
                        let _ = socket.write_all(&bytes).await;
                        let _ = socket.shutdown().await;
                    }
                });
            }
        });
        RawServer { addr, connections }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

/// Reads one request: the head and, when it says so, a body.
async fn read_request(socket: &mut TcpStream) -> Vec<u8> {
    let mut seen = Vec::new();
    let mut buf = vec![0u8; 16384];
    loop {
        if let Some(end) = seen.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&seen[..end]).to_ascii_lowercase();
            let length = head.lines().find_map(|l| l.strip_prefix("content-length:")).and_then(|v| v.trim().parse::<usize>().ok());
            if seen.len() >= end + 4 + length.unwrap_or(0) {
                return seen;
            }
        }
        match tokio::time::timeout(Duration::from_secs(5), socket.read(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => seen.extend_from_slice(&buf[..n]),
            _ => return seen,
        }
    }
}

fn http_response(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n", body.len());
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    let mut out = out.into_bytes();
    out.extend_from_slice(body);
    out
}

// ---------------------------------------------------------------- redirects

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

// ------------------------------------------------------------ bounded reads

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
/// `cargo test --test hostile -- --ignored --nocapture memory`.
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

// ---------------------------------------------------------- honest kinds

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

/// A server that accepts connections and never answers.
async fn silent_server() -> RawServer {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let connections = Arc::new(AtomicUsize::new(0));
    let count = connections.clone();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            held.push(socket);
        }
    });
    RawServer { addr, connections }
}

// ------------------------------------------------ token single flight

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

// ---------------------------------------------------------------- redaction

/// Every form a secret could come back in.
fn leaked_forms(id: &str, secret: &str) -> Vec<String> {
    use base64::Engine as _;
    let json = serde_json::to_string(secret).unwrap();
    vec![
        secret.to_string(),
        json[1..json.len() - 1].to_string(),
        url::form_urlencoded::byte_serialize(secret.as_bytes()).collect(),
        percent_encoding::utf8_percent_encode(secret, percent_encoding::NON_ALPHANUMERIC).to_string(),
        base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}")),
        // The first 8 characters: what a cut would leave.
        secret[..8].to_string(),
    ]
}

/// A server that answers `status` with everything it was sent, in several
/// encodings, padded so that copies of it straddle the cuts at 200 and 4,096
/// bytes.
fn echo(status: u16) -> impl Fn(&[u8]) -> Option<Vec<u8>> + Send + Sync + 'static {
    move |request: &[u8]| {
        use base64::Engine as _;
        let text = String::from_utf8_lossy(request).into_owned();
        let mut body = String::new();
        for cut in [200usize, 4096] {
            // The request starts a few bytes before the cut.
            while body.len() < cut - 12 {
                body.push('.');
            }
            body.push_str(&text);
        }
        body.push_str(&serde_json::to_string(&text).unwrap());
        body.push_str(&url::form_urlencoded::byte_serialize(request).collect::<String>());
        body.push_str(&base64::engine::general_purpose::STANDARD.encode(request));
        let json = json!({"message": body, "error": {"message": text}, "detail": text, "title": text});
        Some(http_response(
            status,
            &[("content-type", "application/json"), ("x-request-id", &text.replace(['\r', '\n'], " "))],
            json.to_string().as_bytes(),
        ))
    }
}

fn assert_no_secret(case: &str, err: &Error, forms: &[String]) {
    let printed = [
        err.to_string(),
        format!("{err:?}"),
        err.message().unwrap_or_default().to_string(),
        String::from_utf8_lossy(err.raw_body().unwrap_or_default()).into_owned(),
        err.request_id().unwrap_or_default().to_string(),
        std::error::Error::source(err).map(|s| format!("{s} {s:?}")).unwrap_or_default(),
    ];
    for text in &printed {
        for form in forms {
            assert!(!text.contains(form.as_str()), "{case}: {form:?} leaked in {text}");
        }
    }
}

#[tokio::test]
async fn echoed_secrets_never_show_in_any_encoding() {
    let s = Settings { retry: RetryPolicy::none(), ..settings() };
    for status in [400, 500] {
        // API errors echo the API key, the JWT, the bearer token, the access token got with client credentials.
        let api = RawServer::start(echo(status)).await;
        let cases: Vec<(&str, Call, Vec<String>)> = vec![
            ("rebilly api key", rebilly_put(&rebilly_client(&api.url(), rebilly::api_key(SECRET), &s)), leaked_forms("", SECRET)),
            ("rebilly jwt", rebilly_get(&rebilly_client(&api.url(), Auth::bearer(SECRET), &s)), leaked_forms("", SECRET)),
            ("layer bearer", layer_get(&layer_client(&api.url(), Auth::bearer(SECRET), &s)), leaked_forms("", SECRET)),
            ("monite bearer", monite_push(&monite_client(&api.url(), Auth::bearer(SECRET), &s)), leaked_forms("", SECRET)),
        ];
        for (case, call, forms) in cases {
            let err = call.await.unwrap_err();
            assert_eq!(err.status().map(|s| s.as_u16()), Some(status), "{case}: {err}");
            assert_no_secret(case, &err, &forms);
        }
        // Token endpoints echo the client secret (Basic header, JSON body).
        let token = RawServer::start(echo(status)).await;
        let base = token.url();
        let layer = layer_get(&layer_client(&base, layer_credentials(&base), &s)).await.unwrap_err();
        assert_eq!(layer.kind(), ErrorKind::Auth);
        assert_no_secret("layer token endpoint", &layer, &leaked_forms("layer-id", SECRET));
        for auth in [monite::client_credentials("m-id", SECRET), monite::entity_user("m-id", SECRET, ENTITY.parse().unwrap())] {
            let err = monite_get(&monite_client(&base, auth, &s)).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Auth);
            assert_no_secret("monite token endpoint", &err, &leaked_forms("m-id", SECRET));
        }
    }
    // An API that echoes the access token the client got.
    let access = "issued-access-token-0123456789";
    let token_then_echo = RawServer::start(move |request| {
        if request.starts_with(b"POST /oauth2/token") || request.starts_with(b"POST /v1/auth/token") {
            Some(http_response(200, &[("content-type", "application/json")], token_body(access).to_string().as_bytes()))
        } else {
            echo(403)(request)
        }
    })
    .await;
    let base = token_then_echo.url();
    let err = layer_get(&layer_client(&base, layer_credentials(&base), &s)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden, "{err}");
    assert_no_secret("layer access token", &err, &leaked_forms("", access));
    let err = monite_push(&monite_client(&base, monite::client_credentials("m-id", SECRET), &s)).await.unwrap_err();
    assert_no_secret("monite access token", &err, &leaked_forms("", access));
}

// ---------------------------------------------------------- path parameters

/// Values that would change the path: refused before anything is sent.
const PATH_CHANGERS: &[&str] = &[".", "..", "a/b", "a\\b", "..\\..\\admin", "x\u{1}y", "tab\tx", "", "../admin"];
/// Values that are unusual but stay one segment: sent, and the server sees them whole.
const ONE_SEGMENT: &[&str] = &["a.b", "...", "x..y", "cus 01", "50%", "é-ü", "a?b#c", "@me~"];

type PathCall = Box<dyn Fn(String) -> Call + Send + Sync>;

/// One call per (method, path template, parameter) of the three documents
/// whose value is a free string; the other parameters get ordinary values.
fn string_path_calls(base: &str) -> Vec<(&'static str, &'static str, &'static str, PathCall)> {
    let s = Settings { retry: RetryPolicy::none(), ..settings() };
    let r = rebilly_client(base, rebilly::api_key(API_KEY), &s);
    let l = layer_client(base, Auth::bearer("layer-token-0123"), &s);
    use rebilly::types::{ExternalIdentifier, ExternalIdentifierResource as R, ExternalIdentifierService as S};
    const REB: &str = "/{resource}/{resourceId}/external-identifiers/{service}";
    let mut calls: Vec<(&'static str, &'static str, &'static str, PathCall)> = Vec::new();
    macro_rules! call {
        ($method:literal, $path:expr, $param:literal, $client:ident, |$c:ident, $v:ident| $body:expr) => {{
            let $client = $client.clone();
            calls.push((
                $method,
                $path,
                $param,
                Box::new(move |$v: String| {
                    let $c = $client.clone();
                    Box::pin(async move {
                        $body.await?;
                        Ok(())
                    })
                }),
            ));
        }};
    }
    call!("get", REB, "resourceId", r, |c, v| c
        .get_external_identifier()
        .resource(R::Customers)
        .resource_id(v)
        .service(S::QuickbooksOnline)
        .send());
    call!("post", REB, "resourceId", r, |c, v| c
        .post_external_identifier()
        .resource(R::Customers)
        .resource_id(v)
        .service(S::QuickbooksOnline)
        .send());
    call!("put", REB, "resourceId", r, |c, v| c
        .put_external_identifier()
        .resource(R::Customers)
        .resource_id(v)
        .service(S::QuickbooksOnline)
        .body(ExternalIdentifier::builder().external_identifier("q"))
        .send());
    call!("delete", REB, "resourceId", r, |c, v| c
        .delete_external_identifier()
        .resource(R::Customers)
        .resource_id(v)
        .service(S::QuickbooksOnline)
        .send());
    call!("post", "/v1/businesses/{businessId}/quickbooks/sync-from", "businessId", l, |c, v| c
        .business_quickbooks_sync_from_post()
        .business_id(v)
        .send());
    call!("get", "/v1/businesses/{businessId}/quickbooks/connection-status", "businessId", l, |c, v| c
        .business_quickbooks_connection_status_get()
        .business_id(v)
        .send());
    call!("post", "/v1/businesses/{businessId}/quickbooks/authorize", "businessId", l, |c, v| c
        .business_quickbooks_authorize_post()
        .business_id(v)
        .send());
    call!("get", "/v1/businesses/{businessId}/quickbooks/ledger/accounts", "businessId", l, |c, v| c
        .business_quickbooks_ledger_accounts_get()
        .business_id(v)
        .send());
    // Two parameters: the one under test takes the value, the other an ordinary one.
    const ACCOUNT: &str = "/v1/businesses/{businessId}/quickbooks/ledger/accounts/{accountId}";
    const MAPPING: &str = "/v1/businesses/{businessId}/quickbooks/ledger/accounts/{accountId}/update-mapping";
    let mapping = || layer::types::UpdateQuickbooksLocalLedgerAccountMappingRequest { local_ledger_account_identifier: None };
    call!("get", ACCOUNT, "businessId", l, |c, v| c
        .business_quickbooks_ledger_accounts_get_by_account_id()
        .business_id(v)
        .account_id("acc_1")
        .send());
    call!("get", ACCOUNT, "accountId", l, |c, v| c
        .business_quickbooks_ledger_accounts_get_by_account_id()
        .business_id(BUSINESS)
        .account_id(v)
        .send());
    call!("post", MAPPING, "businessId", l, |c, v| c
        .business_quickbooks_ledger_accounts_update_mapping_post()
        .business_id(v)
        .account_id("acc_1")
        .body(mapping())
        .send());
    call!("post", MAPPING, "accountId", l, |c, v| c
        .business_quickbooks_ledger_accounts_update_mapping_post()
        .business_id(BUSINESS)
        .account_id(v)
        .body(mapping())
        .send());
    // The accounting operations: every string path parameter of each.
    let day = || "2026-11-30T00:00:00Z".parse::<chrono::DateTime<chrono::Utc>>().unwrap();
    call!("get", "/v1/businesses/{businessId}", "businessId", l, |c, v| c.business_get().business_id(v).send());
    call!("get", "/v1/businesses/{businessId}/customers", "businessId", l, |c, v| c.business_customers_get().business_id(v).send());
    call!("post", "/v1/businesses/{businessId}/customers", "businessId", l, |c, v| c
        .business_customers_post()
        .business_id(v)
        .body(layer::types::NewCustomer::builder())
        .send());
    call!("get", "/v1/businesses/{businessId}/customers/{customerId}", "businessId", l, |c, v| c
        .business_customers_get_by_customer_id()
        .business_id(v)
        .customer_id("id_1")
        .send());
    call!("get", "/v1/businesses/{businessId}/customers/{customerId}", "customerId", l, |c, v| c
        .business_customers_get_by_customer_id()
        .business_id(BUSINESS)
        .customer_id(v)
        .send());
    call!("get", "/v1/businesses/{businessId}/vendors", "businessId", l, |c, v| c.business_vendors_get().business_id(v).send());
    call!("get", "/v1/businesses/{businessId}/vendors/{vendorId}", "businessId", l, |c, v| c
        .business_vendors_get_by_vendor_id()
        .business_id(v)
        .vendor_id(uuid::Uuid::nil())
        .send());
    call!("get", "/v1/businesses/{businessId}/invoices", "businessId", l, |c, v| c.business_invoices_get().business_id(v).send());
    call!("post", "/v1/businesses/{businessId}/invoices", "businessId", l, |c, v| c
        .business_invoices_post()
        .business_id(v)
        .body(
            serde_json::from_value::<layer::types::NewInvoice>(
                json!({"external_id": "i", "sent_at": "2026-11-30T00:00:00Z", "line_items": []})
            )
            .unwrap()
        )
        .send());
    call!("get", "/v1/businesses/{businessId}/invoices/{invoiceId}", "businessId", l, |c, v| c
        .business_invoices_get_by_invoice_id()
        .business_id(v)
        .invoice_id("id_1")
        .send());
    call!("get", "/v1/businesses/{businessId}/invoices/{invoiceId}", "invoiceId", l, |c, v| c
        .business_invoices_get_by_invoice_id()
        .business_id(BUSINESS)
        .invoice_id(v)
        .send());
    call!("get", "/v1/businesses/{businessId}/invoices/payments", "businessId", l, |c, v| c
        .business_invoices_payments_get()
        .business_id(v)
        .send());
    call!("post", "/v1/businesses/{businessId}/invoices/payments", "businessId", l, |c, v| c
        .business_invoices_payments_post()
        .business_id(v)
        .body(
            serde_json::from_value::<layer::types::NewInvoicePayment>(
                json!({"paid_at": "2026-11-30T00:00:00Z", "method": "CASH", "fee": 0, "amount": 1, "invoice_payments": []})
            )
            .unwrap()
        )
        .send());
    call!("get", "/v1/businesses/{businessId}/bills", "businessId", l, |c, v| c.business_bills_get().business_id(v).send());
    call!("post", "/v1/businesses/{businessId}/bills", "businessId", l, |c, v| c
        .business_bills_post()
        .business_id(v)
        .body(serde_json::from_value::<layer::types::NewBill>(json!({"received_at": "2026-11-30T00:00:00Z", "line_items": []})).unwrap())
        .send());
    call!("get", "/v1/businesses/{businessId}/bills/{billId}", "businessId", l, |c, v| c
        .business_bills_get_by_bill_id()
        .business_id(v)
        .bill_id("id_1")
        .send());
    call!("get", "/v1/businesses/{businessId}/bills/{billId}", "billId", l, |c, v| c
        .business_bills_get_by_bill_id()
        .business_id(BUSINESS)
        .bill_id(v)
        .send());
    call!("get", "/v1/businesses/{businessId}/bills/bill-payments", "businessId", l, |c, v| c
        .business_bills_bill_payments_get()
        .business_id(v)
        .send());
    call!("post", "/v1/businesses/{businessId}/bills/bill-payments", "businessId", l, |c, v| c
        .business_bills_bill_payments_post()
        .business_id(v)
        .body(
            serde_json::from_value::<layer::types::NewBillPayment>(
                json!({"paid_at": "2026-11-30T00:00:00Z", "method": "CASH", "amount": 1, "bill_payment_allocations": []})
            )
            .unwrap()
        )
        .send());
    call!("get", "/v1/businesses/{businessId}/ledger/accounts", "businessId", l, |c, v| c
        .business_ledger_accounts_get()
        .business_id(v)
        .send());
    call!("get", "/v1/businesses/{businessId}/ledger/entries", "businessId", l, |c, v| c
        .business_ledger_entries_get()
        .business_id(v)
        .send());
    call!("get", "/v1/businesses/{businessId}/ledger/entries/{entryId}", "businessId", l, |c, v| c
        .business_ledger_entries_get_by_entry_id()
        .business_id(v)
        .entry_id("id_1")
        .send());
    call!("get", "/v1/businesses/{businessId}/ledger/entries/{entryId}", "entryId", l, |c, v| c
        .business_ledger_entries_get_by_entry_id()
        .business_id(BUSINESS)
        .entry_id(v)
        .send());
    call!("get", "/v1/businesses/{businessId}/bank-transactions", "businessId", l, |c, v| c
        .business_bank_transactions_get()
        .business_id(v)
        .send());
    call!("get", "/v1/businesses/{businessId}/bank-transactions/{bankTransactionId}", "businessId", l, |c, v| c
        .business_bank_transactions_get_by_bank_transaction_id()
        .business_id(v)
        .bank_transaction_id("id_1")
        .send());
    call!("get", "/v1/businesses/{businessId}/bank-transactions/{bankTransactionId}", "bankTransactionId", l, |c, v| c
        .business_bank_transactions_get_by_bank_transaction_id()
        .business_id(BUSINESS)
        .bank_transaction_id(v)
        .send());
    call!("put", "/v1/businesses/{businessId}/bank-transactions/{transactionId}/categorize", "businessId", l, |c, v| c
        .business_bank_transactions_categorize_put()
        .business_id(v)
        .transaction_id("id_1")
        .body(
            serde_json::from_value::<layer::types::BankTransactionCategorization>(
                json!({"type": "Category", "category": {"type": "StableName", "stable_name": "MEALS"}})
            )
            .unwrap()
        )
        .send());
    call!("put", "/v1/businesses/{businessId}/bank-transactions/{transactionId}/categorize", "transactionId", l, |c, v| c
        .business_bank_transactions_categorize_put()
        .business_id(BUSINESS)
        .transaction_id(v)
        .body(
            serde_json::from_value::<layer::types::BankTransactionCategorization>(
                json!({"type": "Category", "category": {"type": "StableName", "stable_name": "MEALS"}})
            )
            .unwrap()
        )
        .send());
    call!("post", "/v1/businesses/{businessId}/custom-journal-entries", "businessId", l, |c, v| c
        .business_custom_journal_entries_post()
        .business_id(v)
        .body(layer::types::NewCustomJournalEntry::builder())
        .send());
    call!("get", "/v1/businesses/{businessId}/reports/profit-and-loss", "businessId", l, |c, v| c
        .business_reports_profit_and_loss_get()
        .business_id(v)
        .start_date(day())
        .end_date(day())
        .send());
    call!("get", "/v1/businesses/{businessId}/reports/balance-sheet", "businessId", l, |c, v| c
        .business_reports_balance_sheet_get()
        .business_id(v)
        .effective_date(day())
        .send());
    calls
}

/// Every path parameter of the three documents, as (api, method, template,
/// name, schema).
fn path_parameters() -> Vec<(&'static str, String, String, String, serde_json::Value)> {
    let mut out = Vec::new();
    for (api, text) in [
        ("rebilly", include_str!("../specs/rebilly/openapi.json")),
        ("layer", include_str!("../specs/layer/openapi.json")),
        ("monite", include_str!("../specs/monite/openapi.json")),
    ] {
        let doc: serde_json::Value = serde_json::from_str(text).unwrap();
        let resolve = |p: &serde_json::Value| match p.get("$ref").and_then(|r| r.as_str()) {
            Some(r) => doc.pointer(&r[1..]).unwrap().clone(),
            None => p.clone(),
        };
        for (template, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let Some(op) = op.as_object() else { continue };
                let shared = item.get("parameters").and_then(|p| p.as_array()).cloned().unwrap_or_default();
                let own = op.get("parameters").and_then(|p| p.as_array()).cloned().unwrap_or_default();
                for p in shared.iter().chain(&own).map(resolve).filter(|p| p["in"] == "path") {
                    out.push((api, method.clone(), template.clone(), p["name"].as_str().unwrap().to_string(), p["schema"].clone()));
                }
            }
        }
    }
    out
}

#[tokio::test]
async fn every_path_parameter_stays_one_segment() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(404)).mount(&server).await;
    let calls = string_path_calls(&server.uri());
    let mut covered = 0;
    for (api, method, template, name, schema) in path_parameters() {
        let case = format!("{api} {method} {template} {name}");
        let is_string = schema.get("type") == Some(&json!("string")) && schema.get("format").is_none();
        if !is_string {
            // A uuid, or an enum component: its type cannot hold such a value
            // (an enum's Unknown is checked below).
            assert!(schema.get("format") == Some(&json!("uuid")) || schema.get("$ref").is_some(), "{case}: {schema}");
            continue;
        }
        let Some((.., call)) = calls.iter().find(|(m, t, p, _)| *m == method && *t == template && *p == name) else {
            panic!("{case}: no call in string_path_calls: add one");
        };
        covered += 1;
        for value in PATH_CHANGERS {
            let before = server.received_requests().await.unwrap().len();
            let err = call(value.to_string()).await.expect_err(&case);
            assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{case} {value:?}: {err}");
            let snake = spec_core::naming::method_name(&name);
            assert!(err.to_string().contains(&snake) || err.to_string().contains(&name), "{case} {value:?}: names the parameter: {err}");
            assert_eq!(server.received_requests().await.unwrap().len(), before, "{case} {value:?}: nothing sent");
        }
        let pattern = schema.get("pattern").and_then(|p| p.as_str()).map(|p| regress::Regex::new(p).unwrap());
        for value in ONE_SEGMENT {
            let err = call(value.to_string()).await.expect_err("the stand-in answers 404");
            if pattern.as_ref().is_some_and(|p| p.find(value).is_none()) {
                // The vendor's own pattern refuses it (Rebilly ids are word characters).
                assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{case} {value:?}: {err}");
                assert!(api == "rebilly", "{case} {value:?}: only Rebilly's ids have a pattern of their own");
                continue;
            }
            assert_eq!(err.kind(), ErrorKind::NotFound, "{case} {value:?}: {err}");
            let seen = server.received_requests().await.unwrap().pop().unwrap().url;
            let segments: Vec<String> = seen
                .path_segments()
                .unwrap()
                .map(|s| percent_encoding::percent_decode_str(s).decode_utf8().unwrap().into_owned())
                .collect();
            let position = template.trim_start_matches('/').split('/').position(|s| s == format!("{{{name}}}")).unwrap();
            // Rebilly's base URL has no organization path here.
            assert_eq!(segments.len(), template.trim_start_matches('/').split('/').count(), "{case} {value:?}: {seen}");
            assert_eq!(segments[position], *value, "{case}: {seen}");
        }
    }
    assert_eq!(covered, calls.len(), "every call matches a parameter of the documents");

    // An enum's Unknown value is checked against the path's shape.
    let r = rebilly_client(&server.uri(), rebilly::api_key(API_KEY), &settings());
    for value in ["..", ".", "a\\b", "x/../.."] {
        let before = server.received_requests().await.unwrap().len();
        let err = r
            .get_external_identifier()
            .resource(rebilly::types::ExternalIdentifierResource::Unknown(value.into()))
            .resource_id("cus_1")
            .service(rebilly::types::ExternalIdentifierService::QuickbooksOnline)
            .send()
            .await
            .map_err(Error::from)
            .expect_err(value);
        if value == "x/../.." {
            // `/` is percent-encoded by the client: one (odd) segment, sent.
            assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
            continue;
        }
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{value:?}: {err}");
        assert!(err.to_string().contains("resource"), "{err}");
        assert_eq!(server.received_requests().await.unwrap().len(), before, "{value:?}: nothing sent");
    }
}

// ------------------------------------------------- no panic, whatever is sent

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

// ------------------------------------------------------------- lesser items

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
    assert!(record.is_ok(), "{:?}", record.map_err(Error::from));
    let redirected =
        via("/redirecting/v1").get_accounting_synced_records_id().synced_record_id(RECORD.parse::<uuid::Uuid>().unwrap()).send().await;
    assert_eq!(Error::from(redirected.unwrap_err()).kind(), ErrorKind::Redirect);
    assert!(elsewhere.received_requests().await.unwrap().is_empty(), "the redirect was followed");
    let sent = proxy.received_requests().await.unwrap();
    assert!(sent.iter().all(|r| r.headers.get("authorization").is_some_and(|v| v == "Bearer context-token")));
}
