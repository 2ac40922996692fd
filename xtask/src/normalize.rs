//! `cargo xtask normalize`: its arguments. Each API's source through
//! `spec_pipeline::normalize_files` into its normalized document (the files
//! are `spec_files::Specs`'s); `--check` compares instead. `--source FILE
//! [--overlay FILE]` normalizes any document, our repairs of a vendor's
//! defects (an Overlay 1.0 document) applied first.

use crate::{root, USAGE};
use anyhow::{bail, Context, Result};
use spec_files::Specs;
use spec_pipeline::document;
use spec_pipeline::normalize_files::{self, Job};
use spec_pipeline::overlay::Overlay;
use std::path::{Path, PathBuf};

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
        let job = Job { name: "document".into(), source, settings: config.unwrap_or_default(), output: out, compact: false };
        let overlay = overlay.map(|o| Overlay::read(&o)).transpose()?;
        let outcome = normalize_files::run(&job, Path::new(""), false, overlay.as_ref())?;
        if let Some(file) = report_file {
            let mut value = serde_json::to_value(&outcome.report)?;
            value["overlay"] = serde_json::to_value(&outcome.applied)?;
            std::fs::write(&file, document::to_text(&value))?;
        }
        return Ok(());
    }
    if overlay.is_some() {
        bail!("--overlay goes with --source: our own specs/<api>/source.* need no repair");
    }
    let root = root();
    let apis = Specs::of_workspace(&root).apis().map_err(anyhow::Error::msg)?;
    let mut all = apis.iter().map(Job::of_api).collect::<Result<Vec<_>>>()?;
    for name in &only {
        if !all.iter().any(|a| &a.name == name) {
            bail!("no API {name:?} under specs/ (have: {})", all.iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join(", "));
        }
    }
    if !only.is_empty() {
        all.retain(|a| only.contains(&a.name));
    }
    // Each API's whole document (facts only, `cargo xtask whole`), after its own.
    let wholes: Vec<Job> =
        apis.iter().filter(|a| only.is_empty() || only.iter().any(|o| o == a.name())).filter_map(Job::whole_of_api).collect();
    all.extend(wholes);
    let mut reports = serde_json::Map::new();
    let mut stale = Vec::new();
    for job in &all {
        let outcome = normalize_files::run(job, &root, check, None)?;
        stale.extend(outcome.stale);
        reports.insert(job.name.clone(), serde_json::to_value(&outcome.report)?);
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
