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
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use accounting_sync::monite::{self, Environment};
//! use accounting_sync::Auth;
//!
//! let client = monite::Client::with_environment(Environment::Sandbox, Auth::bearer("access-token"))?
//!     .for_entity("9d2b4c8f-2087-4738-ba91-7359683c49a4".parse()?);
//! let page = client
//!     .get_accounting_synced_records()
//!     .object_type(monite::types::ObjectMatchTypes::Receivable)
//!     .send()
//!     .await?;
//! for record in &page.data {
//!     println!("{} {:?}", record.id, record.sync_status);
//! }
//! # Ok(()) }
//! ```
//!
//! A call returns `Result<ResponseValue<T>, Error<E>>` where `E` is the API's
//! error body; an error status the document declares decodes into
//! `Error::ErrorResponse` holding it:
//!
//! ```no_run
//! # async fn run(client: accounting_sync::monite::Client) {
//! use accounting_sync::monite::Error;
//!
//! match client.get_accounting_connections().send().await {
//!     Ok(list) => println!("{} connections", list.data.len()),
//!     Err(Error::ErrorResponse(e)) => {
//!         let message = e.error.as_ref().map(|m| m.message.as_str());
//!         eprintln!("{}: {message:?}, fields: {:?}", e.status(), e.detail);
//!     }
//!     Err(other) => eprintln!("{other}"),
//! }
//! # }
//! ```
#![warn(missing_docs)]

// With some API features off, parts of the shared transport go unused.
#[cfg_attr(not(all(feature = "rebilly", feature = "layer", feature = "monite")), allow(dead_code, unused_macros, unused_imports))]
pub mod transport;

pub mod auth;
pub mod error;
pub mod retry;

pub use auth::{Auth, ClientCredentials};
pub use error::{Error, ErrorKind, FieldError, Result, Vendor, VendorBody};
pub use retry::RetryPolicy;
pub use transport::{ConfigError, Settings};

/// The README's examples, compiled as doc tests.
#[cfg(all(doctest, feature = "monite"))]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

#[cfg(feature = "layer")]
pub mod layer;
#[cfg(feature = "monite")]
pub mod monite;
#[cfg(feature = "rebilly")]
pub mod rebilly;
