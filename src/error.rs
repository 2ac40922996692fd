//! One error type for the three APIs.
//!
//! Every generated operation returns `progenitor_client::Error<E>`, where `E`
//! is the API's error body. [`Error`] is built from it (`?` converts) and says
//! the same things the same way whatever the vendor: a stable [`ErrorKind`],
//! the HTTP status, the vendor's message and field errors, how long to wait
//! before retrying, the request id, and the body, typed when it parsed and raw
//! (bounded) when it did not.

use crate::redact::{scrub, scrub_text};
use crate::retry::{is_retryable, status_outcome, Outcome};
use crate::transport::StashedBody;
use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, LOCATION};
use reqwest::StatusCode;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// At most this many bytes of an unparsed body are kept in an [`Error`].
pub const RAW_BODY_LIMIT: usize = 4096;

/// Response headers that carry a request id, most specific first. Named
/// ahead of time: looking a header up by `&str` parses the name every call.
static REQUEST_ID_HEADERS: [HeaderName; 4] = [
    HeaderName::from_static("x-request-id"),
    HeaderName::from_static("request-id"),
    HeaderName::from_static("x-correlation-id"),
    HeaderName::from_static("x-amzn-requestid"),
];

/// The request id a response carries, if any.
pub(crate) fn request_id(headers: &HeaderMap) -> Option<&str> {
    REQUEST_ID_HEADERS.iter().find_map(|h| headers.get(h)?.to_str().ok())
}

/// Longest vendor message kept, in characters.
const MESSAGE_LIMIT: usize = 500;
/// Longest request id, field name or field message kept, in characters.
const SHORT_LIMIT: usize = 200;
/// Most field errors kept.
const FIELD_ERRORS_LIMIT: usize = 50;

/// `text` fit to print on one line: control characters escaped, at most
/// `limit` characters (a cut is marked with `…`).
pub(crate) fn printable(text: &str, limit: usize) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == limit {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    out
}

/// Why an exchange gave no usable response (or never started): what the
/// hooks hand to [`Error`] through a stand-in response, as the only way
/// through progenitor's generated code. Its texts are scrubbed of secrets
/// when it is made.
#[derive(Clone, Debug)]
pub(crate) struct Failure {
    pub kind: ErrorKind,
    pub outcome: Outcome,
    pub retryable: bool,
    pub status: Option<StatusCode>,
    pub message: String,
    pub raw_body: Bytes,
    pub source: Option<Arc<reqwest::Error>>,
}

impl Failure {
    /// A failure no retry would mend.
    pub(crate) fn new(kind: ErrorKind, message: impl AsRef<str>) -> Self {
        Failure {
            kind,
            outcome: Outcome::Final,
            retryable: false,
            status: None,
            message: scrub_text(message.as_ref()),
            raw_body: Bytes::new(),
            source: None,
        }
    }

    /// A transport failure, classified: no connection, connection lost after
    /// sending, timeout, or a response that is not valid HTTP.
    pub(crate) fn transport(e: reqwest::Error, context: &str) -> Self {
        let (kind, outcome) = classify(&e);
        let mut failure = Failure::new(kind, format!("{context}: {}", without_url_query(&e)));
        failure.outcome = outcome;
        failure.status = e.status();
        failure.source = Some(Arc::new(e));
        failure
    }

    /// A body over the limit.
    pub(crate) fn too_large(limit: usize) -> Self {
        Failure::new(ErrorKind::TooLarge, format!("the response body is larger than the limit of {limit} bytes; it was not read"))
    }

    /// The same failure, retryable as the one rule says for a request that
    /// is (or is not) safe to repeat.
    pub(crate) fn retryable_if(mut self, repeat_safe: bool) -> Self {
        self.retryable = is_retryable(self.outcome, repeat_safe);
        self
    }

    /// A stand-in response that carries this failure through progenitor to
    /// the conversion into [`Error`]. It is never seen as such.
    pub(crate) fn into_response(self) -> reqwest::Response {
        let mut response = http::Response::new(Bytes::new());
        *response.status_mut() = self.status.unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        response.extensions_mut().insert(self);
        reqwest::Response::from(response)
    }
}

