//! Strict mode: each request a stand-in receives, checked against its
//! operation in the crate's normalized document with a JSON Schema
//! validator (`jsonschema`), so that a test fails where the real API would
//! refuse the request.

use crate::vendor::Vendor;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::OnceLock;

/// One operation of a document, as the generated table lists it.
#[derive(Debug)]
pub struct OpSpec {
    /// progenitor's name for it (the client's method).
    pub name: &'static str,
    /// The method, upper case.
    pub method: &'static str,
    /// The path template.
    pub path: &'static str,
    /// The status of its success answer.
    pub status: u16,
}

/// One API's normalized document and operations, which a stand-in serves
/// and checks requests against.
pub struct Api {
    pub(crate) vendor: Vendor,
    pub(crate) text: &'static str,
    pub(crate) operations: &'static [OpSpec],
    compiled: OnceLock<Compiled>,
}

impl std::fmt::Debug for Api {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Api").field("vendor", &self.vendor).field("operations", &self.operations.len()).finish()
    }
}

struct Compiled {
    /// The document as JSON Schema 2020-12 reads it (`nullable` made a type).
    doc: &'static Value,
    /// The document as the one resource every validator's `$ref`s point
    /// into, indexed once: a validator compiles what its schema reaches and
    /// copies nothing else (with a copy of the components per validator, the
    /// whole documents' thousands of validators did not fit in 24 GiB).
    registry: &'static jsonschema::Registry<'static>,
    /// Keyed by (method, path template), as the generated table lists them;
    /// each operation's validators are compiled on its first request.
    checks: HashMap<(String, String), LazyCheck>,
}

/// Where an operation lives in the document, and its checks once compiled.
struct LazyCheck {
    path: String,
    method: String,
    check: OnceLock<OpCheck>,
}

struct ParamCheck {
    name: String,
    location: String,
    required: bool,
    kind: &'static str,
    validator: jsonschema::Validator,
}

struct OpCheck {
    params: Vec<ParamCheck>,
    /// Headers the client sets itself that the operation requires
    /// (`x-required-client-headers`: Monite's entity).
    client_headers: Vec<String>,
    /// Whether a body is required, and its validator.
    body: Option<(bool, jsonschema::Validator)>,
    /// The operation takes a body that is not JSON (bytes, a form): not
    /// checked.
    raw_body: bool,
    /// The JSON body of each documented answer, by status (`default` too).
    responses: Vec<(String, jsonschema::Validator)>,
}

/// A request's path parameters, (name, decoded value).
pub(crate) type PathParams = Vec<(String, String)>;

/// What a stand-in knows of one request, to check.
pub(crate) struct Incoming<'a> {
    pub path_params: &'a [(String, String)],
    pub query: &'a [(String, String)],
    pub headers: &'a http::HeaderMap,
    pub body: &'a [u8],
}

impl Api {
    pub(crate) const fn new(vendor: Vendor, text: &'static str, operations: &'static [OpSpec]) -> Self {
        Api { vendor, text, operations, compiled: OnceLock::new() }
    }

    fn compiled(&self) -> &Compiled {
        self.compiled.get_or_init(|| compile(self.text))
    }

    /// The checks of `op`, compiled on first use.
    fn op_check(&self, op: &OpSpec) -> Option<&OpCheck> {
        let compiled = self.compiled();
        let lazy = compiled.checks.get(&(op.method.to_string(), op.path.to_string()))?;
        Some(lazy.check.get_or_init(|| op_check(compiled, &lazy.path, &lazy.method)))
    }

    /// A validator of `schema` (a schema of this document, or one whose
    /// `$ref`s point into it).
    pub(crate) fn validator(&self, schema: &Value) -> jsonschema::Validator {
        let compiled = self.compiled();
        validator(schema, compiled.registry)
    }

    /// The document, as JSON Schema reads it.
    pub(crate) fn document(&self) -> &Value {
        self.compiled().doc
    }

