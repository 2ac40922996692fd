//! Sample values of the generated models, made from their schemas in the
//! normalized document, so that a test needs no hand-written JSON and the
//! values are ones the real API could send.

use super::strict::Api;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// A model of a generated client that [`sample`] can make: each component
/// schema of the normalized documents that became a type. Implemented by
/// generated code.
pub trait Sample: DeserializeOwned {
    /// The API and the component schema the type was generated from.
    fn schema() -> (&'static Api, &'static str);
}

/// A value of `T` valid per the API's document: every required field set,
/// the first value of each enum, identifiers and dates well formed. Change
/// the fields a test cares about on the result.
///
/// ```
/// use accounting_sync::rebilly::types::ExternalIdentifier;
///
/// let mut link: ExternalIdentifier = accounting_sync::testing::sample();
/// link.external_identifier = "QBO-1".into();
/// ```
///
/// # Panics
///
/// When the schema asks for something this generator cannot make (a
/// `pattern` it does not meet): the message names the field.
pub fn sample<T: Sample>() -> T {
    make::<T>(0)
}

/// `n` values of `T` as [`sample`] makes them, each with other identifiers
/// and strings (`…-0`, `…-1`, …), such as the items of a list to serve.
pub fn samples<T: Sample>(n: usize) -> Vec<T> {
    (0..n).map(make::<T>).collect()
}

fn make<T: Sample>(index: usize) -> T {
    let (api, name) = T::schema();
    let reference = Value::String(format!("#/components/schemas/{name}"));
    let schema = Value::Object(Map::from_iter([("$ref".to_string(), reference)]));
    let mut maker = Maker::new(api, index, false, 1);
    let value = maker.value(&schema, name, 0);
    let check = api.validator(&schema);
    if let Some(e) = check.iter_errors(&value).next() {
        panic!("cannot make a sample of {name} valid per the {} document: at {}: {e}", api.vendor, e.instance_path().as_str());
    }
    serde_json::from_value(value).unwrap_or_else(|e| panic!("the sample of {name} does not decode: {e}"))
}

/// Where operation `name`'s object lives in `api`'s document:
/// `(path item, operation)`.
fn operation<'a>(api: &'a Api, name: &str) -> (&'a Value, &'a Value) {
    let spec =
        api.operations.iter().find(|op| op.name == name).unwrap_or_else(|| panic!("no operation {name} in the {} document", api.vendor));
    let item = api.document().get("paths").and_then(|p| p.get(spec.path)).unwrap_or(&Value::Null);
    (item, item.get(spec.method.to_ascii_lowercase()).unwrap_or(&Value::Null))
}

/// `value`, its `$ref` (if any) followed once in `doc`.
fn resolved<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(r) => doc.pointer(r.trim_start_matches('#')).unwrap_or(&Value::Null),
        None => value,
    }
}

/// A sample of JSON valid per `schema` (of `api`'s document); `field`
/// names it in strings made up for it.
pub(crate) fn sample_json(api: &Api, schema: &Value, field: &str) -> Value {
    Maker::new(api, 0, false, 1).value(schema, field, 0)
}

/// A value of operation `name`'s parameter `wire`, valid per its schema, as
/// the builder's setter takes it (the generated per-operation tests).
pub(crate) fn parameter<T: DeserializeOwned>(api: &Api, name: &str, wire: &str) -> T {
    let doc = api.document();
    let (item, op) = operation(api, name);
    let all = [op, item].into_iter().flat_map(|o| o.get("parameters").and_then(Value::as_array)).flatten();
    let parameter = all
        .map(|p| resolved(doc, p))
        .find(|p| p.get("name").and_then(Value::as_str) == Some(wire))
        .unwrap_or_else(|| panic!("{name} has no parameter {wire}"));
    // A list parameter gets two values: sent as repeated keys, one value
    // alone reads as a scalar to a server that cannot tell (Prism, with a
    // list-or-null schema).
    sent(api, parameter.get("schema").unwrap_or(&Value::Null), wire, 2)
}

/// A JSON request body of operation `name`, valid per its schema, as the
/// builder's `body` takes it.
pub(crate) fn request_body<T: DeserializeOwned>(api: &Api, name: &str) -> T {
    let doc = api.document();
    let (_, op) = operation(api, name);
    let body = resolved(doc, op.get("requestBody").unwrap_or(&Value::Null));
    let schema = body.pointer("/content/application~1json/schema").unwrap_or(&Value::Null);
    sent(api, schema, "body", 1)
}

