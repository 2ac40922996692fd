//! The code generation the model crates' build scripts run ([`build::run`]): one normalized
//! OpenAPI document in, formatted Rust out (progenitor with the crate's
//! settings), a message naming the operation when progenitor cannot generate
//! it, and the table of operations the transport reads. The tooling under
//! `crates/verify` generates standalone clients with [`generate_with`].

mod bodies;
pub mod build;
mod builders;
pub mod compose;
mod docs;
pub mod open_enums;
mod paging;
pub mod parts;
pub mod rate_limits;
mod send;
pub mod testing;
mod wire_names;

use openapiv3::OpenAPI;
use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl};
use spec_core::extensions::{REQUIRED_CLIENT_HEADERS, RUST_TYPE, WIRE_NAMES};
use spec_core::naming::method_name;
use spec_core::walk;
use std::panic::{self, AssertUnwindSafe};

/// The settings of accounting-sync's clients: the Builder interface, the
/// facade's context and hooks.
pub fn settings() -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_derive("schemars::JsonSchema")
        // typify leaves untagged enums (the open enums among them) without
        // `PartialEq`; callers compare statuses.
        .with_derive("PartialEq")
        // Credential fields (`format: password`, see `mark_credentials`) are
        // the facade's `Secret`, named through its crate.
        .with_crate("accounting-sync-runtime", progenitor::CrateVers::Any, None)
        // Every request passes through the hand-written hooks in
        // crates/runtime/src/transport/ (credentials, client-set headers); Expected makes a
        // missing implementation one clear compile error.
        .with_inner_type("crate::transport::ClientContext".parse().expect("a valid path"))
        .with_hooks(HooksMode::Expected);
    settings
}

/// Gives every `format: password` string of `doc` (the normalizer's
/// secret_fields pass marks credentials so) the `x-rust-type` extension that
/// makes typify use `accounting_sync_runtime::Secret` (re-exported as
/// `accounting_sync::Secret`), whose `Debug` never shows the
/// value, whatever other keywords the schema has.
fn mark_credentials(doc: &mut serde_json::Value) {
    match doc {
        serde_json::Value::Object(m) => {
            let is_credential = m.get("format").and_then(serde_json::Value::as_str) == Some("password")
                && m.get("type").and_then(serde_json::Value::as_str) == Some("string");
            if is_credential {
                let rust =
                    serde_json::json!({"crate": "accounting-sync-runtime", "version": "*", "path": "accounting_sync_runtime::Secret"});
                if m.remove("nullable") == Some(serde_json::Value::Bool(true)) {
                    // typify takes an x-rust-type as the whole type, null
                    // included: the secret goes one level down, optional.
                    let mut inner = std::mem::take(m);
                    inner.insert(RUST_TYPE.into(), rust);
                    m.insert("nullable".into(), serde_json::Value::Bool(true));
                    m.insert("allOf".into(), serde_json::json!([inner]));
                } else {
                    m.insert(RUST_TYPE.into(), rust);
                }
                return;
            }
            m.values_mut().for_each(mark_credentials);
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(mark_credentials),
        _ => {}
    }
}

/// The tables of a document's operations, for the transport: the
/// operations table ([`operation_table`]), the input rules
/// ([`input_rules`]) and the rate limits (`rate_limits::code`); `origin`
/// names the document in messages.
pub fn tables(doc: &serde_json::Value, origin: &str) -> Result<String, String> {
    Ok(operation_table(&doc.to_string()).map_err(|e| format!("{origin}: {e}"))?
        + &input_rules(doc)
        + &rate_limits::code(doc).map_err(|e| format!("{origin}: {e}"))?)
}

/// The code of one group of an API's client (`parts.rs`), as the model
/// crate's build script generates it: the flat open `enums` (found in the
/// joined document) taken from `enums_module`, credentials as `Secret`, the
/// `replacements` (the model's types) used in place of the group's own,
/// every builder setter documented, paging and the facade's `send`. `model`
/// is the model crate's name and code, for a group other than the model.
pub fn generate_group(
    doc: &serde_json::Value,
    origin: &str,
    enums: &[open_enums::OpenEnum],
    enums_module: &str,
    replacements: &[parts::Replacement],
    model: Option<(&str, &syn::File)>,
) -> Result<String, String> {
    let mut doc = doc.clone();
    mark_credentials(&mut doc);
    let mut settings = settings_with_enums(enums, enums_module);
    parts::replace_shared(&mut settings, replacements);
    let code = generate_with(&doc.to_string(), origin, &settings)?;
    document(&code, &doc, model)
}

/// [`settings`], with the flat open `enums` (found in `text`) used in place
/// of the types progenitor would make of them, from `enums_module`.
fn settings_with_enums(enums: &[open_enums::OpenEnum], enums_module: &str) -> GenerationSettings {
    let mut settings = settings();
    for e in enums {
        let name = open_enums::type_name(&e.name);
        settings.with_replacement(&name, format!("{enums_module}::{name}"), [TypeImpl::Display, TypeImpl::FromStr].into_iter());
    }
    settings
}

/// Generates the client for the document `text` as the model crate's build
/// script generates one group, with no model: its open enums taken from
/// `crate::enums`; `origin` names it in errors.
pub fn generate_text(text: &str, origin: &str) -> Result<String, String> {
    let doc: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("{origin} is not an OpenAPI 3.0 document: {e}"))?;
    generate_group(&doc, origin, &open_enums::find(&doc), "crate::enums", &[], None)
}

