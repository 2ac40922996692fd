//! The `exec` hook: each attempt paced, sent, and retried (or its token
//! refreshed once) as the retry policy decides.

use super::ClientContext;
use crate::error::{Answer, ErrorKind, Failure};
use crate::retry::{self, is_retryable, retry_after, AttemptEnd, CallState, Next, Outcome};
use reqwest::header::AUTHORIZATION;
use reqwest::{Request, Response};
use std::time::{Duration, Instant};
use tracing::Instrument;

impl ClientContext {
    /// The `exec` hook: sends `request`, retrying as the policy allows, and
    /// reads the body. Never an `Err`: the hook cannot make a
    /// `reqwest::Error`, so a failure travels as a stand-in response that
    /// the `post` hook turns into an error (see error/channel.rs).
    #[doc(hidden)]
    pub async fn execute(&self, request: Request, operation_id: &'static str) -> reqwest::Result<Response> {
        let path = self.operation(operation_id).map_or("", |op| op.path);
        Ok(self.execute_as(request, operation_id, path, false).await.unwrap_or_else(Failure::into_response))
    }

    /// [`execute`](Self::execute) for a request labelled `operation` on the
    /// span, whose path template is `path`; `safe_to_retry` makes it safe
    /// to repeat whatever its method (as the call's options can).
    pub(super) async fn execute_as(&self, request: Request, operation: &str, path: &str, safe_to_retry: bool) -> Result<Response, Failure> {
        let span = tracing::info_span!(
            "accounting_sync.request",
            vendor = self.vendor.name(),
            operation,
            method = %request.method(),
            path,
            status = tracing::field::Empty,
            attempt = tracing::field::Empty,
            request_id = tracing::field::Empty,
            paced_ms = tracing::field::Empty,
        );
        // Without a subscriber that wants the span, entering and leaving it
        // at every poll is work for nothing.
        if span.is_disabled() {
            return self.attempts(request, &span, safe_to_retry).await;
        }
        self.attempts(request, &span, safe_to_retry).instrument(span.clone()).await
    }

