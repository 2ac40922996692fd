//! The stand-in server: one loopback HTTP/1 server per stand-in (hyper, which
//! reqwest already brings), answering from the expectations a test mounts,
//! after the checks the real API makes (credentials, tokens, the document).

use super::strict::{Api, Incoming, OpSpec};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::collections::VecDeque;
use std::fmt;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// One operation of a generated client, as a stand-in sees it: generated for
/// each (`<api>::ops::<Operation>`), it names the operation's typed request
/// body, success response and error body.
pub trait Operation {
    /// progenitor's name for the operation (the client's method).
    const NAME: &'static str;
    /// The request body (`()` for none).
    type Body: Serialize + DeserializeOwned;
    /// The success response's body (`()` for none).
    type Response: Serialize;
    /// The vendor's error body.
    type Error: Serialize;
}

/// Where a request parameter travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    /// In the path.
    Path,
    /// In the query string.
    Query,
    /// In a header.
    Header,
}

/// How a stand-in knows its caller (set by each vendor's module).
pub(crate) enum Credentials {
    /// A key in a header, compared as is.
    ApiKey { header: &'static str, key: &'static str },
    /// Bearer tokens from a token endpoint the stand-in serves at `path`
    /// (under the base path when `under_base`); `form`: an OAuth2 form with
    /// HTTP Basic client credentials (Layer), else Monite's JSON.
    Tokens { path: &'static str, under_base: bool, form: bool, client_id: &'static str, client_secret: &'static str },
}

/// What differs between the vendors' stand-ins.
pub(crate) struct Rules {
    pub api: &'static Api,
    /// The path every request starts with (Rebilly's organization, Monite's `/v1`).
    pub base_path: String,
    pub credentials: Credentials,
    /// A context header whose value, when sent, must be this one (Monite's entity).
    pub context_header: Option<(&'static str, String)>,
    /// The status the vendor refuses an invalid request with.
    pub validation_status: u16,
    /// The vendor's error body for a status and message.
    pub error_body: fn(u16, &str) -> Value,
}

/// An answer, as mounted.
#[derive(Clone)]
pub(crate) struct Answer {
    pub status: u16,
    pub body: Option<Value>,
    pub headers: Vec<(String, String)>,
    pub delay: Duration,
    pub drop: bool,
    /// Computes the body and headers from the request (paged lists).
    pub pager: Option<Arc<Pager>>,
}

/// A list served a page at a time: from a request, the body and headers.
pub(crate) type Pager = dyn Fn(&Record) -> (Value, Vec<(String, String)>) + Send + Sync;

impl Answer {
    pub(crate) fn status(status: u16) -> Self {
        Answer { status, body: None, headers: Vec::new(), delay: Duration::ZERO, drop: false, pager: None }
    }
}

enum Matcher {
    Param(Location, String, Vec<String>),
    Body(Value),
    BodyWhere(Box<dyn Fn(&Value) -> bool + Send + Sync>),
}

struct Rule {
    operation: &'static str,
    matchers: Vec<Matcher>,
    answer: Answer,
    limit: Option<usize>,
    expected: Option<usize>,
    hits: Vec<usize>,
}

/// A request as the stand-in received it.
#[derive(Clone, Debug)]
pub(crate) struct Record {
    pub operation: &'static str,
    pub method: String,
    pub path: String,
    pub path_params: Vec<(String, String)>,
    pub query: Vec<(String, String)>,
    pub headers: http::HeaderMap,
    pub body: Bytes,
}

impl Record {
    /// The values of query parameter `name`.
    pub(crate) fn query(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
struct State {
    relaxed: bool,
    /// Requests no expectation matches get a sample answer ([`Server::answer_samples`]).
    answer_samples: bool,
    rules: Vec<Rule>,
    faults: VecDeque<Answer>,
    received: Vec<Record>,
    failures: Vec<String>,
    token_serial: u64,
    token_valid: bool,
    expire_after: Option<u64>,
}

pub(crate) struct Shared {
    rules: Rules,
    state: Mutex<State>,
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        // A test that panicked while holding it has failed already.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn spec(&self, name: &str) -> &'static OpSpec {
        self.rules.api.operations.iter().find(|o| o.name == name).expect("generated operations are in the generated table")
    }

    fn error(&self, status: u16, message: &str) -> Answer {
        Answer { body: Some((self.rules.error_body)(status, message)), ..Answer::status(status) }
    }
}

/// A running stand-in: the part every vendor's `StandIn` shares (each
/// dereferences to it). Dropping it stops the server, and checks the
/// expectations: it panics listing every expectation called another number
/// of times than expected, every request no expectation matched, and every
/// strict-mode failure (see [`verify`](Self::verify)).
pub struct Server {
    shared: Arc<Shared>,
    url: String,
    task: tokio::task::JoinHandle<()>,
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server").field("url", &self.url).field("api", &self.shared.rules.api.vendor).finish()
    }
}

impl Server {
    pub(crate) async fn start(rules: Rules) -> Server {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a loopback port for the stand-in");
        let url = format!("http://{}", listener.local_addr().expect("a bound listener has an address"));
        let shared = Arc::new(Shared { rules, state: Mutex::new(State::default()) });
        let serving = shared.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { continue };
                let shared = serving.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request| handle(shared.clone(), request));
                    // A dropped connection ends here with an error: expected.
                    let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                });
            }
        });
        Server { shared, url, task }
    }

    /// The server's root URL, `http://127.0.0.1:<port>`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The base URL the client is pointed at (the root and the API's base
    /// path: Rebilly's organization, Monite's `/v1`).
    pub fn base_url(&self) -> String {
        format!("{}{}", self.url, self.shared.rules.base_path)
    }

    /// An expectation on operation `Op`, not mounted yet; the generated
    /// methods named after each operation call this.
    pub fn expect<Op: Operation>(&self) -> Expectation<Op> {
        let spec = self.shared.spec(Op::NAME);
        let rule = Rule {
            operation: spec.name,
            matchers: Vec::new(),
            answer: Answer::status(spec.status),
            limit: None,
            expected: None,
            hits: Vec::new(),
        };
        Expectation { shared: self.shared.clone(), rule, op: PhantomData }
    }

    /// Stops checking requests against the document (credentials, the token
    /// endpoint and expectations still apply): for a test that sends what
    /// the document does not describe on purpose.
    pub fn relaxed(&self) -> &Self {
        self.shared.state().relaxed = true;
        self
    }

    /// The next request (of any operation; not a token request) gets a 429
    /// with `Retry-After` (whole seconds, rounded up) and the vendor's error
    /// body; the ones after it are answered as mounted.
    pub fn rate_limit_next(&self, retry_after: Duration) -> &Self {
        let answer = self.shared.error(429, "Too many requests (stand-in)");
        self.push_fault(with_retry_after(answer, retry_after))
    }

    /// The next request gets `status` and the vendor's error body.
    pub fn fail_next(&self, status: u16) -> &Self {
        let answer = self.shared.error(status, "Failure requested by the test (stand-in)");
        self.push_fault(answer)
    }

    /// The next request's connection is closed without an answer.
    pub fn drop_next(&self) -> &Self {
        self.push_fault(Answer { drop: true, ..Answer::status(0) })
    }

    fn push_fault(&self, answer: Answer) -> &Self {
        self.shared.state().faults.push_back(answer);
        self
    }

    /// The access token in use expires now: the next request sent with it
    /// gets a 401, and the client must fetch a fresh one (no effect on an
    /// API-key stand-in).
    pub fn expire_token(&self) -> &Self {
        self.shared.state().token_valid = false;
        self
    }

    /// The access token expires after `calls` more requests are answered
    /// with it (the token expiring in the middle of a job).
    pub fn expire_token_after(&self, calls: u64) -> &Self {
        let mut state = self.shared.state();
        if calls == 0 {
            state.token_valid = false;
        } else {
            state.expire_after = Some(calls);
        }
        drop(state);
        self
    }

    /// Answers each request that no expectation matches with a sample of its
    /// operation's documented answer (valid per the document, as
    /// [`Expectation::respond_sample`] makes it) instead of failing the
    /// test: for a test that calls many operations and checks the client's
    /// side (what it sends is still checked in strict mode). Expectations
    /// mounted still come first.
    pub fn answer_samples(&self) -> &Self {
        self.shared.state().answer_samples = true;
        self
    }

    /// The operation of the document that is the token endpoint the
    /// stand-in serves itself (Monite's `post_auth_token`), if any: it
    /// answers the stand-in's own credentials only.
    pub fn token_operation(&self) -> Option<&'static str> {
        let Credentials::Tokens { path, .. } = self.shared.rules.credentials else { return None };
        self.shared.rules.api.find("POST", path).map(|(op, _)| op.name)
    }

    /// How many access tokens the token endpoint has issued.
    pub fn tokens_issued(&self) -> u64 {
        self.shared.state().token_serial
    }

    /// Every API request received (token requests aside), in order, with its
    /// body as JSON.
    pub fn requests(&self) -> Vec<Received<Value>> {
        self.shared.state().received.iter().filter(|r| r.operation != TOKEN).map(Received::from_record).collect()
    }

    /// What went wrong so far: strict-mode failures and requests no
    /// expectation matched, one line each. Taking them means
    /// [`verify`](Self::verify) and the drop no longer report them (for a
    /// test of the failure itself).
    pub fn take_failures(&self) -> Vec<String> {
        std::mem::take(&mut self.shared.state().failures)
    }

    /// Panics listing every failure so far (see [`Server`]), and every
    /// expectation with a call count that was not met.
    pub fn verify(&self) {
        let problems = self.problems();
        if !problems.is_empty() {
            panic!("the {} stand-in saw problems:\n  - {}", self.shared.rules.api.vendor, problems.join("\n  - "));
        }
    }

    fn problems(&self) -> Vec<String> {
        let state = self.shared.state();
        let mut problems = state.failures.clone();
        for rule in &state.rules {
            if let Some(expected) = rule.expected {
                if rule.hits.len() != expected {
                    problems.push(format!("{}: expected {expected} call(s), got {}", rule.operation, rule.hits.len()));
                }
            }
        }
        problems
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
        if !std::thread::panicking() {
            self.verify();
        }
    }
}

