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

/// True when `key`, under an operator that fails when the key is absent, makes a statement
/// trusting `issuers` fail closed: the key is never in the request (another issuer's prefix, or a
/// claim AWS does not expose for a GitHub issuer). `missing-sub-condition` skips such a
/// statement: nobody can assume the role through it, which this rule reports.
pub fn never_present(key: &str, issuers: &[String], extra_issuers: &[String]) -> bool {
    if is_global_key(key) {
        return false;
    }
    let (prefix, claim) = key.rsplit_once(':').unwrap_or(("", key));
    match issuers.iter().find(|i| i.eq_ignore_ascii_case(prefix)) {
        None => true,
        Some(issuer) => github_issuer_kind(issuer, extra_issuers).is_some() && !is_exposed(claim),
    }
}

fn is_exposed(claim: &str) -> bool {
    AWS_GITHUB_CONDITION_KEYS
        .iter()
        .any(|k| k.eq_ignore_ascii_case(claim))
}

fn is_known_claim(claim: &str) -> bool {
    known_claim_keys()
        .iter()
        .any(|k| k.eq_ignore_ascii_case(claim))
}

/// "`ISSUER:` followed by sub, aud, …", short enough for a help line.
fn exposed_keys(issuer: &str) -> String {
    format!(
        "`{issuer}:` followed by {}",
        AWS_GITHUB_CONDITION_KEYS.join(", ")
    )
}

/// Registered JWT claims (RFC 7519, section 4.1) besides `sub` and `aud`.
const JWT_CLAIMS: &[&str] = &["iss", "exp", "iat", "nbf", "jti"];

/// The help for a claim GitHub's token carries but AWS does not expose: never the key itself,
/// but the way to pin the claim that works — through `sub`, with a customized subject template
/// (<https://docs.github.com/en/actions/reference/security/oidc#customizing-the-subject-claims-for-an-organization-or-repository>).
fn through_sub(issuer: &str, claim: &str) -> String {
    if JWT_CLAIMS.iter().any(|c| c.eq_ignore_ascii_case(claim)) {
        return format!(
            "`{claim}` is a registered JWT claim that no subject template can include, and AWS checks it itself (the issuer through the Federated principal, the validity times on every call): remove the condition. The keys AWS does expose are {}",
            exposed_keys(issuer)
        );
    }
    format!(
        "AWS does not expose `{claim}` for GitHub; pin it through the subject instead: set a customized subject template that includes `{claim}` (with `repo` first, so the owner stays pinned) and match it in `{issuer}:sub`. The keys AWS does expose are {}",
        exposed_keys(issuer)
    )
}

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
                let (message, help) = match matching_issuer {
                    Some(issuer) => {
                        let is_github =
                            github_issuer_kind(issuer, &ctx.settings.extra_issuers).is_some();
                        if !is_github || is_exposed(claim) {
                            continue;
                        }
                        if is_known_claim(claim) {
                            (
                                format!(
                                    "GitHub's token carries `{claim}`, but AWS STS does not expose it as a condition key (for GitHub it maps only {}), so `{key}` is never present in the request; {consequence}",
                                    AWS_GITHUB_CONDITION_KEYS.join(", ")
                                ),
                                through_sub(issuer, claim),
                            )
                        } else {
                            // `repo` (the subject's first pair) means `repository`.
                            let near = AWS_GITHUB_CONDITION_KEYS
                                .iter()
                                .chain(known_claim_keys())
                                .find(|k| is_near(claim, k))
                                .or_else(|| {
                                    AWS_GITHUB_CONDITION_KEYS.iter().find(|k| {
                                        claim.len() >= 4
                                            && k.to_ascii_lowercase()
                                                .starts_with(&claim.to_ascii_lowercase())
                                    })
                                });
                            let suggestion = near
                                .map(|k| format!(" (did you mean `{k}`?)"))
                                .unwrap_or_default();
                            let help = match near {
                                Some(k) if is_exposed(k) => {
                                    format!("write the key as `{issuer}:{k}`")
                                }
                                Some(k) => through_sub(issuer, k),
                                None => format!(
                                    "use a key AWS exposes for GitHub: {}",
                                    exposed_keys(issuer)
                                ),
                            };
                            (
                                format!(
                                    "GitHub's OIDC token has no claim `{claim}`{suggestion}, so `{key}` is never present in the request; {consequence}"
                                ),
                                help,
                            )
                        }
                    }
                    None => {
                        let near = issuers.iter().find(|i| is_near(prefix, i));
                        let hint = match near {
                            Some(issuer) => format!(" (a typo of `{issuer}`?)"),
                            None => String::new(),
                        };
                        let issuer = near.or(issuers.first()).map(String::as_str).unwrap_or("");
                        let claim = if claim.is_empty() { "sub" } else { claim };
                        let is_github =
                            github_issuer_kind(issuer, &ctx.settings.extra_issuers).is_some();
                        let help = if is_github && !is_exposed(claim) {
                            through_sub(issuer, claim)
                        } else {
                            format!("write the key as `{issuer}:{claim}`")
                        };
                        (
                            format!(
                                "the key prefix `{prefix}`{hint} is not the issuer this statement trusts (`{}`): keys of another issuer are never present in the request, so {consequence}",
                                issuers.join("`, `")
                            ),
                            help,
                        )
                    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_through_sub_never_names_the_missing_key() {
        let issuer = "token.actions.githubusercontent.com";
        for claim in ["repository_owner_id", "repository_owner", "run_id"] {
            let help = through_sub(issuer, claim);
            assert!(!help.contains(&format!("{issuer}:{claim}")), "{help}");
            assert!(help.contains(&format!("`{issuer}:sub`")), "{help}");
        }
        let help = through_sub(issuer, "iss");
        assert!(help.contains("remove the condition"), "{help}");
        assert!(!help.contains(&format!("{issuer}:iss")), "{help}");
    }
}
