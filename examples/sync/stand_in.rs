//! The local stand-ins this example uses without credentials: the crate's
//! own (`accounting_sync::testing`), each answering its seed operation for
//! the seed record with the answer the vendor documents. Each request is
//! checked against the API's document, and each stand-in checks on drop
//! that its operation was called once.

use accounting_sync::testing::{self, layer::StandIn as Layer, monite::StandIn as Monite, rebilly::StandIn as Rebilly};
use accounting_sync::{layer, monite};

pub const REBILLY_CUSTOMER: &str = "cus_01HXA4Z7K9";
pub const LAYER_BUSINESS: &str = "c1a7b7d6-1d1e-4a5c-9f43-3f1c0c6b9f10";
pub const MONITE_RECORD: &str = "0e4d3c1b-6a5f-4e2d-9c8b-7a6f5e4d3c2b";

/// Rebilly: `PostExternalIdentifier` for the seed customer, 204 with its
/// rate-limit headers.
pub async fn rebilly() -> Rebilly {
    let api = testing::rebilly().await;
    api.post_external_identifier()
        .resource_id(REBILLY_CUSTOMER)
        .header("X-RateLimit-Limit", "3000")
        .header("X-RateLimit-Remaining", "2999")
        .times(1)
        .respond(());
    api
}

/// Layer: `business.quickbooks.sync-from.post` for the seed business
/// (behind the stand-in's OAuth token endpoint).
pub async fn layer() -> Layer {
    let api = testing::layer().await;
    let started: layer::types::EmptyResponseEnvelope =
        serde_json::from_str(include_str!("../../tests/fixtures/layer/sync_from.json")).expect("the fixture is Layer's answer");
    api.business_quickbooks_sync_from_post().business_id(LAYER_BUSINESS).times(1).respond(started);
    api
}

/// Monite: `post_accounting_synced_records_id_push` for the seed record, for
/// the stand-in's entity (behind its token endpoint).
pub async fn monite() -> Monite {
    let api = testing::monite().await;
    let record: monite::types::SyncRecordResource =
        serde_json::from_str(include_str!("../../tests/fixtures/monite/synced_record.json")).expect("the fixture is Monite's answer");
    api.post_accounting_synced_records_id_push()
        .synced_record_id(MONITE_RECORD.parse::<uuid::Uuid>().expect("a UUID"))
        .times(1)
        .respond(record);
    api
}
