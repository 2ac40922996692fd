//! Every Monite operation in specs/ against a real HTTP server on loopback.
#![cfg(feature = "monite")]

mod common;

use accounting_sync::monite::{self, types, Environment};
use accounting_sync::Auth;
use common::*;
use serde_json::{json, Value};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "monite-access-token";
const ENTITY: &str = "9d2b4c8f-2087-4738-ba91-7359683c49a4";
const RECORD: &str = "0e4d3c1b-6a5f-4e2d-9c8b-7a6f5e4d3c2b";
const CONNECTION: &str = "4b3a2c1d-0e9f-4a8b-b7c6-d5e4f3a2b1c0";

fn partner(server: &MockServer) -> monite::Client {
    monite::Client::with_environment(Environment::Custom(format!("{}/v1", server.uri())), Auth::bearer(TOKEN)).unwrap()
}

fn entity(server: &MockServer) -> monite::Client {
    partner(server).for_entity(ENTITY.parse().unwrap())
}

fn uuid(s: &str) -> uuid::Uuid {
    s.parse().unwrap()
}

async fn serve(status: u16, body: Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(status).set_body_json(body)).mount(&server).await;
    server
}

/// Checks method, path, query and Monite's headers on the one request made.
async fn assert_request(
    server: &MockServer,
    verb: &str,
    want_path: &str,
    want_query: &[(&str, &str)],
    with_entity: bool,
) -> wiremock::Request {
    let request = only_request(server).await;
    assert_eq!(request.method.as_str(), verb);
    assert_eq!(request.url.path(), want_path);
    let want: Vec<(String, String)> = want_query.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    assert_eq!(query(&request), want);
    assert_eq!(header(&request, "x-monite-version"), Some("2024-05-25"));
    assert_eq!(header(&request, "x-monite-entity-id"), with_entity.then_some(ENTITY));
    assert_common_headers(&request);
    request
}

fn record() -> Value {
    fixture(include_str!("fixtures/monite/synced_record.json"))
}

fn assert_record(r: &types::SyncRecordResource) {
    assert_eq!(r.id, uuid(RECORD));
    assert_eq!(r.created_at.to_rfc3339(), "2024-01-15T09:30:00+00:00");
    assert_eq!(r.updated_at.to_rfc3339(), "2024-01-15T09:31:00+00:00");
    assert_eq!(r.last_pulled_at.to_rfc3339(), "2024-01-15T09:30:00+00:00");
    assert_eq!(r.object_type, types::ObjectMatchTypes::Receivable);
    assert_eq!(r.sync_status, types::SyncStatus::Done);
    assert_eq!(r.errors["lines"], "tax code missing on line 2");
    assert_eq!(r.object_id, Some(uuid("5b0c9a7e-2f3d-4c1b-8a9e-1d2c3b4a5f60")));
    assert_eq!(r.object_updated_at.unwrap().to_rfc3339(), "2024-01-15T09:29:00+00:00");
    assert_eq!(r.platform, Some(types::Platform::Xero));
    assert_eq!(r.platform_object_id.as_deref(), Some("INV-0042"));
    assert_eq!(r.platform_updated_at.unwrap().to_rfc3339(), "2024-01-15T09:30:30+00:00");
    assert_eq!(r.provider, Some(types::ServiceProvidersEnum::Codat));
    assert_eq!(r.provider_object_id.as_deref(), Some("codat-7f3e"));
    assert_eq!(r.provider_updated_at.unwrap().to_rfc3339(), "2024-01-15T09:30:10+00:00");
    assert_eq!(reencoded(r), record());
}

fn connection() -> Value {
    json!({
        "id": CONNECTION,
        "created_at": "2024-02-01T12:00:00Z",
        "updated_at": "2024-02-02T12:00:00Z",
        "business_info": {"base_currency": "EUR", "email": "books@example.com", "legal_name": "Example GmbH", "name": "Example", "type": "company"},
        "connection_url": "https://link.codat.io/connect/abc",
        "errors": [{"message": "token refresh failed once"}],
        "last_pull": "2024-02-02T11:00:00Z",
        "platform": "xero",
        "status": "connected"
    })
}

