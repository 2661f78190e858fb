//! The GitHub Action's scripts (`action/*.sh`), run locally: `install.sh` against a fake
//! release directory built here (no network), `run.sh` with the binary under test, and
//! `cache-key.sh`. Unix only: the scripts are bash and the fake release is a tar.gz.
#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const VERSION: &str = env!("CARGO_PKG_VERSION");
const TARGET: &str = "x86_64-unknown-linux-musl";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn sha256(path: &Path) -> String {
    let out = Command::new("sha256sum").arg(path).output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()[..64].to_string()
}

/// A release directory laid out like GitHub's download URLs: `<dir>/v<version>/<asset>`, with
/// the binary under test packed as the Linux x86_64 archive.
struct FakeRelease {
    dir: tempfile::TempDir,
}

impl FakeRelease {
    fn new(commit: &str) -> FakeRelease {
        let dir = tempfile::tempdir().unwrap();
        let release = dir.path().join(format!("v{VERSION}"));
        let stage = dir
            .path()
            .join(format!("stage/trustlint-{VERSION}-{TARGET}"));
        std::fs::create_dir_all(&release).unwrap();
        std::fs::create_dir_all(&stage).unwrap();
        std::fs::copy(env!("CARGO_BIN_EXE_trustlint"), stage.join("trustlint")).unwrap();
        let archive = format!("trustlint-{VERSION}-{TARGET}.tar.gz");
        let status = Command::new("tar")
            .current_dir(dir.path().join("stage"))
            .args(["-czf"])
            .arg(release.join(&archive))
            .arg(format!("trustlint-{VERSION}-{TARGET}"))
            .status()
            .unwrap();
        assert!(status.success());
        let sum = sha256(&release.join(&archive));
        std::fs::write(
            release.join("SHA256SUMS"),
            format!("{sum}  {archive}\n{}  other.zip\n", "0".repeat(64)),
        )
        .unwrap();
        std::fs::write(release.join("source-commit.txt"), format!("{commit}\n")).unwrap();
        FakeRelease { dir }
    }

    fn release_dir(&self) -> PathBuf {
        self.dir.path().join(format!("v{VERSION}"))
    }
}

struct Run {
    output: Output,
    github_output: String,
}

impl Run {
    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }
    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }
    fn value(&self, key: &str) -> Option<String> {
        self.github_output
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{key}=")).map(str::to_string))
    }
}

fn script(name: &str, cwd: &Path, env: &[(&str, &str)]) -> Run {
    let scratch = tempfile::tempdir().unwrap();
    let github_output = scratch.path().join("github_output");
    std::fs::write(&github_output, "").unwrap();
    let mut cmd = Command::new("bash");
    cmd.arg(root().join("action").join(name))
        .current_dir(cwd)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", scratch.path())
        .env("GITHUB_OUTPUT", &github_output)
        .env("RUNNER_TEMP", scratch.path())
        .env("NO_COLOR", "1");
    for (key, value) in env {
        cmd.env(key, value);
    }
    let output = cmd.output().expect("bash runs");
    Run {
        output,
        github_output: std::fs::read_to_string(&github_output).unwrap(),
    }
}

fn install(release: &FakeRelease, install_dir: &Path, extra: &[(&str, &str)]) -> Run {
    let releases = release.dir.path().to_str().unwrap().to_string();
    let mut env = vec![
        ("TRUSTLINT_ACTION_PATH", root().to_str().unwrap()),
        ("TRUSTLINT_RELEASES", releases.as_str()),
        ("TRUSTLINT_INSTALL_DIR", install_dir.to_str().unwrap()),
        ("RUNNER_OS", "Linux"),
        ("RUNNER_ARCH", "X64"),
    ];
    env.extend_from_slice(extra);
    script("install.sh", root(), &env)
}

fn tools_present() -> bool {
    let ok = ["curl", "tar", "sha256sum"].iter().all(|t| have(t));
    if !ok {
        println!("skipped: the action script test needs curl, tar and sha256sum");
    }
    ok
}

