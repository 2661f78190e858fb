//! Behaviour of the workflow permission and trigger rules over small repositories of workflows
//! (cross-file cases the fixtures do not all cover), and no panic on odd input.

use crate::rules::{all_rules, Finding, Settings, WorkflowContext, Workflows};
use crate::source::{parse_yaml, SourceFile};
use crate::workflow::build_workflow;
use std::path::Path;
use std::sync::Arc;

/// Runs every rule over the workflows (path, YAML) as one scan would; returns (rule, path,
/// message) of each finding. Every file must be valid YAML.
fn run(files: &[(&str, &str)]) -> Vec<(String, String, String)> {
    for (path, text) in files {
        if let Err(e) = parse_yaml(text) {
            panic!("{path}: {e:?}\n{text}");
        }
    }
    run_any(files)
}

/// [`run`] that skips files that are not YAML.
fn run_any(files: &[(&str, &str)]) -> Vec<(String, String, String)> {
    let sources: Vec<Arc<SourceFile>> = files
        .iter()
        .map(|(path, text)| Arc::new(SourceFile::new(Path::new(path), text.to_string())))
        .collect();
    let built: Vec<_> = sources
        .iter()
        .filter_map(|s| {
            let root = parse_yaml(&s.text).ok()?;
            let (w, problems) = build_workflow(&root);
            Some((Arc::clone(s), w?, problems))
        })
        .collect();
    let workflows = Workflows::new(built.iter().map(|(s, w, _)| (s.as_ref(), w)).collect());
    let settings = Settings::default();
    let mut out: Vec<Finding> = Vec::new();
    for (source, workflow, problems) in &built {
        let ctx = WorkflowContext {
            file: source,
            workflow,
            problems,
            settings: &settings,
            workflows: &workflows,
        };
        for rule in all_rules() {
            rule.check_workflow(&ctx, &mut out);
        }
    }
    out.into_iter()
        .map(|f| (f.rule.to_string(), f.file.display_path.clone(), f.message))
        .collect()
}

fn rules_of(findings: &[(String, String, String)]) -> Vec<&str> {
    findings.iter().map(|(r, _, _)| r.as_str()).collect()
}

const AWS: &str = "      - uses: aws-actions/configure-aws-credentials@e3dd6a429d7300a6a4c196c26e071d42e0343502 # v4
        with:
          role-to-assume: arn:aws:iam::123456789012:role/deploy
          aws-region: eu-west-1
";

fn callee(on: &str, perms: &str, extra_steps: &str) -> String {
    format!(
        "on: {on}
{perms}jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
{extra_steps}{AWS}"
    )
}

