//! `cargo xtask normalize`: vendor OpenAPI documents in, progenitor-ready
//! OpenAPI 3.0 documents out.
//!
//! Each pass is one named rewrite with its own module and tests. Passes count
//! what they change; anything that loses information is also counted as lossy,
//! with a note saying where, so no rewrite is silent.

mod client_headers;
mod const_values;
mod default_responses;
mod defaults;
mod discriminators;
mod enum_compositions;
mod enum_names;
mod envelope;
mod error_responses;
pub mod example_formats;
mod examples;
mod exclusive_bounds;
mod float_numbers;
pub(crate) mod media_types;
mod missing_schemas;
mod null_unions;
mod nullable_components;
pub mod open_enums;
mod open_objects;
pub(crate) mod operation_ids;
mod paging;
mod parameters;
mod path_segments;
mod property_names;
mod query_lists;
mod ref_siblings;
mod request_bodies;
mod required_fields;
mod scalar_unions;
pub(crate) mod schema_names;
pub mod secret_fields;
mod success_responses;
mod type_arrays;
mod version;

use serde::Serialize;
use serde_json::Value;
use std::fmt;

/// Per-API settings of the normalizer, read from `specs/<api>/normalize.json`.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Header parameters the client sets on every request itself, removed from
    /// each operation's parameters.
    #[serde(default)]
    pub client_headers: Vec<String>,
    /// The wrapper the API puts around every JSON body, which its documents
    /// leave out.
    #[serde(default)]
    pub response_envelope: Option<envelope::Envelope>,
    /// Open enums as flat components marked `x-open-enum` (every string
    /// enum but discriminator tags, parameters and one-value enums too),
    /// which accounting-sync's code generation turns into
    /// `enum X { A, B, Unknown(String) }`. Off: the `oneOf` form any
    /// progenitor client decodes openly (the vendor documents in corpus).
    #[serde(default)]
    pub flat_enums: bool,
}

/// A document the normalizer cannot work with, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NormalizeError {
    /// JSON pointer of the offending node.
    pub pointer: String,
    /// What is wrong there.
    pub message: String,
}

impl NormalizeError {
    pub fn new(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self { pointer: pointer.into(), message: message.into() }
    }
}

impl fmt::Display for NormalizeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.pointer.is_empty() { "/" } else { &self.pointer };
        write!(f, "at {at}: {}", self.message)
    }
}

impl std::error::Error for NormalizeError {}

/// What one pass did to one document.
#[derive(Debug, Default, Clone, Serialize, PartialEq, Eq)]
pub struct Tally {
    /// Places rewritten.
    pub rewrites: usize,
    /// Of those, places where information was given up.
    pub lossy: usize,
    /// One line per lossy rewrite (and per notable one), naming the place.
    pub notes: Vec<String>,
}

impl Tally {
    pub fn rewrite(&mut self) {
        self.rewrites += 1;
    }
    pub fn note(&mut self, note: impl Into<String>) {
        self.rewrites += 1;
        self.notes.push(note.into());
    }
    pub fn lossy(&mut self, note: impl Into<String>) {
        self.rewrites += 1;
        self.lossy += 1;
        self.notes.push(note.into());
    }
}

type PassFn = fn(&mut Value, &Config, &mut Tally) -> Result<(), NormalizeError>;

/// One named rewrite.
pub struct Pass {
    pub name: &'static str,
    /// Why progenitor needs it, in one line.
    pub why: &'static str,
    run: PassFn,
}

