//! Layer webhooks: thin notifications that name an entity without carrying
//! it, verified with the Standard Webhooks scheme (Svix's).
//!
//! Layer's endpoints, retries and event catalog are those of a Svix-hosted
//! portal, so deliveries carry `webhook-id`, `webhook-timestamp` and
//! `webhook-signature` (or the same with `svix-`), the signature a
//! space-separated list of `v1,<base64 HMAC-SHA256>` over
//! `"{id}.{timestamp}.{raw body}"`, keyed with the base64 after `whsec_` in
//! the endpoint's secret. That is inferred (no readable copy of Layer's page
//! shows the steps); [`identify`] confirms it on a captured delivery. Layer
//! expects a 2xx within 15 seconds: answer first, fetch after.
//!
//! Ours, not the `standardwebhooks` crate: that one fixes the tolerance,
//! cannot verify at a given time, reads only `webhook-*` headers, needs a
//! UTF-8 body, and would add a third base64 and the `time` crate; the scheme
//! is a few lines on `hmac` and `sha2`.

use super::{
    check_signed, check_size, decode, header_text, hmac_sha256, matches_any, parse_timestamp, WebhookError, WebhookErrorKind,
    DEFAULT_MAX_BODY_BYTES, DEFAULT_TOLERANCE,
};
use crate::layer::{types, Client};
use crate::Error;
use base64::Engine as _;
use secrecy::{ExposeSecret, SecretSlice};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::{Duration, SystemTime};

/// Which header names a delivery uses: Standard Webhooks' or Svix's own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HeaderPrefix {
    /// `webhook-id`, `webhook-timestamp`, `webhook-signature`.
    Webhook,
    /// `svix-id`, `svix-timestamp`, `svix-signature`.
    Svix,
}

impl HeaderPrefix {
    /// Both, in the order a receiver looks for them.
    pub const ALL: [HeaderPrefix; 2] = [HeaderPrefix::Webhook, HeaderPrefix::Svix];

    fn names(self) -> [&'static str; 3] {
        match self {
            HeaderPrefix::Webhook => ["webhook-id", "webhook-timestamp", "webhook-signature"],
            HeaderPrefix::Svix => ["svix-id", "svix-timestamp", "svix-signature"],
        }
    }
}

impl fmt::Display for HeaderPrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [id, timestamp, signature] = self.names();
        write!(f, "Standard Webhooks with {id}, {timestamp} and {signature}")
    }
}

/// The base64 after `whsec_` (padding optional), decoded: the HMAC key.
fn key_from_secret(secret: &str) -> Result<SecretSlice<u8>, WebhookError> {
    let lenient = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new().with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    // Svix's libraries accept a secret without the prefix too.
    let encoded = secret.trim().strip_prefix("whsec_").unwrap_or(secret.trim());
    match lenient.decode(encoded) {
        Ok(key) if !key.is_empty() => Ok(key.into()),
        _ => Err(WebhookError::new(
            WebhookErrorKind::InvalidSecret,
            "the Layer signing secret is not base64 after whsec_ (copy the endpoint's whole secret from Layer's portal)",
        )),
    }
}

/// The `webhook-signature` value for `body` with `id` and `timestamp`,
/// signed with `secret`: for tests and local senders.
pub fn sign(secret: &str, id: &str, timestamp: u64, body: &[u8]) -> Result<String, WebhookError> {
    let key = key_from_secret(secret)?;
    let mac = mac(key.expose_secret(), id, &timestamp.to_string(), body)
        .ok_or_else(|| WebhookError::new(WebhookErrorKind::InvalidSecret, "the key was refused by HMAC"))?;
    Ok(format!("v1,{}", base64::engine::general_purpose::STANDARD.encode(mac)))
}

fn mac(key: &[u8], id: &str, timestamp: &str, body: &[u8]) -> Option<[u8; 32]> {
    hmac_sha256(key, &[id.as_bytes(), b".", timestamp.as_bytes(), b".", body])
}

