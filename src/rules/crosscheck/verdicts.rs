//! The verdicts of a role use's predicted claims against the role's trust policy, and for each
//! denied context the place in the policy that decides it.

use super::{PolicyLookup, RoleUse};
use crate::iam::wildcard::like_match;
use crate::iam::{closest_allow, evaluate, Request, Truth};
use crate::policy::{github_issuer_kind, Effect, Operator, TrustPolicy};
use crate::predict::{check_against, RepoFacts, Verdict};
use crate::repo::{RepoIdentity, RoleArn};
use crate::rules::{PolicyFile, RepoContext, Settings};
use crate::source::Span;

/// A predicted context the role's trust policy denies.
#[derive(Clone, Debug)]
pub struct Denial {
    pub context: usize,
    pub witness: String,
    pub reason: String,
    /// Some subjects of the context are allowed.
    pub partly: bool,
    /// The policy admits the context with another audience: this audience, the job's being
    /// the only reason for the denial.
    pub admitted_audience: Option<String>,
    /// The deciding place in the policy: the failing condition of the closest Allow statement.
    pub deciding: Span,
    pub deciding_what: String,
}

/// The issuer the job's token comes from, as the policy can be checked against it: the
/// repository's issuer, or an Enterprise Cloud / configured issuer the policy trusts instead
/// (which the repository cannot tell from its clone).
fn choose_issuer(policy: &TrustPolicy, identity: &RepoIdentity, settings: &Settings) -> String {
    let own = identity.issuer();
    let mut alternative = None;
    for s in &policy.statements {
        for issuer in s.oidc_issuers() {
            let issuer = issuer.trim_end_matches('/').to_string();
            if issuer.eq_ignore_ascii_case(&own) {
                return own;
            }
            let custom = match github_issuer_kind(&issuer, &settings.extra_issuers) {
                Some(crate::policy::GithubIssuer::Configured) => true,
                Some(crate::policy::GithubIssuer::EnterpriseCloud { .. }) => {
                    identity.host.is_none()
                }
                _ => false,
            };
            if custom && alternative.is_none() {
                alternative = Some(issuer);
            }
        }
    }
    alternative.unwrap_or(own)
}

/// Positive `aud` values of the policy's Allow statements for `issuer`, without wildcards.
fn admitted_audiences(policy: &TrustPolicy, issuer: &str) -> Vec<String> {
    let mut out = Vec::new();
    for s in policy
        .statements
        .iter()
        .filter(|s| s.effect.value == Effect::Allow)
    {
        for (block, entry) in s.condition_entries() {
            let Operator::Known { base, .. } = &block.operator else {
                continue;
            };
            if base.is_negated()
                || !entry.claim_name().eq_ignore_ascii_case("aud")
                || !entry
                    .key_prefix()
                    .is_some_and(|p| p.eq_ignore_ascii_case(issuer))
            {
                continue;
            }
            for v in &entry.values {
                if !v.value.contains(['*', '?']) && !out.contains(&v.value) {
                    out.push(v.value.clone());
                }
            }
        }
    }
    out
}

/// The failing place of the closest Allow statement for `subject`.
fn deciding_place(
    policy: &TrustPolicy,
    provider_arn: &str,
    issuer: &str,
    subject: &str,
    audience: Option<&str>,
) -> (Span, String) {
    let mut claims = vec![(format!("{issuer}:sub"), subject.to_string())];
    if let Some(aud) = audience {
        claims.push((format!("{issuer}:aud"), aud.to_string()));
    }
    let request = Request::web_identity(Some(provider_arn.to_string()), claims);
    let e = evaluate(policy, &request);
    let Some(i) = closest_allow(&e.statements) else {
        return (policy.span, "the policy has no Allow statement".to_string());
    };
    let outcome = &e.statements[i];
    let Some(statement) = policy.statements.iter().find(|s| s.index == outcome.index) else {
        return (policy.span, "the policy".to_string());
    };
    if let Some(c) = outcome.conditions.iter().find(|c| c.truth == Truth::False) {
        if let Some(entry) = statement
            .conditions
            .get(c.block)
            .and_then(|b| b.entries.get(c.entry))
        {
            return (
                Span::new(entry.key.span.start, entry.value_span.end),
                format!("{}: {}", statement.label(), c.explanation),
            );
        }
    }
    if outcome.principal == Truth::False {
        let span = statement
            .federated()
            .next()
            .map(|v| v.span)
            .unwrap_or(statement.span);
        return (
            span,
            format!(
                "{}: the token's provider is {provider_arn}",
                statement.label()
            ),
        );
    }
    (
        statement.span,
        format!("{} does not match", statement.label()),
    )
}

