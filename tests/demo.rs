//! The README's first command: `trustlint check fixtures/demo`, its full human output and exit code.

use std::process::Command;

#[test]
fn the_demo_repository_reports_its_planted_problems() {
    let output = Command::new(env!("CARGO_BIN_EXE_trustlint"))
        .args(["check", "fixtures/demo", "--color", "never"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    for rule in [
        "trust-policy-denies-workflow",
        "missing-id-token-permission",
        "subject-admits-pull-request",
        "subject-any-owner",
        "missing-sub-condition",
        "duplicate-key",
        "static-aws-credentials",
    ] {
        assert!(
            stdout.contains(&format!("[{rule}]")),
            "{rule} missing from the demo output"
        );
    }
    insta::assert_snapshot!("demo", stdout);
}

#[test]
fn the_json_report_points_from_the_workflow_to_the_trust_policy() {
    let output = Command::new(env!("CARGO_BIN_EXE_trustlint"))
        .args(["check", "fixtures/demo", "--format", "json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let denial = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "trust-policy-denies-workflow")
        .expect("the demo's denial");
    assert_eq!(denial["path"], "fixtures/demo/.github/workflows/deploy.yml");
    let related = denial["related"].as_array().expect("related places");
    assert!(
        related
            .iter()
            .any(|r| r["path"] == "fixtures/demo/infra/iam/deploy-production.trust.json"),
        "{related:?}"
    );
}
