//! typify's enums are closed: one value the server adds after the document
//! was written fails the whole response, and no typify setting opens them.
//! Every string enum of two or more values becomes
//! `oneOf: [$ref <Name>Known, {type: string}]`, which typify emits as
//! `enum Name { Known(NameKnown), Unknown(String) }` (untagged): a listed
//! value decodes to its variant, any other string is kept as sent and
//! serializes back unchanged. The closed enum moves to the new component
//! `<Name>Known`; the string is titled `<Name>Unknown` so that typify, which
//! drops the variants' common prefix, names them `Known` and `Unknown`.
//!
//! Left closed, and counted in the notes: enums of one value (a constant),
//! enums a discriminator reads (the tag must pick exactly one variant) and
//! enums in parameters (values the caller sends, never the server).
//! Nothing is lost.
//!
//! With `flat_enums` (our own documents), every string enum but the
//! discriminator tags, one-value enums and parameter enums included, becomes
//! a component of its own (inline ones are hoisted, named like typify's
//! inline types) marked `x-open-enum: true`, which the crate's code
//! generation emits as `enum X { A, B, Unknown(String) }` with serde that
//! keeps an unknown value unchanged. The document still lists the values.

use super::{Config, NormalizeError, Tally};
use crate::extensions::OPEN_ENUM;
use crate::naming::type_name;
use crate::refs::escape;
use crate::walk::{operations_mut, OperationMut};
use serde_json::{json, Map, Value};
use std::collections::HashSet;

/// Keys that describe the value itself and stay on the open schema; the
/// rest (type, enum, format, string bounds) go to the closed enum.
const KEPT_OUTSIDE: &[&str] = &["description", "title", "nullable", "default", "example", "readOnly", "writeOnly", "deprecated"];

const KNOWN: &str = "Known";
const UNKNOWN: &str = "Unknown";

/// Whether `schema` is an enum this pass opened in the `oneOf` form.
#[cfg(test)]
fn is_open(schema: &Map<String, Value>) -> bool {
    schema.get("oneOf").and_then(Value::as_array).is_some_and(|members| {
        members.len() == 2
            && members[0].get("$ref").and_then(Value::as_str).is_some_and(|r| r.ends_with(KNOWN))
            && members[1].get("title").and_then(Value::as_str).is_some_and(|t| t.ends_with(UNKNOWN))
    })
}

struct Opener<'a> {
    /// JSON pointers of schemas a discriminator reads.
    tags: &'a HashSet<String>,
    /// Lower-cased Rust names of the components, existing and added.
    taken: HashSet<String>,
    /// Closed enums to add: the component that uses each (none for an
    /// operation body), its name, its schema.
    added: Vec<(Option<String>, String, Value)>,
    /// The component being walked.
    owner: Option<String>,
    tags_kept: usize,
    /// `flat_enums`: see the module docs.
    flat: bool,
}

