//! Which OIDC claims a job will present: the `sub` contexts per trigger, `aud`, and
//! `job_workflow_ref`.
//!
//! Facts (/work/shared/reference/github-oidc-token.md, GitHub Docs "Events that trigger
//! workflows", "OpenID Connect reference", "Reusing workflows"):
//! - `sub` precedence: a job `environment:` → `environment:NAME`; else the `pull_request` event
//!   → `pull_request`; else `ref:<GITHUB_REF>`;
//! - GITHUB_REF per event: push → the pushed branch or tag (a workflow that filters only
//!   branches does not run for tags, and the reverse); workflow_dispatch → the branch or tag
//!   dispatched on; release → `refs/tags/<tag>`; create, deployment, deployment_status,
//!   registry_package → a branch or tag; merge_group → `refs/heads/gh-readonly-queue/<base>/…`;
//!   pull_request (and pull_request_review, pull_request_review_comment) → `refs/pull/N/merge`;
//!   pull_request_target, schedule, workflow_run, repository_dispatch, issue_comment and the
//!   other repository events → the default branch;
//! - workflow_call: the caller's run (event, ref, repository); an `environment` in `sub` comes
//!   from the called workflow's job; `job_workflow_ref` names the called file at the caller's
//!   ref for a local call (`./.github/workflows/x.yml` runs the caller's commit);
//! - an `environment` given by an expression cannot be predicted; `:` in a value is `%3A`.
//!
//! Two event mappings are inferred rather than documented for the `sub` claim:
//! pull_request_target (GITHUB_REF is the default branch, so `ref:refs/heads/<default>`), and
//! pull_request_review / pull_request_review_comment (GITHUB_REF is the merge ref, so
//! `pull_request`). Contexts built on an inference carry a [`PredictedContext::caveat`]; so do
//! contexts that a job's `if:` may filter in ways trustlint does not read. A caveat never stops
//! a prediction, but the decision layer does not call a subject with a caveat "denied".
//!
//! A job's or step's `if:` that compares `github.ref`, `github.event_name` or `github.ref_type`
//! with a literal (`==`, `!=`, joined by `&&`), or tests `startsWith(github.ref, 'refs/tags/')`
//! (or `refs/heads/`), narrows the contexts. GitHub compares strings ignoring case; trustlint
//! takes the literal's case as the only one (a branch differing only in case is not predicted).

use super::glob::BranchFilter;
use crate::iam::Truth;
use crate::workflow::{condition_refs, ConsumerKind, Job, Step, Trigger, UsesKind, Workflow};
use regex::Regex;
use std::sync::OnceLock;

/// configure-aws-credentials' default audience.
pub const DEFAULT_AUDIENCE: &str = "sts.amazonaws.com";

/// A commit SHA used in merge-queue representatives.
const SAMPLE_SHA: &str = "0123456789abcdef0123456789abcdef01234567";

/// What the linter knows about the repository whose workflows are predicted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoFacts {
    pub owner: String,
    pub name: String,
    pub owner_id: Option<u64>,
    pub repository_id: Option<u64>,
    pub default_branch: String,
    pub template: SubjectFormat,
}

impl RepoFacts {
    /// `owner/name` with the default branch `main`, no IDs, GitHub's default subject format.
    pub fn new(owner: &str, name: &str) -> RepoFacts {
        RepoFacts {
            owner: owner.to_string(),
            name: name.to_string(),
            owner_id: None,
            repository_id: None,
            default_branch: "main".to_string(),
            template: SubjectFormat::Default,
        }
    }

    /// `owner/name`.
    pub fn full_name(&self) -> String {
        format!("{}/{}", self.owner, self.name)
    }
}

/// The `sub` format in force for the repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubjectFormat {
    /// `repo:OWNER/REPO:<context>`
    Default,
    /// `repo:OWNER@OWNER_ID/REPO@REPO_ID:<context>` (needs both IDs in [`RepoFacts`]).
    Immutable,
    /// A customized template: claim keys in order (`repo`, `context`, `job_workflow_ref`…).
    Custom(Vec<String>),
}

/// The run's GITHUB_REF, as a set.
#[derive(Debug, Clone)]
pub enum GitRef {
    /// `refs/heads/<name>` for names the filter admits.
    Branch(BranchFilter),
    /// `refs/tags/<name>`.
    Tag(BranchFilter),
    /// `refs/pull/<number>/merge`.
    PullRequestMerge,
    /// `refs/heads/gh-readonly-queue/<base>/pr-<number>-<sha>` for bases the filter admits.
    MergeQueue(BranchFilter),
    /// A caller trustlint cannot see.
    Unknown,
}

/// The context part of `sub` (what follows `repo:OWNER/REPO:` in the default format).
#[derive(Debug, Clone)]
pub enum RefSet {
    /// `ref:refs/heads/<name>`
    Branch(BranchFilter),
    /// `ref:refs/tags/<name>`
    Tag(BranchFilter),
    /// `ref:refs/heads/gh-readonly-queue/<base>/…`
    MergeQueue(BranchFilter),
    /// `pull_request`
    PullRequest,
    /// `environment:<name>`
    Environment(String),
    /// `environment:` with a name given by an expression (kept as written).
    UnknownEnvironment(String),
    /// A reusable workflow with no caller in the repository: the caller's repository, event and
    /// ref are unknown.
    UnknownCaller,
}

/// One way the job can run, and the `sub` context it then presents.
#[derive(Debug, Clone)]
pub struct PredictedContext {
    /// The triggering event (for a called workflow: the caller's event).
    pub event: String,
    pub context: RefSet,
    /// The run's ref (for `job_workflow_ref` and the `ref` claim).
    pub git_ref: GitRef,
    /// For messages: "push to branches matching release/**".
    pub reason: String,
    /// Why a subject of this context might not be presented after all (an inferred event
    /// mapping, an `if:` trustlint does not read); `None` when the context is certain.
    pub caveat: Option<String>,
    /// The run's workflow name (`name:`, else its path): the `workflow` claim.
    pub workflow_name: String,
}

