//! Every operation gets a unique operationId, also after conversion to a Rust
//! method name. Missing ids are made from method and path; a repeated id keeps
//! its first holder and the others get a suffix from where their paths differ
//! (`..._by_account_id` for the item under a list), else from the method.
//! Each rename is noted: it changes a generated method name.

use super::walk::operations;
use super::{Config, NormalizeError, Tally};
use serde_json::{json, Value};

/// Rust method name progenitor derives from an operationId (close enough to
/// tell collisions apart).
pub fn snake(id: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in id.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && prev_lower && !out.ends_with('_') {
                out.push('_');
            }
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            out.push(c.to_ascii_lowercase());
        } else {
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            prev_lower = false;
        }
    }
    out.trim_end_matches('_').to_string()
}

fn from_path(method: &str, path: &str) -> String {
    format!("{method}_{}", snake(&path.replace(['{', '}'], "")))
}

/// A suffix naming what `path` has that `first` does not.
fn suffix(first: &str, path: &str, method: &str, first_method: &str) -> String {
    let a: Vec<&str> = first.split('/').collect();
    let extra: Vec<&str> = path.split('/').skip_while(|s| a.contains(s)).collect();
    let words: Vec<String> = extra
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(param) => format!("by_{}", snake(param)),
            None => snake(s),
        })
        .collect();
    if !words.is_empty() {
        words.join("_")
    } else if method != first_method {
        method.to_string()
    } else {
        "2".to_string()
    }
}

pub fn run(doc: &mut Value, _: &Config, t: &mut Tally) -> Result<(), NormalizeError> {
    // (snake form, id, path, method) of ids given so far.
    let mut taken: Vec<(String, String, String, String)> = Vec::new();
    for (ptr, path, method, op) in operations(doc) {
        let id = match op.get("operationId") {
            Some(Value::String(id)) if !id.trim().is_empty() => id.clone(),
            Some(Value::String(_)) | None => {
                let id = from_path(&method, &path);
                t.note(format!("{ptr}: no operationId; named {id}"));
                id
            }
            Some(_) => return Err(NormalizeError::new(format!("{ptr}/operationId"), "operationId must be a string")),
        };
        let mut unique = id.clone();
        if let Some((_, _, first_path, first_method)) = taken.iter().find(|(s, ..)| *s == snake(&id)) {
            let base = format!("{id}_{}", suffix(first_path, &path, &method, first_method));
            unique = base.clone();
            let mut n = 2;
            while taken.iter().any(|(s, ..)| *s == snake(&unique)) {
                unique = format!("{base}_{n}");
                n += 1;
            }
            t.note(format!("{ptr}: operationId {id} is used before (or clashes as {}); renamed {unique}", snake(&id)));
        }
        op.insert("operationId".into(), json!(unique));
        taken.push((snake(&unique), unique, path, method));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{run_pass, Config};
    use super::*;

    #[test]
    fn ids_are_made_unique() {
        let mut doc = json!({"paths": {
            "/b/{businessId}/accounts": {"get": {"operationId": "accounts.get"}},
            "/b/{businessId}/accounts/{accountId}": {"get": {"operationId": "accounts.get"}, "delete": {}},
            "/x": {"get": {"operationId": "GetX"}, "put": {"operationId": "get_x"}}
        }});
        let t = run_pass(run, &mut doc, &Config::default());
        let p = &doc["paths"];
        assert_eq!(p["/b/{businessId}/accounts"]["get"]["operationId"], "accounts.get");
        assert_eq!(p["/b/{businessId}/accounts/{accountId}"]["get"]["operationId"], "accounts.get_by_account_id");
        assert_eq!(p["/b/{businessId}/accounts/{accountId}"]["delete"]["operationId"], "delete_b_business_id_accounts_account_id");
        assert_eq!(p["/x"]["put"]["operationId"], "get_x_put");
        assert_eq!(t.rewrites, 3);
    }

    #[test]
    fn snake_case_matches_rust_method_names() {
        assert_eq!(snake("business.quickbooks.sync-from.post"), "business_quickbooks_sync_from_post");
        assert_eq!(snake("GetExternalIdentifierCollection"), "get_external_identifier_collection");
        assert_eq!(snake("post_accounting_synced_records_id_push"), "post_accounting_synced_records_id_push");
    }
}
