//! What a client is built from besides its credential: timeouts, limits,
//! retries, extra headers; and why a client could not be built.

use crate::fleet::Pacing;
use crate::retry::RetryPolicy;
use crate::vendor::Vendor;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use std::fmt;
use std::time::Duration;

/// How a client connects, waits, retries, and how much it reads.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Retries of failed requests, and the retry budget the calls of one
    /// client share.
    pub retry: RetryPolicy,
    /// Pacing of the client's calls from the vendor's rate limits.
    pub pacing: Pacing,
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
            pacing: Pacing::default(),
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            token_timeout: Duration::from_secs(30),
            max_response_bytes: 32 << 20,
            max_token_response_bytes: 64 << 10,
            extra_headers: HeaderMap::new(),
        }
    }
}

/// Options for the calls made through one copy of a client (`with_options`
/// on each API's client): extra headers, a timeout, and whether a call is safe to send
/// again. The copy is cheap (connections, credentials and the token cache
/// are shared), so it can be made per call.
///
/// ```
/// use accounting_sync::CallOptions;
/// use std::time::Duration;
///
/// let options = CallOptions::new()
///     .header("x-correlation-id", "sync-run-42")?
///     .timeout(Duration::from_secs(5))
///     // This POST creates nothing twice (the vendor documents it as
///     // idempotent), so a lost connection or a 502 may be retried.
///     .safe_to_retry();
/// # Ok::<(), accounting_sync::ConfigError>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct CallOptions {
    pub(crate) headers: HeaderMap,
    pub(crate) safe_to_retry: bool,
    pub(crate) timeout: Option<Duration>,
}

impl CallOptions {
    /// No extra headers, the client's timeout, retries as the method allows.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sends `name: value` with each call. It replaces a header of
    /// [`Settings::extra_headers`] of the same name, but never the client's
    /// own (credentials, Monite's context headers), which are sent as set.
    pub fn header(mut self, name: &str, value: &str) -> Result<Self, ConfigError> {
        let invalid = |reason: String| ConfigError::Setting { name: "CallOptions::header", reason };
        let name = HeaderName::from_bytes(name.as_bytes()).map_err(|e| invalid(format!("{name:?} is not a header name: {e}")))?;
        let value = HeaderValue::from_str(value).map_err(|e| invalid(format!("not a valid value for {name}: {e}")))?;
        self.headers.insert(name, value);
        Ok(self)
    }

    /// Says that sending a call twice does no harm (a POST the vendor
    /// documents as idempotent, or one whose effect the caller checks), so
    /// that it is retried after a 502, 503, 504, a timeout or a connection
    /// lost after sending, like a GET. Without it, a POST or PATCH is retried
    /// only when the server did not process it (429, 503 with `Retry-After`,
    /// no connection).
    pub fn safe_to_retry(mut self) -> Self {
        self.safe_to_retry = true;
        self
    }

    /// Time allowed for each attempt of a call, response body included, in
    /// place of [`Settings::request_timeout`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
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

/// Checks a base URL and returns it without a trailing slash (operation
/// paths start with one).
#[doc(hidden)]
pub fn base_url(url: &str) -> Result<String, ConfigError> {
    let parsed = reqwest::Url::parse(url).map_err(|e| ConfigError::BaseUrl { url: url.into(), reason: e.to_string() })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(ConfigError::BaseUrl { url: url.into(), reason: "the scheme must be http or https".into() });
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(ConfigError::BaseUrl { url: url.into(), reason: "a base URL has no query or fragment".into() });
    }
    Ok(url.trim_end_matches('/').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_checked() {
        assert_eq!(base_url("https://api.monite.com/v1/").unwrap(), "https://api.monite.com/v1");
        for bad in ["api.monite.com", "ftp://x", "https://x/?a=1", ""] {
            assert!(matches!(base_url(bad), Err(ConfigError::BaseUrl { .. })), "{bad}");
        }
    }
}
