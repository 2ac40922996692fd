//! YAML that our parser (libyaml's rules) reads but strict parsers refuse.
//!
//! js-yaml, which Redocly CLI and Prism use, refuses a flow collection
//! (`[…]`, `{…}`) in block context whose continuation lines are indented no
//! deeper than the key that opens it:
//!
//! ```yaml
//! enum: [
//!   a,
//! ]        # ← at the key's indentation: "deficient indentation"
//! ```
//!
//! A vendor's tree with such a file bundles here but not with the vendor's
//! tools, so the bundler reports the line: the maintainer can tell the
//! vendor, and knows why a Redocly comparison differs there.

/// What the warning says about each such line.
pub const DEFICIENT_FLOW_INDENTATION: &str = "a multi-line flow collection ([…] or {…}) continues at or left of the indentation of \
     the key that opens it; our parser reads it, strict YAML parsers (js-yaml: Redocly CLI, Prism) refuse the file";

/// 1-based numbers of the lines where a multi-line flow collection
/// continues too far left (the first such line of each collection).
pub fn deficient_flow_indentation(text: &str) -> Vec<usize> {
    let mut found = Vec::new();
    // Open flow collection: (indentation of its key, depth, already reported).
    let mut flow: Option<(usize, i32, bool)> = None;
    // Block scalar being skipped: indentation of its key.
    let mut block_scalar: Option<usize> = None;
    // Indentation of the last key whose value starts on the next line.
    let mut open_key = 0;
    for (i, line) in text.lines().enumerate() {
        let content = line.trim_start();
        let indent = line.len() - content.len();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        if let Some(key_indent) = block_scalar {
            if indent > key_indent {
                continue;
            }
            block_scalar = None;
        }
        if let Some((key_indent, depth, reported)) = flow.as_mut() {
            if indent <= *key_indent && !*reported {
                found.push(i + 1);
                *reported = true;
            }
            *depth += bracket_balance(content);
            if *depth <= 0 {
                flow = None;
            }
            continue;
        }
        // The indentation a key on this line has: after any `- ` markers.
        let key_indent = indent + content.len() - content.trim_start_matches(['-', ' ']).len();
        let Some((value, parent)) = value_of(content) else { continue };
        // A collection opening its own line belongs to the key above; one
        // after `- ` to the list.
        let key_indent = match parent {
            Parent::Key => key_indent,
            Parent::Item => indent,
            Parent::KeyAbove => open_key,
        };
        if value.is_empty() {
            open_key = key_indent;
        } else if value.starts_with('|') || value.starts_with('>') {
            block_scalar = Some(key_indent);
        } else if value.starts_with('[') || value.starts_with('{') {
            let depth = bracket_balance(value);
            if depth > 0 {
                flow = Some((key_indent, depth, false));
            }
        }
    }
    found
}

/// Whose value a collection on a line is.
enum Parent {
    /// `key: [`.
    Key,
    /// `- [`.
    Item,
    /// `[` alone: the value of the key on a line above.
    KeyAbove,
}

/// What follows `key:` on a line, or the line after `- ` for a list item,
/// and whose it is.
fn value_of(content: &str) -> Option<(&str, Parent)> {
    let item = content.trim_start_matches(['-', ' ']);
    if item.starts_with('[') || item.starts_with('{') {
        return Some((item, if item.len() == content.len() { Parent::KeyAbove } else { Parent::Item }));
    }
    let mut quote = None;
    for (i, c) in item.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') if i == 0 => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, ':') if item[i + 1..].starts_with(' ') || i + 1 == item.len() => return Some((item[i + 1..].trim(), Parent::Key)),
            _ => {}
        }
    }
    None
}

/// Opening minus closing brackets outside quotes and comments.
fn bracket_balance(text: &str) -> i32 {
    let mut depth = 0;
    let mut quote = None;
    for c in text.chars() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '#') => break,
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth -= 1,
            _ => {}
        }
    }
    depth
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flow_list_closed_at_its_keys_indentation_is_found() {
        let text = "type: object\nproperties:\n  name:\n    enum: [\n      a,\n      b,\n    ]\n  other:\n    type: string\n";
        assert_eq!(deficient_flow_indentation(text), [7]);
        // Both parsers agree on it once the bracket is indented.
        let fixed = text.replace("    ]\n", "      ]\n");
        assert!(deficient_flow_indentation(&fixed).is_empty());
    }

    #[test]
    fn well_indented_and_one_line_collections_pass() {
        for ok in [
            "a: [1, 2]\nb: {c: 1}\n",
            "a:\n  - [1,\n     2]\n",
            "text: |\n  [\nnot: [ 'a]', \"b]\",\n  c ]\n",
            "key: \"x: [\" \nnext: 1\n",
            "a: [ # a comment [\n  1 ]\n",
            "a:\n  example:\n    [\n      1\n    ]\n",
        ] {
            assert!(deficient_flow_indentation(ok).is_empty(), "{ok:?}");
        }
    }

    #[test]
    fn a_list_item_key_counts_from_after_its_dash() {
        assert_eq!(deficient_flow_indentation("- name: [\n  a\n  ]\n"), [2]);
        assert_eq!(deficient_flow_indentation("a:\n  example:\n    [\n      1\n  ]\n"), [5]);
    }
}
