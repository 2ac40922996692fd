//! Lists as lazy streams of pages or of items. Each page is one call, made
//! only when the stream is polled past the previous page, with the client's
//! retries and tokens like any other call; the first error ends the stream.
//!
//! Every operation the vendor pages gets `pages()` and `items()` on its
//! request builder, generated from the mark the normalizer sets on it
//! (`x-paging`, see `crates/codegen/src/paging.rs`); this module is what
//! those methods run:
//!
//! - Rebilly pages by offset: the stream asks for offsets 0, n, 2n… and reads
//!   `Pagination-Total` and `Pagination-Limit`, so [`Page::total`] is typed.
//! - Monite pages by cursor: each page's `next_pagination_token` is sent as
//!   `pagination_token` for the next (the filters travel inside the token;
//!   `limit` is sent again, as Monite asks).
//! - Layer pages by cursor too: `meta.pagination.cursor` is sent as `cursor`
//!   for the next page, until `meta.pagination.has_more` is false.
//!
//! ```no_run
//! # async fn run(client: accounting_sync::rebilly::Client) -> Result<(), accounting_sync::Error> {
//! use futures::TryStreamExt;
//!
//! let mut pages = std::pin::pin!(client.get_external_identifier_collection().limit(100).pages());
//! while let Some(page) = pages.try_next().await? {
//!     println!("{} of {:?}", page.items.len(), page.total);
//! }
//! let links: Vec<_> = client.get_external_identifier_collection().filter("service:quickbooks-online").items().try_collect().await?;
//! # Ok(()) }
//! ```

use crate::vendor::Vendor;
use crate::{Error, ErrorKind};
use futures::{Stream, TryStreamExt};
use progenitor_client::ResponseValue;
use std::future::Future;

/// One page of a list.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The page's items, in the server's order.
    pub items: Vec<T>,
    /// How many items the whole list holds, when the vendor says so
    /// (Rebilly's `Pagination-Total`).
    pub total: Option<u64>,
}

/// A page and where the next one starts (`None` after the last).
type Fetched<T, C> = (Page<T>, Option<C>);

/// The pages `fetch` returns, from the `first` cursor on, until a page says
/// there is no next one or a call fails.
fn pages<'a, T, C, F, Fut>(first: C, mut fetch: F) -> impl Stream<Item = Result<Page<T>, Error>> + 'a
where
    T: 'a,
    C: 'a,
    F: FnMut(C) -> Fut + 'a,
    Fut: Future<Output = Result<Fetched<T, C>, Error>> + 'a,
{
    futures::stream::try_unfold(Some(first), move |cursor| {
        let call = cursor.map(&mut fetch);
        async move {
            match call {
                None => Ok(None),
                Some(call) => call.await.map(|(page, next)| Some((page, next))),
            }
        }
    })
}

/// The items of `pages`, one by one.
#[doc(hidden)]
pub fn items<'a, T: 'a>(pages: impl Stream<Item = Result<Page<T>, Error>> + 'a) -> impl Stream<Item = Result<T, Error>> + 'a {
    pages.map_ok(|page| futures::stream::iter(page.items.into_iter().map(Ok))).try_flatten()
}

/// The response headers an offset list reports its size and page size in.
#[derive(Clone, Copy)]
#[doc(hidden)]
pub struct OffsetHeaders {
    /// The list's size (Rebilly's `Pagination-Total`).
    pub total: Option<&'static str>,
    /// The page size the server applied (Rebilly's `Pagination-Limit`).
    pub limit: Option<&'static str>,
}

fn header_u64(headers: &reqwest::header::HeaderMap, name: Option<&str>) -> Option<u64> {
    headers.get(name?)?.to_str().ok()?.trim().parse().ok()
}

/// An offset list: `builder` sent with offsets 0, n, 2n… (`at` sets the
/// offset, replacing any the caller set), where n is the length of each
/// page. Ends after an empty page, a page shorter than the server's page
/// size, at the total, or at the first error.
#[doc(hidden)]
pub fn by_offset<'a, B, T, At, Send, Fut>(
    builder: B,
    headers: OffsetHeaders,
    at: At,
    send: Send,
) -> impl Stream<Item = Result<Page<T>, Error>> + 'a
where
    B: Clone + 'a,
    T: 'a,
    At: Fn(B, u64) -> B + 'a,
    Send: Fn(B) -> Fut + 'a,
    Fut: Future<Output = Result<ResponseValue<Vec<T>>, Error>> + 'a,
{
    pages(0u64, move |offset| {
        let request = send(at(builder.clone(), offset));
        let OffsetHeaders { total: total_header, limit: limit_header } = headers;
        async move {
            let response = request.await?;
            let total = header_u64(response.headers(), total_header);
            let limit = header_u64(response.headers(), limit_header);
            let items = response.into_inner();
            let count = u64::try_from(items.len()).unwrap_or(u64::MAX);
            let next = offset.checked_add(count);
            let more = count > 0 && limit.is_none_or(|limit| count >= limit) && next.is_some_and(|n| total.is_none_or(|total| n < total));
            Ok((Page { items, total }, next.filter(|_| more)))
        }
    })
}

/// A cursor list: `builder` sent as is, then with each page's next token
/// (`at` sets it), until a page has none. `split` takes a page apart into its
/// items and the next token. A server that sends back the token it was
/// given ends the stream with an error instead of looping.
#[doc(hidden)]
pub fn by_cursor<'a, B, P, T, At, Send, Fut, Split>(
    builder: B,
    vendor: Vendor,
    at: At,
    send: Send,
    split: Split,
) -> impl Stream<Item = Result<Page<T>, Error>> + 'a
where
    B: Clone + 'a,
    P: 'a,
    T: 'a,
    At: Fn(B, String) -> B + 'a,
    Send: Fn(B) -> Fut + 'a,
    Fut: Future<Output = Result<ResponseValue<P>, Error>> + 'a,
    Split: Fn(P) -> (Vec<T>, Option<String>) + Clone + 'a,
{
    pages(None::<String>, move |token| {
        let request = match &token {
            Some(token) => send(at(builder.clone(), token.clone())),
            None => send(builder.clone()),
        };
        let split = split.clone();
        async move {
            let (items, next) = split(request.await?.into_inner());
            if next.is_some() && next == token {
                let message = "the server answered a pagination token with the same token: stopped instead of asking again";
                return Err(Error::new(ErrorKind::Unexpected, vendor).with_clean_message(message));
            }
            Ok((Page { items, total: None }, next.map(Some)))
        }
    })
}
