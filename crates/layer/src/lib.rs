//! Layer (embedded accounting): a business's customers, vendors, invoices,
//! bills and their payments, ledger accounts, journal entries, bank
//! transactions and reports, and its QuickBooks connection, sync and account
//! mapping.
//!
//! [`Client`] and [`types`] are generated at build time from
//! `specs/layer/openapi.json`. Layer wraps every body: a success arrives as
//! `{"data": …}` (so each response type is an `…Envelope` with a `data`
//! member) and an error as `{"errors": [ApiError, …]}`
//! ([`types::ApiErrorEnvelope`]). A paged list answers a `…Page` whose
//! `meta.pagination` ([`types::Pagination`]) carries the `cursor` for the next
//! call while `has_more` is true.
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

// A crate of its own, re-exported by accounting-sync as `accounting_sync::layer`,
// over its model crate and the part crates of the enabled tags, each compiled
// in its own rustc (BENCHMARKS P13, P15).
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

accounting_sync_runtime::generated_api!(accounting_sync_layer_model, ApiErrorEnvelope);

use crate::auth::Auth;
use crate::auth::{ClientCredentials, OAuthForm};
use crate::settings::{ConfigError, Settings};
use crate::transport::{ClientContext, Credential};
use crate::vendor::Vendor;

/// Layer's OAuth2 token endpoint.
pub const TOKEN_URL: &str = "https://auth.layerfi.com/oauth2/token";

/// OAuth2 client credentials, exchanged at [`TOKEN_URL`] for one-hour tokens
/// with the environment's scope.
pub fn client_credentials(client_id: impl Into<String>, client_secret: impl Into<String>) -> Auth {
    Auth::ClientCredentials(ClientCredentials::new(client_id, client_secret))
}

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

impl Environment {
    /// The OAuth scope of the environment's tokens.
    pub fn scope(&self) -> Option<&str> {
        match self {
            Environment::Sandbox => Some("https://sandbox.layerfi.com/sandbox"),
            Environment::Production => Some("https://api.layerfi.com/production"),
            Environment::Custom(_) => None,
        }
    }
}

impl Client {
    /// A client for `environment` that authenticates with `auth`: client
    /// credentials ([`client_credentials`]) or an access token
    /// ([`Auth::bearer`]).
    pub fn with_environment(environment: Environment, auth: Auth) -> Result<Self, ConfigError> {
        Self::with_settings(environment, auth, &Settings::default())
    }

    /// [`Client::with_environment`] with other timeouts and retries.
    pub fn with_settings(environment: Environment, auth: Auth, settings: &Settings) -> Result<Self, ConfigError> {
        let url = settings::base_url(environment.base_url())?;
        let credential = match auth {
            Auth::Bearer(token) => Credential::bearer(&token),
            Auth::ClientCredentials(credentials) => {
                let scope = match (credentials.scope(), environment.scope()) {
                    (Some(scope), _) => scope.to_string(),
                    (None, Some(scope)) => scope.to_string(),
                    (None, None) => {
                        return Err(ConfigError::Setting {
                            name: "scope",
                            reason: "a custom environment needs ClientCredentials::with_scope".into(),
                        })
                    }
                };
                // A custom environment (a proxy, a stand-in) must say where its
                // tokens come from: the secret is not sent to Layer's own
                // endpoint for a host that is not Layer's.
                let token_url = match (credentials.token_url(), &environment) {
                    (Some(url), _) => url.to_string(),
                    (None, Environment::Custom(_)) => {
                        return Err(ConfigError::Setting {
                            name: "token URL",
                            reason: "a custom environment needs ClientCredentials::with_token_url".into(),
                        })
                    }
                    (None, _) => TOKEN_URL.to_string(),
                };
                Credential::Token(Box::new(OAuthForm { url: settings::base_url(&token_url)?, scope, credentials }))
            }
            Auth::None => Credential::None,
            _ => return Err(ConfigError::UnsupportedAuth { vendor: Vendor::Layer, expected: "client credentials or an access token" }),
        };
        let (context, http) = ClientContext::new(Vendor::Layer, credential, settings, &url, &TABLES)?;
        Ok(Client::new_with_client(&url, http, context))
    }
}
