//! Malformed input never panics the normalizer: documents are mutated at
//! random (values of the wrong type, dangling and cyclic `$ref`s, keys
//! removed, text cut short), and each must normalize or fail with an error,
//! never a panic. Deterministic: the seeds are fixed.

use super::{normalize, Config};
use serde_json::{json, Value};
use std::path::Path;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*: small, deterministic, good enough to pick mutations.
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Every JSON pointer in `v`.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match v {
        Value::Object(m) => m.iter().for_each(|(k, c)| pointers(c, format!("{at}/{}", crate::refs::escape(k)), out)),
        Value::Array(a) => a.iter().enumerate().for_each(|(i, c)| pointers(c, format!("{at}/{i}"), out)),
        _ => {}
    }
}

fn mutate(doc: &mut Value, rng: &mut Rng) {
    let mut all = Vec::new();
    pointers(doc, String::new(), &mut all);
    let target = all[rng.below(all.len())].clone();
    let donor = doc.pointer(&all[rng.below(all.len())]).cloned().unwrap_or(Value::Null);
    let replacement = match rng.below(11) {
        0 => Value::Null,
        1 => json!(42),
        2 => json!("x"),
        3 => json!([]),
        4 => json!({}),
        5 => json!(true),
        6 => json!({"$ref": "#/components/schemas/Nowhere"}),
        7 => json!({"$ref": format!("#{target}")}),
        8 => json!({"type": ["string", 7, "null"], "anyOf": "no"}),
        9 => donor,
        _ => {
            // Remove the node from its parent instead.
            if let Some((parent, key)) = target.rsplit_once('/') {
                match doc.pointer_mut(parent) {
                    Some(Value::Object(m)) => {
                        m.remove(&key.replace("~1", "/").replace("~0", "~"));
                    }
                    Some(Value::Array(a)) => {
                        if let Ok(i) = key.parse::<usize>() {
                            if i < a.len() {
                                a.remove(i);
                            }
                        }
                    }
                    _ => {}
                }
            }
            return;
        }
    };
    if let Some(slot) = doc.pointer_mut(&target) {
        *slot = replacement;
    }
}

/// Our three sources with their normalizer settings, and a document of the
/// constructs the normalizer rewrites for progenitor (default responses,
/// cookie, object and content parameters, a path and a query parameter of one
/// name, media types without a schema, a property named `$ref`, an enum
/// beside allOf, an anyOf of a string and a ref to an enum).
fn sources() -> Vec<(Value, Config)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs");
    let mut out: Vec<(Value, Config)> = ["rebilly/source.yaml", "monite/source.json", "layer/source.yaml"]
        .into_iter()
        .map(|file| {
            let settings = root.join(file).with_file_name("normalize.json");
            let config =
                std::fs::read_to_string(settings).map(|t| serde_json::from_str(&t).expect("our settings parse")).unwrap_or_default();
            (crate::document::read(&root.join(file)).expect("our sources parse"), config)
        })
        .collect();
    out.push((constructs(), Config { flat_enums: true, ..Config::default() }));
    out
}

fn constructs() -> Value {
    let thing = json!({"description": "a thing", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}});
    json!({
        "openapi": "3.1.0",
        "info": {"title": "constructs", "version": "1"},
        "paths": {
            "/a/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "get": {"operationId": "getA", "parameters": [
                    {"name": "id", "in": "query", "schema": {"type": "string"}},
                    {"name": "session", "in": "cookie", "schema": {"type": "string"}},
                    {"name": "where", "in": "query", "content": {"application/json": {"schema": {"type": "object"}}}},
                    {"name": "filter", "in": "query", "style": "deepObject", "schema": {"type": "object", "properties": {"status": {"type": "string", "enum": ["a", "b"]}}}},
                    {"name": "page", "in": "query", "schema": {"type": "object", "properties": {"limit": {"type": "integer"}}}}
                ], "responses": {"200": thing, "default": {"description": "error", "content": {"application/json": {}}}}},
                "post": {"operationId": "postA", "requestBody": {"content": {"application/json": {}, "application/pdf": {}}},
                    "responses": {"default": thing}}
            }
        },
        "components": {"schemas": {
            "Thing": {"type": "object", "properties": {"$ref": {"type": "string"}, "kind": {"type": "string", "enum": ["x"]},
                "method": {"type": "string", "enum": ["card"], "allOf": [{"$ref": "#/components/schemas/Method"}]},
                "metric": {"anyOf": [{"type": "string"}, {"$ref": "#/components/schemas/Method"}]}}},
            "Method": {"type": "string", "enum": ["card", "ach"]}
        }}
    })
}

#[test]
fn mutated_documents_never_panic() {
    let originals = sources();
    let mut rng = Rng(0x5EED_0FAC_C05C);
    let mut failures = 0;
    for round in 0..600 {
        let (original, config) = &originals[round % originals.len()];
        let mut doc = original.clone();
        for _ in 0..1 + rng.below(3) {
            mutate(&mut doc, &mut rng);
        }
        let input = doc.clone();
        let outcome = std::panic::catch_unwind(move || {
            let mut doc = doc;
            normalize(&mut doc, config).map(|_| ())
        });
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                failures += 1;
                assert!(!e.message.is_empty(), "an error says what is wrong");
            }
            Err(_) => panic!("round {round}: the normalizer panicked on:\n{}", serde_json::to_string(&input).unwrap()),
        }
    }
    // Some mutations must have been rejected, or the test mutated nothing that matters.
    assert!(failures > 0);
}

#[test]
fn truncated_text_is_an_error_not_a_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs");
    let mut rng = Rng(7);
    for file in ["rebilly/source.yaml", "monite/source.json"] {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        for _ in 0..60 {
            let mut cut = rng.below(text.len());
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            let outcome = std::panic::catch_unwind(|| {
                crate::document::parse(&text[..cut], file).map(|mut doc| normalize(&mut doc, &Config::default()).is_ok())
            });
            assert!(outcome.is_ok(), "{file} cut at {cut} panicked");
        }
    }
}
