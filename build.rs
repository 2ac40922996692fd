//! Generates one typed client per enabled API feature from the normalized
//! document `specs/<api>/openapi.json` (written by `cargo xtask normalize`),
//! into `$OUT_DIR/<api>.rs`.
//!
//! progenitor reports some unsupported constructs by panicking; a build that
//! fails here prints which API and which operation it could not generate
//! instead of a backtrace.

#[path = "build/codegen.rs"]
#[allow(dead_code)] // the xtask uses the standalone settings too
mod codegen;

use std::path::{Path, PathBuf};

/// The APIs: each is a cargo feature and a module of the same name.
const APIS: &[&str] = &["rebilly", "layer", "monite"];

fn main() {
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    for api in APIS {
        if std::env::var_os(format!("CARGO_FEATURE_{}", api.to_uppercase())).is_none() {
            continue;
        }
        let spec = format!("specs/{api}/openapi.json");
        println!("cargo:rerun-if-changed={spec}");
        match codegen::generate(Path::new(&spec)) {
            Ok((client, operations)) => {
                for (file, code) in [(format!("{api}.rs"), client), (format!("{api}_operations.rs"), operations)] {
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
