//! `duplicate-key`: the same key twice in one JSON object of the policy.

use crate::policy::ProblemKind;
use crate::rules::{Finding, PolicyContext, Rule, WorkflowContext};
use crate::workflow::WorkflowProblemKind;

crate::declare_rule!(DuplicateKey, "duplicate-key", High);

impl Rule for DuplicateKey {
    fn check_policy(&self, ctx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        let duplicates: Vec<_> = ctx
            .problems
            .iter()
            .filter(|p| p.kind == ProblemKind::DuplicateKey)
            .collect();
        for (i, problem) in duplicates.iter().enumerate() {
            // Route: the enclosing statement, the key, and which occurrence of that key in the
            // statement this is — stable under edits elsewhere, distinct for distinct duplicates.
            let key = ctx.file.slice(problem.span);
            let within = |s: &crate::policy::Statement, span: crate::source::Span| {
                s.span.start <= span.start && span.end <= s.span.end
            };
            let statement = ctx
                .policy
                .statements
                .iter()
                .find(|s| within(s, problem.span));
            let scope = statement
                .map(|s| ctx.statement_route(s))
                .unwrap_or_default();
            let ordinal = duplicates[..i]
                .iter()
                .filter(|p| {
                    ctx.file.slice(p.span) == key && statement.is_none_or(|s| within(s, p.span))
                })
                .count();
            let mut finding = ctx
                .finding(&Self::META, problem.span, problem.message.clone())
                .help("merge the two blocks into one object: keys under one operator are ANDed, so `aud` and `sub` belong in the same `StringEquals`/`StringLike` block")
                .route(format!("{scope}/duplicate/{key}/{ordinal}"));
            if let Some((span, message)) = &problem.related {
                finding = finding.related(*span, message.clone());
            }
            out.push(finding);
        }
    }

    fn check_workflow(&self, ctx: &WorkflowContext<'_>, out: &mut Vec<Finding>) {
        let duplicates: Vec<_> = ctx
            .problems
            .iter()
            .filter(|p| p.kind == WorkflowProblemKind::DuplicateKey)
            .collect();
        for (i, problem) in duplicates.iter().enumerate() {
            let key = ctx.file.slice(problem.span);
            let ordinal = duplicates[..i]
                .iter()
                .filter(|p| ctx.file.slice(p.span) == key)
                .count();
            let mut finding = ctx
                .finding(&Self::META, problem.span, problem.message.clone())
                .help("remove or merge the repeated key: GitHub rejects a workflow that defines a key twice")
                .route(format!("duplicate/{key}/{ordinal}"));
            if let Some((span, message)) = &problem.related {
                finding = finding.related(*span, message.clone());
            }
            out.push(finding);
        }
    }
}
