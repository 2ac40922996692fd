//! A local stand-in for the three APIs, on 127.0.0.1, answering the seed
//! operations the way the vendors' documents say they answer, and only when
//! the request carries what the real API needs (path, credentials, headers).

use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The credential the stand-in accepts for every API.
pub const SECRET: &str = "stand-in-secret";
pub const REBILLY_ORG: &str = "stand-in-org";
pub const REBILLY_CUSTOMER: &str = "cus_01HXA4Z7K9";
pub const LAYER_BUSINESS: &str = "c1a7b7d6-1d1e-4a5c-9f43-3f1c0c6b9f10";
pub const MONITE_ENTITY: &str = "9d2b4c8f-2087-4738-ba91-7359683c49a4";
pub const MONITE_RECORD: &str = "0e4d3c1b-6a5f-4e2d-9c8b-7a6f5e4d3c2b";

/// Starts the stand-in the first time an API needs it.
#[derive(Default)]
pub struct Lazy(Option<MockServer>);

impl Lazy {
    /// The stand-in's base URL (`http://127.0.0.1:<port>`).
    pub async fn url(&mut self) -> String {
        if self.0.is_none() {
            self.0 = Some(start().await);
        }
        self.0.as_ref().expect("started above").uri()
    }
}

async fn start() -> MockServer {
    let server = MockServer::start().await;
    let bearer = format!("Bearer {SECRET}");
    Mock::given(method("POST"))
        .and(path(format!("/organizations/{REBILLY_ORG}/customers/{REBILLY_CUSTOMER}/external-identifiers/quickbooks-online")))
        .and(header("REB-APIKEY", SECRET))
        .respond_with(ResponseTemplate::new(204).insert_header("X-RateLimit-Limit", "3000").insert_header("X-RateLimit-Remaining", "2999"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/v1/businesses/{LAYER_BUSINESS}/quickbooks/sync-from")))
        .and(header("Authorization", bearer.as_str()))
        .and(header("Content-Type", "application/json"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(include_str!("../../tests/fixtures/layer/sync_from.json"), "application/json"),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/v1/accounting_synced_records/{MONITE_RECORD}/push")))
        .and(header("Authorization", bearer.as_str()))
        .and(header("x-monite-version", "2024-05-25"))
        .and(header("x-monite-entity-id", MONITE_ENTITY))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(include_str!("../../tests/fixtures/monite/synced_record.json"), "application/json"),
        )
        .mount(&server)
        .await;
    server
}
