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

/// The kind of object a Rebilly event is about, read from its type's name
/// (`invoice-paid` is about an invoice), so event types Rebilly adds later
/// are read too.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ObjectKind {
    /// `customer-*`: the id in `customerId` (`targetCustomerId`, the
    /// customer kept, for `customer-merged`).
    Customer,
    /// `invoice-*`: `invoiceId`.
    Invoice,
    /// `credit-memo-*`: `creditMemoId`.
    CreditMemo,
    /// `transaction-*`: `transactionId`.
    Transaction,
    /// `subscription-*`: `subscriptionId`.
    Subscription,
    /// `dispute-*`: `disputeId`.
    Dispute,
}

impl ObjectKind {
    /// The name of the object under `_embedded` when Rebilly includes it.
    pub fn embedded_name(self) -> &'static str {
        match self {
            ObjectKind::Customer => "customer",
            ObjectKind::Invoice => "invoice",
            ObjectKind::CreditMemo => "creditMemo",
            ObjectKind::Transaction => "transaction",
            ObjectKind::Subscription => "subscription",
            ObjectKind::Dispute => "dispute",
        }
    }
}

/// The object an event names: its kind and id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ObjectRef<'e> {
    /// What kind of object.
    pub kind: ObjectKind,
    /// Its id in Rebilly.
    pub id: &'e str,
}

impl Event {
    /// The object the event is about, with its id: `None` for event types
    /// about other objects, or when the id field is missing.
    pub fn object(&self) -> Option<ObjectRef<'_>> {
        let name = self.event_type.as_str();
        let (kind, field) = if name == "customer-merged" {
            (ObjectKind::Customer, "targetCustomerId")
        } else {
            [
                ("customer-", ObjectKind::Customer, "customerId"),
                ("invoice-", ObjectKind::Invoice, "invoiceId"),
                ("credit-memo-", ObjectKind::CreditMemo, "creditMemoId"),
                ("transaction-", ObjectKind::Transaction, "transactionId"),
                ("subscription-", ObjectKind::Subscription, "subscriptionId"),
                ("dispute-", ObjectKind::Dispute, "disputeId"),
            ]
            .into_iter()
            .find(|(prefix, _, _)| name.starts_with(prefix))
            .map(|(_, kind, field)| (kind, field))?
        };
        Some(ObjectRef { kind, id: self.str_field(field)? })
    }

    /// `invoiceId`, on invoice events.
    pub fn invoice_id(&self) -> Option<&str> {
        self.str_field("invoiceId")
    }

    /// `customerId` (on customer events), or `targetCustomerId`, the
    /// customer kept, on `customer-merged`.
    pub fn customer_id(&self) -> Option<&str> {
        self.str_field("customerId").or_else(|| self.str_field("targetCustomerId"))
    }

    /// `creditMemoId`, on credit memo events.
    pub fn credit_memo_id(&self) -> Option<&str> {
        self.str_field("creditMemoId")
    }

    /// `transactionId`, on transaction events (and on disputes, the
    /// disputed transaction, when known).
    pub fn transaction_id(&self) -> Option<&str> {
        self.str_field("transactionId")
    }

    /// `subscriptionId`, on subscription events.
    pub fn subscription_id(&self) -> Option<&str> {
        self.str_field("subscriptionId")
    }

    /// `disputeId`, on dispute events.
    pub fn dispute_id(&self) -> Option<&str> {
        self.str_field("disputeId")
    }

    /// An object Rebilly embedded in the event (`_embedded.<name>`, e.g.
    /// `"invoice"`), as JSON.
    pub fn embedded(&self, name: &str) -> Option<&serde_json::Value> {
        self.payload.get("_embedded")?.get(name)
    }

    /// The object the event names, when Rebilly embedded it.
    pub fn embedded_object(&self) -> Option<&serde_json::Value> {
        self.embedded(self.object()?.kind.embedded_name())
    }

    fn str_field(&self, name: &str) -> Option<&str> {
        self.payload.get(name)?.as_str()
    }
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
        self.check_credentials(headers)?;
        let payload: serde_json::Value = decode(body, self.max_body_bytes, "JSON")?;
        let event_type = payload
            .get("eventType")
            .and_then(serde_json::Value::as_str)
            .map(types::WebhookEventType::from)
            .ok_or_else(|| WebhookError::new(WebhookErrorKind::NotAnEvent, "the body has no eventType"))?;
        Ok(Event { event_type, payload })
    }

    /// As [`verify`](Self::verify): Rebilly's credentials carry no time, so
    /// `now` is not used; here so that all three receivers read alike.
    pub fn verify_at(&self, headers: &http::HeaderMap, body: &[u8], _now: std::time::SystemTime) -> Result<Event, WebhookError> {
        self.verify(headers, body)
    }

    /// Checks only the credentials.
    pub(crate) fn check_credentials(&self, headers: &http::HeaderMap) -> Result<(), WebhookError> {
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
        Ok(())
    }
}

fn pair(username: &str, password: &str) -> SecretString {
    SecretString::from(format!("{username}:{password}"))
}
