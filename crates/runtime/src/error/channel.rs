//! How a failure reaches [`Error`](crate::Error) from the request hooks.
//!
//! progenitor's generated `send_unmapped` calls our `pre`, `exec` and `post`
//! hooks, but their signatures leave no room for our error type, and this
//! is the one reason for the stand-in responses below:
//! - `pre` and `post` return `progenitor_client::Error<E>` for any `E`, so
//!   they can make only the variants without an `E`, and of those only
//!   `UnexpectedResponse(reqwest::Response)` holds more than a string: a
//!   response's extensions are the one place a typed value can ride in.
//! - `exec` returns `reqwest::Result<Response>`, and a `reqwest::Error`
//!   cannot be made outside reqwest: a failure there must be a response.
//! - `post` gets that response by reference, so it hands on a copy.
//!
//! Keeping the failure in the client instead, now that `Error::from_call`
//! has the client at hand, would not do: one client's calls run at once,
//! and the hooks are told no call's identity, only the operation's.
//!
//! So, in a generated call, a failure travels as a response that carries,
//! in its extensions, one of the values below: `exec` returns it as its
//! answer (`ClientContext::execute`) and `post` hands it on as progenitor's
//! `Error::UnexpectedResponse`, the variant `pre` returns itself (the
//! `client_hooks!` macro). The transport under the hooks returns a plain
//! `Result<Response, Failure>`, which a raw call, having no hooks, uses as
//! it is. `Error::from_call` (which the generated `send` calls with its
//! client) is the one place that reads the responses:
//! - [`Failure`]: nothing usable came back (no connection, timeout, a body
//!   over the limit, a path that changed shape, a token that could not be
//!   had). The response is a stand-in; its status means nothing.
//! - [`StashedBody`]: an error status came back; its body was read ahead,
//!   bounded and scrubbed, while the connection was ours to read.
//!
//! Every response the transport returns also carries the [`Answer`] of its
//! attempt (but for [`Answer::SETTLED`], which a response without one reads
//! as), so that no header is parsed again for the error.

use super::kind::ErrorKind;
use crate::redact::Secrets;
use crate::retry::{is_retryable, may_have_acted, Outcome};
use bytes::Bytes;
use reqwest::StatusCode;
use std::sync::Arc;
use std::time::Duration;

/// Why an exchange gave no usable response (or never started). Its texts
/// are scrubbed of the client's secrets when it is made.
#[derive(Clone, Debug)]
#[doc(hidden)]
pub struct Failure {
    pub kind: ErrorKind,
    pub outcome: Outcome,
    pub retryable: bool,
    pub status: Option<StatusCode>,
    pub message: String,
    pub raw_body: Bytes,
    pub source: Option<Arc<reqwest::Error>>,
    /// A retry it would have had was refused by the client's retry budget.
    pub budget_spent: bool,
    /// The server may have acted on the request (this attempt's outcome, or
    /// an earlier attempt's): see [`crate::retry::may_have_acted`].
    pub may_have_acted: bool,
}

impl Failure {
    /// A failure no retry would mend, its message scrubbed of `secrets`.
    #[doc(hidden)]
    pub fn new(kind: ErrorKind, message: impl AsRef<str>, secrets: &Secrets) -> Self {
        Failure::ours(kind, secrets.scrub_text(message.as_ref()))
    }

    /// [`new`](Self::new) for a message that holds no text from outside.
    fn ours(kind: ErrorKind, message: String) -> Self {
        Failure {
            kind,
            outcome: Outcome::Final,
            retryable: false,
            status: None,
            message,
            raw_body: Bytes::new(),
            source: None,
            budget_spent: false,
            may_have_acted: false,
        }
    }

    /// A transport failure, classified: no connection, connection lost after
    /// sending, timeout, or a response that is not valid HTTP.
    #[doc(hidden)]
    pub fn transport(e: reqwest::Error, context: &str, secrets: &Secrets) -> Self {
        let (kind, outcome) = classify(&e);
        let mut failure = Failure::new(kind, format!("{context}: {}", without_url_query(&e)), secrets);
        failure.outcome = outcome;
        failure.status = e.status();
        // A connection that was never made (a connect timeout included:
        // reqwest counts it as both) carried nothing. A response that is not
        // valid HTTP, or any failure we cannot place, came after sending.
        failure.may_have_acted = !e.is_connect()
            && (may_have_acted(outcome) || matches!(kind, ErrorKind::InvalidResponse | ErrorKind::Decode | ErrorKind::Unexpected));
        failure.source = Some(Arc::new(e));
        failure
    }

