//! The extensions (`x-…`) of a normalized document that mean something to
//! our code: written by one crate, read by another, so named once here.

/// On a string component: a flat open enum (its values, and `Unknown` for
/// any other). Written by the normalizer's open_enums pass; codegen makes
/// the enum.
pub const OPEN_ENUM: &str = "x-open-enum";

/// On an operation: the client-set headers it needs (names). Written by the
/// client_headers pass; codegen puts them in the operations table.
pub const REQUIRED_CLIENT_HEADERS: &str = "x-required-client-headers";

/// On the document: every header parameter the client_headers pass removed
/// because the client sets it.
pub const CLIENT_HEADERS: &str = "x-client-headers";

/// On the `Content-Type` parameter the request_bodies pass adds for a
/// non-JSON body, which the client_headers pass must keep.
pub const BODY_MEDIA_TYPE: &str = "x-body-media-type";

/// On a request body: the multipart form it had before the request_bodies
/// pass replaced it (the sweep builds forms from it).
pub const FORM: &str = "x-form";

/// On a string schema: the enum values the enum_names pass removed because
/// progenitor cannot name them (`""`, `"+"`).
pub const ENUM_VALUES: &str = "x-enum-values";

/// On an operation of a source document: `false` exempts it from the API's
/// response envelope (normalize.json's `envelope`).
pub const RESPONSE_ENVELOPE: &str = "x-response-envelope";

/// On an object schema: renamed property key → the property's name on the
/// wire. Written by the property_names pass for properties whose Rust names
/// clash; codegen makes the wire name the field's serde name again.
pub const WIRE_NAMES: &str = "x-wire-names";

/// On a schema: the Rust type typify uses for it instead of generating one
/// (typify's own extension; codegen writes it for credentials).
pub const RUST_TYPE: &str = "x-rust-type";

/// On a server of a source document (ours): the rate limit the vendor
/// documents for it, `{requests, period_seconds, burst}`. Kept by the
/// normalizer; codegen makes the transport's rate-limit table of it.
pub const RATE_LIMIT: &str = "x-rate-limit";

/// On an operation: how it pages (`{"kind": "offset", "limit", "offset",
/// "total": header or null, "limit_header": header or null}` or `{"kind":
/// "cursor", "token", "next", "items"}`, with the success `status`). Written
/// by the normalizer's paging pass; codegen gives the operation's builder
/// `pages()` and `items()` from it.
pub const PAGING: &str = "x-paging";
