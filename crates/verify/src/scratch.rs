//! Scratch workspaces under `target/corpus/`: standalone progenitor clients
//! (no facade) written as crates, built, and measured. Their dependency
//! versions come from the workspace's `[workspace.dependencies]`, so the
//! scratch clients build against what accounting-sync builds against.

use crate::measure::run_sampled;
use crate::progress::Progress;
use crate::split;
use anyhow::{Context, Result};
use progenitor::{GenerationSettings, InterfaceStyle, TagStyle};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Settings for a standalone client: what corpus and sweep compile from a
/// whole vendor document.
pub fn standalone_settings(interface: InterfaceStyle) -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings.with_interface(interface).with_tag(TagStyle::Merged);
    settings
}

/// A generated client's dependencies, with the features a standalone client
/// needs; each version is the workspace's.
const DEPENDENCIES: &[(&str, &str)] = &[
    ("progenitor-client", ""),
    ("reqwest", r#"default-features = false, features = ["json", "query", "stream"]"#),
    ("serde", r#"features = ["derive"]"#),
    ("serde_json", ""),
    ("chrono", r#"default-features = false, features = ["serde", "std"]"#),
    ("uuid", r#"features = ["serde"]"#),
    ("regress", ""),
    ("futures", ""),
    ("bytes", ""),
    ("tokio", r#"features = ["macros", "rt"]"#),
];

/// The scratch folder, its shared target directory, and the manifest
/// template every scratch crate starts from.
pub struct Scratch {
    /// `target/corpus`.
    pub dir: PathBuf,
    /// The target directory all scratch builds share.
    pub target: PathBuf,
    /// A workspace member's manifest with `NAME` for the crate's name,
    /// ending with its dependency table.
    manifest: String,
}

impl Scratch {
    /// The scratch folder of the workspace at `root`.
    pub fn new(root: &Path) -> Result<Self> {
        let dir = root.join("target/corpus");
        Ok(Scratch { target: dir.join("target"), dir, manifest: manifest_template(root)? })
    }

    /// The manifest of a library crate `name` (lib.rs beside it), in a
    /// workspace of its own.
    pub fn manifest(&self, name: &str) -> String {
        format!("{}\n[workspace]\n{SCRATCH_PROFILE}", self.member_manifest(name))
    }

    /// The manifest of a library crate `name` that is a member of a
    /// workspace: the workspace and its profile are the root's. Its
    /// dependency table is the last, for the caller to append to.
    pub fn member_manifest(&self, name: &str) -> String {
        self.manifest.replace("NAME", name)
    }

    /// Writes the scratch crate of one client.
    pub fn write_crate(&self, dir: &Path, crate_name: &str, code: &str) -> Result<()> {
        std::fs::create_dir_all(dir)?;
        write_text(&dir.join("Cargo.toml"), &self.manifest(crate_name), true)?;
        write_text(&dir.join("lib.rs"), &format!("#![allow(warnings, clippy::all)]\n{code}"), false)
    }

    /// Builds the library (or, in a split document's folder, every library),
    /// timed, with the peak of all its processes together; counts the
    /// crates it builds into `progress` (of them, the client's own `crates`,
    /// when given).
    pub fn compile(&self, crate_dir: &Path, progress: &Progress, crates: Option<usize>) -> Result<(Duration, Option<u64>), String> {
        let mut cmd = Command::new("cargo");
        cmd.current_dir(crate_dir).args(["build", "--quiet", "--workspace", "--lib", JSON_MESSAGES]).env("CARGO_TARGET_DIR", &self.target);
        let run = run_sampled(&mut cmd, progress.crate_counter(crates)).map_err(|e| format!("cannot run cargo: {e}"))?;
        if !run.success {
            let first: Vec<&str> = run.stderr.lines().filter(|l| l.starts_with("error")).take(5).collect();
            return Err(format!("does not compile: {}", first.join(" | ")));
        }
        Ok((run.wall, Some(run.peak_kib)))
    }

    /// Builds the clients' dependencies alone, in a crate of their own, so
    /// that no client's compile time includes them.
    pub fn build_dependencies(&self, progress: &Progress) -> Result<()> {
        let deps = self.dir.join("corpus_dependencies");
        std::fs::create_dir_all(&deps)?;
        std::fs::write(deps.join("Cargo.toml"), self.manifest("corpus_dependencies"))?;
        std::fs::write(deps.join("lib.rs"), "")?;
        self.compile(&deps, progress, None).map_err(anyhow::Error::msg).context("building the clients' dependencies").map(|_| ())
    }

    /// Generates a split document (see `split.rs`) as a workspace under
    /// `dir`: one crate per part, as `layout` says. Returns each part's code
    /// and crate name.
    pub fn write_split(
        &self,
        doc: &Value,
        name: &str,
        dir: &Path,
        crate_name: &str,
        layout: &SplitLayout,
    ) -> Result<Vec<(String, String)>> {
        let SplitLayout { keep, own_members, interface } = layout;
        let keep = *keep;
        let parts = split::split(doc);
        let mut wanted: Vec<String> = parts.iter().map(|p| format!("{crate_name}_{}", p.name)).collect();
        wanted.extend(own_members.iter().map(|m| m.to_string()));
        // Crates of an earlier split may no longer be parts.
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let member = entry.file_name().to_string_lossy().into_owned();
            if entry.path().is_dir() && !wanted.contains(&member) {
                std::fs::remove_dir_all(entry.path())?;
            }
        }
        let shared_crate = format!("{crate_name}_{}", split::SHARED);
        let mut written = Vec::new();
        let mut replacements = Vec::new();
        for part in &parts {
            let mut settings = standalone_settings(interface.clone());
            let is_shared = part.name == split::SHARED;
            if !is_shared {
                split::replace_shared(&mut settings, &replacements);
            }
            let text = spec_pipeline::document::to_text(&part.doc);
            let code =
                accounting_sync_codegen::generate_with(&text, &format!("{name} ({})", part.name), &settings).map_err(anyhow::Error::msg)?;
            let member = format!("{crate_name}_{}", part.name);
            let member_dir = dir.join(&member);
            std::fs::create_dir_all(&member_dir)?;
            let mut manifest = self.member_manifest(&member);
            if !is_shared {
                manifest.push_str(&format!("{shared_crate} = {{ path = \"../{shared_crate}\" }}\n"));
            }
            write_text(&member_dir.join("Cargo.toml"), &manifest, true)?;
            write_text(&member_dir.join("lib.rs"), &format!("#![allow(warnings, clippy::all)]\n{code}"), keep)?;
            if is_shared {
                replacements = split::shared_replacements(&part.doc, &shared_crate, &code);
            }
            written.push((code, member));
        }
        let members: Vec<String> = wanted.iter().map(|m| format!("{m:?}")).collect();
        let root_manifest = format!("[workspace]\nresolver = \"2\"\nmembers = [{}]\n{SCRATCH_PROFILE}", members.join(", "));
        write_text(&dir.join("Cargo.toml"), &root_manifest, true)?;
        Ok(written)
    }
}

/// How [`Scratch::write_split`] writes a split client.
pub struct SplitLayout<'a> {
    /// Keep a crate's file when its text is unchanged (see [`write_text`]).
    pub keep: bool,
    /// Folders of the workspace the caller writes itself.
    pub own_members: &'a [&'a str],
    /// progenitor's interface for every crate.
    pub interface: InterfaceStyle,
}

/// cargo's messages as JSON on stdout (each crate built, for the progress),
/// its diagnostics rendered on stderr as without it.
pub const JSON_MESSAGES: &str = "--message-format=json-render-diagnostics";

/// The scratch crates' build profile. Generated clients are hundreds of
/// thousands of lines built once: debug info and incremental caches would be
/// most of the disk a CI run writes (a full run once died with the disk full)
/// and nothing reads them.
const SCRATCH_PROFILE: &str = "\n[profile.dev]\ndebug = false\nincremental = false\n";

/// The member manifest template, with each dependency's version read from
/// the workspace manifest at `root`.
fn manifest_template(root: &Path) -> Result<String> {
    let path = root.join("Cargo.toml");
    let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let manifest: toml::Table = toml::from_str(&text).with_context(|| format!("{}: invalid", path.display()))?;
    let shared = manifest.get("workspace").and_then(|w| w.get("dependencies")).and_then(toml::Value::as_table);
    let mut out = String::from("[package]\nname = \"NAME\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[lib]\npath = \"lib.rs\"\n\n[dependencies]\n");
    for (name, extra) in DEPENDENCIES {
        let entry = shared.and_then(|deps| deps.get(*name));
        let version = entry
            .and_then(|e| e.as_str().or_else(|| e.get("version").and_then(toml::Value::as_str)))
            .with_context(|| format!("{}: no version of {name} in [workspace.dependencies]", path.display()))?;
        if extra.is_empty() {
            out.push_str(&format!("{name} = \"{version}\"\n"));
        } else {
            out.push_str(&format!("{name} = {{ version = \"{version}\", {extra} }}\n"));
        }
    }
    Ok(out)
}

/// Writes `path`; with `keep`, not when it already holds `text`, so that an
/// unchanged client keeps its build (sweep). corpus measures a compile, so
/// it always writes.
pub fn write_text(path: &Path, text: &str, keep: bool) -> Result<()> {
    if keep && std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// The scratch crate name of the document at `name` (relative to the corpus folder).
pub fn crate_name(name: &str) -> String {
    format!("corpus_{}", name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect::<String>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scratch_manifest_takes_the_workspace_versions() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let manifest = Scratch::new(&root).unwrap().manifest("corpus_x");
        assert!(manifest.starts_with("[package]\nname = \"corpus_x\"\n"), "{manifest}");
        let parsed: toml::Table = toml::from_str(&manifest).unwrap();
        let deps = parsed["dependencies"].as_table().unwrap();
        assert_eq!(deps["progenitor-client"].as_str(), Some("0.15.1"));
        assert_eq!(deps["reqwest"]["version"].as_str(), Some("0.13"));
        assert_eq!(deps.len(), DEPENDENCIES.len());
    }

    /// The split workspace keeps a member its caller writes (the sweep
    /// program) across rewrites, and only its root carries the profile: cargo
    /// ignores a member's profile, with a warning.
    #[test]
    fn a_split_workspace_keeps_the_callers_member_and_the_root_has_the_profile() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let tmp = tempfile::tempdir().unwrap();
        let scratch = Scratch { dir: tmp.path().to_path_buf(), target: tmp.path().join("target"), ..Scratch::new(&root).unwrap() };
        let doc = serde_json::json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"get": {"operationId": "getA", "tags": ["a"],
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "string"}}}}}}}}
        });
        let dir = tmp.path().join("split");
        let program = tmp.path().join("split/x_program");
        assert!(!scratch
            .write_split(
                &doc,
                "t",
                &dir,
                "x",
                &SplitLayout { keep: true, own_members: &["x_program"], interface: InterfaceStyle::Positional }
            )
            .unwrap()
            .is_empty());
        std::fs::create_dir_all(&program).unwrap();
        std::fs::write(program.join("Cargo.toml"), scratch.member_manifest("x_program")).unwrap();
        // A rewrite removes folders that are not parts, but not the caller's.
        std::fs::create_dir_all(dir.join("x_stale")).unwrap();
        scratch
            .write_split(
                &doc,
                "t",
                &dir,
                "x",
                &SplitLayout { keep: true, own_members: &["x_program"], interface: InterfaceStyle::Positional },
            )
            .unwrap();
        assert!(program.join("Cargo.toml").exists() && !dir.join("x_stale").exists());
        let root_manifest: toml::Table = toml::from_str(&std::fs::read_to_string(dir.join("Cargo.toml")).unwrap()).unwrap();
        let members: Vec<&str> = root_manifest["workspace"]["members"].as_array().unwrap().iter().filter_map(|m| m.as_str()).collect();
        assert!(members.contains(&"x_program") && members.len() >= 2, "{members:?}");
        assert_eq!(root_manifest["profile"]["dev"]["debug"].as_bool(), Some(false));
        assert_eq!(root_manifest["profile"]["dev"]["incremental"].as_bool(), Some(false));
        for member in members {
            let manifest: toml::Table = toml::from_str(&std::fs::read_to_string(dir.join(member).join("Cargo.toml")).unwrap()).unwrap();
            assert!(!manifest.contains_key("profile") && !manifest.contains_key("workspace"), "{member}: {manifest:?}");
        }
        // A standalone scratch crate is its own root, so it has the profile.
        let alone: toml::Table = toml::from_str(&scratch.manifest("x_alone")).unwrap();
        assert!(alone.contains_key("workspace") && alone.contains_key("profile"));
    }
}
