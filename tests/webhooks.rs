//! Receiving webhooks: Rebilly's Basic credentials, checked in constant time
//! with every way a delivery can be wrong; Monite's and Layer's events
//! decoded, and the objects they name fetched from loopback servers.
#![cfg(all(feature = "rebilly", feature = "layer", feature = "monite"))]

mod common;

use accounting_sync::webhooks::{self, WebhookErrorKind};
use accounting_sync::{layer, monite, Auth};
use base64::Engine as _;
use http::{HeaderMap, HeaderValue};
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const USER: &str = "rebilly-hook";
const PASSWORD: &str = "webhook-password-never-printed";

fn basic(user: &str, password: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    headers.insert("authorization", HeaderValue::from_str(&format!("Basic {encoded}")).unwrap());
    headers
}

fn receiver() -> webhooks::rebilly::Receiver {
    webhooks::rebilly::Receiver::new(USER, PASSWORD)
}

const INVOICE_PAID: &[u8] = br#"{"eventType": "invoice-paid", "invoiceId": "in_01", "_embedded": {"invoice": {"id": "in_01"}}}"#;

#[test]
fn rebilly_deliveries_with_the_webhooks_credentials_are_accepted_and_typed() {
    let event = receiver().verify(&basic(USER, PASSWORD), INVOICE_PAID).unwrap();
    assert_eq!(event.event_type, accounting_sync::rebilly::types::WebhookEventType::InvoicePaid);
    assert_eq!(event.payload["invoiceId"], "in_01");
    // An event type added by Rebilly later is kept by name.
    let later = receiver().verify(&basic(USER, PASSWORD), br#"{"eventType": "ledger-entry-posted"}"#).unwrap();
    assert_eq!(later.event_type.as_str(), "ledger-entry-posted");
    assert!(later.event_type.is_unknown());
}

#[test]
fn rebilly_deliveries_are_refused_for_each_thing_that_can_be_wrong() {
    let refused = |headers: &HeaderMap, body: &[u8]| receiver().verify(headers, body).unwrap_err();
    let wrong = refused(&basic(USER, "guessed-password"), INVOICE_PAID);
    assert_eq!(wrong.kind(), WebhookErrorKind::CredentialsMismatch);
    assert!(wrong.is_unauthenticated());
    assert_eq!(refused(&basic("someone-else", PASSWORD), INVOICE_PAID).kind(), WebhookErrorKind::CredentialsMismatch);
    assert_eq!(refused(&HeaderMap::new(), INVOICE_PAID).kind(), WebhookErrorKind::MissingHeader);
    for odd in ["Bearer abc", "Basic not*base64", "Basic", "Digest username=x"] {
        let mut headers = HeaderMap::new();
        headers.insert("authorization", HeaderValue::from_static(odd));
        assert_eq!(refused(&headers, INVOICE_PAID).kind(), WebhookErrorKind::MalformedHeader, "{odd}");
    }
    // Rebilly's page shows `rebilly`/`superman` as `cmViaWxseTpzdXBlcm1hbgo=`,
    // which decodes to "rebilly:superman\n" (made with `echo`): the newline
    // is part of the password as sent, so that header is not those credentials.
    let mut docs_example = HeaderMap::new();
    docs_example.insert("authorization", HeaderValue::from_static("Basic cmViaWxseTpzdXBlcm1hbgo="));
    let docs = webhooks::rebilly::Receiver::new("rebilly", "superman").verify(&docs_example, INVOICE_PAID);
    assert_eq!(docs.unwrap_err().kind(), WebhookErrorKind::CredentialsMismatch);
    assert!(webhooks::rebilly::Receiver::new("rebilly", "superman").verify(&basic("rebilly", "superman"), INVOICE_PAID).is_ok());

    // Authenticated, but not an event.
    assert_eq!(refused(&basic(USER, PASSWORD), b"<html>").kind(), WebhookErrorKind::NotAnEvent);
    assert_eq!(refused(&basic(USER, PASSWORD), br#"{"invoiceId": "in_01"}"#).kind(), WebhookErrorKind::NotAnEvent);
    let big = receiver().max_body_bytes(16).verify(&basic(USER, PASSWORD), INVOICE_PAID).unwrap_err();
    assert_eq!(big.kind(), WebhookErrorKind::TooLarge);
    assert!(!big.is_unauthenticated());
    // Nothing printed holds a credential.
    for printed in [wrong.to_string(), format!("{wrong:?}"), format!("{:?}", receiver())] {
        assert!(!printed.contains(PASSWORD) && !printed.contains("guessed-password"), "{printed}");
    }
}

#[test]
fn rebilly_credentials_can_rotate() {
    let rotating = receiver().also(USER, "the-next-password");
    assert!(rotating.verify(&basic(USER, PASSWORD), INVOICE_PAID).is_ok());
    assert!(rotating.verify(&basic(USER, "the-next-password"), INVOICE_PAID).is_ok());
    assert!(rotating.verify(&basic(USER, "an-old-password"), INVOICE_PAID).is_err());
}

const ENTITY: &str = "9d2b4c8f-2087-4738-ba91-7359683c49a4";
const CONNECTION: &str = "4b3a2c1d-0e9f-4a8b-b7c6-d5e4f3a2b1c0";

fn monite_event(object_type: &str) -> serde_json::Value {
    json!({
        "id": "0b9b1f0e-3c3f-4f55-9a5a-8b3c2d1e0f9a",
        "created_at": "2024-02-02T12:00:00Z",
        "action": format!("{object_type}.updated"),
        "api_version": "2024-05-25",
        "description": "The connection's status changed.",
        "entity_id": ENTITY,
        "object": {"id": CONNECTION, "status": "disconnected"},
        "object_type": object_type,
        "webhook_subscription_id": "7e209570-afd5-4078-ac33-b8e7409fa790"
    })
}

#[tokio::test]
async fn a_monite_event_decodes_and_its_connection_is_fetched_as_its_entity() {
    let body = serde_json::to_vec(&monite_event("accounting_connection")).unwrap();
    let event = webhooks::monite::decode_unverified(&body).unwrap();
    assert_eq!(event.object_type, monite::types::WebhookObjectType::AccountingConnection);
    assert_eq!(webhooks::monite::object_id(&event), Some(CONNECTION.parse().unwrap()));

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/accounting_connections/{CONNECTION}")))
        .and(header("x-monite-entity-id", ENTITY))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": CONNECTION, "created_at": "2024-02-01T12:00:00Z", "updated_at": "2024-02-02T12:00:00Z",
            "connection_url": "https://link.codat.io/connect/abc", "errors": [], "platform": "xero", "status": "disconnected"
        })))
        .mount(&server)
        .await;
    let client = monite::Client::with_environment(monite::Environment::Custom(format!("{}/v1", server.uri())), Auth::bearer("t")).unwrap();
    let connection = webhooks::monite::fetch_accounting_connection(&client, &event).await.unwrap().unwrap();
    assert_eq!(connection.status, Some(monite::types::ConnectionStatus::Disconnected));
    // An event about another kind of object fetches nothing.
    let payable = webhooks::monite::decode_unverified(&serde_json::to_vec(&monite_event("payable")).unwrap()).unwrap();
    assert!(webhooks::monite::fetch_accounting_connection(&client, &payable).await.unwrap().is_none());
    assert_eq!(webhooks::monite::decode_unverified(b"{}").unwrap_err().kind(), WebhookErrorKind::NotAnEvent);
}

