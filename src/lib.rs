//! trustlint: static analysis of AWS IAM trust policies for GitHub Actions OIDC.
//!
//! The modules form layers (ARCHITECTURE.md; `tests/layers.rs` keeps lower layers from using
//! higher ones):
//!
//! ```text
//! cli       cli                          the commands
//! scan      scan                         discover, parse, run the rules
//! findings  report, suppress, baseline   output formats, inline ignores, baselines
//! rules     rules                        engine + families (trust/, workflow/, crosscheck/)
//! facts     config, repo                 trustlint.toml; the repository's identity and roles
//! engines   iam, subject, predict        IAM evaluation, `sub` patterns, claim prediction
//! models    policy, workflow, sources    trust policies, workflows, policies embedded in IaC
//! source    source                       files, spans, JSON and YAML readers, discovery
//! ```

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
