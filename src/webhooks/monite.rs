//! Monite webhooks. Monite signs every delivery (`Monite-Signature:
//! t=<unix seconds>,v1=<hex>`, HMAC-SHA256 with the subscription's secret,
//! which `post_webhook_subscriptions` and `…/regenerate_secret` return);
//! the exact payload it signs could not be confirmed from Monite's page
//! here, so this module does not check signatures yet: see the
//! [module docs](super) for what to do meanwhile.

use super::{decode, WebhookError, DEFAULT_MAX_BODY_BYTES};
use crate::monite::{types, Client};
use crate::Error;

/// Decodes a delivery's event **without checking who sent it**.
pub fn decode_unverified(body: &[u8]) -> Result<types::WebhookEvent, WebhookError> {
    decode(body, DEFAULT_MAX_BODY_BYTES, "a Monite webhook event")
}

/// The id of the object the event is about (`object.id`), when Monite
/// included the object.
pub fn object_id(event: &types::WebhookEvent) -> Option<uuid::Uuid> {
    event.object.as_ref()?.get("id")?.as_str()?.parse().ok()
}

/// Fetches, from Monite, the accounting connection an
/// `accounting_connection` event is about (as the event's entity):
/// `Ok(None)` for events about other objects or without an object id.
pub async fn fetch_accounting_connection(
    client: &Client,
    event: &types::WebhookEvent,
) -> Result<Option<types::AccountingConnectionResponse>, Error> {
    let (types::WebhookObjectType::AccountingConnection, Some(id)) = (&event.object_type, object_id(event)) else { return Ok(None) };
    let connection = client.for_entity(event.entity_id).get_accounting_connections_id().connection_id(id).send().await?;
    Ok(Some(connection.into_inner()))
}
