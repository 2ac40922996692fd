//! The `pre` hook: the guards, then this context's headers and credentials.

use super::ClientContext;
use crate::error::Failure;
use reqwest::header::{HeaderName, AUTHORIZATION};
use reqwest::Request;

/// Header names used on every request, parsed once.
static API_VERSION: HeaderName = HeaderName::from_static("api-version");

impl ClientContext {
    /// The `pre` hook: checks the path, sets this context's headers and
    /// credentials, or says why the request is not sent.
    #[doc(hidden)]
    pub async fn prepare(&self, request: &mut Request, operation_id: &str, base_url: &str) -> Result<(), Failure> {
        if let Some(op) = self.operation(operation_id) {
            if let Some(failure) = self.path_off_template(request.url(), op.path, base_url).or_else(|| self.header_missing(op)) {
                return Err(failure);
            }
        }
        self.add_headers(request).await
    }

    /// This context's headers, the call's options and the credentials, set
    /// on `request`: what every request gets once its path is checked (a
    /// generated call's by [`prepare`](Self::prepare), a raw call's by
    /// [`RawRequest`](super::RawRequest)).
    pub(super) async fn add_headers(&self, request: &mut Request) -> Result<(), Failure> {
        let headers = request.headers_mut();
        // progenitor adds `api-version: <info.version>` to every request; none
        // of these APIs reads it (Monite's version travels in its own header).
        headers.remove(&API_VERSION);
        for (name, value) in self.headers.iter() {
            headers.insert(name.clone(), value.clone());
        }
        for (name, value) in self.call.headers.iter().filter(|(name, _)| !self.own_headers.contains(name)) {
            headers.insert(name.clone(), value.clone());
        }
        if let Some(timeout) = self.call.timeout {
            *request.timeout_mut() = Some(timeout);
        }
        let headers = request.headers_mut();
        if let Some(cache) = &self.token {
            match cache.header().await {
                Ok(value) => {
                    headers.insert(AUTHORIZATION, value);
                }
                Err(failure) => return Err(failure.unsent()),
            }
        }
        Ok(())
    }
}
