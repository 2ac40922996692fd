//! Bundling: one document out of a tree of files, on disk or under a URL,
//! as Redocly CLI's `bundle` makes it, so that a document bundled here has
//! the components, and the names, the vendor's own tooling gives it.
//!
//! External `$ref`s are resolved relative to the file they are written in.
//! What happens to one depends on where it sits ([`position`]): a schema,
//! parameter, response, request body, header, example, link or callback
//! becomes a component named after the last segment of the target's pointer,
//! else its file's stem (`schemas/Pet.yaml` → `Pet`), with `-2`, `-3`… when
//! another target took the name with different content; discriminator
//! mappings written as file paths point to those components. Anything else
//! (a path item, a Markdown description) is inlined, the keys beside the
//! `$ref` kept over it; a chain of inlined refs that comes back to itself is
//! a cycle and an error. A missing target under an `x-` extension (code
//! samples) is dropped with a warning; any other missing target is an error
//! naming the file and the pointer. YAML that our parser reads but strict
//! ones refuse is reported with file and line ([`yaml_lint`]).

pub mod position;
pub mod yaml_lint;

use crate::refs::escape;
use anyhow::{anyhow, bail, Context, Result};
use position::Position;
use serde_json::{json, Map, Value};
use std::collections::{HashMap, HashSet};
use url::Url;

/// Reads one file of the tree: `Ok(None)` when it does not exist.
pub type Loader<'a> = dyn Fn(&Url) -> Result<Option<String>> + 'a;

/// The bundled document and what was dropped or doubtful on the way.
#[derive(Debug)]
pub struct Bundle {
    pub doc: Value,
    pub warnings: Vec<String>,
    /// Files read, the root included.
    pub files: usize,
}

struct Bundler<'a> {
    load: &'a Loader<'a>,
    root: Url,
    files: HashMap<Url, Value>,
    /// Hoisted components by section, in the order they were named.
    components: Map<String, Value>,
    /// `section|url#pointer` of each hoisted target → its component name.
    hoisted: HashMap<String, String>,
    /// Hoisted targets being resolved (a ref back to one is a recursion).
    hoisting: HashSet<String>,
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
        hoisting: HashSet::new(),
        inlining: Vec::new(),
        warnings: Vec::new(),
    };
    let mut doc = b.file(&b.root.clone())?.ok_or_else(|| anyhow!("{root}: not found"))?;
    if !doc.is_object() {
        bail!("{root}: not a JSON or YAML object");
    }
    let root_url = b.root.clone();
    b.resolve(&mut doc, &root_url, "", Position::Root)?;
    if !b.components.is_empty() {
        let components = doc.as_object_mut().expect("checked above").entry("components").or_insert_with(|| json!({}));
        let components = components.as_object_mut().ok_or_else(|| anyhow!("{root}: /components is not an object"))?;
        for (section, entries) in std::mem::take(&mut b.components) {
            let slot = components.entry(section).or_insert_with(|| json!({}));
            if let (Some(slot), Value::Object(entries)) = (slot.as_object_mut(), entries) {
                slot.extend(entries);
            }
        }
    }
    Ok(Bundle { doc, warnings: b.warnings, files: b.files.len() })
}

