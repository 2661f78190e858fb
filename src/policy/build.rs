//! Builds a [`TrustPolicy`] from a spanned tree, collecting every problem IAM would reject or
//! silently change (duplicate keys) instead of stopping at the first.

use super::*;
use crate::source::{Node, NodeKind, ObjectEntry, Span, Spanned};
use crate::sources::unresolved_expression;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// The same key twice in one object: IAM keeps one and silently drops the other.
    DuplicateKey,
    /// A shape IAM rejects: wrong type, unknown element, missing element.
    Invalid,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyProblem {
    pub kind: ProblemKind,
    pub message: String,
    pub span: Span,
    /// A second place worth showing (the first of two duplicate keys).
    pub related: Option<(Span, String)>,
}

const TOP_LEVEL_ELEMENTS: &[&str] = &["Version", "Id", "Statement"];
const STATEMENT_ELEMENTS: &[&str] = &[
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

/// True when the document has a `Statement` with at least one `Principal`/`NotPrincipal`: the
/// mark of a resource-based (here: trust) policy, as opposed to identity policies and other JSON.
pub fn looks_like_trust_policy(root: &Node) -> bool {
    let Some(statement) = root.get("Statement") else {
        return false;
    };
    let has_principal = |s: &Node| s.get("Principal").is_some() || s.get("NotPrincipal").is_some();
    match &statement.value.kind {
        NodeKind::Object(_) => has_principal(&statement.value),
        NodeKind::Array(items) => items.iter().any(has_principal),
        _ => false,
    }
}

/// Builds the model. Statements that IAM could not interpret (no `Effect`, or not an object) are
/// left out of the model and reported; everything else is kept so that rules still run.
pub fn build_policy(root: &Node) -> (Option<TrustPolicy>, Vec<PolicyProblem>) {
    let mut b = Builder::default();
    let policy = b.policy(root);
    (policy, b.problems)
}

#[derive(Default)]
struct Builder {
    problems: Vec<PolicyProblem>,
}

impl Builder {
    fn invalid(&mut self, span: Span, message: impl Into<String>) {
        self.problems.push(PolicyProblem {
            kind: ProblemKind::Invalid,
            message: message.into(),
            span,
            related: None,
        });
    }

    /// Reports duplicate keys of an object (`case_insensitive` for condition keys) and returns
    /// the entries IAM keeps: the last of each name, in source order.
    fn unique_entries<'n>(
        &mut self,
        entries: &'n [ObjectEntry],
        what: &str,
        case_insensitive: bool,
    ) -> Vec<&'n ObjectEntry> {
        let normalize = |k: &str| {
            if case_insensitive {
                k.to_ascii_lowercase()
            } else {
                k.to_string()
            }
        };
        let mut last: HashMap<String, usize> = HashMap::new();
        let mut first: HashMap<String, usize> = HashMap::new();
        // Past this many, duplicates of one object are counted, not each kept as a problem: a
        // file of a million duplicate keys must not hold a million findings in memory.
        const MAX_DUPLICATES: usize = 1000;
        let mut reported = 0usize;
        let mut unreported: Option<(Span, usize)> = None;
        for (i, entry) in entries.iter().enumerate() {
            let key = normalize(&entry.key);
            if first.contains_key(&key) && reported >= MAX_DUPLICATES {
                let (_, n) = unreported.get_or_insert((entry.key_span, 0));
                *n += 1;
            } else if let Some(&f) = first.get(&key) {
                reported += 1;
                let earlier = &entries[f];
                let same_text = earlier.key == entry.key;
                self.problems.push(PolicyProblem {
                    kind: ProblemKind::DuplicateKey,
                    message: format!(
                        "{what} \"{}\" appears more than once{}: IAM keeps only one of them and silently drops the other",
                        entry.key,
                        if same_text { "" } else { " (key names are case-insensitive)" }
                    ),
                    span: entry.key_span,
                    related: Some((earlier.key_span, "first defined here".into())),
                });
            } else {
                first.insert(key.clone(), i);
            }
            last.insert(key, i);
        }
        if let Some((span, n)) = unreported {
            self.problems.push(PolicyProblem {
                kind: ProblemKind::DuplicateKey,
                message: format!(
                    "and {n} more duplicate {what} keys in this object, not listed one by one"
                ),
                span,
                related: None,
            });
        }
        entries
            .iter()
            .enumerate()
            .filter(|(i, e)| last.get(&normalize(&e.key)) == Some(i))
            .map(|(_, e)| e)
            .collect()
    }

    fn policy(&mut self, root: &Node) -> Option<TrustPolicy> {
        let Some(entries) = root.entries() else {
            self.invalid(
                root.span,
                format!(
                    "a policy document must be a JSON object, found {}",
                    root.type_name()
                ),
            );
            return None;
        };
        let entries = self.unique_entries(entries, "policy element", false);
        let mut version = None;
        let mut statements_node = None;
        for entry in entries {
            match entry.key.as_str() {
                "Version" => match entry.value.as_str() {
                    Some(v @ ("2012-10-17" | "2008-10-17")) => {
                        version = Some(Spanned::new(v.to_string(), entry.value.span))
                    }
                    _ => self.invalid(
                        entry.value.span,
                        "`Version` must be \"2012-10-17\" (or the legacy \"2008-10-17\")",
                    ),
                },
                "Id" => {}
                "Statement" => statements_node = Some(&entry.value),
                other => self.invalid(
                    entry.key_span,
                    format!(
                        "unknown policy element \"{other}\": IAM accepts only {}",
                        TOP_LEVEL_ELEMENTS.join(", ")
                    ),
                ),
            }
        }
        let Some(statements_node) = statements_node else {
            self.invalid(root.span, "the policy has no `Statement`");
            return None;
        };
        let statement_nodes: Vec<&Node> = match &statements_node.kind {
            NodeKind::Object(_) => vec![statements_node],
            NodeKind::Array(items) => items.iter().collect(),
            _ => {
                self.invalid(
                    statements_node.span,
                    format!(
                        "`Statement` must be an object or an array of objects, found {}",
                        statements_node.type_name()
                    ),
                );
                return None;
            }
        };
        let statements = statement_nodes
            .into_iter()
            .enumerate()
            .filter_map(|(index, node)| self.statement(index, node))
            .collect();
        Some(TrustPolicy {
            version,
            statements,
            span: root.span,
        })
    }

    fn statement(&mut self, index: usize, node: &Node) -> Option<Statement> {
        let Some(entries) = node.entries() else {
            self.invalid(
                node.span,
                format!("a statement must be an object, found {}", node.type_name()),
            );
            return None;
        };
        let entries = self.unique_entries(entries, "statement element", false);
        let mut sid = None;
        let mut effect = None;
        let mut principal: Option<PrincipalClause> = None;
        let mut action: Option<ActionClause> = None;
        let mut conditions = Vec::new();
        for entry in entries {
            match entry.key.as_str() {
                "Sid" => match entry.value.as_str() {
                    Some(s) => sid = Some(Spanned::new(s.to_string(), entry.value.span)),
                    None => self.invalid(entry.value.span, "`Sid` must be a string"),
                },
                "Effect" => match entry.value.as_str() {
                    Some("Allow") => effect = Some(Spanned::new(Effect::Allow, entry.value.span)),
                    Some("Deny") => effect = Some(Spanned::new(Effect::Deny, entry.value.span)),
                    _ => self.invalid(
                        entry.value.span,
                        "`Effect` must be \"Allow\" or \"Deny\" (case-sensitive)",
                    ),
                },
                "Principal" | "NotPrincipal" => {
                    let negated = entry.key == "NotPrincipal";
                    if let Some(previous) = &principal {
                        self.problems.push(PolicyProblem {
                            kind: ProblemKind::Invalid,
                            message: "a statement may have `Principal` or `NotPrincipal`, not both"
                                .into(),
                            span: entry.key_span,
                            related: Some((previous.key_span, "the other one".into())),
                        });
                        continue;
                    }
                    let mut unresolved = Vec::new();
                    if let Some(value) = self.principal(&entry.value, &mut unresolved) {
                        principal = Some(PrincipalClause {
                            negated,
                            key_span: entry.key_span,
                            value,
                            unresolved,
                        });
                    }
                }
                "Action" | "NotAction" => {
                    let negated = entry.key == "NotAction";
                    if let Some(previous) = &action {
                        self.problems.push(PolicyProblem {
                            kind: ProblemKind::Invalid,
                            message: "a statement may have `Action` or `NotAction`, not both".into(),
                            span: entry.key_span,
                            related: Some((previous.key_span, "the other one".into())),
                        });
                        continue;
                    }
                    if let Some(values) = self.string_list(&entry.value, &entry.key, &mut Vec::new()) {
                        action = Some(ActionClause {
                            negated,
                            key_span: entry.key_span,
                            values,
                        });
                    }
                }
                "Resource" | "NotResource" => self.invalid(
                    entry.key_span,
                    format!(
                        "`{}` is not allowed in a role trust policy (IAM: \"Has prohibited field Resource\")",
                        entry.key
                    ),
                ),
                "Condition" => conditions = self.conditions(&entry.value),
                other => self.invalid(
                    entry.key_span,
                    format!(
                        "unknown statement element \"{other}\": IAM accepts only {}",
                        STATEMENT_ELEMENTS.join(", ")
                    ),
                ),
            }
        }
        if principal.is_none()
            && node.get("Principal").is_none()
            && node.get("NotPrincipal").is_none()
        {
            self.invalid(node.span, "the statement has no `Principal`: a trust policy statement must say who may assume the role");
        }
        if action.is_none() && node.get("Action").is_none() && node.get("NotAction").is_none() {
            self.invalid(node.span, "the statement has no `Action`");
        }
        let Some(effect) = effect else {
            if node.get("Effect").is_none() {
                self.invalid(node.span, "the statement has no `Effect`: IAM rejects it");
            }
            return None;
        };
        Some(Statement {
            index,
            sid,
            effect,
            principal,
            action,
            conditions,
            span: node.span,
        })
    }

    fn principal(
        &mut self,
        node: &Node,
        unresolved: &mut Vec<Spanned<String>>,
    ) -> Option<Principal> {
        if let Some(expression) = unresolved_expression(node) {
            unresolved.push(Spanned::new(expression.to_string(), node.span));
            return Some(Principal::Entries(Vec::new()));
        }
        match &node.kind {
            NodeKind::String(s) if s == "*" => Some(Principal::Wildcard(node.span)),
            NodeKind::Object(entries) => {
                let entries = self.unique_entries(entries, "principal type", false);
                let mut out = Vec::new();
                for entry in entries {
                    let Some(kind) = PrincipalKind::parse(&entry.key) else {
                        self.invalid(
                            entry.key_span,
                            format!(
                                "unknown principal type \"{}\": expected AWS, Federated, Service or CanonicalUser (case-sensitive)",
                                entry.key
                            ),
                        );
                        continue;
                    };
                    if let Some(values) = self.string_list(&entry.value, &entry.key, unresolved) {
                        out.push(PrincipalEntry {
                            kind: Spanned::new(kind, entry.key_span),
                            values,
                        });
                    }
                }
                Some(Principal::Entries(out))
            }
            _ => {
                self.invalid(
                    node.span,
                    format!(
                        "`Principal` must be \"*\" or an object such as {{\"Federated\": \"arn:…\"}}, found {}",
                        describe(node)
                    ),
                );
                None
            }
        }
    }

    /// A string or a non-empty array of strings; unresolved values go to `unresolved`.
    fn string_list(
        &mut self,
        node: &Node,
        element: &str,
        unresolved: &mut Vec<Spanned<String>>,
    ) -> Option<Vec<Spanned<String>>> {
        if let Some(expression) = unresolved_expression(node) {
            unresolved.push(Spanned::new(expression.to_string(), node.span));
            return Some(Vec::new());
        }
        match &node.kind {
            NodeKind::String(s) => Some(vec![Spanned::new(s.clone(), node.span)]),
            NodeKind::Array(items) if !items.is_empty() => {
                let mut out = Vec::new();
                for item in items {
                    if let Some(expression) = unresolved_expression(item) {
                        unresolved.push(Spanned::new(expression.to_string(), item.span));
                        continue;
                    }
                    match item.as_str() {
                        Some(s) => out.push(Spanned::new(s.to_string(), item.span)),
                        None => self.invalid(
                            item.span,
                            format!(
                                "`{element}` values must be strings, found {}",
                                item.type_name()
                            ),
                        ),
                    }
                }
                Some(out)
            }
            NodeKind::Array(_) => {
                self.invalid(node.span, format!("`{element}` must not be an empty list"));
                None
            }
            _ => {
                self.invalid(
                    node.span,
                    format!(
                        "`{element}` must be a string or a list of strings, found {}",
                        node.type_name()
                    ),
                );
                None
            }
        }
    }

    fn conditions(&mut self, node: &Node) -> Vec<ConditionBlock> {
        let Some(entries) = node.entries() else {
            self.invalid(
                node.span,
                format!("`Condition` must be an object, found {}", node.type_name()),
            );
            return Vec::new();
        };
        let entries = self.unique_entries(entries, "condition operator", false);
        let mut blocks = Vec::new();
        for entry in entries {
            let Some(keys) = entry.value.entries() else {
                self.invalid(
                    entry.value.span,
                    format!(
                        "condition operator \"{}\" must map condition keys to values, found {}",
                        entry.key,
                        entry.value.type_name()
                    ),
                );
                continue;
            };
            let keys = self.unique_entries(keys, "condition key", true);
            let mut condition_entries = Vec::new();
            for key in keys {
                let mut unresolved = Vec::new();
                if let Some(values) = self.condition_values(&key.value, &mut unresolved) {
                    condition_entries.push(ConditionEntry {
                        key: Spanned::new(key.key.clone(), key.key_span),
                        values,
                        value_span: key.value.span,
                        unresolved,
                    });
                }
            }
            let operator = Operator::parse(&entry.key);
            if let Operator::Unknown(name) = &operator {
                self.invalid(
                    entry.key_span,
                    format!(
                        "unknown condition operator \"{name}\": IAM rejects the policy (names are case-sensitive, e.g. StringEquals, StringLike, ForAnyValue:StringLike, StringLikeIfExists)"
                    ),
                );
            }
            blocks.push(ConditionBlock {
                operator,
                operator_span: entry.key_span,
                entries: condition_entries,
            });
        }
        blocks
    }

    /// A condition value: a string, number or boolean, or a list of them (IAM compares the text).
    fn condition_values(
        &mut self,
        node: &Node,
        unresolved: &mut Vec<Spanned<String>>,
    ) -> Option<Vec<Spanned<String>>> {
        if let Some(expression) = unresolved_expression(node) {
            unresolved.push(Spanned::new(expression.to_string(), node.span));
            return Some(Vec::new());
        }
        let scalar = |n: &Node| match &n.kind {
            NodeKind::String(s) => Some(s.clone()),
            NodeKind::Number(s) => Some(s.clone()),
            NodeKind::Bool(b) => Some(b.to_string()),
            _ => None,
        };
        match &node.kind {
            NodeKind::Array(items) => {
                if items.is_empty() {
                    self.invalid(node.span, "a condition key needs at least one value");
                    return None;
                }
                let mut out = Vec::new();
                for item in items {
                    if let Some(expression) = unresolved_expression(item) {
                        unresolved.push(Spanned::new(expression.to_string(), item.span));
                        continue;
                    }
                    match scalar(item) {
                        Some(v) => out.push(Spanned::new(v, item.span)),
                        None => self.invalid(
                            item.span,
                            format!(
                                "condition values must be strings, numbers or booleans, found {}",
                                item.type_name()
                            ),
                        ),
                    }
                }
                Some(out)
            }
            _ => match scalar(node) {
                Some(v) => Some(vec![Spanned::new(v, node.span)]),
                None => {
                    self.invalid(
                        node.span,
                        format!(
                            "a condition value must be a string, number, boolean or a list of them, found {}",
                            node.type_name()
                        ),
                    );
                    None
                }
            },
        }
    }
}

