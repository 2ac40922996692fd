//! Every operation gets a unique operationId, also after conversion to a Rust
//! method name. Missing ids are made from method and path; a repeated id keeps
//! its first holder and the others get a suffix from where their paths differ
//! (`..._by_account_id` for the item under a list), else from the method.
//! Each rename is noted: it changes a generated method name.

use super::{Config, NormalizeError, Tally};
use crate::naming::method_name;
use crate::walk::{operations_mut, OperationMut};
use serde_json::{json, Value};

/// What progenitor names the method of `id`: ids clash when these do.
fn snake(id: &str) -> String {
    method_name(id)
}

/// `text` (a path or a segment) as snake-case words for a new id: the word
/// breaks of [`method_name`], without the `_` it adds after a keyword or
/// before a digit, which the middle of an id does not need (`by_type`).
fn words(text: &str) -> String {
    if !text.chars().any(char::is_alphanumeric) {
        return String::new();
    }
    method_name(text).trim_matches('_').to_string()
}

fn from_path(method: &str, path: &str) -> String {
    format!("{method}_{}", words(&path.replace(['{', '}'], "")))
}

/// A suffix naming what `path` has that `first` does not.
fn suffix(first: &str, path: &str, method: &str, first_method: &str) -> String {
    let a: Vec<&str> = first.split('/').collect();
    let extra: Vec<&str> = path.split('/').skip_while(|s| a.contains(s)).collect();
    let words: Vec<String> = extra
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(param) => format!("by_{}", words(param)),
            None => words(s),
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
    for OperationMut { pointer: ptr, path, method, op } in operations_mut(doc) {
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
            "/x": {"get": {"operationId": "GetX"}, "put": {"operationId": "get_x"}},
            "/kinds": {"get": {"operationId": "kinds"}},
            "/kinds/{type}": {"get": {"operationId": "kinds"}},
            "/HTTPThings": {"get": {"operationId": "GetHTTPThings"}, "post": {"operationId": "get_http_things"}}
        }});
        let t = run_pass(run, &mut doc, &Config::default());
        let p = &doc["paths"];
        assert_eq!(p["/b/{businessId}/accounts"]["get"]["operationId"], "accounts.get");
        assert_eq!(p["/b/{businessId}/accounts/{accountId}"]["get"]["operationId"], "accounts.get_by_account_id");
        assert_eq!(p["/b/{businessId}/accounts/{accountId}"]["delete"]["operationId"], "delete_b_business_id_accounts_account_id");
        assert_eq!(p["/x"]["put"]["operationId"], "get_x_put");
        // A keyword segment reads as a word; acronyms break as progenitor
        // breaks them, so these two clash.
        assert_eq!(p["/kinds/{type}"]["get"]["operationId"], "kinds_by_type");
        assert_eq!(p["/HTTPThings"]["post"]["operationId"], "get_http_things_post");
        assert_eq!(t.rewrites, 5);
    }
}
