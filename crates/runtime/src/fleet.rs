//! What the calls of one client share, so that many tasks calling through it
//! behave as one good citizen towards the vendor: the retry budget, the pace
//! the vendor's rate limits set, and counters a job can read.
//!
//! A client's clones and its `with_options` / `for_entity` copies share one
//! budget, pace and set of counters; a client built anew has its own.

use crate::retry::{Outcome, RetryBudget, RetryPolicy};
use reqwest::header::{HeaderMap, HeaderName};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How a client paces its calls from what the vendor says about its rate
/// limits, so that a job of many calls runs at the rate the vendor allows
/// instead of into its 429s. Part of [`Settings`](crate::Settings).
///
/// The pace is the client's, shared by all its calls: a call waits for its
/// turn before each attempt. The wait shows as the `paced_ms` field of the
/// request's span and in [`ClientStats::pacing_wait`]. No wait is longer
/// than [`RetryPolicy::max_delay`], the longest wait for a server's hint: a
/// hold a server asks for beyond it is not kept (the call is sent, and the
/// vendor's answer decides), so no server can stall a client for longer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pacing {
    /// Follow `X-RateLimit-Remaining` and `X-RateLimit-Reset` when a response
    /// carries them (Rebilly, Layer): the calls left in the window are
    /// spread over the time left, and none is sent while none is left.
    pub rate_limit_headers: bool,
    /// On a 429, hold every call of the client until the `Retry-After` has
    /// passed (not only the call that got it) and slow the client down;
    /// speed up again as answers succeed (like aws-sdk's adaptive mode).
    pub adaptive: bool,
    /// Keep within the limits the vendor documents for its API, from the
    /// first call, before any 429 (Layer's token bucket, recorded in our
    /// Layer document as `x-rate-limit` on each server).
    pub documented_limits: bool,
}

impl Default for Pacing {
    fn default() -> Self {
        Pacing { rate_limit_headers: true, adaptive: true, documented_limits: true }
    }
}

impl Pacing {
    /// No pacing: every call is sent as soon as it is made.
    pub fn off() -> Self {
        Pacing { rate_limit_headers: false, adaptive: false, documented_limits: false }
    }
}

/// A rate limit a vendor documents: a token bucket of `burst` requests,
/// refilled with `requests` every `period`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed per period, in the long run.
    pub requests: u32,
    /// The refill period.
    pub period: Duration,
    /// Requests that may go at once from a full bucket (its size at start).
    pub burst: u32,
}

/// What a client's calls have done so far, from
/// `client.stats()`: for a job's log line or its metrics.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClientStats {
    /// Requests sent (every attempt, token requests not included).
    pub requests: u64,
    /// Of those, retries.
    pub retries: u64,
    /// Responses with status 429.
    pub throttled: u64,
    /// Attempts that waited for their turn under [`Pacing`].
    pub paced: u64,
    /// Time spent waiting for a turn, summed over attempts.
    pub pacing_wait: Duration,
    /// Failures returned without the retry they would have had, because
    /// the [`RetryBudget`] was spent.
    pub budget_refusals: u64,
    /// Tokens left in the retry budget (`None` without one).
    pub budget_left: Option<u32>,
}

/// The shared state of one client's calls.
#[derive(Debug)]
#[doc(hidden)]
pub struct Fleet {
    budget: Option<(RetryBudget, AtomicU32)>,
    pacing: Pacing,
    /// The longest wait for a turn, and the longest hold kept.
    max_wait: Duration,
    pace: Mutex<Pace>,
    requests: AtomicU64,
    retries: AtomicU64,
    throttled: AtomicU64,
    paced: AtomicU64,
    pacing_wait_micros: AtomicU64,
    budget_refusals: AtomicU64,
}

