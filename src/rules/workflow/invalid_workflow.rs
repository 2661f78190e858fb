//! `invalid-workflow`: YAML syntax errors, alias bombs and shapes GitHub rejects, at the error's
//! location.

use crate::rules::{Finding, Rule, WorkflowContext};
use crate::source::{SourceFile, YamlError};
use crate::workflow::{WorkflowProblem, WorkflowProblemKind};
use std::sync::Arc;

crate::declare_rule!(InvalidWorkflow, "invalid-workflow", High);

impl Rule for InvalidWorkflow {
    fn check_workflow(&self, ctx: &WorkflowContext<'_>, out: &mut Vec<Finding>) {
        out.extend(
            ctx.problems
                .iter()
                .filter(|p| p.kind == WorkflowProblemKind::Invalid)
                .map(|p| problem_finding(ctx.file, p)),
        );
    }
}

/// The finding for one shape problem of a workflow.
pub fn problem_finding(file: &Arc<SourceFile>, problem: &WorkflowProblem) -> Finding {
    let mut finding = Finding::new(&InvalidWorkflow::META, file, problem.span, problem.message.clone())
        .help("GitHub refuses to run this workflow (\"Invalid workflow file\"); fix the shape as the message says")
        .route(format!("invalid:{}", problem.message));
    if let Some((span, message)) = &problem.related {
        finding = finding.related(*span, message.clone());
    }
    finding
}

/// The finding for a workflow file that is not valid YAML.
pub fn syntax_error(file: &Arc<SourceFile>, error: &YamlError) -> Finding {
    Finding::new(
        &InvalidWorkflow::META,
        file,
        error.span,
        format!("invalid YAML: {}", error.message),
    )
    .help("GitHub cannot parse this file, so none of its jobs run")
    .route("syntax")
}
