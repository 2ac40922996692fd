//! `cargo xtask sweep [UPSTREAM_DIR] [--no-overlays]`: every operation of the whole-document
//! clients (those of `cargo xtask corpus`: one crate per tag, built by corpus
//! when it ran first) called once against Prism serving the vendor's own
//! document.
//!
//! For each OpenAPI document under UPSTREAM_DIR (`$UPSTREAM_SPECS`,
//! `../shared/specs-upstream` by default): the document is repaired by our
//! overlay for its API, as in `corpus` (Prism serves it repaired), normalized and
//! generated as in `corpus`, each operation's inputs are built from the
//! document (`inputs`), a program calling every client method with them is
//! written beside the client (`program`) and run against `prism mock`. Per
//! document it prints how many calls were ok, rejected by Prism (an invalid
//! request), undecodable (a response or a document example our types do not
//! accept), skipped (no value for a required input) or failed otherwise, and
//! lists every call that was not ok with its reason, and with why it is
//! left so when the API's overlay lists it under `x-not-repaired` (or
//! UNEXPLAINED when it does not).
//!
//! Prism's limits: it ignores the servers' base path (the clients are given
//! Prism's root, which is where it serves the document's paths) and it does
//! not apply discriminators to the bodies it returns (each static example is
//! the vendor's own, so this does not arise without `Prefer: dynamic`).

pub mod facade;
pub mod inputs;
pub mod program;

/// Prism's violations header, read as the sweep program reads it.
mod violations {
    #![allow(dead_code)] // used by the generated program; here only by the tests
    use serde_json::{json, Value};
    include!("violations.rs");

    #[cfg(test)]
    mod tests {
        use super::request_violated;

