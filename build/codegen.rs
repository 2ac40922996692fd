//! Code generation shared by build.rs and the xtask (which tests it): one
//! normalized OpenAPI document in, formatted Rust out, and a message naming
//! the operation when progenitor cannot generate it.

use openapiv3::OpenAPI;
use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle};
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;

/// Settings for a standalone client (no accounting-sync facade): what
/// `cargo xtask corpus` compiles from a whole vendor document.
pub fn standalone_settings(interface: InterfaceStyle) -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings.with_interface(interface).with_tag(TagStyle::Merged);
    settings
}

pub fn settings() -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_derive("schemars::JsonSchema")
        // typify leaves untagged enums (the open enums among them) without
        // `PartialEq`; callers compare statuses.
        .with_derive("PartialEq")
        // Every request passes through the hand-written hooks in
        // src/transport.rs (credentials, client-set headers); Expected makes a
        // missing implementation one clear compile error.
        .with_inner_type("crate::transport::ClientContext".parse().expect("a valid path"))
        .with_hooks(HooksMode::Expected);
    settings
}

pub fn generate(spec_path: &Path) -> Result<(String, String), String> {
    let text = std::fs::read_to_string(spec_path)
        .map_err(|e| format!("cannot read {}: {e} (run `cargo xtask normalize`)", spec_path.display()))?;
    let client = generate_text(&text, &spec_path.display().to_string())?;
    let table = operation_table(&text).map_err(|e| format!("{}: {e}", spec_path.display()))?;
    Ok((client, table))
}

/// Generates the client for the document `text`; `origin` names it in errors.
pub fn generate_text(text: &str, origin: &str) -> Result<String, String> {
    generate_with(text, origin, &settings())
}

/// [`generate_text`] with other settings.
pub fn generate_with(text: &str, origin: &str, settings: &GenerationSettings) -> Result<String, String> {
    let spec: OpenAPI = serde_json::from_str(text).map_err(|e| format!("{origin} is not an OpenAPI 3.0 document: {e}"))?;
    let tokens = match try_generate(&spec, settings) {
        Ok(tokens) => tokens,
        Err(message) => return Err(format!("{origin}: {}", locate(&spec, message, settings))),
    };
    let file = syn::parse2::<syn::File>(tokens).map_err(|e| format!("progenitor produced code that does not parse: {e}"))?;
    Ok(prettyplease::unparse(&file))
}

/// A Rust table of `(operation name, METHOD, path template)` for the
/// document's operations, which the hand-written transport uses to label
/// requests and check their paths. The name is progenitor's (the method name
/// and `OperationInfo::operation_id`), not the document's operationId.
pub fn operation_table(text: &str) -> Result<String, String> {
    let spec: OpenAPI = serde_json::from_str(text).map_err(|e| format!("not an OpenAPI 3.0 document: {e}"))?;
    let mut rows = String::new();
    for (path, item) in &spec.paths.paths {
        let Some(item) = item.as_item() else { continue };
        for (method, op) in item.iter() {
            let id = op.operation_id.as_deref().ok_or_else(|| format!("{} {path} has no operationId", method.to_uppercase()))?;
            rows.push_str(&format!("    ({:?}, {:?}, {path:?}),\n", progenitor_name(id), method.to_uppercase()));
        }
    }
    Ok(format!(
        "/// `(operation name, method, path template)` of every operation.\n\
         pub(crate) const OPERATIONS: &[(&str, &str, &str)] = &[\n{rows}];\n"
    ))
}

/// The name progenitor gives an operation: its operationId in snake case,
/// with what cannot be in an identifier made a word break (progenitor's
/// `sanitize`, which is private; `operation_names_match_progenitor` in the
/// xtask checks the two agree on every operation of our documents).
pub fn progenitor_name(operation_id: &str) -> String {
    use heck::ToSnakeCase;
    let words = operation_id.replace('\'', "").replace(|c: char| !unicode_ident::is_xid_continue(c), "-");
    let name = words.to_snake_case();
    let name = match name.chars().next() {
        None => "x".into(),
        Some(c) if unicode_ident::is_xid_start(c) => name,
        Some(_) => format!("_{name}"),
    };
    // A keyword gets a trailing underscore.
    if syn::parse_str::<syn::Ident>(&name).is_ok() {
        name
    } else {
        format!("{name}_")
    }
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
