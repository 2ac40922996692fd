//! Malformed input never panics the normalizer: documents are mutated at
//! random (values of the wrong type, dangling and cyclic `$ref`s, keys
//! removed, text cut short), and each must normalize or fail with an error,
//! never a panic. Deterministic: the seeds are fixed.

use super::{envelope::Envelope, normalize, Config};
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

fn sources() -> Vec<(Value, Config)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs");
    let monite = Config { client_headers: vec!["x-monite-version".into(), "x-monite-entity-id".into()], ..Config::default() };
    let layer = Config {
        response_envelope: Some(Envelope { success: "data".into(), error: "errors".into(), meta: Some("meta".into()) }),
        ..Config::default()
    };
    [("rebilly/source.yaml", Config::default()), ("monite/source.json", monite), ("layer/source.yaml", layer)]
        .into_iter()
        .map(|(file, config)| (crate::document::read(&root.join(file)).expect("our sources parse"), config))
        .collect()
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
