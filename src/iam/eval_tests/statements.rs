//! How statements combine (Deny wins, unknowns), and the principal and action elements.

use super::*;

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
