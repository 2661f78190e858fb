//! `missing-aud-condition`: a GitHub-trusting Allow statement that does not pin `aud`.

use crate::rules::{claim_of, Finding, PolicyContext, Rule};

crate::declare_rule!(MissingAudCondition, "missing-aud-condition", Medium);

impl Rule for MissingAudCondition {
    fn check_policy(&self, ctx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        for (statement, trusts) in ctx.github_allow_statements() {
            let issuers: Vec<String> = trusts.iter().map(|t| t.issuer.clone()).collect();
            let pinned = statement.condition_entries().any(|(block, entry)| {
                block.operator.is_positive_string_match()
                    && claim_of(&entry.key.value, &issuers)
                        .is_some_and(|c| c.eq_ignore_ascii_case("aud"))
            });
            if pinned {
                continue;
            }
            // An `aud` test that does not constrain (`ForAllValues:`, `…IfExists`, a negation):
            // say so, so that this finding and fail-open-operator's tell one story.
            let loose = statement.condition_entries().find(|(_, entry)| {
                claim_of(&entry.key.value, &issuers).is_some_and(|c| c.eq_ignore_ascii_case("aud"))
            });
            let trust = &trusts[0];
            let why = match loose {
                Some((block, _)) => format!(
                    "its only condition on {}:aud is under `{}`, which does not constrain the key to the listed values",
                    trust.issuer,
                    block.operator
                ),
                None => format!(
                    "no StringEquals/StringLike condition on {}:aud",
                    trust.issuer
                ),
            };
            let audience = if trust.partition == "aws-cn" {
                "sts.amazonaws.com.cn"
            } else {
                "sts.amazonaws.com"
            };
            out.push(
                ctx.finding(
                    &Self::META,
                    trust.principal_span,
                    format!(
                        "{} does not pin the token audience: {why}",
                        statement.label(),
                    ),
                )
                .help(format!(
                    "add \"StringEquals\": {{\"{}:aud\": \"{audience}\"}}; only the OIDC provider's client-ID list gates the audience otherwise",
                    trust.issuer
                ))
                .route(format!("{}/aud", ctx.statement_route(statement))),
            );
        }
    }
}
