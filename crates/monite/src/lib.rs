//! Monite (AP/AR): accounting connections, synced records, and access tokens.
//!
//! [`Client`] and [`types`] are generated at build time from
//! `specs/monite/openapi.json`. The client sets Monite's two context headers
//! itself: `x-monite-version` (the document's version, [`api_version`],
//! unless [`Client::with_api_version`] says otherwise) and
//! `x-monite-entity-id` (from [`Client::for_entity`]). Every error status
//! decodes into [`types::ErrorBody`]: `error.message` for most, `detail` for
//! 422.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use accounting_sync::monite::{self, Environment};
//! use accounting_sync::Auth;
//!
//! let partner = monite::Client::with_environment(Environment::Sandbox, Auth::bearer("access-token"))?;
//! let entity = partner.for_entity("9d2b4c8f-2087-4738-ba91-7359683c49a4".parse()?);
//! let record = entity
//!     .post_accounting_synced_records_id_push()
//!     .synced_record_id("0e4d3c1b-6a5f-4e2d-9c8b-7a6f5e4d3c2b".parse::<uuid::Uuid>()?)
//!     .send()
//!     .await?
//!     .into_inner();
//! println!("{:?} {:?}", record.sync_status, record.platform);
//! # Ok(()) }
//! ```

// A crate of its own, re-exported by accounting-sync as `accounting_sync::monite`,
// over its model crate and the part crates of the enabled tags, each compiled
// in its own rustc (BENCHMARKS P13, P15).
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

accounting_sync_runtime::generated_api!(accounting_sync_monite_model, ErrorBody);

use crate::auth::Auth;
use crate::auth::{ClientCredentials, TokenGrant};
use crate::redact::Secrets;
use crate::settings::{ConfigError, Settings};
use crate::transport::{ClientContext, Credential};
use crate::vendor::Vendor;
use secrecy::ExposeSecret;

/// Partner client credentials, exchanged at `POST /auth/token` for partner
/// tokens.
pub fn client_credentials(client_id: impl Into<String>, client_secret: impl Into<String>) -> Auth {
    Auth::ClientCredentials(ClientCredentials::new(client_id, client_secret))
}

/// Partner client credentials exchanged for tokens of one entity user
/// (Monite's `entity_user` grant).
pub fn entity_user(client_id: impl Into<String>, client_secret: impl Into<String>, entity_user_id: uuid::Uuid) -> Auth {
    Auth::EntityUser { credentials: ClientCredentials::new(client_id, client_secret), entity_user_id }
}

/// The API version the generated client was written against (`info.version`
/// of the document), sent as `x-monite-version` unless overridden.
pub fn api_version() -> &'static str {
    <Client as ClientInfo<ClientContext>>::api_version()
}
/// Header carrying the API version.
pub const VERSION_HEADER: &str = "x-monite-version";
/// Header naming the entity a call acts for.
pub const ENTITY_HEADER: &str = "x-monite-entity-id";

/// How to make a client send each header an operation may require.
const HEADER_HINTS: &[(&str, &str)] = &[(ENTITY_HEADER, ": make the client with Client::for_entity(entity_id)")];

/// Where requests go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Environment {
    /// `https://api.sandbox.monite.com/v1`
    Sandbox,
    /// `https://api.monite.com/v1` (Europe)
    Europe,
    /// `https://us.api.monite.com/v1` (North America)
    NorthAmerica,
    /// Another base URL, with its `/v1` if any (a local stand-in, a proxy).
    Custom(String),
}

impl Environment {
    /// The base URL of the environment.
    pub fn base_url(&self) -> &str {
        match self {
            Environment::Sandbox => "https://api.sandbox.monite.com/v1",
            Environment::Europe => "https://api.monite.com/v1",
            Environment::NorthAmerica => "https://us.api.monite.com/v1",
            Environment::Custom(url) => url,
        }
    }
}

