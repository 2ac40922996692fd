//! typify reads some string formats as strict Rust types (`uuid` → Uuid,
//! `date` → NaiveDate, `date-time` → DateTime, `ip`/`ipv4`/`ipv6` →
//! IpAddr…): one value that does not parse fails the whole response. When
//! the document's own example for the schema does not parse either (Rebilly's
//! `allowedIps`, `format: ip`, shows subnets such as `201.54.122.0/24`), the
//! format says less than the API sends: it is dropped and the field is a
//! plain string. Lossy (the type is looser), noted with the example.

use super::{Config, NormalizeError, Tally};
use crate::walk::for_each_schema;
use serde_json::Value;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Whether `value` parses as typify's type for `format`; `None` for formats
/// typify keeps as plain strings.
fn parses(format: &str, value: &str) -> Option<bool> {
    Some(match format {
        "uuid" => {
            let hex = value.split('-').map(str::len).collect::<Vec<_>>() == [8, 4, 4, 4, 12];
            hex && value.chars().all(|c| c == '-' || c.is_ascii_hexdigit())
        }
        "date" => chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").is_ok(),
        "date-time" => chrono::DateTime::parse_from_rfc3339(value).is_ok(),
        "ip" => value.parse::<IpAddr>().is_ok(),
        "ipv4" => value.parse::<Ipv4Addr>().is_ok(),
        "ipv6" => value.parse::<Ipv6Addr>().is_ok(),
        _ => return None,
    })
}

/// The first example string that does not parse as `format`.
fn counterexample<'a>(format: &str, examples: impl Iterator<Item = &'a Value>) -> Option<String> {
    examples.filter_map(Value::as_str).find(|e| parses(format, e) == Some(false)).map(str::to_string)
}

/// A schema's examples: its `example`, and each of its `examples` (3.1).
fn examples(s: &serde_json::Map<String, Value>) -> Vec<Value> {
    let listed = s.get("examples").and_then(Value::as_array).into_iter().flatten();
    s.get("example").into_iter().chain(listed).cloned().collect()
}

/// Drops each format that the schema's own examples break (an array's
/// examples list values of its items); one note per format dropped. The
/// pass below runs it; `cargo xtask whole` runs it before it drops the
/// examples as prose, so that the whole documents keep what they show.
pub fn drop_broken_formats(doc: &mut Value) -> Vec<String> {
    let mut notes = Vec::new();
    for_each_schema(doc, &mut |s, ptr| {
        let examples = examples(s);
        if let Some(format) = s.get("format").and_then(Value::as_str).map(str::to_string) {
            if let Some(bad) = counterexample(&format, examples.iter()) {
                s.remove("format");
                notes.push(format!("{ptr}: format {format} dropped: the document's example {bad:?} is not one"));
            }
        }
        let Some(Value::Object(items)) = s.get_mut("items") else { return };
        let Some(format) = items.get("format").and_then(Value::as_str).map(str::to_string) else { return };
        let item_examples = examples.iter().filter_map(Value::as_array).flatten();
        if let Some(bad) = counterexample(&format, item_examples) {
            items.remove("format");
            notes.push(format!("{ptr}/items: format {format} dropped: the document's example {bad:?} is not one"));
        }
    });
    notes
}

pub fn run(doc: &mut Value, _: &Config, t: &mut Tally) -> Result<(), NormalizeError> {
    for note in drop_broken_formats(doc) {
        t.lossy(note);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{run_pass, Config};
    use super::*;
    use serde_json::json;

    #[test]
    fn formats_the_documents_examples_break_are_dropped() {
        let mut doc = json!({"components": {"schemas": {
            "AllowedIps": {"type": "array", "items": {"type": "string", "format": "ip"}, "example": ["153.12.32.33", "201.54.122.0/24"]},
            "Ips": {"type": "array", "items": {"type": "string", "format": "ip"}, "example": ["153.12.32.33", "2001:db8::1"]},
            "Id": {"type": "string", "format": "uuid", "example": "a1b2c3d4-e5f6-g7h8-i9j0-k1l2m3n4o5p6"},
            "Ok": {"type": "string", "format": "uuid", "example": "0e4d3c1b-6a5f-4e2d-9c8b-7a6f5e4d3c2b"},
            "Day": {"type": "string", "format": "date", "example": "2024-02-30"},
            "Email": {"type": "string", "format": "email", "example": "not an email"}
        }}});
        let t = run_pass(run, &mut doc, &Config::default());
        let s = &doc["components"]["schemas"];
        assert_eq!(s["AllowedIps"]["items"], json!({"type": "string"}));
        assert_eq!(s["Ips"]["items"]["format"], "ip");
        assert!(s["Id"].get("format").is_none());
        assert_eq!(s["Ok"]["format"], "uuid");
        assert!(s["Day"].get("format").is_none());
        assert_eq!(s["Email"]["format"], "email");
        assert_eq!((t.rewrites, t.lossy), (3, 3));
        assert!(t.notes[0].contains("201.54.122.0/24"), "{:?}", t.notes);
    }

    #[test]
    fn a_31_examples_list_counts_too() {
        let mut doc = json!({"components": {"schemas": {
            "Ips": {"type": "array", "items": {"type": "string", "format": "ip"}, "examples": [["10.0.0.1"], ["10.0.0.0/8"]]},
            "At": {"type": "string", "format": "date-time", "examples": ["2024-01-01T00:00:00Z", "yesterday"]},
            "Id": {"type": "string", "format": "uuid", "examples": ["0e4d3c1b-6a5f-4e2d-9c8b-7a6f5e4d3c2b"]}
        }}});
        let notes = drop_broken_formats(&mut doc);
        let s = &doc["components"]["schemas"];
        assert_eq!(s["Ips"]["items"], json!({"type": "string"}));
        assert!(s["At"].get("format").is_none());
        assert_eq!(s["Id"]["format"], "uuid");
        assert_eq!(notes.len(), 2, "{notes:?}");
    }
}
