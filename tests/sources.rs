//! Trust policies embedded in account dumps, CloudFormation templates and Terraform: the real
//! `trustlint check` on fixtures/sources/, with the rule, line and column of key findings and a
//! snapshot of the human output.

use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn run(args: &[&str]) -> (String, i32) {
    let output = Command::new(env!("CARGO_BIN_EXE_trustlint"))
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .env("NO_COLOR", "1")
        .output()
        .expect("runs trustlint");
    (
        String::from_utf8(output.stdout).expect("utf-8 output"),
        output.status.code().expect("exit code"),
    )
}

/// (rule, path, line, column, message) of every finding of a JSON report.
fn findings(path: &str) -> Vec<(String, String, u64, u64, String)> {
    let (stdout, _) = run(&["check", path, "--format", "json"]);
    let report: Value = serde_json::from_str(&stdout).expect("json output");
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn assert_finding(
    all: &[(String, String, u64, u64, String)],
    rule: &str,
    path: &str,
    line: u64,
    column: u64,
    message_start: &str,
) {
    assert!(
        all.iter().any(|(r, p, l, c, m)| r == rule
            && p == path
            && *l == line
            && *c == column
            && m.starts_with(message_start)),
        "no {rule} at {path}:{line}:{column} starting {message_start:?}; got {all:#?}"
    );
}

fn human(path: &str) -> String {
    run(&["check", path, "--color", "never"]).0
}

#[test]
fn account_dumps() {
    let all = findings("fixtures/sources/account");
    let details = "fixtures/sources/account/authorization-details.json";
    assert_finding(
        &all,
        "subject-org-wide",
        details,
        54,
        60,
        "GitHubOrgWide: statement 1",
    );
    assert_finding(
        &all,
        "missing-sub-condition",
        details,
        77,
        28,
        "LegacyGitHub: statement 1",
    );
    // The URL-encoded document: findings point at the string.
    let encoded = "fixtures/sources/account/list-roles-encoded.json";
    assert_finding(
        &all,
        "subject-admits-pull-request",
        encoded,
        9,
        41,
        "GitHubAnyRef: ",
    );
    // The tight role of get-role and the service role are clean.
    assert!(
        all.iter()
            .all(|f| !f.4.starts_with("GitHubDeploy") && !f.4.starts_with("LambdaExecution")),
        "{all:#?}"
    );
    insta::assert_snapshot!("account_dumps", human("fixtures/sources/account"));
}

#[test]
fn cloudformation_github_oidc_template_with_its_defaults() {
    let path = "fixtures/sources/cloudformation/github-oidc.yaml";
    let all = findings(path);
    // `!Sub repo:${GitHubOrg}/${RepositoryName}:*` with RepositoryName's default `*`.
    assert_finding(
        &all,
        "subject-org-wide",
        path,
        42,
        58,
        "Resources.Role: statement 1",
    );
    // The principal `!If [CreateOIDCProvider, !Ref GithubOidc, …]` resolves to the provider of
    // the template, and `aud` to OIDCAudience's default: nothing else fires.
    assert!(
        all.iter()
            .all(|f| f.0 == "subject-org-wide" || f.0 == "subject-admits-pull-request"),
        "{all:#?}"
    );
    insta::assert_snapshot!("cloudformation_github_oidc", human(path));
}

#[test]
fn cdk_output() {
    let path = "fixtures/sources/cloudformation/cdk.out/DeployStack.template.json";
    let all = findings(path);
    assert_finding(
        &all,
        "oidc-provider-extra-audience",
        path,
        8,
        6,
        "Resources.GitHubProvider7B1C2D3E",
    );
    assert_finding(
        &all,
        "subject-admits-pull-request",
        path,
        25,
        53,
        "Resources.DeployRole9A8B7C6D",
    );
    assert_finding(
        &all,
        "missing-aud-condition",
        path,
        30,
        22,
        "Resources.DeployRole9A8B7C6D",
    );
    // The tight role (its principal an `Fn::Join` with AWS::Partition and AWS::AccountId) is clean.
    assert!(
        all.iter()
            .all(|f| !f.4.starts_with("Resources.ReadOnlyRole")),
        "{all:#?}"
    );
    insta::assert_snapshot!("cdk_output", human(path));
}

#[test]
fn yaml_that_is_not_a_template_is_not_reported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("docker-compose.yml"),
        "services:\n  web:\n    image: nginx\n",
    )
    .unwrap();
    // Mentions a role type, but is no template (a Serverless-style config).
    std::fs::write(
        dir.path().join("serverless.yml"),
        "provider:\n  iam:\n    role:\n      Type: AWS::IAM::Role\n",
    )
    .unwrap();
    let (stdout, code) = run(&["check", dir.path().to_str().unwrap(), "--format", "json"]);
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(code, 0);
    assert_eq!(report["findings"].as_array().unwrap().len(), 0, "{stdout}");
}

