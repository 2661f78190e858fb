//! `oidc-provider-extra-audience`: a GitHub Actions OIDC provider whose client-ID list admits
//! more than the STS audience.
//!
//! Providers are not trust policies: the scan calls [`check_providers`] for the providers a
//! CloudFormation template or Terraform module declares.

use crate::policy::github_issuer_kind;
use crate::rules::{Finding, Rule, Settings};
use crate::source::SourceFile;
use crate::sources::OidcProviderDecl;
use std::sync::Arc;

crate::declare_rule!(
    OidcProviderExtraAudience,
    "oidc-provider-extra-audience",
    Medium
);

/// The audiences configure-aws-credentials asks for.
const STS_AUDIENCES: &[&str] = &["sts.amazonaws.com", "sts.amazonaws.com.cn"];

impl Rule for OidcProviderExtraAudience {}

pub fn check_providers(
    file: &Arc<SourceFile>,
    providers: &[OidcProviderDecl],
    settings: &Settings,
    out: &mut Vec<Finding>,
) {
    for provider in providers {
        let Some(issuer) = &provider.issuer else {
            continue;
        };
        if github_issuer_kind(issuer, &settings.extra_issuers).is_none() {
            continue;
        }
        for client in &provider.client_ids {
            let expected = STS_AUDIENCES.contains(&client.value.as_str())
                || settings.extra_audiences.contains(&client.value);
            if expected {
                continue;
            }
            out.push(
                Finding::new(
                    &OidcProviderExtraAudience::META,
                    file,
                    client.span,
                    format!(
                        "{}: the provider for {issuer} accepts the client ID \"{}\" besides the STS audience: every role trusting this provider without its own `aud` condition admits tokens minted for it",
                        provider.label, client.value
                    ),
                )
                .help("keep only \"sts.amazonaws.com\" in the client-ID list; list a custom audience under [audiences] allowed in trustlint.toml if you really use one")
                .route(format!("{}/ClientIdList/{}", provider.label, client.value)),
            );
        }
    }
}
