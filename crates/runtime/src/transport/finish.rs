//! The body of a response read (bounded) and put back, an error body
//! scrubbed and kept for the [`Error`](crate::Error); and the `post` hook,
//! which hands every failure on.

use super::ClientContext;
use crate::body::{read_bounded, Read};
use crate::error::{request_id, Answer, Failure, StashedBody, ERROR_BODY_LIMIT};
use bytes::Bytes;
use reqwest::Response;

impl ClientContext {
    /// Reads the body (bounded) and records the outcome. The response keeps
    /// the attempt's `answer`, and an error response its body, scrubbed, for
    /// the [`Error`](crate::Error).
    pub(super) async fn finish(
        &self,
        mut response: Response,
        repeat_safe: bool,
        answer: Answer,
        span: &tracing::Span,
    ) -> Result<Response, Failure> {
        let status = response.status();
        span.record("status", status.as_u16());
        // Four header lookups and a copy, for a span nobody records.
        if !span.is_disabled() {
            if let Some(id) = request_id(response.headers()) {
                span.record("request_id", crate::error::printable(id, 100).as_str());
            }
        }
        if status.is_success() {
            let limit = self.max_response_bytes;
            // The server did what was asked; only its answer is lost.
            let done = |mut failure: Failure| {
                failure.may_have_acted = true;
                failure
            };
            if response.content_length().is_some_and(|length| length > limit as u64) {
                return Err(done(Failure::too_large(limit)));
            }
            return match read_bounded(&mut response, limit).await {
                // A success the operation does not document is an error too:
                // it needs the answer as much as an error status does.
                Ok(Read { bytes, cut: false }) => Ok(rebuild(response, bytes, answer, None)),
                Ok(Read { cut: true, .. }) => Err(done(Failure::too_large(limit))),
                Err(e) => Err(done(Failure::transport(e, "the response body could not be read", &self.secrets))),
            };
        }
        let (bytes, cut, read_error) = match read_bounded(&mut response, ERROR_BODY_LIMIT).await {
            Ok(Read { bytes, cut }) => (bytes, cut, None),
            Err(e) => (Bytes::new(), false, Some(Failure::transport(e, "the error response body could not be read", &self.secrets))),
        };
        let bytes = Bytes::from(self.secrets.scrub(&bytes, cut));
        let stash = StashedBody { bytes: bytes.clone(), read_error: read_error.map(|f| f.retryable_if(repeat_safe)) };
        Ok(rebuild(response, bytes, answer, Some(stash)))
    }

    /// The `post` hook: every failure goes to the caller as progenitor's
    /// `UnexpectedResponse`, which the generated `send` gives to
    /// `Error::from_call` with its client; that decodes the vendor's error
    /// body itself (the body is scrubbed). progenitor's own matching of
    /// error statuses (`ErrorResponse`) is never reached: every response
    /// that is not a 2xx is handed on here first.
    #[doc(hidden)]
    pub fn failure(&self, result: &reqwest::Result<Response>) -> Option<Response> {
        // The hook has the response only by reference: it hands on a copy.
        let response = result.as_ref().ok()?;
        if let Some(failure) = response.extensions().get::<Failure>() {
            return Some(failure.clone().into_response());
        }
        let stash = response.extensions().get::<StashedBody>()?;
        let mut copy = http::Response::new(stash.bytes.clone());
        *copy.status_mut() = response.status();
        *copy.version_mut() = response.version();
        *copy.headers_mut() = response.headers().clone();
        copy.extensions_mut().insert(stash.clone());
        if let Some(answer) = response.extensions().get::<Answer>() {
            copy.extensions_mut().insert(*answer);
        }
        Some(Response::from(copy))
    }
}

/// The response with its body replaced by what was read, carrying the
/// attempt's answer (unless it is the one a plain success comes to, which
/// the error reads a response without one as) and the stashed error body.
fn rebuild(mut response: Response, bytes: impl Into<Bytes>, answer: Answer, stash: Option<StashedBody>) -> Response {
    use reqwest::ResponseBuilderExt;
    // A new response from the old one's parts, taken, not converted: a
    // conversion through `http::Response` boxes the old body, and drops the
    // URL, which reqwest would then parse from a placeholder. The URL goes
    // in through the builder, reqwest's only way to set it; with a URL
    // alone the builder cannot fail.
    let mut rebuilt = http::Response::builder().url(response.url().clone()).body(bytes.into()).unwrap_or_default();
    *rebuilt.status_mut() = response.status();
    *rebuilt.version_mut() = response.version();
    *rebuilt.headers_mut() = std::mem::take(response.headers_mut());
    let extensions = rebuilt.extensions_mut();
    extensions.extend(std::mem::take(response.extensions_mut()));
    if answer != Answer::SETTLED {
        extensions.insert(answer);
    }
    if let Some(stash) = stash {
        extensions.insert(stash);
    }
    Response::from(rebuilt)
}
