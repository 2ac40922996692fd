//! The nightly job of a books-in-step service: every Rebilly invoice paid
//! since a date, read page by page, linked to its QuickBooks Online invoice
//! (an external identifier on the Rebilly invoice).
//!
//! ```sh
//! cargo run --example paid_invoices --features rebilly-invoices -- --since 2026-11-01
//! ```
//!
//! With `REBILLY_API_KEY` and `REBILLY_ORGANIZATION` set it calls Rebilly's
//! sandbox; without them, a local stand-in (the crate's `testing` feature)
//! serves seven paid invoices in pages of three and checks every request
//! against Rebilly's document.

use accounting_sync::rebilly::{self, types, Environment};
use accounting_sync::testing;
use chrono::Datelike;
use futures::TryStreamExt;
use std::error::Error;

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let since = since(std::env::args().skip(1))?;
    let (client, stand_in) = match (std::env::var("REBILLY_API_KEY"), std::env::var("REBILLY_ORGANIZATION")) {
        (Ok(key), Ok(organization)) => {
            (rebilly::Client::with_environment(Environment::Sandbox, &organization, rebilly::api_key(key))?, None)
        }
        _ => {
            println!("no REBILLY_API_KEY and REBILLY_ORGANIZATION: calling a local stand-in");
            let stand_in = serve_paid_invoices(since).await;
            (stand_in.client(), Some(stand_in))
        }
    };

    // Rebilly's filter: `;` joins conditions, `from..` is a range from a value on.
    let filter = format!("status:paid;paidTime:{}..", since.format("%Y-%m-%dT%H:%M:%SZ"));
    let mut pages = std::pin::pin!(client.get_invoice_collection().filter(&filter).sort("paidTime").limit(3).pages());
    let (mut linked, mut skipped) = (0, 0);
    while let Some(page) = pages.try_next().await? {
        println!("page of {} invoice(s), {} paid since {since} in all", page.items.len(), page.total.unwrap_or_default());
        for invoice in page.items {
            let (Some(id), Some(quickbooks_id)) = (invoice.id.as_ref().map(|id| id.to_string()), quickbooks_invoice_id(&invoice)) else {
                skipped += 1;
                continue;
            };
            client
                .put_external_identifier()
                .resource(types::ExternalIdentifierResource::Invoices)
                .resource_id(id.as_str())
                .service(types::ExternalIdentifierService::QuickbooksOnline)
                .body(types::ExternalIdentifier::builder().external_identifier(quickbooks_id.clone()))
                .send()
                .await?;
            println!("  {id} paid {:?} -> QuickBooks Online invoice {quickbooks_id}", invoice.paid_time);
            linked += 1;
        }
    }
    println!("linked {linked} invoice(s), skipped {skipped} without an id or invoice number");
    if let Some(stand_in) = stand_in {
        // Every page was asked for and every link made, each request valid per the document.
        stand_in.verify();
    }
    Ok(())
}

/// The QuickBooks Online invoice of a Rebilly invoice. A real job looks it
/// up in its own records of what it pushed to QuickBooks; here it is made
/// from the invoice number.
fn quickbooks_invoice_id(invoice: &types::Invoice) -> Option<String> {
    invoice.invoice_number.map(|number| format!("QBO-INV-{number}"))
}

/// `--since YYYY-MM-DD` (the first of last month when absent), as midnight UTC.
fn since(mut args: impl Iterator<Item = String>) -> Result<chrono::DateTime<chrono::Utc>, Box<dyn Error>> {
    let date = match (args.next().as_deref(), args.next()) {
        (Some("--since"), Some(date)) => {
            chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d").map_err(|e| format!("--since {date}: {e}"))?
        }
        (None, _) => {
            let today = chrono::Utc::now().date_naive();
            today.checked_sub_months(chrono::Months::new(1)).and_then(|d| d.with_day0(0)).ok_or("no first of last month")?
        }
        _ => return Err("usage: paid_invoices [--since YYYY-MM-DD]".into()),
    };
    Ok(date.and_time(chrono::NaiveTime::MIN).and_utc())
}

/// A stand-in serving seven invoices paid after `since`, and accepting the
/// links made to them.
async fn serve_paid_invoices(since: chrono::DateTime<chrono::Utc>) -> testing::rebilly::StandIn {
    let api = testing::rebilly().await;
    let mut invoices = testing::samples::<types::Invoice>(7);
    for (n, invoice) in (1..).zip(invoices.iter_mut()) {
        invoice.invoice_number = Some(1000 + n);
        invoice.paid_time = Some(since + chrono::Duration::hours(n * 9));
        invoice.status = Some(types::InvoiceStatus::Paid);
    }
    api.get_invoice_collection().pages_of(invoices, 3);
    api.put_external_identifier().times(7).respond(testing::sample());
    api
}
