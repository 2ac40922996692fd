//! Request bodies of the model's types keep progenitor's builder form.
//!
//! progenitor gives a request builder whose body type has a typify builder
//! a body that starts as that builder's default, a `body_map` to change it
//! field by field, and a conversion at `send`; a body of a replaced type
//! (the model crate's, `parts.rs`) it treats as opaque: no default, no
//! `body_map`. This pass gives such bodies the same form progenitor gives
//! its own, from the model's `types::builder` module, so that an operation's
//! builder does not change with the crate its body type is compiled in.

use quote::{quote, ToTokens};
use std::collections::BTreeSet;

/// The struct names of the model's `types::builder` module.
pub(crate) fn model_builders(model: &syn::File) -> BTreeSet<String> {
    let builder_modules = crate::builders::items_of(model, "types").filter_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "builder" => m.content.as_ref(),
        _ => None,
    });
    builder_modules
        .flat_map(|(_, items)| items)
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            _ => None,
        })
        .collect()
}

/// Rewrites, in `file`'s request builders, every body of a model type that
/// has a builder (`builders`, of the crate `model_crate`) into progenitor's
/// builder form. Returns how many bodies it rewrote.
pub(crate) fn keep_builders(file: &mut syn::File, model_crate: &str, builders: &BTreeSet<String>) -> Result<usize, String> {
    let Some(module) = crate::builders::module_mut(file) else { return Ok(0) };
    let Some((_, items)) = module.content.as_mut() else { return Ok(0) };
    let prefix = format!(":: {model_crate} :: types ::");
    // Request builder → the body's type name.
    let mut rewritten: Vec<(String, String)> = Vec::new();
    for item in items.iter_mut() {
        let syn::Item::Struct(s) = item else { continue };
        for field in s.fields.iter_mut() {
            if field.ident.as_ref().is_none_or(|i| i != "body") {
                continue;
            }
            let text = field.ty.to_token_stream().to_string();
            // With or without the trailing comma prettyplease leaves in a long type.
            let inner =
                text.strip_prefix("Result < ").and_then(|t| t.strip_suffix(" , String >").or_else(|| t.strip_suffix(" , String , >")));
            let Some(inner) = inner else { continue };
            let Some(name) = inner.strip_prefix(&prefix).map(str::trim) else { continue };
            if !builders.contains(name) {
                continue;
            }
            field.ty = syn::parse_str(&format!("Result<::{model_crate}::types::builder::{name}, String>")).map_err(|e| e.to_string())?;
            rewritten.push((s.ident.to_string(), name.to_string()));
        }
    }
    let mut mapped = 0;
    for item in items.iter_mut() {
        let syn::Item::Impl(block) = item else { continue };
        if block.trait_.is_some() {
            continue;
        }
        let self_name = block.self_ty.to_token_stream().to_string();
        let self_name = self_name.split(" <").next().unwrap_or_default().trim();
        let Some((_, name)) = rewritten.iter().find(|(builder, _)| builder == self_name) else { continue };
        let ty: syn::Type = syn::parse_str(&format!("::{model_crate}::types::{name}")).map_err(|e| e.to_string())?;
        let builder: syn::Type = syn::parse_str(&format!("::{model_crate}::types::builder::{name}")).map_err(|e| e.to_string())?;
        let mut body_map = None;
        for member in block.items.iter_mut() {
            let syn::ImplItem::Fn(f) = member else { continue };
            match f.sig.ident.to_string().as_str() {
                "new" => {
                    let text = f.block.to_token_stream().to_string();
                    let from = "body : Err (\"body was not initialized\" . to_string ())";
                    if !text.contains(from) {
                        return Err(format!("{self_name}::new does not start the body as expected"));
                    }
                    f.block = syn::parse_str(&text.replace(from, "body : Ok (:: std :: default :: Default :: default ())"))
                        .map_err(|e| e.to_string())?;
                }
                "body" => {
                    let message = format!("conversion to `{name}` for body failed: {{}}");
                    let attrs = &f.attrs;
                    *f = syn::parse2(quote! {
                        #(#attrs)*
                        pub fn body<V>(mut self, value: V) -> Self
                        where
                            V: std::convert::TryInto<#ty>,
                            <V as std::convert::TryInto<#ty>>::Error: std::fmt::Display,
                        {
                            self.body = value.try_into().map(From::from).map_err(|s| format!(#message, s));
                            self
                        }
                    })
                    .map_err(|e| e.to_string())?;
                    let doc = format!("Changes the request body through its builder (`types::builder::{name}`): the body set so far, or the type's default.");
                    body_map = Some(syn::parse2::<syn::ImplItem>(quote! {
                        #[doc = #doc]
                        pub fn body_map<F>(mut self, f: F) -> Self
                        where
                            F: std::ops::FnOnce(#builder) -> #builder,
                        {
                            self.body = self.body.map(f);
                            self
                        }
                    }));
                }
                "send" => {
                    let text = f.block.to_token_stream().to_string();
                    let from = "let body = body . map_err (Error :: InvalidRequest) ?";
                    if !text.contains(from) {
                        return Err(format!("{self_name}::send does not take the body as expected"));
                    }
                    let to = format!(
                        "let body = body . and_then (| v | {} :: try_from (v) . map_err (| e | e . to_string ())) . map_err (Error :: InvalidRequest) ?",
                        ty.to_token_stream()
                    );
                    f.block = syn::parse_str(&text.replace(from, &to)).map_err(|e| e.to_string())?;
                }
                _ => {}
            }
        }
        if let Some(item) = body_map {
            block.items.push(item.map_err(|e| e.to_string())?);
            mapped += 1;
        }
    }
    if mapped != rewritten.len() {
        return Err(format!("{} bodies of the model's types, {mapped} body setters", rewritten.len()));
    }
    Ok(mapped)
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use std::collections::{BTreeMap, BTreeSet};

    /// A body of a model type starts as its builder's default, has
    /// `body_map`, and is converted at `send`, as progenitor writes a body of
    /// its own type.
    #[test]
    fn a_body_of_a_model_type_keeps_the_builder_form() {
        let body = json!({"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ParametersOfASynchronisationWithALongNameThatWraps"}}}});
        let ours = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {
            "/sync": {"post": {"operationId": "sync", "requestBody": body, "responses": {"204": {"description": "ok"}}}}},
          "components": {"schemas": {"ParametersOfASynchronisationWithALongNameThatWraps": {"type": "object", "properties": {"full": {"type": "boolean"}}}}}});
        let cut = crate::parts::partition(&ours, &ours, &BTreeSet::new(), &BTreeMap::new()).unwrap();
        let model = crate::generate_group(&cut.model, "model", &[], "crate::enums", &[], None).unwrap();
        let model_file = syn::parse_file(&model).unwrap();
        let replacements = crate::parts::shared_replacements(&cut.model, "m", &model);
        let own = crate::generate_group(&cut.groups[0].1, "own", &[], "::m::enums", &replacements, Some(("m", &model_file))).unwrap();
        let flat: String = own.split_whitespace().collect::<String>().replace(",>", ">");
        assert!(flat.contains("body:Result<::m::types::builder::ParametersOfASynchronisationWithALongNameThatWraps,String>"), "{own}");
        assert!(flat.contains("body:Ok(::std::default::Default::default())"), "{own}");
        assert!(flat.contains("pubfnbody_map<F>(mutself,f:F)->Self"), "{own}");
        assert!(flat.contains("letbody=body.and_then(|v|"), "{own}");
        assert!(flat.contains("::m::types::ParametersOfASynchronisationWithALongNameThatWraps::try_from(v"), "{own}");
    }
}
