//! The `id-token` permission a job actually gets, and where it comes from.
//!
//! Facts (GitHub Docs, "Workflow syntax for GitHub Actions", `permissions`,
//! https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#permissions;
//! "Automatic token authentication",
//! https://docs.github.com/en/actions/security-for-github-actions/security-guides/automatic-token-authentication;
//! "Reusing workflow configurations",
//! https://docs.github.com/en/actions/reference/workflows-and-actions/reusing-workflow-configurations):
//! - a job-level `permissions` block REPLACES the workflow-level one for that job (no merge);
//!   any scope a mapping does not list is `none`;
//! - with no `permissions` anywhere, `id-token` is `none` (both repository/org defaults);
//! - `write-all` includes `id-token: write`, `read-all` does not;
//! - a reusable workflow's jobs get what the caller job grants (its own `permissions`, else its
//!   workflow-level block, else the default); the callee can keep or lower that, never raise it:
//!   a callee job asking for `id-token: write` that the caller did not grant fails the run at
//!   start ("The nested job ... is requesting 'id-token: write', but is only allowed
//!   'id-token: none'").

use super::model::{IdTokenLevel, Job, Workflow};
use super::uses::UsesKind;
use crate::source::{Span, Spanned};
use std::collections::HashMap;

/// The `id-token` level of one job and its provenance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EffectiveIdToken {
    /// What the job gets. For a reusable workflow with local callers: the weakest over every
    /// visible path (each caller, plus direct runs when it has other triggers), so `Write` means
    /// "on every path". For [`Provenance::DependsOnCaller`]: the most it can get (its own
    /// declaration, or `Write` when it declares nothing and the caller decides).
    pub level: IdTokenLevel,
    pub source: Provenance,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Provenance {
    /// No `permissions` on the path to the job: `id-token` is `none`.
    Default,
    /// The workflow-level block (the job has none of its own).
    WorkflowLevel(Span),
    /// The job-level block (no workflow-level block granted `id-token: write`).
    JobLevel(Span),
    /// The job-level block replaces a workflow-level block that granted `id-token: write`,
    /// and does not grant it itself.
    JobLevelReplacesWorkflow { job: Span, workflow: Span },
    /// A workflow that runs only on `workflow_call` and has no caller among the scanned
    /// workflows of its repository: the caller decides. `declared` is the job's own view
    /// (`Default` when it declares nothing and so inherits whatever the caller grants).
    DependsOnCaller { declared: Box<EffectiveIdToken> },
    /// A reusable workflow called from local jobs: each caller's grant capped by the job's own
    /// declaration.
    Callers {
        declared: Box<EffectiveIdToken>,
        outcomes: Vec<CallerOutcome>,
        /// The workflow also runs on other events, where `declared` applies as it is.
        runs_directly: bool,
    },
}

/// What one local caller job grants a reusable workflow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallerGrant {
    pub caller_path: String,
    pub caller_job_id: Spanned<String>,
    /// The caller job's `uses:` value.
    pub span: Span,
    /// The caller job's own effective level (its `permissions`, else its workflow's, else the
    /// default; capped in turn by its own callers when the caller is itself reusable).
    pub level: IdTokenLevel,
    /// Where the caller's level comes from; spans are in `caller_path`.
    pub source: Provenance,
}

/// One caller applied to a callee job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallerOutcome {
    pub caller: CallerGrant,
    /// What the callee job gets when called from there.
    pub level: IdTokenLevel,
    /// The callee job declares `id-token: write` that this caller does not grant: GitHub fails
    /// the run at start.
    pub exceeds_grant: bool,
}

/// The job's own view: its `permissions`, else its workflow's, else the default — no callers.
pub fn declared_id_token(workflow: &Workflow, job: &Job) -> EffectiveIdToken {
    match (&job.permissions, &workflow.permissions) {
        (Some(jp), Some(wp))
            if wp.id_token() == IdTokenLevel::Write && jp.id_token() != IdTokenLevel::Write =>
        {
            EffectiveIdToken {
                level: jp.id_token(),
                source: Provenance::JobLevelReplacesWorkflow {
                    job: jp.span,
                    workflow: wp.span,
                },
            }
        }
        (Some(jp), _) => EffectiveIdToken {
            level: jp.id_token(),
            source: Provenance::JobLevel(jp.span),
        },
        (None, Some(wp)) => EffectiveIdToken {
            level: wp.id_token(),
            source: Provenance::WorkflowLevel(wp.span),
        },
        (None, None) => EffectiveIdToken {
            level: IdTokenLevel::None,
            source: Provenance::Default,
        },
    }
}

