//! One error type per operation. progenitor panics when an operation's error
//! responses carry different schemas, or a typed one sits beside a body-less
//! one. When any operation of the document has that mix, every error body of
//! the document becomes one component, `ErrorBody`: the superset of all the
//! document's error schemas (every property of each, required only where all
//! require it), so each vendor error still decodes, typed, into it. Where two
//! schemas give one property different types the property is widened: first
//! by dropping value constraints (`enum`, bounds, patterns), then to any JSON
//! value (lossy, noted).
//!
//! An operation that lists no error answer at all still gets the vendor's
//! errors (a 401, a 404, a 500 answer any of them): it is given `4XX` and
//! `5XX` with the document's error body (noted), so every operation of an
//! API fails with the same typed body.

use super::{Config, NormalizeError, Tally};
use crate::refs::{escape, resolve};
use crate::walk::{operations, operations_mut, OperationMut};
use serde_json::{json, Map, Value};

const JSON: &str = "application/json";
const NAME: &str = "ErrorBody";
/// Keywords that restrict values without changing the Rust type.
const CONSTRAINTS: &[&str] = &[
    "enum",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "pattern",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "multipleOf",
    "description",
    "title",
    "example",
    "default",
];

fn is_error_status(status: &str) -> bool {
    status.starts_with('4') || status.starts_with('5') || status == "default"
}

/// The JSON schema of a response (following a response `$ref`), or None
/// when it has no JSON body.
fn body_schema<'a>(doc: &'a Value, response: &'a Value) -> Option<&'a Value> {
    let response = match response.get("$ref").and_then(Value::as_str) {
        Some(r) => resolve(doc, r)?,
        None => response,
    };
    response.pointer(&format!("/content/{}/schema", escape(JSON)))
}

pub fn run(doc: &mut Value, _: &Config, t: &mut Tally) -> Result<(), NormalizeError> {
    // 1. Gather the error schemas and find out whether any operation mixes them.
    let snapshot = doc.clone();
    let mut distinct: Vec<Value> = Vec::new();
    let mut mixed = false;
    for operation in operations(&snapshot) {
        let here: Vec<Option<&Value>> = operation
            .op
            .get("responses")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter(|(status, _)| is_error_status(status))
            .map(|(_, r)| body_schema(&snapshot, r))
            .collect();
        for s in here.iter().flatten() {
            if !distinct.contains(s) {
                distinct.push((*s).clone());
            }
        }
        let first = here.first().copied().flatten();
        mixed |= here.iter().any(|s| *s != first);
    }
    if !mixed {
        // One error body (or none) throughout: the operations listing no
        // error answer get it.
        if let [only] = distinct.as_slice() {
            give_errors_to_bare_operations(doc, only, t);
        }
        return Ok(());
    }
    // 2. Build the superset.
    let mut name = NAME.to_string();
    let mut n = 2;
    while snapshot.pointer(&format!("/components/schemas/{name}")).is_some() {
        name = format!("{NAME}{n}");
        n += 1;
    }
    let superset = merge_all(&snapshot, &distinct, &name, t);
    let reference = json!({"$ref": format!("#/components/schemas/{name}")});
    // 3. Point every error response at it, component responses included.
    let mut shared = Vec::new();
    for OperationMut { pointer: ptr, op, .. } in operations_mut(doc) {
        let Some(Value::Object(responses)) = op.get_mut("responses") else { continue };
        for (status, r) in responses.iter_mut().filter(|(s, _)| is_error_status(s)) {
            if let Some(target) = r.get("$ref").and_then(Value::as_str) {
                if !shared.contains(&target.to_string()) {
                    shared.push(target.to_string());
                }
                continue;
            }
            point_at(r, &reference, &format!("{ptr}/responses/{}", escape(status)), t);
        }
    }
    for target in shared {
        let Some(r) = target.strip_prefix('#').and_then(|p| doc.pointer_mut(p)) else {
            return Err(NormalizeError::new(target.trim_start_matches('#'), "dangling response $ref"));
        };
        point_at(r, &reference, target.trim_start_matches('#'), t);
    }
    doc.pointer_mut("/components")
        .and_then(Value::as_object_mut)
        .ok_or_else(|| NormalizeError::new("/components", "missing"))?
        .entry("schemas")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .ok_or_else(|| NormalizeError::new("/components/schemas", "must be an object"))?
        .insert(name, superset);
    give_errors_to_bare_operations(doc, &reference, t);
    Ok(())
}

