//! The builder of the typed workflow model ([`model`](super::model)).
//!
//! [`build_workflow`] reads the format-neutral [`Node`] tree (from the YAML reader, or JSON in
//! tests: JSON is a subset of YAML) into a [`Workflow`]. Like the policy builder it never stops
//! at the first problem: it reports each one ([`WorkflowProblem`]) and keeps everything it can
//! interpret, with spans, so that rules still run.
//!
//! Shapes follow the workflow schema of actions/languageservices,
//! https://github.com/actions/languageservices/blob/main/workflow-parser/src/workflow-v1.0.json,
//! and GitHub Docs, "Workflow syntax for GitHub Actions",
//! https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions.
//! GitHub's template reader rejects a key that appears twice in one mapping, comparing keys
//! case-insensitively (`'x' is already defined`, `workflow-parser/src/templates/
//! template-reader.ts`), and keeps the first; the model keeps the first too.

mod jobs;
mod steps;
mod triggers;

use crate::source::{Node, NodeKind, ObjectEntry, Span, Spanned};
use crate::workflow::model::{
    scalar_text, TriggerForm, Triggers, Workflow, WorkflowProblem, WorkflowProblemKind,
};
use std::collections::{HashMap, HashSet};

/// Builds the model. `None` only when the document is not a mapping; everything else is kept
/// and every problem reported (sorted by position).
pub fn build_workflow(root: &Node) -> (Option<Workflow>, Vec<WorkflowProblem>) {
    let mut b = Builder::default();
    b.duplicate_keys(root);
    let workflow = b.workflow(root);
    let mut problems = b.problems;
    problems.sort_by_key(|p| (p.span.start, p.span.end));
    (workflow, problems)
}

/// The steps of a composite action (`runs.using: composite`, `runs.steps` of its `action.yml`),
/// built like a job's. `None` for another kind of action (`node24`, `docker`): its code is not
/// YAML trustlint can read, so what it does with the token is unknown.
pub fn build_composite_steps(root: &Node) -> Option<Vec<crate::workflow::model::Step>> {
    let runs = root.get("runs")?;
    let composite = runs
        .value
        .get("using")
        .and_then(|u| u.value.as_str())
        .is_some_and(|u| u.trim().eq_ignore_ascii_case("composite"));
    if !composite {
        return None;
    }
    Some(match runs.value.get("steps") {
        Some(steps) => Builder::default().steps(&steps.value),
        None => Vec::new(),
    })
}

/// Workflow-level keys (`workflow-root`).
const WORKFLOW_KEYS: &[&str] = &[
    "name",
    "run-name",
    "description",
    "on",
    "permissions",
    "env",
    "defaults",
    "concurrency",
    "jobs",
];

/// Keys of a job that runs steps (`job-factory`).
const STEPS_JOB_KEYS: &[&str] = &[
    "name",
    "needs",
    "if",
    "strategy",
    "runs-on",
    "timeout-minutes",
    "cancel-timeout-minutes",
    "continue-on-error",
    "container",
    "services",
    "env",
    "environment",
    "permissions",
    "concurrency",
    "outputs",
    "defaults",
    "steps",
    "snapshot",
];

/// Keys of a job that calls a reusable workflow (`workflow-job`).
const CALLER_JOB_KEYS: &[&str] = &[
    "name",
    "uses",
    "with",
    "secrets",
    "needs",
    "if",
    "permissions",
    "concurrency",
    "strategy",
];

/// Step keys (`run-step`, `regular-step` and the background-step forms).
const STEP_KEYS: &[&str] = &[
    "name",
    "id",
    "if",
    "uses",
    "run",
    "with",
    "env",
    "shell",
    "working-directory",
    "continue-on-error",
    "timeout-minutes",
    "background",
    "wait",
    "wait-all",
    "cancel",
];

#[derive(Default)]
struct Builder {
    problems: Vec<WorkflowProblem>,
}

impl Builder {
    fn invalid(&mut self, span: Span, message: impl Into<String>) {
        self.problems.push(WorkflowProblem {
            kind: WorkflowProblemKind::Invalid,
            message: message.into(),
            span,
            related: None,
        });
    }

    fn invalid_permissions(&mut self, span: Span, message: impl Into<String>) {
        self.problems.push(WorkflowProblem {
            kind: WorkflowProblemKind::InvalidPermissions,
            message: message.into(),
            span,
            related: None,
        });
    }

    fn invalid_related(
        &mut self,
        span: Span,
        message: impl Into<String>,
        related: Span,
        note: &str,
    ) {
        self.problems.push(WorkflowProblem {
            kind: WorkflowProblemKind::Invalid,
            message: message.into(),
            span,
            related: Some((related, note.to_string())),
        });
    }

