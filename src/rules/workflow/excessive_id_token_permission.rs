//! `excessive-id-token-permission`: `id-token: write` (or `write-all`) granted to jobs that never
//! request an OIDC token.

use super::workflow_jobs::{caller_needs_id_token, consumers, local_callee};
use crate::rules::{Finding, Rule, WorkflowContext};
use crate::source::Span;
use crate::workflow::{IdTokenLevel, Job, Permissions, PermissionsKind, Step};

crate::declare_rule!(
    ExcessiveIdTokenPermission,
    "excessive-id-token-permission",
    Medium
);

/// Steps that probably request the token although the consumer table does not list them: tools
/// that sign keylessly or publish with trusted publishing from a script, and actions documented
/// to use the token. They only keep this rule quiet; they do not make a job a consumer for the
/// other rules.
const LIKELY_SCRIPTS: &[&str] = &[
    "cosign sign",
    "cosign attest",
    "gitsign",
    "sigstore sign",
    "-m sigstore",
    "npm publish",
    "pnpm publish",
    "yarn npm publish",
    "uv publish",
    "getidtoken",
];

/// Action owners or `owner/repo` names whose actions use the token.
const LIKELY_ACTIONS: &[&str] = &[
    "sigstore/",
    "slsa-framework/",
    "depot/",
    "octo-sts/action",
    "pulumi/auth-actions",
    "rust-lang/crates-io-auth-action",
    "goreleaser/goreleaser-action",
    "chainguard-dev/",
];

/// Actions that use the token when an input says so.
const LIKELY_WITH_INPUT: &[(&str, &str)] = &[
    ("codecov/codecov-action", "use_oidc"),
    ("jfrog/setup-jfrog-cli", "oidc-provider-name"),
    ("tailscale/github-action", "audience"),
];

/// True when a step probably requests the token (see [`LIKELY_SCRIPTS`]), or may do so where
/// trustlint cannot look: a local action (`uses: ./…`) is often a wrapper around
/// configure-aws-credentials.
pub fn likely_consumer(step: &Step) -> bool {
    if step.uses.as_ref().is_some_and(|u| u.value.is_local()) {
        return true;
    }
    if let Some(run) = &step.run {
        let script = run.value.to_ascii_lowercase();
        if LIKELY_SCRIPTS.iter().any(|s| script.contains(s)) {
            return true;
        }
    }
    let Some(name) = step.uses.as_ref().and_then(|u| u.value.full_action_name()) else {
        return false;
    };
    LIKELY_ACTIONS.iter().any(|a| {
        if a.ends_with('/') {
            name.starts_with(a)
        } else {
            name == *a || name.starts_with(&format!("{a}/"))
        }
    }) || LIKELY_WITH_INPUT.iter().any(|(action, input)| {
        name == *action
            && step.input_text(input).is_some_and(|v| {
                let v = v.trim();
                !v.is_empty() && !v.eq_ignore_ascii_case("false")
            })
    })
}

impl Rule for ExcessiveIdTokenPermission {
    fn check_workflow(&self, ctx: &WorkflowContext<'_>, out: &mut Vec<Finding>) {
        let needs = |job: &Job| job_needs_token(ctx, job);
        for job in &ctx.workflow.jobs {
            let Some(block) = &job.permissions else {
                continue;
            };
            if block.id_token() != IdTokenLevel::Write || needs(job) {
                continue;
            }
            out.push(job_level(ctx, job, block));
        }
        let Some(block) = &ctx.workflow.permissions else {
            return;
        };
        if block.id_token() != IdTokenLevel::Write {
            return;
        }
        let inheriting: Vec<&Job> = ctx
            .workflow
            .jobs
            .iter()
            .filter(|j| j.permissions.is_none())
            .collect();
        let (users, idle): (Vec<&Job>, Vec<&Job>) = inheriting.into_iter().partition(|j| needs(j));
        if idle.is_empty() {
            return;
        }
        out.push(workflow_level(ctx, block, &users, &idle));
    }
}

/// A job that requests the token, calls a workflow that needs it, or probably requests it.
fn job_needs_token(ctx: &WorkflowContext<'_>, job: &Job) -> bool {
    if job.is_caller() {
        return caller_needs_id_token(ctx.path(), job, ctx.workflows.pairs());
    }
    !consumers(job).is_empty() || job.steps.iter().any(likely_consumer)
}

/// What a job does not do with the token, for messages.
fn idle_reason(ctx: &WorkflowContext<'_>, job: &Job) -> String {
    match &job.uses {
        Some(uses) => {
            let target = local_callee(ctx.path(), job, ctx.workflows.pairs())
                .map(|(p, _)| p.to_string())
                .unwrap_or_else(|| uses.value.raw.clone());
            format!(
                "job `{}` calls {target}, whose jobs neither request an OIDC token nor ask for id-token: write",
                job.id.value
            )
        }
        None => format!(
            "job `{}` has no step that requests an OIDC token",
            job.id.value
        ),
    }
}

/// The `id-token: write` entry, or the whole block for `write-all`.
fn grant_span(block: &Permissions) -> Span {
    block
        .entry("id-token")
        .map(|e| e.scope.span.join(e.level.span))
        .unwrap_or(block.span)
}

fn is_write_all(block: &Permissions) -> bool {
    matches!(block.kind, PermissionsKind::WriteAll)
}

