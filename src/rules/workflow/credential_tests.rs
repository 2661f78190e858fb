//! Case tables for the workflow-credential rules, run on small workflows through the same
//! context the scan builds: what fires, what stays quiet, and no panic on odd shapes.

use super::*;
use crate::rules::{all_rules, Rule, Settings, WorkflowContext, Workflows};
use crate::source::{parse_yaml, SourceFile};
use crate::workflow::build_workflow;
use std::path::Path;
use std::sync::Arc;

/// Runs one rule on a workflow text; the findings as (rule, flagged text, message).
fn run(rule: &dyn Rule, yaml: &str) -> Vec<(String, String, String)> {
    let file = Arc::new(SourceFile::new(
        Path::new(".github/workflows/test.yml"),
        yaml.to_string(),
    ));
    let root = parse_yaml(&file.text).expect("test workflow parses");
    let (workflow, problems) = build_workflow(&root);
    let workflow = workflow.expect("a mapping");
    let settings = Settings::default();
    let workflows = Workflows::new(vec![(file.as_ref(), &workflow)]);
    let ctx = WorkflowContext {
        file: &file,
        workflow: &workflow,
        problems: &problems,
        settings: &settings,
        workflows: &workflows,
    };
    let mut out = Vec::new();
    rule.check_workflow(&ctx, &mut out);
    out.into_iter()
        .map(|f| {
            (
                f.rule.to_string(),
                f.file.slice(f.span).to_string(),
                f.message.clone(),
            )
        })
        .collect()
}

/// A job that runs one configure-aws-credentials step with these `with:` lines (and `env:` lines
/// for the step), at this ref.
fn aws_step(git_ref: &str, with: &str, env: &str) -> String {
    let indent = |text: &str, n: usize| {
        text.lines()
            .map(|l| format!("{}{l}\n", " ".repeat(n)))
            .collect::<String>()
    };
    let mut step = format!(
        "on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - name: creds\n        uses: aws-actions/configure-aws-credentials@{git_ref}\n"
    );
    if !with.is_empty() {
        step.push_str("        with:\n");
        step.push_str(&indent(with, 10));
    }
    if !env.is_empty() {
        step.push_str("        env:\n");
        step.push_str(&indent(env, 10));
    }
    step
}

const SHA: &str = "e3dd6a429d7300a6a4c196c26e071d42e0343502";
const OIDC: &str = "role-to-assume: arn:aws:iam::123456789012:role/deploy\naws-region: us-east-1";

fn flagged(findings: &[(String, String, String)]) -> Vec<&str> {
    findings.iter().map(|(_, text, _)| text.as_str()).collect()
}

#[test]
fn odd_shapes_never_panic() {
    let odd = [
        "on: push\njobs: {}\n",
        "on: push\njobs:\n  a:\n    uses: ./.github/workflows/x.yml\n",
        "on: push\njobs:\n  a:\n    runs-on: x\n    steps: []\n",
        "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: aws-actions/configure-aws-credentials\n        with: [1, 2]\n",
        "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: aws-actions/configure-aws-credentials@\n",
        "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: docker://amazon/aws-cli\n        with:\n          aws-access-key-id: ${{ secrets.K }}\n",
        "on: push\njobs:\n  a:\n    runs-on: x\n    outputs: {k: [1]}\n    env: [1]\n    steps:\n      - run: [1]\n        env: {AWS_ACCESS_KEY_ID: [1], AWS_SECRET_ACCESS_KEY: {a: b}}\n",
        "on: push\nenv:\n  AWS_ACCESS_KEY_ID: '${{ secrets.'\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: aws-actions/configure-aws-credentials@v\n        with:\n          aws-region: ~\n          role-duration-seconds: '${{'\n          role-session-name: é\n          role-to-assume: 'arn:'\n          output-credentials: TRUE\n          aws-access-key-id: ''\n",
    ];
    for yaml in odd {
        let root = parse_yaml(yaml).unwrap_or_else(|e| panic!("{yaml}: {e:?}"));
        assert!(build_workflow(&root).0.is_some(), "{yaml}");
        for rule in all_rules() {
            let _ = run(*rule, yaml);
        }
    }
}