/// The kind of a transport error, and what it means for a retry.
fn classify(e: &reqwest::Error) -> (ErrorKind, Outcome) {
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

/// The API an error came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Vendor {
    /// Rebilly (billing).
    Rebilly,
    /// Layer (embedded accounting).
    Layer,
    /// Monite (AP/AR).
    Monite,
}

impl Vendor {
    /// The vendor's name, as used in messages and tracing.
    pub fn name(self) -> &'static str {
        match self {
            Vendor::Rebilly => "Rebilly",
            Vendor::Layer => "Layer",
            Vendor::Monite => "Monite",
        }
    }
}

impl fmt::Display for Vendor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What went wrong, stable across vendors: match on this.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// 401: the credentials are missing, wrong or expired.
    Unauthorized,
    /// 403: the credentials may not do this.
    Forbidden,
    /// 404: no such resource.
    NotFound,
    /// 400 or 422: the server rejected the request's data; see
    /// [`Error::field_errors`].
    Validation,
    /// 429: too many requests; see [`Error::retry_after`].
    RateLimited,
    /// 409: the request conflicts with the resource's state.
    Conflict,
    /// 5xx: the server failed.
    Server,
    /// The request or the response body took longer than the timeout.
    Timeout,
    /// No connection could be made, or it broke. Retryable when nothing
    /// reached the server, or when the request is safe to repeat.
    Connect,
    /// The server answered with a redirect (3xx). Redirects are never
    /// followed, so that credentials stay with their origin; the message
    /// names the `Location`.
    Redirect,
    /// The response body was larger than
    /// [`Settings::max_response_bytes`](crate::Settings::max_response_bytes)
    /// (or the token limit); reading stopped at the limit.
    TooLarge,
    /// The response was not valid HTTP (a status line or header block that
    /// does not parse, or is too long).
    InvalidResponse,
    /// The response could not be decoded (malformed, truncated, or not what
    /// the API documents); see [`Error::raw_body`].
    Decode,
    /// Getting an access token failed (token endpoint error, bad client
    /// credentials).
    Auth,
    /// The caller's input cannot make a request (a required parameter is
    /// missing, a value breaks its documented constraints). Nothing was sent.
    InvalidRequest,
    /// Any other status the API does not document (405, 410…).
    Unexpected,
    /// The client could not be built from its settings (see
    /// [`ConfigError`](crate::ConfigError)); no call was made.
    Config,
}

impl ErrorKind {
    /// The kind an HTTP status means on its own.
    pub fn from_status(status: StatusCode) -> Self {
        match status.as_u16() {
            400 | 422 => ErrorKind::Validation,
            401 => ErrorKind::Unauthorized,
            403 => ErrorKind::Forbidden,
            404 => ErrorKind::NotFound,
            408 => ErrorKind::Timeout,
            409 => ErrorKind::Conflict,
            429 => ErrorKind::RateLimited,
            500..=599 => ErrorKind::Server,
            301 | 302 | 303 | 307 | 308 => ErrorKind::Redirect,
            _ => ErrorKind::Unexpected,
        }
    }

    fn label(self) -> &'static str {
        match self {
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::NotFound => "not found",
            ErrorKind::Validation => "validation failed",
            ErrorKind::RateLimited => "rate limited",
            ErrorKind::Conflict => "conflict",
            ErrorKind::Server => "server error",
            ErrorKind::Timeout => "timed out",
            ErrorKind::Connect => "connection failed",
            ErrorKind::Redirect => "redirect not followed",
            ErrorKind::TooLarge => "response too large",
            ErrorKind::InvalidResponse => "invalid HTTP response",
            ErrorKind::Decode => "undecodable response",
            ErrorKind::Auth => "authentication failed",
            ErrorKind::InvalidRequest => "invalid request",
            ErrorKind::Unexpected => "unexpected response",
            ErrorKind::Config => "invalid client settings",
        }
    }
}

/// One rejected field of a request, from Rebilly `invalidFields`, Monite
/// 422 `detail`, or Layer error `meta`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// Where the field is: dot-separated (`subObject.field2`,
    /// `body.items.0.quantity`).
    pub field: String,
    /// Why it was rejected.
    pub message: String,
}

