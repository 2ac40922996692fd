//! Layer webhooks: thin `resource.event` notifications (`{id, type, data:
//! {id}}`) that name the entity without carrying it. Layer's page has a
//! signature section whose scheme could not be confirmed here, so this
//! module does not verify deliveries yet: see the [module docs](super).
//! Layer expects a 2xx within 15 seconds: answer first, fetch after.

use super::{decode, WebhookError, DEFAULT_MAX_BODY_BYTES};
use crate::layer::{types, Client};
use crate::Error;

/// Decodes a delivery's event **without checking who sent it**.
pub fn decode_unverified(body: &[u8]) -> Result<types::WebhookEvent, WebhookError> {
    decode(body, DEFAULT_MAX_BODY_BYTES, "a Layer webhook event")
}

/// For a `business.*` event, fetches the business's QuickBooks connection
/// status (the Layer data this crate covers): `Ok(None)` for other events.
pub async fn fetch_quickbooks_status(
    client: &Client,
    event: &types::WebhookEvent,
) -> Result<Option<types::QuickbooksConnectionStatus>, Error> {
    use types::WebhookEventType as T;
    if !matches!(event.type_, T::BusinessCreated | T::BusinessUpdated | T::BusinessArchived) {
        return Ok(None);
    }
    let status = client.business_quickbooks_connection_status_get().business_id(event.data.id.as_str()).send().await?;
    Ok(Some(status.into_inner().data))
}
