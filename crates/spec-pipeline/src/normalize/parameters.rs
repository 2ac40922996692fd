//! Parameters progenitor refuses or panics on, each made into what it takes:
//! - `in: cookie`: refused. Dropped (lossy, noted): send the cookie with
//!   `CallOptions::header("cookie", …)`.
//! - `content` in place of `schema` (a JSON-encoded parameter): refused. It
//!   becomes a string the caller fills with the encoded value (lossy: the
//!   type is not checked).
//! - an object-valued query parameter: refused (`deepObject`) or a panic
//!   (form). A `deepObject` or exploded form object of scalar properties
//!   becomes one query parameter per property (`filter[status]`, or
//!   `status`), which is exactly what goes on the wire; any other object
//!   becomes a string the caller encodes (lossy).
//! - a query parameter named like a path parameter of the same operation:
//!   a panic. The query one is dropped (lossy, noted).
//!
//! Parameters given as `$ref` are read through and, when rewritten, written
//! inline.

use super::{Config, NormalizeError, Tally};
use crate::refs::deref;
use crate::walk::{operations_mut, OperationMut};
use serde_json::{json, Map, Value};

fn scalar(schema: &Value) -> bool {
    matches!(schema.get("type").and_then(Value::as_str), Some("string" | "integer" | "number" | "boolean"))
}

/// What to do with one parameter: keep it, drop it, or put others instead.
enum Fate {
    Keep,
    Drop(String),
    Replace(Vec<Value>, Option<String>),
}

fn fate(snapshot: &Value, p: &Value, path_names: &[String]) -> Fate {
    let resolved = deref(snapshot, p);
    let name = resolved.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
    let location = resolved.get("in").and_then(Value::as_str).unwrap_or_default();
    if location == "cookie" {
        return Fate::Drop(format!("cookie parameter {name} dropped: send it as a Cookie header"));
    }
    if location == "query" && path_names.contains(&name) {
        return Fate::Drop(format!("query parameter {name} has the name of a path parameter: dropped"));
    }
    if resolved.get("schema").is_none() && resolved.get("content").is_some() {
        let mut inline: Map<String, Value> = resolved.as_object().cloned().unwrap_or_default();
        let media = inline.remove("content").and_then(|c| c.as_object().and_then(|c| c.keys().next().cloned())).unwrap_or_default();
        inline.insert("schema".into(), json!({"type": "string", "description": format!("The value encoded as {media}.")}));
        return Fate::Replace(
            vec![Value::Object(inline)],
            Some(format!("parameter {name} described by content ({media}): now a string the caller encodes")),
        );
    }
    let Some(schema) = resolved.get("schema").map(|s| deref(snapshot, s)) else { return Fate::Keep };
    if location != "query" || schema.get("type").and_then(Value::as_str) != Some("object") && schema.get("properties").is_none() {
        return Fate::Keep;
    }
    let style = resolved.get("style").and_then(Value::as_str).unwrap_or("form");
    let explode = resolved.get("explode").and_then(Value::as_bool).unwrap_or(style == "form");
    let properties = schema.get("properties").and_then(Value::as_object);
    let all_scalar = properties.is_some_and(|ps| !ps.is_empty() && ps.values().all(|s| scalar(deref(snapshot, s))));
    if all_scalar && (style == "deepObject" || (style == "form" && explode)) {
        let required: Vec<&str> =
            schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
        let parameter_required = resolved.get("required").and_then(Value::as_bool).unwrap_or(false);
        let exploded = properties
            .into_iter()
            .flatten()
            .map(|(prop, s)| {
                let wire = if style == "deepObject" { format!("{name}[{prop}]") } else { prop.clone() };
                let mut p = json!({"name": wire, "in": "query", "schema": s.clone()});
                if parameter_required && required.contains(&prop.as_str()) {
                    p["required"] = json!(true);
                }
                if let Some(d) = deref(snapshot, s).get("description") {
                    p["description"] = d.clone();
                }
                p
            })
            .collect();
        return Fate::Replace(exploded, None);
    }
    let mut inline: Map<String, Value> = resolved.as_object().cloned().unwrap_or_default();
    inline.insert("schema".into(), json!({"type": "string", "description": "The object, encoded by the caller as the API expects."}));
    inline.remove("style");
    inline.remove("explode");
    Fate::Replace(vec![Value::Object(inline)], Some(format!("object query parameter {name} ({style}): now a string the caller encodes")))
}

/// Moves a path item's parameters into each of its operations (an
/// operation's own of the same name and place win), so that each operation
/// can be rewritten on its own.
fn move_path_parameters(doc: &mut Value) {
    let Some(Value::Object(paths)) = doc.get_mut("paths") else { return };
    for item in paths.values_mut() {
        let Some(Value::Object(item)) = Some(item) else { continue };
        let Some(Value::Array(shared)) = item.remove("parameters") else { continue };
        for (method, op) in item.iter_mut() {
            if !crate::walk::METHODS.contains(&method.as_str()) {
                continue;
            }
            let Value::Object(op) = op else { continue };
            let own = op.entry("parameters").or_insert_with(|| json!([]));
            let Value::Array(own) = own else { continue };
            let key = |p: &Value| (p.get("name").cloned(), p.get("in").cloned(), p.get("$ref").cloned());
            let mut merged: Vec<Value> = shared.iter().filter(|s| !own.iter().any(|o| key(o) == key(s))).cloned().collect();
            merged.append(own);
            *own = merged;
        }
    }
}

