//! `trustlint simulate` end to end: the real binary on the policies in fixtures/simulate/.

use assert_cmd::Command;
use serde_json::Value;

const GH_ARN: &str = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
const GITLAB_ARN: &str = "arn:aws:iam::123456789012:oidc-provider/gitlab.com";
const MAIN: &str = "repo:octo-org/app:ref:refs/heads/main";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn simulate(args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_trustlint"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .arg("simulate")
        .args(args)
        .output()
        .unwrap();
    Run {
        code: output.status.code().expect("exited normally"),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

fn fixture(name: &str) -> String {
    format!("fixtures/simulate/{name}")
}

fn json(args: &[&str]) -> (i32, Value) {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let run = simulate(&all);
    let value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\nstderr: {}", run.stdout, run.stderr));
    (run.code, value)
}

// ---- decisions and exit codes ----------------------------------------------------------------

#[test]
fn allow_exits_0_with_human_output() {
    let github = fixture("github.json");
    let sub = format!("sub={MAIN}");
    let run = simulate(&[&github, "--claim", &sub, "--claim", "aud=sts.amazonaws.com"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run
        .stdout
        .starts_with("ALLOW\nstatement 1 (\"GitHubDeploy\") allows the request"));
    assert!(!run.stdout.contains('\u{1b}'), "NO_COLOR: no escape codes");
    insta::assert_snapshot!("github_allow_human", run.stdout);
}

#[test]
fn deny_exits_1_and_names_the_false_condition() {
    let github = fixture("github.json");
    let run = simulate(&[
        &github,
        "--claim",
        "sub=repo:octo-org/app:pull_request",
        "--claim",
        "aud=sts.amazonaws.com",
    ]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let mut lines = run.stdout.lines();
    assert_eq!(lines.next(), Some("DENY"));
    let reason = lines.next().unwrap();
    assert!(
        reason.contains("statement 1 (\"GitHubDeploy\")"),
        "{reason}"
    );
    assert!(
        reason.contains(
            r#"StringLike token.actions.githubusercontent.com:sub: "repo:octo-org/app:pull_request" matches none of"#
        ),
        "{reason}"
    );
    // the snippet points at the sub key of the policy (line 16, column 11)
    assert!(
        run.stdout.contains("fixtures/simulate/github.json:16:11"),
        "{}",
        run.stdout
    );
    insta::assert_snapshot!("github_deny_human", run.stdout);
}

#[test]
fn explicit_deny_wins_over_a_matching_allow() {
    let (code, out) = json(&[
        &fixture("deny-pr.json"),
        "--claim",
        "sub=repo:octo-org/app:pull_request",
    ]);
    assert_eq!(code, 1);
    assert_eq!(out["decision"], "deny");
    assert_eq!(out["statement"], 1);
    assert_eq!(out["statements"][0]["matched"], "true");
    assert_eq!(out["statements"][1]["matched"], "true");
    let (code, out) = json(&[&fixture("deny-pr.json"), "--claim", &format!("sub={MAIN}")]);
    assert_eq!(code, 0);
    assert_eq!(out["statement"], 0);
}

#[test]
fn unknown_exits_2() {
    // AWS sets aws:SourceIp on every request; without it the Deny cannot be decided.
    let sub = "sub=repo:octo-org/app:environment:production";
    let (code, out) = json(&[
        &fixture("source-ip.json"),
        "--claim",
        sub,
        "--claim",
        "aud=sts.amazonaws.com",
    ]);
    assert_eq!(code, 2);
    assert_eq!(out["decision"], "unknown");
    assert_eq!(out["statement"], 1);
    let conditions = out["statements"][1]["conditions"].as_array().unwrap();
    assert_eq!(conditions[0]["operator"], "NotIpAddress");
    assert_eq!(conditions[0]["result"], "unknown");
}

#[test]
fn ip_and_date_operators_are_evaluated() {
    let sub = "sub=repo:octo-org/app:environment:production";
    let aud = "aud=sts.amazonaws.com";
    let (code, out) = json(&[
        &fixture("source-ip.json"),
        "--claim",
        sub,
        "--claim",
        aud,
        "--claim",
        "aws:SourceIp=10.1.2.3",
    ]);
    assert_eq!((code, out["decision"].as_str()), (0, Some("allow")));
    let (code, out) = json(&[
        &fixture("source-ip.json"),
        "--claim",
        sub,
        "--claim",
        aud,
        "--claim",
        "aws:SourceIp=2001:db8::7",
    ]);
    assert_eq!((code, out["decision"].as_str()), (0, Some("allow")));
    let (code, out) = json(&[
        &fixture("source-ip.json"),
        "--claim",
        sub,
        "--claim",
        aud,
        "--claim",
        "aws:SourceIp=8.8.8.8",
    ]);
    assert_eq!((code, out["decision"].as_str()), (1, Some("deny")));
    assert_eq!(out["statement"], 1);
    // iat before 2030: allowed; after: denied.
    let google = fixture("google.json");
    let aud = "aud=1234567890.apps.googleusercontent.com";
    let (code, _) = json(&[&google, "--claim", aud, "--claim", "iat=1700000000"]);
    assert_eq!(code, 0);
    let (code, _) = json(&[
        &google,
        "--claim",
        aud,
        "--claim",
        "iat=2031-05-01T00:00:00Z",
    ]);
    assert_eq!(code, 1);
}

// ---- JSON shape ------------------------------------------------------------------------------

#[test]
fn json_shape() {
    let (code, out) = json(&[
        &fixture("github.json"),
        "--claim",
        "sub=repo:octo-org/app:pull_request",
        "--claim",
        "aud=sts.amazonaws.com",
    ]);
    assert_eq!(code, 1);
    let top: Vec<&str> = out
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        top,
        [
            "decision",
            "statement",
            "reason",
            "principal",
            "claims",
            "statements"
        ]
    );
    assert_eq!(out["decision"], "deny");
    assert!(out["statement"].is_null());
    assert!(out["reason"]
        .as_str()
        .unwrap()
        .starts_with("no statement allows the request"));
    assert_eq!(out["principal"], GH_ARN);
    assert_eq!(
        out["claims"],
        serde_json::json!({
            "token.actions.githubusercontent.com:sub": "repo:octo-org/app:pull_request",
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
        })
    );
    let statements = out["statements"].as_array().unwrap();
    assert_eq!(statements.len(), 1);
    let s = &statements[0];
    let keys: Vec<&str> = s.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["index", "sid", "effect", "matched", "conditions"]);
    assert_eq!(s["index"], 0);
    assert_eq!(s["sid"], "GitHubDeploy");
    assert_eq!(s["effect"], "Allow");
    assert_eq!(s["matched"], "false");
    let conditions = s["conditions"].as_array().unwrap();
    assert_eq!(conditions.len(), 2);
    let c = &conditions[1];
    let keys: Vec<&str> = c.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        ["operator", "key", "result", "explanation", "line", "column"]
    );
    assert_eq!(c["operator"], "StringLike");
    assert_eq!(c["key"], "token.actions.githubusercontent.com:sub");
    assert_eq!(c["result"], "false");
    assert_eq!(
        (c["line"].as_u64(), c["column"].as_u64()),
        (Some(16), Some(11))
    );
    assert_eq!(conditions[0]["result"], "true");
    assert_eq!(
        (
            conditions[0]["line"].as_u64(),
            conditions[0]["column"].as_u64()
        ),
        (Some(13), Some(11))
    );
}

#[test]
fn repeated_claims_are_a_multivalued_key() {
    let (_, out) = json(&[
        &fixture("github.json"),
        "--claim",
        "amr=a",
        "--claim",
        "amr=b",
        "--claim",
        "sub=x=y",
    ]);
    assert_eq!(
        out["claims"]["token.actions.githubusercontent.com:amr"],
        serde_json::json!(["a", "b"])
    );
    // split at the first "="
    assert_eq!(
        out["claims"]["token.actions.githubusercontent.com:sub"],
        "x=y"
    );
}

// ---- claim qualification, any issuer -----------------------------------------------------------

#[test]
fn short_claims_take_the_issuer_of_the_only_provider() {
    let ghes = fixture("ghes.json");
    let (code, out) = json(&[
        &ghes,
        "--claim",
        "sub=repo:platform/infra:environment:production",
        "--claim",
        "aud=sts.amazonaws.com",
    ]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        out["principal"],
        "arn:aws-us-gov:iam::123456789012:oidc-provider/github.example.com/_services/token"
    );
    assert_eq!(
        out["claims"]["github.example.com/_services/token:sub"],
        "repo:platform/infra:environment:production"
    );

    let (code, out) = json(&[
        &fixture("gitlab.json"),
        "--claim",
        "sub=project_path:mygroup/myproject:ref_type:branch:ref:main",
        "--claim",
        "aud=https://gitlab.com",
    ]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["principal"], GITLAB_ARN);
    assert!(out["claims"]["gitlab.com:sub"].is_string());
    assert!(out["statements"][0]["sid"].is_null());

    // a provider named without an ARN
    let (_, out) = json(&[&fixture("google.json"), "--claim", "aud=x"]);
    assert_eq!(out["principal"], "accounts.google.com");
    assert_eq!(out["claims"]["accounts.google.com:aud"], "x");
}

#[test]
fn full_keys_are_taken_as_written() {
    let (code, out) = json(&[
        &fixture("github.json"),
        "--claim",
        &format!("token.actions.githubusercontent.com:sub={MAIN}"),
        "--claim",
        "Token.Actions.GithubUserContent.com:AUD=sts.amazonaws.com",
    ]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        out["claims"]["Token.Actions.GithubUserContent.com:AUD"],
        "sts.amazonaws.com"
    );
}

#[test]
fn several_providers_need_principal_for_short_claims() {
    let multi = fixture("multi-provider.json");
    let run = simulate(&[&multi, "--claim", "sub=x"]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty());
    assert!(run.stderr.contains("--principal"), "{}", run.stderr);
    assert!(run.stderr.contains(GH_ARN), "{}", run.stderr);
    assert!(run.stderr.contains(GITLAB_ARN), "{}", run.stderr);

    let sub = "sub=project_path:mygroup/myproject:ref_type:branch:ref:main";
    let (code, out) = json(&[&multi, "--principal", GITLAB_ARN, "--claim", sub]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["statement"], 1);
    assert_eq!(out["statements"][0]["matched"], "false");

    // the GitHub statement does not trust GitLab's tokens even with GitHub's claims
    let (code, out) = json(&[
        &multi,
        "--principal",
        GITLAB_ARN,
        "--claim",
        &format!("token.actions.githubusercontent.com:sub={MAIN}"),
        "--claim",
        "token.actions.githubusercontent.com:aud=sts.amazonaws.com",
    ]);
    assert_eq!(code, 1, "{out}");

    // full keys and no --principal: each statement is tried with its own provider
    let (code, out) = json(&[
        &multi,
        "--claim",
        "gitlab.com:sub=project_path:mygroup/myproject:ref_type:branch:ref:main",
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out["principal"].is_null());
}

#[test]
fn short_claim_without_any_provider_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("aws-only.json");
    std::fs::write(
        &path,
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}]}"#,
    )
    .unwrap();
    let path = path.to_str().unwrap();
    let run = simulate(&[path, "--claim", "sub=x"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no issuer prefix"), "{}", run.stderr);
    // with a full key it simulates (and nothing trusts a web identity)
    let run = simulate(&[path, "--claim", "token.actions.githubusercontent.com:sub=x"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
}

// ---- errors --------------------------------------------------------------------------------

#[test]
fn syntax_error_exits_2_with_position() {
    let run = simulate(&[&fixture("syntax-error.json"), "--claim", "sub=x"]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr
            .contains("fixtures/simulate/syntax-error.json:4:24: error"),
        "{}",
        run.stderr
    );
}

#[test]
fn invalid_shape_exits_2_with_position() {
    let run = simulate(&[&fixture("invalid-shape.json")]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("fixtures/simulate/invalid-shape.json:3:16: error"),
        "{}",
        run.stderr
    );
}

#[test]
fn unreadable_file_and_bad_claims_exit_2() {
    let run = simulate(&[&fixture("does-not-exist.json")]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("does-not-exist.json"), "{}", run.stderr);
    let run = simulate(&[&fixture("github.json"), "--claim", "sub"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("KEY=VALUE"), "{}", run.stderr);
    let run = simulate(&[&fixture("github.json"), "--claim", "=x"]);
    assert_eq!(run.code, 2);
}

#[test]
fn shape_warnings_do_not_stop_the_simulation() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dup.json");
    std::fs::write(
        &path,
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {{"Federated": "{GH_ARN}"}},
  "Action": "sts:AssumeRoleWithWebIdentity",
  "Condition": {{"StringEquals": {{"token.actions.githubusercontent.com:sub": "{MAIN}"}},
                 "StringEquals": {{"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}}}}}]}}"#
        ),
    )
    .unwrap();
    // IAM keeps only the last StringEquals block: the sub condition is lost
    let run = simulate(&[
        path.to_str().unwrap(),
        "--claim",
        "sub=repo:evil/x:pull_request",
        "--claim",
        "aud=sts.amazonaws.com",
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("warning"), "{}", run.stderr);
    assert!(run.stderr.contains("dup.json:4:18"), "{}", run.stderr);
}

#[test]
fn control_characters_from_the_file_are_neutralized() {
    let args = [
        fixture("control-chars.json"),
        "--claim".into(),
        "sub=repo:o/r:ref:refs/heads/main\u{202e}".into(),
    ];
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = simulate(&args);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(!run.stdout.contains('\u{1b}'), "{}", run.stdout);
    assert!(!run.stdout.contains('\u{202e}'), "{}", run.stdout);
    assert!(
        run.stdout.contains("evil\\u{1b}[31m\\u{202e}Sid"),
        "{}",
        run.stdout
    );

    let mut json_args = args.clone();
    json_args.extend(["--format", "json"]);
    let run = simulate(&json_args);
    assert!(!run.stdout.contains('\u{1b}') && !run.stdout.contains('\u{202e}'));
    let out: Value = serde_json::from_str(&run.stdout).unwrap();
    // escaped for the terminal, but the value is intact
    assert_eq!(out["statements"][0]["sid"], "evil\u{1b}[31m\u{202e}Sid");
}
