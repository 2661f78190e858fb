//! Predictions against trust policies: verdicts with witnesses, and unused admissions.

use super::*;
use crate::policy::{build_policy, TrustPolicy};
use crate::source::parse_json;

const ISSUER: &str = "token.actions.githubusercontent.com";
const PROVIDER: &str =
    "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";

fn policy(json: &str) -> TrustPolicy {
    let (policy, problems) = build_policy(&parse_json(json).unwrap());
    assert!(problems.is_empty(), "{problems:?}");
    policy.unwrap()
}

/// A one-statement Allow policy for GitHub's provider with `condition` as its Condition.
fn allow(condition: &str) -> TrustPolicy {
    policy(&format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Sid": "GitHub", "Effect": "Allow",
            "Principal": {{"Federated": "{PROVIDER}"}},
            "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {condition}}}]}}"#
    ))
}

/// `StringEquals aud = sts.amazonaws.com` plus `op sub = value(s)`.
fn sub_policy(op: &str, values: &str) -> TrustPolicy {
    let aud = format!(r#""{ISSUER}:aud": "sts.amazonaws.com""#);
    let sub = format!(r#""{ISSUER}:sub": {values}"#);
    if op == "StringEquals" {
        allow(&format!(r#"{{"StringEquals": {{{aud}, {sub}}}}}"#))
    } else {
        allow(&format!(
            r#"{{"StringEquals": {{{aud}}}, "{op}": {{{sub}}}}}"#
        ))
    }
}

fn verdicts(p: &TrustPolicy, prediction: &Prediction) -> Vec<Verdict> {
    check_against(p, PROVIDER, ISSUER, prediction, &repo())
        .into_iter()
        .map(|v| v.verdict)
        .collect()
}

fn witness(v: &Verdict) -> &str {
    match v {
        Verdict::Denied {
            witness_subject, ..
        }
        | Verdict::PartlyDenied {
            witness_subject, ..
        } => witness_subject,
        other => panic!("no witness in {other:?}"),
    }
}

#[test]
fn environment_job_against_a_branch_policy_is_denied() {
    let p = predict_yaml(&deploy_workflow(
        "\n  push:\n    branches: [main]",
        "\n    environment: production",
    ));
    let policy = sub_policy("StringEquals", r#""repo:o/r:ref:refs/heads/main""#);
    let v = verdicts(&policy, &p);
    assert_eq!(v.len(), 1);
    assert!(matches!(v[0], Verdict::Denied { .. }), "{v:?}");
    assert_eq!(witness(&v[0]), "repo:o/r:environment:production");
    let Verdict::Denied {
        evaluation_reason, ..
    } = &v[0]
    else {
        unreachable!()
    };
    assert!(
        evaluation_reason.contains("no statement allows"),
        "{evaluation_reason}"
    );
    // The witness is one the job can present.
    assert!(can_present(&p, witness(&v[0])));
}

#[test]
fn release_branches_against_a_release_pattern_are_allowed() {
    let p = predict_yaml(&deploy_workflow(
        "\n  push:\n    branches: ['release/**']",
        "",
    ));
    let v = verdicts(
        &sub_policy("StringLike", r#""repo:o/r:ref:refs/heads/release/*""#),
        &p,
    );
    assert_eq!(
        v,
        [Verdict::Allowed {
            statement: 0,
            subject: "repo:o/r:ref:refs/heads/release/1.0".into()
        }]
    );
    // GitHub's `*` is narrower than IAM's: still allowed.
    let p = predict_yaml(&deploy_workflow(
        "\n  push:\n    branches: ['release/*']",
        "",
    ));
    let v = verdicts(
        &sub_policy("StringLike", r#""repo:o/r:ref:refs/heads/release/*""#),
        &p,
    );
    assert!(matches!(v[0], Verdict::Allowed { .. }), "{v:?}");
}

#[test]
fn release_branches_against_main_are_denied_with_a_release_witness() {
    let p = predict_yaml(&deploy_workflow(
        "\n  push:\n    branches: ['release/**']",
        "",
    ));
    let v = verdicts(
        &sub_policy("StringEquals", r#""repo:o/r:ref:refs/heads/main""#),
        &p,
    );
    assert!(matches!(v[0], Verdict::Denied { .. }), "{v:?}");
    assert_eq!(witness(&v[0]), "repo:o/r:ref:refs/heads/release/1.0");
}

#[test]
fn any_branch_against_main_is_partly_denied() {
    let p = predict_yaml(&deploy_workflow("\n  push:\n    branches: ['**']", ""));
    let v = verdicts(
        &sub_policy("StringEquals", r#""repo:o/r:ref:refs/heads/main""#),
        &p,
    );
    match &v[0] {
        Verdict::PartlyDenied {
            witness_subject,
            allowed_subject,
            statement,
            ..
        } => {
            assert_eq!(allowed_subject, "repo:o/r:ref:refs/heads/main");
            assert_ne!(witness_subject, allowed_subject);
            assert!(can_present(&p, witness_subject));
            assert_eq!(*statement, 0);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn audience_mismatch_is_denied() {
    let p = predict_yaml(&deploy_workflow("\n  push:\n    branches: [main]", ""));
    let policy = allow(&format!(
        r#"{{"StringEquals": {{"{ISSUER}:aud": "sts.amazonaws.com.cn",
            "{ISSUER}:sub": "repo:o/r:ref:refs/heads/main"}}}}"#
    ));
    let v = verdicts(&policy, &p);
    match &v[0] {
        Verdict::Denied {
            witness_subject,
            evaluation_reason,
        } => {
            assert_eq!(witness_subject, "repo:o/r:ref:refs/heads/main");
            assert!(evaluation_reason.contains("aud"), "{evaluation_reason}");
        }
        other => panic!("{other:?}"),
    }
    // The same job asking for the China audience is allowed.
    let yaml = deploy_workflow("\n  push:\n    branches: [main]", "")
        .replace("aws-region: us-east-1", "audience: sts.amazonaws.com.cn");
    let v = verdicts(&policy, &predict_yaml(&yaml));
    assert!(matches!(v[0], Verdict::Allowed { .. }), "{v:?}");
    // An expression audience against a policy that tests aud: unknown.
    let yaml = deploy_workflow("\n  push:\n    branches: [main]", "")
        .replace("aws-region: us-east-1", "audience: ${{ vars.AUD }}");
    let v = verdicts(&policy, &predict_yaml(&yaml));
    assert!(matches!(v[0], Verdict::Unknown { .. }), "{v:?}");
}

#[test]
fn pull_request_on_a_repo_wildcard_is_allowed() {
    let p = predict_yaml(&deploy_workflow(" pull_request", ""));
    let v = verdicts(&sub_policy("StringLike", r#""repo:o/r:*""#), &p);
    assert_eq!(
        v,
        [Verdict::Allowed {
            statement: 0,
            subject: "repo:o/r:pull_request".into()
        }]
    );
    // Any branch too: the wildcard covers the whole set.
    let p = predict_yaml(&deploy_workflow(" push", ""));
    let v = verdicts(&sub_policy("StringLike", r#""repo:o/r:*""#), &p);
    assert!(
        v.iter().all(|v| matches!(v, Verdict::Allowed { .. })),
        "{v:?}"
    );
}

#[test]
fn allowed_needs_a_proof_for_infinite_sets() {
    // A Deny that may hit some release branch but no representative: unknown, not allowed.
    let policy = policy(&format!(
        r#"{{"Version": "2012-10-17", "Statement": [
            {{"Effect": "Allow", "Principal": {{"Federated": "{PROVIDER}"}},
              "Action": "sts:AssumeRoleWithWebIdentity",
              "Condition": {{"StringLike": {{"{ISSUER}:sub": "repo:o/r:*"}}}}}},
            {{"Effect": "Deny", "Principal": {{"Federated": "{PROVIDER}"}},
              "Action": "sts:AssumeRoleWithWebIdentity",
              "Condition": {{"StringLike": {{"{ISSUER}:sub": "repo:o/r:ref:refs/heads/release/old*"}}}}}}
        ]}}"#
    ));
    let p = predict_yaml(&deploy_workflow(
        "\n  push:\n    branches: ['release/**']",
        "",
    ));
    let v = verdicts(&policy, &p);
    match &v[0] {
        Verdict::Unknown { reason } => assert!(reason.contains("cannot prove"), "{reason}"),
        other => panic!("{other:?}"),
    }
    // The Deny cannot meet `main`: allowed.
    let p = predict_yaml(&deploy_workflow("\n  push:\n    branches: [main]", ""));
    assert!(matches!(verdicts(&policy, &p)[0], Verdict::Allowed { .. }));
    // A StringLike that only partly overlaps the set.
    let p = predict_yaml(&deploy_workflow(
        "\n  push:\n    branches: ['release/**']",
        "",
    ));
    let v = verdicts(
        &sub_policy("StringLike", r#""repo:o/r:ref:refs/heads/release/1*""#),
        &p,
    );
    // release/x is a representative and is denied.
    assert!(matches!(v[0], Verdict::PartlyDenied { .. }), "{v:?}");
    assert_eq!(witness(&v[0]), "repo:o/r:ref:refs/heads/release/x");
}

#[test]
fn job_workflow_ref_conditions() {
    let p = predict_yaml(&deploy_workflow(
        "\n  push:\n    branches: ['release/**']",
        "",
    ));
    let policy = allow(&format!(
        r#"{{"StringEquals": {{"{ISSUER}:aud": "sts.amazonaws.com"}},
            "StringLike": {{"{ISSUER}:sub": "repo:o/r:*",
              "{ISSUER}:job_workflow_ref": "o/r/.github/workflows/deploy.yml@refs/heads/release/*"}}}}"#
    ));
    assert!(matches!(verdicts(&policy, &p)[0], Verdict::Allowed { .. }));
    let other = allow(&format!(
        r#"{{"StringLike": {{"{ISSUER}:sub": "repo:o/r:*",
              "{ISSUER}:job_workflow_ref": "o/r/.github/workflows/other.yml@*"}}}}"#
    ));
    let v = verdicts(&other, &p);
    assert!(matches!(v[0], Verdict::Denied { .. }), "{v:?}");
}

#[test]
fn caveats_and_unpredicted_claims_make_denials_unknown() {
    // pull_request_target's subject is inferred: a denial becomes unknown.
    let p = predict_yaml(&deploy_workflow(" pull_request_target", ""));
    let v = verdicts(
        &sub_policy("StringEquals", r#""repo:o/r:pull_request""#),
        &p,
    );
    match &v[0] {
        Verdict::Unknown { reason } => {
            assert!(
                reason.contains("would be denied") && reason.contains("inferred"),
                "{reason}"
            )
        }
        other => panic!("{other:?}"),
    }
    // A claim trustlint does not predict.
    let p = predict_yaml(&deploy_workflow("\n  push:\n    branches: [main]", ""));
    let policy = allow(&format!(
        r#"{{"StringEquals": {{"{ISSUER}:actor": "mona",
            "{ISSUER}:sub": "repo:o/r:ref:refs/heads/main"}}}}"#
    ));
    let v = verdicts(&policy, &p);
    assert!(
        matches!(&v[0], Verdict::Unknown { reason } if reason.contains("actor")),
        "{v:?}"
    );
    // Claims it does predict.
    let policy = allow(&format!(
        r#"{{"StringEquals": {{"{ISSUER}:repository": "o/r", "{ISSUER}:ref": "refs/heads/main",
            "{ISSUER}:event_name": "push", "{ISSUER}:ref_type": "branch"}}}}"#
    ));
    assert!(matches!(verdicts(&policy, &p)[0], Verdict::Allowed { .. }));
    // An expression environment: unknown.
    let p = predict_yaml(&deploy_workflow(
        " push",
        "\n    environment: ${{ inputs.e }}",
    ));
    let v = verdicts(
        &sub_policy("StringEquals", r#""repo:o/r:ref:refs/heads/main""#),
        &p,
    );
    assert!(v.iter().all(|v| matches!(v, Verdict::Unknown { .. })));
}

