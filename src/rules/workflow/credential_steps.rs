//! What the workflow-credential rules share: which steps run aws-actions/configure-aws-credentials
//! (or another credential action), how a step is named in messages, what an action's `@ref`
//! is (a commit SHA, a release tag, a branch), and how to read a step's inputs and env.
//!
//! Facts: the inputs and env variables the action reads — aws-actions/configure-aws-credentials
//! README, "Options", https://github.com/aws-actions/configure-aws-credentials#options, and its
//! `action.yml`, https://github.com/aws-actions/configure-aws-credentials/blob/main/action.yml;
//! what an action's `@ref` pins — GitHub Docs, "Security hardening for GitHub Actions", "Using
//! third-party actions",
//! https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#using-third-party-actions.

use crate::source::{Node, Span, Spanned};
use crate::workflow::{
    expression_refs, scalar_text, ConsumerKind, ConsumerMatch, EnvVar, Job, Need, Step, Workflow,
    OIDC_CONSUMERS,
};

/// `owner/repo` of the AWS credentials action, lowercased.
pub const CONFIGURE_AWS_CREDENTIALS: &str = "aws-actions/configure-aws-credentials";

/// True when the step runs aws-actions/configure-aws-credentials (any ref; not a sub-path).
pub fn is_aws_credentials_step(step: &Step) -> bool {
    step.uses
        .as_ref()
        .and_then(|u| u.value.full_action_name())
        .is_some_and(|name| name == CONFIGURE_AWS_CREDENTIALS)
}

/// Actions that receive or mint credentials: configure-aws-credentials and every action of the
/// OIDC consumer table (`src/workflow/oidc.rs`), except the general-purpose
/// actions/github-script, which counts only when its script asks for a token.
pub fn credential_actions() -> Vec<&'static str> {
    let mut names = vec![CONFIGURE_AWS_CREDENTIALS];
    for spec in OIDC_CONSUMERS {
        // Rows that only use a granted token, and uploads that mint no credential, are not
        // credential actions.
        if spec.need != Need::Requires
            || matches!(
                spec.kind,
                ConsumerKind::TokenRequestScript | ConsumerKind::Scorecard | ConsumerKind::Codecov
            )
        {
            continue;
        }
        if let ConsumerMatch::Actions(actions) = spec.matches {
            for name in actions {
                if !names.contains(name) {
                    names.push(name);
                }
            }
        }
    }
    names
}

/// Every (job, step) of jobs that run steps, in source order.
pub fn steps(workflow: &Workflow) -> impl Iterator<Item = (&Job, &Step)> {
    workflow
        .jobs
        .iter()
        .filter(|j| !j.is_caller())
        .flat_map(|job| job.steps.iter().map(move |step| (job, step)))
}

/// `step "Configure AWS credentials" of job "deploy"` — how messages name a step: by its
/// `name:`, else its `id:`, else its position (`step 2 of job "deploy"`; the message names the
/// action anyway).
pub fn step_label(job: &Job, step: &Step) -> String {
    match step.name.as_ref().or(step.id.as_ref()) {
        Some(name) => format!("step \"{}\" of job \"{}\"", name.value, job.id.value),
        None => format!("step {} of job \"{}\"", step.index + 1, job.id.value),
    }
}

/// The `with:` entry of that name (case-insensitively, like the runner; the first of
/// duplicates), with its key.
pub fn input_entry<'s>(step: &'s Step, name: &str) -> Option<&'s (Spanned<String>, Node)> {
    step.with
        .iter()
        .find(|(k, _)| k.value.eq_ignore_ascii_case(name))
}

