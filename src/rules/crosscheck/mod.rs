//! The cross-check rules: each reads the whole repository
//! ([`RepoContext`](super::RepoContext)) — every workflow step that assumes an AWS role, against
//! the trust policy of that role.
//!
//! The analysis they share is computed once per scan ([`Analysis`]): the role uses
//! ([`analysis`]), which trust policy belongs to a role ([`lookup`]), and the verdicts of the
//! job's predicted claims against it ([`verdicts`]).

pub mod analysis;
pub mod lookup;
pub mod verdicts;

pub mod audience_mismatch;
pub mod pull_request_can_assume_role;
pub mod trust_broader_than_workflows;
pub mod trust_policy_denies_workflow;
pub mod unresolved_role;

pub(crate) use analysis::analyse;
pub use analysis::{describe_job, is_pull_request, repo_facts, Analysis, RoleUse};
pub use lookup::PolicyLookup;
pub use verdicts::{admitting_sub_value, Denial};
