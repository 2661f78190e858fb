use super::*;

fn policies(text: &str) -> Vec<EmbeddedPolicy> {
    let body = parse(text).unwrap();
    extract("m.tf", text, &body, &[], &[], &[]).policies
}

const DOC: &str = r#"
variable "subjects" {
  default = ["repo:o/a:ref:refs/heads/main", "repo:o/b:*"]
}
data "aws_iam_policy_document" "d" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = ["arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com"]
    }
    dynamic "condition" {
      for_each = FOR_EACH
      iterator = s
      content {
        test     = "StringLike"
        variable = "token.actions.githubusercontent.com:sub"
        values   = [s.value]
      }
    }
  }
}
resource "aws_iam_role" "r" {
  assume_role_policy = data.aws_iam_policy_document.d.json
}
"#;

#[test]
fn dynamic_blocks_over_known_lists_are_expanded() {
    let found = policies(&DOC.replace("FOR_EACH", "var.subjects"));
    assert_eq!(found.len(), 1);
    let (policy, problems) = crate::policy::build_policy(&found[0].document);
    assert!(problems.is_empty(), "{problems:?}");
    let entry = &policy.unwrap().statements[0].conditions[0].entries[0];
    let values: Vec<&str> = entry.values.iter().map(|v| v.value.as_str()).collect();
    assert_eq!(values, ["repo:o/a:ref:refs/heads/main", "repo:o/b:*"]);
}

#[test]
fn dynamic_blocks_over_unknown_collections_leave_the_document_unanalysed() {
    // Rendering it without the condition would report a missing `sub` that may be there.
    assert!(policies(&DOC.replace("FOR_EACH", "var.unknown")).is_empty());
}
