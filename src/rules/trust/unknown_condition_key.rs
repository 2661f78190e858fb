//! `unknown-condition-key`: a condition key that is never populated for this statement's issuer —
//! a typo in the issuer prefix, another issuer's host, or a claim the token does not carry.

use crate::policy::github_issuer_kind;
use crate::rules::spelling::is_near;
use crate::rules::{is_global_key, Finding, PolicyContext, Rule};
use crate::subject::known_claim_keys;

crate::declare_rule!(UnknownConditionKey, "unknown-condition-key", High);

/// The GitHub token claims AWS STS exposes as condition keys of a GitHub issuer: `sub` and `aud`
/// since OIDC federation began, and the provider-specific claims added in January 2026 ("AWS STS
/// supports validation of identity provider claims"; IAM User Guide, condition-keys-wif).
pub const AWS_GITHUB_CONDITION_KEYS: &[&str] = &[
    "sub",
    "aud",
    "actor",
    "actor_id",
    "job_workflow_ref",
    "repository",
    "repository_id",
    "workflow",
    "ref",
    "environment",
    "enterprise_id",
];

impl Rule for UnknownConditionKey {
    fn check_policy(&self, ctx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        for statement in &ctx.policy.statements {
            let issuers = statement.oidc_issuers();
            if issuers.is_empty() {
                continue;
            }
            for (block, entry) in statement.condition_entries() {
                let key = &entry.key.value;
                if is_global_key(key) {
                    continue;
                }
                let (prefix, claim) = key.rsplit_once(':').unwrap_or(("", key.as_str()));
                let consequence = if block.operator.holds_when_key_absent() {
                    format!(
                        "{} is then always true: the condition constrains nothing",
                        block.operator
                    )
                } else {
                    format!(
                        "{} is then always false: the statement can never match",
                        block.operator
                    )
                };
                let matching_issuer = issuers.iter().find(|i| i.eq_ignore_ascii_case(prefix));
                let message = match matching_issuer {
                    Some(issuer) => {
                        let is_github =
                            github_issuer_kind(issuer, &ctx.settings.extra_issuers).is_some();
                        if !is_github
                            || AWS_GITHUB_CONDITION_KEYS
                                .iter()
                                .any(|k| k.eq_ignore_ascii_case(claim))
                        {
                            continue;
                        }
                        if known_claim_keys()
                            .iter()
                            .any(|k| k.eq_ignore_ascii_case(claim))
                        {
                            format!(
                                "GitHub's token carries `{claim}`, but AWS STS does not expose it as a condition key (for GitHub it maps only {}), so `{key}` is never present in the request; {consequence}",
                                AWS_GITHUB_CONDITION_KEYS.join(", ")
                            )
                        } else {
                            let suggestion = AWS_GITHUB_CONDITION_KEYS
                                .iter()
                                .chain(known_claim_keys())
                                .find(|k| is_near(claim, k))
                                .map(|k| format!(" (did you mean `{k}`?)"))
                                .unwrap_or_default();
                            format!(
                                "GitHub's OIDC token has no claim `{claim}`{suggestion}, so `{key}` is never present in the request; {consequence}"
                            )
                        }
                    }
                    None => {
                        let near = issuers.iter().find(|i| is_near(prefix, i));
                        let hint = match near {
                            Some(issuer) => format!(" (a typo of `{issuer}`?)"),
                            None => String::new(),
                        };
                        format!(
                            "the key prefix `{prefix}`{hint} is not the issuer this statement trusts (`{}`): keys of another issuer are never present in the request, so {consequence}",
                            issuers.join("`, `")
                        )
                    }
                };
                let help = match issuers.first() {
                    Some(issuer) => format!(
                        "write the key as `{issuer}:{}`",
                        if claim.is_empty() { "sub" } else { claim }
                    ),
                    None => "use the issuer of the Federated principal as the key prefix".into(),
                };
                out.push(
                    ctx.finding(&Self::META, entry.key.span, message)
                        .help(help)
                        .route(format!(
                            "{}/{}/{}",
                            ctx.statement_route(statement),
                            block.operator,
                            entry.key_lower()
                        )),
                );
            }
        }
    }
}