#[tokio::test]
async fn a_thin_layer_event_decodes_and_names_what_to_fetch() {
    let event = webhooks::layer::decode_unverified(br#"{"id": "evt_1", "type": "business.updated", "data": {"id": "biz_42"}}"#).unwrap();
    assert_eq!(event.type_, layer::types::WebhookEventType::BusinessUpdated);
    let server = MockServer::start().await;
    Mock::given(path("/v1/businesses/biz_42/quickbooks/connection-status"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {"is_connected": true}})))
        .mount(&server)
        .await;
    let client = layer::Client::with_environment(layer::Environment::Custom(server.uri()), Auth::bearer("t")).unwrap();
    let status = webhooks::layer::fetch_quickbooks_status(&client, &event).await.unwrap();
    assert!(status.is_some());
    let customer = webhooks::layer::decode_unverified(br#"{"id": "evt_2", "type": "customer.created", "data": {"id": "cus_1"}}"#).unwrap();
    assert!(webhooks::layer::fetch_quickbooks_status(&client, &customer).await.unwrap().is_none());
    let later = webhooks::layer::decode_unverified(br#"{"id": "evt_3", "type": "invoice.updated", "data": {"id": "inv_1"}}"#).unwrap();
    assert_eq!(later.type_.as_str(), "invoice.updated");
}
