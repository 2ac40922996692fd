//! `spec_pipeline::naming::method_name`, which the normalizer's clash check,
//! diff's `Client::…` labels, the operations table and the tests use, is the
//! name progenitor gives: for every operation of our documents, of the
//! vendors' whole documents and of ids chosen to be awkward, the method
//! progenitor generated (and each parameter's setter) has our name.

use crate::scratch::standalone_settings;
use serde_json::{json, Value};
use spec_pipeline::naming::method_name;
use spec_pipeline::walk;
use std::collections::HashMap;
use std::path::Path;

/// Each method of the generated `impl Client`, by (`GET`, path template)
/// from its doc (progenitor writes "Sends a `GET` request to `/path`"):
/// its name and its doc, whose example calls every parameter's setter.
fn generated_methods(code: &str) -> HashMap<(String, String), (String, String)> {
    let file = syn::parse_file(code).expect("generated code parses");
    let mut out = HashMap::new();
    for item in &file.items {
        let syn::Item::Impl(block) = item else { continue };
        let is_client = matches!(&*block.self_ty, syn::Type::Path(t) if t.path.is_ident("Client"));
        if block.trait_.is_some() || !is_client {
            continue;
        }
        for member in &block.items {
            let syn::ImplItem::Fn(f) = member else { continue };
            let doc: String = f
                .attrs
                .iter()
                .filter_map(|a| match &a.meta {
                    syn::Meta::NameValue(nv) if nv.path.is_ident("doc") => match &nv.value {
                        syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => Some(s.value()),
                        _ => None,
                    },
                    _ => None,
                })
                .collect::<Vec<_>>()
                .join("\n");
            let Some(rest) = doc.split("Sends a `").nth(1) else { continue };
            let method = rest.split('`').next().unwrap().to_string();
            let path = rest.split("request to `").nth(1).and_then(|r| r.split('`').next()).unwrap().to_string();
            out.insert((method, path), (f.sig.ident.to_string(), doc));
        }
    }
    out
}

/// Asserts that every operation of `doc` (normalized) became the method
/// [`method_name`] names in `code`, its parameters the setters it names.
fn assert_names_match(label: &str, doc: &Value, code: &str) {
    let methods = generated_methods(code);
    let operations = walk::operations(doc);
    assert_eq!(methods.len(), operations.len(), "{label}: one method per operation");
    for operation in operations {
        let id = operation.id().unwrap_or_else(|| panic!("{label}: {} has no operationId", operation.pointer));
        let key = (operation.method.to_uppercase(), operation.path.to_string());
        let (generated, method_doc) = methods.get(&key).unwrap_or_else(|| panic!("{label}: no method for {key:?}"));
        assert_eq!(&method_name(id), generated, "{label}: operationId {id:?}");
        for p in operation.parameters(doc) {
            let name = p["name"].as_str().unwrap();
            let setter = format!("\n    .{}(", method_name(name));
            assert!(method_doc.contains(&setter), "{label}: {id}: parameter {name:?}:\n{method_doc}");
        }
    }
}

/// Generates `doc` with our settings and checks the names.
fn check(label: &str, doc: &Value) {
    let code = accounting_sync_codegen::generate_text(&doc.to_string(), label).unwrap_or_else(|e| panic!("{e}"));
    assert_names_match(label, doc, &code);
}

/// Ids progenitor changes: acronyms, digits, keywords, punctuation, leading
/// digits and signs, apostrophes, non-ASCII, nothing left.
const ODD_IDS: &[&str] = &[
    "GetHTTPThing",
    "getHTTPSURLs",
    "XMLHttpRequest",
    "APIKeys",
    "get2FACodes",
    "getV2Accounts",
    "v2accounts",
    "ABC123def",
    "op1",
    "2fa-check",
    "123",
    "1st.thing",
    "type",
    "self",
    "Self",
    "ref",
    "crate",
    "super",
    "async",
    "await",
    "gen",
    "fn",
    "match",
    "mod",
    "r#type",
    "_",
    "__",
    "business.quickbooks.sync-from.post",
    "a--b..c",
    ".leading",
    "trailing-",
    "-1",
    "+1",
    "+",
    "it's",
    "GET_Thing",
    "getThing_v2",
    "get thing/by:id",
    "café-Über",
    "snake_case_id",
    "x",
];

/// Every word typify refuses as an identifier (`typify::accept_as_ident`),
/// which progenitor marks with a trailing `_`.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else", "enum", "extern",
    "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv",
    "pub", "ref", "return", "Self", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof", "unsafe", "unsized",
    "use", "virtual", "where", "while", "yield",
];

/// One document per id: `self` and `Self` are one name, so cannot share.
#[test]
fn method_names_of_odd_ids_are_progenitors() {
    for id in ODD_IDS.iter().chain(KEYWORDS) {
        let doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/odd": {"get": {
            "operationId": id,
            "parameters": [{"name": id, "in": "query", "schema": {"type": "string"}}],
            "responses": {"200": {"description": "ok"}}
        }}}});
        check(&format!("operationId {id:?}"), &doc);
    }
}

#[test]
fn method_names_of_our_documents_are_progenitors() {
    let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs");
    let apis = spec_files::Specs::at(&specs).api_names().unwrap();
    assert!(apis.len() >= 3, "{apis:?}");
    for api in apis {
        let doc = spec_pipeline::document::read(&specs.join(&api).join("openapi.json")).unwrap();
        check(&api, &doc);
    }
}

/// The vendors' whole documents, repaired and normalized as `cargo xtask
/// corpus` does.
#[test]
#[ignore = "needs the vendors' documents (../shared/specs-upstream or UPSTREAM_SPECS); run with --ignored"]
fn method_names_of_the_vendors_documents_are_progenitors() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = crate::upstream::upstream_dir(&root, &[]);
    let documents = crate::upstream::documents(&dir).unwrap();
    assert!(documents.len() >= 2, "{}: {} documents", dir.display(), documents.len());
    for (path, mut doc) in documents {
        let name = path.strip_prefix(&dir).unwrap().to_string_lossy().into_owned();
        crate::upstream::repair(&root, &name, &mut doc, false).unwrap();
        spec_pipeline::normalize::normalize(&mut doc, &spec_pipeline::normalize::Config::default()).unwrap();
        let settings = standalone_settings(progenitor::InterfaceStyle::Builder);
        let code = accounting_sync_codegen::generate_with(&doc.to_string(), &name, &settings).unwrap_or_else(|e| panic!("{e}"));
        assert_names_match(&name, &doc, &code);
    }
}
