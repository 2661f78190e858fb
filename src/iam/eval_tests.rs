//! The evaluation engine against IAM's documented semantics (see `reference/iam-trust-evaluation.md`).

use super::*;
use crate::policy::{build_policy, TrustPolicy};
use crate::source::parse_json;

const GH: &str = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
const SUB: &str = "token.actions.githubusercontent.com:sub";
const AUD: &str = "token.actions.githubusercontent.com:aud";

fn policy(json: &str) -> TrustPolicy {
    let (policy, problems) = build_policy(&parse_json(json).unwrap());
    // Unknown operators are reported by the builder (invalid-policy) and kept in the model.
    assert!(
        problems
            .iter()
            .all(|p| p.message.starts_with("unknown condition operator")),
        "{problems:?}"
    );
    policy.unwrap()
}

fn request(claims: &[(&str, &str)]) -> Request {
    Request::web_identity(
        Some(GH.to_string()),
        claims
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    )
}

/// A one-statement Allow policy trusting GitHub with `condition` as its Condition.
fn with_condition(version: &str, condition: &str) -> TrustPolicy {
    policy(&format!(
        r#"{{"Version": "{version}", "Statement": [{{"Effect": "Allow",
            "Principal": {{"Federated": "{GH}"}}, "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {condition}}}]}}"#
    ))
}

