//! Schema-aware traversal of an OpenAPI document.
//!
//! Passes must rewrite schemas only, never example values or maps whose keys
//! happen to be keywords (a property named `const`, a media type's `examples`
//! map), so they visit schemas through this walker instead of recursing over
//! raw JSON.

use crate::refs::escape;
use serde_json::{Map, Value};

/// A JSON object that is an OpenAPI schema.
pub type Schema = Map<String, Value>;

/// Keywords whose value is a single sub-schema.
const SINGLE: &[&str] = &["items", "not", "additionalProperties"];
/// Keywords whose value is a list of sub-schemas.
const LISTS: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems"];
/// Keywords whose value maps names to sub-schemas.
const MAPS: &[&str] = &["properties", "patternProperties"];

/// Calls `visit` on every schema of the document, parents before children,
/// with the JSON pointer of each. Children are found after `visit` ran, so a
/// visitor may restructure the schema it is given.
pub fn for_each_schema(doc: &mut Value, visit: &mut dyn FnMut(&mut Schema, &str)) {
    let Some(root) = doc.as_object_mut() else { return };
    if let Some(Value::Object(components)) = root.get_mut("components") {
        for (kind, value) in components.iter_mut() {
            let Value::Object(entries) = value else { continue };
            let base = format!("/components/{}", escape(kind));
            for (name, entry) in entries.iter_mut() {
                let ptr = format!("{base}/{}", escape(name));
                match kind.as_str() {
                    "schemas" => schema(entry, &ptr, visit),
                    "parameters" | "headers" => parameter(entry, &ptr, visit),
                    "responses" => response(entry, &ptr, visit),
                    "requestBodies" => content_holder(entry, &ptr, visit),
                    _ => {}
                }
            }
        }
    }
    if let Some(Value::Object(paths)) = root.get_mut("paths") {
        for (path, item) in paths.iter_mut() {
            path_item(item, &format!("/paths/{}", escape(path)), visit);
        }
    }
}

fn path_item(item: &mut Value, ptr: &str, visit: &mut dyn FnMut(&mut Schema, &str)) {
    let Value::Object(item) = item else { return };
    for (key, value) in item.iter_mut() {
        let ptr = format!("{ptr}/{}", escape(key));
        if key == "parameters" {
            parameters(value, &ptr, visit);
        } else if let Value::Object(op) = value {
            for (field, v) in op.iter_mut() {
                let ptr = format!("{ptr}/{field}");
                match field.as_str() {
                    "parameters" => parameters(v, &ptr, visit),
                    "requestBody" => content_holder(v, &ptr, visit),
                    "responses" => {
                        if let Value::Object(responses) = v {
                            for (status, r) in responses.iter_mut() {
                                response(r, &format!("{ptr}/{}", escape(status)), visit);
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}

fn parameters(list: &mut Value, ptr: &str, visit: &mut dyn FnMut(&mut Schema, &str)) {
    if let Value::Array(list) = list {
        for (i, p) in list.iter_mut().enumerate() {
            parameter(p, &format!("{ptr}/{i}"), visit);
        }
    }
}

fn parameter(p: &mut Value, ptr: &str, visit: &mut dyn FnMut(&mut Schema, &str)) {
    if let Some(s) = p.get_mut("schema") {
        schema(s, &format!("{ptr}/schema"), visit);
    }
    content_holder(p, ptr, visit);
}

fn response(r: &mut Value, ptr: &str, visit: &mut dyn FnMut(&mut Schema, &str)) {
    if let Some(Value::Object(headers)) = r.get_mut("headers") {
        for (name, h) in headers.iter_mut() {
            parameter(h, &format!("{ptr}/headers/{}", escape(name)), visit);
        }
    }
    content_holder(r, ptr, visit);
}

fn content_holder(v: &mut Value, ptr: &str, visit: &mut dyn FnMut(&mut Schema, &str)) {
    if let Some(Value::Object(content)) = v.get_mut("content") {
        for (media, m) in content.iter_mut() {
            if let Some(s) = m.get_mut("schema") {
                schema(s, &format!("{ptr}/content/{}/schema", escape(media)), visit);
            }
        }
    }
}

/// Visits `value` as a schema, then its sub-schemas.
pub fn schema(value: &mut Value, ptr: &str, visit: &mut dyn FnMut(&mut Schema, &str)) {
    let Value::Object(obj) = value else { return };
    visit(obj, ptr);
    for (key, child) in obj.iter_mut() {
        let k = key.as_str();
        if SINGLE.contains(&k) {
            schema(child, &format!("{ptr}/{k}"), visit);
        } else if LISTS.contains(&k) {
            if let Value::Array(items) = child {
                for (i, s) in items.iter_mut().enumerate() {
                    schema(s, &format!("{ptr}/{k}/{i}"), visit);
                }
            }
        } else if MAPS.contains(&k) {
            if let Value::Object(props) = child {
                for (name, s) in props.iter_mut() {
                    schema(s, &format!("{ptr}/{k}/{}", escape(name)), visit);
                }
            }
        }
    }
}

/// The HTTP methods a path item may hold operations under.
pub const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// One operation of a document, to read.
pub struct Operation<'a> {
    /// Its JSON pointer: `/paths/~1pets/get`.
    pub pointer: String,
    /// The path template: `/pets/{id}`.
    pub path: &'a str,
    /// The method, lower case, as the document writes it.
    pub method: &'a str,
    /// The operation object.
    pub op: &'a Map<String, Value>,
    /// The path item's own parameters, which apply to every operation of
    /// the path (before the operation's own).
    pub path_parameters: &'a [Value],
}

impl<'a> Operation<'a> {
    /// The operationId, if it has one.
    pub fn id(&self) -> Option<&'a str> {
        self.op.get("operationId").and_then(Value::as_str)
    }

    /// Every parameter that applies, path-level first, references followed.
    pub fn parameters(&self, doc: &'a Value) -> impl Iterator<Item = &'a Value> + 'a {
        let own = self.op.get("parameters").and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
        self.path_parameters.iter().chain(own).map(move |p| crate::refs::deref(doc, p))
    }

    /// The request body, if any (possibly a `$ref`).
    pub fn request_body(&self) -> Option<&'a Value> {
        self.op.get("requestBody")
    }
}

/// The operations of the document, in document order.
pub fn operations(doc: &Value) -> Vec<Operation<'_>> {
    let mut out = Vec::new();
    for (path, item) in doc.get("paths").and_then(Value::as_object).into_iter().flatten() {
        let Some(item) = item.as_object() else { continue };
        let path_parameters = item.get("parameters").and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
        for (method, op) in item {
            if let (true, Some(op)) = (METHODS.contains(&method.as_str()), op.as_object()) {
                let pointer = format!("/paths/{}/{method}", escape(path));
                out.push(Operation { pointer, path, method, op, path_parameters });
            }
        }
    }
    out
}

/// One operation of a document, to rewrite.
pub struct OperationMut<'a> {
    /// Its JSON pointer: `/paths/~1pets/get`.
    pub pointer: String,
    /// The path template.
    pub path: String,
    /// The method, lower case.
    pub method: String,
    /// The operation object.
    pub op: &'a mut Schema,
}

/// The operations of the document, to rewrite, in document order.
pub fn operations_mut(doc: &mut Value) -> Vec<OperationMut<'_>> {
    let mut out = Vec::new();
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        for (path, item) in paths.iter_mut() {
            let Value::Object(item) = item else { continue };
            for (method, op) in item.iter_mut() {
                if !METHODS.contains(&method.as_str()) {
                    continue;
                }
                if let Value::Object(op) = op {
                    let pointer = format!("/paths/{}/{method}", escape(path));
                    out.push(OperationMut { pointer, path: path.clone(), method: method.clone(), op });
                }
            }
        }
    }
    out
}

