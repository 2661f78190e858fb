//! `outdated-credentials-action`: aws-actions/configure-aws-credentials at v1, v2 or v3
//! (`@v1`, `@v1-node16`, `@v1.7.0`, `@v2`, `@v3.0.1` …), releases built for the node12 and
//! node16 runtimes that GitHub-hosted runners have retired.
//!
//! A commit SHA cannot be mapped to a release without the network, so it is not judged; a
//! branch is `unpinned-credentials-action`'s business.

use super::credential_steps::{is_aws_credentials_step, step_label, steps, RefKind};
use crate::rules::{Finding, Rule, WorkflowContext};

crate::declare_rule!(
    OutdatedCredentialsAction,
    "outdated-credentials-action",
    Medium
);

/// The Node.js runtime a major release of configure-aws-credentials declares (`runs.using`
/// in its action.yml); `v1-node16` is the v1 line rebuilt for node16.
fn runtime(major: u64, suffix: &str) -> Option<&'static str> {
    match major {
        1 if suffix.eq_ignore_ascii_case("-node16") => Some("node16"),
        1 => Some("node12"),
        2 | 3 => Some("node16"),
        _ => None,
    }
}

impl Rule for OutdatedCredentialsAction {
    fn check_workflow(&self, ctx: &WorkflowContext<'_>, out: &mut Vec<Finding>) {
        for (job, step) in steps(ctx.workflow) {
            if !is_aws_credentials_step(step) {
                continue;
            }
            let Some(uses) = &step.uses else { continue };
            let git_ref = uses.value.git_ref.as_deref().unwrap_or_default();
            let RefKind::Version { major, suffix, .. } = RefKind::of(Some(git_ref)) else {
                continue;
            };
            let Some(node) = runtime(major, &suffix) else {
                continue;
            };
            let extra = if major < 3 {
                "; it predates `output-credentials`, retries and `role-chaining` (v3), and the warning on long-term keys (v4)"
            } else {
                "; v4 moved to node20 and warns when long-term keys are used"
            };
            out.push(
                ctx.finding(
                    &Self::META,
                    uses.span,
                    format!(
                        "{} uses aws-actions/configure-aws-credentials@{git_ref}, a v{major} release built for {node}: GitHub-hosted runners have retired that runtime (the action is forced onto a newer Node.js it was never tested with, with deprecation warnings on every run) and the v{major} line gets no fixes{extra}",
                        step_label(job, step)
                    ),
                )
                .help("upgrade to the current major release (v6) — or at least v4 — pinned to its full commit SHA with the version in a comment: `uses: aws-actions/configure-aws-credentials@<40-hex-sha> # v6.x.y`; the inputs of v1–v3 keep working")
                .route(format!("{}/uses", ctx.step_route(job, step))),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtimes_by_major() {
        assert_eq!(runtime(1, ""), Some("node12"));
        assert_eq!(runtime(1, "-node16"), Some("node16"));
        assert_eq!(runtime(2, ""), Some("node16"));
        assert_eq!(runtime(3, ".0.1"), Some("node16"));
        assert_eq!(runtime(4, ""), None);
        assert_eq!(runtime(6, ""), None);
        assert_eq!(runtime(0, ""), None);
    }
}
