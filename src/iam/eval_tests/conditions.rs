//! Conditions: absent keys, key and value case, AND / OR.

use super::*;

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