/// The passes, in the order they run. Order matters: unions with `null` are
/// read before type arrays lose their `null`, the envelope is added before
/// error bodies are unified, operation ids are fixed late, and property
/// keys are renamed last (no pass after it sees the new keys).
pub const PASSES: &[Pass] = &[
    Pass { name: "version", why: "progenitor reads only OpenAPI 3.0", run: version::run },
    Pass { name: "null_unions", why: "anyOf/oneOf [X, null] becomes a nullable X", run: null_unions::run },
    Pass { name: "type_arrays", why: "3.1 type arrays and type null do not parse", run: type_arrays::run },
    Pass { name: "const_values", why: "`const` does not parse in 3.0", run: const_values::run },
    Pass { name: "examples", why: "schema `examples` arrays do not parse in 3.0", run: examples::run },
    Pass {
        name: "example_formats",
        why: "a format the document's own example breaks would fail real responses",
        run: example_formats::run,
    },
    Pass { name: "exclusive_bounds", why: "numeric exclusive bounds do not parse in 3.0", run: exclusive_bounds::run },
    Pass { name: "float_numbers", why: "an f32 rounds JSON numbers and refuses one past its range", run: float_numbers::run },
    Pass { name: "scalar_unions", why: "anyOf of scalars decodes wrongly; oneOf, narrowest first, is exact", run: scalar_unions::run },
    Pass { name: "enum_compositions", why: "an enum beside allOf/oneOf/anyOf makes progenitor panic", run: enum_compositions::run },
    Pass { name: "open_objects", why: "additionalProperties: false would reject new server fields", run: open_objects::run },
    Pass { name: "media_types", why: "only application/json bodies are typed", run: media_types::run },
    Pass { name: "missing_schemas", why: "a media type without a schema makes progenitor panic or refuse", run: missing_schemas::run },
    Pass { name: "envelope", why: "the wire wraps bodies the document describes bare", run: envelope::run },
    Pass { name: "ref_siblings", why: "keys beside $ref are ignored or rejected in 3.0", run: ref_siblings::run },
    Pass { name: "defaults", why: "a default that breaks its schema fails the whole document", run: defaults::run },
    Pass { name: "enum_names", why: "enum values without distinct Rust names panic", run: enum_names::run },
    Pass { name: "required_fields", why: "readOnly/writeOnly fields must not be required one way", run: required_fields::run },
    Pass { name: "request_bodies", why: "multipart and unknown request types are rejected", run: request_bodies::run },
    Pass { name: "default_responses", why: "a default response beside a 2xx makes progenitor panic", run: default_responses::run },
    Pass { name: "success_responses", why: "progenitor needs one success type per operation", run: success_responses::run },
    Pass { name: "error_responses", why: "progenitor needs one error type per operation", run: error_responses::run },
    Pass { name: "parameters", why: "cookie, content-described, object and path-clashing parameters are refused", run: parameters::run },
    Pass { name: "query_lists", why: "lists are sent as repeated keys, never comma-separated", run: query_lists::run },
    Pass {
        name: "path_segments",
        why: "`.`, `..` or `\\` in a path parameter would send the request to another path",
        run: path_segments::run,
    },
    Pass { name: "secret_fields", why: "a credential in a model would show in its Debug output", run: secret_fields::run },
    Pass { name: "client_headers", why: "headers the client sets itself are not per-call parameters", run: client_headers::run },
    Pass { name: "paging", why: "paged lists are streams of pages: the mark says how each one pages", run: paging::run },
    Pass { name: "operation_ids", why: "missing or clashing operationIds are rejected", run: operation_ids::run },
    Pass { name: "discriminators", why: "a discriminator is ignored: the first variant that fits wins", run: discriminators::run },
    Pass { name: "open_enums", why: "an enum value added by the server would fail the whole response", run: open_enums::run },
    Pass { name: "nullable_components", why: "a nullable component becomes two types of one name", run: nullable_components::run },
    Pass { name: "schema_names", why: "names that clash as Rust types do not compile or pick the wrong type", run: schema_names::run },
    Pass { name: "property_names", why: "properties that are one Rust field name do not compile", run: property_names::run },
];

/// What normalization did to one document.
#[derive(Debug, Default, Serialize)]
pub struct Report {
    /// Operations in the input document.
    pub operations_in: usize,
    /// Operations in the output document.
    pub operations_out: usize,
    /// Component schemas in the output document.
    pub schemas: usize,
    /// Of those, the ones that say nothing about their shape (no type,
    /// properties, items, enum or composition): they become
    /// `serde_json::Value`.
    pub schemas_untyped: usize,
    /// One entry per pass, in run order.
    pub passes: Vec<PassReport>,
}

/// One pass's entry in the [`Report`].
#[derive(Debug, Serialize)]
pub struct PassReport {
    pub pass: &'static str,
    pub why: &'static str,
    #[serde(flatten)]
    pub tally: Tally,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "  operations kept {}/{}, schemas typed {}/{} (the rest become serde_json::Value)",
            self.operations_out,
            self.operations_in,
            self.schemas - self.schemas_untyped,
            self.schemas
        )?;
        for p in &self.passes {
            if p.tally.rewrites == 0 {
                continue;
            }
            writeln!(f, "  {:<16} {:>4} rewrites, {:>3} lossy   ({})", p.pass, p.tally.rewrites, p.tally.lossy, p.why)?;
            for n in &p.tally.notes {
                writeln!(f, "      {n}")?;
            }
        }
        Ok(())
    }
}

/// Runs every pass over `doc`.
pub fn normalize(doc: &mut Value, config: &Config) -> Result<Report, NormalizeError> {
    if !doc.is_object() {
        return Err(NormalizeError::new("", "the document is not a JSON/YAML object"));
    }
    check_refs(doc)?;
    let mut report = Report { operations_in: count_operations(doc), ..Report::default() };
    for pass in PASSES {
        let mut tally = Tally::default();
        (pass.run)(doc, config, &mut tally).map_err(|e| NormalizeError::new(e.pointer, format!("{} (pass {})", e.message, pass.name)))?;
        report.passes.push(PassReport { pass: pass.name, why: pass.why, tally });
    }
    report.operations_out = count_operations(doc);
    let schemas = doc.pointer("/components/schemas").and_then(Value::as_object);
    report.schemas = schemas.map_or(0, |m| m.len());
    report.schemas_untyped = schemas.map_or(0, |m| m.values().filter(|s| untyped(s)).count());
    Ok(report)
}

