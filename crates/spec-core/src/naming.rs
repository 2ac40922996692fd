//! The names generated code gives things, in one place: what a component,
//! an operation, a property, an enum value or a tag is called in Rust. They
//! follow typify and progenitor, which choose the names in the generated
//! code; [`method_name`] and [`field_name`] are their rules exactly (tests in
//! codegen and verify compare with progenitor's output).

/// The Rust type name typify derives from a component name (PascalCase of
/// its words; close enough to tell clashes apart).
pub fn type_name(name: &str) -> String {
    let mut out = String::new();
    for word in name.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    out
}

/// The Rust type name typify gives a component, exactly: typify-impl
/// 0.8.0's `sanitize(name, Case::Pascal)`, heck's Pascal case, so acronyms
/// lose their capitals (`VatIDTypeEnum` → `VatIdTypeEnum`), `X` before a
/// leading character that cannot start an identifier, `_` after a keyword.
/// What to look for in generated code; [`type_name`] is the looser rule the
/// normalizer names new components by.
pub fn rust_type_name(name: &str) -> String {
    sanitize(name, heck::ToPascalCase::to_pascal_case, "X", "X")
}

/// The method name progenitor gives an operationId, exactly: progenitor's
/// `sanitize(id, Case::Snake)` (progenitor-impl 0.15.1, src/util.rs), which
/// is private. Apostrophes dropped, every character that cannot continue an
/// identifier made a word break, heck's snake case (`GetHTTPThing` →
/// `get_http_thing`), `_` before a leading character that cannot start one
/// (`2fa` → `_2fa`), `x` for nothing left, and `_` after a keyword (`type` →
/// `type_`). Also the name of a request builder's setter for a parameter.
pub fn method_name(id: &str) -> String {
    sanitize_snake(id, "_")
}

/// The field name typify gives an object property (typify-impl 0.8.0's
/// `sanitize(name, Case::Snake)`): as [`method_name`], except that a leading
/// character that cannot start an identifier gets `x` before it (`2fa` →
/// `x2fa`). The serde name stays the property's.
pub fn field_name(property: &str) -> String {
    sanitize_snake(property, "x")
}

/// The snake-case `sanitize` progenitor and typify share, with the prefix
/// each puts before a leading character that cannot start an identifier.
fn sanitize_snake(input: &str, leading: &str) -> String {
    sanitize(input, heck::ToSnakeCase::to_snake_case, "x", leading)
}

/// progenitor's and typify's `sanitize`: apostrophes dropped, every
/// character that cannot continue an identifier a word break, then `case`;
/// `empty` for nothing left, `leading` before a character that cannot start
/// an identifier, `_` after a keyword.
fn sanitize(input: &str, case: fn(&str) -> String, empty: &str, leading: &str) -> String {
    // progenitor and typify special-case these, or they would have no name.
    let out = match input {
        "+1" => "plus1".to_string(),
        "-1" => "minus1".to_string(),
        _ => case(&input.replace('\'', "").replace(|c: char| !unicode_ident::is_xid_continue(c), "-")),
    };
    let out = match out.chars().next() {
        None => empty.to_string(),
        Some(c) if unicode_ident::is_xid_start(c) => out,
        Some(_) => format!("{leading}{out}"),
    };
    if is_keyword(&out) {
        format!("{out}_")
    } else {
        out
    }
}

/// The words typify refuses as identifiers (`typify::accept_as_ident`, which
/// progenitor uses too): Rust's keywords, reserved words and `gen`, and `_`.
fn is_keyword(name: &str) -> bool {
    matches!(
        name,
        "_" | "abstract"
            | "as"
            | "async"
            | "await"
            | "become"
            | "box"
            | "break"
            | "const"
            | "continue"
            | "crate"
            | "do"
            | "dyn"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "final"
            | "fn"
            | "for"
            | "gen"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "macro"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "override"
            | "priv"
            | "pub"
            | "ref"
            | "return"
            | "Self"
            | "self"
            | "static"
            | "struct"
            | "super"
            | "trait"
            | "true"
            | "try"
            | "type"
            | "typeof"
            | "unsafe"
            | "unsized"
            | "use"
            | "virtual"
            | "where"
            | "while"
            | "yield"
    )
}

/// The ASCII words of `text`, lower case, joined by `_`: how an enum value
/// becomes a Rust variant name, or a tag a crate name.
pub fn snake_words(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).map(|w| w.to_ascii_lowercase()).collect::<Vec<_>>().join("_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_typify_and_progenitor() {
        assert_eq!(method_name("business.quickbooks.sync-from.post"), "business_quickbooks_sync_from_post");
        assert_eq!(method_name("GetExternalIdentifierCollection"), "get_external_identifier_collection");
        assert_eq!(method_name("post_accounting_synced_records_id_push"), "post_accounting_synced_records_id_push");
        // Where the word-break rule of old differed from progenitor.
        assert_eq!(method_name("GetHTTPThing"), "get_http_thing");
        assert_eq!(method_name("type"), "type_");
        assert_eq!(method_name("Self"), "self_");
        assert_eq!(method_name("2fa-check"), "_2fa_check");
        assert_eq!(method_name("it's"), "its");
        assert_eq!(method_name("-1"), "minus1");
        assert_eq!(method_name(""), "x");
        assert_eq!(field_name("2fa"), "x2fa");
        assert_eq!(field_name("$ref"), "ref_");
        assert_eq!(field_name("fooBar"), field_name("foo_bar"));
        assert_eq!(type_name("external-identifier_service"), "ExternalIdentifierService");
        assert_eq!(rust_type_name("VatIDTypeEnum"), "VatIdTypeEnum");
        assert_eq!(rust_type_name("ezyEFT"), "EzyEft");
        assert_eq!(rust_type_name("AML"), "Aml");
        assert_eq!(rust_type_name("external-identifier_service"), "ExternalIdentifierService");
        assert_eq!(rust_type_name("3DS"), "X3ds");
        assert_eq!(snake_words("Accounting Connections"), "accounting_connections");
    }
}
