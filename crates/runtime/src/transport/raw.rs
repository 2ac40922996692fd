//! A call to an endpoint no document lists, made through the same transport
//! as every generated call: `Client::raw` on each API's client.

use super::ClientContext;
use crate::error::{ErrorKind, Failure, StashedBody, VendorError};
use crate::Error;
use bytes::Bytes;
use progenitor_client::ResponseValue;
use reqwest::header::{HeaderValue, CONTENT_TYPE};
use reqwest::{Method, Url};
use std::fmt;
use std::marker::PhantomData;

/// A request to an endpoint that no document lists (or that the enabled
/// features leave out), sent through the client it was made from exactly as
/// that client's generated calls are: its credentials (an API key, a bearer
/// token, or an OAuth access token refreshed once after a 401), its own
/// headers (Monite's `x-monite-version` and `x-monite-entity-id`), the
/// call's [`CallOptions`](crate::CallOptions), pacing and the retry budget,
/// retries under its [`RetryPolicy`](crate::RetryPolicy), bodies read up to
/// [`Settings::max_response_bytes`](crate::Settings::max_response_bytes),
/// redirects refused, secrets masked in errors, and a `tracing` span
/// `accounting_sync.request` whose operation is `raw GET /invoices/{id}`
/// (the method and the path template, never the filled path).
///
/// Made by `raw(method, path)` on `accounting_sync`'s `rebilly::Client`,
/// `layer::Client` or `monite::Client`. `path` is a template under
/// the client's base URL (Rebilly's includes `/organizations/{id}`):
/// `/invoices/{id}`, with each `{name}` a whole segment filled by
/// [`path_param`](Self::path_param). A full URL, a path not starting with
/// `/`, or one with a query (give it with [`query`](Self::query)) is refused:
/// credentials are sent to their own origin only.
///
/// Every failure is an [`Error`], as for a generated call: a value or path
/// refused before sending is [`ErrorKind::InvalidRequest`]; an error status
/// keeps its status, request id and the vendor's error body, typed as the
/// API's error body when it parses ([`Error::body`]); [`Error::is_retryable`]
/// and [`Error::outcome_unknown`] follow the same rule. GET, HEAD, PUT,
/// DELETE and OPTIONS are retried after a 502, 503, 504, a timeout or a lost
/// connection; POST and PATCH only when made
/// [`safe_to_retry`](Self::safe_to_retry) (or with
/// [`CallOptions::safe_to_retry`](crate::CallOptions::safe_to_retry)).
///
/// `E` is the API's error body (say,
/// `monite::types::ErrorBody`): the type
/// an error response is decoded as.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use accounting_sync::monite::types::SyncRecordResource;
/// use accounting_sync::testing::{self, sample};
/// use accounting_sync::{Error, ErrorKind};
/// use accounting_sync::Method;
///
/// let api = testing::monite().await;
/// let record: SyncRecordResource = sample();
/// api.get_accounting_synced_records_id().synced_record_id(record.id).respond(record.clone());
/// let client = api.client();
///
/// // The stand-in knows this path; any other path is called the same way.
/// let got = client
///     .raw(Method::GET, "/accounting_synced_records/{record}")
///     .path_param("record", record.id)
///     .send_json::<SyncRecordResource>()
///     .await
///     .unwrap();
/// assert_eq!(got.into_inner(), record);
///
/// // A value that would change the path is refused before sending.
/// let refused: Error = client.raw(Method::GET, "/files/{id}").path_param("id", "../entities").send().await.unwrap_err();
/// assert_eq!(refused.kind(), ErrorKind::InvalidRequest);
/// # }
/// ```
#[must_use = "a raw request does nothing until sent"]
pub struct RawRequest<'a, E> {
    context: &'a ClientContext,
    base_url: &'a str,
    method: Method,
    template: String,
    params: Vec<(String, String)>,
    query: Vec<(String, String)>,
    body: Option<(HeaderValue, Bytes)>,
    safe_to_retry: bool,
    /// The first thing wrong with the request, reported when it is sent.
    invalid: Option<String>,
    _error: PhantomData<fn() -> E>,
}

impl<E> fmt::Debug for RawRequest<'_, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // No parameter, query or body values: they may be identifiers.
        f.debug_struct("RawRequest")
            .field("vendor", &self.context.vendor)
            .field("method", &self.method)
            .field("path", &self.template)
            .field("safe_to_retry", &self.safe_to_retry)
            .finish_non_exhaustive()
    }
}

