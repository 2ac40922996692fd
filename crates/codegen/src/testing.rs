//! The typed expectations of accounting-sync's `testing` feature, generated
//! for every operation of a normalized document (the model crate's build script writes them to
//! `$OUT_DIR/<api>_testing.rs` when the feature is on).
//!
//! The Rust types come from the client progenitor generated for the same
//! document (its builders' setters and `send` signatures), not from a second
//! reading of the schemas: an expectation takes exactly the values the
//! client's builder takes, so the two cannot drift apart.
//!
//! Why our own generation over a loopback hyper server, rather than
//! progenitor's httpmock generator or wiremock: a stand-in must drop a
//! connection (neither mock server can), check every request against the
//! document before any expectation sees it, and serve the vendors' token
//! endpoints and paging; hyper is already in the crate's dependency tree
//! (reqwest's), where httpmock would add a second mock server and its
//! dependencies, and wiremock would become a normal dependency.

use crate::builders::{is_byte_stream, Builder};
use quote::{format_ident, quote, ToTokens};
use spec_core::naming::method_name;
use spec_core::walk;
use std::collections::BTreeMap;

/// Methods of `crate::testing::Expectation` that a generated parameter
/// matcher must not shadow (a parameter of that name gets `_param`).
const RESERVED: &[&str] = &[
    "body",
    "body_where",
    "times",
    "up_to",
    "delay",
    "retry_after",
    "header",
    "respond",
    "respond_json",
    "respond_sample",
    "fail",
    "fail_status",
    "rate_limited",
    "drop_connection",
    "matching",
    "paged",
    "mount",
    "pages_of",
    "list_of",
];

/// The names of the document extensions the stand-ins read, as Rust
/// constants (`$OUT_DIR/extensions.rs`, included by `accounting_sync::testing`):
/// spec-core's, so that the normalizer that writes them and the stand-ins that
/// read them cannot disagree.
pub fn extension_names() -> String {
    use spec_core::extensions::{ENUM_VALUES, REQUIRED_CLIENT_HEADERS};
    format!(
        "/// The values of an enum the normalizer made a string.\n\
         pub(crate) const ENUM_VALUES: &str = {ENUM_VALUES:?};\n\
         /// The headers an operation needs that the client sets itself.\n\
         pub(crate) const REQUIRED_CLIENT_HEADERS: &str = {REQUIRED_CLIENT_HEADERS:?};\n"
    )
}

