//! Facts only: a vendor's whole document reduced to what may be committed
//! under `specs/` (paths, methods, operation ids, parameters, schemas,
//! property names, types, formats, enums, constraints), its prose dropped.
//!
//! - [`strip`] drops every description, summary, example and the other
//!   prose-only keywords (`externalDocs`, code samples, contact, terms,
//!   logos), structurally: a property *named* `description` stays.
//! - [`describe`] writes text generated from the structure where OpenAPI
//!   needs text or a reader wants it: every operation (what it takes, what it
//!   returns, its errors, its paging) and every response (which OpenAPI
//!   requires to have a description).
//! - [`keep_our_words`] puts back the words we wrote ourselves, from our own
//!   `specs/<api>/source.*`, on the operations and schemas both documents
//!   have.
//! - [`sentences`] and [`copied_sentences`]: the check that no description
//!   sentence of a vendor document appears in what we commit.

use crate::refs::{body_schema, deref};
use crate::walk::operations;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// Keywords that hold prose or sample values only, dropped wherever they are
/// keywords (not property or map names).
const PROSE: &[&str] = &[
    "description",
    "summary",
    "example",
    "examples",
    "externalDocs",
    "x-codeSamples",
    "x-code-samples",
    "x-logo",
    "x-tagGroups",
    "x-summary",
    "x-displayName",
    "x-enumDescriptions",
    "contact",
    "termsOfService",
];

/// Keywords whose value maps names (chosen by the vendor) to objects with
/// keywords: the names are kept whatever they are.
const NAME_MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "paths",
    "webhooks",
    "responses",
    "content",
    "headers",
    "encoding",
    "callbacks",
    "links",
    "variables",
    "$defs",
    "definitions",
    "dependentSchemas",
];

/// Keywords whose value is data, never read for prose: enum values,
/// constants, defaults, discriminator mappings.
const LITERALS: &[&str] = &["enum", "const", "default", "mapping", "required", "security"];

/// What [`strip`], [`describe`] and [`keep_our_words`] did, for the report.
/// Every count is a lossy rewrite: vendor text left out of the document.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct Stripped {
    /// `description` keywords dropped.
    pub descriptions: usize,
    /// `summary` keywords dropped.
    pub summaries: usize,
    /// `example` and `examples` keywords dropped.
    pub examples: usize,
    /// Other prose keywords dropped (code samples, external docs, contact…).
    pub other: usize,
    /// OAuth scope descriptions replaced by the scope's name.
    pub scopes: usize,
    /// `default` values dropped because they hold prose.
    pub defaults: usize,
    /// Operations and responses given a generated description.
    pub generated: usize,
    /// Texts of ours put back from our own document.
    pub ours: usize,
    /// Formats the document's own examples break, dropped before the
    /// examples go (`normalize::example_formats`), one note each.
    pub formats: Vec<String>,
}

/// Drops every prose keyword of `doc` (see [`PROSE`]).
pub fn strip(doc: &mut Value) -> Stripped {
    let mut counts = Stripped::default();
    if let Some(root) = doc.as_object_mut() {
        if let Some(Value::Object(components)) = root.get_mut("components") {
            for (kind, entries) in components.iter_mut() {
                if let Value::Object(entries) = entries {
                    for entry in entries.values_mut() {
                        keywords(entry, &mut counts);
                    }
                } else if kind.starts_with("x-") {
                    keywords(entries, &mut counts);
                }
            }
        }
        let components = root.remove("components");
        keywords_of(root, &mut counts);
        if let Some(components) = components {
            root.insert("components".into(), components);
        }
    }
    counts
}

/// An object of keywords (a schema, an operation, a parameter…).
fn keywords(value: &mut Value, counts: &mut Stripped) {
    match value {
        Value::Object(m) => keywords_of(m, counts),
        Value::Array(items) => items.iter_mut().for_each(|v| keywords(v, counts)),
        _ => {}
    }
}

