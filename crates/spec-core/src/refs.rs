//! References in one place: JSON pointer tokens, resolving a local `$ref`,
//! the components a value reaches through references, and the schema of a
//! request or response body.

use serde_json::Value;
use std::collections::BTreeSet;

/// Longest chain of references followed (`A` → `B` → …). The normalizer
/// refuses cycles; this bounds documents read before it ran.
const MAX_CHAIN: usize = 16;

/// Escapes one JSON-pointer reference token (RFC 6901).
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Undoes [`escape`].
pub fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// The value a local reference such as `#/components/schemas/Pet` names.
pub fn resolve<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    doc.pointer(reference.strip_prefix('#')?)
}

/// `value`, or what its `$ref` (and theirs, in turn) names; a reference that
/// names nothing is returned as it is.
pub fn deref<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    let mut current = value;
    for _ in 0..MAX_CHAIN {
        match current.get("$ref").and_then(Value::as_str).and_then(|r| resolve(doc, r)) {
            Some(target) => current = target,
            None => break,
        }
    }
    current
}

/// `(kind, name)` of a reference to a component: `#/components/schemas/A~1B`
/// is `("schemas", "A/B")`.
pub fn component(reference: &str) -> Option<(String, String)> {
    let (kind, name) = reference.strip_prefix("#/components/")?.split_once('/')?;
    Some((kind.to_string(), unescape(name)))
}

/// The pointer of a component: the inverse of [`component`], without `#`.
pub fn component_pointer(kind: &str, name: &str) -> String {
    format!("/components/{kind}/{}", escape(name))
}

/// Calls `found` with every `$ref` string in `value`, at any depth.
pub fn for_each_ref(value: &Value, found: &mut dyn FnMut(&str)) {
    match value {
        Value::Object(m) => {
            if let Some(r) = m.get("$ref").and_then(Value::as_str) {
                found(r);
            }
            m.values().for_each(|v| for_each_ref(v, found));
        }
        Value::Array(a) => a.iter().for_each(|v| for_each_ref(v, found)),
        _ => {}
    }
}

/// Every component (`(kind, name)`) that `roots` refer to, directly or
/// through other components.
pub fn reachable_components<'a>(doc: &Value, roots: impl IntoIterator<Item = &'a Value>) -> BTreeSet<(String, String)> {
    let mut wanted = BTreeSet::new();
    let mut queue = Vec::new();
    let mut push = |r: &str| queue.extend(component(r));
    for root in roots {
        for_each_ref(root, &mut push);
    }
    while let Some(item) = queue.pop() {
        if wanted.insert(item.clone()) {
            if let Some(target) = doc.pointer(&component_pointer(&item.0, &item.1)) {
                for_each_ref(target, &mut |r| queue.extend(component(r)));
            }
        }
    }
    wanted
}

/// [`reachable_components`] of kind `schemas`, by name.
pub fn reachable_schemas<'a>(doc: &Value, roots: impl IntoIterator<Item = &'a Value>) -> BTreeSet<String> {
    reachable_components(doc, roots).into_iter().filter(|(kind, _)| kind == "schemas").map(|(_, name)| name).collect()
}

/// The media type object of a body (a request body or a response, either
/// possibly a `$ref`): the first JSON one, else the first.
pub fn body_media<'a>(doc: &'a Value, holder: &'a Value) -> Option<&'a Value> {
    let content = deref(doc, holder).get("content")?.as_object()?;
    let (_, media) = content.iter().find(|(m, _)| m.contains("json")).or_else(|| content.iter().next())?;
    Some(media)
}

/// The schema of a body, as written (a `$ref` stays one): see [`body_media`].
pub fn body_schema<'a>(doc: &'a Value, holder: &'a Value) -> Option<&'a Value> {
    body_media(doc, holder)?.get("schema")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn references_resolve_through_chains_and_escapes() {
        let doc = json!({"components": {
            "schemas": {"A/B": {"$ref": "#/components/schemas/C"}, "C": {"type": "string"}, "D": {"items": {"$ref": "#/components/schemas/A~1B"}}},
            "requestBodies": {"Body": {"content": {"text/plain": {}, "application/json": {"schema": {"$ref": "#/components/schemas/D"}}}}}
        }});
        assert_eq!(deref(&doc, &json!({"$ref": "#/components/schemas/A~1B"})), &json!({"type": "string"}));
        let dangling = json!({"$ref": "#/components/schemas/Nope"});
        assert_eq!(deref(&doc, &dangling), &dangling);
        assert_eq!(component("#/components/schemas/A~1B"), Some(("schemas".into(), "A/B".into())));
        let body = json!({"$ref": "#/components/requestBodies/Body"});
        assert_eq!(body_schema(&doc, &body), Some(&json!({"$ref": "#/components/schemas/D"})));
        let reached: Vec<_> = reachable_components(&doc, [&body]).into_iter().map(|(k, n)| format!("{k}/{n}")).collect();
        assert_eq!(reached, ["requestBodies/Body", "schemas/A/B", "schemas/C", "schemas/D"]);
    }

    #[test]
    fn a_reference_cycle_ends() {
        let doc = json!({"components": {"schemas": {"A": {"$ref": "#/components/schemas/B"}, "B": {"$ref": "#/components/schemas/A"}}}});
        assert!(deref(&doc, &json!({"$ref": "#/components/schemas/A"})).get("$ref").is_some());
        assert_eq!(reachable_schemas(&doc, [&json!({"$ref": "#/components/schemas/A"})]).len(), 2);
    }
}
