//! GitHub OIDC subject grammar and pattern analysis.
//!
//! * [`parse_subject`] reads a concrete `sub` claim ([`Subject`]: classic, immutable or
//!   customized) and refuses what GitHub cannot emit.
//! * [`analyze_sub_value`] says what one value of a positive `sub` condition admits beyond one
//!   repository and one exact context ([`SubjectRisk`]), each finding with a witness subject.
//! * [`known_claim_keys`] lists the claims of GitHub's Actions OIDC token.
//!
//! Pure logic, no I/O.

mod analysis;
mod claims;
mod engine;
mod grammar;

pub use analysis::{
    analyze_sub_value, analyze_sub_value_where, MatchKind, SubjectFinding, SubjectRisk,
};
pub use claims::{is_known_claim_key, known_claim_keys, REPO_PROPERTY_PREFIX};
pub use grammar::{parse_subject, Claim, Context, Repository, Subject};
