//! `wildcard-principal`: an Allow statement that trusts every principal.

use crate::policy::{Effect, Principal};
use crate::rules::{Finding, PolicyContext, Rule};

crate::declare_rule!(WildcardPrincipal, "wildcard-principal", Critical);

impl Rule for WildcardPrincipal {
    fn check_policy(&self, ctx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        for statement in &ctx.policy.statements {
            let Some(principal) = &statement.principal else {
                continue;
            };
            if statement.effect.value != Effect::Allow || principal.negated {
                continue;
            }
            let spans: Vec<_> = match &principal.value {
                Principal::Wildcard(span) => vec![(*span, "\"*\"".to_string())],
                Principal::Entries(entries) => entries
                    .iter()
                    .flat_map(|e| {
                        e.values.iter().filter(|v| v.value == "*").map(move |v| {
                            (v.span, format!("{{\"{}\": \"*\"}}", e.kind.value.name()))
                        })
                    })
                    .collect(),
            };
            for (span, written) in spans {
                out.push(
                    ctx.finding(
                        &Self::META,
                        span,
                        format!(
                            "{} allows the principal {written}: anyone — any AWS account, any identity provider — may assume this role{}",
                            statement.label(),
                            if statement.conditions.is_empty() { " with no condition at all" } else { " if they satisfy its conditions" }
                        ),
                    )
                    .help("name the principal that should assume the role, e.g. {\"Federated\": \"arn:aws:iam::ACCOUNT:oidc-provider/token.actions.githubusercontent.com\"}")
                    .route(format!("{}/Principal", ctx.statement_route(statement))),
                );
            }
        }
    }
}