/// The span of the positive `sub` value of `statement` that admits `subject`.
pub fn admitting_sub_value(
    policy: &TrustPolicy,
    statement: usize,
    issuer: &str,
    subject: &str,
) -> Option<Span> {
    let s = policy.statements.iter().find(|s| s.index == statement)?;
    for (block, entry) in s.condition_entries() {
        let Operator::Known { base, .. } = &block.operator else {
            continue;
        };
        if base.is_negated()
            || !entry.claim_name().eq_ignore_ascii_case("sub")
            || !entry
                .key_prefix()
                .is_some_and(|p| p.eq_ignore_ascii_case(issuer))
        {
            continue;
        }
        for v in &entry.values {
            let hit = if base.is_like() {
                like_match(&v.value, subject)
            } else if base.ignores_case() {
                v.value.eq_ignore_ascii_case(subject)
            } else {
                v.value == subject
            };
            if hit {
                return Some(v.span);
            }
        }
    }
    Some(s.span)
}

pub(super) fn decide(
    ctx: &RepoContext<'_>,
    policies: &[PolicyFile],
    repo: Option<&RepoFacts>,
    u: &mut RoleUse,
) {
    let (Some(PolicyLookup::Found(pi)), Some(p), Some(repo), Some(identity), Some(arn)) = (
        &u.policy,
        &u.prediction,
        repo,
        ctx.identity,
        u.resolution.arn(),
    ) else {
        return;
    };
    let Ok(role) = RoleArn::parse(arn) else {
        return;
    };
    let policy = &policies[*pi].policy;
    let issuer = choose_issuer(policy, identity, ctx.settings);
    let provider_arn = format!(
        "arn:{}:iam::{}:oidc-provider/{issuer}",
        role.partition, role.account
    );
    let verdicts = check_against(policy, &provider_arn, &issuer, p, repo);
    let mut denials = Vec::new();
    for v in &verdicts {
        let (witness, reason, partly) = match &v.verdict {
            Verdict::Denied {
                witness_subject,
                evaluation_reason,
            } => (witness_subject, evaluation_reason, false),
            Verdict::PartlyDenied {
                witness_subject,
                evaluation_reason,
                ..
            } => (witness_subject, evaluation_reason, true),
            _ => continue,
        };
        // Would another audience let the context in? Then the audience is the only reason.
        let admitted_audience = admitted_audiences(policy, &issuer)
            .into_iter()
            .filter(|a| p.audience.as_deref() != Some(a.as_str()))
            .find(|a| {
                let mut other = p.clone();
                other.audience = Some(a.clone());
                let again = check_against(policy, &provider_arn, &issuer, &other, repo);
                again.get(v.context).is_some_and(|c| {
                    !matches!(
                        c.verdict,
                        Verdict::Denied { .. } | Verdict::PartlyDenied { .. }
                    )
                })
            });
        let (deciding, deciding_what) = deciding_place(
            policy,
            &provider_arn,
            &issuer,
            witness,
            p.audience.as_deref(),
        );
        denials.push(Denial {
            context: v.context,
            witness: witness.clone(),
            reason: reason.clone(),
            partly,
            admitted_audience,
            deciding,
            deciding_what,
        });
    }
    u.issuer = issuer;
    u.provider_arn = provider_arn;
    u.verdicts = verdicts;
    u.denials = denials;
}
