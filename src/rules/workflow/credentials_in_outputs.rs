//! `credentials-in-outputs`: AWS credentials forwarded through a job's `outputs:` — from
//! configure-aws-credentials step outputs (`output-credentials: true`), from a script that writes
//! them to `$GITHUB_OUTPUT`, from `env.AWS_SECRET_ACCESS_KEY` or from a key secret — and
//! `output-credentials: true` whose outputs are pasted into a script or never read at all.

use super::credential_steps::{input_is_true, input_key_span, is_aws_credentials_step, step_label};
use crate::rules::{Finding, Rule, WorkflowContext};
use crate::source::Span;
use crate::workflow::{expression_refs, scalar_text, ExprRef, Job, Step};
use regex::Regex;
use std::sync::LazyLock;

crate::declare_rule!(CredentialsInOutputs, "credentials-in-outputs", Medium);

/// The step outputs configure-aws-credentials sets with `output-credentials: true` that are
/// credentials (it also sets `aws-account-id`, `authenticated-arn`, `aws-expiration`).
const ACTION_CREDENTIAL_OUTPUTS: &[&str] = &[
    "aws-access-key-id",
    "aws-secret-access-key",
    "aws-session-token",
];

/// Env variables that hold credentials.
const CREDENTIAL_ENV: &[&str] = &[
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
];

/// A name that says it holds AWS credentials, compared without case, `-` and `_`.
fn is_credential_name(name: &str) -> bool {
    let squashed: String = name
        .chars()
        .filter(|c| *c != '-' && *c != '_')
        .flat_map(char::to_lowercase)
        .collect();
    ["secretaccesskey", "sessiontoken", "accesskeyid"]
        .iter()
        .any(|n| squashed.contains(n))
}

/// `name=…$AWS_SECRET_ACCESS_KEY…` on a line that writes to `$GITHUB_OUTPUT`, or the legacy
/// `::set-output name=x::…` form.
static OUTPUT_ASSIGNMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[\s'\x22{;(])([A-Za-z_][A-Za-z0-9_-]*)=|::set-output name=([A-Za-z0-9_-]+)::")
        .expect("valid regex")
});

/// Output names a `run:` script writes with credential values.
fn script_credential_outputs(script: &str) -> Vec<String> {
    script_credential_lines(script)
        .into_iter()
        .map(|(name, _)| name)
        .collect()
}

/// (output name, the script line that writes it) for each credential output of a script.
fn script_credential_lines(script: &str) -> Vec<(String, &str)> {
    let mut names: Vec<(String, &str)> = Vec::new();
    for line in script.lines() {
        let writes_output = line.contains("GITHUB_OUTPUT") || line.contains("::set-output");
        if !writes_output {
            continue;
        }
        for caps in OUTPUT_ASSIGNMENT.captures_iter(line) {
            let Some(name) = caps.get(1).or_else(|| caps.get(2)) else {
                continue;
            };
            let value = &line[name.end()..];
            if value
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .any(is_credential_name)
                && !names
                    .iter()
                    .any(|(n, _)| n.eq_ignore_ascii_case(name.as_str()))
            {
                names.push((name.as_str().to_string(), line));
            }
        }
    }
    names
}

