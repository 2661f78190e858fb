//! Policy variables and `Version`, the other operator families, multivalued keys.

use super::*;

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
