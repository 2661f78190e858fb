//! `invalid-credentials-action-input`: inputs of aws-actions/configure-aws-credentials that make
//! the step fail, or that the action silently ignores — a missing or malformed `aws-region`,
//! `role-duration-seconds` outside 900–43200, an invalid `role-session-name`, a malformed role
//! ARN, an input the action does not have (a typo, or one newer than the referenced release),
//! and inputs that contradict each other.
//!
//! Facts: the input list per release — the action's `action.yml`,
//! https://github.com/aws-actions/configure-aws-credentials/blob/main/action.yml, and releases,
//! https://github.com/aws-actions/configure-aws-credentials/releases; required and default inputs —
//! README "Options", https://github.com/aws-actions/configure-aws-credentials#options; the checks the
//! action makes — `src/index.ts` and `src/assumeRole.ts` in that repository; `DurationSeconds`
//! 900–43200 and the `RoleSessionName` pattern — AWS STS API Reference, "AssumeRole",
//! https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html.

use super::credential_steps::{
    has_input, input_entry, input_is_true, input_value, is_aws_credentials_step, is_expression,
    step_label, steps, uses_span, visible_env, EnvLevel, RefKind,
};
use crate::rules::{Finding, Rule, WorkflowContext};
use crate::source::Span;
use crate::workflow::{expression_refs, scalar_text, Job, Step, Workflow};

crate::declare_rule!(
    InvalidCredentialsActionInput,
    "invalid-credentials-action-input",
    High
);

/// One input of configure-aws-credentials.
#[derive(Debug, Clone, Copy)]
pub struct InputSpec {
    pub name: &'static str,
    /// The first major release that has it, when known (v1 from its action.yml; v3 and v5 from
    /// the reference's version notes); `None` when not pinned down, which is never reported.
    pub since: Option<u64>,
    /// Read as a boolean (`true`/`True`/`TRUE`, `false`/`False`/`FALSE`).
    pub boolean: bool,
}

const fn input(name: &'static str, since: Option<u64>, boolean: bool) -> InputSpec {
    InputSpec {
        name,
        since,
        boolean,
    }
}

/// Every input of the action's current release line (v6), with the release that added it.
pub static INPUTS: &[InputSpec] = &[
    // v1 action.yml (node12); `audience` since 1.7.0, `http-proxy` in later v1 releases.
    input("aws-region", Some(1), false),
    input("role-to-assume", Some(1), false),
    input("aws-access-key-id", Some(1), false),
    input("aws-secret-access-key", Some(1), false),
    input("aws-session-token", Some(1), false),
    input("audience", Some(1), false),
    input("mask-aws-account-id", Some(1), true),
    input("web-identity-token-file", Some(1), false),
    input("role-duration-seconds", Some(1), false),
    input("role-session-name", Some(1), false),
    input("role-external-id", Some(1), false),
    input("role-skip-session-tagging", Some(1), true),
    input("http-proxy", Some(1), false),
    // v3: the rewrite (output-credentials, retries, role chaining, session policies).
    input("role-chaining", Some(3), true),
    input("inline-session-policy", Some(3), false),
    input("managed-session-policies", Some(3), false),
    input("output-credentials", Some(3), true),
    input("unset-current-credentials", Some(3), true),
    input("disable-retry", Some(3), true),
    input("retry-max-attempts", Some(3), false),
    input("special-characters-workaround", Some(3), true),
    // v5: boolean-input cleanup.
    input("force-skip-oidc", Some(5), true),
    input("allowed-account-ids", Some(5), false),
    // Later 4.x–6.x additions whose first release is not pinned down here.
    input("use-existing-credentials", None, true),
    input("transitive-tag-keys", None, false),
    input("output-env-credentials", None, true),
    input("action-timeout-s", None, false),
    input("aws-profile", None, false),
    input("overwrite-aws-profile", None, true),
    input("custom-tags", None, false),
    input("sts-endpoint", None, false),
    input("no-proxy", None, false),
    input("translate-env-variables", None, true),
];

