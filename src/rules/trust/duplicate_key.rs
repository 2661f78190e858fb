//! `duplicate-key`: the same key twice in one JSON object of the policy.

use crate::policy::ProblemKind;
use crate::rules::{Finding, PolicyContext, Rule, WorkflowContext};
use crate::workflow::WorkflowProblemKind;
use std::collections::HashMap;

crate::declare_rule!(DuplicateKey, "duplicate-key", High);

/// How many times `key` was seen before, counting this time.
fn next_ordinal<K: std::hash::Hash + Eq>(seen: &mut HashMap<K, usize>, key: K) -> usize {
    let count = seen.entry(key).or_insert(0);
    *count += 1;
    *count - 1
}

impl Rule for DuplicateKey {
    fn check_policy(&self, ctx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        let duplicates: Vec<_> = ctx
            .problems
            .iter()
            .filter(|p| p.kind == ProblemKind::DuplicateKey)
            .collect();
        // Occurrences so far per (statement, key): one lookup per duplicate, not a rescan.
        let mut seen: HashMap<(Option<usize>, &str), usize> = HashMap::new();
        for problem in duplicates {
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
            let ordinal = next_ordinal(&mut seen, (statement.map(|s| s.index), key));
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
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for problem in duplicates {
            let key = ctx.file.slice(problem.span);
            let ordinal = next_ordinal(&mut seen, key);
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
