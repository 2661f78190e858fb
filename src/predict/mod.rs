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
//! One file per concern: `model` (the types), `triggers` (the runs of each event, with their
//! filters), `condition` (what an `if:` keeps), `callers` (reusable workflows' local callers),
//! `job` (one job's claims), `subjects`, `suggest` and `decide` (the verdicts against a policy).
//!
//! Pure logic, no I/O.

mod callers;
mod condition;
mod decide;
pub mod glob;
mod job;
mod model;
mod subjects;
mod suggest;
mod triggers;

#[cfg(test)]
mod tests;

pub use callers::{local_callers, repo_relative};
pub use decide::{check_against, unused_admissions, Admission, ContextVerdict, Verdict};
pub use glob::{BranchFilter, Glob};
pub use job::predict_job;
pub use model::{
    Caller, GitRef, PredictedContext, PredictedSubject, Prediction, RefSet, RepoFacts,
    SubjectFormat, DEFAULT_AUDIENCE,
};
pub use subjects::{admits, membership, subjects};
pub use suggest::{tightest_sub_values, SuggestedSubValue};
