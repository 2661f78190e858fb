//! `missing-id-token-permission`: a job whose steps consume the OIDC token but that does not get
//! `id-token: write` — lost to a job-level block, never granted, or not passed on by the caller
//! of a reusable workflow.

use super::workflow_jobs::{
    consumer_action, consumers_with_local_actions, runner, step_anchor, step_label, Runner,
};
use crate::rules::{Finding, Rule, WorkflowContext};
use crate::source::Span;
use crate::workflow::{
    ConsumerKind, EffectiveIdToken, IdTokenLevel, Job, Permissions, PermissionsKind, Provenance,
    Workflow,
};

crate::declare_rule!(
    MissingIdTokenPermission,
    "missing-id-token-permission",
    High
);

impl Rule for MissingIdTokenPermission {
    fn check_workflow(&self, ctx: &WorkflowContext<'_>, out: &mut Vec<Finding>) {
        for job in ctx.workflow.jobs.iter().filter(|j| !j.is_caller()) {
            let effective = ctx.effective_id_token(job);
            let consumers = consumers_with_local_actions(&ctx.file.path, job);
            if consumers.is_empty() {
                // Nothing uses the token, but asking for more than the caller grants still
                // stops the run.
                if let Some(finding) = exceeds_without_consumer(ctx, job, &effective) {
                    out.push(finding);
                }
                continue;
            }
            // `Invalid` fails the run for another reason, reported by invalid-permission.
            if effective.level != IdTokenLevel::None {
                continue;
            }
            let (step, consumer) = &consumers[0];
            let lost = if falls_back(&effective) {
                "the job does not get id-token: write"
            } else {
                "a caller does not grant the id-token: write it asks for"
            };
            let mut message = format!(
                "job `{}`, step {}, {}, but {lost}: {}",
                job.id.value,
                step_label(step),
                consumer_action(consumer.kind),
                ctx.explain_id_token(&effective)
            );
            if let Some(direct) = direct_runs_note(ctx, &effective) {
                message.push_str(&direct);
            }
            message.push_str(". ");
            message.push_str(&consequence(&effective, consumer.kind, runner(job)));
            let mut finding = ctx
                .finding(&Self::META, step_anchor(step), message)
                .help(fix(ctx, job, &effective))
                .route(format!("{}/id-token", ctx.step_route(job, step)));
            for (span, note) in related_blocks(ctx.workflow, job, &effective) {
                finding = finding.related(span, note);
            }
            for (other, _) in consumers.iter().skip(1) {
                finding = finding.related(
                    step_anchor(other),
                    format!("step {} needs the token too", step_label(other)),
                );
            }
            out.push(finding);
        }
    }
}

/// The outcomes of a reusable workflow's callers, when it has local callers.
fn outcomes(effective: &EffectiveIdToken) -> &[crate::workflow::CallerOutcome] {
    match &effective.source {
        Provenance::Callers { outcomes, .. } => outcomes,
        _ => &[],
    }
}

/// The job's own declaration (reusable workflows), or the effective level itself.
fn declared(effective: &EffectiveIdToken) -> &EffectiveIdToken {
    match &effective.source {
        Provenance::Callers { declared, .. } | Provenance::DependsOnCaller { declared } => declared,
        _ => effective,
    }
}

/// For a reusable workflow that also runs on its own events without the grant: say so (the
/// provenance sentence only speaks of its callers).
fn direct_runs_note(ctx: &WorkflowContext<'_>, effective: &EffectiveIdToken) -> Option<String> {
    let Provenance::Callers {
        declared,
        runs_directly: true,
        ..
    } = &effective.source
    else {
        return None;
    };
    (declared.level == IdTokenLevel::None).then(|| {
        let events: Vec<String> = ctx
            .workflow
            .on
            .events
            .iter()
            .filter(|t| t.event.value != "workflow_call")
            .map(|t| format!("`{}`", t.event.value))
            .collect();
        format!(
            "; when it runs on its own events ({}) it gets id-token: none",
            events.join(", ")
        )
    })
}

