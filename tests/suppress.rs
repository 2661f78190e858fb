//! Inline `# trustlint: ignore[...]` comments in workflows, end to end through the CLI.

use std::process::Command;

const WORKFLOW: &str = "on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: make
  build: # DIRECTIVE
    runs-on: ubuntu-latest
    steps:
      - run: make test
";

fn scan(workflow: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("trustlint.toml"), "").unwrap();
    let workflows = dir.path().join(".github/workflows");
    std::fs::create_dir_all(&workflows).unwrap();
    std::fs::write(workflows.join("ci.yml"), workflow).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_trustlint"))
        .args(["check", "--format", "json", "."])
        .current_dir(dir.path())
        .output()
        .unwrap();
    serde_json::from_slice(&output.stdout).unwrap()
}

fn rules(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn without_a_directive_the_finding_is_reported() {
    let report = scan(WORKFLOW);
    assert_eq!(rules(&report), ["duplicate-key"]);
    assert_eq!(report["suppressed"], 0);
}

#[test]
fn a_directive_on_the_line_silences_the_named_rule() {
    let report = scan(&WORKFLOW.replace(
        "# DIRECTIVE",
        "# trustlint: ignore[duplicate-key] kept for the demo",
    ));
    assert!(rules(&report).is_empty(), "{report:#}");
    assert_eq!(report["suppressed"], 1);
}

#[test]
fn a_directive_on_the_line_above_silences_it_too() {
    let report = scan(&WORKFLOW.replace(
        "  build: # DIRECTIVE",
        "  # trustlint: ignore[invalid-workflow, duplicate-key]\n  build:",
    ));
    assert!(rules(&report).is_empty(), "{report:#}");
    assert_eq!(report["suppressed"], 1);
}

#[test]
fn a_directive_for_another_rule_does_not() {
    let report = scan(&WORKFLOW.replace("# DIRECTIVE", "# trustlint: ignore[invalid-workflow]"));
    assert_eq!(rules(&report), ["duplicate-key"]);
    assert_eq!(report["suppressed"], 0);
}

#[test]
fn the_summary_counts_suppressed_findings() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("trustlint.toml"), "").unwrap();
    let workflows = dir.path().join(".github/workflows");
    std::fs::create_dir_all(&workflows).unwrap();
    std::fs::write(
        workflows.join("ci.yml"),
        WORKFLOW.replace("# DIRECTIVE", "# trustlint: ignore[duplicate-key]"),
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_trustlint"))
        .args(["check", "--color", "never", "."])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("(1 suppressed)"), "{stdout}");
    assert_eq!(output.status.code(), Some(0));
}
