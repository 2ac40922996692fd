//! The three operations accounting-sync started from, end to end:
//!
//! 1. Rebilly `PostExternalIdentifier`: schedule the sync of a customer with
//!    QuickBooks Online.
//! 2. Layer `business.quickbooks.sync-from.post`: pull a business's
//!    QuickBooks data now.
//! 3. Monite `post_accounting_synced_records_id_push`: push one synced record
//!    to the accounting system.
//!
//! Each API whose credentials are in the environment is called in its
//! sandbox; the others are served by a local stand-in started on 127.0.0.1.
//!
//! | API | credentials | also needed |
//! |---|---|---|
//! | Rebilly | `REBILLY_API_KEY` | `REBILLY_ORGANIZATION_ID`, `REBILLY_RESOURCE_ID` (a customer id; `REBILLY_RESOURCE` picks another kind) |
//! | Layer | `LAYER_CLIENT_ID` + `LAYER_CLIENT_SECRET`, or `LAYER_ACCESS_TOKEN` | `LAYER_BUSINESS_ID` (`LAYER_QUICKBOOKS_REALM_IDS`, comma-separated, optional) |
//! | Monite | `MONITE_CLIENT_ID` + `MONITE_CLIENT_SECRET`, or `MONITE_ACCESS_TOKEN` | `MONITE_ENTITY_ID`, `MONITE_SYNCED_RECORD_ID` |
//!
//! A failed call prints the crate's one-line [`accounting_sync::Error`].
//!
//! Run with `cargo run --example sync`.

mod stand_in;

use accounting_sync::{layer, monite, rebilly, Auth};
use std::error::Error;
use std::process::ExitCode;

type Result<T> = std::result::Result<T, Box<dyn Error>>;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A variable that must be set once the API's credentials are.
fn required(name: &str) -> Result<String> {
    std::env::var(name).map_err(|_| format!("{name} must be set too (or unset the API's credentials to use the stand-in)").into())
}

fn credential(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Client credentials from `<PREFIX>_CLIENT_ID` and `_CLIENT_SECRET`, else a
/// token from `<PREFIX>_ACCESS_TOKEN`.
fn oauth_from_env(prefix: &str, client_credentials: impl Fn(String, String) -> Auth) -> Result<Option<Auth>> {
    match (credential(&format!("{prefix}_CLIENT_ID")), credential(&format!("{prefix}_CLIENT_SECRET"))) {
        (Some(id), Some(secret)) => Ok(Some(client_credentials(id, secret))),
        (Some(_), None) => Err(format!("{prefix}_CLIENT_SECRET must be set with {prefix}_CLIENT_ID").into()),
        _ => Ok(credential(&format!("{prefix}_ACCESS_TOKEN")).map(Auth::bearer)),
    }
}

async fn run() -> Result<()> {
    // Each stand-in started is kept to the end (dropping it checks its calls).
    let (mut rebilly_stand_in, mut layer_stand_in, mut monite_stand_in) = (None, None, None);

    // 1. Rebilly
    let (client, resource_id) = match credential("REBILLY_API_KEY") {
        Some(key) => {
            let org = required("REBILLY_ORGANIZATION_ID")?;
            let c = rebilly::Client::with_environment(rebilly::Environment::Sandbox, &org, rebilly::api_key(key))?;
            (c, required("REBILLY_RESOURCE_ID")?)
        }
        None => {
            let api = rebilly_stand_in.insert(stand_in::rebilly().await);
            println!("Rebilly: no REBILLY_API_KEY, using the local stand-in at {}", api.url());
            (api.client(), stand_in::REBILLY_CUSTOMER.to_string())
        }
    };
    let resource = match std::env::var("REBILLY_RESOURCE") {
        // Checked against the kinds this crate knows, to catch a typo before any request.
        Ok(r) => match rebilly::types::ExternalIdentifierResource::from(r.as_str()) {
            unknown if unknown.is_unknown() => return Err(format!("REBILLY_RESOURCE {r:?} is not a Rebilly resource kind").into()),
            known => known,
        },
        Err(_) => rebilly::types::ExternalIdentifierResource::Customers,
    };
    let scheduled = client
        .post_external_identifier()
        .resource(resource)
        .resource_id(resource_id.as_str())
        .service(rebilly::types::ExternalIdentifierService::QuickbooksOnline)
        .send()
        .await
        .map_err(|e| format!("PostExternalIdentifier: {}", e))?;
    let remaining = scheduled.headers().get("x-ratelimit-remaining").and_then(|v| v.to_str().ok()).unwrap_or("?");
    println!(
        "Rebilly PostExternalIdentifier: HTTP {}, sync with QuickBooks Online scheduled for {resource_id} (rate limit left: {remaining})\n",
        scheduled.status()
    );

    // 2. Layer
    let (client, business_id) = match oauth_from_env("LAYER", layer::client_credentials)? {
        Some(auth) => (layer::Client::with_environment(layer::Environment::Sandbox, auth)?, required("LAYER_BUSINESS_ID")?),
        None => {
            let api = layer_stand_in.insert(stand_in::layer().await);
            println!("Layer: no LAYER_CLIENT_ID or LAYER_ACCESS_TOKEN, using the local stand-in at {}", api.url());
            (api.client(), stand_in::LAYER_BUSINESS.to_string())
        }
    };
    let realms: Vec<String> = std::env::var("LAYER_QUICKBOOKS_REALM_IDS")
        .map(|v| v.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect())
        .unwrap_or_default();
    let started = client
        .business_quickbooks_sync_from_post()
        .business_id(business_id.as_str())
        .body(layer::types::QuickbooksSyncFromParams { quickbooks_realm_ids: realms })
        .send()
        .await
        .map_err(|e| format!("business.quickbooks.sync-from.post: {}", e))?;
    println!("Layer business.quickbooks.sync-from.post: HTTP {}\n{:#?}\n", started.status(), started.data);

    // 3. Monite
    let (client, record_id) = match oauth_from_env("MONITE", monite::client_credentials)? {
        Some(auth) => {
            let entity = required("MONITE_ENTITY_ID")?.parse().map_err(|e| format!("MONITE_ENTITY_ID: {e}"))?;
            let c = monite::Client::with_environment(monite::Environment::Sandbox, auth)?.for_entity(entity);
            (c, required("MONITE_SYNCED_RECORD_ID")?.parse::<uuid::Uuid>().map_err(|e| format!("MONITE_SYNCED_RECORD_ID: {e}"))?)
        }
        None => {
            let api = monite_stand_in.insert(stand_in::monite().await);
            println!("Monite: no MONITE_CLIENT_ID or MONITE_ACCESS_TOKEN, using the local stand-in at {}", api.base_url());
            (api.client(), stand_in::MONITE_RECORD.parse()?)
        }
    };
    let record = client
        .post_accounting_synced_records_id_push()
        .synced_record_id(record_id)
        .send()
        .await
        .map_err(|e| format!("post_accounting_synced_records_id_push: {}", e))?;
    println!("Monite post_accounting_synced_records_id_push: HTTP {}\n{:#?}", record.status(), *record);
    // The stand-ins check their calls when dropped (a panic names what is off).
    drop((rebilly_stand_in, layer_stand_in, monite_stand_in));
    Ok(())
}