#[derive(Debug, Clone)]
pub struct Prediction {
    pub contexts: Vec<PredictedContext>,
    /// The `aud` the step asks for; `None` when an expression or otherwise unknown (noted).
    pub audience: Option<String>,
    /// `OWNER/REPO/<path of the job's workflow file>`: `job_workflow_ref` without its `@<ref>`.
    pub job_workflow: String,
    pub notes: Vec<String>,
}

/// A local caller of a reusable workflow: a job with `uses: ./.github/workflows/<file>` in
/// another workflow of the same repository, with its own callers when it is reusable too.
#[derive(Debug, Clone)]
pub struct Caller<'a> {
    pub path: &'a str,
    pub workflow: &'a Workflow,
    pub job: &'a Job,
    pub callers: Vec<Caller<'a>>,
}

/// One concrete subject the job can present.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PredictedSubject {
    pub subject: String,
    /// Index into [`Prediction::contexts`].
    pub context: usize,
    /// The full GITHUB_REF this subject stands for (`refs/heads/release/1.0`).
    pub git_ref: Option<String>,
    pub job_workflow_ref: Option<String>,
    /// "any branch matching release/**" — what the subject stands for.
    pub stands_for: String,
}

/// Splits `…/.github/workflows/<file>` into (prefix before `.github/`, repo-relative path).
fn split_workflow_path(path: &str) -> Option<(String, String)> {
    crate::workflow::split_workflow_path(path)
        .map(|(root, file)| (root, format!(".github/workflows/{file}")))
}

/// The path of a workflow file inside its repository (`.github/workflows/x.yml`).
pub fn repo_relative(path: &str) -> String {
    split_workflow_path(path)
        .map(|(_, rel)| rel)
        .unwrap_or_else(|| path.replace('\\', "/").trim_start_matches("./").to_string())
}

/// The local callers of the workflow at `callee_path` among `all` (same repository: same
/// prefix before `.github/workflows/`), each with its own callers; cycles are cut.
pub fn local_callers<'a>(callee_path: &str, all: &[(&'a str, &'a Workflow)]) -> Vec<Caller<'a>> {
    let mut visiting = Vec::new();
    callers_of(callee_path, all, &mut visiting)
}

fn callers_of<'a>(
    callee_path: &str,
    all: &[(&'a str, &'a Workflow)],
    visiting: &mut Vec<String>,
) -> Vec<Caller<'a>> {
    let Some((root, target)) = split_workflow_path(callee_path) else {
        return Vec::new();
    };
    if visiting.iter().any(|v| v == callee_path) {
        return Vec::new();
    }
    visiting.push(callee_path.to_string());
    let mut out = Vec::new();
    for &(path, workflow) in all {
        if path == callee_path || split_workflow_path(path).is_none_or(|(r, _)| r != root) {
            continue;
        }
        for job in &workflow.jobs {
            let Some(uses) = &job.uses else { continue };
            let UsesKind::Local { path: local } = &uses.value.kind else {
                continue;
            };
            if local.replace('\\', "/").trim_start_matches("./") != target {
                continue;
            }
            let callers = if workflow.is_reusable() {
                callers_of(path, all, visiting)
            } else {
                Vec::new()
            };
            out.push(Caller {
                path,
                workflow,
                job,
                callers,
            });
        }
    }
    visiting.pop();
    out
}

/// Events whose GITHUB_REF is the default branch (GitHub Docs, "Events that trigger
/// workflows").
const DEFAULT_BRANCH_EVENTS: &[&str] = &[
    "branch_protection_rule",
    "check_run",
    "check_suite",
    "delete",
    "discussion",
    "discussion_comment",
    "fork",
    "gollum",
    "image_version",
    "issue_comment",
    "issues",
    "label",
    "milestone",
    "page_build",
    "project",
    "project_card",
    "project_column",
    "public",
    "repository_dispatch",
    "schedule",
    "status",
    "watch",
    "workflow_run",
];

/// Events whose GITHUB_REF is any branch or tag.
const BRANCH_OR_TAG_EVENTS: &[(&str, &str)] = &[
    ("workflow_dispatch", "dispatched on"),
    ("create", "created"),
    ("deployment", "deployed"),
    ("deployment_status", "deployed"),
    ("registry_package", "of the published package"),
];

/// A context before the environment is applied.
#[derive(Debug, Clone)]
struct Raw {
    event: String,
    git_ref: GitRef,
    /// The `sub` says `pull_request`.
    pull_request: bool,
    reason: String,
    caveat: Option<String>,
    workflow_name: String,
}

fn workflow_display_name(path: &str, workflow: &Workflow) -> String {
    workflow
        .name
        .as_ref()
        .map(|n| n.value.clone())
        .unwrap_or_else(|| repo_relative(path))
}

fn describe_filter(f: &BranchFilter, what: &str, plural: &str) -> String {
    if f.is_any() {
        return format!("any {what}");
    }
    if let Some(names) = f.finite_names() {
        return match names.as_slice() {
            [one] => format!("{what} {one}"),
            _ => format!("{plural} {}", names.join(", ")),
        };
    }
    if f.include {
        format!("{plural} matching {}", f.describe_patterns())
    } else {
        format!("any {what} except {}", f.describe_patterns())
    }
}

