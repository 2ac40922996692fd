//! Wraps JSON bodies in the envelope an API puts around them on the wire, when
//! its document describes only the inner object (Layer: success is
//! `{"data": X, "meta": {...}}`, failure `{"errors": [E, ...]}`). The wrapper
//! of a named schema `X` is the component `XEnvelope`. An operation that is not
//! wrapped says so with `x-response-envelope: false`.

use super::{Config, NormalizeError, Tally};
use crate::extensions::RESPONSE_ENVELOPE;
use crate::refs::escape;
use crate::walk::{operations_mut, OperationMut};
use serde::Deserialize;
use serde_json::{json, Map, Value};

/// Member names of the envelope.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    /// Holds the body of a success (2xx).
    pub success: String,
    /// Holds the list of errors of a failure (4xx, 5xx, default).
    pub error: String,
    /// Optional metadata beside either (pagination, rate limits).
    #[serde(default)]
    pub meta: Option<String>,
}

const JSON: &str = "application/json";

pub fn run(doc: &mut Value, config: &Config, t: &mut Tally) -> Result<(), NormalizeError> {
    let Some(env) = &config.response_envelope else { return Ok(()) };
    let mut new_components: Map<String, Value> = Map::new();
    let existing: Vec<String> =
        doc.pointer("/components/schemas").and_then(Value::as_object).map(|m| m.keys().cloned().collect()).unwrap_or_default();
    for OperationMut { pointer: ptr, op, .. } in operations_mut(doc) {
        if op.get(RESPONSE_ENVELOPE) == Some(&Value::Bool(false)) {
            continue;
        }
        let Some(Value::Object(responses)) = op.get_mut("responses") else { continue };
        for (status, response) in responses.iter_mut() {
            if response.get("$ref").is_some() {
                return Err(NormalizeError::new(
                    format!("{ptr}/responses/{}", escape(status)),
                    "the envelope pass needs responses written inline, not as $ref",
                ));
            }
            let Some(schema) = response.pointer_mut(&format!("/content/{}/schema", escape(JSON))) else { continue };
            let success = status.starts_with('2');
            let wrapped = wrap(schema.take(), success, env);
            *schema = match name_of(&wrapped, success) {
                Some(inner) => {
                    let mut name = format!("{inner}Envelope");
                    if new_components.get(&name).is_some_and(|w| *w != wrapped) {
                        name = format!("{inner}ErrorEnvelope");
                    }
                    if existing.contains(&name) {
                        return Err(NormalizeError::new(format!("/components/schemas/{name}"), "the envelope's component name is taken"));
                    }
                    new_components.insert(name.clone(), wrapped);
                    json!({"$ref": format!("#/components/schemas/{name}")})
                }
                None => wrapped,
            };
            t.rewrite();
        }
    }
    if !new_components.is_empty() {
        let schemas = doc
            .as_object_mut()
            .expect("checked by normalize")
            .entry("components")
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .ok_or_else(|| NormalizeError::new("/components", "must be an object"))?
            .entry("schemas")
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .ok_or_else(|| NormalizeError::new("/components/schemas", "must be an object"))?;
        schemas.extend(new_components);
    }
    Ok(())
}

fn wrap(inner: Value, success: bool, env: &Envelope) -> Value {
    let (member, body) = if success { (&env.success, inner) } else { (&env.error, json!({"type": "array", "items": inner})) };
    let mut properties = Map::new();
    properties.insert(member.clone(), body);
    if let Some(meta) = &env.meta {
        properties.insert(meta.clone(), json!({"type": "object", "nullable": true, "additionalProperties": true}));
    }
    json!({"type": "object", "required": [member], "properties": properties})
}

/// The component name of the wrapped schema, when it is a `$ref`.
fn name_of(wrapped: &Value, success: bool) -> Option<String> {
    let props = wrapped["properties"].as_object()?;
    let inner = props.values().next()?;
    let inner = if success { inner } else { &inner["items"] };
    inner.get("$ref")?.as_str()?.strip_prefix("#/components/schemas/").map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::super::{run_pass, Config};
    use super::*;

    fn config() -> Config {
        Config {
            response_envelope: Some(Envelope { success: "data".into(), error: "errors".into(), meta: Some("meta".into()) }),
            ..Config::default()
        }
    }

    #[test]
    fn wraps_success_and_error_bodies() {
        let mut doc = json!({"paths": {
            "/a": {"get": {"responses": {
                "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}},
                "404": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/E"}}}}
            }}},
            "/token": {"post": {"x-response-envelope": false, "responses": {
                "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/T"}}}}
            }}}
        }, "components": {"schemas": {"A": {}, "E": {}, "T": {}}}});
        let t = run_pass(run, &mut doc, &config());
        assert_eq!(t.rewrites, 2);
        let r = &doc["paths"]["/a"]["get"]["responses"];
        assert_eq!(r["200"]["content"]["application/json"]["schema"], json!({"$ref": "#/components/schemas/AEnvelope"}));
        assert_eq!(r["404"]["content"]["application/json"]["schema"], json!({"$ref": "#/components/schemas/EEnvelope"}));
        let s = &doc["components"]["schemas"];
        assert_eq!(s["AEnvelope"]["required"], json!(["data"]));
        assert_eq!(s["AEnvelope"]["properties"]["data"], json!({"$ref": "#/components/schemas/A"}));
        assert_eq!(s["EEnvelope"]["properties"]["errors"]["items"], json!({"$ref": "#/components/schemas/E"}));
        assert_eq!(s["EEnvelope"]["properties"]["meta"]["type"], "object");
        assert_eq!(
            doc["paths"]["/token"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/T"
        );
    }

    #[test]
    fn without_config_nothing_changes() {
        let mut doc = json!({"paths": {"/a": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {}}}}}}}}});
        let before = doc.clone();
        let t = run_pass(run, &mut doc, &Config::default());
        assert_eq!((doc, t.rewrites), (before, 0));
    }
}