/// The three signing headers of a delivery, parsed.
struct Signed<'h> {
    prefix: HeaderPrefix,
    id: &'h str,
    timestamp: &'h str,
    /// Each `v1` signature, decoded; one that is not base64 is kept empty.
    v1: Vec<Vec<u8>>,
}

/// Reads the headers with `prefix`: `Ok(None)` when its id header is absent.
fn parse_with(headers: &http::HeaderMap, prefix: HeaderPrefix) -> Result<Option<Signed<'_>>, WebhookError> {
    let [id_name, timestamp_name, signature_name] = prefix.names();
    let Some(id) = header_text(headers, id_name)? else { return Ok(None) };
    let missing = |name: &str| WebhookError::new(WebhookErrorKind::MissingHeader, format!("{id_name} is there but {name} is not"));
    let timestamp = header_text(headers, timestamp_name)?.ok_or_else(|| missing(timestamp_name))?;
    let signature = header_text(headers, signature_name)?.ok_or_else(|| missing(signature_name))?;
    if id.is_empty() {
        return Err(WebhookError::new(WebhookErrorKind::MalformedHeader, format!("{id_name} is empty")));
    }
    let mut v1 = Vec::new();
    for entry in signature.split(' ').filter(|entry| !entry.is_empty()) {
        let (version, value) = entry.split_once(',').ok_or_else(|| {
            WebhookError::new(WebhookErrorKind::MalformedHeader, format!("{signature_name} has an entry that is not version,signature"))
        })?;
        // Other versions (`v1a`, asymmetric) are not checked here.
        if version == "v1" {
            v1.push(base64::engine::general_purpose::STANDARD.decode(value).unwrap_or_default());
        }
    }
    if v1.is_empty() {
        return Err(WebhookError::new(WebhookErrorKind::MalformedHeader, format!("{signature_name} has no v1 signature")));
    }
    Ok(Some(Signed { prefix, id, timestamp, v1 }))
}

/// The signing headers, with whichever prefix the delivery uses.
fn parse_signed(headers: &http::HeaderMap) -> Result<Signed<'_>, WebhookError> {
    for prefix in HeaderPrefix::ALL {
        if let Some(signed) = parse_with(headers, prefix)? {
            return Ok(signed);
        }
    }
    Err(WebhookError::new(WebhookErrorKind::MissingHeader, "no webhook-id (or svix-id) header (is this a delivery from Layer?)"))
}

/// Checks Layer deliveries against the endpoint's signing secret.
///
/// ```
/// use accounting_sync::webhooks::layer::Receiver;
/// use http::{HeaderMap, HeaderValue};
/// use std::time::{Duration, SystemTime};
///
/// // Svix's published example (its body is not a Layer event).
/// let receiver = Receiver::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
/// let mut headers = HeaderMap::new();
/// headers.insert("webhook-id", HeaderValue::from_static("msg_p5jXN8AQM9LWM0D4loKWxJek"));
/// headers.insert("webhook-timestamp", HeaderValue::from_static("1614265330"));
/// headers.insert("webhook-signature", HeaderValue::from_static("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="));
/// let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1614265330);
/// let refused = receiver.verify_at(&headers, br#"{"test": 2432232314}"#, at).unwrap_err();
/// assert!(!refused.is_unauthenticated(), "the signature is good; the body is not an event");
/// # Ok::<(), accounting_sync::webhooks::WebhookError>(())
/// ```
pub struct Receiver {
    keys: Vec<SecretSlice<u8>>,
    tolerance: Duration,
    max_body_bytes: usize,
}

impl fmt::Debug for Receiver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("secrets", &self.keys.len())
            .field("tolerance", &self.tolerance)
            .field("max_body_bytes", &self.max_body_bytes)
            .finish()
    }
}