fn trigger_contexts(
    trigger: &Trigger,
    repo: &RepoFacts,
    workflow_name: &str,
    notes: &mut Vec<String>,
) -> Vec<Raw> {
    let event = trigger.event.value.as_str();
    let raw = |git_ref: GitRef, pull_request: bool, reason: String, caveat: Option<String>| Raw {
        event: event.to_string(),
        git_ref,
        pull_request,
        reason,
        caveat,
        workflow_name: workflow_name.to_string(),
    };
    let default = || BranchFilter::exact(&repo.default_branch);
    match event {
        "push" => {
            let branches = trigger.branches.as_ref().map(BranchFilter::from_filter);
            let tags = trigger.tags.as_ref().map(BranchFilter::from_filter);
            let (branches, tags) = match (branches, tags) {
                (None, None) => (Some(BranchFilter::any()), Some(BranchFilter::any())),
                other => other,
            };
            let mut out = Vec::new();
            if let Some(b) = branches {
                let reason = format!("push to {}", describe_filter(&b, "branch", "branches"));
                out.push(raw(GitRef::Branch(b), false, reason, None));
            }
            if let Some(t) = tags {
                let reason = format!("push of {}", describe_filter(&t, "tag", "tags"));
                out.push(raw(GitRef::Tag(t), false, reason, None));
            }
            out
        }
        "pull_request" => vec![raw(
            GitRef::PullRequestMerge,
            true,
            "pull_request".to_string(),
            None,
        )],
        "pull_request_review" | "pull_request_review_comment" => vec![raw(
            GitRef::PullRequestMerge,
            true,
            event.to_string(),
            Some(format!(
                "the `pull_request` subject for {event} is inferred from its GITHUB_REF (the pull request's merge ref), not documented"
            )),
        )],
        "pull_request_target" => vec![raw(
            GitRef::Branch(default()),
            false,
            format!(
                "pull_request_target (runs on the default branch {}, with code from the pull request's base)",
                repo.default_branch
            ),
            Some(
                "the subject of pull_request_target is inferred from its GITHUB_REF (the default branch), not verified against a real token"
                    .to_string(),
            ),
        )],
        "release" => vec![raw(
            GitRef::Tag(BranchFilter::any()),
            false,
            "release (the release's tag)".to_string(),
            None,
        )],
        "merge_group" => {
            let base = trigger
                .branches
                .as_ref()
                .map(BranchFilter::from_filter)
                .unwrap_or_else(BranchFilter::any);
            let reason = format!(
                "merge_group (the merge queue of {})",
                describe_filter(&base, "branch", "branches")
            );
            vec![raw(GitRef::MergeQueue(base), false, reason, None)]
        }
        _ => {
            if let Some((_, verb)) = BRANCH_OR_TAG_EVENTS.iter().find(|(e, _)| *e == event) {
                return vec![
                    raw(
                        GitRef::Branch(BranchFilter::any()),
                        false,
                        format!("{event} (any branch {verb})"),
                        None,
                    ),
                    raw(
                        GitRef::Tag(BranchFilter::any()),
                        false,
                        format!("{event} (any tag {verb})"),
                        None,
                    ),
                ];
            }
            if DEFAULT_BRANCH_EVENTS.contains(&event) {
                return vec![raw(
                    GitRef::Branch(default()),
                    false,
                    format!("{event} (runs on the default branch {})", repo.default_branch),
                    None,
                )];
            }
            notes.push(format!(
                "event `{event}` is not one trustlint knows: its subject is not predicted"
            ));
            Vec::new()
        }
    }
}

/// The contexts of the runs in which `job` of `workflow` executes (before `environment:`).
fn run_contexts(
    path: &str,
    workflow: &Workflow,
    job: &Job,
    callers: &[Caller],
    repo: &RepoFacts,
    notes: &mut Vec<String>,
) -> Vec<Raw> {
    let name = workflow_display_name(path, workflow);
    let mut out = Vec::new();
    for trigger in &workflow.on.events {
        if trigger.event.value != "workflow_call" {
            out.extend(trigger_contexts(trigger, repo, &name, notes));
        }
    }
    if workflow.is_reusable() {
        let callers: Vec<&Caller> = callers.iter().filter(|c| c.path != path).collect();
        if callers.is_empty() {
            notes.push(format!(
                "{} is a reusable workflow with no caller in this repository: its subject describes the caller's run (repository, event, ref), which trustlint cannot see",
                repo_relative(path)
            ));
            out.push(Raw {
                event: "workflow_call".to_string(),
                git_ref: GitRef::Unknown,
                pull_request: false,
                reason: "workflow_call from a caller outside this repository".to_string(),
                caveat: None,
                workflow_name: name.clone(),
            });
        }
        for caller in callers {
            let inner = run_contexts(
                caller.path,
                caller.workflow,
                caller.job,
                &caller.callers,
                repo,
                notes,
            );
            out.extend(inner.into_iter().map(|mut r| {
                r.reason = format!(
                    "{} (via job `{}` of {})",
                    r.reason,
                    caller.job.id.value,
                    repo_relative(caller.path)
                );
                r
            }));
        }
    }
    if let Some(cond) = &job.if_ {
        out = apply_condition(out, &cond.value, &format!("job `{}`", job.id.value), notes);
    }
    if workflow.on.events.is_empty() {
        notes.push(format!(
            "{} has no trigger: nothing is predicted",
            repo_relative(path)
        ));
    }
    out
}