/// The effective `id-token` level of `job` in the workflow at `workflow_path`. `callers` are
/// the local caller grants ([`caller_grants`]); they only matter for a workflow with
/// `on: workflow_call`, and grants whose `caller_path` is `workflow_path` itself are ignored (a
/// workflow cannot call itself).
pub fn effective_id_token(
    workflow_path: &str,
    workflow: &Workflow,
    job: &Job,
    callers: &[CallerGrant],
) -> EffectiveIdToken {
    let declared = declared_id_token(workflow, job);
    if !workflow.is_reusable() {
        return declared;
    }
    let runs_directly = workflow.runs_directly();
    let callers: Vec<&CallerGrant> = callers
        .iter()
        .filter(|c| c.caller_path != workflow_path)
        .collect();
    if callers.is_empty() {
        if runs_directly {
            // Direct runs get the declaration; unknown callers can only lower it.
            return declared;
        }
        let level = match declared.source {
            Provenance::Default => IdTokenLevel::Write,
            _ => declared.level.clone(),
        };
        return EffectiveIdToken {
            level,
            source: Provenance::DependsOnCaller {
                declared: Box::new(declared),
            },
        };
    }
    let declares = declared.source != Provenance::Default;
    let outcomes: Vec<CallerOutcome> = callers
        .into_iter()
        .map(|caller| {
            let level = if declares {
                cap(&declared.level, &caller.level)
            } else {
                caller.level.clone()
            };
            CallerOutcome {
                exceeds_grant: declares
                    && declared.level == IdTokenLevel::Write
                    && caller.level != IdTokenLevel::Write,
                caller: caller.clone(),
                level,
            }
        })
        .collect();
    let mut levels: Vec<&IdTokenLevel> = outcomes.iter().map(|o| &o.level).collect();
    if runs_directly {
        levels.push(&declared.level);
    }
    let level = weakest(&levels);
    EffectiveIdToken {
        level,
        source: Provenance::Callers {
            declared: Box::new(declared),
            outcomes,
            runs_directly,
        },
    }
}

/// A callee's declared level under a caller's grant: keep or lower, never raise.
fn cap(declared: &IdTokenLevel, granted: &IdTokenLevel) -> IdTokenLevel {
    match (declared, granted) {
        (IdTokenLevel::Invalid(raw), _) | (_, IdTokenLevel::Invalid(raw)) => {
            IdTokenLevel::Invalid(raw.clone())
        }
        (IdTokenLevel::Write, IdTokenLevel::Write) => IdTokenLevel::Write,
        _ => IdTokenLevel::None,
    }
}

/// Invalid (the run fails) < none < write.
fn weakest(levels: &[&IdTokenLevel]) -> IdTokenLevel {
    if let Some(invalid) = levels
        .iter()
        .find(|l| matches!(l, IdTokenLevel::Invalid(_)))
    {
        return (*invalid).clone();
    }
    if levels.iter().any(|l| **l == IdTokenLevel::None) {
        IdTokenLevel::None
    } else {
        IdTokenLevel::Write
    }
}

/// Splits `…/.github/workflows/<file>` into (repository root prefix, file name). Workflows
/// live directly in `.github/workflows/` (no subdirectories).
pub fn split_workflow_path(path: &str) -> Option<(String, String)> {
    const DIR: &str = ".github/workflows/";
    let path = path.replace('\\', "/");
    let at = path
        .match_indices(DIR)
        .map(|(i, _)| i)
        .filter(|&i| i == 0 || path.as_bytes()[i - 1] == b'/')
        .last()?;
    let file = &path[at + DIR.len()..];
    if file.is_empty() || file.contains('/') {
        return None;
    }
    Some((path[..at].to_string(), file.to_string()))
}

/// Local caller jobs of the workflow at `callee_path`: jobs of the other workflows in the same
/// repository (same prefix before `.github/workflows/`) with
/// `uses: ./.github/workflows/<file>`. A caller that is itself a reusable workflow is resolved
/// through its own callers (cycles are cut). Remote callers (`owner/repo/.github/…@ref`)
/// cannot be seen from one repository and are not included.
///
/// Each workflow's callers are resolved once per query, chains are followed at most
/// [`MAX_NESTING`] levels up (GitHub's own limit on nested reusable workflows) and at most
/// [`MAX_WEIGHT`] grants are built, so that odd call graphs (many paths between the same
/// workflows) cost linear time, not exponential.
pub fn caller_grants(callee_path: &str, all_workflows: &[(&str, &Workflow)]) -> Vec<CallerGrant> {
    let mut walk = Walk {
        all: all_workflows,
        visiting: Vec::new(),
        memo: HashMap::new(),
        spent: 0,
    };
    walk.grants(callee_path).0
}

/// Levels of callers followed above a reusable workflow: GitHub runs at most ten levels of
/// nested reusable workflows.
pub const MAX_NESTING: usize = 10;

/// Most caller grants (nested provenance included) built for one query.
pub const MAX_WEIGHT: usize = 10_000;

struct Walk<'a, 'w> {
    all: &'a [(&'w str, &'w Workflow)],
    visiting: Vec<String>,
    /// Callers of each workflow already resolved, with their weight (grants they hold,
    /// nested ones included).
    memo: HashMap<String, (Vec<CallerGrant>, usize)>,
    spent: usize,
}

