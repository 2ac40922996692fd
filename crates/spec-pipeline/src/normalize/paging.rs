//! Paged lists, marked: an operation that pages gets `x-paging` (see
//! [`PAGING`]) saying how, so that codegen can give its builder `.pages()`
//! and `.items()` instead of a hand-written stream per operation.
//!
//! - offset: query parameters `limit` and `offset`, a JSON array answered;
//!   `total` names the response header with the list's size and
//!   `limit_header` the one with the page size the server applied, when the
//!   document declares them (Rebilly's `Pagination-Total` and
//!   `Pagination-Limit`).
//! - cursor: a query parameter `pagination_token`, answered with an object
//!   whose `next_pagination_token` is the next page's token and whose `data`
//!   array holds the items (Monite); or a query parameter `cursor`, answered
//!   with `data` and `meta.pagination.{cursor, has_more}` (Layer). `next`
//!   and `more` are dotted paths of properties.
//!
//! Nothing is rewritten but the mark: no information is lost.

use super::{Config, NormalizeError, Tally};
use crate::refs::{body_schema, deref};
use crate::walk::operations;
use serde_json::{json, Value};
use spec_core::extensions::PAGING;

/// The schema of the property at `path` (names, outer first) of `schema`,
/// references followed.
fn property<'a>(doc: &'a Value, schema: Option<&'a Value>, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(schema?, |s, name| s.get("properties")?.get(*name).map(|p| deref(doc, p)))
}

/// Whether the property at `path` of `schema` is an array.
fn is_array(doc: &Value, schema: Option<&Value>, path: &[&str]) -> bool {
    property(doc, schema, path).and_then(|p| p.get("type")).and_then(Value::as_str) == Some("array")
}

pub fn run(doc: &mut Value, _: &Config, t: &mut Tally) -> Result<(), NormalizeError> {
    let mut marks = Vec::new();
    for op in operations(doc) {
        let names: Vec<&str> = op
            .parameters(doc)
            .filter(|p| p.get("in").and_then(Value::as_str) == Some("query"))
            .filter_map(|p| p.get("name").and_then(Value::as_str))
            .collect();
        let Some((status, ok)) =
            op.op.get("responses").and_then(Value::as_object).and_then(|r| r.iter().find(|(status, _)| status.starts_with('2')))
        else {
            continue;
        };
        let schema = body_schema(doc, ok).map(|s| deref(doc, s));
        if names.contains(&"limit")
            && names.contains(&"offset")
            && schema.and_then(|s| s.get("type")).and_then(Value::as_str) == Some("array")
        {
            let headers = deref(doc, ok).get("headers").and_then(Value::as_object);
            let header = |name: &str| headers.and_then(|h| h.keys().find(|k| k.eq_ignore_ascii_case(name))).cloned();
            let (total, limit_header) = (header("Pagination-Total"), header("Pagination-Limit"));
            marks.push((
                op.pointer.clone(),
                json!({"kind": "offset", "limit": "limit", "offset": "offset", "total": total, "limit_header": limit_header, "status": status}),
            ));
        } else if names.contains(&"pagination_token") {
            let properties = schema.and_then(|s| s.get("properties")).and_then(Value::as_object);
            let pages = properties.is_some_and(|p| p.contains_key("next_pagination_token")) && is_array(doc, schema, &["data"]);
            if pages {
                let mark = json!({"kind": "cursor", "token": "pagination_token", "next": "next_pagination_token", "items": "data", "status": status});
                marks.push((op.pointer.clone(), mark));
            }
        } else if names.contains(&"cursor")
            && is_array(doc, schema, &["data"])
            && property(doc, schema, &["meta", "pagination", "cursor"]).is_some()
        {
            // Layer: `meta.pagination` says where the list stands.
            let more = property(doc, schema, &["meta", "pagination", "has_more"]).map(|_| "meta.pagination.has_more");
            let mark = json!({"kind": "cursor", "token": "cursor", "next": "meta.pagination.cursor", "more": more, "items": "data", "status": status});
            marks.push((op.pointer.clone(), mark));
        }
    }
    for (pointer, mark) in marks {
        if let Some(Value::Object(op)) = doc.pointer_mut(&pointer) {
            if op.get(PAGING) != Some(&mark) {
                op.insert(PAGING.into(), mark);
                t.rewrite();
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Value {
        json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {
            "/customers": {"get": {"operationId": "list", "parameters": [
                {"name": "limit", "in": "query", "schema": {"type": "integer"}}, {"name": "offset", "in": "query", "schema": {"type": "integer"}}],
                "responses": {"200": {"description": "d", "headers": {"Pagination-Total": {"schema": {"type": "integer"}}},
                    "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/C"}}}}}}}},
            "/counterparts": {"get": {"operationId": "cursor", "parameters": [{"$ref": "#/components/parameters/Token"}],
                "responses": {"200": {"description": "d", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Page"}}}}}}},
            "/layer": {"get": {"operationId": "layer", "parameters": [{"name": "cursor", "in": "query", "schema": {"type": "string"}}],
                "responses": {"200": {"description": "d", "content": {"application/json": {"schema": {"type": "object", "properties": {
                    "data": {"type": "array", "items": {"$ref": "#/components/schemas/C"}},
                    "meta": {"type": "object", "properties": {"pagination": {"$ref": "#/components/schemas/Pagination"}}}}}}}}}}},
            "/one": {"get": {"operationId": "one", "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer"}}],
                "responses": {"200": {"description": "d"}}}}
        }, "components": {
            "parameters": {"Token": {"name": "pagination_token", "in": "query", "schema": {"type": "string"}}},
            "schemas": {"C": {"type": "object"},
                "Pagination": {"type": "object", "properties": {"cursor": {"type": "string"}, "has_more": {"type": "boolean"}}},
                "Page": {"type": "object", "properties": {
                "data": {"type": "array", "items": {"$ref": "#/components/schemas/C"}}, "next_pagination_token": {"type": "string"}}}}
        }})
    }

    #[test]
    fn offset_and_both_cursor_lists_are_marked_and_nothing_else() {
        let mut d = doc();
        let mut t = Tally::default();
        run(&mut d, &Config::default(), &mut t).unwrap();
        assert_eq!((t.rewrites, t.lossy), (3, 0));
        assert_eq!(
            d["paths"]["/customers"]["get"][PAGING],
            json!({"kind": "offset", "limit": "limit", "offset": "offset", "total": "Pagination-Total", "limit_header": null, "status": "200"})
        );
        assert_eq!(d["paths"]["/counterparts"]["get"][PAGING]["kind"], "cursor");
        assert_eq!(
            d["paths"]["/layer"]["get"][PAGING],
            json!({"kind": "cursor", "token": "cursor", "next": "meta.pagination.cursor", "more": "meta.pagination.has_more", "items": "data", "status": "200"})
        );
        assert!(d["paths"]["/one"]["get"].get(PAGING).is_none());
        let mut again = Tally::default();
        run(&mut d, &Config::default(), &mut again).unwrap();
        assert_eq!(again.rewrites, 0, "idempotent");
    }
}
