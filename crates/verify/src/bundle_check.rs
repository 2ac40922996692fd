//! `cargo xtask bundle-check [ENTRY] [--write FILE]`: a vendor's multi-file
//! source tree bundled by our bundler (as `refresh` bundles it, every
//! operation kept) and by Redocly CLI, pinned, and the two compared: the
//! operations, the component names per section, and each component (and
//! the rest of the document) structurally. Every difference is printed;
//! the run fails on any that is not explained by a file Redocly could not
//! read (reported with file and line) or by a YAML reading the two parsers
//! disagree on. `--write` keeps our bundle, for `corpus` and `sweep`.
//!
//! ENTRY defaults to `$SPECS_TREES/rebilly/openapi.yaml`, else
//! `../shared/specs-trees/rebilly/openapi.yaml`.

use crate::progress::Progress;
use crate::redocly::{self, Problem};
use anyhow::{bail, Context, Result};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// One place where the two bundles differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// A JSON pointer into the bundles.
    pub at: String,
    pub ours: String,
    pub redocly: String,
    /// Why, when it is understood; `None` fails the check.
    pub why: Option<String>,
}

/// What comparing the two bundles found.
#[derive(Debug, Default)]
pub struct Comparison {
    pub operations: (usize, usize),
    pub operations_only_ours: Vec<String>,
    pub operations_only_redocly: Vec<String>,
    /// Per section: (ours, Redocly's) counts.
    pub sections: BTreeMap<String, (usize, usize)>,
    pub components_compared: usize,
    pub components_identical: usize,
    pub differences: Vec<Difference>,
}

impl Comparison {
    /// Differences nothing explains (names, operations or structure).
    pub fn unexplained(&self) -> usize {
        self.operations_only_ours.len() + self.operations_only_redocly.len() + self.differences.iter().filter(|d| d.why.is_none()).count()
    }
}

fn operation_keys(doc: &Value) -> BTreeSet<String> {
    let mut keys: BTreeSet<String> = spec_pipeline::walk::operations(doc)
        .iter()
        .map(|o| format!("{} {} ({})", o.method.to_uppercase(), o.path, o.id().unwrap_or("no operationId")))
        .collect();
    for (name, item) in doc.get("webhooks").and_then(Value::as_object).into_iter().flatten() {
        let methods = item.as_object().into_iter().flat_map(|m| m.keys()).filter(|k| spec_pipeline::walk::METHODS.contains(&k.as_str()));
        for method in methods {
            keys.insert(format!("webhook {name} {method}"));
        }
    }
    keys
}

fn short(v: Option<&Value>) -> String {
    match v {
        None => "(absent)".into(),
        Some(v) => {
            let text = v.to_string();
            if text.chars().count() > 120 {
                format!("{}…", text.chars().take(120).collect::<String>())
            } else {
                text
            }
        }
    }
}

/// A file's name without folders or extension: `a/b/K.yaml` → `K`.
fn stem(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rsplit_once('.').map_or(name, |(s, _)| s)
}

/// The file stem a `$ref` to a file names, if it is one.
fn referenced_stem(v: &Value) -> Option<String> {
    let r = v.get("$ref")?.as_str()?;
    if r.starts_with('#') {
        return None;
    }
    Some(stem(r.split('#').next()?).to_string())
}

/// A key js-yaml reads as a number (`03` → 3): what it becomes.
fn as_yaml_integer(key: &str) -> Option<String> {
    (key.len() > 1 && key.starts_with('0') && key.bytes().all(|b| b.is_ascii_digit()))
        .then(|| key.trim_start_matches('0').to_string())
        .map(|k| if k.is_empty() { "0".into() } else { k })
}

struct Differ<'a> {
    /// Stems of the files Redocly refused → "file:line".
    refused: &'a BTreeMap<String, String>,
    out: Vec<Difference>,
}

