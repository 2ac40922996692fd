//! `cargo xtask refresh`: its arguments; the workflow is
//! `spec_pipeline::refresh`.

use anyhow::{anyhow, bail, Context, Result};
use spec_pipeline::refresh::{refresh, Options};
use std::path::{Path, PathBuf};

/// Parses `refresh` arguments.
pub fn run(root: &Path, args: &[String]) -> Result<()> {
    let mut opts = Options::default();
    let mut api = None;
    let mut it = args.iter();
    let list = |v: Option<&String>, flag: &str| -> Result<Vec<String>> {
        Ok(v.ok_or_else(|| anyhow!("{flag} needs a comma-separated list"))?
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect())
    };
    while let Some(a) = it.next() {
        match a.as_str() {
            "--from" => opts.from = Some(it.next().context("--from needs a URL or file")?.clone()),
            "--out" => opts.out = Some(PathBuf::from(it.next().context("--out needs a file")?)),
            "--tags" => opts.selection.tags = list(it.next(), "--tags")?,
            "--operations" => opts.selection.operations = list(it.next(), "--operations")?,
            "--check" => opts.check = true,
            "--json" => opts.json = true,
            "--all" => opts.all = true,
            flag if flag.starts_with('-') => bail!("unknown flag {flag}"),
            name => api = Some(name.to_string()),
        }
    }
    let api = api.context(
        "usage: cargo xtask refresh <api> [--from URL|FILE] [--tags T,..] [--operations ID,..] [--all] [--out FILE] [--check] [--json]",
    )?;
    if !refresh(root, &api, &opts)? {
        bail!("{api}: the upstream document no longer matches the pin");
    }
    Ok(())
}