impl<'a, E: VendorError> RawRequest<'a, E> {
    /// A request for `method` and the path template `path` under `base_url`
    /// (the generated client's), through `context`.
    #[doc(hidden)]
    pub fn new(context: &'a ClientContext, base_url: &'a str, method: Method, path: &str) -> Self {
        RawRequest {
            context,
            base_url,
            method,
            template: path.to_string(),
            params: Vec::new(),
            query: Vec::new(),
            body: None,
            safe_to_retry: false,
            invalid: None,
            _error: PhantomData,
        }
    }

    /// Fills the segment `{name}` of the path with `value`, percent-encoded
    /// as the generated calls encode theirs. A value that would change the
    /// path (empty, `.`, `..`, or holding `/`, `\` or a control character)
    /// is refused when the request is sent, with
    /// [`ErrorKind::InvalidRequest`] naming the parameter; nothing is sent.
    pub fn path_param(mut self, name: &str, value: impl fmt::Display) -> Self {
        let value = value.to_string();
        if self.params.iter().any(|(n, _)| n == name) {
            self.refuse(format!("path parameter {name} is given twice"));
        }
        self.params.push((name.to_string(), value));
        self
    }

    /// Adds `name=value` to the query string (encoded; repeat the call for
    /// a name with several values).
    pub fn query(mut self, name: &str, value: impl fmt::Display) -> Self {
        self.query.push((name.to_string(), value.to_string()));
        self
    }

