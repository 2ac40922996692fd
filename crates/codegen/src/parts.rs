//! An API's client in parts, one crate each, because rustc's memory grows
//! with a crate's size (BENCHMARKS P13: Rebilly's whole client in one crate
//! peaks at 6.3 GiB; P15 the parts):
//!
//! - the **model** (`accounting-sync-<api>-model`): the component schemas
//!   of our document, those two or more groups of operations reach, and
//!   everything those reach;
//! - **own**: our document's operations, compiled in the API crate itself;
//! - **part `n`** (`accounting-sync-<api>-part-<n>`): the operations of the
//!   enabled tags that [`spec_core::features::parts`] puts in part `n`
//!   (an operation with several tags goes with its first enabled one), and
//!   the schemas only they reach.
//!
//! Each group is generated from the joined document with its own
//! operations and the schemas it reaches; the model's types replace theirs
//! (progenitor's `with_replacement`, told which of `Display`, `FromStr` and
//! `Default` each has, as read from the model's code), so a type exists
//! once, in one crate.

use progenitor::{GenerationSettings, TypeImpl};
use serde_json::{json, Map, Value};
use spec_core::features::enabled_tags;
use spec_core::naming::rust_type_name;
use spec_core::refs::{escape, reachable_schemas};
use spec_core::walk::{operations, METHODS};
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// Where a group of operations is generated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    /// Our document's operations, in the API crate.
    Own,
    /// A part crate, numbered from 1.
    Part(usize),
}

/// A joined document cut into the model and the groups of operations.
#[derive(Debug)]
pub struct Partition {
    /// The model's document: no operations, its schemas only.
    pub model: Value,
    /// Each group's document: its operations, the schemas they reach. Own
    /// first, then the parts in order; a part with an enabled tag is here
    /// even when it has no operation of its own.
    pub groups: Vec<(Group, Value)>,
}

/// Cuts `joined` (`ours` joined with the `enabled` tags of the whole
/// document, `features::join`); `part_of_tag` is
/// [`spec_core::features::parts`] of the whole document.
pub fn partition(
    ours: &Value,
    joined: &Value,
    enabled: &BTreeSet<String>,
    part_of_tag: &BTreeMap<String, usize>,
) -> Result<Partition, String> {
    let our_ids: BTreeSet<&str> = operations(ours).iter().filter_map(|o| o.id()).collect();
    let mut paths: BTreeMap<Group, Map<String, Value>> = BTreeMap::new();
    paths.insert(Group::Own, Map::new());
    for tag in enabled {
        let part = part_of_tag.get(tag).ok_or_else(|| format!("the enabled tag {tag:?} has no part"))?;
        paths.entry(Group::Part(*part)).or_default();
    }
    for op in operations(joined) {
        let group = if op.id().is_some_and(|id| our_ids.contains(id)) {
            Group::Own
        } else {
            let tag = *enabled_tags(op.op, enabled)
                .first()
                .ok_or_else(|| format!("{} {} is neither ours nor of an enabled tag", op.method, op.path))?;
            Group::Part(*part_of_tag.get(tag).ok_or_else(|| format!("the tag {tag:?} has no part"))?)
        };
        let item = joined.pointer(&format!("/paths/{}", escape(op.path))).and_then(Value::as_object).expect("walked");
        let slot = paths.entry(group).or_default().entry(op.path.to_string()).or_insert_with(|| {
            // The path item's own keys (shared parameters) without its operations.
            Value::Object(item.iter().filter(|(k, _)| !METHODS.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect())
        });
        slot[op.method] = Value::Object(op.op.clone());
    }
    let reach: BTreeMap<Group, BTreeSet<String>> = paths.iter().map(|(g, p)| (*g, reachable_schemas(joined, p.values()))).collect();
    let mut uses: BTreeMap<&str, usize> = BTreeMap::new();
    for names in reach.values() {
        for n in names {
            *uses.entry(n.as_str()).or_default() += 1;
        }
    }
    let ours_schemas = ours.pointer("/components/schemas").and_then(Value::as_object);
    let mut model: BTreeSet<String> = ours_schemas.into_iter().flat_map(|m| m.keys().cloned()).collect();
    model.extend(uses.iter().filter(|(_, c)| **c >= 2).map(|(n, _)| n.to_string()));
    close_over(joined, &mut model);
    let model_doc = cut(joined, Map::new(), &|n| model.contains(n));
    let groups = paths
        .into_iter()
        .map(|(group, paths)| {
            let own = &reach[&group];
            (group, cut(joined, paths, &|n| own.contains(n)))
        })
        .collect();
    Ok(Partition { model: model_doc, groups })
}

/// Adds to `names` every component schema of `doc` they reach.
pub fn close_over(doc: &Value, names: &mut BTreeSet<String>) {
    let roots: Vec<Value> = names.iter().map(|n| json!({"$ref": format!("#/components/schemas/{}", escape(n))})).collect();
    names.extend(reachable_schemas(doc, &roots));
}

/// One crate's document: `doc` with `paths` for its paths and only the
/// component schemas `keep` takes (its other components stay).
pub fn cut(doc: &Value, paths: Map<String, Value>, keep: &dyn Fn(&str) -> bool) -> Value {
    let mut part = doc.clone();
    part["paths"] = Value::Object(paths);
    let schemas = doc.pointer("/components/schemas").and_then(Value::as_object);
    let kept: Map<String, Value> = schemas.into_iter().flatten().filter(|(n, _)| keep(n)).map(|(n, s)| (n.clone(), s.clone())).collect();
    if let Some(components) = part.get_mut("components").and_then(Value::as_object_mut) {
        components.insert("schemas".into(), Value::Object(kept));
    }
    part
}

/// The names after each occurrence of `prefix` in `code` (`pub struct `).
pub fn names_after<'a>(code: &'a str, prefix: &'a str) -> impl Iterator<Item = &'a str> {
    code.match_indices(prefix).map(move |(at, _)| {
        let rest = &code[at + prefix.len()..];
        &rest[..rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len())]
    })
}

