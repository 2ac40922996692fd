//! Helpers shared by the test files: assertions on what the client really
//! sent to a wiremock server on loopback, fixtures, and (in submodules) the
//! Monite record fixture, the open-file limit and the hostile_* files'
//! clients and raw servers.
#![allow(dead_code)] // each test file uses its own subset

pub mod fd_limit;
#[cfg(all(feature = "rebilly", feature = "layer", feature = "monite"))]
pub mod hostile;
pub mod logs;
#[cfg(feature = "monite")]
pub mod monite;
pub mod vendor_in_trouble;

use serde_json::Value;
use wiremock::{MockServer, Request};

/// The one request `server` received; fails the test when it got another count.
pub async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.expect("request recording is on");
    assert_eq!(requests.len(), 1, "expected exactly one request, got {requests:#?}");
    requests.remove(0)
}

/// A header of a received request, as text.
pub fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).map(|v| v.to_str().expect("ASCII header"))
}

/// Asserts what every request of every client must (not) carry.
pub fn assert_common_headers(request: &Request) {
    assert_eq!(header(request, "api-version"), None, "progenitor's api-version header must be removed");
    let agent = header(request, "user-agent").unwrap_or_default();
    assert!(agent.starts_with("accounting-sync/"), "user-agent {agent:?}");
}

/// The JSON body of a received request.
pub fn json_body(request: &Request) -> Value {
    serde_json::from_slice(&request.body).expect("the request body is JSON")
}

/// The query of a received request as (name, value) pairs, in order.
pub fn query(request: &Request) -> Vec<(String, String)> {
    request.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

/// Parses a fixture.
pub fn fixture(text: &str) -> Value {
    serde_json::from_str(text).expect("fixtures are JSON")
}

/// Re-encodes a decoded value, to compare it with the JSON it came from:
/// equal means every field was decoded and nothing was lost.
pub fn reencoded<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("generated types serialize")
}
