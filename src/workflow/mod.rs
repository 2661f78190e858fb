//! GitHub Actions workflows: the typed model built from a spanned [`Node`](crate::source::Node)
//! tree, the effective `id-token` permission of each job, and the steps that consume the OIDC
//! token.
//!
//! - [`build_workflow`] — the model, with every problem collected ([`WorkflowProblem`]);
//! - [`UsesRef`] — `uses:` references; [`expression_refs`] — `${{ … }}` context references;
//! - [`effective_id_token`] / [`caller_grants`] — permissions with provenance, reusable
//!   workflows capped by their local callers;
//! - [`oidc_consumer`] — one table of OIDC token consumers.

mod build;
mod expr;
mod local_action;
mod model;
mod oidc;
mod permissions;
mod uses;

#[cfg(test)]
mod tests;

pub use build::build_workflow;
pub use expr::{
    condition_refs, expression_ranges, expression_refs, has_expression, ExprRef, CONTEXTS,
};
pub use local_action::{
    inlined_aws_steps, local_action_consumer, read_local_action, repository_root, InlinedStep,
    LocalAction, MAX_DEPTH as LOCAL_ACTION_DEPTH,
};
pub use model::{
    is_true, scalar_text, CallOutput, EnvVar, Environment, Filter, IdTokenLevel, Job,
    PermissionEntry, Permissions, PermissionsKind, Step, Trigger, TriggerForm, TriggerInput,
    Triggers, Workflow, WorkflowProblem, WorkflowProblemKind,
};
pub use oidc::{
    is_known_action, oidc_consumer, token_user, ConsumerKind, ConsumerMatch, ConsumerSpec, Need,
    OidcConsumer, NON_CONSUMERS, OIDC_CONSUMERS,
};
pub use permissions::{
    caller_grants, declared_id_token, effective_id_token, effective_id_token_in_repo,
    split_workflow_path, CallerGrant, CallerOutcome, EffectiveIdToken, Provenance,
};
pub use uses::{UsesKind, UsesRef};