/// Where a resolved `$ref` URL points: the file, the pointer in it, and
/// `file#pointer`, the target's identity.
fn located(target: &Url) -> (Url, String, String) {
    let file = without_fragment(target);
    let fragment = target.fragment().map(percent_decode).unwrap_or_default();
    let key = format!("{file}#{fragment}");
    (file, fragment, key)
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

/// Whether a discriminator mapping value is a reference rather than a
/// schema name (Redocly's test).
fn is_reference(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    value.starts_with('#') || value.contains('/') || lower.ends_with(".yaml") || lower.ends_with(".yml") || lower.ends_with(".json")
}

/// Where a `$ref` leads: the file, the pointer in it, and what is there.
struct Target {
    file: Url,
    /// JSON pointer in `file` (empty: the whole file).
    fragment: String,
    /// `file#fragment`, the target's identity.
    key: String,
    content: Value,
}

/// The keys beside a `$ref`.
fn siblings(node: &Value) -> Map<String, Value> {
    node.as_object().map(|m| m.iter().filter(|(k, _)| *k != "$ref").map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default()
}

/// `{"$ref": target}` with the keys that were beside the old ref.
fn reference_with(target: &str, siblings: Map<String, Value>) -> Value {
    let mut out = Map::new();
    out.insert("$ref".into(), Value::String(target.into()));
    out.extend(siblings);
    Value::Object(out)
}

impl Bundler<'_> {
    /// The parsed file at `url` (text files as a JSON string), or None when
    /// it does not exist.
    fn file(&mut self, url: &Url) -> Result<Option<Value>> {
        if let Some(v) = self.files.get(url) {
            return Ok(Some(v.clone()));
        }
        let Some(text) = (self.load)(url)? else { return Ok(None) };
        let value = if is_structured(url) {
            if !text.trim_start().starts_with('{') {
                for line in yaml_lint::deficient_flow_indentation(&text) {
                    self.warnings.push(format!("{}:{line}: {}", display(url), yaml_lint::DEFICIENT_FLOW_INDENTATION));
                }
            }
            crate::document::parse(&text, url.as_str())?
        } else {
            Value::String(text)
        };
        self.files.insert(url.clone(), value.clone());
        Ok(Some(value))
    }

    /// The component name for a target at `pointer` in `file`: the
    /// pointer's last segment, else the file's stem; `-2`, `-3`… when the
    /// name holds different content. A root component that is a ref to this
    /// very target (`Pet: {$ref: schemas/Pet.yaml}`) is this target.
    fn component_name(&self, section: &str, key: &str, file: &Url, pointer: &str, content: &Value) -> String {
        let last = pointer.rsplit('/').next().filter(|s| !s.is_empty()).map(|s| s.replace("~1", "/").replace("~0", "~"));
        let base = last.unwrap_or_else(|| {
            let stem = file.path_segments().and_then(|mut s| s.next_back()).unwrap_or_default();
            let stem = percent_decode(stem);
            stem.rsplit_once('.').map_or(stem.clone(), |(s, _)| s.to_string())
        });
        let refers_here = |existing: &Value| {
            let target = existing.get("$ref").and_then(Value::as_str).and_then(|r| self.root.join(r).ok());
            target.is_some_and(|t| located(&t).2 == key)
        };
        let free = |name: &str| match self.existing(section, name) {
            None => true,
            Some(existing) => existing == content || refers_here(existing),
        };
        let mut name = base.clone();
        let mut i = 2;
        while !free(&name) {
            name = format!("{base}-{i}");
            i += 1;
        }
        name
    }

    /// What already holds `name` in `section`: a hoisted component, or one
    /// of the root document's own.
    fn existing(&self, section: &str, name: &str) -> Option<&Value> {
        self.components
            .get(section)
            .and_then(|m| m.get(name))
            .or_else(|| self.files.get(&self.root).and_then(|d| d.pointer(&format!("/components/{section}/{}", escape(name)))))
    }

    /// Resolves the refs in `node`, which sits at `pointer` in the file
    /// `base`, at `position`.
    fn resolve(&mut self, node: &mut Value, base: &Url, pointer: &str, position: Position) -> Result<()> {
        if position == Position::Data {
            return Ok(());
        }
        match node {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref") {
                    let reference = reference.clone();
                    let internal_to_root = reference.starts_with('#') && *base == self.root;
                    if !internal_to_root {
                        return self.follow(node, base, pointer, &reference, position);
                    }
                    return Ok(());
                }
                if position == Position::Mapping {
                    return self.resolve_mapping(map, base, pointer);
                }
                let mut dropped = Vec::new();
                for (key, child) in map.iter_mut() {
                    let child_ptr = format!("{pointer}/{}", escape(key));
                    if self.resolve_child(child, base, &child_ptr, position.child(key))? {
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
                    let index = i.to_string();
                    if !self.resolve_child(&mut child, base, &format!("{pointer}/{index}"), position.child(&index))? {
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
    fn resolve_child(&mut self, child: &mut Value, base: &Url, pointer: &str, position: Position) -> Result<bool> {
        self.resolve(child, base, pointer, position)?;
        Ok(child.get("$dropped").is_some())
    }

    /// A discriminator mapping: values that are references become refs to
    /// schema components; schema names stay.
    fn resolve_mapping(&mut self, map: &mut Map<String, Value>, base: &Url, pointer: &str) -> Result<()> {
        for (key, value) in map.iter_mut() {
            let Some(reference) = value.as_str().filter(|v| is_reference(v)) else { continue };
            if reference.starts_with('#') && *base == self.root {
                continue;
            }
            let mut node = json!({"$ref": reference});
            self.follow(&mut node, base, &format!("{pointer}/{}", escape(key)), reference, Position::Schema)?;
            *value = node["$ref"].clone();
        }
        Ok(())
    }

    fn follow(&mut self, node: &mut Value, base: &Url, pointer: &str, reference: &str, position: Position) -> Result<()> {
        let from = format!("{}#{pointer}", display(base));
        let target = base.join(reference).with_context(|| format!("{from}: bad $ref {reference:?}"))?;
        let (file_url, fragment, key) = located(&target);
        let section = position.component_section();
        // A component of the root document, reached from another file.
        if let Some(section) = section {
            if file_url == self.root && fragment.starts_with(&format!("/components/{section}/")) && fragment.matches('/').count() == 3 {
                *node = reference_with(&format!("#{fragment}"), siblings(node));
                return Ok(());
            }
        }
        if let Some(section) = section {
            if let Some(name) = self.hoisted.get(&format!("{section}|{key}")) {
                *node = reference_with(&format!("#/components/{section}/{}", escape(name)), siblings(node));
                return Ok(());
            }
        }
        let Some(file) = self.file(&file_url)? else {
            if position == Position::Extension {
                self.warnings.push(format!("{from}: {reference} not found; dropped (outside the API)"));
                *node = json!({"$dropped": true});
                return Ok(());
            }
            bail!("{from}: $ref {reference:?} points to {}, which does not exist", display(&file_url));
        };
        let content = if fragment.is_empty() {
            file
        } else {
            file.pointer(&fragment)
                .cloned()
                .ok_or_else(|| anyhow!("{from}: $ref {reference:?}: {} has nothing at {fragment}", display(&file_url)))?
        };
        let target = Target { file: file_url, fragment, key, content };
        match section {
            Some(section) => self.hoist(node, section, target, position),
            None => self.inline(node, &from, target, position),
        }
    }

    /// Makes the target a component of `section` and `node` a ref to it.
    fn hoist(&mut self, node: &mut Value, section: &str, target: Target, position: Position) -> Result<()> {
        let Target { file, fragment, key, mut content } = target;
        let hoisted_key = format!("{section}|{key}");
        if self.hoisting.contains(&hoisted_key) {
            // A recursive schema: named now, its content arrives when the
            // outer resolution ends.
            let name = self.component_name(section, &key, &file, &fragment, &Value::Null);
            self.reserve(section, &name);
            self.hoisted.insert(hoisted_key, name.clone());
            *node = reference_with(&format!("#/components/{section}/{}", escape(&name)), siblings(node));
            return Ok(());
        }
        self.hoisting.insert(hoisted_key.clone());
        let resolved = self.resolve(&mut content, &file, &fragment, position);
        self.hoisting.remove(&hoisted_key);
        resolved?;
        let name = match self.hoisted.get(&hoisted_key) {
            Some(reserved) => reserved.clone(),
            None => self.component_name(section, &key, &file, &fragment, &content),
        };
        self.components
            .entry(section)
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .expect("created as object")
            .insert(name.clone(), content);
        self.hoisted.insert(hoisted_key, name.clone());
        *node = reference_with(&format!("#/components/{section}/{}", escape(&name)), siblings(node));
        Ok(())
    }

    /// Holds `name` in `section` until its content is known.
    fn reserve(&mut self, section: &str, name: &str) {
        self.components
            .entry(section)
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .expect("created as object")
            .insert(name.into(), Value::Null);
    }

    /// Puts the target in place of `node`, the keys beside the ref over it.
    fn inline(&mut self, node: &mut Value, from: &str, target: Target, position: Position) -> Result<()> {
        let Target { file, fragment, key, mut content } = target;
        if let Some(start) = self.inlining.iter().position(|k| *k == key) {
            let chain: Vec<&str> = self.inlining[start..].iter().map(String::as_str).chain([key.as_str()]).collect();
            bail!("{from}: $ref cycle: {}", chain.join(" → "));
        }
        self.inlining.push(key);
        let result = self.resolve(&mut content, &file, &fragment, position);
        self.inlining.pop();
        result?;
        if let (Value::Object(target), siblings) = (&mut content, siblings(node)) {
            target.extend(siblings);
        }
        *node = content;
        Ok(())
    }
}

/// A file URL as a path, for messages.
fn display(url: &Url) -> String {
    url.to_file_path().map(|p| p.display().to_string()).unwrap_or_else(|_| url.to_string())
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

/// Fetches and bundles the document at `from` (refusing an HTML page) and
/// checks that it is OpenAPI 3: what `refresh` and the tree check read.
pub fn fetch_document(from: &Url) -> Result<Bundle> {
    let bundled = bundle(from, &|url: &Url| {
        let text = load_any(url)?;
        if url == from {
            if let Some(t) = &text {
                if t.trim_start().starts_with('<') {
                    bail!("{url}: this is an HTML page, not an OpenAPI document");
                }
            }
        }
        Ok(text)
    })?;
    match bundled.doc.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.") => Ok(bundled),
        _ => bail!("{from}: not an OpenAPI 3 document (no `openapi: 3.x`)"),
    }
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

    /// Bundles an in-memory tree of files (path → text) rooted at `openapi.yaml`.
    fn bundle_files(files: &[(&str, &str)]) -> Result<Bundle> {
        let base = Url::parse("file:///tree/").unwrap();
        let files: HashMap<Url, String> = files.iter().map(|(p, t)| (base.join(p).unwrap(), t.to_string())).collect();
        bundle(&base.join("openapi.yaml").unwrap(), &|url: &Url| Ok(files.get(url).cloned()))
    }

    const ROOT: &str = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    $ref: paths/a.yaml\n";

    #[test]
    fn what_a_reference_becomes_depends_on_where_it_sits() {
        let b = bundle_files(&[
            ("openapi.yaml", ROOT),
            (
                "paths/a.yaml",
                "post:\n  requestBody:\n    content:\n      application/json:\n        schema: {$ref: ../bodies/PatchA.yaml, description: beside}\n  \
                 responses:\n    '200': {$ref: ../common.yaml#/Ok}\n",
            ),
            ("bodies/PatchA.yaml", "type: object\nproperties:\n  pet: {$ref: ../schemas/Pet.yaml}\n"),
            ("common.yaml", "Ok:\n  description: fine\n"),
            ("schemas/Pet.yaml", "type: object\nproperties:\n  parent: {$ref: ./Pet.yaml}\n"),
        ])
        .unwrap();
        let doc = &b.doc;
        let post = &doc["paths"]["/a"]["post"];
        // A schema in a folder called bodies is still a schema; the key beside the ref stays.
        assert_eq!(
            post["requestBody"]["content"]["application/json"]["schema"],
            json!({"$ref": "#/components/schemas/PatchA", "description": "beside"})
        );
        // A response by pointer: named after the pointer's last segment.
        assert_eq!(post["responses"]["200"]["$ref"], "#/components/responses/Ok");
        assert_eq!(doc["components"]["responses"]["Ok"]["description"], "fine");
        // A recursive schema is one component referring to itself.
        assert_eq!(doc["components"]["schemas"]["Pet"]["properties"]["parent"]["$ref"], "#/components/schemas/Pet");
        assert_eq!(doc["components"]["schemas"]["PatchA"]["properties"]["pet"]["$ref"], "#/components/schemas/Pet");
    }

    #[test]
    fn discriminator_mappings_to_files_point_to_the_hoisted_schemas() {
        let b = bundle_files(&[
            ("openapi.yaml", "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Account: {$ref: schemas/Account.yaml}\n"),
            (
                "schemas/Account.yaml",
                "oneOf:\n  - $ref: ./gateways/Adyen.yaml\ndiscriminator:\n  propertyName: kind\n  mapping:\n    adyen: ./gateways/Adyen.yaml\n    \
                 stripe: ./gateways/Stripe.yaml\n    named: Account\n",
            ),
            ("schemas/gateways/Adyen.yaml", "type: object\n"),
            ("schemas/gateways/Stripe.yaml", "type: object\nrequired: [kind]\n"),
        ])
        .unwrap();
        let account = &b.doc["components"]["schemas"]["Account"];
        // The root's component defined by a file keeps its own name.
        assert_eq!(account["oneOf"][0]["$ref"], "#/components/schemas/Adyen");
        let mapping = &account["discriminator"]["mapping"];
        assert_eq!(mapping["adyen"], "#/components/schemas/Adyen");
        // A target only the mapping names is hoisted too; a schema name stays.
        assert_eq!(mapping["stripe"], "#/components/schemas/Stripe");
        assert_eq!(b.doc["components"]["schemas"]["Stripe"]["required"][0], "kind");
        assert_eq!(mapping["named"], "Account");
        assert!(b.doc["components"]["schemas"].get("Account-2").is_none());
    }

    #[test]
    fn two_targets_with_one_name_are_told_apart_unless_equal() {
        let b = bundle_files(&[
            (
                "openapi.yaml",
                "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    \
                 A: {properties: {x: {$ref: v1/Item.yaml}, y: {$ref: v2/Item.yaml}, z: {$ref: v3/Item.yaml}}}\n",
            ),
            ("v1/Item.yaml", "type: string\n"),
            ("v2/Item.yaml", "type: integer\n"),
            ("v3/Item.yaml", "type: string\n"),
        ])
        .unwrap();
        let props = &b.doc["components"]["schemas"]["A"]["properties"];
        assert_eq!(props["x"]["$ref"], "#/components/schemas/Item");
        assert_eq!(props["y"]["$ref"], "#/components/schemas/Item-2");
        // Same content as the first: the same component.
        assert_eq!(props["z"]["$ref"], "#/components/schemas/Item");
        assert_eq!(b.doc["components"]["schemas"]["Item-2"]["type"], "integer");
    }

    #[test]
    fn refs_inside_example_data_are_data_and_strict_yaml_is_reported() {
        let b = bundle_files(&[
            ("openapi.yaml", ROOT),
            (
                "paths/a.yaml",
                "get:\n  responses:\n    '200':\n      description: ok\n      content:\n        application/json:\n          \
                 schema: {$ref: ../S.yaml}\n          example: {$ref: not/a/file.yaml}\n",
            ),
            ("S.yaml", "type: string\nenum: [\n  a,\n]\n"),
        ])
        .unwrap();
        let media = &b.doc["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"];
        assert_eq!(media["example"]["$ref"], "not/a/file.yaml");
        assert_eq!(b.warnings.len(), 1, "{:?}", b.warnings);
        assert!(b.warnings[0].starts_with("/tree/S.yaml:4: a multi-line flow collection"), "{:?}", b.warnings);
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
