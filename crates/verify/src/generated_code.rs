//! Reading generated code without parsing it: the split clients are 15 MB.

use std::collections::HashSet;

// The names a code declares, read as the product's model crates read them.
pub use accounting_sync_codegen::parts::{declared_types, names_after};

/// The structs and enums of `code` that hold any JSON: a newtype of
/// `serde_json::Value` or `serde_json::Map`, or an enum with a variant of
/// one (typify's rendering of `{type: object}` without properties, or of a
/// union with an untyped member). Declared, but no more typed than `Value`.
pub fn any_json_types(code: &str) -> HashSet<&str> {
    let mut out = HashSet::new();
    for (prefix, open, close) in [("pub struct ", '(', ')'), ("pub enum ", '{', '}')] {
        for (at, _) in code.match_indices(prefix) {
            let rest = &code[at + prefix.len()..];
            let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len());
            let (name, body) = (&rest[..end], rest[end..].trim_start());
            if !body.starts_with(open) {
                continue;
            }
            let mut depth = 0usize;
            let mut close_at = body.len();
            for (i, c) in body.char_indices() {
                if c == open {
                    depth += 1;
                } else if c == close {
                    depth -= 1;
                    if depth == 0 {
                        close_at = i;
                        break;
                    }
                }
            }
            let body = &body[..close_at];
            // A newtype's one field, or a tuple variant's: right after `(`.
            if body.split('(').skip(1).any(|s| s.trim_start().trim_start_matches("pub ").starts_with("::serde_json::")) {
                out.insert(name);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_json_types_are_newtypes_and_variants_of_value() {
        let code = "pub struct A(pub ::serde_json::Map<::std::string::String, ::serde_json::Value>);\n\
                    pub struct B { pub x: ::serde_json::Value }\n\
                    pub enum C { Boolean(bool), Object(\n    ::serde_json::Map<::std::string::String, ::serde_json::Value>,\n) }\n\
                    pub enum D { X, Y(::std::string::String) }\n\
                    pub struct E(::std::string::String);";
        let found = any_json_types(code);
        assert_eq!(found, ["A", "C"].into_iter().collect());
    }
}
