//! Contract tests: every operation of our specs/, through the facade clients,
//! against Stoplight Prism serving the vendors' own documents (Rebilly and
//! Monite upstream; Layer our own, as it publishes none).
//!
//! Run by `cargo xtask contract`, which installs Prism, starts one mock per
//! document on 127.0.0.1, and passes their URLs in `PRISM_REBILLY`,
//! `PRISM_MONITE` and `PRISM_LAYER`. Alone, these tests are ignored.
//!
//! Prism's limits, handled here:
//! - it ignores the servers' base path, so Rebilly's `/organizations/{id}`
//!   prefix and Monite's `/v1` are left out of the base URLs;
//! - it does not apply discriminators when generating bodies; our unions
//!   (Layer's ledger account identifier) tag each variant with a one-value
//!   enum, so a generated body still decodes to the right variant;
//! - `Prefer: dynamic=true` bodies are random: each operation is called
//!   several times;
//! - it reads `oneOf` literally; our own documents list their open enums'
//!   values plainly (`flat_enums`), so Layer's is served as normalized.
//!
//! A request Prism finds invalid answers 4xx with an `sl-violations` header:
//! every success path asserts a 2xx and no such header.
#![cfg(all(feature = "rebilly", feature = "layer", feature = "monite"))]

use accounting_sync::{layer, monite, rebilly, Auth, Error, ErrorKind, RetryPolicy, Settings};
use reqwest::header::{HeaderMap, HeaderValue};

const ENTITY: &str = "9d2b4c8f-2087-4738-ba91-7359683c49a4";
const ID: &str = "0e4d3c1b-6a5f-4e2d-9c8b-7a6f5e4d3c2b";
const DYNAMIC_ROUNDS: usize = 5;

fn url(var: &str) -> String {
    std::env::var(var).unwrap_or_else(|_| panic!("{var} is not set: run these tests through `cargo xtask contract`"))
}

/// Settings that send `Prefer: <prefer>` and do not retry (a mock answers
/// what it is asked, every time).
fn settings(prefer: Option<&str>) -> Settings {
    let mut extra_headers = HeaderMap::new();
    if let Some(p) = prefer {
        extra_headers.insert("prefer", HeaderValue::from_str(p).unwrap());
    }
    Settings { retry: RetryPolicy::none(), extra_headers, ..Settings::default() }
}

fn rebilly(prefer: Option<&str>) -> rebilly::Client {
    rebilly::Client::with_base_url(&url("PRISM_REBILLY"), rebilly::api_key("sk_contract"), &settings(prefer)).unwrap()
}
fn monite(prefer: Option<&str>) -> monite::Client {
    monite::Client::with_settings(monite::Environment::Custom(url("PRISM_MONITE")), Auth::bearer("contract"), &settings(prefer))
        .unwrap()
        .for_entity(ENTITY.parse().unwrap())
}
fn layer(prefer: Option<&str>) -> layer::Client {
    layer::Client::with_settings(layer::Environment::Custom(url("PRISM_LAYER")), Auth::bearer("contract"), &settings(prefer)).unwrap()
}

/// A success: 2xx and no request violation reported.
fn ok<T: std::fmt::Debug>(what: &str, result: Result<progenitor_client::ResponseValue<T>, Error>) -> T {
    let value = result.unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(value.status().is_success(), "{what}: {}", value.status());
    assert!(value.headers().get("sl-violations").is_none(), "{what}: Prism reports {:?}", value.headers().get("sl-violations"));
    value.into_inner()
}

/// [`ok`] for a call reduced to its status and headers.
fn ok_status(what: &str, result: Result<(reqwest::StatusCode, HeaderMap), Error>) {
    let (status, headers) = result.unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(status.is_success(), "{what}: {status}");
    assert!(headers.get("sl-violations").is_none(), "{what}: Prism reports {:?}", headers.get("sl-violations"));
}

