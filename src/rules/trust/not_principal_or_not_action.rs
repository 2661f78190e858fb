//! `not-principal-or-not-action`: `NotPrincipal` anywhere, or `NotAction` in an Allow statement.

use crate::policy::Effect;
use crate::rules::{Finding, PolicyContext, Rule};

crate::declare_rule!(
    NotPrincipalOrNotAction,
    "not-principal-or-not-action",
    Medium
);

impl Rule for NotPrincipalOrNotAction {
    fn check_policy(&self, ctx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        for statement in &ctx.policy.statements {
            let route = ctx.statement_route(statement);
            if let Some(principal) = statement.principal.as_ref().filter(|p| p.negated) {
                out.push(
                    ctx.finding(
                        &Self::META,
                        principal.key_span,
                        format!(
                            "{} uses NotPrincipal: it applies to every principal except the listed ones, and role trust policies do not support it",
                            statement.label()
                        ),
                    )
                    .help("use \"Principal\" and name who may assume the role")
                    .route(format!("{route}/NotPrincipal")),
                );
            }
            if let Some(action) = statement.action.as_ref().filter(|a| a.negated) {
                if statement.effect.value == Effect::Allow {
                    out.push(
                        ctx.finding(
                            &Self::META,
                            action.key_span,
                            format!(
                                "{} uses NotAction with Allow: it allows every action except the listed ones",
                                statement.label()
                            ),
                        )
                        .help("use \"Action\" with the exact action, e.g. \"sts:AssumeRoleWithWebIdentity\"")
                        .route(format!("{route}/NotAction")),
                    );
                }
            }
        }
    }
}
