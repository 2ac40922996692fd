//! Credentials, and access tokens got with them.
//!
//! A static credential (API key, bearer token) becomes a header once. Client
//! credentials become a token cache: the token is fetched on first use,
//! cached, and fetched again ahead of expiry. However many calls wait, one
//! fetch is in flight at a time, under its own timeout, and its outcome,
//! token or failure, is shared with every caller waiting on it. Secrets are
//! held in [`SecretString`] and never appear in `Debug`, `Display`, errors or
//! tracing.

use crate::body::{read_bounded, Read};
use crate::error::{redirect_message, ErrorKind, Failure};
use crate::redact::Secrets;
use crate::retry::status_outcome;
use crate::settings::Settings;
use crate::vendor::Vendor;
use bytes::Bytes;
use futures::future::{BoxFuture, FutureExt, Shared};
use reqwest::header::{HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

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
    #[doc(hidden)]
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

    /// The client id.
    #[doc(hidden)]
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The client secret.
    #[doc(hidden)]
    pub fn client_secret(&self) -> &SecretString {
        &self.client_secret
    }

    /// The scope set by [`ClientCredentials::with_scope`].
    #[doc(hidden)]
    pub fn scope(&self) -> Option<&str> {
        self.scope.as_deref()
    }

    /// The endpoint set by [`ClientCredentials::with_token_url`].
    #[doc(hidden)]
    pub fn token_url(&self) -> Option<&str> {
        self.token_url.as_deref()
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

/// How one API exchanges credentials for a token: the request it sends,
/// and the secrets in it. An API with a grant of its own keeps it in its
/// module (Monite's JSON body); the standard one is [`OAuthForm`].
#[doc(hidden)]
pub trait TokenGrant: fmt::Debug + Send + Sync + 'static {
    /// One token request, ready to send with `http`.
    fn request(&self, http: &reqwest::Client) -> reqwest::RequestBuilder;
    /// Adds the secrets this request sends to the client's set, for masking.
    fn register_secrets(&self, secrets: &Secrets);
}

/// A client's token grant.
#[doc(hidden)]
pub type TokenRequest = Box<dyn TokenGrant>;

/// RFC 6749 client credentials: HTTP Basic, form `grant_type`, `scope`,
/// `client_id` (Layer).
#[derive(Debug)]
#[doc(hidden)]
pub struct OAuthForm {
    pub url: String,
    pub scope: String,
    pub credentials: ClientCredentials,
}

impl TokenGrant for OAuthForm {
    fn request(&self, http: &reqwest::Client) -> reqwest::RequestBuilder {
        let credentials = &self.credentials;
        http.post(&self.url).basic_auth(&credentials.client_id, Some(credentials.client_secret.expose_secret())).form(&[
            ("grant_type", "client_credentials"),
            ("scope", &self.scope),
            ("client_id", &credentials.client_id),
        ])
    }
    fn register_secrets(&self, secrets: &Secrets) {
        secrets.add_basic(&self.credentials.client_id, self.credentials.client_secret.expose_secret())
    }
}

/// A token, as the header that carries it (marked sensitive), and when to
/// stop using it.
#[derive(Clone)]
struct Token {
    header: HeaderValue,
    refresh_at: Instant,
}

/// One token fetch, shared by every caller waiting on it.
type Fetch = Shared<BoxFuture<'static, Result<Token, Failure>>>;

#[derive(Default)]
struct State {
    token: Option<Token>,
    /// The fetch in flight, and its number (so that only its own outcome
    /// clears it).
    fetching: Option<(u64, Fetch)>,
    fetches: u64,
}

/// Access tokens for one client: cached, refreshed ahead of expiry, fetched
/// by one caller at a time.
#[doc(hidden)]
pub struct TokenCache {
    fetcher: Arc<Fetcher>,
    state: Mutex<State>,
}

/// What a fetch needs, shared with the fetch future (which outlives any one
/// caller).
struct Fetcher {
    vendor: Vendor,
    request: TokenRequest,
    http: reqwest::Client,
    timeout: Duration,
    max_body: usize,
    secrets: Arc<Secrets>,
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenCache").field("vendor", &self.fetcher.vendor).field("request", &self.fetcher.request).finish_non_exhaustive()
    }
}

/// Tokens are renewed this long before they expire (or at half their
/// lifetime, when that is shorter).
const REFRESH_MARGIN: Duration = Duration::from_secs(60);
/// Lifetime assumed when the token endpoint gives none (Layer documents one hour).
const DEFAULT_LIFETIME: Duration = Duration::from_secs(3600);

