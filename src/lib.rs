//! Typed clients for three fintech APIs, for keeping books in step with
//! accounting platforms (QuickBooks Online, Xero):
//!
//! - [`rebilly`] (billing): external identifiers linking Rebilly records to
//!   QuickBooks Online. Feature `rebilly`.
//! - [`layer`] (embedded accounting): QuickBooks connection, sync and account
//!   mapping. Feature `layer`.
//! - [`monite`] (AP/AR): accounting connections and synced records. Feature
//!   `monite`.
//!
//! Each client is generated at build time by progenitor from a normalized
//! OpenAPI document in `specs/` (see `cargo xtask normalize`); with one
//! feature alone, only that API is generated and compiled. Every model also
//! derives `serde` and `schemars::JsonSchema`.
//!
//! # Quickstart
//!
//! ```no_run
//! use accounting_sync::monite::{self, Environment};
//! use accounting_sync::{Error, ErrorKind};
//!
//! async fn receivables() -> Result<(), Error> {
//!     let client = monite::Client::with_environment(Environment::Sandbox, monite::client_credentials("client-id", "client-secret"))?
//!         .for_entity("9d2b4c8f-2087-4738-ba91-7359683c49a4".parse().unwrap());
//!     // `?` turns the generated client's error into the crate's `Error`.
//!     let page = client.get_accounting_synced_records().object_type(monite::types::ObjectMatchTypes::Receivable).send().await?;
//!     for record in &page.data {
//!         println!("{} {:?}", record.id, record.sync_status);
//!     }
//!     Ok(())
//! }
//! ```
//!
//! # Errors
//!
//! Every call's error converts into [`Error`], whatever the API: match on its
//! [`ErrorKind`]; it also carries the HTTP status, the vendor's message and
//! field errors, `Retry-After`, the request id, and the vendor's body (typed
//! when it parsed, raw and bounded when it did not). Retries of 429, 502, 503,
//! 504 and lost connections already happened inside the call, within the
//! client's [`RetryPolicy`]. After a failed POST,
//! [`Error::is_retryable`] means the vendor did not process it and
//! [`Error::outcome_unknown`] that it may have.
//!
//! ```no_run
//! use accounting_sync::rebilly::{self, types};
//! use accounting_sync::{Error, ErrorKind};
//!
//! async fn link(client: &rebilly::Client, customer: &str, qbo_id: &str) -> Result<(), Error> {
//!     let body = types::ExternalIdentifier::builder().external_identifier(qbo_id);
//!     let put = client
//!         .put_external_identifier()
//!         .resource(types::ExternalIdentifierResource::Customers)
//!         .resource_id(customer)
//!         .service(types::ExternalIdentifierService::QuickbooksOnline)
//!         .body(body)
//!         .send()
//!         .await;
//!     match put {
//!         Ok(_) => Ok(()),
//!         Err(e) if e.kind() == ErrorKind::Validation => {
//!             for field in e.field_errors() {
//!                 eprintln!("{}: {}", field.field, field.message);
//!             }
//!             Err(e)
//!         }
//!         Err(e) if e.kind() == ErrorKind::NotFound => Ok(()), // the customer is gone: nothing to link
//!         Err(e) => Err(e),
//!     }
//! }
//! ```
//!
//! # Credentials, environments, retries
//!
//! - Rebilly: a secret API key ([`rebilly::api_key`], sent as `REB-APIKEY`)
//!   or a JWT ([`Auth::bearer`]); sandbox or live, with the organization in
//!   the base path.
//! - Layer: OAuth2 client credentials ([`layer::client_credentials`], tokens
//!   from `auth.layerfi.com` with the environment's scope) or a token.
//! - Monite: partner client credentials ([`monite::client_credentials`]), an
//!   entity user ([`monite::entity_user`]) or a token; sandbox, EU or NA.
//!   The client sets `x-monite-version` itself; [`monite::Client::for_entity`]
//!   sets `x-monite-entity-id`.
//!
//! Tokens are cached, refreshed ahead of expiry and after a 401 (once), and
//! fetched by one caller at a time. The calls of one client share a retry
//! budget ([`RetryBudget`]) and a pace set by the vendor's rate limits
//! ([`Pacing`]); `client.stats()` counts what they did ([`ClientStats`]).
//! An endpoint no document lists is called with `client.raw(method, path)`
//! ([`RawRequest`]), through the same credentials, retries, limits and
//! [`Error`] as the generated calls.
//! Secrets are kept in `secrecy` types and
//! never printed. Each `with_settings` constructor takes [`Settings`]:
//! timeouts and the [`RetryPolicy`]. Each request is a `tracing` span
//! (`accounting_sync.request`) with vendor, operation, method, path template,
//! status, attempt and request id.
#![warn(missing_docs)]
// docs.rs shows which feature each API module needs.
#![cfg_attr(docsrs, feature(doc_cfg))]
// With some API features off, parts of the shared facade go unused.
#![cfg_attr(
    not(all(feature = "rebilly", feature = "layer", feature = "monite")),
    allow(dead_code, unused_imports, unused_macros, unused_variables, unused_mut)
)]

// The facade, the hand-written layer under every generated client, is the
// crate accounting-sync-runtime (crates/runtime): the generated clients
// depend on it, and it on no API. Whatever is public at its root (modules,
// types, the hidden parts the testing kit uses) is public at ours, at the
// same paths.
pub use accounting_sync_runtime::*;

/// The `chrono` the generated models use for dates and times.
pub use chrono;
/// The `uuid` the generated models use for identifiers.
pub use uuid;

/// The README's examples, compiled as doc tests.
#[cfg(all(doctest, feature = "monite"))]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

#[cfg(feature = "layer")]
#[cfg_attr(docsrs, doc(cfg(feature = "layer")))]
#[doc(inline)]
pub use accounting_sync_layer as layer;
#[cfg(feature = "monite")]
#[cfg_attr(docsrs, doc(cfg(feature = "monite")))]
#[doc(inline)]
pub use accounting_sync_monite as monite;
#[cfg(feature = "rebilly")]
#[cfg_attr(docsrs, doc(cfg(feature = "rebilly")))]
#[doc(inline)]
pub use accounting_sync_rebilly as rebilly;
// Receiving each API's webhooks, with its types.
pub mod webhooks;
// Stand-ins of the APIs for tests, using the API modules and the facade.
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;

#[cfg(test)]
mod tests {
    use crate::settings::Settings;
    use crate::transport::{self, ApiTables};
    use crate::vendor::Vendor;

    #[test]
    fn every_operation_of_every_table_is_found_by_its_name() {
        let tables: &[(Vendor, &ApiTables)] = &[
            #[cfg(feature = "rebilly")]
            (Vendor::Rebilly, &crate::rebilly::TABLES),
            #[cfg(feature = "monite")]
            (Vendor::Monite, &crate::monite::TABLES),
            #[cfg(feature = "layer")]
            (Vendor::Layer, &crate::layer::TABLES),
        ];
        for (vendor, tables) in tables {
            let (context, _) =
                transport::ClientContext::new(*vendor, transport::Credential::None, &Settings::default(), "http://127.0.0.1", tables)
                    .unwrap();
            assert!(!tables.operations.is_empty());
            for op in tables.operations {
                assert!(std::ptr::eq(context.operation(op.name).unwrap(), op), "{vendor:?} {}", op.name);
                assert!(context.operation(&format!("{}_", op.name)).is_none());
            }
        }
    }
}