/// The input's text, trimmed (the toolkit's `getInput` trims), when it is a non-empty scalar.
/// An empty input is "not provided" to an action.
pub fn input_value(step: &Step, name: &str) -> Option<String> {
    let text = scalar_text(&input_entry(step, name)?.1)?;
    let trimmed = text.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

/// True when the input is set to a non-empty value.
pub fn has_input(step: &Step, name: &str) -> bool {
    input_value(step, name).is_some()
}

/// True when a boolean input is `true` (the spellings the toolkit accepts: true, True, TRUE).
pub fn input_is_true(step: &Step, name: &str) -> bool {
    input_value(step, name).is_some_and(|v| matches!(v.as_str(), "true" | "True" | "TRUE"))
}

/// The span of the input's key.
pub fn input_key_span(step: &Step, name: &str) -> Option<Span> {
    input_entry(step, name).map(|(k, _)| k.span)
}

/// The span of the step's `uses:` value, or the whole step.
pub fn uses_span(step: &Step) -> Span {
    step.uses.as_ref().map_or(step.span, |u| u.span)
}

/// True when the text contains `${{`: the value is only known at run time.
pub fn is_expression(text: &str) -> bool {
    text.contains("${{")
}

/// True when one of the text's expressions reads one of these contexts (`secrets`, `vars`…).
pub fn reads_context(text: &str, contexts: &[&str]) -> bool {
    expression_refs(text)
        .iter()
        .any(|r| contexts.iter().any(|c| r.context.eq_ignore_ascii_case(c)))
}

/// Where an env variable is set, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvLevel {
    Workflow,
    Job,
    Step,
}

/// The variable of that name visible to a step, the innermost level first (step, job,
/// workflow), as GitHub resolves it. Names compare exactly: Linux environments are
/// case-sensitive.
pub fn visible_env<'w>(
    workflow: &'w Workflow,
    job: &'w Job,
    step: &'w Step,
    name: &str,
) -> Option<(EnvLevel, &'w EnvVar)> {
    let find = |vars: &'w [EnvVar]| vars.iter().find(|v| v.name.value == name);
    find(&step.env)
        .map(|v| (EnvLevel::Step, v))
        .or_else(|| find(&job.env).map(|v| (EnvLevel::Job, v)))
        .or_else(|| find(&workflow.env).map(|v| (EnvLevel::Workflow, v)))
}

/// What an action's `@ref` is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefKind {
    /// No `@ref` at all.
    Missing,
    /// A full 40-hex-digit commit SHA: the only immutable pin.
    FullSha,
    /// A release-tag-like ref: `v4`, `v4.1.0`, `4.1`, `v1-node16`. `major` is its first number.
    Version {
        major: u64,
        /// The numbers after the major (`[1, 0]` for `v4.1.0`).
        rest: Vec<u64>,
        /// Anything after the numbers (`-node16`).
        suffix: String,
    },
    /// Anything else: a branch (`main`, `master`, `refs/heads/x`), `HEAD`, `latest`, an
    /// abbreviated SHA — a ref that can move.
    Moving,
}

/// Well-known branch names, for wording only.
const BRANCH_NAMES: &[&str] = &[
    "main",
    "master",
    "develop",
    "development",
    "dev",
    "trunk",
    "head",
    "next",
    "nightly",
    "stable",
    "release",
    "releases",
];

impl RefKind {
    /// Classifies a `uses:` ref. Never panics.
    pub fn of(git_ref: Option<&str>) -> RefKind {
        let Some(r) = git_ref else {
            return RefKind::Missing;
        };
        if r.len() == 40 && r.bytes().all(|b| b.is_ascii_hexdigit()) {
            return RefKind::FullSha;
        }
        let body = r
            .strip_prefix('v')
            .or_else(|| r.strip_prefix('V'))
            .unwrap_or(r);
        let digits_end = body
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(body.len());
        let (numbers, suffix) = body.split_at(digits_end);
        let parts: Vec<&str> = numbers.split('.').collect();
        let well_formed = !numbers.is_empty()
            && !numbers.ends_with('.')
            && parts.iter().all(|p| !p.is_empty() && p.len() <= 9)
            && (suffix.is_empty() || suffix.starts_with(['-', '+']));
        // A bare run of digits without `v` could be an abbreviated SHA (all digits) of 7+.
        let looks_like_short_sha =
            body.len() == r.len() && suffix.is_empty() && parts.len() == 1 && numbers.len() >= 7;
        if well_formed && !looks_like_short_sha {
            let mut nums = parts.iter().map(|p| p.parse::<u64>().unwrap_or(0));
            let major = nums.next().unwrap_or(0);
            return RefKind::Version {
                major,
                rest: nums.collect(),
                suffix: suffix.to_string(),
            };
        }
        RefKind::Moving
    }
}