/// Why an expression reference carries credentials, if it does.
fn credential_source(job: &Job, r: &ExprRef) -> Option<(String, Option<&'static str>)> {
    match r.context.as_str() {
        "steps" if r.path.len() >= 3 && r.path[1].eq_ignore_ascii_case("outputs") => {
            let (id, output) = (&r.path[0], &r.path[2]);
            let step = job.steps.iter().find(|s| {
                s.id.as_ref()
                    .is_some_and(|i| i.value.eq_ignore_ascii_case(id))
            });
            let from_action = step.is_some_and(is_aws_credentials_step)
                && ACTION_CREDENTIAL_OUTPUTS
                    .iter()
                    .any(|o| o.eq_ignore_ascii_case(output));
            let from_script = step.and_then(|s| s.run.as_ref()).is_some_and(|run| {
                script_credential_outputs(&run.value)
                    .iter()
                    .any(|n| n.eq_ignore_ascii_case(output))
            });
            if from_action {
                Some((r.dotted(), Some("configure-aws-credentials")))
            } else if from_script {
                Some((r.dotted(), Some("script")))
            } else if is_credential_name(output) {
                Some((r.dotted(), None))
            } else {
                None
            }
        }
        "env" => r
            .name()
            .filter(|n| CREDENTIAL_ENV.contains(n))
            .map(|_| (r.dotted(), None)),
        "secrets" => r
            .name()
            .filter(|n| is_credential_name(n))
            .map(|_| (r.dotted(), None)),
        _ => None,
    }
}

/// Where the credential outputs of a configure-aws-credentials step are read in its job.
#[derive(Default)]
struct Uses {
    in_scripts: Vec<Span>,
    in_inputs_or_env: usize,
    in_job_outputs: usize,
}

fn reads_credentials_of(text: &str, id: &str) -> bool {
    expression_refs(text).iter().any(|r| {
        r.context == "steps"
            && r.path.len() >= 3
            && r.path[0].eq_ignore_ascii_case(id)
            && r.path[1].eq_ignore_ascii_case("outputs")
            && ACTION_CREDENTIAL_OUTPUTS
                .iter()
                .any(|o| o.eq_ignore_ascii_case(&r.path[2]))
    })
}

fn uses_of(job: &Job, step: &Step) -> Uses {
    let mut uses = Uses::default();
    let Some(id) = step.id.as_ref().map(|i| i.value.as_str()) else {
        return uses;
    };
    for other in job.steps.iter().filter(|s| s.index > step.index) {
        if let Some(run) = &other.run {
            if reads_credentials_of(&run.value, id) {
                uses.in_scripts.push(run.span);
            }
        }
        let values = other
            .with
            .iter()
            .filter_map(|(_, v)| scalar_text(v))
            .chain(other.env.iter().filter_map(|e| scalar_text(&e.value)));
        uses.in_inputs_or_env += values.filter(|v| reads_credentials_of(v, id)).count();
    }
    uses.in_job_outputs = job
        .outputs
        .iter()
        .filter(|(_, v)| reads_credentials_of(&v.value, id))
        .count();
    uses
}

