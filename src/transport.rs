//! What every generated client carries into each request: credentials and the
//! headers the client sets itself, applied by progenitor's `pre` hook.

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION};
use secrecy::{ExposeSecret, SecretString};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// Time allowed to open a connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Time allowed for a whole request, response body included.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// Credentials sent with every request of a client.
///
/// The secret is held in a [`SecretString`]: it is never printed by `Debug`,
/// and the header built from it is marked sensitive.
#[derive(Clone)]
pub enum Auth {
    /// A key sent as the value of an API-specific header (Rebilly's
    /// `REB-APIKEY`; see `rebilly::api_key`).
    ApiKey {
        /// The header that carries the key.
        header: HeaderName,
        /// The key.
        key: SecretString,
    },
    /// A token sent as `Authorization: Bearer <token>` (Rebilly JWT, Layer
    /// and Monite access tokens).
    Bearer(SecretString),
    /// No credentials: for token endpoints and local stand-ins.
    None,
}

impl Auth {
    /// A bearer token.
    pub fn bearer(token: impl Into<String>) -> Self {
        Auth::Bearer(SecretString::from(token.into()))
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::ApiKey { header, .. } => write!(f, "Auth::ApiKey({header}: [redacted])"),
            Auth::Bearer(_) => f.write_str("Auth::Bearer([redacted])"),
            Auth::None => f.write_str("Auth::None"),
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

/// The state a generated client carries (progenitor's "inner type"): the
/// headers set on every request. Cloning is cheap.
#[derive(Clone, Debug, Default)]
pub struct ClientContext {
    headers: Arc<HeaderMap>,
}

impl ClientContext {
    /// A context that sends `auth` with every request.
    pub(crate) fn new(auth: &Auth) -> Result<Self, ConfigError> {
        let mut headers = HeaderMap::new();
        match auth {
            Auth::ApiKey { header, key } => {
                headers.insert(header.clone(), secret_value(key.expose_secret())?);
            }
            Auth::Bearer(token) => {
                headers.insert(AUTHORIZATION, secret_value(&format!("Bearer {}", token.expose_secret()))?);
            }
            Auth::None => {}
        }
        Ok(Self { headers: Arc::new(headers) })
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

    /// Sets this context's headers on an outgoing request.
    pub(crate) fn apply(&self, request: &mut reqwest::Request) {
        let headers = request.headers_mut();
        // progenitor adds `api-version: <info.version>` to every request; none
        // of these APIs reads it (Monite's version travels in its own header).
        headers.remove("api-version");
        for (name, value) in self.headers.iter() {
            headers.insert(name.clone(), value.clone());
        }
    }
}

fn secret_value(text: &str) -> Result<HeaderValue, ConfigError> {
    let mut value = HeaderValue::from_str(text).map_err(|_| ConfigError::Credential)?;
    value.set_sensitive(true);
    Ok(value)
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

/// The HTTP client the API clients share by default.
pub(crate) fn http_client() -> Result<reqwest::Client, ConfigError> {
    reqwest::Client::builder()
        .user_agent(concat!("accounting-sync/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(REQUEST_TIMEOUT)
        .build()
        .map_err(ConfigError::Http)
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
                progenitor_client::ClientInfo::inner(self).apply(request);
                Ok(())
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
        for auth in
            [Auth::bearer("s3cr3t-token"), Auth::ApiKey { header: HeaderName::from_static("reb-apikey"), key: "s3cr3t-token".into() }]
        {
            let context = ClientContext::new(&auth).unwrap();
            let printed = format!("{auth:?} {context:?}");
            assert!(!printed.contains("s3cr3t"), "{printed}");
        }
    }

    #[test]
    fn unsendable_credentials_are_refused_without_echoing_them() {
        let err = ClientContext::new(&Auth::bearer("line\nbreak")).unwrap_err();
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
