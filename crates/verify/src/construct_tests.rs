//! Every construct the normalizer takes on (issue: documents a user may
//! bring) goes through normalize and then progenitor without a panic or a
//! refusal: default responses, cookie parameters, object-valued query
//! parameters, media types without a schema, parameters described by
//! `content`, a path and a query parameter of one name, a property named
//! `$ref`, an enum beside `allOf`, an `anyOf` of a string and a ref to an
//! enum. An external `$ref` stays an error that says to bundle.

use crate::scratch::standalone_settings;
use serde_json::{json, Value};
use spec_pipeline::normalize::{normalize, Config};

fn document(paths: Value) -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {"title": "constructs", "version": "1"},
        "paths": paths,
        "components": {"schemas": {
            "Thing": {"type": "object", "properties": {"id": {"type": "string"}, "$ref": {"type": "string", "description": "A property named $ref."}}},
            "Problem": {"type": "object", "properties": {"message": {"type": "string"}}}
        }}
    })
}

fn generates(name: &str, mut doc: Value) {
    let report = normalize(&mut doc, &Config::default()).unwrap_or_else(|e| panic!("{name}: normalize: {e}"));
    let text = spec_pipeline::document::to_text(&doc);
    for interface in [progenitor::InterfaceStyle::Positional, progenitor::InterfaceStyle::Builder] {
        accounting_sync_codegen::generate_with(&text, name, &standalone_settings(interface))
            .unwrap_or_else(|e| panic!("{name}: {e}\n{report}"));
    }
}

fn thing() -> Value {
    json!({"description": "a thing", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}})
}
fn problem() -> Value {
    json!({"description": "a problem", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}})
}

#[test]
fn default_responses_alone_beside_a_success_and_beside_204() {
    generates("default alone", document(json!({"/a": {"get": {"operationId": "a", "responses": {"default": thing()}}}})));
    generates(
        "default beside 200",
        document(json!({"/a": {"get": {"operationId": "a", "responses": {"200": thing(), "default": problem()}}}})),
    );
    generates(
        "default beside 204",
        document(json!({"/a": {"delete": {"operationId": "a", "responses": {"204": {"description": "gone"}, "default": problem()}}}})),
    );
}