/// Predicts the claims of the OIDC token that `step` of `job` requests. `callers` are the
/// local callers of the workflow ([`local_callers`]); they matter only for a reusable workflow.
pub fn predict_job(
    workflow_path: &str,
    workflow: &Workflow,
    job: &Job,
    step: &Step,
    repo: &RepoFacts,
    callers: &[Caller],
) -> Prediction {
    let mut notes = Vec::new();
    let mut raw = run_contexts(workflow_path, workflow, job, callers, repo, &mut notes);
    if let Some(cond) = &step.if_ {
        raw = apply_condition(
            raw,
            &cond.value,
            &format!("step `{}`", step.display_name()),
            &mut notes,
        );
    }
    let environment = job.environment.as_ref();
    if let Some(env) = environment.filter(|e| e.is_expression) {
        notes.push(format!(
            "job `{}` takes its environment from an expression ({}): the subject is `environment:<that value>`, which trustlint does not guess",
            job.id.value, env.name.value
        ));
    }
    let mut contexts: Vec<PredictedContext> = raw
        .into_iter()
        .map(|r| {
            let context = match (&r.git_ref, environment) {
                (GitRef::Unknown, _) => RefSet::UnknownCaller,
                (_, Some(env)) if env.is_expression => {
                    RefSet::UnknownEnvironment(env.name.value.clone())
                }
                (_, Some(env)) => RefSet::Environment(env.name.value.clone()),
                _ if r.pull_request => RefSet::PullRequest,
                (GitRef::Branch(f), None) => RefSet::Branch(f.clone()),
                (GitRef::Tag(f), None) => RefSet::Tag(f.clone()),
                (GitRef::MergeQueue(f), None) => RefSet::MergeQueue(f.clone()),
                (GitRef::PullRequestMerge, None) => RefSet::PullRequest,
            };
            let reason = match (&context, environment) {
                (RefSet::Environment(name), _) => {
                    format!("{}, in environment {name}", r.reason)
                }
                (RefSet::UnknownEnvironment(expr), _) => {
                    format!("{}, in the environment {expr}", r.reason)
                }
                _ => r.reason,
            };
            PredictedContext {
                event: r.event,
                context,
                git_ref: r.git_ref,
                reason,
                caveat: r.caveat,
                workflow_name: r.workflow_name,
            }
        })
        .collect();
    let audience = audience(step, repo, &mut notes);
    if repo.template == SubjectFormat::Immutable
        && (repo.owner_id.is_none() || repo.repository_id.is_none())
    {
        notes.push(
            "the immutable subject format needs the owner and repository IDs, which are not configured: subjects are shown in the default format"
                .to_string(),
        );
        for c in &mut contexts {
            c.caveat.get_or_insert_with(|| {
                "the repository uses the immutable subject format, whose IDs are not configured: the real subject differs from the one shown".to_string()
            });
        }
    }
    let mut seen = Vec::new();
    notes.retain(|n| {
        let new = !seen.contains(n);
        if new {
            seen.push(n.clone());
        }
        new
    });
    Prediction {
        contexts,
        audience,
        job_workflow: format!("{}/{}", repo.full_name(), repo_relative(workflow_path)),
        notes,
    }
}

/// The `aud` the step asks for: configure-aws-credentials' `audience` input (default
/// `sts.amazonaws.com`); for a script that requests the token itself, its `audience=` query
/// parameter or `getIDToken('…')` argument.
fn audience(step: &Step, repo: &RepoFacts, notes: &mut Vec<String>) -> Option<String> {
    let action = step.uses.as_ref().and_then(|u| u.value.action_name());
    if action.as_deref() == Some("aws-actions/configure-aws-credentials") {
        return match step.input_text("audience") {
            None => Some(DEFAULT_AUDIENCE.to_string()),
            Some(a) if a.trim().is_empty() => Some(DEFAULT_AUDIENCE.to_string()),
            Some(a) if a.contains("${{") => {
                notes.push(format!(
                    "step `{}` takes its audience from an expression ({a}): not predicted",
                    step.display_name()
                ));
                None
            }
            Some(a) => Some(a.trim().to_string()),
        };
    }
    let script = step
        .run
        .as_ref()
        .map(|r| r.value.clone())
        .or_else(|| step.input_text("script"));
    let kind = crate::workflow::oidc_consumer(step).map(|c| c.kind);
    match (script, kind) {
        (Some(text), Some(ConsumerKind::TokenRequestScript) | None) => {
            static AUD: OnceLock<Regex> = OnceLock::new();
            let re = AUD.get_or_init(|| {
                Regex::new(r#"[?&]audience=([^&"'\s$]+)|getIDToken\(\s*['"]([^'"]+)['"]"#)
                    .expect("static regex")
            });
            let found = re
                .captures(&text)
                .and_then(|c| c.get(1).or_else(|| c.get(2)))
                .map(|m| m.as_str().replace("%3A", ":").replace("%2F", "/"));
            if found.is_none() {
                notes.push(format!(
                    "step `{}` requests the token itself and trustlint cannot read the audience it asks for (without one, GitHub's default is https://github.com/{})",
                    step.display_name(),
                    repo.owner
                ));
            }
            found
        }
        _ => {
            notes.push(format!(
                "step `{}` is not configure-aws-credentials: the audience it asks for is not predicted",
                step.display_name()
            ));
            None
        }
    }
}

// ------------------------------------------------------------------------------ `if:`

/// What an `if:` condition keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Keep {
    RefEq(String),
    EventEq(String),
    EventNe(String),
    RefTypeEq(String),
    RefPrefix(String),
}

