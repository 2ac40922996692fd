//! Path parameters: every value stays one segment; a value that would change
//! the path is refused before anything is sent.
//!
//! One of the hostile_* files: a hostile or broken server cannot hurt the
//! caller. Every test talks to a real server on loopback: wiremock, or a raw
//! TCP server (tests/common/hostile.rs) where a server must misbehave below
//! HTTP.
#![cfg(all(feature = "rebilly", feature = "layer", feature = "monite"))]

mod common;

use accounting_sync::{layer, rebilly, Auth, ErrorKind, RetryPolicy, Settings};
use common::hostile::*;
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Values that would change the path: refused before anything is sent.
const PATH_CHANGERS: &[&str] = &[".", "..", "a/b", "a\\b", "..\\..\\admin", "x\u{1}y", "tab\tx", "", "../admin"];
/// Values that are unusual but stay one segment: sent, and the server sees them whole.
const ONE_SEGMENT: &[&str] = &["a.b", "...", "x..y", "cus 01", "50%", "é-ü", "a?b#c", "@me~"];

type PathCall = Box<dyn Fn(String) -> Call + Send + Sync>;

/// One call per (method, path template, parameter) of the three documents
/// whose value is a free string; the other parameters get ordinary values.
fn string_path_calls(base: &str) -> Vec<(&'static str, &'static str, &'static str, PathCall)> {
    let s = Settings { retry: RetryPolicy::none(), ..settings() };
    let r = rebilly_client(base, rebilly::api_key(API_KEY), &s);
    let l = layer_client(base, Auth::bearer("layer-token-0123"), &s);
    use rebilly::types::{ExternalIdentifier, ExternalIdentifierResource as R, ExternalIdentifierService as S};
    const REB: &str = "/{resource}/{resourceId}/external-identifiers/{service}";
    let mut calls: Vec<(&'static str, &'static str, &'static str, PathCall)> = Vec::new();
    macro_rules! call {
        ($method:literal, $path:expr, $param:literal, $client:ident, |$c:ident, $v:ident| $body:expr) => {{
            let $client = $client.clone();
            calls.push((
                $method,
                $path,
                $param,
                Box::new(move |$v: String| {
                    let $c = $client.clone();
                    Box::pin(async move {
                        $body.await?;
                        Ok(())
                    })
                }),
            ));
        }};
    }
    call!("get", REB, "resourceId", r, |c, v| c
        .get_external_identifier()
        .resource(R::Customers)
        .resource_id(v)
        .service(S::QuickbooksOnline)
        .send());
    call!("post", REB, "resourceId", r, |c, v| c
        .post_external_identifier()
        .resource(R::Customers)
        .resource_id(v)
        .service(S::QuickbooksOnline)
        .send());
    call!("put", REB, "resourceId", r, |c, v| c
        .put_external_identifier()
        .resource(R::Customers)
        .resource_id(v)
        .service(S::QuickbooksOnline)
        .body(ExternalIdentifier::builder().external_identifier("q"))
        .send());
    call!("delete", REB, "resourceId", r, |c, v| c
        .delete_external_identifier()
        .resource(R::Customers)
        .resource_id(v)
        .service(S::QuickbooksOnline)
        .send());
    call!("post", "/v1/businesses/{businessId}/quickbooks/sync-from", "businessId", l, |c, v| c
        .business_quickbooks_sync_from_post()
        .business_id(v)
        .send());
    call!("get", "/v1/businesses/{businessId}/quickbooks/connection-status", "businessId", l, |c, v| c
        .business_quickbooks_connection_status_get()
        .business_id(v)
        .send());
    call!("post", "/v1/businesses/{businessId}/quickbooks/authorize", "businessId", l, |c, v| c
        .business_quickbooks_authorize_post()
        .business_id(v)
        .send());
    call!("get", "/v1/businesses/{businessId}/quickbooks/ledger/accounts", "businessId", l, |c, v| c
        .business_quickbooks_ledger_accounts_get()
        .business_id(v)
        .send());
    // Two parameters: the one under test takes the value, the other an ordinary one.
    const ACCOUNT: &str = "/v1/businesses/{businessId}/quickbooks/ledger/accounts/{accountId}";
    const MAPPING: &str = "/v1/businesses/{businessId}/quickbooks/ledger/accounts/{accountId}/update-mapping";
    let mapping = || layer::types::UpdateQuickbooksLocalLedgerAccountMappingRequest { local_ledger_account_identifier: None };
    call!("get", ACCOUNT, "businessId", l, |c, v| c
        .business_quickbooks_ledger_accounts_get_by_account_id()
        .business_id(v)
        .account_id("acc_1")
        .send());
    call!("get", ACCOUNT, "accountId", l, |c, v| c
        .business_quickbooks_ledger_accounts_get_by_account_id()
        .business_id(BUSINESS)
        .account_id(v)
        .send());
    call!("post", MAPPING, "businessId", l, |c, v| c
        .business_quickbooks_ledger_accounts_update_mapping_post()
        .business_id(v)
        .account_id("acc_1")
        .body(mapping())
        .send());
    call!("post", MAPPING, "accountId", l, |c, v| c
        .business_quickbooks_ledger_accounts_update_mapping_post()
        .business_id(BUSINESS)
        .account_id(v)
        .body(mapping())
        .send());
    // The accounting operations: every string path parameter of each.
    let day = || "2026-11-30T00:00:00Z".parse::<chrono::DateTime<chrono::Utc>>().unwrap();
    call!("get", "/v1/businesses/{businessId}", "businessId", l, |c, v| c.business_get().business_id(v).send());
    call!("get", "/v1/businesses/{businessId}/customers", "businessId", l, |c, v| c.business_customers_get().business_id(v).send());
    call!("post", "/v1/businesses/{businessId}/customers", "businessId", l, |c, v| c
        .business_customers_post()
        .business_id(v)
        .body(layer::types::NewCustomer::builder())
        .send());
    call!("get", "/v1/businesses/{businessId}/customers/{customerId}", "businessId", l, |c, v| c
        .business_customers_get_by_customer_id()
        .business_id(v)
        .customer_id("id_1")
        .send());
    call!("get", "/v1/businesses/{businessId}/customers/{customerId}", "customerId", l, |c, v| c
        .business_customers_get_by_customer_id()
        .business_id(BUSINESS)
        .customer_id(v)
        .send());
    call!("get", "/v1/businesses/{businessId}/vendors", "businessId", l, |c, v| c.business_vendors_get().business_id(v).send());
    call!("get", "/v1/businesses/{businessId}/vendors/{vendorId}", "businessId", l, |c, v| c
        .business_vendors_get_by_vendor_id()
        .business_id(v)
        .vendor_id(uuid::Uuid::nil())
        .send());
    call!("get", "/v1/businesses/{businessId}/invoices", "businessId", l, |c, v| c.business_invoices_get().business_id(v).send());
    call!("post", "/v1/businesses/{businessId}/invoices", "businessId", l, |c, v| c
        .business_invoices_post()
        .business_id(v)
        .body(
            serde_json::from_value::<layer::types::NewInvoice>(
                json!({"external_id": "i", "sent_at": "2026-11-30T00:00:00Z", "line_items": []})
            )
            .unwrap()
        )
        .send());
    call!("get", "/v1/businesses/{businessId}/invoices/{invoiceId}", "businessId", l, |c, v| c
        .business_invoices_get_by_invoice_id()
        .business_id(v)
        .invoice_id("id_1")
        .send());
    call!("get", "/v1/businesses/{businessId}/invoices/{invoiceId}", "invoiceId", l, |c, v| c
        .business_invoices_get_by_invoice_id()
        .business_id(BUSINESS)
        .invoice_id(v)
        .send());
    call!("get", "/v1/businesses/{businessId}/invoices/payments", "businessId", l, |c, v| c
        .business_invoices_payments_get()
        .business_id(v)
        .send());
    call!("post", "/v1/businesses/{businessId}/invoices/payments", "businessId", l, |c, v| c
        .business_invoices_payments_post()
        .business_id(v)
        .body(
            serde_json::from_value::<layer::types::NewInvoicePayment>(
                json!({"paid_at": "2026-11-30T00:00:00Z", "method": "CASH", "fee": 0, "amount": 1, "invoice_payments": []})
            )
            .unwrap()
        )
        .send());
    call!("get", "/v1/businesses/{businessId}/bills", "businessId", l, |c, v| c.business_bills_get().business_id(v).send());
    call!("post", "/v1/businesses/{businessId}/bills", "businessId", l, |c, v| c
        .business_bills_post()
        .business_id(v)
        .body(serde_json::from_value::<layer::types::NewBill>(json!({"received_at": "2026-11-30T00:00:00Z", "line_items": []})).unwrap())
        .send());
    call!("get", "/v1/businesses/{businessId}/bills/{billId}", "businessId", l, |c, v| c
        .business_bills_get_by_bill_id()
        .business_id(v)
        .bill_id("id_1")
        .send());
    call!("get", "/v1/businesses/{businessId}/bills/{billId}", "billId", l, |c, v| c
        .business_bills_get_by_bill_id()
        .business_id(BUSINESS)
        .bill_id(v)
        .send());
    call!("get", "/v1/businesses/{businessId}/bills/bill-payments", "businessId", l, |c, v| c
        .business_bills_bill_payments_get()
        .business_id(v)
        .send());
    call!("post", "/v1/businesses/{businessId}/bills/bill-payments", "businessId", l, |c, v| c
        .business_bills_bill_payments_post()
        .business_id(v)
        .body(
            serde_json::from_value::<layer::types::NewBillPayment>(
                json!({"paid_at": "2026-11-30T00:00:00Z", "method": "CASH", "amount": 1, "bill_payment_allocations": []})
            )
            .unwrap()
        )
        .send());
    call!("get", "/v1/businesses/{businessId}/ledger/accounts", "businessId", l, |c, v| c
        .business_ledger_accounts_get()
        .business_id(v)
        .send());
    call!("get", "/v1/businesses/{businessId}/ledger/entries", "businessId", l, |c, v| c
        .business_ledger_entries_get()
        .business_id(v)
        .send());
    call!("get", "/v1/businesses/{businessId}/ledger/entries/{entryId}", "businessId", l, |c, v| c
        .business_ledger_entries_get_by_entry_id()
        .business_id(v)
        .entry_id("id_1")
        .send());
    call!("get", "/v1/businesses/{businessId}/ledger/entries/{entryId}", "entryId", l, |c, v| c
        .business_ledger_entries_get_by_entry_id()
        .business_id(BUSINESS)
        .entry_id(v)
        .send());
    call!("get", "/v1/businesses/{businessId}/bank-transactions", "businessId", l, |c, v| c
        .business_bank_transactions_get()
        .business_id(v)
        .send());
    call!("get", "/v1/businesses/{businessId}/bank-transactions/{bankTransactionId}", "businessId", l, |c, v| c
        .business_bank_transactions_get_by_bank_transaction_id()
        .business_id(v)
        .bank_transaction_id("id_1")
        .send());
    call!("get", "/v1/businesses/{businessId}/bank-transactions/{bankTransactionId}", "bankTransactionId", l, |c, v| c
        .business_bank_transactions_get_by_bank_transaction_id()
        .business_id(BUSINESS)
        .bank_transaction_id(v)
        .send());
    call!("put", "/v1/businesses/{businessId}/bank-transactions/{transactionId}/categorize", "businessId", l, |c, v| c
        .business_bank_transactions_categorize_put()
        .business_id(v)
        .transaction_id("id_1")
        .body(
            serde_json::from_value::<layer::types::BankTransactionCategorization>(
                json!({"type": "Category", "category": {"type": "StableName", "stable_name": "MEALS"}})
            )
            .unwrap()
        )
        .send());
    call!("put", "/v1/businesses/{businessId}/bank-transactions/{transactionId}/categorize", "transactionId", l, |c, v| c
        .business_bank_transactions_categorize_put()
        .business_id(BUSINESS)
        .transaction_id(v)
        .body(
            serde_json::from_value::<layer::types::BankTransactionCategorization>(
                json!({"type": "Category", "category": {"type": "StableName", "stable_name": "MEALS"}})
            )
            .unwrap()
        )
        .send());
    call!("post", "/v1/businesses/{businessId}/custom-journal-entries", "businessId", l, |c, v| c
        .business_custom_journal_entries_post()
        .business_id(v)
        .body(layer::types::NewCustomJournalEntry::builder())
        .send());
    call!("get", "/v1/businesses/{businessId}/reports/profit-and-loss", "businessId", l, |c, v| c
        .business_reports_profit_and_loss_get()
        .business_id(v)
        .start_date(day())
        .end_date(day())
        .send());
    call!("get", "/v1/businesses/{businessId}/reports/balance-sheet", "businessId", l, |c, v| c
        .business_reports_balance_sheet_get()
        .business_id(v)
        .effective_date(day())
        .send());
    calls
}

/// Every path parameter of the three documents, as (api, method, template,
/// name, schema).
fn path_parameters() -> Vec<(&'static str, String, String, String, serde_json::Value)> {
    let mut out = Vec::new();
    for (api, text) in [
        ("rebilly", include_str!("../specs/rebilly/openapi.json")),
        ("layer", include_str!("../specs/layer/openapi.json")),
        ("monite", include_str!("../specs/monite/openapi.json")),
    ] {
        let doc: serde_json::Value = serde_json::from_str(text).unwrap();
        let resolve = |p: &serde_json::Value| match p.get("$ref").and_then(|r| r.as_str()) {
            Some(r) => doc.pointer(&r[1..]).unwrap().clone(),
            None => p.clone(),
        };
        for (template, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let Some(op) = op.as_object() else { continue };
                let shared = item.get("parameters").and_then(|p| p.as_array()).cloned().unwrap_or_default();
                let own = op.get("parameters").and_then(|p| p.as_array()).cloned().unwrap_or_default();
                for p in shared.iter().chain(&own).map(resolve).filter(|p| p["in"] == "path") {
                    out.push((api, method.clone(), template.clone(), p["name"].as_str().unwrap().to_string(), p["schema"].clone()));
                }
            }
        }
    }
    out
}

