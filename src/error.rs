//! One error type for the three APIs.
//!
//! Every generated operation returns `progenitor_client::Error<E>`, where `E`
//! is the API's error body. [`Error`] is built from it (`?` converts) and says
//! the same things the same way whatever the vendor: a stable [`ErrorKind`],
//! the HTTP status, the vendor's message and field errors, how long to wait
//! before retrying, the request id, and the body, typed when it parsed and raw
//! (bounded) when it did not.

use crate::auth::TokenFailure;
use crate::transport::StashedBody;
use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName};
use reqwest::StatusCode;
use std::fmt;
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
    /// No connection could be made, or it broke.
    Connect,
    /// The response could not be decoded (malformed, truncated, or not what
    /// the API documents); see [`Error::raw_body`].
    Decode,
    /// Getting an access token failed (token endpoint error, bad client
    /// credentials).
    Auth,
    /// The caller's input cannot make a request (a required parameter is
    /// missing, a value breaks its documented constraints). Nothing was sent.
    InvalidRequest,
    /// Any other status the API does not document (3xx, 405, 410…).
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
    pub(crate) fn new(kind: ErrorKind, vendor: Vendor) -> Self {
        Error(Box::new(Inner {
            kind,
            vendor: Some(vendor),
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

    pub(crate) fn with_message(mut self, message: impl Into<String>) -> Self {
        self.0.message = Some(message.into());
        self
    }

    pub(crate) fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.0.source = Some(Box::new(source));
        self
    }

    fn with_raw_body(mut self, body: &[u8]) -> Self {
        self.0.raw_body = Some(Bytes::copy_from_slice(&body[..body.len().min(RAW_BODY_LIMIT)]));
        self
    }

    /// Status, retry hint and request id from response headers.
    fn with_response(mut self, status: StatusCode, headers: &HeaderMap) -> Self {
        self.0.status = Some(status);
        self.0.retry_after = crate::retry::retry_after(headers, std::time::SystemTime::now());
        self.0.request_id = request_id(headers).map(str::to_string);
        self
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
    /// The response body as received (at most [`RAW_BODY_LIMIT`] bytes), when
    /// it did not parse as the vendor's error.
    pub fn raw_body(&self) -> Option<&[u8]> {
        self.0.raw_body.as_deref()
    }
    /// Whether the same call may succeed if tried again later (rate limits,
    /// timeouts, lost connections, gateway errors).
    pub fn is_retryable(&self) -> bool {
        match self.0.kind {
            ErrorKind::RateLimited | ErrorKind::Timeout | ErrorKind::Connect => true,
            ErrorKind::Server => matches!(self.0.status.map(|s| s.as_u16()), Some(502..=504)),
            _ => false,
        }
    }

    fn from_vendor_body<E: VendorError>(body: E, status: StatusCode, headers: &HeaderMap) -> Self {
        let kind = match ErrorKind::from_status(status) {
            // A generic status says less than the body.
            ErrorKind::Validation | ErrorKind::Unexpected => body.kind_hint().unwrap_or(ErrorKind::from_status(status)),
            kind => kind,
        };
        let mut e = Error::new(kind, E::VENDOR).with_response(status, headers);
        e.0.message = body.message();
        e.0.field_errors = body.field_errors();
        e.0.body = Some(body.into_body());
        e
    }

    fn from_unexpected<E: VendorError>(response: &reqwest::Response) -> Self {
        if let Some(failure) = response.extensions().get::<TokenFailure>() {
            let mut e = Error::new(ErrorKind::Auth, E::VENDOR).with_message(failure.message.clone());
            e.0.status = failure.status;
            if !failure.raw_body.is_empty() {
                e = e.with_raw_body(&failure.raw_body);
            }
            return e;
        }
        let status = response.status();
        let mut e = Error::new(ErrorKind::from_status(status), E::VENDOR).with_response(status, response.headers());
        let Some(stash) = response.extensions().get::<StashedBody>() else { return e };
        if let Some(failure) = &stash.read_error {
            e.0.kind = if failure.timed_out { ErrorKind::Timeout } else { ErrorKind::Decode };
            e.0.message = Some(format!("the response body could not be read in full: {}", failure.message));
        } else if let Ok(body) = serde_json::from_slice::<E>(&stash.bytes) {
            return Error::from_vendor_body(body, status, response.headers());
        } else if stash.bytes.is_empty() {
            e.0.message = Some("empty response body".into());
        } else {
            e.0.message = Some(summary(&stash.bytes));
        }
        e.with_raw_body(&stash.bytes)
    }
}

/// A short, printable account of a body that is not the vendor's error.
fn summary(body: &[u8]) -> String {
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
            P::CommunicationError(e) => transport_error::<E>(e),
            P::ResponseBodyError(e) if e.is_timeout() => transport_error::<E>(e),
            P::ResponseBodyError(e) => {
                Error::new(ErrorKind::Decode, E::VENDOR).with_message(format!("the response body could not be read: {e}")).with_source(e)
            }
            P::InvalidUpgrade(e) => transport_error::<E>(e),
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

fn transport_error<E: VendorError>(e: reqwest::Error) -> Error {
    let kind = if e.is_timeout() { ErrorKind::Timeout } else { ErrorKind::Connect };
    let mut out = Error::new(kind, E::VENDOR).with_message(without_url_query(&e));
    out.0.status = e.status();
    out.with_source(e)
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
        let mut out = Error::new(ErrorKind::Config, Vendor::Rebilly).with_message(message).with_source(e);
        out.0.vendor = vendor;
        out
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.vendor {
            Some(vendor) => write!(f, "{vendor}")?,
            None => f.write_str("accounting-sync")?,
        }
        if let Some(status) = self.0.status {
            write!(f, " HTTP {}", status.as_u16())?;
        }
        write!(f, " {}", self.0.kind.label())?;
        if let Some(message) = &self.0.message {
            write!(f, ": {}", message.lines().next().unwrap_or_default())?;
        }
        if !self.0.field_errors.is_empty() {
            let fields: Vec<String> = self.0.field_errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect();
            write!(f, " [{}]", fields.join("; "))?;
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
