//! Helpers shared by the workflow permission and trigger rules: which steps of a job consume the
//! OIDC token, what runs the job, and how local reusable workflows connect caller jobs to the
//! jobs they call.

use crate::source::{Node, NodeKind, Span};
use crate::workflow::{
    declared_id_token, has_expression, local_action_consumer, oidc_consumer, scalar_text,
    split_workflow_path, token_user, ConsumerKind, IdTokenLevel, Job, OidcConsumer, Provenance,
    Step, UsesKind, UsesRef, Workflow,
};

/// The steps of a job that consume its OIDC token, in order.
pub fn consumers(job: &Job) -> Vec<(&Step, OidcConsumer)> {
    job.steps
        .iter()
        .filter_map(|s| oidc_consumer(s).map(|c| (s, c)))
        .collect()
}

/// [`consumers`], and the steps that run a local composite action which needs the token (a
/// wrapper around configure-aws-credentials), read from the workflow's repository.
pub fn consumers_with_local_actions<'j>(
    workflow_path: &std::path::Path,
    job: &'j Job,
) -> Vec<(&'j Step, OidcConsumer)> {
    job.steps
        .iter()
        .filter_map(|s| {
            oidc_consumer(s)
                .or_else(|| local_action_consumer(workflow_path, s))
                .map(|c| (s, c))
        })
        .collect()
}

/// The steps of a job that use its OIDC token when the job has it: [`consumers`] and the
/// steps that only use a granted token (npm publish, keyless signing from a script).
pub fn token_users(job: &Job) -> Vec<(&Step, OidcConsumer)> {
    job.steps
        .iter()
        .filter_map(|s| token_user(s).map(|c| (s, c)))
        .collect()
}

/// The span a finding about a step points at: its `uses:` value, else its `run:` script, else
/// the whole step.
pub fn step_anchor(step: &Step) -> Span {
    step.uses
        .as_ref()
        .map(|u| u.span)
        .or_else(|| step.run.as_ref().map(|r| r.span))
        .unwrap_or(step.span)
}

/// A short name for a step in messages: its `name`, else its `id`, else the action without
/// its ref (`aws-actions/configure-aws-credentials`), else `step N`.
pub fn step_label(step: &Step) -> String {
    if let Some(name) = &step.name {
        return format!("\"{}\"", name.value);
    }
    if let Some(id) = &step.id {
        return format!("\"{}\"", id.value);
    }
    if let Some(uses) = &step.uses {
        let raw = &uses.value.raw;
        let without_ref = match &uses.value.kind {
            UsesKind::Repository { .. } => raw.split('@').next().unwrap_or(raw),
            _ => raw,
        };
        return format!("`{without_ref}`");
    }
    format!("{}", step.index + 1)
}

/// What a consumer does with the token, as a verb phrase: "assumes an AWS role".
pub fn consumer_action(kind: ConsumerKind) -> &'static str {
    match kind {
        ConsumerKind::AwsCredentials => "assumes an AWS role with the job's OIDC token",
        ConsumerKind::AzureLogin => "signs in to Azure with the job's OIDC token",
        ConsumerKind::GoogleAuth => "authenticates to Google Cloud with the job's OIDC token",
        ConsumerKind::VaultJwt => "logs in to Vault with the job's OIDC token",
        ConsumerKind::PypiTrustedPublishing => "publishes to PyPI with the job's OIDC token",
        ConsumerKind::SigstoreSigning => "signs with a certificate for the job's OIDC token",
        ConsumerKind::Attestation => {
            "signs an attestation with a certificate for the job's OIDC token"
        }
        ConsumerKind::PagesDeployment => "deploys to GitHub Pages with the job's OIDC token",
        ConsumerKind::TrustedPublishing => "publishes a package with the job's OIDC token",
        ConsumerKind::Scorecard => "publishes Scorecard results with the job's OIDC token",
        ConsumerKind::Codecov => "uploads coverage with the job's OIDC token",
        ConsumerKind::TokenExchange => "exchanges the job's OIDC token for credentials",
        ConsumerKind::TokenRequestScript => "requests the job's OIDC token",
    }
}

