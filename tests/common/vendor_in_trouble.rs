//! A vendor in trouble, on loopback (wiremock): answering every request with
//! a 503 (an outage), or rate-limiting as Rebilly and Layer do, with a fixed
//! window of requests per second, `X-RateLimit-Limit`, `-Remaining` and
//! `-Reset` (Unix seconds) on every answer and a 429 with `Retry-After`
//! past the limit. It answers a list call with an empty list and counts
//! what it answered. Used by tests/fleet.rs and benches/fleet.rs.
#![allow(dead_code)] // the bench uses two of the three behaviours

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// How the vendor behaves.
#[derive(Clone, Copy, Debug)]
pub enum Trouble {
    /// Every request is answered 503, without `Retry-After`.
    Outage,
    /// At most `per_second` requests in each wall-clock second; past it a
    /// 429 with `Retry-After: 1`.
    RateLimit { per_second: u32 },
    /// After a request is refused, every request for `hold` is refused too,
    /// with `Retry-After` saying the hold's seconds; the first request is
    /// refused.
    ThrottleFirst { hold: Duration },
}

/// What the server answered so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Answered {
    /// Every request.
    pub requests: u64,
    /// Of those, 429s.
    pub throttled: u64,
    /// Of those, 503s.
    pub unavailable: u64,
}

#[derive(Default)]
struct State {
    answered: Answered,
    window: u64,
    used: u32,
    refusing_until: Option<SystemTime>,
}

struct Responder {
    trouble: Trouble,
    state: Arc<Mutex<State>>,
}

impl Respond for Responder {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let mut state = self.state.lock().unwrap();
        state.answered.requests += 1;
        let ok = ResponseTemplate::new(200).set_body_json(serde_json::json!([])).insert_header("pagination-total", "0");
        match self.trouble {
            Trouble::Outage => {
                state.answered.unavailable += 1;
                ResponseTemplate::new(503).set_body_json(serde_json::json!({"title": "Service Unavailable", "status": 503}))
            }
            Trouble::RateLimit { per_second } => {
                let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
                let second = now.as_secs();
                if second != state.window {
                    state.window = second;
                    state.used = 0;
                }
                let limited = |r: ResponseTemplate, remaining: u32| {
                    r.insert_header("x-ratelimit-limit", per_second.to_string().as_str())
                        .insert_header("x-ratelimit-remaining", remaining.to_string().as_str())
                        .insert_header("x-ratelimit-reset", (second + 1).to_string().as_str())
                };
                if state.used >= per_second {
                    state.answered.throttled += 1;
                    let refused = ResponseTemplate::new(429)
                        .insert_header("retry-after", "1")
                        .set_body_json(serde_json::json!({"title": "Too Many Requests", "status": 429}));
                    return limited(refused, 0);
                }
                state.used += 1;
                let remaining = per_second - state.used;
                limited(ok, remaining)
            }
            Trouble::ThrottleFirst { hold } => {
                let now = SystemTime::now();
                let refusing = match state.refusing_until {
                    None => true,
                    Some(until) => now < until,
                };
                if !refusing {
                    return ok;
                }
                if state.refusing_until.is_none() {
                    state.refusing_until = Some(now + hold);
                }
                state.answered.throttled += 1;
                let left = state.refusing_until.unwrap().duration_since(now).unwrap_or_default();
                ResponseTemplate::new(429)
                    .insert_header("retry-after", left.as_secs_f64().ceil().max(1.0).to_string().as_str())
                    .set_body_json(serde_json::json!({"title": "Too Many Requests", "status": 429}))
            }
        }
    }
}

/// A vendor in `trouble` on 127.0.0.1.
pub struct VendorInTrouble {
    /// The wiremock server.
    pub server: MockServer,
    state: Arc<Mutex<State>>,
}

impl VendorInTrouble {
    /// Starts one.
    pub async fn start(trouble: Trouble) -> Self {
        let server = MockServer::start().await;
        let state = Arc::new(Mutex::new(State::default()));
        Mock::given(wiremock::matchers::any()).respond_with(Responder { trouble, state: state.clone() }).mount(&server).await;
        VendorInTrouble { server, state }
    }

    /// What it answered so far.
    pub fn answered(&self) -> Answered {
        self.state.lock().unwrap().answered.clone()
    }
}
