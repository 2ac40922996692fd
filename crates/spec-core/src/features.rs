//! One cargo feature per vendor tag: the feature names a whole document's
//! tags give (`rebilly-customers`, `monite-receivables`), the part crate
//! each tag goes to ([`parts`]), and the document the model crates' build
//! scripts generate when some of them are enabled: our own document (the
//! operations and types the hand-written facade is built on) joined with the
//! enabled tags' operations of the whole document and the components they
//! reach.
//!
//! The names come from the tags alone, so they stay the same across
//! refreshes unless the vendor renames a tag.

use crate::refs::{component_pointer, reachable_components};
use crate::walk::{operations, METHODS};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// The feature of `tag` in `api`'s document: `{api}-{tag in kebab case}`
/// (`"Accounting connections"` → `monite-accounting-connections`).
pub fn feature_name(api: &str, tag: &str) -> String {
    let words: Vec<String> =
        tag.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).map(|w| w.to_ascii_lowercase()).collect();
    format!("{api}-{}", words.join("-"))
}

/// The variable cargo sets for an enabled feature (`CARGO_FEATURE_…`).
pub fn feature_env(feature: &str) -> String {
    format!("CARGO_FEATURE_{}", feature.to_uppercase().replace('-', "_"))
}

/// Each tag of `doc` with how many operations it has (an operation with two
/// tags counts under both); operations without a tag count under `untagged`.
pub fn tags(doc: &Value) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for op in operations(doc) {
        let tags: Vec<&str> = op.op.get("tags").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
        if tags.is_empty() {
            *out.entry(UNTAGGED.to_string()).or_default() += 1;
        }
        for t in tags {
            *out.entry(t.to_string()).or_default() += 1;
        }
    }
    out
}

/// The tag name [`tags`] gives operations that have none.
pub const UNTAGGED: &str = "untagged";

fn tagged(op: &Map<String, Value>, enabled: &BTreeSet<String>) -> bool {
    !enabled_tags(op, enabled).is_empty()
}

/// At most about this many operations go into one part crate of an API's
/// client: rustc's memory grows with a crate's size (BENCHMARKS P13, P15).
pub const PART_OPERATIONS: usize = 80;

/// The part crate (numbered from 1) each tag of `whole` goes to: as many
/// parts as [`PART_OPERATIONS`] asks for, each tag, largest first, to the
/// part with the fewest operations so far (the lower number on a tie). Read
/// by `cargo xtask features` (the manifests) and by the model crate's build
/// script (where each operation is generated): both from the same document.
pub fn parts(whole: &Value) -> BTreeMap<String, usize> {
    let counts = tags(whole);
    let total: usize = counts.values().sum();
    let n = total.div_ceil(PART_OPERATIONS).max(1);
    let mut by_size: Vec<(&String, &usize)> = counts.iter().collect();
    by_size.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    let mut load = vec![0usize; n];
    let mut out = BTreeMap::new();
    for (tag, count) in by_size {
        let (lightest, _) = load.iter().enumerate().min_by_key(|(i, l)| (**l, *i)).expect("at least one part");
        load[lightest] += count;
        out.insert(tag.clone(), lightest + 1);
    }
    out
}

/// The tags of `op` that are `enabled`, in its order (`untagged` for an
/// operation without tags): the first is where the operation is generated.
pub fn enabled_tags<'a>(op: &'a Map<String, Value>, enabled: &BTreeSet<String>) -> Vec<&'a str> {
    let tags: Vec<&str> = op.get("tags").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
    if tags.is_empty() {
        return if enabled.contains(UNTAGGED) { vec![UNTAGGED] } else { vec![] };
    }
    tags.into_iter().filter(|t| enabled.contains(*t)).collect()
}

/// What [`join`] kept, for the tests.
#[derive(Debug, PartialEq, Eq)]
pub struct Joined {
    /// Operations of the whole document added (ours not counted).
    pub operations: usize,
    /// Components of the whole document added.
    pub components: usize,
}

