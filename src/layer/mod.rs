//! Layer (embedded accounting): QuickBooks connection, sync and account
//! mapping for a business.
//!
//! [`Client`] and [`types`] are generated at build time from
//! `specs/layer/openapi.json`. Layer wraps every body: a success arrives as
//! `{"data": …}` (so each response type is an `…Envelope` with a `data`
//! member) and an error as `{"errors": [ApiError, …]}`
//! ([`types::ApiErrorEnvelope`]).
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use accounting_sync::layer::{self, types, Environment};
//! use accounting_sync::Auth;
//!
//! let client = layer::Client::with_environment(Environment::Sandbox, Auth::bearer("access-token"))?;
//! let started = client
//!     .business_quickbooks_sync_from_post()
//!     .business_id("c1a7b7d6-1d1e-4a5c-9f43-3f1c0c6b9f10")
//!     .body(types::QuickbooksSyncFromParams { quickbooks_realm_ids: vec!["9130357992221046".into()] })
//!     .send()
//!     .await?
//!     .into_inner();
//! println!("{:?}", started.data);
//! # Ok(()) }
//! ```

#[allow(missing_docs, clippy::all, unused_imports)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/layer.rs"));
}
pub use generated::*;

use crate::transport::{self, Auth, ClientContext, ConfigError};

transport::client_hooks!(Client);

/// Where requests go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Environment {
    /// `https://sandbox.layerfi.com`
    Sandbox,
    /// `https://api.layerfi.com`
    Production,
    /// Another base URL (a local stand-in, a proxy).
    Custom(String),
}

impl Environment {
    /// The base URL of the environment.
    pub fn base_url(&self) -> &str {
        match self {
            Environment::Sandbox => "https://sandbox.layerfi.com",
            Environment::Production => "https://api.layerfi.com",
            Environment::Custom(url) => url,
        }
    }
}

impl Client {
    /// A client for `environment` that sends `auth` (a Layer access token)
    /// with every request.
    pub fn with_environment(environment: Environment, auth: Auth) -> Result<Self, ConfigError> {
        let url = transport::base_url(environment.base_url())?;
        Ok(Client::new_with_client(&url, transport::http_client()?, ClientContext::new(&auth)?))
    }
}
