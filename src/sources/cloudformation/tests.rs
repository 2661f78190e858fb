use super::*;
use crate::source::{parse_json, parse_yaml};
use crate::sources::unresolved_expression;

fn statement(text: &str) -> (EmbeddedPolicy, Node) {
    let root = parse_yaml(text).unwrap();
    let mut policies = extract("t.yaml", text, &root).unwrap();
    let policy = policies.remove(0);
    let NodeKind::Array(statements) = &policy.document.get("Statement").unwrap().value.kind else {
        panic!("no statements")
    };
    let first = statements[0].clone();
    (policy, first)
}

const HEAD: &str = "AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n  Org: {Type: String, Default: octo-org}\n  Open: {Type: String}\n  Env: {Type: String, Default: prod, AllowedValues: [prod, dev]}\nConditions:\n  IsProd: !Equals [!Ref Env, prod]\n  NotProd: !Not [!Condition IsProd]\nResources:\n  P:\n    Type: AWS::IAM::OIDCProvider\n    Properties: {Url: https://token.actions.githubusercontent.com, ClientIdList: [sts.amazonaws.com]}\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Statement:\n        - Effect: Allow\n";

#[test]
fn evaluates_refs_subs_joins_and_conditions() {
    let text = format!(
        "{HEAD}          Principal: {{Federated: !GetAtt P.Arn}}\n          Condition:\n            StringEquals:\n              a: !Sub 'repo:${{Org}}/app:${{!x}}'\n              b: !If [NotProd, one, two]\n              c: !Join [':', [!Ref 'AWS::Partition', !Select [1, [x, y]], !Ref Open]]\n              d: !Ref Open\n              e: {{'Fn::Sub': ['${{A}}-${{AWS::Region}}', {{A: z}}]}}\n"
    );
    let (policy, statement) = statement(&text);
    let federated = &statement
        .get("Principal")
        .unwrap()
        .value
        .get("Federated")
        .unwrap()
        .value;
    assert_eq!(
        federated.as_str(),
        Some("arn:aws:iam::000000000000:oidc-provider/token.actions.githubusercontent.com")
    );
    // The evaluated value keeps the span of its expression.
    assert_eq!(
        &text[federated.span.start..federated.span.end],
        "!GetAtt P.Arn"
    );
    let condition = &statement
        .get("Condition")
        .unwrap()
        .value
        .get("StringEquals")
        .unwrap()
        .value;
    let value = |k: &str| condition.get(k).unwrap().value.clone();
    assert_eq!(value("a").as_str(), Some("repo:octo-org/app:${x}"));
    assert_eq!(value("b").as_str(), Some("two"));
    assert_eq!(value("c").as_str(), Some("aws:y:Open"));
    assert_eq!(unresolved_expression(&value("d")), Some("!Ref Open"));
    assert!(unresolved_expression(&value("e")).is_some());
    let notes: Vec<&str> = policy.notes.iter().map(|(_, n)| n.as_str()).collect();
    assert!(
        notes.iter().any(|n| n.contains("placeholder account")),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.contains("`Org` with its Default `octo-org`")),
        "{notes:?}"
    );
    assert!(
        notes.iter().any(|n| n.contains("`Open` has no Default")),
        "{notes:?}"
    );
}

#[test]
fn only_templates_are_read() {
    for text in [
        r#"{"Resources": {"X": {"Type": "Custom::Thing"}}}"#,
        r#"{"Statement": []}"#,
    ] {
        assert!(extract("x", text, &parse_json(text).unwrap()).is_none());
    }
    let text = r#"{"Resources": {"X": {"Type": "AWS::S3::Bucket"}}}"#;
    assert_eq!(
        extract("x", text, &parse_json(text).unwrap())
            .unwrap()
            .len(),
        0
    );
}

#[test]
fn recursive_conditions_stop() {
    let text = "AWSTemplateFormatVersion: x\nConditions:\n  A: !Condition A\nResources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Statement:\n        - Effect: !If [A, Allow, Deny]\n";
    let (_, statement) = statement(text);
    assert!(unresolved_expression(&statement.get("Effect").unwrap().value).is_some());
}
