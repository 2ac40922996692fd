//! Selection: keep some tags or operations of a document and the components
//! they use, transitively, so a smaller client can be generated from a whole
//! vendor document.

use crate::walk::operations;
use anyhow::{bail, Result};
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// What to keep; empty lists keep everything.
#[derive(Debug, Default, Clone)]
pub struct Selection {
    pub tags: Vec<String>,
    pub operations: Vec<String>,
}

impl Selection {
    pub fn is_empty(&self) -> bool {
        self.tags.is_empty() && self.operations.is_empty()
    }
}

/// What selection kept, for the report.
#[derive(Debug, PartialEq, Eq)]
pub struct Kept {
    pub operations: usize,
    pub operations_total: usize,
    pub components: usize,
    pub components_total: usize,
}

fn keep_operation(op: &Map<String, Value>, sel: &Selection) -> bool {
    let id = op.get("operationId").and_then(Value::as_str).unwrap_or_default();
    let tagged =
        op.get("tags").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).any(|t| sel.tags.iter().any(|s| s == t));
    sel.operations.iter().any(|o| o == id) || tagged
}

use crate::refs::reachable_components;

/// Drops the operations `sel` does not keep, then every component nothing
/// kept refers to (security schemes stay). Naming a tag or an operation the
/// document does not have is an error.
pub fn select(doc: &mut Value, sel: &Selection) -> Result<Kept> {
    let count_components = |doc: &Value| -> usize {
        doc.get("components").and_then(Value::as_object).map_or(0, |c| c.values().filter_map(Value::as_object).map(|m| m.len()).sum())
    };
    let components_total = count_components(doc);
    let mut seen_tags = BTreeSet::new();
    let mut seen_ids = BTreeSet::new();
    let total;
    let mut kept = 0;
    {
        let all = operations(doc);
        total = all.len();
        for operation in &all {
            let op = operation.op;
            seen_tags.extend(op.get("tags").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(String::from));
            seen_ids.extend(op.get("operationId").and_then(Value::as_str).map(String::from));
        }
    }
    for t in &sel.tags {
        if !seen_tags.contains(t) {
            bail!("no operation has the tag {t:?}");
        }
    }
    for o in &sel.operations {
        if !seen_ids.contains(o) {
            bail!("no operation has the operationId {o:?}");
        }
    }
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        for item in paths.values_mut() {
            let Value::Object(item) = item else { continue };
            item.retain(|method, op| match op {
                Value::Object(op) if crate::walk::METHODS.contains(&method.as_str()) => {
                    let keep = keep_operation(op, sel);
                    kept += usize::from(keep);
                    keep
                }
                _ => true,
            });
        }
        paths.retain(|_, item| item.as_object().is_some_and(|i| i.keys().any(|k| crate::walk::METHODS.contains(&k.as_str()))));
    }
    // The closure of component refs from everything but the components.
    let roots = doc.as_object().into_iter().flatten().filter(|(key, _)| *key != "components").map(|(_, v)| v);
    let wanted = reachable_components(doc, roots);
    if let Some(Value::Object(components)) = doc.get_mut("components") {
        for (kind, entries) in components.iter_mut() {
            if kind == "securitySchemes" {
                continue;
            }
            if let Value::Object(entries) = entries {
                entries.retain(|name, _| wanted.contains(&(kind.clone(), name.clone())));
            }
        }
    }
    if let Some(Value::Array(tags)) = doc.get_mut("tags") {
        if !sel.tags.is_empty() {
            tags.retain(|t| t.get("name").and_then(Value::as_str).is_some_and(|n| sel.tags.iter().any(|s| s == n)));
        }
    }
    Ok(Kept { operations: kept, operations_total: total, components: count_components(doc), components_total })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "tags": [{"name": "pets"}, {"name": "stores"}],
            "paths": {
                "/pets": {"get": {"operationId": "listPets", "tags": ["pets"], "responses": {"200": {"$ref": "#/components/responses/Pets"}}}},
                "/stores": {"get": {"operationId": "listStores", "tags": ["stores"], "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Store"}}}}}}}
            },
            "components": {
                "responses": {"Pets": {"description": "ok", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}}}}}},
                "schemas": {
                    "Pet": {"properties": {"owner": {"$ref": "#/components/schemas/Owner"}}},
                    "Owner": {"properties": {"pets": {"items": {"$ref": "#/components/schemas/Pet"}}}},
                    "Store": {"properties": {"name": {"type": "string"}}}
                },
                "securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "k"}}
            }
        })
    }

    #[test]
    fn a_tag_keeps_its_operations_and_their_transitive_components() {
        let mut d = doc();
        let kept = select(&mut d, &Selection { tags: vec!["pets".into()], operations: vec![] }).unwrap();
        assert_eq!(kept, Kept { operations: 1, operations_total: 2, components: 4, components_total: 5 });
        assert!(d["paths"].get("/stores").is_none());
        let schemas: Vec<&String> = d["components"]["schemas"].as_object().unwrap().keys().collect();
        assert_eq!(schemas, ["Pet", "Owner"]);
        assert!(d["components"]["responses"].get("Pets").is_some());
        assert!(d["components"]["securitySchemes"].get("key").is_some());
        assert_eq!(d["tags"], json!([{"name": "pets"}]));
    }

    #[test]
    fn an_operation_id_selects_too_and_unknown_names_are_errors() {
        let mut d = doc();
        select(&mut d, &Selection { tags: vec![], operations: vec!["listStores".into()] }).unwrap();
        assert_eq!(d["components"]["schemas"].as_object().unwrap().keys().collect::<Vec<_>>(), ["Store"]);
        let err = select(&mut doc(), &Selection { tags: vec!["nope".into()], operations: vec![] }).unwrap_err();
        assert!(err.to_string().contains("\"nope\""));
    }
}