/// What happens at run time.
fn consequence(effective: &EffectiveIdToken, kind: ConsumerKind, runner: Runner) -> String {
    let outcomes = outcomes(effective);
    let refused: Vec<&str> = outcomes
        .iter()
        .filter(|o| o.exceeds_grant)
        .map(|o| o.caller.caller_job_id.value.as_str())
        .collect();
    let mut parts = Vec::new();
    if !refused.is_empty() {
        parts.push(format!(
            "GitHub refuses to start the run when {} calls it (\"The nested job … is requesting 'id-token: write', but is only allowed 'id-token: none'\")",
            quote_jobs(&refused)
        ));
    }
    if falls_back(effective) {
        parts.push(fallback(kind, runner));
    }
    let mut text = parts.join("; where it does run, ");
    text.push('.');
    text
}

/// True when the job runs without the token on some path (rather than not starting at all).
fn falls_back(effective: &EffectiveIdToken) -> bool {
    let outcomes = outcomes(effective);
    outcomes.is_empty()
        || outcomes
            .iter()
            .any(|o| !o.exceeds_grant && o.level == IdTokenLevel::None)
        || direct_runs_without_grant(effective)
}

fn direct_runs_without_grant(effective: &EffectiveIdToken) -> bool {
    matches!(
        &effective.source,
        Provenance::Callers { declared, runs_directly: true, .. } if declared.level == IdTokenLevel::None
    )
}

/// What a consumer does without a token.
fn fallback(kind: ConsumerKind, runner: Runner) -> String {
    if kind != ConsumerKind::AwsCredentials {
        return "GitHub gives the job no token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL is unset), so the step fails".to_string();
    }
    match runner {
        Runner::GitHubHosted => "configure-aws-credentials does not say so clearly: it falls back to the default AWS credential chain, which is empty on a GitHub-hosted runner, and fails with \"Could not load credentials from any providers\"".to_string(),
        Runner::SelfHosted => "configure-aws-credentials does not fail: it falls back to the default AWS credential chain and, on this self-hosted runner, silently uses the machine's own AWS credentials (instance profile, environment or ~/.aws) instead of the role".to_string(),
        Runner::Unknown => "configure-aws-credentials falls back to the default AWS credential chain: on a GitHub-hosted runner it fails with \"Could not load credentials from any providers\", on a self-hosted runner it silently uses the machine's own AWS credentials instead of the role".to_string(),
    }
}

fn quote_jobs(ids: &[&str]) -> String {
    let quoted: Vec<String> = ids.iter().map(|id| format!("job `{id}`")).collect();
    quoted.join(" or ")
}

/// The permissions blocks of this file that take part, with what each does.
fn related_blocks(
    workflow: &Workflow,
    job: &Job,
    effective: &EffectiveIdToken,
) -> Vec<(Span, String)> {
    let id = &job.id.value;
    let declared = declared(effective);
    if declared.level == IdTokenLevel::Write {
        // A reusable workflow's own grant, which a caller does not pass on.
        let span = match &declared.source {
            Provenance::JobLevel(span) => id_token_span(job.permissions.as_ref(), *span),
            Provenance::WorkflowLevel(span) => id_token_span(workflow.permissions.as_ref(), *span),
            _ => return Vec::new(),
        };
        return vec![(
            span,
            format!("job `{id}` asks for id-token: write here, but a called workflow only gets what its caller grants"),
        )];
    }
    match &declared.source {
        Provenance::JobLevel(span) => vec![(
            *span,
            format!("job `{id}`'s permissions do not include id-token: write"),
        )],
        Provenance::WorkflowLevel(span) => vec![(
            *span,
            format!("the workflow-level permissions, which job `{id}` inherits, do not include id-token: write"),
        )],
        Provenance::JobLevelReplacesWorkflow { job: j, workflow } => vec![
            (
                *j,
                format!("this block replaces the workflow-level permissions for job `{id}` and does not list id-token"),
            ),
            (
                *workflow,
                format!("id-token: write is granted here, but not to job `{id}`"),
            ),
        ],
        _ => Vec::new(),
    }
}

/// A `permissions:` suggestion: the scopes of `base` (other than id-token) plus
/// `id-token: write`, as a YAML flow mapping.
fn suggestion(base: Option<&Permissions>) -> String {
    let mut scopes: Vec<String> = match base.map(|p| &p.kind) {
        Some(PermissionsKind::Map(entries)) => entries
            .iter()
            .filter(|e| e.scope.value != "id-token")
            .map(|e| format!("{}: {}", e.scope.value, e.level.value))
            .collect(),
        _ => vec!["contents: read".to_string()],
    };
    scopes.push("id-token: write".to_string());
    format!("`permissions: {{{}}}`", scopes.join(", "))
}

