//! Monite webhooks: every delivery carries `Monite-Signature: t=<unix
//! seconds>,v1=<hex HMAC-SHA256>` made with the subscription's secret
//! (returned once by `post_webhook_subscriptions` and by
//! `…/regenerate_secret`).
//!
//! The header and the algorithm are Monite's own; the signed payload and the
//! key are inferred (Monite's page follows Stripe's scheme, whose payload is
//! `"{t}.{raw body}"` keyed with the secret string's bytes), because no
//! readable copy of the page shows its last steps. [`Scheme`] names the
//! variants still possible; [`identify`] says which one a captured delivery
//! matches, and [`Receiver::scheme`] switches to it if it is not the default.

use super::{
    check_signed, check_size, decode, header_text, hmac_sha256, matches_any, parse_timestamp, WebhookError, WebhookErrorKind,
    DEFAULT_MAX_BODY_BYTES, DEFAULT_TOLERANCE,
};
use crate::monite::{types, Client};
use crate::Error;
use base64::Engine as _;
use secrecy::{ExposeSecret, SecretString};
use std::fmt;
use std::time::{Duration, SystemTime};

/// The header Monite signs deliveries in.
pub const SIGNATURE_HEADER: &str = "monite-signature";

/// What is signed and with which key: the variants the evidence leaves open.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Scheme {
    /// Between the timestamp and the body in the signed payload.
    pub separator: Separator,
    /// How the HMAC key is made from the secret.
    pub key: Key,
}

/// The character between `t` and the body in the signed payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Separator {
    /// `"{t}.{body}"`: Stripe's scheme, whose header Monite's matches.
    Dot,
    /// `"{t},{body}"`: what Convoy, a gateway with the same header, signs.
    Comma,
}

/// How the HMAC key is made from the secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Key {
    /// The whole secret string's bytes, `whsec_` included (Stripe's).
    SecretBytes,
    /// The base64 after `whsec_`, decoded (as Standard Webhooks does).
    Base64AfterWhsec,
}

impl Scheme {
    /// The documented inference, used unless a receiver is told otherwise.
    pub const DOCUMENTED: Scheme = Scheme { separator: Separator::Dot, key: Key::SecretBytes };

    /// Every variant [`identify`] tries, the documented one first.
    pub const ALL: [Scheme; 4] = [
        Scheme::DOCUMENTED,
        Scheme { separator: Separator::Comma, key: Key::SecretBytes },
        Scheme { separator: Separator::Dot, key: Key::Base64AfterWhsec },
        Scheme { separator: Separator::Comma, key: Key::Base64AfterWhsec },
    ];

    /// The `Monite-Signature` value this scheme gives `body` signed at
    /// `timestamp` with `secret`: for tests and local senders. `None` when
    /// the scheme's key cannot be made from `secret` (not base64 after
    /// `whsec_`).
    pub fn sign(&self, secret: &str, timestamp: u64, body: &[u8]) -> Option<String> {
        let key = self.key_bytes(secret)?;
        let t = timestamp.to_string();
        let mac = self.mac(key.expose_secret(), &t, body)?;
        Some(format!("t={t},v1={}", hex(&mac)))
    }

    fn key_bytes(&self, secret: &str) -> Option<secrecy::SecretSlice<u8>> {
        match self.key {
            Key::SecretBytes => Some(secret.as_bytes().to_vec().into()),
            Key::Base64AfterWhsec => {
                let encoded = secret.strip_prefix("whsec_")?;
                let lenient = base64::engine::GeneralPurpose::new(
                    &base64::alphabet::STANDARD,
                    base64::engine::GeneralPurposeConfig::new().with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
                );
                lenient.decode(encoded).ok().map(Into::into)
            }
        }
    }

    fn mac(&self, key: &[u8], t: &str, body: &[u8]) -> Option<[u8; 32]> {
        let separator: &[u8] = match self.separator {
            Separator::Dot => b".",
            Separator::Comma => b",",
        };
        hmac_sha256(key, &[t.as_bytes(), separator, body])
    }
}

impl Default for Scheme {
    fn default() -> Self {
        Scheme::DOCUMENTED
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let separator = match self.separator {
            Separator::Dot => '.',
            Separator::Comma => ',',
        };
        let key = match self.key {
            Key::SecretBytes => "the secret string's bytes",
            Key::Base64AfterWhsec => "the base64 after whsec_, decoded",
        };
        write!(f, "HMAC-SHA256 of \"{{t}}{separator}{{raw body}}\" keyed with {key}")?;
        if *self == Scheme::DOCUMENTED {
            f.write_str(" (the documented inference, the default)")?;
        }
        Ok(())
    }
}

/// A parsed `Monite-Signature` header.
struct Signature<'h> {
    t: &'h str,
    /// Each `v1`, decoded; one that is not 64 hex digits is kept empty, so
    /// it never matches but the others still may.
    v1: Vec<Vec<u8>>,
}

