//! JSON under another media type name (`application/problem+json`,
//! `application/vnd.x+json`, `application/json; charset=utf-8`) →
//! `application/json`, the only one progenitor types. The server still sends
//! its own Content-Type; progenitor does not check it, so decoding works.

use super::{Config, NormalizeError, Tally};
use crate::walk::for_each_content;
use serde_json::Value;

const JSON: &str = "application/json";

/// A media type whose body is JSON.
pub fn is_json(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == JSON || (essence.starts_with("application/") && essence.ends_with("+json"))
}

pub fn run(doc: &mut Value, _: &Config, t: &mut Tally) -> Result<(), NormalizeError> {
    for_each_content(doc, &mut |content, ptr| {
        let others: Vec<String> = content.keys().filter(|m| m.as_str() != JSON && is_json(m)).cloned().collect();
        for media in others {
            let entry = content.shift_remove(&media).expect("key listed above");
            match content.get(JSON) {
                None => {
                    content.insert(JSON.to_string(), entry);
                    t.rewrite();
                }
                Some(existing) if existing.get("schema") == entry.get("schema") => t.rewrite(),
                Some(_) => t.lossy(format!("{ptr}: {media} dropped; application/json has a different schema")),
            }
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
    fn json_flavours_become_application_json() {
        let mut doc = json!({
            "components": {"responses": {"Problem": {"content": {"application/problem+json": {"schema": {"type": "object"}}}}}},
            "paths": {"/a": {"post": {
                "requestBody": {"content": {"application/json; charset=utf-8": {"schema": {"type": "string"}}}},
                "responses": {
                    "200": {"content": {"application/json": {"schema": {"type": "integer"}}, "application/hal+json": {"schema": {"type": "object"}}}},
                    "400": {"content": {"application/problem+json": {"schema": {"type": "object"}}, "text/csv": {}}}
                }
            }}}
        });
        let t = run_pass(run, &mut doc, &Config::default());
        assert_eq!(doc["components"]["responses"]["Problem"]["content"], json!({"application/json": {"schema": {"type": "object"}}}));
        let op = &doc["paths"]["/a"]["post"];
        assert_eq!(op["requestBody"]["content"], json!({"application/json": {"schema": {"type": "string"}}}));
        assert_eq!(op["responses"]["200"]["content"], json!({"application/json": {"schema": {"type": "integer"}}}));
        let keys: Vec<_> = op["responses"]["400"]["content"].as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, ["text/csv", "application/json"]);
        assert_eq!((t.rewrites, t.lossy), (4, 1));
    }
}
