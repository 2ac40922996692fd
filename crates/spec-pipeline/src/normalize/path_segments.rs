//! A path parameter's value must stay one path segment. progenitor
//! percent-encodes `/` and `%`, but a value of `.` or `..` is resolved away
//! by the URL parser, and `\` is read as `/`: `..\..\admin` would send the
//! request, credentials and all, to another path of the same host. Each
//! string path parameter gets a pattern that refuses those values (and
//! control characters), so the builder refuses them before sending, naming
//! the parameter. An existing pattern is kept: both must match.
//!
//! Left alone: parameters whose schema is a `$ref` (a component may be a
//! body type too), enums (their known values are fixed) and formats that
//! cannot hold such characters (uuid, dates, numbers). The client checks
//! the shape of every path at run time as well.

use super::{Config, NormalizeError, Tally};
use crate::walk::METHODS;
use serde_json::Value;

/// One segment: not `.` or `..`, no `/`, `\` or control character.
pub const SEGMENT: &str = r"^(?!\.\.?$)(?=[^/\\\x00-\x1F\x7F]+$)";

pub fn run(doc: &mut Value, _: &Config, t: &mut Tally) -> Result<(), NormalizeError> {
    if let Some(Value::Object(parameters)) = doc.pointer_mut("/components/parameters") {
        for parameter in parameters.values_mut() {
            guard(parameter, t);
        }
    }
    let Some(Value::Object(paths)) = doc.get_mut("paths") else { return Ok(()) };
    for item in paths.values_mut() {
        let Value::Object(item) = item else { continue };
        for (key, holder) in item.iter_mut() {
            if key != "parameters" && !METHODS.contains(&key.as_str()) {
                continue;
            }
            let list = if key == "parameters" { Some(holder) } else { holder.get_mut("parameters") };
            let Some(Value::Array(list)) = list else { continue };
            for parameter in list.iter_mut() {
                guard(parameter, t);
            }
        }
    }
    Ok(())
}

fn guard(parameter: &mut Value, t: &mut Tally) {
    if parameter.get("in").and_then(Value::as_str) != Some("path") {
        return;
    }
    let Some(Value::Object(schema)) = parameter.get_mut("schema") else { return };
    let plain_string = schema.get("type").and_then(Value::as_str) == Some("string")
        && !schema.contains_key("$ref")
        && !schema.contains_key("enum")
        && !matches!(schema.get("format").and_then(Value::as_str), Some("uuid" | "date" | "date-time" | "byte" | "ipv4" | "ipv6"));
    if !plain_string {
        return;
    }
    let pattern = match schema.get("pattern").and_then(Value::as_str) {
        Some(existing) if existing.starts_with(SEGMENT) => return,
        // A lookahead: the existing pattern matches anywhere, as before.
        Some(existing) => format!(r"{SEGMENT}(?=[\s\S]*?(?:{existing}))"),
        None => SEGMENT.to_string(),
    };
    schema.insert("pattern".into(), Value::String(pattern));
    t.rewrite();
}

#[cfg(test)]
mod tests {
    use super::super::{run_pass, Config};
    use super::*;
    use serde_json::json;

    fn matches(pattern: &str, value: &str) -> bool {
        regress::Regex::new(pattern).unwrap().find(value).is_some()
    }

    #[test]
    fn string_path_parameters_stay_one_segment() {
        let mut doc = json!({
            "components": {"parameters": {"Id": {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}}},
            "paths": {"/a/{id}/{slug}/{n}/{u}": {
                "parameters": [{"$ref": "#/components/parameters/Id"}],
                "get": {"parameters": [
                    {"name": "slug", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[@~\\-\\.\\w]+$"}},
                    {"name": "n", "in": "path", "required": true, "schema": {"type": "integer"}},
                    {"name": "u", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}},
                    {"name": "q", "in": "query", "schema": {"type": "string"}},
                    {"name": "k", "in": "path", "required": true, "schema": {"type": "string", "enum": ["a", "b"]}}
                ]}
            }}
        });
        let t = run_pass(run, &mut doc, &Config::default());
        assert_eq!(t.rewrites, 2);
        let id = doc["components"]["parameters"]["Id"]["schema"]["pattern"].as_str().unwrap().to_string();
        let slug = doc["paths"]["/a/{id}/{slug}/{n}/{u}"]["get"]["parameters"][0]["schema"]["pattern"].as_str().unwrap().to_string();
        for ok in ["cus_01", "a.b", "...", "x..y", "é", "a b"] {
            assert!(matches(&id, ok), "{ok}");
        }
        for bad in ["", ".", "..", "a/b", "a\\b", "..\\..\\admin", "x\u{1}y", "tab\t", "del\u{7f}"] {
            assert!(!matches(&id, bad), "{bad:?}");
        }
        // Both the vendor's pattern and one segment.
        assert!(matches(&slug, "cus_01.x") && matches(&slug, "@me"));
        for bad in ["..", ".", "a b", "x/y", "a\\b"] {
            assert!(!matches(&slug, bad), "{bad:?}");
        }
        let params = &doc["paths"]["/a/{id}/{slug}/{n}/{u}"]["get"]["parameters"];
        for i in 1..5 {
            assert!(params[i]["schema"].get("pattern").is_none(), "{i}");
        }
        // Running again changes nothing.
        assert_eq!(run_pass(run, &mut doc, &Config::default()).rewrites, 0);
    }
}
