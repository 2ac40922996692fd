//! How a stand-in serves a paged list, for the `pages_of` generated on the
//! expectation of every list the normalizer marks (crates/codegen's
//! paging.rs reads the marks): by offset (Rebilly's way) or by cursor
//! (Monite's and Layer's), with the parameter, header and field names of the
//! mark.

use super::server::Record;
use serde::Serialize;
use serde_json::{Map, Value};
use std::sync::Arc;

/// The wire names an offset list pages by.
pub(crate) struct OffsetNames {
    pub(crate) offset: &'static str,
    pub(crate) limit: &'static str,
    /// The header with the list's size, when the document declares one.
    pub(crate) total: Option<&'static str>,
    /// The header with the page size applied, when the document declares one.
    pub(crate) limit_header: Option<&'static str>,
}

/// The wire names a cursor list pages by.
pub(crate) struct CursorNames {
    pub(crate) token: &'static str,
    /// The page's property with the next page's token (a dotted path:
    /// Layer's `meta.pagination.cursor`).
    pub(crate) next: &'static str,
    /// The page's flag saying whether a next page exists (a dotted path), if
    /// the list has one.
    pub(crate) more: Option<&'static str>,
    /// The page's field with the items.
    pub(crate) items: &'static str,
}

fn values(items: &[impl Serialize]) -> Vec<Value> {
    items.iter().map(|i| serde_json::to_value(i).expect("items serialize")).collect()
}

/// The `limit` the request asks for, capped at `page_size`.
fn page_limit(request: &Record, name: &str, page_size: usize) -> usize {
    request.query(name).and_then(|l| l.parse::<usize>().ok()).map_or(page_size, |l| l.min(page_size)).max(1)
}

/// Serves `items` by offset and limit from the query (pages of at most
/// `page_size`), with the size and the limit in their headers.
pub(crate) fn by_offset(items: &[impl Serialize], page_size: usize, names: OffsetNames) -> Arc<super::server::Pager> {
    let items = values(items);
    Arc::new(move |request: &Record| {
        let offset = request.query(names.offset).and_then(|v| v.parse::<usize>().ok()).unwrap_or(0);
        let limit = page_limit(request, names.limit, page_size);
        let page: Vec<Value> = items.iter().skip(offset).take(limit).cloned().collect();
        let mut headers = Vec::new();
        if let Some(total) = names.total {
            headers.push((total.to_ascii_lowercase(), items.len().to_string()));
        }
        if let Some(limit_header) = names.limit_header {
            headers.push((limit_header.to_ascii_lowercase(), limit.to_string()));
        }
        (Value::Array(page), headers)
    })
}

/// Serves `items` by cursor: the token is the next offset (`page-<n>`), the
/// page size at most `page_size` (or the request's `limit`, which Monite's
/// lists all take).
pub(crate) fn by_cursor(items: &[impl Serialize], page_size: usize, names: CursorNames) -> Arc<super::server::Pager> {
    let items = values(items);
    Arc::new(move |request: &Record| {
        let offset = request.query(names.token).and_then(|t| t.strip_prefix("page-")?.parse::<usize>().ok()).unwrap_or(0);
        let limit = page_limit(request, "limit", page_size);
        let page: Vec<Value> = items.iter().skip(offset).take(limit).cloned().collect();
        let mut body = Value::Object(Map::new());
        set(&mut body, names.items, Value::Array(page));
        let more = offset.saturating_add(limit) < items.len();
        if more {
            set(&mut body, names.next, Value::String(format!("page-{}", offset + limit)));
        }
        if let Some(flag) = names.more {
            set(&mut body, flag, Value::Bool(more));
        }
        (body, Vec::new())
    })
}

/// Sets the property at the dotted `path` of `object`, making the objects on
/// the way.
fn set(object: &mut Value, path: &str, value: Value) {
    let mut place = object;
    for name in path.split('.') {
        if !place.is_object() {
            *place = Value::Object(Map::new());
        }
        place = place.as_object_mut().expect("made an object above").entry(name.to_string()).or_insert(Value::Null);
    }
    *place = value;
}
