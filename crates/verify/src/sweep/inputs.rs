//! The inputs of each operation, built from the normalized document: the
//! document's own examples first (parameter, media type, schema), and where
//! it has none, a value its schema allows (enum, default, bounds, format).
//! Only what an operation requires is sent; optional parameters are left out.

use serde_json::{json, Map, Value};
use spec_pipeline::extensions::{ENUM_VALUES, FORM, WIRE_NAMES};
use spec_pipeline::refs::{body_media, deref, escape};
use spec_pipeline::walk;

/// Keys compare by letters and digits only: `x-monite-version` in the
/// document is `x_monite_version` in Rust, `type` is `type_`.
pub fn key(name: &str) -> String {
    name.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

/// For each operation (by [`key`] of its operationId), either its inputs
/// (by [`key`] of each Rust parameter name; the body is `body`) or, as a
/// string, why they cannot be built.
pub fn build(doc: &Value) -> Map<String, Value> {
    let mut out = Map::new();
    for operation in walk::operations(doc) {
        let Some(id) = operation.id() else { continue };
        let entry = match inputs(doc, operation.parameters(doc), operation.request_body()) {
            Ok(inputs) => Value::Object(inputs),
            Err(why) => Value::String(why),
        };
        out.insert(key(id), entry);
    }
    out
}

fn inputs<'a>(doc: &'a Value, params: impl Iterator<Item = &'a Value>, body: Option<&'a Value>) -> Result<Map<String, Value>, String> {
    let mut inputs = Map::new();
    for p in params {
        let p = deref(doc, p);
        let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
        if p.get("required") != Some(&json!(true)) {
            continue;
        }
        let value = first_example(p)
            .or_else(|| p.get("schema").and_then(|s| sample_parameter(doc, s)))
            .ok_or_else(|| format!("no value for the required parameter {name:?}"))?;
        inputs.insert(key(name), value);
    }
    if let Some(form) = body.map(|b| deref(doc, b)).and_then(|b| b.get(FORM)).and_then(Value::as_object) {
        // A body the normalizer left raw: encoded here as the operation's
        // Content-Type parameter says.
        let content_type = inputs.get("contenttype").and_then(Value::as_str).unwrap_or_default().to_string();
        let (_, media) = form.iter().next().ok_or("an empty x-form")?;
        let schema = media.get("schema").map(|s| deref(doc, s)).cloned().unwrap_or_default();
        let Some(Value::Object(fields)) = first_example(media).or_else(|| sample(doc, &schema, 0)) else {
            return Err("no value for the form".into());
        };
        let boundary = content_type.split("boundary=").nth(1).ok_or(format!("cannot encode a {content_type} body"))?;
        inputs.insert("body".into(), Value::String(multipart(&fields, &schema, boundary)));
        return Ok(inputs);
    }
    if let Some(body) = body {
        let body = deref(doc, body);
        let required = body.get("required") == Some(&json!(true));
        let media = body_media(doc, body);
        let value = media.and_then(|m| first_example(m).or_else(|| m.get("schema").and_then(|s| sample(doc, s, 0))));
        match value {
            Some(v) => {
                inputs.insert("body".into(), v);
            }
            None if required => return Err("no value for the required request body".into()),
            None => {}
        }
    }
    Ok(inputs)
}

/// `fields` as `multipart/form-data`: a field the schema says is binary is a
/// file part, a string is its text, anything else its JSON.
fn multipart(fields: &Map<String, Value>, schema: &Value, boundary: &str) -> String {
    let mut out = String::new();
    for (name, value) in fields {
        let binary = schema.pointer(&format!("/properties/{}", escape(name))).and_then(|p| p.get("format")) == Some(&json!("binary"));
        out.push_str(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\""));
        if binary {
            out.push_str(&format!("; filename=\"{name}.bin\"\r\nContent-Type: application/octet-stream"));
        }
        let text = value.as_str().map_or_else(|| value.to_string(), str::to_string);
        out.push_str(&format!("\r\n\r\n{text}\r\n"));
    }
    out.push_str(&format!("--{boundary}--\r\n"));
    out
}

