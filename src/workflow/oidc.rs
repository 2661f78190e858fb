//! Steps that consume the job's GitHub OIDC token, and so need `id-token: write`.
//!
//! One table, [`OIDC_CONSUMERS`], answers "does this step use the job's token?" for every rule:
//! [`oidc_consumer`] gives the steps that need it ([`Need::Requires`]: they fail, or fall back
//! to other credentials, without `id-token: write`), [`token_user`] also the steps that use it
//! when it is granted ([`Need::WhenGranted`]: npm and PyPI publishing, keyless signing from a
//! script). Each row names its public source. Action names compare case-insensitively and refs
//! are ignored; inputs compare case-insensitively by name, like the runner.

use super::model::{is_true, scalar_text, Step};
use super::uses::UsesKind;
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
    /// Publishing to a package registry with trusted publishing: npm, PyPI through `uv`/twine,
    /// crates.io, RubyGems, NuGet.
    TrustedPublishing,
    /// ossf/scorecard-action publishing its results.
    Scorecard,
    /// codecov/codecov-action with `use_oidc`.
    Codecov,
    /// Another service that exchanges the token for its own credentials (HCP, JFrog, Depot…).
    TokenExchange,
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

/// Whether a matching step cannot do without the token or only uses it when granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// The step needs `id-token: write` (`missing-id-token-permission` reports its absence).
    Requires,
    /// The step uses the token when the job has it and otherwise falls back to a secret (npm
    /// publish, `uv publish`): the grant is not excessive, its absence is not an error.
    WhenGranted,
}

/// Which steps an entry looks at.
#[derive(Debug, Clone, Copy)]
pub enum ConsumerMatch {
    /// `uses:` one of these actions: lowercase `owner/repo` or `owner/repo/path`, matched
    /// against the step's full action name (so `…/predicate` sub-actions are distinct).
    Actions(&'static [&'static str]),
    /// `uses:` any action of these lowercase owners.
    Owners(&'static [&'static str]),
    /// Steps with a `run:` script.
    RunScript,
}

/// One row of the consumer table.
#[derive(Debug, Clone, Copy)]
pub struct ConsumerSpec {
    pub kind: ConsumerKind,
    pub need: Need,
    pub matches: ConsumerMatch,
    /// The public page that says the step uses the token.
    pub source: &'static str,
    /// When the step consumes the token, in words (for documentation).
    pub when: &'static str,
    /// `Some(reason)` when a matching step consumes the token.
    check: fn(&Step) -> Option<String>,
}

