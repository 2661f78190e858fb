use super::*;
use crate::source::{Node, NodeKind};
use crate::sources::unresolved_expression;

fn policies(text: &str, siblings: &[&str]) -> Vec<EmbeddedPolicy> {
    let body = parse(text).unwrap();
    let siblings: Vec<Body> = siblings.iter().map(|s| parse(s).unwrap()).collect();
    extract("m.tf", text, &body, &siblings).0
}

fn statement(policy: &EmbeddedPolicy) -> Node {
    let NodeKind::Array(statements) = &policy.document.get("Statement").unwrap().value.kind else {
        panic!("no statements")
    };
    statements[0].clone()
}

#[test]
fn jsonencode_keeps_the_span_of_each_value() {
    let text = "resource \"aws_iam_role\" \"r\" {\n  assume_role_policy = jsonencode({\n    Statement = [{ Effect = \"Allow\", Principal = { Federated = \"arn:x\" }, Condition = { StringLike = { \"k:sub\" = [\"repo:${var.org}/*\", local.l] } } }]\n  })\n}\nlocals {\n  l = upper(\"x\")\n}\n";
    let found = policies(text, &["variable \"org\" {\n  default = \"octo\"\n}\n"]);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].label, "m.tf: aws_iam_role.r");
    let s = statement(&found[0]);
    let federated = &s
        .get("Principal")
        .unwrap()
        .value
        .get("Federated")
        .unwrap()
        .value;
    assert_eq!(&text[federated.span.start..federated.span.end], "\"arn:x\"");
    let values = &s
        .get("Condition")
        .unwrap()
        .value
        .get("StringLike")
        .unwrap()
        .value
        .get("k:sub")
        .unwrap()
        .value;
    let NodeKind::Array(values) = &values.kind else {
        panic!()
    };
    assert_eq!(values[0].as_str(), Some("repo:octo/*"));
    // A local of the same file keeps its own place: the expression it could not evaluate.
    assert_eq!(unresolved_expression(&values[1]), Some("upper(\"x\")"));
}

#[test]
fn policy_document_data_source_renders_as_json() {
    let text = r#"
data "aws_iam_policy_document" "d" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = ["arn:a"]
    }
    principals {
      type        = "Federated"
      identifiers = ["arn:b"]
    }
    condition {
      test     = "StringEquals"
      variable = "k:aud"
      values   = ["sts.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "k:sub"
      values   = ["repo:o/r:ref:refs/heads/main"]
    }
  }
}
resource "aws_iam_role" "r" {
  assume_role_policy = data.aws_iam_policy_document.d.json
}
"#;
    let found = policies(text, &[]);
    assert_eq!(
        found.len(),
        1,
        "the document is analysed once, with its role"
    );
    let (policy, problems) = crate::policy::build_policy(&found[0].document);
    assert!(problems.is_empty(), "{problems:?}");
    let s = &policy.unwrap().statements[0];
    assert_eq!(s.federated().count(), 2);
    assert_eq!(s.conditions.len(), 1);
    assert_eq!(s.conditions[0].entries.len(), 2);
}

#[test]
fn unreferenced_trust_documents_are_analysed_alone() {
    let text = "data \"aws_iam_policy_document\" \"trust\" {\n  statement {\n    actions = [\"sts:AssumeRole\"]\n    principals {\n      type = \"Service\"\n      identifiers = [\"ec2.amazonaws.com\"]\n    }\n  }\n}\ndata \"aws_iam_policy_document\" \"s3\" {\n  statement {\n    actions = [\"s3:GetObject\"]\n  }\n}\n";
    let found = policies(text, &[]);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].label, "m.tf: data.aws_iam_policy_document.trust");
}

#[test]
fn unknown_documents_are_skipped() {
    let text =
        "resource \"aws_iam_role\" \"r\" {\n  assume_role_policy = file(\"trust.json\")\n}\n";
    assert!(policies(text, &[]).is_empty());
}