#[test]
fn a_reusable_workflow_without_local_callers_is_left_to_its_caller() {
    let f = run(&[(
        "r/.github/workflows/_aws.yml",
        &callee("workflow_call", "", ""),
    )]);
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn a_reusable_workflow_that_drops_id_token_itself_is_reported_without_callers() {
    let f = run(&[(
        "r/.github/workflows/_aws.yml",
        &callee("workflow_call", "permissions:\n  contents: read\n", ""),
    )]);
    assert_eq!(rules_of(&f), ["missing-id-token-permission"], "{f:#?}");
    assert!(
        f[0].2.contains("a caller can only keep or lower"),
        "{}",
        f[0].2
    );
}

#[test]
fn a_reusable_workflow_also_run_directly_without_the_grant() {
    let caller = "on: push
jobs:
  call:
    permissions:
      contents: read
      id-token: write
    uses: ./.github/workflows/_aws.yml
";
    let f = run(&[
        ("r/.github/workflows/deploy.yml", caller),
        (
            "r/.github/workflows/_aws.yml",
            &callee("[workflow_call, workflow_dispatch]", "", ""),
        ),
    ]);
    assert_eq!(rules_of(&f), ["missing-id-token-permission"], "{f:#?}");
    assert!(
        f[0].2
            .contains("when it runs on its own events (`workflow_dispatch`)"),
        "{}",
        f[0].2
    );
}

#[test]
fn pull_request_reaches_a_called_workflow() {
    let caller = "on: pull_request
permissions:
  contents: read
jobs:
  call:
    permissions:
      contents: read
      id-token: write
    uses: ./.github/workflows/_aws.yml
";
    let f = run(&[
        ("r/.github/workflows/pr.yml", caller),
        (
            "r/.github/workflows/_aws.yml",
            &callee("workflow_call", "", ""),
        ),
    ]);
    assert_eq!(rules_of(&f), ["oidc-untrusted-trigger"], "{f:#?}");
    assert_eq!(f[0].1, "r/.github/workflows/_aws.yml");
    assert!(f[0].2.contains("is called from job `call`"), "{}", f[0].2);
    assert!(
        f[0].2.contains("forks GitHub issues no OIDC token"),
        "{}",
        f[0].2
    );
    // The caller job's `if:` rules the event out.
    let guarded = caller.replace(
        "    uses:",
        "    if: github.event_name != 'pull_request'\n    uses:",
    );
    let f = run(&[
        ("r/.github/workflows/pr.yml", &guarded),
        (
            "r/.github/workflows/_aws.yml",
            &callee("workflow_call", "", ""),
        ),
    ]);
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn pull_request_guards() {
    let base = "on: [push, pull_request]
permissions:
  contents: read
  id-token: write
jobs:
  deploy:
    runs-on: ubuntu-latest
    JOB_CONDITION
    steps:
STEP_LIST";
    let doc = |job_if: &str, step_if: &str| {
        base.replace("JOB_CONDITION", job_if).replace(
            "STEP_LIST",
            &AWS.replacen("      - uses", &format!("      - {step_if}uses"), 1),
        )
    };
    let fired = |d: String| {
        rules_of(&run(&[("r/.github/workflows/ci.yml", &d)])).contains(&"oidc-untrusted-trigger")
    };
    assert!(fired(doc("", "")));
    assert!(!fired(doc("if: github.event_name == 'push'", "")));
    assert!(!fired(doc("if: github.ref == 'refs/heads/main'", "")));
    assert!(!fired(doc(
        "",
        "if: github.event_name != 'pull_request'\n        "
    )));
    assert!(fired(doc(
        "if: github.event_name == 'push' || github.actor == 'me'",
        ""
    )));
    let same_repo = run(&[(
        "r/.github/workflows/ci.yml",
        &doc(
            "if: github.event.pull_request.head.repo.full_name == github.repository",
            "",
        ),
    )]);
    assert!(
        same_repo[0].2.contains("skips pull requests from forks"),
        "{same_repo:#?}"
    );
}

#[test]
fn privileged_triggers_with_pull_request_code() {
    let doc = |on: &str, steps: &str| {
        format!(
            "on: {on}
permissions:
  contents: read
jobs:
  build:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      id-token: write
    steps:
{steps}{AWS}"
        )
    };
    let fired = |on: &str, steps: &str| {
        let f = run(&[("r/.github/workflows/w.yml", &doc(on, steps))]);
        f.iter().any(|(r, _, m)| {
            r == "oidc-untrusted-trigger" && (m.contains("checks out") || m.contains("fetches"))
        })
    };
    let checkout = |r: &str| {
        format!("      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4\n        with:\n          ref: {r}\n")
    };
    assert!(fired(
        "workflow_run",
        &checkout("${{ github.event.workflow_run.head_sha }}")
    ));
    assert!(fired(
        "pull_request_target",
        &checkout("${{ github.head_ref }}")
    ));
    assert!(fired(
        "issue_comment",
        &checkout("refs/pull/${{ github.event.issue.number }}/merge")
    ));
    assert!(!fired(
        "pull_request_target",
        &checkout("${{ github.event.pull_request.base.sha }}")
    ));
    assert!(!fired(
        "push",
        &checkout("${{ github.event.pull_request.head.sha }}")
    ));
    assert!(fired(
        "pull_request_target",
        "      - run: git fetch origin pull/${{ github.event.number }}/head && git checkout FETCH_HEAD\n"
    ));
    assert!(fired(
        "pull_request_target",
        "      - run: git checkout \"$HEAD\"\n        env:\n          HEAD: ${{ github.event.pull_request.head.sha }}\n"
    ));
    // Only echoing the value is not running the code.
    assert!(!fired(
        "pull_request_target",
        "      - run: echo \"$HEAD\"\n        env:\n          HEAD: ${{ github.event.pull_request.head.sha }}\n"
    ));
}

#[test]
fn excessive_grants_and_callers() {
    let remote = "on: push
permissions:
  contents: read
  id-token: write
jobs:
  call:
    uses: octo-org/shared/.github/workflows/deploy.yml@0123456789abcdef0123456789abcdef01234567
";
    assert!(run(&[("r/.github/workflows/a.yml", remote)]).is_empty());
    // write-all on a job that consumes is not excessive.
    let doc = format!(
        "on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    permissions: write-all
    steps:
{AWS}"
    );
    assert!(run(&[("r/.github/workflows/a.yml", &doc)]).is_empty());
    // A script that signs with cosign probably uses the token.
    let cosign = "on: push
permissions:
  contents: read
  id-token: write
  packages: write
jobs:
  sign:
    runs-on: ubuntu-latest
    steps:
      - run: cosign sign --yes ghcr.io/octo-org/app@${DIGEST}
";
    assert!(run(&[("r/.github/workflows/a.yml", cosign)]).is_empty());
}

#[test]
fn odd_workflows_never_panic() {
    let docs = [
        "",
        "[]",
        "on: push",
        "on: push\njobs: 7",
        "on: push\njobs:\n  a:\n",
        "on: push\npermissions: 7\njobs:\n  a:\n    permissions: [x]\n    uses: ./.github/workflows/w.yml\n",
        "on: workflow_call\njobs:\n  a:\n    uses: ./.github/workflows/w.yml\n",
        "on: [workflow_call, pull_request_target]\njobs:\n  a:\n    runs-on: {group: x}\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: [1]\n      - run: 7\n",
        "on: {pull_request: null, issue_comment: {}}\njobs:\n  a:\n    if: '${{'\n    runs-on: [self-hosted]\n    steps:\n      - uses: aws-actions/configure-aws-credentials@v4\n        with: {role-to-assume: x}\n        if: ((((\n",
        "on: pull_request_target\npermissions: {id-token: {}}\njobs:\n  a:\n    runs-on: x\n    permissions:\n      '': write\n      id-token: read\n    steps: [{run: gh pr checkout 1}]\n",
    ];
    for doc in docs {
        // Each alone, as two files calling each other, and as its own caller.
        let _ = run_any(&[("r/.github/workflows/w.yml", doc)]);
        let _ = run_any(&[
            ("r/.github/workflows/w.yml", doc),
            ("r/.github/workflows/x.yml", doc),
        ]);
        let calls = format!("{doc}\n");
        let _ = run_any(&[
            ("r/.github/workflows/w.yml", &calls),
            ("w.yml", doc),
            ("r/.github/workflows/", doc),
        ]);
    }
    // A chain of callers deeper than any real repository.
    let mut files: Vec<(String, String)> = Vec::new();
    for i in 0..40 {
        files.push((
            format!("r/.github/workflows/w{i}.yml"),
            format!(
                "on: [workflow_call, pull_request_target]\njobs:\n  a:\n    uses: ./.github/workflows/w{}.yml\n    with: {{ref: '${{{{ inputs.ref }}}}'}}\n  b:\n    uses: ./.github/workflows/w{}.yml\n  c:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n        with: {{ref: '${{{{ inputs.ref }}}}'}}\n{AWS}",
                (i + 1) % 40,
                (i + 7) % 40
            ),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let _ = run(&refs);
}
