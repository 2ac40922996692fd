//! `cargo xtask diff OLD NEW`: what changed between two versions of an
//! OpenAPI document, with the changes that break a client flagged, and the
//! generated Rust items each change touches.
//!
//! Operations are matched by method and path, schemas by component name.
//! Schemas are compared structurally without following `$ref`s (a ref is
//! compared by the name it points to); each changed place is named by a
//! path such as `Invoice.lines[].amount`.

use crate::naming::{method_name, rust_type_name};
use crate::refs::{body_schema, reachable_schemas};
use crate::walk::{operations, Operation};
use serde::Serialize;
use serde_json::Value;
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

struct Op<'a> {
    id: String,
    operation: Operation<'a>,
}

fn ops(doc: &Value) -> BTreeMap<String, Op<'_>> {
    operations(doc)
        .into_iter()
        .map(|operation| {
            let (method, path) = (operation.method, operation.path);
            let id = operation.id().map_or_else(|| format!("{method}_{path}"), str::to_string);
            (format!("{} {path}", method.to_uppercase()), Op { id, operation })
        })
        .collect()
}

/// Parameters of an operation, keyed `in:name`, with path-level ones.
fn params<'a>(doc: &'a Value, op: &Op<'a>) -> BTreeMap<String, &'a Value> {
    let mut out = BTreeMap::new();
    for p in op.operation.parameters(doc) {
        if let (Some(name), Some(loc)) = (p.get("name").and_then(Value::as_str), p.get("in").and_then(Value::as_str)) {
            out.insert(format!("{loc}:{name}"), p);
        }
    }
    out
}

fn required(p: &Value) -> bool {
    p.get("required").and_then(Value::as_bool).unwrap_or(false)
}

/// The names of component schemas used by request bodies and parameters,
/// directly or through other schemas: where a new required field breaks.
fn request_schemas(doc: &Value) -> BTreeSet<String> {
    let mut roots = Vec::new();
    for op in ops(doc).values() {
        roots.extend(op.operation.request_body().and_then(|b| body_schema(doc, b)));
        roots.extend(params(doc, op).values().filter_map(|p| p.get("schema")));
    }
    reachable_schemas(doc, roots)
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
        let Some(before) = oo.get(key) else {
            let rust = format!("Client::{}", method_name(&op.id));
            r.operations_added.push(Change { at: key.clone(), what: format!("operation {} added", op.id), breaking: false, rust });
            continue;
        };
        let mut at = Place { key, rust: format!("Client::{}", method_name(&op.id)), changes: Vec::new() };
        if before.id != op.id {
            at.push(format!("operationId {} → {}", before.id, op.id), true);
        }
        compare_parameters(&mut at, (old, before), (new, op));
        compare_request_bodies(&mut at, (old, before), (new, op));
        compare_responses(&mut at, (old, before), (new, op));
        r.operations_changed.extend(at.changes);
    }
    compare_schemas(&mut r, old, new);
    for list in
        [&r.operations_added, &r.operations_removed, &r.operations_changed, &r.schemas_added, &r.schemas_removed, &r.schemas_changed]
    {
        r.breaking.extend(list.iter().filter(|c| c.breaking).cloned());
    }
    r
}

/// One operation present in both documents, and what changed in it.
struct Place<'k> {
    key: &'k str,
    rust: String,
    changes: Vec<Change>,
}

impl Place<'_> {
    fn push(&mut self, what: String, breaking: bool) {
        self.changes.push(Change { at: self.key.to_string(), what, breaking, rust: self.rust.clone() });
    }

    fn compare(&mut self, what: &str, old: &Value, new: &Value, in_request: bool) {
        compare(&format!("{} {what}", self.key), &self.rust, old, new, in_request, &mut self.changes, 0);
    }
}

