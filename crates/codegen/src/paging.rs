//! `pages()` and `items()` for the builder of every operation the normalizer
//! marked as paged (`x-paging`, written by spec-pipeline's paging pass): the
//! same two methods on every list of every vendor, run by
//! `accounting_sync`'s `paging` module, instead of a stream written by hand
//! per operation.
//!
//! The item type is read from progenitor's code: the `Vec<T>` an offset list
//! answers, or the type of the items field of a cursor list's page. An
//! operation marked paged whose code does not have that shape is an error
//! naming it, never a list silently left without paging.

use crate::builders::{self, first_type_argument, last_ident, Builder};
use quote::{format_ident, quote, ToTokens};
use serde_json::Value;
use spec_core::extensions::PAGING;
use spec_core::naming::method_name;
use spec_core::walk;
use std::collections::BTreeMap;

/// Adds the paging methods of every marked operation of `doc` to the
/// builders of `file` (progenitor's client for `doc`, before the facade's
/// `send` is added). Returns how many operations got them.
pub(crate) fn add(file: &mut syn::File, doc: &Value) -> Result<usize, String> {
    let builders = builders::read(file);
    let types = struct_fields(file);
    let mut impls: Vec<syn::Item> = Vec::new();
    for operation in walk::operations(doc) {
        let Some(mark) = operation.op.get(PAGING) else { continue };
        let id = operation.id().unwrap_or_default();
        let name = method_name(id);
        let type_name = heck::ToUpperCamelCase::to_upper_camel_case(name.as_str());
        let fail = |why: String| format!("operation {id} is marked paged ({PAGING}) but {why}");
        let builder = builders.get(&type_name).ok_or_else(|| fail(format!("has no builder {type_name}")))?;
        let response = builder.response.as_ref().ok_or_else(|| fail("its send answers nothing".into()))?;
        let methods = match mark.get("kind").and_then(Value::as_str) {
            Some("offset") => offset(mark, builder, response).map_err(fail)?,
            Some("cursor") => cursor(mark, builder, response, &types).map_err(fail)?,
            other => return Err(fail(format!("its kind is {other:?}, not offset or cursor"))),
        };
        let ident = format_ident!("{type_name}");
        impls.push(syn::parse_quote! {
            impl<'a> #ident<'a> {
                #methods
            }
        });
    }
    let count = impls.len();
    if count > 0 {
        let module = builders::module_mut(file).ok_or("the generated client has no builder module")?;
        module.content.as_mut().ok_or("the builder module is empty")?.1.extend(impls);
    }
    Ok(count)
}

/// The `items()` every paged builder has, over its `pages()`.
fn items_method(item: &syn::Type) -> proc_macro2::TokenStream {
    quote! {
        /// Every item of every page (see [`pages`](Self::pages)), one by
        /// one, as a lazy stream.
        pub fn items(self) -> impl ::futures::Stream<Item = ::std::result::Result<#item, crate::Error>> + 'a {
            crate::paging::items(self.pages())
        }
    }
}

/// A setter of the builder, by its parameter's wire name.
fn setter(builder: &Builder, wire: &str) -> Result<syn::Ident, String> {
    let name = method_name(wire);
    if builder.setters.contains_key(&name) {
        Ok(format_ident!("{name}"))
    } else {
        Err(format!("its builder has no setter for the query parameter `{wire}`"))
    }
}

