//! The rate limits a document records for its servers (`x-rate-limit`, our
//! extension: `{requests, period_seconds, burst}` on a server object), as a
//! Rust table the transport paces calls by.

use serde_json::Value;
use spec_core::extensions::RATE_LIMIT as EXTENSION;

/// `RATE_LIMITS`: `(server URL, RateLimit)` for each server with a limit,
/// and `TABLES`, what the transport reads of the API (with `OPERATIONS`).
pub fn code(doc: &Value) -> Result<String, String> {
    let mut rows = String::new();
    for server in doc.get("servers").and_then(Value::as_array).into_iter().flatten() {
        let Some(limit) = server.get(EXTENSION) else { continue };
        let url = server.get("url").and_then(Value::as_str).ok_or("a server without a url")?;
        let number = |key: &str| {
            limit
                .get(key)
                .and_then(Value::as_u64)
                .filter(|n| *n > 0 && *n <= u64::from(u32::MAX))
                .ok_or_else(|| format!("{EXTENSION} of server {url}: `{key}` must be a whole number from 1 to {}", u32::MAX))
        };
        let (requests, period, burst) = (number("requests")?, number("period_seconds")?, number("burst")?);
        rows.push_str(&format!(
            "    ({url:?}, crate::RateLimit {{ requests: {requests}, period: ::std::time::Duration::from_secs({period}), burst: {burst} }}),\n"
        ));
    }
    Ok(format!(
        "/// The rate limits the document records per server (`{EXTENSION}`).\n\
         pub(crate) const RATE_LIMITS: &[(&str, crate::RateLimit)] = &[\n{rows}];\n\
         /// What the transport reads of this API (public for accounting-sync's test of the lookup).\n\
         #[doc(hidden)]\n\
         pub const TABLES: crate::transport::ApiTables = crate::transport::ApiTables {{ operations: OPERATIONS, rate_limits: RATE_LIMITS }};\n"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn servers_with_a_limit_become_rows() {
        let doc = serde_json::json!({"servers": [
            {"url": "https://sandbox.example", "x-rate-limit": {"requests": 100, "period_seconds": 1, "burst": 100}},
            {"url": "https://other.example"}
        ]});
        let code = code(&doc).unwrap();
        assert!(code.contains(r#"("https://sandbox.example", crate::RateLimit { requests: 100, period: ::std::time::Duration::from_secs(1), burst: 100 })"#), "{code}");
        assert!(!code.contains("other.example"));
        let bad = serde_json::json!({"servers": [{"url": "https://x", "x-rate-limit": {"requests": 0, "period_seconds": 1, "burst": 1}}]});
        assert!(code_err(&bad).contains("`requests` must be a whole number"));
    }

    fn code_err(doc: &Value) -> String {
        code(doc).unwrap_err()
    }
}
