//! `check` on an explicit list of files (what pre-commit passes) still resolves cross-file
//! context: the other workflows of a named workflow's directory are read, never reported.

use assert_cmd::Command;
use serde_json::Value;

fn check_json(files: &[&str]) -> (Option<i32>, Value) {
    let output = Command::new(env!("CARGO_BIN_EXE_trustlint"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["check", "--format", "json"])
        .args(files)
        .output()
        .expect("trustlint runs");
    (
        output.status.code(),
        serde_json::from_slice(&output.stdout).expect("JSON report"),
    )
}

const CHAIN: &str = "fixtures/rules/missing-id-token-permission";

#[test]
fn a_reusable_workflow_named_alone_is_judged_with_its_callers() {
    // The caller does not grant id-token: write; only the callee is named.
    let (code, report) = check_json(&[&format!(
        "{CHAIN}/bad-reusable-chain/.github/workflows/_aws.yml"
    )]);
    assert_eq!(code, Some(1), "{report}");
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{report}");
    assert_eq!(findings[0]["rule"], "missing-id-token-permission");
    assert_eq!(
        findings[0]["path"],
        format!("{CHAIN}/bad-reusable-chain/.github/workflows/_aws.yml")
    );
    // The caller was read for context only: not counted, not reported.
    assert_eq!(report["files_scanned"], 1);

    let (code, report) = check_json(&[&format!(
        "{CHAIN}/good-reusable-chain/.github/workflows/_aws.yml"
    )]);
    assert_eq!(code, Some(0), "{report}");
    assert_eq!(report["findings"], Value::Array(vec![]));
}

#[test]
fn context_workflows_are_not_reported() {
    // The caller of the bad chain has the finding-free side; naming the callee of the good
    // chain must not report anything of the bad chain, and naming the caller reports only it.
    let (_, report) = check_json(&[&format!(
        "{CHAIN}/bad-reusable-chain/.github/workflows/deploy.yml"
    )]);
    for finding in report["findings"].as_array().unwrap() {
        assert_eq!(
            finding["path"],
            format!("{CHAIN}/bad-reusable-chain/.github/workflows/deploy.yml"),
            "{report}"
        );
    }
}