/// The names of the structs and enums `code` declares, in one pass.
pub fn declared_types(code: &str) -> HashSet<&str> {
    names_after(code, "pub struct ").chain(names_after(code, "pub enum ")).collect()
}

/// One shared type, as progenitor's `with_replacement` takes it.
pub struct Replacement {
    type_name: String,
    path: String,
    impls: Vec<&'static str>,
}

/// The schemas of `shared_doc` as replacements pointing into the crate
/// `shared_crate`, whose generated code is `code`: each with the impls
/// (`Display`, `FromStr`, `Default`) that code gives it. A schema the code
/// does not declare (an open enum, replaced itself) is left out.
pub fn shared_replacements(shared_doc: &Value, shared_crate: &str, code: &str) -> Vec<Replacement> {
    let declared = declared_types(code);
    let mut impls: BTreeMap<&str, Vec<&'static str>> = BTreeMap::new();
    for (prefix, name) in [
        ("impl ::std::fmt::Display for ", "Display"),
        ("impl ::std::str::FromStr for ", "FromStr"),
        ("impl ::std::default::Default for ", "Default"),
    ] {
        for ty in names_after(code, prefix) {
            impls.entry(ty).or_default().push(name);
        }
    }
    let names = shared_doc.pointer("/components/schemas").and_then(Value::as_object).into_iter().flat_map(|m| m.keys());
    names
        .map(|n| rust_type_name(n))
        .filter(|ty| declared.contains(ty.as_str()))
        .map(|ty| Replacement {
            path: format!("::{shared_crate}::types::{ty}"),
            impls: impls.get(ty.as_str()).cloned().unwrap_or_default(),
            type_name: ty,
        })
        .collect()
}

