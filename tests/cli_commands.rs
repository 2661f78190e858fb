//! `trustlint rules`, `trustlint explain` and configuration errors, through the real binary.

use std::process::{Command, Output};
use trustlint::rules::all_rules;

fn trustlint(args: &[&str], dir: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trustlint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn root() -> &'static std::path::Path {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn rules_lists_every_rule_in_both_formats() {
    let human = trustlint(&["rules"], root());
    assert_eq!(human.status.code(), Some(0));
    let text = String::from_utf8(human.stdout).unwrap();
    let json = trustlint(&["rules", "--format", "json"], root());
    let list: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    for rule in all_rules() {
        let meta = rule.meta();
        assert!(text.contains(meta.id), "{} missing from `rules`", meta.id);
        assert!(
            ids.contains(&meta.id),
            "{} missing from `rules --format json`",
            meta.id
        );
    }
    assert_eq!(ids.len(), all_rules().len());
}

#[test]
fn explain_prints_the_page_and_rejects_unknown_rules() {
    let out = trustlint(&["explain", "missing-sub-condition"], root());
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .starts_with("# missing-sub-condition\n"));
    let out = trustlint(&["explain", "no-such-rule"], root());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("unknown rule \"no-such-rule\""));
    let out = trustlint(&["explain", "subject-any-ownr"], root());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "trustlint: error: unknown rule \"subject-any-ownr\" (did you mean `subject-any-owner`?)\n"
    );
}

#[test]
fn a_misspelled_rule_in_the_config_gets_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("trustlint.toml"),
        "[severity]\nsubjet-any-ref = \"high\"\n",
    )
    .unwrap();
    let out = trustlint(&["check", "."], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "trustlint: error: configuration: trustlint.toml: `severity`: unknown rule \"subjet-any-ref\" (did you mean `subject-any-ref`?)\n"
    );
}

#[test]
fn a_config_with_an_unknown_key_is_a_usage_error_with_its_location() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("trustlint.toml"),
        "ignore = []\n\n[audiences]\nallow = [\"x\"]\n",
    )
    .unwrap();
    let out = trustlint(&["check", "."], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("trustlint.toml"), "{stderr}");
    assert!(stderr.contains("line 4"), "{stderr}");
    assert!(stderr.contains("allow"), "{stderr}");
}

#[test]
fn config_select_ignore_and_severity_apply() {
    let dir = tempfile::tempdir().unwrap();
    let policy =
        std::fs::read_to_string(root().join("fixtures/demo/infra/iam/deploy-staging.trust.json"))
            .unwrap();
    std::fs::write(dir.path().join("p.json"), policy).unwrap();
    let findings = |config: &str| -> Vec<(String, String)> {
        std::fs::write(dir.path().join("trustlint.toml"), config).unwrap();
        let out = trustlint(&["check", "--format", "json", "."], dir.path());
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().into(),
                    f["severity"].as_str().unwrap().into(),
                )
            })
            .collect()
    };
    let all = findings("");
    assert!(
        all.iter().any(|(r, _)| r == "missing-aud-condition"),
        "{all:?}"
    );
    assert!(
        all.iter().any(|(r, _)| r == "subject-admits-pull-request"),
        "{all:?}"
    );
    let ignored = findings("ignore = [\"missing-aud-condition\"]\n");
    assert!(
        !ignored.iter().any(|(r, _)| r == "missing-aud-condition"),
        "{ignored:?}"
    );
    let selected = findings("select = [\"missing-aud-condition\"]\n");
    assert!(
        selected.iter().all(|(r, _)| r == "missing-aud-condition"),
        "{selected:?}"
    );
    let raised = findings("[severity]\nmissing-aud-condition = \"critical\"\n");
    assert!(
        raised.contains(&("missing-aud-condition".into(), "critical".into())),
        "{raised:?}"
    );
}

#[test]
fn an_explicit_file_that_is_not_a_policy_gets_a_notice_not_a_finding() {
    let out = trustlint(&["check", "fixtures/demo/package.json"], root());
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("package.json: not a trust policy"),
        "{stderr}"
    );
}
