//! Reading generated code without parsing it: the split clients are 15 MB.

use std::collections::HashSet;

/// The identifier right after each occurrence of `prefix` in `code`.
pub fn names_after<'a>(code: &'a str, prefix: &'a str) -> impl Iterator<Item = &'a str> {
    code.match_indices(prefix).map(move |(at, _)| {
        let rest = &code[at + prefix.len()..];
        &rest[..rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len())]
    })
}

/// The names of the structs and enums `code` declares, in one pass.
pub fn declared_types(code: &str) -> HashSet<&str> {
    names_after(code, "pub struct ").chain(names_after(code, "pub enum ")).collect()
}
