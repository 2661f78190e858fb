//! `unresolved-principal`: an Allow statement of an embedded trust policy whose principal
//! trustlint could not resolve (a template parameter without a default, an imported value).

use crate::policy::Effect;
use crate::rules::{Finding, PolicyContext, Rule};

crate::declare_rule!(UnresolvedPrincipal, "unresolved-principal", Info);

impl Rule for UnresolvedPrincipal {
    fn check_policy(&self, ctx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        for statement in &ctx.policy.statements {
            let Some(principal) = &statement.principal else {
                continue;
            };
            if statement.effect.value != Effect::Allow {
                continue;
            }
            for value in &principal.unresolved {
                out.push(
                    ctx.finding(
                        &Self::META,
                        value.span,
                        format!(
                            "{}: the principal {} cannot be resolved from the file alone: the GitHub rules could not check this statement",
                            statement.label(),
                            value.value
                        ),
                    )
                    .help("give the parameter a Default (or the variable a default) naming the OIDC provider, or check the deployed role with `aws iam get-role` and scan its output")
                    .route(format!("{}/principal/{}", ctx.statement_route(statement), value.value)),
                );
            }
        }
    }
}