/// The spec of an input, compared case-insensitively (the runner upper-cases input names).
pub fn input_spec(name: &str) -> Option<&'static InputSpec> {
    INPUTS.iter().find(|i| i.name.eq_ignore_ascii_case(name))
}

/// The known input a mistyped name most likely meant: the same name with `_` for `-`, or the
/// closest within two edits.
pub fn suggestion(name: &str) -> Option<&'static str> {
    let wanted = name.to_ascii_lowercase().replace('_', "-");
    if let Some(spec) = input_spec(&wanted) {
        return Some(spec.name);
    }
    INPUTS
        .iter()
        .map(|i| (edit_distance(&wanted, i.name), i.name))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, n)| n)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(current + 1);
            previous = current;
        }
    }
    row[b.len()]
}

/// Why a literal `aws-region` is wrong: the action requires `^[a-z0-9-]+$` ("Region is not
/// valid"), and a name that ends in a letter after the number is an Availability Zone.
pub fn region_problem(region: &str) -> Option<String> {
    if region.is_empty()
        || !region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Some(format!(
            "`aws-region: {region}` is not a region name (the action accepts only lower-case letters, digits and `-`, and fails with \"Region is not valid\")"
        ));
    }
    let bytes = region.as_bytes();
    let n = bytes.len();
    if n >= 2 && bytes[n - 1].is_ascii_lowercase() && bytes[n - 2].is_ascii_digit() {
        let trimmed = &region[..n - 1];
        return Some(format!(
            "`aws-region: {region}` is an Availability Zone, not a region: STS has no endpoint there (did you mean `{trimmed}`?)"
        ));
    }
    None
}

/// STS `AssumeRole` accepts `DurationSeconds` from 900 to 43200 (and at most the role's
/// MaxSessionDuration; at most 3600 when chaining roles).
pub fn duration_problem(value: &str, role_chaining: bool) -> Option<String> {
    let Ok(seconds) = value.parse::<u64>() else {
        if value.bytes().all(|b| b.is_ascii_digit()) && !value.is_empty() {
            return Some(format!(
                "`role-duration-seconds: {value}` is far above the 43200-second (12-hour) maximum"
            ));
        }
        return Some(format!(
            "`role-duration-seconds: {value}` is not a whole number of seconds: the action parses it with parseInt and silently falls back to 3600 or sends a bogus duration"
        ));
    };
    if !(900..=43200).contains(&seconds) {
        return Some(format!(
            "`role-duration-seconds: {seconds}` is outside 900–43200: STS rejects the request (\"DurationSeconds\" must be from 15 minutes to 12 hours, and at most the role's MaxSessionDuration)"
        ));
    }
    if role_chaining && seconds > 3600 {
        return Some(format!(
            "`role-duration-seconds: {seconds}` with `role-chaining: true`: AWS limits a chained role session to one hour (3600 seconds) and rejects longer ones"
        ));
    }
    None
}

/// A `RoleSessionName` character: `[\w+=,.@-]`.
fn is_session_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '=' | ',' | '.' | '@' | '-')
}

/// Splits text into (literal, is_expression) parts around `${{ … }}`.
fn parts(text: &str) -> Vec<(&str, bool)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${{") {
        out.push((&rest[..start], false));
        let after = &rest[start..];
        match after.find("}}") {
            Some(end) => {
                out.push((&after[..end + 2], true));
                rest = &after[end + 2..];
            }
            None => {
                out.push((after, true));
                rest = "";
            }
        }
    }
    out.push((rest, false));
    out
}

