use super::*;
use crate::source::{Node, NodeKind};
use crate::sources::unresolved_expression;

fn policies(text: &str, siblings: &[&str]) -> Vec<EmbeddedPolicy> {
    let body = parse(text).unwrap();
    let siblings: Vec<Body> = siblings.iter().map(|s| parse(s).unwrap()).collect();
    extract("m.tf", text, &body, &siblings, &[], &[]).policies
}

fn statement(policy: &EmbeddedPolicy) -> Node {
    let NodeKind::Array(statements) = &policy.document.get("Statement").unwrap().value.kind else {
        panic!("no statements")
    };
    statements[0].clone()
}

/// The statement's `Condition.StringLike."k:sub"` value.
fn like_sub(statement: &Node) -> &Node {
    &statement
        .get("Condition")
        .unwrap()
        .value
        .get("StringLike")
        .unwrap()
        .value
        .get("k:sub")
        .unwrap()
        .value
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
    let values = like_sub(&s);
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

#[test]
fn documents_terraform_rejects_are_problems_and_judged_as_meant() {
    let text = "data \"aws_iam_policy_document\" \"t\" {\n  statement {\n    action = [\"sts:AssumeRoleWithWebIdentity\"]\n    principals {\n      type = \"Federated\"\n    }\n  }\n}\n";
    let found = policies(text, &[]);
    assert_eq!(found.len(), 1, "a document without a role is judged");
    let problems: Vec<&str> = found[0].problems.iter().map(|p| p.1.as_str()).collect();
    assert!(
        problems[0].contains("`action` is not expected here (did you mean `actions`?)"),
        "{problems:?}"
    );
    assert!(
        problems[1].contains("the argument `identifiers` is required"),
        "{problems:?}"
    );
    let s = statement(&found[0]);
    assert!(s.get("Action").is_some(), "rendered as meant");
}

#[test]
fn may_hold_roles_accepts_a_file_of_documents() {
    assert!(may_hold_roles("data \"aws_iam_policy_document\" \"t\" {}"));
    assert!(!may_hold_roles("resource \"aws_s3_bucket\" \"b\" {}"));
}

#[test]
fn variables_without_defaults_become_names_github_allows() {
    let sub = |template: &str| {
        let text = format!("resource \"aws_iam_role\" \"r\" {{\n  assume_role_policy = jsonencode({{\n    Statement = [{{ Effect = \"Allow\", Condition = {{ StringLike = {{ \"k:sub\" = \"{template}\" }} }} }}]\n  }})\n}}\n");
        let found = policies(&text, &[]);
        let s = statement(&found[0]);
        let value = like_sub(&s);
        value
            .as_str()
            .map(str::to_string)
            .or_else(|| unresolved_expression(value).map(|e| format!("unresolved {e}")))
    };
    assert_eq!(
        sub("repo:${var.github_org}/${var.repo}:*").as_deref(),
        Some("repo:github-org/repo:*")
    );
    // One variable for the whole `OWNER/REPO`.
    assert_eq!(
        sub("repo:${var.repository}:pull_request").as_deref(),
        Some("repo:repository/repository:pull_request")
    );
    // The whole value unknown: no shape remains to judge.
    assert_eq!(
        sub("${var.subject}").as_deref(),
        Some("unresolved \"${var.subject}\"")
    );
}

#[test]
fn count_and_for_each_give_the_instances_terraform_creates() {
    let role = |meta: &str| {
        format!("variable \"p\" {{\n  default = null\n}}\nresource \"aws_iam_role\" \"r\" {{\n  {meta}\n  assume_role_policy = jsonencode({{ Statement = [{{ Effect = \"Allow\", Condition = {{ StringLike = {{ \"k:sub\" = \"repo:${{each.key}}\" }} }} }}] }})\n}}\n")
    };
    let labels = |meta: &str| -> Vec<String> {
        policies(&role(meta), &[])
            .into_iter()
            .map(|p| p.label)
            .collect()
    };
    assert!(labels("count = var.p != null ? 1 : 0").is_empty());
    assert!(labels("count = var.p == null && !true ? 1 : 0").is_empty());
    assert_eq!(
        labels("count = 2"),
        ["m.tf: aws_iam_role.r[0]", "m.tf: aws_iam_role.r[1]"]
    );
    assert!(labels("for_each = {}").is_empty());
    assert_eq!(
        labels("for_each = toset([\"a\", \"b\"])"),
        ["m.tf: aws_iam_role.r[\"a\"]", "m.tf: aws_iam_role.r[\"b\"]"]
    );
    let found = policies(&role("for_each = { x = 1 }"), &[]);
    let s = statement(&found[0]);
    let value = like_sub(&s);
    assert_eq!(value.as_str(), Some("repo:x"));
    // Undecided: one instance, with the assumption noted.
    let found = policies(&role("count = var.q ? 1 : 0"), &[]);
    assert_eq!(found.len(), 1);
    assert!(
        found[0]
            .notes
            .iter()
            .any(|n| n.1.contains("is not decided")),
        "{:?}",
        found[0].notes
    );
}

#[test]
fn variable_files_load_in_terraform_order_and_override_defaults() {
    let mut names = vec![
        "b.auto.tfvars",
        "x.tfvars",
        "terraform.tfvars.json",
        "a.auto.tfvars.json",
        "terraform.tfvars",
        "main.tf",
    ];
    names.retain(|n| var_file_rank(n).is_some());
    names.sort_by_key(|n| (var_file_rank(n), n.to_string()));
    assert_eq!(
        names,
        [
            "terraform.tfvars",
            "terraform.tfvars.json",
            "a.auto.tfvars.json",
            "b.auto.tfvars"
        ]
    );
    let hcl = parse_var_file("terraform.tfvars", "org = \"octo\"\nlist = [\"a\"]\n").unwrap();
    let json = parse_var_file("x.auto.tfvars.json", "{\"org\": \"later\"}").unwrap();
    assert_eq!(hcl.values[0].1.as_str(), Some("octo"));
    assert!(parse_var_file("bad.tfvars", "org = {").is_none());
    let text = "variable \"org\" {\n  default = \"d\"\n}\nresource \"aws_iam_role\" \"r\" {\n  assume_role_policy = jsonencode({ Statement = [{ Effect = \"Allow\", Condition = { StringLike = { \"k:sub\" = \"repo:${var.org}/*\" } } }] })\n}\n";
    let body = parse(text).unwrap();
    let sub = |files: &[VarFile]| {
        let found = extract("m.tf", text, &body, &[], files, &[]).policies;
        let s = statement(&found[0]);
        let v = like_sub(&s);
        v.as_str().unwrap().to_string()
    };
    assert_eq!(sub(&[]), "repo:d/*");
    assert_eq!(sub(std::slice::from_ref(&hcl)), "repo:octo/*");
    assert_eq!(sub(&[hcl, json]), "repo:later/*");
}

#[test]
fn local_module_calls_bind_arguments_and_keep_the_caller_spans() {
    let caller = "module \"m\" {\n  source   = \"./role\"\n  subjects = [\"repo:o/r:*\"]\n}\n";
    let child = "variable \"subjects\" {\n  default = [\"repo:o/r:ref:refs/heads/main\"]\n}\nvariable \"name\" {}\nresource \"aws_iam_role\" \"this\" {\n  assume_role_policy = jsonencode({ Statement = [{ Effect = \"Allow\", Condition = { StringLike = { \"k:sub\" = var.subjects, \"k:x\" = \"${var.name}-x\" } } }] })\n}\n";
    assert_eq!(local_module_sources(&parse(caller).unwrap()), ["./role"]);
    let body = parse(caller).unwrap();
    let modules = [ModuleSource {
        source: "./role".to_string(),
        files: vec![("main.tf".to_string(), child.to_string())],
    }];
    let found = extract("m.tf", caller, &body, &[], &[], &modules).policies;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].label, "m.tf: module.m.aws_iam_role.this");
    let s = statement(&found[0]);
    let like = &s
        .get("Condition")
        .unwrap()
        .value
        .get("StringLike")
        .unwrap()
        .value;
    let NodeKind::Array(subjects) = &like.get("k:sub").unwrap().value.kind else {
        panic!()
    };
    assert_eq!(subjects[0].as_str(), Some("repo:o/r:*"));
    assert_eq!(
        &caller[subjects[0].span.start..subjects[0].span.end],
        "\"repo:o/r:*\""
    );
    // A value of the module itself points at the call.
    let x = &like.get("k:x").unwrap().value;
    assert_eq!(&caller[x.span.start..x.span.end], "\"m\"");
}

