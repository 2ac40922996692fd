//! Schema `examples: [a, b, ...]` → `example: a`. 3.0 schemas hold one example;
//! the others are documentation only, and dropping them is counted as lossy.

use super::{Config, NormalizeError, Tally};
use crate::walk::for_each_schema;
use serde_json::Value;

pub fn run(doc: &mut Value, _: &Config, t: &mut Tally) -> Result<(), NormalizeError> {
    for_each_schema(doc, &mut |s, ptr| {
        let Some(Value::Array(mut list)) = s.remove("examples") else { return };
        let dropped = list.len().saturating_sub(1);
        if !list.is_empty() && !s.contains_key("example") {
            s.insert("example".into(), list.swap_remove(0));
        }
        if dropped > 0 {
            t.lossy(format!("{ptr}: {dropped} further example(s) dropped"));
        } else {
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
    fn keeps_the_first_example() {
        let mut doc = json!({
            "components": {"schemas": {
                "A": {"type": "integer", "examples": [86400]},
                "B": {"type": "string", "examples": ["x", "y"]}
            }},
            "paths": {"/a": {"get": {"parameters": [{"name": "p", "in": "query",
                "schema": {"type": "string"}, "examples": {"one": {"value": "v"}}}]}}}
        });
        let t = run_pass(run, &mut doc, &Config::default());
        let s = &doc["components"]["schemas"];
        assert_eq!(s["A"], json!({"type": "integer", "example": 86400}));
        assert_eq!(s["B"], json!({"type": "string", "example": "x"}));
        // A parameter's `examples` map is valid 3.0 and is not a schema keyword.
        assert_eq!(doc["paths"]["/a"]["get"]["parameters"][0]["examples"], json!({"one": {"value": "v"}}));
        assert_eq!((t.rewrites, t.lossy), (2, 1));
    }
}
