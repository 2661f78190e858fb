//! `check --format sarif` output validated against the SARIF 2.1.0 schema, plus what GitHub code
//! scanning needs beyond the schema; and fingerprints that survive unrelated edits.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

const FIXTURES: &[&str] = &[
    "fixtures/report/duplicate-condition.json",
    "fixtures/report/trailing-comma.json",
    "fixtures/report/control-chars.json",
];

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn trustlint() -> Command {
    let mut cmd = Command::cargo_bin("trustlint").expect("the trustlint binary is built");
    cmd.current_dir(manifest_dir()).env("NO_COLOR", "1");
    cmd
}

fn sarif_output(paths: &[&str]) -> Value {
    let output = trustlint()
        .args(["check", "--format", "sarif"])
        .args(paths)
        .output()
        .expect("trustlint runs");
    assert_eq!(
        output.status.code(),
        Some(1),
        "findings are expected; stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).expect("SARIF is UTF-8");
    assert!(text.ends_with("}\n"), "output ends with a newline");
    serde_json::from_str(&text).expect("SARIF output is JSON")
}

/// The SARIF 2.1.0 schema vendored in the repository (an unmodified OASIS copy; its licence
/// note is `tests/schemas/NOTICE.md`), so that the test needs nothing outside the checkout.
fn schema_path() -> PathBuf {
    manifest_dir().join("tests/schemas/sarif-schema-2.1.0.json")
}

fn validator() -> jsonschema::Validator {
    let path = schema_path();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "the SARIF 2.1.0 schema could not be read at {}: {e}",
            path.display()
        )
    });
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    assert_eq!(
        schema["$schema"], "http://json-schema.org/draft-04/schema#",
        "the SARIF schema is a draft-04 schema"
    );
    assert_eq!(
        schema["id"],
        "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
        "the vendored schema is the OASIS SARIF 2.1.0 (errata 01) schema"
    );
    let notice = std::fs::read_to_string(manifest_dir().join("tests/schemas/NOTICE.md"))
        .expect("the schema's licence note is beside it");
    assert!(notice.contains("Copyright © OASIS Open"), "licence note");
    jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles as draft 4")
}

fn assert_valid(validator: &jsonschema::Validator, instance: &Value) {
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF output violates the schema:\n{}",
        errors.join("\n")
    );
}

#[test]
fn the_validator_rejects_invalid_sarif() {
    // Guards against a validator that accepts anything (a schema that failed to load as intended).
    let validator = validator();
    let mut log = sarif_output(&[FIXTURES[0]]);
    assert_valid(&validator, &log);
    log["version"] = Value::from("2.0.0");
    assert!(!validator.is_valid(&log), "a wrong version is rejected");
    let mut log = sarif_output(&[FIXTURES[0]]);
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        Value::from(0);
    assert!(!validator.is_valid(&log), "line 0 is rejected");
    let mut log = sarif_output(&[FIXTURES[0]]);
    log["runs"][0]["columnKind"] = Value::from("bytes");
    assert!(
        !validator.is_valid(&log),
        "an unknown columnKind is rejected"
    );
    let mut log = sarif_output(&[FIXTURES[0]]);
    log["runs"][0]["tool"]["driver"]["informationUri"] = Value::from("not a uri");
    assert!(!validator.is_valid(&log), "formats are checked");
}

#[test]
fn sarif_output_is_valid_for_each_fixture_and_all_together() {
    let validator = validator();
    for fixture in FIXTURES {
        assert_valid(&validator, &sarif_output(&[fixture]));
    }
    let all = sarif_output(FIXTURES);
    assert_valid(&validator, &all);
    let one_by_one: usize = FIXTURES
        .iter()
        .map(|f| {
            sarif_output(&[f])["runs"][0]["results"]
                .as_array()
                .unwrap()
                .len()
        })
        .sum();
    assert!(one_by_one >= FIXTURES.len(), "every fixture has a finding");
    assert_eq!(
        all["runs"][0]["results"].as_array().unwrap().len(),
        one_by_one,
        "a joint scan reports what the separate scans do"
    );
}