fn kind_of(status: u16) -> ErrorKind {
    ErrorKind::from_status(reqwest::StatusCode::from_u16(status).unwrap())
}

fn expect_error<T: std::fmt::Debug>(what: &str, status: u16, result: Result<T, Error>) {
    let err = match result {
        Ok(v) => panic!("{what}: Prefer code={status} answered success {v:?}"),
        Err(e) => e,
    };
    assert_eq!(err.status().map(|s| s.as_u16()), Some(status), "{what}: {err}");
    if status == 400 {
        // A bare 400 says little; Layer's error type may say more (an
        // archived resource reads as NotFound). It must still be understood.
        assert!(!matches!(err.kind(), ErrorKind::Decode | ErrorKind::Unexpected), "{what}: {err}");
    } else {
        assert_eq!(err.kind(), kind_of(status), "{what}: {err}");
    }
    assert!(err.has_body(), "{what} {status}: the error body did not decode: {err:?}");
}

macro_rules! each_rebilly_operation {
    ($prefer:expr, |$name:ident, $call:ident| $body:block) => {{
        use rebilly::types::{ExternalIdentifierResource as R, ExternalIdentifierService as S};
        let c = rebilly($prefer);
        {
            let $name = "GetExternalIdentifierCollection";
            let $call = c.get_external_identifier_collection().limit(10).offset(0).send().await.map(|v| (v.status(), v.headers().clone()));
            $body
        }
        {
            let $name = "GetExternalIdentifier";
            let $call = c
                .get_external_identifier()
                .resource(R::Customers)
                .resource_id("cus_1")
                .service(S::QuickbooksOnline)
                .send()
                .await
                .map(|v| (v.status(), v.headers().clone()));
            $body
        }
        {
            let $name = "PostExternalIdentifier";
            let $call = c
                .post_external_identifier()
                .resource(R::Invoices)
                .resource_id("in_1")
                .service(S::QuickbooksOnline)
                .send()
                .await
                .map(|v| (v.status(), v.headers().clone()));
            $body
        }
        {
            let $name = "PutExternalIdentifier";
            let body = rebilly::types::ExternalIdentifier::builder().external_identifier("QBO-1");
            let $call = c
                .put_external_identifier()
                .resource(R::Customers)
                .resource_id("cus_1")
                .service(S::QuickbooksOnline)
                .body(body)
                .send()
                .await
                .map(|v| (v.status(), v.headers().clone()));
            $body
        }
        {
            let $name = "DeleteExternalIdentifier";
            let $call = c
                .delete_external_identifier()
                .resource(R::Customers)
                .resource_id("cus_1")
                .service(S::QuickbooksOnline)
                .send()
                .await
                .map(|v| (v.status(), v.headers().clone()));
            $body
        }
    }};
}

#[tokio::test]
#[ignore = "needs Prism: run `cargo xtask contract`"]
async fn rebilly_against_its_own_document() {
    for prefer in [None, Some("dynamic=true")] {
        for _ in 0..if prefer.is_some() { DYNAMIC_ROUNDS } else { 1 } {
            each_rebilly_operation!(prefer, |name, call| {
                ok_status(name, call);
            });
        }
    }
    // Typed bodies, checked beyond "it decoded".
    let one = ok(
        "GetExternalIdentifier",
        rebilly(None)
            .get_external_identifier()
            .resource(rebilly::types::ExternalIdentifierResource::Customers)
            .resource_id("cus_1")
            .service(rebilly::types::ExternalIdentifierService::QuickbooksOnline)
            .send()
            .await,
    );
    assert!(!one.external_identifier.is_empty());
    for (operation, statuses) in [
        ("GetExternalIdentifierCollection", &[401, 403][..]),
        ("GetExternalIdentifier", &[401, 403, 404][..]),
        ("PostExternalIdentifier", &[401, 403, 404, 422, 429][..]),
        ("PutExternalIdentifier", &[401, 403, 404, 422, 429][..]),
        ("DeleteExternalIdentifier", &[401, 403, 404, 422, 429][..]),
    ] {
        for &status in statuses {
            let prefer = format!("code={status}");
            each_rebilly_operation!(Some(prefer.as_str()), |name, call| {
                if name == operation {
                    expect_error(name, status, call);
                }
            });
        }
    }
}

