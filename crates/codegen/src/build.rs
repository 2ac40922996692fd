//! What the build script of each API's crate (`crates/<api>`, package
//! `accounting-sync-<api>`) runs: one typed client from the normalized
//! document `specs/<api>/openapi.json` (written by `cargo xtask normalize`)
//! into `$OUT_DIR/<api>.rs`, with the table of its operations in
//! `$OUT_DIR/<api>_operations.rs` and its open enums in `$OUT_DIR/<api>_enums.rs`.
//! With the API crate's `testing` feature, the typed expectations
//! (`<api>_testing.rs`, [`crate::testing`]) and the document the stand-ins
//! serve (`<api>_document.json`) go there too, for accounting-sync's
//! `testing` module: the crate's `links` key passes `$OUT_DIR` to it as
//! `DEP_ACCOUNTING_SYNC_<API>_OUT_DIR`.
//!
//! An API with a whole document (`specs/<api>/whole/openapi.json`, facts
//! only, `cargo xtask whole`) has one feature per tag of it
//! (`spec_core::features`, written into the Cargo.toml files by `cargo xtask
//! features`): the client is then our document joined with the enabled
//! tags' operations and the components they reach. With none enabled, it is
//! our document alone, as fast to build as before.
//!
//! progenitor reports some unsupported constructs by panicking; a build that
//! fails here prints which API and which operation it could not generate
//! instead of a backtrace.

use spec_core::features;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The build script of the crate of `api`, whose documents are under
/// `specs` (relative to the crate, so that the paths printed for cargo are too).
pub fn run(api: &str, specs: &Path) {
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let spec = spec_files::Specs::at(specs).api(api);
    let normalized = spec.normalized();
    println!("cargo:rerun-if-changed={}", normalized.display());
    let whole = spec.whole_normalized();
    // A tag feature of this API is a variable `CARGO_FEATURE_<API>_…`:
    // without one, the whole document is not even read.
    let prefix = format!("CARGO_FEATURE_{}_", api.to_uppercase());
    let some_tag = std::env::vars_os().any(|(k, _)| k.to_str().is_some_and(|k| k.starts_with(&prefix)));
    if whole.is_file() {
        println!("cargo:rerun-if-changed={}", whole.display());
    }
    let read = |path: &Path| -> serde_json::Value {
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| fail(api, &format!("cannot read {}: {e} (run `cargo xtask normalize`)", path.display())));
        serde_json::from_str(&text).unwrap_or_else(|e| fail(api, &format!("{}: not JSON: {e}", path.display())))
    };
    let ours = read(&normalized);
    let whole_doc = (some_tag && whole.is_file()).then(|| read(&whole));
    let enabled: BTreeSet<String> = whole_doc
        .iter()
        .flat_map(|whole_doc| features::tags(whole_doc).into_keys())
        .filter(|tag| std::env::var_os(features::feature_env(&features::feature_name(api, tag))).is_some())
        .collect();
    match whole_doc {
        Some(whole_doc) if !enabled.is_empty() => {
            let (joined, _) = features::join(&ours, &whole_doc, &enabled);
            let origin = format!("{} with {} tags of {}", normalized.display(), enabled.len(), whole.display());
            generate(api, joined, &origin, &out_dir);
        }
        _ => generate(api, ours, &normalized.display().to_string(), &out_dir),
    }
    // Read by accounting-sync's build script (`links` in the API crate's manifest).
    println!("cargo:out_dir={}", out_dir.display());
}

/// Writes the client of `doc` (`origin` names it in messages) and what goes
/// with it into `out_dir`.
fn generate(api: &str, doc: serde_json::Value, origin: &str, out_dir: &Path) {
    let testing = std::env::var_os("CARGO_FEATURE_TESTING").is_some();
    let document = testing.then(|| doc.to_string());
    let generated = crate::generate_doc(doc.clone(), origin, "crate::enums").unwrap_or_else(|e| fail(api, &e));
    let mut files = vec![(format!("{api}_operations.rs"), generated.operations), (format!("{api}_enums.rs"), generated.enums)];
    if let Some(document) = document {
        let expectations = crate::testing::code(&doc, &generated.client, api).unwrap_or_else(|e| fail(api, &e));
        files.push((format!("{api}_testing.rs"), expectations));
        files.push((format!("{api}_document.json"), document));
    }
    files.push((format!("{api}.rs"), generated.client));
    for (file, code) in files {
        let target = out_dir.join(file);
        std::fs::write(&target, code).unwrap_or_else(|e| fail(api, &format!("cannot write {}: {e}", target.display())));
    }
}

fn fail(api: &str, message: &str) -> ! {
    eprintln!("error: cannot generate the {api} client: {message}");
    std::process::exit(1)
}