impl Opener<'_> {
    /// A base name `b` (from `base`, numbered on a clash) such that
    /// `<b><suffix>` names no type yet, reserved.
    fn fresh(&mut self, base: &str, suffix: &str) -> String {
        let taken = |b: &str, taken: &HashSet<String>| taken.contains(&format!("{b}{suffix}").to_ascii_lowercase());
        let mut candidate = base.to_string();
        let mut n = 2;
        while taken(&candidate, &self.taken) {
            candidate = format!("{base}{n}");
            n += 1;
        }
        self.taken.insert(format!("{candidate}{suffix}").to_ascii_lowercase());
        candidate
    }

    /// `flat_enums`: marks the enum `s` open, as a component of its own.
    fn open_flat(&mut self, value: &mut Value, values: Vec<String>, name: &str, ptr: &str, t: &mut Tally) {
        let Value::Object(s) = value else { return };
        let had_null = matches!(s.get("enum"), Some(Value::Array(v)) if v.iter().any(Value::is_null));
        s.insert("type".into(), json!("string"));
        s.insert("enum".into(), Value::Array(values.iter().map(|v| json!(v)).collect()));
        s.insert(OPEN_ENUM.into(), json!(true));
        if had_null {
            s.insert("nullable".into(), json!(true));
        }
        t.rewrite();
        let is_component = self.owner.as_ref().is_some_and(|owner| ptr == format!("/components/schemas/{}", escape(owner)));
        if !is_component {
            let component = self.fresh(name, "");
            let schema = std::mem::replace(value, json!({"$ref": format!("#/components/schemas/{component}")}));
            self.added.push((self.owner.clone(), component, schema));
        }
    }

    /// Opens the enums in `value` (named `name` in Rust) and below it.
    fn open(&mut self, value: &mut Value, name: &str, ptr: &str, t: &mut Tally) {
        let Value::Object(s) = value else { return };
        if s.contains_key("$ref") {
            return;
        }
        if let Some(values) = closed_strings(s, if self.flat { 1 } else { 2 }) {
            if self.flat && !self.tags.contains(ptr) {
                self.open_flat(value, values, name, ptr, t);
                return;
            }
            if self.tags.contains(ptr) {
                self.tags_kept += 1;
                return;
            }
            let had_null = matches!(s.get("enum"), Some(Value::Array(v)) if v.iter().any(Value::is_null));
            let base = self.fresh(name, KNOWN);
            let known = format!("{base}{KNOWN}");
            let mut closed = Map::new();
            for key in s.keys().cloned().collect::<Vec<_>>() {
                if !KEPT_OUTSIDE.contains(&key.as_str()) && !key.starts_with("x-") {
                    closed.insert(key.clone(), s.remove(&key).expect("listed"));
                }
            }
            closed.insert("type".into(), json!("string"));
            closed.insert("enum".into(), Value::Array(values.iter().map(|v| json!(v)).collect()));
            if had_null {
                s.insert("nullable".into(), json!(true));
            }
            if let Some(d) = s.get("description") {
                closed.insert("description".into(), d.clone());
            }
            s.insert(
                "oneOf".into(),
                json!([{"$ref": format!("#/components/schemas/{known}")}, {"type": "string", "title": format!("{base}{UNKNOWN}")}]),
            );
            self.added.push((self.owner.clone(), known, Value::Object(closed)));
            t.rewrite();
            return;
        }
        if let Some(Value::Object(props)) = s.get_mut("properties") {
            for (key, p) in props.iter_mut() {
                self.open(p, &format!("{name}{}", type_name(key)), &format!("{ptr}/properties/{}", escape(key)), t);
            }
        }
        if let Some(items) = s.get_mut("items") {
            self.open(items, &format!("{name}Item"), &format!("{ptr}/items"), t);
        }
        if let Some(extra) = s.get_mut("additionalProperties") {
            self.open(extra, &format!("{name}Value"), &format!("{ptr}/additionalProperties"), t);
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            if let Some(Value::Array(members)) = s.get_mut(key) {
                for (i, m) in members.iter_mut().enumerate() {
                    self.open(m, name, &format!("{ptr}/{key}/{i}"), t);
                }
            }
        }
    }
}

/// The string values of an enum that can be opened: `min` or more strings
/// (a `null` among them means nullable).
fn closed_strings(s: &Map<String, Value>, min: usize) -> Option<Vec<String>> {
    let Value::Array(values) = s.get("enum")? else { return None };
    if s.get("type").is_some_and(|t| t != "string") {
        return None;
    }
    let strings: Vec<String> = values.iter().filter_map(Value::as_str).map(str::to_string).collect();
    let only_strings_and_null = values.iter().all(|v| v.is_string() || v.is_null());
    (strings.len() >= min && only_strings_and_null).then_some(strings)
}