impl Client {
    /// A partner-level client for `environment` that authenticates with
    /// `auth`: [`client_credentials`], [`entity_user`] or a token
    /// ([`Auth::bearer`]). Calls on an entity's data need
    /// [`Client::for_entity`].
    pub fn with_environment(environment: Environment, auth: Auth) -> Result<Self, ConfigError> {
        Self::with_settings(environment, auth, &Settings::default())
    }

    /// [`Client::with_environment`] with other timeouts and retries.
    pub fn with_settings(environment: Environment, auth: Auth, settings: &Settings) -> Result<Self, ConfigError> {
        let url = settings::base_url(environment.base_url())?;
        let token = |credentials: ClientCredentials, entity_user_id| -> Result<Credential, ConfigError> {
            let token_url = credentials.token_url().map_or_else(|| format!("{url}/auth/token"), str::to_string);
            let url = settings::base_url(&token_url)?;
            Ok(Credential::Token(Box::new(JsonGrant { url, version: api_version().to_string(), credentials, entity_user_id })))
        };
        let credential = match auth {
            Auth::Bearer(t) => Credential::bearer(&t),
            Auth::ClientCredentials(credentials) => token(credentials, None)?,
            Auth::EntityUser { credentials, entity_user_id } => token(credentials, Some(entity_user_id))?,
            Auth::None => Credential::None,
            _ => {
                return Err(ConfigError::UnsupportedAuth {
                    vendor: Vendor::Monite,
                    expected: "client credentials, an entity user or an access token",
                })
            }
        };
        let (context, http) = ClientContext::new(Vendor::Monite, credential, settings, &url, &TABLES)?;
        let context = context.with_header(VERSION_HEADER, api_version())?.with_header_hints(HEADER_HINTS);
        Ok(Client::new_with_client(&url, http, context))
    }

    /// The same client acting for another entity (`x-monite-entity-id`).
    /// Cheap: the connection pool and credentials are shared.
    pub fn for_entity(&self, entity_id: uuid::Uuid) -> Self {
        let context = self.inner().clone().with_header(ENTITY_HEADER, &entity_id.to_string()).expect("a UUID is a valid header value");
        Client::new_with_client(self.baseurl(), self.client().clone(), context)
    }

    /// The same client sending another `x-monite-version` (a date such as
    /// `2024-05-25`).
    pub fn with_api_version(&self, version: &str) -> Result<Self, ConfigError> {
        if chrono::NaiveDate::parse_from_str(version, "%Y-%m-%d").is_err() {
            return Err(ConfigError::Setting { name: "x-monite-version", reason: format!("{version:?} is not a YYYY-MM-DD date") });
        }
        let context = self.inner().clone().with_header(VERSION_HEADER, version)?;
        Ok(Client::new_with_client(self.baseurl(), self.client().clone(), context))
    }

    /// The entity this client acts for, if set.
    pub fn entity_id(&self) -> Option<uuid::Uuid> {
        self.inner().header(ENTITY_HEADER)?.to_str().ok()?.parse().ok()
    }
}

/// Monite's token grant: `POST /auth/token` with a JSON body, as a partner
/// (client credentials) or as an entity user.
#[derive(Debug)]
struct JsonGrant {
    url: String,
    version: String,
    credentials: ClientCredentials,
    entity_user_id: Option<uuid::Uuid>,
}

impl TokenGrant for JsonGrant {
    fn request(&self, http: &reqwest::Client) -> reqwest::RequestBuilder {
        let credentials = &self.credentials;
        let mut body = serde_json::json!({
            "client_id": credentials.client_id(),
            "client_secret": credentials.client_secret().expose_secret(),
            "grant_type": if self.entity_user_id.is_some() { "entity_user" } else { "client_credentials" },
        });
        if let Some(user) = self.entity_user_id {
            body["entity_user_id"] = serde_json::json!(user);
        }
        http.post(&self.url).header("x-monite-version", &self.version).json(&body)
    }
    fn register_secrets(&self, secrets: &Secrets) {
        secrets.add(self.credentials.client_secret().expose_secret())
    }
}
