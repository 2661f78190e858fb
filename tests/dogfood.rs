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
    // fuzz/corpus holds deliberately flawed seeds, like fixtures/.
    let (code, report) = check(&[
        ".",
        "--exclude",
        "fixtures",
        "--exclude",
        "tests",
        "--exclude",
        "fuzz",
    ]);
    assert_eq!(report["findings"], Value::Array(vec![]), "{report}");
    assert_eq!(code, Some(0));
}

fn read(path: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

/// Every `uses:` of the action and the CI workflow is pinned by a full commit SHA with a version
/// comment.
#[test]
fn actions_are_pinned_by_full_sha_with_a_version_comment() {
    let pinned = regex::Regex::new(r"uses: [\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d").unwrap();
    for path in [
        "action.yml",
        ".github/workflows/ci.yml",
        ".github/workflows/release.yml",
    ] {
        let text = read(path);
        let uses: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| l.trim_start_matches("- ").starts_with("uses:"))
            .collect();
        assert!(!uses.is_empty(), "{path}");
        for line in uses {
            assert!(
                pinned.is_match(line.trim_start_matches("- ")),
                "{path}: {line}"
            );
        }
    }
}

#[test]
fn the_action_installs_a_release_or_builds_and_outputs_the_sarif_path() {
    let text = read("action.yml");
    for needle in [
        "  paths:\n",
        "  fail-on:\n",
        "  config:\n",
        "  args:\n",
        "  sarif:\n",
        "using: composite",
        "TRUSTLINT_ACTION_REF: ${{ github.action_ref }}",
        "action/install.sh",
        "steps.release.outputs.found != 'true'",
        "action/cache-key.sh",
        "action/setup-rust.sh",
        "cargo install --locked --path \"$GITHUB_ACTION_PATH\"",
        "action/run.sh",
    ] {
        assert!(text.contains(needle), "action.yml lacks {needle:?}");
    }
    // The scan runs once, in run.sh; the annotations are made from its report.
    assert_eq!(text.matches("check --format").count(), 0, "action.yml");
    let run = read("action/run.sh");
    assert_eq!(
        run.matches("\"$bin\" check").count(),
        1,
        "one scan in run.sh"
    );
    assert!(run.contains("--format sarif --output"));
    // Inputs reach the scripts through the environment, never pasted into them.
    for line in text.lines().filter(|l| l.contains("${{ inputs.")) {
        assert!(line.trim_start().starts_with("TRUSTLINT_"), "{line}");
    }
}

#[test]
fn the_pre_commit_hook_matches_policies_and_workflows() {
    let text = read(".pre-commit-hooks.yaml");
    for needle in [
        "- id: trustlint\n",
        "  language: rust\n",
        "  entry: trustlint check\n",
        "  pass_filenames: true\n",
    ] {
        assert!(text.contains(needle), "{needle:?}");
    }
    let files = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("files: "))
        .expect("files:");
    let files = regex::Regex::new(files).unwrap();
    for path in [
        ".github/workflows/deploy.yml",
        ".github/workflows/deploy.yaml",
        "infra/iam/deploy.trust.json",
        "policy.json",
        "k8s/values.yaml",
        "main.tf",
    ] {
        assert!(files.is_match(path), "{path}");
    }
    for path in ["README.md", "src/main.rs", "Cargo.toml", "x.tfvars"] {
        assert!(!files.is_match(path), "{path}");
    }
}

/// The README's GitHub Action workflow is itself clean under trustlint.
#[test]
fn the_readme_action_workflow_is_clean() {
    let readme = read("README.md");
    let section = &readme[readme.find("### GitHub Action").expect("section")..];
    let start = section.find("```yaml\n").expect("a yaml block") + "```yaml\n".len();
    let block = &section[start..start + section[start..].find("```").unwrap()];
    assert!(block.contains("upload-sarif@") && block.contains("security-events: write"));
    let dir = tempfile::tempdir().unwrap();
    let workflows = dir.path().join(".github/workflows");
    std::fs::create_dir_all(&workflows).unwrap();
    std::fs::write(workflows.join("trustlint.yml"), block).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_trustlint"))
        .current_dir(dir.path())
        .args(["check", "--format", "json", "--fail-on", "info", "."])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["files_scanned"], 1);
    assert_eq!(report["findings"], Value::Array(vec![]), "{report}");
    assert_eq!(output.status.code(), Some(0));
}
