//! Receiving webhooks: check who sent a delivery, then decode its event.
//!
//! Framework-agnostic: each receiver takes the request's headers
//! (`http::HeaderMap`, which axum, actix-web, hyper and Lambda runtimes all
//! give) and the **raw body bytes**. Pass the bytes as received: a body
//! parsed and serialized again is not the body that was authenticated.
//!
//! | API | what is verified | how |
//! |---|---|---|
//! | Rebilly | the HTTP Basic credentials configured on the webhook | [`rebilly::Receiver`]: `Authorization: Basic …`, compared in constant time; several pairs may be accepted while credentials rotate |
//! | Monite | the `Monite-Signature` header: HMAC-SHA256 of `"{t}.{raw body}"` keyed with the subscription's secret, `t` within the tolerance | [`monite::Receiver`]; the header is Monite's, the signed payload and key are inferred (see [`monite::Scheme`]) |
//! | Layer | Standard Webhooks (Svix): `webhook-id`/`-timestamp`/`-signature` or `svix-*`, HMAC-SHA256 of `"{id}.{timestamp}.{raw body}"` keyed with the base64 after `whsec_` | [`layer::Receiver`]; inferred from Layer's Svix-hosted portal, tested with Svix's published example |
//!
//! Monite's and Layer's pages could not be read to their last signing step
//! here: one captured delivery settles it. [`CapturedRequest::parse`] reads a
//! saved request and [`identify`] says which variant its signature matches
//! (`cargo run --example webhook_receiver -- --identify FILE --secret …`).

#[cfg(feature = "layer")]
pub mod layer;
#[cfg(feature = "monite")]
pub mod monite;
#[cfg(feature = "rebilly")]
pub mod rebilly;

mod capture;
pub use capture::{identify, CapturedRequest, Identification, Identified, MAX_CAPTURE_BYTES};

use std::fmt;
use std::time::Duration;

/// Largest body decoded, unless a receiver is told otherwise.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1 << 20;

/// Why a delivery was refused. Its message never holds a secret or a
/// credential, only what was wrong with the request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookError {
    kind: WebhookErrorKind,
    message: String,
}

/// What was wrong with a delivery: answer 401 to the first five (the sender
/// is not who it claims, [`WebhookError::is_unauthenticated`]), 400 to the
/// others.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WebhookErrorKind {
    /// A header the vendor always sends is missing.
    MissingHeader,
    /// The header is there but does not parse.
    MalformedHeader,
    /// The credentials the delivery carries are not the configured ones.
    CredentialsMismatch,
    /// The signature does not match the body (or the secret is wrong).
    SignatureMismatch,
    /// The signed timestamp is too old or too far in the future.
    TimestampOutsideWindow,
    /// The body is larger than the receiver accepts.
    TooLarge,
    /// The body is not an event of this vendor.
    NotAnEvent,
    /// The secret given to the receiver cannot be used (a Standard Webhooks
    /// secret that is not base64 after `whsec_`): a configuration error.
    InvalidSecret,
    /// A captured request (for [`identify`]) does not parse.
    MalformedCapture,
}

impl WebhookError {
    pub(crate) fn new(kind: WebhookErrorKind, message: impl Into<String>) -> Self {
        WebhookError { kind, message: message.into() }
    }

    /// What was wrong.
    pub fn kind(&self) -> WebhookErrorKind {
        self.kind
    }

    /// Whether the sender failed to prove who it is (answer 401).
    pub fn is_unauthenticated(&self) -> bool {
        matches!(
            self.kind,
            WebhookErrorKind::MissingHeader
                | WebhookErrorKind::MalformedHeader
                | WebhookErrorKind::CredentialsMismatch
                | WebhookErrorKind::SignatureMismatch
                | WebhookErrorKind::TimestampOutsideWindow
        )
    }
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let context = match self.kind {
            WebhookErrorKind::InvalidSecret => "webhook receiver not set up",
            WebhookErrorKind::MalformedCapture => "captured request unreadable",
            _ => "webhook refused",
        };
        write!(f, "{context}: {}", self.message)
    }
}

impl std::error::Error for WebhookError {}

/// Decodes a JSON event of type `T` from `body`, bounded by `max_bytes`.
pub(crate) fn decode<T: serde::de::DeserializeOwned>(body: &[u8], max_bytes: usize, what: &str) -> Result<T, WebhookError> {
    check_size(body, max_bytes)?;
    serde_json::from_slice(body).map_err(|e| {
        // serde_json's message names a line and column, never the content.
        WebhookError::new(WebhookErrorKind::NotAnEvent, format!("the body is not {what}: {e}"))
    })
}

/// How far a signed timestamp may be from the receiver's clock, either way,
/// unless a receiver is told otherwise: Stripe's and Standard Webhooks' default.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// Longest signature header read: far more than any real one, and a bound on
/// the work a forged request can cause.
#[cfg(any(feature = "monite", feature = "layer"))]
pub(crate) const MAX_SIGNATURE_HEADER_BYTES: usize = 8 * 1024;