/// Pointers of the schemas discriminators read: for each discriminated
/// schema, the tag property in each variant (through `allOf` and `$ref`).
fn discriminator_tags(doc: &Value) -> HashSet<String> {
    let mut tags = HashSet::new();
    let Some(Value::Object(schemas)) = doc.pointer("/components/schemas") else { return tags };
    for (name, s) in schemas {
        let Some(tag) = s.pointer("/discriminator/propertyName").and_then(Value::as_str) else { continue };
        let own = format!("/components/schemas/{}", escape(name));
        let mut targets = vec![own];
        for key in ["oneOf", "anyOf"] {
            for m in s.get(key).and_then(Value::as_array).into_iter().flatten() {
                targets.extend(m.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')).map(str::to_string));
            }
        }
        if let Some(Value::Object(mapping)) = s.pointer("/discriminator/mapping") {
            targets.extend(mapping.values().filter_map(Value::as_str).filter_map(|r| r.strip_prefix('#')).map(str::to_string));
        }
        let mut seen = HashSet::new();
        for target in targets {
            mark_tag(doc, &target, tag, &mut tags, &mut seen);
        }
    }
    tags
}

fn mark_tag(doc: &Value, ptr: &str, tag: &str, tags: &mut HashSet<String>, seen: &mut HashSet<String>) {
    if !seen.insert(ptr.to_string()) {
        return;
    }
    let Some(s) = doc.pointer(ptr) else { return };
    if let Some(r) = s.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
        // The schema a `$ref` names is the one read.
        tags.insert(ptr.to_string());
        if ptr.ends_with(&format!("/properties/{}", escape(tag))) {
            tags.insert(r.to_string());
        } else {
            mark_tag(doc, r, tag, tags, seen);
        }
        return;
    }
    let prop = format!("{ptr}/properties/{}", escape(tag));
    if let Some(p) = doc.pointer(&prop) {
        tags.insert(prop.clone());
        if let Some(r) = p.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
            tags.insert(r.to_string());
        }
        for (i, m) in p.get("allOf").and_then(Value::as_array).into_iter().flatten().enumerate() {
            tags.insert(format!("{prop}/allOf/{i}"));
            if let Some(r) = m.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
                tags.insert(r.to_string());
            }
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        for (i, _) in s.get(key).and_then(Value::as_array).into_iter().flatten().enumerate() {
            mark_tag(doc, &format!("{ptr}/{key}/{i}"), tag, tags, seen);
        }
    }
}

pub fn run(doc: &mut Value, config: &Config, t: &mut Tally) -> Result<(), NormalizeError> {
    let tags = discriminator_tags(doc);
    let names: Vec<String> =
        doc.pointer("/components/schemas").and_then(Value::as_object).map(|m| m.keys().cloned().collect()).unwrap_or_default();
    let mut opener = Opener {
        tags: &tags,
        taken: names.iter().map(|n| type_name(n).to_ascii_lowercase()).collect(),
        added: Vec::new(),
        owner: None,
        tags_kept: 0,
        flat: config.flat_enums,
    };
    for name in &names {
        let ptr = format!("/components/schemas/{}", escape(name));
        opener.owner = Some(name.clone());
        if let Some(schema) = doc.pointer_mut(&ptr) {
            opener.open(schema, &type_name(name), &ptr, t);
        }
    }
    opener.owner = None;
    open_operation_bodies(doc, &mut opener, t);
    if opener.flat {
        open_parameters(doc, &mut opener, t);
    }
    if opener.tags_kept > 0 {
        t.notes.push(format!("{} enums left closed: a discriminator reads them", opener.tags_kept));
    }
    place_known_enums(doc, &opener.added);
    Ok(())
}

/// Opens the enums written inline in request and response bodies, named
/// as progenitor names those bodies (`<Operation>Body`, `<Operation>Response`).
fn open_operation_bodies(doc: &mut Value, opener: &mut Opener, t: &mut Tally) {
    for OperationMut { pointer: at, op, .. } in operations_mut(doc) {
        let Some(id) = op.get("operationId").and_then(Value::as_str).map(type_name) else { continue };
        if let Some(Value::Object(content)) = op.get_mut("requestBody").and_then(|b| b.get_mut("content")) {
            for (media, m) in content.iter_mut() {
                if let Some(schema) = m.get_mut("schema") {
                    opener.open(schema, &format!("{id}Body"), &format!("{at}/requestBody/content/{}/schema", escape(media)), t);
                }
            }
        }
        let Some(Value::Object(responses)) = op.get_mut("responses") else { continue };
        for (status, r) in responses.iter_mut() {
            let Some(Value::Object(content)) = r.get_mut("content") else { continue };
            for (media, m) in content.iter_mut() {
                if let Some(schema) = m.get_mut("schema") {
                    let ptr = format!("{at}/responses/{status}/content/{}/schema", escape(media));
                    opener.open(schema, &format!("{id}Response"), &ptr, t);
                }
            }
        }
    }
}

