//! String enums whose values cannot become distinct Rust variant names
//! (`["/", "-", "|", ".", ""]`, or `a-b` beside `a_b`) make progenitor panic.
//! They become plain strings; the allowed values move into the description,
//! and stay listed in `x-enum-values` for tools (the sweep sends one of them).
//! Lossy: the type no longer lists the values.

use super::{Config, NormalizeError, Tally};
use crate::extensions::ENUM_VALUES;
use crate::naming::snake_words;
use crate::walk::for_each_schema;
use serde_json::{json, Value};

pub fn run(doc: &mut Value, _: &Config, t: &mut Tally) -> Result<(), NormalizeError> {
    for_each_schema(doc, &mut |s, ptr| {
        let Some(Value::Array(values)) = s.get("enum") else { return };
        let strings: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
        if strings.is_empty() {
            return;
        }
        let mut names: Vec<String> = strings.iter().map(|v| snake_words(v)).collect();
        let empty = names.iter().any(String::is_empty);
        names.sort();
        let before = names.len();
        names.dedup();
        if !empty && names.len() == before {
            return;
        }
        let listed = strings.iter().map(|v| format!("{v:?}")).collect::<Vec<_>>().join(", ");
        let description = match s.get("description").and_then(Value::as_str) {
            Some(d) => format!("{d} One of: {listed}."),
            None => format!("One of: {listed}."),
        };
        let values = s.remove("enum").unwrap_or_default();
        s.insert("description".into(), json!(description));
        s.insert(ENUM_VALUES.into(), values);
        t.lossy(format!("{ptr}: enum [{listed}] has no distinct Rust names; now a string"));
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{run_pass, Config};
    use super::*;

    #[test]
    fn enums_without_distinct_names_become_strings() {
        let mut doc = json!({"components": {"schemas": {
            "Separators": {"type": "string", "enum": ["/", "-", "|", ".", ""]},
            "Clash": {"type": "string", "enum": ["a-b", "a_b"]},
            "Fine": {"type": "string", "enum": ["sales_count", "Refund", "0"]}
        }}});
        let t = run_pass(run, &mut doc, &Config::default());
        let s = &doc["components"]["schemas"];
        assert_eq!(
            s["Separators"],
            json!({"type": "string", "description": "One of: \"/\", \"-\", \"|\", \".\", \"\".", "x-enum-values": ["/", "-", "|", ".", ""]})
        );
        assert!(s["Clash"].get("enum").is_none());
        assert_eq!(s["Fine"]["enum"], json!(["sales_count", "Refund", "0"]));
        assert_eq!(t.lossy, 2);
    }
}
