//! What both ends of the pipeline read in an OpenAPI document: the
//! normalizer and diff (`spec-pipeline`) and the code generation build.rs
//! runs (`accounting-sync-codegen`). One copy of each fact, so the two
//! cannot disagree about a name, a reference or an extension.
//!
//! - [`naming`]: the Rust names progenitor and typify give.
//! - [`refs`]: `$ref`s resolved, followed, and the components they reach.
//! - [`walk`]: the operations and the schemas of a document, visited.
//! - [`features`]: one cargo feature per tag of a whole document, and the
//!   document build.rs generates from the enabled ones.
//! - [`extensions`]: the `x-…` names the normalizer writes and codegen reads.
//!
//! It depends on serde_json, heck and unicode-ident only: build.rs compiles
//! it, and must not compile the pipeline's HTTP and YAML dependencies.

pub mod extensions;
pub mod features;
pub mod naming;
pub mod refs;
pub mod walk;