/// A sample to send, valid per `schema` (see [`Maker::request`]), with
/// `list_items` items in a list, decoded as `T`.
fn sent<T: DeserializeOwned>(api: &Api, schema: &Value, field: &str, list_items: u64) -> T {
    let value = sent_json(api, schema, field, list_items);
    serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("the sample of {field} ({value}) does not decode: {e}"))
}

fn sent_json(api: &Api, schema: &Value, field: &str, list_items: u64) -> Value {
    Maker::new(api, 0, true, list_items).value(schema, field, 0)
}

/// A body of operation `name` that the normalizer left raw with its form
/// (under the extension `form_key`, `x-form`): a sample of the form's
/// fields, encoded, and the content type to send it with. Binary fields are
/// file parts of a few bytes.
// Only operations with such a body call it: none in the default surface.
#[allow(dead_code)]
pub(crate) fn form_body(api: &Api, name: &str, form_key: &str) -> (String, Vec<u8>) {
    let doc = api.document();
    let (_, op) = operation(api, name);
    let body = resolved(doc, op.get("requestBody").unwrap_or(&Value::Null));
    let (media, form) = body
        .get(form_key)
        .and_then(Value::as_object)
        .and_then(|f| f.iter().next())
        .unwrap_or_else(|| panic!("{name}: its body has no form (x-form)"));
    let schema = resolved(doc, form.get("schema").unwrap_or(&Value::Null)).clone();
    let fields = sent_json(api, &schema, "form", 1);
    let fields = fields.as_object().cloned().unwrap_or_default();
    let is_binary = |field: &str| {
        let property = schema.get("properties").and_then(|p| p.get(field)).map(|p| resolved(doc, p));
        property.and_then(|p| p.get("format")).and_then(Value::as_str) == Some("binary")
    };
    let text = |value: &Value| value.as_str().map_or_else(|| value.to_string(), str::to_string);
    if media.starts_with("multipart/") {
        let boundary = "accounting-sync-sample-form";
        let mut out = String::new();
        for (field, value) in &fields {
            out.push_str(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\""));
            if is_binary(field) {
                out.push_str(&format!("; filename=\"{field}.bin\"\r\nContent-Type: application/octet-stream"));
            }
            out.push_str(&format!("\r\n\r\n{}\r\n", text(value)));
        }
        out.push_str(&format!("--{boundary}--\r\n"));
        (format!("{media}; boundary={boundary}"), out.into_bytes())
    } else {
        let encoded: String =
            url::form_urlencoded::Serializer::new(String::new()).extend_pairs(fields.iter().map(|(k, v)| (k.clone(), text(v)))).finish();
        (media.clone(), encoded.into_bytes())
    }
}

/// A JSON answer of operation `name` with `status`, valid per its schema
/// (`None` for an answer without a JSON body).
pub(crate) fn answer(api: &Api, name: &str, status: u16) -> Option<Value> {
    let doc = api.document();
    let (_, op) = operation(api, name);
    let answer = resolved(doc, op.get("responses")?.get(status.to_string())?);
    let schema = answer.get("content")?.as_object()?.iter().find(|(media, _)| media.contains("json"))?.1.get("schema")?;
    Some(sample_json(api, schema, "answer"))
}

/// The choices of a `oneOf`/`anyOf` other than the `null` type: a sample is
/// a value of one of those.
fn not_null(choices: &[Value]) -> impl Iterator<Item = &Value> {
    choices.iter().filter(|c| c.get("type").and_then(Value::as_str) != Some("null"))
}

/// How deep a sample goes before it gives up (`null`).
const MAX_DEPTH: usize = 40;

struct Maker<'a> {
    api: &'a Api,
    doc: &'a Value,
    index: usize,
    /// Makes each identifier of one sample differ from the others.
    counter: u64,
    /// Items in a list (at least, and within its bounds).
    list_items: u64,
    /// Which value an enum gives (the n-th, wrapping): items of a list
    /// whose items must differ take different ones.
    enum_pick: usize,
    /// The sample is sent (a request body or parameter), not received.
    request: bool,
}

impl<'a> Maker<'a> {
    /// A maker of the `index`-th sample of `api`'s schemas, to send
    /// (`request`) or as received, with at least `list_items` items a list.
    fn new(api: &'a Api, index: usize, request: bool, list_items: u64) -> Self {
        Maker { api, doc: api.document(), index, counter: 0, list_items, enum_pick: 0, request }
    }