/// Every known OIDC token consumer.
pub static OIDC_CONSUMERS: &[ConsumerSpec] = &[
    ConsumerSpec {
        kind: ConsumerKind::AwsCredentials,
        need: Need::Requires,
        matches: ConsumerMatch::Actions(&["aws-actions/configure-aws-credentials"]),
        source: "https://github.com/aws-actions/configure-aws-credentials#oidc",
        when: "`role-to-assume` is set and none of `aws-access-key-id`, `web-identity-token-file`, `role-chaining: true`, `force-skip-oidc: true`",
        check: aws_credentials,
    },
    ConsumerSpec {
        kind: ConsumerKind::AzureLogin,
        need: Need::Requires,
        matches: ConsumerMatch::Actions(&["azure/login"]),
        source: "https://github.com/Azure/login#login-with-openid-connect-oidc-recommended",
        when: "`client-id` is set without `creds`/`client-secret` and `auth-type` is not IDENTITY",
        check: azure_login,
    },
    ConsumerSpec {
        kind: ConsumerKind::GoogleAuth,
        need: Need::Requires,
        matches: ConsumerMatch::Actions(&["google-github-actions/auth"]),
        source: "https://github.com/google-github-actions/auth#workload-identity-federation-through-a-service-account",
        when: "`workload_identity_provider` is set (and not `credentials_json`)",
        check: google_auth,
    },
    ConsumerSpec {
        kind: ConsumerKind::VaultJwt,
        need: Need::Requires,
        matches: ConsumerMatch::Actions(&["hashicorp/vault-action"]),
        source: "https://github.com/hashicorp/vault-action#jwt-with-github-oidc-tokens",
        when: "`method: jwt` without `jwtPrivateKey`",
        check: vault_jwt,
    },
    ConsumerSpec {
        kind: ConsumerKind::PypiTrustedPublishing,
        need: Need::Requires,
        matches: ConsumerMatch::Actions(&["pypa/gh-action-pypi-publish"]),
        source: "https://github.com/pypa/gh-action-pypi-publish#trusted-publishing",
        when: "no `password` input (trusted publishing)",
        check: pypi_publish,
    },
    ConsumerSpec {
        kind: ConsumerKind::SigstoreSigning,
        need: Need::Requires,
        matches: ConsumerMatch::Actions(&["sigstore/gh-action-sigstore-python"]),
        source: "https://github.com/sigstore/gh-action-sigstore-python#usage",
        when: "no `identity-token` input (ambient GitHub credentials)",
        check: sigstore_python,
    },
    ConsumerSpec {
        kind: ConsumerKind::Attestation,
        need: Need::Requires,
        matches: ConsumerMatch::Actions(&[
            "actions/attest-build-provenance",
            "actions/attest",
            "actions/attest-sbom",
        ]),
        source: "https://github.com/actions/attest-build-provenance#usage",
        when: "always (the attestation is signed with a Sigstore certificate bound to the job's token)",
        check: attestation,
    },
    ConsumerSpec {
        kind: ConsumerKind::PagesDeployment,
        need: Need::Requires,
        matches: ConsumerMatch::Actions(&["actions/deploy-pages"]),
        source: "https://github.com/actions/deploy-pages#usage",
        when: "always (the deployment is authorized with the job's token)",
        check: deploy_pages,
    },
    ConsumerSpec {
        kind: ConsumerKind::TokenRequestScript,
        need: Need::Requires,
        matches: ConsumerMatch::Actions(&["actions/github-script"]),
        source: "https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect#updating-your-actions-for-oidc",
        when: "the `script` calls `getIDToken` or reads ACTIONS_ID_TOKEN_REQUEST_*",
        check: github_script,
    },
    ConsumerSpec {
        kind: ConsumerKind::TokenRequestScript,
        need: Need::Requires,
        matches: ConsumerMatch::RunScript,
        source: "https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect#methods-for-requesting-the-oidc-token",
        when: "the script mentions ACTIONS_ID_TOKEN_REQUEST_URL or ACTIONS_ID_TOKEN_REQUEST_TOKEN",
        check: run_script,
    },
    ConsumerSpec {
        kind: ConsumerKind::TrustedPublishing,
        need: Need::Requires,
        matches: ConsumerMatch::Actions(&[
            "rust-lang/crates-io-auth-action",
            "rubygems/configure-rubygems-credentials",
            "nuget/login",
        ]),
        source: "https://crates.io/docs/trusted-publishing ; https://github.com/rubygems/configure-rubygems-credentials#usage ; https://learn.microsoft.com/en-us/nuget/nuget-org/trusted-publishing",
        when: "always (the action trades the token for a short-lived registry API token)",
        check: registry_login,
    },
    ConsumerSpec {
        kind: ConsumerKind::Scorecard,
        need: Need::Requires,
        matches: ConsumerMatch::Actions(&["ossf/scorecard-action"]),
        source: "https://github.com/ossf/scorecard-action#workflow-restrictions",
        when: "`publish_results: true` (the results are published with the job's token)",
        check: scorecard,
    },
    ConsumerSpec {
        kind: ConsumerKind::Codecov,
        need: Need::Requires,
        matches: ConsumerMatch::Actions(&["codecov/codecov-action"]),
        source: "https://github.com/codecov/codecov-action#arguments",
        when: "`use_oidc` is true (the upload authenticates with the job's token instead of `token`)",
        check: codecov,
    },
    ConsumerSpec {
        kind: ConsumerKind::TrustedPublishing,
        need: Need::WhenGranted,
        matches: ConsumerMatch::Actions(&["rubygems/release-gem"]),
        source: "https://github.com/rubygems/release-gem#usage",
        when: "always (it runs configure-rubygems-credentials, trusted publishing)",
        check: release_gem,
    },
    ConsumerSpec {
        kind: ConsumerKind::SigstoreSigning,
        need: Need::WhenGranted,
        matches: ConsumerMatch::Owners(&["sigstore", "slsa-framework", "chainguard-dev"]),
        source: "https://github.com/sigstore/cosign-installer#usage ; https://github.com/slsa-framework/slsa-github-generator#generation-of-slsa3-provenance",
        when: "any action of these owners (cosign-installer is followed by keyless `cosign sign`; the SLSA generators sign provenance keylessly)",
        check: signing_owner,
    },
    ConsumerSpec {
        kind: ConsumerKind::TokenExchange,
        need: Need::WhenGranted,
        matches: ConsumerMatch::Actions(&[
            "octo-sts/action",
            "pulumi/auth-actions",
            "goreleaser/goreleaser-action",
            "depot/build-push-action",
            "depot/setup-action",
            "depot/bake-action",
        ]),
        source: "https://github.com/octo-sts/action#usage ; https://github.com/pulumi/auth-actions#usage ; https://goreleaser.com/customization/sign/ ; https://depot.dev/docs/cli/authentication#oidc-trust-relationships",
        when: "always (the action or the tool it runs exchanges the token when it is granted)",
        check: token_exchange,
    },
    ConsumerSpec {
        kind: ConsumerKind::TokenExchange,
        need: Need::WhenGranted,
        matches: ConsumerMatch::Actions(&[
            "hashicorp/hcp-auth-action",
            "jfrog/setup-jfrog-cli",
            "tailscale/github-action",
        ]),
        source: "https://github.com/hashicorp/hcp-auth-action#usage ; https://github.com/jfrog/setup-jfrog-cli#connecting-to-jfrog-platform-using-openid-connect-oidc ; https://tailscale.com/kb/1276/tailscale-github-action",
        when: "its OIDC input is set (`workload_identity_provider`, `oidc-provider-name`, `audience`)",
        check: token_exchange_input,
    },
    ConsumerSpec {
        kind: ConsumerKind::TrustedPublishing,
        need: Need::WhenGranted,
        matches: ConsumerMatch::RunScript,
        source: "https://docs.npmjs.com/trusted-publishers ; https://docs.npmjs.com/generating-provenance-statements ; https://github.com/semantic-release/npm#npm-registry-authentication ; https://github.com/changesets/changesets/blob/main/docs/command-line-options.md#publish ; https://docs.astral.sh/uv/guides/package/#publishing-your-package ; https://twine.readthedocs.io/en/stable/changelog.html",
        when: "the script runs `npm publish` (npm 11.5+ uses the token on its own; `--provenance` or NPM_CONFIG_PROVENANCE signs with it), a release tool that runs it (`semantic-release`, `changeset publish`), `pnpm`/`yarn npm publish`, `uv publish` or `twine upload`",
        check: publish_script,
    },
    ConsumerSpec {
        kind: ConsumerKind::SigstoreSigning,
        need: Need::WhenGranted,
        matches: ConsumerMatch::RunScript,
        source: "https://docs.sigstore.dev/cosign/signing/overview/ ; https://github.com/sigstore/gitsign#usage ; https://github.com/sigstore/sigstore-python#usage",
        when: "the script signs keylessly: `cosign sign`/`cosign attest` without `--key`, gitsign, `sigstore sign`, `python -m sigstore`",
        check: signing_script,
    },
    ConsumerSpec {
        kind: ConsumerKind::TokenRequestScript,
        need: Need::WhenGranted,
        matches: ConsumerMatch::RunScript,
        source: "https://github.com/actions/toolkit/tree/main/packages/core#oidc-token",
        when: "the script calls the toolkit's `getIDToken`",
        check: get_id_token_script,
    },
];

