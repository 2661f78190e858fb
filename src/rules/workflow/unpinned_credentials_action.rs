//! `unpinned-credentials-action`: an action that receives or mints credentials
//! (configure-aws-credentials, azure/login, google-github-actions/auth, hashicorp/vault-action
//! and the other OIDC consumers) referenced by a branch, another moving ref, or no ref at all.
//!
//! A release tag (`@v4`, `@v4.1.0`) is accepted here; a full commit SHA is best. Which tags are
//! too old is `outdated-credentials-action`'s business.

use super::credential_steps::{
    credential_actions, describe_moving_ref, step_label, steps, RefKind,
};
use crate::rules::{Finding, Rule, WorkflowContext};

crate::declare_rule!(
    UnpinnedCredentialsAction,
    "unpinned-credentials-action",
    Medium
);

impl Rule for UnpinnedCredentialsAction {
    fn check_workflow(&self, ctx: &WorkflowContext<'_>, out: &mut Vec<Finding>) {
        let actions = credential_actions();
        for (job, step) in steps(ctx.workflow) {
            let Some(uses) = &step.uses else { continue };
            let Some(name) = uses.value.full_action_name() else {
                continue;
            };
            if !actions.contains(&name.as_str()) {
                continue;
            }
            let git_ref = uses.value.git_ref.as_deref();
            let action = uses.value.raw.split('@').next().unwrap_or_default();
            let label = step_label(job, step);
            let message = match RefKind::of(git_ref) {
                RefKind::FullSha | RefKind::Version { .. } => continue,
                RefKind::Missing => format!(
                    "{label} runs {action}, a credential action, with no `@ref`: GitHub refuses to run the step, and the quick fix of adding `@main` would hand this job's credentials to whatever is pushed to that branch"
                ),
                RefKind::Moving => format!(
                    "{label} runs {action}, a credential action, at {}: whoever can push to that ref decides what code runs with this job's credentials (the OIDC token and the cloud credentials it is exchanged for)",
                    describe_moving_ref(git_ref.unwrap_or_default())
                ),
            };
            out.push(
                ctx.finding(&Self::META, uses.span, message)
                .help(format!(
                    "pin the action to a full commit SHA with its release in a comment, `uses: {action}@<40-hex-sha> # vX.Y.Z` (let Dependabot or Renovate bump it); a release tag such as `@v4` is the least to use"
                ))
                .route(format!("{}/uses", ctx.step_route(job, step))),
            );
        }
    }
}