fn with_retry_after(mut answer: Answer, retry_after: Duration) -> Answer {
    let seconds = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
    answer.headers.push(("retry-after".into(), seconds.to_string()));
    answer
}

/// The operation name token requests are recorded under.
const TOKEN: &str = "(token)";

/// An expectation on one operation: narrow it with the generated matchers
/// (one per parameter, typed as the client's builder takes it) and
/// [`body`](Self::body), shape the answer ([`delay`](Self::delay),
/// [`retry_after`](Self::retry_after), [`header`](Self::header)), bound it
/// ([`times`](Self::times), [`up_to`](Self::up_to)), then mount it with an
/// answer: [`respond`](Self::respond), [`fail`](Self::fail),
/// [`fail_status`](Self::fail_status), [`rate_limited`](Self::rate_limited)
/// or [`drop_connection`](Self::drop_connection). Expectations are tried in
/// the order they were mounted; the first that matches, and has answers
/// left, answers.
#[must_use = "an expectation does nothing until it is mounted with an answer"]
pub struct Expectation<Op: Operation> {
    shared: Arc<Shared>,
    rule: Rule,
    op: PhantomData<Op>,
}

impl<Op: Operation> fmt::Debug for Expectation<Op> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Expectation").field("operation", &Op::NAME).finish()
    }
}