#[tokio::test]
async fn every_path_parameter_stays_one_segment() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(404)).mount(&server).await;
    let calls = string_path_calls(&server.uri());
    let mut covered = 0;
    for (api, method, template, name, schema) in path_parameters() {
        let case = format!("{api} {method} {template} {name}");
        let is_string = schema.get("type") == Some(&json!("string")) && schema.get("format").is_none();
        if !is_string {
            // A uuid, or an enum component: its type cannot hold such a value
            // (an enum's Unknown is checked below).
            assert!(schema.get("format") == Some(&json!("uuid")) || schema.get("$ref").is_some(), "{case}: {schema}");
            continue;
        }
        let Some((.., call)) = calls.iter().find(|(m, t, p, _)| *m == method && *t == template && *p == name) else {
            panic!("{case}: no call in string_path_calls: add one");
        };
        covered += 1;
        for value in PATH_CHANGERS {
            let before = server.received_requests().await.unwrap().len();
            let err = call(value.to_string()).await.expect_err(&case);
            assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{case} {value:?}: {err}");
            let snake = spec_core::naming::method_name(&name);
            assert!(err.to_string().contains(&snake) || err.to_string().contains(&name), "{case} {value:?}: names the parameter: {err}");
            assert_eq!(server.received_requests().await.unwrap().len(), before, "{case} {value:?}: nothing sent");
        }
        let pattern = schema.get("pattern").and_then(|p| p.as_str()).map(|p| regress::Regex::new(p).unwrap());
        for value in ONE_SEGMENT {
            let err = call(value.to_string()).await.expect_err("the stand-in answers 404");
            if pattern.as_ref().is_some_and(|p| p.find(value).is_none()) {
                // The vendor's own pattern refuses it (Rebilly ids are word characters).
                assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{case} {value:?}: {err}");
                assert!(api == "rebilly", "{case} {value:?}: only Rebilly's ids have a pattern of their own");
                continue;
            }
            assert_eq!(err.kind(), ErrorKind::NotFound, "{case} {value:?}: {err}");
            let seen = server.received_requests().await.unwrap().pop().unwrap().url;
            let segments: Vec<String> = seen
                .path_segments()
                .unwrap()
                .map(|s| percent_encoding::percent_decode_str(s).decode_utf8().unwrap().into_owned())
                .collect();
            let position = template.trim_start_matches('/').split('/').position(|s| s == format!("{{{name}}}")).unwrap();
            // Rebilly's base URL has no organization path here.
            assert_eq!(segments.len(), template.trim_start_matches('/').split('/').count(), "{case} {value:?}: {seen}");
            assert_eq!(segments[position], *value, "{case}: {seen}");
        }
    }
    assert_eq!(covered, calls.len(), "every call matches a parameter of the documents");

    // An enum's Unknown value is checked against the path's shape.
    let r = rebilly_client(&server.uri(), rebilly::api_key(API_KEY), &settings());
    for value in ["..", ".", "a\\b", "x/../.."] {
        let before = server.received_requests().await.unwrap().len();
        let err = r
            .get_external_identifier()
            .resource(rebilly::types::ExternalIdentifierResource::Unknown(value.into()))
            .resource_id("cus_1")
            .service(rebilly::types::ExternalIdentifierService::QuickbooksOnline)
            .send()
            .await
            .expect_err(value);
        if value == "x/../.." {
            // `/` is percent-encoded by the client: one (odd) segment, sent.
            assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
            continue;
        }
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{value:?}: {err}");
        assert!(err.to_string().contains("resource"), "{err}");
        assert_eq!(server.received_requests().await.unwrap().len(), before, "{value:?}: nothing sent");
    }
}