/// The code of `crate::testing::<api>`'s generated part, for the normalized
/// document `doc` whose client (as the model crate's build script generated
/// it: the model's and every group's code, one after the other) is `client`;
/// `api` is the module the client lives in (`rebilly`).
pub fn code(doc: &serde_json::Value, client: &str, api: &str) -> Result<String, String> {
    let file = syn::parse_file(client).map_err(|e| format!("the generated client does not parse: {e}"))?;
    let builders = builders(&file);
    let declared = declared_types(&file);
    let absolute = |ty: &syn::Type| absolute(ty, api);
    let mut ops = Vec::new();
    let mut specs = Vec::new();
    let mut impls = Vec::new();
    let mut starters = Vec::new();
    let (mut calls, mut not_called) = (Vec::new(), Vec::new());
    for operation in walk::operations(doc) {
        let id = operation.id().ok_or_else(|| format!("{} {} has no operationId", operation.method, operation.path))?;
        let name = method_name(id);
        let type_name = heck::ToUpperCamelCase::to_upper_camel_case(name.as_str());
        let builder = builders.get(&type_name).ok_or_else(|| format!("no builder {type_name} for operation {id}"))?;
        let method = operation.method.to_uppercase();
        let path = operation.path;
        let status = success_status(operation.op);
        let marker = format_ident!("{type_name}");
        let doc_line = format!("`{name}`: `{method} {path}` (operationId `{id}`).");
        let response = builder.response.as_ref().map(absolute).unwrap_or_else(|| quote!(serde_json::Value));
        let error = builder.error.as_ref().map(absolute).unwrap_or_else(|| quote!(serde_json::Value));
        let has_body = operation.request_body().is_some();
        // A body the stand-in can read as JSON is typed; another (a file
        // upload, bytes) is not matched by value: `()`.
        let json_body = operation
            .request_body()
            .map(|b| spec_core::refs::deref(doc, b))
            .and_then(|b| b.get("content"))
            .and_then(|c| c.as_object())
            .is_some_and(|c| c.contains_key("application/json"));
        // A raw body with its form (`x-form`): the call encodes a sample of
        // the form and sends the content type that says so.
        let form = operation
            .request_body()
            .map(|b| spec_core::refs::deref(doc, b))
            .is_some_and(|b| b.get(spec_core::extensions::FORM).is_some_and(|f| f.is_object()));
        let body = match (json_body, builder.setters.get("body")) {
            (true, Some(ty)) => absolute(ty),
            _ => quote!(()),
        };
        ops.push(quote! {
            #[doc = #doc_line]
            #[derive(Clone, Copy, Debug)]
            pub struct #marker;
            impl crate::testing::Operation for #marker {
                const NAME: &'static str = #name;
                type Body = #body;
                type Response = #response;
                type Error = #error;
            }
        });
        specs.push(quote! { crate::testing::OpSpec { name: #name, method: #method, path: #path, status: #status } });

        let mut setters = Vec::new();
        // The per-operation test's call: every parameter the builder takes.
        let mut arguments = Vec::new();
        for p in operation.parameters(doc) {
            let (Some(wire), Some(location)) = (p.get("name").and_then(|v| v.as_str()), p.get("in").and_then(|v| v.as_str())) else {
                continue;
            };
            let setter = method_name(wire);
            // Headers the client sets itself (Monite's entity) are checked by
            // the stand-in, not matched per expectation.
            let Some(ty) = builder.setters.get(&setter) else { continue };
            let ty = absolute(ty);
            let client_setter = format_ident!("{setter}");
            if form && wire.eq_ignore_ascii_case("content-type") {
                arguments.push(quote!(.#client_setter(form.0)));
            } else {
                arguments.push(quote!(.#client_setter(crate::testing::sample::parameter::<#ty>(&API, #name, #wire))));
            }
            let location = match location {
                "path" => quote!(crate::testing::Location::Path),
                "query" => quote!(crate::testing::Location::Query),
                "header" => quote!(crate::testing::Location::Header),
                _ => continue,
            };
            let fn_name = if RESERVED.contains(&setter.as_str()) { format_ident!("{setter}_param") } else { format_ident!("{setter}") };
            let text = format!("Only requests whose `{wire}` is `value` (typed as the client's builder takes it).");
            setters.push(quote! {
                #[doc = #text]
                pub fn #fn_name<V>(self, value: V) -> Self
                where
                    V: std::convert::TryInto<#ty>,
                    <V as std::convert::TryInto<#ty>>::Error: std::fmt::Debug,
                {
                    let value: #ty = value.try_into().unwrap_or_else(|e| panic!("{} for `{}`: {e:?}", #wire, #name));
                    self.matching(#location, #wire, &value)
                }
            });
        }
        if !setters.is_empty() {
            impls.push(quote! {
                impl crate::testing::Expectation<ops::#marker> {
                    #(#setters)*
                }
            });
        }
        let credentials = credentials(doc, operation.op);
        let sent = match (has_body, json_body, form) {
            (false, _, _) => SentBody::None,
            (true, true, _) if body.to_string() != "()" => SentBody::Json(body.clone()),
            (true, false, true) => SentBody::Form,
            _ => SentBody::Other,
        };
        match call(&name, api, &credentials, sent, &arguments) {
            Ok(code) => calls.push(code),
            Err(why) => not_called.push(quote!((#name, #why))),
        }
        let starter = format_ident!("{name}");
        let text = format!("An expectation on {doc_line} Mount it with an answer (`respond`, `fail`, …)");
        starters.push(quote! {
            #[doc = #text]
            pub fn #starter(&self) -> crate::testing::Expectation<ops::#marker> {
                self.core.expect::<ops::#marker>()
            }
        });
    }
    for list in crate::paging::lists(&file, doc, None)? {
        impls.push(pages_of(&list, api));
    }
    let mut samples = Vec::new();
    let mut sample_checks = Vec::new();
    for name in doc.pointer("/components/schemas").and_then(|s| s.as_object()).into_iter().flatten().map(|(k, _)| k) {
        let type_name = heck::ToUpperCamelCase::to_upper_camel_case(name.as_str());
        if !declared.contains(&type_name) {
            continue;
        }
        let ty = format_ident!("{type_name}");
        let module = format_ident!("{api}");
        sample_checks.push(quote! { (#name, || { let _: crate::#module::types::#ty = crate::testing::sample(); }) });
        samples.push(quote! {
            impl crate::testing::Sample for crate::#module::types::#ty {
                fn schema() -> (&'static crate::testing::Api, &'static str) {
                    (&API, #name)
                }
            }
        });
    }
    let module = format_ident!("{api}");
    let client_type = quote!(crate::#module::Client);
    let tokens = quote! {
        /// One marker type per operation, naming its typed body, response
        /// and error body ([`crate::testing::Operation`]).
        pub mod ops {
            #(#ops)*
        }
        /// Every operation: name, method, path template, success status.
        pub(crate) const OPERATIONS: &[crate::testing::OpSpec] = &[#(#specs),*];
        #(#impls)*
        impl StandIn {
            #(#starters)*
        }
        #(#samples)*
        /// Makes a sample of each model (each panics if its sample is not
        /// valid per the document), for the crate's own test.
        #[cfg(test)]
        pub(crate) const SAMPLE_CHECKS: &[(&str, fn())] = &[#(#sample_checks),*];
        /// Every operation the client can call with samples, called through
        /// it: a sample of every parameter and of the JSON body, as the
        /// document describes them. [`NOT_CALLED`] lists the others, and why.
        pub const CALLS: &[crate::testing::Call<#client_type>] = &[#(#calls),*];
        /// The operations [`CALLS`] leaves out, and why.
        pub const NOT_CALLED: &[(&str, &str)] = &[#(#not_called),*];

    };
    let file = syn::parse2::<syn::File>(tokens).map_err(|e| format!("the testing code does not parse: {e}"))?;
    Ok(prettyplease::unparse(&file))
}

/// The body an operation's call sends.
enum SentBody {
    /// It takes none.
    None,
    /// A sample of this JSON type.
    Json(proc_macro2::TokenStream),
    /// A sample of its form (`x-form`), encoded.
    Form,
    /// Something the samples cannot make (bytes without a form).
    Other,
}

/// The entry of `CALLS` for operation `name` of `api`: the client's call
/// with a sample of each parameter (`arguments`) and of the JSON body, or
/// why there is none.
fn call(
    name: &str,
    api: &str,
    credentials: &[proc_macro2::TokenStream],
    body: SentBody,
    arguments: &[proc_macro2::TokenStream],
) -> Result<proc_macro2::TokenStream, String> {
    let method = format_ident!("{name}");
    let module = format_ident!("{api}");
    let form_key = spec_core::extensions::FORM;
    let (make_form, body_argument) = match body {
        SentBody::None => (quote!(), quote!()),
        SentBody::Json(ty) => (quote!(), quote!(.body(crate::testing::sample::request_body::<#ty>(&API, #name)))),
        SentBody::Form => (quote!(let form = crate::testing::sample::form_body(&API, #name, #form_key);), quote!(.body(form.1))),
        SentBody::Other => return Err("its body is neither JSON nor a form the document describes".into()),
    };
    Ok(quote! {
        crate::testing::Call {
            operation: #name,
            credentials: &[#(#credentials),*],
            run: |client: &crate::#module::Client| Box::pin(async move {
                #make_form
                client.#method()#(#arguments)*#body_argument.send().await.map(|_| ())
            }),
        }
    })
}

/// The credentials operation `op` takes, each alternative of its security
/// requirements (or the document's) as a `crate::testing::Credential`,
/// in the document's order; schemes we cannot send are left out.
fn credentials(doc: &serde_json::Value, op: &serde_json::Map<String, serde_json::Value>) -> Vec<proc_macro2::TokenStream> {
    let requirements = op.get("security").or_else(|| doc.get("security")).and_then(|s| s.as_array());
    let mut out = Vec::new();
    for requirement in requirements.into_iter().flatten().filter_map(|r| r.as_object()) {
        let Some((scheme, _)) = requirement.iter().next() else {
            out.push(quote!(crate::testing::Credential::None));
            continue;
        };
        let Some(scheme) = doc.pointer(&format!("/components/securitySchemes/{scheme}")) else { continue };
        let field = |k: &str| scheme.get(k).and_then(|v| v.as_str()).unwrap_or_default();
        let credential = match (field("type"), field("in")) {
            ("http", _) if field("scheme").eq_ignore_ascii_case("bearer") => quote!(crate::testing::Credential::Bearer),
            ("oauth2" | "openIdConnect", _) => quote!(crate::testing::Credential::Bearer),
            ("apiKey", "header") => {
                let header = field("name");
                quote!(crate::testing::Credential::Header(#header))
            }
            _ => continue,
        };
        if !out.iter().any(|c: &proc_macro2::TokenStream| c.to_string() == credential.to_string()) {
            out.push(credential);
        }
    }
    out
}

/// `pages_of` on the expectation of a paged list: the stand-in serves the
/// items as the list's mark says the vendor pages them.
fn pages_of(list: &crate::paging::List, api: &str) -> proc_macro2::TokenStream {
    use crate::paging::Kind;
    let marker = format_ident!("{}", list.type_name);
    let item = absolute(&list.item, api);
    let optional = |name: &Option<String>| match name {
        Some(name) => quote!(Some(#name)),
        None => quote!(None),
    };
    let (text, pager) = match &list.kind {
        Kind::Offset { offset, limit, total, limit_header } => {
            let (total_header, limit_header_name) = (optional(total), optional(limit_header));
            let text = format!(
                "Mounts the list `items`, paged by offset as the vendor pages it: `{offset}` and `{limit}` from the query \
                 (pages of at most `page_size`){}.",
                match (total, limit_header) {
                    (Some(t), Some(l)) => format!(", the list's size in `{t}` and the page size in `{l}`"),
                    (Some(t), None) => format!(", the list's size in `{t}`"),
                    _ => String::new(),
                }
            );
            let pager = quote! {
                crate::testing::pagers::by_offset(&items, page_size, crate::testing::pagers::OffsetNames {
                    offset: #offset, limit: #limit, total: #total_header, limit_header: #limit_header_name,
                })
            };
            (text, pager)
        }
        Kind::Cursor { token, next, more, items, .. } => {
            let more_name = optional(more);
            let text = format!(
                "Mounts the list `items`, paged by cursor as the vendor pages it: at most `page_size` a page (or the \
                 request's `limit`), in `{items}`, each page but the last with a `{next}` the next request sends back as `{token}`{}.",
                more.as_ref().map(|m| format!(", and `{m}` true")).unwrap_or_default()
            );
            let pager = quote! {
                crate::testing::pagers::by_cursor(&items, page_size, crate::testing::pagers::CursorNames {
                    token: #token, next: #next, more: #more_name, items: #items,
                })
            };
            (text, pager)
        }
    };
    quote! {
        impl crate::testing::Expectation<ops::#marker> {
            #[doc = #text]
            pub fn pages_of(self, items: ::std::vec::Vec<#item>, page_size: usize) -> crate::testing::Mounted<ops::#marker> {
                self.paged(#pager)
            }
        }
    }
}

/// The first 2xx status of an operation (201 for a creation), 200 if none.
fn success_status(op: &serde_json::Map<String, serde_json::Value>) -> u16 {
    op.get("responses")
        .and_then(|r| r.as_object())
        .into_iter()
        .flatten()
        .filter_map(|(code, _)| code.parse::<u16>().ok())
        .find(|code| (200..300).contains(code))
        .unwrap_or(200)
}

/// `ty` with the generated code's relative `types::` made `crate::<api>::types::`, and the
/// model's `crate::enums::` and `::accounting_sync_<api>_model::{types, enums}::`
/// `crate::<api>::{types, enums}::` (the API crate re-exports both).
fn absolute(ty: &syn::Type, api: &str) -> proc_macro2::TokenStream {
    let text = ty.to_token_stream().to_string();
    let mut out = Vec::new();
    let mut previous = "";
    for token in text.split_whitespace() {
        if token == "types" && previous != "::" {
            out.push(format!("crate :: {api} :: types"));
        } else {
            out.push(token.to_string());
        }
        previous = token;
    }
    // The open enums are the API crate's `crate::enums`, its `enums` here.
    let model = format!(":: {} ::", crate::compose::model_crate(api));
    out.join(" ")
        .replace(&format!("{model} types ::"), &format!("crate :: {api} :: types ::"))
        .replace(&format!("{model} enums ::"), &format!("crate :: {api} :: enums ::"))
        .replace("crate :: enums ::", &format!("crate :: {api} :: enums ::"))
        .parse()
        .expect("a type stays a type")
}

/// The public struct and enum names of the generated `types` module.
fn declared_types(file: &syn::File) -> Vec<String> {
    crate::builders::items_of(file, "types")
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            syn::Item::Enum(e) => Some(e.ident.to_string()),
            _ => None,
        })
        .collect()
}

/// Each builder's setters, and the JSON types its `send` answers and fails
/// with: `None` for a `()` error or a byte stream, which have no JSON to type.
fn builders(file: &syn::File) -> BTreeMap<String, Builder> {
    let mut out = crate::builders::read(file);
    for builder in out.values_mut() {
        builder.response = builder.response.take().filter(|t| !is_byte_stream(t));
        builder.error =
            builder.error.take().filter(|t| !is_byte_stream(t) && !matches!(t, syn::Type::Tuple(tuple) if tuple.elems.is_empty()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every operation of the committed documents gets an expectation with
    /// its typed body and response, and the documents' models samples.
    #[test]
    fn every_operation_of_the_committed_documents_has_an_expectation() {
        let specs = spec_files::Specs::of_workspace(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."));
        for api in specs.apis().unwrap() {
            let text = std::fs::read_to_string(api.normalized()).unwrap();
            let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
            let client = crate::generate_text(&text, api.name()).unwrap();
            let code = code(&doc, &client, api.name()).unwrap();
            for operation in walk::operations(&doc) {
                let name = method_name(operation.id().unwrap());
                assert!(code.contains(&format!("pub fn {name}(")), "{}: {name}", api.name());
                // A call in CALLS, or a reason in NOT_CALLED.
                let called = code.contains(&format!("operation: \"{name}\","));
                let left_out = code.contains(&format!("(\"{name}\", \""));
                assert!(called != left_out, "{}: {name} is called {called}, left out {left_out}", api.name());
            }
            assert!(code.contains("impl crate::testing::Sample for"), "{}", api.name());
        }
    }
}