/// `code` with the facade's part of every request builder: each setter
/// documented from `doc` (`docs.rs`), `pages()` and `items()` on every list
/// `doc` marks as paged (`paging.rs`), and a `send` that returns the crate's
/// `Error` (`send.rs`). For a group over a model (its crate name and code),
/// the model's types are named in the group's `types` module too, as the
/// paging methods name a page's items (`types::Invoice`).
fn document(code: &str, doc: &serde_json::Value, model: Option<(&str, &syn::File)>) -> Result<String, String> {
    let mut file = syn::parse_file(code).map_err(|e| format!("progenitor produced code that does not parse: {e}"))?;
    docs::document_setters(&mut file, doc);
    if let Some((model_crate, model_file)) = model {
        bodies::keep_builders(&mut file, model_crate, &bodies::model_builders(model_file))?;
    }
    paging::add(&mut file, doc, model.map(|(_, f)| f))?;
    send::add(&mut file)?;
    if let Some((model_crate, _)) = model {
        let import: syn::Item =
            syn::parse_str(&format!("#[allow(unused_imports)] pub(crate) use ::{model_crate}::types::*;")).map_err(|e| e.to_string())?;
        let types = file.items.iter_mut().find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut(),
            _ => None,
        });
        types.ok_or("progenitor produced no types module")?.1.insert(0, import);
        // A request builder's documentation links to its client's method
        // (`super::Client::x`): a group's builders are public through the
        // API crate, its client is not; the crate's own `Client` (the API
        // crate's composed one, or the part's) has the method too.
        return Ok(prettyplease::unparse(&file).replace("]: super::Client::", "]: crate::Client::"));
    }
    Ok(prettyplease::unparse(&file))
}

/// [`generate_text`] with other settings. Properties the normalizer renamed
/// (`x-wire-names`) keep their wire names as serde names.
pub fn generate_with(text: &str, origin: &str, settings: &GenerationSettings) -> Result<String, String> {
    let spec: OpenAPI = serde_json::from_str(text).map_err(|e| format!("{origin} is not an OpenAPI 3.0 document: {e}"))?;
    let tokens = match try_generate(&spec, settings) {
        Ok(tokens) => tokens,
        Err(message) => return Err(format!("{origin}: {}", locate(&spec, message, settings))),
    };
    let mut file = syn::parse2::<syn::File>(tokens).map_err(|e| format!("progenitor produced code that does not parse: {e}"))?;
    // Most documents rename nothing: no second parse for them.
    if text.contains(WIRE_NAMES) {
        let mut doc: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("{origin}: not JSON: {e}"))?;
        wire_names::restore(&mut file, &wire_names::find(&mut doc));
    }
    Ok(prettyplease::unparse(&file))
}

