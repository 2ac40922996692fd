//! Drops `default` values that break their own schema (a `null` default on a
//! non-nullable string, a value outside the enum). typify rejects them and
//! the whole document fails; the server applies its default anyway, so the
//! client loses nothing on the wire. A `null` default only says "absent" and
//! is dropped silently; other drops are lossy and noted.

use super::{Config, NormalizeError, Tally};
use crate::refs::resolve;
use crate::walk::for_each_schema;
use serde_json::Value;

fn conforms(doc: &Value, schema: &serde_json::Map<String, Value>, value: &Value) -> bool {
    let target = match schema.get("$ref").and_then(Value::as_str).and_then(|r| resolve(doc, r)) {
        Some(Value::Object(t)) => t,
        _ => schema,
    };
    if ["allOf", "oneOf", "anyOf"].iter().any(|k| target.contains_key(*k)) {
        return false; // typify cannot check these; keep no default on them
    }
    if let Some(Value::Array(allowed)) = target.get("enum") {
        return allowed.contains(value);
    }
    match (target.get("type").and_then(Value::as_str), value) {
        (Some("string"), Value::String(_)) | (Some("boolean"), Value::Bool(_)) | (Some("object"), Value::Object(_)) => true,
        (Some("integer"), Value::Number(n)) => n.is_i64() || n.is_u64(),
        (Some("number"), Value::Number(_)) => true,
        (Some("array"), Value::Array(items)) => {
            let item_schema = target.get("items").and_then(Value::as_object);
            item_schema.is_none_or(|s| items.iter().all(|v| conforms(doc, s, v)))
        }
        (None, _) => true,
        _ => false,
    }
}

pub fn run(doc: &mut Value, _: &Config, t: &mut Tally) -> Result<(), NormalizeError> {
    let snapshot = doc.clone();
    for_each_schema(doc, &mut |s, ptr| {
        let Some(value) = s.get("default").cloned() else { return };
        if value.is_null() {
            s.remove("default");
            t.rewrite();
        } else if !conforms(&snapshot, s, &value) {
            s.remove("default");
            t.lossy(format!("{ptr}: default {value} does not fit the schema; dropped"));
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
    fn defaults_that_break_their_schema_are_dropped() {
        let mut doc = json!({"components": {"schemas": {
            "Kind": {"type": "string", "enum": ["basic", "digest"]},
            "A": {"type": "object", "properties": {
                "ok": {"type": "integer", "default": 3},
                "null_default": {"type": "string", "nullable": true, "default": null},
                "outside_enum": {"$ref": "#/components/schemas/Kind", "default": "none"},
                "inside_enum": {"type": "string", "enum": ["a", "b"], "default": "b"},
                "wrong_type": {"type": "integer", "default": "ten"},
                "list": {"type": "array", "items": {"type": "string", "enum": ["x"]}, "default": ["y"]}
            }}
        }}});
        let t = run_pass(run, &mut doc, &Config::default());
        let p = &doc["components"]["schemas"]["A"]["properties"];
        assert_eq!(p["ok"]["default"], 3);
        assert_eq!(p["inside_enum"]["default"], "b");
        for gone in ["null_default", "outside_enum", "wrong_type", "list"] {
            assert!(p[gone].get("default").is_none(), "{gone}");
        }
        assert_eq!((t.rewrites, t.lossy), (4, 3));
    }
}
