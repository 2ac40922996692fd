//! The `testing` feature's stand-ins, used as a downstream crate would:
//! the scenarios of issue 22 per vendor, strict mode, and the stand-in's own
//! bookkeeping (unmatched requests, call counts).
#![cfg(all(feature = "testing", feature = "rebilly", feature = "layer", feature = "monite"))]

use accounting_sync::rebilly::types::{ExternalIdentifier, ExternalIdentifierResource as Resource, ExternalIdentifierService as Service};
use accounting_sync::testing::{self, sample, samples};
use accounting_sync::{layer, monite, ErrorKind};
use futures::TryStreamExt;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

const BUSINESS: &str = "c1a7b7d6-1d1e-4a5c-9f43-3f1c0c6b9f10";

#[tokio::test]
async fn rebilly_three_pages_are_all_read_with_the_typed_total() {
    let api = testing::rebilly().await;
    let list = api.get_external_identifier_collection().pages_of(samples::<ExternalIdentifier>(5), 2);
    let pages: Vec<_> = api.client().get_external_identifier_collection().pages().try_collect().await.unwrap();
    assert_eq!(pages.iter().map(|p| p.items.len()).collect::<Vec<_>>(), [2, 2, 1]);
    assert!(pages.iter().all(|p| p.total == Some(5)));
    let offsets: Vec<Option<u64>> = list.received().iter().map(|r| r.param("offset")).collect();
    assert_eq!(offsets, [Some(0), Some(2), Some(4)]);
}

#[tokio::test]
async fn rebilly_a_post_that_got_a_503_is_sent_once() {
    let api = testing::rebilly().await;
    let post = api.post_external_identifier().resource(Resource::Customers).resource_id("cus_1").fail_status(503);
    let sent = api
        .client()
        .post_external_identifier()
        .resource(Resource::Customers)
        .resource_id("cus_1")
        .service(Service::QuickbooksOnline)
        .send()
        .await;
    let error = sent.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(post.calls(), 1);
    assert_eq!(post.received()[0].param::<Service>("service"), Some(Service::QuickbooksOnline));
}

#[tokio::test]
async fn rebilly_a_429_then_success_is_one_call_for_the_caller() {
    let api = testing::rebilly().await;
    let link: ExternalIdentifier = sample();
    let put = api.put_external_identifier().resource_id("cus_9").body(link.clone()).times(1).respond(link.clone());
    api.rate_limit_next(Duration::ZERO);
    let got = api
        .client()
        .put_external_identifier()
        .resource(Resource::Customers)
        .resource_id("cus_9")
        .service(Service::QuickbooksOnline)
        .body(link.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), link);
    // The 429 was answered before any expectation: the PUT saw one call.
    assert_eq!(api.requests().len(), 2);
    assert_eq!(put.received()[0].body.as_ref(), Some(&link));
}

#[tokio::test]
async fn strict_mode_fails_a_request_the_real_api_would_refuse() {
    let api = testing::rebilly().await;
    api.get_external_identifier_collection().respond(vec![]);
    let sent = api.client().get_external_identifier_collection().limit(5000).send().await;
    let error = sent.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Validation);
    let failures = api.take_failures();
    assert_eq!(failures.len(), 1, "{failures:?}");
    let failure = &failures[0];
    for part in ["get_external_identifier_collection", "query parameter `limit`", "5000", "rule: maximum"] {
        assert!(failure.contains(part), "{failure}");
    }
    // Relaxed, the same request is answered.
    api.relaxed();
    api.client().get_external_identifier_collection().limit(5000).send().await.unwrap();
}

#[tokio::test]
async fn an_unmatched_request_and_an_unmet_count_fail_the_test() {
    let api = testing::rebilly().await;
    let _never = api.delete_external_identifier().times(1).respond(());
    let sent = api
        .client()
        .get_external_identifier()
        .resource(Resource::Invoices)
        .resource_id("in_1")
        .service(Service::QuickbooksOnline)
        .send()
        .await;
    assert!(sent.is_err());
    let verdict = std::panic::catch_unwind(AssertUnwindSafe(|| api.verify())).unwrap_err();
    let message = verdict.downcast_ref::<String>().unwrap();
    assert!(message.contains("no expectation matches get_external_identifier"), "{message}");
    assert!(message.contains("delete_external_identifier: expected 1 call(s), got 0"), "{message}");
    api.take_failures();
    std::mem::forget(api); // its drop would panic again on the unmet count
}