fn describe(node: &Node) -> String {
    match &node.kind {
        NodeKind::String(s) => format!("the string \"{s}\""),
        NodeKind::Tagged { tag, .. } => format!("the unresolved YAML tag {tag}"),
        _ => node.type_name().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::parse_json;

    fn build(text: &str) -> (Option<TrustPolicy>, Vec<PolicyProblem>) {
        build_policy(&parse_json(text).unwrap())
    }

    #[test]
    fn accepts_every_shape_iam_accepts() {
        let (policy, problems) = build(
            r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"Federated": ["arn:aws:iam::1:oidc-provider/x"], "AWS": "*"},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {"StringEquals": {"x:aud": ["a", "b"]}, "Bool": {"aws:SecureTransport": true}, "NumericLessThan": {"k": 3}}}}"#,
        );
        assert!(problems.is_empty(), "{problems:?}");
        let policy = policy.unwrap();
        assert_eq!(policy.statements.len(), 1);
        let s = &policy.statements[0];
        assert_eq!(s.conditions.len(), 3);
        assert_eq!(s.conditions[1].entries[0].values[0].value, "true");
        assert_eq!(s.conditions[2].entries[0].values[0].value, "3");
        assert_eq!(s.oidc_issuers(), vec!["x".to_string()]);
    }

    #[test]
    fn duplicate_condition_operators_and_keys_are_reported_and_last_wins() {
        let (policy, problems) = build(
            r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"k:sub": "a"}, "StringEquals": {"k:aud": "b", "K:AUD": "c"}}}]}"#,
        );
        let dups: Vec<_> = problems
            .iter()
            .filter(|p| p.kind == ProblemKind::DuplicateKey)
            .collect();
        assert_eq!(dups.len(), 2, "{problems:?}");
        let s = &policy.unwrap().statements[0];
        assert_eq!(s.conditions.len(), 1);
        assert_eq!(s.conditions[0].entries.len(), 1);
        assert_eq!(s.conditions[0].entries[0].values[0].value, "c");
    }

    #[test]
    fn impossible_shapes_are_invalid() {
        let cases = [
            r#"{"Statement": 3}"#,
            r#"{"Statement": [{"Principal": "*", "Action": "x"}]}"#,
            r#"{"Statement": [{"Effect": "allow", "Principal": "*", "Action": "x"}]}"#,
            r#"{"Statement": [{"Effect": "Allow", "Principal": "me", "Action": "x"}]}"#,
            r#"{"Statement": [{"Effect": "Allow", "Principal": {"Federate": "x"}, "Action": "x"}]}"#,
            r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "NotPrincipal": "*", "Action": "x"}]}"#,
            r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": []}]}"#,
            r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "x", "Condition": {"StringEquals": {"k": null}}}]}"#,
            r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "x", "Resource": "*"}]}"#,
            r#"{"Version": "2012-10-18", "Statement": []}"#,
            r#"[1]"#,
            r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "x", "Condition": {"StringMatches": {"k": "v"}}}]}"#,
        ];
        for case in cases {
            let (_, problems) = build(case);
            assert!(
                problems.iter().any(|p| p.kind == ProblemKind::Invalid),
                "no problem for {case}"
            );
        }
    }

    #[test]
    fn unresolved_yaml_tags_are_invalid_values() {
        let root = crate::source::parse_yaml(
            "Statement:\n- Effect: Allow\n  Principal: !Ref Provider\n  Action: !Sub x\n",
        )
        .unwrap();
        let (_, problems) = build_policy(&root);
        let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        assert!(
            messages
                .iter()
                .any(|m| m.contains("the unresolved YAML tag !Ref")),
            "{messages:?}"
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains("found an unresolved YAML tag")),
            "{messages:?}"
        );
    }

    #[test]
    fn unresolved_values_are_kept_out_of_the_model_without_a_problem() {
        use crate::sources::unresolved;
        let text = r#"{"Statement": [{"Effect": "Allow", "Principal": {"Federated": "x"}, "Action": "a", "Condition": {"StringLike": {"k:sub": ["v", "w"]}}}]}"#;
        let mut root = parse_json(text).unwrap();
        // Replace the principal value and one condition value with unresolved ones.
        let NodeKind::Object(top) = &mut root.kind else {
            panic!()
        };
        let NodeKind::Array(statements) = &mut top[0].value.kind else {
            panic!()
        };
        let NodeKind::Object(statement) = &mut statements[0].kind else {
            panic!()
        };
        for entry in statement.iter_mut() {
            match entry.key.as_str() {
                "Principal" => {
                    let NodeKind::Object(p) = &mut entry.value.kind else {
                        panic!()
                    };
                    p[0].value = unresolved("!Ref Provider", p[0].value.span);
                }
                "Condition" => {
                    let NodeKind::Object(ops) = &mut entry.value.kind else {
                        panic!()
                    };
                    let NodeKind::Object(keys) = &mut ops[0].value.kind else {
                        panic!()
                    };
                    let NodeKind::Array(values) = &mut keys[0].value.kind else {
                        panic!()
                    };
                    values[1] = unresolved("!Ref Pattern", values[1].span);
                }
                _ => {}
            }
        }
        let (policy, problems) = build_policy(&root);
        assert!(problems.is_empty(), "{problems:?}");
        let s = &policy.unwrap().statements[0];
        let principal = s.principal.as_ref().unwrap();
        assert_eq!(principal.unresolved[0].value, "!Ref Provider");
        assert_eq!(s.federated().count(), 0);
        let entry = &s.conditions[0].entries[0];
        assert_eq!(entry.values.len(), 1);
        assert_eq!(entry.unresolved[0].value, "!Ref Pattern");
    }

    #[test]
    fn trust_policy_detection() {
        let yes = |t: &str| looks_like_trust_policy(&parse_json(t).unwrap());
        assert!(yes(r#"{"Statement": {"Principal": "*"}}"#));
        assert!(yes(
            r#"{"Statement": [{"Effect": "Allow"}, {"NotPrincipal": {}}]}"#
        ));
        assert!(!yes(
            r#"{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}"#
        ));
        assert!(!yes(r#"{"name": "pkg", "version": "1.0.0"}"#));
        assert!(!yes(r#"[]"#));
    }
}
