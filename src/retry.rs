//! When and how long to wait before trying a request again.

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How failed requests are retried. Retried: 429, 502, 503, 504 and
/// connection failures, within `max_attempts` and `max_total_delay`.
///
/// A request that is not idempotent (POST, PATCH) is retried only when the
/// server says it did not process it (429; 503 with `Retry-After`; no
/// connection at all) or when it carries an `Idempotency-Key` header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 means never retry).
    pub max_attempts: u32,
    /// Delay before the first retry when the server gives no hint; doubles
    /// with each retry, with full jitter.
    pub base_delay: Duration,
    /// Longest single wait, hint or backoff.
    pub max_delay: Duration,
    /// Longest total waiting over all retries of one call; a retry that would
    /// pass it is not made.
    pub max_total_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(20),
            max_total_delay: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        RetryPolicy { max_attempts: 1, ..RetryPolicy::default() }
    }

    /// The jittered backoff before retry number `retry` (1 for the first).
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let ceiling = self.base_delay.saturating_mul(1u32 << retry.saturating_sub(1).min(16)).min(self.max_delay);
        ceiling.mul_f64(fastrand::f64())
    }

    /// The wait before the next attempt, or None when the policy says stop.
    /// `hint` is what the server asked for; `attempt` is the one that failed
    /// and `waited` the total already spent waiting.
    pub(crate) fn next_delay(&self, attempt: u32, waited: Duration, hint: Option<Duration>) -> Option<Duration> {
        if attempt >= self.max_attempts {
            return None;
        }
        let delay = match hint {
            Some(h) if h > self.max_delay => return None,
            Some(h) => h,
            None => self.backoff(attempt),
        };
        (waited + delay <= self.max_total_delay).then_some(delay)
    }
}

/// Whether a response with `status` may be retried for a request with
/// `method`: only when no work was done, or when doing it twice is harmless.
pub(crate) fn retryable_status(status: StatusCode, method: &Method, headers: &HeaderMap, idempotency_key: bool) -> bool {
    let safe_to_repeat = idempotency_key || matches!(*method, Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS);
    match status.as_u16() {
        429 => true,
        503 => safe_to_repeat || retry_after(headers, SystemTime::now()).is_some(),
        502 | 504 => safe_to_repeat,
        _ => false,
    }
}

/// The wait a response asks for: `Retry-After` in seconds or as an HTTP
/// date, else Rebilly's `X-RateLimit-Retry-After` (a Unix time).
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    if let Some(value) = text("retry-after") {
        if let Ok(seconds) = value.parse::<u64>() {
            return Some(Duration::from_secs(seconds));
        }
        if let Ok(date) = chrono::DateTime::parse_from_rfc2822(value) {
            return Some(until(SystemTime::from(date), now));
        }
    }
    let epoch = text("x-ratelimit-retry-after")?.parse::<u64>().ok()?;
    Some(until(UNIX_EPOCH + Duration::from_secs(epoch), now))
}

fn until(then: SystemTime, now: SystemTime) -> Duration {
    then.duration_since(now).unwrap_or(Duration::ZERO)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn retry_after_in_seconds_dates_and_rebilly_epochs() {
        let now = UNIX_EPOCH + Duration::from_secs(1_713_187_400);
        assert_eq!(retry_after(&headers(&[("retry-after", "7")]), now), Some(Duration::from_secs(7)));
        // 2024-04-15T13:25:00Z is 1_713_187_500.
        assert_eq!(retry_after(&headers(&[("retry-after", "Mon, 15 Apr 2024 13:25:00 GMT")]), now), Some(Duration::from_secs(100)));
        assert_eq!(retry_after(&headers(&[("x-ratelimit-retry-after", "1713187500")]), now), Some(Duration::from_secs(100)));
        assert_eq!(retry_after(&headers(&[("x-ratelimit-retry-after", "1713187000")]), now), Some(Duration::ZERO));
        assert_eq!(retry_after(&headers(&[("retry-after", "soon")]), now), None);
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn posts_are_retried_only_when_not_processed() {
        let none = HeaderMap::new();
        let hinted = headers(&[("retry-after", "1")]);
        assert!(retryable_status(StatusCode::TOO_MANY_REQUESTS, &Method::POST, &none, false));
        assert!(retryable_status(StatusCode::SERVICE_UNAVAILABLE, &Method::POST, &hinted, false));
        assert!(!retryable_status(StatusCode::SERVICE_UNAVAILABLE, &Method::POST, &none, false));
        assert!(!retryable_status(StatusCode::BAD_GATEWAY, &Method::POST, &none, false));
        assert!(retryable_status(StatusCode::BAD_GATEWAY, &Method::POST, &none, true));
        assert!(retryable_status(StatusCode::GATEWAY_TIMEOUT, &Method::GET, &none, false));
        assert!(!retryable_status(StatusCode::INTERNAL_SERVER_ERROR, &Method::GET, &none, false));
    }

    #[test]
    fn delays_are_bounded() {
        let p = RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
            max_total_delay: Duration::from_secs(2),
        };
        for retry in 1..=10 {
            let d = p.backoff(retry);
            assert!(d <= Duration::from_millis(100 * (1 << (retry - 1))).min(Duration::from_secs(1)), "{retry}: {d:?}");
        }
        assert_eq!(p.next_delay(1, Duration::ZERO, Some(Duration::from_millis(500))), Some(Duration::from_millis(500)));
        assert_eq!(p.next_delay(4, Duration::ZERO, None), None, "attempts used up");
        assert_eq!(p.next_delay(1, Duration::ZERO, Some(Duration::from_secs(5))), None, "hint above max_delay");
        assert_eq!(p.next_delay(2, Duration::from_millis(1800), Some(Duration::from_millis(500))), None, "total delay bound");
        assert_eq!(RetryPolicy::none().next_delay(1, Duration::ZERO, None), None);
    }
}