/// The vendor's error body, typed.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum VendorBody {
    /// RFC 9457 problem details.
    #[cfg(feature = "rebilly")]
    Rebilly(crate::rebilly::types::ErrorBody),
    /// `{"errors": [ApiError…]}`.
    #[cfg(feature = "layer")]
    Layer(crate::layer::types::ApiErrorEnvelope),
    /// `{"error": {"message"}}` or, on 422, `{"detail": [...]}`.
    #[cfg(feature = "monite")]
    Monite(crate::monite::types::ErrorBody),
}

/// An API's error body: what [`Error`] needs to know of it.
pub trait VendorError: serde::de::DeserializeOwned + fmt::Debug + Send + Sync + 'static {
    /// The API.
    const VENDOR: Vendor;
    /// The vendor's own message, for people.
    fn message(&self) -> Option<String>;
    /// Field-level errors, when the body names fields.
    fn field_errors(&self) -> Vec<FieldError>;
    /// A kind the body states more precisely than the status does.
    fn kind_hint(&self) -> Option<ErrorKind> {
        None
    }
    /// The body as a [`VendorBody`].
    fn into_body(self) -> VendorBody;
}

/// A failed call to one of the APIs. See [`ErrorKind`] for what to match on.
///
/// `Display` gives one line with the vendor, status, kind, message, field
/// errors and request id. Secrets never appear in it. The details are boxed:
/// a `Result<T, Error>` stays one pointer wide on the error side.
pub struct Error(Box<Inner>);

struct Inner {
    kind: ErrorKind,
    retryable: bool,
    vendor: Option<Vendor>,
    status: Option<StatusCode>,
    message: Option<String>,
    field_errors: Vec<FieldError>,
    retry_after: Option<Duration>,
    request_id: Option<String>,
    body: Option<VendorBody>,
    raw_body: Option<Bytes>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl Error {
    fn bare(kind: ErrorKind, vendor: Option<Vendor>) -> Self {
        Error(Box::new(Inner {
            kind,
            retryable: false,
            vendor,
            status: None,
            message: None,
            field_errors: Vec::new(),
            retry_after: None,
            request_id: None,
            body: None,
            raw_body: None,
            source: None,
        }))
    }

    pub(crate) fn new(kind: ErrorKind, vendor: Vendor) -> Self {
        Error::bare(kind, Some(vendor))
    }

    /// Sets the message, scrubbed of secrets and bounded.
    pub(crate) fn with_message(mut self, message: impl AsRef<str>) -> Self {
        self.0.message = Some(printable(&scrub_text(message.as_ref()), MESSAGE_LIMIT));
        self
    }

    pub(crate) fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.0.source = Some(Box::new(source));
        self
    }

    /// Keeps the start of a body. Scrubbed first, then cut: no prefix of a
    /// secret is left at the cut.
    fn with_raw_body(mut self, body: &[u8]) -> Self {
        let scrubbed = scrub(body, false);
        self.0.raw_body = Some(Bytes::copy_from_slice(&scrubbed[..scrubbed.len().min(RAW_BODY_LIMIT)]));
        self
    }

    /// Status, retry hint and request id from response headers.
    fn with_response(mut self, status: StatusCode, headers: &HeaderMap) -> Self {
        self.0.status = Some(status);
        self.0.retry_after = crate::retry::retry_after(headers, std::time::SystemTime::now());
        self.0.request_id = request_id(headers).map(|id| printable(&scrub_text(id), SHORT_LIMIT));
        self
    }

    fn from_failure(failure: &Failure, vendor: Vendor) -> Self {
        let mut e = Error::new(failure.kind, vendor).with_message(&failure.message);
        e.0.retryable = failure.retryable;
        e.0.status = failure.status;
        if !failure.raw_body.is_empty() {
            e = e.with_raw_body(&failure.raw_body);
        }
        if let Some(source) = &failure.source {
            e = e.with_source(Arc::clone(source));
        }
        e
    }

