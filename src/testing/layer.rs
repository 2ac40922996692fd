//! The Layer stand-in: OAuth2 client credentials at its own token endpoint
//! (`POST /oauth2/token`, HTTP Basic, `grant_type=client_credentials`),
//! bearer tokens checked on every call, errors as `{"errors": [...]}`.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! use accounting_sync::layer::types;
//! use accounting_sync::testing::{self, sample};
//! use std::time::Duration;
//!
//! let api = testing::layer().await;
//! let business = "c1a7b7d6-1d1e-4a5c-9f43-3f1c0c6b9f10";
//! let status: types::QuickbooksConnectionStatusEnvelope = sample();
//! let answered = api.business_quickbooks_connection_status_get().business_id(business).respond(status.clone());
//!
//! // A 429 with Retry-After, then the token expiring: the client waits, then
//! // fetches a fresh token, and the call still succeeds.
//! api.rate_limit_next(Duration::ZERO).expire_token_after(1);
//! let client = api.client();
//! for _ in 0..2 {
//!     let got = client.business_quickbooks_connection_status_get().business_id(business).send().await.unwrap();
//!     assert_eq!(got.into_inner(), status);
//! }
//! assert_eq!(answered.calls(), 2);
//! assert_eq!(api.tokens_issued(), 2);
//! # }
//! ```

use super::server::{Credentials, Rules, Server};
use super::strict::Api;
use crate::layer::{self as api, Environment};
use crate::vendor::Vendor;
use crate::{Auth, ClientCredentials};
use serde_json::{json, Value};

crate::layer::generated_file!(testing);

/// The normalized Layer document the stand-in serves and checks against.
pub static API: Api = Api::new(Vendor::Layer, crate::layer::generated_file!(document), OPERATIONS);

/// The client id the stand-in's token endpoint accepts.
pub const CLIENT_ID: &str = "stand-in-client";
/// The client secret the stand-in's token endpoint accepts.
pub const CLIENT_SECRET: &str = "stand-in-client-secret";
/// The token endpoint's path.
pub const TOKEN_PATH: &str = "/oauth2/token";

/// A Layer stand-in (see [`crate::testing`]): a loopback server and a client
/// for it, with the starters of the operations generated for it. Its
/// clients have client credentials (tokens from the stand-in's token
/// endpoint).
pub type StandIn = super::StandIn<api::Client>;

impl StandIn {
    /// Starts a stand-in; [`crate::testing::layer()`] calls this.
    pub async fn start() -> StandIn {
        let rules = Rules {
            api: &API,
            base_path: String::new(),
            credentials: Credentials::Tokens {
                path: TOKEN_PATH,
                under_base: false,
                form: true,
                client_id: CLIENT_ID,
                client_secret: CLIENT_SECRET,
            },
            context_header: None,
            validation_status: 400,
            error_body,
        };
        StandIn::started(rules, Self::client_with).await
    }

    /// The client credentials the stand-in accepts, its token URL and a
    /// scope set.
    pub fn credentials(&self) -> Auth {
        Self::auth(&self.core)
    }

    fn auth(core: &Server) -> Auth {
        let credentials = ClientCredentials::new(CLIENT_ID, CLIENT_SECRET)
            .with_scope("https://sandbox.layerfi.com/sandbox")
            .with_token_url(format!("{}{TOKEN_PATH}", core.url()));
        Auth::ClientCredentials(credentials)
    }

    fn client_with(core: &Server, settings: &crate::Settings) -> api::Client {
        api::Client::with_settings(Environment::Custom(core.base_url()), Self::auth(core), settings)
            .expect("the stand-in's URL and credentials are valid")
    }
}

/// Layer's error envelope, its type chosen by the status.
fn error_body(status: u16, message: &str) -> Value {
    let kind = match status {
        400 | 422 => "InvalidParameters",
        401 | 403 => "AuthFailure",
        404 => "ResourceNotFound",
        409 => "Conflict",
        _ => "Unknown",
    };
    json!({"errors": [{"type": kind, "description": message}]})
}
