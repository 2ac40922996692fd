//! Rebilly (billing): external identifiers, which link Rebilly customers,
//! invoices, transactions and journal records to QuickBooks Online.
//!
//! [`Client`] and [`types`] are generated at build time from
//! `specs/rebilly/openapi.json`. Every error status of these operations
//! decodes into [`types::ErrorBody`], an RFC 9457 problem details object
//! (`invalidFields` on 422). Rate-limit headers (`X-RateLimit-Remaining`,
//! `X-RateLimit-Retry-After` on 429) are on the response: see
//! [`ResponseValue::headers`].
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use accounting_sync::rebilly::{self, types, Environment};
//!
//! let client = rebilly::Client::with_environment(
//!     Environment::Sandbox,
//!     "my-organization",
//!     rebilly::api_key("sk_sandbox_..."),
//! )?;
//! client
//!     .post_external_identifier()
//!     .resource(types::ExternalIdentifierResource::Customers)
//!     .resource_id("cus_01HXYZ")
//!     .service(types::ExternalIdentifierService::QuickbooksOnline)
//!     .send()
//!     .await?;
//! # Ok(()) }
//! ```

// A crate of its own, re-exported by accounting-sync as `accounting_sync::rebilly`,
// over its model crate and the part crates of the enabled tags, each compiled
// in its own rustc (BENCHMARKS P13, P15).
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

accounting_sync_runtime::generated_api!(accounting_sync_rebilly_model, ErrorBody);

use crate::auth::Auth;
use crate::settings::{ConfigError, Settings};
use crate::transport::{ClientContext, Credential};
use crate::vendor::Vendor;
use reqwest::header::HeaderName;

/// The header that carries a Rebilly secret API key.
pub const API_KEY_HEADER: &str = "reb-apikey";

/// A secret API key, sent as `REB-APIKEY` (use [`Auth::bearer`] for a JWT).
pub fn api_key(key: impl Into<String>) -> Auth {
    Auth::ApiKey { header: HeaderName::from_static(API_KEY_HEADER), key: key.into().into() }
}

fn credential(auth: Auth) -> Result<Credential, ConfigError> {
    Ok(match auth {
        Auth::ApiKey { header, key } => Credential::Header(header, key),
        Auth::Bearer(token) => Credential::bearer(&token),
        Auth::None => Credential::None,
        _ => {
            return Err(ConfigError::UnsupportedAuth {
                vendor: Vendor::Rebilly,
                expected: "a secret API key (rebilly::api_key) or a JWT (Auth::bearer)",
            })
        }
    })
}

/// Where requests go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Environment {
    /// `https://api-sandbox.rebilly.com`
    Sandbox,
    /// `https://api.rebilly.com`
    Live,
    /// Another host (a local stand-in, a proxy): scheme, host and port, with
    /// no organization path.
    Custom(String),
}

impl Environment {
    fn host(&self) -> &str {
        match self {
            Environment::Sandbox => "https://api-sandbox.rebilly.com",
            Environment::Live => "https://api.rebilly.com",
            Environment::Custom(url) => url,
        }
    }
}

impl Client {
    /// A client acting for `organization_id` (Rebilly puts the organization in
    /// the base path: `/organizations/{organization_id}`).
    pub fn with_environment(environment: Environment, organization_id: &str, auth: Auth) -> Result<Self, ConfigError> {
        Self::with_settings(environment, organization_id, auth, &Settings::default())
    }

    /// [`Client::with_environment`] with other timeouts and retries.
    pub fn with_settings(environment: Environment, organization_id: &str, auth: Auth, settings: &Settings) -> Result<Self, ConfigError> {
        let valid =
            !organization_id.is_empty() && organization_id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~'));
        if !valid {
            return Err(ConfigError::Setting {
                name: "organization id",
                reason: format!("{organization_id:?} must be non-empty letters, digits, '-', '_', '.' or '~'"),
            });
        }
        let host = settings::base_url(environment.host())?;
        Self::with_base_url(&format!("{host}/organizations/{organization_id}"), auth, settings)
    }

    /// A client for a base URL given whole, organization path included or
    /// not (a mock server that ignores the document's base path).
    pub fn with_base_url(base_url: &str, auth: Auth, settings: &Settings) -> Result<Self, ConfigError> {
        let url = settings::base_url(base_url)?;
        let (context, http) = ClientContext::new(Vendor::Rebilly, credential(auth)?, settings, &url, &TABLES)?;
        Ok(Client::new_with_client(&url, http, context))
    }
}
