//! Confirming a signing scheme with one captured delivery: read the saved
//! request, then try every variant the evidence leaves open.

use super::{WebhookError, WebhookErrorKind, DEFAULT_MAX_BODY_BYTES};
use std::fmt;

/// Largest capture read: the largest body a receiver accepts, and headers.
pub const MAX_CAPTURE_BYTES: usize = DEFAULT_MAX_BODY_BYTES + 64 * 1024;

/// More header lines than any real delivery carries.
const MAX_HEADER_LINES: usize = 256;

/// A request as a capture saved it: its headers and its raw body.
#[derive(Clone, Debug, PartialEq)]
pub struct CapturedRequest {
    /// The headers, in order (repeated ones kept).
    pub headers: http::HeaderMap,
    /// The body's bytes, exactly as sent.
    pub body: Vec<u8>,
}

impl CapturedRequest {
    /// Reads a saved request: an optional request line (`POST /hook
    /// HTTP/1.1`), header lines, a blank line, then the raw body, with CRLF
    /// or LF line ends, as `nc -l` or a proxy's "save request" writes it
    /// (from a `curl --trace` dump, copy the headers and body into that form).
    ///
    /// A `Content-Length` shorter than what follows the blank line cuts the
    /// body there (editors and savers add a final newline, which would break
    /// the signature); a chunked body is joined.
    pub fn parse(raw: &[u8]) -> Result<Self, WebhookError> {
        let malformed = |what: String| WebhookError::new(WebhookErrorKind::MalformedCapture, what);
        if raw.len() > MAX_CAPTURE_BYTES {
            return Err(WebhookError::new(
                WebhookErrorKind::TooLarge,
                format!("the capture is {} bytes, more than the {MAX_CAPTURE_BYTES} read", raw.len()),
            ));
        }
        let mut rest = raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw);
        let mut headers = http::HeaderMap::new();
        let mut number = 0;
        loop {
            let Some(end) = memchr::memchr(b'\n', rest) else {
                return Err(malformed(
                    "no blank line after the headers: save the headers, a blank line, then the body exactly as received".into(),
                ));
            };
            let line = &rest[..end];
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            rest = &rest[end + 1..];
            number += 1;
            if number > MAX_HEADER_LINES {
                return Err(malformed(format!("more than {MAX_HEADER_LINES} lines before the blank line")));
            }
            if line.is_empty() {
                break;
            }
            // HTTP/2 pseudo-headers (`:method: POST`), as some proxies print them.
            if line.starts_with(b":") {
                continue;
            }
            match split_header(line) {
                Some((name, value)) => {
                    let name = http::HeaderName::from_bytes(name)
                        .map_err(|_| malformed(format!("line {number}: the header name is not a valid one")))?;
                    let value = http::HeaderValue::from_bytes(value)
                        .map_err(|_| malformed(format!("line {number}: the value of {name} has control characters")))?;
                    headers.append(name, value);
                }
                // The request line, or a status line pasted along.
                None if number == 1 => {}
                None => {
                    return Err(malformed(format!("line {number} is neither a header (name: value) nor the blank line before the body")))
                }
            }
        }
        let mut body = rest.to_vec();
        let chunked = headers
            .get_all(http::header::TRANSFER_ENCODING)
            .iter()
            .any(|v| v.to_str().is_ok_and(|v| v.to_ascii_lowercase().contains("chunked")));
        if chunked {
            body = dechunk(&body).ok_or_else(|| malformed("the body is sent chunked but its chunks do not parse".into()))?;
        } else if let Some(length) = headers.get(http::header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.trim().parse::<usize>().ok()) {
            if length < body.len() {
                body.truncate(length);
            }
        }
        Ok(CapturedRequest { headers, body })
    }
}

/// `name: value` with a name free of spaces (so a request line with an
/// absolute URL is not taken for a header), the value trimmed.
fn split_header(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let colon = memchr::memchr(b':', line)?;
    let name = &line[..colon];
    if name.is_empty() || name.iter().any(|b| b.is_ascii_whitespace()) {
        return None;
    }
    Some((name, line[colon + 1..].trim_ascii()))
}

/// Joins a chunked body; `None` when it does not parse.
fn dechunk(mut rest: &[u8]) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let end = memchr::memchr(b'\n', rest)?;
        let line = std::str::from_utf8(&rest[..end]).ok()?;
        rest = &rest[end + 1..];
        let size = line.split(';').next()?.trim();
        if size.is_empty() || size.len() > 15 {
            return None;
        }
        let size = usize::from_str_radix(size, 16).ok()?;
        if size == 0 {
            return Some(body);
        }
        body.extend_from_slice(rest.get(..size)?);
        rest = rest.get(size..)?;
        rest = rest.strip_prefix(b"\r\n").or_else(|| rest.strip_prefix(b"\n"))?;
    }
}

/// A scheme that verified a captured delivery.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Identified {
    /// Rebilly's HTTP Basic credentials (give the secret as `user:password`).
    #[cfg(feature = "rebilly")]
    Rebilly,
    /// A Monite signature made with this scheme.
    #[cfg(feature = "monite")]
    Monite(super::monite::Scheme),
    /// A Layer (Standard Webhooks) signature in these headers.
    #[cfg(feature = "layer")]
    Layer(super::layer::HeaderPrefix),
}

