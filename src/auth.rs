//! Credentials, and access tokens got with them.
//!
//! A static credential (API key, bearer token) becomes a header once. Client
//! credentials become a [`TokenCache`]: the token is fetched on first use,
//! cached, and fetched again ahead of expiry; however many calls wait, one
//! fetch is in flight at a time. Secrets are held in [`SecretString`] and never
//! appear in `Debug`, `Display`, errors or tracing.

use crate::error::Vendor;
use bytes::Bytes;
use reqwest::header::{HeaderName, HeaderValue};
use reqwest::StatusCode;
use secrecy::{ExposeSecret, SecretString};
use std::fmt;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// Credentials sent with every request of a client.
#[derive(Clone)]
#[non_exhaustive]
pub enum Auth {
    /// A key sent as the value of an API-specific header (Rebilly's
    /// `REB-APIKEY`; see `rebilly::api_key`).
    ApiKey {
        /// The header that carries the key.
        header: HeaderName,
        /// The key.
        key: SecretString,
    },
    /// A token sent as `Authorization: Bearer <token>` (Rebilly JWT, or a
    /// Layer or Monite access token got elsewhere).
    Bearer(SecretString),
    /// OAuth2 client credentials, exchanged for access tokens as needed
    /// (Layer, Monite partner tokens).
    ClientCredentials(ClientCredentials),
    /// Monite's `entity_user` grant: partner credentials acting as one entity
    /// user.
    EntityUser {
        /// The partner's client credentials.
        credentials: ClientCredentials,
        /// The entity user the tokens act as.
        entity_user_id: uuid::Uuid,
    },
    /// No credentials: for token endpoints and local stand-ins.
    None,
}

impl Auth {
    /// A bearer token.
    pub fn bearer(token: impl Into<String>) -> Self {
        Auth::Bearer(SecretString::from(token.into()))
    }

    /// OAuth2 client credentials.
    pub fn client_credentials(client_id: impl Into<String>, client_secret: impl Into<String>) -> Self {
        Auth::ClientCredentials(ClientCredentials::new(client_id, client_secret))
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::ApiKey { header, .. } => write!(f, "Auth::ApiKey({header}: [redacted])"),
            Auth::Bearer(_) => f.write_str("Auth::Bearer([redacted])"),
            Auth::ClientCredentials(c) => write!(f, "Auth::ClientCredentials({c:?})"),
            Auth::EntityUser { credentials, entity_user_id } => write!(f, "Auth::EntityUser({credentials:?}, {entity_user_id})"),
            Auth::None => f.write_str("Auth::None"),
        }
    }
}

/// A client id and secret, with where and for what to exchange them.
#[derive(Clone)]
pub struct ClientCredentials {
    pub(crate) client_id: String,
    pub(crate) client_secret: SecretString,
    pub(crate) scope: Option<String>,
    pub(crate) token_url: Option<String>,
}

impl ClientCredentials {
    /// Credentials exchanged at the API's usual token endpoint, with the
    /// scope its environment implies.
    pub fn new(client_id: impl Into<String>, client_secret: impl Into<String>) -> Self {
        ClientCredentials {
            client_id: client_id.into(),
            client_secret: SecretString::from(client_secret.into()),
            scope: None,
            token_url: None,
        }
    }

    /// Asks for this scope instead of the environment's.
    pub fn with_scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }

    /// Uses this token endpoint instead of the API's usual one.
    pub fn with_token_url(mut self, url: impl Into<String>) -> Self {
        self.token_url = Some(url.into());
        self
    }
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .field("scope", &self.scope)
            .field("token_url", &self.token_url)
            .finish()
    }
}

/// How one API exchanges credentials for a token.
#[derive(Clone, Debug)]
pub(crate) enum TokenRequest {
    /// RFC 6749 client credentials: HTTP Basic, form `grant_type`, `scope`,
    /// `client_id` (Layer).
    OAuthForm { url: String, scope: String, credentials: ClientCredentials },
    /// Monite's `POST /auth/token` with a JSON body.
    MoniteJson { url: String, version: String, credentials: ClientCredentials, entity_user_id: Option<uuid::Uuid> },
}

