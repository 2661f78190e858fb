//! `unexpected-audience`: an `aud` condition value that is a wildcard or not an STS audience.

use super::{claim_of, Finding, PolicyContext, Rule};
use crate::iam::wildcard::has_wildcard;

crate::declare_rule!(UnexpectedAudience, "unexpected-audience", Medium);

impl Rule for UnexpectedAudience {
    fn meta(&self) -> &'static super::RuleMeta {
        &Self::META
    }

    fn check_policy(&self, ctx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        let allowed = ctx.settings.allowed_audiences();
        for (statement, trusts) in ctx.github_allow_statements() {
            let issuers: Vec<String> = trusts.iter().map(|t| t.issuer.clone()).collect();
            for (block, entry) in statement.condition_entries() {
                if !block.operator.is_positive_string_match()
                    || !claim_of(&entry.key.value, &issuers)
                        .is_some_and(|c| c.eq_ignore_ascii_case("aud"))
                {
                    continue;
                }
                let like = block.operator.base().is_some_and(|b| b.is_like());
                for value in &entry.values {
                    let message = if like && has_wildcard(&value.value) {
                        format!(
                            "the audience \"{}\" is a wildcard: it admits tokens minted for any audience, including other cloud providers and services",
                            value.value
                        )
                    } else if has_wildcard(&value.value) {
                        // A wildcard under StringEquals is a dead value: wildcard-with-equals-operator.
                        continue;
                    } else if !allowed.contains(&value.value.as_str()) {
                        format!(
                            "the audience \"{}\" is not the STS audience (sts.amazonaws.com, or sts.amazonaws.com.cn in China): configure-aws-credentials requests sts.amazonaws.com unless its `audience` input says otherwise",
                            value.value
                        )
                    } else {
                        continue;
                    };
                    out.push(
                        ctx.finding(&Self::META, value.span, message)
                            .help("pin \"sts.amazonaws.com\" (\"sts.amazonaws.com.cn\" in aws-cn); list a custom audience under [audiences] allowed in trustlint.toml if you really use one")
                            .route(format!("{}/{}/{}/{}", ctx.statement_route(statement), block.operator, entry.key_lower(), value.value)),
                    );
                }
            }
        }
    }
}
