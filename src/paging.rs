//! Lists as lazy streams of pages or of items. Each page is one call, made
//! only when the stream is polled past the previous page, with the client's
//! retries and tokens like any other call; the first error ends the stream.
//!
//! - Rebilly pages by offset: the stream asks for offsets 0, n, 2n… and reads
//!   `Pagination-Total` and `Pagination-Limit`, so [`Page::total`] is typed.
//! - Monite pages by cursor: each page's `next_pagination_token` is sent as
//!   `pagination_token` for the next (the filters travel inside the token;
//!   `limit` is sent again, as Monite asks).
//! - Layer: none of our Layer operations returns a paged list.

use crate::Error;
use futures::{Stream, TryStreamExt};
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
pub(crate) type Fetched<T, C> = (Page<T>, Option<C>);

/// The pages `fetch` returns, from the `first` cursor on, until a page says
/// there is no next one or a call fails.
pub(crate) fn pages<'a, T, C, F, Fut>(first: C, mut fetch: F) -> impl Stream<Item = Result<Page<T>, Error>> + 'a
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
pub(crate) fn items<'a, T: 'a>(pages: impl Stream<Item = Result<Page<T>, Error>> + 'a) -> impl Stream<Item = Result<T, Error>> + 'a {
    pages.map_ok(|page| futures::stream::iter(page.items.into_iter().map(Ok))).try_flatten()
}