/// A value as the text it travels as in a path, query or header (a list:
/// each item).
fn texts(value: &impl Serialize) -> Vec<String> {
    let one = |v: Value| match v {
        Value::String(s) => s,
        other => other.to_string(),
    };
    match serde_json::to_value(value).expect("parameter values serialize") {
        Value::Array(items) => items.into_iter().map(one).collect(),
        v => vec![one(v)],
    }
}

impl<Op: Operation> Expectation<Op> {
    /// Only requests whose parameter `wire` (in `location`) is `value`.
    pub(crate) fn matching(mut self, location: Location, wire: &str, value: &impl Serialize) -> Self {
        self.rule.matchers.push(Matcher::Param(location, wire.to_string(), texts(value)));
        self
    }

    /// Only requests whose body is `value` (compared as JSON).
    pub fn body<V>(mut self, value: V) -> Self
    where
        V: TryInto<Op::Body>,
        V::Error: fmt::Debug,
    {
        let value: Op::Body = value.try_into().unwrap_or_else(|e| panic!("body for `{}`: {e:?}", Op::NAME));
        self.rule.matchers.push(Matcher::Body(serde_json::to_value(value).expect("bodies serialize")));
        self
    }

    /// Only requests whose body, decoded as the operation's body type,
    /// passes `check`.
    pub fn body_where(mut self, check: impl Fn(&Op::Body) -> bool + Send + Sync + 'static) -> Self {
        let check = move |v: &Value| serde_json::from_value::<Op::Body>(v.clone()).is_ok_and(|b| check(&b));
        self.rule.matchers.push(Matcher::BodyWhere(Box::new(check)));
        self
    }

