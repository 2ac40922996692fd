//! Lists as streams, against real servers on loopback (the `testing`
//! stand-ins, and wiremock for servers that misbehave): several pages, an
//! empty list, an error mid-stream, stopping early, tokens inside a stream,
//! and servers that would make a stream loop.
#![cfg(all(feature = "rebilly", feature = "monite", feature = "testing"))]

mod common;

use accounting_sync::{layer, monite, rebilly, testing, Auth, ErrorKind, RetryPolicy, Settings};
use common::monite::{monite_client, record};
use common::*;
use futures::{StreamExt, TryStreamExt};
use serde_json::{json, Value};
use std::time::Duration;
use wiremock::matchers::{path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn settings() -> Settings {
    Settings { retry: RetryPolicy { base_delay: Duration::from_millis(5), ..RetryPolicy::default() }, ..Settings::default() }
}

fn rebilly_client(server: &MockServer) -> rebilly::Client {
    rebilly::Client::with_settings(rebilly::Environment::Custom(server.uri()), "org-test", rebilly::api_key("sk_paging_key"), &settings())
        .unwrap()
}

/// An external identifier numbered `n`.
fn identifier(n: u64) -> Value {
    let mut v = fixture(include_str!("fixtures/rebilly/external_identifier.json"));
    v["resourceId"] = json!(format!("cus_{n}"));
    v["externalIdentifier"] = json!(format!("QBO-{n}"));
    v
}

/// `n` links as `testing::samples` makes them, numbered in their external
/// identifiers (`QBO-0`…).
fn links(n: usize) -> Vec<rebilly::types::ExternalIdentifier> {
    let mut links = testing::samples::<rebilly::types::ExternalIdentifier>(n);
    for (i, link) in links.iter_mut().enumerate() {
        link.external_identifier = format!("QBO-{i}");
    }
    links
}

#[tokio::test]
async fn rebilly_pages_by_offset_with_the_typed_total() {
    let api = testing::rebilly().await;
    // The builder's filter and limit go with every page: all three match.
    let filtered = api.get_external_identifier_collection().filter("service:quickbooks-online").limit(2).times(3).pages_of(links(5), 2);
    api.get_external_identifier_collection().pages_of(links(5), 2);
    let client = api.client();
    let pages: Vec<accounting_sync::Page<rebilly::types::ExternalIdentifier>> =
        client.get_external_identifier_collection().limit(2).filter("service:quickbooks-online").pages().try_collect().await.unwrap();
    assert_eq!(pages.iter().map(|p| p.items.len()).collect::<Vec<_>>(), [2, 2, 1]);
    assert!(pages.iter().all(|p| p.total == Some(5)));
    let offsets: Vec<Option<u64>> = filtered.received().iter().map(|r| r.param("offset")).collect();
    assert_eq!(offsets, [Some(0), Some(2), Some(4)]);

    let items: Vec<String> =
        client.get_external_identifier_collection().limit(2).items().map_ok(|i| i.external_identifier).try_collect().await.unwrap();
    assert_eq!(items, ["QBO-0", "QBO-1", "QBO-2", "QBO-3", "QBO-4"]);
}

#[tokio::test]
async fn an_empty_list_is_one_empty_page_and_no_items() {
    let api = testing::rebilly().await;
    let list = api.get_external_identifier_collection().times(2).pages_of(vec![], 10);
    let client = api.client();
    let pages: Vec<_> = client.get_external_identifier_collection().pages().try_collect().await.unwrap();
    assert_eq!(pages.len(), 1);
    assert!(pages[0].items.is_empty() && pages[0].total == Some(0));
    let items: Vec<_> = client.get_external_identifier_collection().items().try_collect().await.unwrap();
    assert!(items.is_empty());
    assert_eq!(list.calls(), 2);
}

#[tokio::test]
async fn stopping_early_makes_no_further_calls() {
    let api = testing::rebilly().await;
    let list = api.get_external_identifier_collection().pages_of(links(100), 2);
    let first_three: Vec<_> = api.client().get_external_identifier_collection().limit(2).items().take(3).try_collect().await.unwrap();
    assert_eq!(first_three.len(), 3);
    let offsets: Vec<Option<u64>> = list.received().iter().map(|r| r.param("offset")).collect();
    assert_eq!(offsets, [Some(0), Some(2)]);
}

#[tokio::test]
async fn an_error_mid_stream_is_yielded_once_and_ends_the_stream() {
    let server = MockServer::start().await;
    Mock::given(query_param("offset", "2"))
        .respond_with(
            ResponseTemplate::new(403).set_body_json(json!({"title": "Forbidden", "status": 403, "detail": "no access to page 2"})),
        )
        .mount(&server)
        .await;
    Mock::given(query_param("offset", "0"))
        .respond_with(ResponseTemplate::new(200).insert_header("Pagination-Limit", "2").set_body_json(vec![identifier(0), identifier(1)]))
        .mount(&server)
        .await;
    let results: Vec<_> = rebilly_client(&server).get_external_identifier_collection().limit(2).items().collect().await;
    assert_eq!(results.len(), 3, "{results:?}");
    assert!(results[0].is_ok() && results[1].is_ok());
    let err = results[2].as_ref().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    assert_eq!(err.message(), Some("no access to page 2"));
}

#[tokio::test]
async fn monite_pages_by_cursor_with_one_token_for_the_whole_stream() {
    let api = testing::monite().await;
    let kind = monite::types::ObjectMatchTypes::Receivable;
    // Monite asks for `limit` again with each token: every page matches it.
    let samples = testing::samples::<monite::types::SyncRecordResource>(6);
    let list = api.get_accounting_synced_records().object_type(kind.clone()).limit(2).times(3).pages_of(samples, 2);
    let records: Vec<_> = api.client().get_accounting_synced_records().limit(2).object_type(kind).items().try_collect().await.unwrap();
    assert_eq!(records.len(), 6);
    assert_eq!(api.tokens_issued(), 1, "one token serves every page");
    // The stand-in checked the bearer token and the entity header of each.
    assert!(list.received().iter().all(|r| r.header("x-monite-entity-id") == Some(testing::monite::ENTITY)));
}

#[tokio::test]
async fn a_cursor_that_repeats_ends_the_stream_with_an_error() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/accounting_synced_records"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [record()], "next_pagination_token": "same"})))
        .mount(&server)
        .await;
    let client = monite_client(&server.uri(), Auth::bearer("t"), &settings());
    let results: Vec<_> = client.get_accounting_synced_records().object_type(monite::types::ObjectMatchTypes::Bill).items().collect().await;
    // Page 1's item (next: "same"), then page 2 answers "same" again: an
    // error instead of its items, and no third call.
    assert_eq!(results.len(), 2, "{results:?}");
    assert!(results[0].is_ok());
    assert_eq!(results[1].as_ref().unwrap_err().kind(), ErrorKind::Unexpected);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn layer_pages_by_cursor_until_has_more_is_false() {
    let api = testing::layer().await;
    let business = "00000000-0000-0000-0000-00000000002a";
    let bills = testing::samples::<layer::types::Bill>(5);
    let list = api.business_bills_get().business_id(business).pages_of(bills.clone(), 2);
    let client = api.client();
    let pages: Vec<accounting_sync::Page<layer::types::Bill>> =
        client.business_bills_get().business_id(business).pages().try_collect().await.unwrap();
    assert_eq!(pages.iter().map(|p| p.items.len()).collect::<Vec<_>>(), [2, 2, 1]);
    assert_eq!(pages.into_iter().flat_map(|p| p.items).collect::<Vec<_>>(), bills);
    // The cursor of each page's `meta.pagination` asks for the next; the
    // last page says `has_more: false` and nothing more is asked.
    let cursors: Vec<Option<String>> = list.received().iter().map(|r| r.param("cursor")).collect();
    assert_eq!(cursors, [None, Some("page-2".into()), Some("page-4".into())]);
}

#[tokio::test]
async fn a_layer_page_with_has_more_false_ends_the_list_even_with_a_cursor() {
    let server = MockServer::start().await;
    let page = json!({"data": [], "meta": {"pagination": {"cursor": "c-2", "has_more": false}}});
    Mock::given(path("/v1/businesses/00000000-0000-0000-0000-00000000002a/bills"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page))
        .mount(&server)
        .await;
    let client = layer::Client::with_settings(layer::Environment::Custom(server.uri()), Auth::bearer("t"), &settings()).unwrap();
    let pages: Vec<_> =
        client.business_bills_get().business_id("00000000-0000-0000-0000-00000000002a").pages().try_collect().await.unwrap();
    assert_eq!(pages.len(), 1);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}