    /// The operation `method path` (path without the base path) is, with
    /// its path parameters.
    pub(crate) fn find(&self, method: &str, path: &str) -> Option<(&'static OpSpec, PathParams)> {
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        // The operation, its path parameters, and how many literal segments it matched.
        let mut best: Option<(&'static OpSpec, PathParams, usize)> = None;
        for op in self.operations.iter().filter(|op| op.method.eq_ignore_ascii_case(method)) {
            let template: Vec<&str> = op.path.trim_start_matches('/').split('/').collect();
            if template.len() != segments.len() {
                continue;
            }
            let mut params = Vec::new();
            let mut literal = 0;
            let fits = template.iter().zip(&segments).all(|(t, s)| {
                if let Some(name) = t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                    let value = percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned();
                    params.push((name.to_string(), value));
                    !s.is_empty()
                } else {
                    literal += 1;
                    t == s
                }
            });
            // A literal segment beats a parameter (`/x/sync` over `/x/{id}`).
            if fits && best.as_ref().is_none_or(|(_, _, l)| literal > *l) {
                best = Some((op, params, literal));
            }
        }
        best.map(|(op, params, _)| (op, params))
    }

    /// Everything wrong with `body` as `op`'s answer with `status`, per the
    /// document (an answer the real API would not send), one line each.
    pub(crate) fn check_answer(&self, op: &OpSpec, status: u16, body: Option<&Value>) -> Vec<String> {
        let Some(check) = self.op_check(op) else { return vec![] };
        let status_text = status.to_string();
        let documented =
            check.responses.iter().find(|(s, _)| *s == status_text).or_else(|| check.responses.iter().find(|(s, _)| s == "default"));
        match (documented, body) {
            (Some((_, validator)), Some(body)) => validator
                .iter_errors(body)
                .map(|e| format!("{}: answer {status}{}: {e} (rule: {})", op.name, at(&e), e.kind().keyword()))
                .collect(),
            _ => vec![],
        }
    }

    /// Everything wrong with `request` for `operation`, one line each:
    /// the operation, the field and the rule.
    pub(crate) fn check(&self, op: &OpSpec, request: &Incoming<'_>) -> Vec<String> {
        let operation = op.name;
        let Some(check) = self.op_check(op) else { return vec![] };
        let mut problems = Vec::new();
        for name in &check.client_headers {
            if !request.headers.contains_key(name.as_str()) {
                problems.push(format!("{operation}: header `{name}`: missing (rule: {})", super::extensions::REQUIRED_CLIENT_HEADERS));
            }
        }
        for p in &check.params {
            let values: Vec<&str> = match p.location.as_str() {
                "path" => request.path_params.iter().filter(|(k, _)| *k == p.name).map(|(_, v)| v.as_str()).collect(),
                "query" => request.query.iter().filter(|(k, _)| *k == p.name).map(|(_, v)| v.as_str()).collect(),
                "header" => request.headers.get_all(p.name.as_str()).iter().filter_map(|v| v.to_str().ok()).collect(),
                _ => continue,
            };
            let field = format!("{} parameter `{}`", p.location, p.name);
            if values.is_empty() {
                if p.required {
                    problems.push(format!("{operation}: {field}: missing (rule: required)"));
                }
                continue;
            }
            let instance = if p.kind == "array" {
                Value::Array(values.iter().flat_map(|v| v.split(',')).map(|v| typed(v, "string")).collect())
            } else {
                typed(values[0], p.kind)
            };
            for e in p.validator.iter_errors(&instance) {
                problems.push(format!("{operation}: {field}{}: {e} (rule: {})", at(&e), e.kind().keyword()));
            }
        }
        match &check.body {
            Some((required, validator)) => {
                if request.body.is_empty() {
                    if *required {
                        problems.push(format!("{operation}: body: missing (rule: required)"));
                    }
                } else {
                    match serde_json::from_slice::<Value>(request.body) {
                        Ok(body) => {
                            for e in validator.iter_errors(&body) {
                                problems.push(format!("{operation}: body{}: {e} (rule: {})", at(&e), e.kind().keyword()));
                            }
                        }
                        Err(e) => problems.push(format!("{operation}: body: not JSON: {e} (rule: content type)")),
                    }
                }
            }
            None if !request.body.is_empty() && !check.raw_body => {
                problems.push(format!("{operation}: body: the operation takes none (rule: requestBody)"))
            }
            None => {}
        }
        problems
    }
}