/// `ours` (a normalized document) with the operations of `whole` (the same
/// API's whole document, normalized) that carry one of the `enabled` tags,
/// and every component of `whole` they reach. Ours win: an operation we
/// have (same operation id, or same path and method) and a component of the
/// same name are kept as we wrote them, so the facade's types do not change
/// with the features.
pub fn join(ours: &Value, whole: &Value, enabled: &BTreeSet<String>) -> (Value, Joined) {
    let mut doc = ours.clone();
    let our_ids: BTreeSet<String> = operations(ours).iter().filter_map(|o| o.id().map(String::from)).collect();
    let our_places: BTreeSet<(String, String)> = operations(ours).iter().map(|o| (o.path.to_string(), o.method.to_string())).collect();
    let mut added = Vec::new();
    for op in operations(whole) {
        let ours = op.id().is_some_and(|id| our_ids.contains(id)) || our_places.contains(&(op.path.to_string(), op.method.to_string()));
        if !ours && tagged(op.op, enabled) {
            added.push((op.path.to_string(), op.method.to_string(), op.pointer.clone()));
        }
    }
    // Security requirements name their schemes (no `$ref`): the schemes of
    // the operations added, and the whole document's default for those
    // that have none where it is not ours.
    let whole_default = whole.get("security").cloned();
    let our_default = doc.get("security").cloned();
    let mut schemes = BTreeSet::new();
    let mut roots = Vec::new();
    let paths = doc.as_object_mut().expect("a document").entry("paths").or_insert_with(|| Value::Object(Map::new()));
    let paths = paths.as_object_mut().expect("paths is an object");
    for (path, method, pointer) in &added {
        let mut op = whole.pointer(pointer).expect("found above").clone();
        if let (Some(ops), Some(default)) = (op.as_object_mut(), &whole_default) {
            if !ops.contains_key("security") && our_default.as_ref() != Some(default) {
                ops.insert("security".into(), default.clone());
            }
        }
        let requirements = op.get("security").or(whole_default.as_ref()).and_then(Value::as_array);
        schemes.extend(requirements.into_iter().flatten().filter_map(Value::as_object).flat_map(|r| r.keys().cloned()));
        roots.push(op.clone());
        let item = paths.entry(path.clone()).or_insert_with(|| Value::Object(Map::new()));
        if let Some(item) = item.as_object_mut() {
            // The path item's own parameters, unless ours already has some.
            if let Some(params) = whole.pointer(&format!("/paths/{}/parameters", crate::refs::escape(path))) {
                item.entry("parameters").or_insert_with(|| params.clone());
                roots.push(params.clone());
            }
            item.insert(method.clone(), op);
        }
    }
    debug_assert!(added.iter().all(|(_, m, _)| METHODS.contains(&m.as_str())));
    let mut wanted = reachable_components(whole, roots.iter());
    wanted.extend(schemes.into_iter().map(|name| ("securitySchemes".to_string(), name)));
    let mut components_added = 0;
    let components = doc.as_object_mut().expect("a document").entry("components").or_insert_with(|| Value::Object(Map::new()));
    for (kind, name) in wanted {
        let Some(value) = whole.pointer(&component_pointer(&kind, &name)) else { continue };
        let Some(section) = components.as_object_mut().map(|c| c.entry(kind).or_insert_with(|| Value::Object(Map::new()))) else {
            continue;
        };
        if let Some(section) = section.as_object_mut() {
            if !section.contains_key(&name) {
                section.insert(name, value.clone());
                components_added += 1;
            }
        }
    }
    (doc, Joined { operations: added.len(), components: components_added })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn feature_names_are_the_api_and_the_tag_in_kebab_case() {
        assert_eq!(feature_name("monite", "Accounting connections"), "monite-accounting-connections");
        assert_eq!(feature_name("rebilly", "Customers"), "rebilly-customers");
        assert_eq!(feature_name("rebilly", "3D Secure / KYC"), "rebilly-3d-secure-kyc");
        assert_eq!(feature_env("monite-e-invoicing"), "CARGO_FEATURE_MONITE_E_INVOICING");
    }

    fn whole() -> Value {
        json!({"openapi": "3.0.3", "info": {"title": "w", "version": "1"}, "paths": {
            "/pets": {"get": {"operationId": "listPets", "tags": ["pets"], "responses": {"200": {"description": "d", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}}}}},
            "/pets/{id}": {"parameters": [{"$ref": "#/components/parameters/Id"}], "get": {"operationId": "getPet", "tags": ["pets"], "responses": {"200": {"description": "d", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}}}}},
            "/stores": {"get": {"operationId": "listStores", "tags": ["stores"], "responses": {"200": {"description": "d"}}}},
            "/misc": {"get": {"operationId": "misc", "responses": {"200": {"description": "d"}}}}
        }, "components": {
            "parameters": {"Id": {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}},
            "schemas": {"Pet": {"properties": {"owner": {"$ref": "#/components/schemas/Owner"}}}, "Owner": {"type": "object"}, "Store": {"type": "object"}}
        }})
    }

    #[test]
    fn tags_are_counted_and_untagged_operations_have_their_own() {
        let counts: Vec<(String, usize)> = tags(&whole()).into_iter().collect();
        assert_eq!(counts, [("pets".to_string(), 2), ("stores".to_string(), 1), ("untagged".to_string(), 1)]);
    }

    #[test]
    fn join_adds_the_enabled_tags_and_what_they_reach_and_ours_win() {
        let ours = json!({"openapi": "3.0.3", "info": {"title": "ours", "version": "1"}, "paths": {
            "/pets": {"get": {"operationId": "listPets", "description": "ours", "responses": {"200": {"description": "d"}}}}
        }, "components": {"schemas": {"Owner": {"type": "string", "description": "ours"}}}});
        let (doc, joined) = join(&ours, &whole(), &BTreeSet::from(["pets".to_string()]));
        assert_eq!(joined, Joined { operations: 1, components: 2 }, "getPet, Pet and Id; Owner is ours");
        assert_eq!(doc["paths"]["/pets"]["get"]["description"], "ours");
        assert_eq!(doc["paths"]["/pets/{id}"]["parameters"][0]["$ref"], "#/components/parameters/Id");
        assert_eq!(doc["components"]["schemas"]["Owner"]["description"], "ours");
        assert!(doc["paths"].get("/stores").is_none() && doc["components"]["schemas"].get("Store").is_none());
        let (doc, joined) = join(&ours, &whole(), &BTreeSet::from([UNTAGGED.to_string()]));
        assert_eq!((joined.operations, doc["paths"]["/misc"]["get"]["operationId"].as_str()), (1, Some("misc")));
    }

    #[test]
    fn join_brings_the_security_schemes_the_added_operations_name() {
        let mut whole = whole();
        whole["security"] = json!([{"Key": []}]);
        whole["paths"]["/stores"]["get"]["security"] = json!([{"CustomerJwt": []}, {"Publishable": []}]);
        whole["components"]["securitySchemes"] = json!({
            "Key": {"type": "apiKey", "in": "header", "name": "X-Key"},
            "CustomerJwt": {"type": "http", "scheme": "bearer"},
            "Publishable": {"type": "apiKey", "in": "header", "name": "Authorization"},
            "Unused": {"type": "http", "scheme": "basic"}
        });
        let ours = json!({"openapi": "3.0.3", "info": {"title": "ours", "version": "1"}, "paths": {},
            "security": [{"Ours": []}], "components": {"securitySchemes": {"Ours": {"type": "http", "scheme": "bearer"}}}});
        let enabled = BTreeSet::from(["pets".to_string(), "stores".to_string()]);
        let (doc, _) = join(&ours, &whole, &enabled);
        // (Map order depends on serde_json's `preserve_order`, which the
        // workspace turns on: compared sorted.)
        let mut schemes: Vec<&String> = doc["components"]["securitySchemes"].as_object().unwrap().keys().collect();
        schemes.sort();
        assert_eq!(schemes, ["CustomerJwt", "Key", "Ours", "Publishable"]);
        // An added operation without its own takes the whole document's
        // default, not ours.
        assert_eq!(doc["paths"]["/pets"]["get"]["security"], json!([{"Key": []}]));
        assert_eq!(doc["paths"]["/stores"]["get"]["security"], json!([{"CustomerJwt": []}, {"Publishable": []}]));
        // Where the defaults agree, nothing is added.
        let mut same = ours.clone();
        same["security"] = json!([{"Key": []}]);
        let (doc, _) = join(&same, &whole, &enabled);
        assert!(doc["paths"]["/pets"]["get"].get("security").is_none());
    }

    #[test]
    fn tags_go_to_parts_largest_first_to_the_lightest() {
        let mut paths = Map::new();
        for (i, (tag, n)) in [("big", 70), ("mid", 50), ("small", 30), ("tiny", 5)].iter().enumerate() {
            for k in 0..*n {
                paths.insert(format!("/{i}/{k}"), json!({"get": {"operationId": format!("{tag}{k}"), "tags": [tag]}}));
            }
        }
        let doc = json!({"paths": paths});
        // 155 operations: two parts; big to 1, mid to 2, small to 2 (50 < 70), tiny to 1 (70 < 80).
        let parts: Vec<(String, usize)> = parts(&doc).into_iter().collect();
        assert_eq!(parts, [("big".into(), 1), ("mid".into(), 2), ("small".into(), 2), ("tiny".into(), 1)]);
        assert_eq!(super::parts(&whole()).values().collect::<Vec<_>>(), [&1, &1, &1]);
        let enabled: BTreeSet<String> = ["b".to_string(), "c".to_string()].into();
        let op = json!({"tags": ["a", "c", "b"]});
        assert_eq!(enabled_tags(op.as_object().unwrap(), &enabled), ["c", "b"]);
        assert!(enabled_tags(json!({}).as_object().unwrap(), &enabled).is_empty());
    }
}
