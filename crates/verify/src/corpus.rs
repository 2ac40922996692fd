//! `cargo xtask corpus DIR [--single] [--builder] [--no-overlays] [--untyped]`: every
//! OpenAPI document under DIR (JSON or YAML, any depth), repaired by our
//! overlay for its API (`specs/<folder>/overlay.yaml`; `--no-overlays`
//! leaves them out), normalized, generated with progenitor
//! and compiled under `target/corpus/`, with per document: operations
//! generated/total, schemas typed/total, and the time of each step, and the
//! peak memory of the whole build (every rustc at once). Fails when a
//! document falls under 100% of its operations or its client does not
//! compile. `--untyped` generates without compiling and lists each component
//! schema left without a declared type (typify's `serde_json::Value`) with
//! its normalized shape.
//!
//! The scratch clients are standalone progenitor clients (no facade), split
//! into one crate per tag plus one of shared types (`split.rs`): no single
//! rustc holds the whole document, and a user of one tag compiles only that
//! tag. `--single` generates one crate instead (what `sweep` calls). They use
//! the Positional interface unless `--builder`, the crate's own: it triples
//! the code (typify adds a builder per struct).

use crate::generated_code::{any_json_types, declared_types};
use crate::measure::run_sampled;
use crate::progress::Progress;
use crate::scratch::{crate_name, standalone_settings, Scratch, SplitLayout};
use anyhow::{Context, Result};
use progenitor::InterfaceStyle;
use serde_json::Value;
use spec_pipeline::naming::rust_type_name;
use spec_pipeline::normalize;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// One document's line in the report.
struct Row {
    name: String,
    operations: (usize, usize),
    schemas: (usize, usize),
    /// Of the typed schemas, those declared as a newtype or enum variant
    /// of `serde_json::Value` or `Map` (any JSON).
    any_json: Vec<String>,
    lines: usize,
    /// Crates the client was generated as.
    parts: usize,
    normalize: Duration,
    generate: Duration,
    compile: Option<(Duration, Option<u64>)>,
    failure: Option<String>,
    /// What a user of the largest tag alone compiles (split clients).
    one_tag: Option<String>,
}

/// How the clients are generated.
struct Options {
    interface: InterfaceStyle,
    /// One crate instead of one per tag.
    single: bool,
    /// Leave our overlays of repairs out.
    no_overlays: bool,
    /// List the untyped schemas instead of compiling.
    untyped: bool,
}

/// Builds the largest tag's crate alone (with the shared crate, both cleaned
/// first): what a downstream crate that uses that one tag compiles.
fn one_tag(dir: &Path, crate_name: &str, target: &Path) -> Result<String> {
    let shared = format!("{crate_name}_{}", crate::split::SHARED);
    let lines = |member: &str| std::fs::read_to_string(dir.join(member).join("lib.rs")).map(|t| t.lines().count()).unwrap_or(0);
    let mut members: Vec<String> = std::fs::read_dir(dir)?
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|m| m.starts_with(crate_name) && *m != shared)
        .collect();
    members.sort_by_key(|m| std::cmp::Reverse(lines(m)));
    let largest = members.first().context("no tag crate")?;
    let clean = Command::new("cargo")
        .current_dir(dir)
        .args(["clean", "--quiet", "-p", &shared, "-p", largest])
        .env("CARGO_TARGET_DIR", target)
        .status()?;
    anyhow::ensure!(clean.success(), "cargo clean failed");
    let mut cmd = Command::new("cargo");
    cmd.current_dir(dir).args(["build", "--quiet", "--lib", "-p", largest]).env("CARGO_TARGET_DIR", target);
    let run = run_sampled(&mut cmd, |_| {})?;
    anyhow::ensure!(run.success, "{largest} does not compile alone");
    Ok(format!(
        "largest tag alone: {} ({} lines) with the shared crate ({} lines): {:.1}s, peak {} MiB",
        largest.trim_start_matches(crate_name).trim_start_matches('_'),
        lines(largest),
        lines(&shared),
        run.wall.as_secs_f64(),
        run.peak_kib / 1024
    ))
}

