//! Request bodies progenitor rejects: `multipart/form-data` (and JSON beside
//! multipart, which panics), and types it does not know (`text/csv`).
//! - Beside JSON, the other forms are dropped: callers send JSON.
//! - Alone, the body becomes raw bytes (`application/octet-stream`, any
//!   `Into<reqwest::Body>`): the operation is callable, but the caller encodes
//!   the body and progenitor labels it octet-stream. Lossy, noted per
//!   operation.

use super::media_types::is_json;
use super::walk::{escape, operations};
use super::{Config, NormalizeError, Tally};
use serde_json::{json, Value};

const ACCEPTED: &[&str] = &["application/octet-stream", "application/x-www-form-urlencoded", "text/plain"];

pub fn run(doc: &mut Value, _: &Config, t: &mut Tally) -> Result<(), NormalizeError> {
    for (ptr, _, _, op) in operations(doc) {
        let Some(Value::Object(content)) = op.get_mut("requestBody").and_then(|b| b.get_mut("content")) else { continue };
        let unsupported: Vec<String> = content.keys().filter(|m| !is_json(m) && !ACCEPTED.contains(&m.as_str())).cloned().collect();
        if unsupported.is_empty() {
            continue;
        }
        if content.keys().any(|m| is_json(m) || ACCEPTED.contains(&m.as_str())) {
            content.retain(|m, _| !unsupported.contains(m));
            t.lossy(format!("{ptr}/requestBody: {} dropped beside a supported type", unsupported.join(", ")));
        } else {
            content.clear();
            content.insert("application/octet-stream".into(), json!({"schema": {"type": "string", "format": "binary"}}));
            t.lossy(format!("{ptr}/requestBody/content/{}: sent as raw bytes the caller encodes", escape(&unsupported.join(","))));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{run_pass, Config};
    use super::*;

    #[test]
    fn unsupported_request_bodies() {
        let form = json!({"schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}});
        let mut doc = json!({"paths": {
            "/upload": {"post": {"requestBody": {"content": {"multipart/form-data": form}}}},
            "/both": {"post": {"requestBody": {"content": {"application/json": {"schema": {"type": "object"}}, "multipart/form-data": form}}}},
            "/json": {"post": {"requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}}}}
        }});
        let t = run_pass(run, &mut doc, &Config::default());
        let p = &doc["paths"];
        assert_eq!(
            p["/upload"]["post"]["requestBody"]["content"],
            json!({"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}})
        );
        assert_eq!(p["/both"]["post"]["requestBody"]["content"], json!({"application/json": {"schema": {"type": "object"}}}));
        assert_eq!(p["/json"]["post"]["requestBody"]["content"], json!({"application/json": {"schema": {"type": "object"}}}));
        assert_eq!(t.lossy, 2);
    }
}