/// A Rust table of the document's operations (`crate::transport::Operation`:
/// name, path template, the client-set headers it requires), in
/// [`by_length_then_text`] order of names, which
/// the hand-written transport uses to label requests, check their paths and
/// refuse calls without a required header. The name is progenitor's (the
/// method name and `OperationInfo::operation_id`, see
/// [`spec_core::naming::method_name`]), not the document's operationId; the headers come from the normalizer's
/// `x-required-client-headers`.
pub fn operation_table(text: &str) -> Result<String, String> {
    let spec: OpenAPI = serde_json::from_str(text).map_err(|e| format!("not an OpenAPI 3.0 document: {e}"))?;
    let mut rows: Vec<(String, String)> = Vec::new();
    for (path, item) in &spec.paths.paths {
        let Some(item) = item.as_item() else { continue };
        for (method, op) in item.iter() {
            let id = op.operation_id.as_deref().ok_or_else(|| format!("{} {path} has no operationId", method.to_uppercase()))?;
            let headers: Vec<String> = op
                .extensions
                .get(REQUIRED_CLIENT_HEADERS)
                .and_then(serde_json::Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(serde_json::Value::as_str)
                .map(|h| format!("{h:?}"))
                .collect();
            let name = method_name(id);
            let row = format!("    Operation {{ name: {name:?}, path: {path:?}, required_headers: &[{}] }},\n", headers.join(", "));
            rows.push((name, row));
        }
    }
    // Sorted by name's length, then name: the transport finds a call's row
    // by binary search on every request (`ClientContext::operation`), most
    // steps comparing lengths only; `full` has 609 rows for Rebilly.
    rows.sort_by(|(a, _), (b, _)| by_length_then_text(a, b));
    if let Some(twice) = rows.windows(2).find(|pair| pair[0].0 == pair[1].0) {
        return Err(format!("two operations are both named {}", twice[0].0));
    }
    let rows: String = rows.into_iter().map(|(_, row)| row).collect();
    Ok(format!(
        "/// Every operation: name, path template, required client-set headers.\n\
         pub(crate) const OPERATIONS: &[crate::transport::Operation] = {{\n\
         use crate::transport::Operation;\n\
         &[\n{rows}]\n}};\n"
    ))
}

/// The order of the operations table: by length, then by text. The
/// transport's lookup (`ClientContext::operation`) searches it in this order.
pub fn by_length_then_text(a: &str, b: &str) -> std::cmp::Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// A Rust table of the rule behind each constrained string type of the
/// document (`(type name, rule)`), so that a value a builder refuses can be
/// reported with the rule it broke: progenitor's builders keep only
/// "conversion to `T` for parameter failed". Types are named as typify names
/// them: a component by its name, a parameter `<OperationId><Parameter>`, a
/// property `<Component><Property>`.
pub fn input_rules(doc: &serde_json::Value) -> String {
    use heck::ToUpperCamelCase;
    let mut rules: Vec<(String, String)> = Vec::new();
    let mut add = |name: String, schema: &serde_json::Value| {
        if let Some(rule) = rule_of(schema) {
            if !rules.iter().any(|(n, _)| *n == name) {
                rules.push((name, rule));
            }
        }
    };
    let schemas = doc.pointer("/components/schemas").and_then(serde_json::Value::as_object);
    for (name, schema) in schemas.into_iter().flatten() {
        add(name.to_upper_camel_case(), schema);
        for (prop, p) in schema.get("properties").and_then(serde_json::Value::as_object).into_iter().flatten() {
            add(format!("{}{}", name.to_upper_camel_case(), prop.to_upper_camel_case()), p);
        }
    }
    for operation in walk::operations(doc) {
        let Some(id) = operation.id() else { continue };
        for p in operation.parameters(doc) {
            if let (Some(name), Some(schema)) = (p.get("name").and_then(serde_json::Value::as_str), p.get("schema")) {
                add(format!("{}{}", id.to_upper_camel_case(), name.to_upper_camel_case()), schema);
            }
        }
    }
    let rows: String = rules.iter().map(|(name, rule)| format!("    ({name:?}, {rule:?}),\n")).collect();
    format!("/// `(type, rule)` of each constrained string type, for builder errors.\npub(crate) const INPUT_RULES: &[(&str, &str)] = &[\n{rows}];\n")
}

/// The constraints of a string schema, in words.
fn rule_of(schema: &serde_json::Value) -> Option<String> {
    if schema.get("type").and_then(serde_json::Value::as_str) != Some("string") || schema.get("$ref").is_some() {
        return None;
    }
    let number = |key: &str| schema.get(key).and_then(serde_json::Value::as_u64);
    let mut parts = Vec::new();
    match (number("minLength"), number("maxLength")) {
        (Some(min), Some(max)) => parts.push(format!("{min} to {max} characters long")),
        (Some(min), None) => parts.push(format!("at least {min} characters long")),
        (None, Some(max)) => parts.push(format!("at most {max} characters long")),
        (None, None) => {}
    }
    if let Some(pattern) = schema.get("pattern").and_then(serde_json::Value::as_str) {
        parts.push(format!("match the pattern {pattern}"));
    }
    (!parts.is_empty()).then(|| format!("must be {}", parts.join(" and ")).replace("must be match", "must match"))
}

/// Runs progenitor, turning a panic into an error message.
fn try_generate(spec: &OpenAPI, settings: &GenerationSettings) -> Result<proc_macro2::TokenStream, String> {
    // The panic hook is process-wide: one generation at a time swaps it.
    static HOOK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = HOOK.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let previous_hook = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let result = panic::catch_unwind(AssertUnwindSafe(|| Generator::new(settings).generate_tokens(spec)));
    panic::set_hook(previous_hook);
    match result {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(e)) => Err(e.to_string()),
        Err(payload) => {
            let text = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "unknown panic".into());
            Err(format!("progenitor panicked: {text}"))
        }
    }
}

