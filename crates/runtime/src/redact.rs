//! Masking secrets in everything a server sends back that we keep or print.
//!
//! A server (or a proxy in the path) may echo what it was sent: the API key,
//! the client secret in a token request, the Basic `base64(id:secret)`, the
//! access token. Each client keeps its own [`Secrets`], in every encoding an
//! echo may carry them in (raw, JSON-escaped, URL-encoded, base64), and
//! every error text and retained body of its calls is scrubbed with them
//! before it is cut or kept, so that no prefix of a secret survives a cut
//! either.
//!
//! There is no process-wide list: every place that scrubs runs for one
//! client and has its set at hand (the transport and the token cache hold
//! it; a generated `send` and a raw call hand their client to
//! `Error::from_call`). A client masks its own secrets, not another
//! client's: a server can echo only what this client sent it, and the other
//! client's secrets were never sent here. A set goes with the last copy of
//! its client.

use base64::Engine as _;
use std::sync::{PoisonError, RwLock};

/// What a masked secret is replaced with.
pub const MASK: &str = "[redacted]";

/// A trailing fragment of a secret shorter than this is left alone: it
/// tells next to nothing, and masking it would mangle ordinary text.
const MIN_PREFIX: usize = 4;

/// Secrets shorter than this are not masked: masking a two-letter "secret"
/// would garble every message, and it would protect nothing.
const MIN_SECRET: usize = 6;

/// Access tokens a client remembers for masking (older ones have expired).
const TOKENS_KEPT: usize = 4;

/// The secrets of one client, each in every form an echo could carry.
/// Shared (in an `Arc`) by the client's copies and its token cache, which
/// adds each access token it gets.
#[derive(Default)]
#[doc(hidden)]
pub struct Secrets {
    fixed: RwLock<Vec<Vec<u8>>>,
    tokens: RwLock<Vec<Vec<Vec<u8>>>>,
}

impl Secrets {
    /// Masks `secret` from now on.
    #[doc(hidden)]
    pub fn add(&self, secret: &str) {
        let mut fixed = self.fixed.write().unwrap_or_else(PoisonError::into_inner);
        for form in forms(secret) {
            if !fixed.contains(&form) {
                fixed.push(form);
            }
        }
    }

    /// Masks HTTP Basic credentials: the secret, and `base64(id:secret)`.
    #[doc(hidden)]
    pub fn add_basic(&self, id: &str, secret: &str) {
        self.add(secret);
        self.add(&base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}")));
    }

    /// Masks an access token (the last few are kept).
    #[doc(hidden)]
    pub fn add_token(&self, token: &str) {
        let mut tokens = self.tokens.write().unwrap_or_else(PoisonError::into_inner);
        if tokens.len() >= TOKENS_KEPT {
            tokens.remove(0);
        }
        tokens.push(forms(token));
    }

    fn each_form(&self, mut f: impl FnMut(&[u8])) {
        for form in self.fixed.read().unwrap_or_else(PoisonError::into_inner).iter() {
            f(form);
        }
        for token in self.tokens.read().unwrap_or_else(PoisonError::into_inner).iter() {
            token.iter().for_each(|form| f(form));
        }
    }
}

/// Every form a secret may be echoed in, longest first (so that a longer
/// form is masked whole before a shorter one inside it).
fn forms(secret: &str) -> Vec<Vec<u8>> {
    if secret.len() < MIN_SECRET {
        return Vec::new();
    }
    let json = serde_json::to_string(secret).unwrap_or_default();
    let json = json.get(1..json.len().saturating_sub(1)).unwrap_or_default().to_string();
    let url = percent_encoding::utf8_percent_encode(secret, percent_encoding::NON_ALPHANUMERIC).to_string();
    let form: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    let b64 = base64::engine::general_purpose::STANDARD.encode(secret);
    let mut all: Vec<Vec<u8>> = Vec::new();
    for f in [secret.to_string(), json, url, form, b64] {
        if !f.is_empty() && !all.iter().any(|a| a == f.as_bytes()) {
            all.push(f.into_bytes());
        }
    }
    all.sort_by_key(|f| std::cmp::Reverse(f.len()));
    all
}

