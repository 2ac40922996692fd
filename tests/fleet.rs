//! Many calls through one client against a vendor in trouble, on loopback:
//! the retry budget bounds what an outage costs the vendor, pacing from the
//! rate-limit headers keeps a job out of the 429s, a 429 holds the whole
//! client. Small numbers, short windows; the assertions are on counts.
#![cfg(feature = "rebilly")]

mod common;

use accounting_sync::{rebilly, ErrorKind, Pacing, RetryBudget, RetryPolicy, Settings};
use common::vendor_in_trouble::{Answered, Trouble, VendorInTrouble};
use std::time::Duration;

fn settings(budget: Option<RetryBudget>, pacing: Pacing) -> Settings {
    Settings {
        retry: RetryPolicy { base_delay: Duration::from_millis(2), max_delay: Duration::from_secs(2), budget, ..RetryPolicy::default() },
        pacing,
        ..Settings::default()
    }
}

fn client(vendor: &VendorInTrouble, settings: &Settings) -> rebilly::Client {
    rebilly::Client::with_settings(
        rebilly::Environment::Custom(vendor.server.uri()),
        "org-fleet",
        rebilly::api_key("sk_fleet_key"),
        settings,
    )
    .unwrap()
}

/// `tasks` tasks making `calls` list calls each through clones of `client`;
/// how many failed.
async fn job(client: &rebilly::Client, tasks: usize, calls: usize) -> usize {
    let runs = (0..tasks).map(|_| {
        let client = client.clone();
        tokio::spawn(async move {
            let mut failed = 0;
            for _ in 0..calls {
                if client.get_external_identifier_collection().send().await.is_err() {
                    failed += 1;
                }
            }
            failed
        })
    });
    futures::future::join_all(runs).await.into_iter().map(Result::unwrap).sum()
}

#[tokio::test]
async fn an_outage_spends_the_budget_then_fails_at_once() {
    let vendor = VendorInTrouble::start(Trouble::Outage).await;
    // Two retries' worth: the first call spends it all.
    let budget = RetryBudget { capacity: 10, retry_cost: 5, timeout_cost: 10, success_refill: 1 };
    let client = client(&vendor, &settings(Some(budget), Pacing::default()));
    let first = client.get_external_identifier_collection().send().await.unwrap_err();
    let first = first;
    assert!(!first.retry_budget_spent(), "{first}");
    assert_eq!(vendor.answered().requests, 3, "three attempts");
    for _ in 0..9 {
        let e = client.get_external_identifier_collection().send().await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Server);
        assert!(e.retry_budget_spent() && e.is_retryable(), "{e:?}");
        assert!(e.to_string().contains("retry budget is spent"), "{e}");
    }
    assert_eq!(vendor.answered(), Answered { requests: 12, throttled: 0, unavailable: 12 }, "one request per call once spent");
    let stats = client.stats();
    assert_eq!((stats.requests, stats.retries, stats.budget_refusals, stats.budget_left), (12, 2, 9, Some(0)));
}

#[tokio::test]
async fn the_budget_is_shared_by_clones_and_copies_and_can_be_off() {
    let vendor = VendorInTrouble::start(Trouble::Outage).await;
    let budget = RetryBudget { capacity: 10, retry_cost: 5, timeout_cost: 10, success_refill: 1 };
    let client = client(&vendor, &settings(Some(budget), Pacing::default()));
    let failed = job(&client.with_options(accounting_sync::CallOptions::new()), 4, 5).await;
    assert_eq!(failed, 20);
    // 20 calls, 2 retries in all across every task and the copy.
    assert_eq!(vendor.answered().requests, 22);
    assert_eq!(client.stats().requests, 22, "the copy's calls count in the client's stats");

    let unlimited = VendorInTrouble::start(Trouble::Outage).await;
    let without = self::client(&unlimited, &settings(None, Pacing::default()));
    assert_eq!(job(&without, 4, 5).await, 20);
    assert_eq!(unlimited.answered().requests, 60, "without a budget, every call makes its three attempts");
    assert_eq!(without.stats().budget_left, None);
}

#[tokio::test]
async fn pacing_from_the_rate_limit_headers_keeps_a_job_out_of_the_429s() {
    // 12 calls at 5 a second: the job needs about two seconds either way.
    let limited = VendorInTrouble::start(Trouble::RateLimit { per_second: 5 }).await;
    let paced = client(&limited, &settings(Some(RetryBudget::default()), Pacing::default()));
    assert_eq!(job(&paced, 4, 3).await, 0);
    let answered = limited.answered();
    assert!(answered.throttled <= 1, "{answered:?}");
    assert_eq!(answered.requests, 12 + answered.throttled);
    let stats = paced.stats();
    assert!(stats.paced > 0 && stats.pacing_wait > Duration::ZERO, "{stats:?}");
    assert_eq!(stats.throttled, answered.throttled);

    // The same job unpaced runs into the limit over and over.
    let unpaced_vendor = VendorInTrouble::start(Trouble::RateLimit { per_second: 5 }).await;
    let unpaced = client(&unpaced_vendor, &settings(Some(RetryBudget::default()), Pacing::off()));
    job(&unpaced, 4, 3).await;
    let answered = unpaced_vendor.answered();
    assert!(answered.throttled >= 4, "{answered:?}");
}

#[tokio::test]
async fn a_429_holds_every_call_of_the_client() {
    // The vendor refuses the first request and everything for the next second.
    let vendor = VendorInTrouble::start(Trouble::ThrottleFirst { hold: Duration::from_secs(1) }).await;
    let client = client(&vendor, &settings(Some(RetryBudget::default()), Pacing::default()));
    client.get_external_identifier_collection().send().await.unwrap();
    assert_eq!(vendor.answered(), Answered { requests: 2, throttled: 1, unavailable: 0 });
    // The 429's hold is over: 8 calls now go through at once.
    assert_eq!(job(&client, 8, 1).await, 0);
    assert_eq!(vendor.answered().throttled, 1);

    // While a hold is on, the other calls wait for it instead of each
    // meeting the 429 themselves.
    assert_eq!(throttled_while_held(Pacing::default()).await, 1);
    assert_eq!(throttled_while_held(Pacing::off()).await, 9, "unpaced, each call meets the 429 itself");
}

/// 429s a vendor answers when 8 calls are made while the first call of the
/// client has met a 429 and waits out its second-long hold.
async fn throttled_while_held(pacing: Pacing) -> u64 {
    let vendor = VendorInTrouble::start(Trouble::ThrottleFirst { hold: Duration::from_secs(1) }).await;
    let client = client(&vendor, &settings(Some(RetryBudget::default()), pacing));
    let first = client.clone();
    let first = tokio::spawn(async move { first.get_external_identifier_collection().send().await.map(|_| ()) });
    while client.stats().throttled == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(job(&client, 8, 1).await, 0);
    first.await.unwrap().unwrap();
    vendor.answered().throttled
}
