//! `cargo xtask normalize`: each `specs/<api>/source.{yaml,json}` through
//! the normalizer (`spec_pipeline::normalize`) into `specs/<api>/openapi.json`,
//! the document build.rs generates from; `--check` compares instead.
//! `--source FILE [--overlay FILE]` normalizes any document, our repairs of
//! a vendor's defects (an Overlay 1.0 document) applied first.

use crate::{root, USAGE};
use anyhow::{bail, Context, Result};
use spec_pipeline::overlay::{Applied, Overlay};
use spec_pipeline::{document, normalize};
use std::path::{Path, PathBuf};

/// One API's files under `specs/`.
struct Api {
    name: String,
    source: PathBuf,
    config: PathBuf,
    output: PathBuf,
}

/// The APIs (the list build.rs reads) with their files.
fn apis(specs: &Path) -> Result<Vec<Api>> {
    let names = spec_files::Specs::at(specs).api_names().map_err(anyhow::Error::msg)?;
    names
        .into_iter()
        .map(|name| {
            let dir = specs.join(&name);
            let source = ["source.yaml", "source.json"].iter().map(|f| dir.join(f)).find(|p| p.exists());
            let source = source.with_context(|| format!("{} has no source.yaml or source.json to normalize", dir.display()))?;
            Ok(Api { name, source, config: dir.join("normalize.json"), output: dir.join("openapi.json") })
        })
        .collect()
}

/// Normalizes one API's source; with `check`, compares instead of writing and
/// returns the output's name when it is stale.
fn normalize_api(
    api: &Api,
    root: &Path,
    check: bool,
    overlay: Option<&Overlay>,
) -> Result<(Option<String>, normalize::Report, Option<Applied>)> {
    let rel = |p: &Path| p.strip_prefix(root).unwrap_or(p).display().to_string();
    let config: normalize::Config = if api.config.is_file() {
        let text = std::fs::read_to_string(&api.config)?;
        serde_json::from_str(&text).with_context(|| format!("{}: invalid normalizer config", rel(&api.config)))?
    } else {
        normalize::Config::default()
    };
    let started = std::time::Instant::now();
    let mut doc = document::read(&api.source)?;
    let applied = overlay.map(|o| o.apply(&mut doc)).transpose()?;
    let report = normalize::normalize(&mut doc, &config).with_context(|| rel(&api.source))?;
    let text = document::to_text(&doc);
    println!("{} ({} → {}, {:.2?})", api.name, rel(&api.source), rel(&api.output), started.elapsed());
    if let Some(applied) = &applied {
        print!("{applied}");
    }
    print!("{report}");
    if check {
        let committed = std::fs::read_to_string(&api.output).unwrap_or_default();
        return Ok(((committed != text).then(|| rel(&api.output)), report, applied));
    }
    document::write_atomically(&api.output, &text)?;
    Ok((None, report, applied))
}

/// The verb.
pub fn run(args: &[String]) -> Result<()> {
    let mut check = false;
    let mut report_file = None;
    let mut only = Vec::new();
    let (mut source, mut config, mut out, mut overlay) = (None, None, None, None);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--check" => check = true,
            "--report" => report_file = Some(PathBuf::from(it.next().context("--report needs a file")?)),
            "--source" => source = Some(PathBuf::from(it.next().context("--source needs a file")?)),
            "--config" => config = Some(PathBuf::from(it.next().context("--config needs a file")?)),
            "--out" => out = Some(PathBuf::from(it.next().context("--out needs a file")?)),
            "--overlay" => overlay = Some(PathBuf::from(it.next().context("--overlay needs a file")?)),
            flag if flag.starts_with('-') => bail!("unknown flag {flag}\n{USAGE}"),
            api => only.push(api.to_string()),
        }
    }
    if let Some(source) = source {
        let out = out.context("--source needs --out")?;
        let api = Api { name: "document".into(), source, config: config.unwrap_or_default(), output: out };
        let overlay = overlay.map(|o| Overlay::read(&o)).transpose()?;
        let (_, report, applied) = normalize_api(&api, Path::new(""), false, overlay.as_ref())?;
        if let Some(file) = report_file {
            let mut value = serde_json::to_value(&report)?;
            value["overlay"] = serde_json::to_value(&applied)?;
            std::fs::write(&file, document::to_text(&value))?;
        }
        return Ok(());
    }
    if overlay.is_some() {
        bail!("--overlay goes with --source: our own specs/<api>/source.* need no repair");
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
        let (stale_file, report, _) = normalize_api(api, &root, check, None)?;
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