fn assert_connection(c: &types::AccountingConnectionResponse) {
    assert_eq!(c.id, uuid(CONNECTION));
    assert_eq!(c.created_at.to_rfc3339(), "2024-02-01T12:00:00+00:00");
    assert_eq!(c.updated_at.to_rfc3339(), "2024-02-02T12:00:00+00:00");
    let info = c.business_info.as_ref().unwrap();
    assert_eq!(
        (info.base_currency.as_deref(), info.email.as_deref(), info.legal_name.as_deref(), info.name.as_deref(), info.type_.as_deref()),
        (Some("EUR"), Some("books@example.com"), Some("Example GmbH"), Some("Example"), Some("company"))
    );
    assert_eq!(c.connection_url, "https://link.codat.io/connect/abc");
    assert_eq!(c.errors[0].message, "token refresh failed once");
    assert_eq!(c.last_pull.unwrap().to_rfc3339(), "2024-02-02T11:00:00+00:00");
    assert_eq!(c.platform.as_deref(), Some("xero"));
    assert_eq!(c.status, Some(types::ConnectionStatus::Connected));
    assert_eq!(reencoded(c), connection());
}

#[tokio::test]
async fn push_a_synced_record() {
    let server = serve(200, record()).await;
    let r = entity(&server).post_accounting_synced_records_id_push().synced_record_id(uuid(RECORD)).send().await.unwrap();
    let request = assert_request(&server, "POST", &format!("/v1/accounting_synced_records/{RECORD}/push"), &[], true).await;
    assert_eq!(header(&request, "authorization"), Some(format!("Bearer {TOKEN}").as_str()));
    assert!(request.body.is_empty());
    assert_record(&r);
}

