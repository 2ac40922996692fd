//! A credential inside a generated model: a string that never prints.

use std::fmt;

/// A credential field of a model (`format: password` in our documents, or a
/// field named like one: `client_secret`, `access_token`, `secret`…). It
/// serializes and deserializes as the plain string the API sends, but its
/// `Debug` shows `Secret("[redacted]")`, so a model logged with `{:?}` never
/// shows it. Read it with [`Secret::expose`].
///
/// ```
/// use accounting_sync::Secret;
///
/// let secret = Secret::from("s3cr3t-value");
/// assert_eq!(format!("{secret:?}"), r#"Secret("[redacted]")"#);
/// assert_eq!(secret.expose(), "s3cr3t-value");
/// ```
#[derive(Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// The value itself: keep it out of logs.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The value itself, owned.
    pub fn into_inner(self) -> String {
        self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Secret").field(&crate::redact::MASK).finish()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_string())
    }
}

impl schemars::JsonSchema for Secret {
    fn schema_name() -> String {
        "Secret".into()
    }

    fn json_schema(_: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
        schemars::schema::SchemaObject {
            instance_type: Some(schemars::schema::InstanceType::String.into()),
            format: Some("password".into()),
            ..Default::default()
        }
        .into()
    }
}
