//! Test tooling for accounting-sync: not shipped, not a dependency of the
//! crate. Everything here checks or measures what the pipeline and the
//! clients do, against the vendors' real documents. The runs are verbs of
//! `cargo xtask` (see `cargo xtask --help`):
//!
//! - [`corpus`]: whole vendor documents normalized, generated and compiled,
//!   split one crate per tag ([`split`]).
//! - [`sweep`]: every operation of those clients called against Prism.
//! - [`contract`]: `tests/contract.rs` against Prism mocks of each API.
//! - [`bench_build`]: what building the crate costs per feature.
//! - [`bundle_check`]: a vendor's source tree bundled by us and by Redocly
//!   CLI, compared.
//!
//! Their plumbing, each in one module: [`prism`] (the mock server),
//! [`redocly`] (the reference bundler), [`npm`] (installing those two),
//! [`scratch`] (scratch workspaces of generated clients), [`measure`] (time
//! and memory of a build), [`progress`] (what a long run shows while it
//! works), [`upstream`] (where the vendors' documents are),
//! [`generated_code`] (reading generated code).

pub mod bench_build;
pub mod bundle_check;
pub mod contract;
pub mod corpus;
pub mod generated_code;
pub mod measure;
pub mod npm;
pub mod prism;
pub mod progress;
pub mod redocly;
pub mod scratch;
pub mod split;
pub mod sweep;
pub mod upstream;

#[cfg(test)]
mod construct_tests;
#[cfg(test)]
mod naming_tests;
#[cfg(test)]
mod semantics_tests;