#[tokio::test]
async fn layer_token_expiring_mid_run_and_a_429() {
    let api = testing::layer().await;
    let status: layer::types::QuickbooksConnectionStatusEnvelope = sample();
    let answered = api.business_quickbooks_connection_status_get().business_id(BUSINESS).respond(status.clone());
    api.rate_limit_next(Duration::ZERO).expire_token_after(1);
    let client = api.client();
    for _ in 0..3 {
        let got = client.business_quickbooks_connection_status_get().business_id(BUSINESS).send().await.unwrap();
        assert_eq!(got.into_inner(), status);
    }
    assert_eq!(answered.calls(), 3);
    assert_eq!(api.tokens_issued(), 2);
    // 429, answered, 401 (expired), answered, answered.
    assert_eq!(api.requests().len(), 5);
}

#[tokio::test]
async fn layer_a_dropped_connection_on_a_get_is_retried() {
    let api = testing::layer().await;
    let config: layer::types::QuickbooksConfigurationResponseEnvelope = sample();
    let first = api.configure_quickbooks_get().up_to(1).drop_connection();
    let then = api.configure_quickbooks_get().respond(config.clone());
    let got = api.client().configure_quickbooks_get().send().await.unwrap();
    assert_eq!(got.into_inner(), config);
    assert_eq!((first.calls(), then.calls()), (1, 1));
}

#[tokio::test]
async fn layer_a_typed_vendor_error_reaches_the_caller() {
    let api = testing::layer().await;
    let mut body: layer::types::ApiErrorEnvelope = sample();
    body.errors[0].type_ = layer::types::ApiErrorType::ResourceNotFound;
    body.errors[0].description = "no such business".into();
    api.business_quickbooks_sync_from_post().fail(404, body);
    let sent = api
        .client()
        .business_quickbooks_sync_from_post()
        .business_id(BUSINESS)
        .body(layer::types::QuickbooksSyncFromParams { quickbooks_realm_ids: vec![] })
        .send()
        .await;
    let error = sent.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound);
    assert!(error.to_string().contains("no such business"), "{error}");
}

#[tokio::test]
async fn monite_pages_by_cursor_behind_a_token_and_the_entity_header() {
    let api = testing::monite().await;
    let list = api
        .get_accounting_synced_records()
        .object_type(monite::types::ObjectMatchTypes::Receivable)
        .pages_of(samples::<monite::types::SyncRecordResource>(7), 3);
    let records: Vec<_> = api
        .client()
        .get_accounting_synced_records()
        .object_type(monite::types::ObjectMatchTypes::Receivable)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(records.len(), 7);
    let tokens: Vec<Option<String>> = list.received().iter().map(|r| r.param("pagination_token")).collect();
    assert_eq!(tokens, [None, Some("page-3".into()), Some("page-6".into())]);
    assert!(list.received().iter().all(|r| r.header("x-monite-entity-id") == Some(testing::monite::ENTITY)));
    assert_eq!(api.tokens_issued(), 1);
}

#[tokio::test]
async fn monite_a_call_without_the_entity_is_refused_before_it_is_sent() {
    let api = testing::monite().await;
    api.get_accounting_connections().list_of(vec![]);
    let error = api.partner_client().get_accounting_connections().send().await.unwrap_err();
    assert!(error.to_string().contains("x-monite-entity-id"), "{error}");
    assert!(api.requests().is_empty());
    // With the entity, the same call is answered.
    let list = api.client().get_accounting_connections().send().await.unwrap();
    assert!(list.data.is_empty());
}

#[tokio::test]
async fn strict_mode_names_the_body_field_and_its_format() {
    let api = testing::layer().await;
    let mut config: layer::types::QuickbooksConfigurationInput = sample();
    config.redirect_url = Some("/quickbooks/callback".into()); // relative: not a URI
    api.configure_quickbooks_put().respond(sample());
    let sent = api.client().configure_quickbooks_put().body(config).send().await;
    assert_eq!(sent.unwrap_err().kind(), ErrorKind::Validation);
    let failures = api.take_failures();
    assert_eq!(failures.len(), 1, "{failures:?}");
    for part in ["configure_quickbooks_put", "body at /redirect_url", "\"/quickbooks/callback\" is not a \"uri\"", "rule: format"] {
        assert!(failures[0].contains(part), "{}", failures[0]);
    }
}

