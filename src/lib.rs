//! trustlint: static analysis of AWS IAM trust policies for GitHub Actions OIDC.

pub mod baseline;
pub mod cli;
pub mod config;
pub mod escape;
#[doc(hidden)]
pub mod harness;
pub mod iam;
pub mod policy;
pub mod predict;
pub mod repo;
pub mod report;
pub mod rules;
pub mod scan;
pub mod source;
pub mod sources;
pub mod subject;
pub mod suppress;
pub mod workflow;
