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
//! | Monite | nothing yet | [`monite::decode_unverified`]: Monite signs deliveries (`Monite-Signature: t=…,v1=…`, HMAC-SHA256 with the subscription's secret), but the exact signed payload on Monite's page could not be confirmed here, and a guessed scheme would reject real deliveries or accept forged ones |
//! | Layer | nothing yet | [`layer::decode_unverified`]: Layer's page mentions signature verification, but its scheme could not be confirmed |
//!
//! Until a vendor's scheme is verified here, keep its webhook URL secret
//! (an unguessable path), restrict the sources to the vendor's published IP
//! addresses, and treat an event as a hint: fetch the object it names with
//! the API client before acting on it (the helpers below do that).

#[cfg(feature = "layer")]
pub mod layer;
#[cfg(feature = "monite")]
pub mod monite;
#[cfg(feature = "rebilly")]
pub mod rebilly;

use std::fmt;

/// Largest body decoded, unless a receiver is told otherwise.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1 << 20;

/// Why a delivery was refused. Its message never holds a secret or a
/// credential, only what was wrong with the request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookError {
    kind: WebhookErrorKind,
    message: String,
}

/// What was wrong with a delivery: answer 401 to the first four (the sender
/// is not who it claims), 400 to the others.
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
        write!(f, "webhook refused: {}", self.message)
    }
}

impl std::error::Error for WebhookError {}

/// Decodes a JSON event of type `T` from `body`, bounded by `max_bytes`.
pub(crate) fn decode<T: serde::de::DeserializeOwned>(body: &[u8], max_bytes: usize, what: &str) -> Result<T, WebhookError> {
    if body.len() > max_bytes {
        return Err(WebhookError::new(
            WebhookErrorKind::TooLarge,
            format!("the body is {} bytes, more than the {max_bytes} accepted", body.len()),
        ));
    }
    serde_json::from_slice(body).map_err(|e| {
        // serde_json's message names a line and column, never the content.
        WebhookError::new(WebhookErrorKind::NotAnEvent, format!("the body is not {what}: {e}"))
    })
}
