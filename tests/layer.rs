//! Every Layer QuickBooks operation in specs/ against a real HTTP server on
//! loopback, on Layer's real wire format: `{"data": …}` for success and
//! `{"errors": [ApiError…]}` for failure.
#![cfg(feature = "layer")]

mod common;

use accounting_sync::layer::{self, types, Environment, GeneratedError};
use accounting_sync::Auth;
use common::*;
use serde_json::{json, Value};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "layer-access-token";
const BUSINESS: &str = "c1a7b7d6-1d1e-4a5c-9f43-3f1c0c6b9f10";
const ACCOUNT: &str = "3c90c3cc-0d44-4b50-8888-8dd25736052a";

fn client(server: &MockServer) -> layer::Client {
    layer::Client::with_environment(Environment::Custom(server.uri()), Auth::bearer(TOKEN)).unwrap()
}

async fn serve(status: u16, body: Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(status).set_body_json(body)).mount(&server).await;
    server
}

/// Checks method, path, query and the headers every Layer call carries.
async fn assert_request(server: &MockServer, verb: &str, want_path: &str, want_query: &[(&str, &str)]) -> wiremock::Request {
    let request = only_request(server).await;
    assert_eq!(request.method.as_str(), verb);
    assert_eq!(request.url.path(), want_path);
    let want: Vec<(String, String)> = want_query.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    assert_eq!(query(&request), want);
    assert_eq!(header(&request, "authorization"), Some(format!("Bearer {TOKEN}").as_str()));
    assert_common_headers(&request);
    request
}

fn account(id: &str, stable: Value) -> Value {
    json!({
        "id": id,
        "name": "Checking",
        "stable_name": stable,
        "normality": "DEBIT",
        "account_type": {"value": "ASSET", "display_name": "Asset"},
        "account_subtype": {"value": "BANK_ACCOUNTS", "display_name": "Current Assets"},
        "balance": 1250075,
        "local_ledger_account": {
            "id": {"type": "AccountId", "id": "0b8b2f43-5c4d-4e5f-9a1b-2c3d4e5f6a7b"},
            "name": "Current Assets",
            "account_number": "4000",
            "stable_name": {"type": "StableName", "stable_name": "CURRENT_ASSETS"},
            "normality": "CREDIT",
            "account_type": {"value": "ASSET", "display_name": "Asset"},
            "account_subtype": {"value": "CURRENT", "display_name": "Current Assets"}
        },
    })
}

fn assert_account(a: &types::ApiQuickbooksLedgerAccount, id: &str) {
    assert_eq!(a.id.unwrap().to_string(), id);
    assert_eq!(a.name.as_deref(), Some("Checking"));
    assert_eq!(a.normality, Some(types::Normality::Debit));
    assert_eq!(a.account_type.as_ref().unwrap().value.as_deref(), Some("ASSET"));
    assert_eq!(a.account_subtype.as_ref().unwrap().display_name.as_deref(), Some("Current Assets"));
    assert_eq!(a.balance, Some(1250075));
    let local = a.local_ledger_account.as_ref().unwrap();
    // The two identifier forms decode to their own variants.
    let Some(types::LedgerAccountIdentifier::AccountId(by_id)) = &local.id else { panic!("{:?}", local.id) };
    assert_eq!(by_id.id.to_string(), "0b8b2f43-5c4d-4e5f-9a1b-2c3d4e5f6a7b");
    let Some(types::LedgerAccountIdentifier::StableName(by_name)) = &local.stable_name else { panic!("{:?}", local.stable_name) };
    assert_eq!(by_name.stable_name, "CURRENT_ASSETS");
    assert_eq!(local.account_number.as_deref(), Some("4000"));
    assert_eq!(local.normality, Some(types::Normality::Credit));
}

#[tokio::test]
async fn sync_from_quickbooks_sends_realms_and_decodes_the_envelope() {
    let server = serve(200, fixture(include_str!("fixtures/layer/sync_from.json"))).await;
    let started = client(&server)
        .business_quickbooks_sync_from_post()
        .business_id(BUSINESS)
        .body(types::QuickbooksSyncFromParams { quickbooks_realm_ids: vec!["9130357992221046".into(), "4620816365257778".into()] })
        .send()
        .await
        .unwrap();
    let request = assert_request(&server, "POST", &format!("/v1/businesses/{BUSINESS}/quickbooks/sync-from"), &[]).await;
    assert_eq!(header(&request, "content-type"), Some("application/json"));
    assert_eq!(json_body(&request), json!({"quickbooks_realm_ids": ["9130357992221046", "4620816365257778"]}));
    assert_eq!(started.data.type_.as_deref(), Some("com.layerfi.controllers.EmptyResponse"));
    assert_eq!(reencoded(&*started), fixture(include_str!("fixtures/layer/sync_from.json")));
}