/// When the next call may start, from each source of pacing.
#[derive(Debug, Default)]
struct Pace {
    /// No call starts before this (a 429's `Retry-After`, or a window with
    /// no call left until its reset).
    hold_until: Option<Instant>,
    /// The vendor's current window, from its rate-limit headers: calls left
    /// in it (our count, lowered by each reading) and when it resets.
    window: Option<Window>,
    /// Calls sent so far: the number of a call, to count those sent after
    /// it, which its answer's count cannot include.
    sent: u64,
    /// Gap between starts after 429s (adaptive), shrinking with successes.
    adaptive_gap: Duration,
    /// The earliest start of the next call under the gaps above.
    next_start: Option<Instant>,
    /// The start of the latest call and the smoothed gap between starts:
    /// the rate the client was sending at when a 429 came.
    last_start: Option<Instant>,
    recent_gap: Duration,
    /// The documented limit, as a generic cell rate algorithm: a call may
    /// start once `theoretical - tolerance` is reached.
    documented: Option<Cell>,
}

#[derive(Debug)]
struct Window {
    reset_at: Instant,
    left: u64,
    /// The earliest start of the next call, the calls left spread evenly
    /// over the time left.
    next: Instant,
}

/// Readings whose resets are this close describe the same window (the
/// header has whole seconds; the reading's arrival time varies).
const SAME_WINDOW: Duration = Duration::from_millis(500);

#[derive(Debug)]
struct Cell {
    interval: Duration,
    tolerance: Duration,
    theoretical: Instant,
}

static REMAINING: HeaderName = HeaderName::from_static("x-ratelimit-remaining");
static RESET: HeaderName = HeaderName::from_static("x-ratelimit-reset");

/// Longest gap between calls any reading sets (a hostile header cannot stop
/// a client for longer than this per call; `Pacing::max_wait` bounds a wait).
const MAX_GAP: Duration = Duration::from_secs(10);
/// Longest gap the adaptive pace sets between calls (one a second).
const MAX_ADAPTIVE_GAP: Duration = Duration::from_secs(1);
/// Longest window a `X-RateLimit-Reset` may describe.
const MAX_WINDOW: Duration = Duration::from_secs(3600);

impl Fleet {
    #[doc(hidden)]
    pub fn new(retry: &RetryPolicy, pacing: &Pacing, documented: Option<RateLimit>) -> Self {
        let now = Instant::now();
        let documented = documented.filter(|_| pacing.documented_limits).and_then(|limit| {
            let interval = limit.period.checked_div(limit.requests.max(1))?;
            let tolerance = interval.checked_mul(limit.burst.saturating_sub(1))?;
            Some(Cell { interval, tolerance, theoretical: now })
        });
        Fleet {
            budget: retry.budget.clone().map(|b| {
                let full = AtomicU32::new(b.capacity);
                (b, full)
            }),
            pacing: pacing.clone(),
            max_wait: retry.max_delay,
            pace: Mutex::new(Pace { documented, ..Pace::default() }),
            requests: AtomicU64::new(0),
            retries: AtomicU64::new(0),
            throttled: AtomicU64::new(0),
            paced: AtomicU64::new(0),
            pacing_wait_micros: AtomicU64::new(0),
            budget_refusals: AtomicU64::new(0),
        }
    }

