//! The Rebilly stand-in: API-key authentication (`REB-APIKEY`), the
//! organization in the base path, problem-details errors, lists paged by
//! `limit`/`offset` with `Pagination-*` headers.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! use accounting_sync::rebilly::types::{ExternalIdentifier, ExternalIdentifierResource as Resource, ExternalIdentifierService as Service};
//! use accounting_sync::testing;
//! use futures::TryStreamExt;
//!
//! let api = testing::rebilly().await;
//! api.get_external_identifier_collection().pages_of(testing::samples::<ExternalIdentifier>(5), 2);
//! let all: Vec<_> = api.client().get_external_identifier_collection().items().try_collect().await.unwrap();
//! assert_eq!(all.len(), 5);
//!
//! // A 503 on a POST: sent once, not repeated (a POST is not retried after a 5xx).
//! let post = api.post_external_identifier().resource_id("cus_1").fail_status(503);
//! let sent = api.client().post_external_identifier().resource(Resource::Customers).resource_id("cus_1").service(Service::QuickbooksOnline).send().await;
//! assert_eq!(sent.unwrap_err().status().map(|s| s.as_u16()), Some(503));
//! assert_eq!(post.calls(), 1);
//! # }
//! ```

use super::server::{Credentials, Rules, Server};
use super::strict::Api;
use crate::rebilly::{self as api, Environment};
use crate::vendor::Vendor;
use serde_json::{json, Value};

crate::rebilly::generated_file!(testing);

/// The normalized Rebilly document the stand-in serves and checks against.
pub static API: Api = Api::new(Vendor::Rebilly, crate::rebilly::generated_file!(document), OPERATIONS);

/// The API key the stand-in accepts.
pub const API_KEY: &str = "sk_stand_in_secret";
/// The organization in the stand-in's base path.
pub const ORGANIZATION: &str = "stand-in-org";

/// A Rebilly stand-in (see [`crate::testing`]): a loopback server and a client
/// for it, with the starters of the operations generated for it.
pub type StandIn = super::StandIn<api::Client>;

impl StandIn {
    /// Starts a stand-in; [`crate::testing::rebilly()`] calls this.
    pub async fn start() -> StandIn {
        let rules = Rules {
            api: &API,
            base_path: format!("/organizations/{ORGANIZATION}"),
            credentials: Credentials::ApiKey { header: api::API_KEY_HEADER, key: API_KEY },
            context_header: None,
            validation_status: 422,
            error_body,
        };
        StandIn::started(rules, Self::client_with).await
    }

    fn client_with(core: &Server, settings: &crate::Settings) -> api::Client {
        api::Client::with_settings(Environment::Custom(core.url().to_string()), ORGANIZATION, api::api_key(API_KEY), settings)
            .expect("the stand-in's URL and key are valid")
    }
}

/// A problem-details body, as Rebilly sends for every error.
fn error_body(status: u16, message: &str) -> Value {
    let title = http::StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("Error");
    let mut body = json!({"type": "about:blank", "title": title, "status": status, "detail": message});
    if status == 422 {
        body["invalidFields"] = json!([{"field": "request", "message": message}]);
    }
    body
}
