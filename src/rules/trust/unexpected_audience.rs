//! `unexpected-audience`: an `aud` condition value that is a wildcard or not an STS audience.

use crate::iam::wildcard::has_wildcard;
use crate::rules::{claim_of, Finding, PolicyContext, Rule};

crate::declare_rule!(UnexpectedAudience, "unexpected-audience", Medium);

const STS_AUDIENCE: &str = "sts.amazonaws.com";
const CHINA_AUDIENCE: &str = "sts.amazonaws.com.cn";

impl Rule for UnexpectedAudience {
    fn check_policy(&self, ctx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
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
                let ignore_case = block.operator.base().is_some_and(|b| b.ignores_case());
                let same = |a: &str, b: &str| {
                    if ignore_case {
                        a.eq_ignore_ascii_case(b)
                    } else {
                        a == b
                    }
                };
                // The audience configure-aws-credentials needs in this provider's partition.
                let expected = match trusts[0].partition.as_str() {
                    "aws-cn" => CHINA_AUDIENCE,
                    _ => STS_AUDIENCE,
                };
                let configured = |v: &str| ctx.settings.extra_audiences.iter().any(|a| same(a, v));
                for value in &entry.values {
                    let v = value.value.as_str();
                    let message = if like && has_wildcard(v) {
                        format!(
                            "the audience \"{v}\" is a wildcard: it admits tokens minted for any audience, including other cloud providers and services"
                        )
                    } else if has_wildcard(v) || same(expected, v) || configured(v) {
                        // (A wildcard under StringEquals is a dead value: wildcard-with-equals-operator.)
                        continue;
                    } else if same(STS_AUDIENCE, v) || same(CHINA_AUDIENCE, v) {
                        format!(
                            "the audience \"{v}\" belongs to another partition: for a provider in {} the STS audience is \"{expected}\"",
                            trusts[0].partition
                        )
                    } else {
                        format!(
                            "the audience \"{v}\" is not the STS audience (\"{expected}\" in {}): configure-aws-credentials requests it unless its `audience` input says otherwise",
                            trusts[0].partition
                        )
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
