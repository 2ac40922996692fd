//! What happens around every request of every generated client, through
//! progenitor's hooks:
//!
//! - `pre`: the client's own headers (credentials, Monite's context headers);
//!   an access token from the [`TokenCache`](crate::auth) when the client
//!   uses client credentials; a check that the path parameters did not
//!   change the shape of the path.
//! - `exec`: sending, with retries under the [`RetryPolicy`], one token
//!   refresh and retry on a 401, a tracing span, and the whole body read
//!   here, bounded (a success body up to [`Settings::max_response_bytes`],
//!   an error body cut at 64 KiB and scrubbed of secrets).
//! - `post`: every failure (an error status, a transport failure, an
//!   over-limit body) is handed on with what [`Error`](crate::Error) needs.
//!
//! Redirects are never followed: none of these APIs redirects, and a
//! redirect is the way a credential would leave its origin. A 3xx is an
//! error of kind [`Redirect`](crate::ErrorKind::Redirect) naming the target.

use crate::auth::{TokenCache, TokenRequest};
use crate::error::{request_id, ErrorKind, Failure, Vendor};
use crate::redact::Secrets;
use crate::retry::{self, is_retryable, retry_after, status_outcome, RetryPolicy};
use bytes::{Bytes, BytesMut};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION};
use reqwest::{Request, Response, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;
use tracing::Instrument;

pub use crate::auth::Auth;

/// How a client connects, waits, retries, and how much it reads.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Retries of failed requests.
    pub retry: RetryPolicy,
    /// Time allowed to open a connection.
    pub connect_timeout: Duration,
    /// Time allowed for one attempt, response body included.
    pub request_timeout: Duration,
    /// Time allowed for getting an access token, all of it: one fetch is
    /// shared by every call waiting for a token, and so is its failure.
    pub token_timeout: Duration,
    /// Largest response body read; a larger one fails the call with
    /// [`ErrorKind::TooLarge`](crate::ErrorKind::TooLarge) as soon as the
    /// limit is passed, without reading the rest.
    pub max_response_bytes: usize,
    /// Largest token endpoint response read.
    pub max_token_response_bytes: usize,
    /// Headers sent with every request besides the client's own (a proxy's
    /// header, a mock server's `Prefer`). The client's own win on a clash.
    pub extra_headers: HeaderMap,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            retry: RetryPolicy::default(),
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            token_timeout: Duration::from_secs(30),
            max_response_bytes: 32 << 20,
            max_token_response_bytes: 64 << 10,
            extra_headers: HeaderMap::new(),
        }
    }
}

/// A client that cannot be built from the settings given.
#[derive(Debug)]
#[non_exhaustive]
pub enum ConfigError {
    /// The base URL does not parse or is not http(s).
    BaseUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A credential cannot be sent in an HTTP header (control characters,
    /// non-ASCII). The credential itself is not repeated here.
    Credential,
    /// This kind of credential does not apply to this API.
    UnsupportedAuth {
        /// The API.
        vendor: Vendor,
        /// What it takes instead.
        expected: &'static str,
    },
    /// A setting that goes into a URL or header is not acceptable.
    Setting {
        /// Which setting.
        name: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The HTTP client could not be built (TLS backend).
    Http(reqwest::Error),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::BaseUrl { url, reason } => write!(f, "invalid base URL {url:?}: {reason}"),
            ConfigError::Credential => f.write_str("the credential contains characters an HTTP header cannot carry"),
            ConfigError::UnsupportedAuth { vendor, expected } => write!(f, "{vendor} takes {expected}"),
            ConfigError::Setting { name, reason } => write!(f, "invalid {name}: {reason}"),
            ConfigError::Http(e) => write!(f, "cannot build the HTTP client: {e}"),
        }
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConfigError::Http(e) => Some(e),
            _ => None,
        }
    }
}

/// A credential resolved for one API: a header to send as is, or a way to
/// get tokens.
pub(crate) enum Credential {
    Header(HeaderName, SecretString),
    Token(TokenRequest),
    None,
}

/// Header names used on every request, parsed once.
static API_VERSION: HeaderName = HeaderName::from_static("api-version");
static IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");

impl Credential {
    /// `Authorization: Bearer <token>`, sent as is.
    pub(crate) fn bearer(token: &SecretString) -> Self {
        Credential::Header(AUTHORIZATION, format!("Bearer {}", token.expose_secret()).into())
    }
}

