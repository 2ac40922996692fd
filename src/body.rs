//! Reading a response body without ever holding more than a limit.

use bytes::BytesMut;
use reqwest::Response;

/// A body read up to a limit; `cut` when there was more.
pub(crate) struct Read {
    pub bytes: BytesMut,
    pub cut: bool,
}

/// Reads `response`'s body chunk by chunk, never holding more than `limit`
/// bytes: past it, reading stops and the rest is never fetched.
pub(crate) async fn read_bounded(response: &mut Response, limit: usize) -> reqwest::Result<Read> {
    let mut bytes = BytesMut::new();
    while let Some(chunk) = response.chunk().await? {
        let room = limit - bytes.len();
        if chunk.len() > room {
            bytes.extend_from_slice(&chunk[..room]);
            return Ok(Read { bytes, cut: true });
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Read { bytes, cut: false })
}