/// `example`, or the first of `examples` (a map of Example objects).
fn first_example(v: &Value) -> Option<Value> {
    if let Some(e) = v.get("example") {
        return Some(e.clone());
    }
    let examples = v.get("examples")?.as_object()?;
    examples.values().find_map(|e| e.get("value").cloned())
}

/// A value `schema` allows, or `None` when it says too little.
pub fn sample(doc: &Value, schema: &Value, depth: usize) -> Option<Value> {
    if depth > 12 {
        return None;
    }
    let s = deref(doc, schema);
    if let Some(given) = s.get("example").or_else(|| s.get("default")) {
        return Some(given.clone());
    }
    if let Some(first) = listed(s).and_then(|e| e.iter().find(|v| !v.is_null())) {
        return Some(first.clone());
    }
    if let Some(members) = s.get("allOf").and_then(Value::as_array) {
        return sample_all_of(doc, members, depth);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(members) = s.get(key).and_then(Value::as_array) {
            // An object whose union members add fields or bare constraints
            // (Rebilly's risk-score bracket: "start or end is required"):
            // the object and the first member that fits, as one.
            if s.get("properties").is_some() {
                let mut own = s.clone();
                if let Some(o) = own.as_object_mut() {
                    o.remove("oneOf");
                    o.remove("anyOf");
                }
                let joined = members.iter().find_map(|m| sample_object(doc, &merged_object(doc, &[own.clone(), m.clone()])?, depth));
                if joined.is_some() {
                    return joined;
                }
            }
            let member = members.iter().find_map(|m| sample(doc, m, depth + 1))?;
            // Properties beside the union are the object's too (Rebilly:
            // "a payment for a transaction, by token or by instrument").
            return match (s.get("properties").map(|_| sample_object(doc, s, depth)), member) {
                (Some(Some(Value::Object(mut own))), Value::Object(chosen)) => {
                    own.extend(chosen);
                    Some(Value::Object(own))
                }
                (_, member) => Some(member),
            };
        }
    }
    match s.get("type").and_then(Value::as_str) {
        Some("object") | None if s.get("properties").is_some() || s.get("type").is_some() => sample_object(doc, s, depth),
        Some("array") => {
            let min = s.get("minItems").and_then(Value::as_u64).unwrap_or(0);
            if min == 0 {
                return Some(json!([]));
            }
            let item = sample(doc, s.get("items")?, depth + 1)?;
            Some(Value::Array(vec![item; min as usize]))
        }
        Some("string") => Some(json!(sample_string(s))),
        Some(kind @ ("integer" | "number")) => Some(sample_number(s, kind == "integer")),
        Some("boolean") => Some(json!(true)),
        _ => None,
    }
}

/// A required parameter's value: a list has one item, since an empty list
/// in a query string is no parameter at all.
fn sample_parameter(doc: &Value, schema: &Value) -> Option<Value> {
    match sample(doc, schema, 0)? {
        Value::Array(items) if items.is_empty() => Some(Value::Array(vec![sample(doc, deref(doc, schema).get("items")?, 1)?])),
        value => Some(value),
    }
}

/// The members' samples merged (objects), or the one member's. Members
/// that are plain objects or bare constraints (`{required: [...]}`) are
/// merged into one object schema first, so a member's `required` draws on
/// another's properties.
fn sample_all_of(doc: &Value, members: &[Value], depth: usize) -> Option<Value> {
    // `{not: {enum: [...]}}` members rule values out of the others' enum
    // (Rebilly: "an event type, but not one of these").
    let excluded: Vec<&Value> =
        members.iter().filter_map(|m| deref(doc, m).pointer("/not/enum")).filter_map(Value::as_array).flatten().collect();
    if !excluded.is_empty() {
        let rest: Vec<&Value> = members.iter().filter(|m| deref(doc, m).get("not").is_none()).collect();
        if let [only] = rest.as_slice() {
            return enum_values(doc, only, depth)?.into_iter().find(|v| !excluded.contains(&v));
        }
    }
    if let Some(object) = merged_object(doc, members) {
        return sample_object(doc, &object, depth);
    }
    let mut merged = Map::new();
    for m in members {
        match sample(doc, m, depth + 1)? {
            Value::Object(o) => merged.extend(o),
            other if members.len() == 1 => return Some(other),
            _ => return None,
        }
    }
    Some(Value::Object(merged))
}

