//! What happens around every request of every generated client, through
//! progenitor's hooks:
//!
//! - `pre`: the client's own headers (credentials, Monite's context headers);
//!   an access token from the [`TokenCache`](crate::auth) when the client
//!   uses client credentials.
//! - `exec`: sending, with retries under the [`RetryPolicy`], one token
//!   refresh and retry on a 401, a tracing span, and the body of an error
//!   response read (bounded) so that the [`Error`](crate::Error) can show it.
//! - `post`: an error body that does not parse as the vendor's error is
//!   handed on raw, with its status, instead of failing to decode.

use crate::auth::{TokenCache, TokenFailure, TokenRequest};
use crate::error::{request_id, Vendor};
use crate::retry::{retry_after, retryable_status, RetryPolicy};
use bytes::{Bytes, BytesMut};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION};
use reqwest::{Request, Response, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;
use tracing::Instrument;

pub use crate::auth::Auth;

/// How a client connects, waits and retries.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Retries of failed requests.
    pub retry: RetryPolicy,
    /// Time allowed to open a connection.
    pub connect_timeout: Duration,
    /// Time allowed for one attempt, response body included.
    pub request_timeout: Duration,
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

/// `(operationId, method, path template)` of each operation of an API.
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
    /// Whether a body parses as the API's error type.
    error_decodes: fn(&[u8]) -> bool,
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
    /// The context and HTTP client for one API.
    pub(crate) fn new(
        vendor: Vendor,
        credential: Credential,
        settings: &Settings,
        operations: OperationTable,
        error_decodes: fn(&[u8]) -> bool,
    ) -> Result<(Self, reqwest::Client), ConfigError> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("accounting-sync/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.request_timeout)
            .build()
            .map_err(ConfigError::Http)?;
        let mut headers = settings.extra_headers.clone();
        let mut token = None;
        match credential {
            Credential::Header(name, value) => {
                let mut value = HeaderValue::from_str(value.expose_secret()).map_err(|_| ConfigError::Credential)?;
                value.set_sensitive(true);
                headers.insert(name, value);
            }
            Credential::Token(request) => token = Some(Arc::new(TokenCache::new(vendor, request, http.clone()))),
            Credential::None => {}
        }
        let context = ClientContext { vendor, headers: Arc::new(headers), token, retry: settings.retry.clone(), operations, error_decodes };
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

    /// The `pre` hook: sets this context's headers and credentials. An error
    /// is a response made up to carry a token failure to the caller's
    /// [`Error`](crate::Error).
    pub(crate) async fn prepare(&self, request: &mut Request) -> Result<(), Response> {
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
                Err(failure) => return Err(token_failure_response(failure)),
            }
        }
        Ok(())
    }

    /// The `exec` hook: sends `request`, retrying as the policy allows.
    pub(crate) async fn execute(&self, http: &reqwest::Client, request: Request, operation_id: &'static str) -> reqwest::Result<Response> {
        let path = self.operations.iter().find(|(id, ..)| *id == operation_id).map_or("", |(_, _, path)| *path);
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
        self.attempts(http, request, &span).instrument(span.clone()).await
    }

    async fn attempts(&self, http: &reqwest::Client, mut request: Request, span: &tracing::Span) -> reqwest::Result<Response> {
        let idempotency_key = request.headers().contains_key(&IDEMPOTENCY_KEY);
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
            // Keep a copy only when another attempt could follow; a body that
            // cannot be cloned (a stream) is sent once.
            let may_follow = attempt < self.retry.max_attempts || (self.token.is_some() && !reauthorized);
            let Some(copy) = may_follow.then(|| request.try_clone()).flatten() else {
                let response = http.execute(request).await?;
                return Ok(self.finish(response, span).await);
            };
            let response = match http.execute(copy).await {
                Ok(response) => response,
                Err(e) => {
                    // No connection means nothing was processed: any method may be retried.
                    let delay = if e.is_connect() { self.retry.next_delay(attempt, waited, None) } else { None };
                    let Some(delay) = delay else { return Err(e) };
                    tracing::warn!(attempt, error = %e, delay_ms = delay.as_millis() as u64, "connection failed; retrying");
                    tokio::time::sleep(delay).await;
                    waited += delay;
                    continue;
                }
            };
            let status = response.status();
            if status == StatusCode::UNAUTHORIZED && !reauthorized {
                if let Some(cache) = &self.token {
                    reauthorized = true;
                    if let Some(used) = request.headers().get(AUTHORIZATION) {
                        cache.invalidate(used).await;
                    }
                    if let Ok(fresh) = cache.header().await {
                        tracing::info!(attempt, "401: access token refreshed; retrying once");
                        request.headers_mut().insert(AUTHORIZATION, fresh);
                        counts_as_attempt = false;
                        continue;
                    }
                }
            }
            if retryable_status(status, request.method(), response.headers(), idempotency_key) {
                let hint = retry_after(response.headers(), std::time::SystemTime::now());
                if let Some(delay) = self.retry.next_delay(attempt, waited, hint) {
                    tracing::warn!(attempt, status = status.as_u16(), delay_ms = delay.as_millis() as u64, "retrying");
                    drop(response);
                    tokio::time::sleep(delay).await;
                    waited += delay;
                    continue;
                }
            }
            return Ok(self.finish(response, span).await);
        }
    }

    /// Records the outcome; keeps the body of an error response at hand.
    async fn finish(&self, response: Response, span: &tracing::Span) -> Response {
        span.record("status", response.status().as_u16());
        if let Some(id) = request_id(response.headers()) {
            span.record("request_id", id);
        }
        if response.status().is_success() {
            response
        } else {
            stash_body(response).await
        }
    }

    /// The `post` hook: an error response whose body is not the vendor's
    /// error, handed on as is (progenitor would fail to decode it and lose
    /// the status).
    pub(crate) fn undecodable_error(&self, result: &reqwest::Result<Response>) -> Option<Response> {
        let response = result.as_ref().ok()?;
        let stash = response.extensions().get::<StashedBody>()?;
        if stash.read_error.is_none() && (self.error_decodes)(&stash.bytes) {
            return None;
        }
        let mut copy = http::Response::new(stash.bytes.clone());
        *copy.status_mut() = response.status();
        *copy.version_mut() = response.version();
        *copy.headers_mut() = response.headers().clone();
        copy.extensions_mut().insert(stash.clone());
        Some(Response::from(copy))
    }
}

