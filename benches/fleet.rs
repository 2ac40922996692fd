//! P8 of BENCHMARKS.md: a fleet of calls through one client against a
//! vendor in trouble, before (no retry budget, no pacing: each call on its
//! own, as the client was) and after (the defaults: `RetryBudget` and
//! `Pacing`), side by side in one run.
//!
//! - Outage: every request answers 503 without `Retry-After`; 16 tasks make
//!   25 list calls each. Reported: server requests per call, the longest
//!   call, the wall time.
//! - Rate limit: 20 requests per wall-clock second with Rebilly's
//!   `X-RateLimit-*` headers, 429 with `Retry-After: 1` past it; the same
//!   job. Reported: the share of 429s, failed calls, the wall time against
//!   the ideal (calls / 20 per second).
//!
//! Rounds alternate before and after; the report gives each round and the
//! median. `cargo bench --bench fleet` (add `-- --quick` for a smoke run
//! with 4 tasks of 5 calls and 2 rounds).

#[path = "../tests/common/vendor_in_trouble.rs"]
mod vendor_in_trouble;

use accounting_sync::{rebilly, Pacing, RetryBudget, RetryPolicy, Settings};
use std::time::{Duration, Instant};
use vendor_in_trouble::{Trouble, VendorInTrouble};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Client {
    Before,
    After,
}

impl Client {
    fn settings(self) -> Settings {
        match self {
            Client::Before => {
                Settings { retry: RetryPolicy { budget: None, ..RetryPolicy::default() }, pacing: Pacing::off(), ..Settings::default() }
            }
            Client::After => {
                Settings { retry: RetryPolicy { budget: Some(RetryBudget::default()), ..RetryPolicy::default() }, ..Settings::default() }
            }
        }
    }
}

struct Outcome {
    calls: usize,
    failed: usize,
    requests: u64,
    throttled: u64,
    wall: Duration,
    longest_call: Duration,
}

async fn job(trouble: Trouble, client: Client, tasks: usize, calls: usize) -> Outcome {
    let vendor = VendorInTrouble::start(trouble).await;
    let api = rebilly::Client::with_settings(
        rebilly::Environment::Custom(vendor.server.uri()),
        "org-bench",
        rebilly::api_key("sk_bench_key"),
        &client.settings(),
    )
    .expect("a client");
    let started = Instant::now();
    let runs = (0..tasks).map(|_| {
        let api = api.clone();
        tokio::spawn(async move {
            let (mut failed, mut longest) = (0, Duration::ZERO);
            for _ in 0..calls {
                let call = Instant::now();
                if api.get_external_identifier_collection().send().await.is_err() {
                    failed += 1;
                }
                longest = longest.max(call.elapsed());
            }
            (failed, longest)
        })
    });
    let results: Vec<(usize, Duration)> = futures::future::join_all(runs).await.into_iter().map(|r| r.expect("a task")).collect();
    let wall = started.elapsed();
    let answered = vendor.answered();
    Outcome {
        calls: tasks * calls,
        failed: results.iter().map(|r| r.0).sum(),
        requests: answered.requests,
        throttled: answered.throttled,
        wall,
        longest_call: results.iter().map(|r| r.1).max().unwrap_or_default(),
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let (tasks, calls, rounds, per_second) = if quick { (4, 5, 2, 10) } else { (16, 25, 3, 20) };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a runtime");
    println!("{tasks} tasks x {calls} calls through one client, {rounds} rounds, before and after alternating\n");

    println!("outage (503 without Retry-After):");
    println!("{:<8} {:>5} {:>17} {:>13} {:>13} {:>8}", "client", "round", "requests per call", "failed calls", "longest call", "wall");
    let mut per_call = [Vec::new(), Vec::new()];
    let mut longest = [Vec::new(), Vec::new()];
    for round in 1..=rounds {
        for (i, client) in [Client::Before, Client::After].into_iter().enumerate() {
            let o = runtime.block_on(job(Trouble::Outage, client, tasks, calls));
            let ratio = o.requests as f64 / o.calls as f64;
            per_call[i].push(ratio);
            longest[i].push(o.longest_call.as_secs_f64());
            println!(
                "{:<8} {:>5} {:>17.2} {:>9}/{:<3} {:>12.2}s {:>7.2}s",
                format!("{client:?}"),
                round,
                ratio,
                o.failed,
                o.calls,
                o.longest_call.as_secs_f64(),
                o.wall.as_secs_f64()
            );
        }
    }
    println!(
        "median requests per call: before {:.2}, after {:.2}; median longest call: before {:.2}s, after {:.2}s\n",
        median(per_call[0].clone()),
        median(per_call[1].clone()),
        median(longest[0].clone()),
        median(longest[1].clone())
    );

    let ideal = (tasks * calls) as f64 / f64::from(per_second);
    println!("rate limit ({per_second} a second, X-RateLimit-* headers, 429 with Retry-After: 1); ideal wall {ideal:.1}s:");
    println!("{:<8} {:>5} {:>10} {:>13} {:>8} {:>13}", "client", "round", "429 share", "failed calls", "wall", "wall / ideal");
    let mut share = [Vec::new(), Vec::new()];
    let mut slowdown = [Vec::new(), Vec::new()];
    let mut failed = [0, 0];
    for round in 1..=rounds {
        for (i, client) in [Client::Before, Client::After].into_iter().enumerate() {
            let o = runtime.block_on(job(Trouble::RateLimit { per_second }, client, tasks, calls));
            let s = o.throttled as f64 / o.requests.max(1) as f64;
            let w = o.wall.as_secs_f64() / ideal;
            share[i].push(s);
            slowdown[i].push(w);
            failed[i] += o.failed;
            println!(
                "{:<8} {:>5} {:>9.1}% {:>9}/{:<3} {:>7.2}s {:>13.2}",
                format!("{client:?}"),
                round,
                s * 100.0,
                o.failed,
                o.calls,
                o.wall.as_secs_f64(),
                w
            );
        }
    }
    println!(
        "median 429 share: before {:.1}%, after {:.1}%; median wall / ideal: before {:.2}, after {:.2}; failed calls in all rounds: before {}, after {}",
        median(share[0].clone()) * 100.0,
        median(share[1].clone()) * 100.0,
        median(slowdown[0].clone()),
        median(slowdown[1].clone()),
        failed[0],
        failed[1]
    );
}