    /// What went wrong.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }
    /// The API that was called (none for a client that could not be built).
    pub fn vendor(&self) -> Option<Vendor> {
        self.0.vendor
    }
    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<StatusCode> {
        self.0.status
    }
    /// The vendor's message (or ours, when there is none).
    pub fn message(&self) -> Option<&str> {
        self.0.message.as_deref()
    }
    /// The fields the server rejected, with why.
    pub fn field_errors(&self) -> &[FieldError] {
        &self.0.field_errors
    }
    /// How long the server asked to wait (`Retry-After`, or Rebilly's
    /// `X-RateLimit-Retry-After`).
    pub fn retry_after(&self) -> Option<Duration> {
        self.0.retry_after
    }
    /// The server's id for the request, to quote to the vendor's support.
    pub fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }
    /// The vendor's error body, when it parsed.
    pub fn body(&self) -> Option<&VendorBody> {
        self.0.body.as_ref()
    }
    /// The response body as received (at most [`RAW_BODY_LIMIT`] bytes,
    /// secrets masked), when it did not parse as the vendor's error.
    pub fn raw_body(&self) -> Option<&[u8]> {
        self.0.raw_body.as_deref()
    }
    /// Whether the same call may succeed if made again later. The rule is
    /// the one the client's own retries follow: 429; 503 with `Retry-After`;
    /// no connection made; and, for requests safe to repeat (GET, HEAD, PUT,
    /// DELETE, or with an `Idempotency-Key`), also 502, 503, 504, timeouts
    /// and connections lost after sending. Token endpoint failures of those
    /// kinds too.
    pub fn is_retryable(&self) -> bool {
        self.0.retryable
    }

    fn from_vendor_body<E: VendorError>(body: E, status: StatusCode, headers: &HeaderMap) -> Self {
        let kind = match ErrorKind::from_status(status) {
            // A generic status says less than the body.
            ErrorKind::Validation | ErrorKind::Unexpected => body.kind_hint().unwrap_or(ErrorKind::from_status(status)),
            kind => kind,
        };
        let mut e = Error::new(kind, E::VENDOR).with_response(status, headers);
        if let Some(message) = body.message() {
            e = e.with_message(message);
        }
        e.0.field_errors = bounded_fields(body.field_errors());
        e.0.body = Some(body.into_body());
        e
    }

    fn from_unexpected<E: VendorError>(response: &reqwest::Response) -> Self {
        if let Some(failure) = response.extensions().get::<Failure>() {
            return Error::from_failure(failure, E::VENDOR);
        }
        let status = response.status();
        let headers = response.headers();
        let Some(stash) = response.extensions().get::<StashedBody>() else {
            return Error::new(ErrorKind::from_status(status), E::VENDOR).with_response(status, headers);
        };
        let retryable = is_retryable(status_outcome(status, headers), stash.repeat_safe);
        let mut e = if let Some(failure) = &stash.read_error {
            Error::from_failure(failure, E::VENDOR).with_response(status, headers)
        } else if let Ok(body) = serde_json::from_slice::<E>(&stash.bytes) {
            let mut e = Error::from_vendor_body(body, status, headers);
            e.0.retryable = retryable;
            if e.0.message.is_some() {
                return e;
            }
            // It parsed, but says nothing the vendor's shape holds (every
            // field is optional): `{"message": "quota exceeded"}`.
            e
        } else {
            let mut e = Error::new(ErrorKind::from_status(status), E::VENDOR).with_response(status, headers);
            e.0.retryable = retryable;
            e
        };
        if e.0.kind == ErrorKind::Redirect {
            e = e.with_message(redirect_message("the server", headers));
        } else if stash.read_error.is_none() && e.0.message.is_none() {
            e = e.with_message(summary(&stash.bytes));
        }
        e.with_raw_body(&stash.bytes)
    }
}

/// What a redirect that was not followed says: where it pointed.
pub(crate) fn redirect_message(who: &str, headers: &HeaderMap) -> String {
    let target = headers.get(LOCATION).map(|l| String::from_utf8_lossy(l.as_bytes()).into_owned());
    format!(
        "{who} redirected to {}: not followed, credentials are only sent to the configured origin",
        target.as_deref().unwrap_or("(no Location header)")
    )
}

fn bounded_fields(fields: Vec<FieldError>) -> Vec<FieldError> {
    fields
        .into_iter()
        .take(FIELD_ERRORS_LIMIT)
        .map(|f| FieldError {
            field: printable(&scrub_text(&f.field), SHORT_LIMIT),
            message: printable(&scrub_text(&f.message), SHORT_LIMIT),
        })
        .collect()
}

