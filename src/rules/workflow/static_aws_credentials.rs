//! `static-aws-credentials`: long-lived AWS access keys fed to a workflow from secrets (or
//! variables) — as `aws-access-key-id`/`aws-secret-access-key` inputs of
//! aws-actions/configure-aws-credentials (or of any action with such inputs), or as
//! `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY` env at workflow, job or step level — where the
//! job could obtain short-lived credentials with OIDC instead.
//!
//! Not reported: literal values (a real-looking key is `hardcoded-aws-key`; anything else, such
//! as `test` for LocalStack, is no credential), values passed on from other steps or jobs, and
//! credentials that come with a session token (temporary credentials are what OIDC yields too).

use super::credential_steps::{
    input_entry, input_value, is_aws_credentials_step, reads_context, step_label, steps,
};
use crate::rules::{Finding, Rule, WorkflowContext};
use crate::source::Spanned;
use crate::workflow::{scalar_text, EnvVar, Job, Step};

crate::declare_rule!(StaticAwsCredentials, "static-aws-credentials", High);

/// Contexts that hold stored credentials: repository/organization/environment secrets, and
/// configuration variables (which are not even masked in logs).
const STORED: &[&str] = &["secrets", "vars"];

const ENV_KEY_ID: &str = "AWS_ACCESS_KEY_ID";
const ENV_SECRET: &str = "AWS_SECRET_ACCESS_KEY";
const ENV_SESSION_TOKEN: &str = "AWS_SESSION_TOKEN";

/// Input names compare case-insensitively and with `-`/`_` alike, so that third-party actions'
/// `aws_access_key_id` inputs count too.
fn normalized(name: &str) -> String {
    name.to_ascii_lowercase().replace('_', "-")
}

fn is_stored(text: &str) -> bool {
    reads_context(text, STORED)
}

/// The context a stored value comes from, for messages.
fn origin(text: &str) -> &'static str {
    if reads_context(text, &["secrets"]) {
        "a secret"
    } else {
        "a configuration variable (not even masked in logs)"
    }
}

const OIDC_HELP: &str = "use OIDC instead of long-lived keys: give the job `permissions: { id-token: write, contents: read }`, use aws-actions/configure-aws-credentials with `role-to-assume: arn:aws:iam::<account-id>:role/<role>` and `aws-region` (no key inputs), with a trust policy that pins this repository's `sub`; then delete the IAM user's access key and the key secrets";

impl StaticAwsCredentials {
    /// Key inputs of one step, reported at the access key ID input (or the secret one).
    fn check_step(
        &self,
        ctx: &WorkflowContext<'_>,
        job: &Job,
        step: &Step,
        out: &mut Vec<Finding>,
    ) {
        let Some(uses) = step.uses.as_ref() else {
            return;
        };
        let find = |wanted: &str| {
            step.with.iter().find(|(k, v)| {
                normalized(&k.value) == wanted && scalar_text(v).is_some_and(|t| is_stored(&t))
            })
        };
        let key_id = find("aws-access-key-id");
        let secret = find("aws-secret-access-key");
        let session = step.with.iter().any(|(k, v)| {
            normalized(&k.value) == "aws-session-token"
                && scalar_text(v).is_some_and(|t| !t.trim().is_empty())
        });
        let Some((primary, primary_value)) = key_id.or(secret) else {
            return;
        };
        if session {
            return;
        }
        let label = step_label(job, step);
        let from = origin(&scalar_text(primary_value).unwrap_or_default());
        let aws_action = is_aws_credentials_step(step);
        let mut message = if aws_action {
            format!(
                "{label} signs in to AWS with a long-lived access key from {from} (`{}`)",
                primary.value
            )
        } else {
            format!(
                "{label} passes a long-lived AWS access key from {from} to {} (`{}`)",
                uses.value.raw, primary.value
            )
        };
        message.push_str(
            ": such keys never expire on their own, and anyone who obtains them — a leaked log, a compromised action, a malicious pull request with access to secrets — can use them from anywhere",
        );
        let help = if aws_action && input_value(step, "role-to-assume").is_some() {
            "this step already assumes a role: remove `aws-access-key-id`/`aws-secret-access-key`, give the job `permissions: { id-token: write, contents: read }` and let the role's trust policy admit this repository's OIDC token (`aud` sts.amazonaws.com, `sub` pinned to this repository); then delete the IAM user's access key and the key secrets".to_string()
        } else {
            OIDC_HELP.to_string()
        };
        let mut finding = ctx
            .finding(&Self::META, primary.span, message)
            .help(help)
            .route(format!(
                "{}/with/{}",
                ctx.step_route(job, step),
                normalized(&primary.value)
            ));
        if let (Some(_), Some(secret)) = (key_id, secret) {
            finding = finding.related(secret.0.span, "and the secret access key here");
        }
        if aws_action {
            if let Some((k, _)) = input_entry(step, "role-to-assume") {
                finding = finding.related(k.span, "the role these keys assume");
            }
        }
        out.push(finding);
    }

    /// `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY` from stored values in one env block.
    fn check_env(
        &self,
        ctx: &WorkflowContext<'_>,
        vars: &[EnvVar],
        scope: &str,
        route: &str,
        out: &mut Vec<Finding>,
    ) {
        let stored = |name: &str| {
            vars.iter().find(|v| {
                v.name.value == name && scalar_text(&v.value).is_some_and(|t| is_stored(&t))
            })
        };
        let key_id = stored(ENV_KEY_ID);
        let secret = stored(ENV_SECRET);
        let session = vars.iter().any(|v| {
            v.name.value == ENV_SESSION_TOKEN
                && scalar_text(&v.value).is_some_and(|t| !t.trim().is_empty())
        });
        let Some(primary) = key_id.or(secret) else {
            return;
        };
        if session {
            return;
        }
        let from = origin(&scalar_text(&primary.value).unwrap_or_default());
        let name: &Spanned<String> = &primary.name;
        let mut finding = ctx
            .finding(
                &Self::META,
                name.span,
                format!(
                    "{scope} sets `{}` from {from}: every AWS SDK and CLI call there runs with a long-lived IAM user access key, which never expires on its own and works from anywhere once leaked",
                    name.value
                ),
            )
            .help(format!(
                "{OIDC_HELP}; drop the `{ENV_KEY_ID}`/`{ENV_SECRET}` env entries (configure-aws-credentials exports short-lived ones itself)"
            ))
            .route(format!("{route}/env/{}", name.value));
        if let (Some(_), Some(secret)) = (key_id, secret) {
            finding = finding.related(secret.name.span, "and the secret access key here");
        }
        out.push(finding);
    }
}

impl Rule for StaticAwsCredentials {
    fn check_workflow(&self, ctx: &WorkflowContext<'_>, out: &mut Vec<Finding>) {
        let workflow = ctx.workflow;
        self.check_env(
            ctx,
            &workflow.env,
            "the workflow-level `env` (every job of this workflow)",
            "env",
            out,
        );
        for job in &workflow.jobs {
            self.check_env(
                ctx,
                &job.env,
                &format!("job \"{}\"", job.id.value),
                &ctx.job_route(job),
                out,
            );
        }
        for (job, step) in steps(workflow) {
            self.check_env(
                ctx,
                &step.env,
                &step_label(job, step),
                &ctx.step_route(job, step),
                out,
            );
            self.check_step(ctx, job, step, out);
        }
    }
}