fn keywords_of(m: &mut Map<String, Value>, counts: &mut Stripped) {
    m.retain(|key, _| {
        let prose = PROSE.contains(&key.as_str());
        if prose {
            match key.as_str() {
                "description" => counts.descriptions += 1,
                "summary" => counts.summaries += 1,
                "example" | "examples" => counts.examples += 1,
                _ => counts.other += 1,
            }
        }
        !prose
    });
    // A default that holds prose (Monite's object defaults carry field
    // descriptions as data) goes too: the field decodes as optional.
    m.retain(|key, value| {
        let prose = key == "default" && {
            let mut texts = Vec::new();
            strings(value, &mut texts);
            texts.iter().any(|t| sentences(t).next().is_some())
        };
        counts.defaults += usize::from(prose);
        !prose
    });
    for (key, value) in m.iter_mut() {
        if LITERALS.contains(&key.as_str()) {
            continue;
        }
        if key == "scopes" {
            // OAuth flows: scope name → its description.
            if let Value::Object(scopes) = value {
                for (name, text) in scopes.iter_mut() {
                    *text = Value::String(name.clone());
                    counts.scopes += 1;
                }
            }
            continue;
        }
        if NAME_MAPS.contains(&key.as_str()) {
            if let Value::Object(names) = value {
                names.values_mut().for_each(|v| keywords(v, counts));
                continue;
            }
        }
        keywords(value, counts);
    }
}

/// The name of the component a `$ref` names, in backticks; a short word for
/// an inline schema.
fn schema_words(schema: &Value) -> String {
    if let Some(name) = schema.get("$ref").and_then(Value::as_str).and_then(|r| r.rsplit('/').next()) {
        return format!("`{}`", crate::refs::unescape(name));
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("array") => match schema.get("items") {
            Some(items) => format!("a list of {}", schema_words(items)),
            None => "a list".into(),
        },
        Some("string") if schema.get("format").and_then(Value::as_str) == Some("binary") => "bytes".into(),
        Some(t) => format!("a `{t}`"),
        None if schema.get("allOf").is_some() || schema.get("oneOf").is_some() || schema.get("anyOf").is_some() => {
            "a composed object".into()
        }
        None => "a value".into(),
    }
}

/// What one response carries, in words: `` `Customer` `` or `no body`.
fn response_words(doc: &Value, response: &Value) -> String {
    match body_schema(doc, response) {
        Some(schema) => schema_words(schema),
        None => "no body".into(),
    }
}

/// Gives every operation and every response a description generated from
/// its structure (those without one: run after [`strip`]).
pub fn describe(doc: &mut Value) -> Stripped {
    let mut counts = Stripped::default();
    // Responses first: OpenAPI requires their description.
    let mut response_texts = Vec::new();
    if let Some(Value::Object(responses)) = doc.pointer("/components/responses") {
        for (name, response) in responses {
            response_texts.push((
                format!("/components/responses/{}", crate::refs::escape(name)),
                format!("The `{name}` response: {}.", response_words(doc, response)),
            ));
        }
    }
    let mut operation_texts = Vec::new();
    for op in operations(doc) {
        let ptr = op.pointer.clone();
        if let Some(Value::Object(responses)) = op.op.get("responses") {
            for (status, response) in responses {
                if response.get("$ref").is_none() && response.get("description").is_none() {
                    response_texts.push((
                        format!("{ptr}/responses/{}", crate::refs::escape(status)),
                        format!("{status}: {}.", response_words(doc, response)),
                    ));
                }
            }
        }
        if op.op.get("description").is_none() && op.op.get("summary").is_none() {
            operation_texts.push((ptr, operation_words(doc, &op)));
        }
    }
    // Responses elsewhere (a callback's operations): OpenAPI requires their
    // description as well.
    fn nested(doc: &Value, v: &Value, ptr: &str, out: &mut Vec<(String, String)>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    let at = format!("{ptr}/{}", crate::refs::escape(k));
                    if k == "callbacks" {
                        callbacks(doc, x, &at, out);
                    } else if !matches!(k.as_str(), "enum" | "const" | "default") {
                        nested(doc, x, &at, out);
                    }
                }
            }
            Value::Array(a) => a.iter().enumerate().for_each(|(i, x)| nested(doc, x, &format!("{ptr}/{i}"), out)),
            _ => {}
        }
    }
    fn callbacks(doc: &Value, v: &Value, ptr: &str, out: &mut Vec<(String, String)>) {
        // callbacks → name → expression → path item → method → responses.
        for (name, expressions) in v.as_object().into_iter().flatten() {
            for (expression, item) in expressions.as_object().into_iter().flatten() {
                for (method, op) in item.as_object().into_iter().flatten() {
                    let at =
                        format!("{ptr}/{}/{}/{}", crate::refs::escape(name), crate::refs::escape(expression), crate::refs::escape(method));
                    for (status, response) in op.get("responses").and_then(Value::as_object).into_iter().flatten() {
                        if response.get("$ref").is_none() && response.get("description").is_none() {
                            out.push((
                                format!("{at}/responses/{}", crate::refs::escape(status)),
                                format!("{status}: {}.", response_words(doc, response)),
                            ));
                        }
                    }
                }
            }
        }
    }
    nested(doc, doc.get("paths").unwrap_or(&Value::Null), "/paths", &mut response_texts);
    for (ptr, text) in response_texts.into_iter().chain(operation_texts) {
        if let Some(Value::Object(target)) = doc.pointer_mut(&ptr) {
            if !target.contains_key("description") {
                target.insert("description".into(), Value::String(text));
                counts.generated += 1;
            }
        }
    }
    counts
}