/// Reads an `if:`: the restrictions trustlint understands, and whether something else in it
/// depends on the ref or event.
fn read_condition(text: &str) -> (Vec<Keep>, bool) {
    let gating = refers_to_run(text);
    if !gating {
        return (Vec::new(), false);
    }
    let mut t = text.trim();
    if let Some(inner) = t.strip_prefix("${{").and_then(|s| s.strip_suffix("}}")) {
        if !inner.contains("${{") {
            t = inner.trim();
        }
    }
    if t.contains("||") || t.contains("${{") {
        return (Vec::new(), true);
    }
    static EQ: OnceLock<Regex> = OnceLock::new();
    static EQ_REV: OnceLock<Regex> = OnceLock::new();
    static STARTS: OnceLock<Regex> = OnceLock::new();
    let eq = EQ.get_or_init(|| {
        Regex::new(r"(?i)^github\.(ref|event_name|ref_type)\s*(==|!=)\s*'([^']*)'$")
            .expect("static regex")
    });
    let eq_rev = EQ_REV.get_or_init(|| {
        Regex::new(r"(?i)^'([^']*)'\s*(==|!=)\s*github\.(ref|event_name|ref_type)$")
            .expect("static regex")
    });
    let starts = STARTS.get_or_init(|| {
        Regex::new(r"(?i)^startsWith\(\s*github\.ref\s*,\s*'([^']*)'\s*\)$").expect("static regex")
    });
    let mut keeps = Vec::new();
    let mut unread = false;
    for term in t.split("&&") {
        let mut term = term.trim();
        while let Some(inner) = term.strip_prefix('(').and_then(|s| s.strip_suffix(')')) {
            term = inner.trim();
        }
        let parts = eq
            .captures(term)
            .map(|c| {
                (
                    c[1].to_ascii_lowercase(),
                    c[2].to_string(),
                    c[3].to_string(),
                )
            })
            .or_else(|| {
                eq_rev.captures(term).map(|c| {
                    (
                        c[3].to_ascii_lowercase(),
                        c[2].to_string(),
                        c[1].to_string(),
                    )
                })
            });
        match parts
            .as_ref()
            .map(|(k, op, v)| (k.as_str(), op.as_str(), v))
        {
            Some(("ref", "==", v)) => keeps.push(Keep::RefEq(v.clone())),
            Some(("event_name", "==", v)) => keeps.push(Keep::EventEq(v.clone())),
            Some(("event_name", "!=", v)) => keeps.push(Keep::EventNe(v.clone())),
            Some(("ref_type", "==", v)) => keeps.push(Keep::RefTypeEq(v.to_ascii_lowercase())),
            Some(_) => unread = true,
            None => match starts.captures(term) {
                Some(c) => keeps.push(Keep::RefPrefix(c[1].to_string())),
                None => unread |= refers_to_run(term),
            },
        }
    }
    (keeps, unread)
}

/// Whether an expression refers to the ref or the event (and so may filter runs).
fn refers_to_run(text: &str) -> bool {
    condition_refs(text).iter().any(|r| {
        r.starts_with("github.event")
            || r.starts_with("github.ref")
            || r.is("github.event_name")
            || r.is("github.ref_name")
            || r.is("github.ref_type")
            || r.is("github.ref_protected")
            || r.is("github.head_ref")
            || r.is("github.base_ref")
    })
}

fn apply_condition(raw: Vec<Raw>, text: &str, whose: &str, notes: &mut Vec<String>) -> Vec<Raw> {
    let (keeps, unread) = read_condition(text);
    let mut out = raw;
    for keep in &keeps {
        let before = out.len();
        out = out.into_iter().filter_map(|r| restrict(r, keep)).collect();
        notes.push(format!(
            "the `if:` of {whose} keeps only runs where {}{}",
            match keep {
                Keep::RefEq(v) => format!("github.ref is {v}"),
                Keep::EventEq(v) => format!("the event is {v}"),
                Keep::EventNe(v) => format!("the event is not {v}"),
                Keep::RefTypeEq(v) => format!("the ref is a {v}"),
                Keep::RefPrefix(v) => format!("github.ref starts with {v}"),
            },
            if out.len() < before {
                format!(" ({} way(s) to run dropped)", before - out.len())
            } else {
                String::new()
            }
        ));
    }
    if unread {
        notes.push(format!(
            "the `if:` of {whose} ({text}) depends on the ref or event in a way trustlint does not read: a subject predicted here may never be presented"
        ));
        for r in &mut out {
            r.caveat.get_or_insert_with(|| {
                format!("the `if:` of {whose} may keep the job from running for this subject")
            });
        }
    }
    out
}

fn restrict(mut r: Raw, keep: &Keep) -> Option<Raw> {
    let unknown = matches!(r.git_ref, GitRef::Unknown);
    match keep {
        Keep::EventEq(e) => (unknown || r.event.eq_ignore_ascii_case(e)).then_some(r),
        Keep::EventNe(e) => (unknown || !r.event.eq_ignore_ascii_case(e)).then_some(r),
        Keep::RefTypeEq(t) => {
            let keep = matches!(
                (&r.git_ref, t.as_str()),
                (GitRef::Unknown, _)
                    | (GitRef::Tag(_), "tag")
                    | (
                        GitRef::Branch(_) | GitRef::MergeQueue(_) | GitRef::PullRequestMerge,
                        "branch"
                    )
            );
            keep.then_some(r)
        }
        Keep::RefPrefix(p) => {
            let p = p.as_str();
            let class = |prefix: &str| p == prefix || p == prefix.trim_end_matches('/');
            let keep = match &r.git_ref {
                GitRef::Unknown => true,
                GitRef::Tag(_) if class("refs/tags/") => true,
                GitRef::Branch(_) | GitRef::MergeQueue(_) if class("refs/heads/") => true,
                GitRef::PullRequestMerge if class("refs/pull/") => true,
                _ if class("refs/tags/") || class("refs/heads/") || class("refs/pull/") => false,
                _ => {
                    // A narrower prefix: keep the context, but it may not run for every member.
                    r.caveat.get_or_insert_with(|| {
                        format!("an `if:` keeps only refs starting with {p}")
                    });
                    true
                }
            };
            keep.then_some(r)
        }
        Keep::RefEq(v) => {
            let keep = match &r.git_ref {
                GitRef::Unknown => true,
                GitRef::Branch(f) => match v.strip_prefix("refs/heads/") {
                    Some(name) if f.matches(name) => {
                        r.git_ref = GitRef::Branch(BranchFilter::exact(name));
                        r.reason = format!("{} (only {v}, by `if:`)", r.reason);
                        true
                    }
                    _ => false,
                },
                GitRef::Tag(f) => match v.strip_prefix("refs/tags/") {
                    Some(name) if f.matches(name) => {
                        r.git_ref = GitRef::Tag(BranchFilter::exact(name));
                        r.reason = format!("{} (only {v}, by `if:`)", r.reason);
                        true
                    }
                    _ => false,
                },
                GitRef::PullRequestMerge => pull_merge_re().is_match(v),
                GitRef::MergeQueue(f) => merge_queue_base(v).is_some_and(|b| f.matches(b)),
            };
            keep.then_some(r)
        }
    }
}

