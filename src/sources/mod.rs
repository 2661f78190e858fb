//! Trust policies where teams keep them: embedded in IAM account dumps, CloudFormation templates
//! and Terraform, rather than in bare policy files.
//!
//! Each extractor recognises one format and returns the trust-policy documents it holds as
//! spanned [`Node`] trees in the coordinates of the file, so that the policy model and every rule
//! run unchanged and findings point at the exact line and column of the source.

pub mod account_dump;
pub mod cloudformation;
pub mod terraform;

use crate::source::{Node, NodeKind, Span, Spanned};

/// The tag of a value an extractor could not resolve statically (a CloudFormation `!Ref` of a
/// parameter without a default, a Terraform variable without one…). Its value is a string node
/// with the expression text. The policy model keeps such values out of its comparisons.
pub const UNRESOLVED_TAG: &str = "!trustlint/unresolved";

/// A trust-policy document found inside a larger file.
#[derive(Debug, Clone)]
pub struct EmbeddedPolicy {
    /// Where it is, for messages: `dump.json: RoleName`, `template.yaml: Resources.DeployRole`.
    pub label: String,
    pub role_name: Option<String>,
    /// The role (its name, or its logical id) in the file.
    pub role_span: Span,
    /// The policy document, every span in the file's coordinates.
    pub document: Node,
    /// What the extractor had to assume (a placeholder account, a parameter default…).
    pub notes: Vec<(Span, String)>,
    /// What the source format itself rejects (an argument Terraform does not expect): reported
    /// as `invalid-policy`, whether or not the document could be rendered.
    pub problems: Vec<(Span, String)>,
}

/// A symbolic, unresolved value standing for `expression` at `span`.
pub fn unresolved(expression: impl Into<String>, span: Span) -> Node {
    Node {
        kind: NodeKind::Tagged {
            tag: UNRESOLVED_TAG.to_string(),
            value: Box::new(Node {
                kind: NodeKind::String(expression.into()),
                span,
            }),
        },
        span,
    }
}

/// The expression text of an unresolved value, if the node is one.
pub fn unresolved_expression(node: &Node) -> Option<&str> {
    match &node.kind {
        NodeKind::Tagged { tag, value } if tag == UNRESOLVED_TAG => {
            Some(value.as_str().unwrap_or("?"))
        }
        _ => None,
    }
}

/// The same tree with every span (of nodes and keys) replaced by `span`: for a document decoded
/// from one string value, whose nodes have no place of their own in the file.
pub fn respan(node: &Node, span: Span) -> Node {
    let kind = match &node.kind {
        NodeKind::Array(items) => NodeKind::Array(items.iter().map(|i| respan(i, span)).collect()),
        NodeKind::Object(entries) => NodeKind::Object(
            entries
                .iter()
                .map(|e| crate::source::ObjectEntry {
                    key: e.key.clone(),
                    key_span: span,
                    value: respan(&e.value, span),
                })
                .collect(),
        ),
        NodeKind::Tagged { tag, value } => NodeKind::Tagged {
            tag: tag.clone(),
            value: Box::new(respan(value, span)),
        },
        other => other.clone(),
    };
    Node { kind, span }
}

/// An OIDC identity provider declared in the same file (a CloudFormation
/// `AWS::IAM::OIDCProvider`, a Terraform `aws_iam_openid_connect_provider`).
#[derive(Debug, Clone)]
pub struct OidcProviderDecl {
    /// `Resources.GithubOidc`.
    pub label: String,
    /// The issuer (host/path, no scheme) when it is known.
    pub issuer: Option<String>,
    /// The resolved client IDs (audiences), each with its span.
    pub client_ids: Vec<Spanned<String>>,
    /// The client-ID list.
    pub span: Span,
}

/// What a file embeds.
#[derive(Debug, Clone, Default)]
pub struct Extracted {
    pub policies: Vec<EmbeddedPolicy>,
    pub providers: Vec<OidcProviderDecl>,
}

/// The trust policies and providers a JSON or YAML document embeds (an account dump or a
/// CloudFormation template), or `None` when it is neither.
pub fn extract(label_path: &str, text: &str, root: &Node) -> Option<Extracted> {
    if let Some(policies) = account_dump::extract(label_path, root) {
        return Some(Extracted {
            policies,
            providers: Vec::new(),
        });
    }
    cloudformation::extract_template(label_path, text, root).map(|(policies, providers)| {
        Extracted {
            policies,
            providers,
        }
    })
}

/// A cheap test of a YAML file's text before parsing it: could it be a CloudFormation template
/// with a role or an OIDC provider?
pub fn may_be_template(text: &str) -> bool {
    text.contains("AWS::IAM::Role") || text.contains("AWS::IAM::OIDCProvider")
}

/// The label of an embedded policy without the file path it starts with: the prefix of the
/// messages of its findings.
pub fn short_label<'a>(policy: &'a EmbeddedPolicy, label_path: &str) -> &'a str {
    policy
        .label
        .strip_prefix(label_path)
        .and_then(|rest| rest.strip_prefix(": "))
        .unwrap_or(&policy.label)
}

/// True when a document's structure is known: only principal and condition *values* may be
/// unresolved. A document whose `Statement`, a statement, its `Effect`, `Action`, `Condition` or
/// a condition operator's map is unresolved (`Fn::If` on an unknown condition) would look tighter
/// or looser than it is; it is not analysed.
pub fn structure_is_resolved(document: &Node) -> bool {
    let unknown = |n: &Node| unresolved_expression(n).is_some();
    if unknown(document) {
        return false;
    }
    let Some(statement) = document.get("Statement") else {
        return true;
    };
    let statements: Vec<&Node> = match &statement.value.kind {
        NodeKind::Array(items) => items.iter().collect(),
        _ => vec![&statement.value],
    };
    statements.into_iter().all(|s| {
        if unknown(s) {
            return false;
        }
        let Some(entries) = s.entries() else {
            return true;
        };
        entries.iter().all(|e| match e.key.as_str() {
            "Principal" | "NotPrincipal" => true,
            "Condition" => {
                !unknown(&e.value)
                    && e.value
                        .entries()
                        .is_none_or(|ops| ops.iter().all(|op| !unknown(&op.value)))
            }
            "Action" | "NotAction" => match &e.value.kind {
                NodeKind::Array(items) => !items.iter().any(unknown),
                _ => !unknown(&e.value),
            },
            _ => !unknown(&e.value),
        })
    })
}