/// What an operation takes, returns and fails with, and how it pages.
fn operation_words(doc: &Value, op: &crate::walk::Operation<'_>) -> String {
    let mut text = format!("`{} {}`.", op.method.to_uppercase(), op.path);
    let mut by_place: Vec<(String, Vec<String>)> = Vec::new();
    let mut names = BTreeSet::new();
    for p in op.parameters(doc) {
        let p = deref(doc, p);
        let (Some(name), Some(place)) = (p.get("name").and_then(Value::as_str), p.get("in").and_then(Value::as_str)) else { continue };
        names.insert(name.to_string());
        let required = p.get("required").and_then(Value::as_bool).unwrap_or(false);
        let word = if required { format!("`{name}`") } else { format!("`{name}` (optional)") };
        match by_place.iter_mut().find(|(pl, _)| pl == place) {
            Some((_, list)) => list.push(word),
            None => by_place.push((place.to_string(), vec![word])),
        }
    }
    let mut takes: Vec<String> = by_place.into_iter().map(|(place, list)| format!("{place} {}", list.join(", "))).collect();
    if let Some(body) = op.request_body() {
        let schema = body_schema(doc, body).map(schema_words).unwrap_or_else(|| "a body".into());
        takes.push(format!("a body: {schema}"));
    }
    if !takes.is_empty() {
        text.push_str(&format!(" Takes {}.", takes.join("; ")));
    }
    let mut returns = Vec::new();
    let mut errors = Vec::new();
    let mut total_header = false;
    let mut next_token = false;
    if let Some(Value::Object(responses)) = op.op.get("responses") {
        for (status, response) in responses {
            let words = response_words(doc, response);
            if status.starts_with('2') {
                returns.push(format!("{words} ({status})"));
                let resolved = deref(doc, response);
                total_header |= resolved
                    .get("headers")
                    .and_then(Value::as_object)
                    .is_some_and(|h| h.keys().any(|k| k.eq_ignore_ascii_case("Pagination-Total")));
                if let Some(schema) = body_schema(doc, response) {
                    next_token |= deref(doc, schema)
                        .get("properties")
                        .and_then(Value::as_object)
                        .is_some_and(|p| p.contains_key("next_pagination_token"));
                }
            } else {
                errors.push(if words == "no body" { status.clone() } else { format!("{status} {words}") });
            }
        }
    }
    if !returns.is_empty() {
        text.push_str(&format!(" Returns {}.", returns.join(" or ")));
    }
    if !errors.is_empty() {
        text.push_str(&format!(" Errors: {}.", errors.join(", ")));
    }
    if names.contains("limit") && names.contains("offset") {
        text.push_str(" Paged by `limit` and `offset`");
        text.push_str(if total_header { ", the total in `Pagination-Total`." } else { "." });
    } else if names.contains("pagination_token") && next_token {
        text.push_str(" Paged by cursor: `pagination_token` takes the last page's `next_pagination_token`.");
    }
    text
}