    /// The test fails (when the stand-in is verified or dropped) unless
    /// exactly `n` requests were answered by this expectation.
    pub fn times(mut self, n: usize) -> Self {
        self.rule.expected = Some(n);
        self
    }

    /// Answers at most `n` requests; later ones go to the expectations
    /// mounted after it (a failure, then a success).
    pub fn up_to(mut self, n: usize) -> Self {
        self.rule.limit = Some(n);
        self
    }

    /// Waits `delay` before answering (to run into the client's timeout).
    pub fn delay(mut self, delay: Duration) -> Self {
        self.rule.answer.delay = delay;
        self
    }

    /// Sends `Retry-After` (whole seconds, rounded up) with the answer.
    pub fn retry_after(mut self, retry_after: Duration) -> Self {
        self.rule.answer = with_retry_after(self.rule.answer, retry_after);
        self
    }

    /// Sends a header with the answer.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.rule.answer.headers.push((name.to_ascii_lowercase(), value.to_string()));
        self
    }

    /// Mounts the expectation: answers with the operation's success status
    /// and `value` as its body.
    pub fn respond(mut self, value: Op::Response) -> Mounted<Op> {
        let body = serde_json::to_value(value).expect("responses serialize");
        // `()`: a success without a body (204).
        self.rule.answer.body = (!body.is_null()).then_some(body);
        self.mount()
    }

    /// Mounts the expectation: answers with the operation's success status
    /// and a sample of its documented answer, as [`sample`](crate::testing::sample)
    /// makes models (none for an answer without a JSON body).
    pub fn respond_sample(mut self) -> Mounted<Op> {
        let api = self.shared.rules.api;
        let status = api.operations.iter().find(|op| op.name == Op::NAME).map_or(200, |op| op.status);
        self.rule.answer.body = super::sample::answer(api, Op::NAME, status);
        self.mount()
    }

    /// Mounts the expectation: answers `status` with the vendor's typed
    /// error body.
    pub fn fail(mut self, status: u16, body: Op::Error) -> Mounted<Op> {
        self.rule.answer.status = status;
        self.rule.answer.body = Some(serde_json::to_value(body).expect("error bodies serialize"));
        self.mount()
    }

    /// Mounts the expectation: answers `status` with the vendor's error body
    /// and a generic message.
    pub fn fail_status(mut self, status: u16) -> Mounted<Op> {
        let error = self.shared.error(status, "Failure requested by the test (stand-in)");
        self.rule.answer.status = status;
        self.rule.answer.body = error.body;
        self.mount()
    }

    /// Mounts the expectation: answers 429 with `Retry-After` and the
    /// vendor's error body.
    pub fn rate_limited(self, retry_after: Duration) -> Mounted<Op> {
        self.retry_after(retry_after).fail_status(429)
    }

    /// Mounts the expectation: closes the connection without answering.
    pub fn drop_connection(mut self) -> Mounted<Op> {
        self.rule.answer.drop = true;
        self.mount()
    }

    /// Mounts the expectation with a list served a page at a time.
    pub(crate) fn paged(mut self, pager: Arc<Pager>) -> Mounted<Op> {
        self.rule.answer.pager = Some(pager);
        self.mount()
    }

    fn mount(self) -> Mounted<Op> {
        let mut state = self.shared.state();
        // An answer the real API would not send makes the test prove
        // nothing: strict mode checks mounted bodies against the document.
        if !state.relaxed {
            let answer = &self.rule.answer;
            let problems = self.shared.rules.api.check_answer(self.shared.spec(Op::NAME), answer.status, answer.body.as_ref());
            state.failures.extend(problems.into_iter().map(|p| format!("strict: {p}")));
        }
        let index = state.rules.len();
        state.rules.push(self.rule);
        drop(state);
        Mounted { shared: self.shared, index, op: PhantomData }
    }
}

