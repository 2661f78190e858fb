//! The PyPI wheel (`trustlint-iam`, maturin `bindings = "bin"`) round trip, and the Rust-free
//! pre-commit hook made from it (`pre-commit-mirror/`), both offline.
//!
//! Needs `TRUSTLINT_WHEELHOUSE`: a directory with the trustlint-iam wheel (and, for the hook, a
//! setuptools wheel); `bash .ci/run` builds it into `target/wheelhouse` with maturin from PyPI.
//! The hook test also needs `TRUSTLINT_PRE_COMMIT` (as tests/pre_commit.rs). Without them the
//! tests say they skipped.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn wheelhouse() -> Option<PathBuf> {
    let dir = std::env::var_os("TRUSTLINT_WHEELHOUSE").map(PathBuf::from);
    if dir.is_none() {
        println!("skipped: set TRUSTLINT_WHEELHOUSE to a directory with the trustlint-iam wheel (bash .ci/run does; it needs maturin from PyPI)");
    }
    dir
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A PATH with no Rust toolchain on it: only the system directories.
const RUST_FREE_PATH: &str = "/usr/local/bin:/usr/bin:/bin";

fn python() -> String {
    std::env::var("TRUSTLINT_PYTHON").unwrap_or_else(|_| "python3".into())
}

#[cfg(unix)]
#[test]
fn the_wheel_installs_into_a_fresh_virtualenv_and_runs() {
    let Some(wheels) = wheelhouse() else { return };
    let venv = tempfile::tempdir().unwrap();
    let status = Command::new(python())
        .args(["-m", "venv"])
        .arg(venv.path())
        .status()
        .expect("python3 runs");
    assert!(status.success(), "python3 -m venv");
    let pip = Command::new(venv.path().join("bin/pip"))
        .args(["install", "--quiet", "--no-index", "--find-links"])
        .arg(&wheels)
        .arg(format!("trustlint-iam=={VERSION}"))
        .output()
        .unwrap();
    assert!(pip.status.success(), "{}", text(&pip));

    let trustlint = venv.path().join("bin/trustlint");
    let version = Command::new(&trustlint)
        .arg("--version")
        .env("PATH", RUST_FREE_PATH)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&version.stdout).trim(),
        format!("trustlint {VERSION}")
    );

    let demo = Command::new(&trustlint)
        .current_dir(root())
        .args(["check", "--color", "never", "fixtures/demo"])
        .env("PATH", RUST_FREE_PATH)
        .output()
        .unwrap();
    assert_eq!(demo.status.code(), Some(1), "{}", text(&demo));
    assert!(
        text(&demo).contains("trust-policy-denies-workflow"),
        "{}",
        text(&demo)
    );
}

const BAD_POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": { "Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" },
    "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": {
      "StringEquals": { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
      "StringLike": { "token.actions.githubusercontent.com:sub": "repo:*" }
    }
  }]
}
"#;

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .current_dir(dir)
        .args(args)
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

#[cfg(unix)]
#[test]
fn the_pre_commit_mirror_hook_runs_from_the_wheel_without_rust() {
    let Some(wheels) = wheelhouse() else { return };
    let Some(pre_commit) = std::env::var_os("TRUSTLINT_PRE_COMMIT").map(PathBuf::from) else {
        println!("skipped: set TRUSTLINT_PRE_COMMIT (bash .ci/run does)");
        return;
    };
    let scratch = tempfile::tempdir().unwrap();
    let mirror = scratch.path().join("mirror");
    let made = Command::new("bash")
        .arg(root().join("pre-commit-mirror/make"))
        .arg(&mirror)
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", text(&made));
    let hooks = std::fs::read_to_string(mirror.join(".pre-commit-hooks.yaml")).unwrap();
    assert!(hooks.contains("language: python"));
    let project = std::fs::read_to_string(mirror.join("pyproject.toml")).unwrap();
    assert!(project.contains(&format!("\"trustlint-iam=={VERSION}\"")));

    let repo = scratch.path().join("repo");
    std::fs::create_dir_all(repo.join("iam")).unwrap();
    git(&repo, &["init", "-q"]);
    std::fs::write(repo.join("iam/bad.json"), BAD_POLICY).unwrap();
    let good = BAD_POLICY.replace("repo:*", "repo:octo-org/octo-app:ref:refs/heads/main");
    std::fs::write(repo.join("iam/good.json"), good).unwrap();
    git(&repo, &["add", "-A"]);

    // pip may only use the wheelhouse: no index, no network, no cargo on PATH.
    let python_dir = Path::new(&pre_commit).parent().unwrap().to_path_buf();
    let run = |file: &str| {
        Command::new(&pre_commit)
            .current_dir(&repo)
            .args([
                "try-repo",
                mirror.to_str().unwrap(),
                "trustlint",
                "--verbose",
            ])
            .args(["--ref", &format!("v{VERSION}"), "--files", file])
            .env("PRE_COMMIT_HOME", scratch.path().join("pre-commit-home"))
            .env("PIP_NO_INDEX", "1")
            .env("PIP_FIND_LINKS", &wheels)
            .env("PATH", format!("{}:{RUST_FREE_PATH}", python_dir.display()))
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    };
    let bad = run("iam/bad.json");
    assert_eq!(bad.status.code(), Some(1), "{}", text(&bad));
    assert!(text(&bad).contains("subject-any-owner"), "{}", text(&bad));
    let good = run("iam/good.json");
    assert_eq!(good.status.code(), Some(0), "{}", text(&good));
}