#[tokio::test]
async fn sync_from_quickbooks_without_realms_syncs_all() {
    let server = serve(200, json!({"data": {"type": "com.layerfi.controllers.EmptyResponse"}, "meta": {}})).await;
    let started = client(&server).business_quickbooks_sync_from_post().business_id(BUSINESS).send().await.unwrap();
    let request = only_request(&server).await;
    // The body is optional; without realms the client sends an empty object.
    assert_eq!(json_body(&request), json!({}));
    assert_eq!(started.meta.as_ref().map(|m| m.len()), Some(0));
}

#[tokio::test]
async fn sync_from_quickbooks_not_connected_decodes_the_error_list() {
    let server = serve(404, fixture(include_str!("fixtures/layer/not_connected.json"))).await;
    let result = client(&server).business_quickbooks_sync_from_post().business_id(BUSINESS).send().await;
    let (status, e) = error_body(result);
    assert_eq!(status, 404);
    let [error] = e.errors.as_slice() else { panic!("{:?}", e.errors) };
    assert_eq!(error.type_, types::ApiErrorType::ResourceNotFound);
    assert_eq!(error.description, "QuickBooks is not connected for this business");
    assert_eq!(error.error_enum, Some(types::ApiEnumErrorType::QuickbooksConnectionMissing));
    assert_eq!(error.meta.as_ref().unwrap()["business_id"], BUSINESS);
    assert_eq!(reencoded(&e), fixture(include_str!("fixtures/layer/not_connected.json")));
}

/// Every `ApiErrorType` and every `ApiEnumErrorType` value of our document
/// decodes to its own variant (not `Unknown`), and encodes back to the same
/// text.
#[tokio::test]
async fn every_error_type_and_error_enum_value_decodes() {
    let spec: Value = serde_json::from_str(include_str!("../specs/layer/openapi.json")).unwrap();
    let values = |name: &str| -> Vec<Value> { spec["components"]["schemas"][name]["enum"].as_array().unwrap().clone() };
    let (types_, enums) = (values("ApiErrorType"), values("ApiEnumErrorType"));
    assert_eq!(types_.len(), 13);
    assert_eq!(enums.len(), 93);
    // One error per enum value; the 13 types cycle through them. A 5xx error
    // has no error_enum, and meta may be null.
    let mut errors: Vec<Value> = enums
        .iter()
        .enumerate()
        .map(|(i, e)| json!({"type": types_[i % types_.len()], "description": format!("case {i}"), "error_enum": e, "meta": {"i": i}}))
        .collect();
    errors.push(json!({"type": "Unknown", "description": "server side"}));
    let body = json!({"errors": errors});
    let server = serve(404, body.clone()).await;
    let result = client(&server).configure_quickbooks_get().send().await;
    let (_, e) = error_body(result);
    assert_eq!(e.errors.len(), 94);
    assert_eq!(e.errors[93].error_enum, None);
    assert!(e.errors.iter().all(|x| !x.type_.is_unknown()));
    assert!(e.errors[..93].iter().all(|x| x.error_enum.as_ref().is_some_and(|v| !v.is_unknown())));
    // Each variant is the value's own: as_str gives back the document's text.
    assert!(e.errors[..93].iter().enumerate().all(|(i, x)| x.type_.as_str() == types_[i % types_.len()]));
    assert_eq!(reencoded(&e), body);

    // Values Layer adds later are kept as sent, and the kind falls back to the status.
    let newer = json!({"errors": [{"type": "QuotaExhausted", "description": "later", "error_enum": "NEW_ENUM_VALUE"}]});
    let server = serve(404, newer.clone()).await;
    let result = client(&server).configure_quickbooks_get().send().await;
    let (_, e) = error_body(result);
    assert_eq!(e.errors[0].type_, types::ApiErrorType::Unknown("QuotaExhausted".into()));
    assert_eq!(e.errors[0].error_enum, Some(types::ApiEnumErrorType::Unknown("NEW_ENUM_VALUE".into())));
    assert_eq!(reencoded(&e), newer);

    let nulls = json!({"errors": [{"type": "AuthFailure", "description": "bad token", "error_enum": null, "meta": null}]});
    let server = serve(401, nulls).await;
    let result = client(&server).configure_quickbooks_get().send().await;
    // 401 is not declared for this operation: decoded all the same.
    let (status, e) = error_body(result);
    assert_eq!((status, e.errors[0].description.as_str()), (401, "bad token"));
}