    fn pace(&self) -> std::sync::MutexGuard<'_, Pace> {
        // The state stays consistent between statements: a panic elsewhere
        // while it was held does not make it unusable.
        self.pace.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Whether a call may be sent now, at `now`, having waited `waited`
    /// already: `Ok` with the call's number (for [`observe`](Self::observe))
    /// when it may, its turn taken and the request counted; else how long to
    /// wait before asking again. A wait is never reserved: what the vendor
    /// says meanwhile (a 429, a new window) applies to waiting calls too. A
    /// call that has waited `max_wait` goes.
    #[doc(hidden)]
    pub fn turn(&self, now: Instant, waited: Duration, retry: bool) -> Result<u64, Duration> {
        let mut pace = self.pace();
        let mut start = now;
        if let Some(hold) = pace.hold_until {
            start = start.max(hold);
        }
        if let Some(next) = pace.next_start {
            start = start.max(next);
        }
        if let Some(cell) = &pace.documented {
            start = start.max(cell.theoretical.checked_sub(cell.tolerance).unwrap_or(now));
        }
        if let Some(window) = &pace.window {
            if now >= window.reset_at {
                pace.window = None;
            } else {
                start = start.max(window.next);
                // Nothing left in this window: wait for the next one (whose
                // size the next answer tells), unless that is too far off.
                if window.left == 0 && window.reset_at.saturating_duration_since(now) <= self.max_wait {
                    start = start.max(window.reset_at);
                }
            }
        }
        let patience = self.max_wait.saturating_sub(waited);
        if start > now && !patience.is_zero() {
            return Err(start.saturating_duration_since(now).min(patience));
        }
        // This call goes now.
        if let Some(window) = &mut pace.window {
            let divisor = u32::try_from(window.left).unwrap_or(u32::MAX);
            let gap = window.reset_at.saturating_duration_since(now).checked_div(divisor).unwrap_or_default().min(MAX_GAP);
            window.left = window.left.saturating_sub(1);
            window.next = now.checked_add(gap).unwrap_or(now);
        }
        let gap = pace.adaptive_gap;
        pace.next_start = if gap.is_zero() { None } else { now.checked_add(gap) };
        if let Some(cell) = &mut pace.documented {
            cell.theoretical = cell.theoretical.max(now).checked_add(cell.interval).unwrap_or(cell.theoretical);
        }
        if let Some(last) = pace.last_start {
            let since = now.saturating_duration_since(last);
            // A smoothed gap: one burst does not erase what came before.
            pace.recent_gap = (pace.recent_gap * 3 + since) / 4;
        }
        pace.last_start = Some(now);
        pace.sent += 1;
        let number = pace.sent - 1;
        drop(pace);
        self.requests.fetch_add(1, Ordering::Relaxed);
        if retry {
            self.retries.fetch_add(1, Ordering::Relaxed);
        }
        if !waited.is_zero() {
            self.paced.fetch_add(1, Ordering::Relaxed);
            let micros = u64::try_from(waited.as_micros()).unwrap_or(u64::MAX);
            self.pacing_wait_micros.fetch_add(micros, Ordering::Relaxed);
        }
        Ok(number)
    }

