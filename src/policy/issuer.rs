//! OIDC provider ARNs and the GitHub Actions token issuers.

/// `arn:PARTITION:iam::ACCOUNT:oidc-provider/ISSUER`, split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcProviderArn {
    pub partition: String,
    pub account: String,
    /// Host and path of the issuer URL, without scheme: the condition-key prefix.
    pub issuer: String,
}

pub fn parse_oidc_provider_arn(arn: &str) -> Option<OidcProviderArn> {
    let rest = arn.strip_prefix("arn:")?;
    let (partition, rest) = rest.split_once(':')?;
    let rest = rest.strip_prefix("iam::")?;
    let (account, resource) = rest.split_once(':')?;
    let issuer = resource.strip_prefix("oidc-provider/")?;
    if partition.is_empty() || issuer.is_empty() {
        return None;
    }
    Some(OidcProviderArn {
        partition: partition.to_string(),
        account: account.to_string(),
        issuer: issuer.to_string(),
    })
}

/// The GitHub Actions token issuers trustlint recognises.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GithubIssuer {
    /// github.com: `token.actions.githubusercontent.com`.
    DotCom,
    /// GitHub Enterprise Cloud with a unique issuer: `token.actions.githubusercontent.com/<slug>`.
    EnterpriseCloud { slug: String },
    /// GHE.com data residency: `token.actions.<subdomain>.ghe.com`.
    GheCom { subdomain: String },
    /// GitHub Enterprise Server: `<host>/_services/token`.
    Server { host: String },
    /// Named in `[issuers] extra` of trustlint.toml.
    Configured,
}

pub const GITHUB_DOTCOM_ISSUER: &str = "token.actions.githubusercontent.com";

/// Which GitHub issuer this is, if any. `extra` holds issuers from the configuration.
pub fn github_issuer_kind(issuer: &str, extra: &[String]) -> Option<GithubIssuer> {
    let issuer = issuer.trim_end_matches('/');
    let lower = issuer.to_ascii_lowercase();
    if extra.iter().any(|e| {
        strip_scheme(e)
            .trim_end_matches('/')
            .eq_ignore_ascii_case(issuer)
    }) {
        return Some(GithubIssuer::Configured);
    }
    if lower == GITHUB_DOTCOM_ISSUER {
        return Some(GithubIssuer::DotCom);
    }
    if let Some(slug) = lower.strip_prefix("token.actions.githubusercontent.com/") {
        if !slug.is_empty() && !slug.contains('/') {
            return Some(GithubIssuer::EnterpriseCloud {
                slug: slug.to_string(),
            });
        }
    }
    if let Some(sub) = lower
        .strip_prefix("token.actions.")
        .and_then(|r| r.strip_suffix(".ghe.com"))
    {
        if !sub.is_empty() && !sub.contains('/') {
            return Some(GithubIssuer::GheCom {
                subdomain: sub.to_string(),
            });
        }
    }
    if let Some(host) = lower.strip_suffix("/_services/token") {
        if !host.is_empty() && !host.contains('/') {
            return Some(GithubIssuer::Server {
                host: host.to_string(),
            });
        }
    }
    None
}

/// `https://x` -> `x`: issuer URLs in configuration may carry their scheme.
pub fn strip_scheme(url: &str) -> &str {
    url.strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_provider_arns_in_every_partition() {
        for partition in ["aws", "aws-cn", "aws-us-gov"] {
            let arn = format!(
                "arn:{partition}:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
            );
            let parsed = parse_oidc_provider_arn(&arn).unwrap();
            assert_eq!(parsed.partition, partition);
            assert_eq!(parsed.account, "123456789012");
            assert_eq!(parsed.issuer, GITHUB_DOTCOM_ISSUER);
        }
        assert!(parse_oidc_provider_arn("arn:aws:iam::1:saml-provider/x").is_none());
        assert!(parse_oidc_provider_arn("cognito-identity.amazonaws.com").is_none());
    }

    #[test]
    fn recognises_github_issuers() {
        assert_eq!(
            github_issuer_kind(GITHUB_DOTCOM_ISSUER, &[]),
            Some(GithubIssuer::DotCom)
        );
        assert_eq!(
            github_issuer_kind("token.actions.githubusercontent.com/octo-ent", &[]),
            Some(GithubIssuer::EnterpriseCloud {
                slug: "octo-ent".into()
            })
        );
        assert_eq!(
            github_issuer_kind("token.actions.octocorp.ghe.com", &[]),
            Some(GithubIssuer::GheCom {
                subdomain: "octocorp".into()
            })
        );
        assert_eq!(
            github_issuer_kind("github.example.com/_services/token", &[]),
            Some(GithubIssuer::Server {
                host: "github.example.com".into()
            })
        );
        assert_eq!(github_issuer_kind("gitlab.com", &[]), None);
        assert_eq!(
            github_issuer_kind("gitlab.com", &["https://gitlab.com".into()]),
            Some(GithubIssuer::Configured)
        );
    }
}