/// Every local `$ref` must point at something, and no chain of refs may
/// come back to where it started: an error names the `$ref`'s place.
fn check_refs(doc: &Value) -> Result<(), NormalizeError> {
    // `names`: `v` maps names to schemas (`properties`), so a key `$ref`
    // in it is a property of that name, not a reference.
    fn visit(doc: &Value, v: &Value, at: &str, names: bool) -> Result<(), NormalizeError> {
        match v {
            Value::Object(m) => {
                if let Some(r) = m.get("$ref").filter(|_| !names) {
                    let Some(target) = r.as_str() else { return Err(NormalizeError::new(format!("{at}/$ref"), "$ref must be a string")) };
                    if let Some(pointer) = target.strip_prefix('#') {
                        let mut seen = vec![pointer.to_string()];
                        let mut node = doc.pointer(pointer);
                        while let Some(next) = node.and_then(|n| n.get("$ref")).and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
                            if seen.iter().any(|s| s == next) {
                                return Err(NormalizeError::new(
                                    format!("{at}/$ref"),
                                    format!("$ref cycle: {} → {next}", seen.join(" → ")),
                                ));
                            }
                            seen.push(next.to_string());
                            node = doc.pointer(next);
                        }
                        if node.is_none() {
                            return Err(NormalizeError::new(format!("{at}/$ref"), format!("$ref {target} points to nothing")));
                        }
                    } else {
                        return Err(NormalizeError::new(
                            format!("{at}/$ref"),
                            format!("external $ref {target}: bundle the document first (cargo xtask refresh)"),
                        ));
                    }
                }
                for (k, c) in m {
                    // Examples are data, not schema: a "$ref" key in them is just a key.
                    // (In a map of names, those are property names.)
                    if names || (k != "example" && k != "examples" && k != "default" && k != "enum" && k != "const") {
                        let is_name_map = !names && (k == "properties" || k == "patternProperties");
                        visit(doc, c, &format!("{at}/{}", crate::refs::escape(k)), is_name_map)?;
                    }
                }
            }
            Value::Array(a) => {
                for (i, c) in a.iter().enumerate() {
                    visit(doc, c, &format!("{at}/{i}"), false)?;
                }
            }
            _ => {}
        }
        Ok(())
    }
    visit(doc, doc, "", false)
}

/// A schema that says nothing of its shape.
fn untyped(schema: &Value) -> bool {
    const SHAPE: &[&str] = &["type", "properties", "items", "enum", "allOf", "oneOf", "anyOf", "$ref", "additionalProperties"];
    schema.as_object().is_none_or(|m| !SHAPE.iter().any(|k| m.contains_key(*k)))
}

fn count_operations(doc: &Value) -> usize {
    crate::walk::operations(doc).len()
}

#[cfg(test)]
mod fuzz_tests;

#[cfg(test)]
pub(crate) fn run_pass(run: PassFn, doc: &mut Value, config: &Config) -> Tally {
    let mut t = Tally::default();
    run(doc, config, &mut t).expect("pass failed");
    t
}

#[cfg(test)]
mod check_tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dangling_cyclic_and_external_refs_are_errors_with_their_place() {
        let base = |schemas: Value| json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}, "components": {"schemas": schemas}});
        for (schemas, pointer, words) in [
            (
                json!({"A": {"properties": {"b": {"$ref": "#/components/schemas/B"}}}}),
                "/components/schemas/A/properties/b/$ref",
                "points to nothing",
            ),
            (
                json!({"A": {"$ref": "#/components/schemas/B"}, "B": {"$ref": "#/components/schemas/A"}}),
                "/components/schemas/A/$ref",
                "cycle",
            ),
            (json!({"A": {"$ref": "other.yaml#/X"}}), "/components/schemas/A/$ref", "bundle"),
        ] {
            let err = normalize(&mut base(schemas), &Config::default()).unwrap_err();
            assert_eq!(err.pointer, pointer, "{err}");
            assert!(err.message.contains(words), "{err}");
        }
        // The report counts what stays untyped.
        let mut doc = base(json!({"Free": {"description": "anything"}, "Typed": {"type": "string"}}));
        let report = normalize(&mut doc, &Config::default()).unwrap();
        assert_eq!((report.schemas, report.schemas_untyped), (2, 1));
        // A property named `$ref` is a property; one named `example` is checked like any.
        let mut named = base(json!({"A": {"properties": {"$ref": {"type": "string"}}}}));
        assert!(normalize(&mut named, &Config::default()).is_ok());
        let err =
            normalize(&mut base(json!({"A": {"properties": {"example": {"$ref": "#/components/schemas/None"}}}})), &Config::default())
                .unwrap_err();
        assert_eq!(err.pointer, "/components/schemas/A/properties/example/$ref");
        // A recursive schema (through properties) is fine.
        let mut ok = base(json!({"Node": {"properties": {"next": {"$ref": "#/components/schemas/Node"}}}}));
        assert!(normalize(&mut ok, &Config::default()).is_ok());
    }
}
