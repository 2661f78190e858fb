//! `oidc-untrusted-trigger`: a job that can use the OIDC token and runs for pull requests — on a
//! privileged trigger (`pull_request_target`, `workflow_run`, `issue_comment`) while it checks
//! out or runs the pull request's code, or on `pull_request` at all.

use super::workflow_jobs::{
    consumer_action, consumer_grant, consumers, local_callers, step_anchor, step_label, token_users,
};
use crate::rules::{Finding, Rule, WorkflowContext};
use crate::source::Span;
use crate::workflow::{
    expression_refs, scalar_text, EnvVar, IdTokenLevel, Job, OidcConsumer, Provenance, Step,
    Workflow,
};
use regex::Regex;
use std::sync::LazyLock;

crate::declare_rule!(OidcUntrustedTrigger, "oidc-untrusted-trigger", High);

/// Events that run in the base repository's context, with its secrets and the right to an OIDC
/// token, although someone outside the repository can start them.
pub const PRIVILEGED_EVENTS: &[&str] = &["pull_request_target", "workflow_run", "issue_comment"];

/// Context values that name the code of a pull request (or of the run that triggered a
/// `workflow_run`): checking them out runs code nobody reviewed.
const PR_CODE_REFS: &[&str] = &[
    "github.event.pull_request.head.sha",
    "github.event.pull_request.head.ref",
    "github.event.pull_request.head.repo.full_name",
    "github.event.pull_request.merge_commit_sha",
    "github.head_ref",
    "github.event.workflow_run.head_sha",
    "github.event.workflow_run.head_branch",
    "github.event.workflow_run.head_repository.full_name",
    "github.event.workflow_run.pull_requests",
];

/// Most event paths followed through local callers for one workflow (a bound for odd graphs).
const MAX_REACHES: usize = 256;

/// The first pull-request code reference in `text`: a context of [`PR_CODE_REFS`], a
/// `workflow_call` input among `tainted` (lowercase names) or a literal `refs/pull/`.
pub fn pr_code_ref(text: &str, tainted: &[Tainted]) -> Option<String> {
    for r in expression_refs(text) {
        if PR_CODE_REFS.iter().any(|p| r.starts_with(p)) {
            return Some(format!("`{}`", r.dotted()));
        }
        if r.context == "inputs" {
            if let Some(t) = r
                .name()
                .and_then(|n| tainted.iter().find(|t| t.input.eq_ignore_ascii_case(n)))
            {
                return Some(format!(
                    "`{}`, which the caller sets to `{}`",
                    r.dotted(),
                    t.value
                ));
            }
        }
    }
    text.contains("refs/pull/")
        .then(|| format!("`{}` (a pull request ref)", text.trim()))
}

/// A `workflow_call` input that a caller fills with pull-request code references.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tainted {
    pub input: String,
    /// The caller's value, as written.
    pub value: String,
}

/// How an event reaches the jobs of a workflow: directly, or through local caller jobs.
#[derive(Debug, Clone)]
struct Reach<'a> {
    event: String,
    /// The workflow that declares the event, and the event's span there.
    origin_path: &'a str,
    origin_span: Span,
    /// Caller jobs, outermost first (empty for a direct run).
    chain: Vec<(&'a str, &'a Job, Span)>,
    /// Inputs of this workflow that carry pull-request code on this path.
    tainted: Vec<Tainted>,
}

