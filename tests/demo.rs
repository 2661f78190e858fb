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
