//! GitHub OIDC subject grammar and pattern analysis.
//!
//! * [`parse_subject`] reads a concrete `sub` claim ([`Subject`]: classic, immutable or
//!   customized) and refuses what GitHub cannot emit.
//! * [`known_claim_keys`] lists the claims of GitHub's Actions OIDC token.
//!
//! Pure logic, no I/O.

mod claims;
mod grammar;

pub use claims::{is_known_claim_key, known_claim_keys, REPO_PROPERTY_PREFIX};
pub use grammar::{parse_subject, Claim, Context, Repository, Subject};