/// An operation with the document it is read from.
type Side<'a, 'o> = (&'a Value, &'o Op<'a>);

fn compare_parameters(at: &mut Place, (old, before): Side, (new, after): Side) {
    let (pb, pa) = (params(old, before), params(new, after));
    for (name, p) in &pb {
        let Some(q) = pa.get(name) else {
            at.push(format!("parameter {name} removed"), true);
            continue;
        };
        match (required(p), required(q)) {
            (false, true) => at.push(format!("parameter {name} became required"), true),
            (true, false) => at.push(format!("parameter {name} became optional"), false),
            _ => {}
        }
        let (so, sn) = (p.get("schema").unwrap_or(&Value::Null), q.get("schema").unwrap_or(&Value::Null));
        at.compare(&format!("parameter {name}"), so, sn, true);
    }
    for (name, q) in pa.iter().filter(|(name, _)| !pb.contains_key(*name)) {
        let req = required(q);
        at.push(format!("parameter {name} added{}", if req { " (required)" } else { "" }), req);
    }
}

fn compare_request_bodies(at: &mut Place, (old, before): Side, (new, after): Side) {
    let body = |doc: &Value, o: &Op| o.operation.request_body().and_then(|b| body_schema(doc, b)).cloned();
    match (body(old, before), body(new, after)) {
        (Some(a), Some(b)) => at.compare("request body", &a, &b, true),
        (None, Some(_)) => at.push("request body added".into(), true),
        (Some(_), None) => at.push("request body removed".into(), true),
        (None, None) => {}
    }
}

fn compare_responses(at: &mut Place, (old, before): Side, (new, after): Side) {
    let responses = |doc: &Value, o: &Op| -> BTreeMap<String, Option<Value>> {
        let all = o.operation.op.get("responses").and_then(Value::as_object);
        all.into_iter().flatten().map(|(s, r)| (s.clone(), body_schema(doc, r).cloned())).collect()
    };
    let (ra, rb) = (responses(old, before), responses(new, after));
    for (status, a) in &ra {
        match (a, rb.get(status)) {
            (_, None) => at.push(format!("response {status} removed"), status.starts_with('2')),
            (Some(a), Some(Some(b))) => at.compare(&format!("response {status}"), a, b, false),
            (None, Some(Some(_))) => at.push(format!("response {status} now has a body"), false),
            (Some(_), Some(None)) => at.push(format!("response {status} lost its body"), true),
            (None, Some(None)) => {}
        }
    }
    for status in rb.keys().filter(|s| !ra.contains_key(*s)) {
        at.push(format!("response {status} added"), false);
    }
}

fn compare_schemas(r: &mut Report, old: &Value, new: &Value) {
    let requests: BTreeSet<String> = request_schemas(old).into_iter().chain(request_schemas(new)).collect();
    let schemas = |doc: &Value| doc.pointer("/components/schemas").and_then(Value::as_object).cloned().unwrap_or_default();
    let (so, sn) = (schemas(old), schemas(new));
    for (name, s) in &so {
        let rust = format!("types::{}", rust_type_name(name));
        match sn.get(name) {
            None => r.schemas_removed.push(Change { at: name.clone(), what: "schema removed".into(), breaking: true, rust }),
            Some(n) => compare(name, &rust, s, n, requests.contains(name), &mut r.schemas_changed, 0),
        }
    }
    for name in sn.keys().filter(|n| !so.contains_key(*n)) {
        let rust = format!("types::{}", rust_type_name(name));
        r.schemas_added.push(Change { at: name.clone(), what: "schema added".into(), breaking: false, rust });
    }
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

    /// Operations are labelled with the method progenitor generates.
    #[test]
    fn operations_are_labelled_with_progenitors_method_names() {
        let op = |id: &str| json!({"get": {"operationId": id, "responses": {"200": {"description": "ok"}}}});
        let new = json!({"openapi": "3.0.3", "paths": {"/a": op("GetHTTPThing"), "/b": op("type")}});
        let r = diff(&json!({"openapi": "3.0.3", "paths": {}}), &new);
        let mut labels: Vec<&str> = r.operations_added.iter().map(|p| p.rust.as_str()).collect();
        labels.sort_unstable();
        assert_eq!(labels, ["Client::get_http_thing", "Client::type_"]);
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
        std::env::var_os("UPSTREAM_SPECS")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/specs-upstream"))
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
