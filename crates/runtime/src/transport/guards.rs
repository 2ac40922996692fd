//! What the `pre` hook refuses before anything is sent: a path that a
//! parameter's value changed, a header the operation needs and the client
//! does not send.

use super::{ClientContext, Operation};
use crate::error::{ErrorKind, Failure};

impl ClientContext {
    /// A header the operation requires that this client does not send (a
    /// Monite call on an entity's data from a client made without
    /// `for_entity`): refused before sending, with how to set it.
    pub(super) fn header_missing(&self, op: &Operation) -> Option<Failure> {
        // Compared by name: a lookup by `&str` would parse each name on every call.
        let missing = op.required_headers.iter().find(|h| !self.headers.keys().any(|name| name.as_str() == **h))?;
        let hint = self.header_hints.iter().find(|(h, _)| h == missing).map_or("", |(_, hint)| *hint);
        Some(Failure::new(
            ErrorKind::InvalidRequest,
            format!("{} needs the {missing} header, which this client does not send{hint}; nothing was sent", op.name),
            &self.secrets,
        ))
    }

    /// A path parameter whose value was `.`, `..`, or held a `\` (which the
    /// URL parser reads as `/`) has changed the path the request goes to:
    /// the segments must be the base path's, then the template's, one value
    /// per parameter. String parameters are also refused earlier, by the
    /// pattern the normalizer gives them; this catches the rest (an enum's
    /// `Unknown` value). `template` is the operation's, or a raw call's.
    pub(super) fn path_off_template(&self, url: &reqwest::Url, template: &str, base_url: &str) -> Option<Failure> {
        // A client made with `Client::new` from this context has a base URL of its own.
        let other_base: Vec<String>;
        let base: &[String] = if base_url.trim_end_matches('/') == &*self.base_url {
            &self.base_segments
        } else {
            other_base = reqwest::Url::parse(base_url)
                .ok()
                .and_then(|u| u.path_segments().map(|s| s.filter(|s| !s.is_empty()).map(str::to_string).collect()))
                .unwrap_or_default();
            &other_base
        };
        if fills_template(url.path(), base, template) {
            return None;
        }
        let expected = base.iter().map(String::as_str).chain(template.trim_start_matches('/').split('/'));
        let is_param = |segment: &str| segment.starts_with('{') && segment.ends_with('}');
        let actual: Vec<&str> = url.path_segments().map(|s| s.collect()).unwrap_or_default();
        let expected: Vec<&str> = expected.collect();
        // Name the parameter when one segment is at fault; else all of them.
        let culprit = (actual.len() == expected.len())
            .then(|| expected.iter().zip(&actual).find(|(e, a)| is_param(e) && a.is_empty()).map(|(e, _)| *e))
            .flatten();
        let params: Vec<&str> = match culprit {
            Some(one) => vec![one],
            None => expected.iter().copied().filter(|s| is_param(s)).collect(),
        };
        let names: Vec<&str> = params.iter().map(|p| p.trim_start_matches('{').trim_end_matches('}')).collect();
        Some(Failure::new(
            ErrorKind::InvalidRequest,
            format!(
                "path parameter {} would change the request path ({template} became {}): \
                 a value may not be empty, `.` or `..`, nor hold `/`, `\\` or control characters; nothing was sent",
                names.join(", "),
                url.path()
            ),
            &self.secrets,
        ))
    }
}

/// Whether `path` (a URL's, as sent) is the `base` segments, then the
/// `template`'s, each `{param}` segment filled by a non-empty value. Literal
/// segments are compared whole and only a parameter's value is scanned for
/// its end, nothing split or collected: this runs on every call.
fn fills_template(path: &str, base: &[String], template: &str) -> bool {
    let Some(mut actual) = path.strip_prefix('/') else { return false };
    // The template has at least one segment: each base segment is followed by a `/`.
    for wanted in base {
        match actual.strip_prefix(wanted.as_str()).and_then(|rest| rest.strip_prefix('/')) {
            Some(rest) => actual = rest,
            None => return false,
        }
    }
    let mut wanted = template.trim_start_matches('/');
    loop {
        let (want, wanted_rest) = match wanted.bytes().position(|b| b == b'/') {
            Some(i) => (&wanted[..i], Some(&wanted[i + 1..])),
            None => (wanted, None),
        };
        let is_param = want.len() >= 2 && want.starts_with('{') && want.ends_with('}');
        let got = if is_param {
            match actual.bytes().position(|b| b == b'/').unwrap_or(actual.len()) {
                0 => return false,
                end => end,
            }
        } else if actual.starts_with(want) {
            want.len()
        } else {
            return false;
        };
        match (wanted_rest, &actual[got..]) {
            (None, "") => return true,
            (Some(rest), after) if after.starts_with('/') => (wanted, actual) = (rest, &after[1..]),
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fills_template;

    #[test]
    fn a_path_fills_its_template_segment_by_segment() {
        let base = ["v1".to_string()];
        let template = "/accounting_synced_records/{synced_record_id}";
        assert!(fills_template("/v1/accounting_synced_records/0e4d", &base, template));
        assert!(fills_template("/v1/accounting_synced_records/a%2Fb", &base, template));
        // An empty value, a value that added or removed a segment, another base.
        assert!(!fills_template("/v1/accounting_synced_records/", &base, template));
        assert!(!fills_template("/v1/accounting_synced_records/a/b", &base, template));
        assert!(!fills_template("/v1/accounting_synced_records", &base, template));
        assert!(!fills_template("/v1/other/0e4d", &base, template));
        assert!(!fills_template("/v2/accounting_synced_records/0e4d", &base, template));
        assert!(!fills_template("/v1x/accounting_synced_records/0e4d", &base, template));
        assert!(!fills_template("/accounting_synced_records/0e4d", &base, template));
        // No base path; a literal segment that only looks like a parameter.
        assert!(fills_template("/customers/c-1/invoices", &[], "/customers/{id}/invoices"));
        assert!(!fills_template("/customers/c-1/invoice", &[], "/customers/{id}/invoices"));
        assert!(!fills_template("/files/x", &[], "/files/{"));
        assert!(fills_template("/files/{", &[], "/files/{"));
        // A template of the base path alone.
        assert!(fills_template("/v1/", &base, "/"));
        assert!(!fills_template("/v1", &base, "/"));
    }
}
