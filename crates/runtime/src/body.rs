//! Reading a response body without ever holding more than a limit.

use bytes::{Bytes, BytesMut};
use reqwest::Response;

/// A body read up to a limit; `cut` when there was more.
#[doc(hidden)]
pub struct Read {
    pub bytes: Bytes,
    pub cut: bool,
}

/// Reads `response`'s body chunk by chunk, never holding more than `limit`
/// bytes: past it, reading stops and the rest is never fetched.
#[doc(hidden)]
pub async fn read_bounded(response: &mut Response, limit: usize) -> reqwest::Result<Read> {
    // A body that arrives in one chunk (most bodies do) is kept as it came,
    // not copied; a second chunk starts a buffer.
    let mut first: Option<Bytes> = None;
    let mut buffer: Option<BytesMut> = None;
    while let Some(chunk) = response.chunk().await? {
        let held = match (&buffer, &first) {
            (Some(buffer), _) => buffer.len(),
            (None, Some(first)) => first.len(),
            (None, None) => 0,
        };
        let room = limit - held;
        let cut = chunk.len() > room;
        // A copy of the part kept: a slice would keep the whole chunk alive.
        let chunk = if cut { Bytes::copy_from_slice(&chunk[..room]) } else { chunk };
        match (&mut buffer, first.take()) {
            (Some(buffer), _) => buffer.extend_from_slice(&chunk),
            (None, None) => first = Some(chunk),
            (None, Some(head)) => {
                let mut joined = BytesMut::with_capacity(head.len() + chunk.len());
                joined.extend_from_slice(&head);
                joined.extend_from_slice(&chunk);
                buffer = Some(joined);
            }
        }
        if cut {
            return Ok(Read { bytes: body(first, buffer), cut: true });
        }
    }
    Ok(Read { bytes: body(first, buffer), cut: false })
}

fn body(first: Option<Bytes>, buffer: Option<BytesMut>) -> Bytes {
    buffer.map(BytesMut::freeze).or(first).unwrap_or_default()
}
