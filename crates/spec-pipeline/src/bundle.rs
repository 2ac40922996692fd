//! Bundling: one document out of a tree of files, on disk or under a URL.
//!
//! External `$ref`s are resolved relative to the file they are written in.
//! A ref to a component (a `#/components/<kind>/<name>` pointer, or a whole
//! file in a `schemas/`, `parameters/`… folder) becomes a component of the
//! bundle and an internal ref, so shared schemas stay shared and recursive
//! ones stay finite. Any other ref is inlined; a chain of inlined refs that
//! comes back to itself is a cycle and an error. A ref to a file that is not
//! JSON or YAML (a `description.md`) becomes its text. A missing target under
//! an `x-` extension (code samples) is dropped with a warning; any other
//! missing target is an error naming the file and the pointer.

use crate::refs::escape;
use anyhow::{anyhow, bail, Context, Result};
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use url::Url;

/// Reads one file of the tree: `Ok(None)` when it does not exist.
pub type Loader<'a> = dyn Fn(&Url) -> Result<Option<String>> + 'a;

/// The bundled document and what was dropped on the way.
#[derive(Debug)]
pub struct Bundle {
    pub doc: Value,
    pub warnings: Vec<String>,
    /// Files read, the root included.
    pub files: usize,
}

const COMPONENT_KINDS: &[&str] =
    &["schemas", "parameters", "responses", "headers", "requestBodies", "examples", "securitySchemes", "links", "callbacks", "pathItems"];

struct Bundler<'a> {
    load: &'a Loader<'a>,
    root: Url,
    files: HashMap<Url, Value>,
    components: Map<String, Value>,
    /// `url#pointer` of each hoisted target → its internal ref.
    hoisted: HashMap<String, String>,
    /// `url#pointer` of the refs being inlined, outermost first.
    inlining: Vec<String>,
    warnings: Vec<String>,
}

/// Bundles the document at `root`.
pub fn bundle(root: &Url, load: &Loader) -> Result<Bundle> {
    let mut b = Bundler {
        load,
        root: without_fragment(root),
        files: HashMap::new(),
        components: Map::new(),
        hoisted: HashMap::new(),
        inlining: Vec::new(),
        warnings: Vec::new(),
    };
    let mut doc = b.file(&b.root.clone())?.ok_or_else(|| anyhow!("{root}: not found"))?;
    if !doc.is_object() {
        bail!("{root}: not a JSON or YAML object");
    }
    let root_url = b.root.clone();
    b.resolve(&mut doc, &root_url, "", false)?;
    if !b.components.is_empty() {
        let components = doc.as_object_mut().expect("checked above").entry("components").or_insert_with(|| json!({}));
        let components = components.as_object_mut().ok_or_else(|| anyhow!("{root}: /components is not an object"))?;
        for (kind, entries) in std::mem::take(&mut b.components) {
            let slot = components.entry(kind).or_insert_with(|| json!({}));
            if let (Some(slot), Value::Object(entries)) = (slot.as_object_mut(), entries) {
                slot.extend(entries);
            }
        }
    }
    Ok(Bundle { doc, warnings: b.warnings, files: b.files.len() })
}

fn without_fragment(url: &Url) -> Url {
    let mut u = url.clone();
    u.set_fragment(None);
    u
}

fn is_structured(url: &Url) -> bool {
    let path = url.path().to_ascii_lowercase();
    path.ends_with(".json") || path.ends_with(".yaml") || path.ends_with(".yml") || !path.rsplit('/').next().unwrap_or("").contains('.')
}

