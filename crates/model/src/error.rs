//! The crate's one error type.

use std::fmt;

/// Why a domain value could not be built from outside input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    /// A decimal string (`"0.5600"`, `"10.00"`) was malformed or out of range.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// A value was well-formed but outside the domain (a price above $1, a negative count).
    #[error("{what} out of range: {value}")]
    OutOfRange {
        /// What was being built, e.g. `"price"`.
        what: &'static str,
        /// The offending value in the type's units.
        value: i64,
    },
    /// An arithmetic result did not fit.
    #[error("arithmetic overflow in {0}")]
    Overflow(&'static str),
    /// A price is not on the book's tick grid.
    #[error("price {0} is not on the tick grid")]
    OffGrid(crate::Price),
}

/// A decimal string that could not be parsed, with the reason and the (truncated) input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    input: String,
    reason: &'static str,
}

impl ParseError {
    pub(crate) fn new(input: &str, reason: &'static str) -> Self {
        let input = input.chars().take(48).collect();
        Self { input, reason }
    }

    /// Why parsing failed.
    pub fn reason(&self) -> &'static str {
        self.reason
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid decimal {:?}: {}", self.input, self.reason)
    }
}

impl std::error::Error for ParseError {}