#[tokio::test]
async fn strict_mode_refuses_an_answer_the_real_api_would_not_send() {
    let api = testing::layer().await;
    let mut config: layer::types::QuickbooksConfigurationResponseEnvelope = sample();
    config.data.redirect_url = Some("/callback".into());
    api.configure_quickbooks_get().respond(config);
    let failures = api.take_failures();
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert!(failures[0].contains("configure_quickbooks_get: answer 200 at /data/redirect_url"), "{}", failures[0]);
}

#[tokio::test]
async fn a_slow_answer_runs_into_the_clients_timeout() {
    let api = testing::monite().await;
    let record: monite::types::SyncRecordResource = sample();
    // A push (POST) that timed out is not sent again: one call, a Timeout.
    let push = api.post_accounting_synced_records_id_push().delay(Duration::from_millis(500)).respond(record.clone());
    let settings = accounting_sync::Settings { request_timeout: Duration::from_millis(100), ..testing::settings() };
    let sent = api.client_with_settings(&settings).post_accounting_synced_records_id_push().synced_record_id(record.id).send().await;
    assert_eq!(sent.unwrap_err().kind(), ErrorKind::Timeout);
    assert_eq!(push.calls(), 1);
}

#[tokio::test]
async fn a_dropped_connection_on_a_post_is_not_sent_again() {
    let api = testing::monite().await;
    api.drop_next();
    let sync = api.post_accounting_connections_id_sync().times(0).fail_status(500);
    let sent = api.client().post_accounting_connections_id_sync().connection_id(uuid::Uuid::nil()).send().await;
    assert!(sent.is_err());
    assert_eq!((api.requests().len(), sync.calls()), (1, 0));
}

/// Strict mode has no false alarms on what the client sends: every query
/// parameter of Monite's synced-record list (lists, dates, enums) passes,
/// and a typed matcher on each of them matches.
#[tokio::test]
async fn every_filter_the_client_sends_passes_strict_mode() {
    use monite::types::{ObjectMatchTypes, OrderEnum, SyncRecordCursorFields};
    let api = testing::monite().await;
    let at = |s: &str| s.parse::<accounting_sync::chrono::DateTime<accounting_sync::chrono::Utc>>().unwrap();
    let ids = vec![uuid::Uuid::from_u128(1), uuid::Uuid::from_u128(2)];
    let limit = std::num::NonZeroU64::new(50).unwrap();
    let list = api
        .get_accounting_synced_records()
        .object_type(ObjectMatchTypes::Bill)
        .order(OrderEnum::Desc)
        .limit(limit)
        .sort(SyncRecordCursorFields::UpdatedAt)
        .object_id_in(ids.clone())
        .created_at_gt(at("2024-01-01T00:00:00Z"))
        .times(1)
        .respond(sample());
    api.client()
        .get_accounting_synced_records()
        .object_type(ObjectMatchTypes::Bill)
        .order(OrderEnum::Desc)
        .limit(limit)
        .pagination_token("tok")
        .sort(SyncRecordCursorFields::UpdatedAt)
        .object_id(uuid::Uuid::from_u128(3))
        .object_id_in(ids)
        .created_at_gt(at("2024-01-01T00:00:00Z"))
        .updated_at_lte(at("2024-03-31T00:00:00Z"))
        .send()
        .await
        .unwrap();
    assert_eq!(list.received()[0].param::<ObjectMatchTypes>("object_type"), Some(ObjectMatchTypes::Bill));
}

#[tokio::test]
async fn another_entitys_data_is_forbidden() {
    let api = testing::monite().await;
    let other = api.client().for_entity(uuid::Uuid::from_u128(7));
    let sent = other.get_accounting_connections().send().await;
    assert_eq!(sent.unwrap_err().kind(), ErrorKind::Forbidden);
    assert_eq!(api.requests()[0].header("x-monite-entity-id"), Some("00000000-0000-0000-0000-000000000007"));
}

#[tokio::test]
async fn monite_token_expiring_mid_run_is_fetched_again_once() {
    let api = testing::monite().await;
    let record: monite::types::SyncRecordResource = sample();
    let get = api.get_accounting_synced_records_id().synced_record_id(record.id).times(2).respond(record.clone());
    let client = api.client();
    client.get_accounting_synced_records_id().synced_record_id(record.id).send().await.unwrap();
    api.expire_token();
    client.get_accounting_synced_records_id().synced_record_id(record.id).send().await.unwrap();
    assert_eq!((get.calls(), api.tokens_issued()), (2, 2));
    assert_eq!(api.requests().len(), 3, "answered, 401, answered");
}