fn reaches<'a>(
    path: &'a str,
    workflow: &'a Workflow,
    all: &[(&'a str, &'a Workflow)],
    visiting: &mut Vec<&'a str>,
    budget: &mut usize,
) -> Vec<Reach<'a>> {
    let mut out = Vec::new();
    // Every call and every path found costs one unit, so odd call graphs stay cheap.
    if *budget == 0 {
        return out;
    }
    *budget -= 1;
    for t in workflow
        .on
        .events
        .iter()
        .filter(|t| t.event.value != "workflow_call")
    {
        if *budget == 0 {
            return out;
        }
        *budget -= 1;
        out.push(Reach {
            event: t.event.value.clone(),
            origin_path: path,
            origin_span: t.event.span,
            chain: Vec::new(),
            tainted: Vec::new(),
        });
    }
    if !workflow.is_reusable() || visiting.contains(&path) {
        return out;
    }
    visiting.push(path);
    for caller in local_callers(path, all) {
        if visiting.contains(&caller.path) {
            continue;
        }
        for outer in reaches(caller.path, caller.workflow, all, visiting, budget) {
            if *budget == 0 {
                break;
            }
            if caller
                .job
                .if_
                .as_ref()
                .is_some_and(|c| excludes(&c.value, &outer.event))
            {
                continue;
            }
            *budget -= 1;
            let tainted = caller
                .job
                .with
                .iter()
                .filter_map(|(name, value)| {
                    let text = scalar_text(value)?;
                    pr_code_ref(&text, &outer.tainted).map(|_| Tainted {
                        input: name.value.clone(),
                        value: text.trim().to_string(),
                    })
                })
                .collect();
            let mut chain = outer.chain.clone();
            chain.push((caller.path, caller.job, caller.uses_span));
            out.push(Reach {
                event: outer.event,
                origin_path: outer.origin_path,
                origin_span: outer.origin_span,
                chain,
                tainted,
            });
        }
    }
    visiting.pop();
    out
}

// ---------------------------------------------------------------- `if:` conditions

static EVENT_EQ: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^github\.event_name\s*(==|!=)\s*'([^']*)'$|^'([^']*)'\s*(==|!=)\s*github\.event_name$")
        .expect("valid regex")
});

static REF_EQ: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^github\.ref\s*==\s*'refs/(heads|tags)/[^']*'$|^'refs/(heads|tags)/[^']*'\s*==\s*github\.ref$|^startswith\(\s*github\.ref\s*,\s*'refs/(heads|tags)/[^']*'\s*\)$|^github\.ref_name\s*==\s*'[^'/]*'$")
        .expect("valid regex")
});

/// The top-level `&&` clauses of a condition, stripped of `${{ }}` and of parentheses around
/// the whole clause; `None` when the condition has a top-level `||` or is too odd to read
/// (unbalanced parentheses, an unterminated string). `&&`, `||` and parentheses inside
/// parentheses or string literals do not split.
fn clauses(condition: &str) -> Option<Vec<String>> {
    let mut c = condition.trim();
    if let Some(inner) = c.strip_prefix("${{").and_then(|r| r.strip_suffix("}}")) {
        c = inner.trim();
    }
    if c.contains("${{") {
        return None;
    }
    let bytes = c.as_bytes();
    let (mut depth, mut in_string, mut start) = (0usize, false, 0usize);
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' => in_string = !in_string,
            b'(' if !in_string => depth += 1,
            b')' if !in_string => depth = depth.checked_sub(1)?,
            b'|' if !in_string && depth == 0 && bytes.get(i + 1) == Some(&b'|') => return None,
            b'&' if !in_string && depth == 0 && bytes.get(i + 1) == Some(&b'&') => {
                out.push(&c[start..i]);
                start = i + 2;
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    if in_string || depth != 0 {
        return None;
    }
    out.push(&c[start..]);
    Some(
        out.into_iter()
            .map(|clause| unwrap_parens(clause.trim()).to_string())
            .collect(),
    )
}

/// `(x)` → `x`, repeatedly, only when the first `(` closes at the last `)`.
fn unwrap_parens(mut clause: &str) -> &str {
    while clause.starts_with('(') && clause.ends_with(')') && closes_at_end(clause) {
        clause = clause[1..clause.len() - 1].trim();
    }
    clause
}

fn closes_at_end(clause: &str) -> bool {
    let (mut depth, mut in_string) = (0usize, false);
    for (i, b) in clause.bytes().enumerate() {
        match b {
            b'\'' => in_string = !in_string,
            b'(' if !in_string => depth += 1,
            b')' if !in_string => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i == clause.len() - 1;
                }
            }
            _ => {}
        }
    }
    false
}

