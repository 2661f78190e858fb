//! CloudFormation templates, JSON or YAML (CDK's `cdk.out/*.template.json` included): the
//! `AssumeRolePolicyDocument` of every `AWS::IAM::Role`, and the client-ID lists of
//! `AWS::IAM::OIDCProvider`s.
//!
//! Intrinsic functions are evaluated where the template alone decides their value, in short
//! (`!Sub`) and long (`Fn::Sub`) form: `Ref` and `Fn::Sub` of a parameter with a `Default` (the
//! value a stack gets when nobody overrides it), of a provider of the template (its ARN), of the
//! pseudo parameters `AWS::Partition` (`aws`), `AWS::URLSuffix` and `AWS::AccountId` (the
//! placeholder account `000000000000`, with a note); `Fn::GetAtt Provider.Arn`, `Fn::Join`,
//! `Fn::Select`, `Fn::Split` and `Fn::If` whose condition the defaults decide. An evaluated
//! string keeps the span of the expression it came from. Everything else stays symbolic (see
//! [`super::unresolved`]): it is never guessed.
//!
//! One exception, documented in the note it leaves: inside a `Fn::Sub` or `Fn::Join` string, a
//! parameter without a `Default` stands for itself (`repo:${GitHubOrg}/*` is analysed as
//! `repo:GitHubOrg/*`). The shape of the pattern around it — what the subject rules judge — is
//! the same for any plain value of the parameter; the note says what was assumed.
//!
//! [`template`] holds the template's parameters, resources and conditions; [`eval`] evaluates a
//! node against them, and [`intrinsics`] the intrinsic functions.

mod eval;
mod intrinsics;
mod template;

#[cfg(test)]
mod tests;

use self::eval::Eval;
use self::template::Template;
use super::{unresolved, EmbeddedPolicy, OidcProviderDecl};
use crate::source::{Node, NodeKind, Spanned};

/// The account used where a template refers to its own account (`AWS::AccountId`).
pub const PLACEHOLDER_ACCOUNT: &str = "000000000000";

/// True when the document is a CloudFormation template.
pub fn is_template(root: &Node) -> bool {
    if root.get("AWSTemplateFormatVersion").is_some() {
        return true;
    }
    root.get("Resources")
        .and_then(|r| r.value.entries())
        .is_some_and(|resources| {
            resources.iter().any(|r| {
                r.value
                    .get("Type")
                    .and_then(|t| t.value.as_str())
                    .is_some_and(|t| t.starts_with("AWS::"))
            })
        })
}

/// The trust policies of the template's roles, or `None` when it is not a template.
pub fn extract(label_path: &str, text: &str, root: &Node) -> Option<Vec<EmbeddedPolicy>> {
    extract_template(label_path, text, root).map(|(policies, _)| policies)
}

/// The roles' trust policies and the OIDC providers of a template.
pub fn extract_template(
    label_path: &str,
    text: &str,
    root: &Node,
) -> Option<(Vec<EmbeddedPolicy>, Vec<OidcProviderDecl>)> {
    if !is_template(root) {
        return None;
    }
    let template = Template::new(text, root);
    let mut policies = Vec::new();
    let mut providers = Vec::new();
    let Some(resources) = root.get("Resources").and_then(|r| r.value.entries()) else {
        return Some((policies, providers));
    };
    for resource in resources {
        let kind = resource.value.get("Type").and_then(|t| t.value.as_str());
        let properties = resource.value.get("Properties").map(|p| &p.value);
        match (kind, properties) {
            (Some("AWS::IAM::Role"), Some(properties)) => {
                let Some(document) = properties.get("AssumeRolePolicyDocument") else {
                    continue;
                };
                let mut eval = Eval::new(&template);
                let node = eval
                    .value(&document.value)
                    .unwrap_or_else(|| unresolved("AWS::NoValue", document.value.span));
                let role_name = properties
                    .get("RoleName")
                    .and_then(|n| n.value.as_str())
                    .map(str::to_string);
                policies.push(EmbeddedPolicy {
                    label: format!("{label_path}: Resources.{}", resource.key),
                    role_name,
                    role_span: resource.key_span,
                    document: node,
                    notes: eval.notes,
                    problems: Vec::new(),
                });
            }
            (Some("AWS::IAM::OIDCProvider"), Some(properties)) => {
                let mut eval = Eval::new(&template);
                let issuer = properties
                    .get("Url")
                    .and_then(|u| eval.string(&u.value))
                    .map(|u| crate::policy::strip_scheme(&u).to_string());
                let Some(list) = properties.get("ClientIdList") else {
                    continue;
                };
                let client_ids = match eval.value(&list.value) {
                    Some(Node {
                        kind: NodeKind::Array(items),
                        ..
                    }) => items
                        .iter()
                        .filter_map(|i| i.as_str().map(|s| Spanned::new(s.to_string(), i.span)))
                        .collect(),
                    _ => Vec::new(),
                };
                providers.push(OidcProviderDecl {
                    label: format!("Resources.{}", resource.key),
                    issuer,
                    client_ids,
                    span: list.key_span,
                });
            }
            _ => {}
        }
    }
    Some((policies, providers))
}