/// `flat_enums`: opens the enums of parameters too (inline ones become
/// components named `<Operation><Parameter>`, or `<Parameter>` for a
/// component parameter).
fn open_parameters(doc: &mut Value, opener: &mut Opener, t: &mut Tally) {
    if let Some(Value::Object(params)) = doc.pointer_mut("/components/parameters") {
        for (key, p) in params.iter_mut() {
            let ptr = format!("/components/parameters/{}/schema", escape(key));
            let name = p.get("name").and_then(Value::as_str).map_or_else(|| type_name(key), type_name);
            if let Some(schema) = p.get_mut("schema") {
                opener.open(schema, &name, &ptr, t);
            }
        }
    }
    for OperationMut { pointer: at, op, .. } in operations_mut(doc) {
        let Some(id) = op.get("operationId").and_then(Value::as_str).map(type_name) else { continue };
        let Some(Value::Array(params)) = op.get_mut("parameters") else { continue };
        for (i, p) in params.iter_mut().enumerate() {
            let Some(name) = p.get("name").and_then(Value::as_str).map(type_name) else { continue };
            if let Some(schema) = p.get_mut("schema") {
                opener.open(schema, &format!("{id}{name}"), &format!("{at}/parameters/{i}/schema"), t);
            }
        }
    }
}

/// Adds the `Known` enums to the components: typify gives the open enum
/// `Display` (which path parameters need) only when it has met the closed
/// one before, so each goes before the component that uses it, those of
/// operation bodies first.
fn place_known_enums(doc: &mut Value, added: &[(Option<String>, String, Value)]) {
    if added.is_empty() {
        return;
    }
    let Some(root) = doc.as_object_mut() else { return };
    let components = root.entry("components").or_insert_with(|| json!({}));
    let Some(components) = components.as_object_mut() else { return };
    let schemas = components.entry("schemas").or_insert_with(|| json!({}));
    let Value::Object(existing) = std::mem::take(schemas) else { return };
    let mut ordered = Map::new();
    for (_, name, schema) in added.iter().filter(|a| a.0.is_none()) {
        ordered.insert(name.clone(), schema.clone());
    }
    for (key, value) in existing {
        for (_, name, schema) in added.iter().filter(|a| a.0.as_deref() == Some(key.as_str())) {
            ordered.insert(name.clone(), schema.clone());
        }
        ordered.insert(key, value);
    }
    *schemas = Value::Object(ordered);
}

#[cfg(test)]
mod tests {
    use super::super::{run_pass, Config};
    use super::*;