/// The values a schema lists: its `enum`, or the `x-enum-values` of an enum
/// the normalizer had to make a plain string.
fn listed(s: &Value) -> Option<&Vec<Value>> {
    s.get("enum").or_else(|| s.get(ENUM_VALUES)).and_then(Value::as_array)
}

/// The values an enum schema lists, through refs and the members of an open
/// enum's union (`oneOf: [Known, string]`).
fn enum_values(doc: &Value, schema: &Value, depth: usize) -> Option<Vec<Value>> {
    if depth > 12 {
        return None;
    }
    let s = deref(doc, schema);
    if let Some(values) = listed(s) {
        return Some(values.clone());
    }
    ["oneOf", "anyOf", "allOf"]
        .iter()
        .filter_map(|k| s.get(*k).and_then(Value::as_array))
        .flatten()
        .find_map(|m| enum_values(doc, m, depth + 1))
}

/// One object schema of `members` (properties and required lists joined),
/// when each is a plain object or a bare constraint; `None` otherwise.
fn merged_object(doc: &Value, members: &[Value]) -> Option<Value> {
    let mut properties = Map::new();
    let mut required = Vec::new();
    let mut wire_names = Map::new();
    for m in members {
        let m = deref(doc, m);
        let shaped = ["oneOf", "anyOf", "allOf", "enum", "items", "example", "default"].iter().any(|k| m.get(*k).is_some());
        let object = matches!(m.get("type").and_then(Value::as_str), None | Some("object"));
        if shaped || !object {
            return None;
        }
        properties.extend(m.get("properties").and_then(Value::as_object).cloned().unwrap_or_default());
        required.extend(m.get("required").and_then(Value::as_array).cloned().unwrap_or_default());
        wire_names.extend(m.get(WIRE_NAMES).and_then(Value::as_object).cloned().unwrap_or_default());
    }
    Some(json!({"type": "object", "properties": properties, "required": required, WIRE_NAMES: wire_names}))
}

/// An object with its required fields (and its write-only ones), under
/// their wire names (a key the normalizer renamed is not one).
fn sample_object(doc: &Value, s: &Value, depth: usize) -> Option<Value> {
    let mut out = Map::new();
    let props = s.get("properties").and_then(Value::as_object);
    let required = s.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str);
    // The normalizer makes writeOnly fields optional (one type serves
    // both directions); a request still sends them.
    let write_only =
        props.into_iter().flatten().filter(|(_, p)| deref(doc, p).get("writeOnly") == Some(&json!(true))).map(|(k, _)| k.as_str());
    for name in required.chain(write_only) {
        let Some(p) = props.and_then(|p| p.get(name)) else { continue };
        if deref(doc, p).get("readOnly") == Some(&json!(true)) || out.contains_key(name) {
            continue;
        }
        let wire = s.get(WIRE_NAMES).and_then(|w| w.get(name)).and_then(Value::as_str).unwrap_or(name);
        out.insert(wire.to_string(), sample(doc, p, depth + 1)?);
    }
    Some(Value::Object(out))
}

