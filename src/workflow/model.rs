//! The typed workflow model and its builder.
//!
//! [`build_workflow`] reads the format-neutral [`Node`] tree (from the YAML reader, or JSON in
//! tests: JSON is a subset of YAML) into a [`Workflow`]. Like the policy builder it never stops
//! at the first problem: it reports each one ([`WorkflowProblem`]) and keeps everything it can
//! interpret, with spans, so that rules still run.
//!
//! Shapes follow the workflow schema of actions/languageservices (`workflow-parser/src/
//! workflow-v1.0.json`) and the facts in /work/shared/reference/workflow-permissions.md.
//! GitHub's template reader rejects a key that appears twice in one mapping, comparing keys
//! case-insensitively (`'x' is already defined`, `workflow-parser/src/templates/
//! template-reader.ts`), and keeps the first; the model keeps the first too.

use super::uses::{UsesKind, UsesRef};
use crate::source::{Node, NodeKind, ObjectEntry, Span, Spanned};
use std::collections::HashSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkflowProblemKind {
    /// The same key twice in one mapping (case-insensitively): GitHub rejects the workflow.
    DuplicateKey,
    /// A shape GitHub rejects or cannot interpret: wrong type, unknown key, missing key.
    Invalid,
    /// A `permissions` value GitHub rejects: neither `read-all`, `write-all`, `{}` nor a
    /// mapping, or a scope whose level is not a scalar. Reported by `invalid-permission`, which
    /// also checks scopes and levels, rather than by `invalid-workflow`.
    InvalidPermissions,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkflowProblem {
    pub kind: WorkflowProblemKind,
    pub message: String,
    pub span: Span,
    /// A second place worth showing (the first of two duplicate keys).
    pub related: Option<(Span, String)>,
}

/// A GitHub Actions workflow file.
#[derive(Debug, Clone)]
pub struct Workflow {
    pub name: Option<Spanned<String>>,
    pub run_name: Option<Spanned<String>>,
    pub on: Triggers,
    pub permissions: Option<Permissions>,
    pub env: Vec<EnvVar>,
    /// In source order.
    pub jobs: Vec<Job>,
    /// The whole document.
    pub span: Span,
}

impl Workflow {
    pub fn job(&self, id: &str) -> Option<&Job> {
        self.jobs.iter().find(|j| j.id.value == id)
    }

    pub fn trigger(&self, event: &str) -> Option<&Trigger> {
        self.on.events.iter().find(|t| t.event.value == event)
    }

    /// True when other workflows can call this one (`on: workflow_call`).
    pub fn is_reusable(&self) -> bool {
        self.trigger("workflow_call").is_some()
    }

    /// True when the workflow also runs on its own events, not only when called.
    pub fn runs_directly(&self) -> bool {
        self.on
            .events
            .iter()
            .any(|t| t.event.value != "workflow_call")
    }
}

/// How `on:` was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TriggerForm {
    /// No `on:` key, or a value that is not a string, list or mapping (reported).
    Missing,
    /// `on: push`
    Single,
    /// `on: [push, pull_request]`
    List,
    /// `on: {push: {branches: [main]}, workflow_dispatch: }`
    Map,
}

#[derive(Debug, Clone)]
pub struct Triggers {
    pub form: TriggerForm,
    /// In source order. Unknown event names are kept as written.
    pub events: Vec<Trigger>,
    /// The `on:` value, or the whole document when `on:` is missing.
    pub span: Span,
}

/// One event of `on:` with the filters and settings GitHub reads for it.
#[derive(Debug, Clone)]
pub struct Trigger {
    pub event: Spanned<String>,
    /// The event's value in the mapping form, as written (`None` for the string and list forms
    /// and for `event:` with no value).
    pub config: Option<Node>,
    /// `branches` / `branches-ignore` (push, pull_request, pull_request_target, workflow_run…).
    /// For `push`, a workflow that filters only branches does not run for tag pushes, and one
    /// that filters only tags does not run for branch pushes.
    pub branches: Option<Filter>,
    /// `tags` / `tags-ignore` (push).
    pub tags: Option<Filter>,
    /// `paths` / `paths-ignore`.
    pub paths: Option<Filter>,
    /// Activity `types`.
    pub types: Vec<Spanned<String>>,
    /// `workflow_run.workflows`.
    pub workflows: Vec<Spanned<String>>,
    /// `schedule: [{cron: …}]`.
    pub crons: Vec<Spanned<String>>,
    /// `workflow_call.inputs` / `workflow_dispatch.inputs`.
    pub inputs: Vec<TriggerInput>,
    /// `workflow_call.secrets` names.
    pub secrets: Vec<Spanned<String>>,
    /// `workflow_call.outputs`.
    pub outputs: Vec<CallOutput>,
    /// The event name, and its value in the mapping form.
    pub span: Span,
}