#[test]
fn install_takes_the_release_of_the_actions_own_tag_and_checks_its_sha256() {
    if !tools_present() {
        return;
    }
    let release = FakeRelease::new(&"a".repeat(40));
    let bin_dir = tempfile::tempdir().unwrap();
    let tag = format!("v{VERSION}");
    let run = install(&release, bin_dir.path(), &[("TRUSTLINT_ACTION_REF", &tag)]);
    assert!(run.output.status.success(), "{}", run.stderr());
    assert_eq!(
        run.value("found").as_deref(),
        Some("true"),
        "{}",
        run.stderr()
    );
    let bin = PathBuf::from(run.value("bin").unwrap());
    assert_eq!(bin, bin_dir.path().join("trustlint"));
    let version = Command::new(&bin).arg("--version").output().unwrap();
    assert!(String::from_utf8_lossy(&version.stdout).contains(VERSION));
    assert!(
        run.stderr().contains("SHA-256 verified"),
        "{}",
        run.stderr()
    );

    // The same, with the releases given as a file:// URL and the ref taken from the action's
    // directory name (as the runner lays actions out) when github.action_ref is empty.
    let url = format!("file://{}", release.dir.path().display());
    let checkout = tempfile::tempdir().unwrap();
    let action = checkout.path().join(&tag);
    std::fs::create_dir_all(&action).unwrap();
    std::fs::copy(root().join("Cargo.toml"), action.join("Cargo.toml")).unwrap();
    let run = install(
        &release,
        bin_dir.path(),
        &[
            ("TRUSTLINT_RELEASES", &url),
            ("TRUSTLINT_ACTION_PATH", action.to_str().unwrap()),
        ],
    );
    assert_eq!(
        run.value("found").as_deref(),
        Some("true"),
        "{}",
        run.stderr()
    );
}

#[test]
fn install_refuses_a_binary_whose_checksum_does_not_match() {
    if !tools_present() {
        return;
    }
    let release = FakeRelease::new(&"a".repeat(40));
    let sums = release.release_dir().join("SHA256SUMS");
    let text = std::fs::read_to_string(&sums).unwrap();
    std::fs::write(&sums, format!("{}{}", "f".repeat(64), &text[64..])).unwrap();
    let bin_dir = tempfile::tempdir().unwrap();
    let tag = format!("v{VERSION}");
    let run = install(&release, bin_dir.path(), &[("TRUSTLINT_ACTION_REF", &tag)]);
    assert!(
        !run.output.status.success(),
        "a bad checksum fails the step"
    );
    assert!(
        run.stderr().contains("checksum mismatch"),
        "{}",
        run.stderr()
    );
    assert_eq!(run.value("found"), None, "no fallback on a bad checksum");
    assert!(!bin_dir.path().join("trustlint").exists());
}

#[test]
fn install_matches_a_commit_sha_only_to_the_commit_the_release_was_built_from() {
    if !tools_present() {
        return;
    }
    let commit = "0123456789abcdef0123456789abcdef01234567";
    let release = FakeRelease::new(commit);
    let bin_dir = tempfile::tempdir().unwrap();
    let run = install(
        &release,
        bin_dir.path(),
        &[("TRUSTLINT_ACTION_REF", commit)],
    );
    assert_eq!(
        run.value("found").as_deref(),
        Some("true"),
        "{}",
        run.stderr()
    );

    let other = "fedcba9876543210fedcba9876543210fedcba98";
    let run = install(&release, bin_dir.path(), &[("TRUSTLINT_ACTION_REF", other)]);
    assert!(run.output.status.success(), "{}", run.stderr());
    assert_eq!(run.value("found").as_deref(), Some("false"));
    assert!(
        run.stderr().contains("building from source"),
        "{}",
        run.stderr()
    );
}

#[test]
fn install_falls_back_when_no_release_matches() {
    if !tools_present() {
        return;
    }
    let release = FakeRelease::new(&"a".repeat(40));
    let bin_dir = tempfile::tempdir().unwrap();
    let tag = format!("v{VERSION}");
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            vec![("TRUSTLINT_ACTION_REF", "main")],
            "is not the release tag",
        ),
        (
            vec![
                ("TRUSTLINT_ACTION_REF", &tag),
                ("RUNNER_ARCH", "ARM64"),
                ("RUNNER_OS", "Windows"),
            ],
            "no release build for Windows/ARM64",
        ),
        (
            vec![("TRUSTLINT_ACTION_REF", &tag), ("RUNNER_ARCH", "ARM64")],
            "has no trustlint-",
        ),
    ];
    for (env, reason) in cases {
        let run = install(&release, bin_dir.path(), &env);
        assert!(run.output.status.success(), "{env:?}: {}", run.stderr());
        assert_eq!(run.value("found").as_deref(), Some("false"), "{env:?}");
        assert!(run.stderr().contains(reason), "{env:?}: {}", run.stderr());
    }
    // No release at all for this version.
    std::fs::remove_dir_all(release.release_dir()).unwrap();
    let run = install(&release, bin_dir.path(), &[("TRUSTLINT_ACTION_REF", &tag)]);
    assert_eq!(run.value("found").as_deref(), Some("false"));
    assert!(
        run.stderr().contains("has no SHA256SUMS"),
        "{}",
        run.stderr()
    );
}

