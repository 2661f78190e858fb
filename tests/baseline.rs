//! `check --write-baseline` / `--baseline`: fingerprints survive line shifts and unrelated edits,
//! new problems are still reported, and a bad baseline file is a usage error.

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;
use std::process::Output;

fn trustlint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trustlint"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("trustlint runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).expect("JSON report")
}

const POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "OrgWide",
      "Effect": "Allow",
      "Principal": {
        "Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
      },
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {
        "StringEquals": { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
        "StringLike": { "token.actions.githubusercontent.com:sub": "repo:octo-org/*" }
      }
    }
  ]
}
"#;

/// The same policy with a statement inserted above the flawed one, blank lines above it and
/// an unrelated edit (another Sid's principal, the Version line moved down).
const POLICY_SHIFTED: &str = r#"{


  "Statement": [
    {
      "Sid": "CiReadOnly",
      "Effect": "Allow",
      "Principal": { "AWS": "arn:aws:iam::123456789012:role/ci" },
      "Action": "sts:AssumeRole"
    },
    {
      "Sid": "OrgWide",
      "Effect": "Allow",
      "Principal": {
        "Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
      },
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {
        "StringEquals": { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },

        "StringLike": { "token.actions.githubusercontent.com:sub": "repo:octo-org/*" }
      }
    }
  ],
  "Version": "2012-10-17"
}
"#;

const WORKFLOW: &str = "name: deploy
on:
  push:
    branches: [main]
permissions:
  contents: read
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: aws-actions/configure-aws-credentials@main
        with:
          role-to-assume: arn:aws:iam::123456789012:role/deploy
          aws-region: eu-west-1
";

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".github/workflows")).unwrap();
    std::fs::write(dir.path().join("deploy.trust.json"), POLICY).unwrap();
    std::fs::write(dir.path().join(".github/workflows/deploy.yml"), WORKFLOW).unwrap();
    dir
}

#[test]
fn baseline_survives_line_shifts_and_reports_only_new_findings() {
    let dir = setup();
    let root = dir.path();

    let before = trustlint(root, &["check", "--format", "json", "."]);
    assert_eq!(before.status.code(), Some(1), "{}", stderr(&before));
    let before_count = json(&before)["findings"].as_array().unwrap().len();
    assert!(
        before_count >= 3,
        "policy and workflow findings: {before_count}"
    );

    let written = trustlint(root, &["check", "--write-baseline", "baseline.json", "."]);
    assert_eq!(written.status.code(), Some(0), "{}", stderr(&written));
    assert_eq!(written.stdout, b"", "nothing on stdout");
    let recorded: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("baseline.json")).unwrap())
            .unwrap();
    assert_eq!(recorded["version"], 1);
    let entries = recorded["findings"].as_array().unwrap();
    assert_eq!(entries.len(), before_count);
    for entry in entries {
        for key in ["rule", "path", "fingerprint", "message"] {
            assert!(entry[key].is_string(), "{key} in {entry}");
        }
    }

    // Shift everything: lines and a statement above the policy's finding, steps and comments
    // above the workflow's.
    std::fs::write(root.join("deploy.trust.json"), POLICY_SHIFTED).unwrap();
    let shifted_workflow = WORKFLOW
        .replace(
            "name: deploy\n",
            "# The deploy workflow.\n\nname: deploy\nenv:\n  TZ: UTC\n",
        )
        .replace(
            "    steps:\n",
            "    steps:\n      - run: echo one\n      - run: echo two\n",
        );
    std::fs::write(root.join(".github/workflows/deploy.yml"), &shifted_workflow).unwrap();

    let after = trustlint(
        root,
        &[
            "check",
            "--format",
            "json",
            "--baseline",
            "baseline.json",
            ".",
        ],
    );
    assert_eq!(after.status.code(), Some(0), "{}", stderr(&after));
    let report = json(&after);
    assert_eq!(report["findings"], Value::Array(vec![]), "{report}");
    assert_eq!(report["baselined"], before_count);

    let human = trustlint(root, &["check", "--baseline", "baseline.json", "."]);
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains(&format!("({before_count} baselined)")),
        "summary counts the baselined findings: {text}"
    );

    // A new problem: exactly that one is reported.
    std::fs::write(
        root.join("deploy.trust.json"),
        POLICY_SHIFTED.replace(
            r#""repo:octo-org/*" }"#,
            r#"["repo:octo-org/*", "repo:*"] }"#,
        ),
    )
    .unwrap();
    let new = trustlint(
        root,
        &[
            "check",
            "--format",
            "json",
            "--baseline",
            "baseline.json",
            ".",
        ],
    );
    assert_eq!(new.status.code(), Some(1), "{}", stderr(&new));
    let report = json(&new);
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{report}");
    assert_eq!(findings[0]["rule"], "subject-any-owner");
    assert_eq!(report["baselined"], before_count);
}

#[test]
fn a_baseline_entry_absorbs_one_finding() {
    let dir = setup();
    let root = dir.path();
    let written = trustlint(root, &["check", "--write-baseline", "baseline.json", "."]);
    assert_eq!(written.status.code(), Some(0), "{}", stderr(&written));
    // Drop one entry of the baseline: exactly that finding comes back.
    let mut recorded: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("baseline.json")).unwrap())
            .unwrap();
    let removed = recorded["findings"].as_array_mut().unwrap().remove(0);
    std::fs::write(root.join("baseline.json"), recorded.to_string()).unwrap();
    let out = trustlint(
        root,
        &[
            "check",
            "--format",
            "json",
            "--baseline",
            "baseline.json",
            ".",
        ],
    );
    let findings = json(&out)["findings"].as_array().unwrap().clone();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["fingerprint"], removed["fingerprint"]);
}

#[test]
fn a_missing_or_invalid_baseline_is_a_usage_error() {
    let dir = setup();
    let root = dir.path();
    let missing = trustlint(root, &["check", "--baseline", "nope.json", "."]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("baseline nope.json"),
        "{}",
        stderr(&missing)
    );

    std::fs::write(root.join("bad.json"), "{\"findings\": 3}").unwrap();
    let invalid = trustlint(root, &["check", "--baseline", "bad.json", "."]);
    assert_eq!(invalid.status.code(), Some(2));
    assert!(
        stderr(&invalid).contains("not a trustlint baseline"),
        "{}",
        stderr(&invalid)
    );

    std::fs::write(root.join("v9.json"), "{\"version\": 9, \"findings\": []}").unwrap();
    let version = trustlint(root, &["check", "--baseline", "v9.json", "."]);
    assert_eq!(version.status.code(), Some(2));
    assert!(stderr(&version).contains("unsupported version 9"));
}
