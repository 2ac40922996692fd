//! Overlays (OpenAPI Overlay 1.0): our repairs of a vendor's defects, kept
//! in our own files beside the vendor's document (`specs/<api>/overlay.yaml`)
//! and applied wherever that document is read (refresh, `normalize
//! --source --overlay`, corpus, sweep), so no repair is made by hand and
//! each says why.
//!
//! An action's `target` is a JSONPath (RFC 9535) selecting objects or
//! arrays; `update` is merged into each selected object (objects merged
//! key by key, recursively; any other value replaces) or appended to each
//! selected array; `remove: true` removes each selected node. Our rule on
//! top of the specification: every action has a `description`, the reason.
//! An action that selects nothing is reported, not an error: the vendor
//! may have fixed the defect, and the maintainer should drop the action.
//!
//! `x-not-repaired` (our extension) lists the operations the sweep still
//! finds not ok, and why their cause is left as it is.

use anyhow::{anyhow, bail, Context, Result};
use serde::Serialize;
use serde_json::{Map, Value};
use serde_json_path::JsonPath;
use spec_files::ApiSpec;
use std::fmt;
use std::path::Path;

/// One repair.
#[derive(Debug, Clone)]
pub struct Action {
    pub target: String,
    path: JsonPath,
    /// Why: the vendor's defect this repairs.
    pub description: String,
    pub update: Option<Value>,
    pub remove: bool,
}

/// Operations a sweep of the vendor's document is known to find not ok,
/// and why the cause is not repaired (a mock server's limitation, a defect
/// we chose not to repair): the overlay's `x-not-repaired` list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotRepaired {
    /// operationIds.
    pub operations: Vec<String>,
    pub why: String,
}

/// An overlay document, checked.
#[derive(Debug, Clone)]
pub struct Overlay {
    /// Where it was read from, for messages.
    pub origin: String,
    pub title: String,
    pub actions: Vec<Action>,
    pub not_repaired: Vec<NotRepaired>,
}

/// What applying an overlay did.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Applied {
    pub origin: String,
    /// Actions in the overlay.
    pub actions: usize,
    /// Nodes updated or removed, all actions together.
    pub nodes: usize,
    /// Actions that selected nothing: `target: description`.
    pub unmatched: Vec<String>,
}

impl fmt::Display for Applied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "  overlay {}: {} actions applied, {} places repaired", self.origin, self.actions - self.unmatched.len(), self.nodes)?;
        for u in &self.unmatched {
            writeln!(f, "      selected nothing (fixed upstream? drop the action): {u}")?;
        }
        Ok(())
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl Overlay {
    /// Checks an overlay document read from `origin`.
    pub fn parse(doc: &Value, origin: &str) -> Result<Overlay> {
        let version =
            doc.get("overlay").and_then(Value::as_str).ok_or_else(|| anyhow!("{origin}: not an overlay (no `overlay: 1.0.x`)"))?;
        if !version.starts_with("1.0.") {
            bail!("{origin}: overlay version {version}: only 1.0.x is supported");
        }
        let title = doc.pointer("/info/title").and_then(Value::as_str).ok_or_else(|| anyhow!("{origin}: info.title is required"))?;
        if doc.pointer("/info/version").and_then(Value::as_str).is_none() {
            bail!("{origin}: info.version is required");
        }
        let raw = doc.get("actions").and_then(Value::as_array).filter(|a| !a.is_empty());
        let raw = raw.ok_or_else(|| anyhow!("{origin}: `actions` must be a list of at least one action"))?;
        let actions =
            raw.iter().enumerate().map(|(i, a)| action(a).with_context(|| format!("{origin}: action {}", i + 1))).collect::<Result<_>>()?;
        let not_repaired = match doc.get("x-not-repaired") {
            None => Vec::new(),
            Some(Value::Array(entries)) => entries
                .iter()
                .enumerate()
                .map(|(i, e)| not_repaired(e).with_context(|| format!("{origin}: x-not-repaired entry {}", i + 1)))
                .collect::<Result<_>>()?,
            Some(other) => bail!("{origin}: x-not-repaired must be a list, not {}", kind(other)),
        };
        Ok(Overlay { origin: origin.to_string(), title: title.to_string(), actions, not_repaired })
    }

    /// Reads and checks the overlay file at `path`.
    pub fn read(path: &Path) -> Result<Overlay> {
        Overlay::parse(&crate::document::read(path)?, &path.display().to_string())
    }

    /// The overlay of `api` (`specs/<api>/overlay.yaml`), when it has one.
    pub fn for_api(api: &ApiSpec) -> Result<Option<Overlay>> {
        let path = api.overlay();
        if path.is_file() {
            Overlay::read(&path).map(Some)
        } else {
            Ok(None)
        }
    }

    /// Applies every action, in order.
    pub fn apply(&self, doc: &mut Value) -> Result<Applied> {
        let mut applied = Applied { origin: self.origin.clone(), actions: self.actions.len(), ..Applied::default() };
        for (i, a) in self.actions.iter().enumerate() {
            let mut pointers: Vec<String> = a.path.query_located(doc).locations().map(|l| l.to_json_pointer()).collect();
            if pointers.is_empty() {
                applied.unmatched.push(format!("{}: {}", a.target, a.description));
                continue;
            }
            applied.nodes += pointers.len();
            let at = |p: &str| format!("{}: action {} ({}) at {p}", self.origin, i + 1, a.target);
            if a.remove {
                // Later siblings first, so earlier indices stay valid.
                pointers.sort_by_key(|p| std::cmp::Reverse(index_key(p)));
                for p in &pointers {
                    remove(doc, p).with_context(|| at(p))?;
                }
            } else if let Some(update) = &a.update {
                for p in &pointers {
                    let node = doc.pointer_mut(p).ok_or_else(|| anyhow!("{}: gone", at(p)))?;
                    match (node, update) {
                        (Value::Object(target), Value::Object(with)) => merge(target, with),
                        (Value::Array(items), item) => items.push(item.clone()),
                        (node, _) => bail!("{}: selects {}, and update needs an object (for an object) or an array", at(p), kind(node)),
                    }
                }
            }
        }
        Ok(applied)
    }
}

