//! When and how long to wait before trying a request again.

use reqwest::header::{HeaderMap, HeaderName, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How failed requests are retried. Retried: 429, 502, 503, 504, timeouts
/// and connection failures, within `max_attempts` and `max_total_delay`.
///
/// A request that is not idempotent (POST, PATCH) is retried only when the
/// server says it did not process it (429; 503 with `Retry-After`; no
/// connection at all), unless the caller said it is safe to repeat
/// ([`CallOptions::safe_to_retry`](crate::CallOptions::safe_to_retry)). GET,
/// HEAD, PUT, DELETE and OPTIONS are also retried after 502, 504, a timeout,
/// or a connection lost after sending. None of the three APIs documents an
/// `Idempotency-Key` header, so sending one does not make a POST repeatable.
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
    /// Retries of all calls of one client draw from this budget, so that a
    /// vendor in trouble is not sent every call several times; `None`: every
    /// call retries on its own, without a limit across calls.
    pub budget: Option<RetryBudget>,
}

/// A retry budget shared by every call of one client (its clones, its
/// `with_options` and `for_entity` copies too): a bucket of tokens that the
/// retries the client decides on itself draw from and successes refill, as
/// in aws-sdk's standard retry mode. When it is empty, a failure that would
/// have been retried is returned at once, still
/// [retryable](crate::Error::is_retryable), and
/// [`Error::retry_budget_spent`](crate::Error::retry_budget_spent) says why.
///
/// Retries the server asked for with a wait (429, and 503 with
/// `Retry-After`) do not draw from it: the whole client already holds off
/// for that long (see [`Pacing`](crate::Pacing)).
///
/// The costs are aws-sdk's; the bucket is smaller (100 tokens, where aws-sdk
/// has 500) because a sync job's client makes hundreds of calls, not the
/// many thousands of a long-lived service's: during an outage of 400 calls,
/// 20 retries are made instead of 800.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryBudget {
    /// Tokens in a full bucket, which is where it starts.
    pub capacity: u32,
    /// Tokens a retry takes after a 5xx or a lost connection.
    pub retry_cost: u32,
    /// Tokens a retry takes after a timeout (a slow server is the one
    /// most hurt by more load).
    pub timeout_cost: u32,
    /// Tokens a successful response puts back (up to `capacity`).
    pub success_refill: u32,
}

impl Default for RetryBudget {
    fn default() -> Self {
        RetryBudget { capacity: 100, retry_cost: 5, timeout_cost: 10, success_refill: 1 }
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(20),
            max_total_delay: Duration::from_secs(30),
            budget: Some(RetryBudget::default()),
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        RetryPolicy { max_attempts: 1, ..RetryPolicy::default() }
    }

    /// The jittered backoff before retry number `retry` (1 for the first).
    #[doc(hidden)]
    pub fn backoff(&self, retry: u32) -> Duration {
        let ceiling = self.base_delay.saturating_mul(1u32 << retry.saturating_sub(1).min(16)).min(self.max_delay);
        ceiling.mul_f64(fastrand::f64())
    }

    /// The wait before the next attempt, or None when the policy says stop.
    /// `hint` is what the server asked for; `attempt` is the one that failed
    /// and `waited` the total already spent waiting.
    #[doc(hidden)]
    pub fn next_delay(&self, attempt: u32, waited: Duration, hint: Option<Duration>) -> Option<Duration> {
        if attempt >= self.max_attempts {
            return None;
        }
        let delay = match hint {
            Some(h) if h > self.max_delay => return None,
            Some(h) => h,
            None => self.backoff(attempt),
        };
        (waited.saturating_add(delay) <= self.max_total_delay).then_some(delay)
    }
}

/// How one attempt ended, as far as trying again is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[doc(hidden)]
pub enum Outcome {
    /// A response arrived with this status; `hinted` when it said how long
    /// to wait (`Retry-After`), which a server sends only when it did not
    /// process the request.
    Status {
        /// The HTTP status.
        status: u16,
        /// Whether the response carried a retry hint.
        hinted: bool,
    },
    /// No connection could be made: nothing reached the server.
    NotConnected,
    /// The connection broke after the request was sent: the server may have
    /// acted on it.
    Lost,
    /// No (whole) response within the timeout: the server may have acted.
    TimedOut,
    /// Anything a second attempt would meet again: a redirect, an
    /// over-limit body, a response that is not valid HTTP, a bad request.
    Final,
}