    /// Learns from a response: the rate-limit headers, a 429 and its hint,
    /// a success that refills the budget and speeds an adaptive pace up.
    /// `call` is the number [`turn`](Self::turn) gave the call.
    #[doc(hidden)]
    pub fn observe(&self, call: u64, status: u16, headers: &HeaderMap, retry_after: Option<Duration>, now: Instant) {
        if status == 429 {
            self.throttled.fetch_add(1, Ordering::Relaxed);
        } else if status < 500 {
            // The server is working: put some budget back.
            if let Some((budget, tokens)) = &self.budget {
                let _ = tokens.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |t| {
                    Some(t.saturating_add(budget.success_refill).min(budget.capacity))
                });
            }
        }
        let reading = if self.pacing.rate_limit_headers { window(headers, SystemTime::now(), now) } else { None };
        if reading.is_none() && !self.pacing.adaptive {
            return;
        }
        let mut pace = self.pace();
        if let Some((remaining, reset_at)) = reading {
            // The calls sent after this one are not in the server's count
            // (as far as it handles calls in the order they were sent).
            let sent_after = pace.sent.saturating_sub(call).saturating_sub(1);
            let left = remaining.saturating_sub(sent_after);
            match &mut pace.window {
                // The same window: the latest answer, less the calls sent
                // after it, is the best count.
                Some(window) if reset_at.max(window.reset_at) - reset_at.min(window.reset_at) <= SAME_WINDOW => {
                    window.left = left;
                }
                // An answer from a window already over.
                Some(window) if reset_at < window.reset_at => {}
                _ => pace.window = Some(Window { reset_at, left, next: now }),
            }
        }
        if self.pacing.adaptive {
            if status == 429 {
                if let Some(until) = retry_after.filter(|wait| *wait <= self.max_wait).and_then(|wait| now.checked_add(wait)) {
                    pace.hold_until = Some(pace.hold_until.map_or(until, |h| h.max(until)));
                }
                // Without a window to follow, send at two thirds of the
                // rate that met the limit (a burst's 429s do not compound:
                // the rate is measured, not the last gap doubled).
                if reading.is_none() {
                    let slower = (pace.recent_gap.saturating_mul(3) / 2).clamp(Duration::from_millis(1), MAX_ADAPTIVE_GAP);
                    pace.adaptive_gap = pace.adaptive_gap.max(slower);
                }
            } else if status < 500 && !pace.adaptive_gap.is_zero() {
                pace.adaptive_gap = pace.adaptive_gap.mul_f64(0.9);
                if pace.adaptive_gap < Duration::from_micros(100) {
                    pace.adaptive_gap = Duration::ZERO;
                }
            }
        }
    }

    /// Whether a retry of an attempt that ended so may be made, taking its
    /// cost from the budget when it may. Retries the server asked for (a
    /// 429, a wait it named) cost nothing: the client holds off for them.
    #[doc(hidden)]
    pub fn allow_retry(&self, outcome: Outcome, hinted: bool) -> bool {
        let Some((budget, tokens)) = &self.budget else { return true };
        let cost = match outcome {
            Outcome::Status { status: 429, .. } => return true,
            _ if hinted => return true,
            Outcome::TimedOut => budget.timeout_cost,
            _ => budget.retry_cost,
        };
        let taken = tokens.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |t| t.checked_sub(cost)).is_ok();
        if !taken {
            self.budget_refusals.fetch_add(1, Ordering::Relaxed);
        }
        taken
    }

    #[doc(hidden)]
    pub fn stats(&self) -> ClientStats {
        ClientStats {
            requests: self.requests.load(Ordering::Relaxed),
            retries: self.retries.load(Ordering::Relaxed),
            throttled: self.throttled.load(Ordering::Relaxed),
            paced: self.paced.load(Ordering::Relaxed),
            pacing_wait: Duration::from_micros(self.pacing_wait_micros.load(Ordering::Relaxed)),
            budget_refusals: self.budget_refusals.load(Ordering::Relaxed),
            budget_left: self.budget.as_ref().map(|(_, tokens)| tokens.load(Ordering::Relaxed)),
        }
    }
}

