//! Properties of one object that typify would give one Rust field name
//! (`fooBar` and `foo_bar`, `pet` and `Pet`, `ref` and `$ref`) make a struct
//! with a field declared twice, which does not compile. One of them keeps
//! its key (the one already spelled as its Rust name, else the first); each
//! other is renamed `<wire name>#<n>`, whose field name is `<name>_<n>`, and
//! the object lists it in `x-wire-names` (renamed key → wire name). typify
//! has no extension for a field's name and always takes the serde name from
//! the key, so codegen puts the wire name back into that field's
//! `#[serde(rename)]`: the JSON sent and read is unchanged. Not lossy; noted,
//! since the Rust name differs from what the property is called.

use super::{Config, NormalizeError, Tally};
use crate::extensions::WIRE_NAMES;
use crate::naming::field_name;
use crate::walk::for_each_schema;
use serde_json::{json, Map, Value};
use std::collections::HashSet;

pub fn run(doc: &mut Value, _: &Config, t: &mut Tally) -> Result<(), NormalizeError> {
    // A new key must not be any property's key anywhere: codegen rewrites
    // the serde name of every field whose key it is.
    let mut keys = HashSet::new();
    for_each_schema(doc, &mut |s, _| {
        keys.extend(s.get("properties").and_then(Value::as_object).into_iter().flatten().map(|(k, _)| k.clone()))
    });
    for_each_schema(doc, &mut |s, ptr| {
        let Some(Value::Object(properties)) = s.get("properties") else { return };
        let renames = renames(properties, &mut keys);
        if renames.is_empty() {
            return;
        }
        let Some(Value::Object(properties)) = s.remove("properties") else { unreachable!("checked above") };
        let mut kept = Map::new();
        for (key, schema) in properties {
            match renames.iter().find(|(wire, _)| *wire == key) {
                Some((_, new)) => kept.insert(new.clone(), schema),
                None => kept.insert(key, schema),
            };
        }
        s.insert("properties".into(), Value::Object(kept));
        if let Some(Value::Array(required)) = s.get_mut("required") {
            for name in required.iter_mut() {
                if let Some((_, new)) = renames.iter().find(|(wire, _)| Some(wire.as_str()) == name.as_str()) {
                    *name = json!(new);
                }
            }
        }
        let wire_names = s.entry(WIRE_NAMES).or_insert_with(|| json!({}));
        for (wire, new) in &renames {
            wire_names[new] = json!(wire);
            let shared = field_name(wire);
            t.note(format!(
                "{ptr}/properties: {wire:?} is the Rust field `{shared}` as another property is; now `{}` (key {new:?}, wire name kept)",
                field_name(new)
            ));
        }
    });
    Ok(())
}

/// `(wire name, new key)` of each property of `properties` that must give
/// up its Rust name, in document order; reserves the new keys in `keys`.
fn renames(properties: &Map<String, Value>, keys: &mut HashSet<String>) -> Vec<(String, String)> {
    let mut fields: Vec<String> = properties.keys().map(|k| field_name(k)).collect();
    let mut out = Vec::new();
    for (i, key) in properties.keys().enumerate() {
        let field = &fields[i];
        let holders: Vec<&String> = properties.keys().filter(|k| field_name(k) == *field).collect();
        if holders.len() < 2 {
            continue;
        }
        // The one spelled as its Rust name keeps it, else the first.
        let keeper = holders.iter().find(|k| **k == field).unwrap_or(&holders[0]);
        if *keeper == key {
            continue;
        }
        let mut n = 2;
        let new = loop {
            let candidate = format!("{key}#{n}");
            if !keys.contains(&candidate) && !fields.contains(&field_name(&candidate)) {
                break candidate;
            }
            n += 1;
        };
        keys.insert(new.clone());
        fields.push(field_name(&new));
        out.push((key.clone(), new));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::{run_pass, Config};
    use super::*;

    #[test]
    fn properties_of_one_rust_name_get_distinct_keys_and_keep_their_wire_names() {
        let mut doc = json!({"components": {"schemas": {
            "Pet": {"type": "object", "required": ["fooBar", "pet"], "properties": {
                "fooBar": {"type": "string"}, "foo_bar": {"type": "integer"},
                "Pet": {"type": "string"}, "pet": {"type": "string"}, "pet_2": {"type": "string"},
                "$ref": {"type": "string"}, "ref": {"type": "string"},
                "id": {"type": "string"}
            }},
            "Fine": {"type": "object", "properties": {"fooBar": {"type": "string"}, "$ref": {"type": "string"}}}
        }}});
        let fine = doc["components"]["schemas"]["Fine"].clone();
        let t = run_pass(run, &mut doc, &Config::default());
        let pet = &doc["components"]["schemas"]["Pet"];
        let keys: Vec<&String> = pet["properties"].as_object().unwrap().keys().collect();
        // Document order kept; `foo_bar` and `pet` are their Rust names and
        // keep them; `pet_2` is taken, so `Pet` becomes `pet_3`; neither
        // `$ref` nor `ref` is spelled `ref_`, so the first keeps it.
        assert_eq!(keys, ["fooBar#2", "foo_bar", "Pet#3", "pet", "pet_2", "$ref", "ref#2", "id"]);
        assert_eq!(pet["properties"]["fooBar#2"], json!({"type": "string"}));
        assert_eq!(pet["required"], json!(["fooBar#2", "pet"]));
        assert_eq!(pet[WIRE_NAMES], json!({"fooBar#2": "fooBar", "Pet#3": "Pet", "ref#2": "ref"}));
        let fields: HashSet<String> = keys.iter().map(|k| field_name(k)).collect();
        assert_eq!(fields.len(), keys.len(), "{fields:?}");
        assert_eq!(doc["components"]["schemas"]["Fine"], fine);
        assert_eq!((t.rewrites, t.lossy), (3, 0));
    }
}