/// What the call allows after an attempt, as far as the policy is concerned.
#[derive(Clone, Copy, Debug)]
#[doc(hidden)]
pub struct CallState {
    /// The request may be sent twice without harm (its method, or the
    /// caller's word).
    pub repeat_safe: bool,
    /// The request is still at hand to send again (a streamed body is sent
    /// once).
    pub can_resend: bool,
    /// A 401 may be answered with a fresh token, once: the client has a
    /// token cache, sent a token, and has not refreshed it in this call.
    pub can_reauthorize: bool,
}

/// How one attempt ended, as the policy reads it.
#[derive(Clone, Copy, Debug)]
#[doc(hidden)]
pub struct AttemptEnd {
    pub outcome: Outcome,
    /// The wait the response asked for.
    pub hint: Option<Duration>,
    /// The attempt's number (1 for the first).
    pub number: u32,
    /// The total waited before it, over the call's retries.
    pub waited: Duration,
}

/// What to do after an attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[doc(hidden)]
pub enum Next {
    /// Send the request again after this wait.
    Retry(Duration),
    /// Get a fresh token and send it again at once (the attempt does not count).
    Reauthorize,
    /// Return what the attempt got; `budget_spent` when a retry the rule
    /// allowed was refused by the client's retry budget.
    Stop { budget_spent: bool },
}

/// The retry policy as one decision, without I/O: the attempt's outcome and
/// the call's state give retry after a wait, re-authorize, or stop.
/// `allow_retry` asks the client's retry budget, and is asked only for a
/// retry that everything else allows (asking takes tokens).
#[doc(hidden)]
pub fn next(policy: &RetryPolicy, call: CallState, end: AttemptEnd, allow_retry: impl FnOnce(Outcome, bool) -> bool) -> Next {
    if !call.can_resend {
        return Next::Stop { budget_spent: false };
    }
    if call.can_reauthorize && matches!(end.outcome, Outcome::Status { status: 401, .. }) {
        return Next::Reauthorize;
    }
    if !is_retryable(end.outcome, call.repeat_safe) {
        return Next::Stop { budget_spent: false };
    }
    match policy.next_delay(end.number, end.waited, end.hint) {
        None => Next::Stop { budget_spent: false },
        Some(delay) if allow_retry(end.outcome, end.hint.is_some()) => Next::Retry(delay),
        Some(_) => Next::Stop { budget_spent: true },
    }
}

/// Whether a request with `method` may be sent twice without harm: HTTP's
/// idempotent methods (the caller may say so of others, per call).
#[doc(hidden)]
pub fn repeat_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS)
}

/// The one rule for retrying, used by the transport loop and by
/// [`Error::is_retryable`](crate::Error::is_retryable): only when the server
/// did no work, or when doing it twice is harmless.
#[doc(hidden)]
pub fn is_retryable(outcome: Outcome, repeat_safe: bool) -> bool {
    match outcome {
        Outcome::Status { status: 429, .. } | Outcome::NotConnected => true,
        Outcome::Status { status: 503, hinted } => repeat_safe || hinted,
        Outcome::Status { status: 502 | 504, .. } | Outcome::Lost | Outcome::TimedOut => repeat_safe,
        Outcome::Status { .. } | Outcome::Final => false,
    }
}

/// Whether the server may have acted on a request whose attempt ended with
/// `outcome` ([`Error::outcome_unknown`](crate::Error::outcome_unknown)).
/// For a request that is not safe to repeat it is the other side of
/// [`is_retryable`]: what that rule retries, the server did not process.
///
/// - A 2xx (its body over the limit or cut off): the server did it.
/// - 5xx: the server, or a gateway in front of it, failed while the request
///   was in its hands. A 502 or 504 from a gateway means the gateway got no
///   (timely) answer from the server behind it, which may have received the
///   request and be processing it still: unknown too. Only a 503 with
///   `Retry-After` is taken at its word as "not processed", as the retry
///   rule takes it.
/// - Any other status (4xx, 3xx): the server answered that it did not act.
/// - A connection lost after sending, or a timeout: unknown.
/// - No connection made: not sent.
/// - [`Outcome::Final`] says nothing of this by itself: its callers decide
///   (a response that is not valid HTTP came from a server that read the
///   request; a redirect did not act), so it gives `false` here.
#[doc(hidden)]
pub fn may_have_acted(outcome: Outcome) -> bool {
    match outcome {
        Outcome::Status { status: 200..=299, .. } | Outcome::Lost | Outcome::TimedOut => true,
        Outcome::Status { status: 503, hinted } => !hinted,
        Outcome::Status { status, .. } => status >= 500,
        Outcome::NotConnected | Outcome::Final => false,
    }
}

