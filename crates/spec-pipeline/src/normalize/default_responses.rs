//! `default` responses. progenitor panics when a `default` response's body
//! differs from the 2xx one, and reads a `default` as possibly a success.
//! `default` means "any status not listed", so:
//! - beside a listed 2xx (or 204), it stands for the errors: it becomes
//!   `4XX` and `5XX` (a listed status such as 404 keeps its own response),
//!   which the error_responses pass then unifies with the other error bodies;
//! - alone, it stands for every answer: `2XX` for success, and `4XX` and
//!   `5XX` for errors, each with its body.
//!
//! Informational and redirect statuses it also covered are not expected by
//! these clients (redirects are never followed): nothing typed is lost.

use super::{Config, NormalizeError, Tally};
use crate::walk::{operations_mut, OperationMut};
use serde_json::Value;

pub fn run(doc: &mut Value, _: &Config, t: &mut Tally) -> Result<(), NormalizeError> {
    for OperationMut { pointer, op, .. } in operations_mut(doc) {
        let Some(Value::Object(responses)) = op.get_mut("responses") else { continue };
        let Some(default) = responses.shift_remove("default") else { continue };
        let has_success = responses.keys().any(|s| s.starts_with('2'));
        let mut added = Vec::new();
        let ranges: &[&str] = if has_success { &["4XX", "5XX"] } else { &["2XX", "4XX", "5XX"] };
        for range in ranges {
            // A listed status (404) still answers for itself; the range for the rest.
            if !responses.contains_key(*range) {
                responses.insert(range.to_string(), default.clone());
                added.push(*range);
            }
        }
        t.note(format!(
            "{pointer}/responses/default: now {}",
            if added.is_empty() { "covered by the listed statuses".to_string() } else { added.join(", ") }
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{run_pass, Config};
    use super::*;
    use serde_json::json;

    fn body(name: &str) -> Value {
        json!({"description": name, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{name}")}}}})
    }

    #[test]
    fn default_stands_for_the_errors_beside_a_success_and_for_everything_alone() {
        let mut doc = json!({"paths": {
            "/beside": {"get": {"responses": {"200": body("Thing"), "default": body("Problem")}}},
            "/empty": {"delete": {"responses": {"204": {"description": "gone"}, "default": body("Problem")}}},
            "/alone": {"get": {"responses": {"default": body("Thing")}}},
            "/listed": {"post": {"responses": {"201": body("Thing"), "404": body("Problem"), "default": body("Problem")}}}
        }});
        let t = run_pass(run, &mut doc, &Config::default());
        let keys = |path: &str, method: &str| -> Vec<String> {
            doc["paths"][path][method]["responses"].as_object().unwrap().keys().cloned().collect()
        };
        assert_eq!(keys("/beside", "get"), ["200", "4XX", "5XX"]);
        assert_eq!(doc["paths"]["/beside"]["get"]["responses"]["5XX"], body("Problem"));
        assert_eq!(keys("/empty", "delete"), ["204", "4XX", "5XX"]);
        assert_eq!(keys("/alone", "get"), ["2XX", "4XX", "5XX"]);
        // A listed 4xx stays the one for its status; the ranges take the rest.
        assert_eq!(keys("/listed", "post"), ["201", "404", "4XX", "5XX"]);
        assert_eq!((t.rewrites, t.lossy), (4, 0));
    }
}
