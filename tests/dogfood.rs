//! trustlint on this repository's own CI: its workflows and action are clean, and so is the
//! whole repository outside the deliberately flawed fixtures (what `.github/workflows/ci.yml`
//! runs).

use assert_cmd::Command;
use serde_json::Value;

fn check(args: &[&str]) -> (Option<i32>, Value) {
    let output = Command::new(env!("CARGO_BIN_EXE_trustlint"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["check", "--format", "json", "--fail-on", "info"])
        .args(args)
        .output()
        .expect("trustlint runs");
    (
        output.status.code(),
        serde_json::from_slice(&output.stdout).expect("JSON report"),
    )
}

#[test]
fn own_workflows_and_action_are_clean() {
    let (code, report) = check(&[".github", "action.yml", ".pre-commit-hooks.yaml"]);
    assert_eq!(report["findings"], Value::Array(vec![]), "{report}");
    assert_eq!(code, Some(0));
    assert!(report["files_scanned"].as_u64().unwrap() >= 1, "{report}");
}

#[test]
fn own_repository_is_clean_outside_the_fixtures() {
    let (code, report) = check(&[".", "--exclude", "fixtures", "--exclude", "tests"]);
    assert_eq!(report["findings"], Value::Array(vec![]), "{report}");
    assert_eq!(code, Some(0));
}
