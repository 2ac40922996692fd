//! `cargo xtask whole [--check] [UPSTREAM_DIR] [API...]`: each vendor's
//! whole document (`UPSTREAM_DIR/<api>/openapi.{yaml,json}`), bundled,
//! repaired by our overlay, reduced to facts (`spec_pipeline::facts`: vendor
//! prose dropped, our own words on the operations we wrote, the rest
//! described from the structure) into `specs/<api>/whole/source.json` (compact JSON), then
//! normalized into `specs/<api>/whole/openapi.json`. `--check` compares
//! instead of writing, and skips with a warning when the vendor documents
//! are absent.
//!
//! `cargo xtask prose-check [UPSTREAM_DIR]`: fails when a description
//! sentence of a vendor document appears in any file under `specs/`.

use anyhow::{bail, Context, Result};
use spec_files::Specs;
use spec_pipeline::facts::{self, Stripped};
use spec_pipeline::normalize_files::{self, Job};
use spec_pipeline::overlay::Overlay;
use spec_pipeline::{bundle, document};
use std::path::{Path, PathBuf};

/// The vendor document of `api` under `dir`, if there is one.
fn upstream_of(dir: &Path, api: &str) -> Option<PathBuf> {
    ["openapi.yaml", "openapi.json"].iter().map(|f| dir.join(api).join(f)).find(|p| p.is_file())
}

/// The folder of the vendor documents: the argument, `$UPSTREAM_SPECS`, or
/// `../shared/specs-upstream`.
fn upstream_dir(root: &Path, arg: Option<&String>) -> PathBuf {
    arg.map(PathBuf::from)
        .or_else(|| std::env::var_os("UPSTREAM_SPECS").map(PathBuf::from))
        .unwrap_or_else(|| root.join("../shared/specs-upstream"))
}

/// The facts-only text of `api`'s whole document, from the vendor's file.
pub fn facts_document(root: &Path, api: &str, upstream: &Path) -> Result<(String, Stripped)> {
    let specs = Specs::of_workspace(root);
    let spec = specs.api(api);
    let url =
        url::Url::from_file_path(upstream.canonicalize()?).map_err(|_| anyhow::anyhow!("{} is not a file URL", upstream.display()))?;
    let mut doc = bundle::fetch_document(&url)?.doc;
    if let Some(overlay) = Overlay::for_api(&spec)? {
        overlay.apply(&mut doc)?;
    }
    // What the examples show is a fact the types must keep (a format they
    // break is dropped) before the examples go as prose.
    let formats = spec_pipeline::normalize::example_formats::drop_broken_formats(&mut doc);
    let mut counts = facts::strip(&mut doc);
    counts.formats = formats;
    if let Some(ours) = spec.source() {
        counts += facts::keep_our_words(&mut doc, &document::read(&ours)?);
    }
    counts += facts::describe(&mut doc);
    Ok((document::to_compact_text(&doc), counts))
}

/// The `whole` verb.
pub fn run(root: &Path, args: &[String]) -> Result<()> {
    let check = args.iter().any(|a| a == "--check");
    let rest: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let (dir_arg, apis): (Option<&String>, Vec<&String>) = match rest.split_first() {
        Some((first, more)) if Path::new(first.as_str()).is_dir() => (Some(*first), more.to_vec()),
        _ => (None, rest),
    };
    let dir = upstream_dir(root, dir_arg);
    let specs = Specs::of_workspace(root);
    let names: Vec<String> = if apis.is_empty() {
        specs
            .api_names()
            .map_err(anyhow::Error::msg)?
            .into_iter()
            .filter(|a| upstream_of(&dir, a).is_some() || specs.api(a).whole_source().is_file())
            .collect()
    } else {
        apis.iter().map(|a| a.to_string()).collect()
    };
    let mut stale = Vec::new();
    for api in &names {
        let spec = specs.api(api);
        let Some(upstream) = upstream_of(&dir, api) else {
            if check {
                eprintln!("warning: no vendor document for {api} under {}: its whole document is not checked", dir.display());
                continue;
            }
            bail!("no vendor document for {api} under {} (openapi.yaml or openapi.json)", dir.display());
        };
        let started = std::time::Instant::now();
        let (text, counts) = facts_document(root, api, &upstream)?;
        let out = spec.whole_source();
        println!("{api} ({} → {}, {:.2?}, {} bytes)", upstream.display(), rel(root, &out), started.elapsed(), text.len());
        print!("{counts}");
        if check {
            if std::fs::read_to_string(&out).unwrap_or_default() != text {
                stale.push(rel(root, &out));
            }
            continue;
        }
        std::fs::create_dir_all(out.parent().context("a folder")?)?;
        document::write_atomically(&out, &text)?;
        let job = Job::whole_of_api(&spec).context("just written")?;
        normalize_files::run(&job, root, false, None)?;
    }
    if !stale.is_empty() {
        bail!("stale: {} (run `cargo xtask whole` and commit the result)", stale.join(", "));
    }
    Ok(())
}

fn rel(root: &Path, p: &Path) -> String {
    p.strip_prefix(root).unwrap_or(p).display().to_string()
}

/// The `prose-check` verb.
pub fn prose_check(root: &Path, args: &[String]) -> Result<()> {
    let dir = upstream_dir(root, args.iter().find(|a| !a.starts_with("--")));
    let specs = Specs::of_workspace(root);
    let mut vendor = std::collections::BTreeSet::new();
    let mut read = Vec::new();
    for api in specs.api_names().map_err(anyhow::Error::msg)? {
        if let Some(file) = upstream_of(&dir, &api) {
            vendor.extend(facts::vendor_sentences(&document::read(&file)?));
            read.push(api);
        }
    }
    if read.is_empty() {
        eprintln!("warning: no vendor documents at {} (set UPSTREAM_SPECS): specs/ is not checked for vendor prose", dir.display());
        return Ok(());
    }
    let mut files = Vec::new();
    list(specs.dir(), &mut files)?;
    files.sort();
    let mut found = 0;
    for file in &files {
        let mut texts = Vec::new();
        match document::read(file) {
            Ok(doc) => facts::strings(&doc, &mut texts),
            Err(_) => texts.push(std::fs::read_to_string(file).unwrap_or_default()),
        }
        let copied = facts::copied_sentences(texts.iter().map(String::as_str), &vendor);
        for sentence in copied.iter().take(10) {
            eprintln!("{}: a vendor sentence: {sentence:?}", rel(root, file));
        }
        found += copied.len();
    }
    println!(
        "prose-check: {} sentences of {} words or more from the vendor documents of {}; {} files under specs/; {found} copied",
        vendor.len(),
        facts::MIN_WORDS,
        read.join(", "),
        files.len()
    );
    if found > 0 {
        bail!("{found} vendor sentences under specs/: write our own words, or drop them (`cargo xtask whole`)");
    }
    Ok(())
}

fn list(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            list(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}
