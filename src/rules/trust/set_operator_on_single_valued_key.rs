//! `set-operator-on-single-valued-key`: `ForAnyValue:` on `sub` or `aud`, which are single-valued.

use crate::policy::{Operator, SetQualifier};
use crate::rules::{claim_of, Finding, PolicyContext, Rule};

crate::declare_rule!(
    SetOperatorOnSingleValuedKey,
    "set-operator-on-single-valued-key",
    Low
);

const SINGLE_VALUED: &[&str] = &["sub", "aud"];

impl Rule for SetOperatorOnSingleValuedKey {
    fn check_policy(&self, ctx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        for statement in &ctx.policy.statements {
            let issuers = statement.oidc_issuers();
            for (block, entry) in statement.condition_entries() {
                let Operator::Known {
                    base,
                    set: SetQualifier::ForAnyValue,
                    if_exists,
                } = &block.operator
                else {
                    continue;
                };
                let Some(claim) = claim_of(&entry.key.value, &issuers) else {
                    continue;
                };
                if !SINGLE_VALUED.iter().any(|k| k.eq_ignore_ascii_case(claim)) {
                    continue;
                }
                let plain = format!(
                    "{}{}",
                    base.name(),
                    if *if_exists { "IfExists" } else { "" }
                );
                out.push(
                    ctx.finding(
                        &Self::META,
                        block.operator_span,
                        format!(
                            "{} is meant for multi-valued keys, but `{claim}` is single-valued: the prefix only obscures the condition",
                            block.operator
                        ),
                    )
                    .related(entry.key.span, "single-valued key")
                    .help(format!("use plain \"{plain}\""))
                    .route(format!("{}/{}/{}", ctx.statement_route(statement), block.operator, entry.key_lower())),
                );
            }
        }
    }
}