/// True when an `if:` condition cannot hold for `event`: it requires another
/// `github.event_name`, excludes this one, or (for `pull_request`, whose `github.ref` is
/// `refs/pull/N/merge`) requires a branch or tag ref. A condition with `||` is never read as
/// excluding anything. GitHub compares strings case-insensitively.
pub fn excludes(condition: &str, event: &str) -> bool {
    let Some(clauses) = clauses(condition) else {
        return false;
    };
    clauses.iter().any(|clause| {
        if clause.contains("||") {
            return false;
        }
        if let Some(c) = EVENT_EQ.captures(clause) {
            let (op, name) = match (c.get(1), c.get(2), c.get(3), c.get(4)) {
                (Some(op), Some(name), _, _) => (op.as_str(), name.as_str()),
                (_, _, Some(name), Some(op)) => (op.as_str(), name.as_str()),
                _ => return false,
            };
            let same = name.eq_ignore_ascii_case(event);
            return (op == "==" && !same) || (op == "!=" && same);
        }
        event == "pull_request" && REF_EQ.is_match(clause)
    })
}

/// The top-level clauses of a condition, lowercased and without white space (none when the
/// condition cannot be read, as for [`clauses`]).
fn normalized_clauses(condition: &str) -> Vec<String> {
    clauses(condition)
        .unwrap_or_default()
        .iter()
        .map(|c| {
            c.chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .to_ascii_lowercase()
        })
        .collect()
}

/// True when a condition lets only pull requests from branches of this repository through.
pub fn skips_forks(condition: &str) -> bool {
    const GUARDS: &[&str] = &[
        "github.event.pull_request.head.repo.full_name==github.repository",
        "github.repository==github.event.pull_request.head.repo.full_name",
        "github.event.pull_request.head.repo.fork==false",
        "false==github.event.pull_request.head.repo.fork",
        "!github.event.pull_request.head.repo.fork",
    ];
    normalized_clauses(condition)
        .iter()
        .any(|c| GUARDS.contains(&c.as_str()))
}

/// The GitHub App a condition limits the pull request's author to
/// (`github.event.pull_request.user.login == 'dependabot[bot]'`): only that app can open such a
/// pull request, so the code it brings is the app's (a dependency update), not an outsider's.
/// `github.actor` is no such gate: it names whoever triggered this run, which a comment or a
/// re-run by someone else changes ("Dependabot confusion").
pub fn bot_author(condition: &str) -> Option<String> {
    const AUTHOR: &str = "github.event.pull_request.user.login";
    normalized_clauses(condition).iter().find_map(|clause| {
        let (left, right) = clause.split_once("==")?;
        let login = match (left, right) {
            (AUTHOR, other) | (other, AUTHOR) => other,
            _ => return None,
        };
        let login = login.strip_prefix('\'')?.strip_suffix('\'')?;
        (login.ends_with("[bot]") && !login.contains('\'')).then(|| login.to_string())
    })
}

/// True when a condition requires the pull request to be merged (a deploy-on-merge job).
fn requires_merged(condition: &str) -> bool {
    const GUARDS: &[&str] = &[
        "github.event.pull_request.merged",
        "github.event.pull_request.merged==true",
        "true==github.event.pull_request.merged",
    ];
    normalized_clauses(condition)
        .iter()
        .any(|c| GUARDS.contains(&c.as_str()))
}

fn excluded(if_: Option<&crate::source::Spanned<String>>, event: &str) -> bool {
    if_.is_some_and(|c| excludes(&c.value, event))
}

// ---------------------------------------------------------------- pull-request code in a job

/// A step that checks out or runs the pull request's code.
struct PrCode {
    span: Span,
    what: String,
}

fn is_git_command(script: &str) -> bool {
    [
        "git fetch",
        "git pull",
        "git checkout",
        "git switch",
        "git reset",
        "git merge",
        "git worktree",
    ]
    .iter()
    .any(|c| script.contains(c))
}