/// Calls `visit` on every `content` map (media type → media type object) of
/// request bodies and responses, in operations and in components.
pub fn for_each_content(doc: &mut Value, visit: &mut dyn FnMut(&mut Map<String, Value>, &str)) {
    let mut holders: Vec<(String, &mut Value)> = Vec::new();
    let root = match doc.as_object_mut() {
        Some(r) => r,
        None => return,
    };
    let (components, paths) = split_components_paths(root);
    if let Some(Value::Object(components)) = components {
        for (kind, entries) in components.iter_mut() {
            let Value::Object(entries) = entries else { continue };
            if kind == "responses" || kind == "requestBodies" {
                for (name, entry) in entries.iter_mut() {
                    holders.push((format!("/components/{kind}/{}", escape(name)), entry));
                }
            }
        }
    }
    if let Some(Value::Object(paths)) = paths {
        for (path, item) in paths.iter_mut() {
            let Value::Object(item) = item else { continue };
            for (method, op) in item.iter_mut() {
                let ptr = format!("/paths/{}/{method}", escape(path));
                if let Some(body) = op.get_mut("requestBody") {
                    // Split borrows: collect the body first, responses after.
                    holders.push((format!("{ptr}/requestBody"), body));
                }
            }
        }
    }
    for (ptr, holder) in holders {
        if let Some(Value::Object(content)) = holder.get_mut("content") {
            visit(content, &format!("{ptr}/content"));
        }
    }
    for_each_response(doc, &mut |r, ptr| {
        if let Some(Value::Object(content)) = r.get_mut("content") {
            visit(content, &format!("{ptr}/content"));
        }
    });
}

fn split_components_paths(root: &mut Map<String, Value>) -> (Option<&mut Value>, Option<&mut Value>) {
    let mut components = None;
    let mut paths = None;
    for (k, v) in root.iter_mut() {
        match k.as_str() {
            "components" => components = Some(v),
            "paths" => paths = Some(v),
            _ => {}
        }
    }
    (components, paths)
}

/// Calls `visit` on every response object written inline in an operation
/// (responses given as `$ref` are skipped), with its status code in the pointer.
pub fn for_each_response(doc: &mut Value, visit: &mut dyn FnMut(&mut Value, &str)) {
    for OperationMut { pointer: ptr, op, .. } in operations_mut(doc) {
        if let Some(Value::Object(responses)) = op.get_mut("responses") {
            for (status, r) in responses.iter_mut() {
                if r.get("$ref").is_none() {
                    visit(r, &format!("{ptr}/responses/{}", escape(status)));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn visits_schemas_but_not_examples_or_property_maps() {
        let mut doc = json!({
            "components": {"schemas": {"A": {
                "type": "object",
                "properties": {"const": {"type": "string"}},
                "example": {"type": "not a schema"}
            }}},
            "paths": {"/a": {"get": {"responses": {"200": {"content": {"application/json": {
                "schema": {"items": {"type": "integer"}},
                "examples": {"one": {"value": 1}}
            }}}}}}}
        });
        let mut seen = Vec::new();
        for_each_schema(&mut doc, &mut |_, ptr| seen.push(ptr.to_string()));
        assert_eq!(
            seen,
            [
                "/components/schemas/A",
                "/components/schemas/A/properties/const",
                "/paths/~1a/get/responses/200/content/application~1json/schema",
                "/paths/~1a/get/responses/200/content/application~1json/schema/items",
            ]
        );
    }
}
