//! Every operation of every enabled API (the tag features' too), called
//! through its client with `testing::<api>::CALLS` (a sample of each
//! parameter and of the JSON body):
//!
//! - against the API's stand-in: the stand-in must route the request to that
//!   operation and find it valid per the document (strict mode), and the
//!   client must decode the sample of the documented answer it gets back.
//!   With the default features this covers today's surface; CI runs it with
//!   `--features full` (every operation of the three documents; BENCHMARKS
//!   P12 has what that build costs).
//! - against Prism, through `cargo xtask sweep-facade`: the verb starts Prism
//!   serving the vendors' documents (ours for Layer), runs the ignored test
//!   below with the features it was given (`full` by default) and each
//!   mock's URL in `PRISM_<API>` (`PRISM_REBILLY`, …, as `cargo xtask
//!   contract` passes them), and reads the outcome of each call from the
//!   file named by `PRISM_SWEEP_OUT`, one JSON line each: `{"api",
//!   "operation", "outcome", "reason"}`, the outcome being `ok`, `rejected`
//!   (Prism answered an error status: it found the request invalid),
//!   `undecodable` (the answer did not decode), `failed` (any other error, or
//!   the sample could not be made) or `not called` (the API's `NOT_CALLED`
//!   list, with its reason). Ignored by a plain `cargo test`: without Prism
//!   there is nothing to call.

use accounting_sync::testing::{Call, Credential, StandIn};
use accounting_sync::{Auth, Error, ErrorKind, Settings};
use std::io::Write;