fn parse_signature(headers: &http::HeaderMap) -> Result<Signature<'_>, WebhookError> {
    let malformed = |what: &str| WebhookError::new(WebhookErrorKind::MalformedHeader, format!("the Monite-Signature header {what}"));
    let header = header_text(headers, SIGNATURE_HEADER)?.ok_or_else(|| {
        WebhookError::new(WebhookErrorKind::MissingHeader, "no Monite-Signature header (is this a delivery from Monite?)")
    })?;
    let (mut t, mut v1) = (None, Vec::new());
    for element in header.split(',') {
        let (name, value) = element.split_once('=').ok_or_else(|| malformed("has an element that is not name=value"))?;
        match name.trim() {
            "t" if t.is_some() => return Err(malformed("has two timestamps")),
            "t" => t = Some(value.trim()),
            "v1" => v1.push(unhex(value.trim()).unwrap_or_default()),
            // Other schemes (Stripe's test-mode `v0`, a later `v2`) are not ours to check.
            _ => {}
        }
    }
    let t = t.ok_or_else(|| malformed("has no t= timestamp"))?;
    if v1.is_empty() {
        return Err(malformed("has no v1= signature"));
    }
    Ok(Signature { t, v1 })
}

/// Checks Monite deliveries against the subscription's signing secret.
///
/// ```
/// use accounting_sync::webhooks::monite::{Receiver, Scheme};
/// use http::{HeaderMap, HeaderValue};
/// use std::time::{Duration, SystemTime};
///
/// let receiver = Receiver::new("whsec_the-subscriptions-secret");
/// let body = br#"{"id": "0b9b1f0e-3c3f-4f55-9a5a-8b3c2d1e0f9a", "action": "payable.created", "api_version": "2024-05-25",
///   "description": "", "entity_id": "9d2b4c8f-2087-4738-ba91-7359683c49a4", "object_type": "payable",
///   "webhook_subscription_id": "7e209570-afd5-4078-ac33-b8e7409fa790"}"#;
/// let signature = Scheme::DOCUMENTED.sign("whsec_the-subscriptions-secret", 1_765_000_000, body).unwrap();
/// let mut headers = HeaderMap::new();
/// headers.insert("monite-signature", HeaderValue::from_str(&signature)?);
/// let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_765_000_060);
/// let event = receiver.verify_at(&headers, body, at)?;
/// assert_eq!(event.action, "payable.created");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Receiver {
    secrets: Vec<SecretString>,
    scheme: Scheme,
    tolerance: Duration,
    max_body_bytes: usize,
}

impl fmt::Debug for Receiver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("secrets", &self.secrets.len())
            .field("scheme", &self.scheme)
            .field("tolerance", &self.tolerance)
            .field("max_body_bytes", &self.max_body_bytes)
            .finish()
    }
}