fn run_scan(cwd: &Path, paths: &str, extra: &[(&str, &str)]) -> Run {
    let mut env = vec![
        ("TRUSTLINT_BIN", env!("CARGO_BIN_EXE_trustlint")),
        ("TRUSTLINT_PATHS", paths),
        ("TRUSTLINT_FAIL_ON", "high"),
    ];
    env.extend_from_slice(extra);
    script("run.sh", cwd, &env)
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

fn scan_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("trustlint.toml"), "").unwrap();
    std::fs::create_dir_all(dir.path().join("iam roles")).unwrap();
    std::fs::write(dir.path().join("iam roles/deploy.json"), BAD_POLICY).unwrap();
    std::fs::create_dir_all(dir.path().join("more")).unwrap();
    let good = BAD_POLICY.replace("repo:*", "repo:octo-org/octo-app:ref:refs/heads/main");
    std::fs::write(dir.path().join("more/ok.json"), good).unwrap();
    dir
}

#[test]
fn run_scans_once_writes_sarif_and_annotates() {
    let dir = scan_dir();
    // One path per line (indented as YAML block scalars are), including one with a space.
    let run = run_scan(dir.path(), "  iam roles/deploy.json\n  more\n", &[]);
    assert_eq!(run.output.status.code(), Some(1), "{}", run.stderr());
    assert_eq!(run.value("sarif").as_deref(), Some("trustlint.sarif"));
    let sarif: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("trustlint.sarif")).unwrap())
            .unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().all(
        |r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            == "iam%20roles/deploy.json"
    ));
    assert!(!results.is_empty());
    if have("python3") {
        // The annotations made from the report are those `--format github` prints.
        let github = Command::new(env!("CARGO_BIN_EXE_trustlint"))
            .current_dir(dir.path())
            .args([
                "check",
                "--format",
                "github",
                "iam roles/deploy.json",
                "more",
            ])
            .output()
            .unwrap();
        let expected = String::from_utf8(github.stdout).unwrap();
        let stdout = run.stdout();
        assert!(
            stdout.starts_with("::error file=iam roles/deploy.json,line="),
            "{stdout}"
        );
        assert_eq!(stdout.lines().count(), results.len(), "{stdout}");
        for (ours, theirs) in stdout.lines().zip(expected.lines()) {
            let head = |l: &str| l.split("::").take(2).collect::<Vec<_>>().join("::");
            assert_eq!(head(ours), head(theirs), "same place, level and rule");
            let severity = ours.split("::").nth(2).unwrap().split(']').next().unwrap();
            assert!(
                theirs.contains(&format!("::{severity}]")),
                "{ours}\n{theirs}"
            );
        }
        assert!(!stdout.contains('\u{1b}'));
    } else {
        println!("annotations not checked: python3 is not installed");
    }
}

#[test]
fn run_takes_space_separated_paths_and_passes_the_exit_code() {
    let dir = scan_dir();
    let run = run_scan(dir.path(), "more", &[]);
    assert_eq!(run.output.status.code(), Some(0), "{}", run.stderr());
    assert_eq!(run.value("sarif").as_deref(), Some("trustlint.sarif"));

    // Two paths on one line; the bad policy is excluded by an extra argument.
    let run = run_scan(
        dir.path(),
        "more trustlint.toml",
        &[("TRUSTLINT_ARGS", "--exclude *.toml")],
    );
    assert_eq!(run.output.status.code(), Some(0), "{}", run.stderr());

    // A usage error: no report, so no `sarif` output for upload-sarif to choke on.
    let run = run_scan(dir.path(), "does-not-exist", &[]);
    assert_eq!(run.output.status.code(), Some(2), "{}", run.stderr());
    assert_eq!(run.value("sarif"), None, "{}", run.github_output);
    assert!(!dir.path().join("trustlint.sarif").exists());
}

#[test]
fn cache_key_covers_the_rule_pages() {
    let key = |action: &Path| {
        let run = script(
            "cache-key.sh",
            root(),
            &[
                ("TRUSTLINT_ACTION_PATH", action.to_str().unwrap()),
                ("RUNNER_OS", "Linux"),
                ("RUNNER_ARCH", "X64"),
            ],
        );
        assert!(run.output.status.success(), "{}", run.stderr());
        run.value("key").unwrap()
    };
    let copy = tempfile::tempdir().unwrap();
    for entry in ["Cargo.toml", "Cargo.lock"] {
        std::fs::copy(root().join(entry), copy.path().join(entry)).unwrap();
    }
    for dir in ["src", "rules"] {
        std::fs::create_dir_all(copy.path().join(dir)).unwrap();
        std::fs::write(copy.path().join(dir).join("a.txt"), "one").unwrap();
    }
    let before = key(copy.path());
    assert!(before.starts_with("trustlint-build-Linux-X64-"), "{before}");
    assert_eq!(key(copy.path()), before, "stable");
    std::fs::write(copy.path().join("rules/a.txt"), "two").unwrap();
    assert_ne!(key(copy.path()), before, "a rule page change is a new key");
}
