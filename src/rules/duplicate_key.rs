//! `duplicate-key`: the same key twice in one JSON object of the policy.

use super::{Finding, PolicyContext, Rule};
use crate::policy::ProblemKind;

crate::declare_rule!(DuplicateKey, "duplicate-key", High);

impl Rule for DuplicateKey {
    fn meta(&self) -> &'static super::RuleMeta {
        &Self::META
    }

    fn check_policy(&self, ctx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        for problem in ctx
            .problems
            .iter()
            .filter(|p| p.kind == ProblemKind::DuplicateKey)
        {
            let mut finding = ctx
                .finding(&Self::META, problem.span, problem.message.clone())
                .help("merge the two blocks into one object: keys under one operator are ANDed, so `aud` and `sub` belong in the same `StringEquals`/`StringLike` block")
                .route(format!("duplicate:{}", ctx.file.slice(problem.span)));
            if let Some((span, message)) = &problem.related {
                finding = finding.related(*span, message.clone());
            }
            out.push(finding);
        }
    }
}