fn pull_merge_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^refs/pull/[1-9][0-9]*/merge$").expect("static regex"))
}

/// The base branch of a merge-queue ref `refs/heads/gh-readonly-queue/<base>/pr-<n>-<sha>`.
fn merge_queue_base(full_ref: &str) -> Option<&str> {
    static TAIL: OnceLock<Regex> = OnceLock::new();
    let tail = TAIL.get_or_init(|| Regex::new(r"^pr-[0-9]+-[0-9a-f]{40}$").expect("static regex"));
    let rest = full_ref.strip_prefix("refs/heads/gh-readonly-queue/")?;
    let (base, last) = rest.rsplit_once('/')?;
    (!base.is_empty() && tail.is_match(last)).then_some(base)
}

// ----------------------------------------------------------------------- subjects

impl GitRef {
    /// A few concrete refs of the set, realistic first; empty for [`GitRef::Unknown`].
    pub fn representatives(&self, repo: &RepoFacts) -> Vec<String> {
        let default = repo.default_branch.as_str();
        match self {
            GitRef::Branch(f) => f
                .representatives_preferring(&[default])
                .into_iter()
                .map(|b| format!("refs/heads/{b}"))
                .collect(),
            GitRef::Tag(f) => f
                .representatives_preferring(&["v1.0.0"])
                .into_iter()
                .map(|t| format!("refs/tags/{t}"))
                .collect(),
            GitRef::PullRequestMerge => vec!["refs/pull/1/merge".to_string()],
            GitRef::MergeQueue(f) => f
                .representatives_preferring(&[default])
                .into_iter()
                .map(|b| format!("refs/heads/gh-readonly-queue/{b}/pr-1-{SAMPLE_SHA}"))
                .collect(),
            GitRef::Unknown => Vec::new(),
        }
    }

    /// Membership of a full ref.
    pub fn contains(&self, full_ref: &str) -> bool {
        match self {
            // A merge queue's `gh-readonly-queue/…` branches take pushes too.
            GitRef::Branch(f) => full_ref
                .strip_prefix("refs/heads/")
                .is_some_and(|n| f.matches(n)),
            GitRef::Tag(f) => full_ref
                .strip_prefix("refs/tags/")
                .is_some_and(|n| f.matches(n)),
            GitRef::PullRequestMerge => pull_merge_re().is_match(full_ref),
            GitRef::MergeQueue(f) => merge_queue_base(full_ref).is_some_and(|b| f.matches(b)),
            GitRef::Unknown => false,
        }
    }

    /// True when [`GitRef::representatives`] lists every member.
    pub fn is_enumerated(&self) -> bool {
        match self {
            GitRef::Branch(f) | GitRef::Tag(f) => f.finite_names().is_some(),
            _ => false,
        }
    }

    /// IAM patterns whose union covers every member (`refs/heads/release/*`).
    pub fn iam_cover(&self) -> Vec<String> {
        match self {
            GitRef::Branch(f) => f
                .iam_cover()
                .into_iter()
                .map(|c| format!("refs/heads/{c}"))
                .collect(),
            GitRef::Tag(f) => f
                .iam_cover()
                .into_iter()
                .map(|c| format!("refs/tags/{c}"))
                .collect(),
            GitRef::PullRequestMerge => vec!["refs/pull/*/merge".to_string()],
            GitRef::MergeQueue(f) => f
                .iam_cover()
                .into_iter()
                .map(|c| format!("refs/heads/gh-readonly-queue/{c}/pr-*"))
                .collect(),
            GitRef::Unknown => vec!["*".to_string()],
        }
    }

    fn ref_type(&self) -> Option<&'static str> {
        match self {
            GitRef::Branch(_) | GitRef::MergeQueue(_) => Some("branch"),
            GitRef::Tag(_) => Some("tag"),
            GitRef::PullRequestMerge | GitRef::Unknown => None,
        }
    }
}

impl RefSet {
    /// "any branch matching release/**", "environment production", …
    pub fn describe(&self) -> String {
        match self {
            RefSet::Branch(f) => describe_filter(f, "branch", "branches"),
            RefSet::Tag(f) => describe_filter(f, "tag", "tags"),
            RefSet::MergeQueue(f) => format!(
                "the merge queue of {}",
                describe_filter(f, "branch", "branches")
            ),
            RefSet::PullRequest => "pull requests".to_string(),
            RefSet::Environment(name) => format!("environment {name}"),
            RefSet::UnknownEnvironment(expr) => format!("the environment {expr}"),
            RefSet::UnknownCaller => "an unknown caller's run".to_string(),
        }
    }

    /// True when the `sub` context part depends on the run's ref.
    fn depends_on_ref(&self) -> bool {
        matches!(
            self,
            RefSet::Branch(_) | RefSet::Tag(_) | RefSet::MergeQueue(_)
        )
    }
}

/// `:` inside a claim value is `%3A` in `sub`.
fn encode(value: &str) -> String {
    value.replace(':', "%3A")
}

/// Why a subject cannot be built.
pub(crate) type Unpredictable = String;

