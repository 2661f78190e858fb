//! `invalid-policy`: syntax errors and shapes IAM rejects, at the error's location.

use crate::policy::ProblemKind;
use crate::rules::{Finding, PolicyContext, Rule};
use crate::source::{JsonError, SourceFile};
use std::sync::Arc;

crate::declare_rule!(InvalidPolicy, "invalid-policy", High);

impl Rule for InvalidPolicy {
    fn check_policy(&self, ctx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        for problem in ctx
            .problems
            .iter()
            .filter(|p| p.kind == ProblemKind::Invalid)
        {
            let mut finding = ctx
                .finding(&Self::META, problem.span, problem.message.clone())
                .help("IAM rejects this policy (MalformedPolicyDocument); fix the shape as the message says")
                .route(format!("invalid:{}", problem.message));
            if let Some((span, message)) = &problem.related {
                finding = finding.related(*span, message.clone());
            }
            out.push(finding);
        }
    }
}

/// The finding for a file that is meant to be a trust policy but is not valid JSON.
pub fn syntax_error(file: &Arc<SourceFile>, error: &JsonError) -> Finding {
    Finding::new(
        &InvalidPolicy::META,
        file,
        error.span,
        format!("invalid JSON: {}", error.message),
    )
    .help("IAM accepts strict JSON only: no comments, trailing commas or single quotes")
    .route("syntax")
}