/// HMAC-SHA256 of the concatenated `parts`; `None` only if the HMAC crate
/// refused the key, which it never does for HMAC (any length is valid), so
/// no match can come from it.
#[cfg(any(feature = "monite", feature = "layer"))]
pub(crate) fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> Option<[u8; 32]> {
    use hmac::Mac as _;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).ok()?;
    for part in parts {
        mac.update(part);
    }
    Some(mac.finalize().into_bytes().into())
}

/// Whether `expected` equals any of `candidates`: every candidate compared,
/// in time that does not depend on where the bytes differ.
#[cfg(any(feature = "monite", feature = "layer"))]
pub(crate) fn matches_any(expected: &[u8], candidates: &[Vec<u8>]) -> subtle::Choice {
    use subtle::ConstantTimeEq as _;
    candidates.iter().fold(subtle::Choice::from(0), |found, candidate| found | expected.ct_eq(candidate))
}

/// What a receiver of HMAC-signed deliveries checks once their headers are
/// parsed: the signed `timestamp` within `tolerance` of `now`, then one of
/// the delivery's `signatures` equal to the MAC made with one of the
/// configured secrets (`macs`, one per secret, every one computed and
/// compared whatever the others gave). `header` and `sender` name what a
/// refusal's message says.
#[cfg(any(feature = "monite", feature = "layer"))]
pub(crate) fn check_signed<M: AsRef<[u8]>>(
    timestamp: u64,
    now: std::time::SystemTime,
    tolerance: Duration,
    macs: impl Iterator<Item = Option<M>>,
    signatures: &[Vec<u8>],
    (header, sender): (&str, &str),
) -> Result<(), WebhookError> {
    check_window(timestamp, now, tolerance)?;
    let mut secrets = 0;
    let matched = macs.fold(subtle::Choice::from(0), |found, mac| {
        secrets += 1;
        found | mac.map_or(subtle::Choice::from(0), |mac| matches_any(mac.as_ref(), signatures))
    });
    if !bool::from(matched) {
        return Err(WebhookError::new(
            WebhookErrorKind::SignatureMismatch,
            format!(
                "no v1 signature in {header} matches the body with the {secrets} secret(s) configured (a wrong secret, a body changed on the way, or not from {sender})"
            ),
        ));
    }
    Ok(())
}

/// Parses a signed timestamp (decimal Unix seconds; any other string, or a
/// number too large for `u64`, is malformed).
#[cfg(any(feature = "monite", feature = "layer"))]
pub(crate) fn parse_timestamp(t: &str, header: &str) -> Result<u64, WebhookError> {
    let malformed = || WebhookError::new(WebhookErrorKind::MalformedHeader, format!("the timestamp in {header} is not Unix seconds"));
    if t.is_empty() || t.len() > 20 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(malformed());
    }
    t.parse().map_err(|_| malformed())
}

/// Refuses a timestamp further than `tolerance` from `now`, in the past (a
/// replay) or the future (a clock far off, or a forged time).
#[cfg(any(feature = "monite", feature = "layer"))]
pub(crate) fn check_window(t: u64, now: std::time::SystemTime, tolerance: Duration) -> Result<(), WebhookError> {
    // A clock before 1970 counts as 1970: every real timestamp is then future.
    let now = now.duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let tolerance = tolerance.as_secs();
    let (distance, direction) = if now >= t { (now - t, "old") } else { (t - now, "in the future") };
    if distance > tolerance {
        return Err(WebhookError::new(
            WebhookErrorKind::TimestampOutsideWindow,
            format!("the signed timestamp is {distance} s {direction}, more than the {tolerance} s accepted (a replay, or a clock off)"),
        ));
    }
    Ok(())
}

/// Refuses a body larger than `max_bytes` before any work on it.
pub(crate) fn check_size(body: &[u8], max_bytes: usize) -> Result<(), WebhookError> {
    if body.len() > max_bytes {
        return Err(WebhookError::new(
            WebhookErrorKind::TooLarge,
            format!("the body is {} bytes, more than the {max_bytes} accepted", body.len()),
        ));
    }
    Ok(())
}

/// A header's value as text, bounded: `Ok(None)` when absent.
#[cfg(any(feature = "monite", feature = "layer"))]
pub(crate) fn header_text<'h>(headers: &'h http::HeaderMap, name: &str) -> Result<Option<&'h str>, WebhookError> {
    let Some(value) = headers.get(name) else { return Ok(None) };
    if value.len() > MAX_SIGNATURE_HEADER_BYTES {
        return Err(WebhookError::new(
            WebhookErrorKind::MalformedHeader,
            format!("the {name} header is {} bytes, more than the {MAX_SIGNATURE_HEADER_BYTES} read", value.len()),
        ));
    }
    let text = value
        .to_str()
        .map_err(|_| WebhookError::new(WebhookErrorKind::MalformedHeader, format!("the {name} header is not visible ASCII")))?;
    Ok(Some(text.trim()))
}
