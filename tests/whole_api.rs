//! Operations beyond the default surface, reached through tag features:
//! paging of both kinds generated from the normalizer's marks, typed error
//! bodies and the stand-ins serving the joined document. CI runs it with
//! `--features rebilly-invoices,monite-counterparts`.
#![cfg(all(feature = "rebilly-invoices", feature = "monite-counterparts", feature = "testing"))]

use accounting_sync::{monite, rebilly, testing, ErrorKind, Page};
use futures::{StreamExt, TryStreamExt};

#[tokio::test]
async fn rebilly_invoices_page_by_offset_with_the_typed_total() {
    let api = testing::rebilly().await;
    let invoices = testing::samples::<rebilly::types::Invoice>(5);
    let list = api.get_invoice_collection().filter("status:paid").times(3).pages_of(invoices.clone(), 2);
    let client = api.client();
    let pages: Vec<Page<rebilly::types::Invoice>> =
        client.get_invoice_collection().filter("status:paid").limit(2).pages().try_collect().await.unwrap();
    assert_eq!(pages.iter().map(|p| p.items.len()).collect::<Vec<_>>(), [2, 2, 1]);
    assert!(pages.iter().all(|p| p.total == Some(5)), "{:?}", pages.iter().map(|p| p.total).collect::<Vec<_>>());
    let offsets: Vec<Option<u64>> = list.received().iter().map(|r| r.param("offset")).collect();
    assert_eq!(offsets, [Some(0), Some(2), Some(4)]);
    let served: Vec<_> = pages.into_iter().flat_map(|p| p.items).collect();
    assert_eq!(served, invoices);
    api.verify();
}

#[tokio::test]
async fn monite_counterparts_page_by_cursor_and_stop_when_dropped() {
    let api = testing::monite().await;
    let counterparts = testing::samples::<monite::types::CounterpartResponse>(7);
    let list = api.get_counterparts().pages_of(counterparts.clone(), 3);
    let client = api.client();
    let items: Vec<monite::types::CounterpartResponse> = client.get_counterparts().items().try_collect().await.unwrap();
    assert_eq!(items, counterparts);
    let tokens: Vec<Option<String>> = list.received().iter().map(|r| r.param("pagination_token")).collect();
    assert_eq!(tokens, [None, Some("page-3".into()), Some("page-6".into())]);

    // Taking the first two items reads one page only.
    let before = list.calls();
    let first: Vec<_> = client.get_counterparts().items().take(2).try_collect().await.unwrap();
    assert_eq!(first, counterparts[..2]);
    assert_eq!(list.calls(), before + 1);
}

#[tokio::test]
async fn an_error_status_of_a_tag_operation_is_the_crate_error_with_the_typed_body() {
    let api = testing::rebilly().await;
    api.get_invoice().id("inv_missing").fail_status(404);
    let err = api.client().get_invoice().id("inv_missing").send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    let body = err.body::<rebilly::types::ErrorBody>().expect("problem details, typed");
    assert_eq!(body.status, Some(404));

    let api = testing::monite().await;
    let id = uuid::Uuid::from_u128(7);
    api.get_counterparts_id().counterpart_id(id).fail_status(404);
    let err = api.client().get_counterparts_id().counterpart_id(id).send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(err.body::<monite::types::ErrorBody>().is_some(), "{err:?}");
    assert!(!err.outcome_unknown());
}
