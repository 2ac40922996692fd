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
#![cfg_attr(not(all(feature = "rebilly", feature = "layer", feature = "monite")), allow(dead_code, unused_imports, unused_macros))]

// Generated code names `accounting_sync::Secret` (typify's x-rust-type):
// the crate answers to its own name too.
extern crate self as accounting_sync;

// The facade, in dependency order: each module uses only those above it
// (the API modules and `webhooks`, at the end of this file, come last).
// `error` names no API: it keeps a vendor's error body type-erased.
// (Blank lines keep rustfmt from sorting the layers by name.)
mod body;
mod open_enum;
pub mod paging;
mod redact;
pub mod retry;
mod vendor;

pub mod fleet;
mod secret;

pub mod settings;

pub mod error;

pub mod auth;

pub mod transport;

pub use auth::{Auth, ClientCredentials};
pub use error::{Error, ErrorKind, FieldError, Result};
pub use fleet::{ClientStats, Pacing, RateLimit};
pub use paging::Page;
/// The HTTP method of a raw call ([`RawRequest`]): reqwest's (and `http`'s)
/// `Method`, so that no reqwest dependency is needed to name it.
pub use reqwest::Method;
pub use retry::{RetryBudget, RetryPolicy};
pub use secret::Secret;
pub use settings::{CallOptions, ConfigError, Settings};
pub use transport::RawRequest;
pub use vendor::Vendor;

/// With the `rustls` feature, reqwest's rustls comes without a crypto
/// provider: this makes aws-lc-rs (rustls's own default, with post-quantum
/// key exchange) the process's default, unless the application installed
/// one before (its choice is kept). Every accounting-sync client calls it
/// when it is built; call it yourself before building other reqwest clients
/// first in a program whose reqwest has no provider of its own (reqwest's
/// default features bring aws-lc-rs, which needs nothing).
#[cfg(feature = "rustls")]
pub fn install_crypto_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if rustls::crypto::CryptoProvider::get_default().is_none() {
            // Err means another thread installed one first: also fine.
            let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        }
    });
}

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
pub mod layer;
#[cfg(feature = "monite")]
#[cfg_attr(docsrs, doc(cfg(feature = "monite")))]
pub mod monite;
#[cfg(feature = "rebilly")]
#[cfg_attr(docsrs, doc(cfg(feature = "rebilly")))]
pub mod rebilly;
// Receiving each API's webhooks, with its types.
pub mod webhooks;
// Stand-ins of the APIs for tests, using the API modules and the facade.
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;
