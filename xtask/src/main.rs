//! Maintainer tasks for accounting-sync, run as `cargo xtask <verb>`.
//!
//! - `normalize [--check] [--report FILE] [API...]`: turn each
//!   `specs/<api>/source.{yaml,json}` into `specs/<api>/openapi.json`, the
//!   document build.rs generates from. `--check` writes nothing and fails when
//!   a committed document is not what normalizing its source gives.

#[allow(dead_code)] // build.rs uses all of it; the xtask only some
#[path = "../../build/codegen.rs"]
mod codegen;
mod document;
mod normalize;

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask normalize [--check] [--report FILE] [API...]";

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

fn normalize_cmd(args: &[String]) -> Result<()> {
    let mut check = false;
    let mut report_file = None;
    let mut only = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--check" => check = true,
            "--report" => report_file = Some(PathBuf::from(it.next().context("--report needs a file")?)),
            flag if flag.starts_with('-') => bail!("unknown flag {flag}\n{USAGE}"),
            api => only.push(api.to_string()),
        }
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
        let rel = |p: &Path| p.strip_prefix(&root).unwrap_or(p).display().to_string();
        let config: normalize::Config = if api.config.exists() {
            let text = std::fs::read_to_string(&api.config)?;
            serde_json::from_str(&text).with_context(|| format!("{}: invalid normalizer config", rel(&api.config)))?
        } else {
            normalize::Config::default()
        };
        let mut doc = document::read(&api.source)?;
        let report = normalize::normalize(&mut doc, &config).with_context(|| rel(&api.source))?;
        println!("{} ({} → {})", api.name, rel(&api.source), rel(&api.output));
        print!("{report}");
        let text = document::to_text(&doc);
        if check {
            let committed = std::fs::read_to_string(&api.output).unwrap_or_default();
            if committed != text {
                stale.push(rel(&api.output));
            }
        } else {
            document::write_atomically(&api.output, &text)?;
        }
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

    #[test]
    fn a_document_that_is_not_openapi_30_is_an_error() {
        let err = super::codegen::generate_text("{\"openapi\": \"3.1.0\"}", "x.json").unwrap_err();
        assert!(err.starts_with("x.json is not an OpenAPI 3.0 document"), "{err}");
    }
}
