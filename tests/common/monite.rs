//! One Monite synced record behind client credentials: the fixture most
//! facade and secrecy tests run against.

use super::fixture;
use accounting_sync::{monite, Auth, Error, Settings};
use serde_json::{json, Value};

/// The entity every Monite call acts for.
pub const ENTITY: &str = "9d2b4c8f-2087-4738-ba91-7359683c49a4";
/// The synced record fetched and pushed.
pub const RECORD: &str = "0e4d3c1b-6a5f-4e2d-9c8b-7a6f5e4d3c2b";
/// A client secret that must show nowhere.
pub const SECRET: &str = "client-secret-that-must-never-leak";

/// A Monite client for the server at `base` (paths under `/v1`), acting for [`ENTITY`].
pub fn monite_client(base: &str, auth: Auth, settings: &Settings) -> monite::Client {
    monite::Client::with_settings(monite::Environment::Custom(format!("{base}/v1")), auth, settings)
        .unwrap()
        .for_entity(ENTITY.parse().unwrap())
}

/// `GET /accounting/synced_records/{RECORD}`.
pub async fn get_record(client: &monite::Client) -> Result<monite::ResponseValue<monite::types::SyncRecordResource>, Error> {
    client.get_accounting_synced_records_id().synced_record_id(RECORD.parse::<uuid::Uuid>().unwrap()).send().await
}

/// `POST /accounting/synced_records/{RECORD}/push`.
pub async fn push_record(client: &monite::Client) -> Result<monite::ResponseValue<monite::types::SyncRecordResource>, Error> {
    client.post_accounting_synced_records_id_push().synced_record_id(RECORD.parse::<uuid::Uuid>().unwrap()).send().await
}

/// The synced record, as the server sends it.
pub fn record() -> Value {
    fixture(include_str!("../fixtures/monite/synced_record.json"))
}

/// A token endpoint's answer.
pub fn token_body(token: &str, expires_in: Value) -> Value {
    json!({"access_token": token, "expires_in": expires_in, "token_type": "Bearer"})
}
