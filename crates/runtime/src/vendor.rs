//! The three APIs, named.

use std::fmt;

/// One of the APIs: where an error came from, what a setting is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Vendor {
    /// Rebilly (billing).
    Rebilly,
    /// Layer (embedded accounting).
    Layer,
    /// Monite (AP/AR).
    Monite,
}

impl Vendor {
    /// The vendor's name, as used in messages and tracing.
    pub fn name(self) -> &'static str {
        match self {
            Vendor::Rebilly => "Rebilly",
            Vendor::Layer => "Layer",
            Vendor::Monite => "Monite",
        }
    }
}

impl fmt::Display for Vendor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