fn env_carries(env: &[EnvVar], tainted: &[Tainted], script: &str) -> Option<String> {
    env.iter().find_map(|var| {
        let text = scalar_text(&var.value)?;
        let found = pr_code_ref(&text, tainted)?;
        let name = &var.name.value;
        (script.contains(&format!("${name}")) || script.contains(&format!("${{{name}}}")))
            .then(|| format!("${name} = {found}"))
    })
}

fn pr_code_step(job: &Job, step: &Step, tainted: &[Tainted]) -> Option<PrCode> {
    let action = step.uses.as_ref().and_then(|u| u.value.action_name());
    if action.as_deref() == Some("actions/checkout") {
        for input in ["ref", "repository"] {
            let Some((_, node)) = step
                .with
                .iter()
                .find(|(k, _)| k.value.eq_ignore_ascii_case(input))
            else {
                continue;
            };
            let Some(text) = scalar_text(node) else {
                continue;
            };
            if let Some(found) = pr_code_ref(&text, tainted) {
                return Some(PrCode {
                    span: node.span,
                    what: format!("checks out the pull request's code (`{input}` is {found})"),
                });
            }
        }
        return None;
    }
    let run = step.run.as_ref()?;
    let script = &run.value;
    let lower = script.to_ascii_lowercase();
    let what = if lower.contains("gh pr checkout") {
        Some("checks out the pull request with `gh pr checkout`".to_string())
    } else if (lower.contains("git fetch") || lower.contains("git pull")) && lower.contains("pull/")
    {
        Some("fetches the pull request's ref (`pull/…`) with git".to_string())
    } else if is_git_command(&lower) {
        pr_code_ref(script, tainted)
            .or_else(|| env_carries(&step.env, tainted, script))
            .or_else(|| env_carries(&job.env, tainted, script))
            .map(|found| format!("checks out the pull request's code with git ({found})"))
    } else {
        None
    };
    what.map(|what| PrCode {
        span: run.span,
        what,
    })
}

// ---------------------------------------------------------------- the rule

impl Rule for OidcUntrustedTrigger {
    fn check_workflow(&self, ctx: &WorkflowContext<'_>, out: &mut Vec<Finding>) {
        let path: &str = ctx.file.display_path.as_str();
        let mut budget = MAX_REACHES;
        let reaches = reaches(
            path,
            ctx.workflow,
            ctx.workflows.pairs(),
            &mut Vec::new(),
            &mut budget,
        );
        if reaches.is_empty() {
            return;
        }
        for job in ctx.workflow.jobs.iter().filter(|j| !j.is_caller()) {
            let effective = ctx.effective_id_token(job);
            let can_mint = effective.level == IdTokenLevel::Write
                && !matches!(effective.source, Provenance::DependsOnCaller { .. });
            // With the grant, steps that use a granted token (npm publish) count too.
            let consumers = if can_mint {
                token_users(job)
            } else {
                consumers(job)
            };
            if let Some(f) = privileged(ctx, job, &consumers, can_mint, &reaches) {
                out.push(f);
            }
            if let Some(f) = pull_request(ctx, job, &consumers, &reaches) {
                out.push(f);
            }
        }
    }
}

/// Where an event comes from, for messages: "runs on `pull_request_target`" or "is called from
/// job `call` (deploy.yml:12), which runs on `pull_request_target`".
fn how_it_runs(ctx: &WorkflowContext<'_>, reach: &Reach<'_>) -> String {
    match reach.chain.last() {
        None => format!("runs on `{}`", reach.event),
        Some((caller_path, caller_job, span)) => format!(
            "is called from job `{}` ({}), which runs on `{}`",
            caller_job.id.value,
            ctx.workflows.locate(caller_path, *span),
            reach.event
        ),
    }
}