/// A mounted expectation: what it received.
pub struct Mounted<Op: Operation> {
    shared: Arc<Shared>,
    index: usize,
    op: PhantomData<Op>,
}

impl<Op: Operation> fmt::Debug for Mounted<Op> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mounted").field("operation", &Op::NAME).field("calls", &self.calls()).finish()
    }
}

impl<Op: Operation> Mounted<Op> {
    /// The requests this expectation answered, in order, bodies typed.
    pub fn received(&self) -> Vec<Received<Op::Body>> {
        let state = self.shared.state();
        state.rules[self.index].hits.iter().map(|i| Received::from_record(&state.received[*i])).collect()
    }

    /// How many requests this expectation answered.
    pub fn calls(&self) -> usize {
        self.shared.state().rules[self.index].hits.len()
    }
}

/// One request a stand-in received.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Received<B> {
    /// The operation (progenitor's name, the client's method).
    pub operation: &'static str,
    /// The method.
    pub method: String,
    /// The path, without the base path.
    pub path: String,
    /// The query, as (name, value) pairs in order.
    pub query: Vec<(String, String)>,
    /// The headers.
    pub headers: http::HeaderMap,
    /// The body, decoded as the operation's body type (`None`: no body, or
    /// one that does not decode).
    pub body: Option<B>,
    /// The body as JSON, if it is JSON.
    pub json: Option<Value>,
    path_params: Vec<(String, String)>,
}

impl<B: DeserializeOwned> Received<B> {
    fn from_record(record: &Record) -> Self {
        let json: Option<Value> = serde_json::from_slice(&record.body).ok();
        Received {
            operation: record.operation,
            method: record.method.clone(),
            path: record.path.clone(),
            query: record.query.clone(),
            headers: record.headers.clone(),
            body: json.clone().and_then(|j| serde_json::from_value(j).ok()),
            json,
            path_params: record.path_params.clone(),
        }
    }

    /// A path or query parameter, decoded as `T` (an enum of the generated
    /// types, a `Uuid`, a number).
    pub fn param<T: DeserializeOwned>(&self, name: &str) -> Option<T> {
        let text = self.path_params.iter().chain(&self.query).find(|(k, _)| k == name).map(|(_, v)| v.clone())?;
        serde_json::from_value(Value::String(text.clone())).ok().or_else(|| serde_json::from_str(&text).ok())
    }

    /// A header, as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// Closes the connection without an answer.
#[derive(Debug)]
struct Dropped;

impl fmt::Display for Dropped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection dropped by the stand-in")
    }
}

