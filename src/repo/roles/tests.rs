use super::*;
use crate::source::parse_yaml;
use crate::workflow::build_workflow;

const ARN: &str = "arn:aws:iam::123456789012:role/deploy";

fn workflow(yaml: &str) -> Workflow {
    let node = parse_yaml(yaml).unwrap_or_else(|e| panic!("{e:?}"));
    let (w, problems) = build_workflow(&node);
    // The model keeps an env value of the wrong type, and reports it.
    assert!(
        problems
            .iter()
            .all(|p| p.message.contains("must be a string")),
        "{problems:#?}"
    );
    w.unwrap()
}

/// A workflow with the given env blocks and one configure-aws-credentials step whose
/// `role-to-assume` is `role`; each env is a YAML flow mapping.
fn wf(workflow_env: &str, job_env: &str, step_env: &str, role: &str) -> Workflow {
    workflow(&format!(
        "on: push\nenv: {workflow_env}\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    env: {job_env}\n    steps:\n      - uses: aws-actions/configure-aws-credentials@v4\n        env: {step_env}\n        with:\n          role-to-assume: {}\n          aws-region: us-east-1\n",
        serde_json::to_string(role).unwrap()
    ))
}

fn resolve_in(w: &Workflow, config: &Config) -> RoleResolution {
    let job = &w.jobs[0];
    let step = &job.steps[0];
    let input = step.input_text("role-to-assume").unwrap();
    resolve_role(&input, step, job, w, config)
}

fn resolve(role: &str, config: &str) -> RoleResolution {
    let config = Config::parse(config).unwrap();
    resolve_in(&wf("{}", "{}", "{}", role), &config)
}

/// (arn, via) of a resolved role, comparable with a pair of `&str`.
#[derive(Debug)]
struct Pair(String, String);

impl PartialEq<(&str, &str)> for Pair {
    fn eq(&self, other: &(&str, &str)) -> bool {
        self.0 == other.0 && self.1 == other.1
    }
}

#[track_caller]
fn resolved(r: RoleResolution) -> Pair {
    match r {
        RoleResolution::Resolved { arn, via } => Pair(arn, via),
        other => panic!("expected resolved, got {other:#?}"),
    }
}

/// (reason, hint) of an unresolved role.
#[track_caller]
fn unresolved(r: RoleResolution) -> (String, String) {
    match r {
        RoleResolution::Unresolved { reason, hint } => (reason, hint),
        other => panic!("expected unresolved, got {other:#?}"),
    }
}

const VARS: &str = "[vars]\nAWS_ROLE_ARN = \"arn:aws:iam::123456789012:role/deploy\"\nACCOUNT = \"123456789012\"\nROLE_NAME = \"deploy\"\n";

#[test]
fn literal_arn() {
    let r = resolve(ARN, "");
    assert_eq!(r.arn(), Some(ARN));
    assert_eq!(resolved(r), (ARN, "literal"));
    let r = resolve("  arn:aws:iam::123456789012:role/ci/deploy ", "");
    assert_eq!(resolved(r).0, "arn:aws:iam::123456789012:role/ci/deploy");
}

#[test]
fn malformed_arn_and_garbage() {
    let (reason, hint) = unresolved(resolve("arn:aws:iam::123:role/deploy", ""));
    assert!(
        reason.contains("not an IAM role ARN") && reason.contains("12-digit"),
        "{reason}"
    );
    assert!(hint.starts_with("fix role-to-assume"), "{hint}");
    let (reason, _) = unresolved(resolve("arn:aws:iam::123456789012:user/deploy", ""));
    assert!(reason.contains("not a role"), "{reason}");
    let (reason, _) = unresolved(resolve("my role!", ""));
    assert!(
        reason.contains("neither a role ARN nor a role name"),
        "{reason}"
    );
    let (reason, _) = unresolved(resolve("", ""));
    assert_eq!(reason, "role-to-assume is empty");
}

#[test]
fn bare_role_names_need_the_account() {
    let (reason, hint) = unresolved(resolve("deploy", ""));
    assert_eq!(reason, "\"deploy\" is a role name without an account");
    assert!(
        hint.starts_with("add `account = \"<12-digit account ID>\"` under [aws] in trustlint.toml"),
        "{hint}"
    );

    let aws = "[aws]\naccount = \"123456789012\"\n";
    let r = resolve("deploy", aws);
    assert_eq!(
        resolved(r),
        (
            ARN,
            "literal -> role name with [aws] account 123456789012 from trustlint.toml"
        )
    );
    let r = resolve("ci/deploy", aws);
    assert_eq!(resolved(r).0, "arn:aws:iam::123456789012:role/ci/deploy");
    let r = resolve("/ci/deploy", aws);
    assert_eq!(resolved(r).0, "arn:aws:iam::123456789012:role/ci/deploy");
    let r = resolve(
        "deploy",
        "[aws]\naccount = \"123456789012\"\npartition = \"aws-cn\"\n",
    );
    assert_eq!(resolved(r).0, "arn:aws-cn:iam::123456789012:role/deploy");
}

