//! The names generated code gives things, in one place: what a component,
//! an operation, an enum value or a tag is called in Rust. They follow typify
//! and progenitor, which choose the names in the generated code.

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

/// The method name progenitor gives an operationId: snake case, a
/// lower-to-upper change or any punctuation a word break.
pub fn method_name(id: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in id.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && prev_lower && !out.ends_with('_') {
                out.push('_');
            }
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            out.push(c.to_ascii_lowercase());
        } else {
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            prev_lower = false;
        }
    }
    out.trim_end_matches('_').to_string()
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
        assert_eq!(type_name("external-identifier_service"), "ExternalIdentifierService");
        assert_eq!(snake_words("Accounting Connections"), "accounting_connections");
    }
}
