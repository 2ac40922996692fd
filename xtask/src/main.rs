//! `cargo xtask <verb>`: the one entry point for maintainers' tasks and for
//! the verification runs. The work lives in libraries: the document pipeline
//! in `crates/spec-pipeline`, the code generation in `crates/codegen`, the
//! test tooling in `crates/verify`; this crate parses arguments and calls
//! them.

mod features;
mod normalize;
mod refresh;
mod whole;

use anyhow::{bail, Context, Result};
use spec_pipeline::{diff, document};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <verb> [args]

Maintainers (the documents in specs/ and the clients generated from them):
  normalize [--check] [--report FILE] [API...]
                      specs/<api>/source.* → specs/<api>/openapi.json; --check: fail if stale
  normalize --source FILE [--overlay FILE] [--config FILE] --out FILE [--report FILE]
                      normalize any document (a vendor's, with our overlay of repairs)
  refresh <api> [--from URL|FILE] [--tags T,..] [--operations ID,..] [--all] [--out FILE] [--check] [--json]
                      fetch, bundle and select a vendor's document, pin it, report what changed;
                      --all keeps every operation whatever specs/sources.toml selects
  diff OLD NEW [--json]
                      what changed between two documents, breaking changes flagged
  generate NORMALIZED.json [--out FILE.rs]
                      the code an API crate's build script generates for one document
  whole [--check] [UPSTREAM_DIR] [API...]
                      each vendor's whole document, overlay applied, reduced to facts (no vendor
                      prose; our words kept) → specs/<api>/whole/source.json, normalized → whole/openapi.json;
                      --check: fail if stale (skipped with a warning without the vendor documents)
  features [--check]  one cargo feature per tag of each whole document, <api>-full, full: written
                      into Cargo.toml's [features], the API crates' manifests and the README's
                      table; --check: fail if stale
  prose-check [UPSTREAM_DIR]
                      fail if a vendor description sentence appears in a file under specs/
  apis                the APIs (one per line): the folders of specs/, the crate's features

Verification (test tooling in crates/verify; needs the vendors' documents):
  corpus DIR [--single] [--builder] [--no-overlays] [--untyped]
                      every document under DIR repaired (specs/<api>/overlay.yaml), normalized,
                      generated, compiled; measured
  sweep [UPSTREAM_DIR] [--no-overlays]
                      every operation of those clients against Prism
  sweep-facade [UPSTREAM_DIR] [--features F]
                      every operation of the crate's own clients (features F, default full) through
                      the facade against Prism serving the vendors' documents
  contract [UPSTREAM_DIR]
                      tests/contract.rs against Prism mocks of each API
  bundle-check [TREE/openapi.yaml] [--write FILE]
                      a source tree bundled by us and by Redocly CLI, compared
  bench-build [--keep]
                      build time and memory per API feature, the API crates side by side (BENCHMARKS.md P2)";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> Result<()> {
    let Some((verb, rest)) = args.split_first() else { bail!("{USAGE}") };
    match verb.as_str() {
        "normalize" => normalize::run(rest),
        "refresh" => refresh::run(&root(), rest),
        "diff" => diff_cmd(rest),
        "generate" => generate_cmd(rest),
        "whole" => whole::run(&root(), rest),
        "features" => features::run(&root(), rest),
        "prose-check" => whole::prose_check(&root(), rest),
        "apis" => {
            spec_files::Specs::of_workspace(&root()).api_names().map_err(anyhow::Error::msg)?.iter().for_each(|api| println!("{api}"));
            Ok(())
        }
        "corpus" => verify::corpus::run(&root(), rest),
        "sweep" => verify::sweep::run(&root(), rest),
        "sweep-facade" => verify::sweep::facade::run(&root(), rest),
        "contract" => verify::contract::run(&root(), rest),
        "bench-build" => verify::bench_build::run(&root(), rest),
        "bundle-check" => verify::bundle_check::run(&root(), rest),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(())
        }
        other => bail!("unknown verb {other:?}\n{USAGE}"),
    }
}

/// The workspace root (xtask lives one level below it).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask has a parent").to_path_buf()
}

/// Compares two documents (JSON or YAML) and prints what changed.
fn diff_cmd(args: &[String]) -> Result<()> {
    let json = args.iter().any(|a| a == "--json");
    let files: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let [old, new] = files.as_slice() else { bail!("{USAGE}") };
    let report = diff::diff(&document::read(Path::new(old))?, &document::read(Path::new(new))?);
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{report}");
    }
    Ok(())
}

/// Runs the build's code generation on one normalized document.
fn generate_cmd(args: &[String]) -> Result<()> {
    let (input, out) = match args {
        [input] => (input, None),
        [input, flag, out] if flag == "--out" => (input, Some(out)),
        _ => bail!("{USAGE}"),
    };
    let text = std::fs::read_to_string(input).with_context(|| format!("cannot read {input}"))?;
    let started = std::time::Instant::now();
    let code = accounting_sync_codegen::generate_text(&text, input).map_err(anyhow::Error::msg)?;
    println!("{input}: {} lines of Rust in {:.2?}", code.lines().count(), started.elapsed());
    if let Some(out) = out {
        std::fs::write(out, code).with_context(|| format!("cannot write {out}"))?;
    }
    Ok(())
}