/// Puts back the words of `ours` (our own document, in the vendor's
/// dialect): an operation's summary and description, its parameters' and
/// responses', matched by operation id (else method and path); a component
/// schema's description and its properties', matched by name.
pub fn keep_our_words(doc: &mut Value, ours: &Value) -> Stripped {
    let mut counts = Stripped::default();
    let copy = |from: &Value, to: &mut Value, counts: &mut Stripped| {
        for key in ["summary", "description"] {
            if let (Some(text), Value::Object(to)) = (from.get(key), &mut *to) {
                to.insert(key.into(), text.clone());
                counts.ours += 1;
            }
        }
    };
    for theirs in operations(ours) {
        let target = operations(doc)
            .into_iter()
            .find(|op| op.id().is_some() && op.id() == theirs.id())
            .or_else(|| operations(doc).into_iter().find(|op| op.path == theirs.path && op.method == theirs.method))
            .map(|op| op.pointer);
        let Some(ptr) = target else { continue };
        let Some(op) = doc.pointer_mut(&ptr) else { continue };
        copy(&Value::Object(theirs.op.clone()), op, &mut counts);
        for p in theirs.op.get("parameters").and_then(Value::as_array).into_iter().flatten() {
            let p = deref(ours, p);
            let key = (p.get("name"), p.get("in"));
            let Some(Value::Array(params)) = op.get_mut("parameters") else { continue };
            if let Some(mine) = params.iter_mut().find(|q| (q.get("name"), q.get("in")) == key) {
                copy(p, mine, &mut counts);
            }
        }
        for (status, response) in theirs.op.get("responses").and_then(Value::as_object).into_iter().flatten() {
            if let Some(mine) = op.pointer_mut(&format!("/responses/{}", crate::refs::escape(status))) {
                if mine.get("$ref").is_none() && response.get("$ref").is_none() {
                    copy(response, mine, &mut counts);
                }
            }
        }
    }
    if let (Some(Value::Object(our_schemas)), Some(Value::Object(schemas))) =
        (ours.pointer("/components/schemas").cloned(), doc.pointer_mut("/components/schemas"))
    {
        for (name, schema) in &our_schemas {
            let Some(mine) = schemas.get_mut(name) else { continue };
            copy(schema, mine, &mut counts);
            for (prop, from) in schema.get("properties").and_then(Value::as_object).into_iter().flatten() {
                if let Some(to) = mine.get_mut("properties").and_then(|p| p.get_mut(prop)) {
                    if to.get("$ref").is_none() {
                        copy(from, to, &mut counts);
                    }
                }
            }
        }
    }
    counts
}

impl std::ops::AddAssign for Stripped {
    fn add_assign(&mut self, o: Stripped) {
        self.descriptions += o.descriptions;
        self.summaries += o.summaries;
        self.examples += o.examples;
        self.other += o.other;
        self.scopes += o.scopes;
        self.defaults += o.defaults;
        self.generated += o.generated;
        self.ours += o.ours;
        self.formats.extend(o.formats);
    }
}

impl std::fmt::Display for Stripped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "  prose dropped (lossy): {} descriptions, {} summaries, {} examples, {} other (code samples, external docs, contact…), {} scope descriptions, {} defaults holding prose",
            self.descriptions, self.summaries, self.examples, self.other, self.scopes, self.defaults
        )?;
        writeln!(f, "  generated from the structure: {} descriptions; our own words kept: {} texts", self.generated, self.ours)?;
        writeln!(f, "  formats the document's own examples break, dropped (lossy): {}", self.formats.len())?;
        self.formats.iter().try_for_each(|note| writeln!(f, "    {note}"))
    }
}

/// The shortest sentence compared, in words: shorter ones ("The customer
/// ID.") are what anyone would write, not a copy.
pub const MIN_WORDS: usize = 6;

