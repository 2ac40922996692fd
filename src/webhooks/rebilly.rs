//! Rebilly webhooks: the HTTP Basic credentials configured on the webhook
//! (Rebilly's "Webhook configuration" page: with basic access authentication
//! set, every delivery carries `Authorization: Basic base64(user:password)`).
//! Rebilly does not sign its deliveries.

use super::{decode, WebhookError, WebhookErrorKind, DEFAULT_MAX_BODY_BYTES};
use crate::rebilly::types;
use base64::Engine as _;
use secrecy::{ExposeSecret, SecretString};
use subtle::ConstantTimeEq;

/// Checks Rebilly deliveries against the Basic credentials configured on
/// the webhook.
///
/// ```
/// use accounting_sync::webhooks::rebilly::Receiver;
/// use http::{HeaderMap, HeaderValue};
///
/// let receiver = Receiver::new("rebilly-hook", "a-long-random-password");
/// let mut headers = HeaderMap::new();
/// // base64("rebilly-hook:a-long-random-password")
/// headers.insert("authorization", HeaderValue::from_static("Basic cmViaWxseS1ob29rOmEtbG9uZy1yYW5kb20tcGFzc3dvcmQ="));
/// let event = receiver.verify(&headers, br#"{"eventType": "invoice-paid", "invoiceId": "in_1"}"#)?;
/// assert_eq!(event.event_type.as_str(), "invoice-paid");
/// # Ok::<(), accounting_sync::webhooks::WebhookError>(())
/// ```
pub struct Receiver {
    /// Each accepted `user:password`, as bytes.
    accepted: Vec<SecretString>,
    max_body_bytes: usize,
}

impl std::fmt::Debug for Receiver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Receiver").field("accepted", &self.accepted.len()).field("max_body_bytes", &self.max_body_bytes).finish()
    }
}

/// A verified Rebilly event.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// The event's type (`eventType`): an open enum, so an event type added
    /// by Rebilly arrives as `Unknown` with its name.
    pub event_type: types::WebhookEventType,
    /// The whole body, whose other fields depend on the type.
    pub payload: serde_json::Value,
}

impl Receiver {
    /// Accepts deliveries carrying `username` and `password`.
    pub fn new(username: impl AsRef<str>, password: impl AsRef<str>) -> Self {
        Receiver { accepted: vec![pair(username.as_ref(), password.as_ref())], max_body_bytes: DEFAULT_MAX_BODY_BYTES }
    }

    /// Also accepts another pair: while credentials rotate, or for several
    /// webhooks posting to one endpoint.
    pub fn also(mut self, username: impl AsRef<str>, password: impl AsRef<str>) -> Self {
        self.accepted.push(pair(username.as_ref(), password.as_ref()));
        self
    }

    /// Refuses bodies larger than `bytes` (1 MiB by default).
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// Checks the delivery's credentials, then decodes its event.
    pub fn verify(&self, headers: &http::HeaderMap, body: &[u8]) -> Result<Event, WebhookError> {
        let header = headers.get(http::header::AUTHORIZATION).ok_or_else(|| {
            WebhookError::new(WebhookErrorKind::MissingHeader, "no Authorization header (is basic authentication set on the webhook?)")
        })?;
        let encoded = header
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Basic ").or_else(|| v.strip_prefix("basic ")))
            .ok_or_else(|| WebhookError::new(WebhookErrorKind::MalformedHeader, "the Authorization header is not Basic credentials"))?;
        let given = base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .map_err(|_| WebhookError::new(WebhookErrorKind::MalformedHeader, "the Basic credentials are not base64"))?;
        // Every pair is compared, whichever matches, in time that does not
        // depend on where the bytes differ.
        let matched =
            self.accepted.iter().fold(subtle::Choice::from(0), |found, expected| found | expected.expose_secret().as_bytes().ct_eq(&given));
        if !bool::from(matched) {
            return Err(WebhookError::new(WebhookErrorKind::CredentialsMismatch, "the Basic credentials are not the webhook's"));
        }
        let payload: serde_json::Value = decode(body, self.max_body_bytes, "JSON")?;
        let event_type = payload
            .get("eventType")
            .and_then(serde_json::Value::as_str)
            .map(types::WebhookEventType::from)
            .ok_or_else(|| WebhookError::new(WebhookErrorKind::NotAnEvent, "the body has no eventType"))?;
        Ok(Event { event_type, payload })
    }
}

fn pair(username: &str, password: &str) -> SecretString {
    SecretString::from(format!("{username}:{password}"))
}