#[test]
fn immutable_subjects_against_a_classic_pattern_are_denied() {
    let mut immutable = repo();
    immutable.template = SubjectFormat::Immutable;
    immutable.owner_id = Some(1);
    immutable.repository_id = Some(2);
    let w = wf(&deploy_workflow("\n  push:\n    branches: [main]", ""));
    let p = predict_in(".github/workflows/deploy.yml", &w, &[], &immutable);
    let v = check_against(
        &sub_policy("StringLike", r#""repo:o/r:*""#),
        PROVIDER,
        &format!("https://{ISSUER}"),
        &p,
        &immutable,
    );
    assert!(matches!(v[0].verdict, Verdict::Denied { .. }), "{v:?}");
    assert_eq!(witness(&v[0].verdict), "repo:o@1/r@2:ref:refs/heads/main");
    let v = check_against(
        &sub_policy("StringEquals", r#""repo:o@1/r@2:ref:refs/heads/main""#),
        PROVIDER,
        ISSUER,
        &p,
        &immutable,
    );
    assert!(matches!(v[0].verdict, Verdict::Allowed { .. }), "{v:?}");

    // Without the IDs the real subject is unknown: no denial.
    immutable.owner_id = None;
    let p = predict_in(".github/workflows/deploy.yml", &w, &[], &immutable);
    let v = check_against(
        &sub_policy("StringEquals", r#""repo:o@1/r@2:ref:refs/heads/main""#),
        PROVIDER,
        ISSUER,
        &p,
        &immutable,
    );
    assert!(
        matches!(&v[0].verdict, Verdict::Unknown { reason } if reason.contains("immutable")),
        "{v:?}"
    );
}

#[test]
fn a_policy_for_another_provider_denies() {
    let p = predict_yaml(&deploy_workflow("\n  push:\n    branches: [main]", ""));
    let other = "arn:aws:iam::123456789012:oidc-provider/gitlab.com";
    let policy = policy(&format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow",
            "Principal": {{"Federated": "{other}"}}, "Action": "sts:AssumeRoleWithWebIdentity"}}]}}"#
    ));
    let v = verdicts(&policy, &p);
    assert!(matches!(v[0], Verdict::Denied { .. }), "{v:?}");
}

