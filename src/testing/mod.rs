//! In-process stand-ins of the three APIs, for testing code that uses these
//! clients without a network (feature `testing`).
//!
//! [`rebilly()`], [`layer()`] and [`monite()`] each start a server on
//! 127.0.0.1 (a random port) and hand out a client already pointed at it,
//! with credentials the stand-in accepts (Layer's and Monite's token
//! endpoints are served: the client gets its tokens as in production).
//!
//! - **Typed expectations**, generated for every operation (one method per
//!   operation on each stand-in, named like the client's): match on the
//!   values the client's builder takes, answer with a typed response, a
//!   vendor error (status and the vendor's typed error body), a 429 with
//!   `Retry-After`, a delay or a dropped connection; expect a number of
//!   calls; read back what was received, typed ([`Mounted::received`]).
//! - **Strict by default**: each request is checked against its operation in
//!   the crate's normalized document (required parameters, types, formats,
//!   enums, the body's schema). A request the real API would refuse is
//!   answered with the vendor's validation error and fails the test, naming
//!   the operation, the field and the rule. [`Server::relaxed`] turns the
//!   checks off.
//! - **Scenarios**: lists paged the vendor's way, [`Server::rate_limit_next`],
//!   [`Server::expire_token`], [`Server::fail_next`], [`Server::drop_next`].
//! - [`settings`] for fast tests, and [`sample`] values of any model, valid
//!   per the document.
//!
//! A stand-in checks itself when dropped (unmet call counts, requests no
//! expectation matched, strict-mode failures) and panics with the list, like
//! wiremock's `MockServer`; [`Server::verify`] does the same at a chosen point.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! use accounting_sync::testing::{self, sample};
//! use accounting_sync::monite::types;
//!
//! let api = testing::monite().await;
//! let record: types::SyncRecordResource = sample();
//! let pushed = api.post_accounting_synced_records_id_push().synced_record_id(record.id).respond(record.clone());
//! let got = api.client().post_accounting_synced_records_id_push().synced_record_id(record.id).send().await.unwrap();
//! assert_eq!(got.into_inner(), record);
//! assert_eq!(pushed.received().len(), 1);
//! # }
//! ```

/// The document extensions the stand-ins read (spec-core's names,
/// written by build.rs).
mod extensions {
    include!(concat!(env!("OUT_DIR"), "/extensions.rs"));
}
mod pagers;
mod sample;
mod server;
mod stand_in;
mod strict;

#[cfg(feature = "layer")]
#[cfg_attr(docsrs, doc(cfg(feature = "layer")))]
pub mod layer;
#[cfg(feature = "monite")]
#[cfg_attr(docsrs, doc(cfg(feature = "monite")))]
pub mod monite;
#[cfg(feature = "rebilly")]
#[cfg_attr(docsrs, doc(cfg(feature = "rebilly")))]
pub mod rebilly;

pub use sample::{sample, samples, Sample};
pub use server::{Expectation, Location, Mounted, Operation, Received, Server};
pub use stand_in::StandIn;
pub use strict::Api;
pub(crate) use strict::OpSpec;

/// One operation of a client called with samples (each API's generated
/// `CALLS`): every parameter and the JSON body sampled from the document
/// the client was generated from, sent through the client (credentials,
/// retries, the crate's [`Error`](crate::Error)). For checking what a mock
/// server or a sandbox answers every operation (`cargo xtask sweep-facade`
/// runs them against Prism serving the vendors' documents), or that a
/// client decodes what a stand-in answers (the crate's own test).
pub struct Call<C: 'static> {
    /// progenitor's name for the operation (the client's method).
    pub operation: &'static str,
    /// The credentials the operation takes, any one of them, in the
    /// document's order (Rebilly's storefront operations take a customer's
    /// JWT where the others take the secret API key).
    pub credentials: &'static [Credential],
    /// Sends the call with `client`; the answer is decoded, then dropped.
    pub run: for<'a> fn(&'a C) -> CallFuture<'a>,
}

/// What a [`Call`] runs: the call, sent and its answer decoded.
pub type CallFuture<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), crate::Error>> + Send + 'a>>;

/// A credential an operation takes, as its document's security schemes
/// say.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Credential {
    /// `Authorization: Bearer <token>`: an access token or a JWT.
    Bearer,
    /// A key in the named header.
    Header(&'static str),
    /// None: the operation is public.
    None,
}

impl<C> std::fmt::Debug for Call<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call").field("operation", &self.operation).finish_non_exhaustive()
    }
}

use crate::{Pacing, RetryPolicy, Settings};
use std::time::Duration;

/// A Rebilly stand-in and a client for it (see [`rebilly::StandIn`]).
#[cfg(feature = "rebilly")]
#[cfg_attr(docsrs, doc(cfg(feature = "rebilly")))]
pub async fn rebilly() -> rebilly::StandIn {
    rebilly::StandIn::start().await
}

/// A Layer stand-in, its OAuth token endpoint included, and a client for it
/// (see [`layer::StandIn`]).
#[cfg(feature = "layer")]
#[cfg_attr(docsrs, doc(cfg(feature = "layer")))]
pub async fn layer() -> layer::StandIn {
    layer::StandIn::start().await
}

/// A Monite stand-in, its token endpoint included, and a client for it
/// acting for the stand-in's entity (see [`monite::StandIn`]).
#[cfg(feature = "monite")]
#[cfg_attr(docsrs, doc(cfg(feature = "monite")))]
pub async fn monite() -> monite::StandIn {
    monite::StandIn::start().await
}

/// [`Settings`] for tests: retries after a millisecond instead of after
/// seconds (a server's `Retry-After` is still followed, up to 5 s), 5 s
/// timeouts, no retry budget and no pacing, so that a test runs fast and
/// its calls do not depend on each other's history.
pub fn settings() -> Settings {
    Settings {
        retry: RetryPolicy {
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_secs(5),
            max_total_delay: Duration::from_secs(10),
            budget: None,
            ..RetryPolicy::default()
        },
        pacing: Pacing::off(),
        connect_timeout: Duration::from_secs(5),
        request_timeout: Duration::from_secs(5),
        token_timeout: Duration::from_secs(5),
        ..Settings::default()
    }
}

#[cfg(test)]
mod tests {
    /// Every model of every enabled API has a sample valid per its document
    /// (`sample` checks it with the same validator as strict mode).
    #[test]
    fn every_model_has_a_valid_sample() {
        let mut checks: Vec<(&str, fn())> = Vec::new();
        #[cfg(feature = "rebilly")]
        checks.extend(super::rebilly::SAMPLE_CHECKS);
        #[cfg(feature = "layer")]
        checks.extend(super::layer::SAMPLE_CHECKS);
        #[cfg(feature = "monite")]
        checks.extend(super::monite::SAMPLE_CHECKS);
        let failed: Vec<String> = checks
            .iter()
            .filter_map(|(name, check)| std::panic::catch_unwind(check).err().map(|e| format!("{name}: {:?}", e.downcast_ref::<String>())))
            .collect();
        assert!(checks.len() > 30, "{}", checks.len());
        assert!(failed.is_empty(), "{failed:#?}");
    }
}
