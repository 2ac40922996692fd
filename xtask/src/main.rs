//! Maintainer tasks for accounting-sync, run as `cargo xtask <verb>`.
//!
//! - `normalize [--check] [--report FILE] [API...]`: turn each
//!   `specs/<api>/source.{yaml,json}` into `specs/<api>/openapi.json`, the
//!   document build.rs generates from. `--check` writes nothing and fails when
//!   a committed document is not what normalizing its source gives.
//! - `refresh`, `diff`: fetch a vendor's document, pin it, report changes
//!   (`refresh.rs`, `bundle.rs`, `select.rs`, `diff.rs`).
//! - `corpus`, `generate`: normalize, generate and compile whole documents.
//! - `contract`: the clients against Prism mocks of the vendors' documents.
//! - `bench-build`: build cost per feature (BENCHMARKS.md, P2).

mod bench_build;
mod bundle;
#[allow(dead_code)] // build.rs uses all of it
#[path = "../../build/codegen.rs"]
mod codegen;
mod contract;
mod corpus;
mod diff;
mod document;
mod fetch;
mod normalize;
mod refresh;
mod select;
#[cfg(test)]
mod semantics_tests;
mod split;
mod sweep;

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage:
  cargo xtask normalize [--check] [--report FILE] [API...]
  cargo xtask normalize --source FILE [--config FILE] --out FILE [--report FILE]
  cargo xtask generate NORMALIZED.json [--out FILE.rs]
  cargo xtask bench-build [--keep]
  cargo xtask diff OLD NEW [--json]
  cargo xtask corpus DIR [--builder]
  cargo xtask contract [UPSTREAM_DIR]
  cargo xtask sweep [UPSTREAM_DIR]
  cargo xtask refresh <api> [--from URL|FILE] [--tags T,..] [--operations ID,..] [--out FILE] [--check] [--json]";

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
        "normalize" => normalize_cmd(rest),
        "generate" => generate_cmd(rest),
        "bench-build" => bench_build::run(&root(), rest),
        "diff" => diff_cmd(rest),
        "refresh" => refresh::run(&root(), rest),
        "corpus" => corpus::run(&root(), rest),
        "contract" => contract::run(&root(), rest),
        "sweep" => sweep::run(&root(), rest),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(())
        }
        other => bail!("unknown task {other:?}\n{USAGE}"),
    }
}

/// The workspace root (xtask lives one level below it).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask has a parent").to_path_buf()
}

/// One API's files under `specs/`.
struct Api {
    name: String,
    source: PathBuf,
    config: PathBuf,
    output: PathBuf,
}

fn apis(specs: &Path) -> Result<Vec<Api>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(specs).with_context(|| format!("cannot list {}", specs.display()))? {
        let dir = entry?.path();
        let source = ["source.yaml", "source.json"].iter().map(|f| dir.join(f)).find(|p| p.exists());
        if let (true, Some(source)) = (dir.is_dir(), source) {
            out.push(Api {
                name: dir.file_name().unwrap_or_default().to_string_lossy().into_owned(),
                source,
                config: dir.join("normalize.json"),
                output: dir.join("openapi.json"),
            });
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
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
    let code = codegen::generate_text(&text, input).map_err(anyhow::Error::msg)?;
    println!("{input}: {} lines of Rust in {:.2?}", code.lines().count(), started.elapsed());
    if let Some(out) = out {
        std::fs::write(out, code).with_context(|| format!("cannot write {out}"))?;
    }
    Ok(())
}

/// Normalizes one API's source; with `check`, compares instead of writing and
/// returns the output's name when it is stale.
fn normalize_api(api: &Api, root: &Path, check: bool) -> Result<(Option<String>, normalize::Report)> {
    let rel = |p: &Path| p.strip_prefix(root).unwrap_or(p).display().to_string();
    let config: normalize::Config = if api.config.is_file() {
        let text = std::fs::read_to_string(&api.config)?;
        serde_json::from_str(&text).with_context(|| format!("{}: invalid normalizer config", rel(&api.config)))?
    } else {
        normalize::Config::default()
    };
    let started = std::time::Instant::now();
    let mut doc = document::read(&api.source)?;
    let report = normalize::normalize(&mut doc, &config).with_context(|| rel(&api.source))?;
    let text = document::to_text(&doc);
    println!("{} ({} → {}, {:.2?})", api.name, rel(&api.source), rel(&api.output), started.elapsed());
    print!("{report}");
    if check {
        let committed = std::fs::read_to_string(&api.output).unwrap_or_default();
        return Ok(((committed != text).then(|| rel(&api.output)), report));
    }
    document::write_atomically(&api.output, &text)?;
    Ok((None, report))
}

fn normalize_cmd(args: &[String]) -> Result<()> {
    let mut check = false;
    let mut report_file = None;
    let mut only = Vec::new();
    let (mut source, mut config, mut out) = (None, None, None);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--check" => check = true,
            "--report" => report_file = Some(PathBuf::from(it.next().context("--report needs a file")?)),
            "--source" => source = Some(PathBuf::from(it.next().context("--source needs a file")?)),
            "--config" => config = Some(PathBuf::from(it.next().context("--config needs a file")?)),
            "--out" => out = Some(PathBuf::from(it.next().context("--out needs a file")?)),
            flag if flag.starts_with('-') => bail!("unknown flag {flag}\n{USAGE}"),
            api => only.push(api.to_string()),
        }
    }
    if let Some(source) = source {
        let out = out.context("--source needs --out")?;
        let api = Api { name: "document".into(), source, config: config.unwrap_or_default(), output: out };
        let report = normalize_api(&api, Path::new(""), false)?.1;
        if let Some(file) = report_file {
            std::fs::write(&file, document::to_text(&serde_json::to_value(&report)?))?;
        }
        return Ok(());
    }
    let root = root();
    let mut all = apis(&root.join("specs"))?;
    for name in &only {
        if !all.iter().any(|a| &a.name == name) {
            bail!("no API {name:?} under specs/ (have: {})", all.iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join(", "));
        }
    }
    if !only.is_empty() {
        all.retain(|a| only.contains(&a.name));
    }
    let mut reports = serde_json::Map::new();
    let mut stale = Vec::new();
    for api in &all {
        let (stale_file, report) = normalize_api(api, &root, check)?;
        stale.extend(stale_file);
        reports.insert(api.name.clone(), serde_json::to_value(&report)?);
    }
    if let Some(file) = report_file {
        std::fs::write(&file, document::to_text(&serde_json::Value::Object(reports)))
            .with_context(|| format!("cannot write {}", file.display()))?;
    }
    if !stale.is_empty() {
        bail!("stale: {} (run `cargo xtask normalize` and commit the result)", stale.join(", "));
    }
    Ok(())
}

