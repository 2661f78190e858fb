//! Subject prediction: which OIDC claims each workflow job will present, and whether the trust
//! policy of the role it assumes admits them.
//!
//! - [`glob`] — GitHub's branch/tag filter patterns ([`BranchFilter`]);
//! - [`predict_job`] — the `sub` contexts, `aud` and `job_workflow_ref` of one job's token;
//!   [`subjects`] / [`admits`] — concrete subjects and membership;
//! - [`check_against`] — each context against a trust policy (allowed, denied with a witness,
//!   partly denied, unknown); [`unused_admissions`] — subjects the policy admits that no
//!   workflow needs; [`tightest_sub_values`] — the `sub` values the workflows do need.
//!
//! Pure logic, no I/O.

mod decide;
pub mod glob;
#[allow(clippy::module_inception)]
mod predict;

#[cfg(test)]
mod tests;

pub use decide::{check_against, unused_admissions, Admission, ContextVerdict, Verdict};
pub use glob::{BranchFilter, Glob};
pub use predict::{
    admits, local_callers, membership, predict_job, repo_relative, subjects, tightest_sub_values,
    Caller, GitRef, PredictedContext, PredictedSubject, Prediction, RefSet, RepoFacts,
    SubjectFormat, SuggestedSubValue, DEFAULT_AUDIENCE,
};
