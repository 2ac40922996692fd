//! `pages()` and `items()` for the builder of every operation the normalizer
//! marked as paged (`x-paging`, written by spec-pipeline's paging pass): the
//! same two methods on every list of every vendor, run by
//! `accounting_sync`'s `paging` module, instead of a stream written by hand
//! per operation. The `testing` stand-ins serve the same lists with
//! `pages_of` (testing.rs), from the same reading of each list ([`lists`]).
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

/// One paged list of a generated client, as its mark and progenitor's code
/// describe it.
pub(crate) struct List {
    /// The builder's (and the testing marker's) type name.
    pub(crate) type_name: String,
    /// The item type, as the `builder` module names it (`types::Invoice`).
    pub(crate) item: syn::Type,
    /// How it pages.
    pub(crate) kind: Kind,
}

/// How a list pages, with the wire names of its parameters, headers and
/// fields.
pub(crate) enum Kind {
    /// `offset` and `limit` query parameters; the list's size and the page
    /// size in the `total` and `limit_header` response headers, when declared.
    Offset { offset: String, limit: String, total: Option<String>, limit_header: Option<String> },
    /// The `token` query parameter carries the `next` property (a dotted
    /// path) of the previous page, while its `more` property (when the mark
    /// has one) is not false; the page's items are its `items` field.
    Cursor { token: String, next: String, more: Option<String>, items: String, page: Box<syn::Type>, access: Box<Access> },
}

/// How the generated code reads a page's next token and "more" flag: an
/// expression over `page` of type `Option<String>` and `Option<bool>`.
pub(crate) struct Access {
    next: proc_macro2::TokenStream,
    more: Option<proc_macro2::TokenStream>,
}

/// Every marked list of `doc`, read from `file` (progenitor's client for
/// `doc`, with or without the facade's `send`) and from `model` (the model
/// crate's code, whose types a page may be).
pub(crate) fn lists(file: &syn::File, doc: &Value, model: Option<&syn::File>) -> Result<Vec<List>, String> {
    let builders = builders::read(file);
    let mut types = struct_fields(file);
    if let Some(model) = model {
        types.extend(struct_fields(model));
    }
    let mut out = Vec::new();
    for operation in walk::operations(doc) {
        let Some(mark) = operation.op.get(PAGING) else { continue };
        let id = operation.id().unwrap_or_default();
        let type_name = heck::ToUpperCamelCase::to_upper_camel_case(method_name(id).as_str());
        let fail = |why: String| format!("operation {id} is marked paged ({PAGING}) but {why}");
        let builder = builders.get(&type_name).ok_or_else(|| fail(format!("has no builder {type_name}")))?;
        let response = builder.response.as_ref().ok_or_else(|| fail("its send answers nothing".into()))?;
        let (item, kind) = match mark.get("kind").and_then(Value::as_str) {
            Some("offset") => offset(mark, builder, response).map_err(fail)?,
            Some("cursor") => cursor(mark, builder, response, &types).map_err(fail)?,
            other => return Err(fail(format!("its kind is {other:?}, not offset or cursor"))),
        };
        out.push(List { type_name, item, kind });
    }
    Ok(out)
}

/// Adds the paging methods of every marked operation of `doc` to the
/// builders of `file` (progenitor's client for `doc`, over `model`'s types). Returns how many
/// operations got them.
pub(crate) fn add(file: &mut syn::File, doc: &Value, model: Option<&syn::File>) -> Result<usize, String> {
    let impls: Vec<syn::Item> = lists(file, doc, model)?.iter().map(methods).collect();
    let count = impls.len();
    if count > 0 {
        let module = builders::module_mut(file).ok_or("the generated client has no builder module")?;
        module.content.as_mut().ok_or("the builder module is empty")?.1.extend(impls);
    }
    Ok(count)
}

