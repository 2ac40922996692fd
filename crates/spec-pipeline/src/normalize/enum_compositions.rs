//! An `enum` beside `allOf`/`oneOf`/`anyOf` (Rebilly's tree: a list of
//! methods that is also "a PaymentMethod"): typify reaches unreachable code
//! on it. The listed values already say everything a value may be; the
//! composition can only narrow them. It is dropped, and counted lossy unless
//! every listed value is seen to fit it (a member that is a string type or
//! an enum holding the value, through refs and nested unions).

use super::{Config, NormalizeError, Tally};
use crate::refs::deref;
use crate::walk::for_each_schema;
use serde_json::Value;

const COMPOSITIONS: &[&str] = &["allOf", "oneOf", "anyOf"];

/// Depth of nested compositions followed before giving up (recursive schemas).
const MAX_DEPTH: usize = 8;

/// Whether `value` is seen to fit `schema` (false: not known to).
fn fits(doc: &Value, schema: &Value, value: &Value, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    let schema = deref(doc, schema);
    let Some(s) = schema.as_object() else { return schema == &Value::Bool(true) };
    if let Some(values) = s.get("enum").and_then(Value::as_array) {
        if !values.contains(value) {
            return false;
        }
    }
    match s.get("type").and_then(Value::as_str) {
        Some("string") if !value.is_string() => return false,
        Some("string") | None => {}
        Some(_) => return false,
    }
    let bounded = ["pattern", "maxLength", "minLength", "format", "not"].iter().any(|k| s.contains_key(*k));
    if bounded {
        return false;
    }
    let members = |k: &str| s.get(k).and_then(Value::as_array).map(|m| m.as_slice()).unwrap_or_default();
    members("allOf").iter().all(|m| fits(doc, m, value, depth + 1))
        && (members("oneOf").is_empty() || members("oneOf").iter().any(|m| fits(doc, m, value, depth + 1)))
        && (members("anyOf").is_empty() || members("anyOf").iter().any(|m| fits(doc, m, value, depth + 1)))
}

pub fn run(doc: &mut Value, _: &Config, t: &mut Tally) -> Result<(), NormalizeError> {
    let snapshot = doc.clone();
    for_each_schema(doc, &mut |s, ptr| {
        let Some(values) = s.get("enum").and_then(Value::as_array).cloned() else { return };
        for key in COMPOSITIONS {
            let Some(members) = s.remove(*key) else { continue };
            let members = members.as_array().cloned().unwrap_or_default();
            let seen_to_fit = values.iter().all(|v| match *key {
                "allOf" => members.iter().all(|m| fits(&snapshot, m, v, 0)),
                _ => members.iter().any(|m| fits(&snapshot, m, v, 0)),
            });
            if seen_to_fit {
                t.rewrite();
            } else {
                t.lossy(format!("{ptr}: {key} beside enum dropped (the listed values are kept; not every one is seen to fit it)"));
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
    fn an_enum_keeps_its_values_and_loses_its_composition() {
        let mut doc = json!({"components": {"schemas": {
            "Method": {"oneOf": [{"$ref": "#/components/schemas/Known"}, {"type": "string"}]},
            "Known": {"type": "string", "enum": ["card", "ach", "cash"]},
            "Vaulted": {"type": "string", "enum": ["card", "ach"], "allOf": [{"$ref": "#/components/schemas/Method"}]},
            "Narrowed": {"type": "string", "enum": ["card", "wire"], "allOf": [{"$ref": "#/components/schemas/Known"}]},
            "Patterned": {"type": "string", "enum": ["a"], "anyOf": [{"type": "string", "pattern": "^[a-z]$"}]},
            "Plain": {"type": "string", "enum": ["x"]}
        }}});
        let t = run_pass(run, &mut doc, &Config::default());
        let s = &doc["components"]["schemas"];
        assert_eq!(s["Vaulted"], json!({"type": "string", "enum": ["card", "ach"]}));
        assert_eq!(s["Narrowed"], json!({"type": "string", "enum": ["card", "wire"]}));
        assert!(s["Patterned"].get("anyOf").is_none());
        assert_eq!(s["Plain"], json!({"type": "string", "enum": ["x"]}));
        assert_eq!(s["Method"]["oneOf"].as_array().unwrap().len(), 2, "no enum here: untouched");
        // "wire" is not a Known value; the pattern is not checked: both lossy.
        assert_eq!((t.rewrites, t.lossy), (3, 2));
        assert!(t.notes.iter().any(|n| n.starts_with("/components/schemas/Narrowed: allOf")), "{:?}", t.notes);
    }
}