impl Differ<'_> {
    fn push(&mut self, at: &str, ours: Option<&Value>, theirs: Option<&Value>, why: Option<String>) {
        self.out.push(Difference { at: at.to_string(), ours: short(ours), redocly: short(theirs), why });
    }

    fn diff(&mut self, at: &str, ours: Option<&Value>, theirs: Option<&Value>) {
        match (ours, theirs) {
            (Some(Value::Object(a)), Some(Value::Object(b))) => {
                if let Some(stem) = theirs.and_then(referenced_stem) {
                    if let Some(location) = self.refused.get(&stem) {
                        let why = format!("Redocly could not read {location}, so left this $ref unresolved");
                        self.push(at, ours, theirs, Some(why));
                        return;
                    }
                }
                self.objects(at, a, b);
            }
            (Some(Value::Array(a)), Some(Value::Array(b))) if a.len() == b.len() => {
                for (i, (x, y)) in a.iter().zip(b).enumerate() {
                    self.diff(&format!("{at}/{i}"), Some(x), Some(y));
                }
            }
            (a, b) if a == b => {}
            // JSON has one kind of number: 500.0 (YAML `500.00`) is 500.
            (Some(Value::Number(x)), Some(Value::Number(y))) if x.as_f64() == y.as_f64() => {}
            (a, b) => self.push(at, a, b, None),
        }
    }

    fn objects(&mut self, at: &str, ours: &Map<String, Value>, theirs: &Map<String, Value>) {
        let mut renamed = BTreeMap::new();
        for key in ours.keys().filter(|k| !theirs.contains_key(*k)) {
            if let Some(number) = as_yaml_integer(key).filter(|n| theirs.contains_key(n) && !ours.contains_key(n)) {
                renamed.insert(number, key.clone());
            }
        }
        for (number, key) in &renamed {
            let why = format!("js-yaml reads the key {key} as the number {number}; ours keeps the text the vendor wrote");
            self.push(
                &format!("{at}/{}", spec_pipeline::refs::escape(key)),
                Some(&Value::String(key.clone())),
                Some(&Value::String(number.clone())),
                Some(why),
            );
            self.diff(&format!("{at}/{}", spec_pipeline::refs::escape(key)), ours.get(key), theirs.get(number));
        }
        let keys: BTreeSet<&String> = ours.keys().chain(theirs.keys()).collect();
        for key in keys {
            if renamed.contains_key(key) || renamed.values().any(|k| k == key) {
                continue;
            }
            self.diff(&format!("{at}/{}", spec_pipeline::refs::escape(key)), ours.get(key), theirs.get(key));
        }
    }
}

/// Compares our bundle with Redocly's; `refused` are the files Redocly
/// could not read.
pub fn compare(ours: &Value, theirs: &Value, refused: &[Problem]) -> Comparison {
    let refused: BTreeMap<String, String> = refused.iter().map(|p| (stem(&p.file).to_string(), format!("{}:{}", p.file, p.line))).collect();
    let mut c = Comparison::default();
    let (a, b) = (operation_keys(ours), operation_keys(theirs));
    c.operations = (a.len(), b.len());
    c.operations_only_ours = a.difference(&b).cloned().collect();
    c.operations_only_redocly = b.difference(&a).cloned().collect();
    let mut differ = Differ { refused: &refused, out: Vec::new() };
    let empty = Map::new();
    let sections = |doc: &Value| doc.get("components").and_then(Value::as_object).cloned().unwrap_or_default();
    let (ours_c, theirs_c) = (sections(ours), sections(theirs));
    let names: BTreeSet<&String> = ours_c.keys().chain(theirs_c.keys()).collect();
    for section in names {
        let a = ours_c.get(section).and_then(Value::as_object).unwrap_or(&empty);
        let b = theirs_c.get(section).and_then(Value::as_object).unwrap_or(&empty);
        c.sections.insert(section.clone(), (a.len(), b.len()));
        for name in a.keys().chain(b.keys().filter(|k| !a.contains_key(*k))) {
            let at = format!("/components/{section}/{}", spec_pipeline::refs::escape(name));
            match (a.get(name), b.get(name)) {
                (Some(x), Some(y)) => {
                    c.components_compared += 1;
                    let before = differ.out.len();
                    differ.diff(&at, Some(x), Some(y));
                    if differ.out.len() == before {
                        c.components_identical += 1;
                    }
                }
                (x, y) => {
                    let why = refused.get(name).map(|location| format!("named after {location}, which Redocly could not read"));
                    differ.push(&at, x.map(|_| &Value::Bool(true)), y.map(|_| &Value::Bool(true)), why);
                }
            }
        }
    }
    let top: BTreeSet<&String> = ours.as_object().into_iter().chain(theirs.as_object()).flat_map(|m| m.keys()).collect();
    for key in top.into_iter().filter(|k| *k != "components") {
        differ.diff(&format!("/{}", spec_pipeline::refs::escape(key)), ours.get(key), theirs.get(key));
    }
    c.differences = differ.out;
    c
}

fn entry(root: &Path, given: Option<&String>) -> PathBuf {
    given
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("SPECS_TREES").map(|d| PathBuf::from(d).join("rebilly/openapi.yaml")))
        .unwrap_or_else(|| root.join("../shared/specs-trees/rebilly/openapi.yaml"))
}