#[cfg(test)]
mod codegen_tests {
    use serde_json::json;

    fn doc(responses: serde_json::Value) -> String {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/fine": {"get": {"operationId": "fine_op", "responses": {"200": {"description": "ok"}}}},
                "/broken": {"get": {"operationId": "broken_op", "responses": responses}}
            },
            "components": {"schemas": {
                "A": {"type": "object", "properties": {"a": {"type": "string"}}},
                "B": {"type": "object", "properties": {"b": {"type": "integer"}}}
            }}
        })
        .to_string()
    }

    #[test]
    fn a_document_progenitor_accepts_generates_a_client() {
        let code = super::codegen::generate_text(&doc(json!({"200": {"description": "ok"}})), "t.json").unwrap();
        assert!(code.contains("pub struct Client"));
        assert!(code.contains("pub fn broken_op"));
    }

    #[test]
    fn a_panic_in_progenitor_becomes_an_error_naming_the_operation() {
        let schema = |name: &str| json!({"description": "e", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{name}")}}}});
        let err = super::codegen::generate_text(&doc(json!({"400": schema("A"), "500": schema("B")})), "specs/t/openapi.json").unwrap_err();
        assert!(err.starts_with("specs/t/openapi.json: operation broken_op (GET /broken): progenitor panicked"), "{err}");
    }

    /// The transport finds an operation's path template by the name
    /// progenitor puts in `OperationInfo`: for every operation of our three
    /// documents (and names progenitor changes: case, punctuation, keywords,
    /// leading digits), the table has that name with the operation's path.
    #[test]
    fn operation_names_match_progenitor() {
        let mut documents: Vec<String> = ["rebilly", "layer", "monite"]
            .iter()
            .map(|api| std::fs::read_to_string(format!("{}/../specs/{api}/openapi.json", env!("CARGO_MANIFEST_DIR"))).unwrap())
            .collect();
        let odd = |id: &str, path: &str| json!({path: {"get": {"operationId": id, "responses": {"200": {"description": "ok"}}}}});
        let mut paths = serde_json::Map::new();
        for (i, id) in ["business.quickbooks.sync-from.post", "GetHTTPThing", "type", "2fa-check", "it's"].iter().enumerate() {
            paths.extend(odd(id, &format!("/odd/{i}")).as_object().unwrap().clone());
        }
        documents.push(json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths}).to_string());
        for text in documents {
            let code = super::codegen::generate_text(&text, "doc").unwrap();
            let table = super::codegen::operation_table(&text).unwrap();
            let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
            let mut in_code: Vec<&str> = code.split("operation_id: \"").skip(1).map(|rest| rest.split('"').next().unwrap()).collect();
            in_code.sort_unstable();
            in_code.dedup();
            let operations: usize = doc["paths"]
                .as_object()
                .unwrap()
                .values()
                .map(|item| item.as_object().unwrap().keys().filter(|k| crate::normalize::walk::METHODS.contains(&k.as_str())).count())
                .sum();
            assert_eq!(in_code.len(), operations);
            for name in in_code {
                let row = table
                    .lines()
                    .find(|l| l.trim_start().starts_with(&format!("({name:?},")))
                    .unwrap_or_else(|| panic!("{name} not in\n{table}"));
                let path = row.rsplit(", ").next().unwrap().trim_end_matches("),").trim_matches('"');
                assert!(doc["paths"].get(path).is_some(), "{name}: {row}");
            }
        }
    }

    #[test]
    fn a_document_that_is_not_openapi_30_is_an_error() {
        let err = super::codegen::generate_text("{\"openapi\": \"3.1.0\"}", "x.json").unwrap_err();
        assert!(err.starts_with("x.json is not an OpenAPI 3.0 document"), "{err}");
    }
}