#[test]
fn vars_and_secrets_from_the_config() {
    let r = resolve("${{ vars.AWS_ROLE_ARN }}", VARS);
    assert_eq!(resolved(r), (ARN, "vars.AWS_ROLE_ARN from trustlint.toml"));
    let r = resolve("${{ secrets.aws_role_arn }}", VARS);
    assert_eq!(
        resolved(r),
        (ARN, "secrets.aws_role_arn from trustlint.toml")
    );
    let r = resolve("${{ secrets['AWS_ROLE_ARN'] }}", VARS);
    assert_eq!(resolved(r).0, ARN);
    let r = resolve(
        "${{vars.ROLE_NAME}}",
        &format!("{VARS}[aws]\naccount = \"123456789012\"\n"),
    );
    assert_eq!(
        resolved(r),
        (ARN, "vars.ROLE_NAME from trustlint.toml -> role name with [aws] account 123456789012 from trustlint.toml")
    );
}

#[test]
fn missing_vars_hint_exactly_what_to_add() {
    let (reason, hint) = unresolved(resolve("${{ vars.AWS_ROLE_ARN }}", ""));
    assert_eq!(
        reason,
        "`vars.AWS_ROLE_ARN` is a repository, environment or organization variable whose value trustlint cannot see"
    );
    assert_eq!(
        hint,
        "add `AWS_ROLE_ARN = \"arn:aws:iam::<account>:role/<name>\"` under [vars] in trustlint.toml"
    );
    let (reason, hint) = unresolved(resolve(
        "${{ secrets.ROLE }}",
        "[aws]\naccount = \"123456789012\"\n",
    ));
    assert!(reason.contains("a secret"), "{reason}");
    assert_eq!(
        hint,
        "add `ROLE = \"arn:aws:iam::123456789012:role/<name>\"` under [vars] in trustlint.toml"
    );
    // A piece of the ARN: no ARN as the example value, also through env.
    let (_, hint) = unresolved(resolve("arn:aws:iam::${{ vars.ACCT }}:role/deploy", ""));
    assert_eq!(hint, "add `ACCT = \"…\"` under [vars] in trustlint.toml");
    let w = wf(
        "{ACCT: \"${{ vars.ACCT }}\"}",
        "{}",
        "{}",
        "arn:aws:iam::${{ env.ACCT }}:role/x",
    );
    let (reason, hint) = unresolved(resolve_in(&w, &Config::default()));
    assert!(
        reason.starts_with("env.ACCT (workflow env) -> `vars.ACCT`"),
        "{reason}"
    );
    assert_eq!(hint, "add `ACCT = \"…\"` under [vars] in trustlint.toml");
}

#[test]
fn pieces_are_substituted() {
    let r = resolve("arn:aws:iam::${{ vars.ACCOUNT }}:role/deploy", VARS);
    assert_eq!(resolved(r), (ARN, "vars.ACCOUNT from trustlint.toml"));
    let r = resolve(
        "arn:aws:iam::${{ vars.ACCOUNT }}:role/${{ vars.ROLE_NAME }}",
        VARS,
    );
    assert_eq!(
        resolved(r),
        (
            ARN,
            "vars.ACCOUNT from trustlint.toml, vars.ROLE_NAME from trustlint.toml"
        )
    );
    let r = resolve("${{ 'arn:aws:iam::123456789012:role/deploy' }}", "");
    assert_eq!(resolved(r), (ARN, "literal"));
    let r = resolve("arn:aws:iam::${{ '123456789012' }}:role/${{ 'it''s' }}", "");
    let (reason, _) = unresolved(r);
    assert!(reason.contains("\"it's\" is not a role name"), "{reason}");
}

#[test]
fn env_through_step_job_and_workflow() {
    let config = Config::parse(VARS).unwrap();
    // Step env first.
    let w = wf(
        "{ROLE: \"arn:aws:iam::123456789012:role/workflow\"}",
        "{ROLE: \"arn:aws:iam::123456789012:role/job\"}",
        "{ROLE: \"arn:aws:iam::123456789012:role/step\"}",
        "${{ env.ROLE }}",
    );
    assert_eq!(
        resolved(resolve_in(&w, &config)),
        ("arn:aws:iam::123456789012:role/step", "env.ROLE (step env)")
    );
    // Then job env, whose value is itself an expression.
    let w = wf(
        "{ROLE: \"arn:aws:iam::123456789012:role/workflow\"}",
        "{ROLE: \"${{ vars.AWS_ROLE_ARN }}\"}",
        "{OTHER: x}",
        "${{ env.ROLE }}",
    );
    assert_eq!(
        resolved(resolve_in(&w, &config)),
        (
            ARN,
            "env.ROLE (job env) -> vars.AWS_ROLE_ARN from trustlint.toml"
        )
    );
    // Then workflow env; names ignore case.
    let w = wf(
        "{Role: \"arn:aws:iam::123456789012:role/workflow\"}",
        "{}",
        "{}",
        "${{ env.ROLE }}",
    );
    assert_eq!(
        resolved(resolve_in(&w, &config)),
        (
            "arn:aws:iam::123456789012:role/workflow",
            "env.Role (workflow env)"
        )
    );
}