/// A text's sentences (paragraphs split at `.!?;:`; a line break alone does
/// not end one) of at least [`MIN_WORDS`] words, normalized (lower
/// case, whitespace collapsed, Markdown emphasis and final punctuation
/// dropped) so that reflowed or re-cased copies still compare equal.
pub fn sentences(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split("\n\n").flat_map(|p| p.split(['.', '!', '?', ';', ':'])).filter_map(|s| {
        let words: Vec<String> = s
            .split_whitespace()
            .map(|w| w.trim_matches(|c: char| matches!(c, '*' | '_' | '`' | '"' | '\'' | '(' | ')' | ',')).to_lowercase())
            .filter(|w| !w.is_empty())
            .collect();
        (words.len() >= MIN_WORDS).then(|| words.join(" "))
    })
}

/// Every description and summary sentence of a vendor document.
pub fn vendor_sentences(doc: &Value) -> BTreeSet<String> {
    fn walk(v: &Value, out: &mut BTreeSet<String>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    if let (true, Value::String(s)) = (PROSE.contains(&k.as_str()), v) {
                        out.extend(sentences(s));
                    }
                    walk(v, out);
                }
            }
            Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    walk(doc, &mut out);
    out
}

/// Every string of `v` (keys too).
pub fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Object(m) => {
            for (k, v) in m {
                out.push(k.clone());
                strings(v, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|v| strings(v, out)),
        _ => {}
    }
}

