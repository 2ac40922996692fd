//! Every operation of every enabled API (the tag features' too) called
//! through its client (`testing::<api>::CALLS`: a sample of each parameter
//! and of the JSON body) against the API's stand-in: the stand-in must
//! route the request to that operation and find it valid per the document
//! (strict mode), and the client must decode the sample of the documented
//! answer it gets back.
//!
//! With the default features this covers today's surface; CI runs it with
//! two tag features too, and `--features full` reaches every operation of
//! the three documents (BENCHMARKS P11 has what that build costs).

use accounting_sync::testing::{Call, StandIn};

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
        // A sample that cannot be made panics: in a task of its own, that is
        // this operation's failure and the others still run.
        let (client, run) = (client.clone(), call.run);
        let result = tokio::spawn(async move { run(&client).await }).await;
        let problems = stand_in.take_failures();
        let routed: Vec<&str> = stand_in.requests()[before..].iter().map(|r| r.operation).collect();
        match result {
            Ok(Ok(())) if problems.is_empty() && routed == [call.operation] => {}
            Ok(Ok(())) => failures.push(format!("{}: the stand-in saw {routed:?}, {problems:?}", call.operation)),
            Ok(Err(e)) => failures.push(format!("{}: {e} {problems:?}", call.operation)),
            Err(e) => failures.push(format!("{}: the call panicked: {e}", call.operation)),
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