#[tokio::test]
async fn connection_status_decodes_every_field() {
    let body = json!({"data": {
        "is_connected": true,
        "last_synced_at": "2025-07-14T09:00:00Z",
        "last_sync_status": "SYNC_FAILURE",
        "is_syncing": false,
        "sync_failure_reason": "QUICKBOOKS_AUTHENTICATION_FAILURE"
    }});
    let server = serve(200, body.clone()).await;
    let status = client(&server).business_quickbooks_connection_status_get().business_id(BUSINESS).send().await.unwrap();
    assert_request(&server, "GET", &format!("/v1/businesses/{BUSINESS}/quickbooks/connection-status"), &[]).await;
    let s = &status.data;
    assert_eq!(s.is_connected, Some(true));
    assert_eq!(s.is_syncing, Some(false));
    assert_eq!(s.last_synced_at.unwrap().to_rfc3339(), "2025-07-14T09:00:00+00:00");
    assert_eq!(s.last_sync_status, Some(types::QuickbooksConnectionLastSyncStatus::SyncFailure));
    assert_eq!(s.sync_failure_reason.as_deref(), Some("QUICKBOOKS_AUTHENTICATION_FAILURE"));
    assert_eq!(reencoded(&*status), body);
}

#[tokio::test]
async fn connection_status_of_a_business_that_never_connected() {
    let server =
        serve(200, json!({"data": {"is_connected": false, "is_syncing": false, "last_synced_at": null, "last_sync_status": null}})).await;
    let status = client(&server).business_quickbooks_connection_status_get().business_id(BUSINESS).send().await.unwrap();
    assert_eq!((status.data.is_connected, status.data.last_synced_at, status.data.last_sync_status.clone()), (Some(false), None, None));
}

#[tokio::test]
async fn authorize_returns_the_redirect_url() {
    let body = json!({"data": {"type": "Quickbooks_Authorization_Params", "redirect_url": "https://appcenter.intuit.com/connect/oauth2?state=abc"}});
    let server = serve(200, body.clone()).await;
    let auth = client(&server).business_quickbooks_authorize_post().business_id(BUSINESS).send().await.unwrap();
    let request = assert_request(&server, "POST", &format!("/v1/businesses/{BUSINESS}/quickbooks/authorize"), &[]).await;
    assert!(request.body.is_empty());
    assert_eq!(auth.data.redirect_url, "https://appcenter.intuit.com/connect/oauth2?state=abc");
    assert_eq!(auth.data.type_.as_deref(), Some("Quickbooks_Authorization_Params"));
    assert_eq!(reencoded(&*auth), body);
}

#[tokio::test]
async fn list_accounts_nested() {
    let mut parent = account(ACCOUNT, json!({"type": "AccountId", "id": ACCOUNT}));
    parent["child_accounts"] =
        json!([account("7d1c6b5a-4f3e-4d2c-8b1a-0f9e8d7c6b5a", json!({"type": "StableName", "stable_name": "SAVINGS"}))]);
    let body = json!({"data": {
        "id": "5e2a1f0c-9b8d-4c7e-a6f5-e4d3c2b1a090",
        "export_upload_id": "1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9",
        "connection_id": "6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d",
        "is_nested": true,
        "accounts": [parent]
    }});
    let server = serve(200, body.clone()).await;
    let ledger = client(&server).business_quickbooks_ledger_accounts_get().business_id(BUSINESS).is_nested(true).send().await.unwrap();
    assert_request(&server, "GET", &format!("/v1/businesses/{BUSINESS}/quickbooks/ledger/accounts"), &[("is_nested", "true")]).await;
    let l = &ledger.data;
    assert_eq!(l.id.unwrap().to_string(), "5e2a1f0c-9b8d-4c7e-a6f5-e4d3c2b1a090");
    assert_eq!(l.is_nested, Some(true));
    assert_eq!(l.connection_id.as_deref(), Some("6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d"));
    assert_eq!(l.export_upload_id.as_deref(), Some("1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9"));
    assert_account(&l.accounts[0], ACCOUNT);
    let child = &l.accounts[0].child_accounts[0];
    assert!(matches!(&child.stable_name, Some(types::LedgerAccountIdentifier::StableName(s)) if s.stable_name == "SAVINGS"));
    assert_eq!(reencoded(&*ledger), body);
}

