//! `wildcard-with-equals-operator`: `*` or `?` in a value compared by an Equals operator, where
//! they are literal characters.

use crate::iam::wildcard::has_wildcard;
use crate::policy::Effect;
use crate::rules::{Finding, PolicyContext, Rule};

crate::declare_rule!(
    WildcardWithEqualsOperator,
    "wildcard-with-equals-operator",
    Medium
);

impl Rule for WildcardWithEqualsOperator {
    fn check_policy(&self, ctx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        for statement in &ctx.policy.statements {
            for (block, entry) in statement.condition_entries() {
                let Some(base) = block.operator.base() else {
                    continue;
                };
                if !base.is_string() || base.is_like() {
                    continue;
                }
                let like = if base.is_negated() {
                    "StringNotLike"
                } else {
                    "StringLike"
                };
                let effect = match (base.is_negated(), statement.effect.value) {
                    (true, _) => "so the value excludes only that literal text and everything it was meant to exclude still matches",
                    (false, Effect::Allow) => "so the value never matches a real request: the condition is dead and locks the role (and tempts someone to widen it later)",
                    (false, Effect::Deny) => "so the value never matches a real request and this Deny never applies",
                };
                for value in entry.values.iter().filter(|v| has_wildcard(&v.value)) {
                    out.push(
                        ctx.finding(
                            &Self::META,
                            value.span,
                            format!(
                                "{} compares \"{}\" literally — `*` and `?` are wildcards only under the Like operators — {effect}",
                                block.operator, value.value
                            ),
                        )
                        .help(format!(
                            "use {like} if a pattern is meant, or better, write the exact value with {}",
                            block.operator
                        ))
                        .route(format!(
                            "{}/{}/{}/{}",
                            ctx.statement_route(statement),
                            block.operator,
                            entry.key_lower(),
                            value.value
                        )),
                    );
                }
            }
        }
    }
}