/// ` at /path` for an error inside a value.
fn at(e: &jsonschema::ValidationError<'_>) -> String {
    let path = e.instance_path().as_str().to_string();
    if path.is_empty() {
        String::new()
    } else {
        format!(" at {path}")
    }
}

/// A parameter's text as the JSON value of its schema's type (left a
/// string when it does not parse, so that the type check reports it).
fn typed(text: &str, kind: &str) -> Value {
    let parsed = match kind {
        "integer" | "number" => serde_json::from_str::<serde_json::Number>(text).ok().map(Value::Number),
        "boolean" => text.parse::<bool>().ok().map(Value::Bool),
        _ => None,
    };
    parsed.unwrap_or_else(|| Value::String(text.to_string()))
}

/// The JSON type a (possibly referenced or wrapped) schema has.
fn kind<'a>(schema: &'a Value, doc: &'a Value) -> &'static str {
    let mut schema = schema;
    for _ in 0..8 {
        if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            match doc.pointer(r.trim_start_matches('#')) {
                Some(s) => schema = s,
                None => break,
            }
            continue;
        }
        if let Some(first) = ["allOf", "anyOf", "oneOf"].iter().find_map(|k| schema.get(*k)?.as_array()?.first()) {
            schema = first;
            continue;
        }
        break;
    }
    let ty = match schema.get("type") {
        Some(Value::Array(types)) => types.iter().filter_map(Value::as_str).find(|t| *t != "null"),
        Some(t) => t.as_str(),
        None => None,
    };
    match ty {
        Some("integer") => "integer",
        Some("number") => "number",
        Some("boolean") => "boolean",
        Some("array") => "array",
        Some("object") => "object",
        _ => "string",
    }
}

/// OpenAPI 3.0 schema keywords that JSON Schema 2020-12 reads otherwise:
/// `nullable` becomes `null` among the types, boolean exclusive bounds
/// numbers.
fn to_json_schema(value: &mut Value) {
    match value {
        Value::Object(m) => {
            m.values_mut().for_each(to_json_schema);
            if m.remove("nullable") == Some(Value::Bool(true)) {
                match m.get_mut("type") {
                    Some(Value::String(t)) => {
                        let t = std::mem::take(t);
                        m.insert("type".into(), json!([t, "null"]));
                        if let Some(Value::Array(values)) = m.get_mut("enum") {
                            values.push(Value::Null);
                        }
                    }
                    _ => {
                        let inner = std::mem::take(m);
                        m.insert("anyOf".into(), json!([Value::Object(inner), {"type": "null"}]));
                    }
                }
            }
            for (flag, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
                if let Some(Value::Bool(exclusive)) = m.get(flag).cloned() {
                    m.remove(flag);
                    if exclusive {
                        if let Some(b) = m.remove(bound) {
                            m.insert(flag.into(), b);
                        }
                    }
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(to_json_schema),
        _ => {}
    }
}

/// The URI the document is registered under; a schema's `#/…` references
/// are made absolute with it.
const DOCUMENT_URI: &str = "urn:accounting-sync:document";

/// A validator of `schema`, whose `$ref`s point into the document of
/// `registry`.
fn validator(schema: &Value, registry: &jsonschema::Registry<'_>) -> jsonschema::Validator {
    let mut schema = schema.clone();
    absolute_refs(&mut schema);
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .with_registry(registry)
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|e| panic!("a schema of the normalized document does not compile: {e}"))
}

/// A validator of a schema that refers to no document.
#[cfg(test)]
pub(crate) fn standalone_validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(schema)
        .unwrap_or_else(|e| panic!("the schema does not compile: {e}"))
}

/// `#/components/…` references made `urn:…#/components/…`: a schema compiled
/// on its own reads them in the registered document.
fn absolute_refs(value: &mut Value) {
    match value {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get_mut("$ref") {
                if r.starts_with('#') {
                    *r = format!("{DOCUMENT_URI}{r}");
                }
            }
            m.values_mut().for_each(absolute_refs);
        }
        Value::Array(a) => a.iter_mut().for_each(absolute_refs),
        _ => {}
    }
}

