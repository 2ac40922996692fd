//! `cargo xtask diff OLD NEW`: what changed between two versions of an
//! OpenAPI document, with the changes that break a client flagged, and the
//! generated Rust items each change touches.
//!
//! Operations are matched by method and path, schemas by component name.
//! Schemas are compared structurally without following `$ref`s (a ref is
//! compared by the name it points to); each changed place is named by a
//! path such as `Invoice.lines[].amount`.

use crate::normalize::walk::operations;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// One change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, PartialOrd, Ord)]
pub struct Change {
    /// Where: `GET /pets` or `Pet.name`.
    pub at: String,
    /// What happened, in words.
    pub what: String,
    /// Whether code written against the old document can break.
    pub breaking: bool,
    /// The generated Rust item a downstream crate sees change.
    pub rust: String,
}

/// Everything that changed. Serialized with `--json`.
#[derive(Debug, Default, Serialize)]
pub struct Report {
    pub operations_added: Vec<Change>,
    pub operations_removed: Vec<Change>,
    pub operations_changed: Vec<Change>,
    pub schemas_added: Vec<Change>,
    pub schemas_removed: Vec<Change>,
    pub schemas_changed: Vec<Change>,
    /// The breaking ones among all of the above.
    pub breaking: Vec<Change>,
}

/// progenitor's method name for an operationId.
fn method_name(id: &str) -> String {
    crate::normalize::operation_ids::snake(id)
}

/// typify's type name for a component name.
pub use crate::normalize::schema_names::type_name;

struct Op<'a> {
    id: String,
    op: &'a Map<String, Value>,
    /// Path-level parameters, which apply to every operation of the path.
    shared: Vec<Value>,
}

fn ops(doc: &Value) -> BTreeMap<String, Op<'_>> {
    // `operations` wants `&mut`; work on a copy to find the keys, then
    // borrow the originals.
    let mut scratch = doc.clone();
    let keys: Vec<(String, String)> = operations(&mut scratch).into_iter().map(|(_, path, method, _)| (path, method)).collect();
    keys.into_iter()
        .filter_map(|(path, method)| {
            let item = doc.get("paths")?.get(&path)?;
            let op = item.get(&method)?.as_object()?;
            let id = op.get("operationId").and_then(Value::as_str).map_or_else(|| format!("{method}_{path}"), str::to_string);
            let shared = item.get("parameters").and_then(Value::as_array).cloned().unwrap_or_default();
            Some((format!("{} {path}", method.to_uppercase()), Op { id, op, shared }))
        })
        .collect()
}

fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')).and_then(|p| doc.pointer(p)) {
        Some(target) if target.get("$ref").is_none() => target,
        _ => v,
    }
}

/// Parameters of an operation, keyed `in:name`, with path-level ones.
fn params<'a>(doc: &'a Value, op: &'a Op<'a>) -> BTreeMap<String, &'a Value> {
    let own = op.op.get("parameters").and_then(Value::as_array).into_iter().flatten();
    let mut out = BTreeMap::new();
    for p in op.shared.iter().chain(own) {
        let p = resolve(doc, p);
        // `shared` is owned by `op`, so the reference lives as long as `op`.
        if let (Some(name), Some(loc)) = (p.get("name").and_then(Value::as_str), p.get("in").and_then(Value::as_str)) {
            out.insert(format!("{loc}:{name}"), p);
        }
    }
    out
}

fn required(p: &Value) -> bool {
    p.get("required").and_then(Value::as_bool).unwrap_or(false)
}

/// The schema of a JSON body (request body or response), refs to
/// components followed once.
fn body_schema<'a>(doc: &'a Value, holder: &'a Value) -> Option<&'a Value> {
    let holder = resolve(doc, holder);
    let content = holder.get("content")?.as_object()?;
    let (_, media) = content.iter().find(|(m, _)| m.contains("json")).or_else(|| content.iter().next())?;
    media.get("schema")
}

/// The names of component schemas used by request bodies and parameters,
/// directly or through other schemas: where a new required field breaks.
fn request_schemas(doc: &Value) -> BTreeSet<String> {
    let mut roots = Vec::new();
    for op in ops(doc).values() {
        if let Some(body) = op.op.get("requestBody").and_then(|b| body_schema(doc, b)) {
            roots.push(body.clone());
        }
        for p in params(doc, op).values() {
            if let Some(s) = p.get("schema") {
                roots.push(s.clone());
            }
        }
    }
    let mut seen = BTreeSet::new();
    while let Some(v) = roots.pop() {
        collect_refs(&v, &mut |name| {
            if seen.insert(name.to_string()) {
                if let Some(s) = doc.pointer(&format!("/components/schemas/{}", crate::normalize::walk::escape(name))) {
                    roots.push(s.clone());
                }
            }
        });
    }
    seen
}