#[test]
fn terraform_module_and_roles() {
    let all = findings("fixtures/sources/terraform");
    let module = "fixtures/sources/terraform/github-oidc-role/main.tf";
    // `[for subject in var.subjects : "repo:${subject}"]` with the variable's default from
    // variables.tf, at the for expression.
    assert_finding(
        &all,
        "subject-org-wide",
        module,
        40,
        18,
        "aws_iam_role.this[0]: statement 1",
    );
    let roles = "fixtures/sources/terraform/roles.tf";
    assert_finding(
        &all,
        "oidc-provider-extra-audience",
        roles,
        3,
        43,
        "aws_iam_openid_connect_provider.github",
    );
    // A heredoc keeps the exact span of each JSON value.
    assert_finding(
        &all,
        "missing-sub-condition",
        roles,
        38,
        26,
        "aws_iam_role.legacy: statement 1",
    );
    // jsonencode with a variable without a default inside the subject: pinned, clean.
    assert!(
        all.iter().all(|f| !f.4.starts_with("aws_iam_role.deploy")),
        "{all:#?}"
    );
    insta::assert_snapshot!("terraform", human("fixtures/sources/terraform"));
}

#[test]
fn terraform_without_roles_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"x\"\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("broken.tf"),
        "resource \"aws_iam_role\" {{{\n",
    )
    .unwrap();
    let (stdout, code) = run(&["check", dir.path().to_str().unwrap(), "--format", "json"]);
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(report["findings"].as_array().unwrap().len(), 0, "{stdout}");
}

#[test]
fn terraform_findings_can_be_suppressed_inline() {
    let dir = tempfile::tempdir().unwrap();
    let role = |comment: &str| {
        format!(
            "resource \"aws_iam_role\" \"r\" {{\n  assume_role_policy = jsonencode({{\n    Statement = [{{\n      Effect = \"Allow\"\n      Action = \"sts:AssumeRoleWithWebIdentity\"\n      {comment}\n      Principal = {{ Federated = \"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com\" }}\n      Condition = {{ StringEquals = {{ \"token.actions.githubusercontent.com:aud\" = \"sts.amazonaws.com\" }} }}\n    }}]\n  }})\n}}\n"
        )
    };
    let path = dir.path().join("main.tf");
    std::fs::write(&path, role("")).unwrap();
    let path = path.to_str().unwrap();
    let (stdout, _) = run(&[
        "check",
        path,
        "--format",
        "json",
        "--select",
        "missing-sub-condition",
    ]);
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["findings"].as_array().unwrap().len(), 1, "{stdout}");
    std::fs::write(
        path,
        role("# trustlint: ignore[missing-sub-condition] legacy, tracked"),
    )
    .unwrap();
    let (stdout, _) = run(&[
        "check",
        path,
        "--format",
        "json",
        "--select",
        "missing-sub-condition",
    ]);
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["findings"].as_array().unwrap().len(), 0, "{stdout}");
    assert_eq!(report["suppressed"], 1, "{stdout}");
}

#[test]
fn templates_with_unknown_structure_are_not_judged() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("template.yaml"),
        "AWSTemplateFormatVersion: '2010-09-09'\nConditions:\n  Strict: !Equals [!Ref 'AWS::Region', us-east-1]\nResources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Statement:\n          - Effect: Allow\n            Principal:\n              Federated: arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com\n            Action: sts:AssumeRoleWithWebIdentity\n            Condition: !If\n              - Strict\n              - StringEquals:\n                  token.actions.githubusercontent.com:sub: repo:o/r:ref:refs/heads/main\n              - !Ref AWS::NoValue\n",
    )
    .unwrap();
    let (stdout, code) = run(&["check", dir.path().to_str().unwrap(), "--format", "json"]);
    let report: Value = serde_json::from_str(&stdout).unwrap();
    // Neither an invalid-policy finding nor a missing `sub`: the condition may be there.
    assert_eq!(report["findings"].as_array().unwrap().len(), 0, "{stdout}");
    assert_eq!(code, 0);
}

