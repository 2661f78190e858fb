//! `fail-open-operator`: in an Allow statement, an identity-key condition that holds when the key
//! is absent (Not-operators, `…IfExists`, `ForAllValues:`).

use crate::policy::{Effect, Operator, SetQualifier};
use crate::rules::{claim_of, Finding, PolicyContext, Rule};

crate::declare_rule!(FailOpenOperator, "fail-open-operator", High);

impl Rule for FailOpenOperator {
    fn check_policy(&self, ctx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        for statement in &ctx.policy.statements {
            if statement.effect.value != Effect::Allow {
                continue;
            }
            let issuers = statement.oidc_issuers();
            for (block, entry) in statement.condition_entries() {
                let Operator::Known {
                    base,
                    set,
                    if_exists,
                } = &block.operator
                else {
                    continue;
                };
                if !block.operator.holds_when_key_absent() {
                    continue;
                }
                let Some(claim) = claim_of(&entry.key.value, &issuers) else {
                    continue;
                };
                let why = if *set == SetQualifier::ForAllValues {
                    "ForAllValues: is true when the key is absent or empty (AWS advises never to use it with Allow)".to_string()
                } else if *if_exists {
                    "the IfExists suffix makes the condition true whenever the key is absent"
                        .to_string()
                } else {
                    format!(
                        "{} is a negated operator: it holds for every value it does not list, and for a request without the key",
                        base.name()
                    )
                };
                out.push(
                    ctx.finding(
                        &Self::META,
                        block.operator_span,
                        format!(
                            "{} constrains the identity claim `{claim}` with {}, which fails open: {why}",
                            statement.label(),
                            block.operator
                        ),
                    )
                    .related(entry.key.span, "the identity key")
                    .help(format!(
                        "allow what you mean with a positive operator: \"StringEquals\" (or \"StringLike\" for a pattern) on {}; put exclusions in a separate Deny statement",
                        entry.key.value
                    ))
                    .route(format!("{}/{}/{}", ctx.statement_route(statement), block.operator, entry.key_lower())),
                );
            }
        }
    }
}