/// The truth and explanation of the only condition of a one-statement policy.
fn cond(operator: &str, key: &str, values: &str, claims: &[(&str, &str)]) -> (Truth, String) {
    let p = with_condition(
        "2012-10-17",
        &format!(r#"{{"{operator}": {{"{key}": {values}}}}}"#),
    );
    let s = &p.statements[0];
    let outcome = evaluate_condition(
        &s.conditions[0],
        &s.conditions[0].entries[0],
        &request(claims),
        true,
    );
    (outcome.truth, outcome.explanation)
}

fn truth(operator: &str, key: &str, values: &str, claims: &[(&str, &str)]) -> Truth {
    cond(operator, key, values, claims).0
}

use Truth::{False as F, True as T, Unknown as U};

// ---- absent keys ---------------------------------------------------------------------------

#[test]
fn absent_key_under_positive_operators_is_false() {
    for op in [
        "StringEquals",
        "StringLike",
        "StringEqualsIgnoreCase",
        "ArnLike",
        "ArnEquals",
        "NumericEquals",
        "Bool",
        "DateLessThan",
        "IpAddress",
    ] {
        assert_eq!(truth(op, SUB, r#""x""#, &[]), F, "{op}");
    }
    let (_, why) = cond("StringEquals", SUB, r#""x""#, &[]);
    assert_eq!(
        why,
        format!("key {SUB} is absent from the request, so StringEquals is false (positive operators are false for absent keys)")
    );
}

#[test]
fn absent_key_under_negated_operators_is_true() {
    for op in [
        "StringNotEquals",
        "StringNotLike",
        "StringNotEqualsIgnoreCase",
        "ArnNotLike",
        "ArnNotEquals",
        "NumericNotEquals",
        "DateNotEquals",
        "NotIpAddress",
    ] {
        assert_eq!(truth(op, AUD, r#""x""#, &[]), T, "{op}");
    }
    let (_, why) = cond("StringNotEquals", AUD, r#""sts.amazonaws.com""#, &[]);
    assert_eq!(
        why,
        format!("key {AUD} is absent from the request, so StringNotEquals holds (negated operators are true for absent keys)")
    );
}

#[test]
fn absent_key_under_if_exists_is_true() {
    assert_eq!(truth("StringEqualsIfExists", SUB, r#""x""#, &[]), T);
    assert_eq!(truth("StringLikeIfExists", SUB, r#""x""#, &[]), T);
    assert_eq!(truth("StringNotLikeIfExists", SUB, r#""x""#, &[]), T);
    // …IfExists wins over ForAnyValue's "false when absent"
    assert_eq!(
        truth("ForAnyValue:StringLikeIfExists", SUB, r#""x""#, &[]),
        T
    );
    // but when the key is present it is tested as usual
    assert_eq!(
        truth("StringEqualsIfExists", SUB, r#""x""#, &[(SUB, "y")]),
        F
    );
    assert_eq!(
        truth("StringEqualsIfExists", SUB, r#""x""#, &[(SUB, "x")]),
        T
    );
}

#[test]
fn absent_key_under_for_any_value_is_false_and_for_all_values_true() {
    assert_eq!(truth("ForAnyValue:StringLike", SUB, r#""x""#, &[]), F);
    assert_eq!(truth("ForAnyValue:StringNotLike", SUB, r#""x""#, &[]), F);
    assert_eq!(truth("ForAllValues:StringLike", SUB, r#""x""#, &[]), T);
    assert_eq!(truth("ForAllValues:StringEquals", SUB, r#""x""#, &[]), T);
    assert!(cond("ForAllValues:StringLike", SUB, r#""x""#, &[])
        .1
        .contains("ForAllValues: is true for an absent or empty key"));
    assert!(cond("ForAnyValue:StringLike", SUB, r#""x""#, &[])
        .1
        .contains("ForAnyValue: is false for an absent or empty key"));
}

#[test]
fn null_tests_presence() {
    assert_eq!(truth("Null", SUB, r#""true""#, &[]), T);
    assert_eq!(truth("Null", SUB, "true", &[]), T);
    assert_eq!(truth("Null", SUB, r#""true""#, &[(SUB, "v")]), F);
    assert_eq!(truth("Null", SUB, r#""false""#, &[]), F);
    assert_eq!(truth("Null", SUB, "false", &[(SUB, "v")]), T);
    // values are OR'ed: either way it holds
    assert_eq!(truth("Null", SUB, r#"["true", "false"]"#, &[]), T);
    // not a boolean: unknown, unless another value already holds
    assert_eq!(truth("Null", SUB, r#""maybe""#, &[]), U);
    assert_eq!(truth("Null", SUB, r#"["maybe", "true"]"#, &[]), T);
}

#[test]
fn keys_aws_always_sets_are_unknown_when_not_given() {
    let (t, why) = cond("Bool", "aws:SecureTransport", r#""true""#, &[]);
    assert_eq!(t, U);
    assert!(why.contains("--claim aws:SecureTransport=VALUE"), "{why}");
    assert_eq!(
        truth(
            "Bool",
            "aws:SecureTransport",
            r#""true""#,
            &[("aws:securetransport", "TRUE")]
        ),
        T
    );
    // other keys are simply absent
    assert_eq!(
        truth("Bool", "aws:MultiFactorAuthPresent", r#""true""#, &[]),
        F
    );
}

// ---- keys, values, case --------------------------------------------------------------------

#[test]
fn key_names_are_case_insensitive_values_case_sensitive() {
    let upper_key = "TOKEN.actions.GithubUserContent.com:SUB";
    assert_eq!(
        truth(
            "StringEquals",
            upper_key,
            r#""repo:o/r:ref:refs/heads/main""#,
            &[(SUB, "repo:o/r:ref:refs/heads/main")]
        ),
        T
    );
    assert_eq!(
        truth(
            "StringEquals",
            SUB,
            r#""repo:o/r:ref:refs/heads/main""#,
            &[(upper_key, "repo:o/r:ref:refs/heads/main")]
        ),
        T
    );
    assert_eq!(
        truth(
            "StringEquals",
            SUB,
            r#""repo:O/R:ref:refs/heads/main""#,
            &[(SUB, "repo:o/r:ref:refs/heads/main")]
        ),
        F
    );
    assert_eq!(
        truth(
            "StringLike",
            SUB,
            r#""repo:O/*""#,
            &[(SUB, "repo:o/r:ref:refs/heads/main")]
        ),
        F
    );
}

#[test]
fn ignore_case_operators() {
    assert_eq!(
        truth(
            "StringEqualsIgnoreCase",
            SUB,
            r#""REPO:o/R:pull_request""#,
            &[(SUB, "repo:o/r:pull_request")]
        ),
        T
    );
    assert_eq!(
        truth(
            "StringNotEqualsIgnoreCase",
            SUB,
            r#""REPO:o/R:pull_request""#,
            &[(SUB, "repo:o/r:pull_request")]
        ),
        F
    );
    assert_eq!(
        truth(
            "StringNotEqualsIgnoreCase",
            SUB,
            r#""repo:o/x""#,
            &[(SUB, "repo:o/r")]
        ),
        T
    );
    // no wildcards under IgnoreCase either
    assert_eq!(
        truth(
            "StringEqualsIgnoreCase",
            SUB,
            r#""repo:o/*""#,
            &[(SUB, "repo:o/r")]
        ),
        F
    );
}

#[test]
fn only_like_operators_know_wildcards() {
    let real = [(SUB, "repo:o/r:ref:refs/heads/main")];
    assert_eq!(truth("StringLike", SUB, r#""repo:o/*""#, &real), T);
    assert_eq!(
        truth(
            "StringLike",
            SUB,
            r#""repo:o/r:ref:refs/heads/mai?""#,
            &real
        ),
        T
    );
    let (t, why) = cond("StringEquals", SUB, r#""repo:o/*""#, &real);
    assert_eq!(
        t, F,
        "StringEquals \"repo:o/*\" never matches a real subject"
    );
    assert!(why.contains("compares \"*\" and \"?\" literally"), "{why}");
    // it matches only the literal text
    assert_eq!(
        truth("StringEquals", SUB, r#""repo:o/*""#, &[(SUB, "repo:o/*")]),
        T
    );
    // StringNotEquals with a "*" excludes nothing real
    assert_eq!(truth("StringNotEquals", SUB, r#""repo:o/*""#, &real), T);
    assert_eq!(truth("StringNotLike", SUB, r#""repo:o/*""#, &real), F);
    assert_eq!(truth("StringNotLike", SUB, r#""repo:x/*""#, &real), T);
}

#[test]
fn explanations_name_operator_key_and_values() {
    let (t, why) = cond(
        "StringLike",
        SUB,
        r#""repo:o/r:ref:refs/heads/main""#,
        &[(SUB, "repo:o/r:pull_request")],
    );
    assert_eq!(t, F);
    assert_eq!(
        why,
        format!(
            r#"StringLike {SUB}: "repo:o/r:pull_request" matches none of ["repo:o/r:ref:refs/heads/main"]"#
        )
    );
    let (t, why) = cond(
        "StringLike",
        SUB,
        r#"["a", "repo:o/*"]"#,
        &[(SUB, "repo:o/r")],
    );
    assert_eq!(t, T);
    assert_eq!(
        why,
        format!(r#"StringLike {SUB}: "repo:o/r" matches "repo:o/*""#)
    );
    let (t, why) = cond(
        "StringNotEquals",
        AUD,
        r#""sts.amazonaws.com""#,
        &[(AUD, "sts.amazonaws.com")],
    );
    assert_eq!(t, F);
    assert_eq!(
        why,
        format!(
            r#"StringNotEquals {AUD}: "sts.amazonaws.com" equals "sts.amazonaws.com", so StringNotEquals is false"#
        )
    );
}

// ---- AND / OR ------------------------------------------------------------------------------

#[test]
fn values_of_one_key_are_ored() {
    let vals = r#"["repo:o/a:ref:refs/heads/main", "repo:o/b:ref:refs/heads/main"]"#;
    assert_eq!(
        truth(
            "StringEquals",
            SUB,
            vals,
            &[(SUB, "repo:o/b:ref:refs/heads/main")]
        ),
        T
    );
    assert_eq!(
        truth(
            "StringEquals",
            SUB,
            vals,
            &[(SUB, "repo:o/c:ref:refs/heads/main")]
        ),
        F
    );
    // a negated operator holds only when NO value matches
    assert_eq!(
        truth(
            "StringNotEquals",
            SUB,
            vals,
            &[(SUB, "repo:o/b:ref:refs/heads/main")]
        ),
        F
    );
    assert_eq!(
        truth(
            "StringNotEquals",
            SUB,
            vals,
            &[(SUB, "repo:o/c:ref:refs/heads/main")]
        ),
        T
    );
}

#[test]
fn keys_and_operators_are_anded() {
    let p = with_condition(
        "2012-10-17",
        &format!(
            r#"{{"StringEquals": {{"{AUD}": "sts.amazonaws.com", "{SUB}": "repo:o/r:ref:refs/heads/main"}},
                 "StringNotLike": {{"{SUB}": "*:pull_request"}}}}"#
        ),
    );
    let ok = evaluate(
        &p,
        &request(&[
            (AUD, "sts.amazonaws.com"),
            (SUB, "repo:o/r:ref:refs/heads/main"),
        ]),
    );
    assert_eq!(ok.decision, Decision::Allow);
    assert_eq!(ok.statement, Some(0));
    assert_eq!(ok.statements[0].conditions.len(), 3);
    assert_eq!(
        (
            ok.statements[0].conditions[2].block,
            ok.statements[0].conditions[2].entry
        ),
        (1, 0)
    );
    let wrong_aud = evaluate(
        &p,
        &request(&[(AUD, "x"), (SUB, "repo:o/r:ref:refs/heads/main")]),
    );
    assert_eq!(wrong_aud.decision, Decision::Deny);
    assert_eq!(wrong_aud.statement, None);
    assert_eq!(
        wrong_aud.statements[0]
            .conditions
            .iter()
            .map(|c| c.truth)
            .collect::<Vec<_>>(),
        vec![F, T, T]
    );
    assert_eq!(
        wrong_aud.reason,
        format!(
            r#"no statement allows the request; the only Allow, statement 1, fails: its condition is false: StringEquals {AUD}: "x" equals none of ["sts.amazonaws.com"]"#
        )
    );
    let no_sub = evaluate(&p, &request(&[(AUD, "sts.amazonaws.com")]));
    assert_eq!(no_sub.decision, Decision::Deny);
}

// ---- statements ----------------------------------------------------------------------------

fn two_statements(first: &str, second: &str) -> TrustPolicy {
    policy(&format!(
        r#"{{"Version": "2012-10-17", "Statement": [{first}, {second}]}}"#
    ))
}

fn stmt(sid: &str, effect: &str, condition: &str) -> String {
    format!(
        r#"{{"Sid": "{sid}", "Effect": "{effect}", "Principal": {{"Federated": "{GH}"}},
            "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {condition}}}"#
    )
}

#[test]
fn a_loose_second_allow_wins_over_a_tight_first() {
    let p = two_statements(
        &stmt(
            "Tight",
            "Allow",
            &format!(r#"{{"StringEquals": {{"{SUB}": "repo:o/r:environment:prod"}}}}"#),
        ),
        &stmt(
            "Loose",
            "Allow",
            &format!(r#"{{"StringLike": {{"{SUB}": "repo:o/*"}}}}"#),
        ),
    );
    let e = evaluate(&p, &request(&[(SUB, "repo:o/other:pull_request")]));
    assert_eq!(e.decision, Decision::Allow);
    assert_eq!(e.statement, Some(1));
    assert_eq!(e.statements[0].matched, F);
    assert_eq!(e.statements[1].matched, T);
    assert!(
        e.reason
            .starts_with("statement 2 (\"Loose\") allows the request"),
        "{}",
        e.reason
    );
}

#[test]
fn deny_wins() {
    let p = two_statements(
        &stmt(
            "Any",
            "Allow",
            &format!(r#"{{"StringLike": {{"{SUB}": "repo:o/*"}}}}"#),
        ),
        &stmt(
            "NoPR",
            "Deny",
            &format!(r#"{{"StringLike": {{"{SUB}": "*:pull_request"}}}}"#),
        ),
    );
    let pr = evaluate(&p, &request(&[(SUB, "repo:o/r:pull_request")]));
    assert_eq!(pr.decision, Decision::Deny);
    assert_eq!(pr.statement, Some(1));
    assert!(
        pr.reason
            .starts_with("statement 2 (\"NoPR\") denies the request"),
        "{}",
        pr.reason
    );
    let main = evaluate(&p, &request(&[(SUB, "repo:o/r:ref:refs/heads/main")]));
    assert_eq!(main.decision, Decision::Allow);
    assert_eq!(main.statement, Some(0));
}

#[test]
fn unknown_operator_makes_the_decision_unknown() {
    // The builder reports the unknown operator as invalid-policy, and still keeps it in the model.
    let json = format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow",
            "Principal": {{"Federated": "{GH}"}}, "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {{"StringMatches": {{"{SUB}": "repo:o/*"}}}}}}]}}"#
    );
    let (p, problems) = build_policy(&parse_json(&json).unwrap());
    assert_eq!(problems.len(), 1, "{problems:?}");
    let p = p.unwrap();
    let e = evaluate(&p, &request(&[(SUB, "repo:o/r")]));
    assert_eq!(e.decision, Decision::Unknown);
    assert_eq!(e.statement, Some(0));
    assert_eq!(e.statements[0].matched, U);
    assert!(
        e.statements[0].conditions[0]
            .explanation
            .contains("IAM does not know operator \"StringMatches\""),
        "{}",
        e.statements[0].conditions[0].explanation
    );
    // …but a condition that is certainly false still decides
    let p = with_condition(
        "2012-10-17",
        &format!(
            r#"{{"StringMatches": {{"{SUB}": "x"}}, "StringEquals": {{"{AUD}": "sts.amazonaws.com"}}}}"#
        ),
    );
    assert_eq!(
        evaluate(&p, &request(&[(AUD, "other")])).decision,
        Decision::Deny
    );
}

#[test]
fn unknown_deny_propagates_only_when_something_allows() {
    let allow = stmt(
        "A",
        "Allow",
        &format!(r#"{{"StringLike": {{"{SUB}": "repo:o/*"}}}}"#),
    );
    let unknown_deny = stmt(
        "D",
        "Deny",
        &format!(r#"{{"StringMatches": {{"{SUB}": "repo:*"}}}}"#),
    );
    let p = two_statements(&allow, &unknown_deny);
    let e = evaluate(&p, &request(&[(SUB, "repo:o/r")]));
    assert_eq!(e.decision, Decision::Unknown);
    assert_eq!(e.statement, Some(1));
    assert!(
        e.reason
            .contains("IAM does not know operator \"StringMatches\""),
        "{}",
        e.reason
    );
    // nothing allows: denied whatever the Deny does
    let e = evaluate(&p, &request(&[(SUB, "repo:x/r")]));
    assert_eq!(e.decision, Decision::Deny);
    assert_eq!(e.statement, None);
    // a certain Deny beats an unknown one
    let certain_deny = stmt(
        "D2",
        "Deny",
        &format!(r#"{{"StringLike": {{"{SUB}": "*"}}}}"#),
    );
    let p = policy(&format!(
        r#"{{"Version": "2012-10-17", "Statement": [{allow}, {unknown_deny}, {certain_deny}]}}"#
    ));
    let e = evaluate(&p, &request(&[(SUB, "repo:o/r")]));
    assert_eq!(e.decision, Decision::Deny);
    assert_eq!(e.statement, Some(2));
}

#[test]
fn an_unknown_allow_is_unknown_unless_another_allow_is_true() {
    let unknown = stmt(
        "U",
        "Allow",
        &format!(r#"{{"StringMatches": {{"{SUB}": "x"}}}}"#),
    );
    let never = stmt(
        "N",
        "Allow",
        &format!(r#"{{"StringEquals": {{"{SUB}": "nope"}}}}"#),
    );
    let always = stmt("Y", "Allow", "{}");
    let e = evaluate(&two_statements(&unknown, &never), &request(&[(SUB, "x")]));
    assert_eq!(e.decision, Decision::Unknown);
    assert_eq!(e.statement, Some(0));
    let e = evaluate(&two_statements(&unknown, &always), &request(&[(SUB, "x")]));
    assert_eq!(e.decision, Decision::Allow);
    assert_eq!(e.statement, Some(1));
    assert!(
        e.reason.contains("it has no Condition at all"),
        "{}",
        e.reason
    );
}

#[test]
fn implicit_deny_names_the_closest_statement() {
    let p = two_statements(
        // wrong provider: further away than a failing condition
        r#"{"Sid": "Gitlab", "Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::1:oidc-provider/gitlab.com"},
                "Action": "sts:AssumeRoleWithWebIdentity"}"#,
        &stmt(
            "Main",
            "Allow",
            &format!(r#"{{"StringEquals": {{"{SUB}": "repo:o/r:ref:refs/heads/main"}}}}"#),
        ),
    );
    let e = evaluate(&p, &request(&[(SUB, "repo:o/r:pull_request")]));
    assert_eq!(e.decision, Decision::Deny);
    assert_eq!(e.statements[0].principal, F);
    assert_eq!(
        e.reason,
        format!(
            r#"no statement allows the request; the closest, statement 2 ("Main"), fails: its condition is false: StringEquals {SUB}: "repo:o/r:pull_request" equals none of ["repo:o/r:ref:refs/heads/main"]"#
        )
    );
    let only_deny = policy(&format!(
        r#"{{"Statement": {{"Effect": "Deny", "Principal": "*", "Action": "*", "Condition": {{"StringEquals": {{"{SUB}": "x"}}}}}}}}"#
    ));
    let e = evaluate(&only_deny, &request(&[(SUB, "y")]));
    assert_eq!(e.decision, Decision::Deny);
    assert_eq!(
        e.reason,
        "no statement allows the request: the policy has no Allow statement"
    );
}

// ---- principal and action ------------------------------------------------------------------

fn principal_policy(principal_element: &str, action: &str) -> TrustPolicy {
    policy(&format!(
        r#"{{"Statement": [{{"Effect": "Allow", {principal_element}, {action}}}]}}"#
    ))
}

#[test]
fn principals() {
    let any = Request::web_identity(None, vec![]);
    let gh = request(&[]);
    let gitlab = Request::web_identity(
        Some("arn:aws:iam::123456789012:oidc-provider/gitlab.com".into()),
        vec![],
    );
    let action = r#""Action": "sts:AssumeRoleWithWebIdentity""#;
    let star = principal_policy(r#""Principal": "*""#, action);
    for r in [&any, &gh, &gitlab] {
        assert_eq!(evaluate(&star, r).decision, Decision::Allow);
    }
    let federated = principal_policy(&format!(r#""Principal": {{"Federated": "{GH}"}}"#), action);
    assert_eq!(evaluate(&federated, &gh).decision, Decision::Allow);
    assert_eq!(evaluate(&federated, &any).decision, Decision::Allow);
    assert_eq!(evaluate(&federated, &gitlab).decision, Decision::Deny);
    // compared exactly
    let other_case = Request::web_identity(Some(GH.to_uppercase()), vec![]);
    assert_eq!(evaluate(&federated, &other_case).decision, Decision::Deny);
    // AWS and Service principals do not cover a web-identity caller
    let aws = principal_policy(
        r#""Principal": {"AWS": "arn:aws:iam::123456789012:root", "Service": "ec2.amazonaws.com"}"#,
        action,
    );
    assert_eq!(evaluate(&aws, &gh).decision, Decision::Deny);
    assert_eq!(evaluate(&aws, &any).decision, Decision::Deny);
    // {"AWS": "*"}: not documented for web identity
    let aws_star = principal_policy(r#""Principal": {"AWS": "*"}"#, action);
    assert_eq!(evaluate(&aws_star, &gh).decision, Decision::Unknown);
}

#[test]
fn not_principal() {
    let action = r#""Action": "sts:AssumeRoleWithWebIdentity""#;
    let p = principal_policy(
        r#""NotPrincipal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/gitlab.com"}"#,
        action,
    );
    assert_eq!(evaluate(&p, &request(&[])).statements[0].principal, T);
    let gitlab = Request::web_identity(
        Some("arn:aws:iam::123456789012:oidc-provider/gitlab.com".into()),
        vec![],
    );
    assert_eq!(evaluate(&p, &gitlab).statements[0].principal, F);
    let none = Request::web_identity(None, vec![]);
    assert_eq!(evaluate(&p, &none).statements[0].principal, U);
    assert_eq!(evaluate(&p, &none).decision, Decision::Unknown);
}

#[test]
fn actions_and_not_action() {
    let principal = r#""Principal": "*""#;
    let allow =
        |action: &str| evaluate(&principal_policy(principal, action), &request(&[])).decision;
    assert_eq!(
        allow(r#""Action": "sts:AssumeRoleWithWebIdentity""#),
        Decision::Allow
    );
    assert_eq!(
        allow(r#""Action": "STS:assumerolewithwebidentity""#),
        Decision::Allow
    );
    assert_eq!(
        allow(r#""Action": ["sts:TagSession", "sts:AssumeRole*"]"#),
        Decision::Allow
    );
    assert_eq!(allow(r#""Action": "sts:*""#), Decision::Allow);
    assert_eq!(allow(r#""Action": "sts:AssumeRole""#), Decision::Deny);
    assert_eq!(allow(r#""NotAction": "sts:AssumeRole""#), Decision::Allow);
    assert_eq!(
        allow(r#""NotAction": "sts:AssumeRoleWith*""#),
        Decision::Deny
    );
    let e = evaluate(
        &principal_policy(principal, r#""Action": "sts:AssumeRole""#),
        &request(&[]),
    );
    assert!(
        e.reason.ends_with(
            r#"its Action ["sts:AssumeRole"] does not cover sts:AssumeRoleWithWebIdentity"#
        ),
        "{}",
        e.reason
    );
}

// ---- policy variables and Version ----------------------------------------------------------

#[test]
fn policy_variables_need_version_2012_10_17() {
    let condition = format!(
        r#"{{"StringEquals": {{"{SUB}": "repo:o/${{token.actions.githubusercontent.com:repository}}"}}}}"#
    );
    let claims = [
        (SUB, "repo:o/app"),
        ("token.actions.githubusercontent.com:repository", "app"),
    ];
    let current = with_condition("2012-10-17", &condition);
    assert_eq!(
        evaluate(&current, &request(&claims)).decision,
        Decision::Allow
    );
    let legacy = with_condition("2008-10-17", &condition);
    let e = evaluate(&legacy, &request(&claims));
    assert_eq!(e.decision, Decision::Deny);
    assert!(
        e.reason
            .contains(r#"policy variables need "Version": "2012-10-17""#),
        "{}",
        e.reason
    );
    // no Version at all = legacy
    let none = policy(&format!(
        r#"{{"Statement": [{{"Effect": "Allow", "Principal": {{"Federated": "{GH}"}}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {condition}}}]}}"#
    ));
    assert_eq!(evaluate(&none, &request(&claims)).decision, Decision::Deny);
    // the legacy literal text is matched literally
    let literal = [(
        SUB,
        "repo:o/${token.actions.githubusercontent.com:repository}",
    )];
    assert_eq!(
        evaluate(&legacy, &request(&literal)).decision,
        Decision::Allow
    );
}

#[test]
fn policy_variable_special_characters_and_absent_keys() {
    // ${*} is a literal asterisk even under StringLike
    assert_eq!(
        truth("StringLike", SUB, r#""repo:o/${*}""#, &[(SUB, "repo:o/*")]),
        T
    );
    assert_eq!(
        truth("StringLike", SUB, r#""repo:o/${*}""#, &[(SUB, "repo:o/r")]),
        F
    );
    assert_eq!(
        truth("StringEquals", SUB, r#""a${$}b${?}""#, &[(SUB, "a$b?")]),
        T
    );
    // an unresolvable variable matches nothing under a positive operator…
    let (t, why) = cond(
        "StringLike",
        SUB,
        r#""repo:${aws:username}/*""#,
        &[(SUB, "repo:x/y")],
    );
    assert_eq!(t, F);
    assert!(why.contains("cannot be resolved"), "{why}");
    // …unless another value matches
    assert_eq!(
        truth(
            "StringLike",
            SUB,
            r#"["repo:${aws:username}/*", "repo:x/*"]"#,
            &[(SUB, "repo:x/y")]
        ),
        T
    );
    // under a negated operator IAM's outcome is not documented
    assert_eq!(
        truth(
            "StringNotLike",
            SUB,
            r#""repo:${aws:username}/*""#,
            &[(SUB, "repo:x/y")]
        ),
        U
    );
    // a default value
    assert_eq!(
        truth(
            "StringLike",
            SUB,
            r#""repo:${aws:username, 'x'}/*""#,
            &[(SUB, "repo:x/y")]
        ),
        T
    );
    // the key of a variable is case-insensitive
    assert_eq!(
        truth(
            "StringEquals",
            SUB,
            r#""${AWS:UserName}""#,
            &[(SUB, "bob"), ("aws:username", "bob")]
        ),
        T
    );
}

// ---- other operators -----------------------------------------------------------------------

#[test]
fn arn_operators_match_part_by_part() {
    let key = "aws:SourceArn";
    let v = [(key, "arn:aws:iam::123456789012:role/deploy")];
    assert_eq!(truth("ArnLike", key, r#""arn:aws:iam::*:role/*""#, &v), T);
    assert_eq!(truth("ArnEquals", key, r#""arn:aws:iam::*:role/*""#, &v), T);
    assert_eq!(
        truth(
            "ArnLike",
            key,
            r#""arn:aws:iam::123456789012:role/d?ploy""#,
            &v
        ),
        T
    );
    assert_eq!(
        truth("ArnLike", key, r#""arn:aws:iam::999999999999:role/*""#, &v),
        F
    );
    assert_eq!(
        truth(
            "ArnNotLike",
            key,
            r#""arn:aws:iam::999999999999:role/*""#,
            &v
        ),
        T
    );
    assert_eq!(
        truth("ArnNotEquals", key, r#""arn:aws:iam::*:role/*""#, &v),
        F
    );
    // "*" may not run across a colon
    let across = [(
        key,
        "arn:aws:s:us-east-2:999999999999:store/abc:111122223333:finance/x",
    )];
    assert_eq!(
        truth(
            "ArnLike",
            key,
            r#""arn:aws:s:*:111122223333:finance/*""#,
            &across
        ),
        F
    );
    assert_eq!(
        truth(
            "StringLike",
            key,
            r#""arn:aws:s:*:111122223333:finance/*""#,
            &across
        ),
        T
    );
    // ARNs are case-sensitive
    assert_eq!(
        truth("ArnLike", key, r#""arn:aws:iam::*:role/DEPLOY""#, &v),
        F
    );
    // not a six-part ARN in the policy: not guessed
    assert_eq!(truth("ArnLike", key, r#""*""#, &v), U);
    // not an ARN in the request: no match
    assert_eq!(
        truth(
            "ArnLike",
            key,
            r#""arn:aws:iam::*:role/*""#,
            &[(key, "deploy")]
        ),
        F
    );
}

#[test]
fn numeric_operators() {
    let k = "example.com:level";
    assert_eq!(truth("NumericEquals", k, "3", &[(k, "3")]), T);
    assert_eq!(truth("NumericEquals", k, r#""3""#, &[(k, "3.0")]), T);
    assert_eq!(truth("NumericNotEquals", k, "3", &[(k, "4")]), T);
    assert_eq!(truth("NumericNotEquals", k, "3", &[(k, "3")]), F);
    assert_eq!(truth("NumericLessThan", k, "10", &[(k, "9")]), T);
    assert_eq!(truth("NumericLessThan", k, "10", &[(k, "10")]), F);
    assert_eq!(truth("NumericLessThanEquals", k, "10", &[(k, "10")]), T);
    assert_eq!(truth("NumericGreaterThan", k, "10", &[(k, "-11")]), F);
    assert_eq!(
        truth("NumericGreaterThanEquals", k, "10", &[(k, "10.5")]),
        T
    );
    // not a number: no match
    let (t, why) = cond("NumericEquals", k, "3", &[(k, "three")]);
    assert_eq!(t, F);
    assert!(why.contains("is not a number"), "{why}");
    assert_eq!(truth("NumericNotEquals", k, r#""x""#, &[(k, "3")]), F);
    assert_eq!(truth("NumericEquals", k, r#"["x", "3"]"#, &[(k, "3")]), T);
}

#[test]
fn bool_date_ip_and_binary_operators() {
    let k = "example.com:email_verified";
    assert_eq!(truth("Bool", k, "true", &[(k, "True")]), T);
    assert_eq!(truth("Bool", k, r#""false""#, &[(k, "true")]), F);
    let t = "aws:CurrentTime";
    assert_eq!(
        truth(
            "DateLessThan",
            t,
            r#""2026-01-01""#,
            &[(t, "2025-12-31T23:59:59Z")]
        ),
        T
    );
    assert_eq!(
        truth(
            "DateLessThan",
            t,
            r#""2026-01-01""#,
            &[(t, "2026-01-01T00:00:00Z")]
        ),
        F
    );
    assert_eq!(
        truth(
            "DateGreaterThanEquals",
            t,
            r#""1700000000""#,
            &[(t, "2023-11-14T22:13:20Z")]
        ),
        T
    );
    assert_eq!(
        truth("DateNotEquals", t, r#""2026-01-01""#, &[(t, "2026-01-02")]),
        T
    );
    let (d, why) = cond("DateEquals", t, r#""soon""#, &[(t, "2026-01-01")]);
    assert_eq!(d, F);
    assert!(why.contains("is not a date"), "{why}");
    let ip = "aws:SourceIp";
    assert_eq!(
        truth(
            "IpAddress",
            ip,
            r#""203.0.113.0/24""#,
            &[(ip, "203.0.113.9")]
        ),
        T
    );
    assert_eq!(
        truth(
            "IpAddress",
            ip,
            r#""203.0.113.0/24""#,
            &[(ip, "198.51.100.9")]
        ),
        F
    );
    assert_eq!(
        truth(
            "NotIpAddress",
            ip,
            r#""203.0.113.0/24""#,
            &[(ip, "198.51.100.9")]
        ),
        T
    );
    // Not* operators hold for an absent key; IP is one AWS always sets, so absent = unknown.
    assert_eq!(truth("NotIpAddress", ip, r#""203.0.113.0/24""#, &[]), U);
    let b = "example.com:blob";
    assert_eq!(
        truth("BinaryEquals", b, r#""QmluYXJ5""#, &[(b, "QmluYXJ5")]),
        T
    );
    assert_eq!(truth("BinaryEquals", b, r#""QmluYXJ5""#, &[(b, "Qm9i")]), F);
}

// ---- multivalued keys ----------------------------------------------------------------------

#[test]
fn set_qualifiers_on_multivalued_keys() {
    let k = "cognito-identity.amazonaws.com:amr";
    let both = [(k, "authenticated"), (k, "graph.facebook.com")];
    assert_eq!(
        truth("ForAnyValue:StringLike", k, r#""authenticated""#, &both),
        T
    );
    assert_eq!(
        truth("ForAllValues:StringLike", k, r#""authenticated""#, &both),
        F
    );
    assert_eq!(
        truth(
            "ForAllValues:StringLike",
            k,
            r#"["authenticated", "graph.*"]"#,
            &both
        ),
        T
    );
    assert_eq!(
        truth("ForAnyValue:StringEquals", k, r#""unauthenticated""#, &both),
        F
    );
    assert_eq!(
        truth(
            "ForAnyValue:StringNotEquals",
            k,
            r#""authenticated""#,
            &both
        ),
        T
    );
    assert_eq!(
        truth(
            "ForAllValues:StringNotEquals",
            k,
            r#""authenticated""#,
            &both
        ),
        F
    );
    // no qualifier: decided only when every value gives the same answer
    assert_eq!(truth("StringLike", k, r#""*""#, &both), T);
    assert_eq!(truth("StringEquals", k, r#""x""#, &both), F);
    assert_eq!(truth("StringEquals", k, r#""authenticated""#, &both), U);
}

#[test]
fn truth_tables() {
    assert_eq!(T.and(U), U);
    assert_eq!(F.and(U), F);
    assert_eq!(T.or(U), T);
    assert_eq!(F.or(U), U);
    assert_eq!(!U, U);
    assert_eq!(!T, F);
    assert_eq!(Truth::all([]), T);
    assert_eq!(Truth::any([]), F);
}

#[test]
fn unresolved_template_values_are_unknown_not_guessed() {
    let mut p = with_condition(
        "2012-10-17",
        &format!(r#"{{"StringEquals": {{"{SUB}": "repo:o/r:ref:refs/heads/main"}}}}"#),
    );
    let entry = &mut p.statements[0].conditions[0].entries[0];
    entry.unresolved.push(crate::source::Spanned::new(
        "!Ref Subject".to_string(),
        entry.value_span,
    ));
    entry.values.clear();
    let e = evaluate(&p, &request(&[(SUB, "repo:o/r:ref:refs/heads/main")]));
    assert_eq!(e.decision, Decision::Unknown, "{}", e.reason);

    let mut p = with_condition("2012-10-17", "{}");
    let clause = p.statements[0].principal.as_mut().unwrap();
    clause.value = crate::policy::Principal::Entries(Vec::new());
    clause.unresolved.push(crate::source::Spanned::new(
        "!Ref Provider".to_string(),
        clause.key_span,
    ));
    let e = evaluate(&p, &request(&[]));
    assert_eq!(e.decision, Decision::Unknown, "{}", e.reason);
}
