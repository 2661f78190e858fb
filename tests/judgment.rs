//! When trustlint cannot be sure, it says less: findings that depend on what an unknown action
//! does are info (they never fail the default gate), with the reason in the message.

use std::path::Path;
use std::process::Command;

fn trustlint(args: &[&str]) -> (String, i32) {
    let output = Command::new(env!("CARGO_BIN_EXE_trustlint"))
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .env("NO_COLOR", "1")
        .output()
        .expect("runs trustlint");
    (
        String::from_utf8(output.stdout).unwrap(),
        output.status.code().unwrap(),
    )
}

#[test]
fn an_unknown_action_lowers_excessive_id_token_permission_to_info() {
    let fixture = "fixtures/judgment/excessive-unknown-action.yml";
    let (stdout, code) = trustlint(&["check", "--color", "never", fixture]);
    assert_eq!(code, 0, "{stdout}");
    insta::assert_snapshot!("excessive_unknown_action", stdout);
    let (json, _) = trustlint(&["check", "--format", "json", fixture]);
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{json}");
    assert_eq!(findings[0]["rule"], "excessive-id-token-permission");
    assert_eq!(findings[0]["severity"], "info");
}

#[test]
fn a_dispatch_from_another_branch_denied_by_a_main_pinned_role_is_info() {
    // Push to main (admitted) and workflow_dispatch (any branch; only main admitted).
    let fixture = "fixtures/judgment/dispatch-main-only";
    let (stdout, code) = trustlint(&["check", "--color", "never", fixture]);
    assert_eq!(code, 0, "{stdout}");
    insta::assert_snapshot!("denies_some_dispatch_runs", stdout);
    assert!(
        stdout.contains("if: github.ref == 'refs/heads/main'"),
        "{stdout}"
    );
    assert!(!stdout.contains("admit `"), "{stdout}");
}

/// The help of `unknown-condition-key` never suggests the key it reports.
#[test]
fn unknown_condition_key_help_never_suggests_the_reported_key() {
    let dir = "fixtures/rules/trust/unknown-condition-key";
    let (json, _) = trustlint(&[
        "check",
        "--format",
        "json",
        "--select",
        "unknown-condition-key",
        dir,
    ]);
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let findings = report["findings"].as_array().unwrap();
    assert!(findings.len() >= 3, "{json}");
    for f in findings {
        let message = f["message"].as_str().unwrap();
        let help = f["help"].as_str().unwrap();
        // "… so `KEY` is never present …" names the reported key.
        let key = message
            .split("so `")
            .nth(1)
            .and_then(|rest| rest.split('`').next());
        if let Some(key) = key {
            assert!(
                !help.contains(&format!("`{key}`")),
                "{key}: help suggests it: {help}"
            );
        }
        assert!(!help.is_empty());
    }
}

/// A statement whose only owner pin is on a key AWS never sets fails closed: it gets
/// `unknown-condition-key` ("the statement can never match"), not also a critical
/// `missing-sub-condition` saying that any workflow can assume the role.
#[test]
fn a_fail_closed_statement_tells_one_story() {
    let fixture = "fixtures/judgment/fail-closed-statement.json";
    let (stdout, code) = trustlint(&["check", "--color", "never", fixture]);
    assert_eq!(code, 1, "{stdout}");
    insta::assert_snapshot!("fail_closed_statement", stdout);
    assert!(stdout.contains("unknown-condition-key"), "{stdout}");
    assert!(!stdout.contains("missing-sub-condition"), "{stdout}");
    // A typo in the issuer prefix of the `sub` key fails closed the same way.
    let (stdout, _) = trustlint(&["check", "fixtures/judgment/fail-closed-typo.json"]);
    assert!(stdout.contains("unknown-condition-key"), "{stdout}");
    assert!(!stdout.contains("missing-sub-condition"), "{stdout}");
}

/// A grant whose comment says the token is needed, in a job whose scripts may request it from
/// code trustlint does not read, is info; a comment that gives no such reason changes nothing.
#[test]
fn a_grant_explained_by_its_comment_is_info() {
    let fixture = "fixtures/judgment/excessive-explained-grant.yml";
    let (json, code) = trustlint(&["check", "--format", "json", fixture]);
    assert_eq!(code, 1, "{json}");
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let found: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["severity"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(found.len(), 2, "{json}");
    assert_eq!(found[0].0, "info", "{json}");
    assert!(found[0].1.contains("Needed by the signing tests"), "{json}");
    assert_eq!(found[1].0, "medium", "{json}");
    assert!(found[1].1.contains("job `lint`"), "{json}");
}

/// `oidc-untrusted-trigger` names a pull-request-author gate and lowers the finding: only the app
/// can open a pull request as `dependabot[bot]`. A `github.actor` check is no such gate.
#[test]
fn a_bot_author_gate_lowers_oidc_untrusted_trigger() {
    let fixture = "fixtures/judgment/dependabot-gated-target.yml";
    let (json, _) = trustlint(&[
        "check",
        "--format",
        "json",
        "--select",
        "oidc-untrusted-trigger",
        fixture,
    ]);
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let found: Vec<(&str, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["severity"].as_str().unwrap(),
                f["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(found.len(), 2, "{json}");
    assert_eq!(found[0].0, "low", "{json}");
    assert!(found[0].1.contains("opened by `dependabot[bot]`"), "{json}");
    assert_eq!(found[1].0, "high", "{json}");
    assert!(found[1].1.contains("job `approve-by-actor`"), "{json}");
}