/// Applies `replacements` to `settings`.
pub fn replace_shared(settings: &mut GenerationSettings, replacements: &[Replacement]) {
    for r in replacements {
        let impls = r.impls.iter().map(|i| i.parse::<TypeImpl>().expect("a known impl"));
        settings.with_replacement(&r.type_name, &r.path, impls);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(id: &str, tags: &[&str], schema: &str) -> Value {
        json!({"operationId": id, "tags": tags, "responses": {"200": {"description": "ok",
            "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}}}})
    }

    #[test]
    fn operations_go_to_their_groups_and_schemas_several_reach_to_the_model() {
        let ours = json!({"paths": {"/ids": {"post": op("postId", &["Ids"], "Ids")}},
            "components": {"schemas": {"Ids": {"type": "object"}}}});
        let joined = json!({"paths": {
            "/ids": {"post": op("postId", &["Ids"], "Ids")},
            "/a": {"parameters": [{"name": "x", "in": "header", "schema": {"type": "string"}}], "get": op("getA", &["A"], "Invoice")},
            "/b": {"get": op("getB", &["Off", "B"], "Money")},
            "/c": {"get": op("getC", &["C"], "Lone")}},
          "components": {"schemas": {
            "Ids": {"type": "object"},
            "Invoice": {"properties": {"total": {"$ref": "#/components/schemas/Money"}}},
            "Money": {"properties": {"currency": {"$ref": "#/components/schemas/Currency"}}},
            "Currency": {"type": "string"},
            "Lone": {"type": "object"}}}});
        let enabled: BTreeSet<String> = ["A", "B", "C"].map(String::from).into();
        let parts: BTreeMap<String, usize> = [("A", 1), ("B", 2), ("C", 1), ("Off", 1)].map(|(t, n)| (t.to_string(), n)).into();
        let cut = partition(&ours, &joined, &enabled, &parts).unwrap();
        let schemas = |doc: &Value| -> BTreeSet<String> { doc["components"]["schemas"].as_object().unwrap().keys().cloned().collect() };
        let ops = |doc: &Value| -> Vec<String> { operations(doc).iter().filter_map(|o| o.id().map(String::from)).collect() };
        // Money (and Currency under it) is reached from parts 1 and 2; Ids is ours.
        assert_eq!(schemas(&cut.model), ["Currency", "Ids", "Money"].map(String::from).into());
        assert!(cut.model["paths"].as_object().unwrap().is_empty());
        let groups: Vec<Group> = cut.groups.iter().map(|(g, _)| *g).collect();
        assert_eq!(groups, [Group::Own, Group::Part(1), Group::Part(2)]);
        assert_eq!(ops(&cut.groups[0].1), ["postId"]);
        assert_eq!(ops(&cut.groups[1].1), ["getA", "getC"]);
        // getB's first tag is not enabled: it goes with B.
        assert_eq!(ops(&cut.groups[2].1), ["getB"]);
        assert_eq!(schemas(&cut.groups[1].1), ["Currency", "Invoice", "Lone", "Money"].map(String::from).into());
        assert_eq!(cut.groups[1].1["paths"]["/a"]["parameters"][0]["name"], "x");
        let unknown: BTreeSet<String> = ["Z".to_string()].into();
        assert!(partition(&ours, &joined, &unknown, &parts).unwrap_err().contains("\"Z\" has no part"));
    }

    #[test]
    fn a_part_uses_the_model_types() {
        let doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {
            "/a/{state}": {"get": {"operationId": "getA", "tags": ["A"], "parameters": [
                {"name": "state", "in": "path", "required": true, "schema": {"$ref": "#/components/schemas/State"}}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Money"}}}}}}},
            "/b": {"get": {"operationId": "getB", "tags": ["B"],
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/B"}}}}}}}},
          "components": {"schemas": {
              "State": {"type": "string", "enum": ["on", "off"]},
              "Money": {"type": "object", "properties": {"state": {"$ref": "#/components/schemas/State"}}},
              "B": {"type": "object", "properties": {"money": {"$ref": "#/components/schemas/Money"}}}}}});
        let ours = json!({"paths": {}});
        let enabled: BTreeSet<String> = ["A", "B"].map(String::from).into();
        let parts: BTreeMap<String, usize> = [("A", 1), ("B", 2)].map(|(t, n)| (t.to_string(), n)).into();
        let cut = partition(&ours, &doc, &enabled, &parts).unwrap();
        let mut settings = GenerationSettings::new();
        settings.with_interface(progenitor::InterfaceStyle::Positional);
        let model = crate::generate_with(&cut.model.to_string(), "model", &settings).unwrap();
        assert!(model.contains("pub struct Money ") && model.contains("pub enum State "));
        let replacements = shared_replacements(&cut.model, "x_model", &model);
        assert_eq!(replacements.len(), 2);
        replace_shared(&mut settings, &replacements);
        let a = crate::generate_with(&cut.groups[1].1.to_string(), "a", &settings).unwrap();
        assert!(!a.contains("pub struct Money") && !a.contains("pub enum State"), "{a}");
        assert!(a.contains("::x_model::types::Money"), "{a}");
        // State is a path parameter: the replacement is known to be Display.
        assert!(a.contains("state.to_string()"), "{a}");
        let b = crate::generate_with(&cut.groups[2].1.to_string(), "b", &settings).unwrap();
        assert!(b.contains("pub struct B ") && b.contains("::x_model::types::Money"), "{b}");
    }
}
