//! The kind of an error, stable across vendors.

use reqwest::StatusCode;

/// What went wrong, stable across vendors: match on this.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// 401: the credentials are missing, wrong or expired.
    Unauthorized,
    /// 403: the credentials may not do this.
    Forbidden,
    /// 404: no such resource.
    NotFound,
    /// 400 or 422: the server rejected the request's data; see
    /// [`Error::field_errors`](crate::Error::field_errors).
    Validation,
    /// 429: too many requests; see [`Error::retry_after`](crate::Error::retry_after).
    RateLimited,
    /// 409: the request conflicts with the resource's state.
    Conflict,
    /// 5xx: the server failed.
    Server,
    /// The request or the response body took longer than the timeout.
    Timeout,
    /// No connection could be made, or it broke. Retryable when nothing
    /// reached the server, or when the request is safe to repeat.
    Connect,
    /// The server answered with a redirect (3xx). Redirects are never
    /// followed, so that credentials stay with their origin; the message
    /// names the `Location`.
    Redirect,
    /// The response body was larger than
    /// [`Settings::max_response_bytes`](crate::Settings::max_response_bytes)
    /// (or the token limit); reading stopped at the limit.
    TooLarge,
    /// The response was not valid HTTP (a status line or header block that
    /// does not parse, or is too long).
    InvalidResponse,
    /// The response could not be decoded (malformed, truncated, or not what
    /// the API documents); see [`Error::raw_body`](crate::Error::raw_body).
    Decode,
    /// Getting an access token failed (token endpoint error, bad client
    /// credentials).
    Auth,
    /// The caller's input cannot make a request (a required parameter is
    /// missing, a value breaks its documented constraints). Nothing was sent.
    InvalidRequest,
    /// Any other status the API does not document (405, 410…).
    Unexpected,
    /// The client could not be built from its settings (see
    /// [`ConfigError`](crate::ConfigError)); no call was made.
    Config,
}

impl ErrorKind {
    /// The kind an HTTP status means on its own.
    pub fn from_status(status: StatusCode) -> Self {
        match status.as_u16() {
            400 | 422 => ErrorKind::Validation,
            401 => ErrorKind::Unauthorized,
            403 => ErrorKind::Forbidden,
            404 => ErrorKind::NotFound,
            408 => ErrorKind::Timeout,
            409 => ErrorKind::Conflict,
            429 => ErrorKind::RateLimited,
            500..=599 => ErrorKind::Server,
            301 | 302 | 303 | 307 | 308 => ErrorKind::Redirect,
            _ => ErrorKind::Unexpected,
        }
    }

    #[doc(hidden)]
    pub fn label(self) -> &'static str {
        match self {
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::NotFound => "not found",
            ErrorKind::Validation => "validation failed",
            ErrorKind::RateLimited => "rate limited",
            ErrorKind::Conflict => "conflict",
            ErrorKind::Server => "server error",
            ErrorKind::Timeout => "timed out",
            ErrorKind::Connect => "connection failed",
            ErrorKind::Redirect => "redirect not followed",
            ErrorKind::TooLarge => "response too large",
            ErrorKind::InvalidResponse => "invalid HTTP response",
            ErrorKind::Decode => "undecodable response",
            ErrorKind::Auth => "authentication failed",
            ErrorKind::InvalidRequest => "invalid request",
            ErrorKind::Unexpected => "unexpected response",
            ErrorKind::Config => "invalid client settings",
        }
    }
}
