//! The Monite stand-in: partner client credentials at `POST /v1/auth/token`
//! (checked against the document like any call), bearer tokens checked on
//! every call, the entity header required where the document requires it
//! and checked against the stand-in's entity, lists paged by
//! `pagination_token`.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! use accounting_sync::monite::types::{ObjectMatchTypes, SyncRecordResource};
//! use accounting_sync::testing;
//! use futures::TryStreamExt;
//!
//! let api = testing::monite().await;
//! let list = api.get_accounting_synced_records().object_type(ObjectMatchTypes::Receivable).pages_of(testing::samples::<SyncRecordResource>(7), 3);
//! let records: Vec<_> = api.client().get_accounting_synced_records().object_type(ObjectMatchTypes::Receivable).items().try_collect().await.unwrap();
//! assert_eq!(records.len(), 7);
//! assert_eq!(list.calls(), 3);
//! # }
//! ```

use super::server::{Credentials, Mounted, Rules, Server};
use super::strict::Api;
use super::Expectation;
use crate::monite::{self as api, Environment};
use crate::vendor::Vendor;
use crate::{Auth, ClientCredentials};
use serde_json::{json, Value};

crate::monite::generated_file!(testing);

/// The normalized Monite document the stand-in serves and checks against.
pub static API: Api = Api::new(Vendor::Monite, crate::monite::generated_file!(document), OPERATIONS);

/// The client id the stand-in's token endpoint accepts (Monite's client
/// ids are UUIDs: the document says so, and strict mode checks it).
pub const CLIENT_ID: &str = "5f0e3c2a-8b1d-4e6f-9a7c-2d4b6e8f0a1c";
/// The client secret the stand-in's token endpoint accepts.
pub const CLIENT_SECRET: &str = "stand-in-client-secret";
/// The entity the stand-in's client acts for (`x-monite-entity-id`).
pub const ENTITY: &str = "9d2b4c8f-2087-4738-ba91-7359683c49a4";

/// A Monite stand-in (see [`crate::testing`]): a loopback server and a client
/// for it, with the starters of the operations generated for it. Its
/// clients have partner client credentials (tokens from the stand-in's
/// `/auth/token`) and act for [`ENTITY`].
pub type StandIn = super::StandIn<api::Client>;

impl StandIn {
    /// Starts a stand-in; [`crate::testing::monite()`] calls this.
    pub async fn start() -> StandIn {
        let rules = Rules {
            api: &API,
            base_path: "/v1".into(),
            credentials: Credentials::Tokens {
                path: "/auth/token",
                under_base: true,
                form: false,
                client_id: CLIENT_ID,
                client_secret: CLIENT_SECRET,
            },
            context_header: Some((api::ENTITY_HEADER, ENTITY.into())),
            validation_status: 422,
            error_body,
        };
        StandIn::started(rules, Self::client_with).await
    }

    /// The partner-level client (no entity): [`client`](Self::client)
    /// without `x-monite-entity-id`.
    pub fn partner_client(&self) -> api::Client {
        api::Client::with_settings(Environment::Custom(self.core.base_url()), Self::auth(), &super::settings())
            .expect("the stand-in's URL and credentials are valid")
    }

    /// The client credentials the stand-in accepts.
    pub fn credentials(&self) -> Auth {
        Self::auth()
    }

    /// The stand-in's entity.
    pub fn entity(&self) -> uuid::Uuid {
        ENTITY.parse().expect("a valid UUID")
    }

    fn auth() -> Auth {
        Auth::ClientCredentials(ClientCredentials::new(CLIENT_ID, CLIENT_SECRET))
    }

    fn client_with(core: &Server, settings: &crate::Settings) -> api::Client {
        api::Client::with_settings(Environment::Custom(core.base_url()), Self::auth(), settings)
            .expect("the stand-in's URL and credentials are valid")
            .for_entity(ENTITY.parse().expect("a valid UUID"))
    }
}

/// Monite's error body: `error.message`, or `detail` for a 422.
fn error_body(status: u16, message: &str) -> Value {
    if status == 422 {
        json!({"detail": [{"loc": ["request"], "msg": message, "type": "value_error"}]})
    } else {
        json!({"error": {"message": message}})
    }
}

impl Expectation<ops::GetAccountingConnections> {
    /// Mounts the list `items` as one page (Monite's connections list is
    /// not paged).
    pub fn list_of(self, items: Vec<api::types::AccountingConnectionResponse>) -> Mounted<ops::GetAccountingConnections> {
        self.respond(api::types::AccountingConnectionList { data: items })
    }
}
