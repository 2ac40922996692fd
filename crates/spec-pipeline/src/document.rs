//! Reading and writing OpenAPI documents (JSON or YAML) as `serde_json::Value`.

use anyhow::{bail, Context, Result};
use serde_json::{Map, Number, Value};
use std::path::Path;

/// Parses `text` as JSON when it looks like JSON, else as YAML. `origin`
/// names the source in errors.
pub fn parse(text: &str, origin: &str) -> Result<Value> {
    if text.trim_start().starts_with('{') {
        return serde_json::from_str(text).with_context(|| format!("{origin}: not valid JSON"));
    }
    let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(text).with_context(|| format!("{origin}: not valid YAML or JSON"))?;
    yaml_to_json(yaml, "").with_context(|| format!("{origin}: cannot be read as JSON data"))
}

/// Reads a document from disk.
pub fn read(path: &Path) -> Result<Value> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    parse(&text, &path.display().to_string())
}

/// The canonical text of a written document: pretty JSON, final newline.
pub fn to_text(doc: &Value) -> String {
    let mut s = serde_json::to_string_pretty(doc).expect("a Value always serializes");
    s.push('\n');
    s
}

/// The compact text of a written document: JSON on one line, final
/// newline (the whole vendor documents, where pretty printing doubles the
/// size; `cargo xtask diff` compares them structurally).
pub fn to_compact_text(doc: &Value) -> String {
    let mut s = serde_json::to_string(doc).expect("a Value always serializes");
    s.push('\n');
    s
}

/// Writes `text` to `path` through a temporary file, so a failure never
/// leaves a half-written document behind.
pub fn write_atomically(path: &Path, text: &str) -> Result<()> {
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, text).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot move {} into place", tmp.display()))
}

// YAML allows keys that are numbers or booleans (`200:` for a status); OpenAPI
// means them as strings, which serde_json cannot be asked to do by itself.
fn yaml_to_json(v: serde_yaml_ng::Value, ptr: &str) -> Result<Value> {
    use serde_yaml_ng::Value as Y;
    Ok(match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                match Number::from_f64(f) {
                    Some(n) => Value::Number(n),
                    None => bail!("at {ptr}: {f} is not a JSON number"),
                }
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => {
            Value::Array(items.into_iter().enumerate().map(|(i, v)| yaml_to_json(v, &format!("{ptr}/{i}"))).collect::<Result<_>>()?)
        }
        Y::Mapping(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    other => bail!("at {ptr}: unsupported mapping key {other:?}"),
                };
                let child = yaml_to_json(v, &format!("{ptr}/{}", crate::refs::escape(&key)))?;
                out.insert(key, child);
            }
            Value::Object(out)
        }
        Y::Tagged(t) => yaml_to_json(t.value, ptr)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn yaml_keys_become_strings() {
        let doc = parse("responses:\n  200:\n    description: ok\n  true: 1\n", "t").unwrap();
        assert_eq!(doc, json!({"responses": {"200": {"description": "ok"}, "true": 1}}));
    }

    #[test]
    fn bad_input_names_its_origin() {
        let err = parse("{\"openapi\": ", "specs/x.json").unwrap_err();
        assert!(format!("{err:#}").starts_with("specs/x.json: not valid JSON"), "{err:#}");
        let err = parse("a: [1, 2\n", "specs/x.yaml").unwrap_err();
        assert!(format!("{err:#}").starts_with("specs/x.yaml: not valid YAML"), "{err:#}");
    }
}