    /// Reports every key repeated (case-insensitively) in any mapping of the document.
    fn duplicate_keys(&mut self, root: &Node) {
        let mut stack = vec![root];
        while let Some(node) = stack.pop() {
            match &node.kind {
                NodeKind::Array(items) => stack.extend(items.iter().rev()),
                NodeKind::Object(entries) => {
                    // A map, not a list: a mapping of 100k keys must not cost 100k² comparisons.
                    let mut seen: HashMap<String, &ObjectEntry> = HashMap::new();
                    for entry in entries {
                        let upper = entry.key.to_uppercase();
                        if let Some(first) = seen.get(&upper) {
                            let case_note = if first.key == entry.key {
                                ""
                            } else {
                                " (GitHub compares keys case-insensitively)"
                            };
                            self.problems.push(WorkflowProblem {
                                kind: WorkflowProblemKind::DuplicateKey,
                                message: format!(
                                    "key \"{}\" appears more than once in this mapping{case_note}: GitHub rejects the workflow ('{}' is already defined)",
                                    entry.key, entry.key
                                ),
                                span: entry.key_span,
                                related: Some((first.key_span, "first defined here".into())),
                            });
                        } else {
                            seen.insert(upper, entry);
                        }
                    }
                    stack.extend(entries.iter().rev().map(|e| &e.value));
                }
                _ => {}
            }
        }
    }

    /// The entries of a mapping GitHub reads: the first of each key (case-insensitively).
    /// Reports a non-mapping value.
    fn mapping<'n>(&mut self, node: &'n Node, what: &str) -> Option<Vec<&'n ObjectEntry>> {
        let Some(entries) = node.entries() else {
            self.invalid(
                node.span,
                format!("{what} must be a mapping, found {}", node.type_name()),
            );
            return None;
        };
        let mut seen = HashSet::new();
        Some(
            entries
                .iter()
                .filter(|e| seen.insert(e.key.to_uppercase()))
                .collect(),
        )
    }

    /// A scalar as text; reports other values.
    fn string(&mut self, node: &Node, what: &str) -> Option<Spanned<String>> {
        match scalar_text(node) {
            Some(s) => Some(Spanned::new(s, node.span)),
            None => {
                self.invalid(
                    node.span,
                    format!("{what} must be a string, found {}", node.type_name()),
                );
                None
            }
        }
    }

    /// A string or a list of strings.
    fn string_list(&mut self, node: &Node, what: &str) -> Vec<Spanned<String>> {
        match &node.kind {
            NodeKind::Array(items) => items
                .iter()
                .filter_map(|item| self.string(item, &format!("each item of {what}")))
                .collect(),
            _ if scalar_text(node).is_some() => self.string(node, what).into_iter().collect(),
            _ => {
                self.invalid(
                    node.span,
                    format!(
                        "{what} must be a string or a list of strings, found {}",
                        node.type_name()
                    ),
                );
                Vec::new()
            }
        }
    }

    fn unknown_key(&mut self, entry: &ObjectEntry, where_: &str, allowed: &[&str]) {
        self.invalid(
            entry.key_span,
            format!(
                "unknown key \"{}\" {where_}: GitHub rejects the workflow (Unexpected value '{}'); expected one of {}",
                entry.key,
                entry.key,
                allowed.join(", ")
            ),
        );
    }

    fn workflow(&mut self, root: &Node) -> Option<Workflow> {
        let entries = self.mapping(root, "a workflow file")?;
        let mut workflow = Workflow {
            name: None,
            run_name: None,
            on: Triggers {
                form: TriggerForm::Missing,
                events: Vec::new(),
                span: root.span,
            },
            permissions: None,
            env: Vec::new(),
            jobs: Vec::new(),
            span: root.span,
        };
        let mut has_on = false;
        let mut jobs_node = None;
        for entry in entries {
            match entry.key.as_str() {
                "name" => workflow.name = self.string(&entry.value, "`name`"),
                "run-name" => workflow.run_name = self.string(&entry.value, "`run-name`"),
                "description" | "defaults" | "concurrency" => {}
                "on" => {
                    has_on = true;
                    workflow.on = self.triggers(&entry.value);
                }
                "permissions" => workflow.permissions = Some(self.permissions(&entry.value)),
                "env" => workflow.env = self.env(&entry.value, "workflow-level `env`"),
                "jobs" => jobs_node = Some(entry),
                _ => self.unknown_key(entry, "at the top of the workflow", WORKFLOW_KEYS),
            }
        }
        if !has_on {
            self.invalid(
                first_key_span(entries_of(root)).unwrap_or(root.span),
                "the workflow has no `on`: GitHub needs at least one event that triggers it",
            );
        }
        match jobs_node {
            None => self.invalid(
                first_key_span(entries_of(root)).unwrap_or(root.span),
                "the workflow has no `jobs`",
            ),
            Some(entry) => workflow.jobs = self.jobs(&entry.value),
        }
        Some(workflow)
    }
}

fn entries_of(node: &Node) -> &[ObjectEntry] {
    node.entries().unwrap_or(&[])
}

fn first_key_span(entries: &[ObjectEntry]) -> Option<Span> {
    entries.first().map(|e| e.key_span)
}

/// `^[_A-Za-z][A-Za-z0-9_-]*$`: the job-id rule of the workflow schema.
fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}