fn collect_refs(v: &Value, found: &mut dyn FnMut(&str)) {
    match v {
        Value::Object(m) => {
            if let Some(name) = m.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/components/schemas/")) {
                found(name);
            }
            m.values().for_each(|c| collect_refs(c, found));
        }
        Value::Array(a) => a.iter().for_each(|c| collect_refs(c, found)),
        _ => {}
    }
}

/// A short signature of a schema's type: what a Rust type would be made of.
fn kind(s: &Value) -> String {
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        return format!("ref {}", r.rsplit('/').next().unwrap_or(r));
    }
    let ty = match s.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(ts)) => {
            let mut ts: Vec<String> = ts.iter().filter_map(Value::as_str).filter(|t| *t != "null").map(String::from).collect();
            ts.sort();
            ts.join("|")
        }
        _ => ["allOf", "oneOf", "anyOf"].iter().find(|k| s.get(**k).is_some()).map_or("any".to_string(), |k| k.to_string()),
    };
    match (ty.as_str(), s.get("format").and_then(Value::as_str)) {
        ("array", _) => format!("array of {}", s.get("items").map_or("any".into(), kind)),
        (t, Some(f)) => format!("{t} ({f})"),
        (t, None) => t.to_string(),
    }
}

fn nullable(s: &Value) -> bool {
    s.get("nullable") == Some(&Value::Bool(true))
        || s.get("type").and_then(Value::as_array).is_some_and(|ts| ts.iter().any(|t| t == "null"))
        || ["anyOf", "oneOf"].iter().any(|k| {
            s.get(*k).and_then(Value::as_array).is_some_and(|a| a.iter().any(|m| m.get("type") == Some(&Value::String("null".into()))))
        })
}

fn enum_values(s: &Value) -> Option<Vec<&Value>> {
    s.get("enum").and_then(Value::as_array).map(|v| v.iter().collect())
}

fn required_names(s: &Value) -> BTreeSet<String> {
    s.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(String::from).collect()
}

/// Compares two schemas at `at`, pushing changes. `in_request` says whether
/// a client sends values of this schema.
fn compare(at: &str, rust: &str, old: &Value, new: &Value, in_request: bool, out: &mut Vec<Change>, depth: usize) {
    let change = |what: String, breaking: bool| Change { at: at.to_string(), what, breaking, rust: rust.to_string() };
    if depth > 12 || old == new {
        return;
    }
    let (ko, kn) = (kind(old), kind(new));
    if ko != kn {
        out.push(change(format!("type {ko} → {kn}"), true));
        return;
    }
    if let (Some(eo), Some(en)) = (enum_values(old), enum_values(new)) {
        for v in eo.iter().filter(|v| !en.contains(v)) {
            out.push(change(format!("enum value {v} removed"), true));
        }
        for v in en.iter().filter(|v| !eo.contains(v)) {
            out.push(change(format!("enum value {v} added"), false));
        }
    }
    match (nullable(old), nullable(new)) {
        (true, false) => out.push(change("nullable → non-null".into(), in_request)),
        (false, true) => out.push(change("non-null → nullable".into(), !in_request)),
        _ => {}
    }
    let (po, pn) = (old.get("properties").and_then(Value::as_object), new.get("properties").and_then(Value::as_object));
    let (ro, rn) = (required_names(old), required_names(new));
    if let (Some(po), Some(pn)) = (po, pn) {
        for (name, s) in po {
            match pn.get(name) {
                None => out.push(change(format!("field {name} removed"), true)),
                Some(n) => compare(&format!("{at}.{name}"), rust, s, n, in_request, out, depth + 1),
            }
        }
        for name in pn.keys().filter(|n| !po.contains_key(*n)) {
            let req = rn.contains(name);
            let breaking = req && in_request;
            out.push(Change {
                at: at.to_string(),
                what: format!("field {name} added{}", if req { " (required)" } else { "" }),
                breaking,
                rust: rust.to_string(),
            });
        }
    }
    for name in rn.difference(&ro) {
        if po.is_some_and(|p| p.contains_key(name)) {
            out.push(Change {
                at: at.to_string(),
                what: format!("field {name} became required"),
                breaking: in_request,
                rust: rust.to_string(),
            });
        }
    }
    if let (Some(io), Some(inew)) = (old.get("items"), new.get("items")) {
        compare(&format!("{at}[]"), rust, io, inew, in_request, out, depth + 1);
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let (Some(Value::Array(a)), Some(Value::Array(b))) = (old.get(key), new.get(key)) {
            if a.len() != b.len() {
                out.push(Change {
                    at: at.to_string(),
                    what: format!("{key} has {} members, was {}", b.len(), a.len()),
                    breaking: true,
                    rust: rust.to_string(),
                });
            } else {
                for (i, (x, y)) in a.iter().zip(b).enumerate() {
                    compare(&format!("{at}<{key} {i}>"), rust, x, y, in_request, out, depth + 1);
                }
            }
        }
    }
}

