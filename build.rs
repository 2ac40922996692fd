//! Generates one typed client per enabled API feature from the normalized
//! document `specs/<api>/openapi.json` (written by `cargo xtask normalize`),
//! into `$OUT_DIR/<api>.rs`, with the table of its operations in
//! `$OUT_DIR/<api>_operations.rs` and its open enums in `$OUT_DIR/<api>_enums.rs`. The APIs and their files are
//! `spec_files::Specs`'s (the folders of `specs/`); each is a feature of the same name.
//!
//! progenitor reports some unsupported constructs by panicking; a build that
//! fails here prints which API and which operation it could not generate
//! instead of a backtrace.

use accounting_sync_codegen as codegen;
use spec_files::Specs;
use std::path::PathBuf;

fn main() {
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    // Relative, so that the paths printed for cargo are too.
    let apis = Specs::at("specs").apis().unwrap_or_else(|e| fail("any", &e));
    for spec in &apis {
        let api = spec.name();
        if std::env::var_os(format!("CARGO_FEATURE_{}", api.to_uppercase())).is_none() {
            continue;
        }
        let normalized = spec.normalized();
        println!("cargo:rerun-if-changed={}", normalized.display());
        match codegen::generate(&normalized, &format!("crate::{api}::enums")) {
            Ok(generated) => {
                let files = [
                    (format!("{api}.rs"), generated.client),
                    (format!("{api}_operations.rs"), generated.operations),
                    (format!("{api}_enums.rs"), generated.enums),
                ];
                // The `testing` feature's typed expectations (crates/codegen/src/testing.rs).
                let testing = testing_code(api, &normalized, &files[0].1);
                for (file, code) in files.into_iter().chain(testing) {
                    let target = out_dir.join(file);
                    std::fs::write(&target, code).unwrap_or_else(|e| fail(api, &format!("cannot write {}: {e}", target.display())));
                }
            }
            Err(message) => fail(api, &message),
        }
    }
}

fn fail(api: &str, message: &str) -> ! {
    eprintln!("error: cannot generate the {api} client: {message}");
    std::process::exit(1)
}

/// `<api>_testing.rs`, the typed expectations, when the `testing` feature is on.
fn testing_code(api: &str, normalized: &std::path::Path, client: &str) -> Option<(String, String)> {
    std::env::var_os("CARGO_FEATURE_TESTING")?;
    Some((format!("{api}_testing.rs"), codegen::testing::generate(normalized, client, api).unwrap_or_else(|e| fail(api, &e))))
}
