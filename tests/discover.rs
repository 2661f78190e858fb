//! A directory scan judges only the workflows GitHub runs: those of the repository root's
//! `.github/workflows/`. Workflows in nested folders (linter test data, fixtures) get one notice
//! per folder; named on the command line, they are judged.

use std::path::Path;
use std::process::Command;

const FIXTURE: &str = "fixtures/discover/nested-testdata";

fn trustlint(args: &[&str]) -> (String, String, i32) {
    let output = Command::new(env!("CARGO_BIN_EXE_trustlint"))
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .env("NO_COLOR", "1")
        .output()
        .expect("runs trustlint");
    (
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
        output.status.code().unwrap(),
    )
}

#[test]
fn nested_workflow_folders_are_skipped_with_one_notice_each() {
    let (stdout, stderr, code) = trustlint(&["check", "--color", "never", FIXTURE]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    insta::assert_snapshot!(
        "discover_nested_testdata",
        format!("--- stdout\n{stdout}--- stderr\n{stderr}")
    );
}

#[test]
fn nested_workflows_named_explicitly_are_judged() {
    let file = format!("{FIXTURE}/checks/oidc/testdata/.github/workflows/keys.yml");
    let (stdout, _, code) = trustlint(&["check", "--format", "json", &file]);
    assert_eq!(code, 1, "{stdout}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"static-aws-credentials"), "{stdout}");

    // A nested folder named as a directory is the user's choice of root: judged.
    let dir = format!("{FIXTURE}/tests/fixtures/keys");
    let (stdout, _, code) = trustlint(&["check", "--format", "json", &dir]);
    assert_eq!(code, 1, "{stdout}");
}