#[test]
fn static_credentials_cases() {
    let rule = &static_aws_credentials::StaticAwsCredentials;
    let keys = "aws-access-key-id: ${{ secrets.ID }}\naws-secret-access-key: ${{ secrets.SECRET }}\naws-region: us-east-1";
    assert_eq!(
        flagged(&run(rule, &aws_step("v4", keys, ""))),
        ["aws-access-key-id"]
    );
    // Only the secret: still reported, at the secret.
    let secret_only = "aws-secret-access-key: ${{ secrets.SECRET }}\naws-region: us-east-1";
    assert_eq!(
        flagged(&run(rule, &aws_step("v4", secret_only, ""))),
        ["aws-secret-access-key"]
    );
    // Case-insensitive input names.
    let upper = "AWS-ACCESS-KEY-ID: ${{ secrets.ID }}\nAWS-SECRET-ACCESS-KEY: ${{ secrets.SECRET }}\naws-region: us-east-1";
    assert_eq!(run(rule, &aws_step("v4", upper, "")).len(), 1);
    // Temporary credentials (with a session token), passed-on values, literals: quiet.
    for quiet in [
        format!("{keys}\naws-session-token: ${{{{ secrets.TOKEN }}}}"),
        "aws-access-key-id: ${{ steps.vault.outputs.id }}\naws-secret-access-key: ${{ steps.vault.outputs.secret }}\naws-region: us-east-1".to_string(),
        "aws-access-key-id: test\naws-secret-access-key: test\naws-region: us-east-1".to_string(),
        OIDC.to_string(),
    ] {
        assert!(run(rule, &aws_step("v4", &quiet, "")).is_empty(), "{quiet}");
    }
    // Step env from secrets is reported; from step outputs it is not.
    let env = "AWS_ACCESS_KEY_ID: ${{ secrets.ID }}\nAWS_SECRET_ACCESS_KEY: ${{ secrets.SECRET }}";
    assert_eq!(
        flagged(&run(rule, &aws_step("v4", OIDC, env))),
        ["AWS_ACCESS_KEY_ID"]
    );
    let env_token = format!("{env}\nAWS_SESSION_TOKEN: ${{{{ secrets.TOKEN }}}}");
    assert!(run(rule, &aws_step("v4", OIDC, &env_token)).is_empty());
}

#[test]
fn hardcoded_key_places() {
    let rule = &hardcoded_aws_key::HardcodedAwsKey;
    let yaml = "on: push\n# AKIAIOSFODNN7EXAMPLE at the top\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo AKIAIOSFODNN7EXAMPLE\n";
    let findings = run(rule, yaml);
    assert_eq!(findings.len(), 2);
    assert!(
        findings[0].2.contains("in a comment outside any job"),
        "{findings:?}"
    );
    assert!(
        findings[1].2.contains("in step 1 of job \"a\""),
        "{findings:?}"
    );
    for (_, _, message) in &findings {
        assert!(!message.contains("AKIAIOSFODNN7EXAMPLE"), "{message}");
        assert!(message.contains("AKIA…MPLE"), "{message}");
    }
}

#[test]
fn unpinned_accepts_tags_and_shas() {
    let rule = &unpinned_credentials_action::UnpinnedCredentialsAction;
    for ok in ["v4", "v4.1.0", "4", "v1-node16", SHA] {
        assert!(run(rule, &aws_step(ok, OIDC, "")).is_empty(), "{ok}");
    }
    for bad in [
        "main",
        "master",
        "develop",
        "HEAD",
        "refs/heads/main",
        "e3dd6a4",
        "my-branch",
    ] {
        assert_eq!(run(rule, &aws_step(bad, OIDC, "")).len(), 1, "{bad}");
    }
    // Other actions are not this rule's business, except the credential actions of the table.
    let other = "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@main\n      - uses: pypa/gh-action-pypi-publish@release/v1\n      - uses: actions/github-script@main\n";
    assert_eq!(
        flagged(&run(rule, other)),
        ["pypa/gh-action-pypi-publish@release/v1"]
    );
}

#[test]
fn outdated_only_judges_release_tags() {
    let rule = &outdated_credentials_action::OutdatedCredentialsAction;
    for bad in [
        "v1",
        "v1.7.0",
        "v1-node16",
        "v2",
        "v2.2.0",
        "v3",
        "v3.0.1",
        "V3",
    ] {
        assert_eq!(run(rule, &aws_step(bad, OIDC, "")).len(), 1, "{bad}");
    }
    for quiet in ["v4", "v4.0.2", "v5", "v6.3.0", SHA, "main", "e3dd6a4"] {
        assert!(run(rule, &aws_step(quiet, OIDC, "")).is_empty(), "{quiet}");
    }
    let node12 = run(rule, &aws_step("v1", OIDC, ""));
    assert!(node12[0].2.contains("node12"), "{node12:?}");
    let node16 = run(rule, &aws_step("v1-node16", OIDC, ""));
    assert!(node16[0].2.contains("node16"), "{node16:?}");
}

