//! Which OIDC claims a job will present: the `sub` contexts per trigger, `aud`, and
//! `job_workflow_ref`.
//!
//! Facts (GitHub Docs "OpenID Connect reference",
//! https://docs.github.com/en/actions/reference/security/oidc — `sub` precedence and formats,
//! `job_workflow_ref`; "Events that trigger workflows",
//! https://docs.github.com/en/actions/reference/workflows-and-actions/events-that-trigger-workflows
//! — `GITHUB_REF` per event; "Using OpenID Connect with reusable workflows",
//! https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/using-openid-connect-with-reusable-workflows
//! — the claims of a called workflow's jobs):
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

use super::callers::repo_relative;
use super::condition::apply_condition;
use super::model::{
    Caller, GitRef, PredictedContext, Prediction, RefSet, RepoFacts, SubjectFormat,
    DEFAULT_AUDIENCE,
};
use super::triggers::run_contexts;
use crate::workflow::{ConsumerKind, Job, Step, Workflow};
use regex::Regex;
use std::sync::OnceLock;

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