/// `4XX` and `5XX` answers with `schema` for each operation that lists no
/// error answer.
fn give_errors_to_bare_operations(doc: &mut Value, schema: &Value, t: &mut Tally) {
    for OperationMut { pointer, op, .. } in operations_mut(doc) {
        let Some(Value::Object(responses)) = op.get_mut("responses") else { continue };
        if responses.is_empty() || responses.keys().any(|s| is_error_status(s)) {
            continue;
        }
        for range in ["4XX", "5XX"] {
            let answer = json!({"description": "An error: the vendor's error body (this operation documents none of its own).",
                "content": {JSON: {"schema": schema}}});
            responses.insert(range.into(), answer);
        }
        t.note(format!("{pointer}/responses: no error answer listed; given 4XX and 5XX with the error body"));
    }
}

fn point_at(response: &mut Value, reference: &Value, ptr: &str, t: &mut Tally) {
    let Some(r) = response.as_object_mut() else { return };
    let content = r.entry("content").or_insert_with(|| json!({}));
    let had_body = content.get(JSON).is_some();
    if let Some(content) = content.as_object_mut() {
        content.insert(JSON.into(), json!({"schema": reference}));
    }
    if had_body {
        t.rewrite();
    } else {
        t.note(format!("{ptr}: body-less error response given the error body type (an empty body decodes as none)"));
    }
}

/// Properties, required names and openness of an object schema, with `$ref`
/// and `allOf` resolved.
#[derive(Default)]
struct Flat {
    properties: Map<String, Value>,
    required: Vec<String>,
}

fn flatten(doc: &Value, schema: &Value, depth: usize) -> Option<Flat> {
    if depth > 32 {
        return None;
    }
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        return flatten(doc, resolve(doc, r)?, depth + 1);
    }
    let mut flat = Flat::default();
    let ty = schema.get("type").and_then(Value::as_str);
    if ty.is_some_and(|t| t != "object") || schema.get("oneOf").is_some() || schema.get("anyOf").is_some() {
        return None;
    }
    for part in schema.get("allOf").and_then(Value::as_array).into_iter().flatten() {
        let f = flatten(doc, part, depth + 1)?;
        flat.properties.extend(f.properties);
        flat.required.extend(f.required);
    }
    if let Some(Value::Object(p)) = schema.get("properties") {
        flat.properties.extend(p.clone());
    }
    for r in schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
        flat.required.push(r.to_string());
    }
    Some(flat)
}

fn without_constraints(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            Value::Object(m.iter().filter(|(k, _)| !CONSTRAINTS.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect())
        }
        other => other.clone(),
    }
}

fn merge_all(doc: &Value, schemas: &[Value], name: &str, t: &mut Tally) -> Value {
    let mut properties: Map<String, Value> = Map::new();
    let mut required: Option<Vec<String>> = None;
    for s in schemas {
        let Some(flat) = flatten(doc, s, 0) else {
            t.lossy(format!("/components/schemas/{name}: an error schema that is not an object ({s}) left the error body untyped"));
            return json!({"description": "Any error body of this API."});
        };
        for (prop, schema) in flat.properties {
            match properties.get(&prop) {
                None => {
                    properties.insert(prop, schema);
                }
                Some(existing) if *existing == schema => {}
                Some(existing) if without_constraints(existing) == without_constraints(&schema) => {
                    if *existing == without_constraints(existing) {
                        continue; // already widened
                    }
                    t.note(format!("/components/schemas/{name}/properties/{prop}: value constraints dropped to cover every error schema"));
                    properties.insert(prop, without_constraints(&schema));
                }
                Some(_) => {
                    t.lossy(format!("/components/schemas/{name}/properties/{prop}: types differ between error schemas; any JSON value"));
                    properties.insert(prop, json!({}));
                }
            }
        }
        required = Some(match required {
            None => flat.required,
            Some(prev) => prev.into_iter().filter(|r| flat.required.contains(r)).collect(),
        });
    }
    let mut out = json!({
        "type": "object",
        "description": "An error body of this API: every member any of its error responses may carry.",
        "properties": properties,
    });
    if let Some(required) = required.filter(|r| !r.is_empty()) {
        out["required"] = json!(required);
    }
    out
}