        #[test]
        fn only_request_locations_make_a_call_rejected() {
            let response = r#"[{"location":["response","body","referrer"],"code":"format"}]"#;
            assert!(!request_violated(response));
            assert!(request_violated(r#"[{"location":["request","body"],"code":"required"}]"#));
            // Past a few violations Prism says so first, and may cut the list.
            assert!(!request_violated(&format!("Too many violations! {response}")));
            assert!(!request_violated(r#"Too many violations! [{"location":["response","body","a"]},{"location":["respo"#));
            assert!(request_violated(r#"Too many violations! [{"location":["response"]},{"location":["request","query"]},{"loc"#));
            assert!(request_violated("not a list at all"));
        }
    }
}

use crate::measure::run_sampled;
use crate::prism;
use crate::progress::Progress;
use crate::scratch::{crate_name, write_text, Scratch, SplitLayout, JSON_MESSAGES};
use anyhow::{bail, Context, Result};
use serde_json::Value;
use spec_pipeline::normalize;
use spec_pipeline::overlay::NotRepaired;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};

const OUTCOMES: &[&str] = &["ok", "rejected", "undecodable", "skipped", "failed"];

/// The outcome of one document's sweep.
struct Tally {
    name: String,
    counts: BTreeMap<String, usize>,
    not_ok: Vec<(String, String, String)>,
    /// Calls that decoded although Prism found the document's own example
    /// breaking the document's schema.
    example_breaks_schema: usize,
    /// The overlay's list of operations known not to be ok, and why.
    known: Vec<NotRepaired>,
}

impl Tally {
    /// Why `operation` (a client method) is known not to be ok, if it is.
    fn known_reason(&self, operation: &str) -> Option<&str> {
        self.known.iter().find(|k| k.operations.iter().any(|o| inputs::key(o) == inputs::key(operation))).map(|k| k.why.as_str())
    }

    /// Operations listed as known not ok that were ok this time.
    fn stale_known(&self) -> Vec<&str> {
        let not_ok: Vec<String> = self.not_ok.iter().map(|(_, op, _)| inputs::key(op)).collect();
        self.known.iter().flat_map(|k| &k.operations).filter(|o| !not_ok.contains(&inputs::key(o))).map(String::as_str).collect()
    }
}

fn sweep_document(
    root: &Path,
    prism: &Path,
    upstream: &Path,
    file: &Path,
    mut doc: Value,
    no_overlays: bool,
    progress: &Progress,
) -> Result<Tally> {
    let name = file.strip_prefix(upstream).unwrap_or(file).display().to_string();
    let crate_name = crate_name(&name);
    let scratch = Scratch::new(root)?;
    // corpus's scratch folder, when it ran first; the sweep builds the same
    // crates without it, only without a build to reuse.
    let split_dir = scratch.dir.join(format!("{crate_name}_split"));
    if !split_dir.is_dir() {
        progress.note(&format!(
            "note: {name}: no corpus build to reuse, so the sweep builds the client itself (`cargo xtask corpus {}` first shares its build)",
            upstream.display()
        ));
    }
    std::fs::create_dir_all(&scratch.dir).with_context(|| format!("cannot create {}", scratch.dir.display()))?;
    // Prism serves the document as repaired (its examples are the answers).
    let mut served = file.to_path_buf();
    let overlay = crate::upstream::overlay_for(root, &name, no_overlays)?;
    if let Some(overlay) = &overlay {
        progress.step(format!("{name}: repairing"));
        progress.print(&format!("{name}:\n{}", overlay.apply(&mut doc)?));
        served = scratch.dir.join(format!("{crate_name}_served.json"));
        write_text(&served, &spec_pipeline::document::to_text(&doc), true)?;
    }
    progress.step(format!("{name}: normalizing"));
    normalize::normalize(&mut doc, &normalize::Config::default()).map_err(|e| anyhow::anyhow!("{name}: normalize: {e}"))?;
    // The split client, as corpus writes it (unchanged crates keep their
    // build), with the sweep program as one more member: cargo tells a
    // crate's builds apart by its path from the workspace root, so from a
    // workspace of its own the program would compile the client again.
    progress.step(format!("{name}: generating"));
    let program_crate = format!("{crate_name}_sweep");
    let parts = scratch.write_split(
        &doc,
        &name,
        &split_dir,
        &crate_name,
        &SplitLayout { keep: true, own_members: &[&program_crate], interface: progenitor::InterfaceStyle::Positional },
    )?;
    let dir = split_dir.join(&program_crate);
    std::fs::create_dir_all(&dir)?;
    let mut manifest =
        scratch.member_manifest(&program_crate).replace("[lib]\npath = \"lib.rs\"\n", "[[bin]]\nname = \"sweep\"\npath = \"main.rs\"\n");
    manifest.extend(parts.iter().map(|(_, member)| format!("{member} = {{ path = \"../{member}\" }}\n")));
    write_text(&dir.join("Cargo.toml"), &manifest, true)?;
    write_text(&dir.join("main.rs"), &program::write(&parts).map_err(anyhow::Error::msg)?, true)?;
    let inputs = dir.join("inputs.json");
    let operations = inputs::build(&doc);
    std::fs::write(&inputs, serde_json::to_string_pretty(&operations)?)?;
    progress.print(&format!("{name}: building the sweep program and the client's {} crates\n", parts.len()));
    progress.step(format!("{name}: building the sweep program"));
    let target = &scratch.target;
    let mut build = Command::new("cargo");
    build
        .current_dir(&split_dir)
        .args(["build", "--quiet", "-p", &program_crate, "--bin", "sweep", JSON_MESSAGES])
        .env("CARGO_TARGET_DIR", target);
    let built = run_sampled(&mut build, progress.crate_counter(Some(parts.len() + 1))).context("cannot run cargo")?;
    if !built.success {
        progress.finish();
        eprint!("{}", built.stderr);
        bail!("{name}: the sweep program does not compile");
    }
    progress.step(format!("{name}: starting Prism"));
    let mocks = prism::serve_all(prism, &[("sweep".to_string(), served.clone())], &root.join("target/prism"))?;
    progress.step(format!("{name}: calling each operation"));
    let output = call_all(&target.join("debug/sweep"), &mocks[0].url, &inputs, operations.len(), progress);
    prism::stop_all(mocks)?;
    let output = output?;
    if !output.status.success() {
        bail!("{name}: the sweep program failed: {}", String::from_utf8_lossy(&output.stderr));
    }
    let known = overlay.map(|o| o.not_repaired).unwrap_or_default();
    let mut tally = Tally { name, counts: BTreeMap::new(), not_ok: Vec::new(), example_breaks_schema: 0, known };
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let v: Value = serde_json::from_str(line).with_context(|| format!("unexpected output: {line}"))?;
        let field = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
        let outcome = field("outcome");
        *tally.counts.entry(outcome.clone()).or_default() += 1;
        if outcome != "ok" {
            let reason: String = field("reason").chars().take(400).collect();
            tally.not_ok.push((outcome, field("operation"), reason));
        } else if !field("reason").is_empty() {
            tally.example_breaks_schema += 1;
        }
    }
    Ok(tally)
}

/// Runs the sweep program against the mock at `url`, counting the calls it
/// reports (one line each) of `operations` into `progress`.
fn call_all(program: &Path, url: &str, inputs: &Path, operations: usize, progress: &Progress) -> Result<std::process::Output> {
    use std::io::BufRead;
    let mut child = Command::new(program)
        .arg(url)
        .arg(inputs)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot run the sweep program")?;
    let mut err_pipe = child.stderr.take().expect("piped");
    let stderr = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = std::io::Read::read_to_end(&mut err_pipe, &mut bytes);
        bytes
    });
    let mut stdout = Vec::new();
    for (i, line) in std::io::BufReader::new(child.stdout.take().expect("piped")).lines().enumerate() {
        let line = line.context("reading the sweep program's output")?;
        stdout.extend_from_slice(line.as_bytes());
        stdout.push(b'\n');
        progress.count(i + 1, Some(operations), "operations");
    }
    let status = child.wait()?;
    Ok(std::process::Output { status, stdout, stderr: stderr.join().unwrap_or_default() })
}

pub fn run(root: &Path, args: &[String]) -> Result<()> {
    let upstream = crate::upstream::upstream_dir(root, args);
    let documents =
        crate::upstream::documents(&upstream).with_context(|| format!("the vendor documents are missing: {}", upstream.display()))?;
    if documents.is_empty() {
        bail!("no OpenAPI document under {}", upstream.display());
    }
    let progress = Progress::new("sweep", documents.len(), "documents");
    progress.step("installing Prism");
    let prism = prism::install(&root.join("target/prism"))?;
    let no_overlays = args.iter().any(|a| a == crate::upstream::NO_OVERLAYS);
    let mut tallies = Vec::new();
    for (file, doc) in documents {
        tallies.push(sweep_document(root, &prism, &upstream, &file, doc, no_overlays, &progress)?);
        progress.item_done();
    }
    progress.finish();
    for t in &tallies {
        report(t, OUTCOMES);
    }
    Ok(())
}

/// Prints one document's tally: the count of each of `outcomes`, every call
/// that was not ok and whether the overlay explains it. Returns how many
/// were not explained.
fn report(t: &Tally, outcomes: &[&str]) -> usize {
    let total: usize = t.counts.values().sum();
    let counts: Vec<String> = outcomes.iter().map(|o| format!("{o} {}", t.counts.get(*o).copied().unwrap_or(0))).collect();
    let ok = t.counts.get("ok").copied().unwrap_or(0);
    println!("{}: {total} operations: {} ({:.1}% ok)", t.name, counts.join(", "), 100.0 * ok as f64 / total.max(1) as f64);
    if t.example_breaks_schema > 0 {
        println!(
            "    ({} of the ok calls decoded an example that Prism finds breaking the document's own schema)",
            t.example_breaks_schema
        );
    }
    let mut unexplained = 0;
    for (outcome, op, reason) in &t.not_ok {
        println!("    {outcome:<11} {op}: {reason}");
        match t.known_reason(op) {
            // The generator says why it made no call: that is the explanation.
            _ if outcome == facade::NOT_CALLED => {}
            Some(why) => println!("                known, not repaired: {why}"),
            None => {
                unexplained += 1;
                println!("                UNEXPLAINED: neither repaired by the overlay nor listed in its x-not-repaired");
            }
        }
    }
    println!("    not ok: {}, of which {unexplained} unexplained", t.not_ok.len());
    for op in t.stale_known() {
        println!("    listed in x-not-repaired but ok in this document (drop it once no revision needs it): {op}");
    }
    unexplained
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_not_ok_calls_are_matched_by_operation_and_stale_ones_found() {
        let tally = Tally {
            name: "rebilly/openapi.yaml".into(),
            counts: BTreeMap::new(),
            not_ok: vec![("rejected".into(), "post_plan".into(), "422".into()), ("undecodable".into(), "get_thing".into(), "x".into())],
            example_breaks_schema: 0,
            known: vec![NotRepaired { operations: vec!["PostPlan".into(), "PutPlan".into()], why: "the mock's limit".into() }],
        };
        assert_eq!(tally.known_reason("post_plan"), Some("the mock's limit"));
        assert_eq!(tally.known_reason("get_thing"), None);
        assert_eq!(tally.stale_known(), ["PutPlan"]);
    }
}
