//! Lists as streams, against real servers on loopback: several pages, an
//! empty list, an error mid-stream, stopping early, tokens inside a stream,
//! and servers that would make a stream loop.
#![cfg(all(feature = "rebilly", feature = "monite"))]

mod common;

use accounting_sync::{monite, rebilly, Auth, ErrorKind, RetryPolicy, Settings};
use common::monite::{monite_client, record, token_body, ENTITY, SECRET};
use common::*;
use futures::{StreamExt, TryStreamExt};
use serde_json::{json, Value};
use std::time::Duration;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

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

/// A Rebilly collection of `total` identifiers served `limit` at a time, with
/// the Pagination-* headers Rebilly sends.
async fn rebilly_list(total: u64, limit: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/organizations/org-test/external-identifiers"))
        .respond_with(move |r: &Request| {
            let offset: u64 = r.url.query_pairs().find(|(k, _)| k == "offset").map_or(0, |(_, v)| v.parse().unwrap());
            let items: Vec<Value> = (offset..total.min(offset + limit)).map(identifier).collect();
            ResponseTemplate::new(200)
                .insert_header("Pagination-Total", total.to_string().as_str())
                .insert_header("Pagination-Limit", limit.to_string().as_str())
                .insert_header("Pagination-Offset", offset.to_string().as_str())
                .set_body_json(items)
        })
        .mount(&server)
        .await;
    server
}

fn offsets(requests: &[Request]) -> Vec<String> {
    requests.iter().map(|r| r.url.query_pairs().find(|(k, _)| k == "offset").map(|(_, v)| v.into_owned()).unwrap_or_default()).collect()
}

#[tokio::test]
async fn rebilly_pages_by_offset_with_the_typed_total() {
    let server = rebilly_list(5, 2).await;
    let client = rebilly_client(&server);
    let pages: Vec<accounting_sync::Page<rebilly::types::ExternalIdentifier>> =
        client.get_external_identifier_collection().limit(2).filter("service:quickbooks-online").pages().try_collect().await.unwrap();
    assert_eq!(pages.iter().map(|p| p.items.len()).collect::<Vec<_>>(), [2, 2, 1]);
    assert!(pages.iter().all(|p| p.total == Some(5)));
    let requests = server.received_requests().await.unwrap();
    assert_eq!(offsets(&requests), ["0", "2", "4"]);
    // The builder's filter and limit go with every page.
    assert!(requests.iter().all(|r| query(r).contains(&("filter".into(), "service:quickbooks-online".into()))));
    assert!(requests.iter().all(|r| query(r).contains(&("limit".into(), "2".into()))));

    let items: Vec<String> =
        client.get_external_identifier_collection().limit(2).items().map_ok(|i| i.external_identifier).try_collect().await.unwrap();
    assert_eq!(items, ["QBO-0", "QBO-1", "QBO-2", "QBO-3", "QBO-4"]);
}

#[tokio::test]
async fn an_empty_list_is_one_empty_page_and_no_items() {
    let server = rebilly_list(0, 10).await;
    let client = rebilly_client(&server);
    let pages: Vec<_> = client.get_external_identifier_collection().pages().try_collect().await.unwrap();
    assert_eq!(pages.len(), 1);
    assert!(pages[0].items.is_empty() && pages[0].total == Some(0));
    let items: Vec<_> = client.get_external_identifier_collection().items().try_collect().await.unwrap();
    assert!(items.is_empty());
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn stopping_early_makes_no_further_calls() {
    let server = rebilly_list(100, 2).await;
    let first_three: Vec<_> =
        rebilly_client(&server).get_external_identifier_collection().limit(2).items().take(3).try_collect().await.unwrap();
    assert_eq!(first_three.len(), 3);
    assert_eq!(offsets(&server.received_requests().await.unwrap()), ["0", "2"]);
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
    let server = MockServer::start().await;
    Mock::given(path("/v1/auth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body("paging-token", json!(3600))))
        .mount(&server)
        .await;
    let page = |n: u64, next: Option<&str>| {
        let mut r = record();
        r["object_id"] = json!(format!("0e4d3c1b-6a5f-4e2d-9c8b-7a6f5e4d3c2{n}"));
        json!({"data": [r.clone(), r], "next_pagination_token": next, "prev_pagination_token": null})
    };
    let list = || Mock::given(method("GET")).and(path("/v1/accounting_synced_records"));
    list()
        .and(query_param_is_missing("pagination_token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(1, Some("p2"))))
        .mount(&server)
        .await;
    list()
        .and(query_param("pagination_token", "p2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(2, Some("p3"))))
        .mount(&server)
        .await;
    list()
        .and(query_param("pagination_token", "p3"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(3, None)))
        .mount(&server)
        .await;
    let client = monite_client(&server.uri(), monite::client_credentials("paging-client", SECRET), &settings());
    let records: Vec<_> = client
        .get_accounting_synced_records()
        .limit(2)
        .object_type(monite::types::ObjectMatchTypes::Receivable)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(records.len(), 6);
    let requests = server.received_requests().await.unwrap();
    let token_requests = requests.iter().filter(|r| r.url.path() == "/v1/auth/token").count();
    assert_eq!(token_requests, 1, "one token serves every page");
    let lists: Vec<&Request> = requests.iter().filter(|r| r.url.path() == "/v1/accounting_synced_records").collect();
    assert_eq!(lists.len(), 3);
    for r in &lists {
        // Monite asks for `limit` again with each token; the entity header too.
        assert!(query(r).contains(&("limit".into(), "2".into())), "{:?}", query(r));
        assert_eq!(header(r, "x-monite-entity-id"), Some(ENTITY));
        assert_eq!(header(r, "authorization"), Some("Bearer paging-token"));
    }
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
