//! Fields that hold credentials are marked `format: password`, which the
//! crate's code generation maps to `accounting_sync_runtime::Secret` (`accounting_sync::Secret`): a string whose
//! `Debug` never shows it. Without this, a model such as a token request or
//! response prints the secret wherever it is logged with `{:?}`.
//!
//! A string property is a credential when the document says
//! `format: password` already, or when its name is one of [`NAMES`]
//! (compared without case, `_` or `-`). Nothing else changes: the document
//! keeps the value's constraints (`minLength`…), which the server checks;
//! the client's `Secret` does not check them.

use super::{Config, NormalizeError, Tally};
use crate::refs::escape;
use crate::walk::for_each_schema;
use serde_json::{json, Map, Value};

/// Property names that hold credentials.
pub const NAMES: &[&str] =
    &["password", "secret", "clientsecret", "apikey", "accesstoken", "refreshtoken", "idtoken", "privatekey", "secretkey", "webhooksecret"];

/// Whether a property of this name holds a credential: [`NAMES`], compared
/// without case, `_` or `-`.
pub fn is_credential_name(name: &str) -> bool {
    let folded: String = name.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect();
    NAMES.contains(&folded.as_str())
}

fn is_plain_string(s: &Map<String, Value>) -> bool {
    s.get("type") == Some(&json!("string")) && !s.contains_key("enum") && !s.contains_key("$ref")
}

pub fn run(doc: &mut Value, _: &Config, t: &mut Tally) -> Result<(), NormalizeError> {
    for_each_schema(doc, &mut |schema, ptr| {
        let Some(Value::Object(properties)) = schema.get_mut("properties") else { return };
        for (name, property) in properties.iter_mut() {
            let Value::Object(p) = property else { continue };
            if p.get("format") == Some(&json!("password")) || !is_plain_string(p) || !is_credential_name(name) {
                continue;
            }
            p.insert("format".into(), json!("password"));
            t.note(format!("{ptr}/properties/{}: a credential, kept out of Debug output", escape(name)));
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{run_pass, Config};
    use super::*;

    #[test]
    fn credential_fields_become_password_strings() {
        let mut doc = json!({"components": {"schemas": {"Token": {"type": "object", "properties": {
            "client_secret": {"type": "string", "description": "The secret.", "minLength": 8},
            "access_token": {"type": "string", "example": "abc"},
            "apiKey": {"type": "string", "nullable": true},
            "pin": {"type": "string", "format": "password"},
            "done": {"type": "string", "format": "password", "description": "already"},
            "secret": {"type": "integer"},
            "password": {"$ref": "#/components/schemas/Other"},
            "token_type": {"type": "string"},
            "client_id": {"type": "string"}
        }}}}});
        let t = run_pass(run, &mut doc, &Config::default());
        let p = &doc["components"]["schemas"]["Token"]["properties"];
        assert_eq!(p["client_secret"], json!({"type": "string", "description": "The secret.", "minLength": 8, "format": "password"}));
        assert_eq!(p["access_token"], json!({"type": "string", "example": "abc", "format": "password"}));
        assert_eq!(p["apiKey"], json!({"type": "string", "nullable": true, "format": "password"}));
        assert_eq!(p["pin"], json!({"type": "string", "format": "password"}));
        assert_eq!(p["done"], json!({"type": "string", "format": "password", "description": "already"}));
        assert_eq!(p["secret"], json!({"type": "integer"}));
        assert_eq!(p["password"], json!({"$ref": "#/components/schemas/Other"}));
        assert_eq!(p["token_type"], json!({"type": "string"}));
        assert_eq!((t.rewrites, t.lossy), (3, 0), "{:?}", t.notes);
    }
}