impl Walk<'_, '_> {
    fn grants(&mut self, callee_path: &str) -> (Vec<CallerGrant>, usize) {
        if let Some(done) = self.memo.get(callee_path) {
            return done.clone();
        }
        let Some((root, file)) = split_workflow_path(callee_path) else {
            return (Vec::new(), 0);
        };
        if self.visiting.iter().any(|v| v == callee_path) || self.visiting.len() >= MAX_NESTING {
            return (Vec::new(), 0);
        }
        self.visiting.push(callee_path.to_string());
        let target = format!(".github/workflows/{file}");
        let mut out = Vec::new();
        let mut weight = 0;
        let all = self.all;
        for &(path, workflow) in all {
            if path == callee_path {
                continue;
            }
            match split_workflow_path(path) {
                Some((r, _)) if r == root => {}
                _ => continue,
            }
            for job in &workflow.jobs {
                let Some(uses) = &job.uses else { continue };
                let UsesKind::Local { path: local } = &uses.value.kind else {
                    continue;
                };
                let local = local.replace('\\', "/");
                if local.trim_start_matches("./") != target {
                    continue;
                }
                if self.spent >= MAX_WEIGHT {
                    break;
                }
                let (mut own_callers, mut own_weight) = if workflow.is_reusable() {
                    self.grants(path)
                } else {
                    (Vec::new(), 0)
                };
                if self.spent + own_weight + 1 > MAX_WEIGHT {
                    // Too many paths: judge this caller without its own callers.
                    own_callers.clear();
                    own_weight = 0;
                }
                self.spent += own_weight + 1;
                weight += own_weight + 1;
                let effective = effective_id_token(path, workflow, job, &own_callers);
                out.push(CallerGrant {
                    caller_path: path.to_string(),
                    caller_job_id: job.id.clone(),
                    span: uses.span,
                    level: effective.level,
                    source: effective.source,
                });
            }
        }
        self.visiting.pop();
        self.memo
            .insert(callee_path.to_string(), (out.clone(), weight));
        (out, weight)
    }
}

/// [`effective_id_token`] with the callers found among `all_workflows`.
pub fn effective_id_token_in_repo(
    workflow_path: &str,
    workflow: &Workflow,
    job: &Job,
    all_workflows: &[(&str, &Workflow)],
) -> EffectiveIdToken {
    let callers = if workflow.is_reusable() {
        caller_grants(workflow_path, all_workflows)
    } else {
        Vec::new()
    };
    effective_id_token(workflow_path, workflow, job, &callers)
}

impl EffectiveIdToken {
    /// A sentence on where the level comes from, for messages. `locate(path, span)` renders a
    /// location such as `deploy.yml:17`; `workflow_path` is the job's own file.
    pub fn explain(&self, workflow_path: &str, locate: &dyn Fn(&str, Span) -> String) -> String {
        match &self.source {
            Provenance::Default => {
                "no `permissions` block applies to this job, so id-token is none (the default)"
                    .to_string()
            }
            Provenance::WorkflowLevel(span) => format!(
                "the workflow-level permissions at {} give id-token: {}",
                locate(workflow_path, *span),
                self.level
            ),
            Provenance::JobLevel(span) => format!(
                "the job-level permissions at {} give id-token: {}",
                locate(workflow_path, *span),
                self.level
            ),
            Provenance::JobLevelReplacesWorkflow { job, workflow } => format!(
                "job-level permissions at {} replace the workflow-level block that granted id-token: write (at {}), so the job gets id-token: {}",
                locate(workflow_path, *job),
                locate(workflow_path, *workflow),
                self.level
            ),
            Provenance::DependsOnCaller { declared } => {
                let own = match declared.source {
                    Provenance::Default => {
                        "it declares no permissions, so it gets whatever the caller grants"
                            .to_string()
                    }
                    _ => format!(
                        "{}; a caller can only keep or lower that",
                        declared.explain(workflow_path, locate)
                    ),
                };
                format!("this reusable workflow has no caller in this repository: {own}")
            }
            Provenance::Callers {
                declared, outcomes, ..
            } => {
                let parts: Vec<String> = outcomes
                    .iter()
                    .map(|o| {
                        let at = locate(&o.caller.caller_path, o.caller.span);
                        if o.exceeds_grant {
                            format!(
                                "job \"{}\" at {at} grants only id-token: {}, so the run fails at start",
                                o.caller.caller_job_id.value, o.caller.level
                            )
                        } else {
                            format!(
                                "job \"{}\" at {at} grants id-token: {}, so it gets {}",
                                o.caller.caller_job_id.value, o.caller.level, o.level
                            )
                        }
                    })
                    .collect();
                let own = match declared.source {
                    Provenance::Default => "it declares no permissions of its own".to_string(),
                    _ => declared.explain(workflow_path, locate),
                };
                format!(
                    "this reusable workflow is called from {}; {own}",
                    parts.join("; ")
                )
            }
        }
    }
}