/// Normalizes, generates and compiles one document, measuring each step.
fn measure_document(scratch: &Scratch, name: String, mut doc: Value, options: &Options, progress: &Progress) -> Row {
    let crate_name = crate_name(&name);
    progress.step(format!("{name}: normalizing"));
    let started = Instant::now();
    let total_ops = spec_pipeline::walk::operations(&doc).len();
    let mut row = Row {
        name,
        operations: (0, total_ops),
        schemas: (0, 0),
        any_json: Vec::new(),
        lines: 0,
        parts: 0,
        normalize: Duration::ZERO,
        generate: Duration::ZERO,
        compile: None,
        failure: None,
        one_tag: None,
    };
    if let Err(e) = normalize::normalize(&mut doc, &normalize::Config::default()) {
        row.failure = Some(format!("normalize: {e}"));
        return row;
    }
    row.normalize = started.elapsed();
    progress.step(format!("{}: generating", row.name));
    let started = Instant::now();
    let crate_dir = scratch.dir.join(if options.single { crate_name.clone() } else { format!("{crate_name}_split") });
    let generated = if options.single {
        accounting_sync_codegen::generate_with(
            &spec_pipeline::document::to_text(&doc),
            &row.name,
            &standalone_settings(options.interface.clone()),
        )
        .map_err(anyhow::Error::msg)
        .and_then(|code| scratch.write_crate(&crate_dir, &crate_name, &code).map(|_| (code, 1)))
    } else {
        scratch
            .write_split(
                &doc,
                &row.name,
                &crate_dir,
                &crate_name,
                &SplitLayout { keep: false, own_members: &[], interface: options.interface.clone() },
            )
            .map(|parts| (parts.iter().map(|(code, _)| code.as_str()).collect::<String>(), parts.len()))
    };
    let code = match generated {
        Ok((code, parts)) => {
            row.parts = parts;
            code
        }
        Err(e) => {
            row.failure = Some(format!("generate: {e:#}"));
            return row;
        }
    };
    row.generate = started.elapsed();
    row.lines = code.lines().count();
    row.operations.0 = code.matches("operation_id: \"").count();
    let schema_names: Vec<&String> =
        doc.pointer("/components/schemas").and_then(Value::as_object).map(|m| m.keys().collect()).unwrap_or_default();
    let declared = declared_types(&code);
    let typed = schema_names.iter().filter(|n| declared.contains(rust_type_name(n).as_str())).count();
    row.schemas = (typed, schema_names.len());
    let any_json = any_json_types(&code);
    row.any_json = schema_names.iter().filter(|n| any_json.contains(rust_type_name(n).as_str())).map(|n| n.to_string()).collect();
    if options.untyped {
        for name in schema_names.iter().filter(|n| !declared.contains(rust_type_name(n).as_str())) {
            let shape = doc.pointer(&format!("/components/schemas/{}", name.replace('~', "~0").replace('/', "~1")));
            let shape = shape.map(|s| serde_json::to_string(s).unwrap_or_default()).unwrap_or_default();
            let end = shape.char_indices().nth(300).map_or(shape.len(), |(i, _)| i);
            progress.print(&format!("untyped {}: {name}: {}\n", row.name, &shape[..end]));
        }
        return row;
    }
    progress.step(format!("{}: compiling {} crate(s)", row.name, row.parts));
    match scratch.compile(&crate_dir, progress, Some(row.parts)) {
        Ok(c) => row.compile = Some(c),
        Err(e) => row.failure = Some(e),
    }
    if !options.single && row.failure.is_none() {
        progress.step(format!("{}: compiling the largest tag alone", row.name));
        row.one_tag = Some(one_tag(&crate_dir, &crate_name, &scratch.target).unwrap_or_else(|e| format!("not measured: {e:#}")));
    }
    row
}

/// Prints the table; true when every document generated all of its
/// operations and compiled.
fn print_table(rows: &[Row]) -> bool {
    println!(
        "{:<28} {:>11} {:>11} {:>9} {:>6} {:>10} {:>10} {:>10} {:>9}",
        "document", "operations", "schemas", "lines", "crates", "normalize", "generate", "compile", "peak"
    );
    let mut complete = true;
    for r in rows {
        let (compile, peak) = match r.compile {
            Some((d, p)) => (format!("{:.1}s", d.as_secs_f64()), p.map_or("n/a".into(), |k| format!("{} MiB", k / 1024))),
            None => ("-".into(), "-".into()),
        };
        println!(
            "{:<28} {:>11} {:>11} {:>9} {:>6} {:>9.2}s {:>9.2}s {:>10} {:>9}",
            r.name,
            format!("{}/{}", r.operations.0, r.operations.1),
            format!("{}/{}", r.schemas.0, r.schemas.1),
            r.lines,
            r.parts,
            r.normalize.as_secs_f64(),
            r.generate.as_secs_f64(),
            compile,
            peak
        );
        if !r.any_json.is_empty() {
            println!("    typed but any JSON (a newtype or variant of serde_json::Value/Map): {}", r.any_json.join(", "));
        }
        if let Some(t) = &r.one_tag {
            println!("    {t}");
        }
        if let Some(f) = &r.failure {
            println!("    FAILED: {f}");
        }
        complete &= r.failure.is_none() && r.operations.0 == r.operations.1;
    }
    complete
}

pub fn run(root: &Path, args: &[String]) -> Result<()> {
    let builder = args.iter().any(|a| a == "--builder");
    let options = Options {
        interface: if builder { InterfaceStyle::Builder } else { InterfaceStyle::Positional },
        single: args.iter().any(|a| a == "--single"),
        no_overlays: args.iter().any(|a| a == crate::upstream::NO_OVERLAYS),
        untyped: args.iter().any(|a| a == "--untyped"),
    };
    let dir = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .context("usage: cargo xtask corpus DIR [--single] [--builder] [--no-overlays] [--untyped]")?;
    let documents = crate::upstream::documents(Path::new(dir))?;
    if documents.is_empty() {
        anyhow::bail!("no OpenAPI document under {dir}");
    }
    let scratch = Scratch::new(root)?;
    let progress = Progress::new("corpus", documents.len(), "documents");
    if !options.untyped {
        progress.step("building the clients' dependencies");
        scratch.build_dependencies(&progress)?;
    }
    let mut rows = Vec::new();
    for (file, mut doc) in documents {
        let name = file.strip_prefix(dir).unwrap_or(&file).display().to_string();
        if let Some(applied) = crate::upstream::repair(root, &name, &mut doc, options.no_overlays)? {
            progress.print(&format!("{name}:\n{applied}"));
        }
        rows.push(measure_document(&scratch, name, doc, &options, &progress));
        progress.item_done();
    }
    progress.finish();
    if !print_table(&rows) {
        anyhow::bail!("some documents fall short of 100% of operations or do not compile");
    }
    Ok(())
}