    async fn attempts(&self, request: Request, span: &tracing::Span, safe_to_retry: bool) -> Result<Response, Failure> {
        let repeat_safe = safe_to_retry || self.call.safe_to_retry || retry::repeat_safe(request.method());
        let mut pending = Some(request);
        let mut attempt = 0;
        let mut waited = Duration::ZERO;
        let mut paced = Duration::ZERO;
        let mut reauthorized = false;
        let mut counts_as_attempt = true;
        // Whether an attempt already retried may have been acted on: the
        // call's error says so whatever the last attempt met.
        let mut acted_before = false;
        loop {
            if counts_as_attempt {
                attempt += 1;
            }
            counts_as_attempt = true;
            span.record("attempt", attempt);
            // Keep the request only when another attempt could follow; a body
            // that cannot be cloned (a stream) is sent once.
            let may_follow = attempt < self.retry.max_attempts || (self.token.is_some() && !reauthorized);
            // Every `continue` below checks that the request is still at hand.
            let copy = if may_follow { pending.as_ref().and_then(Request::try_clone) } else { None };
            let Some(sending) = copy.or_else(|| pending.take()) else {
                return Err(Failure::new(ErrorKind::Unexpected, "internal: no request left to send", &self.secrets));
            };
            // The client's pace (the vendor's rate limits, a 429's hold) before
            // every attempt; the wait shows on the span and in the stats.
            let mut turn_wait = Duration::ZERO;
            let sent = loop {
                match self.fleet.turn(Instant::now(), turn_wait, attempt > 1) {
                    Ok(number) => break number,
                    Err(wait) => {
                        tokio::time::sleep(wait).await;
                        turn_wait = turn_wait.saturating_add(wait);
                    }
                }
            };
            if !turn_wait.is_zero() {
                tracing::debug!(attempt, wait_ms = millis(turn_wait), "waited for the client's pace");
                paced = paced.saturating_add(turn_wait);
                span.record("paced_ms", millis(paced));
            }
            // Only a token can be refreshed after a 401.
            let used_authorization = if self.token.is_some() { sending.headers().get(AUTHORIZATION).cloned() } else { None };
            let mut budget_spent = false;
            let failure = match self.http.execute(sending).await {
                Err(e) => Failure::transport(e, "the request failed", &self.secrets),
                Ok(response) => {
                    let status = response.status();
                    let hint = retry_after(response.headers(), std::time::SystemTime::now());
                    self.fleet.observe(sent, status.as_u16(), response.headers(), hint, Instant::now());
                    let outcome = Outcome::Status { status: status.as_u16(), hinted: hint.is_some() };
                    let call = CallState {
                        repeat_safe,
                        can_resend: pending.is_some(),
                        can_reauthorize: !reauthorized && self.token.is_some() && used_authorization.is_some(),
                    };
                    let end = AttemptEnd { outcome, hint, number: attempt, waited };
                    match retry::next(&self.retry, call, end, |outcome, hinted| self.fleet.allow_retry(outcome, hinted)) {
                        Next::Reauthorize => {
                            reauthorized = true;
                            if let (Some(cache), Some(used)) = (&self.token, &used_authorization) {
                                cache.invalidate(used);
                                if let Ok(fresh) = cache.header().await {
                                    tracing::info!(attempt, "401: access token refreshed; retrying once");
                                    if let Some(request) = pending.as_mut() {
                                        request.headers_mut().insert(AUTHORIZATION, fresh);
                                    }
                                    counts_as_attempt = false;
                                    continue;
                                }
                            }
                            // No fresh token: the 401 stands (it is not retried).
                        }
                        Next::Retry(delay) => {
                            tracing::warn!(attempt, status = status.as_u16(), delay_ms = millis(delay), "retrying");
                            acted_before |= retry::may_have_acted(outcome);
                            drop(response);
                            tokio::time::sleep(delay).await;
                            waited = waited.saturating_add(delay);
                            continue;
                        }
                        Next::Stop { budget_spent: spent } => {
                            if spent {
                                tracing::warn!(attempt, status = status.as_u16(), "not retrying: the client's retry budget is spent");
                            }
                            budget_spent = spent;
                        }
                    }
                    let answer = Answer {
                        retry_after: hint,
                        retryable: is_retryable(outcome, repeat_safe),
                        may_have_acted: acted_before || retry::may_have_acted(outcome),
                        budget_spent,
                    };
                    match self.finish(response, repeat_safe, answer, span).await {
                        Ok(response) => return Ok(response),
                        Err(failure) => failure,
                    }
                }
            };
            // A failure after a response whose retry the budget refused is
            // a body that could not be read: no second decision for it.
            if !budget_spent {
                let call = CallState { repeat_safe, can_resend: pending.is_some(), can_reauthorize: false };
                let end = AttemptEnd { outcome: failure.outcome, hint: None, number: attempt, waited };
                match retry::next(&self.retry, call, end, |outcome, hinted| self.fleet.allow_retry(outcome, hinted)) {
                    Next::Retry(delay) => {
                        tracing::warn!(attempt, error = %failure.message, delay_ms = millis(delay), "retrying");
                        acted_before |= failure.may_have_acted;
                        tokio::time::sleep(delay).await;
                        waited = waited.saturating_add(delay);
                        continue;
                    }
                    Next::Stop { budget_spent: true } => {
                        tracing::warn!(attempt, error = %failure.message, "not retrying: the client's retry budget is spent");
                        budget_spent = true;
                    }
                    Next::Stop { budget_spent: false } | Next::Reauthorize => {}
                }
            }
            let mut failure = failure.retryable_if(repeat_safe);
            failure.budget_spent |= budget_spent;
            failure.may_have_acted |= acted_before;
            return Err(failure);
        }
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