    fn value(&mut self, schema: &Value, field: &str, depth: usize) -> Value {
        if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            let target = self.doc.pointer(r.trim_start_matches('#')).cloned().unwrap_or(Value::Null);
            // Deep enough for what the documents require (Rebilly's quotes
            // nest a required plan 13 levels down); a schema that requires
            // itself stops here.
            return if depth > MAX_DEPTH { Value::Null } else { self.value(&target, field, depth + 1) };
        }
        if let Some(v) = schema.get("const") {
            return v.clone();
        }
        // An enum the normalizer made a string (values without distinct
        // Rust names) keeps its values in `x-enum-values`: the server still
        // wants one.
        if let Some(values) = schema.get("enum").or_else(|| schema.get(super::extensions::ENUM_VALUES)).and_then(Value::as_array) {
            let values: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
            return values.get(self.enum_pick % values.len().max(1)).map_or(Value::Null, |v| (*v).clone());
        }
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            // `{"not": {"enum": [...]}}` beside an enum: a value of the enum
            // that is not excluded (Rebilly's alternative payment methods).
            let excluded: Vec<Value> =
                parts.iter().filter_map(|p| p.pointer("/not/enum").and_then(Value::as_array)).flatten().cloned().collect();
            if !excluded.is_empty() {
                let allowed = parts.iter().map(|part| resolved(self.doc, part)).find_map(|p| {
                    p.get("enum")
                        .and_then(Value::as_array)
                        .and_then(|values| values.iter().find(|v| !v.is_null() && !excluded.contains(v)).cloned())
                });
                if let Some(value) = allowed {
                    return value;
                }
            }
            let mut merged = Map::new();
            let mut other = None;
            for part in parts.iter().filter(|p| p.get("not").is_none()) {
                match self.value(part, field, depth + 1) {
                    Value::Object(m) => merged.extend(m),
                    v => other = Some(v),
                }
            }
            return other.filter(|_| merged.is_empty()).unwrap_or(Value::Object(merged));
        }
        if schema.get("properties").is_some() {
            if let Some(value) = self.object_with_choice(schema, depth) {
                return value;
            }
        }
        let chosen = if let Some(choices) = schema.get("oneOf").and_then(Value::as_array) {
            Some(self.one_of(choices, field, depth))
        } else if let Some(choices) = schema.get("anyOf").and_then(Value::as_array) {
            let choice = not_null(choices).next();
            Some(choice.map_or(Value::Null, |c| self.value(c, field, depth + 1)))
        } else {
            None
        };
        if let Some(chosen) = chosen {
            // Members beside the choice are part of the value, also when no
            // choice joined to them fit the whole schema above.
            return match (chosen, schema.get("properties").is_some()) {
                (Value::Object(variant), true) => {
                    let mut own = self.object(schema, depth);
                    own.extend(variant);
                    Value::Object(own)
                }
                (chosen, _) => chosen,
            };
        }
        let ty = match schema.get("type") {
            Some(Value::Array(types)) => types.iter().filter_map(Value::as_str).find(|t| *t != "null"),
            Some(t) => t.as_str(),
            None if schema.get("properties").is_some() => Some("object"),
            None => None,
        };
        match ty {
            Some("object") => Value::Object(self.object(schema, depth)),
            Some("array") => {
                let min = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0);
                let max = schema.get("maxItems").and_then(Value::as_u64).unwrap_or(u64::MAX);
                let unique = schema.get("uniqueItems").and_then(Value::as_bool).unwrap_or(false);
                let wanted = if unique { 1 } else { self.list_items };
                let count = if depth < 6 { min.max(wanted).min(max.max(min)) } else { min };
                let items = schema.get("items").cloned().unwrap_or(Value::Null);
                let outer_pick = self.enum_pick;
                let mut list: Vec<Value> = (0..count)
                    .map(|k| {
                        self.enum_pick = if unique { k as usize } else { outer_pick };
                        self.value(&items, field, depth + 1)
                    })
                    .collect();
                self.enum_pick = outer_pick;
                if unique {
                    // Strings made up alike are told apart.
                    for k in 1..list.len() {
                        if list[..k].contains(&list[k]) {
                            if let Value::String(text) = &mut list[k] {
                                text.push_str(&format!("-{k}"));
                            }
                        }
                    }
                }
                Value::Array(list)
            }
            Some("integer") | Some("number") => {
                let min = schema.get("minimum").and_then(Value::as_i64).unwrap_or(1);
                let min = schema.get("exclusiveMinimum").and_then(Value::as_i64).map_or(min, |m| m + 1);
                let max = schema.get("maximum").and_then(Value::as_i64).unwrap_or(i64::MAX);
                Value::from(min.max(1).min(max))
            }
            Some("boolean") => Value::Bool(false),
            Some("string") => self.string(schema, field),
            // An untyped value (free JSON): an empty object is valid.
            _ => Value::Object(Map::new()),
        }
    }

    /// A sample of the first of `choices` whose sample fits that choice
    /// alone: one that fits two is not valid for `oneOf` (variants told
    /// apart by a property the sample leaves out, or by a value). The first
    /// choice's sample when none does.
    fn one_of(&mut self, choices: &[Value], field: &str, depth: usize) -> Value {
        let choices: Vec<&Value> = not_null(choices).collect();
        if choices.len() < 2 {
            return choices.first().map_or(Value::Null, |c| self.value(c, field, depth + 1));
        }
        let validators: Vec<jsonschema::Validator> = choices.iter().map(|c| self.api.validator(c)).collect();
        let mut first = None;
        for (i, choice) in choices.iter().enumerate() {
            let value = self.value(choice, field, depth + 1);
            let fits: Vec<usize> = validators.iter().enumerate().filter(|(_, v)| v.is_valid(&value)).map(|(j, _)| j).collect();
            if fits == [i] {
                return value;
            }
            first.get_or_insert(value);
        }
        first.unwrap_or(Value::Null)
    }

    /// An object with its own members and a `oneOf`/`anyOf` beside them
    /// (Rebilly's risk score brackets: `anyOf` of `required: [start]` and
    /// `required: [end]`): each choice's members and required names joined
    /// to the object's, the first that the whole schema accepts. `None` when
    /// the schema has no such choice, or none of them fits.
    fn object_with_choice(&mut self, schema: &Value, depth: usize) -> Option<Value> {
        let choices = schema.get("oneOf").or_else(|| schema.get("anyOf"))?.as_array()?;
        let whole = self.api.validator(schema);
        for choice in not_null(choices) {
            let choice = resolved(self.doc, choice).clone();
            let mut merged = schema.as_object()?.clone();
            merged.remove("oneOf");
            merged.remove("anyOf");
            if let Some(Value::Array(names)) = choice.get("required") {
                let required = merged.entry("required").or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(list) = required {
                    list.extend(names.iter().cloned());
                }
            }
            if let (Some(Value::Object(extra)), Some(Value::Object(own))) = (choice.get("properties"), merged.get_mut("properties")) {
                own.extend(extra.clone());
            }
            let value = Value::Object(self.object(&Value::Object(merged), depth));
            if whole.is_valid(&value) {
                return Some(value);
            }
        }
        None
    }

    fn object(&mut self, schema: &Value, depth: usize) -> Map<String, Value> {
        let required: Vec<&str> =
            schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
        let mut out = Map::new();
        for (name, property) in schema.get("properties").and_then(Value::as_object).into_iter().flatten() {
            let is_required = required.contains(&name.as_str());
            let declared = resolved(self.doc, property);
            let flag = |key: &str| declared.get(key).and_then(Value::as_bool).unwrap_or(false);
            // A request carries what only requests carry (a password the
            // normalizer no longer requires: it is never in an answer), and
            // leaves out what only answers carry.
            let (only_sent, only_read) = (flag("writeOnly"), flag("readOnly"));
            if self.request && only_read && !is_required {
                continue;
            }
            // Optional members down to a few levels, so that a sample shows
            // what a real answer carries without recursing forever.
            if is_required || depth < 4 || (self.request && only_sent) {
                let value = self.value(property, name, depth + 1);
                if is_required || !value.is_null() {
                    out.insert(name.clone(), value);
                }
            }
        }
        // `minProperties` beyond the required ones: optional members, at
        // any depth.
        let min = schema.get("minProperties").and_then(Value::as_u64).unwrap_or(0) as usize;
        for (name, property) in schema.get("properties").and_then(Value::as_object).into_iter().flatten() {
            if out.len() >= min || depth > MAX_DEPTH {
                break;
            }
            if !out.contains_key(name) {
                let value = self.value(property, name, depth + 1);
                out.insert(name.clone(), value);
            }
        }
        out
    }

    fn string(&mut self, schema: &Value, field: &str) -> Value {
        self.counter += 1;
        let (i, n) = (self.index, self.counter);
        let text = match schema.get("format").and_then(Value::as_str) {
            Some("uuid") => format!("{i:08x}-0000-4000-8000-{n:012x}"),
            Some("date-time") => "2026-01-02T03:04:05Z".to_string(),
            Some("date") => "2026-01-02".to_string(),
            Some("uri") | Some("url") => format!("https://example.com/{field}/{i}"),
            Some("email") => format!("user{i}@example.com"),
            // Documentation addresses (RFC 5737, RFC 3849): typify reads these
            // formats as `std::net` addresses.
            Some("ip") | Some("ipv4") => format!("192.0.2.{}", n % 256),
            Some("ipv6") => format!("2001:db8::{:x}", n % 65536),
            _ if schema.get("pattern").is_some() => {
                let pattern = schema.get("pattern").and_then(Value::as_str).unwrap_or_default();
                match matching(pattern) {
                    Some(text) => text,
                    None => format!("{field}-{i}"),
                }
            }
            _ => {
                let mut text = format!("{field}-{i}");
                let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
                let max = schema.get("maxLength").and_then(Value::as_u64).map_or(usize::MAX, |m| m as usize);
                while text.len() < min {
                    text.push('x');
                }
                text.truncate(max.max(1));
                text
            }
        };
        Value::String(text)
    }
}

