//! `oneOf` + `discriminator`: progenitor ignores the discriminator and picks
//! the first variant whose fields fit, so an address proof decodes as an
//! identity proof. Each variant becomes a component of its own that pins the
//! tag to the mapping's value(s) (`allOf: [variant, {tag: enum [value]}]`,
//! named `<Union><Value>`), so exactly one variant accepts a given body.
//! An `anyOf` with a discriminator is a `oneOf`. A discriminator on a schema
//! with no union (a base type its subtypes extend) cannot be expressed and is
//! counted as lossy.

use super::{Config, NormalizeError, Tally};
use crate::naming::type_name;
use crate::refs::escape;
use serde_json::{json, Map, Value};

pub fn run(doc: &mut Value, _: &Config, t: &mut Tally) -> Result<(), NormalizeError> {
    let snapshot = doc.clone();
    let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") else { return Ok(()) };
    let mut added = Map::new();
    let names: Vec<String> = schemas.keys().cloned().collect();
    for (parent, schema) in schemas.iter_mut() {
        let Value::Object(s) = schema else { continue };
        let Some(Value::String(tag)) = s.get("discriminator").and_then(|d| d.get("propertyName")).cloned() else { continue };
        let mapping: Vec<(String, String)> = s
            .get("discriminator")
            .and_then(|d| d.get("mapping"))
            .and_then(Value::as_object)
            .map(|m| m.iter().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string()))).collect())
            .unwrap_or_default();
        if let Some(any) = s.remove("anyOf") {
            s.insert("oneOf".into(), any);
        }
        let Some(Value::Array(members)) = s.get_mut("oneOf") else {
            t.lossy(format!("/components/schemas/{}: discriminator {tag:?} without oneOf; subtypes are not a union", escape(parent)));
            continue;
        };
        for member in members.iter_mut() {
            let Some(reference) = member.get("$ref").and_then(Value::as_str).map(str::to_string) else { continue };
            let mut values: Vec<String> = mapping.iter().filter(|(_, r)| *r == reference).map(|(k, _)| k.clone()).collect();
            if values.is_empty() {
                // Without a mapping entry the value is the schema's name.
                values.push(reference.rsplit('/').next().unwrap_or(&reference).to_string());
            }
            // A variant whose tag is already a required enum of exactly these
            // values (Layer's identifiers) decodes right as it is. One whose
            // tag is optional (Rebilly's quote items) is pinned like any:
            // a body without the tag fits every such variant.
            let variant = crate::refs::resolve(&snapshot, &reference);
            let required = variant
                .and_then(|v| v.get("required"))
                .and_then(Value::as_array)
                .is_some_and(|r| r.iter().any(|n| n.as_str() == Some(tag.as_str())));
            let pinned = required
                && variant.and_then(|v| v.pointer(&format!("/properties/{}/enum", escape(&tag)))).is_some_and(|e| *e == json!(values));
            if pinned {
                continue;
            }
            let base = format!("{parent}{}", type_name(&values[0]));
            let mut name = base.clone();
            let mut n = 2;
            while names.contains(&name) || added.contains_key(&name) {
                name = format!("{base}{n}");
                n += 1;
            }
            added.insert(
                name.clone(),
                json!({"allOf": [
                    {"$ref": reference},
                    {"type": "object", "required": [tag], "properties": {tag.clone(): {"type": "string", "enum": values}}}
                ]}),
            );
            *member = json!({"$ref": format!("#/components/schemas/{}", escape(&name))});
            t.rewrite();
        }
    }
    schemas.extend(added);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{run_pass, Config};
    use super::*;

    #[test]
    fn each_variant_pins_its_tag() {
        let mut doc = json!({"components": {"schemas": {
            "Doc": {"discriminator": {"propertyName": "documentType", "mapping": {
                        "identity-proof": "#/components/schemas/Identity", "address-proof": "#/components/schemas/Address"}},
                    "anyOf": [{"$ref": "#/components/schemas/Identity"}, {"$ref": "#/components/schemas/Address"}, {"$ref": "#/components/schemas/Other"}]},
            "Identity": {"type": "object"}, "Address": {"type": "object"}, "Other": {"type": "object"},
            "Pinned": {"oneOf": [{"$ref": "#/components/schemas/Card"}], "discriminator": {"propertyName": "type"}},
            "Card": {"type": "object", "required": ["type"], "properties": {"type": {"type": "string", "enum": ["Card"]}}},
            "Loose": {"oneOf": [{"$ref": "#/components/schemas/Item"}], "discriminator": {"propertyName": "type"}},
            "Item": {"type": "object", "properties": {"type": {"type": "string", "enum": ["Item"]}}},
            "Base": {"type": "object", "discriminator": {"propertyName": "kind"}}
        }}});
        let t = run_pass(run, &mut doc, &Config::default());
        let s = &doc["components"]["schemas"];
        assert_eq!(
            s["Doc"]["oneOf"],
            json!([{"$ref": "#/components/schemas/DocIdentityProof"}, {"$ref": "#/components/schemas/DocAddressProof"}, {"$ref": "#/components/schemas/DocOther"}])
        );
        assert!(s["Doc"].get("anyOf").is_none());
        assert_eq!(s["DocAddressProof"]["allOf"][0], json!({"$ref": "#/components/schemas/Address"}));
        assert_eq!(s["DocAddressProof"]["allOf"][1]["properties"]["documentType"]["enum"], json!(["address-proof"]));
        assert_eq!(s["DocOther"]["allOf"][1]["properties"]["documentType"]["enum"], json!(["Other"]), "no mapping: the schema name");
        assert_eq!(s["Pinned"]["oneOf"], json!([{"$ref": "#/components/schemas/Card"}]), "already pinned: left alone");
        // An optional tag, though an enum of the right value, is pinned (made required).
        assert_eq!(s["Loose"]["oneOf"], json!([{"$ref": "#/components/schemas/LooseItem"}]));
        assert_eq!(s["LooseItem"]["allOf"][1]["required"], json!(["type"]));
        assert_eq!((t.rewrites, t.lossy), (5, 1));
    }
}
