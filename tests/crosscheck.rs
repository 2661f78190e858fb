//! The cross-check end to end: an aligned repository is clean, `--repository` names the
//! repository, and `suggest` round-trips through `check` and `simulate`.

use std::path::Path;
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn trustlint(args: &[&str], dir: &Path) -> (String, String, i32) {
    let output = Command::new(env!("CARGO_BIN_EXE_trustlint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("runs trustlint");
    (
        String::from_utf8(output.stdout).expect("utf-8"),
        String::from_utf8(output.stderr).expect("utf-8"),
        output.status.code().expect("exit code"),
    )
}

fn findings(dir: &Path, extra: &[&str]) -> Vec<serde_json::Value> {
    let mut args = vec!["check", ".", "--format", "json"];
    args.extend_from_slice(extra);
    let (stdout, stderr, _) = trustlint(&args, dir);
    let report: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout} {stderr}"));
    report["findings"].as_array().unwrap().clone()
}

/// Copies the workflows and trustlint.toml of a fixture repository (not its policies).
fn copy_workflows(fixture: &str, to: &Path) {
    let from = root().join("fixtures/crosscheck").join(fixture);
    std::fs::create_dir_all(to.join(".github/workflows")).unwrap();
    std::fs::copy(from.join("trustlint.toml"), to.join("trustlint.toml")).unwrap();
    for entry in std::fs::read_dir(from.join(".github/workflows")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(
            &path,
            to.join(".github/workflows").join(path.file_name().unwrap()),
        )
        .unwrap();
    }
}

#[test]
fn an_aligned_repository_has_no_findings() {
    let dir = root().join("fixtures/crosscheck/aligned");
    assert_eq!(findings(&dir, &[]), Vec::<serde_json::Value>::new());
}

#[test]
fn the_repository_flag_names_the_repository() {
    let dir = tempfile::tempdir().unwrap();
    copy_workflows("aligned", dir.path());
    std::fs::remove_file(dir.path().join("trustlint.toml")).unwrap();
    std::fs::copy(
        root().join("fixtures/crosscheck/aligned/infra/deploy.trust.json"),
        dir.path().join("deploy.json"),
    )
    .unwrap();
    // Without the repository nothing can be predicted: one info finding per job.
    let unknown = findings(dir.path(), &[]);
    assert!(
        unknown.iter().all(|f| f["rule"] == "unresolved-role"),
        "{unknown:#?}"
    );
    // Another repository's subjects are denied by the policy.
    let other = findings(dir.path(), &["--repository", "someone/else"]);
    assert!(
        other
            .iter()
            .any(|f| f["rule"] == "trust-policy-denies-workflow"),
        "{other:#?}"
    );
    // The right one: the deploy job is admitted (the staging role has no policy: info).
    let right = findings(dir.path(), &["--repository", "octo-org/octo-app"]);
    assert!(
        right.iter().all(|f| f["rule"] == "unresolved-role"),
        "{right:#?}"
    );
    let (_, stderr, code) = trustlint(&["check", ".", "--repository", "not a repo"], dir.path());
    assert_eq!(code, 2, "{stderr}");
}

fn subjects_round_trip(fixture: &str, roles: &[(&str, &[&str])], expect_clean: bool) {
    let dir = tempfile::tempdir().unwrap();
    copy_workflows(fixture, dir.path());
    for (role, subjects) in roles {
        let arn = format!("arn:aws:iam::123456789012:role/{role}");
        let (policy, stderr, code) = trustlint(&["suggest", ".", "--role", &arn], dir.path());
        assert_eq!(code, 0, "{stderr}");
        let parsed: serde_json::Value = serde_json::from_str(&policy).expect("a JSON policy");
        assert_eq!(parsed["Version"], "2012-10-17");
        let file = dir.path().join(format!("{role}.json"));
        std::fs::write(&file, &policy).unwrap();
        for subject in *subjects {
            let (out, err, code) = trustlint(
                &[
                    "simulate",
                    file.to_str().unwrap(),
                    "--claim",
                    &format!("sub={subject}"),
                    "--claim",
                    "aud=sts.amazonaws.com",
                ],
                dir.path(),
            );
            assert_eq!(code, 0, "{subject} not allowed by\n{policy}\n{out}{err}");
        }
        // Not the pull request subject, not another branch.
        for other in [
            "repo:octo-org/octo-app:pull_request",
            "repo:octo-org/octo-app:ref:refs/heads/feature/x",
        ] {
            let (_, _, code) = trustlint(
                &[
                    "simulate",
                    file.to_str().unwrap(),
                    "--claim",
                    &format!("sub={other}"),
                    "--claim",
                    "aud=sts.amazonaws.com",
                ],
                dir.path(),
            );
            assert_eq!(code, 1, "{other} allowed by\n{policy}");
        }
    }
    if expect_clean {
        assert_eq!(findings(dir.path(), &[]), Vec::<serde_json::Value>::new());
    } else {
        // Only the pattern rules may speak (a `release/**` filter needs a prefix pattern).
        let found = findings(dir.path(), &[]);
        assert!(
            found.iter().all(|f| f["rule"] == "subject-ref-prefix"),
            "{found:#?}"
        );
    }
}

#[test]
fn suggest_round_trips_through_check_and_simulate() {
    subjects_round_trip(
        "aligned",
        &[
            ("deploy", &["repo:octo-org/octo-app:environment:production"]),
            (
                "staging",
                &[
                    "repo:octo-org/octo-app:ref:refs/heads/main",
                    "repo:octo-org/octo-app:ref:refs/heads/staging",
                ],
            ),
        ],
        true,
    );
}

#[test]
fn suggest_uses_string_like_only_for_patterns() {
    subjects_round_trip(
        "release",
        &[(
            "release",
            &[
                "repo:octo-org/octo-app:ref:refs/heads/release/1.0",
                "repo:octo-org/octo-app:ref:refs/heads/release/2026-01",
            ],
        )],
        false,
    );
}

#[test]
fn suggest_lists_every_role() {
    let (stdout, stderr, code) = trustlint(&["suggest", "fixtures/crosscheck/aligned"], root());
    assert_eq!(code, 0, "{stderr}");
    let all: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let roles: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["role"].as_str().unwrap())
        .collect();
    assert_eq!(
        roles,
        [
            "arn:aws:iam::123456789012:role/deploy",
            "arn:aws:iam::123456789012:role/staging"
        ]
    );
}