pub fn run(root: &Path, args: &[String]) -> Result<()> {
    let (mut given, mut write) = (None, None);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--write" => write = Some(PathBuf::from(it.next().context("--write needs a file")?)),
            flag if flag.starts_with('-') => bail!("unknown flag {flag}; usage: bundle-check [TREE/openapi.yaml] [--write FILE]"),
            _ => given = Some(a),
        }
    }
    let entry = entry(root, given);
    let entry = std::fs::canonicalize(&entry).with_context(|| format!("no source tree at {} (set SPECS_TREES)", entry.display()))?;
    let url = url::Url::from_file_path(&entry).map_err(|_| anyhow::anyhow!("cannot use {} as a URL", entry.display()))?;
    let progress = Progress::new("bundle-check", 4, "steps");
    progress.step("bundling with ours");
    let spec_pipeline::bundle::Bundle { doc: ours, warnings, files } = spec_pipeline::bundle::fetch_document(&url)?;
    progress.item_done();
    progress.step(format!("installing {}", redocly::REDOCLY));
    let redocly = redocly::install(&root.join("target/redocly"))?;
    progress.item_done();
    progress.step("bundling with Redocly");
    let (theirs, problems) = redocly::bundle(&redocly, &entry, &root.join("target/redocly/bundles"))?;
    progress.item_done();
    progress.step("comparing");
    let refused: Vec<Problem> = problems.iter().filter(|p| p.is_refused_file()).cloned().collect();
    let c = compare(&ours, &theirs, &refused);
    progress.item_done();
    progress.finish();
    println!("bundle check of {} ({files} files): ours vs {}", entry.display(), redocly::REDOCLY);
    println!(
        "  operations and webhooks: ours {}, Redocly {}; {} only ours, {} only Redocly's",
        c.operations.0,
        c.operations.1,
        c.operations_only_ours.len(),
        c.operations_only_redocly.len()
    );
    for op in &c.operations_only_ours {
        println!("    only ours: {op}");
    }
    for op in &c.operations_only_redocly {
        println!("    only Redocly's: {op}");
    }
    let sections: Vec<String> = c.sections.iter().map(|(s, (a, b))| format!("{s} {a}/{b}")).collect();
    println!("  components (ours/Redocly's): {}", sections.join(", "));
    println!("  {} components in both, {} identical", c.components_compared, c.components_identical);
    for p in &refused {
        let warned = warnings.iter().any(|w| w.contains(&p.file) && w.contains(&format!(":{}:", p.line)));
        println!(
            "  Redocly could not read {}:{}: {} ({})",
            p.file,
            p.line,
            p.message,
            if warned { "our bundler read it and warned at that line" } else { "our bundler read it without a warning" }
        );
    }
    for d in &c.differences {
        match &d.why {
            Some(why) => println!("  differs (explained) {}: ours {} / Redocly's {}\n      {why}", d.at, d.ours, d.redocly),
            None => println!("  DIFFERS {}: ours {} / Redocly's {}", d.at, d.ours, d.redocly),
        }
    }
    if let Some(out) = write {
        if let Some(dir) = out.parent() {
            std::fs::create_dir_all(dir)?;
        }
        spec_pipeline::document::write_atomically(&out, &spec_pipeline::document::to_text(&ours))?;
        println!("  our bundle written to {}", out.display());
    }
    let unexplained = c.unexplained();
    if unexplained > 0 {
        bail!("{unexplained} difference(s) between our bundle and Redocly's that nothing explains");
    }
    println!("  every difference is explained");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(schemas: Value) -> Value {
        json!({"openapi": "3.1.0", "paths": {"/a": {"get": {"operationId": "a", "responses": {}}}}, "components": {"schemas": schemas}})
    }

    #[test]
    fn equal_bundles_have_no_difference() {
        let d = doc(json!({"A": {"type": "string"}}));
        let c = compare(&d, &d, &[]);
        assert_eq!((c.components_compared, c.components_identical, c.unexplained()), (1, 1, 0));
        assert!(c.differences.is_empty());
    }

    #[test]
    fn a_changed_or_missing_component_or_operation_is_unexplained() {
        let ours = doc(json!({"A": {"type": "string", "minimum": 500.0}, "B": {}}));
        let mut theirs = doc(json!({"A": {"type": "integer", "minimum": 500}}));
        theirs["paths"]["/b"] = json!({"post": {"operationId": "b"}});
        let c = compare(&ours, &theirs, &[]);
        assert_eq!(c.operations_only_redocly, ["POST /b (b)"]);
        let at: Vec<&str> = c.differences.iter().map(|d| d.at.as_str()).collect();
        assert_eq!(at, ["/components/schemas/A/type", "/components/schemas/B", "/paths/~1b"]);
        assert_eq!(c.unexplained(), 4);
    }

    #[test]
    fn a_file_redocly_refused_and_numeric_keys_are_explained() {
        let refused = [Problem { file: "components/schemas/K.yaml".into(), line: 29, message: "Failed to parse: x".into() }];
        let ours =
            doc(json!({"K": {"type": "object"}, "L": {"items": {"$ref": "#/components/schemas/K"}}, "E": {"x-names": {"03": "three"}}}));
        let theirs = doc(json!({"L": {"items": {"$ref": "./K.yaml"}}, "E": {"x-names": {"3": "three"}}}));
        let c = compare(&ours, &theirs, &refused);
        assert_eq!(c.unexplained(), 0, "{:?}", c.differences);
        assert_eq!(c.differences.len(), 3, "{:?}", c.differences);
        assert!(c.differences.iter().any(|d| d.why.as_deref().unwrap().contains("components/schemas/K.yaml:29")));
        assert!(c.differences.iter().any(|d| d.why.as_deref().unwrap().contains("the number 3")));
        // A numeric key whose value also differs is still a difference.
        let theirs = doc(json!({"K": {"type": "object"}, "L": {}, "E": {"x-names": {"3": "drei"}}}));
        let ours = doc(json!({"K": {"type": "object"}, "L": {}, "E": {"x-names": {"03": "three"}}}));
        assert_eq!(compare(&ours, &theirs, &[]).unexplained(), 1);
    }
}
