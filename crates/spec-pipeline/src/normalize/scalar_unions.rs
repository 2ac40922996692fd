//! `anyOf` of scalar schemas (say string | integer, or a date-time string |
//! a date string) → `oneOf`. progenitor turns anyOf into a struct of
//! flattened options, which cannot hold a bare string; oneOf becomes an
//! untagged enum, which takes the first member a value fits. That accepts
//! exactly what anyOf accepts; where members overlap, the narrower ones go
//! first (integer before number, a string with a format, pattern or enum
//! before a plain string) so a value keeps its most precise type. A member
//! that is a `$ref` counts by what it names (Rebilly: a metric is "a
//! DashboardMetric, an enum, or any string").

use super::{Config, NormalizeError, Tally};
use crate::refs::deref;
use crate::walk::for_each_schema;
use serde_json::Value;

const SCALARS: &[&str] = &["string", "integer", "number", "boolean"];

pub fn run(doc: &mut Value, _: &Config, t: &mut Tally) -> Result<(), NormalizeError> {
    let snapshot = doc.clone();
    for_each_schema(doc, &mut |s, _| {
        let Some(Value::Array(members)) = s.get("anyOf") else { return };
        let types: Vec<String> =
            members.iter().filter_map(|m| deref(&snapshot, m).get("type").and_then(Value::as_str).map(str::to_string)).collect();
        let all_scalar = types.len() == members.len() && types.iter().all(|ty| SCALARS.contains(&ty.as_str()));
        if all_scalar {
            let Some(Value::Array(mut members)) = s.remove("anyOf") else { unreachable!("checked above") };
            // A member that would shadow a narrower one of the same kind goes last.
            let strings = types.iter().filter(|t| **t == "string").count();
            let has_integer = types.iter().any(|t| t == "integer");
            let broad = |m: &Value| {
                let m = deref(&snapshot, m);
                let plain = ["format", "pattern", "enum"].iter().all(|k| m.get(*k).is_none());
                let ty = m.get("type").and_then(Value::as_str);
                (ty == Some("string") && plain && strings > 1) || (ty == Some("number") && has_integer)
            };
            members.sort_by_key(broad);
            s.insert("oneOf".into(), Value::Array(members));
            t.rewrite();
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
    fn scalar_anyof_becomes_oneof_narrowest_first() {
        let mut doc = json!({"components": {"schemas": {
            "Loc": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
            "Overlap": {"anyOf": [{"type": "number"}, {"type": "integer"}]},
            "Due": {"anyOf": [{"type": "string"}, {"type": "string", "format": "date-time"}, {"type": "string", "format": "date"}]},
            "Objects": {"anyOf": [{"type": "object"}, {"type": "string"}]},
            "Metric": {"type": "string", "enum": ["approvalRate", "salesCount"]},
            "Tile": {"anyOf": [{"type": "string"}, {"$ref": "#/components/schemas/Metric"}]},
            "Dangling": {"anyOf": [{"$ref": "#/components/schemas/Nowhere"}, {"type": "string"}]}
        }}});
        let t = run_pass(run, &mut doc, &Config::default());
        let s = &doc["components"]["schemas"];
        assert_eq!(s["Loc"]["items"], json!({"oneOf": [{"type": "string"}, {"type": "integer"}]}));
        assert_eq!(s["Overlap"], json!({"oneOf": [{"type": "integer"}, {"type": "number"}]}));
        assert_eq!(
            s["Due"],
            json!({"oneOf": [{"type": "string", "format": "date-time"}, {"type": "string", "format": "date"}, {"type": "string"}]})
        );
        assert!(s["Objects"].get("anyOf").is_some());
        // A ref counts by what it names: the enum goes before any string.
        assert_eq!(s["Tile"], json!({"oneOf": [{"$ref": "#/components/schemas/Metric"}, {"type": "string"}]}));
        assert!(s["Dangling"].get("anyOf").is_some());
        assert_eq!(t.rewrites, 4);
    }
}