/// A string of the schema's format, or of a length its bounds allow.
fn sample_string(s: &Value) -> String {
    match s.get("format").and_then(Value::as_str) {
        Some("date-time") => "2024-01-15T10:00:00Z".to_string(),
        Some("date") => "2024-01-15".to_string(),
        Some("uuid") => "0e4d3c1b-6a5f-4e2d-9c8b-7a6f5e4d3c2b".to_string(),
        Some("email") => "ada@example.com".to_string(),
        Some("uri" | "url") => "https://example.com/".to_string(),
        Some("ipv4") => "192.0.2.1".to_string(),
        _ => {
            let min = s.get("minLength").and_then(Value::as_u64).unwrap_or(1).max(1) as usize;
            let max = s.get("maxLength").and_then(Value::as_u64).map_or(usize::MAX, |m| m as usize);
            let patterned = s.get("pattern").and_then(Value::as_str).and_then(|p| matching(p, min, max));
            patterned.unwrap_or_else(|| "sample".chars().cycle().take(min.max(6).min(max)).collect())
        }
    }
}

/// A string `pattern` matches, within the length bounds: generated from the
/// regex (classes read as ASCII, as JSON Schema's ECMA-262 regexes do),
/// with a fixed seed so the sweep is repeatable. `None` for a pattern the
/// generator cannot take (look-around, inner anchors).
fn matching(pattern: &str, min: usize, max: usize) -> Option<String> {
    use rand::distr::Distribution;
    use rand::SeedableRng;
    let body = pattern.strip_prefix('^').unwrap_or(pattern);
    let body = body.strip_suffix('$').unwrap_or(body);
    let hir = regex_syntax::ParserBuilder::new().unicode(false).build().parse(body).ok()?;
    let generator = rand_regex::Regex::with_hir(hir, 8).ok()?;
    let mut rng = rand::rngs::StdRng::seed_from_u64(0x5EED);
    (0..32).map(|_| -> String { generator.sample(&mut rng) }).find(|s| (min..=max).contains(&s.chars().count()))
}