fn fix(ctx: &WorkflowContext<'_>, job: &Job, effective: &EffectiveIdToken) -> String {
    let own = own_fix(ctx.workflow, job, declared(effective));
    match &effective.source {
        Provenance::Callers {
            outcomes, declared, ..
        } => {
            let short: Vec<String> = outcomes
                .iter()
                .filter(|o| o.caller.level != IdTokenLevel::Write)
                .map(|o| {
                    format!(
                        "`{}` ({})",
                        o.caller.caller_job_id.value,
                        ctx.workflows.locate(&o.caller.caller_path, o.caller.span)
                    )
                })
                .collect();
            let mut text = if short.is_empty() {
                String::new()
            } else {
                format!(
                    "grant it in the calling job {}: {} on the job that `uses:` this workflow (a called workflow can keep or lower its caller's permissions, never raise them)",
                    short.join(", "),
                    suggestion(None)
                )
            };
            if declared.level != IdTokenLevel::Write && declared.source != Provenance::Default {
                if !text.is_empty() {
                    text.push_str("; and ");
                }
                text.push_str(&own);
            }
            if text.is_empty() {
                own
            } else {
                text
            }
        }
        Provenance::DependsOnCaller { .. } => {
            format!("{own}; its callers must grant id-token: write as well")
        }
        _ => own,
    }
}

/// How to grant the token in the job's own file.
fn own_fix(workflow: &Workflow, job: &Job, declared: &EffectiveIdToken) -> String {
    let id = &job.id.value;
    match &declared.source {
        Provenance::JobLevel(_) => format!("add `id-token: write` to job `{id}`'s permissions"),
        Provenance::JobLevelReplacesWorkflow { .. } => format!(
            "add `id-token: write` to job `{id}`'s own permissions: a job-level block replaces the workflow-level one entirely, it does not add to it"
        ),
        Provenance::WorkflowLevel(_) => format!(
            "give job `{id}` its own {} (a job-level block replaces the workflow-level one, so repeat the scopes it needs); granting it only there keeps the token away from the other jobs",
            suggestion(workflow.permissions.as_ref())
        ),
        _ => format!(
            "give job `{id}` {}: no default permission set includes id-token",
            suggestion(None)
        ),
    }
}

/// A reusable workflow's job that asks for `id-token: write` a local caller does not grant,
/// with no step using the token: GitHub still refuses to start the run.
fn exceeds_without_consumer(
    ctx: &WorkflowContext<'_>,
    job: &Job,
    effective: &EffectiveIdToken,
) -> Option<Finding> {
    let refused: Vec<&crate::workflow::CallerOutcome> = outcomes(effective)
        .iter()
        .filter(|o| o.exceeds_grant)
        .collect();
    if refused.is_empty() {
        return None;
    }
    let declared = declared(effective);
    let span = match &declared.source {
        Provenance::JobLevel(span) => id_token_span(job.permissions.as_ref(), *span),
        Provenance::WorkflowLevel(span) => id_token_span(ctx.workflow.permissions.as_ref(), *span),
        _ => job.id.span,
    };
    let callers: Vec<String> = refused
        .iter()
        .map(|o| {
            format!(
                "job `{}` at {}",
                o.caller.caller_job_id.value,
                ctx.workflows.locate(&o.caller.caller_path, o.caller.span)
            )
        })
        .collect();
    let message = format!(
        "job `{}` asks for id-token: write ({}), but {} grants only id-token: {}: GitHub refuses to start the run (\"The nested job '{}' is requesting 'id-token: write', but is only allowed 'id-token: none'\")",
        job.id.value,
        declared.explain(ctx.path(), &|p, s| ctx.workflows.locate(p, s)),
        callers.join(" and "),
        refused[0].caller.level,
        job.id.value,
    );
    Some(
        ctx.finding(&MissingIdTokenPermission::META, span, message)
            .help(format!(
                "no step of job `{}` uses the OIDC token: remove `id-token: write` here; if a step does need it, grant {} in the calling job",
                job.id.value,
                suggestion(None)
            ))
            .route(format!("{}/id-token/exceeds-grant", ctx.job_route(job))),
    )
}

/// The `id-token` entry of a block, or the block itself (`write-all`).
fn id_token_span(block: Option<&Permissions>, fallback: Span) -> Span {
    block
        .and_then(|p| p.entry("id-token"))
        .map(|e| e.scope.span.join(e.level.span))
        .unwrap_or(fallback)
}