impl Secrets {
    /// `bytes` with every secret of this set masked. `cut` says the bytes
    /// are the start of something longer: a trailing fragment of a secret
    /// is masked too.
    #[doc(hidden)]
    pub fn scrub(&self, bytes: &[u8], cut: bool) -> Vec<u8> {
        // Every match is found in the text as received, then all are masked
        // at once: a mask is never searched again.
        let mut spans: Vec<(usize, usize)> = Vec::new();
        self.each_form(|form| {
            spans.extend(memchr::memmem::find_iter(bytes, form).map(|at| (at, at + form.len())));
            if cut {
                spans.extend(trailing_prefix(bytes, form));
            }
        });
        if spans.is_empty() {
            return bytes.to_vec();
        }
        spans.sort_unstable();
        let mut out = Vec::with_capacity(bytes.len());
        let mut done = 0;
        for (start, end) in spans {
            if end <= done {
                continue;
            }
            if start >= done {
                out.extend_from_slice(&bytes[done..start]);
                out.extend_from_slice(MASK.as_bytes());
            }
            done = end;
        }
        out.extend_from_slice(&bytes[done..]);
        out
    }

    /// [`scrub`](Self::scrub) for text.
    #[doc(hidden)]
    pub fn scrub_text(&self, text: &str) -> String {
        let scrubbed = self.scrub(text.as_bytes(), false);
        String::from_utf8(scrubbed).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }
}

/// Where `text` ends with the start of `form` (at least [`MIN_PREFIX`] bytes).
fn trailing_prefix(text: &[u8], form: &[u8]) -> Option<(usize, usize)> {
    let longest = form.len().saturating_sub(1).min(text.len());
    (MIN_PREFIX..=longest).rev().find(|len| text.ends_with(&form[..*len])).map(|len| (text.len() - len, text.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(bytes: Vec<u8>) -> String {
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn every_encoding_is_masked() {
        let secrets = Secrets::default();
        let secret = "se\"cr/et\\ ké+y";
        secrets.add_basic("client-7", secret);
        let json = serde_json::to_string(secret).unwrap();
        let url: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
        let pct = percent_encoding::utf8_percent_encode(secret, percent_encoding::NON_ALPHANUMERIC).to_string();
        let basic = base64::engine::general_purpose::STANDARD.encode(format!("client-7:{secret}"));
        let echo = format!("raw {secret} json {json} form {url} pct {pct} basic {basic}");
        let out = text(secrets.scrub(echo.as_bytes(), false));
        for leaked in [secret, &json[1..json.len() - 1], &url, &pct, &basic] {
            assert!(!out.contains(leaked), "{leaked:?} in {out}");
        }
        assert!(out.starts_with("raw [redacted] json"), "{out}");
    }

    #[test]
    fn masks_are_not_searched_again_and_short_secrets_are_left() {
        let secrets = Secrets::default();
        secrets.add("dacted-and-more");
        secrets.add("abc");
        assert_eq!(text(secrets.scrub(b"x dacted-and-more [redacted] abc", false)), "x [redacted] [redacted] abc");
    }

    #[test]
    fn a_cut_leaves_no_prefix_and_tokens_rotate() {
        let secrets = Secrets::default();
        secrets.add_token("tok-0123456789");
        let out = text(secrets.scrub(b"echo: Bearer tok-01234", true));
        assert_eq!(out, "echo: Bearer [redacted]");
        // Shorter than MIN_PREFIX: ordinary text.
        assert_eq!(text(secrets.scrub(b"echo tok", true)), "echo tok");
        assert_eq!(text(secrets.scrub(b"echo tok-01234", false)), "echo tok-01234", "not cut: kept");
        for i in 0..TOKENS_KEPT + 1 {
            secrets.add_token(&format!("rotated-token-{i}"));
        }
        assert_eq!(text(secrets.scrub(b"rotated-token-0 tok-0123456789", false)), "rotated-token-0 tok-0123456789");
        assert_eq!(text(secrets.scrub(format!("rotated-token-{TOKENS_KEPT}").as_bytes(), false)), MASK);
    }

    #[test]
    fn a_set_masks_its_own_secrets_only() {
        let (mine, theirs) = (Secrets::default(), Secrets::default());
        mine.add("mine-0123456789");
        theirs.add("theirs-0123456789");
        let echo = b"mine-0123456789 theirs-0123456789";
        assert_eq!(text(mine.scrub(echo, false)), "[redacted] theirs-0123456789");
        assert_eq!(text(theirs.scrub(echo, false)), "mine-0123456789 [redacted]");
    }
}
