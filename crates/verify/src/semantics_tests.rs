//! Runtime check of what the normalizer promises, on generated code: a tiny
//! document in the vendors' dialect is normalized, generated and compiled in
//! a scratch crate under `target/corpus/`, whose program decodes sample
//! bodies and prints what it got. Ignored by default (it compiles a crate);
//! `.ci/run` runs it with `--ignored`.

use crate::scratch::{standalone_settings, Scratch};
use serde_json::json;
use spec_pipeline::normalize::{normalize, Config};
use std::process::Command;

#[test]
#[ignore = "compiles a scratch crate; run with --ignored"]
fn generated_types_keep_the_documents_semantics() {
    let mut doc = json!({
        "openapi": "3.1.0",
        "info": {"title": "semantics", "version": "1"},
        "paths": {"/customers": {"post": {"operationId": "createCustomer",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Customer"}}}},
            "responses": {"201": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Customer"}}}}}}}},
        "components": {"schemas": {
            "DocType": {"type": "string", "enum": ["identity-proof", "address-proof"]},
            "Identity": {"type": "object", "required": ["documentType", "fileIds"], "properties": {
                "documentType": {"$ref": "#/components/schemas/DocType"}, "fileIds": {"type": "array", "items": {"type": "string"}}}},
            "Address": {"type": "object", "required": ["documentType", "fileIds"], "properties": {
                "documentType": {"$ref": "#/components/schemas/DocType"}, "fileIds": {"type": "array", "items": {"type": "string"}}, "street": {"type": "string"}}},
            "Doc": {"oneOf": [{"$ref": "#/components/schemas/Identity"}, {"$ref": "#/components/schemas/Address"}],
                    "discriminator": {"propertyName": "documentType", "mapping": {
                        "identity-proof": "#/components/schemas/Identity", "address-proof": "#/components/schemas/Address"}}},
            "Customer": {"type": "object", "additionalProperties": false, "required": ["id", "name", "password"], "properties": {
                "id": {"type": "string", "readOnly": true},
                "name": {"type": ["string", "null"]},
                "password": {"type": "string", "writeOnly": true},
                "status": {"type": "string", "enum": ["active", "closed"]},
                "document": {"$ref": "#/components/schemas/Doc"}}},
            "Clash": {"type": "object", "properties": {
                "fooBar": {"type": "string"}, "foo_bar": {"type": "integer"}, "$ref": {"type": "string"}, "ref": {"type": "string"}}}
        }}
    });
    normalize(&mut doc, &Config::default()).unwrap();
    let code = accounting_sync_codegen::generate_with(
        &spec_pipeline::document::to_text(&doc),
        "semantics",
        &standalone_settings(progenitor::InterfaceStyle::Positional),
    )
    .unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let scratch = Scratch::new(&root).unwrap();
    let dir = root.join("target/corpus/semantics");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(dir.join("Cargo.toml"), scratch.manifest("semantics").replace("[lib]\npath = \"lib.rs\"\n", "")).unwrap();
    std::fs::write(dir.join("src/api.rs"), format!("#![allow(warnings, clippy::all)]\n{code}")).unwrap();
    std::fs::write(
        dir.join("src/main.rs"),
        r##"
mod api;
use api::types::*;

fn main() {
    let address: Doc = serde_json::from_str(r#"{"documentType": "address-proof", "fileIds": ["f1"], "street": "Main"}"#).unwrap();
    println!("address_variant={}", matches!(address, Doc::AddressProof(_)));
    let identity: Doc = serde_json::from_str(r#"{"documentType": "identity-proof", "fileIds": []}"#).unwrap();
    println!("identity_variant={}", matches!(identity, Doc::IdentityProof(_)));
    // A field the document does not know, a null name, no password: all fine in a response.
    let c: Customer = serde_json::from_str(r#"{"id": "c1", "name": null, "addedLater": {"x": 1}}"#).unwrap();
    println!("name_is_none={}", c.name.is_none());
    // A request body without the server's id.
    let new = Customer { id: None, name: Some("Ada".into()), password: Some("pw".into()), document: None, status: None };
    println!("request={}", serde_json::to_string(&new).unwrap());
    // A status the document lists, and one the server added later: kept as sent.
    let known: Customer = serde_json::from_str(r#"{"name": null, "status": "closed"}"#).unwrap();
    println!("known={}", matches!(known.status, Some(CustomerStatus::Known(CustomerStatusKnown::Closed))));
    let later: Customer = serde_json::from_str(r#"{"name": null, "status": "frozen"}"#).unwrap();
    println!("unknown={:?} back={}", later.status, serde_json::to_string(&later).unwrap());
    // Properties of one Rust name (property_names): distinct fields, wire names kept.
    let sent = r#"{"fooBar": "a", "foo_bar": 1, "$ref": "r", "ref": "s"}"#;
    let clash: Clash = serde_json::from_str(sent).unwrap();
    println!("clash={} {:?} {:?}", serde_json::to_string(&clash).unwrap(), clash.foo_bar_2, clash.ref_2);
}
"##,
    )
    .unwrap();
    let out = Command::new("cargo")
        .current_dir(&dir)
        .args(["run", "--quiet"])
        .env("CARGO_TARGET_DIR", root.join("target/corpus/target"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}\n{}", stdout, String::from_utf8_lossy(&out.stderr));
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "address_variant=true",
            "identity_variant=true",
            "name_is_none=true",
            r#"request={"name":"Ada","password":"pw"}"#,
            "known=true",
            r#"unknown=Some(Unknown("frozen")) back={"name":null,"status":"frozen"}"#,
            r#"clash={"foo_bar":1,"fooBar":"a","$ref":"r","ref":"s"} Some("a") Some("s")"#,
        ]
    );
}