/// A Terraform document trustlint does not evaluate: a notice with its line and column, which
/// SARIF carries as a tool execution notification of the one invocation.
#[test]
fn notices_are_tool_execution_notifications() {
    let log = sarif_output(&["fixtures/report/notices", FIXTURES[0]]);
    assert_valid(&validator(), &log);
    let invocations = log["runs"][0]["invocations"]
        .as_array()
        .expect("invocations");
    assert_eq!(invocations.len(), 1);
    assert_eq!(invocations[0]["executionSuccessful"], true);
    let notifications = invocations[0]["toolExecutionNotifications"]
        .as_array()
        .expect("notifications");
    assert_eq!(notifications.len(), 1, "{notifications:#?}");
    let place = &notifications[0]["locations"][0]["physicalLocation"];
    assert_eq!(
        place["artifactLocation"]["uri"],
        "fixtures/report/notices/main.tf"
    );
    assert_eq!(place["region"]["startLine"], 3);
    assert_eq!(place["region"]["startColumn"], 24);
    assert_eq!(notifications[0]["level"], "warning");
    let without = sarif_output(&[FIXTURES[0]]);
    assert_eq!(
        without["runs"][0]["invocations"][0]["toolExecutionNotifications"],
        Value::Array(vec![])
    );
}

#[test]
fn sarif_output_has_what_github_code_scanning_needs() {
    let log = sarif_output(FIXTURES);
    assert_eq!(log["version"], "2.1.0");
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert!(run["originalUriBaseIds"]["%SRCROOT%"].is_object());

    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "trustlint");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(driver["semanticVersion"], env!("CARGO_PKG_VERSION"));
    let information_uri = driver["informationUri"].as_str().unwrap();
    assert!(information_uri.starts_with("https://"));

    let rules = driver["rules"].as_array().unwrap();
    let listed = registered_rule_ids();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, listed, "every registered rule is described, in order");
    for rule in rules {
        let id = rule["id"].as_str().unwrap();
        let properties = &rule["properties"];
        let score = properties["security-severity"]
            .as_str()
            .unwrap_or_else(|| panic!("{id}: security-severity must be a string"));
        let score: f64 = score.parse().expect("security-severity is a number");
        assert!((0.0..=10.0).contains(&score), "{id}: score {score}");
        let tags: Vec<&str> = properties["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        assert!(tags.contains(&"security"), "{id}: tagged security");
        assert!(properties["precision"].is_string(), "{id}: precision");
        let name = rule["name"].as_str().unwrap();
        assert!(
            name.chars().next().unwrap().is_ascii_uppercase() && !name.contains('-'),
            "{id}: name {name} is PascalCase"
        );
        assert!(!rule["shortDescription"]["text"]
            .as_str()
            .unwrap()
            .is_empty());
        assert!(!rule["fullDescription"]["text"].as_str().unwrap().is_empty());
        let page = std::fs::read_to_string(manifest_dir().join(format!("rules/{id}.md")))
            .expect("the rule page exists");
        assert_eq!(
            rule["help"]["text"],
            page.as_str(),
            "{id}: help is the page"
        );
        assert_eq!(rule["help"]["markdown"], page.as_str());
        assert_eq!(
            rule["helpUri"],
            format!("{information_uri}/blob/main/rules/{id}.md")
        );
        assert!(matches!(
            rule["defaultConfiguration"]["level"].as_str(),
            Some("error" | "warning" | "note")
        ));
    }

    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for result in results {
        let rule_id = result["ruleId"].as_str().unwrap();
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], rule_id, "ruleIndex points at the rule");
        assert!(matches!(
            result["level"].as_str(),
            Some("error" | "warning" | "note")
        ));
        let fingerprint = result["partialFingerprints"]["trustlint/v1"]
            .as_str()
            .expect("every result has our partial fingerprint");
        assert!(!fingerprint.is_empty());
        assert!(result["properties"]["severity"].is_string());
        let message = result["message"]["text"].as_str().unwrap();
        assert!(
            !message.contains(['\u{1b}', '\u{7}', '\u{202e}']),
            "message is neutralised: {message:?}"
        );

        let mut locations: Vec<&Value> = vec![&result["locations"][0]];
        locations.extend(
            result["relatedLocations"]
                .as_array()
                .map(|a| a.iter().collect::<Vec<_>>())
                .unwrap_or_default(),
        );
        assert_eq!(result["locations"].as_array().unwrap().len(), 1);
        for location in locations {
            let artifact = &location["physicalLocation"]["artifactLocation"];
            let uri = artifact["uri"].as_str().unwrap();
            assert!(uri.starts_with("fixtures/report/"), "relative uri: {uri}");
            assert!(!uri.contains('\\'), "no backslash in {uri}");
            assert!(!uri.contains(':'), "no scheme or drive in {uri}");
            assert_eq!(artifact["uriBaseId"], "%SRCROOT%");
            let region = &location["physicalLocation"]["region"];
            for key in ["startLine", "startColumn", "endLine", "endColumn"] {
                assert!(region[key].as_u64().unwrap() >= 1, "{key} is 1-based");
            }
        }
    }
}