    #[test]
    fn string_enums_gain_a_variant_for_unknown_values() {
        let mut doc = json!({"components": {"schemas": {
            "Status": {"type": "string", "enum": ["active", "paused"], "description": "Where it stands."},
            "Plan": {"type": "object", "properties": {
                "interval": {"type": "string", "enum": ["day", "month", null], "default": "month"},
                "tags": {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}},
                "kind": {"type": "string", "enum": ["only"]},
                "size": {"type": "integer", "enum": [1, 2]},
                "status": {"$ref": "#/components/schemas/Status"}}},
            "PlanIntervalKnown": {"type": "string"}
        }}});
        let t = run_pass(run, &mut doc, &Config::default());
        let s = &doc["components"]["schemas"];
        assert!(is_open(s["Status"].as_object().unwrap()));
        assert!(!is_open(s["Plan"].as_object().unwrap()));
        assert_eq!(
            s["Status"],
            json!({"description": "Where it stands.", "oneOf": [
                {"$ref": "#/components/schemas/StatusKnown"}, {"type": "string", "title": "StatusUnknown"}]})
        );
        assert_eq!(s["StatusKnown"], json!({"type": "string", "enum": ["active", "paused"], "description": "Where it stands."}));
        // A name already taken gets a number; null among the values means nullable.
        let interval = &s["Plan"]["properties"]["interval"];
        assert_eq!(interval["oneOf"][0], json!({"$ref": "#/components/schemas/PlanInterval2Known"}));
        assert_eq!(interval["oneOf"][1]["title"], "PlanInterval2Unknown");
        assert_eq!((interval["nullable"].clone(), interval["default"].clone()), (json!(true), json!("month")));
        assert_eq!(s["PlanInterval2Known"]["enum"], json!(["day", "month"]));
        assert_eq!(s["Plan"]["properties"]["tags"]["items"]["oneOf"][0]["$ref"], "#/components/schemas/PlanTagsItemKnown");
        // Constants, integers and references stay as they were.
        assert_eq!(s["Plan"]["properties"]["kind"], json!({"type": "string", "enum": ["only"]}));
        assert_eq!(s["Plan"]["properties"]["size"], json!({"type": "integer", "enum": [1, 2]}));
        assert_eq!(s["Plan"]["properties"]["status"], json!({"$ref": "#/components/schemas/Status"}));
        assert_eq!((t.rewrites, t.lossy), (3, 0));
    }

    #[test]
    fn tags_a_discriminator_reads_stay_closed() {
        let mut doc = json!({"components": {"schemas": {
            "DocType": {"type": "string", "enum": ["identity", "address"]},
            "Identity": {"type": "object", "properties": {"type": {"$ref": "#/components/schemas/DocType"}}},
            "Address": {"allOf": [{"$ref": "#/components/schemas/Base"}]},
            "Base": {"type": "object", "properties": {"type": {"type": "string", "enum": ["identity", "address"]},
                                                       "state": {"type": "string", "enum": ["new", "old"]}}},
            "Doc": {"oneOf": [{"$ref": "#/components/schemas/Identity"}, {"$ref": "#/components/schemas/Address"}],
                    "discriminator": {"propertyName": "type"}}
        }}});
        let t = run_pass(run, &mut doc, &Config::default());
        let s = &doc["components"]["schemas"];
        assert_eq!(s["DocType"], json!({"type": "string", "enum": ["identity", "address"]}));
        assert_eq!(s["Base"]["properties"]["type"], json!({"type": "string", "enum": ["identity", "address"]}));
        assert!(s["Base"]["properties"]["state"].get("oneOf").is_some());
        assert_eq!(t.rewrites, 1);
        assert_eq!(t.notes, ["2 enums left closed: a discriminator reads them"]);
    }

    #[test]
    fn enums_in_operation_bodies_are_named_after_the_operation() {
        let mut doc = json!({"paths": {"/a": {"get": {"operationId": "list-things", "responses": {"200": {"content": {
            "application/json": {"schema": {"type": "object", "properties": {"state": {"type": "string", "enum": ["x", "y"]}}}}}}}}}}});
        run_pass(run, &mut doc, &Config::default());
        assert_eq!(doc["components"]["schemas"]["ListThingsResponseStateKnown"]["enum"], json!(["x", "y"]));
    }

    #[test]
    fn flat_enums_become_marked_components_and_parameters_and_constants_open_too() {
        let mut doc = json!({
            "paths": {"/things/{kind}": {"get": {"operationId": "getThings", "parameters": [
                {"name": "kind", "in": "path", "required": true, "schema": {"type": "string", "enum": ["a", "b"]}}
            ], "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}}}}},
            "components": {"schemas": {
                "Status": {"type": "string", "enum": ["active", "paused", null], "description": "Where it stands."},
                "Thing": {"type": "object", "properties": {
                    "service": {"type": "string", "enum": ["quickbooks-online"]},
                    "status": {"$ref": "#/components/schemas/Status"}
                }},
                "Pet": {"oneOf": [{"$ref": "#/components/schemas/Cat"}], "discriminator": {"propertyName": "kind"}},
                "Cat": {"type": "object", "properties": {"kind": {"type": "string", "enum": ["cat"]}}}
            }}
        });
        let t = run_pass(run, &mut doc, &Config { flat_enums: true, ..Config::default() });
        let s = &doc["components"]["schemas"];
        assert_eq!(
            s["Status"],
            json!({"type": "string", "enum": ["active", "paused"], "description": "Where it stands.", "x-open-enum": true, "nullable": true})
        );
        // An inline one-value enum is hoisted and open.
        assert_eq!(s["Thing"]["properties"]["service"], json!({"$ref": "#/components/schemas/ThingService"}));
        assert_eq!(s["ThingService"], json!({"type": "string", "enum": ["quickbooks-online"], "x-open-enum": true}));
        // A parameter's enum too.
        assert_eq!(doc["paths"]["/things/{kind}"]["get"]["parameters"][0]["schema"], json!({"$ref": "#/components/schemas/GetThingsKind"}));
        assert_eq!(s["GetThingsKind"]["enum"], json!(["a", "b"]));
        // The discriminator's tag stays closed.
        assert_eq!(s["Cat"]["properties"]["kind"], json!({"type": "string", "enum": ["cat"]}));
        assert_eq!(t.rewrites, 3);
        assert!(s.as_object().unwrap().values().all(|v| !is_open(v.as_object().unwrap())));
    }
}