/// The [`Outcome`] of a response's status and headers.
#[doc(hidden)]
pub fn status_outcome(status: StatusCode, headers: &HeaderMap) -> Outcome {
    Outcome::Status { status: status.as_u16(), hinted: retry_after(headers, SystemTime::now()).is_some() }
}

/// The wait a response asks for: `Retry-After` in seconds or as an HTTP
/// date (any of its three formats), else Rebilly's `X-RateLimit-Retry-After`
/// (a Unix time). Any value, however large, gives a duration, never a panic.
#[doc(hidden)]
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    // Named ahead of time: a lookup by `&str` parses the name every call.
    static REBILLY_RETRY_AFTER: HeaderName = HeaderName::from_static("x-ratelimit-retry-after");
    let text = |name: &HeaderName| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    if let Some(value) = text(&RETRY_AFTER) {
        if let Ok(seconds) = value.parse::<u64>() {
            return Some(Duration::from_secs(seconds));
        }
        if let Ok(date) = httpdate::parse_http_date(value) {
            return Some(until(date, now));
        }
    }
    let epoch = text(&REBILLY_RETRY_AFTER)?.parse::<u64>().ok()?;
    // A time past what the platform can represent is "very long".
    let then = UNIX_EPOCH.checked_add(Duration::from_secs(epoch)).unwrap_or(far_future(now));
    Some(until(then, now))
}

