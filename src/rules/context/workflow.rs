//! What a rule sees of one workflow, with every workflow of the scan for cross-file questions
//! (which local callers grant a reusable workflow its permissions).

use super::Settings;
use crate::rules::{Finding, RuleMeta};
use crate::source::{SourceFile, Span};
use crate::workflow::{
    effective_id_token_in_repo, EffectiveIdToken, Job, Step, Workflow, WorkflowProblem,
};
use std::sync::Arc;

/// Every workflow of the scan, by display path.
pub struct Workflows<'a> {
    pairs: Vec<(&'a str, &'a Workflow)>,
    sources: Vec<&'a SourceFile>,
}

impl<'a> Workflows<'a> {
    pub fn new(all: Vec<(&'a SourceFile, &'a Workflow)>) -> Self {
        Workflows {
            pairs: all
                .iter()
                .map(|(s, w)| (s.display_path.as_str(), *w))
                .collect(),
            sources: all.iter().map(|(s, _)| *s).collect(),
        }
    }

    pub fn pairs(&self) -> &[(&'a str, &'a Workflow)] {
        &self.pairs
    }

    /// `path:line` of a span in one of the scanned workflows (the path alone if it is unknown).
    pub fn locate(&self, path: &str, span: Span) -> String {
        match self.sources.iter().find(|s| s.display_path == path) {
            Some(source) => format!("{path}:{}", source.line_col(span.start).line),
            None => path.to_string(),
        }
    }
}

pub struct WorkflowContext<'a> {
    pub file: &'a Arc<SourceFile>,
    pub workflow: &'a Workflow,
    pub problems: &'a [WorkflowProblem],
    pub settings: &'a Settings,
    pub workflows: &'a Workflows<'a>,
}

impl WorkflowContext<'_> {
    pub fn path(&self) -> &str {
        &self.file.display_path
    }

    /// The job's effective `id-token` permission, capped by local callers for reusable workflows.
    pub fn effective_id_token(&self, job: &Job) -> EffectiveIdToken {
        effective_id_token_in_repo(self.path(), self.workflow, job, self.workflows.pairs())
    }

    /// A sentence saying where the job's id-token permission comes from.
    pub fn explain_id_token(&self, effective: &EffectiveIdToken) -> String {
        effective.explain(self.path(), &|path, span| self.workflows.locate(path, span))
    }

    pub fn finding(&self, meta: &RuleMeta, span: Span, message: impl Into<String>) -> Finding {
        Finding::new(meta, self.file, span, message)
    }

    pub fn job_route(&self, job: &Job) -> String {
        format!("jobs.{}", job.id.value)
    }

    pub fn step_route(&self, job: &Job, step: &Step) -> String {
        let name = step
            .id
            .as_ref()
            .map(|id| id.value.clone())
            .or_else(|| step.uses.as_ref().map(|u| u.value.raw.clone()))
            .unwrap_or_else(|| step.index.to_string());
        format!("jobs.{}.steps.{name}", job.id.value)
    }
}