#[tokio::test]
async fn list_synced_records_with_every_filter() {
    let mut second = record();
    second["id"] = json!("1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9");
    second["sync_status"] = json!("error");
    second["a_field_added_later"] = json!([1, 2]);
    let server = serve(200, json!({"data": [record(), second], "next_pagination_token": "next", "prev_pagination_token": "prev"})).await;
    let at = |s: &str| s.parse::<chrono::DateTime<chrono::Utc>>().unwrap();
    let page = entity(&server)
        .get_accounting_synced_records()
        .object_type(types::ObjectMatchTypes::Receivable)
        .order(types::OrderEnum::Desc)
        .limit(std::num::NonZeroU64::new(50).unwrap())
        .pagination_token("tok")
        .sort(types::SyncRecordCursorFields::UpdatedAt)
        .object_id(uuid("5b0c9a7e-2f3d-4c1b-8a9e-1d2c3b4a5f60"))
        .object_id_in(vec![uuid(RECORD), uuid(CONNECTION)])
        .created_at_gt(at("2024-01-01T00:00:00Z"))
        .created_at_lt(at("2024-02-01T00:00:00Z"))
        .created_at_gte(at("2024-01-02T00:00:00Z"))
        .created_at_lte(at("2024-01-31T00:00:00Z"))
        .updated_at_gt(at("2024-03-01T00:00:00Z"))
        .updated_at_lt(at("2024-04-01T00:00:00Z"))
        .updated_at_gte(at("2024-03-02T00:00:00Z"))
        .updated_at_lte(at("2024-03-31T00:00:00Z"))
        .send()
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(request.url.path(), "/v1/accounting_synced_records");
    let mut got = query(&request);
    got.sort();
    let mut want: Vec<(String, String)> = [
        ("object_type", "receivable"),
        ("order", "desc"),
        ("limit", "50"),
        ("pagination_token", "tok"),
        ("sort", "updated_at"),
        ("object_id", "5b0c9a7e-2f3d-4c1b-8a9e-1d2c3b4a5f60"),
        ("object_id__in", RECORD),
        ("object_id__in", CONNECTION),
        ("created_at__gt", "2024-01-01T00:00:00Z"),
        ("created_at__lt", "2024-02-01T00:00:00Z"),
        ("created_at__gte", "2024-01-02T00:00:00Z"),
        ("created_at__lte", "2024-01-31T00:00:00Z"),
        ("updated_at__gt", "2024-03-01T00:00:00Z"),
        ("updated_at__lt", "2024-04-01T00:00:00Z"),
        ("updated_at__gte", "2024-03-02T00:00:00Z"),
        ("updated_at__lte", "2024-03-31T00:00:00Z"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    want.sort();
    assert_eq!(got, want);
    assert_eq!(header(&request, "x-monite-entity-id"), Some(ENTITY));
    assert_record(&page.data[0]);
    assert_eq!(page.data[1].sync_status, types::SyncStatus::Error);
    assert_eq!(page.next_pagination_token.as_deref(), Some("next"));
    assert_eq!(page.prev_pagination_token.as_deref(), Some("prev"));
}

#[tokio::test]
async fn get_a_synced_record() {
    let server = serve(200, record()).await;
    let r = entity(&server).get_accounting_synced_records_id().synced_record_id(uuid(RECORD)).send().await.unwrap();
    assert_request(&server, "GET", &format!("/v1/accounting_synced_records/{RECORD}"), &[], true).await;
    assert_record(&r);
}

#[tokio::test]
async fn accounting_connections() {
    let server = serve(200, json!({"data": [connection()]})).await;
    let list = entity(&server).get_accounting_connections().send().await.unwrap();
    assert_request(&server, "GET", "/v1/accounting_connections", &[], true).await;
    assert_connection(&list.data[0]);

    let server = serve(201, connection()).await;
    let created = entity(&server).post_accounting_connections().send().await.unwrap();
    assert_request(&server, "POST", "/v1/accounting_connections", &[], true).await;
    assert_eq!(created.status().as_u16(), 201);
    assert_connection(&created);

    let server = serve(200, connection()).await;
    let one = entity(&server).get_accounting_connections_id().connection_id(uuid(CONNECTION)).send().await.unwrap();
    assert_request(&server, "GET", &format!("/v1/accounting_connections/{CONNECTION}"), &[], true).await;
    assert_connection(&one);

    let mut disconnected = connection();
    disconnected["status"] = json!("disconnected");
    let server = serve(200, disconnected).await;
    let gone = entity(&server).post_accounting_connections_id_disconnect().connection_id(uuid(CONNECTION)).send().await.unwrap();
    assert_request(&server, "POST", &format!("/v1/accounting_connections/{CONNECTION}/disconnect"), &[], true).await;
    assert_eq!(gone.status, Some(types::ConnectionStatus::Disconnected));

    let server = serve(202, json!({"message": "Synchronization started"})).await;
    let sync = entity(&server).post_accounting_connections_id_sync().connection_id(uuid(CONNECTION)).send().await.unwrap();
    assert_request(&server, "POST", &format!("/v1/accounting_connections/{CONNECTION}/sync"), &[], true).await;
    assert_eq!(sync.status().as_u16(), 202);
    assert_eq!(sync.message, "Synchronization started");
}

#[tokio::test]
async fn obtain_a_token() {
    let server = serve(200, json!({"access_token": "L8qq9PZyRg6ie", "expires_in": 86400, "token_type": "Bearer"})).await;
    let tokens = monite::Client::with_environment(Environment::Custom(format!("{}/v1", server.uri())), Auth::None).unwrap();
    let token = tokens
        .post_auth_token()
        .body(types::ObtainTokenPayload {
            client_id: uuid(CONNECTION),
            client_secret: "partner-secret".into(),
            entity_user_id: None,
            grant_type: types::GrantType::ClientCredentials,
        })
        .send()
        .await
        .unwrap();
    let request = assert_request(&server, "POST", "/v1/auth/token", &[], false).await;
    assert_eq!(header(&request, "authorization"), None);
    assert_eq!(
        json_body(&request),
        json!({"client_id": CONNECTION, "client_secret": "partner-secret", "grant_type": "client_credentials"})
    );
    assert_eq!((token.access_token.expose(), token.expires_in, token.token_type.as_str()), ("L8qq9PZyRg6ie", 86400, "Bearer"));

    let server = serve(200, json!({"access_token": "t", "expires_in": 1800, "token_type": "Bearer"})).await;
    let tokens = monite::Client::with_environment(Environment::Custom(format!("{}/v1", server.uri())), Auth::None).unwrap();
    tokens
        .post_auth_token()
        .body(types::ObtainTokenPayload {
            client_id: uuid(CONNECTION),
            client_secret: "partner-secret".into(),
            entity_user_id: Some(uuid(RECORD)),
            grant_type: types::GrantType::EntityUser,
        })
        .send()
        .await
        .unwrap();
    let body = json_body(&only_request(&server).await);
    assert_eq!((body["grant_type"].as_str(), body["entity_user_id"].as_str()), (Some("entity_user"), Some(RECORD)));
}

fn error_body(status: u16) -> Value {
    if status == 422 {
        json!({"detail": [
            {"loc": ["path", "synced_record_id"], "msg": "value is not a valid uuid", "type": "type_error.uuid"},
            {"loc": ["body", "items", 0, "quantity"], "msg": "must be positive", "type": "value_error"}
        ]})
    } else {
        json!({"error": {"message": format!("failure {status}")}})
    }
}

fn assert_error<T: std::fmt::Debug>(result: Result<T, accounting_sync::Error>, status: u16) {
    let err = result.expect_err("an error response");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
    let Some(e) = err.body::<types::ErrorBody>() else { panic!("{status}: {err:?}") };
    if status == 422 {
        assert!(e.error.is_none());
        let locs: Vec<String> = e.detail.iter().map(|d| d.loc.iter().map(|l| l.to_string()).collect::<Vec<_>>().join(".")).collect();
        assert_eq!(locs, ["path.synced_record_id", "body.items.0.quantity"]);
        assert!(matches!(e.detail[1].loc[2], types::ValidationErrorLocItem::Integer(0)));
        assert_eq!(e.detail[0].msg, "value is not a valid uuid");
        assert_eq!(e.detail[0].type_, "type_error.uuid");
    } else {
        assert_eq!(e.error.as_ref().unwrap().message, format!("failure {status}"));
        assert!(e.detail.is_empty());
    }
    assert_eq!(reencoded(e), error_body(status));
}

/// Each operation with each error status it declares (for the push, the
/// union of what Monite's page and its document list).
#[tokio::test]
async fn every_documented_error_status_decodes() {
    const STD: &[u16] = &[405, 422, 500];
    let cases: &[(&str, &[u16])] = &[
        ("list connections", STD),
        ("create connection", STD),
        ("get connection", STD),
        ("disconnect", STD),
        ("sync", STD),
        ("list records", STD),
        ("get record", STD),
        ("push", &[401, 405, 422, 429, 500]),
        ("token", &[401, 405, 422, 500]),
    ];
    for (operation, statuses) in cases {
        for &status in *statuses {
            let server = serve(status, error_body(status)).await;
            let c = entity(&server);
            match *operation {
                "list connections" => assert_error(c.get_accounting_connections().send().await, status),
                "create connection" => assert_error(c.post_accounting_connections().send().await, status),
                "get connection" => assert_error(c.get_accounting_connections_id().connection_id(uuid(CONNECTION)).send().await, status),
                "disconnect" => {
                    assert_error(c.post_accounting_connections_id_disconnect().connection_id(uuid(CONNECTION)).send().await, status)
                }
                "sync" => assert_error(c.post_accounting_connections_id_sync().connection_id(uuid(CONNECTION)).send().await, status),
                "list records" => {
                    assert_error(c.get_accounting_synced_records().object_type(types::ObjectMatchTypes::Bill).send().await, status)
                }
                "get record" => assert_error(c.get_accounting_synced_records_id().synced_record_id(uuid(RECORD)).send().await, status),
                "push" => assert_error(c.post_accounting_synced_records_id_push().synced_record_id(uuid(RECORD)).send().await, status),
                "token" => assert_error(
                    c.post_auth_token()
                        .body(
                            types::ObtainTokenPayload::builder()
                                .client_id(uuid(CONNECTION))
                                .client_secret("s")
                                .grant_type(types::GrantType::ClientCredentials),
                        )
                        .send()
                        .await,
                    status,
                ),
                other => unreachable!("{other}"),
            }
        }
    }
}

#[tokio::test]
async fn entity_and_version_headers_are_set_per_client() {
    let server = serve(200, json!({"data": []})).await;
    let base = partner(&server);
    let other: uuid::Uuid = uuid(RECORD);
    base.for_entity(uuid(ENTITY)).get_accounting_connections().send().await.unwrap();
    base.for_entity(other).with_api_version("2025-06-23").unwrap().get_accounting_connections().send().await.unwrap();
    // Without an entity, an entity's call is not sent (Monite requires the header).
    assert!(base.get_accounting_connections().send().await.is_err());
    let requests = server.received_requests().await.unwrap();
    let seen: Vec<(Option<&str>, Option<&str>)> =
        requests.iter().map(|r| (header(r, "x-monite-entity-id"), header(r, "x-monite-version"))).collect();
    assert_eq!(seen, [(Some(ENTITY), Some("2024-05-25")), (Some(RECORD), Some("2025-06-23"))]);
    assert_eq!(base.for_entity(other).entity_id(), Some(other));
    assert_eq!(base.entity_id(), None);
    assert_eq!(monite::api_version(), "2024-05-25");
    assert!(base.with_api_version("yesterday").is_err());
}

#[tokio::test]
async fn missing_required_parameters_are_a_clear_error() {
    let server = MockServer::start().await;
    let result = entity(&server).get_accounting_synced_records().send().await;
    let err = result.unwrap_err();
    assert_eq!(err.kind(), accounting_sync::ErrorKind::InvalidRequest);
    assert!(err.message().unwrap().contains("object_type"), "{err}");
    let result = entity(&server).post_auth_token().send().await;
    assert_eq!(result.unwrap_err().kind(), accounting_sync::ErrorKind::InvalidRequest);
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[test]
fn environments() {
    use accounting_sync::monite::ClientInfo;
    for (env, url) in [
        (Environment::Sandbox, "https://api.sandbox.monite.com/v1"),
        (Environment::Europe, "https://api.monite.com/v1"),
        (Environment::NorthAmerica, "https://us.api.monite.com/v1"),
    ] {
        let c = monite::Client::with_environment(env, Auth::bearer(TOKEN)).unwrap();
        assert_eq!(c.baseurl(), url);
        assert!(!format!("{c:?}").contains(TOKEN));
    }
}

/// User code that glob-imports the module: `Error` there is the crate's,
/// and `?` converts every call's error into it without `map_err`.
mod glob_import {
    use accounting_sync::monite::*;

    pub async fn push(client: &Client, record: uuid::Uuid) -> Result<types::SyncRecordResource, Error> {
        Ok(client.post_accounting_synced_records_id_push().synced_record_id(record).send().await?.into_inner())
    }
}

#[tokio::test]
async fn a_glob_import_gets_the_crates_error_and_question_mark_converts() {
    let server = serve(404, json!({"error": {"message": "Synced record not found"}})).await;
    let err: accounting_sync::Error = glob_import::push(&entity(&server), uuid(RECORD)).await.unwrap_err();
    assert_eq!(err.kind(), accounting_sync::ErrorKind::NotFound);
    assert_eq!(err.message(), Some("Synced record not found"));
}

#[tokio::test]
async fn an_entity_call_without_for_entity_is_refused_before_sending() {
    let server = serve(200, json!({"data": []})).await;
    let err = partner(&server).get_accounting_synced_records().object_type(types::ObjectMatchTypes::Bill).send().await.unwrap_err();
    assert_eq!(err.kind(), accounting_sync::ErrorKind::InvalidRequest);
    let message = err.message().unwrap();
    assert!(message.contains("x-monite-entity-id") && message.contains("for_entity"), "{message}");
    assert!(server.received_requests().await.unwrap().is_empty(), "nothing may be sent");
    // A partner-level call (the token endpoint) needs no entity.
    let token = serve(200, json!({"access_token": "t", "expires_in": 60, "token_type": "Bearer"})).await;
    let payload =
        types::ObtainTokenPayload::builder().client_id(uuid(ENTITY)).client_secret("s").grant_type(types::GrantType::ClientCredentials);
    partner(&token).post_auth_token().body(payload).send().await.unwrap();
}

const SUBSCRIPTION: &str = "7e209570-afd5-4078-ac33-b8e7409fa790";

fn subscription(with_secret: bool) -> Value {
    let mut v = json!({
        "id": SUBSCRIPTION,
        "event_types": ["updated"],
        "object_type": "accounting_connection",
        "status": "enabled",
        "url": "https://books.example.com/webhooks/monite"
    });
    if with_secret {
        v["secret"] = json!("whsec_subscription-secret-value");
    }
    v
}

/// The webhook-subscription operations: partner-level (no entity header),
/// the secret typed as a `Secret` that never prints.
#[tokio::test]
async fn webhook_subscriptions() {
    let server = serve(201, subscription(true)).await;
    let body = types::CreateWebhookSubscriptionRequest::builder()
        .object_type(types::WebhookObjectType::AccountingConnection)
        .url("https://books.example.com/webhooks/monite")
        .event_types(vec!["updated".to_string()]);
    let created = partner(&server).post_webhook_subscriptions().body(body).send().await.unwrap().into_inner();
    let request = assert_request(&server, "POST", "/v1/webhook_subscriptions", &[], false).await;
    assert_eq!(
        json_body(&request),
        json!({"object_type": "accounting_connection", "url": "https://books.example.com/webhooks/monite", "event_types": ["updated"]})
    );
    assert_eq!(created.secret.expose(), "whsec_subscription-secret-value");
    assert!(!format!("{created:?}").contains("whsec_subscription"), "{created:?}");
    assert_eq!(reencoded(&created), subscription(true));

    let server = serve(200, json!({"data": [subscription(false)], "next_pagination_token": null})).await;
    let page = partner(&server).get_webhook_subscriptions().object_type("accounting_connection").send().await.unwrap().into_inner();
    assert_request(&server, "GET", "/v1/webhook_subscriptions", &[("object_type", "accounting_connection")], false).await;
    assert_eq!((page.data.len(), page.data[0].status.clone()), (1, types::WebhookSubscriptionStatus::Enabled));

    let server = serve(200, subscription(false)).await;
    let one = partner(&server).get_webhook_subscriptions_id().webhook_subscription_id(uuid(SUBSCRIPTION)).send().await.unwrap();
    assert_request(&server, "GET", &format!("/v1/webhook_subscriptions/{SUBSCRIPTION}"), &[], false).await;
    assert_eq!(reencoded(&*one), subscription(false));

    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    partner(&server).delete_webhook_subscriptions_id().webhook_subscription_id(uuid(SUBSCRIPTION)).send().await.unwrap();
    assert_request(&server, "DELETE", &format!("/v1/webhook_subscriptions/{SUBSCRIPTION}"), &[], false).await;

    let server = serve(200, subscription(true)).await;
    let renewed = partner(&server)
        .post_webhook_subscriptions_id_regenerate_secret()
        .webhook_subscription_id(uuid(SUBSCRIPTION))
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_request(&server, "POST", &format!("/v1/webhook_subscriptions/{SUBSCRIPTION}/regenerate_secret"), &[], false).await;
    assert_eq!(renewed.secret.expose(), "whsec_subscription-secret-value");
}