#[test]
fn step_env_may_use_job_and_workflow_env() {
    let config = Config::parse(VARS).unwrap();
    let w = wf(
        "{ACCT: \"${{ vars.ACCOUNT }}\"}",
        "{PREFIX: \"arn:aws:iam::${{ vars.ACCOUNT }}\"}",
        "{ROLE: \"${{ env.PREFIX }}:role/deploy\"}",
        "${{ env.ROLE }}",
    );
    assert_eq!(
        resolved(resolve_in(&w, &config)),
        (
            ARN,
            "env.ROLE (step env) -> env.PREFIX (job env) -> vars.ACCOUNT from trustlint.toml"
        )
    );
}

#[test]
fn job_and_workflow_env_have_no_env_context() {
    let config = Config::parse(VARS).unwrap();
    // A self-reference in the workflow env ends at once.
    let w = wf("{ROLE: \"${{ env.ROLE }}\"}", "{}", "{}", "${{ env.ROLE }}");
    let (reason, hint) = unresolved(resolve_in(&w, &config));
    assert_eq!(
        reason,
        "env.ROLE (workflow env) -> `env.ROLE` is used in the workflow env, where GitHub offers no `env` context"
    );
    assert!(hint.contains("vars.ROLE"), "{hint}");
    let w = wf(
        "{BASE: x}",
        "{ROLE: \"${{ env.BASE }}\"}",
        "{}",
        "${{ env.ROLE }}",
    );
    let (reason, _) = unresolved(resolve_in(&w, &config));
    assert!(reason.contains("used in the job env"), "{reason}");
    // A step env value does not see its own step's env.
    let w = wf("{}", "{}", "{A: \"${{ env.B }}\", B: x}", "${{ env.A }}");
    let (reason, _) = unresolved(resolve_in(&w, &config));
    assert!(
        reason.contains("not set in the job's or the workflow's `env:`"),
        "{reason}"
    );
}

#[test]
fn missing_env_and_non_string_env() {
    let config = Config::default();
    let w = wf("{}", "{}", "{}", "${{ env.ROLE_ARN }}");
    let (reason, hint) = unresolved(resolve_in(&w, &config));
    assert!(
        reason.contains("not set in the step's, the job's or the workflow's `env:`"),
        "{reason}"
    );
    assert!(reason.contains("$GITHUB_ENV"), "{reason}");
    assert_eq!(
        hint,
        "set `ROLE_ARN` under `env:` of the step, the job or the workflow, or write the role ARN in role-to-assume"
    );
    let w = wf("{}", "{ROLE: [a, b]}", "{}", "${{ env.ROLE }}");
    let (reason, _) = unresolved(resolve_in(&w, &config));
    assert_eq!(reason, "env.ROLE (job env) is not a string");
    let w = wf("{}", "{ROLE: null}", "{}", "${{ env.ROLE }}");
    let (reason, _) = unresolved(resolve_in(&w, &config));
    assert_eq!(
        reason,
        "role-to-assume is empty after substitution (env.ROLE (job env))"
    );
}

#[test]
fn recursion_is_bounded() {
    let config = Config::parse(VARS).unwrap();
    let w = wf(
        "{C: \"${{ vars.AWS_ROLE_ARN }}\"}",
        "{B: \"${{ vars.AWS_ROLE_ARN }}\"}",
        "{A: \"${{ env.B }}\"}",
        "${{ env.A }}",
    );
    let job = &w.jobs[0];
    let step = &job.steps[0];
    let resolver = |max_depth| Resolver {
        step,
        job,
        workflow: &w,
        config: &config,
        max_depth,
    };
    // The chain A (step) -> B (job) -> vars is three levels deep.
    assert_eq!(resolved(resolver(MAX_DEPTH).resolve("${{ env.A }}")).0, ARN);
    assert_eq!(resolved(resolver(3).resolve("${{ env.A }}")).0, ARN);
    let r = resolver(2).resolve("${{ env.A }}");
    let (reason, hint) = unresolved(r);
    assert_eq!(
        reason,
        "env.A (step env) -> env.B (job env) nests references more than 2 levels deep"
    );
    assert!(hint.contains("write the role ARN"), "{hint}");
}

