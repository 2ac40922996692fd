//! Redocly CLI, installed pinned with npm: the vendors' own bundler, which
//! our bundler is compared with.

use anyhow::{bail, Context, Result};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The Redocly CLI release the bundler is compared with.
pub const REDOCLY: &str = "@redocly/cli@2.77.0";

/// Installs Redocly CLI under `dir` unless it is there; returns its executable.
pub fn install(dir: &Path) -> Result<PathBuf> {
    crate::npm::install(dir, REDOCLY, "redocly")
}

/// A problem Redocly reported while bundling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file, relative to the entry's folder as Redocly prints it.
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl Problem {
    /// Redocly could not read the file at all.
    pub fn is_refused_file(&self) -> bool {
        self.message.starts_with("Failed to parse")
    }
}

/// Redocly's bundle of `entry` and the problems it reported. `--force`, so
/// that a tree with a file it refuses still bundles (the refs to that file
/// left as they were).
pub fn bundle(redocly: &Path, entry: &Path, work: &Path) -> Result<(Value, Vec<Problem>)> {
    std::fs::create_dir_all(work)?;
    let out = work.join("redocly-bundle.json");
    let _ = std::fs::remove_file(&out);
    let output = Command::new(redocly)
        .current_dir(entry.parent().context("the entry has no folder")?)
        .arg("bundle")
        .arg(entry)
        .args(["--force", "--lint-config", "off", "--ext", "json", "-o"])
        .arg(&out)
        .env("NO_COLOR", "1")
        .env("REDOCLY_TELEMETRY", "off")
        .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true")
        .output()
        .with_context(|| format!("cannot run {}", redocly.display()))?;
    let log = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    if !out.is_file() {
        bail!("redocly bundle wrote nothing ({}):\n{log}", output.status);
    }
    let doc = spec_pipeline::document::read(&out)?;
    Ok((doc, problems(&log)))
}

/// The problems in Redocly's report: a `[n] file:line:col` line, then the
/// message on the next line that is not blank.
pub fn problems(log: &str) -> Vec<Problem> {
    let lines: Vec<&str> = log.lines().collect();
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(rest) = line.trim().strip_prefix('[').and_then(|r| r.split_once("] ")).map(|(_, r)| r) else { continue };
        let location = rest.split_whitespace().next().unwrap_or_default();
        let mut parts = location.rsplitn(3, ':');
        let (Some(_col), Some(line_no), Some(file)) = (parts.next(), parts.next(), parts.next()) else { continue };
        let Ok(line_no) = line_no.parse() else { continue };
        let message = lines[i + 1..].iter().map(|l| l.trim()).find(|l| !l.is_empty()).unwrap_or_default().to_string();
        found.push(Problem { file: file.to_string(), line: line_no, message });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_are_read_from_the_report() {
        let log = "bundling openapi.yaml...\n[1] components/schemas/K.yaml:29:5 \n\nFailed to parse: deficient indentation (29:5)\n\n\
                   27 |   a,\n\n[2] components/schemas/L.yaml:6:3 at #/items\n\nCan't resolve $ref: deficient indentation\n";
        let found = problems(log);
        assert_eq!(found.len(), 2);
        assert_eq!((found[0].file.as_str(), found[0].line), ("components/schemas/K.yaml", 29));
        assert!(found[0].is_refused_file());
        assert_eq!((found[1].file.as_str(), found[1].line), ("components/schemas/L.yaml", 6));
        assert!(!found[1].is_refused_file());
        assert!(problems("📦 Created a bundle for openapi.yaml at out.json 12ms.").is_empty());
    }
}