/// Error bodies larger than this are cut (they are read to show the error).
const ERROR_BODY_LIMIT: usize = 1 << 20;

/// The body of an error response, read ahead by the `exec` hook.
#[derive(Clone, Debug)]
pub(crate) struct StashedBody {
    pub bytes: Bytes,
    pub read_error: Option<ReadFailure>,
}

/// Why an error body could not be read in full.
#[derive(Clone, Debug)]
pub(crate) struct ReadFailure {
    pub timed_out: bool,
    pub message: String,
}

async fn stash_body(mut response: Response) -> Response {
    let mut bytes = BytesMut::new();
    let mut read_error = None;
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let room = ERROR_BODY_LIMIT - bytes.len();
                bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
                if chunk.len() >= room {
                    break;
                }
            }
            Ok(None) => break,
            Err(e) => {
                read_error = Some(ReadFailure { timed_out: e.is_timeout(), message: e.to_string() });
                break;
            }
        }
    }
    let bytes = bytes.freeze();
    // Converting through http::Response keeps the URL and extensions.
    let (mut parts, _) = http::Response::<reqwest::Body>::from(response).into_parts();
    parts.extensions.insert(StashedBody { bytes: bytes.clone(), read_error });
    Response::from(http::Response::from_parts(parts, bytes))
}

/// A stand-in response that carries a token failure through progenitor to
/// the conversion into [`Error`](crate::Error). It is never seen as such.
fn token_failure_response(failure: TokenFailure) -> Response {
    let mut response = http::Response::new(Bytes::new());
    *response.status_mut() = StatusCode::UNAUTHORIZED;
    response.extensions_mut().insert(failure);
    Response::from(response)
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
                _info: &progenitor_client::OperationInfo,
            ) -> ::std::result::Result<(), progenitor_client::Error<E>> {
                progenitor_client::ClientInfo::inner(self).prepare(request).await.map_err(progenitor_client::Error::UnexpectedResponse)
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
                match progenitor_client::ClientInfo::inner(self).undecodable_error(result) {
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
        let (context, _) = ClientContext::new(Vendor::Rebilly, credential, &Settings::default(), &[], |_| true).unwrap();
        let printed = format!("{context:?}");
        assert!(!printed.contains("s3cr3t"), "{printed}");
    }

    #[test]
    fn unsendable_credentials_are_refused_without_echoing_them() {
        let credential = Credential::Header(AUTHORIZATION, SecretString::from("Bearer line\nbreak"));
        let err = ClientContext::new(Vendor::Layer, credential, &Settings::default(), &[], |_| true).unwrap_err();
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