/// What the token buys a consumer, for "… runs code with {this}".
pub fn consumer_grant(kind: ConsumerKind) -> &'static str {
    match kind {
        ConsumerKind::AwsCredentials => "the AWS role",
        ConsumerKind::AzureLogin => "the Azure identity",
        ConsumerKind::GoogleAuth => "the Google Cloud identity",
        ConsumerKind::VaultJwt => "the Vault role",
        ConsumerKind::PypiTrustedPublishing => "the right to publish the package",
        ConsumerKind::SigstoreSigning | ConsumerKind::Attestation => {
            "signatures in this repository's name"
        }
        ConsumerKind::PagesDeployment => "the Pages deployment",
        ConsumerKind::TrustedPublishing => "the right to publish the package",
        ConsumerKind::Scorecard => "the repository's published Scorecard results",
        ConsumerKind::Codecov => "the repository's coverage uploads",
        ConsumerKind::TokenExchange => "the credentials the token is exchanged for",
        ConsumerKind::TokenRequestScript => "whatever the token is exchanged for",
    }
}

/// What runs a job, as far as `runs-on` tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runner {
    /// A `self-hosted` label.
    SelfHosted,
    /// Only GitHub-hosted image labels (`ubuntu-latest`, `windows-2022`, `macos-14`…).
    GitHubHosted,
    /// An expression, a runner group, a custom label, or nothing.
    Unknown,
}

/// GitHub-hosted image label prefixes (standard runners; larger runners have custom labels).
const HOSTED_PREFIXES: &[&str] = &["ubuntu-", "windows-", "macos-"];

/// Reads `runs-on`: a label, a list of labels, or `{group, labels}`.
pub fn runner(job: &Job) -> Runner {
    let Some(node) = &job.runs_on else {
        return Runner::Unknown;
    };
    let labels = runner_labels(node);
    if labels.is_empty() {
        return Runner::Unknown;
    }
    if labels
        .iter()
        .any(|l| l.trim().eq_ignore_ascii_case("self-hosted"))
    {
        return Runner::SelfHosted;
    }
    let is_group = node
        .entries()
        .is_some_and(|e| e.iter().any(|e| e.key == "group"));
    let hosted = labels.iter().all(|l| {
        let l = l.trim().to_ascii_lowercase();
        !has_expression(&l) && HOSTED_PREFIXES.iter().any(|p| l.starts_with(p))
    });
    if hosted && !is_group {
        Runner::GitHubHosted
    } else {
        Runner::Unknown
    }
}

fn runner_labels(node: &Node) -> Vec<String> {
    match &node.kind {
        NodeKind::Array(items) => items.iter().filter_map(scalar_text).collect(),
        NodeKind::Object(entries) => entries
            .iter()
            .filter(|e| e.key == "labels")
            .flat_map(|e| runner_labels(&e.value))
            .collect(),
        _ => scalar_text(node).into_iter().collect(),
    }
}

/// A job of another workflow of the same repository that calls a workflow with
/// `uses: ./.github/workflows/<file>`.
#[derive(Debug, Clone, Copy)]
pub struct LocalCaller<'a> {
    pub path: &'a str,
    pub workflow: &'a Workflow,
    pub job: &'a Job,
    /// The caller job's `uses:` value.
    pub uses_span: Span,
}

/// The repository-relative target of a local reusable-workflow reference
/// (`.github/workflows/x.yml`), or `None` for anything else.
fn local_target(uses: &UsesRef) -> Option<String> {
    match &uses.kind {
        UsesKind::Local { path } if uses.is_reusable_workflow() => {
            let path = path.replace('\\', "/");
            Some(path.trim_start_matches("./").to_string())
        }
        _ => None,
    }
}

/// The direct local callers of the workflow at `callee_path` among `all` (never itself).
pub fn local_callers<'a>(
    callee_path: &str,
    all: &[(&'a str, &'a Workflow)],
) -> Vec<LocalCaller<'a>> {
    let Some((root, file)) = split_workflow_path(callee_path) else {
        return Vec::new();
    };
    let target = format!(".github/workflows/{file}");
    let mut out = Vec::new();
    for &(path, workflow) in all {
        if path == callee_path {
            continue;
        }
        if split_workflow_path(path).is_none_or(|(r, _)| r != root) {
            continue;
        }
        for job in &workflow.jobs {
            let Some(uses) = &job.uses else { continue };
            if local_target(&uses.value).as_deref() == Some(target.as_str()) {
                out.push(LocalCaller {
                    path,
                    workflow,
                    job,
                    uses_span: uses.span,
                });
            }
        }
    }
    out
}

