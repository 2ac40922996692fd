//! The OpenAPI document pipeline behind `cargo xtask`: vendor documents in,
//! documents progenitor can generate from out, and an account of every
//! change.
//!
//! - [`document`]: reading and writing JSON or YAML as `serde_json::Value`.
//! - [`walk`]: the operations and the schemas of a document, visited.
//! - [`refs`]: `$ref`s resolved, followed, and the components they reach.
//! - [`naming`]: the Rust names typify and progenitor give.
//! - [`extensions`]: the `x-…` names the normalizer writes and codegen reads.
//! - [`bundle`] (with [`fetch`]): a multi-file source tree as one document.
//! - [`facts`]: a vendor's document reduced to facts, its prose dropped or
//!   generated from the structure; the check that none of it is committed.
//! - [`select`]: the operations (tags) a client keeps, and what they reach.
//! - [`normalize`]: the named passes that make a document progenitor-ready.
//! - [`normalize_files`]: a source file normalized into its output file
//!   (an API's under `specs/`, or any), or checked against it.
//! - [`overlay`]: our repairs of vendor defects, as Overlay 1.0 documents.
//! - [`diff`]: what changed between two documents, breaking changes flagged.
//! - [`refresh`]: a vendor's document fetched, selected, pinned in
//!   `specs/sources.toml` ([`refresh::sources`]) and compared with the last.
//!
//! `walk`, `refs`, `naming` and `extensions` live in the `spec-core` crate,
//! which build.rs's code generation uses too, and are re-exported here.
//! Modules depend downwards only: `document` and those four depend on
//! nothing here; the rest use them.

pub mod bundle;
pub mod diff;
pub mod document;
pub mod facts;
pub mod fetch;
pub mod normalize;
pub mod normalize_files;
pub mod overlay;
pub mod refresh;
pub mod select;
pub use spec_core::{extensions, naming, refs, walk};