/// The first [`Need::Requires`] entry the step matches: a step that needs `id-token: write`.
pub fn oidc_consumer(step: &Step) -> Option<OidcConsumer> {
    first_match(step, |spec| spec.need == Need::Requires)
}

/// The first entry of any [`Need`] the step matches: a step that uses the token when the job
/// has it (for "is this grant used?").
pub fn token_user(step: &Step) -> Option<OidcConsumer> {
    first_match(step, |_| true)
}

/// Third-party actions that never request the token: toolchain and cache setup that
/// `excessive-id-token-permission` need not be unsure about. Source: each action's
/// `action.yml` and README (no `id-token` permission, no ACTIONS_ID_TOKEN_REQUEST_* use).
pub static NON_CONSUMERS: &[(&str, &str)] = &[
    ("oven-sh/setup-bun", "https://github.com/oven-sh/setup-bun"),
    (
        "dtolnay/rust-toolchain",
        "https://github.com/dtolnay/rust-toolchain",
    ),
    (
        "swatinem/rust-cache",
        "https://github.com/Swatinem/rust-cache",
    ),
    (
        "astral-sh/setup-uv",
        "https://github.com/astral-sh/setup-uv",
    ),
    ("pnpm/action-setup", "https://github.com/pnpm/action-setup"),
    ("ruby/setup-ruby", "https://github.com/ruby/setup-ruby"),
    (
        "docker/setup-buildx-action",
        "https://github.com/docker/setup-buildx-action",
    ),
    (
        "docker/setup-qemu-action",
        "https://github.com/docker/setup-qemu-action",
    ),
    (
        "docker/metadata-action",
        "https://github.com/docker/metadata-action",
    ),
    (
        "golangci/golangci-lint-action",
        "https://github.com/golangci/golangci-lint-action",
    ),
];

/// True when some row is about this step's action, whatever its inputs: trustlint knows
/// whether the action uses the token. False for a third-party action no row names (and for
/// `docker://` steps), which may request the token without saying so; first-party
/// `actions/*` and `github/*` actions are known (the ones that use the token have rows), and so
/// are the [`NON_CONSUMERS`].
pub fn is_known_action(step: &Step) -> bool {
    let Some(uses) = &step.uses else {
        return true;
    };
    match &uses.value.kind {
        UsesKind::Docker { .. } => false,
        UsesKind::Repository { owner, .. } => {
            let owner = owner.to_ascii_lowercase();
            if owner == "actions" || owner == "github" {
                return true;
            }
            if uses
                .value
                .action_name()
                .is_some_and(|name| NON_CONSUMERS.iter().any(|(n, _)| *n == name))
            {
                return true;
            }
            let action = uses.value.full_action_name();
            OIDC_CONSUMERS
                .iter()
                .any(|spec| applies(spec, action.as_deref(), step))
        }
        // Local actions are judged on their own; malformed values run nothing.
        UsesKind::Local { .. } | UsesKind::Malformed { .. } => true,
    }
}