impl Receiver {
    /// Accepts deliveries signed with `secret`, the endpoint's `whsec_…`;
    /// an error (kind `InvalidSecret`) when it is not base64 after `whsec_`.
    pub fn new(secret: impl AsRef<str>) -> Result<Self, WebhookError> {
        Ok(Receiver { keys: vec![key_from_secret(secret.as_ref())?], tolerance: DEFAULT_TOLERANCE, max_body_bytes: DEFAULT_MAX_BODY_BYTES })
    }

    /// Also accepts another secret: the previous one while a rotation
    /// settles, or another endpoint's posting to the same URL.
    pub fn also(mut self, secret: impl AsRef<str>) -> Result<Self, WebhookError> {
        self.keys.push(key_from_secret(secret.as_ref())?);
        Ok(self)
    }

    /// Accepts timestamps at most `tolerance` from the receiver's clock,
    /// either way (300 s by default).
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Refuses bodies larger than `bytes` (1 MiB by default).
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// Checks the delivery's signature and age against the clock, then
    /// decodes its event.
    pub fn verify(&self, headers: &http::HeaderMap, body: &[u8]) -> Result<Event, WebhookError> {
        self.verify_at(headers, body, SystemTime::now())
    }

    /// As [`verify`](Self::verify), with `now` as the time.
    pub fn verify_at(&self, headers: &http::HeaderMap, body: &[u8], now: SystemTime) -> Result<Event, WebhookError> {
        check_size(body, self.max_body_bytes)?;
        let signed = parse_signed(headers)?;
        let [_, timestamp_name, signature_name] = signed.prefix.names();
        let timestamp = parse_timestamp(signed.timestamp, timestamp_name)?;
        let macs = self.keys.iter().map(|key| mac(key.expose_secret(), signed.id, signed.timestamp, body));
        check_signed(timestamp, now, self.tolerance, macs, &signed.v1, (signature_name, "Layer"))?;
        decode_event(body, self.max_body_bytes)
    }
}

/// Which header sets of the delivery carry a `v1` signature made with
/// `secret`, the timestamp's age ignored (a captured delivery is old by the
/// time it is checked): empty when none does.
pub fn identify(headers: &http::HeaderMap, body: &[u8], secret: &str) -> Result<Vec<HeaderPrefix>, WebhookError> {
    let key = key_from_secret(secret)?;
    let mut found = Vec::new();
    let mut any = false;
    for prefix in HeaderPrefix::ALL {
        let Some(signed) = parse_with(headers, prefix)? else { continue };
        any = true;
        parse_timestamp(signed.timestamp, prefix.names()[1])?;
        let mac = mac(key.expose_secret(), signed.id, signed.timestamp, body);
        if mac.is_some_and(|mac| bool::from(matches_any(&mac, &signed.v1))) {
            found.push(prefix);
        }
    }
    if !any {
        return Err(WebhookError::new(WebhookErrorKind::MissingHeader, "no webhook-id (or svix-id) header"));
    }
    Ok(found)
}

/// A Layer event: which entity of which business changed, and how.
///
/// Both shapes Layer has documented decode: the catalog's
/// `{id, type: "Customer.created", business_id, business_external_id, data:
/// {entity_id, entity_external_id}}` and the older `{id, type:
/// "customer.created", data: {id}}`.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
pub struct Event {
    /// The event's id, the same on every delivery of it (deduplicate on it).
    pub id: String,
    /// What happened to which kind of entity.
    #[serde(rename = "type")]
    pub event_type: EventType,
    /// The business the entity belongs to, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_id: Option<String>,
    /// Your id for that business, when you gave Layer one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_external_id: Option<String>,
    /// The entity the event names.
    pub data: EventData,
}

/// The entity an event names, without its fields: fetch it for those.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
pub struct EventData {
    /// The entity's id (the catalog's `entity_id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_id: Option<String>,
    /// The entity's id in the older shape (`id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Your id for the entity, when you gave Layer one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_external_id: Option<String>,
    /// Any other field Layer sends.
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

impl Event {
    /// The id of the entity the event names, from either shape.
    pub fn entity_id(&self) -> &str {
        // decode_event refuses an event with neither.
        self.data.entity_id.as_deref().or(self.data.id.as_deref()).unwrap_or_default()
    }

