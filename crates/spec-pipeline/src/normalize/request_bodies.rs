//! Request bodies progenitor rejects: `multipart/form-data` (and JSON beside
//! multipart, which panics), and types it does not know (`text/csv`).
//! - Beside JSON, the other forms are dropped: callers send JSON.
//! - Alone, the body becomes raw bytes (any `Into<reqwest::Body>`) and the
//!   operation gains a required `Content-Type` header parameter, which
//!   replaces the `application/octet-stream` progenitor writes: the caller
//!   encodes the form (`multipart/form-data; boundary=…`) and says so. The
//!   form's schema stays in the document under `x-form` and as its component
//!   type. Lossy (the form's fields are not typed in the call), noted per
//!   operation.

use super::media_types::is_json;
use super::{Config, NormalizeError, Tally};
use crate::extensions::{BODY_MEDIA_TYPE, FORM};
use crate::refs::escape;
use crate::walk::{operations_mut, OperationMut};
use serde_json::{json, Value};

const ACCEPTED: &[&str] = &["application/octet-stream", "application/x-www-form-urlencoded", "text/plain"];

pub fn run(doc: &mut Value, _: &Config, t: &mut Tally) -> Result<(), NormalizeError> {
    for OperationMut { pointer: ptr, op, .. } in operations_mut(doc) {
        let Some(Value::Object(content)) = op.get_mut("requestBody").and_then(|b| b.get_mut("content")) else { continue };
        let unsupported: Vec<String> = content.keys().filter(|m| !is_json(m) && !ACCEPTED.contains(&m.as_str())).cloned().collect();
        if unsupported.is_empty() {
            continue;
        }
        if content.keys().any(|m| is_json(m) || ACCEPTED.contains(&m.as_str())) {
            content.retain(|m, _| !unsupported.contains(m));
            t.lossy(format!("{ptr}/requestBody: {} dropped beside a supported type", unsupported.join(", ")));
        } else {
            let original = std::mem::take(content);
            content.insert("application/octet-stream".into(), json!({"schema": {"type": "string", "format": "binary"}}));
            let media = unsupported.join(", ");
            let body = op.get_mut("requestBody").expect("has content");
            body[FORM] = Value::Object(original);
            let example = if media.contains("multipart/") { format!("{media}; boundary=form-boundary") } else { media.clone() };
            let parameter = json!({"name": "Content-Type", "in": "header", "required": true, BODY_MEDIA_TYPE: true,
                "description": format!("The media type of the encoded body ({media}), with its parameters."),
                "schema": {"type": "string", "example": example}});
            match op.get_mut("parameters") {
                Some(Value::Array(list)) => list.push(parameter),
                _ => {
                    op.insert("parameters".into(), json!([parameter]));
                }
            }
            t.lossy(format!("{ptr}/requestBody/content/{}: raw bytes the caller encodes, with a Content-Type parameter", escape(&media)));
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
        assert_eq!(p["/upload"]["post"]["requestBody"]["x-form"], json!({"multipart/form-data": form}));
        let ct = &p["/upload"]["post"]["parameters"][0];
        assert_eq!((ct["name"].as_str(), ct["in"].as_str(), ct["required"].as_bool()), (Some("Content-Type"), Some("header"), Some(true)));
        assert_eq!(ct["schema"]["example"], "multipart/form-data; boundary=form-boundary");
        assert_eq!(p["/both"]["post"]["requestBody"]["content"], json!({"application/json": {"schema": {"type": "object"}}}));
        assert_eq!(p["/json"]["post"]["requestBody"]["content"], json!({"application/json": {"schema": {"type": "object"}}}));
        assert_eq!(t.lossy, 2);
    }
}