impl fmt::Display for Identified {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // By value: with no API feature the enum has no variant, and only a
        // match on the value itself may then have no arm.
        match *self {
            #[cfg(feature = "rebilly")]
            Identified::Rebilly => f.write_str("Rebilly: the HTTP Basic credentials match"),
            #[cfg(feature = "monite")]
            Identified::Monite(scheme) => write!(f, "Monite: {scheme}"),
            #[cfg(feature = "layer")]
            Identified::Layer(prefix) => write!(f, "Layer: {prefix}"),
        }
    }
}

/// What [`identify`] found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Identification {
    /// Every scheme that verifies the delivery with the secret.
    pub matches: Vec<Identified>,
    /// Why each vendor whose headers are there did not match (never the
    /// secret): a wrong secret, a malformed header, a body changed when saved.
    pub notes: Vec<String>,
}

/// Which scheme verifies `request` with `secret`, of every vendor whose
/// headers it carries: Monite's four variants ([`monite::Scheme::ALL`](super::monite::Scheme::ALL)),
/// Layer's two header prefixes, Rebilly's Basic credentials (`secret` as
/// `user:password`). Timestamps are not checked against the clock: a
/// captured delivery is old by the time it is checked.
pub fn identify(request: &CapturedRequest, secret: &str) -> Identification {
    let mut found = Identification::default();
    let headers = &request.headers;
    let mut any = false;
    #[cfg(feature = "monite")]
    if headers.contains_key(super::monite::SIGNATURE_HEADER) {
        any = true;
        match super::monite::identify(headers, &request.body, secret) {
            Ok(schemes) if schemes.is_empty() => found.notes.push(no_match("Monite-Signature")),
            Ok(schemes) => found.matches.extend(schemes.into_iter().map(Identified::Monite)),
            Err(e) => found.notes.push(format!("Monite: {e}")),
        }
    }
    #[cfg(feature = "layer")]
    if headers.contains_key("webhook-id") || headers.contains_key("svix-id") {
        any = true;
        match super::layer::identify(headers, &request.body, secret) {
            Ok(prefixes) if prefixes.is_empty() => found.notes.push(no_match("webhook-signature (or svix-signature)")),
            Ok(prefixes) => found.matches.extend(prefixes.into_iter().map(Identified::Layer)),
            Err(e) => found.notes.push(format!("Layer: {e}")),
        }
    }
    #[cfg(feature = "rebilly")]
    if headers.contains_key(http::header::AUTHORIZATION) {
        any = true;
        match secret.split_once(':') {
            None => found.notes.push("Rebilly: give the secret as user:password to check Basic credentials".into()),
            Some((user, password)) => match super::rebilly::Receiver::new(user, password).check_credentials(headers) {
                Ok(()) => found.matches.push(Identified::Rebilly),
                Err(e) => found.notes.push(format!("Rebilly: {e}")),
            },
        }
    }
    if !any {
        found.notes.push("no Monite-Signature, webhook-id, svix-id or Authorization header: was the capture cut?".into());
    }
    found
}

fn no_match(header: &str) -> String {
    format!(
        "{header} is there but no variant matches with this secret: a wrong secret, a body changed when saved (re-encoded, a newline added), or a scheme not yet known"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captures_parse_with_either_line_end_and_optional_request_line() {
        let lf = b"POST https://example.test/hooks HTTP/1.1\nHost: example.test\nContent-Length: 9\nWebhook-Id: msg_1\n\n{\"a\": 1}\n\n";
        let parsed = CapturedRequest::parse(lf).unwrap();
        assert_eq!(parsed.headers["webhook-id"], "msg_1");
        assert_eq!(parsed.body, b"{\"a\": 1}\n");
        let crlf = b"content-type: application/json\r\nmonite-signature: t=1,v1=00\r\n\r\n{}";
        let parsed = CapturedRequest::parse(crlf).unwrap();
        assert_eq!((parsed.headers.len(), parsed.body.as_slice()), (2, &b"{}"[..]));
        let chunked = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"a\"\r\n4;x=y\r\n: 1}\r\n0\r\n\r\n";
        assert_eq!(CapturedRequest::parse(chunked).unwrap().body, b"{\"a\": 1}");
    }

    #[test]
    fn odd_captures_are_refused_never_a_panic() {
        let many = "x: y\n".repeat(MAX_HEADER_LINES + 1);
        for odd in [
            &b""[..],
            b"only one line",
            b"Host: a\nnot a header\n\n{}",
            b"Host: a\nbad name\x01: b\n\n",
            b"Transfer-Encoding: chunked\n\nzz\n{}",
            b"Transfer-Encoding: chunked\n\nffffffffffffffff\n{}",
            b"Transfer-Encoding: chunked\n\n10\nshort",
            many.as_bytes(),
        ] {
            let e = CapturedRequest::parse(odd).unwrap_err();
            assert_eq!(e.kind(), WebhookErrorKind::MalformedCapture, "{:?}: {e}", String::from_utf8_lossy(odd));
        }
        let huge = vec![b'a'; MAX_CAPTURE_BYTES + 1];
        assert_eq!(CapturedRequest::parse(&huge).unwrap_err().kind(), WebhookErrorKind::TooLarge);
    }
}