/// The pointer's segments with array indices as numbers, for ordering.
fn index_key(pointer: &str) -> Vec<(u64, String)> {
    pointer.split('/').map(|s| s.parse::<u64>().map_or((0, s.to_string()), |n| (n, String::new()))).collect()
}

fn remove(doc: &mut Value, pointer: &str) -> Result<()> {
    let (parent, key) = pointer.rsplit_once('/').ok_or_else(|| anyhow!("the whole document cannot be removed"))?;
    let key = key.replace("~1", "/").replace("~0", "~");
    match doc.pointer_mut(parent) {
        Some(Value::Object(m)) => {
            m.shift_remove(&key);
        }
        Some(Value::Array(items)) => {
            let i: usize = key.parse()?;
            if i < items.len() {
                items.remove(i);
            }
        }
        _ => bail!("no parent at {parent}"),
    }
    Ok(())
}

fn merge(target: &mut Map<String, Value>, with: &Map<String, Value>) {
    for (k, v) in with {
        match (target.get_mut(k), v) {
            (Some(Value::Object(t)), Value::Object(w)) => merge(t, w),
            _ => {
                target.insert(k.clone(), v.clone());
            }
        }
    }
}

fn not_repaired(e: &Value) -> Result<NotRepaired> {
    let operations: Vec<String> =
        e.get("operations").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(str::to_string).collect();
    if operations.is_empty() {
        bail!("`operations` must list at least one operationId");
    }
    let why = e.get("why").and_then(Value::as_str).filter(|w| !w.trim().is_empty()).ok_or_else(|| anyhow!("`why` is required"))?;
    Ok(NotRepaired { operations, why: why.to_string() })
}

