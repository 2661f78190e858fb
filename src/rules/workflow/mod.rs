//! The workflow rules: each reads one workflow ([`WorkflowContext`](super::WorkflowContext)),
//! with every workflow of the scan for cross-file questions — credential handling, the
//! `id-token` permission, triggers, and the workflow document itself.
//!
//! Shared by the family: [`credential_steps`] (the steps that configure AWS credentials and
//! their inputs) and `workflow_jobs` (which jobs consume the OIDC token, and reusable-workflow
//! callers); their case tables are `credential_tests` and `workflow_rule_tests`.

pub mod credential_steps;
mod workflow_jobs;

#[cfg(test)]
mod credential_tests;
#[cfg(test)]
mod workflow_rule_tests;

pub mod credentials_in_outputs;
pub mod excessive_id_token_permission;
pub mod github_actions_role_name;
pub mod hardcoded_aws_key;
pub mod invalid_credentials_action_input;
pub mod invalid_permission;
pub mod invalid_workflow;
pub mod missing_id_token_permission;
pub mod oidc_untrusted_trigger;
pub mod outdated_credentials_action;
pub mod static_aws_credentials;
pub mod unpinned_credentials_action;
