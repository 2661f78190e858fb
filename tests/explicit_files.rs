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

const CHAIN: &str = "fixtures/rules/workflow/missing-id-token-permission";

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

#[test]
fn files_a_hook_passes_that_are_not_ours_get_notices_not_findings() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // Terraform whose embedded policy is not JSON (analysed, nothing to report), a Helm template
    // (not YAML), a broken workflow.
    std::fs::write(
        root.join("main.tf"),
        "resource \"aws_iam_role\" \"r\" {\n  assume_role_policy = <<EOF\n{\"Statement\": [{\"Action\": \"sts:AssumeRole\"\nEOF\n}\n",
    )
    .unwrap();
    std::fs::write(root.join("chart.yaml"), "{{- if .Values.on }}\nkey: [\n").unwrap();
    std::fs::write(root.join("ci.yml"), "on: push\njobs:\n  a: [\n").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_trustlint"))
        .current_dir(root)
        .args([
            "check",
            "--format",
            "json",
            "main.tf",
            "chart.yaml",
            "ci.yml",
        ])
        .output()
        .expect("trustlint runs");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let paths: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["ci.yml"], "{report}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("chart.yaml: not a GitHub Actions workflow"),
        "{stderr}"
    );
}
