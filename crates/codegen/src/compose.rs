//! The API crate's `Client` over the parts of its client (`parts.rs`): one
//! struct holding each enabled group's progenitor client over one shared
//! context, a one-line method per operation returning that group's request
//! builder (its documentation copied), and the `types` and `builder`
//! modules joining the groups' own; and the model crate's macros, which
//! include the generated files into the part crates and the API crate.

use crate::parts::Group;
use quote::{format_ident, quote};
use std::collections::BTreeMap;
use std::path::Path;

/// The Rust crate name of `api`'s model crate.
pub fn model_crate(api: &str) -> String {
    format!("accounting_sync_{api}_model")
}

/// The Rust crate name of `api`'s part `n`.
pub fn part_crate(api: &str, n: usize) -> String {
    format!("accounting_sync_{api}_part_{n}")
}

/// The file (in the model crate's `OUT_DIR`) a group's code is written to.
pub fn group_file(api: &str, group: Group) -> String {
    match group {
        Group::Own => format!("{api}_own.rs"),
        Group::Part(n) => format!("{api}_part_{n}.rs"),
    }
}

/// The path a group's items are named by from the API crate's root.
fn group_path(api: &str, group: Group) -> proc_macro2::TokenStream {
    match group {
        Group::Own => quote!(crate::own),
        Group::Part(n) => {
            let krate = format_ident!("{}", part_crate(api, n));
            quote!(::#krate)
        }
    }
}

fn field(group: Group) -> proc_macro2::Ident {
    match group {
        Group::Own => format_ident!("own"),
        Group::Part(n) => format_ident!("part_{n}"),
    }
}

/// What a group's code declares that the composition names.
struct Declared {
    /// The client's operation methods: name, doc attributes, builder type.
    methods: Vec<(syn::Ident, Vec<syn::Attribute>, syn::Ident)>,
    /// The structs, enums and aliases of its `types` module.
    types: Vec<String>,
    /// The modules inside its `types` module (`builder`, `error`, …).
    type_modules: Vec<String>,
}

fn read(code: &str) -> Result<Declared, String> {
    let file = syn::parse_file(code).map_err(|e| format!("generated code does not parse: {e}"))?;
    let mut declared = Declared { methods: Vec::new(), types: Vec::new(), type_modules: Vec::new() };
    for item in &file.items {
        let syn::Item::Impl(block) = item else { continue };
        let is_client = matches!(&*block.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"));
        if block.trait_.is_some() || !is_client {
            continue;
        }
        for member in &block.items {
            let syn::ImplItem::Fn(f) = member else { continue };
            let syn::ReturnType::Type(_, ty) = &f.sig.output else { continue };
            let syn::Type::Path(p) = &**ty else { continue };
            let segments: Vec<&syn::PathSegment> = p.path.segments.iter().collect();
            if segments.len() == 2 && segments[0].ident == "builder" {
                let docs = f.attrs.iter().filter(|a| a.path().is_ident("doc")).cloned().collect();
                declared.methods.push((f.sig.ident.clone(), docs, segments[1].ident.clone()));
            }
        }
    }
    for item in crate::builders::items_of(&file, "types") {
        match item {
            syn::Item::Struct(s) => declared.types.push(s.ident.to_string()),
            syn::Item::Enum(e) => declared.types.push(e.ident.to_string()),
            syn::Item::Type(t) => declared.types.push(t.ident.to_string()),
            syn::Item::Mod(m) => declared.type_modules.push(m.ident.to_string()),
            _ => {}
        }
    }
    Ok(declared)
}

/// The API crate's composition (included at its root by the model's
/// `compose!`): `groups` are each enabled group with its generated code,
/// `model_code` the model's. Fails when two crates declare a type of the
/// same name: the joined `types` module could name only one of them.
pub fn code(api: &str, model_code: &str, groups: &[(Group, String)]) -> Result<String, String> {
    let model = format_ident!("{}", model_crate(api));
    let model_declared = read(model_code)?;
    let mut sources: Vec<(proc_macro2::TokenStream, Declared)> = vec![(quote!(::#model::types), model_declared)];
    let mut fields = Vec::new();
    let mut builds = Vec::new();
    let mut methods = Vec::new();
    let mut builder_uses = Vec::new();
    for (group, code) in groups {
        let declared = read(code)?;
        let path = group_path(api, *group);
        let name = field(*group);
        fields.push(quote!(#name: #path::Client));
        builds.push(quote!(#name: #path::Client::new_with_client(baseurl, client.clone(), inner.clone())));
        builder_uses.push(quote!(#[allow(unused_imports)] pub use #path::builder::*;));
        for (method, docs, builder) in &declared.methods {
            methods.push(quote! {
                #(#docs)*
                pub fn #method(&self) -> #path::builder::#builder<'_> {
                    self.#name.#method()
                }
            });
        }
        sources.push((quote!(#path::types), declared));
    }
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    let mut twice = Vec::new();
    for (i, (_, declared)) in sources.iter().enumerate() {
        for name in &declared.types {
            if let Some(first) = seen.insert(name.as_str(), i) {
                twice.push(format!("{name} (sources {first} and {i})"));
            }
        }
    }
    if !twice.is_empty() {
        return Err(format!("types declared by two crates of the client: {}", twice.join(", ")));
    }
    // A group may declare no type of its own.
    let type_globs: Vec<proc_macro2::TokenStream> =
        sources.iter().map(|(path, _)| quote!(#[allow(unused_imports)] pub use #path::*;)).collect();
    // `builder` (typify's model builders) is joined; any other module of the
    // `types` modules (`error`: the conversion error) is the first's.
    let builder_globs: Vec<proc_macro2::TokenStream> = sources
        .iter()
        .filter(|(_, d)| d.type_modules.iter().any(|m| m == "builder"))
        .map(|(path, _)| quote!(#[allow(unused_imports)] pub use #path::builder::*;))
        .collect();
    let mut modules: Vec<String> = sources.iter().flat_map(|(_, d)| d.type_modules.iter().cloned()).collect();
    modules.sort();
    modules.dedup();
    let other_modules: Vec<proc_macro2::TokenStream> = modules
        .iter()
        .filter(|m| *m != "builder")
        .filter_map(|m| {
            let (from, _) = sources.iter().find(|(_, d)| d.type_modules.contains(m))?;
            let m = format_ident!("{m}");
            Some(quote!(pub use #from::#m;))
        })
        .collect();
    let own = field(Group::Own);
    let tokens = quote! {
        /// The request and response types, the open enums among them: every string
        /// enum `X` is `enum X { A, B, Unknown(String) }`, so a value added by
        /// the vendor after our document decodes (as `Unknown`) instead of failing
        /// the response.
        pub mod types {
            #(#type_globs)*
            /// Builders of the request and response types.
            pub mod builder {
                #(#builder_globs)*
            }
            #(#other_modules)*
        }
        pub use ::#model::enums;
        /// The request builders, one per operation: set its parameters and body, then `send`.
        pub mod builder {
            #(#builder_uses)*
        }
        /// The client, for a glob import.
        pub mod prelude {
            pub use super::Client;
        }
        pub use progenitor_client::{ByteStream, ClientInfo, ResponseValue};
        #[doc(hidden)]
        pub use ::#model::{generated_file, TABLES};

        /// A client of the API: every operation of our document and of the
        /// enabled tag features, each a method returning its request builder.
        /// Cheap to clone: connections, credentials and the token cache are
        /// shared.
        #[derive(Clone, Debug)]
        pub struct Client {
            #(#fields,)*
        }

        impl Client {
            /// A client of `baseurl` with the context of an existing client
            /// (`ClientInfo::inner`): the same credentials and safeguards for
            /// another base URL (a proxy, a regional host).
            pub fn new(baseurl: &str, inner: crate::transport::ClientContext) -> Self {
                let own = crate::own::Client::new(baseurl, inner.clone());
                Self::new_with_client(baseurl, progenitor_client::ClientInfo::client(&own).clone(), inner)
            }

            /// A client of `baseurl` over `client`, with the facade's context
            /// (the constructors of this module call it).
            #[doc(hidden)]
            pub fn new_with_client(baseurl: &str, client: reqwest::Client, inner: crate::transport::ClientContext) -> Self {
                Self { #(#builds,)* }
            }
        }

        impl progenitor_client::ClientInfo<crate::transport::ClientContext> for Client {
            fn api_version() -> &'static str {
                <crate::own::Client as progenitor_client::ClientInfo<crate::transport::ClientContext>>::api_version()
            }
            fn baseurl(&self) -> &str {
                progenitor_client::ClientInfo::baseurl(&self.#own)
            }
            fn client(&self) -> &reqwest::Client {
                progenitor_client::ClientInfo::client(&self.#own)
            }
            fn inner(&self) -> &crate::transport::ClientContext {
                progenitor_client::ClientInfo::inner(&self.#own)
            }
        }

        impl Client {
            #(#methods)*
        }
    };
    let file = syn::parse2::<syn::File>(tokens).map_err(|e| format!("the composition does not parse: {e}"))?;
    Ok(prettyplease::unparse(&file))
}

/// The model crate's macros (`$OUT_DIR/<api>_macros.rs`), each including
/// files of `out_dir` by absolute path, so that the part crates and the API
/// crate need no build script of their own: `part!(n)` (the part crates'
/// lib.rs; empty for a part none of whose tags is enabled), `compose!()`
/// (the API crate) and, with `testing`, `generated_file!(testing)` and
/// `generated_file!(document)` (accounting-sync's testing module).
pub fn macros(api: &str, out_dir: &Path, parts: &[usize], testing: bool) -> String {
    let at = |file: &str| format!("{:?}", out_dir.join(file).display().to_string());
    let mut text = String::from("/// Includes a part of the client into its crate (`accounting_sync_<api>_part_<n>`).\n#[doc(hidden)]\n#[macro_export]\nmacro_rules! part {\n");
    for n in parts {
        text.push_str(&format!(
            "    ({n}) => {{\n        ::accounting_sync_runtime::facade_imports!();\n        ::accounting_sync_runtime::generated_part!({});\n    }};\n",
            at(&group_file(api, Group::Part(*n)))
        ));
    }
    text.push_str("    ($n:literal) => {};\n}\n\n");
    text.push_str(&format!(
        "/// The API crate's client: our document's operations (`own`) and the\n/// composition over the enabled parts.\n#[doc(hidden)]\n#[macro_export]\nmacro_rules! compose {{\n    () => {{\n        mod own {{\n            ::accounting_sync_runtime::generated_part!({});\n        }}\n        include!({});\n    }};\n}}\n",
        at(&group_file(api, Group::Own)),
        at(&format!("{api}_compose.rs"))
    ));
    if testing {
        text.push_str(&format!(
            "\n/// The testing kit's generated files.\n#[doc(hidden)]\n#[macro_export]\nmacro_rules! generated_file {{\n    (testing) => {{\n        include!({});\n    }};\n    (document) => {{\n        include_str!({})\n    }};\n}}\n",
            at(&format!("{api}_testing.rs")),
            at(&format!("{api}_document.json"))
        ));
    } else {
        text.push_str("\n/// The testing kit's generated files: none without the `testing` feature.\n#[doc(hidden)]\n#[macro_export]\nmacro_rules! generated_file {\n    ($file:ident) => {\n        compile_error!(\"the testing files are generated with the API crate's `testing` feature\")\n    };\n}\n");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::{BTreeMap, BTreeSet};

    fn op(id: &str, tag: &str, schema: &str) -> serde_json::Value {
        json!({"operationId": id, "tags": [tag], "responses": {"200": {"description": "ok",
            "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}}}})
    }

    /// The groups of a small document, generated as the build script does.
    fn generated(joined: &serde_json::Value, ours: &serde_json::Value) -> (String, Vec<(Group, String)>) {
        let enabled: BTreeSet<String> = ["A", "B"].map(String::from).into();
        let parts: BTreeMap<String, usize> = [("A", 1), ("B", 2)].map(|(t, n)| (t.to_string(), n)).into();
        let cut = crate::parts::partition(ours, joined, &enabled, &parts).unwrap();
        let model = crate::generate_group(&cut.model, "model", &[], "crate::enums", &[], None).unwrap();
        let file = syn::parse_file(&model).unwrap();
        let replacements = crate::parts::shared_replacements(&cut.model, "accounting_sync_t_model", &model);
        let groups = cut
            .groups
            .iter()
            .map(|(g, doc)| {
                let code = crate::generate_group(
                    doc,
                    "g",
                    &[],
                    "::accounting_sync_t_model::enums",
                    &replacements,
                    Some(("accounting_sync_t_model", &file)),
                );
                (*g, code.unwrap())
            })
            .collect();
        (model, groups)
    }

    /// One field per group, one delegating method per operation (with the
    /// group's documentation), and `types` joining the model and the groups.
    #[test]
    fn the_client_holds_every_group_and_calls_each_operation_through_its_own() {
        let ours = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {"/ids": {"get": op("getIds", "Ids", "Money")}},
            "components": {"schemas": {"Money": {"type": "object", "properties": {"amount": {"type": "integer"}}}}}});
        let mut joined = ours.clone();
        joined["paths"]["/a"] = json!({"get": op("getA", "A", "Invoice")});
        joined["paths"]["/b"] = json!({"get": op("getB", "B", "Money")});
        joined["components"]["schemas"]["Invoice"] =
            json!({"type": "object", "properties": {"total": {"$ref": "#/components/schemas/Money"}}});
        let (model, groups) = generated(&joined, &ours);
        let code = code("t", &model, &groups).unwrap();
        let flat: String = code.split_whitespace().collect();
        assert!(flat.contains("pubstructClient{own:crate::own::Client,part_1:::accounting_sync_t_part_1::Client,part_2:::accounting_sync_t_part_2::Client,}"), "{code}");
        assert!(flat.contains("pubfnget_a(&self)->::accounting_sync_t_part_1::builder::GetA<'_>{self.part_1.get_a()}"), "{code}");
        assert!(flat.contains("pubfnget_ids(&self)->crate::own::builder::GetIds<'_>{self.own.get_ids()}"), "{code}");
        assert!(flat.contains("/**Sendsa`GET`requestto`/b`"), "{code}");
        for types in ["::accounting_sync_t_model::types::*", "crate::own::types::*", "::accounting_sync_t_part_1::types::*"] {
            assert!(flat.contains(&format!("pubuse{types};")), "{types}: {code}");
        }
        // Two crates declaring one name: the joined `types` could name only one.
        let (model, mut twice) = generated(&joined, &ours);
        twice.push((Group::Part(3), twice[1].1.clone()));
        assert!(code_err(&model, &twice).contains("Invoice (sources 2 and 4)"));
    }

    fn code_err(model: &str, groups: &[(Group, String)]) -> String {
        code("t", model, groups).unwrap_err()
    }

    /// The macros include files by absolute path (escaped as Rust strings);
    /// a part with no enabled tag is an empty crate.
    #[test]
    fn the_macros_include_the_generated_files() {
        let text = macros("t", Path::new("/out \"dir\""), &[2], false);
        assert!(text.contains(r#"(2) => {"#) && text.contains(r#"generated_part!("/out \"dir\"/t_part_2.rs")"#), "{text}");
        assert!(text.contains("($n:literal) => {};"), "{text}");
        assert!(
            text.contains(r#"generated_part!("/out \"dir\"/t_own.rs")"#) && text.contains(r#"include!("/out \"dir\"/t_compose.rs")"#),
            "{text}"
        );
        assert!(text.contains("compile_error!"), "{text}");
        let testing = macros("t", Path::new("/o"), &[], true);
        assert!(
            testing.contains(r#"include!("/o/t_testing.rs")"#) && testing.contains(r#"include_str!("/o/t_document.json")"#),
            "{testing}"
        );
    }
}