/// STS requires `RoleSessionName` to be 2–64 characters of `[\w+=,.@-]`. Literal text is
/// checked exactly; of expressions only those whose value is known to break the rule:
/// `github.ref` (always `refs/…`) and `github.workflow` (the workflow's name, or its file path).
pub fn session_name_problem(value: &str, workflow_name: Option<&str>) -> Option<String> {
    let literal: String = parts(value)
        .iter()
        .filter(|(_, e)| !e)
        .map(|(t, _)| *t)
        .collect();
    if let Some(bad) = literal.chars().find(|c| !is_session_char(*c)) {
        return Some(format!(
            "`role-session-name: {value}` contains {bad:?}: STS accepts only letters, digits and `_+=,.@-` in a session name"
        ));
    }
    if !is_expression(value) {
        let n = value.chars().count();
        if !(2..=64).contains(&n) {
            return Some(format!(
                "`role-session-name: {value}` is {n} characters long: STS requires 2 to 64"
            ));
        }
        return None;
    }
    for r in expression_refs(value) {
        if r.is("github.ref") {
            return Some(format!(
                "`role-session-name: {value}` uses `github.ref`, which is always `refs/heads/…` or `refs/tags/…`: `/` is not allowed in a session name, so STS rejects the request"
            ));
        }
        if r.is("github.workflow") {
            let name = workflow_name.unwrap_or(".github/workflows/…");
            if let Some(bad) = name.chars().find(|c| !is_session_char(*c)) {
                return Some(format!(
                    "`role-session-name: {value}` uses `github.workflow`, which is \"{name}\" here: it contains {bad:?}, which a session name may not, so STS rejects the request"
                ));
            }
        }
    }
    None
}

/// A literal `role-to-assume` must be a role ARN (`arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME`)
/// or a bare role name.
pub fn role_problem(value: &str) -> Option<String> {
    if is_expression(value) {
        return None;
    }
    if let Some(rest) = value.strip_prefix("arn:") {
        let fields: Vec<&str> = rest.splitn(5, ':').collect();
        let shape = match fields.as_slice() {
            [partition, service, region, account, resource] => {
                if !partition.starts_with("aws") {
                    Some(format!(
                        "the partition \"{partition}\" is not an AWS partition"
                    ))
                } else if *service != "iam" {
                    Some(format!("the service is \"{service}\", not \"iam\""))
                } else if !region.is_empty() {
                    Some("IAM ARNs have an empty region field (`iam::`)".to_string())
                } else if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
                    Some(format!(
                        "the account \"{account}\" is not a 12-digit account ID"
                    ))
                } else if let Some(name) = resource.strip_prefix("role/") {
                    let name = name.rsplit('/').next().unwrap_or("");
                    if name.is_empty() {
                        Some("the role name is empty".to_string())
                    } else {
                        name.chars()
                            .find(|c| !is_session_char(*c))
                            .map(|bad| format!("the role name contains {bad:?}"))
                    }
                } else {
                    Some(format!(
                        "the resource \"{resource}\" is not `role/NAME` (only roles can be assumed)"
                    ))
                }
            }
            _ => Some("it does not have the six `:`-separated fields of an ARN".to_string()),
        };
        return shape.map(|why| format!("`role-to-assume: {value}` is not a role ARN: {why}"));
    }
    if let Some(bad) = value.chars().find(|c| !is_session_char(*c) && *c != '/') {
        return Some(format!(
            "`role-to-assume: {value}` is neither a role ARN nor a role name: it contains {bad:?}"
        ));
    }
    None
}

/// Does the referenced release read inputs from env variables such as `AWS_REGION` and
/// `ROLE_TO_ASSUME`? From v4.2.0 on (v6.3.0 adds `translate-env-variables` to turn it off).
/// Unknown for a SHA or a branch: assumed yes, so as not to report what may work.
fn reads_env_inputs(kind: &RefKind) -> bool {
    match kind {
        RefKind::Version { major, rest, .. } => {
            *major >= 5 || (*major == 4 && rest.first().is_none_or(|minor| *minor >= 2))
        }
        _ => true,
    }
}

/// Inputs that only matter when a role is assumed.
const ROLE_OPTIONS: &[&str] = &[
    "role-duration-seconds",
    "role-session-name",
    "role-external-id",
    "role-skip-session-tagging",
    "inline-session-policy",
    "managed-session-policies",
    "transitive-tag-keys",
    "role-chaining",
];