#[tokio::test]
#[ignore = "needs Prism: run `cargo xtask contract`"]
async fn monite_against_its_own_document() {
    let id: uuid::Uuid = ID.parse().unwrap();
    for prefer in [None, Some("dynamic=true")] {
        for _ in 0..if prefer.is_some() { DYNAMIC_ROUNDS } else { 1 } {
            let c = monite(prefer);
            ok("get_accounting_connections", c.get_accounting_connections().send().await);
            ok("post_accounting_connections", c.post_accounting_connections().send().await);
            ok("get_accounting_connections_id", c.get_accounting_connections_id().connection_id(id).send().await);
            ok("post_accounting_connections_id_disconnect", c.post_accounting_connections_id_disconnect().connection_id(id).send().await);
            ok("post_accounting_connections_id_sync", c.post_accounting_connections_id_sync().connection_id(id).send().await);
            let page = ok(
                "get_accounting_synced_records",
                c.get_accounting_synced_records()
                    .object_type(monite::types::ObjectMatchTypes::Receivable)
                    .limit(std::num::NonZeroU64::new(10).unwrap())
                    .send()
                    .await,
            );
            let _ = page.data.len();
            ok("get_accounting_synced_records_id", c.get_accounting_synced_records_id().synced_record_id(id).send().await);
            ok("post_accounting_synced_records_id_push", c.post_accounting_synced_records_id_push().synced_record_id(id).send().await);
            let token = monite::types::ObtainTokenPayload::builder()
                .client_id(id)
                .client_secret("secret")
                .grant_type(monite::types::GrantType::ClientCredentials);
            ok("post_auth_token", c.post_auth_token().body(token).send().await);
            let subscription = monite::types::CreateWebhookSubscriptionRequest::builder()
                .object_type(monite::types::WebhookObjectType::AccountingConnection)
                .url("https://books.example.com/webhooks/monite");
            ok("post_webhook_subscriptions", c.post_webhook_subscriptions().body(subscription).send().await);
            ok("get_webhook_subscriptions", c.get_webhook_subscriptions().send().await);
            ok("get_webhook_subscriptions_id", c.get_webhook_subscriptions_id().webhook_subscription_id(id).send().await);
            ok("delete_webhook_subscriptions_id", c.delete_webhook_subscriptions_id().webhook_subscription_id(id).send().await);
            ok(
                "post_webhook_subscriptions_id_regenerate_secret",
                c.post_webhook_subscriptions_id_regenerate_secret().webhook_subscription_id(id).send().await,
            );
        }
    }
    // The statuses Monite's document declares (the push's 401 and 429 come from its docs page, not the document).
    for status in [405u16, 422, 500] {
        let prefer = format!("code={status}");
        let c = monite(Some(&prefer));
        expect_error("get_accounting_connections", status, c.get_accounting_connections().send().await);
        expect_error("get_accounting_synced_records_id", status, c.get_accounting_synced_records_id().synced_record_id(id).send().await);
        expect_error(
            "post_accounting_synced_records_id_push",
            status,
            c.post_accounting_synced_records_id_push().synced_record_id(id).send().await,
        );
        expect_error("post_accounting_connections_id_sync", status, c.post_accounting_connections_id_sync().connection_id(id).send().await);
    }
}

