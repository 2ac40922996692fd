//! The refresh workflow behind `cargo xtask refresh <api>`: fetches a
//! vendor's current document (bundling a multi-file tree), keeps the
//! selected tags or operations, pins what it got in `specs/sources.toml`
//! ([`sources`]: source, sha256, date, `info.version`) and reports what
//! changed since the previous fetch, breaking changes and the generated
//! items they touch first.
//!
//! Our repairs of the vendor's defects (`specs/<api>/overlay.yaml`, an
//! Overlay 1.0 document) are applied before the selection and reported; the
//! pin is of the vendor's document without them.
//!
//! The fetched document is the vendor's text, so it is kept out of the
//! repository: it goes to `target/upstream/<api>.json` (or `--out`), and the
//! previous one is kept beside it for the next report. Our own
//! `specs/<api>/source.*` are then brought up to date by hand from the
//! report, and `cargo xtask normalize` and the build run as usual. Nothing
//! under `specs/` changes unless the whole refresh succeeds; files are
//! written to a temporary name first, then renamed.

pub mod sources;

pub use sources::{read_sources, Pin, Source};

use crate::bundle::{fetch_document, Bundle};
use crate::overlay::{Applied, Overlay};
use crate::select::Selection;
use anyhow::{anyhow, bail, Context, Result};
use serde_json::Value;
use sha2::{Digest, Sha256};
use spec_files::Specs;
use std::path::{Path, PathBuf};
use url::Url;

/// `--from` as a URL: http(s) as is, anything else a local path.
fn source_url(from: &str) -> Result<Url> {
    if from.starts_with("http://") || from.starts_with("https://") {
        return Url::parse(from).with_context(|| format!("bad URL {from}"));
    }
    let path = std::fs::canonicalize(from).with_context(|| format!("cannot find {from}"))?;
    Url::from_file_path(&path).map_err(|_| anyhow!("cannot use {} as a URL", path.display()))
}