/// The calls left and when the window resets, from `X-RateLimit-Remaining`
/// and `X-RateLimit-Reset`. A reset of 10^9 or more is a Unix time (Rebilly,
/// Layer), a smaller one seconds from now (the IETF draft's form). Values
/// that do not parse, or a window longer than an hour, are ignored.
fn window(headers: &HeaderMap, wall: SystemTime, now: Instant) -> Option<(u64, Instant)> {
    let number = |name: &HeaderName| headers.get(name)?.to_str().ok()?.trim().parse::<u64>().ok();
    let remaining = number(&REMAINING)?;
    let reset = number(&RESET)?;
    let left = if reset >= 1_000_000_000 {
        let then = UNIX_EPOCH.checked_add(Duration::from_secs(reset))?;
        then.duration_since(wall).unwrap_or(Duration::ZERO)
    } else {
        Duration::from_secs(reset)
    };
    if left > MAX_WINDOW {
        return None;
    }
    Some((remaining, now.checked_add(left)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(remaining: &str, reset: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(&REMAINING, HeaderValue::from_str(remaining).unwrap());
        h.insert(&RESET, HeaderValue::from_str(reset).unwrap());
        h
    }

    fn fleet(pacing: Pacing, documented: Option<RateLimit>) -> Fleet {
        Fleet::new(&RetryPolicy::default(), &pacing, documented)
    }

    #[test]
    fn the_budget_refuses_when_spent_and_refills_with_successes() {
        let retry = RetryPolicy {
            budget: Some(RetryBudget { capacity: 12, retry_cost: 5, timeout_cost: 10, success_refill: 1 }),
            ..RetryPolicy::default()
        };
        let fleet = Fleet::new(&retry, &Pacing::off(), None);
        let server_error = Outcome::Status { status: 503, hinted: false };
        assert!(fleet.allow_retry(server_error, false));
        assert!(fleet.allow_retry(server_error, false));
        assert!(!fleet.allow_retry(server_error, false), "2 tokens left, a retry costs 5");
        assert!(fleet.allow_retry(Outcome::Status { status: 429, hinted: false }, false), "a 429 costs nothing");
        assert!(fleet.allow_retry(server_error, true), "a wait the server named costs nothing");
        for _ in 0..3 {
            fleet.observe(0, 200, &HeaderMap::new(), None, Instant::now());
        }
        assert!(fleet.allow_retry(server_error, false), "5 tokens after three successes");
        for _ in 0..100 {
            fleet.observe(0, 404, &HeaderMap::new(), None, Instant::now());
        }
        assert_eq!(fleet.stats().budget_left, Some(12), "refills stop at the capacity");
        assert!(fleet.allow_retry(Outcome::TimedOut, false), "a timeout costs 10");
        assert!(!fleet.allow_retry(Outcome::TimedOut, false));
        assert_eq!(fleet.stats().budget_refusals, 2);
        let unlimited = Fleet::new(&RetryPolicy { budget: None, ..RetryPolicy::default() }, &Pacing::off(), None);
        assert!((0..1000).all(|_| unlimited.allow_retry(server_error, false)));
    }

    #[test]
    fn timeouts_cost_more() {
        let retry = RetryPolicy {
            budget: Some(RetryBudget { capacity: 10, retry_cost: 5, timeout_cost: 10, success_refill: 1 }),
            ..RetryPolicy::default()
        };
        let fleet = Fleet::new(&retry, &Pacing::off(), None);
        assert!(fleet.allow_retry(Outcome::TimedOut, false));
        assert!(!fleet.allow_retry(Outcome::Lost, false));
    }

    /// What the transport does: asks for a turn until it gets one, time
    /// passing only by the waits. The whole wait of a call sent at `now`.
    fn go(fleet: &Fleet, now: Instant) -> Duration {
        let mut waited = Duration::ZERO;
        loop {
            match fleet.turn(now + waited, waited, false) {
                Ok(_) => return waited,
                Err(wait) => waited += wait,
            }
        }
    }

    #[test]
    fn headers_spread_the_calls_left_over_the_window() {
        let fleet = fleet(Pacing::default(), None);
        let now = Instant::now();
        assert_eq!(go(&fleet, now), Duration::ZERO);
        // 4 calls left, the window resets in 2 s: one call every 500 ms.
        fleet.observe(0, 200, &headers("4", "2"), None, now);
        assert_eq!(go(&fleet, now), Duration::ZERO);
        assert_eq!(go(&fleet, now), Duration::from_millis(500));
        // A call asking later than its turn goes at once.
        assert_eq!(go(&fleet, now + Duration::from_millis(1200)), Duration::ZERO);
        // None left: nothing goes before the reset.
        fleet.observe(3, 200, &headers("0", "3"), None, now);
        assert_eq!(go(&fleet, now), Duration::from_secs(3));
    }

    #[test]
    fn an_answer_does_not_count_the_calls_sent_after_it() {
        let fleet = fleet(Pacing::default(), None);
        let now = Instant::now();
        let calls: Vec<u64> = (0..4).map(|_| fleet.turn(now, Duration::ZERO, false).unwrap()).collect();
        // The first call's answer says 5 left; three more were sent since.
        fleet.observe(calls[0], 200, &headers("5", "1"), None, now);
        assert_eq!(fleet.pace().window.as_ref().map(|w| w.left), Some(2));
        // The last one's answer, 2 left, sent after none: 2.
        fleet.observe(calls[3], 200, &headers("2", "1"), None, now);
        assert_eq!(fleet.pace().window.as_ref().map(|w| w.left), Some(2));
    }

    #[test]
    fn a_reset_as_unix_time_and_hostile_values() {
        let wall = UNIX_EPOCH + Duration::from_secs(1_713_187_400);
        let now = Instant::now();
        let (left, at) = window(&headers("7", "1713187410"), wall, now).unwrap();
        assert_eq!((left, at.duration_since(now)), (7, Duration::from_secs(10)));
        assert_eq!(window(&headers("7", "1713187000"), wall, now).unwrap().1, now, "a reset in the past is now");
        for (remaining, reset) in [("-1", "2"), ("x", "2"), ("1", "99999999"), ("1", "18446744073709551615"), ("18446744073709551615", "")]
        {
            assert!(window(&headers(remaining, reset), wall, now).is_none(), "{remaining} {reset}");
        }
        // The largest count any header can give: a gap of almost nothing, no panic.
        let fleet = fleet(Pacing::default(), None);
        fleet.observe(0, 200, &headers("18446744073709551615", "3600"), None, now);
        assert!(go(&fleet, now) < Duration::from_millis(1));
        assert!(go(&fleet, now) < Duration::from_millis(1));
    }

    #[test]
    fn a_429_holds_the_whole_client_and_successes_speed_it_up() {
        let fleet = fleet(Pacing::default(), None);
        let now = Instant::now();
        for i in 0..4 {
            assert_eq!(go(&fleet, now + Duration::from_millis(10 * i)), Duration::ZERO);
        }
        let after = now + Duration::from_millis(30);
        fleet.observe(0, 429, &HeaderMap::new(), Some(Duration::from_secs(1)), after);
        assert_eq!(go(&fleet, after), Duration::from_secs(1), "every call waits for the Retry-After");
        let gap = fleet.pace().adaptive_gap;
        assert!(gap >= Duration::from_millis(1) && gap <= MAX_ADAPTIVE_GAP, "{gap:?}");
        // Many 429s at once do not compound.
        for _ in 0..50 {
            fleet.observe(0, 429, &HeaderMap::new(), None, after);
        }
        assert!(fleet.pace().adaptive_gap <= MAX_ADAPTIVE_GAP);
        for _ in 0..200 {
            fleet.observe(0, 200, &HeaderMap::new(), None, after);
        }
        assert_eq!(fleet.pace().adaptive_gap, Duration::ZERO, "successes bring the pace back");
        assert_eq!(fleet.stats().throttled, 51);
        let off = Fleet::new(&RetryPolicy::default(), &Pacing::off(), None);
        off.observe(0, 429, &headers("0", "5"), Some(Duration::from_secs(1)), now);
        assert_eq!(go(&off, now), Duration::ZERO, "pacing off: nothing waits");
    }

    #[test]
    fn a_documented_bucket_lets_a_burst_through_then_paces() {
        let limit = RateLimit { requests: 10, period: Duration::from_secs(1), burst: 3 };
        let fleet = fleet(Pacing::default(), Some(limit));
        let now = Instant::now();
        let waits: Vec<_> = (0..6).map(|_| go(&fleet, now)).collect();
        let ms = Duration::from_millis;
        assert_eq!(waits, [ms(0), ms(0), ms(0), ms(100), ms(200), ms(300)]);
        let ignored = fleet_with(Pacing { documented_limits: false, ..Pacing::default() }, limit);
        assert!((0..6).all(|_| go(&ignored, now).is_zero()));
    }

    fn fleet_with(pacing: Pacing, limit: RateLimit) -> Fleet {
        Fleet::new(&RetryPolicy::default(), &pacing, Some(limit))
    }

    #[test]
    fn no_hold_or_wait_is_longer_than_the_longest_hint_honoured() {
        let retry = RetryPolicy { max_delay: Duration::from_secs(2), ..RetryPolicy::default() };
        let now = Instant::now();
        let held = Fleet::new(&retry, &Pacing::default(), None);
        held.observe(0, 200, &headers("0", "3000"), None, now);
        held.observe(0, 429, &HeaderMap::new(), Some(Duration::from_secs(3)), now);
        assert!(go(&held, now) < Duration::from_millis(2), "holds past max_delay are not kept");
        let spaced = Fleet::new(&retry, &Pacing::default(), None);
        spaced.observe(0, 200, &headers("1", "3000"), None, now);
        assert_eq!(go(&spaced, now), Duration::ZERO);
        assert_eq!(go(&spaced, now), Duration::from_secs(2), "a gap of 3000 s is cut to max_delay");
    }
}