#[cfg(test)]
mod tests {
    /// An operation listing no error answer gets the document's error body
    /// for 4XX and 5XX; one that lists errors keeps its own.
    #[test]
    fn an_operation_without_error_answers_gets_the_error_body() {
        let error = json!({"type": "object", "properties": {"detail": {"type": "string"}}});
        let mut doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "components": {"schemas": {"E": error}}, "paths": {
            "/a": {"get": {"operationId": "a", "responses": {"200": {"description": "ok"},
                "404": {"description": "e", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/E"}}}}}}},
            "/b": {"get": {"operationId": "b", "responses": {"200": {"description": "ok"}}}}
        }});
        let mut t = Tally::default();
        run(&mut doc, &Config::default(), &mut t).unwrap();
        let b = &doc["paths"]["/b"]["get"]["responses"];
        assert_eq!(b["4XX"]["content"]["application/json"]["schema"], json!({"$ref": "#/components/schemas/E"}));
        assert_eq!(b["5XX"]["content"]["application/json"]["schema"], json!({"$ref": "#/components/schemas/E"}));
        assert!(doc["paths"]["/a"]["get"]["responses"].get("4XX").is_none());
        assert_eq!(t.notes.len(), 1, "{:?}", t.notes);
    }

    use super::super::{run_pass, Config};
    use super::*;

    fn op(responses: Value) -> Value {
        json!({"responses": responses})
    }

    #[test]
    fn single_error_schema_is_left_alone() {
        let e = json!({"content": {"application/json": {"schema": {"$ref": "#/components/schemas/E"}}}});
        let mut doc = json!({"paths": {"/a": {"get": op(json!({"200": {}, "404": e, "400": e}))}}, "components": {"schemas": {"E": {"type": "object"}}}});
        let before = doc.clone();
        let t = run_pass(run, &mut doc, &Config::default());
        assert_eq!((doc, t.rewrites), (before, 0));
    }

    #[test]
    fn mixed_error_schemas_become_one_superset() {
        let mut doc = json!({
            "paths": {"/a": {"post": op(json!({
                "204": {"description": "ok"},
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "422": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Invalid"}}}},
                "500": {"description": "no body"}
            }))}},
            "components": {
                "responses": {"Unauthorized": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Unauthorized"}}}}},
                "schemas": {
                    "Problem": {"type": "object", "required": ["title"], "properties": {"title": {"type": "string"}}},
                    "Unauthorized": {"allOf": [{"$ref": "#/components/schemas/Problem"},
                        {"properties": {"status": {"type": "integer", "enum": [401]}}}]},
                    "Invalid": {"allOf": [{"$ref": "#/components/schemas/Problem"},
                        {"required": ["fields"], "properties": {"status": {"type": "integer", "enum": [422]},
                         "fields": {"type": "array", "items": {"type": "string"}}}}]}
                }
            }
        });
        let t = run_pass(run, &mut doc, &Config::default());
        let body = &doc["components"]["schemas"]["ErrorBody"];
        assert_eq!(body["required"], json!(["title"]));
        assert_eq!(body["properties"]["status"], json!({"type": "integer"}));
        assert_eq!(body["properties"]["fields"]["type"], "array");
        let want = json!({"$ref": "#/components/schemas/ErrorBody"});
        let responses = &doc["paths"]["/a"]["post"]["responses"];
        assert_eq!(responses["422"]["content"]["application/json"]["schema"], want);
        assert_eq!(responses["500"]["content"]["application/json"]["schema"], want);
        assert_eq!(responses["401"], json!({"$ref": "#/components/responses/Unauthorized"}));
        assert_eq!(doc["components"]["responses"]["Unauthorized"]["content"]["application/json"]["schema"], want);
        assert!(responses["204"].get("content").is_none());
        assert_eq!((t.rewrites, t.lossy), (4, 0), "{:?}", t.notes);
    }

    #[test]
    fn conflicting_property_types_are_lossy() {
        let mut doc = json!({"paths": {"/a": {"get": op(json!({
            "400": {"content": {"application/json": {"schema": {"properties": {"code": {"type": "string"}}}}}},
            "500": {"content": {"application/json": {"schema": {"properties": {"code": {"type": "integer"}}}}}}
        }))}}, "components": {}});
        let t = run_pass(run, &mut doc, &Config::default());
        assert_eq!(doc["components"]["schemas"]["ErrorBody"]["properties"]["code"], json!({}));
        assert_eq!(t.lossy, 1);
    }
}