/// Why no token could be had, carried to the caller's [`crate::Error`].
#[derive(Clone, Debug)]
pub(crate) struct TokenFailure {
    pub status: Option<StatusCode>,
    pub message: String,
    pub raw_body: Bytes,
}

/// A token, as the header that carries it (marked sensitive), and when to
/// stop using it.
#[derive(Clone)]
struct Token {
    header: HeaderValue,
    refresh_at: Instant,
}

/// Access tokens for one client: cached, refreshed ahead of expiry, fetched
/// by one caller at a time.
pub(crate) struct TokenCache {
    vendor: Vendor,
    request: TokenRequest,
    http: reqwest::Client,
    current: Mutex<Option<Token>>,
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenCache").field("vendor", &self.vendor).field("request", &self.request).finish_non_exhaustive()
    }
}

/// Tokens are renewed this long before they expire (or at half their
/// lifetime, when that is shorter).
const REFRESH_MARGIN: Duration = Duration::from_secs(60);
/// Lifetime assumed when the token endpoint gives none (Layer documents one hour).
const DEFAULT_LIFETIME: Duration = Duration::from_secs(3600);

impl TokenCache {
    pub(crate) fn new(vendor: Vendor, request: TokenRequest, http: reqwest::Client) -> Self {
        TokenCache { vendor, request, http, current: Mutex::new(None) }
    }

    /// A valid `Authorization` header value.
    pub(crate) async fn header(&self) -> Result<HeaderValue, TokenFailure> {
        let mut current = self.current.lock().await;
        if let Some(token) = current.as_ref().filter(|t| Instant::now() < t.refresh_at) {
            return Ok(token.header.clone());
        }
        // Holding the lock while fetching is the single flight: the others
        // wait here and then find the fresh token. A cancelled fetch releases
        // the lock and the next caller fetches.
        let token = self.fetch().await?;
        let header = token.header.clone();
        *current = Some(token);
        Ok(header)
    }

    /// Forgets the token sent as `used` (after a 401), unless a newer one is
    /// already in use.
    pub(crate) async fn invalidate(&self, used: &HeaderValue) {
        let mut current = self.current.lock().await;
        if let Some(token) = current.as_mut().filter(|t| t.header == *used) {
            token.refresh_at = Instant::now();
        }
    }

