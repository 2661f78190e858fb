//! `missing-sub-condition`: a GitHub-trusting Allow statement that does not pin `sub` (or
//! `job_workflow_ref`) with a positive string condition.

use super::unknown_condition_key::never_present;
use crate::policy::{ProblemKind, Statement};
use crate::rules::{claim_of, Finding, PolicyContext, Rule};

crate::declare_rule!(MissingSubCondition, "missing-sub-condition", Critical);

/// Claims that identify the workflow: pinning either one is an effective constraint (the same
/// pair AWS's write-time check accepts).
const IDENTITY_CLAIMS: &[&str] = &["sub", "job_workflow_ref"];

/// True when the statement has a fail-closed positive string condition on `sub` or
/// `job_workflow_ref` of one of the issuers.
pub fn pins_identity(statement: &Statement, issuers: &[String]) -> bool {
    statement.condition_entries().any(|(block, entry)| {
        block.operator.is_positive_string_match()
            && claim_of(&entry.key.value, issuers)
                .is_some_and(|c| IDENTITY_CLAIMS.iter().any(|i| i.eq_ignore_ascii_case(c)))
    })
}

/// True when a condition of the statement can never hold (a key that is never present, under an
/// operator that fails without it): nobody can assume the role through the statement, so saying
/// that any workflow can would contradict `unknown-condition-key`.
fn fails_closed(ctx: &PolicyContext<'_>, statement: &Statement) -> bool {
    let issuers = statement.oidc_issuers();
    statement.condition_entries().any(|(block, entry)| {
        !block.operator.holds_when_key_absent()
            && never_present(&entry.key.value, &issuers, &ctx.settings.extra_issuers)
    })
}

impl Rule for MissingSubCondition {
    fn check_policy(&self, ctx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        let github: Vec<_> = ctx.github_allow_statements().collect();
        for (statement, trusts) in &github {
            let issuers: Vec<String> = trusts.iter().map(|t| t.issuer.clone()).collect();
            if pins_identity(statement, &issuers) || fails_closed(ctx, statement) {
                continue;
            }
            let issuer = &trusts[0].issuer;
            let mut finding = ctx
                .finding(
                    &Self::META,
                    trusts[0].principal_span,
                    format!(
                        "{} lets any GitHub Actions workflow of any repository assume this role: it has no StringEquals/StringLike condition on {issuer}:sub",
                        statement.label()
                    ),
                )
                .witness("repo:attacker/any-repo:ref:refs/heads/main")
                .help(format!(
                    "add \"StringEquals\": {{\"{issuer}:sub\": \"repo:OWNER/REPO:ref:refs/heads/main\"}} (or the environment your deploy job uses)"
                ))
                .route(format!("{}/sub", ctx.statement_route(statement)));
            // Say why what looks like a constraint is not one.
            for (block, entry) in statement.condition_entries() {
                let claim = entry.claim_name();
                let sub_like = IDENTITY_CLAIMS
                    .iter()
                    .any(|c| c.eq_ignore_ascii_case(claim))
                    || crate::rules::spelling::is_near(claim, "sub");
                if !sub_like {
                    continue;
                }
                let note = if claim_of(&entry.key.value, &issuers).is_none()
                    || !IDENTITY_CLAIMS
                        .iter()
                        .any(|c| c.eq_ignore_ascii_case(claim))
                {
                    format!(
                        "this key is not {issuer}:sub: the token never carries it, so it constrains nothing"
                    )
                } else {
                    format!(
                        "{} does not pin the subject: it also holds for subjects it does not list",
                        block.operator
                    )
                };
                finding = finding.related(entry.key.span, note);
            }
            for duplicate in ctx.problems.iter().filter(|p| {
                p.kind == ProblemKind::DuplicateKey
                    && statement.span.start <= p.span.start
                    && p.span.end <= statement.span.end
            }) {
                finding = finding.related(
                    duplicate.span,
                    "IAM keeps only one of these duplicate keys: a `sub` condition in the dropped one does not count",
                );
            }
            if let Some((tight, _)) = github.iter().find(|(s, t)| {
                s.index != statement.index
                    && pins_identity(s, &t.iter().map(|t| t.issuer.clone()).collect::<Vec<_>>())
            }) {
                finding = finding.related(
                    tight.span,
                    format!(
                        "{} is tight, but one matching Allow statement is enough to assume the role",
                        tight.label()
                    ),
                );
            }
            out.push(finding);
        }
    }
}
