//! Component names progenitor would get wrong:
//! - names that differ only in case or punctuation (`Foo` and `foo`) become
//!   the same Rust type and do not compile;
//! - a name equal to one progenitor gives an inline type of an operation
//!   (`<OperationId>Response`, `<OperationId>Body`) makes it pick the wrong
//!   type, silently.
//!
//! - a name equal to the one typify gives an inline property type
//!   (`<Parent><Property>`, when the property is an enum, an object, a union
//!   or a constrained string) yields two types of one name. When the inline
//!   schema is the component, it becomes a `$ref` to it; otherwise the
//!   component is renamed.
//!
//! The later or clashing component is renamed (`Foo2`, `...Schema`) and every
//! `$ref` to it follows. Each rename is noted: it changes a type name.

use super::{Config, NormalizeError, Tally};
use crate::naming::type_name;
use crate::refs::escape;
use crate::walk::{operations_mut, OperationMut};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// [`type_name`] folded to lower case: names that clash as Rust types
/// (or as file names on case-insensitive disks) compare equal.
fn rust_name(name: &str) -> String {
    type_name(name).to_ascii_lowercase()
}

fn rewrite_refs(value: &mut Value, renames: &HashMap<String, String>) {
    match value {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get_mut("$ref") {
                if let Some(new) = renames.get(r.as_str()) {
                    *r = new.clone();
                }
            }
            m.values_mut().for_each(|v| rewrite_refs(v, renames));
        }
        Value::Array(a) => a.iter_mut().for_each(|v| rewrite_refs(v, renames)),
        _ => {}
    }
}

/// Whether typify gives this inline schema a type of its own.
fn named_inline(s: &Value) -> bool {
    s.get("$ref").is_none()
        && (s.get("enum").is_some()
            || s.get("properties").is_some()
            || s.get("oneOf").is_some()
            || s.get("anyOf").is_some()
            || s.get("allOf").and_then(Value::as_array).is_some_and(|a| a.len() > 1)
            || ["pattern", "minLength", "maxLength"].iter().any(|k| s.get(*k).is_some()))
}

/// The schema without what does not shape the Rust type.
fn shape(s: &Value) -> Value {
    match s {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| {
                    !matches!(k.as_str(), "description" | "example" | "examples" | "title" | "readOnly" | "writeOnly" | "deprecated")
                })
                .map(|(k, v)| (k.clone(), shape(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Inline property schemas that typify would name like a component: the
/// identical ones become refs; the others reserve the name.
fn inline_clashes(doc: &mut Value, t: &mut Tally) -> Vec<String> {
    let components: Vec<(String, Value)> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    let by_rust: HashMap<String, (String, Value)> = components.iter().map(|(k, v)| (rust_name(k), (k.clone(), shape(v)))).collect();
    let mut reserved = Vec::new();
    let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") else { return reserved };
    for (parent, schema) in schemas.iter_mut() {
        let mut holders: Vec<&mut Value> = vec![];
        let Value::Object(obj) = schema else { continue };
        for (key, v) in obj.iter_mut() {
            match key.as_str() {
                "properties" => holders.push(v),
                "allOf" => {
                    if let Value::Array(parts) = v {
                        for part in parts.iter_mut() {
                            if let Some(p) = part.get_mut("properties") {
                                holders.push(p);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        for props in holders {
            let Value::Object(props) = props else { continue };
            for (prop, ps) in props.iter_mut() {
                if !named_inline(ps) {
                    continue;
                }
                let Some((component, component_shape)) = by_rust.get(&rust_name(&format!("{parent}_{prop}"))) else { continue };
                if *component == *parent {
                    continue;
                }
                if shape(ps) == *component_shape {
                    *ps = serde_json::json!({"$ref": format!("#/components/schemas/{}", escape(component))});
                    t.note(format!(
                        "/components/schemas/{}/properties/{}: the same as {component}; now a $ref to it",
                        escape(parent),
                        escape(prop)
                    ));
                } else {
                    reserved.push(rust_name(component));
                }
            }
        }
    }
    reserved
}

pub fn run(doc: &mut Value, _: &Config, t: &mut Tally) -> Result<(), NormalizeError> {
    let mut reserved: Vec<String> = inline_clashes(doc, t);
    for OperationMut { op, .. } in operations_mut(doc) {
        if let Some(id) = op.get("operationId").and_then(Value::as_str) {
            for suffix in ["Response", "Body"] {
                reserved.push(rust_name(&format!("{id}_{suffix}")));
            }
        }
    }
    let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") else { return Ok(()) };
    let mut taken: Vec<String> = Vec::new();
    let mut renames: HashMap<String, String> = HashMap::new();
    let mut renamed = Map::new();
    for (name, schema) in std::mem::take(schemas) {
        let mut new = name.clone();
        if reserved.contains(&rust_name(&new)) {
            new = format!("{name}Schema");
        }
        let base = new.clone();
        let mut n = 2;
        while taken.contains(&rust_name(&new)) {
            new = format!("{base}{n}");
            n += 1;
        }
        taken.push(rust_name(&new));
        if new != name {
            t.note(format!("/components/schemas/{}: renamed {new}", escape(&name)));
            renames.insert(format!("#/components/schemas/{}", escape(&name)), format!("#/components/schemas/{}", escape(&new)));
        }
        renamed.insert(new, schema);
    }
    *schemas = renamed;
    if !renames.is_empty() {
        rewrite_refs(doc, &renames);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{run_pass, Config};
    use super::*;
    use serde_json::json;

    #[test]
    fn clashing_names_are_renamed_and_refs_follow() {
        let mut doc = json!({
            "paths": {"/a": {"get": {"operationId": "getA", "responses": {"200": {"content": {"application/json": {"schema": {"type": "object"}}}}}}}},
            "components": {"schemas": {
                "Item": {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/item"}}},
                "item": {"type": "string"},
                "GetAResponse": {"type": "integer"}
            }}
        });
        let t = run_pass(run, &mut doc, &Config::default());
        let s = &doc["components"]["schemas"];
        assert_eq!(s.as_object().unwrap().keys().collect::<Vec<_>>(), ["Item", "item2", "GetAResponseSchema"]);
        assert_eq!(s["Item"]["properties"]["next"]["$ref"], "#/components/schemas/item2");
        assert_eq!(t.rewrites, 2);
    }

    #[test]
    fn inline_types_named_like_a_component() {
        let mut doc = json!({"paths": {}, "components": {"schemas": {
            "CheckoutFormId": {"type": "string", "maxLength": 50, "description": "Id of a form."},
            "CheckoutForm": {"type": "object", "properties": {"id": {"type": "string", "maxLength": 50, "readOnly": true}}},
            "AmlLevel": {"type": "string", "enum": ["weak", "strong"]},
            "Aml": {"type": "object", "properties": {"level": {"type": "string", "enum": ["low", "high"]}}}
        }}});
        run_pass(run, &mut doc, &Config::default());
        let s = &doc["components"]["schemas"];
        assert_eq!(s["CheckoutForm"]["properties"]["id"], json!({"$ref": "#/components/schemas/CheckoutFormId"}));
        assert!(s.get("AmlLevelSchema").is_some() && s.get("AmlLevel").is_none(), "{s}");
        assert_eq!(s["Aml"]["properties"]["level"]["enum"], json!(["low", "high"]));
    }
}
