//! A media type with no `schema` (a body "of this type", shape unsaid):
//! progenitor panics on such a JSON response and refuses such a request
//! body. A JSON one gets `{}` (any JSON value, decoded as
//! `serde_json::Value`); any other, a binary string (bytes as sent). Noted,
//! not lossy: the document said nothing more.

use super::media_types::is_json;
use super::{Config, NormalizeError, Tally};
use crate::refs::escape;
use crate::walk::for_each_content;
use serde_json::{json, Value};

pub fn run(doc: &mut Value, _: &Config, t: &mut Tally) -> Result<(), NormalizeError> {
    for_each_content(doc, &mut |content, ptr| {
        for (media, entry) in content.iter_mut() {
            let Value::Object(entry) = entry else { continue };
            if entry.contains_key("schema") {
                continue;
            }
            let schema = if is_json(media) { json!({}) } else { json!({"type": "string", "format": "binary"}) };
            entry.insert("schema".into(), schema);
            t.note(format!("{ptr}/{}: no schema; now {}", escape(media), if is_json(media) { "any JSON value" } else { "bytes" }));
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{run_pass, Config};
    use super::*;

    #[test]
    fn media_types_without_a_schema_get_the_widest_one() {
        let mut doc = json!({"paths": {"/a": {"post": {
            "requestBody": {"content": {"application/json": {}}},
            "responses": {"200": {"description": "ok", "content": {"application/json": {"example": {"a": 1}}, "application/pdf": {}}},
                          "400": {"description": "bad", "content": {"application/json": {"schema": {"type": "object"}}}}}
        }}}});
        let t = run_pass(run, &mut doc, &Config::default());
        let op = &doc["paths"]["/a"]["post"];
        assert_eq!(op["requestBody"]["content"]["application/json"]["schema"], json!({}));
        assert_eq!(op["responses"]["200"]["content"]["application/json"], json!({"example": {"a": 1}, "schema": {}}));
        assert_eq!(op["responses"]["200"]["content"]["application/pdf"]["schema"], json!({"type": "string", "format": "binary"}));
        assert_eq!(op["responses"]["400"]["content"]["application/json"]["schema"], json!({"type": "object"}));
        assert_eq!((t.rewrites, t.lossy), (3, 0));
    }
}
