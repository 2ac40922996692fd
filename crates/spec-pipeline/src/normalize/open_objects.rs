//! Drops `additionalProperties: false`. progenitor turns it into
//! `deny_unknown_fields`, so a field the vendor adds tomorrow would fail every
//! response that carries it. Requests lose nothing: the generated structs only
//! ever serialize their own fields.

use super::{Config, NormalizeError, Tally};
use crate::walk::for_each_schema;
use serde_json::Value;

pub fn run(doc: &mut Value, _: &Config, t: &mut Tally) -> Result<(), NormalizeError> {
    for_each_schema(doc, &mut |s, _| {
        if s.get("additionalProperties") == Some(&Value::Bool(false)) {
            s.remove("additionalProperties");
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
    fn closed_objects_are_opened() {
        let mut doc = json!({"components": {"schemas": {
            "A": {"type": "object", "additionalProperties": false, "properties": {"a": {"type": "string"}}},
            "B": {"type": "object", "additionalProperties": {"type": "string"}}
        }}});
        let t = run_pass(run, &mut doc, &Config::default());
        let s = &doc["components"]["schemas"];
        assert_eq!(s["A"], json!({"type": "object", "properties": {"a": {"type": "string"}}}));
        assert_eq!(s["B"]["additionalProperties"], json!({"type": "string"}));
        assert_eq!(t.rewrites, 1);
    }
}