/// How a message names a moving ref: "the branch `main`" or "`@x`, which is not a release tag".
pub fn describe_moving_ref(git_ref: &str) -> String {
    let name = git_ref.strip_prefix("refs/heads/").unwrap_or(git_ref);
    let is_branch = git_ref.starts_with("refs/heads/")
        || BRANCH_NAMES.iter().any(|b| b.eq_ignore_ascii_case(name));
    if is_branch {
        format!("`@{git_ref}`, a moving branch ref")
    } else if git_ref.len() >= 7 && git_ref.bytes().all(|b| b.is_ascii_hexdigit()) {
        format!("`@{git_ref}`, an abbreviated commit SHA (only a full 40-character SHA is an immutable pin; a branch or tag with that name would win)")
    } else {
        format!("`@{git_ref}`, which is neither a release tag nor a full commit SHA (most likely a branch, which moves)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(major: u64, rest: &[u64], suffix: &str) -> RefKind {
        RefKind::Version {
            major,
            rest: rest.to_vec(),
            suffix: suffix.to_string(),
        }
    }

    #[test]
    fn classifies_refs() {
        let cases: Vec<(Option<&str>, RefKind)> = vec![
            (None, RefKind::Missing),
            (
                Some("e3dd6a429d7300a6a4c196c26e071d42e0343502"),
                RefKind::FullSha,
            ),
            (
                Some("E3DD6A429D7300A6A4C196C26E071D42E0343502"),
                RefKind::FullSha,
            ),
            (Some("v4"), version(4, &[], "")),
            (Some("v4.1.0"), version(4, &[1, 0], "")),
            (Some("V6.3"), version(6, &[3], "")),
            (Some("4.0.2"), version(4, &[0, 2], "")),
            (Some("v1-node16"), version(1, &[], "-node16")),
            (Some("v1.7.0"), version(1, &[7, 0], "")),
            (Some("v3.0.0-beta.1"), version(3, &[0, 0], "-beta.1")),
            (Some("main"), RefKind::Moving),
            (Some("master"), RefKind::Moving),
            (Some("develop"), RefKind::Moving),
            (Some("HEAD"), RefKind::Moving),
            (Some("refs/heads/main"), RefKind::Moving),
            (Some("e3dd6a4"), RefKind::Moving),
            (Some("1234567"), RefKind::Moving),
            (Some("v"), RefKind::Moving),
            (Some("v4."), RefKind::Moving),
            (Some("v4..1"), RefKind::Moving),
            (Some("v4x"), RefKind::Moving),
            (Some("release/v4"), RefKind::Moving),
            (Some("v99999999999999999999"), RefKind::Moving),
            (
                Some("e3dd6a429d7300a6a4c196c26e071d42e034350"),
                RefKind::Moving,
            ),
            (Some("é"), RefKind::Moving),
        ];
        for (input, expected) in cases {
            assert_eq!(RefKind::of(input), expected, "{input:?}");
        }
    }

    #[test]
    fn describes_moving_refs() {
        assert!(describe_moving_ref("main").contains("branch"));
        assert!(describe_moving_ref("refs/heads/feature").contains("branch"));
        assert!(describe_moving_ref("e3dd6a4").contains("abbreviated"));
        assert!(describe_moving_ref("my-fork").contains("neither"));
    }

    #[test]
    fn credential_actions_come_from_the_consumer_table() {
        let names = credential_actions();
        for expected in [
            CONFIGURE_AWS_CREDENTIALS,
            "azure/login",
            "google-github-actions/auth",
            "hashicorp/vault-action",
        ] {
            assert!(names.contains(&expected), "{names:?}");
        }
        assert!(!names.contains(&"actions/github-script"));
    }
}