#[test]
fn parameters_progenitor_refuses() {
    let params = json!([
        {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
        {"name": "id", "in": "query", "schema": {"type": "string"}},
        {"name": "session", "in": "cookie", "schema": {"type": "string"}},
        {"name": "where", "in": "query", "content": {"application/json": {"schema": {"type": "object"}}}},
        {"name": "filter", "in": "query", "style": "deepObject", "schema": {"type": "object", "properties": {"status": {"type": "string"}}}},
        {"name": "page", "in": "query", "schema": {"type": "object", "properties": {"limit": {"type": "integer"}}}},
        {"name": "deep", "in": "query", "style": "deepObject", "schema": {"type": "object", "properties": {"a": {"type": "object"}}}}
    ]);
    generates(
        "parameters",
        document(json!({"/a/{id}": {"get": {"operationId": "a", "parameters": params, "responses": {"200": thing()}}}})),
    );
}

#[test]
fn media_types_without_a_schema() {
    generates(
        "no schema",
        document(json!({"/a": {"post": {"operationId": "a",
            "requestBody": {"content": {"application/json": {}}},
            "responses": {"200": {"description": "ok", "content": {"application/json": {}}}, "400": problem()}}}})),
    );
}

#[test]
fn a_property_named_ref_is_a_property() {
    let mut doc = document(json!({"/a": {"get": {"operationId": "a", "responses": {"200": thing()}}}}));
    generates("$ref property", doc.clone());
    normalize(&mut doc, &Config::default()).unwrap();
    assert_eq!(doc["components"]["schemas"]["Thing"]["properties"]["$ref"]["type"], "string");
}

#[test]
fn an_external_ref_is_an_error_that_says_to_bundle() {
    let mut doc = document(json!({"/a": {"get": {"operationId": "a", "responses": {"200": {"$ref": "responses.yaml#/Thing"}}}}}));
    let err = normalize(&mut doc, &Config::default()).unwrap_err();
    assert!(err.message.contains("bundle"), "{err}");
}

#[test]
fn an_enum_beside_a_composition() {
    let mut doc = document(json!({"/a": {"get": {"operationId": "a", "responses": {"200": {"description": "ok",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Vaulted"}}}}}}}}));
    let schemas = doc["components"]["schemas"].as_object_mut().unwrap();
    schemas.insert("Method".into(), json!({"oneOf": [{"type": "string", "enum": ["card", "ach", "cash"]}, {"type": "string"}]}));
    schemas.insert(
        "Vaulted".into(),
        json!({"type": "object", "properties": {
            "method": {"type": "string", "enum": ["card", "ach"], "allOf": [{"$ref": "#/components/schemas/Method"}]},
            "metric": {"anyOf": [{"type": "string"}, {"$ref": "#/components/schemas/Metric"}]}}}),
    );
    schemas.insert("Metric".into(), json!({"type": "string", "enum": ["approvalRate", "salesCount"]}));
    generates("enum beside allOf; anyOf of a string and an enum", doc);
}

/// Each struct of `code`: its name and its fields as (Rust name, serde
/// name), the serde name being the `rename` or else the Rust name.
fn struct_fields(code: &str) -> Vec<(String, Vec<(String, String)>)> {
    fn visit(items: &[syn::Item], out: &mut Vec<(String, Vec<(String, String)>)>) {
        for item in items {
            match item {
                syn::Item::Mod(m) => visit(m.content.as_ref().map_or(&[][..], |(_, inner)| inner), out),
                syn::Item::Struct(s) => {
                    let fields = s
                        .fields
                        .iter()
                        .filter_map(|f| {
                            let name = f.ident.as_ref()?.to_string();
                            let mut wire = name.clone();
                            for attr in f.attrs.iter().filter(|a| a.path().is_ident("serde")) {
                                attr.parse_nested_meta(|meta| {
                                    if meta.path.is_ident("rename") {
                                        wire = meta.value()?.parse::<syn::LitStr>()?.value();
                                    } else if let Ok(value) = meta.value() {
                                        value.parse::<syn::Expr>()?;
                                    }
                                    Ok(())
                                })
                                .unwrap();
                            }
                            Some((name, wire))
                        })
                        .collect();
                    out.push((s.ident.to_string(), fields));
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    visit(&syn::parse_file(code).unwrap().items, &mut out);
    out
}

/// Properties that are one Rust field name (`fooBar` and `foo_bar`, `pet`
/// and `Pet`, `ref` and `$ref`, in a component and in an inline object)
/// become distinct fields whose serde names are the wire names. Without the
/// property_names pass the struct declares a field twice (E0124).
#[test]
fn properties_of_one_rust_name() {
    let mut doc = document(json!({"/a": {"post": {"operationId": "a",
        "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Clash"}}}},
        "responses": {"200": thing()}}}}));
    doc["components"]["schemas"]["Clash"] = json!({"type": "object", "required": ["fooBar", "Pet"], "properties": {
        "fooBar": {"type": "string"}, "foo_bar": {"type": "integer"},
        "pet": {"type": "string"}, "Pet": {"type": "boolean"},
        "ref": {"type": "string"}, "$ref": {"type": "string"},
        "inner": {"type": "object", "properties": {"a-b": {"type": "string"}, "a_b": {"type": "string"}}}
    }});
    let report = normalize(&mut doc, &Config::default()).unwrap();
    let text = spec_pipeline::document::to_text(&doc);
    for interface in [progenitor::InterfaceStyle::Positional, progenitor::InterfaceStyle::Builder] {
        let code = accounting_sync_codegen::generate_with(&text, "clash", &standalone_settings(interface)).unwrap();
        let structs = struct_fields(&code);
        for (name, fields) in &structs {
            let mut rust: Vec<&String> = fields.iter().map(|(r, _)| r).collect();
            rust.sort();
            rust.dedup();
            assert_eq!(rust.len(), fields.len(), "{name} declares a field twice: {fields:?}");
        }
        let wire = |name: &str| {
            let (_, fields) = structs.iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no struct {name}"));
            let mut wire: Vec<&str> = fields.iter().map(|(_, w)| w.as_str()).collect();
            wire.sort_unstable();
            wire
        };
        assert_eq!(wire("Clash"), ["$ref", "Pet", "fooBar", "foo_bar", "inner", "pet", "ref"]);
        assert_eq!(wire("ClashInner"), ["a-b", "a_b"]);
    }
    assert!(report.to_string().contains("property_names      4 rewrites,   0 lossy"), "{report}");
}