impl Rule for CredentialsInOutputs {
    fn check_workflow(&self, ctx: &WorkflowContext<'_>, out: &mut Vec<Finding>) {
        for job in ctx.workflow.jobs.iter().filter(|j| !j.is_caller()) {
            // Job outputs that forward credentials.
            for (name, value) in &job.outputs {
                let sources: Vec<(String, Option<&'static str>)> = expression_refs(&value.value)
                    .iter()
                    .filter_map(|r| credential_source(job, r))
                    .collect();
                let Some((first, _)) = sources.first() else {
                    continue;
                };
                let mut finding = ctx
                    .finding(
                        &Self::META,
                        value.span,
                        format!(
                            "job \"{}\" forwards AWS credentials (`{first}`) as its output \"{}\": a job output goes through GitHub to every job that needs this one — the runner drops it when it contains a masked value (\"Skip output … since it may contain secret\"), and whatever gets through (an unmasked or encoded key) is stored with the run and readable by those jobs and in their logs",
                            job.id.value, name.value
                        ),
                    )
                    .help("do not pass credentials between jobs: run aws-actions/configure-aws-credentials (OIDC, `role-to-assume`) again in each job that needs AWS, granting that job `id-token: write`")
                    .route(format!("{}/outputs/{}", ctx.job_route(job), name.value));
                for step in job.steps.iter().filter(|s| {
                    s.id.as_ref().is_some_and(|id| {
                        sources.iter().any(|(dotted, _)| {
                            dotted
                                .to_ascii_lowercase()
                                .starts_with(&format!("steps.{}.", id.value.to_ascii_lowercase()))
                        })
                    })
                }) {
                    if let Some(span) = input_key_span(step, "output-credentials") {
                        finding = finding.related(
                            span,
                            "`output-credentials: true` puts the keys in this step's outputs",
                        );
                    } else if let Some(run) = &step.run {
                        // Point at the line that writes the output, found verbatim in the file
                        // (a block scalar's lines appear there, indented); else the script.
                        let file = ctx.file.slice(run.span);
                        let span = script_credential_lines(&run.value)
                            .first()
                            .map(|(_, line)| line.trim())
                            .filter(|line| !line.is_empty())
                            .and_then(|line| {
                                file.find(line).map(|at| {
                                    Span::new(run.span.start + at, run.span.start + at + line.len())
                                })
                            })
                            .unwrap_or(run.span);
                        finding = finding
                            .related(span, "this script writes the credentials to its outputs");
                    }
                }
                out.push(finding);
            }
            // `output-credentials: true` that nothing needs, or that a script inlines.
            for step in job.steps.iter().filter(|s| is_aws_credentials_step(s)) {
                if !input_is_true(step, "output-credentials") {
                    continue;
                }
                let Some(key) = input_key_span(step, "output-credentials") else {
                    continue;
                };
                let uses = uses_of(job, step);
                if uses.in_job_outputs > 0 {
                    continue; // reported at the job output, with this input as related
                }
                let label = step_label(job, step);
                let route = format!("{}/with/output-credentials", ctx.step_route(job, step));
                if let Some(&script) = uses.in_scripts.first() {
                    out.push(
                        ctx.finding(
                            &Self::META,
                            key,
                            format!(
                                "{label} sets `output-credentials: true` and a later `run:` script pastes the keys in with `${{{{ steps.….outputs.aws-secret-access-key }}}}`: GitHub writes the expanded script to disk on the runner, and any transformation of the value in the script escapes log masking"
                            ),
                        )
                        .related(script, "the credentials are expanded into this script")
                        .help("drop `output-credentials`: the action already exports AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN to the job's environment, which scripts and the AWS CLI read directly")
                        .route(route),
                    );
                } else if uses.in_inputs_or_env == 0 {
                    out.push(
                        ctx.finding(
                            &Self::META,
                            key,
                            format!(
                                "{label} sets `output-credentials: true`, but nothing in job \"{}\" reads the credential outputs: they only widen where the keys can be read from",
                                job.id.value
                            ),
                        )
                        .help("remove `output-credentials: true`; the action exports the credentials to the job's environment already")
                        .route(route),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_names() {
        for name in [
            "aws-secret-access-key",
            "AWS_SECRET_ACCESS_KEY",
            "SecretAccessKey",
            "aws_session_token",
            "access_key_id",
            "AWS_ACCESS_KEY_ID",
        ] {
            assert!(is_credential_name(name), "{name}");
        }
        for name in [
            "aws-account-id",
            "authenticated-arn",
            "aws-expiration",
            "image",
            "registry",
        ] {
            assert!(!is_credential_name(name), "{name}");
        }
    }

    #[test]
    fn script_outputs_with_credentials() {
        let script = r#"
creds=$(aws sts assume-role --role-arn "$ROLE" --role-session-name ci)
echo "key=$(echo "$creds" | jq -r .Credentials.SecretAccessKey)" >> "$GITHUB_OUTPUT"
echo "token=${AWS_SESSION_TOKEN}" >> $GITHUB_OUTPUT
echo "region=$AWS_REGION" >> "$GITHUB_OUTPUT"
echo "::set-output name=id::$AWS_ACCESS_KEY_ID"
export AWS_SECRET_ACCESS_KEY=x
"#;
        assert_eq!(script_credential_outputs(script), ["key", "token", "id"]);
        assert!(script_credential_outputs("echo ok").is_empty());
    }
}
