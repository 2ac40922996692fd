//! No secret ever shows: not in `Debug`, `Display`, errors or tracing output.
//! A test binary of its own: tracing caches per call site whether anyone
//! listens, and a test on another thread with no subscriber would make the
//! spans here invisible.
#![cfg(all(feature = "rebilly", feature = "layer", feature = "monite"))]

mod common;

use accounting_sync::{layer, monite, rebilly, Auth, ErrorKind, RetryPolicy, Settings};
use common::logs::Captured;
use common::monite::*;
use serde_json::json;
use std::time::Duration;
use wiremock::matchers::{body_string_contains, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn settings() -> Settings {
    Settings { retry: RetryPolicy { base_delay: Duration::from_millis(5), ..RetryPolicy::default() }, ..Settings::default() }
}

#[tokio::test]
async fn secrets_never_appear_in_debug_display_errors_or_tracing() {
    let captured = Captured::default();
    let _guard = tracing::subscriber::set_default(captured.subscriber());

    let server = MockServer::start().await;
    // A token endpoint that echoes what it was sent, secret included.
    Mock::given(path("/v1/auth/token"))
        .and(body_string_contains("bad-client"))
        .respond_with(|r: &Request| ResponseTemplate::new(401).set_body_string(format!("rejected: {}", String::from_utf8_lossy(&r.body))))
        .mount(&server)
        .await;
    Mock::given(path("/v1/auth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body("issued-access-token", json!(86400))))
        .mount(&server)
        .await;
    Mock::given(path(format!("/v1/accounting_synced_records/{RECORD}/push")))
        .respond_with(
            ResponseTemplate::new(422)
                .set_body_json(json!({"detail": [{"loc": ["path"], "msg": "bad", "type": "t"}]}))
                .insert_header("x-request-id", "r-1"),
        )
        .mount(&server)
        .await;
    Mock::given(path(format!("/v1/accounting_synced_records/{RECORD}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(record()))
        .mount(&server)
        .await;

    let mut seen = String::new();
    let good = monite_client(&server.uri(), monite::client_credentials("good-client", SECRET), &settings());
    get_record(&good).await.unwrap();
    let err = push_record(&good).await.unwrap_err();
    seen += &format!("{err} {err:?} {good:?}");
    let bad = monite_client(&server.uri(), monite::client_credentials("bad-client", SECRET), &settings());
    let err = push_record(&bad).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Auth);
    seen += &format!("{err} {err:?} {bad:?} {:?}", monite::client_credentials("x", SECRET));
    let rebilly = rebilly::Client::with_environment(rebilly::Environment::Sandbox, "org", rebilly::api_key(SECRET)).unwrap();
    seen += &format!("{rebilly:?} {:?} {:?}", rebilly::api_key(SECRET), Auth::bearer(SECRET));
    let layer = layer::Client::with_environment(layer::Environment::Sandbox, layer::client_credentials("id", SECRET)).unwrap();
    seen += &format!("{layer:?}");

    // Rebilly's and Layer's operationIds are not progenitor's names: the
    // span's path is found all the same.
    let local = rebilly::Client::with_base_url(&server.uri(), rebilly::api_key(SECRET), &settings()).unwrap();
    let _ = local
        .get_external_identifier()
        .resource(rebilly::types::ExternalIdentifierResource::Customers)
        .resource_id("cus_1")
        .service(rebilly::types::ExternalIdentifierService::QuickbooksOnline)
        .send()
        .await;
    let local = layer::Client::with_settings(layer::Environment::Custom(server.uri()), Auth::bearer(SECRET), &settings()).unwrap();
    let _ = local.business_quickbooks_sync_from_post().business_id("b1").send().await;

    let logs = captured.text();
    assert!(logs.contains("path=\"/{resource}/{resourceId}/external-identifiers/{service}\""), "{logs}");
    assert!(logs.contains("path=\"/v1/businesses/{businessId}/quickbooks/sync-from\""), "{logs}");
    assert!(!logs.contains("path=\"\""), "no span without its path:\n{logs}");
    for text in [&seen, &logs] {
        assert!(!text.contains(SECRET), "the client secret leaked:\n{text}");
        assert!(!text.contains("issued-access-token"), "the access token leaked:\n{text}");
    }
    // The span says what was called and how it went, without bodies.
    assert!(logs.contains("accounting_sync.request"), "{logs}");
    assert!(logs.contains("vendor=\"Monite\""), "{logs}");
    assert!(logs.contains("operation=\"post_accounting_synced_records_id_push\""), "{logs}");
    assert!(logs.contains("path=\"/accounting_synced_records/{synced_record_id}/push\""), "{logs}");
    assert!(logs.contains("method=POST"), "{logs}");
    assert!(logs.contains("status=422"), "{logs}");
    assert!(logs.contains("attempt=1"), "{logs}");
    assert!(logs.contains("request_id=\"r-1\""), "{logs}");
    assert!(logs.contains("accounting_sync.token"), "{logs}");
    assert!(!logs.contains("must be positive") && !logs.contains("\"loc\""), "no bodies in traces:\n{logs}");
}

/// Models that hold credentials print them redacted in `Debug`, and still
/// carry the value on the wire (the generated-code test in crates/codegen
/// checks every credential field of every model is a `Secret`).
#[test]
fn models_holding_credentials_do_not_print_them() {
    let sentinel = "sentinel-credential-value";
    let response: monite::types::AccessTokenResponse =
        serde_json::from_value(json!({"access_token": sentinel, "expires_in": 3600, "token_type": "Bearer"})).unwrap();
    let request = monite::types::ObtainTokenPayload::builder()
        .client_id("9d2b4c8f-2087-4738-ba91-7359683c49a4".parse::<uuid::Uuid>().unwrap())
        .client_secret(sentinel)
        .grant_type(monite::types::GrantType::ClientCredentials);
    let request: monite::types::ObtainTokenPayload = request.try_into().unwrap();
    let layer_config: layer::types::QuickbooksConfigurationInput =
        serde_json::from_value(json!({"client_id": "id", "secret": sentinel})).unwrap();
    for printed in [format!("{response:?}"), format!("{request:?}"), format!("{layer_config:?}")] {
        assert!(!printed.contains(sentinel), "{printed}");
        assert!(printed.contains("[redacted]"), "{printed}");
    }
    assert_eq!(response.access_token.expose(), sentinel);
    assert_eq!(serde_json::to_value(&request).unwrap()["client_secret"], sentinel);
}
