//! `const: v` → `enum: [v]` (with the type `v` implies when none is given).

use super::{Config, NormalizeError, Tally};
use crate::walk::for_each_schema;
use serde_json::{json, Value};

pub fn run(doc: &mut Value, _: &Config, t: &mut Tally) -> Result<(), NormalizeError> {
    for_each_schema(doc, &mut |s, _| {
        let Some(value) = s.remove("const") else { return };
        if !s.contains_key("type") {
            let ty = match &value {
                Value::String(_) => Some("string"),
                Value::Bool(_) => Some("boolean"),
                Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
                Value::Number(_) => Some("number"),
                _ => None,
            };
            if let Some(ty) = ty {
                s.insert("type".into(), json!(ty));
            }
        }
        s.insert("enum".into(), json!([value]));
        t.rewrite();
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{run_pass, Config};
    use super::*;

    #[test]
    fn const_becomes_a_one_value_enum() {
        let mut doc = json!({"components": {"schemas": {
            "A": {"type": "integer", "const": 401},
            "B": {"const": "card"},
            "C": {"type": "object", "properties": {"const": {"type": "string"}}}
        }}});
        let t = run_pass(run, &mut doc, &Config::default());
        let s = &doc["components"]["schemas"];
        assert_eq!(s["A"], json!({"type": "integer", "enum": [401]}));
        assert_eq!(s["B"], json!({"type": "string", "enum": ["card"]}));
        assert_eq!(s["C"]["properties"]["const"], json!({"type": "string"}));
        assert_eq!(t.rewrites, 2);
    }
}
