//! A whole document's client as one crate per tag plus one crate of the
//! types several tags share: rustc's memory grows with a crate's size, and a
//! user who calls one tag compiles only that tag and the shared types.
//!
//! - Each operation belongs to its first tag (`untagged` without one).
//! - A component schema reached (through any `$ref`) from two or more tags
//!   is shared, and so is everything a shared schema reaches.
//! - The shared crate is generated from the schemas alone; each tag's crate
//!   from its operations with the schemas they reach, the shared ones replaced by the shared crate's types (progenitor's
//!   `with_replacement`, told which of `Display`, `FromStr` and `Default` each
//!   one has, as read from the shared crate's code: the product's
//!   `accounting_sync_codegen::parts` does the same for its model crates).

use accounting_sync_codegen::parts::{close_over, cut};
use serde_json::{json, Map, Value};
use spec_pipeline::naming::snake_words;
use spec_pipeline::refs::{escape, reachable_schemas};
use spec_pipeline::walk::METHODS;
use std::collections::{BTreeMap, BTreeSet};

/// Name of the crate of shared types, within a split document.
pub const SHARED: &str = "shared";

/// Name (with a number) of the crates of the schemas no operation uses.
pub const UNUSED: &str = "without_operations";
/// How many of those schemas one such crate starts from.
const UNUSED_CHUNK: usize = 40;

/// One crate of a split document.
pub struct Part {
    /// `shared`, or the tag in snake case.
    pub name: String,
    /// The document this crate is generated from.
    pub doc: Value,
}

/// The tag an operation belongs to, as a crate-name fragment.
fn tag_of(op: &Value) -> String {
    let tag = snake_words(op.pointer("/tags/0").and_then(Value::as_str).unwrap_or_default());
    if tag.is_empty() {
        "untagged".into()
    } else {
        tag
    }
}

/// Splits a normalized document: the shared part first, then one per tag.
pub fn split(doc: &Value) -> Vec<Part> {
    // tag → path → path item holding only that tag's operations
    let mut tags: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    for (path, item) in doc.get("paths").and_then(Value::as_object).into_iter().flatten() {
        let Some(item) = item.as_object() else { continue };
        for (method, op) in item.iter().filter(|(m, _)| METHODS.contains(&m.as_str())) {
            let paths = tags.entry(tag_of(op)).or_default();
            let slot = paths.entry(path.clone()).or_insert_with(|| {
                // The path item's own keys (shared parameters) without its operations.
                Value::Object(item.iter().filter(|(k, _)| !METHODS.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect())
            });
            slot[method.as_str()] = op.clone();
        }
    }
    let schemas = doc.pointer("/components/schemas").and_then(Value::as_object).cloned().unwrap_or_default();
    let mut reach: BTreeMap<String, BTreeSet<String>> =
        tags.iter().map(|(t, paths)| (t.clone(), reachable_schemas(doc, paths.values()))).collect();
    // Schemas no operation uses (webhook payloads and the like) stay
    // available, in a part of their own, as if they were one more tag.
    let used: BTreeSet<&String> = reach.values().flatten().collect();
    let unused: BTreeSet<String> = schemas.keys().filter(|n| !used.contains(n)).cloned().collect();
    // In chunks, so that no crate grows as big as the whole document did
    // (Rebilly has 338 such schemas, with payment gateways among them).
    let unused: Vec<String> = unused.into_iter().collect();
    let mut unused_parts = Vec::new();
    for (i, chunk) in unused.chunks(UNUSED_CHUNK).enumerate() {
        let roots: Vec<Value> = chunk.iter().map(|n| json!({"$ref": format!("#/components/schemas/{}", escape(n))})).collect();
        let mut names = reachable_schemas(doc, &roots);
        names.extend(chunk.iter().cloned());
        let name = format!("{UNUSED}_{}", i + 1);
        reach.insert(name.clone(), names);
        unused_parts.push(name);
    }
    let mut uses: BTreeMap<&str, usize> = BTreeMap::new();
    for names in reach.values() {
        for n in names {
            *uses.entry(n.as_str()).or_default() += 1;
        }
    }
    // Shared: what two parts use, and whatever that reaches.
    let mut shared: BTreeSet<String> = uses.iter().filter(|(_, c)| **c >= 2).map(|(n, _)| n.to_string()).collect();
    close_over(doc, &mut shared);
    let with_schemas = |paths: Map<String, Value>, keep: &dyn Fn(&str) -> bool| cut(doc, paths, keep);
    let mut parts = vec![Part { name: SHARED.into(), doc: with_schemas(Map::new(), &|n| shared.contains(n)) }];
    for (tag, paths) in tags {
        let own = &reach[&tag];
        let doc = with_schemas(paths, &|n| own.contains(n));
        parts.push(Part { name: tag, doc });
    }
    for name in unused_parts {
        let own = &reach[&name];
        parts.push(Part { doc: with_schemas(Map::new(), &|n| own.contains(n)), name });
    }
    parts
}

// The shared crate's types replace the tags' own as the product's model
// crate's do (`accounting_sync_codegen::parts`).
pub use accounting_sync_codegen::parts::{replace_shared, shared_replacements};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_go_to_their_first_tag_and_shared_schemas_to_one_part() {
        let doc = json!({"openapi": "3.0.3", "paths": {
            "/customers": {"parameters": [{"name": "x", "in": "header", "schema": {"type": "string"}}],
                "get": {"tags": ["Customers"], "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Customer"}}}}}},
                "post": {"tags": ["Customer admin", "Customers"], "responses": {"200": {"$ref": "#/components/responses/Money"}}}},
            "/health": {"get": {"responses": {"204": {"description": "up"}}}}},
          "components": {"responses": {"Money": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Money"}}}}},
            "schemas": {
              "Customer": {"properties": {"balance": {"$ref": "#/components/schemas/Money"}}},
              "Money": {"properties": {"currency": {"$ref": "#/components/schemas/Currency"}}},
              "Currency": {"type": "string"},
              "Event": {"properties": {"customer": {"$ref": "#/components/schemas/Customer"}}}}}});
        let parts = split(&doc);
        let names: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["shared", "customer_admin", "customers", "untagged", "without_operations_1"]);
        let schemas = |p: &Part| -> Vec<String> { p.doc["components"]["schemas"].as_object().unwrap().keys().cloned().collect() };
        // Money is reached from two tags, Customer from one and from Event, which no operation uses.
        assert_eq!(schemas(&parts[0]), ["Customer", "Money", "Currency"]);
        assert_eq!(schemas(&parts[4]), ["Customer", "Money", "Currency", "Event"]);
        assert!(parts[0].doc["paths"].as_object().unwrap().is_empty());
        let admin = &parts[1].doc["paths"]["/customers"];
        assert!(admin.get("post").is_some() && admin.get("get").is_none());
        assert_eq!(admin["parameters"][0]["name"], "x");
        assert_eq!(parts[3].doc["paths"].as_object().unwrap().keys().collect::<Vec<_>>(), ["/health"]);
    }
}
