//! Normalizing files: one API's `specs/<api>/source.*` (with its
//! `normalize.json`) into its `openapi.json`, or any document given by path,
//! our overlay of repairs applied first. `cargo xtask normalize` runs it for
//! every API; `--check` compares with the committed output instead of
//! writing it.

use crate::overlay::{Applied, Overlay};
use crate::{document, normalize};
use anyhow::{Context, Result};
use spec_files::ApiSpec;
use std::path::{Path, PathBuf};

/// The files of one normalization.
pub struct Job {
    /// What the printed lines call it (the API's name).
    pub name: String,
    /// The document read.
    pub source: PathBuf,
    /// The normalizer's settings; defaults when there is no such file.
    pub settings: PathBuf,
    /// The normalized document written (or compared with).
    pub output: PathBuf,
    /// Written as compact JSON (one line) rather than pretty: the whole
    /// vendor documents, a megabyte or more each.
    pub compact: bool,
}

impl Job {
    /// The job of an API under `specs/`: its source, settings and output.
    pub fn of_api(api: &ApiSpec) -> Result<Job> {
        let source = api.source().with_context(|| format!("{} has no source.yaml or source.json to normalize", api.dir().display()))?;
        Ok(Job { name: api.name().to_string(), source, settings: api.normalize_settings(), output: api.normalized(), compact: false })
    }

    /// The job of an API's whole document (`whole/source.json`, the same
    /// settings), when it has one.
    pub fn whole_of_api(api: &ApiSpec) -> Option<Job> {
        let source = api.whole_source();
        source.is_file().then(|| Job {
            name: format!("{} (whole)", api.name()),
            source,
            settings: api.normalize_settings(),
            output: api.whole_normalized(),
            compact: true,
        })
    }
}

/// What one normalization did.
pub struct Outcome {
    /// With `check`: the output's name (relative to the root) when it is
    /// not what the source normalizes to.
    pub stale: Option<String>,
    /// What the passes rewrote.
    pub report: normalize::Report,
    /// What the overlay repaired, when there was one.
    pub applied: Option<Applied>,
}

/// Normalizes `job`'s source (repaired by `overlay` first) and prints what
/// it did, paths relative to `root`; with `check`, compares with the output
/// instead of writing it.
pub fn run(job: &Job, root: &Path, check: bool, overlay: Option<&Overlay>) -> Result<Outcome> {
    let rel = |p: &Path| p.strip_prefix(root).unwrap_or(p).display().to_string();
    let config: normalize::Config = if job.settings.is_file() {
        let text = std::fs::read_to_string(&job.settings)?;
        serde_json::from_str(&text).with_context(|| format!("{}: invalid normalizer config", rel(&job.settings)))?
    } else {
        normalize::Config::default()
    };
    let started = std::time::Instant::now();
    let mut doc = document::read(&job.source)?;
    let applied = overlay.map(|o| o.apply(&mut doc)).transpose()?;
    let report = normalize::normalize(&mut doc, &config).with_context(|| rel(&job.source))?;
    let text = if job.compact { document::to_compact_text(&doc) } else { document::to_text(&doc) };
    println!("{} ({} → {}, {:.2?})", job.name, rel(&job.source), rel(&job.output), started.elapsed());
    if let Some(applied) = &applied {
        print!("{applied}");
    }
    print!("{report}");
    if check {
        let committed = std::fs::read_to_string(&job.output).unwrap_or_default();
        return Ok(Outcome { stale: (committed != text).then(|| rel(&job.output)), report, applied });
    }
    document::write_atomically(&job.output, &text)?;
    Ok(Outcome { stale: None, report, applied })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_writes_then_checks_and_finds_a_stale_output() {
        let dir = tempfile::tempdir().unwrap();
        let specs = spec_files::Specs::at(dir.path().join("specs"));
        let api = specs.api("pets");
        std::fs::create_dir_all(api.dir()).unwrap();
        assert!(Job::of_api(&api).is_err(), "no source yet");
        let source = r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}"#;
        std::fs::write(api.dir().join("source.json"), source).unwrap();
        let job = Job::of_api(&api).unwrap();
        assert_eq!((job.source.as_path(), job.output.as_path()), (api.dir().join("source.json").as_path(), api.normalized().as_path()));
        assert!(run(&job, dir.path(), false, None).unwrap().stale.is_none());
        assert!(run(&job, dir.path(), true, None).unwrap().stale.is_none(), "just written");
        std::fs::write(api.normalized(), "{}").unwrap();
        assert_eq!(run(&job, dir.path(), true, None).unwrap().stale.as_deref(), Some("specs/pets/openapi.json"));
    }
}