pub fn run(doc: &mut Value, _: &Config, t: &mut Tally) -> Result<(), NormalizeError> {
    let snapshot = doc.clone();
    // Only when some parameter must change: path-level lists are kept
    // otherwise (progenitor reads them, and the document stays as written).
    let needs_change = crate::walk::operations(&snapshot).iter().any(|o| {
        let all: Vec<&Value> = o.parameters(&snapshot).collect();
        let path_names = path_names(&all);
        all.iter().any(|p| !matches!(fate(&snapshot, p, &path_names), Fate::Keep))
    });
    if !needs_change {
        return Ok(());
    }
    move_path_parameters(doc);
    for OperationMut { pointer, op, .. } in operations_mut(doc) {
        let own = op.get("parameters").and_then(Value::as_array).cloned().unwrap_or_default();
        let resolved: Vec<&Value> = own.iter().map(|p| deref(&snapshot, p)).collect();
        let path_names = path_names(&resolved);
        let mut rewritten = Vec::new();
        for p in &own {
            match fate(&snapshot, p, &path_names) {
                Fate::Keep => rewritten.push(p.clone()),
                Fate::Drop(why) => t.lossy(format!("{pointer}: {why}")),
                Fate::Replace(with, why) => {
                    rewritten.extend(with);
                    match why {
                        Some(why) => t.lossy(format!("{pointer}: {why}")),
                        None => t.note(format!("{pointer}: an object query parameter sent as one parameter per property")),
                    }
                }
            }
        }
        op.insert("parameters".into(), Value::Array(rewritten));
    }
    Ok(())
}

fn path_names(params: &[&Value]) -> Vec<String> {
    params
        .iter()
        .filter(|p| p.get("in").and_then(Value::as_str) == Some("path"))
        .filter_map(|p| p.get("name").and_then(Value::as_str).map(str::to_string))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::{run_pass, Config};
    use super::*;

    #[test]
    fn cookies_content_objects_and_clashing_names_become_parameters_progenitor_takes() {
        let mut doc = json!({
            "paths": {"/things/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "get": {"parameters": [
                    {"name": "session", "in": "cookie", "schema": {"type": "string"}},
                    {"name": "id", "in": "query", "schema": {"type": "string"}},
                    {"name": "where", "in": "query", "content": {"application/json": {"schema": {"type": "object"}}}},
                    {"$ref": "#/components/parameters/filter"},
                    {"name": "page", "in": "query", "style": "form", "explode": true,
                     "schema": {"type": "object", "properties": {"limit": {"type": "integer"}, "offset": {"type": "integer"}}}},
                    {"name": "nested", "in": "query", "style": "deepObject", "schema": {"type": "object", "properties": {"a": {"type": "object"}}}},
                    {"name": "plain", "in": "query", "schema": {"type": "integer"}}
                ]}
            }},
            "components": {"parameters": {"filter": {"name": "filter", "in": "query", "style": "deepObject", "required": true,
                "schema": {"type": "object", "required": ["status"], "properties": {"status": {"type": "string", "description": "Which."}, "kind": {"type": "string"}}}}}}
        });
        let t = run_pass(run, &mut doc, &Config::default());
        let params = doc["paths"]["/things/{id}"]["get"]["parameters"].as_array().unwrap().clone();
        let names: Vec<(&str, &str)> = params.iter().map(|p| (p["name"].as_str().unwrap(), p["in"].as_str().unwrap())).collect();
        assert_eq!(
            names,
            [
                ("id", "path"),
                ("where", "query"),
                ("filter[status]", "query"),
                ("filter[kind]", "query"),
                ("limit", "query"),
                ("offset", "query"),
                ("nested", "query"),
                ("plain", "query")
            ]
        );
        assert_eq!(params[1]["schema"]["type"], "string");
        assert!(params[1].get("content").is_none());
        assert_eq!((params[2]["required"].clone(), params[2]["description"].clone()), (json!(true), json!("Which.")));
        assert!(params[3].get("required").is_none());
        assert_eq!(params[6]["schema"]["type"], "string");
        assert!(doc["paths"]["/things/{id}"].get("parameters").is_none());
        // cookie, the clashing query `id`, content, the nested object: lossy; the two objects exploded: noted.
        assert_eq!((t.lossy, t.rewrites), (4, 6), "{:?}", t.notes);
    }

    #[test]
    fn documents_without_such_parameters_are_left_as_written() {
        let mut doc = json!({"paths": {"/a/{id}": {"parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "get": {"parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}]}}}});
        let before = doc.clone();
        let t = run_pass(run, &mut doc, &Config::default());
        assert_eq!((doc, t.rewrites), (before, 0));
    }
}
