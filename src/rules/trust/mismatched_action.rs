//! `mismatched-action`: an OIDC (Federated) principal without `sts:AssumeRoleWithWebIdentity`.

use crate::iam::allows_action;
use crate::policy::{parse_oidc_provider_arn, Effect};
use crate::rules::{Finding, PolicyContext, Rule, WEB_IDENTITY_ACTION};

crate::declare_rule!(MismatchedAction, "mismatched-action", Medium);

impl Rule for MismatchedAction {
    fn check_policy(&self, ctx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        for statement in &ctx.policy.statements {
            if statement.effect.value != Effect::Allow {
                continue;
            }
            let Some(action) = &statement.action else {
                continue;
            };
            let Some(provider) = statement
                .federated()
                .find(|v| parse_oidc_provider_arn(&v.value).is_some())
            else {
                continue;
            };
            if allows_action(action, WEB_IDENTITY_ACTION) {
                continue;
            }
            let span = action
                .values
                .first()
                .map(|v| v.span)
                .unwrap_or(action.key_span);
            let listed: Vec<&str> = action.values.iter().map(|v| v.value.as_str()).collect();
            out.push(
                ctx.finding(
                    &Self::META,
                    span,
                    format!(
                        "{} trusts an OIDC provider but allows only {}: a web identity token can only be used with sts:AssumeRoleWithWebIdentity, so every assume fails",
                        statement.label(),
                        listed.join(", ")
                    ),
                )
                .related(provider.span, "the OIDC provider")
                .help("set \"Action\": \"sts:AssumeRoleWithWebIdentity\"")
                .route(format!("{}/Action", ctx.statement_route(statement))),
            );
        }
    }
}
