//! The hand-written layer under accounting-sync's generated clients: the
//! transport every request goes through (credentials, pacing, retries,
//! bounded bodies, path guards), the one [`Error`], auth, settings, paging
//! and the decoding of open enums.
//!
//! Use it through `accounting-sync`, which re-exports it at the paths its
//! documentation shows. It is a crate of its own so that the generated
//! clients, which depend on it, can be crates of their own too: rustc's
//! memory grows with the size of a crate (BENCHMARKS.md, P13). Items marked
//! hidden are for the generated code and are not a stable interface.

#![warn(missing_docs)]

// The layers, in dependency order: each module uses only those above it.
// `error` names no API: it keeps a vendor's error body type-erased.
// (Blank lines keep rustfmt from sorting the layers by name.)
#[doc(hidden)]
pub mod body;
#[doc(hidden)]
pub mod open_enum;
pub mod paging;
#[doc(hidden)]
pub mod redact;
pub mod retry;
#[doc(hidden)]
pub mod vendor;

pub mod fleet;
#[doc(hidden)]
pub mod secret;

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