    /// The business the event is about: its `business_id`, or the entity
    /// itself for a `Business.*` event of the older shape.
    pub fn business_id(&self) -> Option<&str> {
        match (&self.business_id, self.event_type.entity()) {
            (Some(id), _) => Some(id),
            (None, Entity::Business) => Some(self.entity_id()),
            (None, _) => None,
        }
    }
}

/// An event's `type`, kept as sent and read as (entity, action), each open:
/// a kind or action Layer adds later arrives as `Other` with its name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(from = "String", into = "String")]
pub struct EventType {
    raw: String,
    entity: Entity,
    action: Action,
}

/// The kind of entity an event is about.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Entity {
    /// `BankTransaction`.
    BankTransaction,
    /// `Bill`.
    Bill,
    /// `BillPayment`.
    BillPayment,
    /// `Business`.
    Business,
    /// `Customer`.
    Customer,
    /// `GeneralLedgerAccount`.
    GeneralLedgerAccount,
    /// `Invoice`.
    Invoice,
    /// `InvoicePayment`.
    InvoicePayment,
    /// `Vendor`.
    Vendor,
    /// Another kind, as named in the event.
    Other(String),
}

/// What happened to the entity.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Action {
    /// `created`.
    Created,
    /// `updated`.
    Updated,
    /// `archived`.
    Archived,
    /// Another action, as named in the event (empty when the type has no `.`).
    Other(String),
}

impl EventType {
    /// The type as Layer sent it, such as `Customer.created`.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The kind of entity.
    pub fn entity(&self) -> &Entity {
        &self.entity
    }

    /// What happened to it.
    pub fn action(&self) -> &Action {
        &self.action
    }
}

impl From<String> for EventType {
    fn from(raw: String) -> Self {
        let (entity, action) = raw.rsplit_once('.').unwrap_or((raw.as_str(), ""));
        // The catalog writes `BankTransaction`, the older page `customer`:
        // compare without case and separators.
        let key: String = entity.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect();
        let entity = match key.as_str() {
            "banktransaction" => Entity::BankTransaction,
            "bill" => Entity::Bill,
            "billpayment" => Entity::BillPayment,
            "business" => Entity::Business,
            "customer" => Entity::Customer,
            "generalledgeraccount" => Entity::GeneralLedgerAccount,
            "invoice" => Entity::Invoice,
            "invoicepayment" => Entity::InvoicePayment,
            "vendor" => Entity::Vendor,
            _ => Entity::Other(entity.to_owned()),
        };
        let action = match action.to_ascii_lowercase().as_str() {
            "created" => Action::Created,
            "updated" => Action::Updated,
            "archived" => Action::Archived,
            _ => Action::Other(action.to_owned()),
        };
        EventType { raw, entity, action }
    }
}

impl From<&str> for EventType {
    fn from(raw: &str) -> Self {
        EventType::from(raw.to_owned())
    }
}