impl Bundler<'_> {
    /// The parsed file at `url` (text files as a JSON string), or None when
    /// it does not exist.
    fn file(&mut self, url: &Url) -> Result<Option<Value>> {
        if let Some(v) = self.files.get(url) {
            return Ok(Some(v.clone()));
        }
        let Some(text) = (self.load)(url)? else { return Ok(None) };
        let value = if is_structured(url) { crate::document::parse(&text, url.as_str())? } else { Value::String(text) };
        self.files.insert(url.clone(), value.clone());
        Ok(Some(value))
    }

    /// Where a hoisted target goes: `(kind, name)`.
    fn component_slot(&self, file: &Url, pointer: &str) -> Option<(String, String)> {
        let parts: Vec<&str> = pointer.split('/').skip(1).collect();
        if let ["components", kind, name] = parts.as_slice() {
            if COMPONENT_KINDS.contains(kind) {
                return Some((kind.to_string(), name.replace("~1", "/").replace("~0", "~")));
            }
        }
        if !pointer.is_empty() {
            return None;
        }
        let segments: Vec<&str> = file.path_segments()?.collect();
        let (stem, folders) = segments.split_last()?;
        let kind = folders.iter().rev().find(|f| COMPONENT_KINDS.contains(f))?;
        let name = stem.rsplit_once('.').map_or(*stem, |(s, _)| s);
        Some((kind.to_string(), name.to_string()))
    }

    /// A component name for `key` under `kind`, unique in the bundle.
    fn unique_name(&self, kind: &str, name: &str) -> String {
        let taken = |n: &str| {
            self.components.get(kind).and_then(|m| m.get(n)).is_some()
                || self.hoisted.values().any(|r| r == &format!("#/components/{kind}/{}", escape(n)))
                || self.files.get(&self.root).and_then(|d| d.pointer(&format!("/components/{kind}/{}", escape(n)))).is_some()
        };
        let mut candidate = name.to_string();
        let mut i = 2;
        while taken(&candidate) {
            candidate = format!("{name}{i}");
            i += 1;
        }
        candidate
    }

    /// Resolves the refs in `node`, which sits at `pointer` in the file `base`.
    fn resolve(&mut self, node: &mut Value, base: &Url, pointer: &str, in_extension: bool) -> Result<()> {
        match node {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref") {
                    let reference = reference.clone();
                    let internal_to_root = reference.starts_with('#') && *base == self.root;
                    if !internal_to_root {
                        return self.follow(node, base, pointer, &reference, in_extension);
                    }
                }
                let mut dropped = Vec::new();
                for (key, child) in map.iter_mut() {
                    let child_ptr = format!("{pointer}/{}", escape(key));
                    if self.resolve_child(child, base, &child_ptr, in_extension || key.starts_with("x-"))? {
                        dropped.push(key.clone());
                    }
                }
                for key in dropped {
                    map.remove(&key);
                }
            }
            Value::Array(items) => {
                let mut keep = Vec::with_capacity(items.len());
                for (i, mut child) in std::mem::take(items).into_iter().enumerate() {
                    if !self.resolve_child(&mut child, base, &format!("{pointer}/{i}"), in_extension)? {
                        keep.push(child);
                    }
                }
                *items = keep;
            }
            _ => {}
        }
        Ok(())
    }

    /// Resolves one child; true when it is to be dropped.
    fn resolve_child(&mut self, child: &mut Value, base: &Url, pointer: &str, in_extension: bool) -> Result<bool> {
        self.resolve(child, base, pointer, in_extension)?;
        Ok(child.get("$dropped").is_some())
    }

    fn follow(&mut self, node: &mut Value, base: &Url, pointer: &str, reference: &str, in_extension: bool) -> Result<()> {
        let from = format!("{}#{pointer}", base);
        let target = base.join(reference).with_context(|| format!("{from}: bad $ref {reference:?}"))?;
        let fragment = target.fragment().map(percent_decode).unwrap_or_default();
        let file_url = without_fragment(&target);
        let key = format!("{file_url}#{fragment}");
        if let Some(local) = self.hoisted.get(&key) {
            *node = json!({"$ref": local});
            return Ok(());
        }
        let Some(file) = self.file(&file_url)? else {
            if in_extension {
                self.warnings.push(format!("{from}: {reference} not found; dropped (outside the API)"));
                *node = json!({"$dropped": true});
                return Ok(());
            }
            bail!("{from}: $ref {reference:?} points to {file_url}, which does not exist");
        };
        let content = if fragment.is_empty() {
            file
        } else {
            file.pointer(&fragment).cloned().ok_or_else(|| anyhow!("{from}: $ref {reference:?}: {file_url} has nothing at {fragment}"))?
        };
        if let Some((kind, name)) = self.component_slot(&file_url, &fragment) {
            let name = self.unique_name(&kind, &name);
            let local = format!("#/components/{kind}/{}", escape(&name));
            self.hoisted.insert(key, local.clone());
            let mut content = content;
            self.resolve(&mut content, &file_url, &fragment, in_extension)?;
            self.components.entry(kind).or_insert_with(|| json!({})).as_object_mut().expect("created as object").insert(name, content);
            *node = json!({"$ref": local});
            return Ok(());
        }
        if let Some(start) = self.inlining.iter().position(|k| *k == key) {
            let chain: Vec<&str> = self.inlining[start..].iter().map(String::as_str).chain([key.as_str()]).collect();
            bail!("{from}: $ref cycle: {}", chain.join(" → "));
        }
        self.inlining.push(key);
        let mut content = content;
        let result = self.resolve(&mut content, &file_url, &fragment, in_extension);
        self.inlining.pop();
        result?;
        // Keys beside the $ref (a description) stay, over the inlined object.
        if let (Value::Object(siblings), Value::Object(target)) = (&*node, &mut content) {
            for (k, v) in siblings.iter().filter(|(k, _)| *k != "$ref") {
                target.insert(k.clone(), v.clone());
            }
        }
        *node = content;
        Ok(())
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Reads `file://` URLs from disk and `http(s)://` ones over the network.
pub fn load_any(url: &Url) -> Result<Option<String>> {
    match url.scheme() {
        "file" => {
            let path = url.to_file_path().map_err(|_| anyhow!("{url}: not a local path"))?;
            match std::fs::read_to_string(&path) {
                Ok(text) => Ok(Some(text)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
            }
        }
        "http" | "https" => crate::fetch::get_text(url),
        other => bail!("{url}: unsupported scheme {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn fixture(name: &str) -> Url {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
        Url::from_file_path(path).unwrap()
    }

    #[test]
    fn a_tree_of_files_becomes_one_document() {
        let b = bundle(&fixture("tree/openapi.yaml"), &load_any).unwrap();
        let doc = &b.doc;
        // The path item came from paths/pets.yaml, inlined.
        let get = &doc["paths"]["/pets"]["get"];
        assert_eq!(get["operationId"], "listPets");
        // Its schema file became a component, referenced internally.
        assert_eq!(get["responses"]["200"]["content"]["application/json"]["schema"]["items"]["$ref"], "#/components/schemas/Pet");
        // Pet and Owner refer to each other: the cycle is two components.
        assert_eq!(doc["components"]["schemas"]["Pet"]["properties"]["owner"]["$ref"], "#/components/schemas/Owner");
        assert_eq!(doc["components"]["schemas"]["Owner"]["properties"]["pets"]["items"]["$ref"], "#/components/schemas/Pet");
        // A parameter by pointer into another file, and a shared one.
        assert_eq!(get["parameters"][0]["$ref"], "#/components/parameters/limit");
        assert_eq!(doc["components"]["parameters"]["limit"]["in"], "query");
        // A markdown file became the description's text.
        assert_eq!(doc["info"]["description"], "# Pets\n\nAn API about pets.\n");
        // The missing code sample is dropped with a warning; the existing one is text.
        let samples = get["x-codeSamples"].as_array().unwrap();
        assert_eq!(samples.len(), 2);
        assert_eq!(samples[0]["source"], "curl https://example.test/pets\n");
        assert!(samples[1].get("source").is_none());
        assert_eq!(b.warnings.len(), 1);
        assert!(b.warnings[0].contains("code_samples/python/list.py"), "{:?}", b.warnings);
        assert_eq!(b.files, 7);
        // The bundle mentions no file anymore.
        assert!(!doc.to_string().contains(".yaml"));
    }

    #[test]
    fn a_cycle_of_inlined_refs_is_an_error() {
        let err = bundle(&fixture("cycle/openapi.yaml"), &load_any).unwrap_err();
        let text = format!("{err:#}");
        assert!(text.contains("$ref cycle"), "{text}");
        assert!(text.contains("paths/a.yaml") && text.contains("paths/b.yaml"), "{text}");
    }

    #[test]
    fn a_missing_target_in_the_api_names_the_file_and_pointer() {
        let err = bundle(&fixture("missing/openapi.yaml"), &load_any).unwrap_err();
        let text = format!("{err:#}");
        assert!(text.contains("openapi.yaml#/paths/~1pets/get/responses/200"), "{text}");
        assert!(text.contains("schemas/Nope.yaml"), "{text}");
    }
}
