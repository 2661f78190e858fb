//! The real pre-commit runs the hook of `.pre-commit-hooks.yaml` (built from this repository with
//! `cargo install`) on a fixture repository: a bad trust policy fails, a good one passes, and a
//! reusable workflow named alone is judged with its callers.
//!
//! Needs `TRUSTLINT_PRE_COMMIT`, the path of a `pre-commit` executable; `bash .ci/run` installs
//! one into `target/ci-venv` and sets it. `try-repo` installs the hook into a fresh temporary
//! store each time; its release build goes to the build directory of this test run
//! (`$CARGO_TARGET_DIR`, else `target/`), where `.ci/run` has already built the release binary
//! for the wheel, so that the hook's `cargo install` finds it up to date.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BAD_POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {
        "Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
      },
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {
        "StringEquals": { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
        "StringLike": { "token.actions.githubusercontent.com:sub": "repo:*" }
      }
    }
  ]
}
"#;

fn good_policy() -> String {
    BAD_POLICY.replace("repo:*", "repo:octo-org/octo-app:ref:refs/heads/main")
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .current_dir(dir)
        .args(args)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

fn pre_commit(pre_commit: &Path, dir: &Path, files: &[&str]) -> Output {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| here.join("target"));
    Command::new(pre_commit)
        .current_dir(dir)
        .args([
            "try-repo",
            here.to_str().unwrap(),
            "trustlint",
            "--verbose",
            "--files",
        ])
        .args(files)
        .env("CARGO_TARGET_DIR", target)
        .env("NO_COLOR", "1")
        .output()
        .expect("pre-commit runs")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn pre_commit_try_repo_runs_the_hook() {
    let Some(exe) = std::env::var_os("TRUSTLINT_PRE_COMMIT").map(PathBuf::from) else {
        println!("skipped: set TRUSTLINT_PRE_COMMIT (bash .ci/run does)");
        return;
    };
    let repo = tempfile::tempdir().unwrap();
    let root = repo.path();
    git(root, &["init", "-q"]);
    std::fs::create_dir_all(root.join("iam")).unwrap();
    std::fs::write(root.join("iam/bad.trust.json"), BAD_POLICY).unwrap();
    std::fs::write(root.join("iam/good.trust.json"), good_policy()).unwrap();
    let chain = Path::new(env!("CARGO_MANIFEST_DIR")).join(
        "fixtures/rules/workflow/missing-id-token-permission/bad-reusable-chain/.github/workflows",
    );
    std::fs::create_dir_all(root.join(".github/workflows")).unwrap();
    for name in ["deploy.yml", "_aws.yml"] {
        std::fs::copy(chain.join(name), root.join(".github/workflows").join(name)).unwrap();
    }
    git(root, &["add", "-A"]);

    let bad = pre_commit(&exe, root, &["iam/bad.trust.json"]);
    assert_eq!(bad.status.code(), Some(1), "{}", text(&bad));
    assert!(text(&bad).contains("subject-any-owner"), "{}", text(&bad));

    let good = pre_commit(&exe, root, &["iam/good.trust.json"]);
    assert_eq!(good.status.code(), Some(0), "{}", text(&good));

    // Only the callee changed: its callers are still read, so the lost id-token is found.
    let callee = pre_commit(&exe, root, &[".github/workflows/_aws.yml"]);
    assert_eq!(callee.status.code(), Some(1), "{}", text(&callee));
    assert!(
        text(&callee).contains("missing-id-token-permission"),
        "{}",
        text(&callee)
    );
}