/// `pages()` and `items()` of one list's builder.
fn methods(list: &List) -> syn::Item {
    let ident = format_ident!("{}", list.type_name);
    let item = &list.item;
    let (doc, pages) = match &list.kind {
        Kind::Offset { offset, total, limit_header, .. } => {
            let at = format_ident!("{}", method_name(offset));
            let header = |name: &Option<String>| match name {
                Some(name) => {
                    let lower = name.to_ascii_lowercase();
                    quote!(::std::option::Option::Some(#lower))
                }
                None => quote!(::std::option::Option::None),
            };
            let (total_header, limit) = (header(total), header(limit_header));
            let mut doc = format!(
                "Every page of the list, as a lazy stream: the request is sent with `{offset}` 0, n, 2n… (an `{offset}` set \
                 on the builder is replaced), n being the length of each page; the builder's other parameters apply to every page."
            );
            match total {
                Some(total) => doc.push_str(&format!(" Each page has the list's size, from the `{total}` header.")),
                None => doc.push_str(" The document declares no header with the list's size."),
            }
            doc.push_str(" Ends after an empty or short page, at the list's size, or at the first error.");
            let body = quote! {
                crate::paging::by_offset(
                    self,
                    crate::paging::OffsetHeaders { total: #total_header, limit: #limit },
                    |builder, offset| builder.#at(offset),
                    |builder| builder.send(),
                )
            };
            (doc, body)
        }
        Kind::Cursor { token, next, more, items, page, access } => {
            let at = format_ident!("{}", method_name(token));
            let items_ident = format_ident!("{}", method_name(items));
            let next_token = &access.next;
            let until = match &access.more {
                Some(more) => quote!(let next = if #more == Some(false) { None } else { next };),
                None => quote!(),
            };
            let mut doc = format!(
                "Every page of the list, as a lazy stream: each page's `{next}` is sent as `{token}` for the next one; the \
                 builder's other parameters apply to every page. Ends after the page without a `{next}`"
            );
            if let Some(more) = more {
                doc.push_str(&format!(" or whose `{more}` is false"));
            }
            doc.push_str(
                ", or at the first error; a server that answers a token with the same token ends it with an error instead of looping.",
            );
            let body = quote! {
                let vendor = ClientInfo::inner(self.client).vendor();
                crate::paging::by_cursor(
                    self,
                    vendor,
                    |builder, token| builder.#at(token),
                    |builder| builder.send(),
                    |page: #page| {
                        let next: ::std::option::Option<::std::string::String> = #next_token;
                        #until
                        (page.#items_ident, next)
                    },
                )
            };
            (doc, body)
        }
    };
    syn::parse_quote! {
        impl<'a> #ident<'a> {
            #[doc = #doc]
            pub fn pages(self) -> impl ::futures::Stream<Item = ::std::result::Result<crate::Page<#item>, crate::Error>> + 'a {
                #pages
            }

            /// Every item of every page (see [`pages`](Self::pages)), one by
            /// one, as a lazy stream.
            pub fn items(self) -> impl ::futures::Stream<Item = ::std::result::Result<#item, crate::Error>> + 'a {
                crate::paging::items(self.pages())
            }
        }
    }
}

/// A setter of the builder, by its parameter's wire name.
fn has_setter(builder: &Builder, wire: &str) -> Result<(), String> {
    if builder.setters.contains_key(&method_name(wire)) {
        Ok(())
    } else {
        Err(format!("its builder has no setter for the query parameter `{wire}`"))
    }
}

/// The item type and paging of an offset list (`Vec<T>` answered).
fn offset(mark: &Value, builder: &Builder, response: &syn::Type) -> Result<(syn::Type, Kind), String> {
    if last_ident(response).as_deref() != Some("Vec") {
        return Err(format!("its answer is `{}`, not a list", response.to_token_stream()));
    }
    let item = first_type_argument(response).ok_or("its list has no item type")?.clone();
    let field = |key: &str| mark.get(key).and_then(Value::as_str).map(str::to_string);
    let offset = field("offset").ok_or("the mark names no offset parameter")?;
    let limit = field("limit").ok_or("the mark names no limit parameter")?;
    has_setter(builder, &offset)?;
    Ok((item, Kind::Offset { offset, limit, total: field("total"), limit_header: field("limit_header") }))
}

/// The item type and paging of a cursor list (a page object answered).
fn cursor(
    mark: &Value,
    builder: &Builder,
    response: &syn::Type,
    types: &BTreeMap<String, BTreeMap<String, syn::Type>>,
) -> Result<(syn::Type, Kind), String> {
    let field = |key: &str| mark.get(key).and_then(Value::as_str).map(str::to_string).ok_or(format!("the mark has no `{key}`"));
    let (token, next, items) = (field("token")?, field("next")?, field("items")?);
    let more = mark.get("more").and_then(Value::as_str).map(str::to_string);
    has_setter(builder, &token)?;
    let page = last_ident(response).ok_or_else(|| format!("its answer `{}` is not a named type", response.to_token_stream()))?;
    let fields = types.get(&page).ok_or_else(|| format!("its answer `{page}` is not a struct of the types module"))?;
    let items_name = method_name(&items);
    let list = fields.get(&items_name).ok_or_else(|| format!("`{page}` has no field `{items_name}`"))?;
    if last_ident(list).as_deref() != Some("Vec") {
        return Err(format!("`{page}.{items_name}` is not a list"));
    }
    let (next_place, next_ty) = place(types, &page, &next)?;
    let next_access = match last_ident(&next_ty).as_deref() {
        Some("bool") => return Err(format!("`{next}` of `{page}` is a flag, not a token")),
        _ => quote!((|| ::std::option::Option::Some(#next_place.to_string()))()),
    };
    let more_access = match &more {
        Some(more) => {
            let (more_place, more_ty) = place(types, &page, more)?;
            if last_ident(&more_ty).as_deref() != Some("bool") {
                return Err(format!("`{more}` of `{page}` is not a flag"));
            }
            Some(quote!((|| ::std::option::Option::Some(*#more_place))()))
        }
        None => None,
    };
    let item = in_builder_module(first_type_argument(list).ok_or("its list has no item type")?)?;
    let access = Box::new(Access { next: next_access, more: more_access });
    Ok((item, Kind::Cursor { token, next, more, items, page: Box::new(response.clone()), access }))
}

/// A reference to the property at the dotted `path` of a `page` value of
/// struct `page_type`, as an expression usable in a closure returning an
/// `Option` (each optional field on the way is `as_ref()?`), and the type
/// it ends on.
fn place(
    types: &BTreeMap<String, BTreeMap<String, syn::Type>>,
    page_type: &str,
    path: &str,
) -> Result<(proc_macro2::TokenStream, syn::Type), String> {
    let mut expression = quote!(page);
    let mut owner = page_type.to_string();
    let mut segments = path.split('.').peekable();
    while let Some(segment) = segments.next() {
        let name = method_name(segment);
        let fields = types.get(&owner).ok_or_else(|| format!("`{owner}` (on the way to `{path}`) is not a struct of the types module"))?;
        let mut ty = fields.get(&name).ok_or_else(|| format!("`{owner}` has no field `{name}` (on the way to `{path}`)"))?.clone();
        let ident = format_ident!("{name}");
        expression = quote!(#expression.#ident);
        if last_ident(&ty).as_deref() == Some("Option") {
            ty = first_type_argument(&ty).ok_or("an Option without a type")?.clone();
            expression = quote!((*#expression.as_ref()?));
        }
        if segments.peek().is_none() {
            return Ok((quote!((&#expression)), ty));
        }
        owner = last_ident(&ty).ok_or_else(|| format!("`{name}` of `{owner}` is not a named type"))?;
    }
    Err(format!("the path `{path}` is empty"))
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
    for item in builders::items_of(file, "types") {
        let syn::Item::Struct(s) = item else { continue };
        let fields = s.fields.iter().filter_map(|f| Some((f.ident.as_ref()?.to_string(), f.ty.clone()))).collect();
        out.insert(s.ident.to_string(), fields);
    }
    out
}