fn action(a: &Value) -> Result<Action> {
    let target = a.get("target").and_then(Value::as_str).ok_or_else(|| anyhow!("`target` (a JSONPath) is required"))?;
    let path = JsonPath::parse(target).map_err(|e| anyhow!("target {target:?} is not a JSONPath: {e}"))?;
    let description = a.get("description").and_then(Value::as_str).filter(|d| !d.trim().is_empty());
    let description = description.ok_or_else(|| anyhow!("target {target}: a `description` saying why is required"))?;
    let remove = match a.get("remove") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => bail!("target {target}: remove must be true or false, not {}", kind(other)),
    };
    let update = a.get("update").cloned();
    if update.is_none() && !remove {
        bail!("target {target}: an action needs `update` or `remove: true`");
    }
    Ok(Action { target: target.to_string(), path, description: description.to_string(), update, remove })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn overlay(actions: Value) -> Result<Overlay> {
        Overlay::parse(&json!({"overlay": "1.0.0", "info": {"title": "repairs", "version": "1"}, "actions": actions}), "test.yaml")
    }

    fn doc() -> Value {
        json!({"components": {"schemas": {
            "Note": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string", "format": "uuid", "example": "a1b2-g7h8"}}},
            "Other": {"type": "object", "properties": {"id": {"type": "string", "format": "uuid", "example": "a1b2-g7h8"}}},
            "Payload": {"type": "object", "additionalProperties": false, "properties": {}}
        }}, "tags": [{"name": "a"}, {"name": "b"}, {"name": "c"}]})
    }

    #[test]
    fn updates_merge_append_and_removals_remove() {
        let o = overlay(json!([
            {"target": "$.components.schemas.*.properties[?@.example == 'a1b2-g7h8']", "description": "not a uuid",
             "update": {"example": "a1b2c3d4-0000-4000-8000-000000000001"}},
            {"target": "$.components.schemas.Note.required", "description": "created_at is always sent", "update": "created_at"},
            {"target": "$.components.schemas.Payload.additionalProperties", "description": "forbids every field", "remove": true},
            {"target": "$.tags[?@.name != 'b']", "description": "two at once", "remove": true},
            {"target": "$.components.schemas.Gone", "description": "fixed upstream", "remove": true}
        ]))
        .unwrap();
        let mut d = doc();
        let applied = o.apply(&mut d).unwrap();
        assert_eq!(d["components"]["schemas"]["Note"]["properties"]["id"]["example"], "a1b2c3d4-0000-4000-8000-000000000001");
        assert_eq!(d["components"]["schemas"]["Other"]["properties"]["id"]["example"], "a1b2c3d4-0000-4000-8000-000000000001");
        assert_eq!(d["components"]["schemas"]["Note"]["properties"]["id"]["format"], "uuid", "merged, not replaced");
        assert_eq!(d["components"]["schemas"]["Note"]["required"], json!(["id", "created_at"]));
        assert!(d["components"]["schemas"]["Payload"].get("additionalProperties").is_none());
        assert_eq!(d["tags"], json!([{"name": "b"}]));
        assert_eq!((applied.actions, applied.nodes), (5, 2 + 1 + 1 + 2));
        assert_eq!(applied.unmatched, ["$.components.schemas.Gone: fixed upstream"]);
        assert!(applied.to_string().contains("4 actions applied, 6 places repaired"), "{applied}");
    }

    #[test]
    fn bad_overlays_say_what_is_wrong() {
        for (actions, words) in [
            (json!([]), "at least one action"),
            (json!([{"target": "$.a", "update": {}}]), "`description` saying why"),
            (json!([{"target": "$[", "description": "d", "update": {}}]), "not a JSONPath"),
            (json!([{"target": "$.a", "description": "d"}]), "`update` or `remove: true`"),
            (json!([{"target": "$.a", "description": "d", "remove": "yes"}]), "remove must be true or false"),
        ] {
            let err = format!("{:#}", overlay(actions).unwrap_err());
            assert!(err.contains(words), "{err}");
        }
        let known = Overlay::parse(
            &json!({"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": [{"target": "$.a", "description": "d", "remove": true}],
                    "x-not-repaired": [{"operations": ["PostPlan", "PutPlan"], "why": "the mock's limit"}]}),
            "k.yaml",
        )
        .unwrap();
        assert_eq!(
            known.not_repaired,
            [NotRepaired { operations: vec!["PostPlan".into(), "PutPlan".into()], why: "the mock's limit".into() }]
        );
        let no_why = json!({"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": [{"target": "$.a", "description": "d", "remove": true}],
                            "x-not-repaired": [{"operations": ["PostPlan"]}]});
        assert!(format!("{:#}", Overlay::parse(&no_why, "k.yaml").unwrap_err()).contains("`why` is required"));
        let not_overlay = Overlay::parse(&json!({"openapi": "3.1.0"}), "x.yaml").unwrap_err();
        assert!(not_overlay.to_string().contains("not an overlay"));
        // An update aimed at a string is refused with its place.
        let o = overlay(json!([{"target": "$.components.schemas.Note.type", "description": "d", "update": {"x": 1}}])).unwrap();
        let err = format!("{:#}", o.apply(&mut doc()).unwrap_err());
        assert!(err.contains("/components/schemas/Note/type") && err.contains("selects a string"), "{err}");
    }
}
