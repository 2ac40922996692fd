//! `cargo xtask features [--check]`: the crate's tag features, one per tag
//! of each whole document (`specs/<api>/whole/openapi.json`), named by
//! `spec_core::features::feature_name`, plus `<api>-full` per API and
//! `full`; written between markers into Cargo.toml's `[features]` (each
//! turning on the feature of the same name of the API's crate,
//! `crates/<api>/Cargo.toml`, whose build script reads it), into those API
//! crates' manifests, and, as a table with operation counts, into the README.
//! `--check` fails when any is not what the documents give (CI runs it).

use anyhow::{bail, Context, Result};
use spec_core::features::{feature_name, tags};
use spec_files::Specs;
use spec_pipeline::document;
use std::path::Path;

const BEGIN: &str = "# BEGIN tag features: written by `cargo xtask features` from specs/<api>/whole/openapi.json; do not edit";
const END: &str = "# END tag features";
const README_BEGIN: &str = "<!-- BEGIN tag features: written by `cargo xtask features` -->";
const README_END: &str = "<!-- END tag features -->";

/// A generated block of one file, between two markers.
struct Block {
    file: String,
    begin: &'static str,
    end: &'static str,
    text: String,
}

/// The generated lines of Cargo.toml, the README table, and each API crate's
/// lines (`crates/<api>/Cargo.toml`).
fn generate(root: &Path) -> Result<Vec<Block>> {
    let specs = Specs::of_workspace(root);
    let mut toml = format!("{BEGIN}\n");
    let mut api_tomls = Vec::new();
    let mut readme = format!("{README_BEGIN}\n");
    let mut fulls = Vec::new();
    let mut summary = Vec::new();
    let mut rows = Vec::new();
    for api in specs.apis().map_err(anyhow::Error::msg)? {
        let name = api.name();
        let whole = api.whole_normalized();
        let mut members = vec![format!("\"{name}\"")];
        let mut api_toml = format!("{BEGIN}\n");
        if whole.is_file() {
            let doc = document::read(&whole)?;
            let counts = tags(&doc);
            let total = spec_core::walk::operations(&doc).len();
            toml.push_str(&format!("# {name}: {} tags, {total} operations\n", counts.len()));
            for (tag, n) in &counts {
                let feature = feature_name(name, tag);
                let operations = format!("{n} operation{}", if *n == 1 { "" } else { "s" });
                toml.push_str(&format!("{feature} = [\"{name}\", \"{}/{feature}\"] # {operations}\n", api_crate(name)));
                api_toml.push_str(&format!("{feature} = [] # {operations}\n"));
                members.push(format!("\"{feature}\""));
                rows.push(format!("| `{feature}` | {tag} | {n} |"));
            }
            summary.push(format!("{name} {total} operations in {} tags", counts.len()));
        } else {
            summary.push(format!("{name}: no whole document, `{name}-full` is `{name}`"));
        }
        api_toml.push_str(&format!("{END}\n"));
        api_tomls.push(Block { file: format!("crates/{name}/Cargo.toml"), begin: BEGIN, end: END, text: api_toml });
        toml.push_str(&format!("{name}-full = [{}]\n", members.join(", ")));
        fulls.push(format!("\"{name}-full\""));
    }
    toml.push_str(&format!("full = [{}]\n{END}\n", fulls.join(", ")));
    readme.push_str(&format!("\n{}.\n\n| feature | tag | operations |\n|---|---|---|\n", summary.join("; ")));
    for row in rows {
        readme.push_str(&row);
        readme.push('\n');
    }
    readme.push_str(&format!("\n{README_END}\n"));
    let mut blocks = vec![
        Block { file: "Cargo.toml".into(), begin: BEGIN, end: END, text: toml },
        Block { file: "README.md".into(), begin: README_BEGIN, end: README_END, text: readme },
    ];
    blocks.extend(api_tomls);
    Ok(blocks)
}

/// The package of an API's crate.
fn api_crate(api: &str) -> String {
    format!("accounting-sync-{api}")
}

/// `text` with what lies between `begin` and `end` (markers included)
/// replaced by `block`; the block goes at the end when there are no markers.
fn replace_block(text: &str, begin: &str, end: &str, block: &str) -> Result<String> {
    match (text.find(begin), text.find(end)) {
        (Some(b), Some(e)) if e > b => {
            let after = text[e..].find('\n').map_or(text.len(), |n| e + n + 1);
            Ok(format!("{}{block}{}", &text[..b], &text[after..]))
        }
        (None, None) => bail!("no `{begin}` … `{end}` markers"),
        _ => bail!("the markers `{begin}` and `{end}` are out of order"),
    }
}

/// The verb.
pub fn run(root: &Path, args: &[String]) -> Result<()> {
    let check = args.iter().any(|a| a == "--check");
    let blocks = generate(root)?;
    let mut stale = Vec::new();
    for Block { file, begin, end, text: block } in &blocks {
        let file = file.as_str();
        let path = root.join(file);
        let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {file}"))?;
        let new = replace_block(&text, begin, end, block).with_context(|| file.to_string())?;
        if new != text {
            if check {
                stale.push(file);
            } else {
                std::fs::write(&path, new).with_context(|| format!("cannot write {file}"))?;
                println!("{file}: tag features written");
            }
        }
    }
    if !stale.is_empty() {
        bail!("stale tag features in {} (run `cargo xtask features` and commit the result)", stale.join(", "));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_between_markers_is_replaced_and_the_rest_kept() {
        let text = "a\n# B\nold\n# E\nz\n";
        assert_eq!(replace_block(text, "# B", "# E", "# B\nnew\n# E\n").unwrap(), "a\n# B\nnew\n# E\nz\n");
        assert!(replace_block("a\n", "# B", "# E", "").is_err());
        assert!(replace_block("# E\n# B\n", "# B", "# E", "").is_err());
    }

    #[test]
    fn the_committed_features_are_what_the_documents_give() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        run(root, &["--check".to_string()]).unwrap();
    }
}