/// Runs each call of one API on its stand-in; gives the failures (one line
/// each) and how many ran. Each operation has a call or a reason
/// (`not_called`); the token endpoint the stand-in serves itself answers
/// only its own credentials, and tests/stand_ins.rs covers it.
async fn call_all<C: Clone + Send + Sync + 'static>(
    stand_in: &StandIn<C>,
    calls: &'static [Call<C>],
    not_called: &[(&str, &str)],
) -> (Vec<String>, usize) {
    stand_in.answer_samples();
    let client = stand_in.client();
    let mut failures = Vec::new();
    let mut ran = 0;
    for call in calls {
        if stand_in.token_operation() == Some(call.operation) {
            continue;
        }
        ran += 1;
        let before = stand_in.requests().len();
        let result = run_alone(call, client.clone()).await;
        let problems = stand_in.take_failures();
        let routed: Vec<&str> = stand_in.requests()[before..].iter().map(|r| r.operation).collect();
        match result {
            Ok(Ok(())) if problems.is_empty() && routed == [call.operation] => {}
            Ok(Ok(())) => failures.push(format!("{}: the stand-in saw {routed:?}, {problems:?}", call.operation)),
            Ok(Err(e)) => failures.push(format!("{}: {e} {problems:?}", call.operation)),
            Err(panic) => failures.push(format!("{}: the call panicked: {panic}", call.operation)),
        }
    }
    assert!(!calls.is_empty() || !not_called.is_empty(), "an API without operations");
    (failures, ran)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_sends_what_its_document_describes_and_decodes_its_answer() {
    let mut failures = Vec::new();
    let mut ran = 0;
    let mut left_out: Vec<(&str, &str)> = Vec::new();
    macro_rules! call_all {
        ($api:ident) => {{
            use accounting_sync::testing::$api as api;
            let (f, n) = call_all(&api::StandIn::start().await, api::CALLS, api::NOT_CALLED).await;
            failures.extend(f);
            ran += n;
            left_out.extend(api::NOT_CALLED);
        }};
    }
    #[cfg(feature = "rebilly")]
    call_all!(rebilly);
    #[cfg(feature = "layer")]
    call_all!(layer);
    #[cfg(feature = "monite")]
    call_all!(monite);
    println!("{ran} operations called; left out: {left_out:?}");
    assert!(ran > 0, "no API enabled");
    assert!(failures.is_empty(), "{} of {ran} failed:\n{}", failures.len(), failures.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Prism: run by `cargo xtask sweep-facade`"]
async fn every_operation_through_the_facade_against_prism() {
    let out = std::env::var("PRISM_SWEEP_OUT").expect("PRISM_SWEEP_OUT: the file for the outcomes");
    let mut out = std::fs::File::create(&out).unwrap_or_else(|e| panic!("cannot create {out}: {e}"));
    let settings = settings();
    let url = |api: &str| std::env::var(format!("PRISM_{}", api.to_uppercase())).ok();
    let mut lines = Vec::new();
    #[cfg(feature = "rebilly")]
    if let Some(url) = url("rebilly") {
        use accounting_sync::{rebilly, testing};
        let client = |auth| rebilly::Client::with_base_url(&url, auth, &settings).expect("a valid URL");
        let (secret_key, jwt) = (client(rebilly::api_key("sk_sweep_key")), client(Auth::bearer("sweep.customer.jwt")));
        // The secret API key where the operation takes it, else its first
        // credential (the storefront's customer JWT, a publishable key).
        let for_call = |credentials: &[Credential]| match credentials {
            c if c.is_empty()
                || c.iter().any(|c| matches!(c, Credential::Header(h) if h.eq_ignore_ascii_case(rebilly::API_KEY_HEADER))) =>
            {
                secret_key.clone()
            }
            [Credential::Header(header), ..] => {
                let header = reqwest::header::HeaderName::from_bytes(header.as_bytes()).expect("a header name");
                client(Auth::ApiKey { header, key: "pk_sweep_key".to_string().into() })
            }
            [Credential::None, ..] => client(Auth::None),
            _ => jwt.clone(),
        };
        lines.extend(sweep("rebilly", for_call, testing::rebilly::CALLS, testing::rebilly::NOT_CALLED).await);
    }
    #[cfg(feature = "monite")]
    if let Some(url) = url("monite") {
        use accounting_sync::{monite, testing};
        let client = monite::Client::with_settings(monite::Environment::Custom(url), bearer(), &settings)
            .expect("a valid URL")
            .for_entity(uuid::Uuid::from_u128(0x5eed_5eed));
        lines.extend(sweep("monite", |_: &[Credential]| client.clone(), testing::monite::CALLS, testing::monite::NOT_CALLED).await);
    }
    #[cfg(feature = "layer")]
    if let Some(url) = url("layer") {
        use accounting_sync::{layer, testing};
        let client = layer::Client::with_settings(layer::Environment::Custom(url), bearer(), &settings).expect("a valid URL");
        lines.extend(sweep("layer", |_: &[Credential]| client.clone(), testing::layer::CALLS, testing::layer::NOT_CALLED).await);
    }
    assert!(!lines.is_empty(), "no PRISM_<API> of an API of this build is set");
    for line in lines {
        writeln!(out, "{line}").expect("the outcome file is writable");
    }
}

/// The test's settings, with two retries: Prism answers at once or not at
/// all, and an invalid request is answered 422 (not retried anyway).
fn settings() -> Settings {
    let mut settings = accounting_sync::testing::settings();
    settings.retry.max_attempts = 2;
    settings
}

#[cfg(any(feature = "monite", feature = "layer"))]
fn bearer() -> Auth {
    Auth::bearer("sweep-access-token")
}

/// Calls each of `calls`, one after another, with the client `client_for`
/// gives for its credentials, and gives the outcome of each (and of each
/// operation not called) as a JSON line.
async fn sweep<C: Send + Sync + 'static>(
    api: &str,
    client_for: impl Fn(&[Credential]) -> C,
    calls: &'static [Call<C>],
    not_called: &[(&str, &str)],
) -> Vec<String> {
    let mut lines = Vec::new();
    for call in calls {
        let (outcome, reason) = match run_alone(call, client_for(call.credentials)).await {
            Ok(Ok(())) => ("ok", String::new()),
            Ok(Err(e)) => classify(&e),
            Err(panic) => ("failed", format!("the call panicked: {panic}")),
        };
        lines.push(line(api, call.operation, outcome, &reason));
    }
    lines.extend(not_called.iter().map(|(operation, why)| line(api, operation, "not called", why)));
    lines
}

fn classify(e: &Error) -> (&'static str, String) {
    let outcome = match (e.status(), e.kind()) {
        (_, ErrorKind::Decode | ErrorKind::InvalidResponse) => "undecodable",
        (Some(_), _) => "rejected",
        _ => "failed",
    };
    (outcome, e.to_string())
}

/// Runs `call` with `client` in a task of its own: a sample that cannot be
/// made panics, and that panic (its message, the `Err`) is this call's
/// outcome while the other calls still run.
async fn run_alone<C: Send + Sync + 'static>(call: &'static Call<C>, client: C) -> Result<Result<(), Error>, String> {
    let run = call.run;
    tokio::spawn(async move { run(&client).await }).await.map_err(panic_text)
}

fn panic_text(e: tokio::task::JoinError) -> String {
    match e.try_into_panic() {
        Ok(payload) => payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "a panic without a message".into()),
        Err(e) => e.to_string(),
    }
}

fn line(api: &str, operation: &str, outcome: &str, reason: &str) -> String {
    serde_json::json!({"api": api, "operation": operation, "outcome": outcome, "reason": reason}).to_string()
}