/// (path, message) of every notice a scan prints on stderr.
fn notices(path: &str) -> Vec<String> {
    let output = Command::new(env!("CARGO_BIN_EXE_trustlint"))
        .args(["check", path, "--format", "json"])
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .output()
        .expect("runs trustlint");
    String::from_utf8(output.stderr)
        .expect("utf-8 output")
        .lines()
        .filter_map(|l| l.strip_prefix("trustlint: note: "))
        .map(str::to_string)
        .collect()
}

#[test]
fn terraform_documents_alone_are_judged_and_rejected_statements_reported() {
    let bad = "fixtures/sources/terraform-constructs/documents/bad";
    let all = findings(bad);
    let file = format!("{bad}/trust.tf");
    // A file with only a trust document, no role: read and judged.
    assert_finding(
        &all,
        "subject-org-wide",
        &file,
        18,
        19,
        "data.aws_iam_policy_document.deploy_trust: statement 1",
    );
    // What Terraform rejects is reported, and the statement is judged as meant.
    for (line, column, what) in [
        (25, 5, "`action`"),
        (26, 5, "`principal`"),
        (38, 7, "`value`"),
    ] {
        assert!(
            all.iter().any(|f| f.0 == "invalid-policy"
                && f.2 == line
                && f.3 == column
                && f.4.contains("Terraform rejects")
                && f.4.contains(what)),
            "{what}: {all:#?}"
        );
    }
    insta::assert_snapshot!("terraform_documents_bad", human(bad));
    let good = "fixtures/sources/terraform-constructs/documents/good";
    assert!(findings(good).is_empty(), "{:#?}", findings(good));
}

#[test]
fn terraform_documents_not_evaluated_get_a_notice() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "resource \"aws_iam_role\" \"r\" {\n  assume_role_policy = file(\"trust.json\")\n}\n",
    )
    .unwrap();
    let path = dir.path().to_str().unwrap();
    assert!(findings(path).is_empty());
    let notices = notices(path);
    assert!(
        notices.iter().any(|n| n.contains("line 2, column 24: aws_iam_role.r: the document `file(\"trust.json\")` is not evaluated")),
        "{notices:#?}"
    );
}

#[test]
fn terraform_variables_without_defaults_keep_subject_rules_judging() {
    let bad = "fixtures/sources/terraform-constructs/unresolved-variables/bad";
    let all = findings(bad);
    let file = format!("{bad}/main.tf");
    // `repo:${var.github_org}/${var.repo_name}:*`: a name with `_` must not silence the rules.
    assert_finding(
        &all,
        "subject-admits-pull-request",
        &file,
        25,
        68,
        "aws_iam_role.deploy: statement 1",
    );
    assert_finding(
        &all,
        "subject-org-wide",
        &file,
        41,
        68,
        "aws_iam_role.org_wide",
    );
    assert!(
        all.iter().all(|f| f
            .4
            .contains("variable `github_org` has no default: analysed as `github-org`")),
        "{all:#?}"
    );
    insta::assert_snapshot!("terraform_unresolved_variables_bad", human(bad));
    let good = "fixtures/sources/terraform-constructs/unresolved-variables/good";
    assert!(findings(good).is_empty(), "{:#?}", findings(good));
}

#[test]
fn terraform_count_and_for_each_expand_instances() {
    let bad = "fixtures/sources/terraform-constructs/count-for-each/bad";
    let all = findings(bad);
    let file = format!("{bad}/main.tf");
    // One finding per instance of `for_each = toset(var.repositories)`.
    for repo in ["octo-org/app", "octo-org/web"] {
        assert_finding(
            &all,
            "subject-admits-pull-request",
            &file,
            20,
            70,
            &format!("aws_iam_role.per_repo[\"{repo}\"]: statement 1"),
        );
    }
    // An undecided `count` is judged as if the role exists, and says so.
    assert!(
        all.iter().any(|f| f.0 == "missing-sub-condition"
            && f.4
                .contains("`count = var.create_legacy ? 1 : 0` is not decided")),
        "{all:#?}"
    );
    insta::assert_snapshot!("terraform_count_for_each_bad", human(bad));
    // `count = var.provider_arn != null ? 1 : 0` with the default null, and `for_each = {}`:
    // the roles do not exist.
    let good = "fixtures/sources/terraform-constructs/count-for-each/good";
    assert!(findings(good).is_empty(), "{:#?}", findings(good));
}