#[tokio::test]
#[ignore = "needs Prism: run `cargo xtask contract`"]
async fn layer_against_our_document() {
    let business = "c1a7b7d6-1d1e-4a5c-9f43-3f1c0c6b9f10";
    let account = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
    for prefer in [None, Some("dynamic=true")] {
        for _ in 0..if prefer.is_some() { DYNAMIC_ROUNDS } else { 1 } {
            let c = layer(prefer);
            ok(
                "sync-from",
                c.business_quickbooks_sync_from_post()
                    .business_id(business)
                    .body(layer::types::QuickbooksSyncFromParams { quickbooks_realm_ids: vec!["1".into()] })
                    .send()
                    .await,
            );
            ok("connection-status", c.business_quickbooks_connection_status_get().business_id(business).send().await);
            ok("authorize", c.business_quickbooks_authorize_post().business_id(business).send().await);
            ok("accounts", c.business_quickbooks_ledger_accounts_get().business_id(business).is_nested(true).send().await);
            ok("account", c.business_quickbooks_ledger_accounts_get_by_account_id().business_id(business).account_id(account).send().await);
            let target = layer::types::LedgerAccountIdentifier::StableName(layer::types::StableName {
                stable_name: "CURRENT_ASSETS".into(),
                type_: layer::types::StableNameType::StableName,
            });
            ok(
                "update-mapping",
                c.business_quickbooks_ledger_accounts_update_mapping_post()
                    .business_id(business)
                    .account_id(account)
                    .body(layer::types::UpdateQuickbooksLocalLedgerAccountMappingRequest { local_ledger_account_identifier: Some(target) })
                    .send()
                    .await,
            );
            ok("config-get", c.configure_quickbooks_get().send().await);
            layer_accounting(&c, business, account).await;
            ok(
                "config-put",
                c.configure_quickbooks_put()
                    .body(layer::types::QuickbooksConfigurationInput::builder().client_id(Some("x".to_string())))
                    .send()
                    .await,
            );
        }
    }
    for status in [404u16, 429] {
        let prefer = format!("code={status}");
        let c = layer(Some(&prefer));
        expect_error("sync-from", status, c.business_quickbooks_sync_from_post().business_id(business).send().await);
        expect_error("connection-status", status, c.business_quickbooks_connection_status_get().business_id(business).send().await);
        expect_error("config-get", status, c.configure_quickbooks_get().send().await);
        expect_error("invoices", status, c.business_invoices_get().business_id(business).send().await);
        expect_error("business", status, c.business_get().business_id(business).send().await);
    }
    expect_error(
        "config-put",
        400,
        layer(Some("code=400")).configure_quickbooks_put().body(layer::types::QuickbooksConfigurationInput::builder()).send().await,
    );
}

