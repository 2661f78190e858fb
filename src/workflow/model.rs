//! The typed workflow model: a workflow, its triggers, permissions, jobs and steps, every value
//! with its span. [`build_workflow`](super::build_workflow) builds it (see `build`).

use super::uses::UsesRef;
use crate::source::{Node, NodeKind, Span, Spanned};

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
    pub environment: Option<Box<Environment>>,
    pub needs: Vec<Spanned<String>>,
    pub if_: Option<Spanned<String>>,
    pub permissions: Option<Permissions>,
    pub env: Vec<EnvVar>,
    pub steps: Vec<Step>,
    /// The reusable workflow this job calls.
    pub uses: Option<Box<Spanned<UsesRef>>>,
    /// `with:` of a caller job.
    pub with: Vec<(Spanned<String>, Node)>,
    /// `secrets:` of a caller job: a mapping or `inherit`.
    pub secrets: Option<Box<Node>>,
    pub outputs: Vec<(Spanned<String>, Spanned<String>)>,
    pub strategy: Option<Box<Node>>,
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
    pub uses: Option<Box<Spanned<UsesRef>>>,
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
