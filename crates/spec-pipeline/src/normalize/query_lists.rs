//! Query parameters that are lists sent comma-separated (`style: form`,
//! `explode: false`, as in `sort=-createdTime,id`) → a string parameter.
//! progenitor always sends a list as repeated keys (`sort=a&sort=b`), which
//! such a server reads differently; a string the caller joins is sent as is.
//! The item type is given up, so each rewrite is lossy.

use super::{Config, NormalizeError, Tally};
use crate::refs::escape;
use serde_json::{json, Value};

fn rewrite(p: &mut Value, ptr: &str, t: &mut Tally) {
    let is_query = p.get("in").and_then(Value::as_str) == Some("query");
    let form = p.get("style").and_then(Value::as_str).is_none_or(|s| s == "form");
    let unexploded = p.get("explode") == Some(&Value::Bool(false));
    let is_array = p.pointer("/schema/type").and_then(Value::as_str) == Some("array");
    if !(is_query && form && unexploded && is_array) {
        return;
    }
    let items = p.pointer("/schema/items").cloned().unwrap_or(json!({}));
    let p = p.as_object_mut().expect("has keys, so an object");
    p.remove("style");
    p.remove("explode");
    p.insert("schema".into(), json!({"type": "string", "description": "Comma-separated list."}));
    t.lossy(format!("{ptr}: comma-separated list of {items} sent as one string"));
}

pub fn run(doc: &mut Value, _: &Config, t: &mut Tally) -> Result<(), NormalizeError> {
    if let Some(Value::Object(params)) = doc.pointer_mut("/components/parameters") {
        for (name, p) in params.iter_mut() {
            rewrite(p, &format!("/components/parameters/{}", escape(name)), t);
        }
    }
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        for (path, item) in paths.iter_mut() {
            let Value::Object(item) = item else { continue };
            for (key, v) in item.iter_mut() {
                let (list, ptr) = if key == "parameters" {
                    (Some(v), format!("/paths/{}/parameters", escape(path)))
                } else {
                    (v.get_mut("parameters"), format!("/paths/{}/{key}/parameters", escape(path)))
                };
                if let Some(Value::Array(list)) = list {
                    for (i, p) in list.iter_mut().enumerate() {
                        rewrite(p, &format!("{ptr}/{i}"), t);
                    }
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{run_pass, Config};
    use super::*;

    #[test]
    fn unexploded_query_lists_become_strings() {
        let list = json!({"type": "array", "items": {"type": "string"}});
        let mut doc = json!({
            "components": {"parameters": {"sort": {"name": "sort", "in": "query", "style": "form", "explode": false, "schema": list}}},
            "paths": {"/a": {"get": {"parameters": [
                {"name": "ids", "in": "query", "explode": false, "schema": list},
                {"name": "tags", "in": "query", "schema": list}
            ]}}}
        });
        let t = run_pass(run, &mut doc, &Config::default());
        assert_eq!(doc["components"]["parameters"]["sort"]["schema"]["type"], "string");
        assert!(doc["components"]["parameters"]["sort"].get("explode").is_none());
        let params = &doc["paths"]["/a"]["get"]["parameters"];
        assert_eq!(params[0]["schema"]["type"], "string");
        assert_eq!(params[1]["schema"], list, "exploded lists are repeated keys, which progenitor sends");
        assert_eq!((t.rewrites, t.lossy), (2, 2));
    }
}