/// `(progenitor's operation name, method, path template)` of each operation
/// of an API, generated by build.rs.
pub(crate) type OperationTable = &'static [(&'static str, &'static str, &'static str)];

/// The state a generated client carries (progenitor's "inner type").
/// Cloning is cheap: clones share the token cache.
#[derive(Clone)]
pub struct ClientContext {
    vendor: Vendor,
    headers: Arc<HeaderMap>,
    token: Option<Arc<TokenCache>>,
    retry: RetryPolicy,
    operations: OperationTable,
    /// The base URL's path segments, which every request path starts with.
    base_segments: Arc<[String]>,
    max_response_bytes: usize,
    /// This client's secrets, registered for masking while it lives.
    _secrets: Arc<Secrets>,
}

impl fmt::Debug for ClientContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header values holding secrets are marked sensitive and print as such.
        f.debug_struct("ClientContext")
            .field("vendor", &self.vendor)
            .field("headers", &self.headers)
            .field("token", &self.token)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl ClientContext {
    /// The context and HTTP client for one API, whose requests go under
    /// `base_url` (checked by [`base_url`]).
    pub(crate) fn new(
        vendor: Vendor,
        credential: Credential,
        settings: &Settings,
        base_url: &str,
        operations: OperationTable,
    ) -> Result<(Self, reqwest::Client), ConfigError> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("accounting-sync/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.request_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(ConfigError::Http)?;
        let secrets = Secrets::registered();
        let mut headers = settings.extra_headers.clone();
        let mut token = None;
        match credential {
            Credential::Header(name, value) => {
                let text = value.expose_secret();
                secrets.add(text);
                if let Some(bearer) = text.strip_prefix("Bearer ") {
                    secrets.add(bearer);
                }
                let mut value = HeaderValue::from_str(text).map_err(|_| ConfigError::Credential)?;
                value.set_sensitive(true);
                headers.insert(name, value);
            }
            Credential::Token(request) => {
                request.register_secrets(&secrets);
                token = Some(Arc::new(TokenCache::new(vendor, request, http.clone(), settings, secrets.clone())));
            }
            Credential::None => {}
        }
        let base = reqwest::Url::parse(base_url).map_err(|e| ConfigError::BaseUrl { url: base_url.into(), reason: e.to_string() })?;
        let base_segments = base.path_segments().map(|s| s.filter(|s| !s.is_empty()).map(str::to_string).collect()).unwrap_or_default();
        let context = ClientContext {
            vendor,
            headers: Arc::new(headers),
            token,
            retry: settings.retry.clone(),
            operations,
            base_segments,
            max_response_bytes: settings.max_response_bytes,
            _secrets: secrets,
        };
        Ok((context, http))
    }

    /// The same context with `name` set to `value` (replacing any earlier value).
    pub(crate) fn with_header(mut self, name: &'static str, value: &str) -> Result<Self, ConfigError> {
        let value =
            HeaderValue::from_str(value).map_err(|e| ConfigError::Setting { name, reason: format!("not a valid header value: {e}") })?;
        Arc::make_mut(&mut self.headers).insert(HeaderName::from_static(name), value);
        Ok(self)
    }

    /// The value this context sends for `name`, if any.
    pub fn header(&self, name: &str) -> Option<&HeaderValue> {
        self.headers.get(name)
    }

    fn operation(&self, operation_id: &str) -> Option<&(&'static str, &'static str, &'static str)> {
        self.operations.iter().find(|(id, ..)| *id == operation_id)
    }

    /// The `pre` hook: checks the path, sets this context's headers and
    /// credentials. An error is a response made up to carry the failure to
    /// the caller's [`Error`](crate::Error).
    pub(crate) async fn prepare(&self, request: &mut Request, operation_id: &str) -> Result<(), Response> {
        if let Some(failure) = self.path_changed(request.url(), operation_id) {
            return Err(failure.into_response());
        }
        let headers = request.headers_mut();
        // progenitor adds `api-version: <info.version>` to every request; none
        // of these APIs reads it (Monite's version travels in its own header).
        headers.remove(&API_VERSION);
        for (name, value) in self.headers.iter() {
            headers.insert(name.clone(), value.clone());
        }
        if let Some(cache) = &self.token {
            match cache.header().await {
                Ok(value) => {
                    headers.insert(AUTHORIZATION, value);
                }
                Err(failure) => return Err(failure.into_response()),
            }
        }
        Ok(())
    }

    /// A path parameter whose value was `.`, `..`, or held a `\` (which the
    /// URL parser reads as `/`) has changed the path the request goes to:
    /// the segments must be the base path's, then the template's, one value
    /// per parameter. String parameters are also refused earlier, by the
    /// pattern the normalizer gives them; this catches the rest (an enum's
    /// `Unknown` value).
    fn path_changed(&self, url: &reqwest::Url, operation_id: &str) -> Option<Failure> {
        let (_, _, template) = self.operation(operation_id)?;
        let actual: Vec<&str> = url.path_segments().map(|s| s.collect()).unwrap_or_default();
        let expected: Vec<&str> =
            self.base_segments.iter().map(String::as_str).chain(template.trim_start_matches('/').split('/')).collect();
        let is_param = |segment: &str| segment.starts_with('{') && segment.ends_with('}');
        let fits =
            actual.len() == expected.len() && expected.iter().zip(&actual).all(|(e, a)| if is_param(e) { !a.is_empty() } else { e == a });
        if fits {
            return None;
        }
        // Name the parameter when one segment is at fault; else all of them.
        let culprit = (actual.len() == expected.len())
            .then(|| expected.iter().zip(&actual).find(|(e, a)| is_param(e) && a.is_empty()).map(|(e, _)| *e))
            .flatten();
        let params: Vec<&str> = match culprit {
            Some(one) => vec![one],
            None => expected.iter().copied().filter(|s| is_param(s)).collect(),
        };
        let names: Vec<&str> = params.iter().map(|p| p.trim_start_matches('{').trim_end_matches('}')).collect();
        Some(Failure::new(
            ErrorKind::InvalidRequest,
            format!(
                "path parameter {} would change the request path ({template} became {}): \
                 a value may not be empty, `.` or `..`, nor hold `/`, `\\` or control characters; nothing was sent",
                names.join(", "),
                url.path()
            ),
        ))
    }

    /// The `exec` hook: sends `request`, retrying as the policy allows, and
    /// reads the body. Never an `Err`: a failure travels as a stand-in
    /// response that the `post` hook turns into an error.
    pub(crate) async fn execute(&self, http: &reqwest::Client, request: Request, operation_id: &'static str) -> reqwest::Result<Response> {
        let path = self.operation(operation_id).map_or("", |(_, _, path)| *path);
        let span = tracing::info_span!(
            "accounting_sync.request",
            vendor = self.vendor.name(),
            operation = operation_id,
            method = %request.method(),
            path,
            status = tracing::field::Empty,
            attempt = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        Ok(self.attempts(http, request, &span).instrument(span.clone()).await)
    }

    async fn attempts(&self, http: &reqwest::Client, request: Request, span: &tracing::Span) -> Response {
        let repeat_safe = retry::repeat_safe(request.method(), request.headers().contains_key(&IDEMPOTENCY_KEY));
        let mut pending = Some(request);
        let mut attempt = 0;
        let mut waited = Duration::ZERO;
        let mut reauthorized = false;
        let mut counts_as_attempt = true;
        loop {
            if counts_as_attempt {
                attempt += 1;
            }
            counts_as_attempt = true;
            span.record("attempt", attempt);
            // Keep the request only when another attempt could follow; a body
            // that cannot be cloned (a stream) is sent once.
            let may_follow = attempt < self.retry.max_attempts || (self.token.is_some() && !reauthorized);
            // Every `continue` below checks that the request is still at hand.
            let copy = if may_follow { pending.as_ref().and_then(Request::try_clone) } else { None };
            let Some(sending) = copy.or_else(|| pending.take()) else {
                return Failure::new(ErrorKind::Unexpected, "internal: no request left to send").into_response();
            };
            let used_authorization = sending.headers().get(AUTHORIZATION).cloned();
            let failure = match http.execute(sending).await {
                Err(e) => Failure::transport(e, "the request failed"),
                Ok(response) => {
                    let status = response.status();
                    if status == StatusCode::UNAUTHORIZED && !reauthorized && pending.is_some() {
                        if let (Some(cache), Some(used)) = (&self.token, &used_authorization) {
                            reauthorized = true;
                            cache.invalidate(used);
                            if let Ok(fresh) = cache.header().await {
                                tracing::info!(attempt, "401: access token refreshed; retrying once");
                                if let Some(request) = pending.as_mut() {
                                    request.headers_mut().insert(AUTHORIZATION, fresh);
                                }
                                counts_as_attempt = false;
                                continue;
                            }
                        }
                    }
                    let outcome = status_outcome(status, response.headers());
                    if pending.is_some() && is_retryable(outcome, repeat_safe) {
                        let hint = retry_after(response.headers(), std::time::SystemTime::now());
                        if let Some(delay) = self.retry.next_delay(attempt, waited, hint) {
                            tracing::warn!(attempt, status = status.as_u16(), delay_ms = millis(delay), "retrying");
                            drop(response);
                            tokio::time::sleep(delay).await;
                            waited = waited.saturating_add(delay);
                            continue;
                        }
                    }
                    match self.finish(response, repeat_safe, span).await {
                        Ok(response) => return response,
                        Err(failure) => failure,
                    }
                }
            };
            if pending.is_some() && is_retryable(failure.outcome, repeat_safe) {
                if let Some(delay) = self.retry.next_delay(attempt, waited, None) {
                    tracing::warn!(attempt, error = %failure.message, delay_ms = millis(delay), "retrying");
                    tokio::time::sleep(delay).await;
                    waited = waited.saturating_add(delay);
                    continue;
                }
            }
            return failure.retryable_if(repeat_safe).into_response();
        }
    }

    /// Reads the body (bounded) and records the outcome. An error response
    /// keeps its body, scrubbed, for the [`Error`](crate::Error).
    async fn finish(&self, mut response: Response, repeat_safe: bool, span: &tracing::Span) -> Result<Response, Failure> {
        let status = response.status();
        span.record("status", status.as_u16());
        if let Some(id) = request_id(response.headers()) {
            span.record("request_id", crate::error::printable(id, 100).as_str());
        }
        if status.is_success() {
            let limit = self.max_response_bytes;
            if response.content_length().is_some_and(|length| length > limit as u64) {
                return Err(Failure::too_large(limit));
            }
            return match read_bounded(&mut response, limit).await {
                Ok(Read { bytes, cut: false }) => Ok(rebuild(response, bytes, None)),
                Ok(Read { cut: true, .. }) => Err(Failure::too_large(limit)),
                Err(e) => Err(Failure::transport(e, "the response body could not be read")),
            };
        }
        let (bytes, cut, read_error) = match read_bounded(&mut response, ERROR_BODY_LIMIT).await {
            Ok(Read { bytes, cut }) => (bytes, cut, None),
            Err(e) => (BytesMut::new(), false, Some(Failure::transport(e, "the error response body could not be read"))),
        };
        let bytes = Bytes::from(crate::redact::scrub(&bytes, cut));
        let stash = StashedBody { bytes: bytes.clone(), read_error: read_error.map(|f| f.retryable_if(repeat_safe)), repeat_safe };
        Ok(rebuild(response, bytes, Some(stash)))
    }

    /// The `post` hook: every failure goes to the caller through
    /// [`Error::from`](crate::Error), which decodes the vendor's error body
    /// itself (it knows the request's method, and the body is scrubbed).
    pub(crate) fn failure(&self, result: &reqwest::Result<Response>) -> Option<Response> {
        let response = result.as_ref().ok()?;
        if let Some(failure) = response.extensions().get::<Failure>() {
            return Some(failure.clone().into_response());
        }
        let stash = response.extensions().get::<StashedBody>()?;
        let mut copy = http::Response::new(stash.bytes.clone());
        *copy.status_mut() = response.status();
        *copy.version_mut() = response.version();
        *copy.headers_mut() = response.headers().clone();
        copy.extensions_mut().insert(stash.clone());
        Some(Response::from(copy))
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Error bodies longer than this are cut (they are read to show the error).
const ERROR_BODY_LIMIT: usize = 64 << 10;

/// The body of an error response, read ahead by the `exec` hook, with
/// every secret masked.
#[derive(Clone, Debug)]
pub(crate) struct StashedBody {
    pub bytes: Bytes,
    /// Why the body could not be read in full, if it could not.
    pub read_error: Option<Failure>,
    /// Whether the request could be repeated without harm.
    pub repeat_safe: bool,
}

/// A body read up to a limit; `cut` when there was more.
pub(crate) struct Read {
    pub bytes: BytesMut,
    pub cut: bool,
}

/// Reads `response`'s body chunk by chunk, never holding more than `limit`
/// bytes: past it, reading stops and the rest is never fetched.
pub(crate) async fn read_bounded(response: &mut Response, limit: usize) -> reqwest::Result<Read> {
    let mut bytes = BytesMut::new();
    while let Some(chunk) = response.chunk().await? {
        let room = limit - bytes.len();
        if chunk.len() > room {
            bytes.extend_from_slice(&chunk[..room]);
            return Ok(Read { bytes, cut: true });
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Read { bytes, cut: false })
}

/// The response with its body replaced by what was read.
fn rebuild(response: Response, bytes: impl Into<Bytes>, stash: Option<StashedBody>) -> Response {
    // Converting through http::Response keeps the URL and extensions.
    let (mut parts, _) = http::Response::<reqwest::Body>::from(response).into_parts();
    if let Some(stash) = stash {
        parts.extensions.insert(stash);
    }
    Response::from(http::Response::from_parts(parts, bytes.into()))
}

/// Checks a base URL and returns it without a trailing slash (operation
/// paths start with one).
pub(crate) fn base_url(url: &str) -> Result<String, ConfigError> {
    let parsed = reqwest::Url::parse(url).map_err(|e| ConfigError::BaseUrl { url: url.into(), reason: e.to_string() })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(ConfigError::BaseUrl { url: url.into(), reason: "the scheme must be http or https".into() });
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(ConfigError::BaseUrl { url: url.into(), reason: "a base URL has no query or fragment".into() });
    }
    Ok(url.trim_end_matches('/').to_string())
}

/// Implements progenitor's request hooks for a generated `Client` whose inner
/// type is [`ClientContext`].
macro_rules! client_hooks {
    ($client:ty) => {
        impl progenitor_client::ClientHooks<$crate::transport::ClientContext> for $client {
            async fn pre<E>(
                &self,
                request: &mut reqwest::Request,
                info: &progenitor_client::OperationInfo,
            ) -> ::std::result::Result<(), progenitor_client::Error<E>> {
                progenitor_client::ClientInfo::inner(self)
                    .prepare(request, info.operation_id)
                    .await
                    .map_err(progenitor_client::Error::UnexpectedResponse)
            }

            async fn exec(&self, request: reqwest::Request, info: &progenitor_client::OperationInfo) -> reqwest::Result<reqwest::Response> {
                let client = progenitor_client::ClientInfo::client(self);
                progenitor_client::ClientInfo::inner(self).execute(client, request, info.operation_id).await
            }

            async fn post<E>(
                &self,
                result: &reqwest::Result<reqwest::Response>,
                _info: &progenitor_client::OperationInfo,
            ) -> ::std::result::Result<(), progenitor_client::Error<E>> {
                match progenitor_client::ClientInfo::inner(self).failure(result) {
                    Some(response) => Err(progenitor_client::Error::UnexpectedResponse(response)),
                    None => Ok(()),
                }
            }
        }
    };
}
pub(crate) use client_hooks;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_do_not_show_in_debug_output() {
        let credential = Credential::Header(HeaderName::from_static("reb-apikey"), SecretString::from("s3cr3t-token"));
        let (context, _) = ClientContext::new(Vendor::Rebilly, credential, &Settings::default(), "http://127.0.0.1", &[]).unwrap();
        let printed = format!("{context:?}");
        assert!(!printed.contains("s3cr3t"), "{printed}");
    }

    #[test]
    fn unsendable_credentials_are_refused_without_echoing_them() {
        let credential = Credential::Header(AUTHORIZATION, SecretString::from("Bearer line\nbreak"));
        let err = ClientContext::new(Vendor::Layer, credential, &Settings::default(), "http://127.0.0.1", &[]).unwrap_err();
        assert!(matches!(err, ConfigError::Credential));
        assert!(!err.to_string().contains("line"));
    }

    #[test]
    fn base_urls_are_checked() {
        assert_eq!(base_url("https://api.monite.com/v1/").unwrap(), "https://api.monite.com/v1");
        for bad in ["api.monite.com", "ftp://x", "https://x/?a=1", ""] {
            assert!(matches!(base_url(bad), Err(ConfigError::BaseUrl { .. })), "{bad}");
        }
    }
}
