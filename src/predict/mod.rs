//! Subject prediction: which OIDC claims each workflow job will present, and whether the trust
//! policy of the role it assumes admits them.
//!
//! - [`glob`] — GitHub's branch/tag filter patterns ([`BranchFilter`]).
//!
//! Pure logic, no I/O.

pub mod glob;

pub use glob::{BranchFilter, Glob};
