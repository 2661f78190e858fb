//! `trustlint suggest` says on stderr what it could not take into account; stdout stays JSON.

use std::process::Command;

fn repo(workflow: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("trustlint.toml"),
        "[github]\nrepository = \"octo-org/app\"\n",
    )
    .unwrap();
    let workflows = dir.path().join(".github/workflows");
    std::fs::create_dir_all(&workflows).unwrap();
    std::fs::write(workflows.join("deploy.yml"), workflow).unwrap();
    dir
}

const JOB: &str = "jobs:
  deploy:
    runs-on: ubuntu-latest
    ENVIRONMENT
    permissions:
      id-token: write
    steps:
      - uses: aws-actions/configure-aws-credentials@e3dd6a429d7300a6a4c196c26e071d42e0343502 # v4
        with:
          role-to-assume: arn:aws:iam::123456789012:role/deploy
          aws-region: us-east-1
";

#[test]
fn an_unpredictable_environment_is_named_not_dropped() {
    let dir = repo(&format!(
        "on:\n  push:\n    branches: [main]\n{}",
        JOB.replace("ENVIRONMENT", "environment: ${{ github.ref_name }}")
    ));
    let out = Command::new(env!("CARGO_BIN_EXE_trustlint"))
        .args(["suggest", "."])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("takes its environment from an expression"),
        "{stderr}"
    );
    assert_eq!(out.status.code(), Some(2), "{stderr}");
}

#[test]
fn a_predictable_repository_gets_json_on_stdout_and_no_note() {
    let dir = repo(&format!(
        "on:\n  push:\n    branches: [main]\n{}",
        JOB.replace("ENVIRONMENT", "environment: production")
    ));
    let out = Command::new(env!("CARGO_BIN_EXE_trustlint"))
        .args(["suggest", "."])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = json.to_string();
    assert!(
        text.contains("repo:octo-org/app:environment:production"),
        "{text}"
    );
    assert!(String::from_utf8(out.stderr).unwrap().is_empty());
}
