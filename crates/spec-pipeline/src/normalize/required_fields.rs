//! `readOnly` properties are set by the server and `writeOnly` ones are never
//! sent back, but progenitor ignores both: a create body would require the
//! server's id, and a response would require a password. Both leave
//! `required`, so they become optional on both sides.

use super::{Config, NormalizeError, Tally};
use crate::refs::resolve;
use crate::walk::for_each_schema;
use serde_json::Value;

fn flagged(doc: &Value, schema: &Value) -> bool {
    let own = |s: &Value| s.get("readOnly") == Some(&Value::Bool(true)) || s.get("writeOnly") == Some(&Value::Bool(true));
    if own(schema) {
        return true;
    }
    let via_ref = |s: &Value| s.get("$ref").and_then(Value::as_str).and_then(|r| resolve(doc, r)).is_some_and(own);
    via_ref(schema) || schema.get("allOf").and_then(Value::as_array).is_some_and(|all| all.len() == 1 && (own(&all[0]) || via_ref(&all[0])))
}

pub fn run(doc: &mut Value, _: &Config, t: &mut Tally) -> Result<(), NormalizeError> {
    let snapshot = doc.clone();
    for_each_schema(doc, &mut |s, _| {
        let Some(Value::Object(props)) = s.get("properties") else { return };
        let one_way: Vec<String> = props.iter().filter(|(_, p)| flagged(&snapshot, p)).map(|(k, _)| k.clone()).collect();
        if let Some(Value::Array(required)) = s.get_mut("required") {
            let before = required.len();
            required.retain(|r| !r.as_str().is_some_and(|name| one_way.iter().any(|w| w == name)));
            t.rewrites += before - required.len();
            if required.is_empty() {
                s.remove("required");
            }
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{run_pass, Config};
    use super::*;
    use serde_json::json;

    #[test]
    fn one_way_properties_are_not_required() {
        let mut doc = json!({"components": {"schemas": {
            "Id": {"type": "string", "readOnly": true},
            "User": {"type": "object", "required": ["id", "created", "password", "name"], "properties": {
                "id": {"$ref": "#/components/schemas/Id"},
                "created": {"type": "string", "readOnly": true},
                "password": {"type": "string", "writeOnly": true},
                "name": {"type": "string"}
            }}
        }}});
        let t = run_pass(run, &mut doc, &Config::default());
        assert_eq!(doc["components"]["schemas"]["User"]["required"], json!(["name"]));
        assert_eq!(t.rewrites, 3);
    }
}