    /// Sends `body` as JSON (`Content-Type: application/json`).
    pub fn json<T: serde::Serialize + ?Sized>(mut self, body: &T) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.body = Some((HeaderValue::from_static("application/json"), bytes.into())),
            Err(e) => self.refuse(format!("the body cannot be encoded as JSON: {e}")),
        }
        self
    }

    /// Sends `body` as is, with `content_type`.
    pub fn body(mut self, content_type: &str, body: impl Into<Bytes>) -> Self {
        match HeaderValue::from_str(content_type) {
            Ok(value) => self.body = Some((value, body.into())),
            Err(_) => self.refuse(format!("{content_type:?} is not a valid Content-Type")),
        }
        self
    }

    /// Lets the client retry this call after a 502, 503, 504, a timeout or a
    /// lost connection whatever its method: say so only for a POST or PATCH
    /// the vendor treats as idempotent (GET, HEAD, PUT, DELETE and OPTIONS
    /// are retried anyway).
    pub fn safe_to_retry(mut self) -> Self {
        self.safe_to_retry = true;
        self
    }

    /// Sends the request; any 2xx is a success, its body read (up to
    /// [`Settings::max_response_bytes`](crate::Settings::max_response_bytes))
    /// and returned as bytes with the status and headers.
    pub async fn send(self) -> Result<ResponseValue<Bytes>, Error> {
        let context = self.context;
        let response = self.exchange().await?;
        let (status, headers) = (response.status(), response.headers().clone());
        // The body was read (bounded) by the transport: this reads memory.
        let bytes = response.bytes().await.map_err(|e| Error::from_call(progenitor_client::Error::<E>::ResponseBodyError(e), context))?;
        Ok(ResponseValue::new(bytes, status, headers))
    }

    /// [`send`](Self::send), then the body decoded from JSON as `T`
    /// (`serde_json::Value` for any JSON). A body that does not decode is an
    /// [`ErrorKind::Decode`] error with the body kept raw and
    /// [`Error::outcome_unknown`] true, as for a generated call: the vendor
    /// acted on the request. Use [`send`](Self::send) for an empty answer.
    pub async fn send_json<T: serde::de::DeserializeOwned>(self) -> Result<ResponseValue<T>, Error> {
        let context = self.context;
        let answer = self.send().await?;
        let (status, headers) = (answer.status(), answer.headers().clone());
        let bytes = answer.into_inner();
        match serde_json::from_slice(&bytes) {
            Ok(value) => Ok(ResponseValue::new(value, status, headers)),
            Err(e) => Err(Error::from_call(progenitor_client::Error::<E>::InvalidResponsePayload(bytes, e), context)),
        }
    }

    /// The exchange, through the context's steps: the path checked, the
    /// headers and credentials set, then attempts as for a generated call.
    /// A success keeps its (already read) body. Every failure is made into
    /// an [`Error`] as a generated call's is, with this client's secrets;
    /// without progenitor's hooks in the way, a [`Failure`] needs no
    /// stand-in response.
    async fn exchange(self) -> Result<reqwest::Response, Error> {
        let context = self.context;
        let failed = |failure: Failure| Error::from_failure(&failure, E::VENDOR);
        let refused =
            |message: String| failed(Failure::new(ErrorKind::InvalidRequest, format!("{message}; nothing was sent"), context.secrets()));
        if let Some(message) = self.invalid {
            return Err(refused(message));
        }
        let url = self.url().map_err(refused)?;
        if let Some(failure) = self.context.path_off_template(&url, &self.template, self.base_url) {
            return Err(failed(failure));
        }
        let mut request = reqwest::Request::new(self.method.clone(), url);
        if let Some((content_type, body)) = self.body {
            request.headers_mut().insert(CONTENT_TYPE, content_type);
            *request.body_mut() = Some(body.into());
        }
        self.context.add_headers(&mut request).await.map_err(failed)?;
        let label = format!("raw {} {}", self.method, self.template);
        let response = self.context.execute_as(request, &label, &self.template, self.safe_to_retry).await.map_err(failed)?;
        if response.extensions().get::<StashedBody>().is_some() {
            // An error status: its stashed body decoded as a generated call's.
            return Err(Error::from_call(progenitor_client::Error::<E>::UnexpectedResponse(response), context));
        }
        Ok(response)
    }

    /// The URL: the base URL, the template with its parameters filled, the
    /// query. Or why there is none.
    fn url(&self) -> Result<Url, String> {
        let template = self.template.as_str();
        if template.starts_with("//") || !template.starts_with('/') {
            let absolute = Url::parse(template).is_ok() || template.starts_with("//");
            return Err(if absolute {
                format!(
                    "{template} is not a path under the client's base URL {}: a raw call takes a path such as `/invoices/{{id}}`, \
                     and credentials are sent to their own origin only",
                    self.base_url
                )
            } else {
                format!("the path {template:?} must start with `/` (it goes under the client's base URL {})", self.base_url)
            });
        }
        if template.contains(['?', '#']) {
            return Err(format!("the path {template:?} holds a query or fragment: give query parameters with `query(name, value)`"));
        }
        let mut path = String::with_capacity(template.len() + 16);
        let mut used = vec![false; self.params.len()];
        for segment in template[1..].split('/') {
            path.push('/');
            if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                let Some(index) = self.params.iter().position(|(n, _)| n == name) else {
                    return Err(format!("the path {template} has {{{name}}} and no path_param(\"{name}\", …) gives it"));
                };
                used[index] = true;
                let value = &self.params[index].1;
                if matches!(value.as_str(), "" | "." | "..") || value.contains(['/', '\\']) || value.chars().any(char::is_control) {
                    return Err(format!(
                        "path parameter {name} would change the request path: \
                         a value may not be empty, `.` or `..`, nor hold `/`, `\\` or control characters"
                    ));
                }
                path.push_str(&progenitor_client::encode_path(value));
            } else if segment.contains(['{', '}']) {
                return Err(format!("the path {template} has a parameter that is not a whole segment ({segment})"));
            } else if matches!(segment, "." | "..") || progenitor_client::encode_path(segment) != segment || segment.contains('\\') {
                // The template is the caller's code, not data: it may not
                // step out of the base path or need encoding either.
                return Err(format!(
                    "the path {template} has a segment {segment:?} that would change the path or needs encoding: \
                     write it as a parameter"
                ));
            } else {
                path.push_str(segment);
            }
        }
        if let Some(index) = used.iter().position(|u| !u) {
            return Err(format!("path parameter {} is not in the path {template}", self.params[index].0));
        }
        let base = self.base_url.trim_end_matches('/');
        let mut url = Url::parse(&format!("{base}{path}")).map_err(|e| format!("the path {template} makes no URL under {base}: {e}"))?;
        // Belt and braces: the path cannot reach another origin.
        match Url::parse(base) {
            Ok(base) if base.origin() == url.origin() => {}
            _ => return Err(format!("the path {template} leads away from the client's origin")),
        }
        if !self.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&self.query);
        }
        Ok(url)
    }

    fn refuse(&mut self, message: String) {
        self.invalid.get_or_insert(message);
    }
}
