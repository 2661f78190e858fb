//! `excessive-id-token-permission`: `id-token: write` (or `write-all`) granted to jobs that never
//! request an OIDC token.

use super::workflow_jobs::{caller_needs_id_token, consumers, local_callee};
use crate::rules::{Finding, Rule, Severity, WorkflowContext};
use crate::source::Span;
use crate::workflow::{
    is_known_action, read_local_action, repository_root, token_user, IdTokenLevel, Job,
    Permissions, PermissionsKind, Step, LOCAL_ACTION_DEPTH as MAX_DEPTH,
};
use std::path::Path;

crate::declare_rule!(
    ExcessiveIdTokenPermission,
    "excessive-id-token-permission",
    Medium
);

/// True when a step uses the token if the job has it (any row of the consumer table,
/// [`token_user`]), or may do so where trustlint cannot look: a local action (`uses: ./…`) is
/// often a wrapper around configure-aws-credentials.
pub fn likely_consumer(step: &Step) -> bool {
    step.uses.as_ref().is_some_and(|u| u.value.is_local()) || token_user(step).is_some()
}

/// The third-party actions of a job that the consumer table does not know: any of them may
/// request the token, so a finding about the job says less (info).
fn unknown_actions(job: &Job) -> Vec<String> {
    let mut names: Vec<String> = job
        .steps
        .iter()
        .filter(|s| !is_known_action(s))
        .filter_map(|s| s.uses.as_ref())
        .map(|u| {
            u.value
                .full_action_name()
                .unwrap_or_else(|| u.value.raw.clone())
        })
        .collect();
    names.dedup();
    names
}

/// Lowers the finding to info when one of the idle jobs runs an action trustlint does not
/// know, and says which.
fn unsure(finding: Finding, jobs: &[&Job]) -> Finding {
    let unknown: Vec<String> = jobs
        .iter()
        .flat_map(|j| unknown_actions(j))
        .map(|n| format!("`{n}`"))
        .collect();
    if unknown.is_empty() {
        return finding;
    }
    let mut finding = finding;
    finding.severity = Severity::Info;
    finding.message = format!(
        "{} (info, not medium: {} {} not in trustlint's table of OIDC token consumers and may request the token)",
        finding.message,
        unknown.join(", "),
        if unknown.len() == 1 { "is" } else { "are" }
    );
    finding
}

/// The comment the author wrote on the `id-token: write` line, or alone on the line above it
/// (`id-token: write # needed by the signing tests`).
fn grant_comment(ctx: &WorkflowContext<'_>, block: &Permissions) -> Option<String> {
    let entry = block.entry("id-token")?;
    let text: &str = &ctx.file.text;
    let start = entry.scope.span.start.min(text.len());
    let end = entry.level.span.end.min(text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    let trailing = text[end..line_end].trim_start().strip_prefix('#');
    let above = (line_start > 0)
        .then(|| {
            let prev_start = text[..line_start - 1].rfind('\n').map_or(0, |i| i + 1);
            text[prev_start..line_start - 1].trim().strip_prefix('#')
        })
        .flatten();
    let comment = trailing.or(above)?.trim();
    let lower = comment.to_ascii_lowercase();
    let claims_need =
        NEED_WORDS.iter().any(|w| lower.contains(w)) && USE_WORDS.iter().any(|w| lower.contains(w));
    claims_need.then(|| comment.chars().take(100).collect())
}

/// A grant comment counts only when it says the token is needed, and for what: "needed to
/// access the workflow's OIDC identity" does, "copied from the deploy workflow" does not.
const NEED_WORDS: &[&str] = &["need", "require", "used by", "used for", "for "];
const USE_WORDS: &[&str] = &[
    "oidc",
    "token",
    "identity",
    "sign",
    "provenance",
    "attest",
    "publish",
    "federat",
];

/// Lowers the finding to info when the author said on the grant why the job needs the token
/// and one of the idle jobs runs a script: a script can request the token from code trustlint
/// does not read (test suites that sign with the workflow identity), so the author's word
/// stands against trustlint's guess.
fn explained(finding: Finding, comment: Option<String>, jobs: &[&Job]) -> Finding {
    let Some(comment) = comment else {
        return finding;
    };
    if finding.severity == Severity::Info
        || !jobs.iter().any(|j| j.steps.iter().any(|s| s.run.is_some()))
    {
        return finding;
    }
    let mut finding = finding;
    finding.severity = Severity::Info;
    finding.message = format!(
        "{} (info, not medium: the grant's comment says why it is there — \"{comment}\" — and a `run:` step may request the token in code trustlint does not read)",
        finding.message
    );
    finding
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
            let finding = unsure(job_level(ctx, job, block), &[job]);
            out.push(explained(finding, grant_comment(ctx, block), &[job]));
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
        let finding = unsure(workflow_level(ctx, block, &users, &idle), &idle);
        out.push(explained(finding, grant_comment(ctx, block), &idle));
    }
}