impl Prediction {
    /// `job_workflow_ref` for a run at `git_ref`.
    pub fn job_workflow_ref(&self, git_ref: &str) -> String {
        format!("{}@{git_ref}", self.job_workflow)
    }
}

/// Builds the subject of context `ctx` for a run at `git_ref` (`None`: a context whose subject
/// does not depend on the ref and a template that does not use it). `git_ref` may be an IAM
/// pattern (`refs/heads/release/*`): then so is the result.
pub(crate) fn build_subject(
    p: &Prediction,
    ctx: &PredictedContext,
    repo: &RepoFacts,
    git_ref: Option<&str>,
) -> Result<String, Unpredictable> {
    let context = match &ctx.context {
        RefSet::UnknownCaller => {
            return Err("the caller of this reusable workflow is not in this repository".into())
        }
        RefSet::UnknownEnvironment(expr) => {
            return Err(format!("the environment is an expression ({expr})"))
        }
        RefSet::Environment(name) => format!("environment:{}", encode(name)),
        RefSet::PullRequest => "pull_request".to_string(),
        RefSet::Branch(_) | RefSet::Tag(_) | RefSet::MergeQueue(_) => {
            format!("ref:{}", git_ref.ok_or("the ref is unknown")?)
        }
    };
    let repo_name = repo.full_name();
    match &repo.template {
        SubjectFormat::Default => Ok(format!("repo:{repo_name}:{context}")),
        SubjectFormat::Immutable => match (repo.owner_id, repo.repository_id) {
            (Some(oid), Some(rid)) => Ok(format!(
                "repo:{}@{oid}/{}@{rid}:{context}",
                repo.owner, repo.name
            )),
            _ => Ok(format!("repo:{repo_name}:{context}")),
        },
        SubjectFormat::Custom(keys) => {
            let mut parts: Vec<String> = Vec::new();
            for key in keys {
                let key = key.as_str();
                if key == "context" {
                    parts.push(context.clone());
                    continue;
                }
                let need_ref = || git_ref.ok_or_else(|| format!("the `{key}` claim (the ref)"));
                let value = match key {
                    "repo" | "repository" => repo_name.clone(),
                    "repository_owner" => repo.owner.clone(),
                    "repository_owner_id" => repo
                        .owner_id
                        .ok_or("the `repository_owner_id` claim is not configured")?
                        .to_string(),
                    "repository_id" => repo
                        .repository_id
                        .ok_or("the `repository_id` claim is not configured")?
                        .to_string(),
                    "environment" => match &ctx.context {
                        RefSet::Environment(name) => name.clone(),
                        _ => {
                            return Err(
                                "the template has `environment`, and this job has none".into()
                            )
                        }
                    },
                    "ref" => need_ref()?.to_string(),
                    "ref_type" => ctx
                        .git_ref
                        .ref_type()
                        .ok_or("the `ref_type` claim of a pull request run")?
                        .to_string(),
                    "job_workflow_ref" => p.job_workflow_ref(need_ref()?),
                    "workflow_ref" => format!("{}@{}", p.job_workflow.clone(), need_ref()?),
                    "event_name" => ctx.event.clone(),
                    "workflow" => ctx.workflow_name.clone(),
                    other => return Err(format!("the `{other}` claim of the template")),
                };
                parts.push(format!("{key}:{}", encode(&value)));
            }
            Ok(parts.join(":"))
        }
    }
}

/// True when the subject (under the repository's template) mentions the ref.
fn subject_uses_ref(ctx: &PredictedContext, repo: &RepoFacts) -> bool {
    ctx.context.depends_on_ref()
        || matches!(&repo.template, SubjectFormat::Custom(keys)
            if keys.iter().any(|k| matches!(k.as_str(), "ref" | "job_workflow_ref" | "workflow_ref")))
}

/// The concrete subjects of one context (with their refs); `Err` when none can be built.
pub(crate) fn context_subjects(
    p: &Prediction,
    index: usize,
    repo: &RepoFacts,
) -> Result<Vec<PredictedSubject>, Unpredictable> {
    let ctx = &p.contexts[index];
    let refs = ctx.git_ref.representatives(repo);
    if refs.is_empty() {
        build_subject(p, ctx, repo, None)?;
        return Err(format!("no concrete ref found for {}", ctx.reason));
    }
    let mut out: Vec<PredictedSubject> = Vec::new();
    for r in refs {
        let subject = build_subject(p, ctx, repo, Some(&r))?;
        out.push(PredictedSubject {
            subject,
            context: index,
            job_workflow_ref: Some(p.job_workflow_ref(&r)),
            git_ref: Some(r),
            stands_for: ctx.context.describe(),
        });
    }
    Ok(out)
}

/// Concrete representative subjects of every context, each with what it stands for; contexts
/// whose subject cannot be predicted are left out (see [`Prediction::notes`]). Duplicate
/// subjects (the same environment reached by two events) are kept once.
pub fn subjects(p: &Prediction, repo: &RepoFacts) -> Vec<PredictedSubject> {
    let mut out: Vec<PredictedSubject> = Vec::new();
    for i in 0..p.contexts.len() {
        if let Ok(subjects) = context_subjects(p, i, repo) {
            for s in subjects {
                if !out.iter().any(|o| o.subject == s.subject) {
                    out.push(s);
                }
            }
        }
    }
    out
}

/// Candidate refs named inside a subject: after `ref:` and after `@` (job_workflow_ref).
fn refs_in(subject: &str) -> Vec<String> {
    let mut out = Vec::new();
    let tokens: Vec<&str> = subject.split(':').collect();
    for (i, t) in tokens.iter().enumerate() {
        if *t == "ref" {
            if let Some(next) = tokens.get(i + 1) {
                out.push(next.to_string());
            }
        }
        if let Some((_, r)) = t.split_once('@') {
            if r.starts_with("refs/") {
                out.push(r.to_string());
            }
        }
    }
    out.dedup();
    out
}

