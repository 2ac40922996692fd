//! One error type for the three APIs.
//!
//! Every generated operation returns `progenitor_client::Error<E>`, where `E`
//! is the API's error body. [`Error`] is built from it (`?` converts) and says
//! the same things the same way whatever the vendor: a stable [`ErrorKind`],
//! the HTTP status, the vendor's message and field errors, how long to wait
//! before retrying, the request id, and the body, typed when it parsed and raw
//! (bounded) when it did not.

mod channel;
mod kind;

pub(crate) use channel::{Failure, StashedBody, ERROR_BODY_LIMIT};
pub use kind::ErrorKind;

use crate::redact::{scrub, scrub_text};
use crate::retry::{is_retryable, status_outcome};
use crate::settings::ConfigError;
use crate::vendor::Vendor;
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
    /// DELETE, OPTIONS, or a call made with
    /// [`CallOptions::safe_to_retry`](crate::CallOptions::safe_to_retry)),
    /// also 502, 503, 504, timeouts and connections lost after sending. Token
    /// endpoint failures of those kinds too.
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

impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Self {
        let vendor = match &e {
            ConfigError::UnsupportedAuth { vendor, .. } => Some(*vendor),
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