struct StepCheck<'a> {
    ctx: &'a WorkflowContext<'a>,
    workflow: &'a Workflow,
    job: &'a Job,
    step: &'a Step,
    label: String,
    out: Vec<Finding>,
    /// Inputs already reported as newer than the release: not judged again.
    too_new: Vec<&'static str>,
}

impl StepCheck<'_> {
    fn report(&mut self, span: Span, key: &str, message: String, help: impl Into<String>) {
        let finding = self
            .ctx
            .finding(
                &InvalidCredentialsActionInput::META,
                span,
                format!("{}: {message}", self.label),
            )
            .help(help)
            .route(format!(
                "{}/{key}",
                self.ctx.step_route(self.job, self.step)
            ));
        self.out.push(finding);
    }

    fn key_span(&self, name: &str) -> Span {
        input_entry(self.step, name).map_or_else(|| uses_span(self.step), |(k, _)| k.span)
    }

    fn value_span(&self, name: &str) -> Span {
        input_entry(self.step, name).map_or_else(|| uses_span(self.step), |(_, v)| v.span)
    }

    /// The env variable visible to the step, if set to something.
    fn env(&self, name: &str) -> Option<EnvLevel> {
        visible_env(self.workflow, self.job, self.step, name)
            .filter(|(_, v)| scalar_text(&v.value).is_some_and(|t| !t.trim().is_empty()))
            .map(|(level, _)| level)
    }

    fn names(&mut self, kind: &RefKind) {
        let git_ref = self
            .step
            .uses
            .as_ref()
            .and_then(|u| u.value.git_ref.clone())
            .unwrap_or_default();
        for (key, value) in &self.step.with {
            let name = key.value.as_str();
            let Some(spec) = input_spec(name) else {
                let hint = match suggestion(name) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "see the action's action.yml for its inputs".to_string(),
                };
                let message = format!(
                    "`{name}` is not an input of aws-actions/configure-aws-credentials: the runner only warns (\"Unexpected input(s)\") and the action never sees the value"
                );
                self.report(key.span, &format!("with/{name}"), message, hint);
                continue;
            };
            if let (Some(since), RefKind::Version { major, .. }) = (spec.since, kind) {
                if *major < since {
                    self.too_new.push(spec.name);
                    self.report(
                        key.span,
                        &format!("with/{name}"),
                        format!(
                            "`{}` first appeared in v{since}, but the step runs `@{git_ref}` (v{major}): that release ignores it",
                            spec.name
                        ),
                        format!("upgrade the action to v{since} or later (the current line is v6, pinned by commit SHA), or drop the input"),
                    );
                }
            }
            if spec.boolean {
                if let Some(text) = scalar_text(value) {
                    let text = text.trim();
                    let ok = ["true", "True", "TRUE", "false", "False", "FALSE", ""]
                        .contains(&text)
                        || is_expression(text);
                    if !ok {
                        self.report(
                            value.span,
                            &format!("with/{name}"),
                            format!(
                                "`{}: {text}` is not a boolean the action understands (`true` or `false`)",
                                spec.name
                            ),
                            format!("write `{}: true` or `{}: false`", spec.name, spec.name),
                        );
                    }
                }
            }
        }
    }

    fn region(&mut self, kind: &RefKind) {
        if let Some(region) = input_value(self.step, "aws-region") {
            if !is_expression(&region) {
                if let Some(problem) = region_problem(&region) {
                    self.report(
                        self.value_span("aws-region"),
                        "with/aws-region",
                        problem,
                        "set `aws-region` to a region code such as `us-east-1` or `eu-west-1`",
                    );
                }
            }
            return;
        }
        let translation_off = input_value(self.step, "translate-env-variables")
            .is_some_and(|v| v.eq_ignore_ascii_case("false"));
        let why = match self.env("AWS_REGION") {
            Some(_) if reads_env_inputs(kind) && !translation_off => return,
            Some(_) if translation_off => "`AWS_REGION` is set, but `translate-env-variables: false` stops the action from reading it".to_string(),
            Some(_) => {
                let git_ref = self
                    .step
                    .uses
                    .as_ref()
                    .and_then(|u| u.value.git_ref.clone())
                    .unwrap_or_default();
                format!("`AWS_REGION` is set, but `@{git_ref}` reads the region only from its `aws-region` input (env variables are read as inputs from v4.2.0 on)")
            }
            None if self.env("AWS_DEFAULT_REGION").is_some() => {
                "only `AWS_DEFAULT_REGION` is set, which the action never reads".to_string()
            }
            None => match self
                .step
                .with
                .iter()
                .find(|(k, _)| input_spec(&k.value).is_none() && suggestion(&k.value) == Some("aws-region"))
            {
                Some((k, _)) => format!(
                    "nothing sets it (`{}` is a different, unknown input)",
                    k.value
                ),
                None => "nothing sets it".to_string(),
            },
        };
        let span = uses_span(self.step);
        self.report(
            span,
            "missing/aws-region",
            format!(
                "`aws-region` is required and {why}: the step fails with \"Input required and not supplied: aws-region\""
            ),
            "add `aws-region: <region>` (for example `us-east-1`, or `${{ vars.AWS_REGION }}`) under `with:`",
        );
    }

    fn values(&mut self, workflow_name: Option<&str>) {
        let chaining = input_is_true(self.step, "role-chaining");
        if let Some(duration) = input_value(self.step, "role-duration-seconds") {
            if !is_expression(&duration) {
                if let Some(problem) = duration_problem(&duration, chaining) {
                    self.report(
                        self.value_span("role-duration-seconds"),
                        "with/role-duration-seconds",
                        problem,
                        "use a whole number of seconds from 900 to 43200 that the role's MaxSessionDuration allows (3600 at most when chaining roles); the default is 3600",
                    );
                }
            }
        }
        if let Some(name) = input_value(self.step, "role-session-name") {
            if let Some(problem) = session_name_problem(&name, workflow_name) {
                self.report(
                    self.value_span("role-session-name"),
                    "with/role-session-name",
                    problem,
                    "use 2–64 characters of letters, digits and `_+=,.@-`, for example `gha-${{ github.run_id }}-${{ github.run_attempt }}`",
                );
            }
        }
        if let Some(role) = input_value(self.step, "role-to-assume") {
            if let Some(problem) = role_problem(&role) {
                self.report(
                    self.value_span("role-to-assume"),
                    "with/role-to-assume",
                    problem,
                    "use the role's ARN, `arn:aws:iam::<12-digit-account-id>:role/<name>` (IAM console → Roles → the role → ARN)",
                );
            }
        }
    }

    fn conflicts(&mut self, kind: &RefKind) {
        let step = self.step;
        let key_id = has_input(step, "aws-access-key-id");
        let secret = has_input(step, "aws-secret-access-key");
        let token_file = has_input(step, "web-identity-token-file");
        let chaining = input_is_true(step, "role-chaining");
        let role = has_input(step, "role-to-assume")
            || (reads_env_inputs(kind) && self.env("ROLE_TO_ASSUME").is_some());
        if key_id && !secret {
            self.report(
                self.key_span("aws-access-key-id"),
                "conflict/aws-access-key-id",
                "`aws-access-key-id` without `aws-secret-access-key`: the step fails with \"'aws-secret-access-key' must be provided if 'aws-access-key-id' is provided\"".to_string(),
                "provide both keys — or, better, neither: use OIDC with `role-to-assume` and `permissions: id-token: write`",
            );
        }
        if secret && !key_id {
            self.report(
                self.key_span("aws-secret-access-key"),
                "conflict/aws-secret-access-key",
                "`aws-secret-access-key` without `aws-access-key-id` is ignored: the action goes on with OIDC or whatever credentials the runner has".to_string(),
                "provide both keys — or, better, neither: use OIDC with `role-to-assume` and `permissions: id-token: write`",
            );
        }
        if has_input(step, "aws-session-token") && !key_id {
            self.report(
                self.key_span("aws-session-token"),
                "conflict/aws-session-token",
                "`aws-session-token` without `aws-access-key-id` is ignored".to_string(),
                "pass the session token together with the access key ID and secret access key it belongs to, or drop it",
            );
        }
        if token_file && key_id {
            self.report(
                self.key_span("web-identity-token-file"),
                "conflict/web-identity-token-file",
                "`web-identity-token-file` together with access keys: the action exports the keys and then assumes the role with the token file — two identities where one is meant".to_string(),
                "choose one way to authenticate: the token file (with `role-to-assume`) or OIDC; drop the keys",
            );
        }
        if !role {
            for option in ["web-identity-token-file"]
                .iter()
                .chain(ROLE_OPTIONS)
                .copied()
            {
                if self.too_new.contains(&option) {
                    continue;
                }
                let set = if option == "role-chaining" {
                    chaining
                } else {
                    has_input(step, option)
                };
                if set {
                    self.report(
                        self.key_span(option),
                        &format!("conflict/{option}"),
                        format!(
                            "`{option}` only applies when a role is assumed, and there is no `role-to-assume`: it is ignored"
                        ),
                        "add `role-to-assume: arn:aws:iam::<account-id>:role/<name>`, or drop the option",
                    );
                }
            }
        }
        if has_input(step, "audience") && (key_id || token_file || chaining) {
            self.report(
                self.key_span("audience"),
                "conflict/audience",
                "`audience` is used only for the GitHub OIDC token, which this step does not request (it has access keys, a web identity token file or `role-chaining`): it is ignored".to_string(),
                "drop `audience`, or drop the other credentials to use OIDC",
            );
        }
        // In OIDC mode the action has no source account to complete a bare role name with:
        // "Source Account ID is needed if the Role Name is provided and not the Role Arn."
        if let Some(role_value) = input_value(step, "role-to-assume") {
            let oidc =
                !key_id && !token_file && !chaining && !input_is_true(step, "force-skip-oidc");
            if oidc && !is_expression(&role_value) && !role_value.starts_with("arn:") {
                self.report(
                    self.value_span("role-to-assume"),
                    "conflict/role-name",
                    format!(
                        "`role-to-assume: {role_value}` is a bare role name, which the action can complete to an ARN only from existing credentials' account — with OIDC it fails (\"Source Account ID is needed if the Role Name is provided and not the Role Arn\")"
                    ),
                    "give the full ARN: `arn:aws:iam::<12-digit-account-id>:role/<name>`",
                );
            }
        }
    }
}