/// The block's other scopes with `id-token` left out (or a minimal set for shorthands).
fn without_id_token(block: &Permissions) -> String {
    let scopes: Vec<String> = match &block.kind {
        PermissionsKind::Map(entries) => entries
            .iter()
            .filter(|e| e.scope.value != "id-token")
            .map(|e| format!("{}: {}", e.scope.value, e.level.value))
            .collect(),
        _ => Vec::new(),
    };
    if scopes.is_empty() {
        "`permissions: {contents: read}`".to_string()
    } else {
        format!("`permissions: {{{}}}`", scopes.join(", "))
    }
}

fn with_id_token(block: &Permissions) -> String {
    let base = without_id_token(block);
    let inner = base
        .trim_start_matches("`permissions: {")
        .trim_end_matches("}`");
    format!("`permissions: {{{inner}, id-token: write}}`")
}

/// Why an unused grant matters, after "Any step of …".
const RISK: &str = "— a compromised dependency, a build or test script — can mint a token for any audience and act as whatever cloud role trusts this repository";

const SUPPRESS: &str = "if a script trustlint cannot see into does request the token, keep the grant and add `# trustlint: ignore[excessive-id-token-permission]` with the reason";

fn job_level(ctx: &WorkflowContext<'_>, job: &Job, block: &Permissions) -> Finding {
    let granted = if is_write_all(block) {
        "`permissions: write-all`, which includes id-token: write,"
    } else {
        "id-token: write"
    };
    let message = format!(
        "job `{}` is granted {granted} in its own permissions, but {}. Any step of the job {RISK}",
        job.id.value,
        idle_reason(ctx, job).replacen(&format!("job `{}` ", job.id.value), "it ", 1),
    );
    let help = if is_write_all(block) {
        format!(
            "replace `write-all` with the scopes job `{}` needs, e.g. {}; {SUPPRESS}",
            job.id.value,
            without_id_token(block)
        )
    } else {
        format!(
            "remove `id-token: write` from job `{}`'s permissions; {SUPPRESS}",
            job.id.value
        )
    };
    ctx.finding(
        &ExcessiveIdTokenPermission::META,
        grant_span(block),
        message,
    )
    .help(help)
    .route(format!("{}/permissions/id-token", ctx.job_route(job)))
}

fn workflow_level(
    ctx: &WorkflowContext<'_>,
    block: &Permissions,
    users: &[&Job],
    idle: &[&Job],
) -> Finding {
    let granted = if is_write_all(block) {
        "`permissions: write-all` at the workflow level gives every job id-token: write (and write access to every other scope)"
    } else {
        "`id-token: write` at the workflow level reaches every job without its own permissions"
    };
    let reasons: Vec<String> = idle.iter().map(|j| idle_reason(ctx, j)).collect();
    let needed = match users {
        [] => "no job of this workflow needs it".to_string(),
        _ => format!("only {} needs it", job_list(users)),
    };
    let who = if idle.len() == 1 {
        "that job"
    } else {
        "those jobs"
    };
    let message = format!(
        "{granted}, but {}; {needed}. Any step of {who} {RISK}",
        reasons.join(", and ")
    );
    let help = match users {
        [] if is_write_all(block) => format!(
            "replace `write-all` with the scopes the jobs need, e.g. {}; {SUPPRESS}",
            without_id_token(block)
        ),
        [] => format!(
            "remove id-token from the workflow-level permissions ({}); {SUPPRESS}",
            without_id_token(block)
        ),
        _ => format!(
            "grant id-token: write only in {}: give {} its own {} and set the workflow level to {}",
            job_list(users),
            if users.len() == 1 { "it" } else { "each" },
            with_id_token(block),
            without_id_token(block)
        ),
    };
    let mut finding = ctx
        .finding(
            &ExcessiveIdTokenPermission::META,
            grant_span(block),
            message,
        )
        .help(help)
        .route("permissions/id-token");
    for job in idle {
        finding = finding.related(
            job.id.span,
            format!(
                "job `{}` inherits id-token: write but does not use it",
                job.id.value
            ),
        );
    }
    finding
}

fn job_list(jobs: &[&Job]) -> String {
    let names: Vec<String> = jobs.iter().map(|j| format!("`{}`", j.id.value)).collect();
    match names.as_slice() {
        [one] => format!("job {one}"),
        _ => format!("jobs {}", names.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::parse_json;
    use crate::workflow::build_workflow;

    fn steps(json: &str) -> Vec<Step> {
        let doc =
            format!(r#"{{"on": "push", "jobs": {{"a": {{"runs-on": "x", "steps": {json}}}}}}}"#);
        let (w, _) = build_workflow(&parse_json(&doc).unwrap());
        w.unwrap().jobs.remove(0).steps
    }

    #[test]
    fn likely_consumers() {
        let s = steps(
            r#"[
            {"run": "cosign sign --yes $IMAGE"},
            {"run": "npm publish --provenance --access public"},
            {"uses": "sigstore/cosign-installer@v3"},
            {"uses": "codecov/codecov-action@v5", "with": {"use_oidc": true}},
            {"uses": "codecov/codecov-action@v5", "with": {"use_oidc": "false"}},
            {"uses": "codecov/codecov-action@v5"},
            {"uses": "depot/build-push-action@v1"},
            {"uses": "octo-sts/action@v1"},
            {"uses": "octo-sts/actionable@v1"},
            {"run": "make test"},
            {"uses": "./.github/actions/deploy"},
            {"uses": "actions/checkout@v4"}
        ]"#,
        );
        let got: Vec<bool> = s.iter().map(likely_consumer).collect();
        assert_eq!(
            got,
            [true, true, true, true, false, false, true, true, false, false, true, false]
        );
    }
}