#[test]
fn runtime_contexts_are_unresolved_with_hints() {
    let cases = [
        (
            "${{ inputs.role }}",
            "an input given by whoever triggers or calls the workflow",
        ),
        (
            "${{ matrix.role }}",
            "differs between the job's matrix combinations",
        ),
        (
            "${{ steps.pick.outputs.role }}",
            "an output computed while the workflow runs",
        ),
        (
            "${{ needs.plan.outputs.role }}",
            "an output computed while the workflow runs",
        ),
        (
            "${{ github.event.inputs.role }}",
            "only known while the workflow runs",
        ),
        (
            "arn:aws:iam::123456789012:role/${{ inputs.env }}-deploy",
            "an input",
        ),
    ];
    for (role, needle) in cases {
        let (reason, hint) = unresolved(resolve(role, VARS));
        assert!(reason.contains(needle), "{role}: {reason}");
        assert!(!hint.is_empty(), "{role}");
    }
}

#[test]
fn expressions_trustlint_does_not_evaluate() {
    for role in [
        "${{ vars.A || vars.AWS_ROLE_ARN }}",
        "${{ format('arn:aws:iam::{0}:role/deploy', vars.ACCOUNT) }}",
        "${{ true }}",
    ] {
        let (reason, hint) = unresolved(resolve(role, VARS));
        assert!(reason.contains("not a plain reference"), "{role}: {reason}");
        assert!(hint.contains("${{ vars.AWS_ROLE_ARN }}"), "{hint}");
    }
    let (reason, _) = unresolved(resolve("${{ vars.AWS_ROLE_ARN", VARS));
    assert!(reason.contains("not closed"), "{reason}");
    let (reason, _) = unresolved(resolve("${{ vars.A.B }}", VARS));
    assert!(reason.contains("not a single vars name"), "{reason}");
    let (reason, _) = unresolved(resolve("${{ vars.* }}", VARS));
    assert!(reason.contains("not a single vars name"), "{reason}");
}

#[test]
fn substituted_values_are_checked() {
    let config = "[vars]\nROLE = \"arn:aws:iam::1:role/x\"\n";
    let (reason, hint) = unresolved(resolve("${{ vars.ROLE }}", config));
    assert!(reason.contains("not an IAM role ARN"), "{reason}");
    assert!(
        hint.starts_with("fix the value (vars.ROLE from trustlint.toml)"),
        "{hint}"
    );
    let (reason, _) = unresolved(resolve("${{ vars.EMPTY }}", "[vars]\nEMPTY = \"\"\n"));
    assert!(
        reason.starts_with("role-to-assume is empty after substitution"),
        "{reason}"
    );
}

#[test]
fn role_names_and_policy_paths() {
    assert_eq!(
        role_name("arn:aws:iam::123456789012:role/ci/deploy"),
        Some("deploy")
    );
    assert_eq!(role_name("deploy"), None);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(crate::config::FILE_NAME);
    std::fs::write(
        &path,
        "[roles]\n\"arn:aws:iam::123456789012:role/deploy\" = \"infra/iam/deploy.trust.json\"\n\"arn:aws:iam::123456789012:role/ci/Build\" = \"ci/../build.json\"\n",
    )
    .unwrap();
    let config = Config::load(&path).unwrap();
    assert_eq!(
        policy_path_for(ARN, &config),
        Some(dir.path().join("infra/iam/deploy.trust.json"))
    );
    assert_eq!(
        policy_path_for("arn:AWS:iam::123456789012:role/deploy", &config),
        Some(dir.path().join("infra/iam/deploy.trust.json"))
    );
    assert_eq!(
        policy_path_for("arn:aws:iam::123456789012:role/ci/Build", &config),
        Some(dir.path().join("ci/../build.json"))
    );
    // Role names and paths compare exactly.
    assert_eq!(
        policy_path_for("arn:aws:iam::123456789012:role/Deploy", &config),
        None
    );
    assert_eq!(
        policy_path_for("arn:aws:iam::123456789012:role/ci/build", &config),
        None
    );
    assert_eq!(
        policy_path_for("arn:aws:iam::123456789012:role/x/deploy", &config),
        None
    );
    assert_eq!(
        policy_path_for("arn:aws:iam::210987654321:role/deploy", &config),
        None
    );
    assert_eq!(policy_path_for("deploy", &config), None);

    let parsed =
        Config::parse("[roles]\n\"arn:aws:iam::123456789012:role/deploy\" = \"p.json\"\n").unwrap();
    assert_eq!(policy_path_for(ARN, &parsed), Some(PathBuf::from("p.json")));
}