/// A short string matching `pattern` (a JSON Schema pattern, unanchored):
/// each class gives its first letter or digit, each repetition its least
/// count (one for `*`), each alternation its first branch. `None` for a
/// pattern the regex parser does not take (look-around).
fn matching(pattern: &str) -> Option<String> {
    use regex_syntax::hir::{Class, Hir, HirKind};
    fn pick(ranges: &[(char, char)]) -> Option<char> {
        let mut preferred = ('a'..='z').chain('A'..='Z').chain('0'..='9');
        preferred
            .find(|c| ranges.iter().any(|(start, end)| (start..=end).contains(&c)))
            .or_else(|| ranges.iter().find_map(|&(start, end)| (start..=end).find(|c| !c.is_control())))
    }
    fn write(hir: &Hir, out: &mut String, depth: usize) -> Option<()> {
        if depth > 64 || out.len() > 4096 {
            return None;
        }
        match hir.kind() {
            HirKind::Empty | HirKind::Look(_) => {}
            HirKind::Literal(literal) => out.push_str(std::str::from_utf8(&literal.0).ok()?),
            HirKind::Class(Class::Unicode(class)) => out.push(pick(&class.iter().map(|r| (r.start(), r.end())).collect::<Vec<_>>())?),
            HirKind::Class(Class::Bytes(class)) => {
                let ascii: Vec<(char, char)> =
                    class.iter().filter(|r| r.start().is_ascii()).map(|r| (char::from(r.start()), char::from(r.end().min(0x7f)))).collect();
                out.push(pick(&ascii)?)
            }
            HirKind::Repetition(repetition) => {
                let count = match (repetition.min, repetition.max) {
                    (_, Some(0)) => 0,
                    (0, _) => 1,
                    (min, _) => min,
                };
                for _ in 0..count {
                    write(&repetition.sub, out, depth + 1)?;
                }
            }
            HirKind::Capture(capture) => write(&capture.sub, out, depth + 1)?,
            HirKind::Concat(parts) => parts.iter().try_for_each(|part| write(part, out, depth + 1))?,
            HirKind::Alternation(branches) => write(branches.first()?, out, depth + 1)?,
        }
        Some(())
    }
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    let mut out = String::new();
    write(&hir, &mut out, 0)?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::matching;
    use crate::testing::strict::standalone_validator;
    use serde_json::json;

    #[test]
    fn pattern_samples_match_their_patterns() {
        for pattern in ["^[A-Z]{2}$", "^[a-z0-9-]+$", r"^(foo|bar)-\d{3}$", "^[^/]+$", "^cus_[0-9A-HJKMNP-TV-Z]{26}$", "x*y?", r"^\S+@\S+$"]
        {
            let text = matching(pattern).unwrap_or_else(|| panic!("{pattern}"));
            let check = standalone_validator(&json!({"type": "string", "pattern": pattern}));
            assert!(check.is_valid(&json!(text)), "{pattern}: {text:?}");
        }
        assert_eq!(matching("^[A-Z]{2}$").as_deref(), Some("AA"));
        assert_eq!(matching("^(?=a)a$"), None, "look-around is not for regex-syntax");
    }
}
