//! Redaction: whatever a server echoes (the API key, the client secret, the
//! access token, in any encoding), no error shows it.
//!
//! One of the hostile_* files: a hostile or broken server cannot hurt the
//! caller. Every test talks to a real server on loopback: wiremock, or a raw
//! TCP server (tests/common/hostile.rs) where a server must misbehave below
//! HTTP.
#![cfg(all(feature = "rebilly", feature = "layer", feature = "monite"))]

mod common;

use accounting_sync::{monite, rebilly, Auth, Error, ErrorKind, RetryPolicy, Settings};
use common::hostile::*;
use serde_json::json;

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

/// Each client masks the secrets it sends, from its own set: there is no
/// list shared by every client. A server can echo only what it was sent,
/// so a secret of another client, which this client never sent, is not
/// in its set and shows as the server wrote it.
#[tokio::test]
async fn each_client_masks_its_own_secrets() {
    let s = Settings { retry: RetryPolicy::none(), ..settings() };
    // Echoes the request, and names API_KEY whoever asks.
    let api = RawServer::start(|request| {
        let body = format!("{} also seen: {API_KEY}", String::from_utf8_lossy(request));
        Some(http_response(400, &[("content-type", "text/plain")], body.as_bytes()))
    })
    .await;
    // Both alive at once, each calling the same server.
    let mine = rebilly_client(&api.url(), rebilly::api_key(SECRET), &s);
    let other = rebilly_client(&api.url(), rebilly::api_key(API_KEY), &s);
    let body = |err: &Error| String::from_utf8_lossy(err.raw_body().unwrap_or_default()).into_owned();

    let err = rebilly_get(&mine).await.unwrap_err();
    assert_no_secret("the client's own key", &err, &leaked_forms("", SECRET));
    assert!(body(&err).contains("[redacted]"), "{}", body(&err));
    assert!(body(&err).contains(API_KEY), "another client's key is not this client's to mask: {}", body(&err));

    let err = rebilly_get(&other).await.unwrap_err();
    assert_no_secret("the other client's own key", &err, &leaked_forms("", API_KEY));
}
