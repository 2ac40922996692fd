//! `anyOf`/`oneOf` with a `null` member → the other member(s), `nullable: true`.
//!
//! progenitor would otherwise see a union with a `type: null` arm, which it
//! cannot express; the 3.0 way to say "X or null" is `nullable`.

use super::{Config, NormalizeError, Tally};
use crate::walk::{for_each_schema, Schema};
use serde_json::{json, Value};

fn is_null_schema(v: &Value) -> bool {
    match v.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(ts)) => ts.len() == 1 && ts[0] == "null",
        _ => v.get("enum") == Some(&json!([null])) || v.get("const") == Some(&Value::Null),
    }
}

pub fn run(doc: &mut Value, _: &Config, t: &mut Tally) -> Result<(), NormalizeError> {
    for_each_schema(doc, &mut |s, _| {
        for key in ["anyOf", "oneOf"] {
            let Some(Value::Array(members)) = s.get(key) else { continue };
            if !members.iter().any(is_null_schema) {
                continue;
            }
            let mut rest: Vec<Value> = members.iter().filter(|m| !is_null_schema(m)).cloned().collect();
            s.remove(key);
            s.insert("nullable".into(), json!(true));
            t.rewrite();
            match rest.len() {
                0 => {}
                1 => absorb(s, rest.remove(0)),
                _ => {
                    s.insert(key.into(), Value::Array(rest));
                }
            }
        }
    });
    Ok(())
}

/// Puts the single remaining member into `s`: a `$ref` stays wrapped in
/// `allOf` (so `nullable` still applies), an inline schema is merged when no
/// keyword clashes.
fn absorb(s: &mut Schema, member: Value) {
    match member {
        Value::Object(m) if !m.contains_key("$ref") && m.keys().all(|k| !s.contains_key(k)) => {
            s.extend(m);
        }
        other => {
            s.insert("allOf".into(), json!([other]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{run_pass, Config};
    use super::*;

    #[test]
    fn unions_with_null_become_nullable() {
        let mut doc = json!({"components": {"schemas": {
            "A": {"anyOf": [{"type": "string", "format": "uuid"}, {"type": "null"}], "description": "d"},
            "B": {"oneOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}]},
            "C": {"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]},
            "D": {"anyOf": [{"type": "string"}, {"type": "integer"}]}
        }}});
        let t = run_pass(run, &mut doc, &Config::default());
        let s = &doc["components"]["schemas"];
        assert_eq!(s["A"], json!({"description": "d", "nullable": true, "type": "string", "format": "uuid"}));
        assert_eq!(s["B"], json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/A"}]}));
        assert_eq!(s["C"], json!({"nullable": true, "anyOf": [{"type": "string"}, {"type": "integer"}]}));
        assert_eq!(s["D"], json!({"anyOf": [{"type": "string"}, {"type": "integer"}]}));
        assert_eq!(t.rewrites, 3);
    }
}
