//! Flat open enums: every component the normalizer marked `x-open-enum`
//! becomes `enum X { A, B, Unknown(String) }`, written here and given to
//! progenitor as a replacement for the type it would generate. A value the
//! document does not list decodes to `Unknown` and encodes back unchanged;
//! `as_str`, `Display`, `FromStr` and `From<&str>` make the enum as easy to
//! use as a string. Discriminator tags are never marked, so stay closed.

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use spec_core::extensions::OPEN_ENUM;

/// One flat open enum of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenEnum {
    /// The component's name, which is the Rust type's.
    pub name: String,
    /// The component's description.
    pub description: Option<String>,
    /// The values the document lists, in its order.
    pub values: Vec<String>,
}

/// The flat open enums of a normalized document, in component order.
pub fn find(doc: &serde_json::Value) -> Vec<OpenEnum> {
    let Some(schemas) = doc.pointer("/components/schemas").and_then(serde_json::Value::as_object) else { return Vec::new() };
    schemas
        .iter()
        .filter(|(_, s)| s.get(OPEN_ENUM) == Some(&serde_json::Value::Bool(true)))
        .map(|(name, s)| OpenEnum {
            name: name.clone(),
            description: s.get("description").and_then(serde_json::Value::as_str).map(str::to_string),
            values: s
                .get("enum")
                .and_then(serde_json::Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
        })
        .collect()
}

/// The Rust type name of a component (typify's: Pascal case of its words).
pub fn type_name(name: &str) -> String {
    name.to_upper_camel_case()
}

/// A variant name per value: Pascal case of its words (the normalizer's
/// enum_names pass made them distinct), `V` before a leading digit, and
/// `UnknownValue` for a value spelled "unknown" (it would clash with the
/// catch-all), `SelfValue` for "self".
fn variant_names(values: &[String]) -> Vec<String> {
    values
        .iter()
        .map(|v| {
            let words: String = v.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect();
            let name = words.to_upper_camel_case();
            match name.chars().next() {
                Some(c) if c.is_ascii_digit() => format!("V{name}"),
                None => "Empty".to_string(),
                // The catch-all's name, and the one keyword in Pascal case.
                _ if name == "Unknown" || name == "Self" => format!("{name}Value"),
                _ => name,
            }
        })
        .collect()
}

/// The code of every enum, as one Rust file.
pub fn code(enums: &[OpenEnum]) -> String {
    let items: Vec<TokenStream> = enums.iter().map(one).collect();
    let file = quote! {
        #(#items)*
    };
    match syn::parse2(file.clone()) {
        Ok(parsed) => prettyplease::unparse(&parsed),
        Err(e) => panic!("the open enums do not parse: {e}\n{file}"),
    }
}

fn one(e: &OpenEnum) -> TokenStream {
    let ty = format_ident!("{}", type_name(&e.name));
    let name = type_name(&e.name);
    let variants: Vec<_> = variant_names(&e.values).iter().map(|v| format_ident!("{v}")).collect();
    let values = &e.values;
    let docs: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
    let listed = values.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ");
    let summary = e.description.clone().unwrap_or_else(|| format!("One of {listed}, or a value added since."));
    let detail = format!("Open: a value not listed here decodes to [`{name}::Unknown`] and is sent back unchanged. Listed: {listed}.");
    quote! {
        #[doc = #summary]
        ///
        #[doc = #detail]
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #ty {
            #( #[doc = #docs] #variants, )*
            /// A value the document does not list, as the server sent it.
            /// Build values with `From<&str>`, which maps a listed value to
            /// its variant.
            Unknown(::std::string::String),
        }

        impl #ty {
            /// Every value the document lists.
            pub const KNOWN: &'static [#ty] = &[#( #ty::#variants ),*];

            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #( #ty::#variants => #values, )*
                    #ty::Unknown(value) => value.as_str(),
                }
            }

            /// Whether the value is one the document does not list.
            pub fn is_unknown(&self) -> bool {
                matches!(self, #ty::Unknown(_))
            }
        }

        impl ::std::fmt::Display for #ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for #ty {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::std::convert::From<&str> for #ty {
            fn from(value: &str) -> Self {
                match value {
                    #( #values => #ty::#variants, )*
                    other => #ty::Unknown(other.to_string()),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for #ty {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    #( #values => #ty::#variants, )*
                    _ => #ty::Unknown(value),
                }
            }
        }

        impl ::std::convert::From<&#ty> for #ty {
            fn from(value: &#ty) -> Self {
                value.clone()
            }
        }

        impl ::serde::Serialize for #ty {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                crate::open_enum::deserialize(deserializer)
            }
        }

        impl ::schemars::JsonSchema for #ty {
            fn schema_name() -> ::std::string::String {
                #name.to_string()
            }
            fn json_schema(_: &mut ::schemars::gen::SchemaGenerator) -> ::schemars::schema::Schema {
                ::schemars::schema::SchemaObject {
                    instance_type: Some(::schemars::schema::InstanceType::String.into()),
                    metadata: Some(Box::new(::schemars::schema::Metadata {
                        description: Some(#detail.to_string()),
                        ..Default::default()
                    })),
                    ..Default::default()
                }
                .into()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variant_names_are_pascal_case_and_never_clash_with_unknown() {
        let values: Vec<String> =
            ["quickbooks-online", "SYNC_SUCCESS", "2fa", "unknown", "in progress", "self"].iter().map(|s| s.to_string()).collect();
        assert_eq!(variant_names(&values), ["QuickbooksOnline", "SyncSuccess", "V2fa", "UnknownValue", "InProgress", "SelfValue"]);
    }

    #[test]
    fn marked_components_are_found_with_their_values() {
        let doc = serde_json::json!({"components": {"schemas": {
            "Status": {"type": "string", "enum": ["a", "b"], "x-open-enum": true, "description": "Where."},
            "Closed": {"type": "string", "enum": ["c"]}
        }}});
        let found = find(&doc);
        assert_eq!(found, [OpenEnum { name: "Status".into(), description: Some("Where.".into()), values: vec!["a".into(), "b".into()] }]);
        let code = code(&found);
        assert!(code.contains("pub enum Status") && code.contains("Unknown(::std::string::String)"), "{code}");
    }
}
