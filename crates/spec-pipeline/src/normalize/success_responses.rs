//! One success type per operation. progenitor panics when an operation's 2xx
//! responses have different bodies, or a body beside none.
//! - Different JSON bodies become one `oneOf` of them, on every 2xx.
//! - A JSON body beside another media type (the PDF form of an invoice)
//!   keeps JSON only; the other form is unreachable (lossy, noted).
//! - A body-less 2xx beside a typed one is dropped (lossy, noted): that
//!   status then arrives as an unexpected response.

use super::media_types::is_json;
use super::{Config, NormalizeError, Tally};
use crate::refs::{escape, resolve};
use crate::walk::{operations_mut, OperationMut};
use serde_json::{json, Value};

fn is_success(status: &str) -> bool {
    status.starts_with('2')
}

pub fn run(doc: &mut Value, _: &Config, t: &mut Tally) -> Result<(), NormalizeError> {
    let snapshot = doc.clone();
    for OperationMut { pointer: ptr, op, .. } in operations_mut(doc) {
        let Some(Value::Object(responses)) = op.get_mut("responses") else { continue };
        // Responses given as $ref are read through, written inline.
        for (_, r) in responses.iter_mut().filter(|(s, _)| is_success(s)) {
            if let Some(target) = r.get("$ref").and_then(Value::as_str).and_then(|x| resolve(&snapshot, x)) {
                *r = target.clone();
            }
        }
        for (status, r) in responses.iter_mut().filter(|(s, _)| is_success(s)) {
            let Some(Value::Object(content)) = r.get_mut("content") else { continue };
            if content.keys().any(|m| is_json(m)) && content.keys().any(|m| !is_json(m)) {
                let others: Vec<String> = content.keys().filter(|m| !is_json(m)).cloned().collect();
                content.retain(|m, _| is_json(m));
                t.lossy(format!("{ptr}/responses/{}: {} beside JSON unreachable", escape(status), others.join(", ")));
            }
        }
        let schema_of = |r: &Value| -> Option<Value> {
            let content = r.get("content")?.as_object()?;
            content.iter().find(|(m, _)| is_json(m)).and_then(|(_, v)| v.get("schema").cloned())
        };
        let mut distinct: Vec<Value> = Vec::new();
        let mut bodyless = Vec::new();
        for (status, r) in responses.iter().filter(|(s, _)| is_success(s)) {
            match schema_of(r) {
                Some(s) if !distinct.contains(&s) => distinct.push(s),
                Some(_) => {}
                None if r.get("content").and_then(Value::as_object).is_none_or(|c| c.is_empty()) => bodyless.push(status.clone()),
                None => {}
            }
        }
        if !distinct.is_empty() {
            for status in bodyless {
                responses.shift_remove(&status);
                t.lossy(format!("{ptr}/responses/{status}: body-less success beside a typed one dropped"));
            }
        }
        if distinct.len() > 1 {
            let union = json!({"oneOf": distinct});
            for (_, r) in responses.iter_mut().filter(|(s, _)| is_success(s)) {
                if let Some(Value::Object(content)) = r.get_mut("content") {
                    for (media, m) in content.iter_mut() {
                        if is_json(media) {
                            m["schema"] = union.clone();
                        }
                    }
                }
            }
            t.note(format!("{ptr}: success bodies differ by status; one oneOf of {}", union["oneOf"].as_array().map_or(0, Vec::len)));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{run_pass, Config};
    use super::*;

    #[test]
    fn success_bodies_are_made_one() {
        let a = json!({"$ref": "#/components/schemas/A"});
        let b = json!({"$ref": "#/components/schemas/B"});
        let mut doc = json!({"paths": {
            "/x": {"post": {"responses": {
                "200": {"content": {"application/json": {"schema": a}}},
                "201": {"content": {"application/json": {"schema": b}}},
                "204": {"description": "nothing"}
            }}},
            "/invoice": {"get": {"responses": {"200": {"content": {"application/json": {"schema": a}, "application/pdf": {}}}}}},
            "/same": {"put": {"responses": {"200": {"content": {"application/json": {"schema": a}}}, "201": {"content": {"application/json": {"schema": a}}}}}}
        }});
        let before_same = doc["paths"]["/same"].clone();
        let t = run_pass(run, &mut doc, &Config::default());
        let x = &doc["paths"]["/x"]["post"]["responses"];
        assert_eq!(x["200"]["content"]["application/json"]["schema"], json!({"oneOf": [a, b]}));
        assert_eq!(x["201"]["content"]["application/json"]["schema"], json!({"oneOf": [a, b]}));
        assert!(x.get("204").is_none());
        assert_eq!(doc["paths"]["/invoice"]["get"]["responses"]["200"]["content"], json!({"application/json": {"schema": a}}));
        assert_eq!(doc["paths"]["/same"], before_same);
        assert_eq!((t.rewrites, t.lossy), (3, 2));
    }
}