/// The scanned workflow a caller job in `caller_path` calls with a local `uses:`; `None` for
/// remote reusable workflows and for local ones that were not scanned.
pub fn local_callee<'a>(
    caller_path: &str,
    job: &Job,
    all: &[(&'a str, &'a Workflow)],
) -> Option<(&'a str, &'a Workflow)> {
    let target = local_target(&job.uses.as_ref()?.value)?;
    let (root, _) = split_workflow_path(caller_path)?;
    let wanted = format!("{root}{target}");
    all.iter()
        .find(|(path, _)| path.replace('\\', "/") == wanted)
        .copied()
}

/// Whether a caller job must pass `id-token: write` on: the workflow it calls has a job that
/// consumes the token or asks for `id-token: write` itself (it fails at start without the
/// grant), directly or through its own callees. A remote or unscanned callee is assumed to
/// need it: the caller cannot be judged without seeing it.
pub fn caller_needs_id_token(caller_path: &str, job: &Job, all: &[(&str, &Workflow)]) -> bool {
    // The answer is "does any workflow reachable through calls need it", so each workflow is
    // looked at once (linear in the call graph, cycles included).
    let mut seen = Vec::new();
    needs(caller_path, job, all, &mut seen)
}

fn needs<'a>(
    caller_path: &str,
    job: &Job,
    all: &[(&'a str, &'a Workflow)],
    seen: &mut Vec<&'a str>,
) -> bool {
    let Some((path, workflow)) = local_callee(caller_path, job, all) else {
        return true;
    };
    if seen.contains(&path) {
        // Already looked at (or a cycle, which GitHub rejects): adds nothing.
        return false;
    }
    seen.push(path);
    workflow.jobs.iter().any(|j| {
        if j.is_caller() {
            return needs(path, j, all, seen);
        }
        let declared = declared_id_token(workflow, j);
        let asks = declared.level == IdTokenLevel::Write && declared.source != Provenance::Default;
        asks || !consumers(j).is_empty()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::parse_json;
    use crate::workflow::build_workflow;

    fn wf(json: &str) -> Workflow {
        let (w, _) = build_workflow(&parse_json(json).unwrap());
        w.unwrap()
    }

    fn runs_on(value: &str) -> Runner {
        let w = wf(&format!(
            r#"{{"on": "push", "jobs": {{"a": {{"runs-on": {value}, "steps": [{{"run": "x"}}]}}}}}}"#
        ));
        runner(&w.jobs[0])
    }

    #[test]
    fn runner_kinds() {
        assert_eq!(runs_on(r#""ubuntu-latest""#), Runner::GitHubHosted);
        assert_eq!(runs_on(r#"["ubuntu-24.04"]"#), Runner::GitHubHosted);
        assert_eq!(runs_on(r#""macos-14""#), Runner::GitHubHosted);
        assert_eq!(runs_on(r#""self-hosted""#), Runner::SelfHosted);
        assert_eq!(
            runs_on(r#"["self-hosted", "linux", "x64"]"#),
            Runner::SelfHosted
        );
        assert_eq!(
            runs_on(r#"{"group": "prod", "labels": ["Self-Hosted"]}"#),
            Runner::SelfHosted
        );
        assert_eq!(runs_on(r#"{"group": "ubuntu-runners"}"#), Runner::Unknown);
        assert_eq!(
            runs_on(r#"{"group": "g", "labels": "ubuntu-latest"}"#),
            Runner::Unknown
        );
        assert_eq!(runs_on(r#""${{ matrix.os }}""#), Runner::Unknown);
        assert_eq!(runs_on(r#""my-linux-box""#), Runner::Unknown);
        assert_eq!(runs_on("[]"), Runner::Unknown);
        assert_eq!(runs_on("{}"), Runner::Unknown);
        assert_eq!(runs_on("7"), Runner::Unknown);
    }

    #[test]
    fn step_labels() {
        let w = wf(r#"{"on": "push", "jobs": {"a": {"runs-on": "x", "steps": [
                {"name": "Configure", "uses": "aws-actions/configure-aws-credentials@v4"},
                {"id": "creds", "uses": "aws-actions/configure-aws-credentials@v4"},
                {"uses": "aws-actions/configure-aws-credentials@0123456789012345678901234567890123456789"},
                {"uses": "./.github/actions/x"},
                {"run": "make"}
            ]}}}"#);
        let labels: Vec<String> = w.jobs[0].steps.iter().map(step_label).collect();
        assert_eq!(
            labels,
            [
                "\"Configure\"",
                "\"creds\"",
                "`aws-actions/configure-aws-credentials`",
                "`./.github/actions/x`",
                "5"
            ]
        );
    }

    const CONSUMER: &str = r#"{"uses": "aws-actions/configure-aws-credentials@v4", "with": {"role-to-assume": "arn:aws:iam::123456789012:role/deploy", "aws-region": "eu-west-1"}}"#;

    #[test]
    fn callers_and_callees_resolve_within_one_repository() {
        let caller = wf(
            r#"{"on": "push", "jobs": {"call": {"uses": "./.github/workflows/aws.yml"}, "remote": {"uses": "o/r/.github/workflows/aws.yml@v1"}}}"#,
        );
        let callee = wf(&format!(
            r#"{{"on": "workflow_call", "jobs": {{"a": {{"runs-on": "x", "steps": [{CONSUMER}]}}}}}}"#
        ));
        let idle = wf(
            r#"{"on": "workflow_call", "jobs": {"a": {"runs-on": "x", "steps": [{"run": "make"}]}}}"#,
        );
        let all = [
            ("r/.github/workflows/deploy.yml", &caller),
            ("r/.github/workflows/aws.yml", &callee),
            ("other/.github/workflows/aws.yml", &idle),
        ];
        let callers = local_callers("r/.github/workflows/aws.yml", &all);
        assert_eq!(callers.len(), 1);
        assert_eq!(callers[0].job.id.value, "call");
        assert!(local_callers("other/.github/workflows/aws.yml", &all).is_empty());
        let (path, _) = local_callee("r/.github/workflows/deploy.yml", &caller.jobs[0], &all)
            .expect("resolved");
        assert_eq!(path, "r/.github/workflows/aws.yml");
        assert!(caller_needs_id_token(
            "r/.github/workflows/deploy.yml",
            &caller.jobs[0],
            &all
        ));
        // Remote: assumed to need it.
        assert!(local_callee("r/.github/workflows/deploy.yml", &caller.jobs[1], &all).is_none());
        assert!(caller_needs_id_token(
            "r/.github/workflows/deploy.yml",
            &caller.jobs[1],
            &all
        ));
        // The same caller in the other repository reaches the idle callee.
        let all = [
            ("other/.github/workflows/deploy.yml", &caller),
            ("other/.github/workflows/aws.yml", &idle),
        ];
        assert!(!caller_needs_id_token(
            "other/.github/workflows/deploy.yml",
            &caller.jobs[0],
            &all
        ));
    }

    #[test]
    fn callee_that_asks_for_the_token_needs_it_and_cycles_end() {
        let asks = wf(
            r#"{"on": "workflow_call", "permissions": {"id-token": "write"}, "jobs": {"a": {"runs-on": "x", "steps": [{"run": "make"}]}}}"#,
        );
        let caller =
            wf(r#"{"on": "push", "jobs": {"call": {"uses": "./.github/workflows/b.yml"}}}"#);
        let all = [
            (".github/workflows/a.yml", &caller),
            (".github/workflows/b.yml", &asks),
        ];
        assert!(caller_needs_id_token(
            ".github/workflows/a.yml",
            &caller.jobs[0],
            &all
        ));
        // a.yml calls b.yml, b.yml calls a.yml: no panic, no endless recursion.
        let a =
            wf(r#"{"on": "workflow_call", "jobs": {"x": {"uses": "./.github/workflows/b.yml"}}}"#);
        let b =
            wf(r#"{"on": "workflow_call", "jobs": {"y": {"uses": "./.github/workflows/a.yml"}}}"#);
        let all = [
            (".github/workflows/a.yml", &a),
            (".github/workflows/b.yml", &b),
        ];
        assert!(!caller_needs_id_token(
            ".github/workflows/a.yml",
            &a.jobs[0],
            &all
        ));
    }
}
