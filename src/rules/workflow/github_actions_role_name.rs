//! `github-actions-role-name`: `role-to-assume` names a role called `GitHubActions`, which users
//! of aws-actions/configure-aws-credentials reported could not be assumed with OIDC ("Not
//! authorized to perform sts:AssumeRoleWithWebIdentity") until they renamed it (issue #953; the
//! action's README warns about it). The cause is unknown, so the finding is informational.

use super::credential_steps::{
    input_entry, is_aws_credentials_step, is_expression, step_label, steps,
};
use crate::rules::{Finding, Rule, WorkflowContext};
use crate::workflow::scalar_text;

crate::declare_rule!(GithubActionsRoleName, "github-actions-role-name", Info);

/// The role name in `role-to-assume`: the part after the last `/` of an ARN
/// (`arn:aws:iam::123456789012:role/path/GitHubActions`) or the bare name, when it is literal.
pub fn role_name(value: &str) -> Option<&str> {
    let value = value.trim();
    let name = match value.rfind('/') {
        Some(i) if value.starts_with("arn:") => &value[i + 1..],
        Some(_) => return None,
        None if value.starts_with("arn:") => return None,
        None => value,
    };
    (!name.is_empty() && !is_expression(name) && !name.contains("}}")).then_some(name)
}

/// IAM role names are unique case-insensitively, so `githubactions` is the same name.
const RISKY: &str = "GitHubActions";

impl Rule for GithubActionsRoleName {
    fn check_workflow(&self, ctx: &WorkflowContext<'_>, out: &mut Vec<Finding>) {
        for (job, step) in steps(ctx.workflow) {
            if !is_aws_credentials_step(step) {
                continue;
            }
            let Some((_, node)) = input_entry(step, "role-to-assume") else {
                continue;
            };
            let Some(value) = scalar_text(node) else {
                continue;
            };
            let Some(name) = role_name(&value) else {
                continue;
            };
            if !name.eq_ignore_ascii_case(RISKY) {
                continue;
            }
            out.push(
                ctx.finding(
                    &Self::META,
                    node.span,
                    format!(
                        "{} assumes a role named \"{name}\": roles with exactly this name have been reported to fail with \"Not authorized to perform sts:AssumeRoleWithWebIdentity\" even with a correct trust policy (aws-actions/configure-aws-credentials#953)",
                        step_label(job, step)
                    ),
                )
                .help("if assuming the role fails although the trust policy admits this workflow's `sub` and `aud`, give the role another name (for example `gha-deploy-<repo>`) and update `role-to-assume`")
                .route(format!("{}/with/role-to-assume", ctx.step_route(job, step))),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_from_arns_and_bare_names() {
        assert_eq!(
            role_name("arn:aws:iam::123456789012:role/GitHubActions"),
            Some("GitHubActions")
        );
        assert_eq!(
            role_name(" arn:aws-cn:iam::123456789012:role/ci/deploy/GitHubActions "),
            Some("GitHubActions")
        );
        assert_eq!(role_name("GitHubActions"), Some("GitHubActions"));
        assert_eq!(
            role_name("arn:aws:iam::${{ vars.ACCOUNT }}:role/GitHubActions"),
            Some("GitHubActions")
        );
        assert_eq!(role_name("${{ secrets.ROLE_ARN }}"), None);
        assert_eq!(
            role_name("arn:aws:iam::123456789012:role/${{ vars.ROLE }}"),
            None
        );
        assert_eq!(role_name("arn:aws:iam::123456789012:role/"), None);
        assert_eq!(role_name("arn:aws:iam::123456789012"), None);
        assert_eq!(role_name("path/GitHubActions"), None);
        assert_eq!(role_name(""), None);
    }
}
