//! `cargo xtask corpus DIR [--single] [--builder]`: every OpenAPI document
//! under DIR (JSON or YAML, any depth) normalized, generated with progenitor
//! and compiled under `target/corpus/`, with per document: operations
//! generated/total, schemas typed/total, and the time of each step, and the
//! peak memory of the whole build (every rustc at once). Fails when a
//! document falls under 100% of its operations or its client does not
//! compile.
//!
//! The scratch clients are standalone progenitor clients (no facade), split
//! into one crate per tag plus one of shared types (`split.rs`): no single
//! rustc holds the whole document, and a user of one tag compiles only that
//! tag. `--single` generates one crate instead (what `sweep` calls). They use
//! the Positional interface unless `--builder` (one crate): the Builder
//! interface triples the code (typify adds a builder per struct).

use crate::normalize::{self, walk};
use anyhow::{Context, Result};
use progenitor::InterfaceStyle;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

pub fn documents(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            documents(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "json" || e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
    Ok(())
}

/// One document's line in the report.
struct Row {
    name: String,
    operations: (usize, usize),
    schemas: (usize, usize),
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

/// The identifier right after each occurrence of `prefix` in `code`.
pub fn names_after<'a>(code: &'a str, prefix: &'a str) -> impl Iterator<Item = &'a str> {
    code.match_indices(prefix).map(move |(at, _)| {
        let rest = &code[at + prefix.len()..];
        &rest[..rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len())]
    })
}

/// The names of the structs and enums `code` declares, in one pass (the
/// split clients are 15 MB of code).
pub fn declared_types(code: &str) -> std::collections::HashSet<&str> {
    names_after(code, "pub struct ").chain(names_after(code, "pub enum ")).collect()
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
    let run = crate::bench_build::run_sampled(&mut cmd)?;
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

pub const MANIFEST: &str = r#"[package]
name = "NAME"
version = "0.0.0"
edition = "2021"
publish = false

[lib]
path = "lib.rs"

[dependencies]
progenitor-client = "0.15.1"
reqwest = { version = "0.13", default-features = false, features = ["json", "query", "stream"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
chrono = { version = "0.4", default-features = false, features = ["serde", "std"] }
uuid = { version = "1", features = ["serde"] }
regress = "0.10"
futures = "0.3"
bytes = "1"
tokio = { version = "1", features = ["macros", "rt"] }

[workspace]
"#;

/// Writes `path`; with `keep`, not when it already holds `text`, so that an
/// unchanged client keeps its build (sweep). corpus measures a compile, so
/// it always writes.
pub fn write_text(path: &Path, text: &str, keep: bool) -> Result<()> {
    if keep && std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// The scratch crate name of the document at `name` (relative to the corpus folder).
pub fn crate_name(name: &str) -> String {
    format!("corpus_{}", name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect::<String>())
}

/// Writes the scratch crate of one client.
fn write_crate(dir: &Path, crate_name: &str, code: &str) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    write_text(&dir.join("Cargo.toml"), &MANIFEST.replace("NAME", crate_name), true)?;
    write_text(&dir.join("lib.rs"), &format!("#![allow(warnings, clippy::all)]\n{code}"), false)
}

/// Builds the library (or, in a split document's folder, every library),
/// timed, with the peak of all its processes together.
fn compile(crate_dir: &Path, target: &Path) -> Result<(Duration, Option<u64>), String> {
    let mut cmd = Command::new("cargo");
    cmd.current_dir(crate_dir).args(["build", "--quiet", "--workspace", "--lib"]).env("CARGO_TARGET_DIR", target);
    let run = crate::bench_build::run_sampled(&mut cmd).map_err(|e| format!("cannot run cargo: {e}"))?;
    if !run.success {
        let first: Vec<&str> = run.stderr.lines().filter(|l| l.starts_with("error")).take(5).collect();
        return Err(format!("does not compile: {}", first.join(" | ")));
    }
    Ok((run.wall, Some(run.peak_kib)))
}

/// Generates a split document (see `split.rs`) as a workspace under `dir`:
/// one crate per part (`keep`: see [`write_text`]). Returns each part's
/// code and crate name.
pub fn write_split(doc: &Value, name: &str, dir: &Path, crate_name: &str, keep: bool) -> Result<Vec<(String, String)>> {
    let parts = crate::split::split(doc);
    let wanted: Vec<String> = parts.iter().map(|p| format!("{crate_name}_{}", p.name)).collect();
    // Crates of an earlier split may no longer be parts.
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let member = entry.file_name().to_string_lossy().into_owned();
        if entry.path().is_dir() && !wanted.contains(&member) {
            std::fs::remove_dir_all(entry.path())?;
        }
    }
    let shared_crate = format!("{crate_name}_{}", crate::split::SHARED);
    let mut written = Vec::new();
    let mut members = Vec::new();
    let mut replacements = Vec::new();
    for part in &parts {
        let mut settings = crate::codegen::standalone_settings(InterfaceStyle::Positional);
        let is_shared = part.name == crate::split::SHARED;
        if !is_shared {
            crate::split::replace_shared(&mut settings, &replacements);
        }
        let code = crate::codegen::generate_with(&crate::document::to_text(&part.doc), &format!("{name} ({})", part.name), &settings)
            .map_err(anyhow::Error::msg)?;
        let member = format!("{crate_name}_{}", part.name);
        let member_dir = dir.join(&member);
        std::fs::create_dir_all(&member_dir)?;
        let mut manifest = MANIFEST.replace("NAME", &member).replace("\n[workspace]\n", "\n");
        if !is_shared {
            manifest.push_str(&format!("{shared_crate} = {{ path = \"../{shared_crate}\" }}\n"));
            // The dependency table is the manifest's last.
        }
        write_text(&member_dir.join("Cargo.toml"), &manifest, true)?;
        write_text(&member_dir.join("lib.rs"), &format!("#![allow(warnings, clippy::all)]\n{code}"), keep)?;
        if is_shared {
            replacements = crate::split::shared_replacements(&part.doc, &shared_crate, &code);
        }
        members.push(format!("{member:?}"));
        written.push((code, member));
    }
    write_text(&dir.join("Cargo.toml"), &format!("[workspace]\nresolver = \"2\"\nmembers = [{}]\n", members.join(", ")), true)?;
    Ok(written)
}

pub fn run(root: &Path, args: &[String]) -> Result<()> {
    let builder = args.iter().any(|a| a == "--builder");
    // The Builder interface is measured as one crate.
    let single = builder || args.iter().any(|a| a == "--single");
    let dir = args.iter().find(|a| !a.starts_with("--")).context("usage: cargo xtask corpus DIR [--single] [--builder]")?;
    let mut files = Vec::new();
    documents(Path::new(dir), &mut files)?;
    files.sort();
    let scratch = root.join("target/corpus");
    let target = scratch.join("target");
    // The dependencies first, in a crate of their own: otherwise the first
    // document's compile time would include them.
    let deps = scratch.join("corpus_dependencies");
    std::fs::create_dir_all(&deps)?;
    std::fs::write(deps.join("Cargo.toml"), MANIFEST.replace("NAME", "corpus_dependencies"))?;
    std::fs::write(deps.join("lib.rs"), "")?;
    compile(&deps, &target).map_err(anyhow::Error::msg).context("building the clients' dependencies")?;
    let mut rows = Vec::new();
    for file in files {
        let Ok(mut doc) = crate::document::read(&file) else { continue };
        if doc.get("openapi").is_none() {
            continue;
        }
        let name = file.strip_prefix(dir).unwrap_or(&file).display().to_string();
        let crate_name = crate_name(&name);
        let started = Instant::now();
        let total_ops = walk::operations(&mut doc).len();
        let mut row = Row {
            name,
            operations: (0, total_ops),
            schemas: (0, 0),
            lines: 0,
            parts: 0,
            normalize: Duration::ZERO,
            generate: Duration::ZERO,
            compile: None,
            failure: None,
            one_tag: None,
        };
        match normalize::normalize(&mut doc, &normalize::Config::default()) {
            Ok(_) => {}
            Err(e) => {
                row.failure = Some(format!("normalize: {e}"));
                rows.push(row);
                continue;
            }
        }
        row.normalize = started.elapsed();
        let schema_names: Vec<String> =
            doc.pointer("/components/schemas").and_then(Value::as_object).map(|m| m.keys().cloned().collect()).unwrap_or_default();
        let started = Instant::now();
        let interface = if builder { InterfaceStyle::Builder } else { InterfaceStyle::Positional };
        let crate_dir = if single { scratch.join(&crate_name) } else { scratch.join(format!("{crate_name}_split")) };
        let generated = if single {
            crate::codegen::generate_with(&crate::document::to_text(&doc), &row.name, &crate::codegen::standalone_settings(interface))
                .map_err(anyhow::Error::msg)
                .and_then(|code| write_crate(&crate_dir, &crate_name, &code).map(|_| (code, 1)))
        } else {
            write_split(&doc, &row.name, &crate_dir, &crate_name, false)
                .map(|parts| (parts.iter().map(|(code, _)| code.as_str()).collect::<String>(), parts.len()))
        };
        let code = match generated {
            Ok((code, parts)) => {
                row.parts = parts;
                code
            }
            Err(e) => {
                row.failure = Some(format!("generate: {e:#}"));
                rows.push(row);
                continue;
            }
        };
        row.generate = started.elapsed();
        row.lines = code.lines().count();
        row.operations.0 = code.matches("operation_id: \"").count();
        let declared = declared_types(&code);
        let typed = schema_names.iter().filter(|n| declared.contains(crate::diff::type_name(n).as_str())).count();
        row.schemas = (typed, schema_names.len());
        match compile(&crate_dir, &target) {
            Ok(c) => row.compile = Some(c),
            Err(e) => row.failure = Some(e),
        }
        if !single && row.failure.is_none() {
            row.one_tag = Some(one_tag(&crate_dir, &crate_name, &target).unwrap_or_else(|e| format!("not measured: {e:#}")));
        }
        rows.push(row);
    }
    println!(
        "{:<28} {:>11} {:>11} {:>9} {:>6} {:>10} {:>10} {:>10} {:>9}",
        "document", "operations", "schemas", "lines", "crates", "normalize", "generate", "compile", "peak"
    );
    let mut failed = false;
    for r in &rows {
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
        if let Some(t) = &r.one_tag {
            println!("    {t}");
        }
        if let Some(f) = &r.failure {
            println!("    FAILED: {f}");
        }
        failed |= r.failure.is_some() || r.operations.0 < r.operations.1;
    }
    if rows.is_empty() {
        anyhow::bail!("no OpenAPI document under {dir}");
    }
    if failed {
        anyhow::bail!("some documents fall short of 100% of operations or do not compile");
    }
    Ok(())
}
