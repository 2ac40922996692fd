//! `specs/sources.toml`: where each API's document comes from (URL, or a
//! note saying why there is none), which tags and operations we keep, and
//! the pin of what the last refresh fetched. Written by [`super::refresh`];
//! url, tags and operations are edited by hand.

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// One API's entry in `specs/sources.toml`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Where the vendor publishes the whole document; absent when it does not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Why there is no URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Tags to keep (all when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// operationIds to keep (all when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub operations: Vec<String>,
    /// The pin: what the last refresh got.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pin: Option<Pin>,
}

/// What a refresh fetched.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Pin {
    /// Where it came from (the URL, or the file given with `--from`).
    pub source: String,
    /// sha256 of the bundled, selected document as canonical JSON.
    pub sha256: String,
    /// UTC date of the fetch.
    pub fetched: String,
    /// The document's `info.version`.
    pub version: String,
}

const HEADER: &str = "# Where each API's OpenAPI document comes from, and what `cargo xtask refresh`\n\
# last fetched (the pin). Written by `cargo xtask refresh`; edit url, tags and\n\
# operations by hand.\n\n";

/// Reads `sources.toml` at `path`: each API's entry by name.
pub fn read_sources(path: &Path) -> Result<BTreeMap<String, Source>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("{}: invalid", path.display()))
}

/// Writes `sources.toml` at `path`, the hand-written header first, atomically.
pub fn write_sources(path: &Path, sources: &BTreeMap<String, Source>) -> Result<()> {
    let text = format!("{HEADER}{}", toml::to_string(sources)?);
    crate::document::write_atomically(path, &text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A refresh rewrites the whole file: what it writes must be what is
    /// committed, or every refresh would show a diff beyond the pin.
    #[test]
    fn the_committed_sources_toml_reads_and_writes_back_unchanged() {
        let committed = spec_files::Specs::of_workspace(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")).sources();
        let sources = read_sources(&committed).unwrap();
        assert!(sources.values().any(|s| s.pin.is_some()), "{sources:?}");
        let dir = tempfile::tempdir().unwrap();
        let copy = dir.path().join("sources.toml");
        write_sources(&copy, &sources).unwrap();
        assert_eq!(std::fs::read_to_string(copy).unwrap(), std::fs::read_to_string(committed).unwrap());
    }

    #[test]
    fn an_unknown_key_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sources.toml");
        std::fs::write(&path, "[pets]\nurl = \"https://example.com/openapi.json\"\ntag = [\"pets\"]\n").unwrap();
        assert!(format!("{:#}", read_sources(&path).unwrap_err()).contains("unknown field `tag`"));
    }
}
