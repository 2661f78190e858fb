//! The contexts of the runs in which a job executes, per trigger: the run's ref for each event,
//! its branch and tag filters, and the callers of a reusable workflow.

use super::callers::repo_relative;
use super::condition::apply_condition;
use super::glob::BranchFilter;
use super::model::{Caller, GitRef, RepoFacts};
use crate::workflow::{Job, Trigger, Workflow};

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
pub(super) struct Raw {
    pub(super) event: String,
    pub(super) git_ref: GitRef,
    /// The `sub` says `pull_request`.
    pub(super) pull_request: bool,
    pub(super) reason: String,
    pub(super) caveat: Option<String>,
    pub(super) workflow_name: String,
}

fn workflow_display_name(path: &str, workflow: &Workflow) -> String {
    workflow
        .name
        .as_ref()
        .map(|n| n.value.clone())
        .unwrap_or_else(|| repo_relative(path))
}

pub(super) fn describe_filter(f: &BranchFilter, what: &str, plural: &str) -> String {
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
pub(super) fn run_contexts(
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