#[test]
fn terraform_variable_files_override_defaults() {
    let bad = "fixtures/sources/terraform-constructs/tfvars/bad";
    let all = findings(bad);
    // terraform.tfvars pins a branch; widen.auto.tfvars.json, loaded after it, widens it.
    assert_finding(
        &all,
        "subject-org-wide",
        &format!("{bad}/main.tf"),
        16,
        70,
        "aws_iam_role.deploy: statement 1",
    );
    assert!(
        all[0]
            .4
            .contains("variable `subject` = `repo:octo-org/*` from widen.auto.tfvars.json"),
        "{all:#?}"
    );
    insta::assert_snapshot!("terraform_tfvars_bad", human(bad));
    // A loose default that terraform.tfvars pins; an undeclared value is ignored, as Terraform.
    let good = "fixtures/sources/terraform-constructs/tfvars/good";
    assert!(findings(good).is_empty(), "{:#?}", findings(good));
}

#[test]
fn terraform_module_calls_get_a_notice() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "module \"deploy_role\" {\n  source   = \"./modules/role\"\n  subjects = [\"repo:o/r:pull_request\"]\n}\nmodule \"github_oidc\" {\n  source  = \"terraform-aws-modules/iam/aws//modules/iam-github-oidc-role\"\n}\nmodule \"vpc\" {\n  source = \"terraform-aws-modules/vpc/aws\"\n}\n",
    )
    .unwrap();
    let notices = notices(dir.path().to_str().unwrap());
    assert!(
        notices.iter().any(|n| n.contains(
            "line 1, column 1: module `deploy_role` (source `./modules/role`) is not evaluated"
        )),
        "{notices:#?}"
    );
    assert!(
        notices
            .iter()
            .any(|n| n.contains("line 5, column 1: module `github_oidc`") && n.contains("plan")),
        "{notices:#?}"
    );
    // A module that does not look like it creates a role is not noticed.
    assert!(!notices.iter().any(|n| n.contains("`vpc`")), "{notices:#?}");
}

#[test]
fn terraform_local_module_calls_are_judged_with_their_arguments() {
    let bad = "fixtures/sources/terraform-constructs/module-call/bad";
    let all = findings(bad);
    // At the argument of the call the value came from, not inside the module.
    assert_finding(
        &all,
        "subject-admits-pull-request",
        &format!("{bad}/main.tf"),
        5,
        15,
        "module.deploy_role.aws_iam_role.this: statement 1",
    );
    // The module's defaults (pinned), in the call without arguments and in the module itself.
    assert_eq!(all.len(), 1, "{all:#?}");
    insta::assert_snapshot!("terraform_module_call_bad", human(bad));
    // An environment-pinned subject; a call with `count = 0` creates nothing.
    let good = "fixtures/sources/terraform-constructs/module-call/good";
    assert!(findings(good).is_empty(), "{:#?}", findings(good));
}

#[test]
fn terraform_role_module_family_with_dynamic_trust() {
    // A role module that builds its GitHub trust from inputs with dynamic blocks, `count`,
    // `try`, `coalescelist`, `length` and `trimprefix`, called as public modules' examples do.
    let dir = "fixtures/sources/terraform-constructs/module-call-role-family";
    let all = findings(dir);
    let main = format!("{dir}/main.tf");
    assert_finding(
        &all,
        "subject-admits-pull-request",
        &main,
        8,
        5,
        "module.ci_role.aws_iam_role.this[0]: statement 1",
    );
    assert_finding(
        &all,
        "subject-ref-prefix",
        &main,
        18,
        24,
        "module.deploy_role.aws_iam_role.this[0]",
    );
    // `pinned_role` is pinned; `disabled_role` (create = false) does not exist; the module on
    // its own (github_oidc = false by default) trusts nobody.
    assert_eq!(all.len(), 2, "{all:#?}");
    insta::assert_snapshot!("terraform_module_call_role_family", human(dir));
}
