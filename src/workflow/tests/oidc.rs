//! The OIDC consumer table.

use super::*;

// ---------------------------------------------------------------- OIDC consumers

fn step(uses: &str, with: &str) -> Step {
    let w = wf(&format!(
        r#"{{"on": "push", "jobs": {{"j": {{"runs-on": "x", "steps": [{{"uses": "{uses}", "with": {with}}}]}}}}}}"#
    ));
    w.jobs[0].steps[0].clone()
}

fn run_step(script: &str) -> Step {
    let w = wf(&format!(
        r#"{{"on": "push", "jobs": {{"j": {{"runs-on": "x", "steps": [{{"run": {}}}]}}}}}}"#,
        serde_json::to_string(script).unwrap()
    ));
    w.jobs[0].steps[0].clone()
}

#[test]
fn oidc_consumer_table() {
    let aws = "aws-actions/configure-aws-credentials@v4";
    let cases: &[(&str, &str, Option<ConsumerKind>)] = &[
        (
            aws,
            r#"{"role-to-assume": "arn:aws:iam::1:role/r", "aws-region": "us-east-1"}"#,
            Some(ConsumerKind::AwsCredentials),
        ),
        (
            aws,
            r#"{"aws-access-key-id": "${{ secrets.K }}", "aws-secret-access-key": "${{ secrets.S }}", "aws-region": "us-east-1"}"#,
            None,
        ),
        (
            aws,
            r#"{"role-to-assume": "r", "aws-access-key-id": "${{ secrets.K }}", "aws-secret-access-key": "x"}"#,
            None,
        ),
        (
            aws,
            r#"{"role-to-assume": "r", "aws-access-key-id": ""}"#,
            Some(ConsumerKind::AwsCredentials),
        ),
        (
            aws,
            r#"{"role-to-assume": "r", "web-identity-token-file": "/tmp/t"}"#,
            None,
        ),
        (
            aws,
            r#"{"role-to-assume": "r", "role-chaining": true}"#,
            None,
        ),
        (
            aws,
            r#"{"role-to-assume": "r", "role-chaining": "false"}"#,
            Some(ConsumerKind::AwsCredentials),
        ),
        (
            aws,
            r#"{"role-to-assume": "r", "force-skip-oidc": "TRUE"}"#,
            None,
        ),
        (aws, r#"{"role-to-assume": ""}"#, None),
        (aws, r#"{"aws-region": "us-east-1"}"#, None),
        (
            "AWS-Actions/Configure-AWS-Credentials@8e5e7e5ab8b370d6c329ec480221332ada57f0ab",
            r#"{"Role-To-Assume": "r"}"#,
            Some(ConsumerKind::AwsCredentials),
        ),
        (
            "azure/login@v2",
            r#"{"client-id": "c", "tenant-id": "t", "subscription-id": "s"}"#,
            Some(ConsumerKind::AzureLogin),
        ),
        (
            "Azure/login@v2",
            r#"{"creds": "${{ secrets.AZURE }}"}"#,
            None,
        ),
        (
            "azure/login@v2",
            r#"{"client-id": "c", "creds": "${{ secrets.AZURE }}"}"#,
            None,
        ),
        (
            "azure/login@v2",
            r#"{"client-id": "c", "auth-type": "IDENTITY"}"#,
            None,
        ),
        (
            "google-github-actions/auth@v2",
            r#"{"workload_identity_provider": "projects/1/locations/global/workloadIdentityPools/p/providers/g"}"#,
            Some(ConsumerKind::GoogleAuth),
        ),
        (
            "google-github-actions/auth@v2",
            r#"{"credentials_json": "${{ secrets.GCP }}"}"#,
            None,
        ),
        (
            "hashicorp/vault-action@v3",
            r#"{"method": "jwt", "url": "u", "role": "r"}"#,
            Some(ConsumerKind::VaultJwt),
        ),
        (
            "hashicorp/vault-action@v3",
            r#"{"method": "jwt", "jwtPrivateKey": "${{ secrets.K }}"}"#,
            None,
        ),
        (
            "hashicorp/vault-action@v3",
            r#"{"method": "approle"}"#,
            None,
        ),
        (
            "pypa/gh-action-pypi-publish@release/v1",
            "{}",
            Some(ConsumerKind::PypiTrustedPublishing),
        ),
        (
            "pypa/gh-action-pypi-publish@release/v1",
            r#"{"password": "${{ secrets.PYPI }}"}"#,
            None,
        ),
        (
            "sigstore/gh-action-sigstore-python@v3",
            r#"{"inputs": "dist/*"}"#,
            Some(ConsumerKind::SigstoreSigning),
        ),
        (
            "actions/attest-build-provenance@v2",
            r#"{"subject-path": "dist/*"}"#,
            Some(ConsumerKind::Attestation),
        ),
        (
            "actions/attest@v2",
            r#"{"subject-path": "x"}"#,
            Some(ConsumerKind::Attestation),
        ),
        ("actions/attest-build-provenance/predicate@v2", "{}", None),
        (
            "actions/deploy-pages@v4",
            "{}",
            Some(ConsumerKind::PagesDeployment),
        ),
        (
            "actions/github-script@v7",
            r#"{"script": "const t = await core.getIDToken('sts.amazonaws.com')"}"#,
            Some(ConsumerKind::TokenRequestScript),
        ),
        (
            "actions/github-script@v7",
            r#"{"script": "console.log(1)"}"#,
            None,
        ),
        ("actions/checkout@v4", "{}", None),
        ("docker://amazon/aws-cli:2", "{}", None),
        (
            "./.github/actions/assume",
            r#"{"role-to-assume": "r"}"#,
            None,
        ),
    ];
    for (uses, with, expected) in cases {
        let got = oidc_consumer(&step(uses, with));
        assert_eq!(
            got.as_ref().map(|c| c.kind),
            *expected,
            "{uses} with {with}"
        );
        if let Some(c) = got {
            assert!(!c.reason.is_empty());
        }
    }
}

#[test]
fn run_scripts_that_fetch_the_token() {
    let fetch = "TOKEN=$(curl -sH \"Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN\" \"$ACTIONS_ID_TOKEN_REQUEST_URL&audience=sts.amazonaws.com\" | jq -r .value)\naws sts assume-role-with-web-identity --web-identity-token \"$TOKEN\"";
    let c = oidc_consumer(&run_step(fetch)).unwrap();
    assert_eq!(c.kind, ConsumerKind::TokenRequestScript);
    assert!(c.reason.contains("ACTIONS_ID_TOKEN_REQUEST_URL"));
    assert_eq!(
        oidc_consumer(&run_step("echo ${ACTIONS_ID_TOKEN_REQUEST_URL}")).map(|c| c.kind),
        Some(ConsumerKind::TokenRequestScript)
    );
    assert!(oidc_consumer(&run_step("aws s3 ls")).is_none());
    assert!(oidc_consumer(&run_step("echo actions_id_token_request_url")).is_none());
}

#[test]
fn token_users_beyond_the_consumers() {
    // Steps that need the token: `oidc_consumer` and `token_user` agree.
    for (uses, with, kind) in [
        (
            "rust-lang/crates-io-auth-action@v1",
            "{}",
            ConsumerKind::TrustedPublishing,
        ),
        (
            "rubygems/configure-rubygems-credentials@v1",
            r#"{"role-to-assume": "rg_oidc_akr_x"}"#,
            ConsumerKind::TrustedPublishing,
        ),
        (
            "NuGet/login@v1",
            r#"{"user": "me"}"#,
            ConsumerKind::TrustedPublishing,
        ),
        (
            "ossf/scorecard-action@v2",
            r#"{"publish_results": true}"#,
            ConsumerKind::Scorecard,
        ),
        (
            "codecov/codecov-action@v5",
            r#"{"use_oidc": true}"#,
            ConsumerKind::Codecov,
        ),
    ] {
        let s = step(uses, with);
        assert_eq!(oidc_consumer(&s).map(|c| c.kind), Some(kind), "{uses}");
        assert_eq!(token_user(&s).map(|c| c.kind), Some(kind), "{uses}");
    }
    // Steps that use a granted token but do not need it.
    for (uses, with) in [
        ("rubygems/release-gem@v1", "{}"),
        ("sigstore/cosign-installer@v3", "{}"),
        (
            "slsa-framework/slsa-github-generator/actions/generator@v2",
            "{}",
        ),
        (
            "hashicorp/hcp-auth-action@v0",
            r#"{"workload_identity_provider": "iam/project/p/x"}"#,
        ),
    ] {
        let s = step(uses, with);
        assert!(oidc_consumer(&s).is_none(), "{uses}");
        assert!(token_user(&s).is_some(), "{uses}");
    }
    for script in [
        "npm publish --provenance --access public",
        "uv publish",
        "python -m twine upload dist/*",
        "cosign sign --yes ghcr.io/o/r@sha256:abc",
        "node -e 'core.getIDToken()'",
    ] {
        let s = run_step(script);
        assert!(oidc_consumer(&s).is_none(), "{script}");
        assert!(token_user(&s).is_some(), "{script}");
    }
    for (uses, with) in [
        ("ossf/scorecard-action@v2", r#"{"publish_results": false}"#),
        ("codecov/codecov-action@v5", "{}"),
        ("hashicorp/hcp-auth-action@v0", "{}"),
    ] {
        assert!(token_user(&step(uses, with)).is_none(), "{uses}");
        assert!(is_known_action(&step(uses, with)), "{uses}");
    }
    for script in [
        "cosign sign --key cosign.key img",
        "bun publish",
        "cargo publish",
    ] {
        assert!(token_user(&run_step(script)).is_none(), "{script}");
    }
    assert!(is_known_action(&step("actions/setup-node@v4", "{}")));
    assert!(!is_known_action(&step("some-org/some-action@v1", "{}")));
    assert!(is_known_action(&step("Oven-sh/setup-bun@v2", "{}")));
    for (name, source) in NON_CONSUMERS {
        assert_eq!(*name, name.to_ascii_lowercase());
        assert!(source.starts_with("https://github.com/"));
    }
}

#[test]
fn consumer_table_is_consistent() {
    for spec in OIDC_CONSUMERS {
        assert!(!spec.when.is_empty());
        for source in spec.source.split(" ; ") {
            assert!(source.starts_with("https://"), "{source}");
        }
        if let ConsumerMatch::Actions(names) = spec.matches {
            for name in names {
                assert_eq!(
                    *name,
                    name.to_ascii_lowercase(),
                    "table names are lowercase"
                );
                assert!(
                    UsesRef::parse(&format!("{name}@v1"))
                        .action_name()
                        .is_some(),
                    "{name}"
                );
            }
        }
    }
}
