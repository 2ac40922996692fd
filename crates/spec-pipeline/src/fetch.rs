//! Getting documents over HTTP(S), with a timeout and clear errors.

use anyhow::{bail, Result};
use std::time::Duration;
use url::Url;

/// Time allowed for one fetch.
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// The body at `url` as text; `Ok(None)` on 404. Any other non-2xx answer,
/// and any network failure, is an error saying which.
pub fn get_text(url: &Url) -> Result<Option<String>> {
    let agent = ureq::AgentBuilder::new().timeout(TIMEOUT).user_agent(concat!("accounting-sync-xtask/", env!("CARGO_PKG_VERSION"))).build();
    match agent.get(url.as_str()).call() {
        Ok(response) => {
            let html = response.content_type().contains("html");
            let text = response.into_string().map_err(|e| anyhow::anyhow!("{url}: the body could not be read: {e}"))?;
            if html {
                bail!("{url}: the server sent an HTML page, not an OpenAPI document");
            }
            Ok(Some(text))
        }
        Err(ureq::Error::Status(404, _)) => Ok(None),
        Err(ureq::Error::Status(code, response)) => bail!("{url}: HTTP {code} {}", response.status_text()),
        Err(ureq::Error::Transport(t)) => bail!("cannot reach {url}: {t}"),
    }
}