fn sha256(text: &str) -> String {
    Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Options of one refresh.
#[derive(Default)]
pub struct Options {
    /// Fetch from this URL or file instead of the API's url in sources.toml.
    pub from: Option<String>,
    /// Keep these tags or operations instead of sources.toml's.
    pub selection: Selection,
    /// Write the fetched document here instead of `target/upstream/<api>.json`.
    pub out: Option<PathBuf>,
    /// Only compare with the pin; write nothing.
    pub check: bool,
    /// Print the report as JSON.
    pub json: bool,
    /// Keep every operation, whatever specs/sources.toml selects.
    pub all: bool,
}

/// Runs a refresh of `api` in the workspace at `root`. With `check`, only
/// tells whether the source still matches the pin: `Ok(false)` when not.
pub fn refresh(root: &Path, api: &str, opts: &Options) -> Result<bool> {
    let specs = Specs::of_workspace(root);
    let sources_path = specs.sources();
    let mut sources = read_sources(&sources_path)?;
    let entry = sources.get(api).cloned().ok_or_else(|| anyhow!("specs/sources.toml has no [{api}]"))?;
    let from = source_of(api, &entry, opts)?;
    let selection = if opts.all {
        Selection::default()
    } else if opts.selection.is_empty() {
        Selection { tags: entry.tags.clone(), operations: entry.operations.clone() }
    } else {
        opts.selection.clone()
    };
    let Bundle { doc: bundled, warnings, files } = fetch_document(&from)?;
    for w in &warnings {
        eprintln!("warning: {w}");
    }
    // The pin is the vendor's document as selected, before our repairs: a
    // change to the overlay is ours, not upstream's.
    // Without an overlay the two are one document, selected once.
    let (doc, overlay, vendor_text) = match Overlay::for_api(&specs.api(api))? {
        None => (selected(bundled, &selection)?, None, None),
        Some(overlay) => {
            let vendor_text = crate::document::to_text(&selected(bundled.clone(), &selection)?);
            let mut doc = bundled;
            let applied = overlay.apply(&mut doc)?;
            (selected(doc, &selection)?, Some(applied), Some(vendor_text))
        }
    };
    let text = crate::document::to_text(&doc);
    let pin = Pin {
        // As given: a relative path stays relative in the committed pin.
        source: opts.from.clone().unwrap_or_else(|| from.to_string()),
        sha256: sha256(vendor_text.as_deref().unwrap_or(&text)),
        fetched: chrono::Utc::now().format("%Y-%m-%d").to_string(),
        version: doc.pointer("/info/version").and_then(Value::as_str).unwrap_or_default().to_string(),
    };
    if opts.check {
        return Ok(matches_pin(api, &from, entry.pin.as_ref(), &pin));
    }
    let out = opts.out.clone().unwrap_or_else(|| root.join("target/upstream").join(format!("{api}.json")));
    let report = write_fetched(&out, &doc, &text)?;
    sources.insert(api.to_string(), Source { pin: Some(pin.clone()), ..entry });
    sources::write_sources(&sources_path, &sources)?;
    let fetched = Fetched {
        api,
        from: &from,
        pin: &pin,
        operations: crate::walk::operations(&doc).len(),
        files,
        out: &out,
        overlay: overlay.as_ref(),
    };
    if opts.json {
        fetched.print_json(&warnings, report.as_ref())?;
    } else {
        fetched.print(report.as_ref());
    }
    Ok(true)
}

/// `doc` with only the selected operations (all when the selection is empty).
fn selected(mut doc: Value, selection: &Selection) -> Result<Value> {
    if !selection.is_empty() {
        crate::select::select(&mut doc, selection)?;
    }
    Ok(doc)
}

/// Where to fetch `api` from: `--from`, else the url in specs/sources.toml.
fn source_of(api: &str, entry: &Source, opts: &Options) -> Result<Url> {
    match (&opts.from, &entry.url) {
        (Some(from), _) => source_url(from),
        (None, Some(url)) => Url::parse(url).with_context(|| format!("specs/sources.toml: [{api}] url")),
        (None, None) => {
            bail!("{api}: {}", entry.note.as_deref().unwrap_or("no whole OpenAPI document is published; specs/sources.toml has no url"))
        }
    }
}

/// `--check`: says whether what was fetched is what was pinned.
fn matches_pin(api: &str, from: &Url, pinned: Option<&Pin>, now: &Pin) -> bool {
    let Some(pinned) = pinned else {
        println!("{api}: not pinned yet (run `cargo xtask refresh {api}`)");
        return false;
    };
    let same = pinned.sha256 == now.sha256;
    if same {
        println!("{api}: {from} matches the pin ({}, version {})", now.sha256, now.version);
    } else {
        println!(
            "{api}: {from} has changed since the pin: pinned {} (version {}, {}), now {} (version {})",
            pinned.sha256, pinned.version, pinned.fetched, now.sha256, now.version
        );
    }
    same
}

/// Writes the fetched document to `out`, keeping the one it replaces as
/// `*.previous.json`; returns what changed since that one.
fn write_fetched(out: &Path, doc: &Value, text: &str) -> Result<Option<crate::diff::Report>> {
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let previous = std::fs::read_to_string(out).ok().and_then(|t| serde_json::from_str::<Value>(&t).ok());
    let report = previous.as_ref().map(|old| crate::diff::diff(old, doc));
    if previous.is_some() {
        std::fs::copy(out, out.with_extension("previous.json"))?;
    }
    crate::document::write_atomically(out, text)?;
    Ok(report)
}

/// What one refresh fetched and wrote, for the report.
struct Fetched<'a> {
    api: &'a str,
    from: &'a Url,
    pin: &'a Pin,
    operations: usize,
    files: usize,
    out: &'a Path,
    /// Our repairs (specs/<api>/overlay.yaml), when there are any.
    overlay: Option<&'a Applied>,
}