/// The accounting operations of our Layer document (reads, then the creates
/// with their required members), each answered by Prism from the document.
#[cfg(all(feature = "rebilly", feature = "layer", feature = "monite"))]
async fn layer_accounting(c: &layer::Client, business: &str, account: &str) {
    use layer::types;
    let id = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
    let day = "2026-11-30T00:00:00Z".parse::<chrono::DateTime<chrono::Utc>>().unwrap();
    ok("business", c.business_get().business_id(business).send().await);
    ok(
        "create-business",
        c.businesses_post().body(types::NewBusiness::builder().us_state("OR").entity_type(types::EntityType::Llc)).send().await,
    );
    ok("customers", c.business_customers_get().business_id(business).include_archived(true).send().await);
    ok("customer", c.business_customers_get_by_customer_id().business_id(business).customer_id(id).send().await);
    ok("vendors", c.business_vendors_get().business_id(business).send().await);
    ok("vendor", c.business_vendors_get_by_vendor_id().business_id(business).vendor_id(id.parse::<uuid::Uuid>().unwrap()).send().await);
    ok("invoices", c.business_invoices_get().business_id(business).limit(10).send().await);
    ok("invoice", c.business_invoices_get_by_invoice_id().business_id(business).invoice_id(id).send().await);
    ok("invoice-payments", c.business_invoices_payments_get().business_id(business).send().await);
    ok("bills", c.business_bills_get().business_id(business).send().await);
    ok("bill", c.business_bills_get_by_bill_id().business_id(business).bill_id(id).send().await);
    ok("bill-payments", c.business_bills_bill_payments_get().business_id(business).send().await);
    ok("ledger-accounts", c.business_ledger_accounts_get().business_id(business).send().await);
    ok("journal-entries", c.business_ledger_entries_get().business_id(business).send().await);
    ok("journal-entry", c.business_ledger_entries_get_by_entry_id().business_id(business).entry_id(id).send().await);
    ok("bank-transactions", c.business_bank_transactions_get().business_id(business).send().await);
    ok(
        "bank-transaction",
        c.business_bank_transactions_get_by_bank_transaction_id().business_id(business).bank_transaction_id(id).send().await,
    );
    ok("profit-and-loss", c.business_reports_profit_and_loss_get().business_id(business).start_date(day).end_date(day).send().await);
    ok("balance-sheet", c.business_reports_balance_sheet_get().business_id(business).effective_date(day).send().await);
    ok(
        "create-customer",
        c.business_customers_post()
            .business_id(business)
            .body(types::NewCustomer::builder().external_id(Some("c-1".to_string())))
            .send()
            .await,
    );
    let line = types::NewInvoiceLineItem::builder().product(Some("x".to_string())).unit_price(Some(100)).quantity(Some(1.0));
    ok(
        "create-invoice",
        c.business_invoices_post()
            .business_id(business)
            .body(types::NewInvoice::builder().external_id("i-1").sent_at(day).line_items(vec![line.try_into().unwrap()]))
            .send()
            .await,
    );
    let to = types::NewInvoicePaymentAllocation::builder().invoice_external_id(Some("i-1".to_string())).amount(100);
    ok(
        "record-payment",
        c.business_invoices_payments_post()
            .business_id(business)
            .body(
                types::NewInvoicePayment::builder()
                    .paid_at(day)
                    .method(types::PaymentMethod::Cash)
                    .fee(0)
                    .amount(100)
                    .invoice_payments(vec![to.try_into().unwrap()]),
            )
            .send()
            .await,
    );
    let line = types::NewBillLineItem::builder().product_name(Some("x".to_string())).unit_price(Some(100));
    ok(
        "create-bill",
        c.business_bills_post()
            .business_id(business)
            .body(types::NewBill::builder().received_at(day).line_items(vec![line.try_into().unwrap()]))
            .send()
            .await,
    );
    let meals = types::LedgerAccountIdentifier::StableName(types::StableName {
        stable_name: "MEALS".into(),
        type_: types::StableNameType::StableName,
    });
    ok(
        "categorize",
        c.business_bank_transactions_categorize_put()
            .business_id(business)
            .transaction_id(id)
            .body(types::BankTransactionCategorization { category: meals, type_: types::BankTransactionCategorizationType::Category })
            .send()
            .await,
    );
    ok(
        "custom-journal-entry",
        c.business_custom_journal_entries_post()
            .business_id(business)
            .body(types::NewCustomJournalEntry::builder().memo(Some("m".to_string())).created_by(Some("t".to_string())).entry_at(Some(day)))
            .send()
            .await,
    );
    let to = types::NewBillPaymentAllocation::builder().bill_external_id(Some("b-1".to_string())).amount(100);
    let clearing = types::LedgerAccountIdentifier::AccountId(types::AccountId {
        id: account.parse().unwrap(),
        type_: types::AccountIdType::AccountId,
    });
    ok(
        "record-bill-payment",
        c.business_bills_bill_payments_post()
            .business_id(business)
            .body(
                types::NewBillPayment::builder()
                    .paid_at(day)
                    .method(types::PaymentMethod::Check)
                    .amount(100)
                    .payment_clearing_account_identifier(Some(clearing))
                    .bill_payment_allocations(vec![to.try_into().unwrap()]),
            )
            .send()
            .await,
    );
}