/// A short, printable account of a body that is not the vendor's error:
/// a JSON body of another shape gives its message from a common field.
fn summary(body: &[u8]) -> String {
    if body.is_empty() {
        return "empty response body".into();
    }
    if let Ok(serde_json::Value::Object(fields)) = serde_json::from_slice::<serde_json::Value>(body) {
        let text = |v: &serde_json::Value| v.as_str().map(str::to_string);
        let found = ["message", "error", "detail", "title", "error_description"].iter().find_map(|key| match fields.get(*key)? {
            serde_json::Value::Object(inner) => inner.get("message").and_then(text),
            other => text(other),
        });
        if let Some(message) = found {
            return message;
        }
    }
    let text = String::from_utf8_lossy(&body[..body.len().min(200)]);
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.trim_start().starts_with('<') {
        format!("non-JSON body (HTML?): {flat}")
    } else {
        format!("body not in the documented error format: {flat}")
    }
}

impl<E: VendorError> From<progenitor_client::Error<E>> for Error {
    fn from(error: progenitor_client::Error<E>) -> Self {
        use progenitor_client::Error as P;
        match error {
            P::InvalidRequest(message) => Error::new(ErrorKind::InvalidRequest, E::VENDOR).with_message(message),
            // The hooks read every body and carry every transport failure
            // themselves; these arise only if a request cannot be built.
            P::CommunicationError(e) | P::ResponseBodyError(e) | P::InvalidUpgrade(e) => {
                Error::from_failure(&Failure::transport(e, "the request failed"), E::VENDOR)
            }
            P::ErrorResponse(value) => {
                let status = value.status();
                let headers = value.headers().clone();
                Error::from_vendor_body(value.into_inner(), status, &headers)
            }
            P::InvalidResponsePayload(bytes, e) => Error::new(ErrorKind::Decode, E::VENDOR)
                .with_message(format!("the response does not match the documented type: {e}"))
                .with_raw_body(&bytes)
                .with_source(e),
            P::UnexpectedResponse(response) => Error::from_unexpected::<E>(&response),
            P::Custom(message) => Error::new(ErrorKind::Unexpected, E::VENDOR).with_message(message),
        }
    }
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

impl From<crate::ConfigError> for Error {
    fn from(e: crate::ConfigError) -> Self {
        let vendor = match &e {
            crate::ConfigError::UnsupportedAuth { vendor, .. } => Some(*vendor),
            _ => None,
        };
        let message = e.to_string();
        Error::bare(ErrorKind::Config, vendor).with_message(message).with_source(e)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Every server-provided text here was escaped and bounded when kept.
        match self.0.vendor {
            Some(vendor) => write!(f, "{vendor}")?,
            None => f.write_str("accounting-sync")?,
        }
        if let Some(status) = self.0.status {
            write!(f, " HTTP {}", status.as_u16())?;
        }
        write!(f, " {}", self.0.kind.label())?;
        if let Some(message) = &self.0.message {
            write!(f, ": {message}")?;
        }
        if !self.0.field_errors.is_empty() {
            let fields: Vec<String> = self.0.field_errors.iter().take(10).map(|e| format!("{}: {}", e.field, e.message)).collect();
            let more = self.0.field_errors.len().saturating_sub(10);
            write!(f, " [{}{}]", fields.join("; "), if more > 0 { format!("; {more} more") } else { String::new() })?;
        }
        if let Some(wait) = self.0.retry_after {
            write!(f, " (retry after {}s)", wait.as_secs())?;
        }
        if let Some(id) = &self.0.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.0.kind)
            .field("retryable", &self.0.retryable)
            .field("vendor", &self.0.vendor)
            .field("status", &self.0.status)
            .field("message", &self.0.message)
            .field("field_errors", &self.0.field_errors)
            .field("retry_after", &self.0.retry_after)
            .field("request_id", &self.0.request_id)
            .field("body", &self.0.body)
            .field("raw_body", &self.0.raw_body.as_ref().map(|b| String::from_utf8_lossy(b).into_owned()))
            .finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source.as_deref().map(|e| e as &(dyn std::error::Error + 'static))
    }
}
