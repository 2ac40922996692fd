//! 3.1 numeric `exclusiveMinimum: n` → 3.0 `minimum: n, exclusiveMinimum: true`
//! (and the same for maximum).

use super::{Config, NormalizeError, Tally};
use crate::walk::for_each_schema;
use serde_json::{json, Value};

pub fn run(doc: &mut Value, _: &Config, t: &mut Tally) -> Result<(), NormalizeError> {
    for_each_schema(doc, &mut |s, _| {
        for (exclusive, inclusive) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
            let Some(Value::Number(bound)) = s.get(exclusive).cloned() else { continue };
            // With both given, the exclusive bound is the tighter one unless
            // the inclusive bound is stricter still.
            let keep_inclusive = match (s.get(inclusive).and_then(Value::as_f64), bound.as_f64()) {
                (Some(inc), Some(exc)) if exclusive == "exclusiveMinimum" => inc > exc,
                (Some(inc), Some(exc)) => inc < exc,
                _ => false,
            };
            if keep_inclusive {
                s.remove(exclusive);
            } else {
                s.insert(inclusive.into(), Value::Number(bound));
                s.insert(exclusive.into(), json!(true));
            }
            t.rewrite();
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{run_pass, Config};
    use super::*;

    #[test]
    fn numeric_bounds_become_boolean_flags() {
        let mut doc = json!({"components": {"schemas": {
            "A": {"type": "number", "exclusiveMinimum": 0},
            "B": {"type": "integer", "exclusiveMaximum": 10, "maximum": 5},
            "C": {"type": "integer", "minimum": 1, "exclusiveMinimum": true}
        }}});
        let t = run_pass(run, &mut doc, &Config::default());
        let s = &doc["components"]["schemas"];
        assert_eq!(s["A"], json!({"type": "number", "minimum": 0, "exclusiveMinimum": true}));
        assert_eq!(s["B"], json!({"type": "integer", "maximum": 5}));
        assert_eq!(s["C"], json!({"type": "integer", "minimum": 1, "exclusiveMinimum": true}));
        assert_eq!(t.rewrites, 2);
    }
}
