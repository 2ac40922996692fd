//! Setter docs: progenitor's request builders and typify's model builders
//! have a setter per parameter or field, with no documentation. This step of
//! the generation gives each the description our document has for it (and
//! says what `body`, `send` and `new` do), so `cargo doc` documents every
//! setter. It adds doc attributes only; the code is progenitor's.

use serde_json::Value;
use spec_core::extensions::WIRE_NAMES;
use spec_core::refs::deref;
use spec_core::walk;
use syn::{parse_quote, Attribute, ImplItem, Item, ItemMod};

/// Letters and digits, lower case: how names are compared across the
/// document's spelling and Rust's (`resourceId`, `resource_id`, `type_`).
fn folded(name: &str) -> String {
    name.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

fn doc(text: &str) -> Attribute {
    parse_quote!(#[doc = #text])
}

/// Setter descriptions of each request builder (by folded operationId) and
/// each model builder (by folded component name), by folded setter name.
struct Descriptions {
    operations: Vec<(String, Vec<(String, String)>)>,
    models: Vec<(String, Vec<(String, String)>)>,
}

fn descriptions(spec: &Value) -> Descriptions {
    let text = |v: &Value| v.get("description").and_then(Value::as_str).map(|d| d.trim().to_string());
    let mut operations = Vec::new();
    for operation in walk::operations(spec) {
        let Some(id) = operation.id() else { continue };
        let mut setters: Vec<(String, String)> = operation
            .parameters(spec)
            .filter_map(|p| {
                let name = p.get("name")?.as_str()?;
                let where_ = p.get("in").and_then(Value::as_str).unwrap_or("request");
                let described = text(p).unwrap_or_else(|| format!("The `{name}` parameter."));
                Some((folded(name), format!("{described}\n\nSent as the {where_} parameter `{name}`.")))
            })
            .collect();
        let body_text = operation.op.get("requestBody").and_then(|b| text(deref(spec, b))).unwrap_or_else(|| "The request body.".into());
        setters.push(("body".into(), format!("{body_text}\n\nA value of the body's type, or its builder.")));
        setters.push(("bodymap".into(), "Changes the body through its builder.".into()));
        setters.push(("send".into(), "Sends the request, with the client's credentials, retries and timeouts.".into()));
        setters.push(("new".into(), "A request with no parameter set yet; prefer the client's method of the same name.".into()));
        operations.push((folded(id), setters));
    }
    let mut models = Vec::new();
    for (name, schema) in spec.pointer("/components/schemas").and_then(Value::as_object).into_iter().flatten() {
        let mut properties = Vec::new();
        collect_properties(spec, schema, &mut properties, 0);
        let setters = properties
            .into_iter()
            .map(|(prop, wire, p)| {
                let described = text(p).or_else(|| text(deref(spec, p))).unwrap_or_else(|| format!("The `{wire}` field."));
                (folded(prop), format!("{described}\n\nSets the `{wire}` field."))
            })
            .collect();
        models.push((folded(name), setters));
    }
    Descriptions { operations, models }
}

/// The properties of `schema`, its own and those of its `allOf` members
/// (which typify merges into one struct), first one of a name winning: key,
/// name on the wire (see `wire_names`), schema.
fn collect_properties<'a>(spec: &'a Value, schema: &'a Value, out: &mut Vec<(&'a str, &'a str, &'a Value)>, depth: usize) {
    if depth > 8 {
        return;
    }
    let schema = deref(spec, schema);
    let wire_names = schema.get(WIRE_NAMES);
    for (prop, p) in schema.get("properties").and_then(Value::as_object).into_iter().flatten() {
        if !out.iter().any(|(name, ..)| name == prop) {
            let wire = wire_names.and_then(|w| w.get(prop)).and_then(Value::as_str).unwrap_or(prop);
            out.push((prop, wire, p));
        }
    }
    for member in schema.get("allOf").and_then(Value::as_array).into_iter().flatten() {
        collect_properties(spec, member, out, depth + 1);
    }
}

/// Documents the setters of the builders in `file` (progenitor's output).
pub fn document_setters(file: &mut syn::File, spec: &Value) {
    let descriptions = descriptions(spec);
    for item in &mut file.items {
        let Item::Mod(module) = item else { continue };
        match module.ident.to_string().as_str() {
            // progenitor's request builders.
            "builder" => annotate(module, &descriptions.operations),
            // typify's model builders, in `types::builder`.
            "types" => {
                for inner in module.content.iter_mut().flat_map(|(_, items)| items.iter_mut()) {
                    if let Item::Mod(builders) = inner {
                        if builders.ident == "builder" {
                            annotate(builders, &descriptions.models);
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

fn annotate(module: &mut ItemMod, table: &[(String, Vec<(String, String)>)]) {
    for item in module.content.iter_mut().flat_map(|(_, items)| items.iter_mut()) {
        let Item::Impl(block) = item else { continue };
        if block.trait_.is_some() {
            continue;
        }
        let syn::Type::Path(ty) = &*block.self_ty else { continue };
        let Some(name) = ty.path.segments.last().map(|s| folded(&s.ident.to_string())) else { continue };
        let Some((_, setters)) = table.iter().find(|(n, _)| *n == name) else { continue };
        for member in &mut block.items {
            let ImplItem::Fn(function) = member else { continue };
            if function.attrs.iter().any(|a| a.path().is_ident("doc")) {
                continue;
            }
            let method = folded(&function.sig.ident.to_string());
            if let Some((_, text)) = setters.iter().find(|(s, _)| *s == method) {
                function.attrs.push(doc(text));
            }
        }
    }
}