#[test]
fn length_decides_counts() {
    let text = "variable \"s\" {\n  default = []\n}\nresource \"aws_iam_role\" \"r\" {\n  count = length(var.s) > 0 ? 1 : 0\n  assume_role_policy = jsonencode({ Statement = [] })\n}\n";
    assert!(policies(text, &[]).is_empty());
    assert_eq!(policies(&text.replace("[]\n}", "[\"x\"]\n}"), &[]).len(), 1);
}

#[test]
fn try_and_coalesce_take_the_first_known_value() {
    let text = "variable \"a\" {\n  default = null\n}\nresource \"aws_iam_role\" \"r\" {\n  assume_role_policy = jsonencode({ Statement = [{ Effect = \"Allow\", Principal = { Federated = \"${try(upper(var.x), \"p\")}-${coalesce(var.a, \"\", \"q\")}-${trimprefix(\"repo:o\", \"repo:\")}\" }, Action = coalescelist([], [\"l\"]) }] })\n}\n";
    let found = policies(text, &[]);
    let s = statement(&found[0]);
    let federated = &s
        .get("Principal")
        .unwrap()
        .value
        .get("Federated")
        .unwrap()
        .value;
    assert_eq!(federated.as_str(), Some("p-q-o"));
    let NodeKind::Array(actions) = &s.get("Action").unwrap().value.kind else {
        panic!()
    };
    assert_eq!(actions[0].as_str(), Some("l"));
}
