//! Where the vendors' documents are, and which files under a folder are
//! OpenAPI documents.

use anyhow::{bail, Context, Result};
use serde_json::Value;
use spec_files::Specs;
use spec_pipeline::overlay::{Applied, Overlay};
use std::path::{Path, PathBuf};

/// The vendors' documents: the first argument, `$UPSTREAM_SPECS`, or
/// `../shared/specs-upstream`.
pub fn upstream_dir(root: &Path, args: &[String]) -> PathBuf {
    args.iter()
        .find(|a| !a.starts_with("--"))
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("UPSTREAM_SPECS").map(PathBuf::from))
        .unwrap_or_else(|| root.join("../shared/specs-upstream"))
}

/// The OpenAPI documents under `dir` (JSON or YAML, any depth), read, in
/// path order; files that do not parse or are not OpenAPI are left out.
pub fn documents(dir: &Path) -> Result<Vec<(PathBuf, Value)>> {
    if !dir.is_dir() {
        bail!("{}", missing(dir));
    }
    let mut files = Vec::new();
    list(dir, &mut files)?;
    files.sort();
    Ok(files
        .into_iter()
        .filter_map(|f| spec_pipeline::document::read(&f).ok().filter(|d| d.get("openapi").is_some()).map(|d| (f, d)))
        .collect())
}

/// What to say when the documents' folder is not there: a folder under
/// `target/` is another verb's output, so name that verb.
fn missing(dir: &Path) -> String {
    let under_target = dir.components().any(|c| c.as_os_str() == "target");
    if under_target {
        format!(
            "no documents at {}: folders under target/ are written by another verb; \
             for target/tree run `cargo xtask bundle-check TREE/openapi.yaml --write target/tree/<api>/openapi.json` first",
            dir.display()
        )
    } else {
        format!("no documents at {}: pass the vendors' documents folder as an argument or in UPSTREAM_SPECS", dir.display())
    }
}

/// Our repairs of a vendor document's defects: the overlay of the API the
/// document's folder is named after (`rebilly/openapi.yaml` →
/// `specs/rebilly/overlay.yaml`), unless `skip`.
pub fn overlay_for(root: &Path, name: &str, skip: bool) -> Result<Option<Overlay>> {
    let api = name.split(['/', '\\']).next().unwrap_or_default();
    if skip || api.is_empty() {
        return Ok(None);
    }
    Overlay::for_api(&Specs::of_workspace(root).api(api))
}

/// `doc` repaired by [`overlay_for`]; returns what was applied.
pub fn repair(root: &Path, name: &str, doc: &mut Value, skip: bool) -> Result<Option<Applied>> {
    overlay_for(root, name, skip)?.map(|o| o.apply(doc)).transpose()
}

/// The flag that leaves the overlays out (to measure what they repair).
pub const NO_OVERLAYS: &str = "--no-overlays";

fn list(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            list(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "json" || e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_folder_names_what_writes_it() {
        let err = documents(Path::new("target/tree")).unwrap_err().to_string();
        assert!(err.contains("cargo xtask bundle-check"), "{err}");
        let err = documents(Path::new("/nonexistent/specs-upstream")).unwrap_err().to_string();
        assert!(err.contains("UPSTREAM_SPECS"), "{err}");
    }
}