/// A ref or path filter. GitHub forbids `x` and `x-ignore` for the same event (reported).
#[derive(Debug, Clone)]
pub struct Filter {
    /// `false` for `branches-ignore`, `tags-ignore`, `paths-ignore`.
    pub include: bool,
    pub patterns: Vec<Spanned<String>>,
    /// The filter's key (`branches:`).
    pub key_span: Span,
}

#[derive(Debug, Clone)]
pub struct TriggerInput {
    pub name: Spanned<String>,
    pub type_: Option<Spanned<String>>,
    pub default: Option<Node>,
    pub required: Option<Node>,
    /// `options` of a `choice` input (workflow_dispatch).
    pub options: Vec<Spanned<String>>,
}

impl TriggerInput {
    /// `required: true` (a boolean or the string `true`).
    pub fn is_required(&self) -> bool {
        self.required.as_ref().is_some_and(is_true)
    }
}

#[derive(Debug, Clone)]
pub struct CallOutput {
    pub name: Spanned<String>,
    pub value: Option<Spanned<String>>,
}

/// A `permissions:` block (workflow or job level), kept as written.
#[derive(Debug, Clone)]
pub struct Permissions {
    pub span: Span,
    pub kind: PermissionsKind,
}

#[derive(Debug, Clone)]
pub enum PermissionsKind {
    /// `read-all`: read for every scope that has a read level — not `id-token`.
    ReadAll,
    /// `write-all`: write for every scope, `id-token: write` included.
    WriteAll,
    /// `{}`: every scope `none`.
    None_,
    /// A mapping with at least one entry, in source order; scopes and levels are raw (a rule
    /// validates them). Any scope not listed is `none`.
    Map(Vec<PermissionEntry>),
    /// Any other value (an unknown shorthand, a list, null…): GitHub rejects it (reported).
    Invalid(Node),
}

#[derive(Debug, Clone)]
pub struct PermissionEntry {
    pub scope: Spanned<String>,
    /// The level as written; non-string scalars as their text (`true`).
    pub level: Spanned<String>,
}

/// What a permissions block grants for `id-token`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdTokenLevel {
    Write,
    None,
    /// A value GitHub rejects (`id-token` accepts only `write` or `none`; `read` fails the run
    /// with "Unexpected value 'read'"), or an invalid permissions block; the raw text.
    Invalid(String),
}

impl std::fmt::Display for IdTokenLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IdTokenLevel::Write => f.write_str("write"),
            IdTokenLevel::None => f.write_str("none"),
            IdTokenLevel::Invalid(raw) => write!(f, "{raw:?} (invalid)"),
        }
    }
}

impl Permissions {
    /// The `id-token` level this block grants, per workflow-permissions.md: `write-all`
    /// includes `id-token: write`; `read-all` does not (id-token has no read level); `{}` and a
    /// mapping without `id-token` give `none`; only `write` and `none` are valid values.
    pub fn id_token(&self) -> IdTokenLevel {
        match &self.kind {
            PermissionsKind::WriteAll => IdTokenLevel::Write,
            PermissionsKind::ReadAll | PermissionsKind::None_ => IdTokenLevel::None,
            PermissionsKind::Map(_) => match self.entry("id-token") {
                None => IdTokenLevel::None,
                Some(e) => match e.level.value.as_str() {
                    "write" => IdTokenLevel::Write,
                    "none" => IdTokenLevel::None,
                    other => IdTokenLevel::Invalid(other.to_string()),
                },
            },
            PermissionsKind::Invalid(node) => IdTokenLevel::Invalid(describe(node)),
        }
    }

