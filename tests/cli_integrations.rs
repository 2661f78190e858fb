//! `trustlint init`, `trustlint completions` and `trustlint man`.

use assert_cmd::Command;
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

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const WORKFLOW: &str = "name: deploy
on:
  push:
    branches: [main]
permissions:
  contents: read
  id-token: write
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: aws-actions/configure-aws-credentials@e3dd6a429d7300a6a4c196c26e071d42e0343502 # v4
        with:
          role-to-assume: arn:aws:iam::123456789012:role/deploy
          aws-region: eu-west-1
      - uses: aws-actions/configure-aws-credentials@e3dd6a429d7300a6a4c196c26e071d42e0343502 # v4
        with:
          role-to-assume: arn:aws:iam::123456789012:role/audit
          aws-region: eu-west-1
      - uses: aws-actions/configure-aws-credentials@e3dd6a429d7300a6a4c196c26e071d42e0343502 # v4
        with:
          role-to-assume: ${{ vars.OTHER_ROLE }}
          aws-region: eu-west-1
";

const POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {
        "Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
      },
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {
        "StringEquals": {
          "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
          "token.actions.githubusercontent.com:sub": "repo:octo-org/octo-app:ref:refs/heads/main"
        }
      }
    }
  ]
}
"#;

fn fake_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        ".git/config",
        "[core]\n\tbare = false\n[remote \"origin\"]\n\turl = https://github.com/octo-org/octo-app.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n",
    );
    write(root, ".git/HEAD", "ref: refs/heads/main\n");
    write(root, ".github/workflows/deploy.yml", WORKFLOW);
    write(root, "infra/iam/deploy.trust.json", POLICY);
    write(root, "package.json", "{\"name\": \"deploy\"}");
    dir
}

#[test]
fn init_writes_the_repository_and_the_roles() {
    let dir = fake_repo();
    let root = dir.path();
    let out = trustlint(root, &["init"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(root.join("trustlint.toml")).unwrap();
    assert!(
        text.contains("repository = \"octo-org/octo-app\"\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "\"arn:aws:iam::123456789012:role/deploy\" = \"infra/iam/deploy.trust.json\"\n"
        ),
        "{text}"
    );
    // No policy file is named after `audit`: the line is commented out, with why.
    assert!(
        text.contains("# \"arn:aws:iam::123456789012:role/audit\" = "),
        "{text}"
    );
    assert!(!text.contains("TODO"), "{text}");
    assert!(!text.contains("OTHER_ROLE"), "only literal ARNs: {text}");

    // The file is a valid configuration that `check` reads (and the repository is clean).
    let check = trustlint(root, &["check", "."]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn init_refuses_to_overwrite_without_force() {
    let dir = fake_repo();
    let root = dir.path();
    write(root, "trustlint.toml", "# mine\n");
    let out = trustlint(root, &["init", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    assert_eq!(
        std::fs::read_to_string(root.join("trustlint.toml")).unwrap(),
        "# mine\n"
    );
    let forced = trustlint(root, &["init", ".", "--force"]);
    assert_eq!(forced.status.code(), Some(0));
    assert!(std::fs::read_to_string(root.join("trustlint.toml"))
        .unwrap()
        .contains("octo-org/octo-app"));
}

#[test]
fn init_without_a_remote_leaves_the_repository_commented() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("repo");
    std::fs::create_dir_all(&sub).unwrap();
    let out = trustlint(dir.path(), &["init", "repo"]);
    assert_eq!(out.status.code(), Some(0));
    let text = std::fs::read_to_string(sub.join("trustlint.toml")).unwrap();
    assert!(text.contains("# repository = \"OWNER/NAME\""), "{text}");
    let check = trustlint(&sub, &["check", "."]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn completions_for_every_shell_mention_check() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = trustlint(here, &["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("check"), "{shell}: {text}");
        assert!(text.contains("--write-baseline"), "{shell}");
    }
    assert_eq!(
        trustlint(here, &["completions", "tcsh"]).status.code(),
        Some(2)
    );
}

#[test]
fn man_page_is_roff_and_mentions_check() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = trustlint(here, &["man"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with(".ie") || text.contains(".TH trustlint 1"),
        "{text}"
    );
    assert!(text.contains("check"), "{text}");

    let dir = tempfile::tempdir().unwrap();
    let out = trustlint(here, &["man", "--output-dir", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let page = std::fs::read_to_string(dir.path().join("trustlint-check.1")).unwrap();
    assert!(page.contains("baseline"), "{page}");
}