impl Receiver {
    /// Accepts deliveries signed with `secret` (the subscription's `whsec_…`).
    pub fn new(secret: impl AsRef<str>) -> Self {
        Receiver {
            secrets: vec![SecretString::from(secret.as_ref())],
            scheme: Scheme::DOCUMENTED,
            tolerance: DEFAULT_TOLERANCE,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }

    /// Also accepts another secret: the old one for deliveries already
    /// under way when it was regenerated, or another subscription's posting
    /// to the same endpoint.
    pub fn also(mut self, secret: impl AsRef<str>) -> Self {
        self.secrets.push(SecretString::from(secret.as_ref()));
        self
    }

    /// Checks signatures with `scheme` instead of [`Scheme::DOCUMENTED`]:
    /// when [`identify`] found a captured delivery signed another way.
    pub fn scheme(mut self, scheme: Scheme) -> Self {
        self.scheme = scheme;
        self
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
    pub fn verify(&self, headers: &http::HeaderMap, body: &[u8]) -> Result<types::WebhookEvent, WebhookError> {
        self.verify_at(headers, body, SystemTime::now())
    }

    /// As [`verify`](Self::verify), with `now` as the time: for tests and
    /// for replaying a stored delivery deliberately.
    pub fn verify_at(&self, headers: &http::HeaderMap, body: &[u8], now: SystemTime) -> Result<types::WebhookEvent, WebhookError> {
        check_size(body, self.max_body_bytes)?;
        let signature = parse_signature(headers)?;
        let t = parse_timestamp(signature.t, "the Monite-Signature header")?;
        // Every secret is tried, whichever matches.
        let macs = self.secrets.iter().map(|secret| {
            self.scheme.key_bytes(secret.expose_secret()).and_then(|key| self.scheme.mac(key.expose_secret(), signature.t, body))
        });
        check_signed(t, now, self.tolerance, macs, &signature.v1, ("Monite-Signature", "Monite"))?;
        decode(body, self.max_body_bytes, "a Monite webhook event")
    }
}

/// Which [`Scheme`]s make the delivery's `Monite-Signature` with `secret`,
/// the timestamp's age ignored (a captured delivery is old by the time it
/// is checked): empty when none does.
pub fn identify(headers: &http::HeaderMap, body: &[u8], secret: &str) -> Result<Vec<Scheme>, WebhookError> {
    let signature = parse_signature(headers)?;
    parse_timestamp(signature.t, "the Monite-Signature header")?;
    Ok(Scheme::ALL
        .into_iter()
        .filter(|scheme| {
            let mac = scheme.key_bytes(secret).and_then(|key| scheme.mac(key.expose_secret(), signature.t, body));
            mac.is_some_and(|mac| bool::from(matches_any(&mac, &signature.v1)))
        })
        .collect())
}

/// Decodes a delivery's event **without checking who sent it**: for events
/// already verified elsewhere (a gateway in front), never for a public
/// endpoint.
pub fn decode_unverified(body: &[u8]) -> Result<types::WebhookEvent, WebhookError> {
    decode(body, DEFAULT_MAX_BODY_BYTES, "a Monite webhook event")
}

/// The id of the object the event is about (`object.id`), when Monite
/// included the object.
pub fn object_id(event: &types::WebhookEvent) -> Option<uuid::Uuid> {
    event.object.as_ref()?.get("id")?.as_str()?.parse().ok()
}

/// Fetches, from Monite, the accounting connection an
/// `accounting_connection` event is about (as the event's entity):
/// `Ok(None)` for events about other objects or without an object id.
pub async fn fetch_accounting_connection(
    client: &Client,
    event: &types::WebhookEvent,
) -> Result<Option<types::AccountingConnectionResponse>, Error> {
    let (types::WebhookObjectType::AccountingConnection, Some(id)) = (&event.object_type, object_id(event)) else { return Ok(None) };
    let connection = client.for_entity(event.entity_id).get_accounting_connections_id().connection_id(id).send().await?;
    Ok(Some(connection.into_inner()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// 64 hex digits (either case) as 32 bytes; anything else `None`.
fn unhex(text: &str) -> Option<Vec<u8>> {
    if text.len() != 64 {
        return None;
    }
    let digit = |c: u8| (c as char).to_digit(16);
    text.as_bytes().chunks(2).map(|pair| Some((digit(pair[0])? * 16 + digit(pair[1])?) as u8)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(value: &str) -> http::HeaderMap {
        let mut headers = http::HeaderMap::new();
        headers.insert(SIGNATURE_HEADER, http::HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn odd_headers_are_malformed_never_a_panic() {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_765_000_000);
        let receiver = Receiver::new("whsec_x");
        let long_t = format!("t={},v1={}", "9".repeat(400), "0".repeat(64));
        for odd in [
            "",
            "t=1",
            "v1=00",
            "t=1,t=2,v1=00",
            "garbage",
            "t=,v1=00",
            "t=-5,v1=00",
            "t=1e9,v1=00",
            &long_t,
            "t=18446744073709551616,v1=00",
        ] {
            let e = receiver.verify_at(&headers(odd), b"{}", at).unwrap_err();
            assert_eq!(e.kind(), WebhookErrorKind::MalformedHeader, "{odd}: {e}");
        }
        // The largest timestamp parses, and is far in the future.
        let max = format!("t={},v1={}", u64::MAX, "0".repeat(64));
        assert_eq!(receiver.verify_at(&headers(&max), b"{}", at).unwrap_err().kind(), WebhookErrorKind::TimestampOutsideWindow);
        // A clock before 1970 does not panic either.
        let before = SystemTime::UNIX_EPOCH - Duration::from_secs(10);
        assert!(receiver.verify_at(&headers("t=0,v1=00"), b"{}", before).is_err());
        assert_eq!(unhex("zz".repeat(32).as_str()), None);
        assert_eq!(unhex(&"ab".repeat(32)).unwrap().len(), 32);
    }

    #[test]
    fn each_scheme_is_told_apart_by_identify() {
        let secret = "whsec_c2VjcmV0LWtleS1mb3ItbW9uaXRlLXRlc3Rz";
        for scheme in Scheme::ALL {
            let signature = scheme.sign(secret, 1_765_000_000, b"{}").unwrap();
            assert_eq!(identify(&headers(&signature), b"{}", secret).unwrap(), vec![scheme], "{scheme}");
            assert_eq!(identify(&headers(&signature), b"{ }", secret).unwrap(), vec![]);
        }
        // A secret without base64 after whsec_ cannot make the decoded key.
        assert!(Scheme::ALL[2].sign("not-whsec", 1, b"{}").is_none());
        assert!(Scheme::DOCUMENTED.to_string().contains("documented"));
    }
}
