//! Component names progenitor would get wrong:
//! - names that differ only in case or punctuation (`Foo` and `foo`) become
//!   the same Rust type and do not compile;
//! - a name equal to one progenitor gives an inline type of an operation
//!   (`<OperationId>Response`, `<OperationId>Body`) makes it pick the wrong
//!   type, silently.
//!
//! The later or clashing component is renamed (`Foo2`, `...Schema`) and every
//! `$ref` to it follows. Each rename is noted: it changes a type name.

use super::walk::{escape, operations};
use super::{Config, NormalizeError, Tally};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// The Rust type name typify derives (PascalCase of the words).
pub fn rust_name(name: &str) -> String {
    let mut out = String::new();
    for word in name.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    out.to_ascii_lowercase()
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

pub fn run(doc: &mut Value, _: &Config, t: &mut Tally) -> Result<(), NormalizeError> {
    let mut reserved: Vec<String> = Vec::new();
    for (_, _, _, op) in operations(doc) {
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
}