#[test]
fn region_from_env_depends_on_the_release() {
    let rule = &invalid_credentials_action_input::InvalidCredentialsActionInput;
    let role = "role-to-assume: arn:aws:iam::123456789012:role/deploy";
    let env = "AWS_REGION: us-east-1";
    // v4.2.0+ (and a SHA or branch, whose release is unknown) read AWS_REGION as the input.
    for ok in ["v4", "v4.2.1", "v6", SHA] {
        assert!(run(rule, &aws_step(ok, role, env)).is_empty(), "{ok}");
    }
    for old in ["v3", "v4.1.0", "v2"] {
        let findings = run(rule, &aws_step(old, role, env));
        assert!(
            findings
                .iter()
                .any(|f| f.2.contains("`AWS_REGION` is set, but")),
            "{old}: {findings:?}"
        );
    }
    let off = format!("{role}\ntranslate-env-variables: false");
    assert!(run(rule, &aws_step("v6", &off, env))
        .iter()
        .any(|f| f.2.contains("translate-env-variables: false")));
    // Job- and workflow-level env count too.
    let job_env = format!(
        "on: push\nenv:\n  AWS_REGION: eu-west-1\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: aws-actions/configure-aws-credentials@v6\n        with:\n          {role}\n"
    );
    assert!(run(rule, &job_env).is_empty());
    // An expression is not judged; an empty value is missing.
    assert!(run(
        rule,
        &aws_step("v6", &format!("{role}\naws-region: ${{{{ vars.R }}}}"), "")
    )
    .is_empty());
    assert_eq!(
        run(
            rule,
            &aws_step("v6", &format!("{role}\naws-region: ''"), "")
        )
        .len(),
        1
    );
}

#[test]
fn input_checks() {
    let rule = &invalid_credentials_action_input::InvalidCredentialsActionInput;
    let check = |with: &str| run(rule, &aws_step("v4", with, ""));
    assert!(check(OIDC).is_empty());
    assert!(check(&format!(
        "{OIDC}\nRole-Duration-Seconds: 3600\nMASK-AWS-ACCOUNT-ID: True"
    ))
    .is_empty());
    assert_eq!(
        flagged(&check(&format!("{OIDC}\nrole-to-asume: x"))),
        ["role-to-asume"]
    );
    assert_eq!(
        flagged(&check(&format!("{OIDC}\nrole-duration-seconds: 60"))),
        ["60"]
    );
    assert_eq!(
        flagged(&check(&format!(
            "{OIDC}\nrole-session-name: ${{{{ github.ref }}}}"
        ))),
        ["${{ github.ref }}"]
    );
    assert_eq!(
        flagged(&check(&format!("{OIDC}\nforce-skip-oidc: true"))),
        ["force-skip-oidc"]
    );
    assert!(run(
        rule,
        &aws_step("v5", &format!("{OIDC}\nforce-skip-oidc: true"), "")
    )
    .is_empty());
    assert_eq!(
        flagged(&check(&format!(
            "{OIDC}\nrole-chaining: true\nrole-duration-seconds: 7200"
        ))),
        ["7200"]
    );
    assert_eq!(
        flagged(&check(
            "aws-region: us-east-1\nweb-identity-token-file: /var/run/token"
        )),
        ["web-identity-token-file"]
    );
    assert_eq!(
        flagged(&check(&format!(
            "{OIDC}\naws-access-key-id: ${{{{ secrets.A }}}}\naws-secret-access-key: ${{{{ secrets.B }}}}\naudience: sts.amazonaws.com"
        ))),
        ["audience"]
    );
    // A bare role name is fine with source credentials, not with OIDC.
    assert!(check("role-to-assume: deploy\naws-region: us-east-1\naws-access-key-id: ${{ secrets.A }}\naws-secret-access-key: ${{ secrets.B }}").is_empty());
    assert_eq!(
        flagged(&check("role-to-assume: deploy\naws-region: us-east-1")),
        ["deploy"]
    );
    // ROLE_TO_ASSUME from env stands in for the input (v4.2.0+).
    assert!(run(
        rule,
        &aws_step(
            "v6",
            "aws-region: us-east-1\nrole-session-name: ci",
            "ROLE_TO_ASSUME: arn:aws:iam::123456789012:role/deploy"
        )
    )
    .is_empty());
}