fn applies(spec: &ConsumerSpec, action: Option<&str>, step: &Step) -> bool {
    match spec.matches {
        ConsumerMatch::Actions(names) => action.is_some_and(|a| names.contains(&a)),
        ConsumerMatch::Owners(owners) => action.is_some_and(|a| {
            a.split_once('/')
                .is_some_and(|(owner, _)| owners.contains(&owner))
        }),
        ConsumerMatch::RunScript => step.run.is_some(),
    }
}

fn first_match(step: &Step, wanted: impl Fn(&ConsumerSpec) -> bool) -> Option<OidcConsumer> {
    let action = step.uses.as_ref().and_then(|u| u.value.full_action_name());
    OIDC_CONSUMERS.iter().find_map(|spec| {
        if !wanted(spec) || !applies(spec, action.as_deref(), step) {
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

fn registry_login(step: &Step) -> Option<String> {
    Some(format!(
        "{} trades the job's OIDC token for a short-lived registry API token (trusted publishing)",
        action_of(step)
    ))
}

fn scorecard(step: &Step) -> Option<String> {
    is_input_true(step, "publish_results").then(|| {
        format!(
            "{} with `publish_results: true` publishes the results with the job's OIDC token",
            action_of(step)
        )
    })
}

/// `use_oidc` as the action reads it: any value but empty or `false`.
fn codecov(step: &Step) -> Option<String> {
    let on = step.input_text("use_oidc").is_some_and(|v| {
        let v = v.trim();
        !v.is_empty() && !v.eq_ignore_ascii_case("false")
    });
    on.then(|| {
        format!(
            "{} with `use_oidc` uploads with the job's OIDC token",
            action_of(step)
        )
    })
}

fn release_gem(step: &Step) -> Option<String> {
    Some(format!(
        "{} publishes with RubyGems trusted publishing, which exchanges the job's OIDC token",
        action_of(step)
    ))
}

fn signing_owner(step: &Step) -> Option<String> {
    Some(format!(
        "{} signs keylessly (Sigstore) with the job's OIDC token",
        action_of(step)
    ))
}

fn token_exchange(step: &Step) -> Option<String> {
    Some(format!(
        "{} exchanges the job's OIDC token when the job has it",
        action_of(step)
    ))
}

fn token_exchange_input(step: &Step) -> Option<String> {
    let input = [
        "workload_identity_provider",
        "oidc-provider-name",
        "audience",
    ]
    .into_iter()
    .find(|name| is_set(step, name))?;
    Some(format!(
        "{} with `{input}` exchanges the job's OIDC token",
        action_of(step)
    ))
}

fn script_lower(step: &Step) -> Option<String> {
    step.run.as_ref().map(|r| r.value.to_ascii_lowercase())
}

fn publish_script(step: &Step) -> Option<String> {
    let script = script_lower(step)?;
    let provenance = step
        .env
        .iter()
        .any(|e| e.name.value.eq_ignore_ascii_case("NPM_CONFIG_PROVENANCE"));
    let tool = [
        "npm publish",
        // Release tools that run `npm publish` themselves.
        "semantic-release",
        "changeset publish",
        "pnpm publish",
        "yarn npm publish",
        "uv publish",
        "twine upload",
    ]
    .into_iter()
    .find(|t| script.contains(t))
    .or_else(|| provenance.then_some("npm with NPM_CONFIG_PROVENANCE"))?;
    Some(format!(
        "the script runs `{tool}`, which publishes with trusted publishing (or signs provenance) using the job's OIDC token when it is granted"
    ))
}

fn signing_script(step: &Step) -> Option<String> {
    let script = script_lower(step)?;
    let cosign = (script.contains("cosign sign") || script.contains("cosign attest"))
        && !script.contains("--key");
    let tool = if cosign {
        "cosign"
    } else {
        ["gitsign", "sigstore sign", "-m sigstore"]
            .into_iter()
            .find(|t| script.contains(t))?
    };
    Some(format!(
        "the script signs keylessly with `{tool}`, which uses the job's OIDC token"
    ))
}

fn get_id_token_script(step: &Step) -> Option<String> {
    script_lower(step)?
        .contains("getidtoken")
        .then(|| "the script calls `getIDToken` for the job's OIDC token".to_string())
}