#[test]
fn sarif_regions_and_fingerprints_match_the_json_report() {
    let sarif = sarif_output(FIXTURES);
    let output = trustlint()
        .args(["check", "--format", "json"])
        .args(FIXTURES)
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let findings = json["findings"].as_array().unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(findings.len(), results.len());
    for (finding, result) in findings.iter().zip(results) {
        assert_eq!(result["ruleId"], finding["rule"]);
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], finding["path"]);
        let region = &location["region"];
        assert_eq!(region["startLine"], finding["line"]);
        assert_eq!(region["startColumn"], finding["column"]);
        assert_eq!(region["endLine"], finding["end_line"]);
        assert_eq!(region["endColumn"], finding["end_column"]);
        assert_eq!(
            result["partialFingerprints"]["trustlint/v1"],
            finding["fingerprint"]
        );
        assert_eq!(result["properties"]["severity"], finding["severity"]);
    }
}

fn registered_rule_ids() -> Vec<String> {
    trustlint::rules::all_rules()
        .iter()
        .map(|r| r.meta().id.to_string())
        .collect()
}

const SHIFTED_POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "GitHubActions",
      "Effect": "Allow",
      "Principal": { "Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" },
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {
        "StringEquals": { "token.actions.githubusercontent.com:sub": "repo:octo-org/app:ref:refs/heads/main" },
        "StringLike": { "token.actions.githubusercontent.com:sub": "repo:octo-org/app:*" },
        "StringEquals": { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
        "StringLike": { "token.actions.githubusercontent.com:sub": "repo:octo-org/*" }
      }
    }
  ]
}
"#;

/// The same policy with unrelated lines inserted above the findings: blank lines, an `Id` and
/// the principal spread over several lines. (A `Sid` names the statement in fingerprints, so it
/// is the same in both.)
const SHIFTED_POLICY_EDITED: &str = r#"{


  "Version": "2012-10-17",
  "Id": "deploy-role-trust",
  "Statement": [
    {
      "Sid": "GitHubActions",

      "Effect": "Allow",
      "Principal": {
        "Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
      },
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {
        "StringEquals": { "token.actions.githubusercontent.com:sub": "repo:octo-org/app:ref:refs/heads/main" },
        "StringLike": { "token.actions.githubusercontent.com:sub": "repo:octo-org/app:*" },
        "StringEquals": { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
        "StringLike": { "token.actions.githubusercontent.com:sub": "repo:octo-org/*" }
      }
    }
  ]
}
"#;

/// (rule, line, fingerprint) of every finding for `policy.json` holding `text`, scanned from the
/// directory that holds it, so the path (part of the fingerprint) is the same each time.
fn findings_for(dir: &Path, text: &str) -> Vec<(String, u64, String)> {
    std::fs::write(dir.join("policy.json"), text).unwrap();
    let output = Command::cargo_bin("trustlint")
        .unwrap()
        .current_dir(dir)
        .args(["check", "--format", "json", "policy.json"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "JSON output ({e}); stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            assert_eq!(f["path"], "policy.json");
            (
                f["rule"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["fingerprint"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn fingerprints_survive_unrelated_lines_inserted_above() {
    let dir = tempfile::tempdir().unwrap();
    // An empty configuration keeps any trustlint.toml above the temporary directory out of play.
    std::fs::write(dir.path().join("trustlint.toml"), "").unwrap();
    let before = findings_for(dir.path(), SHIFTED_POLICY);
    let after = findings_for(dir.path(), SHIFTED_POLICY_EDITED);

    let duplicates = |findings: &[(String, u64, String)]| -> Vec<(u64, String)> {
        findings
            .iter()
            .filter(|(rule, _, _)| rule == "duplicate-key")
            .map(|(_, line, fp)| (*line, fp.clone()))
            .collect()
    };
    let (before, after) = (duplicates(&before), duplicates(&after));
    assert_eq!(before.len(), 2, "two duplicate operators: {before:?}");
    assert_eq!(after.len(), 2, "{after:?}");
    assert_ne!(
        before[0].1, before[1].1,
        "different findings have different fingerprints"
    );
    for ((line_before, fp_before), (line_after, fp_after)) in before.iter().zip(&after) {
        assert!(
            line_after > line_before,
            "the edit moved the finding ({line_before} -> {line_after})"
        );
        assert_eq!(fp_before, fp_after, "the fingerprint did not move with it");
    }
}