impl Fetched<'_> {
    fn print_json(&self, warnings: &[String], report: Option<&crate::diff::Report>) -> Result<()> {
        let mut summary = serde_json::json!({"api": self.api, "pin": self.pin, "operations": self.operations,
            "files": self.files, "warnings": warnings, "written": self.out, "overlay": self.overlay});
        if let Some(r) = report {
            summary["changes"] = serde_json::to_value(r)?;
        }
        println!("{}", serde_json::to_string_pretty(&summary)?);
        Ok(())
    }

    fn print(&self, report: Option<&crate::diff::Report>) {
        let (api, pin) = (self.api, self.pin);
        println!("{api}: {} operations from {} file(s) at {}", self.operations, self.files, self.from);
        println!("  pinned sha256 {} (version {}, {}) in specs/sources.toml", pin.sha256, pin.version, pin.fetched);
        println!("  written to {}", self.out.display());
        if let Some(applied) = self.overlay {
            print!("{applied}");
        }
        match report {
            Some(r) => print!("\nChanges since the previous fetch:\n{r}"),
            None => println!("  no previous fetch to compare with"),
        }
        println!("\nNext: bring specs/{api}/source.* in line with what matters above, then `cargo xtask normalize`.");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpListener;

    /// Serves the files under `dir` on 127.0.0.1; `/html` answers an HTML
    /// page and `/broken` a 500.
    fn serve(dir: PathBuf) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut line = String::new();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                if reader.read_line(&mut line).is_err() {
                    continue;
                }
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).is_err() || h == "\r\n" || h.is_empty() {
                        break;
                    }
                }
                let path = line.split_whitespace().nth(1).unwrap_or("/").split('?').next().unwrap_or("/").to_string();
                let (status, ctype, body) = match path.as_str() {
                    "/html" => ("200 OK", "text/html", "<html><body>Sign in</body></html>".to_string()),
                    "/broken" => ("500 Internal Server Error", "text/plain", "oops".to_string()),
                    p => match std::fs::read_to_string(dir.join(p.trim_start_matches('/'))) {
                        Ok(text) => ("200 OK", "application/octet-stream", text),
                        Err(_) => ("404 Not Found", "text/plain", "not found".to_string()),
                    },
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\ncontent-type: {ctype}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        base
    }

    fn fixtures() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
    }

    /// A workspace with a sources.toml naming `url` for the API "pets".
    fn workspace(url: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("specs")).unwrap();
        std::fs::write(
            Specs::of_workspace(dir.path()).sources(),
            format!("[pets]\nurl = \"{url}\"\n\n[layer]\nnote = \"Layer publishes no whole document\"\n"),
        )
        .unwrap();
        dir
    }

    #[test]
    fn refresh_over_http_bundles_pins_and_reports_changes() {
        let base = serve(fixtures());
        let ws = workspace(&format!("{base}/tree/openapi.yaml"));
        assert!(refresh(ws.path(), "pets", &Options::default()).unwrap());
        let sources = read_sources(&Specs::of_workspace(ws.path()).sources()).unwrap();
        let pin = sources["pets"].pin.clone().unwrap();
        assert_eq!(pin.version, "1.0");
        assert_eq!(pin.sha256.len(), 64);
        let written: Value = serde_json::from_str(&std::fs::read_to_string(ws.path().join("target/upstream/pets.json")).unwrap()).unwrap();
        assert_eq!(written["paths"]["/pets"]["get"]["operationId"], "listPets");
        assert_eq!(written["components"]["schemas"]["Owner"]["properties"]["pets"]["items"]["$ref"], "#/components/schemas/Pet");
        // Unchanged upstream: the pin holds.
        assert!(refresh(ws.path(), "pets", &Options { check: true, ..Options::default() }).unwrap());
        // A different document (the single-file one) no longer matches.
        let other = Options { from: Some(format!("{base}/cycle/openapi.yaml")), check: true, ..Options::default() };
        assert!(refresh(ws.path(), "pets", &other).is_err(), "the cycle fixture fails to bundle");
        let single = Options { from: Some(format!("{base}/missing/openapi.yaml")), check: true, ..Options::default() };
        assert!(refresh(ws.path(), "pets", &single).is_err());
    }

    #[test]
    fn refresh_of_a_single_json_document_over_http() {
        let base = serve(fixtures());
        let ws = workspace(&format!("{base}/single/openapi.json?version=2024-05-25"));
        assert!(refresh(ws.path(), "pets", &Options::default()).unwrap());
        let pin = read_sources(&Specs::of_workspace(ws.path()).sources()).unwrap()["pets"].pin.clone().unwrap();
        assert_eq!(
            (pin.version.as_str(), pin.source.as_str()),
            ("2024-05-25", format!("{base}/single/openapi.json?version=2024-05-25").as_str())
        );
        let written: Value = serde_json::from_str(&std::fs::read_to_string(ws.path().join("target/upstream/pets.json")).unwrap()).unwrap();
        assert_eq!(written["components"]["schemas"]["Thing"]["properties"]["id"]["type"], "string");
    }

    #[test]
    fn a_bad_answer_leaves_specs_untouched() {
        let base = serve(fixtures());
        for (url, want) in [
            (format!("{base}/html"), "HTML page"),
            (format!("{base}/broken"), "HTTP 500"),
            (format!("{base}/nothing-here.json"), "not found"),
            (format!("{base}/tree/components/parameters.yaml"), "not an OpenAPI 3 document"),
        ] {
            let ws = workspace(&url);
            let before = std::fs::read_to_string(Specs::of_workspace(ws.path()).sources()).unwrap();
            let err = refresh(ws.path(), "pets", &Options::default()).unwrap_err();
            assert!(format!("{err:#}").contains(want), "{url}: {err:#}");
            assert_eq!(std::fs::read_to_string(Specs::of_workspace(ws.path()).sources()).unwrap(), before);
            assert!(!ws.path().join("target/upstream/pets.json").exists());
        }
    }

    #[test]
    fn no_network_and_no_document_are_said_plainly() {
        // Nothing listens on port 9 of loopback here.
        let ws = workspace("http://127.0.0.1:9/openapi.json");
        let err = refresh(ws.path(), "pets", &Options { check: true, ..Options::default() }).unwrap_err();
        assert!(format!("{err:#}").contains("cannot reach http://127.0.0.1:9/openapi.json"), "{err:#}");
        let err = refresh(ws.path(), "layer", &Options::default()).unwrap_err();
        assert!(err.to_string().contains("Layer publishes no whole document"), "{err}");
    }

    #[test]
    fn a_second_refresh_reports_what_changed_and_selection_applies() {
        let tree = tempfile::tempdir().unwrap();
        copy_dir(&fixtures().join("tree"), tree.path());
        let ws = workspace(Url::from_file_path(tree.path().join("openapi.yaml")).unwrap().as_str());
        refresh(ws.path(), "pets", &Options::default()).unwrap();
        // The vendor drops a field.
        std::fs::write(tree.path().join("components/schemas/Owner.yaml"), "type: object\nproperties: {}\n").unwrap();
        let out = ws.path().join("target/upstream/pets.json");
        refresh(ws.path(), "pets", &Options::default()).unwrap();
        let old: Value = serde_json::from_str(&std::fs::read_to_string(out.with_extension("previous.json")).unwrap()).unwrap();
        let new: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        let r = crate::diff::diff(&old, &new);
        assert_eq!(r.breaking.iter().map(|c| format!("{}: {}", c.at, c.what)).collect::<Vec<_>>(), ["Owner: field pets removed"]);
        // Selecting a tag no operation has is refused, and nothing is pinned.
        let err = refresh(
            ws.path(),
            "pets",
            &Options { selection: Selection { tags: vec!["owners".into()], operations: vec![] }, ..Options::default() },
        );
        assert!(err.is_err());
    }

    #[test]
    fn our_overlay_repairs_what_is_written_but_not_the_pin() {
        let base = serve(fixtures());
        let ws = workspace(&format!("{base}/tree/openapi.yaml"));
        refresh(ws.path(), "pets", &Options::default()).unwrap();
        let pin = |ws: &Path| read_sources(&Specs::of_workspace(ws).sources()).unwrap()["pets"].pin.clone().unwrap().sha256;
        let unrepaired = pin(ws.path());
        std::fs::create_dir_all(Specs::of_workspace(ws.path()).api("pets").dir()).unwrap();
        std::fs::write(
            Specs::of_workspace(ws.path()).api("pets").overlay(),
            "overlay: 1.0.0\ninfo: {title: pets repairs, version: '1'}\nactions:\n  \
             - target: $.components.schemas.Pet\n    description: every pet has a name\n    update: {required: [name]}\n",
        )
        .unwrap();
        refresh(ws.path(), "pets", &Options::default()).unwrap();
        let written: Value = serde_json::from_str(&std::fs::read_to_string(ws.path().join("target/upstream/pets.json")).unwrap()).unwrap();
        assert_eq!(written["components"]["schemas"]["Pet"]["required"], serde_json::json!(["name"]));
        assert_eq!(pin(ws.path()), unrepaired, "the pin is the vendor's document");
        // A broken overlay stops the refresh before anything is written.
        std::fs::write(
            Specs::of_workspace(ws.path()).api("pets").overlay(),
            "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions: []\n",
        )
        .unwrap();
        let err = refresh(ws.path(), "pets", &Options::default()).unwrap_err();
        assert!(format!("{err:#}").contains("at least one action"), "{err:#}");
    }

    fn copy_dir(from: &Path, to: &Path) {
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.path().is_dir() {
                std::fs::create_dir_all(&target).unwrap();
                copy_dir(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
    }
}
