//! `$ref` with sibling keys. OpenAPI 3.0 ignores siblings of `$ref` and
//! progenitor's parser rejects some; 3.1 documents use them freely.
//! - `nullable: true` beside a `$ref` means "X or null": the ref moves into a
//!   one-member `allOf` that can carry `nullable`.
//! - annotations (`description`, `title`, examples, `deprecated`) are dropped:
//!   the target's own documentation stands in for them.
//! - anything else (`readOnly`, `default`, bounds) is dropped and counted as
//!   lossy, with its place.

use super::{Config, NormalizeError, Tally};
use crate::walk::for_each_schema;
use serde_json::{json, Value};

const ANNOTATIONS: &[&str] = &["description", "title", "example", "examples", "deprecated", "externalDocs", "summary"];

pub fn run(doc: &mut Value, _: &Config, t: &mut Tally) -> Result<(), NormalizeError> {
    for_each_schema(doc, &mut |s, ptr| {
        if !s.contains_key("$ref") || s.len() == 1 {
            return;
        }
        if s.get("nullable") == Some(&Value::Bool(true)) {
            let reference = s.remove("$ref").expect("checked above");
            s.insert("allOf".into(), json!([{"$ref": reference}]));
            t.rewrite();
            return;
        }
        let dropped: Vec<String> = s.keys().filter(|k| *k != "$ref").cloned().collect();
        s.retain(|k, _| k == "$ref");
        let semantic: Vec<&String> = dropped.iter().filter(|k| !ANNOTATIONS.contains(&k.as_str()) && *k != "nullable").collect();
        if semantic.is_empty() {
            t.rewrite();
        } else {
            t.lossy(format!("{ptr}: {semantic:?} beside $ref dropped"));
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{run_pass, Config};
    use super::*;

    #[test]
    fn siblings_of_ref() {
        let r = json!("#/components/schemas/T");
        let mut doc = json!({"components": {"schemas": {"A": {"type": "object", "properties": {
            "plain": {"$ref": r},
            "documented": {"$ref": r, "description": "d"},
            "nullable": {"$ref": r, "nullable": true, "description": "d"},
            "read_only": {"$ref": r, "readOnly": true}
        }}}}});
        let t = run_pass(run, &mut doc, &Config::default());
        let p = &doc["components"]["schemas"]["A"]["properties"];
        assert_eq!(p["plain"], json!({"$ref": r}));
        assert_eq!(p["documented"], json!({"$ref": r}));
        assert_eq!(p["nullable"], json!({"nullable": true, "description": "d", "allOf": [{"$ref": r}]}));
        assert_eq!(p["read_only"], json!({"$ref": r}));
        assert_eq!((t.rewrites, t.lossy), (3, 1));
        assert!(t.notes[0].contains("read_only") && t.notes[0].contains("readOnly"), "{:?}", t.notes);
    }
}
