//! Steps that consume the job's GitHub OIDC token, and so need `id-token: write`.
//!
//! One table, [`OIDC_CONSUMERS`], drives [`oidc_consumer`]. Sources:
//! GitHub Docs, "About security hardening with OpenID Connect",
//! https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect
//! (a job needs `id-token: write`; `ACTIONS_ID_TOKEN_REQUEST_URL`/`_TOKEN`), and each action's own
//! README and decision logic where it has one (configure-aws-credentials "OIDC Configuration
//! Details", https://github.com/aws-actions/configure-aws-credentials#oidc-configuration-details,
//! and `useGitHubOIDCProvider` in its `src/index.ts`; vault-action `src/auth.js`).
//! Action names compare case-insensitively and refs are ignored; inputs compare
//! case-insensitively by name, like the runner.

use super::model::{is_true, scalar_text, Step};
use crate::source::NodeKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsumerKind {
    /// aws-actions/configure-aws-credentials in OIDC mode.
    AwsCredentials,
    /// azure/login with a federated credential.
    AzureLogin,
    /// google-github-actions/auth with workload identity federation.
    GoogleAuth,
    /// hashicorp/vault-action with `method: jwt`.
    VaultJwt,
    /// pypa/gh-action-pypi-publish trusted publishing.
    PypiTrustedPublishing,
    /// Sigstore keyless signing.
    SigstoreSigning,
    /// actions/attest-build-provenance, actions/attest, actions/attest-sbom.
    Attestation,
    /// actions/deploy-pages.
    PagesDeployment,
    /// A script that requests the token itself (`run:`, or actions/github-script calling
    /// `core.getIDToken`).
    TokenRequestScript,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcConsumer {
    pub kind: ConsumerKind,
    /// Why the step counts, for messages.
    pub reason: String,
}

/// Which steps an entry looks at.
#[derive(Debug, Clone, Copy)]
pub enum ConsumerMatch {
    /// `uses:` one of these actions: lowercase `owner/repo` or `owner/repo/path`, matched
    /// against the step's full action name (so `…/predicate` sub-actions are distinct).
    Actions(&'static [&'static str]),
    /// Steps with a `run:` script.
    RunScript,
}

/// One row of the consumer table.
#[derive(Debug, Clone, Copy)]
pub struct ConsumerSpec {
    pub kind: ConsumerKind,
    pub matches: ConsumerMatch,
    /// When the step consumes the token, in words (for documentation).
    pub when: &'static str,
    /// `Some(reason)` when a matching step consumes the token.
    check: fn(&Step) -> Option<String>,
}

/// Every known OIDC token consumer.
pub static OIDC_CONSUMERS: &[ConsumerSpec] = &[
    ConsumerSpec {
        kind: ConsumerKind::AwsCredentials,
        matches: ConsumerMatch::Actions(&["aws-actions/configure-aws-credentials"]),
        when: "`role-to-assume` is set and none of `aws-access-key-id`, `web-identity-token-file`, `role-chaining: true`, `force-skip-oidc: true`",
        check: aws_credentials,
    },
    ConsumerSpec {
        kind: ConsumerKind::AzureLogin,
        matches: ConsumerMatch::Actions(&["azure/login"]),
        when: "`client-id` is set without `creds`/`client-secret` and `auth-type` is not IDENTITY",
        check: azure_login,
    },
    ConsumerSpec {
        kind: ConsumerKind::GoogleAuth,
        matches: ConsumerMatch::Actions(&["google-github-actions/auth"]),
        when: "`workload_identity_provider` is set (and not `credentials_json`)",
        check: google_auth,
    },
    ConsumerSpec {
        kind: ConsumerKind::VaultJwt,
        matches: ConsumerMatch::Actions(&["hashicorp/vault-action"]),
        when: "`method: jwt` without `jwtPrivateKey`",
        check: vault_jwt,
    },
    ConsumerSpec {
        kind: ConsumerKind::PypiTrustedPublishing,
        matches: ConsumerMatch::Actions(&["pypa/gh-action-pypi-publish"]),
        when: "no `password` input (trusted publishing)",
        check: pypi_publish,
    },
    ConsumerSpec {
        kind: ConsumerKind::SigstoreSigning,
        matches: ConsumerMatch::Actions(&["sigstore/gh-action-sigstore-python"]),
        when: "no `identity-token` input (ambient GitHub credentials)",
        check: sigstore_python,
    },
    ConsumerSpec {
        kind: ConsumerKind::Attestation,
        matches: ConsumerMatch::Actions(&[
            "actions/attest-build-provenance",
            "actions/attest",
            "actions/attest-sbom",
        ]),
        when: "always (the attestation is signed with a Sigstore certificate bound to the job's token)",
        check: attestation,
    },
    ConsumerSpec {
        kind: ConsumerKind::PagesDeployment,
        matches: ConsumerMatch::Actions(&["actions/deploy-pages"]),
        when: "always (the deployment is authorized with the job's token)",
        check: deploy_pages,
    },
    ConsumerSpec {
        kind: ConsumerKind::TokenRequestScript,
        matches: ConsumerMatch::Actions(&["actions/github-script"]),
        when: "the `script` calls `getIDToken` or reads ACTIONS_ID_TOKEN_REQUEST_*",
        check: github_script,
    },
    ConsumerSpec {
        kind: ConsumerKind::TokenRequestScript,
        matches: ConsumerMatch::RunScript,
        when: "the script mentions ACTIONS_ID_TOKEN_REQUEST_URL or ACTIONS_ID_TOKEN_REQUEST_TOKEN",
        check: run_script,
    },
];