/// `pages()` and `items()` of an offset list (`Vec<T>` answered).
fn offset(mark: &Value, builder: &Builder, response: &syn::Type) -> Result<proc_macro2::TokenStream, String> {
    if last_ident(response).as_deref() != Some("Vec") {
        return Err(format!("its answer is `{}`, not a list", response.to_token_stream()));
    }
    let item = first_type_argument(response).ok_or("its list has no item type")?.clone();
    let field = |key: &str| mark.get(key).and_then(Value::as_str);
    let at = setter(builder, field("offset").ok_or("the mark names no offset parameter")?)?;
    let header = |key: &str| match field(key) {
        Some(name) => {
            let lower = name.to_ascii_lowercase();
            quote!(::std::option::Option::Some(#lower))
        }
        None => quote!(::std::option::Option::None),
    };
    let (total, limit) = (header("total"), header("limit_header"));
    let offset_name = field("offset").unwrap_or_default();
    let mut doc = format!(
        "Every page of the list, as a lazy stream: the request is sent with `{offset_name}` 0, n, 2n… (an `{offset_name}` set on \
         the builder is replaced), n being the length of each page; the builder's other parameters apply to every page."
    );
    match field("total") {
        Some(total) => doc.push_str(&format!(" Each page has the list's size, from the `{total}` header.")),
        None => doc.push_str(" The document declares no header with the list's size."),
    }
    doc.push_str(" Ends after an empty or short page, at the list's size, or at the first error.");
    let items = items_method(&item);
    Ok(quote! {
        #[doc = #doc]
        pub fn pages(self) -> impl ::futures::Stream<Item = ::std::result::Result<crate::Page<#item>, crate::Error>> + 'a {
            crate::paging::by_offset(
                self,
                crate::paging::OffsetHeaders { total: #total, limit: #limit },
                |builder, offset| builder.#at(offset),
                |builder| builder.send(),
            )
        }
        #items
    })
}

/// `pages()` and `items()` of a cursor list (a page object answered).
fn cursor(
    mark: &Value,
    builder: &Builder,
    response: &syn::Type,
    types: &BTreeMap<String, BTreeMap<String, syn::Type>>,
) -> Result<proc_macro2::TokenStream, String> {
    let field = |key: &str| mark.get(key).and_then(Value::as_str).ok_or(format!("the mark has no `{key}`"));
    let (token, next, items_field) = (field("token")?, field("next")?, field("items")?);
    let at = setter(builder, token)?;
    let page = last_ident(response).ok_or_else(|| format!("its answer `{}` is not a named type", response.to_token_stream()))?;
    let fields = types.get(&page).ok_or_else(|| format!("its answer `{page}` is not a struct of the types module"))?;
    let (next_name, items_name) = (method_name(next), method_name(items_field));
    let list = fields.get(&items_name).ok_or_else(|| format!("`{page}` has no field `{items_name}`"))?;
    let next_type = fields.get(&next_name).ok_or_else(|| format!("`{page}` has no field `{next_name}`"))?;
    if last_ident(list).as_deref() != Some("Vec") {
        return Err(format!("`{page}.{items_name}` is not a list"));
    }
    let item = in_builder_module(first_type_argument(list).ok_or("its list has no item type")?)?;
    let next_ident = format_ident!("{next_name}");
    let items_ident = format_ident!("{items_name}");
    // The next token as the String the setter is given: an optional string,
    // or an optional value that prints as one.
    if last_ident(next_type).as_deref() != Some("Option") {
        return Err(format!("`{page}.{next_name}` is not optional, so no page could be the last"));
    }
    let next_token = if first_type_argument(next_type).and_then(last_ident).as_deref() == Some("String") {
        quote!(page.#next_ident)
    } else {
        quote!(page.#next_ident.map(|token| token.to_string()))
    };
    let doc = format!(
        "Every page of the list, as a lazy stream: each page's `{next}` is sent as `{token}` for the next one; the builder's \
         other parameters apply to every page. Ends after the page without a `{next}`, or at the first error; a server that \
         answers a token with the same token ends it with an error instead of looping."
    );
    let items = items_method(&item);
    Ok(quote! {
        #[doc = #doc]
        pub fn pages(self) -> impl ::futures::Stream<Item = ::std::result::Result<crate::Page<#item>, crate::Error>> + 'a {
            let vendor = ClientInfo::inner(self.client).vendor();
            crate::paging::by_cursor(
                self,
                vendor,
                |builder, token| builder.#at(token),
                |builder| builder.send(),
                |page: #response| (page.#items_ident, #next_token),
            )
        }
        #items
    })
}

/// A type written in the generated `types` module, as the `builder` module
/// names it (`Item` → `types::Item`; absolute paths stay).
fn in_builder_module(ty: &syn::Type) -> Result<syn::Type, String> {
    let text = ty.to_token_stream().to_string();
    let syn::Type::Path(p) = ty else { return Err(format!("the item type `{text}` is not a path")) };
    if p.path.leading_colon.is_some() || p.path.segments.first().is_some_and(|s| s.ident == "crate") {
        return Ok(ty.clone());
    }
    if p.path.segments.len() == 1 {
        return syn::parse_str(&format!("types::{text}")).map_err(|e| e.to_string());
    }
    Err(format!("the item type `{text}` is not one this generation can name"))
}

/// The named fields of each struct of the generated `types` module.
fn struct_fields(file: &syn::File) -> BTreeMap<String, BTreeMap<String, syn::Type>> {
    let mut out = BTreeMap::new();
    for item in &file.items {
        let syn::Item::Mod(m) = item else { continue };
        if m.ident != "types" {
            continue;
        }
        for item in m.content.as_ref().map_or(&[][..], |(_, i)| i) {
            let syn::Item::Struct(s) = item else { continue };
            let fields = s.fields.iter().filter_map(|f| Some((f.ident.as_ref()?.to_string(), f.ty.clone()))).collect();
            out.insert(s.ident.to_string(), fields);
        }
    }
    out
}