/// A job that requests the token, calls a workflow that needs it, or probably requests it.
fn job_needs_token(ctx: &WorkflowContext<'_>, job: &Job) -> bool {
    if job.is_caller() {
        return caller_needs_id_token(ctx.path(), job, ctx.workflows.pairs());
    }
    !consumers(job).is_empty()
        || job
            .steps
            .iter()
            .any(|s| may_use_token(&ctx.file.path, s, MAX_DEPTH))
}

/// [`likely_consumer`], looking into a local composite action when it can be read: the action
/// may use the token when one of its steps does, runs an action trustlint does not know, or is
/// itself a local action too deep to follow. An action that cannot be read is assumed to.
fn may_use_token(workflow_path: &Path, step: &Step, depth: usize) -> bool {
    let Some(uses) = step.uses.as_ref().filter(|u| u.value.is_local()) else {
        return likely_consumer(step);
    };
    let action = repository_root(workflow_path).and_then(|r| read_local_action(r, &uses.value.raw));
    match action {
        Some(action) if depth > 0 => action
            .steps
            .iter()
            .any(|inner| !is_known_action(inner) || may_use_token(workflow_path, inner, depth - 1)),
        _ => true,
    }
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
            {"uses": "actions/checkout@v4"},
            {"run": "uv build && uv publish"},
            {"run": "python -m twine upload dist/*"},
            {"run": "npm publish", "env": {"NPM_CONFIG_PROVENANCE": "true"}},
            {"run": "cosign sign --key env://COSIGN_KEY $IMAGE"},
            {"uses": "rust-lang/crates-io-auth-action@v1"},
            {"uses": "rubygems/release-gem@v1"},
            {"uses": "NuGet/login@v1", "with": {"user": "me"}},
            {"uses": "ossf/scorecard-action@v2", "with": {"publish_results": true}},
            {"uses": "ossf/scorecard-action@v2"},
            {"uses": "slsa-framework/slsa-github-generator/actions/x@v2"},
            {"uses": "bun-sh/setup-bun@v2"}
        ]"#,
        );
        let got: Vec<bool> = s.iter().map(likely_consumer).collect();
        assert_eq!(
            got,
            [
                true, true, true, true, false, false, true, true, false, false, true, false, true,
                true, true, false, true, true, true, true, false, true, false
            ]
        );
    }

    #[test]
    fn unknown_third_party_actions_are_named() {
        let doc = r#"{"on": "push", "jobs": {"a": {"runs-on": "x", "steps": [
            {"uses": "actions/checkout@v4"},
            {"uses": "codecov/codecov-action@v5"},
            {"uses": "docker://alpine:3"},
            {"uses": "./.github/actions/x"},
            {"uses": "some-org/deploy-helper@v1"},
            {"run": "make"}
        ]}}}"#;
        let (w, _) = build_workflow(&parse_json(doc).unwrap());
        let w = w.unwrap();
        assert_eq!(
            unknown_actions(&w.jobs[0]),
            ["docker://alpine:3", "some-org/deploy-helper"]
        );
    }
}