/// Compares `old` with `new`.
pub fn diff(old: &Value, new: &Value) -> Report {
    let mut r = Report::default();
    let (oo, no) = (ops(old), ops(new));
    let requests_old = request_schemas(old);
    let requests_new = request_schemas(new);
    for (key, op) in &oo {
        if !no.contains_key(key) {
            r.operations_removed.push(Change {
                at: key.clone(),
                what: format!("operation {} removed", op.id),
                breaking: true,
                rust: format!("Client::{}", method_name(&op.id)),
            });
        }
    }
    for (key, op) in &no {
        let rust = format!("Client::{}", method_name(&op.id));
        let Some(before) = oo.get(key) else {
            r.operations_added.push(Change { at: key.clone(), what: format!("operation {} added", op.id), breaking: false, rust });
            continue;
        };
        let mut changes = Vec::new();
        let change = |what: String, breaking: bool| Change { at: key.clone(), what, breaking, rust: rust.clone() };
        if before.id != op.id {
            changes.push(change(format!("operationId {} → {}", before.id, op.id), true));
        }
        let (pb, pa) = (params(old, before), params(new, op));
        for (name, p) in &pb {
            match pa.get(name) {
                None => changes.push(change(format!("parameter {name} removed"), true)),
                Some(q) => {
                    match (required(p), required(q)) {
                        (false, true) => changes.push(change(format!("parameter {name} became required"), true)),
                        (true, false) => changes.push(change(format!("parameter {name} became optional"), false)),
                        _ => {}
                    }
                    let (so, sn) = (p.get("schema").unwrap_or(&Value::Null), q.get("schema").unwrap_or(&Value::Null));
                    let mut inner = Vec::new();
                    compare(&format!("{key} parameter {name}"), &rust, so, sn, true, &mut inner, 0);
                    changes.extend(inner);
                }
            }
        }
        for (name, q) in &pa {
            if !pb.contains_key(name) {
                let req = required(q);
                changes.push(Change {
                    at: key.clone(),
                    what: format!("parameter {name} added{}", if req { " (required)" } else { "" }),
                    breaking: req,
                    rust: rust.clone(),
                });
            }
        }
        let body = |doc: &'_ Value, o: &Op| o.op.get("requestBody").and_then(|b| body_schema(doc, b)).cloned();
        match (body(old, before), body(new, op)) {
            (Some(a), Some(b)) => compare(&format!("{key} request body"), &rust, &a, &b, true, &mut changes, 0),
            (None, Some(_)) => {
                changes.push(Change { at: key.clone(), what: "request body added".into(), breaking: true, rust: rust.clone() })
            }
            (Some(_), None) => {
                changes.push(Change { at: key.clone(), what: "request body removed".into(), breaking: true, rust: rust.clone() })
            }
            (None, None) => {}
        }
        let responses = |doc: &'_ Value, o: &Op| -> BTreeMap<String, Option<Value>> {
            o.op.get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(s, r)| (s.clone(), body_schema(doc, r).cloned()))
                .collect()
        };
        let (ra, rb) = (responses(old, before), responses(new, op));
        for (status, a) in &ra {
            match (a, rb.get(status)) {
                (_, None) => changes.push(Change {
                    at: key.clone(),
                    what: format!("response {status} removed"),
                    breaking: status.starts_with('2'),
                    rust: rust.clone(),
                }),
                (Some(a), Some(Some(b))) => compare(&format!("{key} response {status}"), &rust, a, b, false, &mut changes, 0),
                (None, Some(Some(_))) => changes.push(Change {
                    at: key.clone(),
                    what: format!("response {status} now has a body"),
                    breaking: false,
                    rust: rust.clone(),
                }),
                (Some(_), Some(None)) => changes.push(Change {
                    at: key.clone(),
                    what: format!("response {status} lost its body"),
                    breaking: true,
                    rust: rust.clone(),
                }),
                (None, Some(None)) => {}
            }
        }
        for status in rb.keys().filter(|s| !ra.contains_key(*s)) {
            changes.push(Change { at: key.clone(), what: format!("response {status} added"), breaking: false, rust: rust.clone() });
        }
        r.operations_changed.extend(changes);
    }
    let schemas = |doc: &Value| doc.pointer("/components/schemas").and_then(Value::as_object).cloned().unwrap_or_default();
    let (so, sn) = (schemas(old), schemas(new));
    for (name, s) in &so {
        let rust = format!("types::{}", type_name(name));
        match sn.get(name) {
            None => r.schemas_removed.push(Change { at: name.clone(), what: "schema removed".into(), breaking: true, rust }),
            Some(n) => compare(name, &rust, s, n, requests_old.contains(name) || requests_new.contains(name), &mut r.schemas_changed, 0),
        }
    }
    for name in sn.keys().filter(|n| !so.contains_key(*n)) {
        r.schemas_added.push(Change {
            at: name.clone(),
            what: "schema added".into(),
            breaking: false,
            rust: format!("types::{}", type_name(name)),
        });
    }
    for list in
        [&r.operations_added, &r.operations_removed, &r.operations_changed, &r.schemas_added, &r.schemas_removed, &r.schemas_changed]
    {
        r.breaking.extend(list.iter().filter(|c| c.breaking).cloned());
    }
    r
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sections = [
            ("Operations added", &self.operations_added),
            ("Operations removed", &self.operations_removed),
            ("Operations changed", &self.operations_changed),
            ("Schemas added", &self.schemas_added),
            ("Schemas removed", &self.schemas_removed),
            ("Schemas changed", &self.schemas_changed),
        ];
        writeln!(
            f,
            "{} breaking change(s); operations +{} -{} ~{}; schemas +{} -{} ~{}",
            self.breaking.len(),
            self.operations_added.len(),
            self.operations_removed.len(),
            self.operations_changed.len(),
            self.schemas_added.len(),
            self.schemas_removed.len(),
            self.schemas_changed.len()
        )?;
        for (title, list) in sections {
            if list.is_empty() {
                continue;
            }
            writeln!(f, "\n{title}:")?;
            for c in list {
                let flag = if c.breaking { "BREAKING " } else { "" };
                writeln!(f, "  {flag}{}: {}  [{}]", c.at, c.what, c.rust)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(paths: Value, schemas: Value) -> Value {
        json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths, "components": {"schemas": schemas}})
    }

    fn pet_api(pet: Value, extra_param: Option<Value>) -> Value {
        let mut params = vec![json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string"}})];
        params.extend(extra_param);
        doc(
            json!({
                "/pets/{id}": {"get": {"operationId": "getPet", "parameters": params,
                    "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}}}}},
                "/pets": {"post": {"operationId": "createPet",
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewPet"}}}},
                    "responses": {"201": {"description": "ok"}}}}
            }),
            json!({
                "Pet": pet,
                "NewPet": {"type": "object", "properties": {"name": {"type": "string"}}},
                "Kind": {"type": "string", "enum": ["cat", "dog"]}
            }),
        )
    }

    fn pet() -> Value {
        json!({"type": "object", "required": ["id"], "properties": {
            "id": {"type": "string"}, "name": {"type": "string", "nullable": true}, "kind": {"$ref": "#/components/schemas/Kind"}
        }})
    }

    #[test]
    fn identical_documents_have_no_changes() {
        let r = diff(&pet_api(pet(), None), &pet_api(pet(), None));
        assert_eq!(r.to_string().lines().next().unwrap(), "0 breaking change(s); operations +0 -0 ~0; schemas +0 -0 ~0");
    }

    #[test]
    fn field_removed_type_changed_and_new_optional_field() {
        let mut new = pet();
        new["properties"].as_object_mut().unwrap().remove("name");
        new["properties"]["id"] = json!({"type": "integer"});
        new["properties"]["age"] = json!({"type": "integer"});
        let r = diff(&pet_api(pet(), None), &pet_api(new, None));
        let got: Vec<(String, String, bool)> = r.schemas_changed.iter().map(|c| (c.at.clone(), c.what.clone(), c.breaking)).collect();
        assert_eq!(
            got,
            [
                ("Pet.id".to_string(), "type string → integer".to_string(), true),
                ("Pet".to_string(), "field name removed".to_string(), true),
                ("Pet".to_string(), "field age added".to_string(), false),
            ]
        );
        assert_eq!(r.breaking.len(), 2);
        assert_eq!(r.schemas_changed[0].rust, "types::Pet");
    }

    #[test]
    fn new_required_parameter_and_request_field_break_and_so_does_a_response_field_turning_nullable() {
        let old = pet_api(pet(), None);
        let mut new = pet_api(pet(), Some(json!({"name": "expand", "in": "query", "required": true, "schema": {"type": "string"}})));
        new["components"]["schemas"]["NewPet"] = json!({"type": "object", "required": ["name", "owner"], "properties": {"name": {"type": "string"}, "owner": {"type": "string"}}});
        new["components"]["schemas"]["Pet"]["properties"]["id"]["nullable"] = json!(true);
        let r = diff(&old, &new);
        let breaking: Vec<String> = r.breaking.iter().map(|c| format!("{}: {}", c.at, c.what)).collect();
        // A response field that may now be null fails old clients (and turns
        // `T` into `Option<T>` in Rust).
        assert_eq!(
            breaking,
            [
                "GET /pets/{id}: parameter query:expand added (required)",
                "Pet.id: non-null → nullable",
                "NewPet: field owner added (required)",
                "NewPet: field name became required",
            ]
        );
        assert_eq!(r.operations_changed[0].rust, "Client::get_pet");
    }

    #[test]
    fn enum_value_removed_nullable_dropped_in_request_and_operation_removed() {
        let old = pet_api(pet(), None);
        let mut new = old.clone();
        new["components"]["schemas"]["Kind"]["enum"] = json!(["cat", "bird"]);
        new["components"]["schemas"]["NewPet"]["properties"]["name"]["nullable"] = json!(false);
        let mut nullable_old = old.clone();
        nullable_old["components"]["schemas"]["NewPet"]["properties"]["name"]["nullable"] = json!(true);
        new["paths"].as_object_mut().unwrap().remove("/pets");
        new["paths"]["/pets/{id}"]["delete"] = json!({"operationId": "deletePet", "responses": {"204": {"description": "gone"}}});
        let r = diff(&nullable_old, &new);
        let breaking: Vec<String> = r.breaking.iter().map(|c| format!("{}: {}", c.at, c.what)).collect();
        assert_eq!(
            breaking,
            ["POST /pets: operation createPet removed", "NewPet.name: nullable → non-null", "Kind: enum value \"dog\" removed"]
        );
        assert_eq!(r.operations_added[0].rust, "Client::delete_pet");
        let text = r.to_string();
        assert!(text.starts_with("3 breaking change(s); operations +1 -1 ~0; schemas +0 -0 ~3"), "{text}");
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["operations_removed"][0]["at"], "POST /pets");
        assert_eq!(json["breaking"].as_array().unwrap().len(), 3);
    }
}

#[cfg(test)]
mod upstream_tests {
    use super::*;

    /// `$UPSTREAM_SPECS`, else `../shared/specs-upstream` beside the workspace.
    pub fn upstream_dir() -> std::path::PathBuf {
        std::env::var_os("UPSTREAM_SPECS").map(std::path::PathBuf::from).unwrap_or_else(|| crate::root().join("../shared/specs-upstream"))
    }

    /// Needs the vendor documents: `.ci/run` runs it with `--ignored` when
    /// they are there (`$UPSTREAM_SPECS` or `../shared/specs-upstream`).
    #[test]
    #[ignore = "needs ../shared/specs-upstream; run with --ignored"]
    fn monite_with_one_operation_removed_and_one_enum_value_dropped() {
        let path = upstream_dir().join("monite/openapi.json");
        let old = crate::document::read(&path).unwrap_or_else(|e| panic!("{e:#} (set UPSTREAM_SPECS to the specs-upstream folder)"));
        let mut new = old.clone();
        let push = new["paths"]["/accounting_synced_records/{synced_record_id}/push"].as_object_mut().unwrap();
        assert!(push.remove("post").is_some());
        let statuses = new["components"]["schemas"]["SyncStatus"]["enum"].as_array_mut().unwrap();
        statuses.retain(|v| v != "error");
        let r = diff(&old, &new);
        let breaking: Vec<(String, String, String)> = r.breaking.iter().map(|c| (c.at.clone(), c.what.clone(), c.rust.clone())).collect();
        assert_eq!(
            breaking,
            [
                (
                    "POST /accounting_synced_records/{synced_record_id}/push".to_string(),
                    "operation post_accounting_synced_records_id_push removed".to_string(),
                    "Client::post_accounting_synced_records_id_push".to_string()
                ),
                ("SyncStatus".to_string(), "enum value \"error\" removed".to_string(), "types::SyncStatus".to_string()),
            ]
        );
        assert_eq!((r.operations_changed.len(), r.schemas_removed.len(), r.schemas_added.len()), (0, 0, 0));
    }
}
