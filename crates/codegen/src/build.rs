//! What the build script of each API's model crate (`crates/<api>/model`,
//! package `accounting-sync-<api>-model`) runs: the whole client of the API,
//! for all its crates, from the normalized document `specs/<api>/openapi.json`
//! (written by `cargo xtask normalize`), into `$OUT_DIR`:
//!
//! - `<api>_model.rs`: the model's types (`parts.rs`), `<api>_enums.rs`
//!   its open enums, `<api>_operations.rs` the tables of every enabled
//!   operation (names and paths, input rules, rate limits);
//! - `<api>_own.rs` (our document's operations) and `<api>_compose.rs` (the
//!   `Client` over the parts, `compose.rs`), which the API crate includes;
//! - `<api>_part_<n>.rs`, one per part crate with an enabled tag;
//! - `<api>_macros.rs`: the macros that include those files by absolute path
//!   (`part!`, `compose!`, `generated_file!`), so that the part crates and the
//!   API crate need no build script (each would link the generator);
//! - with the `testing` feature, the typed expectations (`<api>_testing.rs`,
//!   [`crate::testing`]) and the document the stand-ins serve
//!   (`<api>_document.json`), for accounting-sync's `testing` module.
//!
//! An API with a whole document (`specs/<api>/whole/openapi.json`, facts
//! only, `cargo xtask whole`) has one feature per tag of it
//! (`spec_core::features`, written into the Cargo.toml files by `cargo xtask
//! features`): the client is then our document joined with the enabled
//! tags' operations and the components they reach, cut into the model and
//! the parts. With none enabled, it is our document alone: the model and
//! the API crate.
//!
//! progenitor reports some unsupported constructs by panicking; a build that
//! fails here prints which API and which operation it could not generate
//! instead of a backtrace.

use crate::compose;
use crate::parts::{self, Group};
use spec_core::features;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The build script of the model crate of `api`, whose documents are under
/// `specs` (relative to the crate, so that the paths printed for cargo are
/// too).
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
    let (joined, origin, part_of_tag) = match whole_doc {
        Some(whole_doc) if !enabled.is_empty() => {
            let (joined, _) = features::join(&ours, &whole_doc, &enabled);
            let origin = format!("{} with {} tags of {}", normalized.display(), enabled.len(), whole.display());
            (joined, origin, features::parts(&whole_doc))
        }
        _ => (ours.clone(), normalized.display().to_string(), Default::default()),
    };
    let cut = parts::partition(&ours, &joined, &enabled, &part_of_tag).unwrap_or_else(|e| fail(api, &format!("{origin}: {e}")));
    generate(api, &joined, cut, &origin, &out_dir);
}

/// Writes the model, the groups, the composition, the tables, the macros
/// and (with `testing`) the typed expectations of `joined` (`origin` names
/// it in messages) into `out_dir`.
fn generate(api: &str, joined: &serde_json::Value, cut: parts::Partition, origin: &str, out_dir: &Path) {
    let testing = std::env::var_os("CARGO_FEATURE_TESTING").is_some();
    let failing = |e: String| -> ! { fail(api, &e) };
    let model_crate = compose::model_crate(api);
    let enums = crate::open_enums::find(joined);
    let tables = crate::tables(joined, origin).unwrap_or_else(|e| failing(e));
    let model_code =
        crate::generate_group(&cut.model, &format!("{origin} (model)"), &enums, "crate::enums", &[], None).unwrap_or_else(|e| failing(e));
    let model_file = syn::parse_file(&model_code).unwrap_or_else(|e| failing(format!("the model's code does not parse: {e}")));
    let replacements = parts::shared_replacements(&cut.model, &model_crate, &model_code);
    let mut groups = Vec::new();
    for (group, doc) in &cut.groups {
        let name = match group {
            Group::Own => "own".to_string(),
            Group::Part(n) => format!("part {n}"),
        };
        let code = crate::generate_group(
            doc,
            &format!("{origin} ({name})"),
            &enums,
            &format!("::{model_crate}::enums"),
            &replacements,
            Some((&model_crate, &model_file)),
        )
        .unwrap_or_else(|e| failing(e));
        groups.push((*group, code));
    }
    let composition = compose::code(api, &model_code, &groups).unwrap_or_else(|e| failing(format!("{origin}: {e}")));
    let numbered: Vec<usize> = groups.iter().filter_map(|(g, _)| if let Group::Part(n) = g { Some(*n) } else { None }).collect();
    let mut files = vec![
        (format!("{api}_operations.rs"), tables),
        (format!("{api}_enums.rs"), crate::open_enums::code(&enums)),
        (format!("{api}_compose.rs"), composition),
        (format!("{api}_macros.rs"), compose::macros(api, out_dir, &numbered, testing)),
    ];
    if testing {
        let all: String = std::iter::once(model_code.as_str()).chain(groups.iter().map(|(_, c)| c.as_str())).collect::<Vec<_>>().join("\n");
        let expectations = crate::testing::code(joined, &all, api).unwrap_or_else(|e| failing(e));
        files.push((format!("{api}_testing.rs"), expectations));
        files.push((format!("{api}_document.json"), joined.to_string()));
    }
    files.push((format!("{api}_model.rs"), model_code));
    for (group, code) in groups {
        files.push((compose::group_file(api, group), code));
    }
    for (file, code) in files {
        let target = out_dir.join(file);
        std::fs::write(&target, code).unwrap_or_else(|e| fail(api, &format!("cannot write {}: {e}", target.display())));
    }
}

fn fail(api: &str, message: &str) -> ! {
    eprintln!("error: cannot generate the {api} client: {message}");
    std::process::exit(1)
}