impl From<EventType> for String {
    fn from(event_type: EventType) -> Self {
        event_type.raw
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

fn decode_event(body: &[u8], max_bytes: usize) -> Result<Event, WebhookError> {
    let event: Event = decode(body, max_bytes, "a Layer webhook event")?;
    if event.data.entity_id.is_none() && event.data.id.is_none() {
        return Err(WebhookError::new(WebhookErrorKind::NotAnEvent, "the event's data has neither entity_id nor id"));
    }
    Ok(event)
}

/// Decodes a delivery's event **without checking who sent it**: for events
/// already verified elsewhere (a gateway in front), never for a public
/// endpoint.
pub fn decode_unverified(body: &[u8]) -> Result<Event, WebhookError> {
    decode_event(body, DEFAULT_MAX_BODY_BYTES)
}

/// For a `Business.*` event, fetches the business's QuickBooks connection
/// status (the Layer data this crate covers): `Ok(None)` for other events.
pub async fn fetch_quickbooks_status(client: &Client, event: &Event) -> Result<Option<types::QuickbooksConnectionStatus>, Error> {
    if *event.event_type.entity() != Entity::Business {
        return Ok(None);
    }
    let Some(business) = event.business_id() else { return Ok(None) };
    let status = client.business_quickbooks_connection_status_get().business_id(business).send().await?;
    Ok(Some(status.into_inner().data))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_types_read_in_both_spellings_and_stay_open() {
        let catalog = EventType::from("BankTransaction.archived");
        assert_eq!((catalog.entity(), catalog.action()), (&Entity::BankTransaction, &Action::Archived));
        let older = EventType::from("customer.created");
        assert_eq!((older.entity(), older.action()), (&Entity::Customer, &Action::Created));
        let later = EventType::from("Payroll.reversed");
        assert_eq!((later.entity(), later.action()), (&Entity::Other("Payroll".into()), &Action::Other("reversed".into())));
        assert_eq!(later.to_string(), "Payroll.reversed");
        let bare = EventType::from("ping");
        assert_eq!(bare.action(), &Action::Other(String::new()));
    }

    #[test]
    fn odd_headers_are_refused_never_a_panic() {
        let receiver = Receiver::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_614_265_330);
        let cases: &[(&[(&str, &str)], WebhookErrorKind)] = &[
            (&[], WebhookErrorKind::MissingHeader),
            (&[("webhook-id", "m")], WebhookErrorKind::MissingHeader),
            (&[("webhook-id", "m"), ("webhook-timestamp", "1614265330")], WebhookErrorKind::MissingHeader),
            (&[("webhook-id", "m"), ("webhook-timestamp", "1614265330"), ("webhook-signature", "")], WebhookErrorKind::MalformedHeader),
            (&[("webhook-id", "m"), ("webhook-timestamp", "1614265330"), ("webhook-signature", "v1")], WebhookErrorKind::MalformedHeader),
            (&[("webhook-id", "m"), ("webhook-timestamp", "soon"), ("webhook-signature", "v1,AAAA")], WebhookErrorKind::MalformedHeader),
            (
                &[("webhook-id", "m"), ("webhook-timestamp", "99999999999999999999999"), ("webhook-signature", "v1,AAAA")],
                WebhookErrorKind::MalformedHeader,
            ),
            (
                &[("webhook-id", ""), ("webhook-timestamp", "1614265330"), ("webhook-signature", "v1,AAAA")],
                WebhookErrorKind::MalformedHeader,
            ),
            (
                &[("webhook-id", "m"), ("webhook-timestamp", "1614265330"), ("webhook-signature", "v1,*")],
                WebhookErrorKind::SignatureMismatch,
            ),
            (&[("svix-id", "m"), ("svix-timestamp", "1614265330"), ("svix-signature", "v1a,AAAA")], WebhookErrorKind::MalformedHeader),
        ];
        for (given, kind) in cases {
            let mut headers = http::HeaderMap::new();
            for (name, value) in *given {
                headers.insert(*name, http::HeaderValue::from_str(value).unwrap());
            }
            let e = receiver.verify_at(&headers, b"{}", at).unwrap_err();
            assert_eq!(e.kind(), *kind, "{given:?}: {e}");
        }
        for bad in ["whsec_not base64!", "whsec_", ""] {
            assert_eq!(Receiver::new(bad).unwrap_err().kind(), WebhookErrorKind::InvalidSecret, "{bad}");
        }
    }

    #[test]
    fn svix_example_is_signed_as_published() {
        let signature =
            sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1_614_265_330, br#"{"test": 2432232314}"#);
        assert_eq!(signature.unwrap(), "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }
}