/// The sentences of `texts` that are in `vendor`.
pub fn copied_sentences<'a>(texts: impl IntoIterator<Item = &'a str>, vendor: &BTreeSet<String>) -> BTreeSet<String> {
    texts.into_iter().flat_map(sentences).filter(|s| vendor.contains(s)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn vendor() -> Value {
        json!({
            "openapi": "3.1.0",
            "info": {"title": "Pets", "version": "1", "description": "The pet store of the vendor, described at length.", "contact": {"email": "a@b"}},
            "tags": [{"name": "pets", "description": "Everything about the pets in the store."}],
            "paths": {"/pets/{id}": {
                "summary": "One pet",
                "get": {
                    "operationId": "GetPet", "tags": ["pets"], "summary": "Get a pet", "description": "Returns the pet with the given identifier, if any.",
                    "x-codeSamples": [{"lang": "sh", "source": "curl"}],
                    "parameters": [{"name": "id", "in": "path", "required": true, "description": "The pet's identifier.", "schema": {"type": "string"}, "example": "p1"},
                                   {"name": "limit", "in": "query", "schema": {"type": "integer"}}, {"name": "offset", "in": "query", "schema": {"type": "integer"}}],
                    "callbacks": {"hook": {"{$request.body.url}": {"post": {"responses": {"200": {"description": "Acknowledged by the receiving end."}}}}}},
                    "responses": {
                        "200": {"description": "The pet.", "headers": {"Pagination-Total": {"description": "Total.", "schema": {"type": "integer"}}},
                                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}, "examples": {"one": {"value": {"description": "x"}}}}}},
                        "404": {"$ref": "#/components/responses/NotFound"}
                    }
                }
            }},
            "components": {
                "responses": {"NotFound": {"description": "Not found at all.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}},
                "schemas": {
                    "Pet": {"type": "object", "description": "A pet of the store, with its name and kind.",
                            "properties": {"description": {"type": "string", "description": "Free text about the pet.", "examples": ["x"]},
                                           "kind": {"enum": ["cat", "dog"], "default": "cat", "description": "The kind of the pet."}}},
                    "Problem": {"type": "object", "properties": {"title": {"type": "string"}, "fields": {"type": "object", "default": {"tax_id": {"description": "The tax number of the entity, when it has one."}}}}}
                },
                "securitySchemes": {"oauth": {"type": "oauth2", "description": "OAuth.", "flows": {"clientCredentials": {"tokenUrl": "https://t", "scopes": {"read": "Read everything in the store."}}}}}
            }
        })
    }

    #[test]
    fn strip_drops_prose_keywords_but_keeps_names_and_literals() {
        let mut doc = vendor();
        let counts = strip(&mut doc);
        assert_eq!(
            counts,
            Stripped { descriptions: 12, summaries: 2, examples: 3, other: 2, scopes: 1, defaults: 1, ..Stripped::default() },
            "{doc:#}"
        );
        let pet = &doc["components"]["schemas"]["Pet"];
        assert_eq!(pet["properties"]["description"], json!({"type": "string"}), "a property named description stays");
        assert_eq!(pet["properties"]["kind"], json!({"enum": ["cat", "dog"], "default": "cat"}), "a default of data stays");
        assert_eq!(doc["components"]["schemas"]["Problem"]["properties"]["fields"], json!({"type": "object"}), "a default of prose goes");
        assert_eq!(doc["components"]["securitySchemes"]["oauth"]["flows"]["clientCredentials"]["scopes"], json!({"read": "read"}));
        assert!(doc["info"].get("contact").is_none() && doc["info"]["title"] == "Pets");
        assert_eq!(doc["tags"], json!([{"name": "pets"}]));
        let op = &doc["paths"]["/pets/{id}"]["get"];
        assert!(op.get("x-codeSamples").is_none() && op.get("summary").is_none());
        assert_eq!(op["parameters"][0], json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}));
        let text = doc.to_string();
        assert!(copied_sentences([text.as_str()], &vendor_sentences(&vendor())).is_empty());
    }

    #[test]
    fn describe_writes_what_an_operation_takes_returns_fails_with_and_how_it_pages() {
        let mut doc = vendor();
        strip(&mut doc);
        let counts = describe(&mut doc);
        assert_eq!(counts.generated, 4, "the component response, the 200, the callback's 200 and the operation");
        assert_eq!(
            doc.pointer("/paths/~1pets~1{id}/get/callbacks/hook/{$request.body.url}/post/responses/200/description").unwrap(),
            "200: no body."
        );
        assert_eq!(doc["components"]["responses"]["NotFound"]["description"], "The `NotFound` response: `Problem`.");
        let op = &doc["paths"]["/pets/{id}"]["get"];
        assert_eq!(op["responses"]["200"]["description"], "200: `Pet`.");
        assert_eq!(
            op["description"],
            "`GET /pets/{id}`. Takes path `id`; query `limit` (optional), `offset` (optional). Returns `Pet` (200). Errors: 404 `Problem`. \
             Paged by `limit` and `offset`, the total in `Pagination-Total`."
        );
    }

    #[test]
    fn our_words_are_put_back_on_the_operations_and_schemas_we_wrote() {
        let mut doc = vendor();
        strip(&mut doc);
        let ours = json!({"paths": {"/pets/{id}": {"get": {
            "operationId": "GetPet", "summary": "Our summary", "description": "Our words.",
            "parameters": [{"name": "id", "in": "path", "description": "Our id."}],
            "responses": {"200": {"description": "Our pet."}}
        }}}, "components": {"schemas": {"Pet": {"description": "Our pet schema.", "properties": {"kind": {"description": "Our kind."}}}}}});
        let counts = keep_our_words(&mut doc, &ours);
        assert_eq!(counts.ours, 6);
        describe(&mut doc);
        let op = &doc["paths"]["/pets/{id}"]["get"];
        assert_eq!((op["summary"].as_str(), op["description"].as_str()), (Some("Our summary"), Some("Our words.")));
        assert_eq!(op["parameters"][0]["description"], "Our id.");
        assert_eq!(op["responses"]["200"]["description"], "Our pet.");
        assert_eq!(doc["components"]["schemas"]["Pet"]["properties"]["kind"]["description"], "Our kind.");
    }

    #[test]
    fn copied_sentences_are_found_however_reflowed() {
        let vendor = vendor_sentences(&vendor());
        assert!(vendor.contains("returns the pet with the given identifier if any"), "{vendor:?}");
        assert!(!vendor.iter().any(|s| s.contains("identifier.")), "punctuation splits");
        let copied =
            copied_sentences(["Ours.  RETURNS the *pet* with the given\n identifier, if any.", "Short: the pet's identifier."], &vendor);
        assert_eq!(copied.into_iter().collect::<Vec<_>>(), ["returns the pet with the given identifier if any"]);
    }
}
