//! Reference tools from npm, installed pinned into a folder of `target/`.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Installs `package` (`name@version`) under `dir` unless its executable
/// `bin` is there; returns the executable.
pub fn install(dir: &Path, package: &str, bin: &str) -> Result<PathBuf> {
    let exe = dir.join("node_modules/.bin").join(bin);
    if exe.exists() && installed_version(dir, package).as_deref() == package.rsplit_once('@').map(|(_, v)| v) {
        return Ok(exe);
    }
    std::fs::create_dir_all(dir)?;
    println!("installing {package} into {}", dir.display());
    let status = Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--loglevel=error", "--prefix"])
        .arg(dir)
        .arg(package)
        .status()
        .context("cannot run npm (Node.js and npm are needed for the reference tools)")?;
    if !status.success() || !exe.exists() {
        bail!("npm install {package} failed");
    }
    Ok(exe)
}

/// The version of `package`'s name installed under `dir`, if any.
fn installed_version(dir: &Path, package: &str) -> Option<String> {
    let (name, _) = package.rsplit_once('@')?;
    let manifest = std::fs::read_to_string(dir.join("node_modules").join(name).join("package.json")).ok()?;
    let manifest: serde_json::Value = serde_json::from_str(&manifest).ok()?;
    manifest.get("version")?.as_str().map(str::to_string)
}