#[test]
fn unused_admissions_of_a_repo_wildcard() {
    let p = predict_yaml(&deploy_workflow("\n  push:\n    branches: [main]", ""));
    let policy = sub_policy("StringLike", r#""repo:o/r:*""#);
    let unused = unused_admissions(&policy, ISSUER, std::slice::from_ref(&p), &repo());
    let examples: Vec<&str> = unused.iter().map(|a| a.example.as_str()).collect();
    for expected in [
        "repo:o/r:pull_request",
        "repo:o/r:ref:refs/heads/trustlint-unused-branch",
        "repo:o/r:ref:refs/tags/trustlint-unused-tag",
        "repo:o/r:environment:trustlint-unused",
    ] {
        assert!(examples.contains(&expected), "{expected} in {examples:?}");
    }
    assert!(!examples.contains(&"repo:o/r:ref:refs/heads/main"));
    // Each points at the `repo:o/r:*` value.
    let text = r#""repo:o/r:*""#;
    for a in &unused {
        assert_eq!(a.statement, 0);
        assert_eq!(a.value_span.len(), text.len(), "{a:?}");
    }

    // A policy that admits exactly what the workflows need has nothing unused.
    let exact = sub_policy("StringEquals", r#""repo:o/r:ref:refs/heads/main""#);
    assert!(unused_admissions(&exact, ISSUER, std::slice::from_ref(&p), &repo()).is_empty());

    // A listed value no workflow needs.
    let two = sub_policy(
        "StringEquals",
        r#"["repo:o/r:ref:refs/heads/main", "repo:o/r:ref:refs/heads/legacy"]"#,
    );
    let unused = unused_admissions(&two, ISSUER, std::slice::from_ref(&p), &repo());
    assert_eq!(unused.len(), 1);
    assert_eq!(unused[0].example, "repo:o/r:ref:refs/heads/legacy");

    // A job whose environment is an expression might produce anything: nothing is reported
    // for environments it could name.
    let dynamic = predict_yaml(&deploy_workflow(
        " push",
        "\n    environment: ${{ inputs.e }}",
    ));
    let unused = unused_admissions(&policy, ISSUER, &[dynamic], &repo());
    assert!(unused.is_empty(), "{unused:?}");

    // No prediction at all: everything the policy admits is unused.
    assert!(!unused_admissions(&policy, ISSUER, &[], &repo()).is_empty());
}
