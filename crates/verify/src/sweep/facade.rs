//! `cargo xtask sweep-facade [UPSTREAM_DIR] [--features F]`: every operation
//! of the crate's own clients, built with the features `F` (`full` by
//! default: every operation of the three documents), called through the
//! facade against Prism.
//!
//! Where `sweep` calls the corpus's standalone clients, this calls the ones
//! a user imports: credentials, retries, the crate's `Error`, paging marks
//! and typed bodies included. Prism serves each vendor's own document,
//! repaired by our overlay as in `sweep` (Layer publishes none: ours); the
//! calls are the generated `testing::<api>::CALLS` (a sample of every
//! parameter and JSON body, from the document the client was generated
//! from), run by `tests/every_operation.rs`. Each call's outcome is tallied as
//! `sweep` tallies its own: a call that is not ok must be listed, with why,
//! in the overlay's `x-not-repaired`, or the verb fails.

use super::{report, Tally};
use crate::prism;
use crate::progress::Progress;
use crate::scratch::write_text;
use anyhow::{bail, Context, Result};
use serde_json::Value;
use spec_files::Specs;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// The outcome of an operation the generator made no call for (its body is
/// not JSON): explained by the reason it gives.
pub const NOT_CALLED: &str = "not called";

const OUTCOMES: &[&str] = &["ok", "rejected", "undecodable", "failed", NOT_CALLED];

/// The features the crate is built with unless `--features` says otherwise.
const DEFAULT_FEATURES: &str = "full";

pub fn run(root: &Path, args: &[String]) -> Result<()> {
    let features = args
        .iter()
        .position(|a| a == "--features")
        .map(|i| args.get(i + 1).cloned().context("--features needs a value"))
        .transpose()?
        .unwrap_or_else(|| DEFAULT_FEATURES.to_string());
    let positional: Vec<String> = args.iter().filter(|a| *a != "--features" && **a != features).cloned().collect();
    let upstream = crate::upstream::upstream_dir(root, &positional);
    let documents =
        crate::upstream::documents(&upstream).with_context(|| format!("the vendor documents are missing: {}", upstream.display()))?;
    let specs = Specs::of_workspace(root);
    let apis = specs.api_names().map_err(anyhow::Error::msg)?;
    let dir = root.join("target/sweep-facade");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;

    // Four steps: Prism, the build, the mocks, the calls.
    let progress = Progress::new("sweep-facade", 4, "steps");
    progress.step("installing Prism");
    let prism_bin = prism::install(&root.join("target/prism"))?;
    progress.item_done();
    // What each API's mock serves: the vendor's document, repaired; ours
    // for an API without one (Layer).
    let mut served = Vec::new();
    let mut tallies = BTreeMap::new();
    for api in &apis {
        let vendor =
            documents.iter().find(|(file, _)| file.strip_prefix(&upstream).ok().and_then(|f| f.iter().next()) == Some(api.as_ref()));
        let (name, file, known) = match vendor {
            Some((file, doc)) => {
                let name = file.strip_prefix(&upstream).unwrap_or(file).display().to_string();
                let mut doc = doc.clone();
                let overlay = crate::upstream::overlay_for(root, &name, false)?;
                if let Some(overlay) = &overlay {
                    overlay.apply(&mut doc)?;
                }
                let file = dir.join(format!("{api}_served.json"));
                write_text(&file, &spec_pipeline::document::to_text(&doc), true)?;
                (name, file, overlay.map(|o| o.not_repaired).unwrap_or_default())
            }
            None => (format!("{api} (our document)"), specs.api(api).normalized(), Vec::new()),
        };
        served.push((api.clone(), file));
        tallies.insert(api.clone(), Tally { name, counts: BTreeMap::new(), not_ok: Vec::new(), example_breaks_schema: 0, known });
    }

    progress.step(format!("building the crate with --features {features}"));
    let mut build = cargo_test(root, &features);
    build.arg("--no-run");
    let built = build.status().context("cannot run cargo")?;
    if !built.success() {
        bail!("the crate with --features {features} and its test tests/every_operation.rs do not build");
    }
    progress.item_done();

    progress.step("starting Prism");
    let mocks = prism::serve_all(&prism_bin, &served, &root.join("target/prism"))?;
    progress.item_done();
    let out = dir.join("outcomes.jsonl");
    progress.step("calling each operation");
    let mut test = cargo_test(root, &features);
    test.args(["--", "--ignored", "--exact", "every_operation_through_the_facade_against_prism"]).env("PRISM_SWEEP_OUT", &out);
    for m in &mocks {
        test.env(format!("PRISM_{}", m.name.to_uppercase()), &m.url);
    }
    let ran = test.output().context("cannot run cargo test")?;
    prism::stop_all(mocks)?;
    progress.item_done();
    progress.finish();
    if !ran.status.success() {
        eprint!("{}{}", String::from_utf8_lossy(&ran.stdout), String::from_utf8_lossy(&ran.stderr));
        bail!("tests/every_operation.rs failed");
    }

    let text = std::fs::read_to_string(&out).with_context(|| format!("cannot read {}", out.display()))?;
    let mut called: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        let v: Value = serde_json::from_str(line).with_context(|| format!("unexpected output: {line}"))?;
        let field = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
        let Some(tally) = tallies.get_mut(&field("api")) else { bail!("an outcome of an API not swept: {line}") };
        called.push((field("api"), super::inputs::key(&field("operation"))));
        let outcome = field("outcome");
        *tally.counts.entry(outcome.clone()).or_default() += 1;
        if outcome != "ok" {
            tally.not_ok.push((outcome, field("operation"), field("reason").chars().take(400).collect()));
        }
    }
    // A subset of the features calls a subset of the operations: the
    // overlay's list is checked against those called only.
    for (api, tally) in tallies.iter_mut() {
        for known in &mut tally.known {
            known.operations.retain(|o| called.iter().any(|(a, k)| a == api && *k == super::inputs::key(o)));
        }
    }
    println!("Through the facade (--features {features}), against Prism:");
    let unexplained: usize = tallies.values().map(|t| report(t, OUTCOMES)).sum();
    if unexplained > 0 {
        bail!("{unexplained} call(s) not ok and not explained (list each in its API's overlay, x-not-repaired, with why)");
    }
    Ok(())
}

/// `cargo test` of tests/every_operation.rs with `features`, quiet, with the
/// committed Cargo.lock.
fn cargo_test(root: &Path, features: &str) -> Command {
    let mut cargo = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cargo.current_dir(root).args(["test", "--quiet", "--locked", "--features", features, "--test", "every_operation"]);
    cargo
}