/// The schema's minimum (1 without one; just above it when exclusive),
/// capped by its maximum.
fn sample_number(s: &Value, integer: bool) -> Value {
    let number = |key: &str| s.get(key).and_then(Value::as_f64);
    // OpenAPI 3.0's exclusive bounds are flags beside minimum and maximum.
    let exclusive = |key: &str| s.get(key) == Some(&json!(true));
    if integer {
        let low = number("minimum").map(|m| m.ceil() as i64 + i64::from(exclusive("exclusiveMinimum"))).unwrap_or(1);
        let high = number("maximum").map(|m| m.floor() as i64 - i64::from(exclusive("exclusiveMaximum")));
        json!(high.map_or(low, |max| low.min(max)))
    } else {
        let low = number("minimum").map(|m| if exclusive("exclusiveMinimum") { m + 1.0 } else { m }).unwrap_or(1.0);
        json!(number("maximum").map_or(low, |max| low.min(max)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_renamed_property_is_sent_under_its_wire_name() {
        let schema = json!({"type": "object", "required": ["fooBar#2", "foo_bar"], WIRE_NAMES: {"fooBar#2": "fooBar"},
            "properties": {"fooBar#2": {"type": "string", "example": "a"}, "foo_bar": {"type": "integer", "example": 1}}});
        assert_eq!(sample(&json!({}), &schema, 0), Some(json!({"fooBar": "a", "foo_bar": 1})));
        let merged =
            json!({"allOf": [schema, {"type": "object", "required": ["id"], "properties": {"id": {"type": "string", "example": "x"}}}]});
        assert_eq!(sample(&json!({}), &merged, 0), Some(json!({"fooBar": "a", "foo_bar": 1, "id": "x"})));
    }

    #[test]
    fn inputs_come_from_examples_then_from_schemas() {
        let doc = json!({"paths": {"/things/{id}": {
            "parameters": [{"$ref": "#/components/parameters/Version"}],
            "post": {"operationId": "post-thing", "parameters": [
                {"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}},
                {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                {"name": "with", "in": "query", "required": true, "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Kind"}}}],
              "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}},
            "get": {"operationId": "getThing", "parameters": [{"name": "id", "in": "path", "required": true, "schema": {}}]}}},
          "components": {
            "parameters": {"Version": {"name": "x-version", "in": "header", "required": true, "example": "2024-01-31", "schema": {"type": "string"}}},
            "schemas": {"Thing": {"type": "object", "required": ["id", "name", "kind", "tags", "size", "code", "year", "country", "owner", "event", "pay", "bracket"], "properties": {
                "id": {"type": "string", "readOnly": true},
                "name": {"type": "string", "minLength": 2, "maxLength": 3},
                "kind": {"allOf": [{"$ref": "#/components/schemas/Kind"}]},
                "tags": {"type": "array", "minItems": 1, "items": {"type": "string", "example": "t"}},
                "size": {"type": "integer", "minimum": 5},
                "secret": {"type": "string", "writeOnly": true, "example": "pw"},
                "note": {"type": "string"},
                "code": {"type": "string", "x-enum-values": ["00", "0"]},
                "year": {"type": "integer", "minimum": 2001, "exclusiveMinimum": true},
                "country": {"type": "string", "pattern": "^[A-Z]{2}$"},
                "owner": {"allOf": [{"$ref": "#/components/schemas/Person"}, {"required": ["name"]}]},
                "event": {"allOf": [{"oneOf": [{"$ref": "#/components/schemas/Kind"}, {"type": "string"}]}, {"not": {"enum": ["big"]}}]},
                "pay": {"type": "object", "required": ["for"], "properties": {"for": {"type": "string", "example": "tx"}},
                        "oneOf": [{"type": "object", "required": ["token"], "properties": {"token": {"type": "string", "example": "tok"}}}]},
                "bracket": {"type": "object", "required": ["value"], "properties": {"value": {"type": "integer"}, "start": {"type": "integer", "minimum": 0}},
                            "anyOf": [{"required": ["start"]}, {"required": ["end"]}]}}},
              "Person": {"type": "object", "properties": {"name": {"type": "string", "maxLength": 4}, "age": {"type": "integer"}}},
              "Kind": {"type": "string", "enum": ["big", "small"]}}}});
        let inputs = build(&doc);
        let country = inputs["postthing"]["body"]["country"].clone();
        assert!(country.as_str().is_some_and(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase())), "{country}");
        assert_eq!(
            inputs["postthing"],
            json!({"xversion": "2024-01-31", "id": "0e4d3c1b-6a5f-4e2d-9c8b-7a6f5e4d3c2b", "with": ["big"],
                   "body": {"name": "sam", "kind": "big", "tags": ["t"], "size": 5, "code": "00", "year": 2002,
                            "country": country, "owner": {"name": "samp"}, "event": "small",
                            "pay": {"for": "tx", "token": "tok"}, "bracket": {"value": 1, "start": 0}, "secret": "pw"}})
        );
        assert_eq!(inputs["getthing"], json!("no value for the required parameter \"id\""));
    }

    #[test]
    fn a_form_body_is_encoded_as_its_content_type_says() {
        let doc = json!({"paths": {"/files": {"post": {"operationId": "postFile",
            "parameters": [{"name": "Content-Type", "in": "header", "required": true,
                            "schema": {"type": "string", "example": "multipart/form-data; boundary=XyZ"}}],
            "requestBody": {"required": true, "content": {"application/octet-stream": {"schema": {"type": "string"}}},
              "x-form": {"multipart/form-data": {"schema": {"type": "object", "required": ["file", "kind"], "properties": {
                  "file": {"type": "string", "format": "binary"}, "kind": {"type": "string", "example": "logo"}}}}}}}}}});
        let inputs = build(&doc);
        assert_eq!(
            inputs["postfile"]["body"],
            "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"file.bin\"\r\nContent-Type: application/octet-stream\r\n\r\nsample\r\n\
             --XyZ\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nlogo\r\n--XyZ--\r\n"
        );
    }
}
