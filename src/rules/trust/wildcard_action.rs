//! `wildcard-action`: an Allow statement whose action is a wildcard (`*`, `sts:*`, `sts:AssumeRole*`).

use crate::iam::wildcard::{has_wildcard, like_match};
use crate::policy::Effect;
use crate::rules::{Finding, PolicyContext, Rule};

crate::declare_rule!(WildcardAction, "wildcard-action", Medium);

/// STS actions a trust policy can grant; a wildcard that covers several grants more than intended.
const TRUST_ACTIONS: &[&str] = &[
    "sts:AssumeRole",
    "sts:AssumeRoleWithWebIdentity",
    "sts:AssumeRoleWithSAML",
    "sts:TagSession",
    "sts:SetSourceIdentity",
    "sts:SetContext",
];

impl Rule for WildcardAction {
    fn check_policy(&self, ctx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        for statement in &ctx.policy.statements {
            let Some(action) = &statement.action else {
                continue;
            };
            if statement.effect.value != Effect::Allow || action.negated {
                continue;
            }
            for value in action.values.iter().filter(|v| has_wildcard(&v.value)) {
                let pattern = value.value.to_ascii_lowercase();
                let covered: Vec<&str> = TRUST_ACTIONS
                    .iter()
                    .copied()
                    .filter(|a| like_match(&pattern, &a.to_ascii_lowercase()))
                    .collect();
                let what = if covered.is_empty() {
                    "actions this trust policy does not need".to_string()
                } else {
                    covered.join(", ")
                };
                out.push(
                    ctx.finding(
                        &Self::META,
                        value.span,
                        format!(
                            "{} allows the action \"{}\", which grants {what}",
                            statement.label(),
                            value.value
                        ),
                    )
                    .help("list the exact action: \"sts:AssumeRoleWithWebIdentity\" for an OIDC provider (add \"sts:TagSession\" only if the caller passes session tags)")
                    .route(format!("{}/Action/{}", ctx.statement_route(statement), value.value)),
                );
            }
        }
    }
}
