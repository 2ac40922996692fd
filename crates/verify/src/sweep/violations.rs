// Included verbatim into the sweep program (program.rs) and into this
// crate's `sweep::violations` module: no imports of its own; the includer
// brings `serde_json::{json, Value}`.

/// Prism reports violations of the request and of its own answer (the
/// document's example against the document's schema) in one header; past a
/// few it says "Too many violations!" before the list.
fn request_violated(why: &str) -> bool {
    let list = why.trim_start_matches("Too many violations!").trim_start();
    match serde_json::from_str::<Value>(list) {
        Ok(Value::Array(v)) => v.iter().any(|x| x.pointer("/location/0") != Some(&json!("response"))),
        _ => !list.starts_with('[') || list.contains(r#""location":["request""#),
    }
}
