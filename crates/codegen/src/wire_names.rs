//! Wire names of renamed properties: the normalizer's property_names pass
//! gives properties whose Rust names clash a new key (`Pet#2`) and lists the
//! wire name in the object's `x-wire-names`. typify takes a field's serde
//! name from the key, so this step puts the wire name back into each such
//! field's `#[serde(rename = "…")]` (typify writes one, since the key is not
//! a Rust name). Nothing else in the code changes.

use proc_macro2::{Literal, TokenStream, TokenTree};
use serde_json::Value;
use spec_core::extensions::WIRE_NAMES;
use std::collections::HashMap;

/// Renamed key → wire name, from every schema of `doc`.
pub(crate) fn find(doc: &mut Value) -> HashMap<String, String> {
    let mut names = HashMap::new();
    spec_core::walk::for_each_schema(doc, &mut |s, _| {
        for (key, wire) in s.get(WIRE_NAMES).and_then(Value::as_object).into_iter().flatten() {
            if let Some(wire) = wire.as_str() {
                names.insert(key.clone(), wire.to_string());
            }
        }
    });
    names
}

/// Rewrites the serde names in `file` that are renamed keys to their wire
/// names, in the fields of every struct and enum variant.
pub(crate) fn restore(file: &mut syn::File, names: &HashMap<String, String>) {
    if !names.is_empty() {
        items(&mut file.items, names);
    }
}

fn items(items: &mut [syn::Item], names: &HashMap<String, String>) {
    for item in items {
        match item {
            syn::Item::Mod(m) => {
                if let Some((_, inner)) = &mut m.content {
                    self::items(inner, names);
                }
            }
            syn::Item::Struct(s) => fields(&mut s.fields, names),
            syn::Item::Enum(e) => e.variants.iter_mut().for_each(|v| fields(&mut v.fields, names)),
            _ => {}
        }
    }
}

fn fields(fields: &mut syn::Fields, names: &HashMap<String, String>) {
    for attr in fields.iter_mut().flat_map(|f| f.attrs.iter_mut()) {
        if let syn::Meta::List(list) = &mut attr.meta {
            if list.path.is_ident("serde") {
                list.tokens = rewrite(std::mem::take(&mut list.tokens), names);
            }
        }
    }
}

/// `tokens` with each string literal that is a renamed key replaced by its
/// wire name (serde's arguments are flat: `rename = "…", default`).
fn rewrite(tokens: TokenStream, names: &HashMap<String, String>) -> TokenStream {
    tokens
        .into_iter()
        .map(|token| match &token {
            TokenTree::Literal(literal) => match syn::parse_str::<syn::LitStr>(&literal.to_string()) {
                Ok(text) => match names.get(&text.value()) {
                    Some(wire) => TokenTree::Literal(Literal::string(wire)),
                    None => token,
                },
                Err(_) => token,
            },
            _ => token,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn renamed_keys_get_their_wire_names_back() {
        let mut doc = json!({"components": {"schemas": {"Pet": {"type": "object",
            "properties": {"Pet#2": {"type": "string"}, "pet": {"type": "string"}}, WIRE_NAMES: {"Pet#2": "Pet"}}}}});
        let names = find(&mut doc);
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct Pet {
                    #[serde(rename = "Pet#2", default, skip_serializing_if = "Option::is_none")]
                    pub pet_2: Option<String>,
                    #[serde(default)]
                    pub pet: Option<String>,
                }
            }
        };
        restore(&mut file, &names);
        let code = prettyplease::unparse(&file);
        assert!(code.contains(r#"#[serde(rename = "Pet", default, skip_serializing_if = "Option::is_none")]"#), "{code}");
        assert!(!code.contains("Pet#2"), "{code}");
    }
}
