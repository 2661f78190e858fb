//! What a rule sees of one trust policy, and the settings from trustlint.toml that rules honour.

use crate::iam::allows_action;
use crate::policy::{
    github_issuer_kind, parse_oidc_provider_arn, Effect, GithubIssuer, PolicyProblem, Statement,
    TrustPolicy,
};
use crate::rules::trust::subject_values::{self, AnalysedValue};
use crate::rules::{Finding, RuleMeta};
use crate::source::{SourceFile, Span};
use std::sync::{Arc, OnceLock};

/// The action GitHub's OIDC trust is about.
pub const WEB_IDENTITY_ACTION: &str = "sts:AssumeRoleWithWebIdentity";

/// Rule settings from the configuration.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Audiences accepted besides the STS audience of the provider's partition.
    pub extra_audiences: Vec<String>,
    /// Issuers (host/path) to treat as GitHub Actions issuers besides the built-in ones.
    pub extra_issuers: Vec<String>,
}

pub struct PolicyContext<'a> {
    pub file: &'a Arc<SourceFile>,
    pub policy: &'a TrustPolicy,
    pub problems: &'a [PolicyProblem],
    pub settings: &'a Settings,
    /// The `sub` values analysed once for all subject rules.
    subject_values: OnceLock<Vec<AnalysedValue>>,
}

/// A GitHub OIDC provider that a statement trusts.
#[derive(Debug, Clone)]
pub struct GithubTrust {
    /// The issuer (host/path), which is also the prefix of its condition keys.
    pub issuer: String,
    pub kind: GithubIssuer,
    pub partition: String,
    /// The Federated principal value naming the provider.
    pub principal_span: Span,
}

impl<'a> PolicyContext<'a> {
    pub fn new(
        file: &'a Arc<SourceFile>,
        policy: &'a TrustPolicy,
        problems: &'a [PolicyProblem],
        settings: &'a Settings,
    ) -> Self {
        PolicyContext {
            file,
            policy,
            problems,
            settings,
            subject_values: OnceLock::new(),
        }
    }

    /// Every value of a positive `sub` condition of a GitHub-trusting Allow statement, analysed.
    pub fn subject_values(&self) -> &[AnalysedValue] {
        self.subject_values
            .get_or_init(|| subject_values::analyse(self))
    }

    /// GitHub providers named by the statement's Federated principal (whatever its effect).
    pub fn github_trusts(&self, statement: &Statement) -> Vec<GithubTrust> {
        statement
            .federated()
            .filter_map(|value| {
                let arn = parse_oidc_provider_arn(&value.value)?;
                let kind = github_issuer_kind(&arn.issuer, &self.settings.extra_issuers)?;
                Some(GithubTrust {
                    issuer: arn.issuer,
                    kind,
                    partition: arn.partition,
                    principal_span: value.span,
                })
            })
            .collect()
    }

    /// Allow statements that let a GitHub Actions token assume the role, with their providers.
    pub fn github_allow_statements(
        &self,
    ) -> impl Iterator<Item = (&'a Statement, Vec<GithubTrust>)> + '_ {
        self.policy.statements.iter().filter_map(move |s| {
            if s.effect.value != Effect::Allow {
                return None;
            }
            let action = s.action.as_ref()?;
            if !allows_action(action, WEB_IDENTITY_ACTION) {
                return None;
            }
            let trusts = self.github_trusts(s);
            (!trusts.is_empty()).then_some((s, trusts))
        })
    }

    /// A route prefix for a statement: its Sid when it has one (stable when statements are
    /// reordered), else its index.
    pub fn statement_route(&self, statement: &Statement) -> String {
        match &statement.sid {
            Some(sid) if !sid.value.is_empty() => format!("Statement[{}]", sid.value),
            _ => format!("Statement[{}]", statement.index),
        }
    }

    pub fn finding(&self, meta: &RuleMeta, span: Span, message: impl Into<String>) -> Finding {
        Finding::new(meta, self.file, span, message)
    }
}

/// The claim a condition key names when its prefix is one of `issuers` (case-insensitive, as IAM
/// compares key names): `token.actions.githubusercontent.com:sub` -> `sub`.
pub fn claim_of<'k>(key: &'k str, issuers: &[String]) -> Option<&'k str> {
    let (prefix, claim) = key.rsplit_once(':')?;
    issuers
        .iter()
        .any(|issuer| issuer.eq_ignore_ascii_case(prefix))
        .then_some(claim)
}

/// Global condition keys (`aws:…`, `sts:…`) that are not claims of any issuer.
pub fn is_global_key(key: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    lower.starts_with("aws:") || lower.starts_with("sts:")
}