/// Names the first operation that fails on its own, by generating each
/// operation alone with all components.
fn locate(spec: &OpenAPI, message: String, settings: &GenerationSettings) -> String {
    let mut bare = spec.clone();
    bare.paths.paths.clear();
    if let Err(own) = try_generate(&bare, settings) {
        return format!("the component schemas fail without any operation: {own}");
    }
    for (path, item) in &spec.paths.paths {
        let Some(item) = item.as_item() else { continue };
        for (method, op) in item.iter() {
            let mut alone = spec.clone();
            let mut single = item.clone();
            for (m, slot) in [
                ("get", &mut single.get),
                ("put", &mut single.put),
                ("post", &mut single.post),
                ("delete", &mut single.delete),
                ("options", &mut single.options),
                ("head", &mut single.head),
                ("patch", &mut single.patch),
                ("trace", &mut single.trace),
            ] {
                if m != method {
                    *slot = None;
                }
            }
            alone.paths.paths.clear();
            alone.paths.paths.insert(path.clone(), openapiv3::ReferenceOr::Item(single));
            if let Err(own) = try_generate(&alone, settings) {
                let id = op.operation_id.as_deref().unwrap_or("(no operationId)");
                return format!("operation {id} ({} {path}): {own}", method.to_uppercase());
            }
        }
    }
    format!("{message} (no single operation fails alone; the components may be at fault)")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::path::Path;

    /// The committed `specs/` folder.
    fn specs() -> spec_files::Specs {
        spec_files::Specs::of_workspace(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
    }

    /// The committed normalized documents: (API, text).
    fn normalized_documents() -> Vec<(String, String)> {
        let apis = specs().apis().unwrap();
        apis.iter().map(|api| (api.name().to_string(), std::fs::read_to_string(api.normalized()).unwrap())).collect()
    }

    /// The API names under `specs` (left for `operation_names_match_progenitor`,
    /// which the naming work rewrites).
    fn apis(specs: &Path) -> Result<Vec<String>, String> {
        spec_files::Specs::at(specs).api_names()
    }

    fn doc(responses: serde_json::Value) -> String {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/fine": {"get": {"operationId": "fine_op", "responses": {"200": {"description": "ok"}}}},
                "/broken": {"get": {"operationId": "broken_op", "responses": responses}}
            },
            "components": {"schemas": {
                "A": {"type": "object", "properties": {"a": {"type": "string"}}},
                "B": {"type": "object", "properties": {"b": {"type": "integer"}}}
            }}
        })
        .to_string()
    }

    #[test]
    fn a_document_progenitor_accepts_generates_a_client() {
        let code = generate_text(&doc(json!({"200": {"description": "ok"}})), "t.json").unwrap();
        assert!(code.contains("pub struct Client"));
        assert!(code.contains("pub fn broken_op"));
    }

    #[test]
    fn a_panic_in_progenitor_becomes_an_error_naming_the_operation() {
        let schema = |name: &str| json!({"description": "e", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{name}")}}}});
        let err = generate_text(&doc(json!({"400": schema("A"), "500": schema("B")})), "specs/t/openapi.json").unwrap_err();
        assert!(err.starts_with("specs/t/openapi.json: operation broken_op (GET /broken): progenitor panicked"), "{err}");
    }

    /// The transport finds an operation's path template by the name
    /// progenitor puts in `OperationInfo`: for every operation of our three
    /// documents (and names progenitor changes: case, punctuation, keywords,
    /// leading digits), the table has that name with the operation's path.
    #[test]
    fn operation_names_match_progenitor() {
        let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs");
        let mut documents: Vec<String> =
            apis(&specs).unwrap().iter().map(|api| std::fs::read_to_string(specs.join(api).join("openapi.json")).unwrap()).collect();
        let odd = |id: &str, path: &str| json!({path: {"get": {"operationId": id, "responses": {"200": {"description": "ok"}}}}});
        let mut paths = serde_json::Map::new();
        for (i, id) in ["business.quickbooks.sync-from.post", "GetHTTPThing", "type", "2fa-check", "it's"].iter().enumerate() {
            paths.extend(odd(id, &format!("/odd/{i}")).as_object().unwrap().clone());
        }
        documents.push(json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths}).to_string());
        for text in documents {
            let code = generate_text(&text, "doc").unwrap();
            let table = operation_table(&text).unwrap();
            // The transport finds a row by binary search.
            let names: Vec<&str> = table.lines().filter_map(|l| l.split("name: \"").nth(1)?.split('"').next()).collect();
            assert!(names.windows(2).all(|pair| by_length_then_text(pair[0], pair[1]).is_lt()), "not in search order: {names:?}");
            let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
            let mut in_code: Vec<&str> = code.split("operation_id: \"").skip(1).map(|rest| rest.split('"').next().unwrap()).collect();
            in_code.sort_unstable();
            in_code.dedup();
            let operations: usize = doc["paths"]
                .as_object()
                .unwrap()
                .values()
                .map(|item| {
                    item.as_object()
                        .unwrap()
                        .keys()
                        .filter(|k| ["get", "put", "post", "delete", "options", "head", "patch", "trace"].contains(&k.as_str()))
                        .count()
                })
                .sum();
            assert_eq!(in_code.len(), operations);
            for name in in_code {
                let row = table
                    .lines()
                    .find(|l| l.trim_start().starts_with(&format!("Operation {{ name: {name:?},")))
                    .unwrap_or_else(|| panic!("{name} not in\n{table}"));
                let path = row.split("path: \"").nth(1).and_then(|rest| rest.split('"').next()).unwrap();
                assert!(doc["paths"].get(path).is_some(), "{name}: {row}");
            }
        }
    }

    /// Every operation of every committed document, ours and the whole
    /// ones the tag features draw from, gets the facade's `send`, and every
    /// list the normalizer marks gets `pages()` and `items()`: none is left
    /// without them, whatever its shape.
    #[test]
    fn every_builder_sends_through_the_facade_and_every_marked_list_pages() {
        let mut documents = Vec::new();
        for api in specs().apis().unwrap() {
            documents.push((api.name().to_string(), std::fs::read_to_string(api.normalized()).unwrap()));
            if api.whole_normalized().is_file() {
                documents.push((format!("{} whole", api.name()), std::fs::read_to_string(api.whole_normalized()).unwrap()));
            }
        }
        let mut paged_whole = 0;
        let mut error_arms = 0;
        for (name, text) in documents {
            let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
            let operations = walk::operations(&doc).len();
            let marked = walk::operations(&doc).iter().filter(|op| op.op.contains_key(spec_core::extensions::PAGING)).count();
            let code = generate_text(&text, &name).unwrap();
            assert_eq!(code.matches("async fn send_unmapped(").count(), operations, "{name}");
            assert_eq!(code.matches("pub async fn send(").count(), operations, "{name}");
            let flat: String = code.split_whitespace().collect::<String>().replace(",>", ">");
            let sends_with_our_error = flat
                .matches(
                    ",crate::Error>{letclient=self.client;self.send_unmapped().await.map_err(|e|crate::Error::from_call(e,progenitor_client::ClientInfo::inner(client)",
                )
                .count();
            assert_eq!(sends_with_our_error, operations, "{name}: send returns the crate's Error");
            error_arms += error_response_arms_follow_the_hooks(&flat, &name);
            // The crate's Error is made from a vendor error body: an
            // operation without one (`Error<()>`) would not compile.
            assert!(!flat.contains("Error<()>"), "{name}: an operation without an error body");
            assert_eq!(code.matches("pub fn pages(").count(), marked, "{name}");
            assert_eq!(code.matches("pub fn items(").count(), marked, "{name}");
            if name.ends_with("whole") {
                paged_whole += marked;
            }
        }
        // Rebilly's offset lists and Monite's cursor lists.
        assert!(paged_whole > 100, "{paged_whole}");
        assert!(error_arms > 100, "{error_arms}");
    }

    /// `Error::from_call` makes nothing of progenitor's `ErrorResponse`: the
    /// `post` hook hands on every response that is not a 2xx before the
    /// status is matched. That holds while every `ErrorResponse` arm is for
    /// a 4xx or 5xx status (or range), or is a `default` response's `_`
    /// after a 2xx arm. Returns how many arms of `flat` (whitespace-free
    /// code) it checked.
    fn error_response_arms_follow_the_hooks(flat: &str, name: &str) -> usize {
        let error_status = |s: &str| s.trim_end_matches("u16").parse::<u16>().is_ok_and(|s| (400..600).contains(&s));
        let arms: Vec<usize> = flat.match_indices("=>{Err(Error::ErrorResponse(").map(|(at, _)| at).collect();
        for &at in &arms {
            let before = &flat[..at];
            let pattern = &before[before.rfind(['{', '}', ',']).map_or(0, |i| i + 1)..];
            let matched = &before[before.rfind("matchresponse.status().as_u16(){").unwrap_or(0)..];
            let after_success = matched.contains("200..=299=>") || matched.contains("200u16..=299u16=>");
            let ok = match pattern.split_once("..=") {
                Some((low, high)) => error_status(low) && error_status(high),
                None if pattern == "_" => after_success,
                None => error_status(pattern),
            };
            assert!(ok, "{name}: an ErrorResponse arm for `{pattern}`, which the post hook does not take first");
        }
        arms.len()
    }

    #[test]
    fn an_error_arm_the_post_hook_does_not_take_first_is_found() {
        let arms = |code: &str| std::panic::catch_unwind(|| error_response_arms_follow_the_hooks(code, "t"));
        let code = |success: &str, error: &str| {
            format!("matchresponse.status().as_u16(){{{success}=>{{Ok(v)}}{error}=>{{Err(Error::ErrorResponse(v))}}_=>Err(e)}}")
        };
        assert_eq!(arms(&code("200u16", "404u16")).ok(), Some(1));
        assert_eq!(arms(&code("200u16", "500u16..=599u16")).ok(), Some(1));
        assert_eq!(arms(&code("200..=299", "_")).ok(), Some(1));
        // A 2xx the operation does not document, answered as its error body.
        assert!(arms(&code("200u16", "_")).is_err());
        assert!(arms(&code("200u16", "201u16")).is_err());
    }

    /// A mark on an operation whose answer is not a list is an error naming
    /// it, not a list left without paging.
    #[test]
    fn a_marked_operation_that_does_not_answer_a_list_is_an_error() {
        let doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {
            "/things": {"get": {"operationId": "list_things", "x-paging": {"kind": "offset", "limit": "limit", "offset": "offset"},
                "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer"}}, {"name": "offset", "in": "query", "schema": {"type": "integer"}}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object", "properties": {"a": {"type": "string"}}}}}}}}}
        }});
        let err = generate_text(&doc.to_string(), "t").unwrap_err();
        assert!(err.contains("operation list_things is marked paged (x-paging) but its answer is"), "{err}");
    }

    #[test]
    fn a_document_that_is_not_openapi_30_is_an_error() {
        let err = generate_text("{\"openapi\": \"3.1.0\"}", "x.json").unwrap_err();
        assert!(err.starts_with("x.json is not an OpenAPI 3.0 document"), "{err}");
    }

    /// Every field of every generated model of our three documents that holds
    /// a credential (by its name, as the normalizer's secret_fields pass
    /// reads names) is an `accounting_sync_runtime::Secret`, whose Debug is redacted.
    #[test]
    fn credential_fields_of_every_model_are_secrets() {
        fn visit(items: &[syn::Item], found: &mut Vec<(String, String)>) {
            for item in items {
                match item {
                    syn::Item::Struct(s) => {
                        for field in &s.fields {
                            let Some(ident) = &field.ident else { continue };
                            if spec_pipeline::normalize::secret_fields::is_credential_name(&ident.to_string()) {
                                let ty = field.ty.to_token_stream().to_string().replace(' ', "");
                                found.push((format!("{}.{ident}", s.ident), ty));
                            }
                        }
                    }
                    syn::Item::Mod(m) => visit(m.content.as_ref().map_or(&[][..], |(_, items)| items), found),
                    _ => {}
                }
            }
        }
        use quote::ToTokens;
        let mut checked = 0;
        for (api, text) in normalized_documents() {
            let file = syn::parse_file(&generate_text(&text, &api).unwrap()).unwrap();
            let mut found = Vec::new();
            visit(&file.items, &mut found);
            for (field, ty) in &found {
                assert!(ty.contains("accounting_sync_runtime::Secret"), "{api}: {field} is {ty}");
            }
            checked += found.len();
        }
        // Monite's token request and response, Layer's QuickBooks configuration.
        assert!(checked >= 3, "{checked}");
    }

    /// Each input rule names a type the generated code declares, so a
    /// builder error can always be matched with its rule.
    #[test]
    fn input_rules_name_generated_types() {
        let mut rules = 0;
        for (api, text) in normalized_documents() {
            let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
            let code = generate_text(&text, &api).unwrap();
            let table = input_rules(&doc);
            for row in table.lines().filter(|l| l.starts_with("    (")) {
                let name = row.trim_start().trim_start_matches("(\"").split('"').next().unwrap();
                assert!(code.contains(&format!("pub struct {name}(")), "{api}: {name} is not a generated type");
                rules += 1;
            }
        }
        assert!(rules > 0);
        let rule = rule_of(&serde_json::json!({"type": "string", "minLength": 1, "maxLength": 50, "pattern": "^[a-z]+$"}));
        assert_eq!(rule.as_deref(), Some("must be 1 to 50 characters long and match the pattern ^[a-z]+$"));
        assert_eq!(rule_of(&serde_json::json!({"type": "string", "pattern": "^x$"})).as_deref(), Some("must match the pattern ^x$"));
    }

    /// Every setter of every request and model builder of our three
    /// documents has documentation (from the document's descriptions).
    #[test]
    fn every_builder_setter_is_documented() {
        fn undocumented(items: &[syn::Item], in_builder: bool, out: &mut Vec<String>) {
            for item in items {
                match item {
                    syn::Item::Mod(m) => {
                        let inner = in_builder || m.ident == "builder";
                        undocumented(m.content.as_ref().map_or(&[][..], |(_, i)| i), inner, out);
                    }
                    syn::Item::Impl(block) if in_builder && block.trait_.is_none() => {
                        for member in &block.items {
                            if let syn::ImplItem::Fn(f) = member {
                                let public = matches!(f.vis, syn::Visibility::Public(_));
                                if public && !f.attrs.iter().any(|a| a.path().is_ident("doc")) {
                                    out.push(format!("{}::{}", block.self_ty.to_token_stream(), f.sig.ident));
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        use quote::ToTokens;
        for (api, text) in normalized_documents() {
            let file = syn::parse_file(&generate_text(&text, &api).unwrap()).unwrap();
            let mut missing = Vec::new();
            undocumented(&file.items, false, &mut missing);
            assert!(missing.is_empty(), "{api}: {} setters without docs: {missing:?}", missing.len());
        }
    }

    /// A property the normalizer renamed (property_names) keeps its wire
    /// name as the serde name, and its setter's doc names it so.
    #[test]
    fn renamed_properties_keep_their_wire_names() {
        let doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
        "components": {"schemas": {"Pet": {"type": "object", "x-wire-names": {"Pet#2": "Pet"}, "properties": {
            "Pet#2": {"type": "string"}, "pet": {"type": "string"}
        }}}}});
        let code = generate_text(&doc.to_string(), "t").unwrap();
        assert!(code.contains("#[serde(rename = \"Pet\""), "{code}");
        assert!(code.contains("pub pet_2: "), "{code}");
        assert!(code.contains("Sets the `Pet` field."), "{code}");
        assert!(!code.contains("Pet#2"), "{code}");
    }

    /// A credential that may be null is an optional `Secret`.
    #[test]
    fn a_nullable_credential_stays_optional() {
        let doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
        "components": {"schemas": {"Login": {"type": "object", "required": ["password", "token"], "properties": {
            "password": {"type": "string", "format": "password", "minLength": 12},
            "token": {"type": "string", "format": "password", "nullable": true}
        }}}}});
        let code = generate_text(&doc.to_string(), "t").unwrap().replace(' ', "");
        assert!(code.contains("pubpassword:::accounting_sync_runtime::Secret,"), "{code}");
        assert!(code.contains("pubtoken:::std::option::Option<::accounting_sync_runtime::Secret>,"), "{code}");
    }
}