impl TokenCache {
    pub fn new(vendor: Vendor, request: TokenRequest, http: reqwest::Client, settings: &Settings, secrets: Arc<Secrets>) -> Self {
        let fetcher =
            Fetcher { vendor, request, http, timeout: settings.token_timeout, max_body: settings.max_token_response_bytes, secrets };
        TokenCache { fetcher: Arc::new(fetcher), state: Mutex::new(State::default()) }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A valid `Authorization` header value.
    #[doc(hidden)]
    pub async fn header(&self) -> Result<HeaderValue, Failure> {
        let (number, fetch) = {
            let mut state = self.state();
            if let Some(token) = state.token.as_ref().filter(|t| Instant::now() < t.refresh_at) {
                return Ok(token.header.clone());
            }
            match &state.fetching {
                Some((number, fetch)) => (*number, fetch.clone()),
                None => {
                    state.fetches += 1;
                    let number = state.fetches;
                    let fetcher = Arc::clone(&self.fetcher);
                    let fetch = async move { fetcher.fetch().await }.boxed().shared();
                    state.fetching = Some((number, fetch.clone()));
                    (number, fetch)
                }
            }
        };
        // Whoever is polling drives the one fetch; a caller that goes away
        // leaves it to the others, or to the next caller.
        let outcome = fetch.await;
        let mut state = self.state();
        if state.fetching.as_ref().is_some_and(|(n, _)| *n == number) {
            state.fetching = None;
            if let Ok(token) = &outcome {
                state.token = Some(token.clone());
            }
        }
        outcome.map(|token| token.header)
    }

    /// Forgets the token sent as `used` (after a 401), unless a newer one is
    /// already in use.
    #[doc(hidden)]
    pub fn invalidate(&self, used: &HeaderValue) {
        let mut state = self.state();
        if let Some(token) = state.token.as_mut().filter(|t| t.header == *used) {
            token.refresh_at = Instant::now();
        }
    }
}

impl Fetcher {
    async fn fetch(&self) -> Result<Token, Failure> {
        let span = tracing::info_span!("accounting_sync.token", vendor = self.vendor.name(), status = tracing::field::Empty);
        let fetch = tracing::Instrument::instrument(self.fetch_in_span(&span), span.clone());
        match tokio::time::timeout(self.timeout, fetch).await {
            Ok(outcome) => outcome,
            Err(_) => {
                let message = format!("the token endpoint gave no token within {} ms", self.timeout.as_millis());
                let mut failure = Failure::new(ErrorKind::Timeout, message, &self.secrets);
                failure.outcome = crate::retry::Outcome::TimedOut;
                Err(failure.retryable_if(true))
            }
        }
    }

    async fn fetch_in_span(&self, span: &tracing::Span) -> Result<Token, Failure> {
        let request = self.request.request(&self.http);
        // Asking again for a token does no harm: transport failures and
        // 429/5xx at the token endpoint are retryable for the caller.
        let auth_failure = |status, message: String, raw: &[u8]| {
            let mut failure = Failure::new(ErrorKind::Auth, message, &self.secrets);
            failure.status = Some(status);
            failure.raw_body = Bytes::from(self.secrets.scrub(raw, false));
            failure
        };
        let mut response =
            request.send().await.map_err(|e| Failure::transport(e, "token request failed", &self.secrets).retryable_if(true))?;
        let status = response.status();
        span.record("status", status.as_u16());
        let outcome = status_outcome(status, response.headers());
        if status.is_redirection() {
            let mut failure = auth_failure(status, redirect_message("the token endpoint", response.headers()), b"");
            failure.kind = ErrorKind::Redirect;
            return Err(failure);
        }
        let Read { bytes: body, cut } = read_bounded(&mut response, self.max_body)
            .await
            .map_err(|e| Failure::transport(e, "the token response could not be read", &self.secrets).retryable_if(true))?;
        if !status.is_success() {
            // Scrubbed before it is cut for the message.
            let body = self.secrets.scrub(&body, cut);
            let detail = String::from_utf8_lossy(&body[..body.len().min(200)]).split_whitespace().collect::<Vec<_>>().join(" ");
            let mut failure = auth_failure(status, format!("token endpoint answered HTTP {}: {detail}", status.as_u16()), &body);
            failure.outcome = outcome;
            return Err(failure.retryable_if(true));
        }
        if cut {
            let mut failure = Failure::too_large(self.max_body);
            failure.status = Some(status);
            return Err(failure);
        }
        let parsed: TokenResponse = serde_json::from_slice(&body)
            .map_err(|e| auth_failure(status, format!("token response is not the expected JSON: {e}"), &body))?;
        let lifetime = parsed.lifetime().map_err(|m| auth_failure(status, m, &body))?;
        let margin = REFRESH_MARGIN.min(lifetime / 2);
        tracing::debug!(lifetime_secs = lifetime.as_secs(), "access token obtained");
        self.secrets.add_token(&parsed.access_token);
        let header = bearer(&SecretString::from(parsed.access_token), &self.secrets)?;
        let now = Instant::now();
        let refresh_at = now.checked_add(lifetime - margin).unwrap_or(now);
        Ok(Token { header, refresh_at })
    }
}

fn bearer(token: &SecretString, secrets: &Secrets) -> Result<HeaderValue, Failure> {
    let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose_secret()))
        .map_err(|_| Failure::new(ErrorKind::Auth, "the access token cannot be sent in a header", secrets))?;
    value.set_sensitive(true);
    Ok(value)
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
    }
}