fn far_future(now: SystemTime) -> SystemTime {
    now.checked_add(Duration::from_secs(u32::MAX.into())).unwrap_or(now)
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
        let status = |status, hinted| Outcome::Status { status, hinted };
        let post = repeat_safe(&Method::POST);
        assert!(!post && repeat_safe(&Method::GET) && repeat_safe(&Method::PUT));
        assert!(is_retryable(status(429, false), post));
        assert!(is_retryable(status(503, true), post));
        assert!(!is_retryable(status(503, false), post));
        assert!(!is_retryable(status(502, false), post));
        assert!(is_retryable(status(502, false), true));
        assert!(is_retryable(status(504, false), true));
        assert!(!is_retryable(status(500, false), true));
        assert!(is_retryable(Outcome::NotConnected, post));
        assert!(!is_retryable(Outcome::Lost, post) && is_retryable(Outcome::Lost, true));
        assert!(!is_retryable(Outcome::TimedOut, post) && is_retryable(Outcome::TimedOut, true));
        assert!(!is_retryable(Outcome::Final, true));
    }

    /// A POST that the rule retries was not processed; one it does not retry
    /// after a server's or gateway's failure may have been.
    #[test]
    fn what_is_not_retried_on_a_post_may_have_been_processed() {
        let status = |status, hinted| Outcome::Status { status, hinted };
        for outcome in [status(429, false), status(429, true), status(503, true), Outcome::NotConnected] {
            assert!(is_retryable(outcome, false) && !may_have_acted(outcome), "{outcome:?}");
        }
        for outcome in [status(500, false), status(502, false), status(503, false), status(504, true), Outcome::Lost, Outcome::TimedOut] {
            assert!(!is_retryable(outcome, false) && may_have_acted(outcome), "{outcome:?}");
        }
        for outcome in [status(400, false), status(404, false), status(409, false), status(422, false), status(302, false), Outcome::Final]
        {
            assert!(!is_retryable(outcome, false) && !may_have_acted(outcome), "{outcome:?}");
        }
        assert!(may_have_acted(status(200, false)), "a success whose body could not be read");
    }

    /// The whole decision, without HTTP.
    #[test]
    fn the_policy_decides_retry_reauthorize_or_stop() {
        let policy = RetryPolicy { base_delay: Duration::from_millis(100), budget: None, ..RetryPolicy::default() };
        let post = CallState { repeat_safe: false, can_resend: true, can_reauthorize: false };
        let get = CallState { repeat_safe: true, ..post };
        let end = |status, hint: Option<u64>, number| AttemptEnd {
            outcome: Outcome::Status { status, hinted: hint.is_some() },
            hint: hint.map(Duration::from_secs),
            number,
            waited: Duration::ZERO,
        };
        let yes = |_: Outcome, _: bool| true;
        assert_eq!(next(&policy, post, end(429, Some(2), 1), yes), Next::Retry(Duration::from_secs(2)));
        assert_eq!(next(&policy, post, end(502, None, 1), yes), Next::Stop { budget_spent: false }, "a POST may have been processed");
        assert!(matches!(next(&policy, get, end(502, None, 1), yes), Next::Retry(d) if d <= Duration::from_millis(100)));
        assert_eq!(next(&policy, get, end(502, None, 3), yes), Next::Stop { budget_spent: false }, "attempts used up");
        assert_eq!(next(&policy, get, end(429, Some(60), 1), yes), Next::Stop { budget_spent: false }, "a wait above max_delay");
        assert_eq!(next(&policy, get, end(404, None, 1), yes), Next::Stop { budget_spent: false });
        let lost = AttemptEnd { outcome: Outcome::Lost, hint: None, number: 1, waited: Duration::ZERO };
        assert!(matches!(next(&policy, get, lost, yes), Next::Retry(_)));
        assert_eq!(next(&policy, post, lost, yes), Next::Stop { budget_spent: false });
        // A 401 is answered with a fresh token once, whatever the method.
        let with_token = CallState { can_reauthorize: true, ..post };
        assert_eq!(next(&policy, with_token, end(401, None, 1), yes), Next::Reauthorize);
        assert_eq!(next(&policy, post, end(401, None, 1), yes), Next::Stop { budget_spent: false });
        // A request no longer at hand is never sent again.
        let gone = CallState { can_resend: false, ..with_token };
        assert_eq!(next(&policy, gone, end(401, None, 1), yes), Next::Stop { budget_spent: false });
        assert_eq!(next(&policy, CallState { can_resend: false, ..get }, end(503, None, 1), yes), Next::Stop { budget_spent: false });
        // The budget is asked last, and only for a retry the rest allows.
        let mut asked = 0;
        assert_eq!(
            next(&policy, get, end(503, None, 1), |_, _| {
                asked += 1;
                false
            }),
            Next::Stop { budget_spent: true }
        );
        assert_eq!(
            next(&policy, post, end(503, None, 1), |_, _| {
                asked += 1;
                false
            }),
            Next::Stop { budget_spent: false }
        );
        assert_eq!(asked, 1);
        // The server's wait is passed to the budget as such (it costs nothing there).
        assert_eq!(next(&policy, post, end(503, Some(1), 1), |_, hinted| hinted), Next::Retry(Duration::from_secs(1)));
    }

    #[test]
    fn all_three_http_date_formats() {
        // 1994-11-06T08:49:37Z, 100 s from `now`.
        let now = UNIX_EPOCH + Duration::from_secs(784_111_677);
        for date in ["Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"] {
            assert_eq!(retry_after(&headers(&[("retry-after", date)]), now), Some(Duration::from_secs(100)), "{date}");
        }
    }

    /// Whatever a server puts in these headers, the answer is a duration or
    /// none, and no later arithmetic on it overflows.
    #[test]
    fn hostile_header_values_never_panic() {
        let mut rng = fastrand::Rng::with_seed(11);
        let mut values: Vec<String> = [
            "18446744073709551615",
            "9223372036854775808",
            "9223372036854775807",
            "18446744073709551616",
            "-1",
            "0",
            "1e400",
            "",
            " ",
            "Fri, 31 Dec 9999 23:59:59 GMT",
            "Mon, 01 Jan 0000 00:00:00 GMT",
            "Sunday, 31-Dec-99 23:59:59 GMT",
            "Thu Feb 29 23:59:59 2100",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for _ in 0..2000 {
            let len = rng.usize(0..40);
            let alphabet = b"0123456789 -:,.eE+GMTSunNovDec";
            values.push((0..len).map(|_| alphabet[rng.usize(..alphabet.len())] as char).collect());
            values.push(rng.u64(..).to_string());
        }
        let policy = RetryPolicy { max_delay: Duration::MAX, max_total_delay: Duration::MAX, ..RetryPolicy::default() };
        for value in &values {
            for name in ["retry-after", "x-ratelimit-retry-after"] {
                let Ok(v) = HeaderValue::from_str(value) else { continue };
                let mut h = HeaderMap::new();
                h.insert(name, v);
                for now in [SystemTime::now(), UNIX_EPOCH] {
                    let hint = retry_after(&h, now);
                    let _ = policy.next_delay(1, Duration::MAX, hint);
                    let _ = policy.next_delay(1, Duration::from_secs(1), hint);
                    let _ = status_outcome(StatusCode::TOO_MANY_REQUESTS, &h);
                }
            }
        }
    }

    #[test]
    fn delays_are_bounded() {
        let p = RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
            max_total_delay: Duration::from_secs(2),
            budget: None,
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