fn compile(text: &str) -> Compiled {
    let mut doc: Value = serde_json::from_str(text).expect("the embedded normalized document is JSON");
    if let Some(components) = doc.get_mut("components") {
        to_json_schema(components);
    }
    if let Some(paths) = doc.get_mut("paths") {
        to_json_schema(paths);
    }
    // Kept for the life of the process, as the `Api` statics that own them
    // are: the registry borrows the document.
    let doc: &'static Value = Box::leak(Box::new(doc));
    let registry = jsonschema::Registry::new()
        .draft(jsonschema::Draft::Draft202012)
        .add(DOCUMENT_URI, doc)
        .and_then(|r| r.prepare())
        .unwrap_or_else(|e| panic!("the normalized document does not index as JSON Schema: {e}"));
    let registry: &'static jsonschema::Registry<'static> = Box::leak(Box::new(registry));
    let mut checks = HashMap::new();
    for (path, item) in doc.get("paths").and_then(Value::as_object).into_iter().flatten() {
        for method in item.as_object().into_iter().flatten().map(|(m, _)| m) {
            if matches!(method.as_str(), "get" | "put" | "post" | "delete" | "patch" | "head" | "options" | "trace") {
                let lazy = LazyCheck { path: path.clone(), method: method.clone(), check: OnceLock::new() };
                checks.insert((method.to_uppercase(), path.clone()), lazy);
            }
        }
    }
    Compiled { doc, registry, checks }
}

/// The parameter, body and answer checks of the operation `method` of
/// `path` in the compiled document.
fn op_check(compiled: &Compiled, path: &str, method: &str) -> OpCheck {
    let doc = compiled.doc;
    let validator = |schema: &Value| validator(schema, compiled.registry);
    let deref = |v: &Value| -> Value {
        match v.get("$ref").and_then(Value::as_str) {
            Some(r) => doc.pointer(r.trim_start_matches('#')).cloned().unwrap_or(Value::Null),
            None => v.clone(),
        }
    };
    let item = &doc["paths"][path];
    let op = &item[method];
    let shared = item.get("parameters").and_then(Value::as_array).cloned().unwrap_or_default();
    let own = op.get("parameters").and_then(Value::as_array).cloned().unwrap_or_default();
    let params = shared
        .iter()
        .chain(&own)
        .map(deref)
        .filter_map(|p| {
            let schema = p.get("schema")?;
            let location = p.get("in")?.as_str()?.to_string();
            let name = p.get("name")?.as_str()?;
            // Header names are matched case-insensitively: kept lower case.
            let name = if location == "header" { name.to_ascii_lowercase() } else { name.to_string() };
            Some(ParamCheck {
                name,
                location,
                required: p.get("required").and_then(Value::as_bool).unwrap_or(false),
                kind: kind(schema, doc),
                validator: validator(schema),
            })
        })
        .collect();
    let body = op.get("requestBody").map(deref).and_then(|b| {
        let schema = b.pointer("/content/application~1json/schema")?;
        Some((b.get("required").and_then(Value::as_bool).unwrap_or(false), validator(schema)))
    });
    let raw_body = op.get("requestBody").is_some() && body.is_none();
    let client_headers = op
        .get(super::extensions::REQUIRED_CLIENT_HEADERS)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_ascii_lowercase)
        .collect();
    let responses = op
        .get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(status, r)| {
            let schema = deref(r).pointer("/content/application~1json/schema")?.clone();
            Some((status.clone(), validator(&schema)))
        })
        .collect();
    OpCheck { params, client_headers, body, raw_body, responses }
}