    /// The same failure, for a request that was not sent (a token that could
    /// not be had): whatever the token endpoint did, the API did nothing.
    #[doc(hidden)]
    pub fn unsent(mut self) -> Self {
        self.may_have_acted = false;
        self
    }

    /// A body over the limit.
    #[doc(hidden)]
    pub fn too_large(limit: usize) -> Self {
        Failure::ours(ErrorKind::TooLarge, format!("the response body is larger than the limit of {limit} bytes; it was not read"))
    }

    /// The same failure, retryable as the one rule says for a request that
    /// is (or is not) safe to repeat.
    #[doc(hidden)]
    pub fn retryable_if(mut self, repeat_safe: bool) -> Self {
        self.retryable = is_retryable(self.outcome, repeat_safe);
        self
    }

    /// A stand-in response that carries this failure through progenitor to
    /// the conversion into [`Error`]: made by the `pre` and `exec` hooks
    /// only (see the module's docs for why a response). It is never seen
    /// as such.
    #[doc(hidden)]
    pub fn into_response(self) -> reqwest::Response {
        let mut response = http::Response::new(Bytes::new());
        *response.status_mut() = self.status.unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        response.extensions_mut().insert(self);
        reqwest::Response::from(response)
    }
}

/// The kind of a transport error, and what it means for a retry.
#[doc(hidden)]
pub fn classify(e: &reqwest::Error) -> (ErrorKind, Outcome) {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(cause) = source {
        if let Some(h) = cause.downcast_ref::<hyper::Error>() {
            // A status line or header block that cannot be parsed, or is too
            // long (hyper's parse errors include "too large").
            if h.is_parse() || h.is_parse_status() {
                return (ErrorKind::InvalidResponse, Outcome::Final);
            }
        }
        source = cause.source();
    }
    if e.is_timeout() {
        (ErrorKind::Timeout, Outcome::TimedOut)
    } else if e.is_connect() {
        (ErrorKind::Connect, Outcome::NotConnected)
    } else if e.is_redirect() {
        (ErrorKind::Redirect, Outcome::Final)
    } else if e.is_builder() {
        (ErrorKind::InvalidRequest, Outcome::Final)
    } else if e.is_request() || e.is_body() {
        (ErrorKind::Connect, Outcome::Lost)
    } else if e.is_decode() {
        (ErrorKind::Decode, Outcome::Final)
    } else {
        (ErrorKind::Unexpected, Outcome::Final)
    }
}

/// Error bodies longer than this are cut (they are read to show the error).
#[doc(hidden)]
pub const ERROR_BODY_LIMIT: usize = 64 << 10;

/// An error response as the `exec` hook saw it: its body read ahead, with
/// every secret of the client masked.
#[derive(Clone, Debug)]
#[doc(hidden)]
pub struct StashedBody {
    pub bytes: Bytes,
    /// Why the body could not be read in full, if it could not.
    pub read_error: Option<Failure>,
}

/// What the attempt that got a response came to, decided once in the
/// transport's loop, where `Retry-After` is parsed for the retry decision:
/// carried with every response it returns (success or error), so that the
/// error reads these and parses no header again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[doc(hidden)]
pub struct Answer {
    /// The wait the response asked for (`Retry-After` and kin).
    pub retry_after: Option<Duration>,
    /// Whether the same call may succeed later: the retry rule's answer for
    /// this status and the call's retry safety.
    pub retryable: bool,
    /// The server may have acted on the call: this status says so, or an
    /// earlier attempt's outcome did.
    pub may_have_acted: bool,
    /// A retry it would have had was refused by the client's retry budget.
    pub budget_spent: bool,
}

impl Answer {
    /// What a success without `Retry-After` comes to: acted on, nothing to
    /// wait for or retry. The transport leaves it off the responses it
    /// returns (most of them), and a response without an answer reads as it.
    #[doc(hidden)]
    pub const SETTLED: Answer = Answer { retry_after: None, retryable: false, may_have_acted: true, budget_spent: false };
}

/// reqwest's message with the URL's query left out: queries can carry
/// identifiers a log should not.
fn without_url_query(e: &reqwest::Error) -> String {
    let text = e.to_string();
    match e.url().and_then(|u| u.query().map(|q| (u.as_str().to_string(), q.to_string()))) {
        Some((url, query)) => text.replace(&url, &url.replace(&format!("?{query}"), "")),
        None => text,
    }
}
