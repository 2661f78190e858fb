//! Shared by the subject rules: every value of a positive `sub` condition in a GitHub-trusting
//! Allow statement, analysed once per policy.

use crate::policy::BaseOperator;
use crate::rules::{claim_of, Finding, PolicyContext, RuleMeta};
use crate::source::Span;
use crate::subject::{analyze_sub_value_where, MatchKind, SubjectFinding, SubjectRisk};
use std::collections::HashMap;

/// One analysed value, with where it is.
#[derive(Debug, Clone)]
pub struct AnalysedValue {
    pub statement: usize,
    pub route: String,
    pub operator: String,
    pub value: String,
    pub span: Span,
    /// Other values of the same key: the loosest one decides what the list admits.
    pub in_list_of: usize,
    pub findings: Vec<SubjectFinding>,
}

pub fn analyse(ctx: &PolicyContext<'_>) -> Vec<AnalysedValue> {
    let mut out = Vec::new();
    // A value repeated thousands of times is analysed once per statement (its witnesses must
    // be ones the statement's other conditions and the Deny statements admit).
    let mut analysed: HashMap<(usize, &str, MatchKind), Vec<SubjectFinding>> = HashMap::new();
    for (statement, trusts) in ctx.github_allow_statements() {
        let issuers: Vec<String> = trusts.iter().map(|t| t.issuer.clone()).collect();
        let check = super::subject_witness::needs_check(ctx.policy, statement, &issuers);
        for (block, entry) in statement.condition_entries() {
            if !block.operator.is_positive_string_match() {
                continue;
            }
            if !claim_of(&entry.key.value, &issuers).is_some_and(|c| c.eq_ignore_ascii_case("sub"))
            {
                continue;
            }
            let kind = match block.operator.base() {
                Some(BaseOperator::StringLike) => MatchKind::Like,
                Some(BaseOperator::StringEqualsIgnoreCase) => MatchKind::EqualsIgnoreCase,
                _ => MatchKind::Equals,
            };
            for value in &entry.values {
                out.push(AnalysedValue {
                    statement: statement.index,
                    route: format!(
                        "{}/{}/{}/{}",
                        ctx.statement_route(statement),
                        block.operator,
                        entry.key_lower(),
                        value.value
                    ),
                    operator: block.operator.to_string(),
                    value: value.value.clone(),
                    span: value.span,
                    in_list_of: entry.values.len(),
                    findings: analysed
                        .entry((statement.index, value.value.as_str(), kind))
                        .or_insert_with(|| {
                            analyze_sub_value_where(&value.value, kind, &|witness| {
                                !check
                                    || super::subject_witness::admitted(
                                        ctx.policy, statement, &issuers, witness,
                                    )
                            })
                        })
                        .clone(),
                });
            }
        }
    }
    out
}

/// Emits one finding per analysed value that carries `risk`.
pub fn report(
    ctx: &PolicyContext<'_>,
    meta: &'static RuleMeta,
    risk: SubjectRisk,
    help: &str,
    out: &mut Vec<Finding>,
) {
    // Labels by statement index: one pass over the statements, not one per value.
    let labels: HashMap<usize, String> = ctx
        .policy
        .statements
        .iter()
        .map(|s| (s.index, s.label()))
        .collect();
    for analysed in ctx.subject_values() {
        for found in analysed.findings.iter().filter(|f| f.risk == risk) {
            let label = labels.get(&analysed.statement).cloned().unwrap_or_default();
            let mut message = format!("{label}: {}", found.explanation);
            if analysed.in_list_of > 1 {
                message.push_str(" (the values of one key are ORed: this one value decides what the whole list admits)");
            }
            out.push(
                ctx.finding(meta, analysed.span, message)
                    .witness(found.witness.clone())
                    .help(help)
                    .route(analysed.route.clone()),
            );
        }
    }
}
