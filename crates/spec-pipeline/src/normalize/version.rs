//! `openapi: 3.1.x` → `3.0.3`. Keywords that have no 3.0 form are dropped here
//! and counted (webhooks); the other 3.1 constructs have passes of their own.

use super::{Config, NormalizeError, Tally};
use serde_json::{json, Value};

pub fn run(doc: &mut Value, _: &Config, t: &mut Tally) -> Result<(), NormalizeError> {
    let root = doc.as_object_mut().expect("checked by normalize");
    let version = match root.get("openapi") {
        Some(Value::String(v)) => v.clone(),
        Some(_) => return Err(NormalizeError::new("/openapi", "`openapi` must be a string such as \"3.0.3\"")),
        None if root.contains_key("swagger") => {
            return Err(NormalizeError::new("/swagger", "Swagger 2.0 documents are not supported; convert to OpenAPI 3 first"))
        }
        None => return Err(NormalizeError::new("", "no `openapi` field: this is not an OpenAPI document")),
    };
    if version.starts_with("3.1") {
        root.insert("openapi".into(), json!("3.0.3"));
        t.rewrite();
        if let Some(Value::Object(hooks)) = root.remove("webhooks") {
            t.lossy(format!("/webhooks: {} webhooks dropped (OpenAPI 3.0 has no webhooks)", hooks.len()));
        }
        if root.remove("jsonSchemaDialect").is_some() {
            t.rewrite();
        }
    } else if !version.starts_with("3.0") {
        return Err(NormalizeError::new("/openapi", format!("unsupported OpenAPI version {version:?}; expected 3.0.x or 3.1.x")));
    }
    if !root.contains_key("paths") {
        // 3.1 makes `paths` optional, 3.0 requires it.
        root.insert("paths".into(), json!({}));
        t.rewrite();
    }
    match root.get("info") {
        Some(Value::Object(info))
            if info.get("title").is_some_and(Value::is_string) && info.get("version").is_some_and(Value::is_string) => {}
        _ => return Err(NormalizeError::new("/info", "`info` with string `title` and `version` is required")),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{run_pass, Config};
    use super::*;

    #[test]
    fn relabels_31_and_drops_webhooks_as_lossy() {
        let mut doc = json!({"openapi": "3.1.1", "info": {"title": "t", "version": "1"}, "webhooks": {"a": {}}});
        let t = run_pass(run, &mut doc, &Config::default());
        assert_eq!(doc["openapi"], "3.0.3");
        assert_eq!(doc["paths"], json!({}));
        assert!(doc.get("webhooks").is_none());
        assert_eq!((t.rewrites, t.lossy), (3, 1));
    }

    #[test]
    fn rejects_what_is_not_openapi_3() {
        for (doc, ptr) in [
            (json!({"swagger": "2.0"}), "/swagger"),
            (json!({"openapi": "2.5", "info": {}}), "/openapi"),
            (json!({"name": "package.json"}), ""),
            (json!({"openapi": "3.0.1"}), "/info"),
        ] {
            let mut doc = doc;
            let err = run(&mut doc, &Config::default(), &mut Tally::default()).unwrap_err();
            assert_eq!(err.pointer, ptr, "{err}");
        }
    }
}
