//! `cargo xtask contract [UPSTREAM_DIR]`: the generated clients against the
//! vendors' own documents, served by Stoplight Prism.
//!
//! Installs `@stoplight/prism-cli` (pinned) into `target/prism` when it is not
//! there, starts `prism mock` on 127.0.0.1 on a free port for each document
//! (Rebilly and Monite from UPSTREAM_DIR, `$UPSTREAM_SPECS` or
//! `../shared/specs-upstream`; Layer from our own `specs/layer/openapi.json`),
//! waits until each answers, runs `tests/contract.rs`, and stops every mock
//! afterwards, also when the tests fail. What the harness does about Prism's
//! limits is written at the top of `tests/contract.rs`.

use crate::prism::{self, Mock};
use anyhow::{bail, Result};
use spec_files::Specs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The document Prism serves for `api`: the vendor's own under `upstream`
/// (`<api>/openapi.json` or `.yaml`), else ours, as normalized (its open
/// enums list their values plainly: `flat_enums`).
fn served_document(root: &Path, upstream: &Path, api: &str) -> PathBuf {
    ["openapi.json", "openapi.yaml"]
        .iter()
        .map(|f| upstream.join(api).join(f))
        .find(|p| p.is_file())
        .unwrap_or_else(|| Specs::of_workspace(root).api(api).normalized())
}

pub fn run(root: &Path, args: &[String]) -> Result<()> {
    let upstream = crate::upstream::upstream_dir(root, args);
    if !upstream.is_dir() {
        bail!("no vendor documents at {}: pass the specs-upstream folder as an argument or in UPSTREAM_SPECS", upstream.display());
    }
    let dir = root.join("target/prism");
    let prism = prism::install(&dir)?;
    let mut documents = Vec::new();
    for api in Specs::of_workspace(root).api_names().map_err(anyhow::Error::msg)? {
        let document = served_document(root, &upstream, &api);
        println!("{api}: serving {}", document.display());
        documents.push((api, document));
    }
    let mocks: Vec<Mock> = prism::serve_all(&prism, &documents, &dir)?;
    for m in &mocks {
        println!("{}: prism mock on {}", m.name, m.url);
    }
    let mut tests = Command::new("cargo");
    tests.current_dir(root).args(["test", "--locked", "--test", "contract", "--", "--ignored"]);
    for m in &mocks {
        tests.env(format!("PRISM_{}", m.name.to_uppercase()), &m.url);
    }
    let status = tests.status()?;
    prism::stop_all(mocks)?;
    if !status.success() {
        bail!("contract tests failed (Prism logs in {})", dir.display());
    }
    Ok(())
}
