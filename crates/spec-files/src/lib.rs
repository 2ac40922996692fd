//! The layout of `specs/`, in one place: which APIs there are and where each
//! one's files live. build.rs, `crates/codegen`'s tests,
//! `crates/spec-pipeline` (overlays, normalizing, refresh), `crates/verify`
//! and the xtask ask it rather than joining paths of their own.
//!
//! ```text
//! specs/sources.toml               where each API's document comes from, and the pin of the last refresh
//! specs/<api>/source.{yaml,json}   our document, in the vendor's dialect
//! specs/<api>/normalize.json       normalizer settings (optional)
//! specs/<api>/overlay.yaml         our repairs of the vendor's own document (optional)
//! specs/<api>/openapi.json         the normalized document build.rs generates from
//! specs/<api>/whole/source.json    the vendor's whole document, facts only (no vendor prose)
//! specs/<api>/whole/openapi.json   the same, normalized
//! ```
//!
//! It is a crate of its own, without dependencies, because build.rs needs
//! the API list and the normalized documents' paths while the pipeline that
//! writes them (spec-pipeline) pulls in HTTP and YAML: build.rs must not
//! compile those.

use std::path::{Path, PathBuf};

/// The `specs/` folder of a workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Specs {
    dir: PathBuf,
}

impl Specs {
    /// The `specs/` folder at `dir` (the model crates' build scripts pass the relative `../../../specs`,
    /// so that the paths it prints for cargo stay relative).
    pub fn at(dir: impl Into<PathBuf>) -> Specs {
        Specs { dir: dir.into() }
    }

    /// The `specs/` folder of the workspace at `root`.
    pub fn of_workspace(root: &Path) -> Specs {
        Specs::at(root.join("specs"))
    }

    /// The folder itself.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// `sources.toml`: each API's upstream URL, selection and pin.
    pub fn sources(&self) -> PathBuf {
        self.dir.join("sources.toml")
    }

    /// One API's files, whether or not they exist (a new API, or an upstream
    /// document's folder name looked up for its overlay).
    pub fn api(&self, name: &str) -> ApiSpec {
        ApiSpec { name: name.to_string(), dir: self.dir.join(name) }
    }

    /// The APIs: the folders holding a normalized `openapi.json`, sorted by
    /// name. Each is also a cargo feature and a module of the crate; this is
    /// the list build.rs, the contract tests, the build benchmark and CI read.
    pub fn apis(&self) -> Result<Vec<ApiSpec>, String> {
        let entries = std::fs::read_dir(&self.dir).map_err(|e| format!("cannot list {}: {e}", self.dir.display()))?;
        let mut names: Vec<String> = entries
            .flatten()
            .filter(|e| e.path().join(NORMALIZED).is_file())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        Ok(names.iter().map(|name| self.api(name)).collect())
    }

    /// The API names of [`Specs::apis`].
    pub fn api_names(&self) -> Result<Vec<String>, String> {
        Ok(self.apis()?.into_iter().map(|api| api.name).collect())
    }
}

/// The normalized document's file name.
const NORMALIZED: &str = "openapi.json";

/// The folder of the whole document under an API's folder.
const WHOLE: &str = "whole";

/// The source's file names, in the order they are looked for.
const SOURCES: [&str; 2] = ["source.yaml", "source.json"];

/// One API's files under `specs/<api>/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiSpec {
    name: String,
    dir: PathBuf,
}

impl ApiSpec {
    /// The API's name: its folder, cargo feature and module.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `specs/<api>/`.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Our source document, `source.yaml` or else `source.json`; `None` when
    /// neither exists.
    pub fn source(&self) -> Option<PathBuf> {
        SOURCES.iter().map(|f| self.dir.join(f)).find(|p| p.is_file())
    }

    /// The normalizer's settings, `normalize.json` (defaults when absent).
    pub fn normalize_settings(&self) -> PathBuf {
        self.dir.join("normalize.json")
    }

    /// Our repairs of the vendor's document, `overlay.yaml` (none when
    /// absent).
    pub fn overlay(&self) -> PathBuf {
        self.dir.join("overlay.yaml")
    }

    /// The normalized document, `openapi.json`: written by `cargo xtask
    /// normalize`, read by build.rs.
    pub fn normalized(&self) -> PathBuf {
        self.dir.join(NORMALIZED)
    }

    /// The vendor's whole document reduced to facts, `whole/source.json`:
    /// every operation, no vendor prose (written by `cargo xtask whole` from
    /// the vendor's document, our overlay and our own words).
    pub fn whole_source(&self) -> PathBuf {
        self.dir.join(WHOLE).join("source.json")
    }

    /// [`ApiSpec::whole_source`] normalized, `whole/openapi.json`: written
    /// by `cargo xtask normalize` like [`ApiSpec::normalized`].
    pub fn whole_normalized(&self) -> PathBuf {
        self.dir.join(WHOLE).join(NORMALIZED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apis_are_the_folders_with_a_normalized_document_sorted() {
        let dir = tempfile::tempdir().unwrap();
        for (api, files) in [("zeta", &["openapi.json"][..]), ("alpha", &["source.json", "openapi.json"]), ("draft", &["source.yaml"])] {
            std::fs::create_dir_all(dir.path().join(api)).unwrap();
            for f in files {
                std::fs::write(dir.path().join(api).join(f), "{}").unwrap();
            }
        }
        std::fs::write(dir.path().join("sources.toml"), "").unwrap();
        let specs = Specs::at(dir.path());
        assert_eq!(specs.api_names().unwrap(), ["alpha", "zeta"]);
        let alpha = &specs.apis().unwrap()[0];
        assert_eq!(alpha.source(), Some(dir.path().join("alpha/source.json")));
        assert_eq!(specs.api("zeta").source(), None);
        assert_eq!(specs.api("draft").source(), Some(dir.path().join("draft/source.yaml")));
        assert!(Specs::at(dir.path().join("missing")).apis().unwrap_err().starts_with("cannot list "));
    }

    #[test]
    fn relative_paths_stay_relative() {
        // build.rs prints these for cargo's rerun-if-changed.
        let api = Specs::at("specs").api("monite");
        assert_eq!(api.normalized(), Path::new("specs/monite/openapi.json"));
        assert_eq!(api.overlay(), Path::new("specs/monite/overlay.yaml"));
        assert_eq!(api.normalize_settings(), Path::new("specs/monite/normalize.json"));
        assert_eq!(Specs::at("specs").sources(), Path::new("specs/sources.toml"));
        assert_eq!(api.whole_source(), Path::new("specs/monite/whole/source.json"));
        assert_eq!(api.whole_normalized(), Path::new("specs/monite/whole/openapi.json"));
    }

    #[test]
    fn the_committed_apis_each_have_a_source() {
        let specs = Specs::of_workspace(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."));
        let apis = specs.apis().unwrap();
        assert!(!apis.is_empty());
        for api in apis {
            assert!(api.source().is_some(), "{} has no source", api.name());
        }
    }
}
