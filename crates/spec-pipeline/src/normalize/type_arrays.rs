//! 3.1 `type: [X, "null"]` → `type: X, nullable: true`; `type: "null"` alone
//! and several non-null types have no 3.0 spelling and are rewritten as close
//! as 3.0 allows, counted as lossy.

use super::{Config, NormalizeError, Tally};
use crate::walk::for_each_schema;
use serde_json::{json, Value};

pub fn run(doc: &mut Value, _: &Config, t: &mut Tally) -> Result<(), NormalizeError> {
    let mut bad = None;
    for_each_schema(doc, &mut |s, ptr| {
        let types: Vec<Value> = match s.get("type") {
            Some(Value::Array(ts)) => ts.clone(),
            Some(Value::String(t)) if t == "null" => vec![json!("null")],
            _ => return,
        };
        let mut names = Vec::new();
        for ty in &types {
            match ty.as_str() {
                Some(n) => names.push(n.to_string()),
                None => {
                    bad.get_or_insert_with(|| NormalizeError::new(format!("{ptr}/type"), "`type` entries must be strings"));
                    return;
                }
            }
        }
        let nullable = names.iter().any(|n| n == "null");
        names.retain(|n| n != "null");
        names.dedup();
        s.remove("type");
        if nullable {
            s.insert("nullable".into(), json!(true));
        }
        match names.as_slice() {
            [] => t.lossy(format!("{ptr}: type null alone has no 3.0 form; now any JSON value, nullable")),
            [one] => {
                s.insert("type".into(), json!(one));
                t.rewrite();
            }
            many => {
                let arms: Vec<Value> = many.iter().map(|n| json!({"type": n})).collect();
                s.insert("oneOf".into(), Value::Array(arms));
                t.note(format!("{ptr}: type {many:?} became oneOf of one schema per type"));
            }
        }
    });
    bad.map_or(Ok(()), Err)
}

#[cfg(test)]
mod tests {
    use super::super::{run_pass, Config};
    use super::*;

    #[test]
    fn type_arrays_become_nullable_types() {
        let mut doc = json!({"components": {"schemas": {
            "A": {"type": ["string", "null"], "format": "date-time"},
            "B": {"type": "null"},
            "C": {"type": ["integer", "string"]},
            "D": {"type": "object", "properties": {"type": {"type": ["boolean"]}}}
        }}});
        let t = run_pass(run, &mut doc, &Config::default());
        let s = &doc["components"]["schemas"];
        assert_eq!(s["A"], json!({"format": "date-time", "nullable": true, "type": "string"}));
        assert_eq!(s["B"], json!({"nullable": true}));
        assert_eq!(s["C"], json!({"oneOf": [{"type": "integer"}, {"type": "string"}]}));
        assert_eq!(s["D"]["properties"]["type"], json!({"type": "boolean"}));
        assert_eq!((t.rewrites, t.lossy), (4, 1));
    }

    #[test]
    fn non_string_type_entries_are_an_error_with_a_pointer() {
        let mut doc = json!({"components": {"schemas": {"A": {"type": [1]}}}});
        let err = run(&mut doc, &Config::default(), &mut Tally::default()).unwrap_err();
        assert_eq!(err.pointer, "/components/schemas/A/type");
    }
}