/// Can a run of this context present exactly `subject`? `Unknown` where a part cannot be
/// predicted (an expression environment, an unknown caller, a template claim trustlint does
/// not know).
pub fn membership(
    p: &Prediction,
    ctx: &PredictedContext,
    repo: &RepoFacts,
    subject: &str,
) -> Truth {
    match &ctx.context {
        RefSet::UnknownCaller | RefSet::UnknownEnvironment(_) => return Truth::Unknown,
        _ => {}
    }
    let mut unknown = false;
    if subject_uses_ref(ctx, repo) {
        for r in refs_in(subject) {
            if !ctx.git_ref.contains(&r) {
                continue;
            }
            match build_subject(p, ctx, repo, Some(&r)) {
                Ok(s) if s == subject => return Truth::True,
                Ok(_) => {}
                Err(_) => unknown = true,
            }
        }
        if refs_in(subject).is_empty() {
            // Still find out whether a part is unpredictable.
            if let Some(r) = ctx.git_ref.representatives(repo).first() {
                unknown |= build_subject(p, ctx, repo, Some(r)).is_err();
            }
        }
    } else {
        let any_ref = ctx.git_ref.representatives(repo);
        match build_subject(p, ctx, repo, any_ref.first().map(String::as_str)) {
            Ok(s) if s == subject => return Truth::True,
            Ok(_) => {}
            Err(_) => unknown = true,
        }
    }
    if unknown {
        Truth::Unknown
    } else {
        Truth::False
    }
}

/// Can this job present exactly `subject` in context `ctx`? `true` only when certain.
pub fn admits(p: &Prediction, ctx: &PredictedContext, repo: &RepoFacts, subject: &str) -> bool {
    membership(p, ctx, repo, subject) == Truth::True
}

/// IAM patterns whose union covers every subject of the context (`None` when unpredictable),
/// and the same for `job_workflow_ref` and the `ref` claim.
pub(crate) struct SymbolicClaims {
    pub sub: Vec<String>,
    pub job_workflow_ref: Vec<String>,
    pub git_ref: Vec<String>,
}

pub(crate) fn symbolic_claims(
    p: &Prediction,
    ctx: &PredictedContext,
    repo: &RepoFacts,
) -> Result<SymbolicClaims, Unpredictable> {
    let covers = ctx.git_ref.iam_cover();
    let mut sub = Vec::new();
    for c in &covers {
        let s = build_subject(p, ctx, repo, Some(c))?;
        if !sub.contains(&s) {
            sub.push(s);
        }
    }
    Ok(SymbolicClaims {
        sub,
        job_workflow_ref: covers.iter().map(|c| p.job_workflow_ref(c)).collect(),
        git_ref: covers,
    })
}

/// A `sub` value for a trust policy that admits what the workflows need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuggestedSubValue {
    pub value: String,
    /// Needs `StringLike` (the value has `*`).
    pub needs_like: bool,
    /// When the value admits more than the workflows need, why.
    pub broader: Option<String>,
}

/// The tightest `sub` values for these predictions: exact values for concrete contexts,
/// patterns only where a filter needs one (`release/**` → `…:ref:refs/heads/release/*`).
/// Contexts that cannot be predicted are left out.
pub fn tightest_sub_values(predictions: &[Prediction], repo: &RepoFacts) -> Vec<SuggestedSubValue> {
    let mut out: Vec<SuggestedSubValue> = Vec::new();
    let mut push = |v: SuggestedSubValue| {
        if !out.iter().any(|o| o.value == v.value) {
            out.push(v);
        }
    };
    for p in predictions {
        for (i, ctx) in p.contexts.iter().enumerate() {
            let exact = ctx.git_ref.is_enumerated() || !subject_uses_ref(ctx, repo);
            if exact {
                if let Ok(subjects) = context_subjects(p, i, repo) {
                    for s in subjects {
                        push(SuggestedSubValue {
                            value: s.subject,
                            needs_like: false,
                            broader: None,
                        });
                    }
                }
                continue;
            }
            let Ok(symbolic) = symbolic_claims(p, ctx, repo) else {
                continue;
            };
            let filter = match &ctx.git_ref {
                GitRef::Branch(f) | GitRef::Tag(f) | GitRef::MergeQueue(f) => Some(f),
                _ => None,
            };
            let broader = filter.and_then(|f| {
                if !f.include && !f.is_any() {
                    Some(format!(
                        "IAM cannot exclude names: this also admits {}",
                        f.describe_patterns()
                    ))
                } else if f.globs.iter().any(|g| g.negated) {
                    Some(
                        "IAM cannot exclude names: this also admits the names the filter negates"
                            .to_string(),
                    )
                } else if f.uses_single_star() {
                    Some(
                        "GitHub's `*` does not match `/`, IAM's does: this also admits names with more `/`"
                            .to_string(),
                    )
                } else if f
                    .globs
                    .iter()
                    .any(|g| !g.negated && g.pattern.contains(['[', '+', '?']))
                {
                    Some(
                        "IAM has no character classes or repetition: this pattern is broader than the filter"
                            .to_string(),
                    )
                } else {
                    None
                }
            });
            for s in symbolic.sub {
                let needs_like = crate::iam::wildcard::has_wildcard(&s);
                push(SuggestedSubValue {
                    value: s,
                    needs_like,
                    broader: broader.clone(),
                });
            }
        }
    }
    // An exact value a pattern already covers is redundant.
    let patterns: Vec<String> = out
        .iter()
        .filter(|v| v.needs_like)
        .map(|v| v.value.clone())
        .collect();
    out.retain(|v| {
        v.needs_like
            || !patterns
                .iter()
                .any(|pat| crate::iam::wildcard::like_match(pat, &v.value))
    });
    out
}
