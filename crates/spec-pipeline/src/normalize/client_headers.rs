//! Removes header parameters the client sets on every request itself, so that
//! no caller passes them per call: the ones named in the API's config (Monite's
//! `x-monite-version`, `x-monite-entity-id`), and `Content-Type`, `Accept` and
//! `Authorization`, which OpenAPI 3.0 says to ignore as parameters. The names
//! removed are listed in the output under `x-client-headers`; each operation
//! lists the configured ones it required under `x-required-client-headers`,
//! so the client can refuse to send a call whose header it was not given
//! (a Monite call on an entity's data without `x-monite-entity-id`).

use super::{Config, NormalizeError, Tally};
use crate::extensions::{BODY_MEDIA_TYPE, CLIENT_HEADERS, REQUIRED_CLIENT_HEADERS};
use crate::refs::resolve;
use crate::walk::{operations_mut, OperationMut};
use serde_json::{json, Value};

const IGNORED_BY_OPENAPI: &[&str] = &["content-type", "accept", "authorization"];

pub fn run(doc: &mut Value, config: &Config, t: &mut Tally) -> Result<(), NormalizeError> {
    let wanted: Vec<String> =
        config.client_headers.iter().map(|h| h.to_ascii_lowercase()).chain(IGNORED_BY_OPENAPI.iter().map(|h| h.to_string())).collect();
    let snapshot = doc.clone();
    let is_client_header = |p: &Value| -> bool {
        let p = match p.get("$ref").and_then(Value::as_str) {
            Some(r) => resolve(&snapshot, r).unwrap_or(p),
            None => p,
        };
        // The body's own media type, which the request_bodies pass asks for, stays.
        p.get(BODY_MEDIA_TYPE).is_none()
            && p.get("in").and_then(Value::as_str) == Some("header")
            && p.get("name").and_then(Value::as_str).is_some_and(|n| wanted.contains(&n.to_ascii_lowercase()))
    };
    let configured = |name: &str| config.client_headers.iter().any(|h| h.eq_ignore_ascii_case(name));
    let mut removed: Vec<String> = Vec::new();
    // Strips the client headers from a parameter list; returns the names of
    // the configured ones it required.
    let mut strip = |list: &mut Value, t: &mut Tally| -> Vec<String> {
        let mut required = Vec::new();
        if let Value::Array(params) = list {
            params.retain(|p| {
                if !is_client_header(p) {
                    return true;
                }
                let p = p.get("$ref").and_then(Value::as_str).and_then(|r| resolve(&snapshot, r)).unwrap_or(p);
                let name = p["name"].as_str().unwrap_or_default().to_string();
                if p.get("required") == Some(&json!(true)) && configured(&name) {
                    required.push(name.to_ascii_lowercase());
                }
                if !removed.contains(&name) {
                    removed.push(name);
                }
                t.rewrite();
                false
            });
        }
        required
    };
    let mut path_level: Vec<(String, Vec<String>)> = Vec::new();
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        for (path, item) in paths.iter_mut() {
            if let Some(list) = item.get_mut("parameters") {
                path_level.push((path.clone(), strip(list, t)));
            }
        }
    }
    for OperationMut { path, op, .. } in operations_mut(doc) {
        let mut required = path_level.iter().find(|(p, _)| *p == path).map(|(_, r)| r.clone()).unwrap_or_default();
        if let Some(list) = op.get_mut("parameters") {
            required.extend(strip(list, t));
        }
        required.sort();
        required.dedup();
        if !required.is_empty() {
            op.insert(REQUIRED_CLIENT_HEADERS.into(), json!(required));
        }
    }
    if !removed.is_empty() {
        doc[CLIENT_HEADERS] = json!(removed);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{run_pass, Config};
    use super::*;

    #[test]
    fn client_headers_leave_the_operations() {
        let mut doc = json!({
            "paths": {"/a": {
                "parameters": [{"$ref": "#/components/parameters/ct"}],
                "get": {"parameters": [
                    {"name": "x-monite-version", "in": "header", "required": true, "schema": {"type": "string"}},
                    {"name": "x-monite-version", "in": "query", "schema": {"type": "string"}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer"}}
                ]}
            }},
            "components": {"parameters": {"ct": {"name": "Content-Type", "in": "header", "schema": {"type": "string"}}}}
        });
        let config = Config { client_headers: vec!["X-Monite-Version".into()], ..Config::default() };
        let t = run_pass(run, &mut doc, &config);
        assert_eq!(doc["paths"]["/a"]["parameters"], json!([]));
        let names: Vec<_> = doc["paths"]["/a"]["get"]["parameters"].as_array().unwrap().iter().map(|p| p["name"].clone()).collect();
        assert_eq!(names, [json!("x-monite-version"), json!("limit")]);
        assert_eq!(doc["x-client-headers"], json!(["Content-Type", "x-monite-version"]));
        // The configured header it required is listed on the operation.
        assert_eq!(doc["paths"]["/a"]["get"]["x-required-client-headers"], json!(["x-monite-version"]));
        assert_eq!(t.rewrites, 2);
    }
}