#[tokio::test]
async fn fetch_one_account() {
    let body = json!({"data": account(ACCOUNT, json!({"type": "AccountId", "id": ACCOUNT}))});
    let server = serve(200, body.clone()).await;
    let a = client(&server)
        .business_quickbooks_ledger_accounts_get_by_account_id()
        .business_id(BUSINESS)
        .account_id(ACCOUNT)
        .send()
        .await
        .unwrap();
    assert_request(&server, "GET", &format!("/v1/businesses/{BUSINESS}/quickbooks/ledger/accounts/{ACCOUNT}"), &[]).await;
    assert_account(&a.data, ACCOUNT);
    assert!(matches!(&a.data.stable_name, Some(types::LedgerAccountIdentifier::AccountId(i)) if i.id.to_string() == ACCOUNT));
    assert_eq!(reencoded(&*a), body);
}

#[tokio::test]
async fn update_mapping_sends_the_identifier() {
    let body = json!({"data": account(ACCOUNT, json!({"type": "AccountId", "id": ACCOUNT}))});
    let server = serve(200, body).await;
    let target = types::LedgerAccountIdentifier::StableName(types::StableName {
        stable_name: "CURRENT_ASSETS".into(),
        type_: types::StableNameType::StableName,
    });
    let a = client(&server)
        .business_quickbooks_ledger_accounts_update_mapping_post()
        .business_id(BUSINESS)
        .account_id(ACCOUNT)
        .body(types::UpdateQuickbooksLocalLedgerAccountMappingRequest { local_ledger_account_identifier: Some(target) })
        .send()
        .await
        .unwrap();
    let request =
        assert_request(&server, "POST", &format!("/v1/businesses/{BUSINESS}/quickbooks/ledger/accounts/{ACCOUNT}/update-mapping"), &[])
            .await;
    assert_eq!(header(&request, "content-type"), Some("application/json"));
    assert_eq!(json_body(&request), json!({"local_ledger_account_identifier": {"type": "StableName", "stable_name": "CURRENT_ASSETS"}}));
    assert_account(&a.data, ACCOUNT);
}

fn configuration() -> Value {
    json!({"data": {
        "client_id": "ABCD1234FAKECLIENTID",
        "secret_last_4": "**************CRET",
        "environment": "SANDBOX",
        "redirect_url": "https://yourplatform.com/link-quickbooks"
    }})
}

fn assert_configuration(c: &types::QuickbooksConfigurationResponse) {
    assert_eq!(c.client_id.as_deref(), Some("ABCD1234FAKECLIENTID"));
    assert_eq!(c.secret_last_4.as_deref(), Some("**************CRET"));
    assert_eq!(c.environment, Some(types::QuickbooksEnvironmentType::Sandbox));
    assert_eq!(c.redirect_url.as_deref(), Some("https://yourplatform.com/link-quickbooks"));
}

#[tokio::test]
async fn fetch_configuration() {
    let server = serve(200, configuration()).await;
    let c = client(&server).configure_quickbooks_get().send().await.unwrap();
    assert_request(&server, "GET", "/v1/configure/quickbooks", &[]).await;
    assert_configuration(&c.data);
    assert_eq!(reencoded(&*c), configuration());
}

#[tokio::test]
async fn update_configuration() {
    let server = serve(200, configuration()).await;
    let input = types::QuickbooksConfigurationInput {
        client_id: Some("ABCD1234FAKECLIENTID".into()),
        secret: Some("abcd1234FAKESECRET".into()),
        environment: Some(types::QuickbooksEnvironmentType::Sandbox),
        redirect_url: Some("https://yourplatform.com/link-quickbooks".into()),
    };
    let c = client(&server).configure_quickbooks_put().body(input).send().await.unwrap();
    let request = assert_request(&server, "PUT", "/v1/configure/quickbooks", &[]).await;
    assert_eq!(header(&request, "content-type"), Some("application/json"));
    assert_eq!(
        json_body(&request),
        json!({"client_id": "ABCD1234FAKECLIENTID", "secret": "abcd1234FAKESECRET", "environment": "SANDBOX", "redirect_url": "https://yourplatform.com/link-quickbooks"})
    );
    assert_configuration(&c.data);
}