    /// The first entry for a scope (GitHub rejects a repeated scope and reads the first).
    pub fn entry(&self, scope: &str) -> Option<&PermissionEntry> {
        match &self.kind {
            PermissionsKind::Map(entries) => entries.iter().find(|e| e.scope.value == scope),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct EnvVar {
    pub name: Spanned<String>,
    pub value: Node,
}

/// `environment:` of a job: a name, or a mapping with `name` and `url`.
#[derive(Debug, Clone)]
pub struct Environment {
    pub name: Spanned<String>,
    /// The name contains `${{ … }}`: the environment (and so the OIDC `sub`) cannot be predicted
    /// statically (github-oidc-token.md).
    pub is_expression: bool,
    pub url: Option<Spanned<String>>,
    /// The whole `environment:` value.
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Job {
    pub id: Spanned<String>,
    pub name: Option<Spanned<String>>,
    pub runs_on: Option<Node>,
    pub environment: Option<Environment>,
    pub needs: Vec<Spanned<String>>,
    pub if_: Option<Spanned<String>>,
    pub permissions: Option<Permissions>,
    pub env: Vec<EnvVar>,
    pub steps: Vec<Step>,
    /// The reusable workflow this job calls.
    pub uses: Option<Spanned<UsesRef>>,
    /// `with:` of a caller job.
    pub with: Vec<(Spanned<String>, Node)>,
    /// `secrets:` of a caller job: a mapping or `inherit`.
    pub secrets: Option<Node>,
    pub outputs: Vec<(Spanned<String>, Spanned<String>)>,
    pub strategy: Option<Node>,
    /// The job id and its mapping.
    pub span: Span,
}

impl Job {
    /// True when the job calls a reusable workflow instead of running steps.
    pub fn is_caller(&self) -> bool {
        self.uses.is_some()
    }
}

#[derive(Debug, Clone)]
pub struct Step {
    /// Position in the job's `steps` (0-based).
    pub index: usize,
    pub id: Option<Spanned<String>>,
    pub name: Option<Spanned<String>>,
    pub uses: Option<Spanned<UsesRef>>,
    pub with: Vec<(Spanned<String>, Node)>,
    pub run: Option<Spanned<String>>,
    pub env: Vec<EnvVar>,
    pub if_: Option<Spanned<String>>,
    pub span: Span,
}

impl Step {
    /// The `with:` input of that name. Action input names are case-insensitive (the runner
    /// exposes them as `INPUT_<NAME>` upper-cased); the first of duplicates, like GitHub.
    pub fn input(&self, name: &str) -> Option<&Node> {
        self.with
            .iter()
            .find(|(k, _)| k.value.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    /// The input as text when it is a scalar (`true`, `900` and strings alike); `None` when
    /// absent, null or not a scalar.
    pub fn input_text(&self, name: &str) -> Option<String> {
        self.input(name).and_then(scalar_text)
    }

    /// A display name: `name:`, else `id:`, else `uses:`, else `step N`.
    pub fn display_name(&self) -> String {
        if let Some(n) = &self.name {
            return n.value.clone();
        }
        if let Some(id) = &self.id {
            return id.value.clone();
        }
        if let Some(u) = &self.uses {
            return u.value.raw.clone();
        }
        format!("step {}", self.index + 1)
    }
}

/// The text of a scalar node: strings as they are, numbers as written, booleans as
/// `true`/`false`. `None` for null, lists and mappings.
pub fn scalar_text(node: &Node) -> Option<String> {
    match &node.kind {
        NodeKind::String(s) => Some(s.clone()),
        NodeKind::Number(n) => Some(n.clone()),
        NodeKind::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A boolean `true`, or a string `true` in any case (action inputs arrive as strings).
pub fn is_true(node: &Node) -> bool {
    match &node.kind {
        NodeKind::Bool(b) => *b,
        NodeKind::String(s) => s.trim().eq_ignore_ascii_case("true"),
        _ => false,
    }
}

fn describe(node: &Node) -> String {
    match &node.kind {
        NodeKind::String(s) => s.clone(),
        NodeKind::Number(n) => n.clone(),
        NodeKind::Bool(b) => b.to_string(),
        _ => format!("<{}>", node.type_name()),
    }
}

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
                    let mut seen: Vec<(String, &ObjectEntry)> = Vec::new();
                    for entry in entries {
                        let upper = entry.key.to_uppercase();
                        if let Some((_, first)) = seen.iter().find(|(k, _)| *k == upper) {
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
                            seen.push((upper, entry));
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

    fn triggers(&mut self, node: &Node) -> Triggers {
        let simple = |event: Spanned<String>| Trigger {
            span: event.span,
            event,
            config: None,
            branches: None,
            tags: None,
            paths: None,
            types: Vec::new(),
            workflows: Vec::new(),
            crons: Vec::new(),
            inputs: Vec::new(),
            secrets: Vec::new(),
            outputs: Vec::new(),
        };
        match &node.kind {
            NodeKind::String(s) => Triggers {
                form: TriggerForm::Single,
                events: vec![simple(Spanned::new(s.clone(), node.span))],
                span: node.span,
            },
            NodeKind::Array(items) => {
                let mut events = Vec::new();
                for item in items {
                    match item.as_str() {
                        Some(s) => events.push(simple(Spanned::new(s.to_string(), item.span))),
                        None => self.invalid(
                            item.span,
                            format!(
                                "each event in the `on` list must be an event name, found {}",
                                item.type_name()
                            ),
                        ),
                    }
                }
                Triggers {
                    form: TriggerForm::List,
                    events,
                    span: node.span,
                }
            }
            NodeKind::Object(_) => {
                let entries = self.mapping(node, "`on`").unwrap_or_default();
                let events = entries
                    .into_iter()
                    .map(|entry| {
                        let mut t = simple(Spanned::new(entry.key.clone(), entry.key_span));
                        t.span = entry.key_span.join(entry.value.span);
                        self.trigger_config(&mut t, &entry.value);
                        t
                    })
                    .collect();
                Triggers {
                    form: TriggerForm::Map,
                    events,
                    span: node.span,
                }
            }
            _ => {
                self.invalid(
                    node.span,
                    format!(
                        "`on` must be an event name, a list of events or a mapping of events, found {}",
                        node.type_name()
                    ),
                );
                Triggers {
                    form: TriggerForm::Missing,
                    events: Vec::new(),
                    span: node.span,
                }
            }
        }
    }

    fn trigger_config(&mut self, t: &mut Trigger, value: &Node) {
        let event = t.event.value.clone();
        if matches!(value.kind, NodeKind::Null) {
            if event == "schedule" {
                self.invalid(
                    value.span,
                    "`schedule` needs a list of `- cron: '…'` entries",
                );
            }
            return;
        }
        t.config = Some(value.clone());
        if event == "schedule" {
            let NodeKind::Array(items) = &value.kind else {
                self.invalid(
                    value.span,
                    format!(
                        "`schedule` must be a list of `- cron: '…'` entries, found {}",
                        value.type_name()
                    ),
                );
                return;
            };
            for item in items {
                let Some(entries) = self.mapping(item, "each `schedule` entry") else {
                    continue;
                };
                match entries.iter().find(|e| e.key == "cron") {
                    Some(cron) => {
                        if let Some(c) = self.string(&cron.value, "`cron`") {
                            t.crons.push(c);
                        }
                    }
                    None => self.invalid(item.span, "a `schedule` entry needs a `cron`"),
                }
            }
            return;
        }
        let what = format!("the `{event}` event's settings");
        let Some(entries) = self.mapping(value, &what) else {
            return;
        };
        for entry in entries {
            let key = entry.key.as_str();
            match key {
                "branches" | "branches-ignore" | "tags" | "tags-ignore" | "paths"
                | "paths-ignore" => {
                    let base = key.trim_end_matches("-ignore");
                    let filter = Filter {
                        include: !key.ends_with("-ignore"),
                        patterns: self.string_list(&entry.value, &format!("`{key}`")),
                        key_span: entry.key_span,
                    };
                    let slot = match base {
                        "branches" => &mut t.branches,
                        "tags" => &mut t.tags,
                        _ => &mut t.paths,
                    };
                    if let Some(previous) = slot {
                        let message = format!(
                            "`{base}` and `{base}-ignore` cannot both filter the same event"
                        );
                        let first = previous.key_span;
                        self.invalid_related(entry.key_span, message, first, "the other filter");
                    } else {
                        *slot = Some(filter);
                    }
                }
                "types" => t.types = self.string_list(&entry.value, "`types`"),
                "workflows" if event == "workflow_run" => {
                    t.workflows = self.string_list(&entry.value, "`workflows`")
                }
                "inputs" if event == "workflow_call" || event == "workflow_dispatch" => {
                    t.inputs = self.inputs(&entry.value, &event)
                }
                "secrets" if event == "workflow_call" => {
                    t.secrets = self.call_secrets(&entry.value)
                }
                "outputs" if event == "workflow_call" => {
                    t.outputs = self.call_outputs(&entry.value)
                }
                // Other settings (`names`, `versions`, …) are kept in `config` only.
                _ => {}
            }
        }
    }

    fn inputs(&mut self, node: &Node, event: &str) -> Vec<TriggerInput> {
        let what = format!("`{event}.inputs`");
        let Some(entries) = self.mapping(node, &what) else {
            return Vec::new();
        };
        let mut inputs = Vec::new();
        for entry in entries {
            let mut input = TriggerInput {
                name: Spanned::new(entry.key.clone(), entry.key_span),
                type_: None,
                default: None,
                required: None,
                options: Vec::new(),
            };
            let input_what = format!("input \"{}\"", entry.key);
            if let Some(fields) = self.mapping(&entry.value, &input_what) {
                for f in fields {
                    match f.key.as_str() {
                        "type" => input.type_ = self.string(&f.value, "an input's `type`"),
                        "default" => input.default = Some(f.value.clone()),
                        "required" => input.required = Some(f.value.clone()),
                        "options" => input.options = self.string_list(&f.value, "`options`"),
                        _ => {}
                    }
                }
                // `type` is required for workflow_call inputs (`workflow-call-input-definition`).
                if event == "workflow_call" && input.type_.is_none() {
                    self.invalid(
                        entry.key_span,
                        format!(
                            "workflow_call input \"{}\" has no `type` (boolean, number or string)",
                            entry.key
                        ),
                    );
                }
            }
            inputs.push(input);
        }
        inputs
    }

    fn call_secrets(&mut self, node: &Node) -> Vec<Spanned<String>> {
        let Some(entries) = self.mapping(node, "`workflow_call.secrets`") else {
            return Vec::new();
        };
        entries
            .into_iter()
            .map(|e| Spanned::new(e.key.clone(), e.key_span))
            .collect()
    }

    fn call_outputs(&mut self, node: &Node) -> Vec<CallOutput> {
        let Some(entries) = self.mapping(node, "`workflow_call.outputs`") else {
            return Vec::new();
        };
        let mut outputs = Vec::new();
        for entry in entries {
            let value = match self.mapping(&entry.value, &format!("output \"{}\"", entry.key)) {
                Some(fields) => match fields.iter().find(|f| f.key == "value") {
                    Some(v) => self.string(&v.value, "an output's `value`"),
                    None => {
                        self.invalid(
                            entry.key_span,
                            format!("workflow_call output \"{}\" has no `value`", entry.key),
                        );
                        None
                    }
                },
                None => None,
            };
            outputs.push(CallOutput {
                name: Spanned::new(entry.key.clone(), entry.key_span),
                value,
            });
        }
        outputs
    }

    fn permissions(&mut self, node: &Node) -> Permissions {
        let kind = match &node.kind {
            NodeKind::String(s) if s == "read-all" => PermissionsKind::ReadAll,
            NodeKind::String(s) if s == "write-all" => PermissionsKind::WriteAll,
            NodeKind::Object(entries) if entries.is_empty() => PermissionsKind::None_,
            NodeKind::Object(_) => {
                let entries = self.mapping(node, "`permissions`").unwrap_or_default();
                let mut out = Vec::new();
                for entry in entries {
                    match scalar_text(&entry.value) {
                        Some(level) => out.push(PermissionEntry {
                            scope: Spanned::new(entry.key.clone(), entry.key_span),
                            level: Spanned::new(level, entry.value.span),
                        }),
                        None => self.invalid_permissions(
                            entry.value.span,
                            format!(
                                "the level of `{}` must be read, write or none, found {}",
                                entry.key,
                                entry.value.type_name()
                            ),
                        ),
                    }
                }
                PermissionsKind::Map(out)
            }
            _ => {
                let found = match node.as_str() {
                    Some(s) => format!("\"{s}\""),
                    None => node.type_name().to_string(),
                };
                self.invalid_permissions(
                    node.span,
                    format!(
                        "`permissions` must be read-all, write-all or a mapping of scopes to levels, found {found}"
                    ),
                );
                PermissionsKind::Invalid(node.clone())
            }
        };
        Permissions {
            span: node.span,
            kind,
        }
    }

    fn env(&mut self, node: &Node, what: &str) -> Vec<EnvVar> {
        let Some(entries) = self.mapping(node, what) else {
            return Vec::new();
        };
        let mut vars = Vec::new();
        for entry in entries {
            if matches!(entry.value.kind, NodeKind::Array(_) | NodeKind::Object(_)) {
                self.invalid(
                    entry.value.span,
                    format!(
                        "the value of `{}` must be a string, found {}",
                        entry.key,
                        entry.value.type_name()
                    ),
                );
            }
            vars.push(EnvVar {
                name: Spanned::new(entry.key.clone(), entry.key_span),
                value: entry.value.clone(),
            });
        }
        vars
    }

    fn with(&mut self, node: &Node, what: &str) -> Vec<(Spanned<String>, Node)> {
        let Some(entries) = self.mapping(node, what) else {
            return Vec::new();
        };
        entries
            .into_iter()
            .map(|e| (Spanned::new(e.key.clone(), e.key_span), e.value.clone()))
            .collect()
    }

    fn jobs(&mut self, node: &Node) -> Vec<Job> {
        let Some(entries) = self.mapping(node, "`jobs`") else {
            return Vec::new();
        };
        let ids: HashSet<&str> = entries.iter().map(|e| e.key.as_str()).collect();
        let mut jobs = Vec::new();
        for entry in &entries {
            if !is_identifier(&entry.key) {
                self.invalid(
                    entry.key_span,
                    format!(
                        "job id \"{}\" must start with a letter or `_` and contain only letters, digits, `-` and `_`",
                        entry.key
                    ),
                );
            }
            if let Some(job) = self.job(entry) {
                for need in &job.needs {
                    if !ids.contains(need.value.as_str()) {
                        self.invalid(
                            need.span,
                            format!(
                                "job \"{}\" needs \"{}\", which is not a job of this workflow",
                                job.id.value, need.value
                            ),
                        );
                    }
                }
                jobs.push(job);
            }
        }
        jobs
    }

    fn job(&mut self, entry: &ObjectEntry) -> Option<Job> {
        let id = Spanned::new(entry.key.clone(), entry.key_span);
        let what = format!("job \"{}\"", entry.key);
        let entries = self.mapping(&entry.value, &what)?;
        let uses_entry = entries.iter().find(|e| e.key == "uses").copied();
        let steps_entry = entries.iter().find(|e| e.key == "steps").copied();
        let mut job = Job {
            id,
            name: None,
            runs_on: None,
            environment: None,
            needs: Vec::new(),
            if_: None,
            permissions: None,
            env: Vec::new(),
            steps: Vec::new(),
            uses: None,
            with: Vec::new(),
            secrets: None,
            outputs: Vec::new(),
            strategy: None,
            span: entry.key_span.join(entry.value.span),
        };
        match (uses_entry, steps_entry) {
            (Some(u), Some(s)) => self.invalid_related(
                u.key_span,
                format!(
                    "{what} has both `uses` (calls a reusable workflow) and `steps`: a job does one or the other"
                ),
                s.key_span,
                "steps here",
            ),
            (None, None) => self.invalid(
                entry.key_span,
                format!("{what} has neither `steps` nor `uses`"),
            ),
            _ => {}
        }
        let caller = uses_entry.is_some();
        let allowed = if caller {
            CALLER_JOB_KEYS
        } else {
            STEPS_JOB_KEYS
        };
        for e in &entries {
            let key = e.key.as_str();
            // `steps` beside `uses` is reported above, once.
            let reported_above = caller && key == "steps";
            if !allowed.contains(&key) && !reported_above {
                if caller && STEPS_JOB_KEYS.contains(&key) {
                    let extra = if key == "environment" {
                        " (set `environment` on the called workflow's jobs instead)"
                    } else {
                        ""
                    };
                    self.invalid(
                        e.key_span,
                        format!(
                            "`{key}` is not allowed in a job that calls a reusable workflow{extra}: such a job takes only {}",
                            CALLER_JOB_KEYS.join(", ")
                        ),
                    );
                } else {
                    self.unknown_key(e, &format!("in {what}"), allowed);
                }
                // Keep reading it anyway: a rule may still want `environment` or `runs-on`.
            }
            match key {
                "name" => job.name = self.string(&e.value, "a job's `name`"),
                "runs-on" => job.runs_on = Some(e.value.clone()),
                "environment" => job.environment = self.environment(&e.value),
                "needs" => job.needs = self.string_list(&e.value, "`needs`"),
                "if" => job.if_ = self.string(&e.value, "a job's `if`"),
                "permissions" => job.permissions = Some(self.permissions(&e.value)),
                "env" => job.env = self.env(&e.value, "a job's `env`"),
                "steps" => job.steps = self.steps(&e.value),
                "uses" => job.uses = self.job_uses(&e.value),
                "with" => job.with = self.with(&e.value, "a caller job's `with`"),
                "secrets" => job.secrets = self.job_secrets(&e.value),
                "outputs" => job.outputs = self.job_outputs(&e.value),
                "strategy" => job.strategy = Some(e.value.clone()),
                _ => {}
            }
        }
        if !caller && steps_entry.is_some() && job.runs_on.is_none() {
            self.invalid(
                entry.key_span,
                format!("{what} has no `runs-on`: GitHub needs it for a job with steps"),
            );
        }
        Some(job)
    }

    fn environment(&mut self, node: &Node) -> Option<Environment> {
        let (name, url) = match &node.kind {
            NodeKind::Object(_) => {
                let entries = self.mapping(node, "`environment`")?;
                let url = match entries.iter().find(|e| e.key == "url") {
                    Some(u) => self.string(&u.value, "`environment.url`"),
                    None => None,
                };
                let Some(name) = entries.iter().find(|e| e.key == "name") else {
                    self.invalid(node.span, "an `environment` mapping needs a `name`");
                    return None;
                };
                (self.string(&name.value, "`environment.name`")?, url)
            }
            _ => (self.string(node, "`environment`")?, None),
        };
        Some(Environment {
            is_expression: name.value.contains("${{"),
            name,
            url,
            span: node.span,
        })
    }

    fn job_uses(&mut self, node: &Node) -> Option<Spanned<UsesRef>> {
        let raw = self.string(node, "a job's `uses`")?;
        let uses = UsesRef::parse(&raw.value);
        match &uses.kind {
            UsesKind::Malformed { reason } => self.invalid(
                node.span,
                format!("`uses: {}` is not a reusable workflow reference: {reason}", raw.value),
            ),
            _ if !uses.is_reusable_workflow() => self.invalid(
                node.span,
                format!(
                    "a job's `uses` must name a reusable workflow (`./.github/workflows/<file>.yml` or `owner/repo/.github/workflows/<file>.yml@ref`), found \"{}\"",
                    raw.value
                ),
            ),
            UsesKind::Repository { .. } if uses.git_ref.is_none() => self.invalid(
                node.span,
                format!(
                    "`uses: {}` has no `@ref`: a reusable workflow in another repository needs a tag, branch or commit SHA",
                    raw.value
                ),
            ),
            _ => {}
        }
        Some(Spanned::new(uses, node.span))
    }

    fn job_secrets(&mut self, node: &Node) -> Option<Node> {
        match &node.kind {
            NodeKind::Object(_) => {}
            NodeKind::String(s) if s == "inherit" => {}
            _ => self.invalid(
                node.span,
                format!(
                    "a caller job's `secrets` must be a mapping or `inherit`, found {}",
                    match node.as_str() {
                        Some(s) => format!("\"{s}\""),
                        None => node.type_name().to_string(),
                    }
                ),
            ),
        }
        Some(node.clone())
    }

    fn job_outputs(&mut self, node: &Node) -> Vec<(Spanned<String>, Spanned<String>)> {
        let Some(entries) = self.mapping(node, "a job's `outputs`") else {
            return Vec::new();
        };
        entries
            .into_iter()
            .filter_map(|e| {
                let value = self.string(&e.value, &format!("output \"{}\"", e.key))?;
                Some((Spanned::new(e.key.clone(), e.key_span), value))
            })
            .collect()
    }

    fn steps(&mut self, node: &Node) -> Vec<Step> {
        let NodeKind::Array(items) = &node.kind else {
            self.invalid(
                node.span,
                format!(
                    "`steps` must be a list of steps, found {}",
                    node.type_name()
                ),
            );
            return Vec::new();
        };
        let mut steps: Vec<Step> = Vec::new();
        for (index, item) in items.iter().enumerate() {
            let Some(step) = self.step(index, item) else {
                continue;
            };
            if let Some(id) = &step.id {
                if let Some(earlier) = steps
                    .iter()
                    .filter_map(|s| s.id.as_ref())
                    .find(|e| e.value.eq_ignore_ascii_case(&id.value))
                {
                    let message = format!(
                        "step id \"{}\" is used more than once in this job",
                        id.value
                    );
                    let first = earlier.span;
                    self.invalid_related(id.span, message, first, "first used here");
                }
            }
            steps.push(step);
        }
        steps
    }

    fn step(&mut self, index: usize, node: &Node) -> Option<Step> {
        let what = format!("step {}", index + 1);
        let entries = self.mapping(node, &what)?;
        let mut step = Step {
            index,
            id: None,
            name: None,
            uses: None,
            with: Vec::new(),
            run: None,
            env: Vec::new(),
            if_: None,
            span: node.span,
        };
        let find = |k: &str| entries.iter().find(|e| e.key == k).copied();
        let (uses_e, run_e) = (find("uses"), find("run"));
        match (uses_e, run_e) {
            (Some(u), Some(r)) => {
                let (first, second) = if u.key_span.start < r.key_span.start {
                    (u, r)
                } else {
                    (r, u)
                };
                self.invalid_related(
                    second.key_span,
                    format!("{what} has both `uses` and `run`: a step does one or the other"),
                    first.key_span,
                    "the other one",
                );
            }
            (None, None)
                if !["wait", "wait-all", "cancel"]
                    .iter()
                    .any(|k| find(k).is_some()) =>
            {
                self.invalid(node.span, format!("{what} has neither `uses` nor `run`"));
            }
            _ => {}
        }
        for e in &entries {
            match e.key.as_str() {
                "name" => step.name = self.string(&e.value, "a step's `name`"),
                "id" => step.id = self.string(&e.value, "a step's `id`"),
                "if" => step.if_ = self.string(&e.value, "a step's `if`"),
                "uses" => step.uses = self.step_uses(&e.value),
                "run" => step.run = self.string(&e.value, "`run`"),
                "with" => {
                    if run_e.is_some() && uses_e.is_none() {
                        self.invalid(
                            e.key_span,
                            format!("{what} runs a script: `with` is only for `uses` steps"),
                        );
                    }
                    step.with = self.with(&e.value, "a step's `with`");
                }
                "env" => step.env = self.env(&e.value, "a step's `env`"),
                "shell" | "working-directory" if uses_e.is_some() && run_e.is_none() => {
                    self.invalid(
                        e.key_span,
                        format!("{what} uses an action: `{}` is only for `run` steps", e.key),
                    );
                }
                key if !STEP_KEYS.contains(&key) => {
                    self.unknown_key(e, &format!("in {what}"), STEP_KEYS)
                }
                _ => {}
            }
        }
        Some(step)
    }

    fn step_uses(&mut self, node: &Node) -> Option<Spanned<UsesRef>> {
        let raw = self.string(node, "a step's `uses`")?;
        let uses = UsesRef::parse(&raw.value);
        match &uses.kind {
            UsesKind::Malformed { reason } => self.invalid(
                node.span,
                format!("`uses: {}` cannot be resolved: {reason}", raw.value),
            ),
            _ if uses.is_reusable_workflow() => self.invalid(
                node.span,
                format!(
                    "`uses: {}` names a reusable workflow: call it from a job's `uses`, not from a step",
                    raw.value
                ),
            ),
            UsesKind::Repository { .. } if uses.git_ref.is_none() => self.invalid(
                node.span,
                format!(
                    "`uses: {}` has no `@ref`: an action from a repository needs a tag, branch or commit SHA",
                    raw.value
                ),
            ),
            _ => {}
        }
        Some(Spanned::new(uses, node.span))
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
