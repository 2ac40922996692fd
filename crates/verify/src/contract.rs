//! `cargo xtask contract [UPSTREAM_DIR]`: the generated clients against the
//! vendors' own documents, served by Stoplight Prism.
//!
//! Installs `@stoplight/prism-cli` (pinned) into `target/prism` when it is not
//! there, starts `prism mock` on 127.0.0.1 on a free port for each document
//! (Rebilly and Monite from UPSTREAM_DIR, `$UPSTREAM_SPECS` or
//! `../shared/specs-upstream`; Layer from our own `specs/layer/openapi.json`,
//! its open enums stated as `anyOf`: see `open_enums_as_any_of`),
//! waits until each answers, runs `tests/contract.rs`, and stops every mock
//! afterwards, also when the tests fail. What the harness does about Prism's
//! limits is written at the top of `tests/contract.rs`.

use crate::prism::{self, Mock};
use anyhow::{bail, Result};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Without `flat_enums`, the normalizer writes an open enum as
/// `oneOf: [<X>Known, string]`; a listed value matches both members, which a
/// literal validator such as Prism rejects under `oneOf`. A served copy of
/// such a document says `anyOf`, which is what a generated type accepts (our
/// own documents use `flat_enums` and list values plainly: nothing to do).
fn open_enums_as_any_of(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::Object(m) => {
            if spec_pipeline::normalize::open_enums::is_open(m) {
                let members = m.remove("oneOf").expect("checked");
                m.insert("anyOf".into(), members);
            }
            m.values_mut().for_each(open_enums_as_any_of);
        }
        Value::Array(a) => a.iter_mut().for_each(open_enums_as_any_of),
        _ => {}
    }
}

/// The document Prism serves for `api`: the vendor's own under `upstream`
/// (`<api>/openapi.json` or `.yaml`), else ours, open enums as `anyOf`.
fn served_document(root: &Path, upstream: &Path, api: &str, dir: &Path) -> Result<PathBuf> {
    if let Some(vendor) = ["openapi.json", "openapi.yaml"].iter().map(|f| upstream.join(api).join(f)).find(|p| p.is_file()) {
        return Ok(vendor);
    }
    let served = dir.join(format!("{api}-served.json"));
    let mut ours: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(root.join(format!("specs/{api}/openapi.json")))?)?;
    open_enums_as_any_of(&mut ours);
    std::fs::write(&served, serde_json::to_string_pretty(&ours)?)?;
    Ok(served)
}

pub fn run(root: &Path, args: &[String]) -> Result<()> {
    let upstream = crate::upstream::upstream_dir(root, args);
    if !upstream.is_dir() {
        bail!("no vendor documents at {}: pass the specs-upstream folder as an argument or in UPSTREAM_SPECS", upstream.display());
    }
    let dir = root.join("target/prism");
    let prism = prism::install(&dir)?;
    let mut mocks: Vec<Mock> = Vec::new();
    for api in accounting_sync_codegen::apis(&root.join("specs")).map_err(anyhow::Error::msg)? {
        let document = served_document(root, &upstream, &api, &dir)?;
        println!("{api}: serving {}", document.display());
        mocks.push(prism::start(&api, &prism, &document, &dir)?);
    }
    for m in &mut mocks {
        prism::wait_ready(m, Duration::from_secs(180))?;
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
