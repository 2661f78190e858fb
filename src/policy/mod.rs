//! The trust-policy model: statements, principals, actions and conditions, each with its span.

mod build;
mod issuer;
mod operator;

pub use build::{build_policy, looks_like_trust_policy, PolicyProblem, ProblemKind};
pub use issuer::{
    github_issuer_kind, parse_oidc_provider_arn, strip_scheme, GithubIssuer, OidcProviderArn,
    GITHUB_DOTCOM_ISSUER,
};
pub use operator::{BaseOperator, Operator, SetQualifier};

use crate::source::{Span, Spanned};

/// The only `Version` under which policy variables (`${...}`) are expanded.
pub const CURRENT_VERSION: &str = "2012-10-17";

#[derive(Debug, Clone)]
pub struct TrustPolicy {
    pub version: Option<Spanned<String>>,
    pub statements: Vec<Statement>,
    /// The whole document.
    pub span: Span,
}

impl TrustPolicy {
    /// Policy variables are only expanded under the current policy language version.
    pub fn expands_variables(&self) -> bool {
        self.version
            .as_ref()
            .is_some_and(|v| v.value == CURRENT_VERSION)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

#[derive(Debug, Clone)]
pub struct Statement {
    /// Position in the `Statement` list (0-based), as `simulate` reports it.
    pub index: usize,
    pub sid: Option<Spanned<String>>,
    pub effect: Spanned<Effect>,
    /// `Principal` or `NotPrincipal`; `None` when the statement has neither (invalid in a trust
    /// policy, reported by the parser).
    pub principal: Option<PrincipalClause>,
    /// `Action` or `NotAction`; `None` when the statement has neither.
    pub action: Option<ActionClause>,
    pub conditions: Vec<ConditionBlock>,
    pub span: Span,
}

impl Statement {
    /// Every Federated principal value of a (positive) `Principal` clause.
    pub fn federated(&self) -> impl Iterator<Item = &Spanned<String>> {
        self.principal
            .iter()
            .filter(|p| !p.negated)
            .flat_map(|p| match &p.value {
                Principal::Wildcard(_) => None,
                Principal::Entries(entries) => Some(entries.iter()),
            })
            .flatten()
            .filter(|e| e.kind.value == PrincipalKind::Federated)
            .flat_map(|e| e.values.iter())
    }

    /// OIDC issuers (`host/path`) of the statement's Federated OIDC-provider principals.
    pub fn oidc_issuers(&self) -> Vec<String> {
        self.federated()
            .filter_map(|v| parse_oidc_provider_arn(&v.value).map(|arn| arn.issuer))
            .collect()
    }

    /// Every condition as (block, entry) pairs.
    pub fn condition_entries(&self) -> impl Iterator<Item = (&ConditionBlock, &ConditionEntry)> {
        self.conditions
            .iter()
            .flat_map(|b| b.entries.iter().map(move |e| (b, e)))
    }

    /// A label for messages: `statement 2 ("GitHubDeploy")` with a 1-based number.
    pub fn label(&self) -> String {
        match &self.sid {
            Some(sid) if !sid.value.is_empty() => {
                format!("statement {} (\"{}\")", self.index + 1, sid.value)
            }
            _ => format!("statement {}", self.index + 1),
        }
    }
}

#[derive(Debug, Clone)]
pub struct PrincipalClause {
    /// `NotPrincipal` rather than `Principal`.
    pub negated: bool,
    pub key_span: Span,
    pub value: Principal,
    /// Principal values (or the whole principal) that an extractor could not resolve (a
    /// CloudFormation `!Ref` of a parameter without a default): unknown, not invalid. Their
    /// expression text with its span.
    pub unresolved: Vec<Spanned<String>>,
}

#[derive(Debug, Clone)]
pub enum Principal {
    /// `"Principal": "*"`.
    Wildcard(Span),
    Entries(Vec<PrincipalEntry>),
}

#[derive(Debug, Clone)]
pub struct PrincipalEntry {
    pub kind: Spanned<PrincipalKind>,
    pub values: Vec<Spanned<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrincipalKind {
    Aws,
    Federated,
    Service,
    CanonicalUser,
}

impl PrincipalKind {
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "AWS" => Some(PrincipalKind::Aws),
            "Federated" => Some(PrincipalKind::Federated),
            "Service" => Some(PrincipalKind::Service),
            "CanonicalUser" => Some(PrincipalKind::CanonicalUser),
            _ => None,
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            PrincipalKind::Aws => "AWS",
            PrincipalKind::Federated => "Federated",
            PrincipalKind::Service => "Service",
            PrincipalKind::CanonicalUser => "CanonicalUser",
        }
    }
}

#[derive(Debug, Clone)]
pub struct ActionClause {
    /// `NotAction` rather than `Action`.
    pub negated: bool,
    pub key_span: Span,
    pub values: Vec<Spanned<String>>,
}

/// One operator of a `Condition` block with the keys under it.
#[derive(Debug, Clone)]
pub struct ConditionBlock {
    pub operator: Operator,
    /// The operator name as written.
    pub operator_span: Span,
    pub entries: Vec<ConditionEntry>,
}

#[derive(Debug, Clone)]
pub struct ConditionEntry {
    /// The key as written; compare with [`ConditionEntry::key_lower`] (IAM key names are
    /// case-insensitive).
    pub key: Spanned<String>,
    /// Values as strings: IAM compares booleans and numbers by their text.
    pub values: Vec<Spanned<String>>,
    /// The whole value (string or list).
    pub value_span: Span,
    /// Values an extractor could not resolve (expression text with its span): the condition
    /// may admit more or fewer than [`ConditionEntry::values`] say, which rules must not guess.
    pub unresolved: Vec<Spanned<String>>,
}

impl ConditionEntry {
    pub fn key_lower(&self) -> String {
        self.key.value.to_ascii_lowercase()
    }

    /// The part after the last `:` of the key (`sub` of `token.actions.githubusercontent.com:sub`).
    pub fn claim_name(&self) -> &str {
        self.key
            .value
            .rsplit_once(':')
            .map(|(_, claim)| claim)
            .unwrap_or(&self.key.value)
    }

    /// The part before the last `:` (the issuer for OIDC keys, `aws` for global keys).
    pub fn key_prefix(&self) -> Option<&str> {
        self.key.value.rsplit_once(':').map(|(prefix, _)| prefix)
    }
}