impl std::error::Error for Dropped {}

async fn handle(shared: Arc<Shared>, request: http::Request<hyper::body::Incoming>) -> Result<http::Response<Full<Bytes>>, Dropped> {
    let (parts, body) = request.into_parts();
    let body = body.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    let query: Vec<(String, String)> =
        url::form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let answer = decide(&shared, parts.method.as_str(), parts.uri.path(), query, parts.headers, body);
    if !answer.delay.is_zero() {
        tokio::time::sleep(answer.delay).await;
    }
    if answer.drop {
        return Err(Dropped);
    }
    let mut response = http::Response::builder().status(answer.status);
    for (name, value) in &answer.headers {
        response = response.header(name.as_str(), value.as_str());
    }
    let bytes = match &answer.body {
        Some(body) => {
            response = response.header("content-type", "application/json");
            Bytes::from(serde_json::to_vec(body).expect("JSON values serialize"))
        }
        None => Bytes::new(),
    };
    Ok(response.body(Full::new(bytes)).expect("a valid response"))
}

/// What to answer, under the state's lock (no await).
fn decide(shared: &Shared, method: &str, full_path: &str, query: Vec<(String, String)>, headers: http::HeaderMap, body: Bytes) -> Answer {
    let rules = &shared.rules;
    let vendor = rules.api.vendor;
    let mut state = shared.state();
    let under_base = full_path.strip_prefix(rules.base_path.as_str()).filter(|rest| rest.is_empty() || rest.starts_with('/'));
    let mut record =
        Record { operation: TOKEN, method: method.to_string(), path: full_path.to_string(), path_params: Vec::new(), query, headers, body };

    if let Credentials::Tokens { path, under_base: in_base, form, client_id, client_secret } = rules.credentials {
        let token_path = if in_base { under_base } else { Some(full_path) };
        if token_path == Some(path) && method == "POST" {
            // Monite's token endpoint is an operation of its document: checked like any.
            if let (false, Some((op, _))) = (state.relaxed, rules.api.find(method, path)) {
                let incoming = Incoming { path_params: &[], query: &record.query, headers: &record.headers, body: &record.body };
                let problems = rules.api.check(op, &incoming);
                state.failures.extend(problems.into_iter().map(|p| format!("strict: {p}")));
            }
            let accepted = if form {
                let basic = format!(
                    "Basic {}",
                    base64::Engine::encode(&base64::engine::general_purpose::STANDARD, format!("{client_id}:{client_secret}"))
                );
                let fields: Vec<(String, String)> = url::form_urlencoded::parse(&record.body).into_owned().collect();
                record.headers.get("authorization").is_some_and(|h| h.as_bytes() == basic.as_bytes())
                    && fields.iter().any(|(k, v)| k == "grant_type" && v == "client_credentials")
            } else {
                let json: Value = serde_json::from_slice(&record.body).unwrap_or(Value::Null);
                json["client_id"] == client_id && json["client_secret"] == client_secret
            };
            state.received.push(record);
            if !accepted {
                return shared.error(401, "Invalid client credentials (stand-in)");
            }
            state.token_serial += 1;
            state.token_valid = true;
            let token = serde_json::json!({"access_token": token(state.token_serial), "token_type": "Bearer", "expires_in": 3600});
            return Answer { body: Some(token), ..Answer::status(200) };
        }
    }

    let Some(path) = under_base else {
        state.failures.push(format!("{method} {full_path}: not under the base path {}", rules.base_path));
        return shared.error(404, "Not under the API's base path (stand-in)");
    };
    let Some((op, path_params)) = rules.api.find(method, path) else {
        state.failures.push(format!("{method} {path}: no operation of the {vendor} document (strict)"));
        return shared.error(404, "No such operation (stand-in)");
    };
    record.operation = op.name;
    record.path = path.to_string();
    record.path_params = path_params;

    let authorized = match rules.credentials {
        Credentials::ApiKey { header, key } => record.headers.get(header).is_some_and(|v| v.as_bytes() == key.as_bytes()),
        Credentials::Tokens { .. } => {
            let expected = format!("Bearer {}", token(state.token_serial));
            state.token_valid && record.headers.get("authorization").is_some_and(|v| v.as_bytes() == expected.as_bytes())
        }
    };
    if !authorized {
        state.received.push(record);
        return shared.error(401, "The credentials are missing, wrong or expired (stand-in)");
    }
    if let Some(left) = state.expire_after {
        // This request is answered; the token is refused from the next on.
        state.expire_after = (left > 1).then(|| left - 1);
        state.token_valid = left > 1;
    }
    if let Some((name, expected)) = &rules.context_header {
        if record.headers.get(*name).is_some_and(|v| v.as_bytes() != expected.as_bytes()) {
            state.received.push(record);
            return shared.error(403, "Not this stand-in's entity (stand-in)");
        }
    }
    if !state.relaxed {
        let incoming = Incoming { path_params: &record.path_params, query: &record.query, headers: &record.headers, body: &record.body };
        let problems = rules.api.check(op, &incoming);
        if !problems.is_empty() {
            let message = problems.join("; ");
            state.failures.extend(problems.into_iter().map(|p| format!("strict: {p}")));
            state.received.push(record);
            return shared.error(rules.validation_status, &message);
        }
    }
    let index = state.received.len();
    state.received.push(record);
    if let Some(fault) = state.faults.pop_front() {
        return fault;
    }
    let state = &mut *state;
    let record = &state.received[index];
    let found = state.rules.iter().position(|rule| {
        rule.operation == op.name
            && rule.limit.is_none_or(|limit| rule.hits.len() < limit)
            && rule.matchers.iter().all(|m| matches(m, record))
    });
    match found {
        Some(i) => {
            let rule = &mut state.rules[i];
            rule.hits.push(index);
            let mut answer = rule.answer.clone();
            if let Some(pager) = answer.pager.take() {
                let (body, headers) = pager(&state.received[index]);
                answer.body = Some(body);
                answer.headers.extend(headers);
            }
            answer
        }
        None if state.answer_samples => {
            let mut answer = Answer::status(op.status);
            answer.body = super::sample::answer(rules.api, op.name, op.status);
            answer
        }
        None => {
            let r = &state.received[index];
            let query: Vec<String> = r.query.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let body = String::from_utf8_lossy(&r.body[..r.body.len().min(300)]).into_owned();
            let failure = format!("no expectation matches {} ({method} {path}?{} body {body})", op.name, query.join("&"));
            state.failures.push(failure);
            shared.error(501, "No expectation matches this request (stand-in)")
        }
    }
}

fn token(serial: u64) -> String {
    format!("stand-in-token-{serial}")
}

fn matches(matcher: &Matcher, record: &Record) -> bool {
    match matcher {
        Matcher::Param(Location::Path, name, values) => {
            record.path_params.iter().any(|(k, v)| k == name && values == std::slice::from_ref(v))
        }
        Matcher::Param(Location::Query, name, values) => {
            // A list travels as repeated names or comma-separated: either matches.
            let expected: Vec<&str> = values.iter().map(String::as_str).collect();
            let got: Vec<&str> = record.query.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect();
            got == expected || got.iter().flat_map(|v| v.split(',')).collect::<Vec<_>>() == expected
        }
        Matcher::Param(Location::Header, name, values) => {
            record.headers.get(name.as_str()).and_then(|v| v.to_str().ok()).is_some_and(|v| values.first().is_some_and(|e| e == v))
        }
        Matcher::Body(expected) => serde_json::from_slice::<Value>(&record.body).is_ok_and(|got| got == *expected),
        Matcher::BodyWhere(check) => serde_json::from_slice::<Value>(&record.body).is_ok_and(|got| check(&got)),
    }
}