/// Each operation with each error status its document declares.
#[tokio::test]
async fn every_documented_error_status_decodes() {
    let cases: &[(&str, &[u16])] = &[
        ("sync-from", &[404, 429]),
        ("connection-status", &[404, 429]),
        ("authorize", &[404, 429]),
        ("accounts", &[404, 429]),
        ("account", &[404, 429]),
        ("update-mapping", &[404, 429]),
        ("config-get", &[404, 429]),
        ("config-put", &[400, 429]),
    ];
    for (operation, statuses) in cases {
        for &status in *statuses {
            let body = json!({"errors": [{"type": "InvalidParameters", "description": format!("{operation} {status}"), "error_enum": "SpecifiedBadRequest"}]});
            let server = MockServer::start().await;
            Mock::given(any())
                .respond_with(ResponseTemplate::new(status).set_body_json(body).insert_header("Retry-After", "1"))
                .mount(&server)
                .await;
            // No retries here: this test is about decoding each status once.
            let settings = accounting_sync::Settings { retry: accounting_sync::RetryPolicy::none(), ..Default::default() };
            let c = layer::Client::with_settings(Environment::Custom(server.uri()), Auth::bearer(TOKEN), &settings).unwrap();
            let result = match *operation {
                "sync-from" => c.business_quickbooks_sync_from_post().business_id(BUSINESS).send().await.map(|_| ()),
                "connection-status" => c.business_quickbooks_connection_status_get().business_id(BUSINESS).send().await.map(|_| ()),
                "authorize" => c.business_quickbooks_authorize_post().business_id(BUSINESS).send().await.map(|_| ()),
                "accounts" => c.business_quickbooks_ledger_accounts_get().business_id(BUSINESS).send().await.map(|_| ()),
                "account" => c
                    .business_quickbooks_ledger_accounts_get_by_account_id()
                    .business_id(BUSINESS)
                    .account_id(ACCOUNT)
                    .send()
                    .await
                    .map(|_| ()),
                "update-mapping" => c
                    .business_quickbooks_ledger_accounts_update_mapping_post()
                    .business_id(BUSINESS)
                    .account_id(ACCOUNT)
                    .body(types::UpdateQuickbooksLocalLedgerAccountMappingRequest { local_ledger_account_identifier: None })
                    .send()
                    .await
                    .map(|_| ()),
                "config-get" => c.configure_quickbooks_get().send().await.map(|_| ()),
                "config-put" => c.configure_quickbooks_put().body(types::QuickbooksConfigurationInput::builder()).send().await.map(|_| ()),
                other => unreachable!("{other}"),
            };
            let (got, e) = error_body(result);
            assert_eq!(got, status);
            assert_eq!(e.errors[0].type_, types::ApiErrorType::InvalidParameters);
            assert_eq!(e.errors[0].description, format!("{operation} {status}"));
            assert_eq!(e.errors[0].error_enum, Some(types::ApiEnumErrorType::SpecifiedBadRequest));
        }
    }
}

#[tokio::test]
async fn missing_required_parameters_are_a_clear_error() {
    let server = MockServer::start().await;
    let c = client(&server);
    let result = c.business_quickbooks_ledger_accounts_get_by_account_id().business_id(BUSINESS).send().await;
    let Err(GeneratedError::InvalidRequest(message)) = result else { panic!("{result:?}") };
    assert!(message.contains("account_id"), "{message}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[test]
fn environments() {
    use accounting_sync::layer::ClientInfo;
    let c = layer::Client::with_environment(Environment::Sandbox, Auth::bearer(TOKEN)).unwrap();
    assert_eq!(c.baseurl(), "https://sandbox.layerfi.com");
    assert!(!format!("{c:?}").contains(TOKEN));
    let c = layer::Client::with_environment(Environment::Production, Auth::bearer(TOKEN)).unwrap();
    assert_eq!(c.baseurl(), "https://api.layerfi.com");
    assert!(layer::Client::with_environment(Environment::Custom("not a url".into()), Auth::None).is_err());
}

/// The typed Layer error body of a failed call, and its status, through the
/// crate's own error (which decodes every error body itself).
fn error_body<T: std::fmt::Debug>(result: Result<T, GeneratedError<types::ApiErrorEnvelope>>) -> (u16, types::ApiErrorEnvelope) {
    let err = accounting_sync::Error::from(result.expect_err("an error response"));
    let Some(body) = err.body::<types::ApiErrorEnvelope>() else { panic!("{err:?}") };
    (err.status().expect("a response").as_u16(), body.clone())
}
