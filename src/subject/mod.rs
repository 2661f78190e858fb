//! GitHub OIDC subject grammar and pattern analysis.
//!
//! * [`known_claim_keys`] lists the claims of GitHub's Actions OIDC token.
//!
//! Pure logic, no I/O.

mod claims;

pub use claims::{is_known_claim_key, known_claim_keys, REPO_PROPERTY_PREFIX};
