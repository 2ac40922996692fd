//! `type: number, format: float` → `format: double`. typify reads `float`
//! as `f32`, but JSON numbers are doubles: an `f32` rounds what the server
//! sent (0.1 becomes 0.100000001) and refuses a value just past its range
//! that a server (or a mock: Prism's placeholder for `float` is
//! -3.402823669209385e38) printed from a double. `f64` holds every `f32`
//! exactly, so nothing the document allows is lost.

use super::{Config, NormalizeError, Tally};
use crate::walk::for_each_schema;
use serde_json::{json, Value};

pub fn run(doc: &mut Value, _: &Config, t: &mut Tally) -> Result<(), NormalizeError> {
    for_each_schema(doc, &mut |s, _| {
        if s.get("format").and_then(Value::as_str) == Some("float") && s.get("type").and_then(Value::as_str) != Some("string") {
            s.insert("format".into(), json!("double"));
            t.rewrite();
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{run_pass, Config};
    use super::*;

    #[test]
    fn float_numbers_are_read_as_doubles() {
        let mut doc = json!({"components": {"schemas": {
            "Share": {"type": "number", "format": "float"},
            "Amount": {"type": "number", "format": "double"},
            "Odd": {"type": "string", "format": "float"}
        }}});
        let t = run_pass(run, &mut doc, &Config::default());
        let s = &doc["components"]["schemas"];
        assert_eq!(s["Share"]["format"], "double");
        assert_eq!(s["Amount"]["format"], "double");
        assert_eq!(s["Odd"]["format"], "float", "a string's format is not a number's");
        assert_eq!((t.rewrites, t.lossy), (1, 0));
    }
}