#[test]
fn credential_outputs_cases() {
    let rule = &credentials_in_outputs::CredentialsInOutputs;
    let job = |outputs: &str, steps: &str| {
        format!("on: push\njobs:\n  a:\n    runs-on: x\n    outputs:\n{outputs}    steps:\n{steps}")
    };
    let creds = "      - id: creds\n        uses: aws-actions/configure-aws-credentials@v4\n        with:\n          role-to-assume: arn:aws:iam::123456789012:role/deploy\n          aws-region: us-east-1\n          output-credentials: true\n";
    // Forwarding any credential output is reported once, at the job output.
    let forwarded = run(
        rule,
        &job(
            "      k: ${{ steps.creds.outputs.AWS-SECRET-ACCESS-KEY }}\n",
            creds,
        ),
    );
    assert_eq!(
        flagged(&forwarded),
        ["${{ steps.creds.outputs.AWS-SECRET-ACCESS-KEY }}"]
    );
    // Non-secret outputs are fine, but then nothing reads the credentials.
    let unused = run(
        rule,
        &job(
            "      account: ${{ steps.creds.outputs.aws-account-id }}\n",
            creds,
        ),
    );
    assert_eq!(flagged(&unused), ["output-credentials"]);
    // Used by a later step's env: the narrow use the option exists for.
    let used = format!("{creds}      - env:\n          KEY: ${{{{ steps.creds.outputs.aws-secret-access-key }}}}\n        run: ./x.sh\n");
    assert!(run(
        rule,
        &job("      d: ${{ steps.x.outputs.digest }}\n", &used)
    )
    .is_empty());
    // Pasted into a script.
    let pasted = format!(
        "{creds}      - run: ./x.sh ${{{{ steps.creds.outputs.aws-secret-access-key }}}}\n"
    );
    assert_eq!(
        flagged(&run(
            rule,
            &job("      d: ${{ steps.x.outputs.digest }}\n", &pasted)
        )),
        ["output-credentials"]
    );
    // Env, secrets and script outputs.
    let script =
        "      - id: s\n        run: echo \"k=$AWS_SECRET_ACCESS_KEY\" >> \"$GITHUB_OUTPUT\"\n";
    let findings = run(
        rule,
        &job(
            "      a: ${{ env.AWS_SESSION_TOKEN }}\n      b: ${{ secrets.PROD_AWS_SECRET_ACCESS_KEY }}\n      c: ${{ steps.s.outputs.k }}\n      d: ${{ env.AWS_REGION }}\n",
            script,
        ),
    );
    assert_eq!(findings.len(), 3, "{findings:?}");
}

#[test]
fn role_name_cases() {
    let rule = &github_actions_role_name::GithubActionsRoleName;
    for bad in [
        "arn:aws:iam::123456789012:role/GitHubActions",
        "arn:aws:iam::123456789012:role/ci/githubactions",
        "GITHUBACTIONS",
    ] {
        let with = format!("role-to-assume: {bad}\naws-region: us-east-1");
        assert_eq!(run(rule, &aws_step("v4", &with, "")).len(), 1, "{bad}");
    }
    for ok in [
        "arn:aws:iam::123456789012:role/GitHubActionsDeploy",
        "arn:aws:iam::123456789012:role/deploy",
        "${{ secrets.ROLE }}",
    ] {
        let with = format!(
            "role-to-assume: {ok}\naws-region: us-east-1\nrole-session-name: GitHubActions"
        );
        assert!(run(rule, &aws_step("v4", &with, "")).is_empty(), "{ok}");
    }
}

#[test]
fn odd_shapes_mostly_parse() {
    // Guards the test above: the odd workflows must reach the rules.
    let yaml = "on: push\nenv:\n  AWS_ACCESS_KEY_ID: '${{ secrets.'\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: aws-actions/configure-aws-credentials@v\n        with:\n          aws-region: ~\n          role-duration-seconds: '${{'\n          role-session-name: é\n          role-to-assume: 'arn:'\n          output-credentials: TRUE\n          aws-access-key-id: ''\n";
    let findings = run(
        &invalid_credentials_action_input::InvalidCredentialsActionInput,
        yaml,
    );
    assert!(!findings.is_empty());
}
