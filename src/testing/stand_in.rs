//! What every vendor's stand-in is: a running [`Server`] and a client for
//! it. Each API module names its own (`rebilly::StandIn`, …) with the
//! starters of its operations and what only that vendor has.

use super::server::{Rules, Server};
use crate::Settings;

/// A stand-in of one API on 127.0.0.1 and a client pointed at it (see
/// [`crate::testing`]); the common controls are [`Server`]'s, through
/// `Deref`. Each API module has its own: [`rebilly::StandIn`](super::rebilly::StandIn),
/// [`layer::StandIn`](super::layer::StandIn), [`monite::StandIn`](super::monite::StandIn).
#[derive(Debug)]
pub struct StandIn<C> {
    pub(super) core: Server,
    client: C,
    /// The API's client for a server, with the credentials it accepts.
    connect: fn(&Server, &Settings) -> C,
}

impl<C> std::ops::Deref for StandIn<C> {
    type Target = Server;
    fn deref(&self) -> &Server {
        &self.core
    }
}

impl<C: Clone> StandIn<C> {
    /// Starts the server of `rules`, with a client from `connect` and
    /// [`super::settings`].
    pub(super) async fn started(rules: Rules, connect: fn(&Server, &Settings) -> C) -> Self {
        let core = Server::start(rules).await;
        let client = connect(&core, &super::settings());
        StandIn { core, client, connect }
    }

    /// A client for the stand-in, with its credentials and
    /// [`crate::testing::settings`].
    pub fn client(&self) -> C {
        self.client.clone()
    }

    /// A client for the stand-in with other settings.
    pub fn client_with_settings(&self, settings: &Settings) -> C {
        (self.connect)(&self.core, settings)
    }
}