impl Rule for InvalidCredentialsActionInput {
    fn check_workflow(&self, ctx: &WorkflowContext<'_>, out: &mut Vec<Finding>) {
        let workflow = ctx.workflow;
        let workflow_name = workflow.name.as_ref().map(|n| n.value.as_str());
        for (job, step) in steps(workflow) {
            if !is_aws_credentials_step(step) {
                continue;
            }
            let kind = RefKind::of(step.uses.as_ref().and_then(|u| u.value.git_ref.as_deref()));
            let mut check = StepCheck {
                ctx,
                workflow,
                job,
                step,
                label: step_label(job, step),
                out: Vec::new(),
                too_new: Vec::new(),
            };
            check.names(&kind);
            check.region(&kind);
            check.values(workflow_name);
            check.conflicts(&kind);
            out.extend(check.out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_are_case_insensitive_and_typos_get_suggestions() {
        assert_eq!(input_spec("AWS-Region").map(|i| i.name), Some("aws-region"));
        assert!(input_spec("aws_region").is_none());
        assert_eq!(suggestion("aws_region"), Some("aws-region"));
        assert_eq!(suggestion("role-to-asume"), Some("role-to-assume"));
        assert_eq!(suggestion("ROLE_TO_ASSUME"), Some("role-to-assume"));
        assert_eq!(suggestion("role-session-nam"), Some("role-session-name"));
        assert_eq!(suggestion("something-else"), None);
        // No duplicates in the table.
        for (i, a) in INPUTS.iter().enumerate() {
            assert!(
                INPUTS[i + 1..].iter().all(|b| b.name != a.name),
                "{}",
                a.name
            );
        }
    }

    #[test]
    fn regions() {
        for ok in [
            "us-east-1",
            "eu-central-2",
            "us-gov-west-1",
            "cn-north-1",
            "ap-southeast-5",
        ] {
            assert_eq!(region_problem(ok), None, "{ok}");
        }
        for bad in [
            "US-EAST-1",
            "us_east_1",
            "us-east-1 ",
            "",
            "eu-west-1 # x",
            "MY_AWS_REGION",
        ] {
            assert!(region_problem(bad).is_some(), "{bad:?}");
        }
        assert!(region_problem("us-east-1a")
            .is_some_and(|p| p.contains("Availability Zone") && p.contains("`us-east-1`")));
    }

    #[test]
    fn durations() {
        for ok in ["900", "3600", "43200"] {
            assert_eq!(duration_problem(ok, false), None, "{ok}");
        }
        for bad in [
            "899",
            "43201",
            "0",
            "1h",
            "3600.5",
            "-1",
            "99999999999999999999999",
        ] {
            assert!(duration_problem(bad, false).is_some(), "{bad}");
        }
        assert_eq!(duration_problem("3600", true), None);
        assert!(duration_problem("7200", true).is_some_and(|p| p.contains("chained")));
    }

    #[test]
    fn session_names() {
        for ok in [
            "GitHubActions",
            "gha-${{ github.run_id }}",
            "a.b@c,d=e+f_g-h",
            "${{ github.actor }}",
            "ab",
        ] {
            assert_eq!(session_name_problem(ok, Some("deploy")), None, "{ok}");
        }
        for bad in [
            "a",
            "has space",
            "deploy/${{ github.run_id }}",
            &"x".repeat(65),
            "${{ github.ref }}",
            "ci-${{ github.workflow }}",
        ] {
            assert!(
                session_name_problem(bad, Some("Deploy to Amazon ECS")).is_some(),
                "{bad}"
            );
        }
        assert_eq!(
            session_name_problem("ci-${{ github.workflow }}", Some("deploy")),
            None
        );
        assert!(session_name_problem("ci-${{ github.workflow }}", None).is_some());
        assert!(session_name_problem("${{ unterminated", None).is_none());
    }

    #[test]
    fn roles() {
        for ok in [
            "arn:aws:iam::123456789012:role/deploy",
            "arn:aws-cn:iam::123456789012:role/path/to/deploy",
            "arn:aws-us-gov:iam::123456789012:role/a+b=c,d.e@f_g-h",
            "deploy",
            "${{ secrets.ROLE }}",
            "arn:aws:iam::${{ vars.ACCOUNT }}:role/deploy",
        ] {
            assert_eq!(role_problem(ok), None, "{ok}");
        }
        for bad in [
            "arn:aws:iam:123456789012:role/deploy",
            "arn:aws:iam::12345678901:role/deploy",
            "arn:aws:sts::123456789012:role/deploy",
            "arn:aws:iam::123456789012:user/deploy",
            "arn:aws:iam::123456789012:role/",
            "arn:gcp:iam::123456789012:role/deploy",
            "arn:aws:iam::123456789012",
            "deploy role",
        ] {
            assert!(role_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn env_inputs_by_release() {
        let v = |major, rest: &[u64]| RefKind::Version {
            major,
            rest: rest.to_vec(),
            suffix: String::new(),
        };
        assert!(!reads_env_inputs(&v(3, &[])));
        assert!(!reads_env_inputs(&v(4, &[1, 0])));
        assert!(reads_env_inputs(&v(4, &[2, 1])));
        assert!(reads_env_inputs(&v(4, &[])));
        assert!(reads_env_inputs(&v(6, &[])));
        assert!(reads_env_inputs(&RefKind::FullSha));
    }
}