    fn bearer(&self, token: &SecretString) -> Result<HeaderValue, TokenFailure> {
        let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose_secret())).map_err(|_| TokenFailure {
            status: None,
            message: "the access token cannot be sent in a header".into(),
            raw_body: Bytes::new(),
        })?;
        value.set_sensitive(true);
        Ok(value)
    }

    async fn fetch(&self) -> Result<Token, TokenFailure> {
        let span = tracing::info_span!("accounting_sync.token", vendor = self.vendor.name(), status = tracing::field::Empty);
        tracing::Instrument::instrument(self.fetch_in_span(&span), span.clone()).await
    }

    async fn fetch_in_span(&self, span: &tracing::Span) -> Result<Token, TokenFailure> {
        let (request, secret) = match &self.request {
            TokenRequest::OAuthForm { url, scope, credentials } => (
                self.http.post(url).basic_auth(&credentials.client_id, Some(credentials.client_secret.expose_secret())).form(&[
                    ("grant_type", "client_credentials"),
                    ("scope", scope),
                    ("client_id", &credentials.client_id),
                ]),
                &credentials.client_secret,
            ),
            TokenRequest::MoniteJson { url, version, credentials, entity_user_id } => {
                let mut body = serde_json::json!({
                    "client_id": credentials.client_id,
                    "client_secret": credentials.client_secret.expose_secret(),
                    "grant_type": if entity_user_id.is_some() { "entity_user" } else { "client_credentials" },
                });
                if let Some(user) = entity_user_id {
                    body["entity_user_id"] = serde_json::json!(user);
                }
                (self.http.post(url).header("x-monite-version", version).json(&body), &credentials.client_secret)
            }
        };
        let fail = |status: Option<StatusCode>, message: String, raw: &[u8]| TokenFailure {
            status,
            message: redact(&message, secret),
            raw_body: Bytes::from(
                redact(&String::from_utf8_lossy(&raw[..raw.len().min(crate::error::RAW_BODY_LIMIT)]), secret).into_bytes(),
            ),
        };
        let response = request.send().await.map_err(|e| fail(None, format!("token request failed: {e}"), b""))?;
        let status = response.status();
        span.record("status", status.as_u16());
        let body = response.bytes().await.map_err(|e| fail(Some(status), format!("token response could not be read: {e}"), b""))?;
        if !status.is_success() {
            let detail = String::from_utf8_lossy(&body[..body.len().min(200)]).split_whitespace().collect::<Vec<_>>().join(" ");
            return Err(fail(Some(status), format!("token endpoint answered HTTP {}: {detail}", status.as_u16()), &body));
        }
        let parsed: TokenResponse = serde_json::from_slice(&body)
            .map_err(|e| fail(Some(status), format!("token response is not the expected JSON: {e}"), &body))?;
        let lifetime = parsed.lifetime().map_err(|m| fail(Some(status), m, &body))?;
        let margin = REFRESH_MARGIN.min(lifetime / 2);
        tracing::debug!(lifetime_secs = lifetime.as_secs(), "access token obtained");
        let header = self.bearer(&SecretString::from(parsed.access_token))?;
        Ok(Token { header, refresh_at: Instant::now() + lifetime - margin })
    }
}

/// `text` with every occurrence of the secret masked, for servers that echo
/// what they were sent.
fn redact(text: &str, secret: &SecretString) -> String {
    let secret = secret.expose_secret();
    if secret.is_empty() {
        text.to_string()
    } else {
        text.replace(secret, "[redacted]")
    }
}

#[derive(serde::Deserialize)]
struct TokenResponse {
    access_token: String,
    /// Seconds; Layer documents a number but some responses carry a string.
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
}

impl TokenResponse {
    fn lifetime(&self) -> Result<Duration, String> {
        let seconds = match &self.expires_in {
            None | Some(serde_json::Value::Null) => return Ok(DEFAULT_LIFETIME),
            Some(serde_json::Value::Number(n)) => n.as_f64(),
            Some(serde_json::Value::String(s)) => s.trim().parse::<f64>().ok(),
            Some(_) => None,
        };
        match seconds {
            Some(s) if s.is_finite() && s > 0.0 => Ok(Duration::from_secs_f64(s.min(1e9))),
            _ => Err(format!("token response has an unusable expires_in: {:?}", self.expires_in)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expires_in_as_number_or_string() {
        let parse = |json: &str| serde_json::from_str::<TokenResponse>(json).unwrap().lifetime();
        assert_eq!(parse(r#"{"access_token":"t","expires_in":3600}"#), Ok(Duration::from_secs(3600)));
        assert_eq!(parse(r#"{"access_token":"t","expires_in":"12345"}"#), Ok(Duration::from_secs(12345)));
        assert_eq!(parse(r#"{"access_token":"t"}"#), Ok(DEFAULT_LIFETIME));
        assert!(parse(r#"{"access_token":"t","expires_in":"soon"}"#).is_err());
        assert!(parse(r#"{"access_token":"t","expires_in":-5}"#).is_err());
    }

    #[test]
    fn debug_output_hides_secrets() {
        let auth = Auth::client_credentials("client-1", "very-secret-value");
        let printed = format!("{auth:?}");
        assert!(printed.contains("client-1") && !printed.contains("very-secret-value"), "{printed}");
        assert_eq!(redact("echo very-secret-value back", &SecretString::from("very-secret-value")), "echo [redacted] back");
    }
}
