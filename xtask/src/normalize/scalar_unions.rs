//! `anyOf` of scalar schemas of distinct types (say string | integer) →
//! `oneOf`. progenitor turns anyOf into a struct of flattened options, which
//! cannot hold a bare string; with disjoint types the two keywords accept the
//! same values, and oneOf becomes an untagged enum that decodes them exactly.

use super::walk::for_each_schema;
use super::{Config, NormalizeError, Tally};
use serde_json::Value;

const SCALARS: &[&str] = &["string", "integer", "number", "boolean"];

pub fn run(doc: &mut Value, _: &Config, t: &mut Tally) -> Result<(), NormalizeError> {
    for_each_schema(doc, &mut |s, _| {
        let Some(Value::Array(members)) = s.get("anyOf") else { return };
        let types: Vec<&str> = members.iter().filter_map(|m| m.get("type").and_then(Value::as_str)).collect();
        let all_scalar = types.len() == members.len() && types.iter().all(|ty| SCALARS.contains(ty));
        let mut distinct = types.clone();
        distinct.sort_unstable();
        distinct.dedup();
        // integer values are numbers too: that pair overlaps.
        let overlap = distinct.len() != types.len() || (distinct.contains(&"integer") && distinct.contains(&"number"));
        if all_scalar && !overlap {
            let members = s.remove("anyOf").expect("checked above");
            s.insert("oneOf".into(), members);
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
    fn disjoint_scalar_anyof_becomes_oneof() {
        let mut doc = json!({"components": {"schemas": {
            "Loc": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
            "Overlap": {"anyOf": [{"type": "integer"}, {"type": "number"}]},
            "Objects": {"anyOf": [{"type": "object"}, {"type": "string"}]}
        }}});
        let t = run_pass(run, &mut doc, &Config::default());
        let s = &doc["components"]["schemas"];
        assert_eq!(s["Loc"]["items"], json!({"oneOf": [{"type": "string"}, {"type": "integer"}]}));
        assert!(s["Overlap"].get("anyOf").is_some());
        assert!(s["Objects"].get("anyOf").is_some());
        assert_eq!(t.rewrites, 1);
    }
}