fn event_note(event: &str, forks_skipped: bool) -> &'static str {
    match event {
        "pull_request_target" if forks_skipped => {
            "it runs with the base repository's permissions"
        }
        "pull_request_target" => "it runs for pull requests from forks too, with the base repository's permissions",
        "workflow_run" => "it runs after another workflow — one that pull requests, forks included, can trigger — with the base repository's permissions",
        _ => "anyone who can comment on a pull request can trigger it, and it runs with the base repository's permissions",
    }
}

fn privileged(
    ctx: &WorkflowContext<'_>,
    job: &Job,
    consumers: &[(&Step, OidcConsumer)],
    can_mint: bool,
    reaches: &[Reach<'_>],
) -> Option<Finding> {
    for reach in reaches
        .iter()
        .filter(|r| PRIVILEGED_EVENTS.contains(&r.event.as_str()))
    {
        if excluded(job.if_.as_ref(), &reach.event) {
            continue;
        }
        let consumer = consumers
            .iter()
            .find(|(s, _)| !excluded(s.if_.as_ref(), &reach.event));
        if consumer.is_none() && !can_mint {
            continue;
        }
        let Some((step, code)) = job
            .steps
            .iter()
            .find_map(|s| pr_code_step(job, s, &reach.tainted).map(|c| (s, c)))
        else {
            continue;
        };
        let (token, grant) = match consumer {
            Some((s, c)) => (
                format!(
                    "step {} {}",
                    step_label(s),
                    consumer_action(c.kind).replace("the job's", "the")
                ),
                consumer_grant(c.kind),
            ),
            None => (
                "the job has id-token: write".to_string(),
                "any cloud role that trusts this repository",
            ),
        };
        let forks_skipped = job.if_.as_ref().is_some_and(|c| skips_forks(&c.value));
        let who = if forks_skipped {
            "anyone who can push a branch to this repository (the `if:` skips forks)"
        } else {
            "whoever opens a pull request"
        };
        let subject = match &job.environment {
            Some(env) if !env.is_expression => format!(
                "its subject names environment `{}`, exactly like a trusted run's",
                env.name.value
            ),
            _ => "its subject names the base or default branch (`ref:refs/heads/…`) like a trusted run's, so a trust policy pinned to that branch admits it".to_string(),
        };
        let message = format!(
            "job `{}` {}; its step {} {}, while {}: {}, so {who} can run code in this job that requests the OIDC token and acts with {grant}. Nothing in the token gives it away: {subject}",
            job.id.value,
            how_it_runs(ctx, reach),
            step_label(step),
            code.what,
            token,
            event_note(&reach.event, forks_skipped),
        );
        let mut finding = ctx
            .finding(&OidcUntrustedTrigger::META, code.span, message)
            .help(
                "never check out or run pull-request code in a job that can get an OIDC token: build and test the pull request in a `pull_request` workflow without id-token (GitHub gives forks no token there), and assume the role only in a job for trusted code — `on: push` to the default branch, or an environment with required reviewers",
            )
            .route(format!("{}/{}/pr-code", ctx.job_route(job), reach.event));
        if reach.origin_path == ctx.file.display_path {
            finding = finding.related(
                reach.origin_span,
                format!("`{}` triggers this workflow", reach.event),
            );
        }
        if let Some((s, _)) = consumer {
            finding = finding.related(step_anchor(s), "the OIDC token is used here");
        }
        if let Some(bot) = job.if_.as_ref().and_then(|c| bot_author(&c.value)) {
            finding.severity = crate::rules::Severity::Low;
            finding.message = format!(
                "{} (low, not high: the job's `if:` runs it only for pull requests opened by `{bot}`, so the code is that app's update — a dependency's new release still runs here)",
                finding.message
            );
        }
        return Some(finding);
    }
    None
}

fn pull_request(
    ctx: &WorkflowContext<'_>,
    job: &Job,
    consumers: &[(&Step, OidcConsumer)],
    reaches: &[Reach<'_>],
) -> Option<Finding> {
    for reach in reaches.iter().filter(|r| r.event == "pull_request") {
        if excluded(job.if_.as_ref(), &reach.event)
            || job.if_.as_ref().is_some_and(|c| requires_merged(&c.value))
        {
            continue;
        }
        let Some((step, consumer)) = consumers.iter().find(|(s, _)| {
            !excluded(s.if_.as_ref(), &reach.event)
                && !s.if_.as_ref().is_some_and(|c| requires_merged(&c.value))
        }) else {
            continue;
        };
        let forks_skipped = [&job.if_, &step.if_]
            .into_iter()
            .flatten()
            .any(|c| skips_forks(&c.value));
        let forks = if forks_skipped {
            "the `if:` skips pull requests from forks, but".to_string()
        } else {
            "for pull requests from forks GitHub issues no OIDC token, so the step fails; and"
                .to_string()
        };
        let subject = match &job.environment {
            Some(env) if !env.is_expression => format!(
                "the token's subject names environment `{}`, whose protection rules alone decide whether a pull request may deploy",
                env.name.value
            ),
            _ => "the token's subject is `repo:OWNER/REPO:pull_request`".to_string(),
        };
        let message = format!(
            "job `{}` {}; its step {} {}: {forks} for pull requests from branches of this repository it runs the branch's code — not yet reviewed — with {}; {subject}",
            job.id.value,
            how_it_runs(ctx, reach),
            step_label(step),
            consumer_action(consumer.kind),
            consumer_grant(consumer.kind),
        );
        let mut finding = ctx
            .finding(&OidcUntrustedTrigger::META, step_anchor(step), message)
            .help(format!(
                "use the token only for reviewed code: move job `{}` to a workflow on `push` to the default branch, or add `if: github.event_name != 'pull_request'` to it; if pull requests need cloud access, give them a separate read-only role whose trust policy admits `repo:OWNER/REPO:pull_request` (and, if this job is exactly that, say so with `# trustlint: ignore[oidc-untrusted-trigger] <reason>`)",
                job.id.value
            ))
            .route(format!("{}/pull_request", ctx.step_route(job, step)));
        if reach.origin_path == ctx.file.display_path {
            finding = finding.related(reach.origin_span, "`pull_request` triggers this workflow");
        }
        return Some(finding);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_that_exclude_an_event() {
        let cases: &[(&str, &str, bool)] = &[
            ("github.event_name == 'push'", "pull_request", true),
            ("github.event_name == 'push'", "push", false),
            ("${{ github.event_name == 'push' }}", "pull_request", true),
            ("github.event_name != 'pull_request'", "pull_request", true),
            (
                "github.event_name != 'pull_request'",
                "pull_request_target",
                false,
            ),
            ("'push' == github.event_name", "pull_request", true),
            ("GitHub.Event_Name == 'PULL_REQUEST'", "pull_request", false),
            (
                "github.event_name == 'push' || github.event_name == 'pull_request'",
                "pull_request",
                false,
            ),
            ("github.event_name == 'push' || true", "pull_request", false),
            (
                "success() && github.event_name == 'push'",
                "pull_request",
                true,
            ),
            ("(github.event_name == 'push')", "pull_request", true),
            ("!(github.event_name == 'push')", "pull_request", false),
            ("github.ref == 'refs/heads/main'", "pull_request", true),
            (
                "github.ref == 'refs/heads/main'",
                "pull_request_target",
                false,
            ),
            ("startsWith(github.ref, 'refs/tags/')", "pull_request", true),
            ("github.ref_name == 'main'", "pull_request", true),
            (
                "github.ref == github.event.repository.default_branch",
                "pull_request",
                false,
            ),
            (
                "contains(github.event.pull_request.labels.*.name, 'deploy')",
                "pull_request_target",
                false,
            ),
            (
                "github.event_name == 'push' && (github.ref == 'refs/heads/main' || startsWith(github.ref, 'refs/tags/'))",
                "pull_request",
                true,
            ),
            (
                "(github.event_name == 'push' || github.event_name == 'schedule') && github.repository == 'o/r'",
                "pull_request",
                false,
            ),
            ("((github.event_name == 'push'))", "pull_request", true),
            ("(github.event_name == 'push') && (true)", "pull_request", true),
            ("contains(github.event.comment.body, '&& ||') && github.event_name == 'push'", "pull_request", true),
            ("github.event_name == 'push' && '(' == ')'", "pull_request", true),
            ("github.event_name == 'push' && (", "pull_request", false),
            ("github.event_name == 'push' && ')'(", "pull_request", false),
            ("github.event_name == 'push' && 'unterminated", "pull_request", false),
            ("", "pull_request", false),
            ("${{", "pull_request", false),
            ("((((", "pull_request", false),
        ];
        for (condition, event, expected) in cases {
            assert_eq!(
                excludes(condition, event),
                *expected,
                "{condition} / {event}"
            );
        }
    }

    #[test]
    fn bot_author_gates() {
        assert_eq!(
            bot_author("${{ github.event.pull_request.user.login == 'dependabot[bot]' && github.repository == 'o/r' }}"),
            Some("dependabot[bot]".to_string())
        );
        assert_eq!(
            bot_author("'renovate[bot]' == github.event.pull_request.user.login"),
            Some("renovate[bot]".to_string())
        );
        // The triggering actor is not the author; a human login is no app; `||` gates nothing.
        assert_eq!(bot_author("github.actor == 'dependabot[bot]'"), None);
        assert_eq!(
            bot_author("github.event.pull_request.user.login == 'octocat'"),
            None
        );
        assert_eq!(
            bot_author("github.event.pull_request.user.login == 'dependabot[bot]' || true"),
            None
        );
    }

    #[test]
    fn fork_and_merge_guards() {
        assert!(skips_forks(
            "github.event.pull_request.head.repo.full_name == github.repository"
        ));
        assert!(skips_forks(
            "${{ !github.event.pull_request.head.repo.fork }}"
        ));
        assert!(!skips_forks(
            "github.event.pull_request.head.repo.full_name == github.repository || true"
        ));
        assert!(!skips_forks("github.actor == 'me'"));
        assert!(requires_merged("github.event.pull_request.merged == true"));
        assert!(requires_merged(
            "github.event.pull_request.merged == true && (github.base_ref == 'main' || github.base_ref == 'prod')"
        ));
        assert!(!requires_merged("github.event.pull_request.merged || true"));
        assert!(skips_forks(
            "github.event_name == 'pull_request' && github.event.pull_request.head.repo.full_name == github.repository"
        ));
        assert!(requires_merged("${{ github.event.pull_request.merged }}"));
        assert!(!requires_merged("!github.event.pull_request.merged"));
        assert!(!requires_merged(
            "github.event.pull_request.merged == false"
        ));
    }

    #[test]
    fn pull_request_code_references() {
        let none: &[Tainted] = &[];
        assert!(pr_code_ref("${{ github.event.pull_request.head.sha }}", none).is_some());
        assert!(pr_code_ref("${{ github.head_ref }}", none).is_some());
        assert!(pr_code_ref("${{ GitHub.Event.Pull_Request.Head.Ref }}", none).is_some());
        assert!(pr_code_ref("${{ github.event.workflow_run.head_sha }}", none).is_some());
        assert!(pr_code_ref("refs/pull/${{ github.event.issue.number }}/merge", none).is_some());
        assert!(pr_code_ref("${{ github.event.pull_request.base.sha }}", none).is_none());
        assert!(pr_code_ref("${{ github.sha }}", none).is_none());
        assert!(pr_code_ref("main", none).is_none());
        assert!(pr_code_ref("${{ inputs.ref }}", none).is_none());
        let tainted = [Tainted {
            input: "REF".into(),
            value: "${{ github.event.pull_request.head.sha }}".into(),
        }];
        let found = pr_code_ref("${{ inputs.ref }}", &tainted).expect("tainted input");
        assert!(found.contains("caller sets"), "{found}");
    }
}