/// The first table entry the step matches, if any.
pub fn oidc_consumer(step: &Step) -> Option<OidcConsumer> {
    let action = step.uses.as_ref().and_then(|u| u.value.full_action_name());
    OIDC_CONSUMERS.iter().find_map(|spec| {
        let applies = match spec.matches {
            ConsumerMatch::Actions(names) => action.as_deref().is_some_and(|a| names.contains(&a)),
            ConsumerMatch::RunScript => step.run.is_some(),
        };
        if !applies {
            return None;
        }
        (spec.check)(step).map(|reason| OidcConsumer {
            kind: spec.kind,
            reason,
        })
    })
}

/// An input with a non-empty value (an empty string is "not provided" to an action).
fn is_set(step: &Step, name: &str) -> bool {
    match step.input(name) {
        None => false,
        Some(node) => match scalar_text(node) {
            Some(text) => !text.trim().is_empty(),
            // A list or mapping is a (wrong) value, but a value; null is "not provided".
            None => !matches!(node.kind, NodeKind::Null),
        },
    }
}

fn is_input_true(step: &Step, name: &str) -> bool {
    step.input(name).is_some_and(is_true)
}

fn action_of(step: &Step) -> String {
    step.uses
        .as_ref()
        .map(|u| u.value.raw.clone())
        .unwrap_or_default()
}

fn aws_credentials(step: &Step) -> Option<String> {
    if !is_set(step, "role-to-assume") {
        return None;
    }
    if is_set(step, "aws-access-key-id")
        || is_set(step, "web-identity-token-file")
        || is_input_true(step, "role-chaining")
        || is_input_true(step, "force-skip-oidc")
    {
        return None;
    }
    Some(format!(
        "{} assumes `role-to-assume` with the job's OIDC token (no `aws-access-key-id`, `web-identity-token-file`, `role-chaining` or `force-skip-oidc`)",
        action_of(step)
    ))
}

fn azure_login(step: &Step) -> Option<String> {
    let identity = step
        .input_text("auth-type")
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("identity"));
    if !is_set(step, "client-id")
        || is_set(step, "creds")
        || is_set(step, "client-secret")
        || identity
    {
        return None;
    }
    Some(format!(
        "{} signs in with `client-id` and no secret: a federated credential exchanges the job's OIDC token",
        action_of(step)
    ))
}

fn google_auth(step: &Step) -> Option<String> {
    if !is_set(step, "workload_identity_provider") || is_set(step, "credentials_json") {
        return None;
    }
    Some(format!(
        "{} uses `workload_identity_provider`: workload identity federation exchanges the job's OIDC token",
        action_of(step)
    ))
}

fn vault_jwt(step: &Step) -> Option<String> {
    let jwt = step
        .input_text("method")
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("jwt"));
    if !jwt || is_set(step, "jwtPrivateKey") {
        return None;
    }
    Some(format!(
        "{} with `method: jwt` and no `jwtPrivateKey` logs in to Vault with the job's OIDC token",
        action_of(step)
    ))
}

fn pypi_publish(step: &Step) -> Option<String> {
    if is_set(step, "password") {
        return None;
    }
    Some(format!(
        "{} without `password` uses trusted publishing, which exchanges the job's OIDC token",
        action_of(step)
    ))
}

fn sigstore_python(step: &Step) -> Option<String> {
    if is_set(step, "identity-token") {
        return None;
    }
    Some(format!(
        "{} signs keylessly with the job's OIDC token",
        action_of(step)
    ))
}

fn attestation(step: &Step) -> Option<String> {
    Some(format!(
        "{} signs the attestation with a Sigstore certificate issued for the job's OIDC token",
        action_of(step)
    ))
}

fn deploy_pages(step: &Step) -> Option<String> {
    Some(format!(
        "{} authorizes the Pages deployment with the job's OIDC token",
        action_of(step)
    ))
}

fn mentions_token_request(text: &str) -> bool {
    text.contains("ACTIONS_ID_TOKEN_REQUEST_URL") || text.contains("ACTIONS_ID_TOKEN_REQUEST_TOKEN")
}

fn github_script(step: &Step) -> Option<String> {
    let script = step.input_text("script")?;
    (script.contains("getIDToken") || mentions_token_request(&script)).then(|| {
        format!(
            "{} requests the job's OIDC token from its script",
            action_of(step)
        )
    })
}

fn run_script(step: &Step) -> Option<String> {
    let run = step.run.as_ref()?;
    mentions_token_request(&run.value).then(|| {
        "the script reads ACTIONS_ID_TOKEN_REQUEST_URL/ACTIONS_ID_TOKEN_REQUEST_TOKEN to fetch the job's OIDC token".to_string()
    })
}
