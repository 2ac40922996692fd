//! What the `pre` hook refuses before anything is sent: a path that a
//! parameter's value changed, a header the operation needs and the client
//! does not send.

use super::ClientContext;
use crate::error::{ErrorKind, Failure};

impl ClientContext {
    /// A header the operation requires that this client does not send (a
    /// Monite call on an entity's data from a client made without
    /// `for_entity`): refused before sending, with how to set it.
    pub(super) fn header_missing(&self, operation_id: &str) -> Option<Failure> {
        let op = self.operation(operation_id)?;
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
    /// `Unknown` value).
    pub(super) fn path_changed(&self, url: &reqwest::Url, operation_id: &str, base_url: &str) -> Option<Failure> {
        self.path_off_template(url, self.operation(operation_id)?.path, base_url)
    }

    /// [`path_changed`](Self::path_changed) for a path `template` of the
    /// caller's (a raw call's), not of the operations table.
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
        let expected = base.iter().map(String::as_str).chain(template.trim_start_matches('/').split('/'));
        let is_param = |segment: &str| segment.starts_with('{') && segment.ends_with('}');
        // Compared segment by segment, without collecting: this runs on
        // every call, and the path nearly always fits.
        let mut actual = url.path_segments().into_iter().flatten();
        let mut wanted = expected.clone();
        let fits = loop {
            match (wanted.next(), actual.next()) {
                (None, None) => break true,
                (Some(e), Some(a)) if if is_param(e) { !a.is_empty() } else { e == a } => {}
                _ => break false,
            }
        };
        if fits {
            return None;
        }
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
