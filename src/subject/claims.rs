//! The claim names of GitHub's Actions OIDC token, and the keys a customized `sub` template can use.

/// Every claim GitHub puts in an Actions OIDC token, in no particular order.
///
/// Source: GitHub Docs, "OpenID Connect reference"
/// (<https://docs.github.com/en/actions/reference/security/oidc>): the standard `aud`, `iss`, `sub`;
/// the JOSE claims `exp`, `iat`, `jti`, `nbf`; and the table "Custom claims provided by GitHub"
/// (`actor` … `workflow_sha`, with `check_run_id`, `enterprise`, `enterprise_id`). `ref_protected`,
/// `sha` and `environment_node_id` are not in that table but are in every token GitHub issues and in
/// the provider's `claims_supported` list
/// (<https://token.actions.githubusercontent.com/.well-known/openid-configuration>).
///
/// Not listed because they are families or template-only names: repository custom properties,
/// which GitHub adds as `repo_property_<name>` claims (see [`is_known_claim_key`]), and the
/// template names `repo` and `context`, which exist only inside a `sub` built from a customized
/// template.
pub fn known_claim_keys() -> &'static [&'static str] {
    &[
        "sub",
        "aud",
        "iss",
        "exp",
        "iat",
        "nbf",
        "jti",
        "ref",
        "ref_type",
        "ref_protected",
        "sha",
        "repository",
        "repository_id",
        "repository_owner",
        "repository_owner_id",
        "repository_visibility",
        "run_id",
        "run_number",
        "run_attempt",
        "runner_environment",
        "actor",
        "actor_id",
        "workflow",
        "workflow_ref",
        "workflow_sha",
        "head_ref",
        "base_ref",
        "event_name",
        "environment",
        "environment_node_id",
        "job_workflow_ref",
        "job_workflow_sha",
        "enterprise",
        "enterprise_id",
        "check_run_id",
    ]
}

/// The prefix GitHub gives the claims it makes from repository custom properties.
pub const REPO_PROPERTY_PREFIX: &str = "repo_property_";

/// True for a claim GitHub puts in the token: one of [`known_claim_keys`], or a
/// `repo_property_<name>` claim of a repository custom property. Exact and case-sensitive, as
/// GitHub spells them (callers that compare IAM condition keys lowercase first).
pub fn is_known_claim_key(key: &str) -> bool {
    known_claim_keys().contains(&key)
        || key
            .strip_prefix(REPO_PROPERTY_PREFIX)
            .is_some_and(|name| !name.is_empty() && name.chars().all(is_property_char))
}

pub(crate) fn is_property_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// What follows a key in a `sub` built from a customized template.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum KeyKind {
    /// `repo:OWNER/REPO` or `repo:OWNER@ID/REPO@ID` (the template name `repo`).
    Repo,
    /// `ref:refs/heads/NAME`, `ref:refs/tags/NAME` (also how the `context` of a push renders), and
    /// `ref:refs/pull/N/merge` (the `ref` claim of a pull request run).
    Ref,
    /// `environment:NAME` (also how the `context` of an environment job renders).
    Environment,
    /// The bare `pull_request` token: how the `context` of a pull request run renders.
    PullRequest,
    /// `repository_owner:OWNER`.
    RepositoryOwner,
    /// `repository:OWNER/REPO`.
    Repository,
    /// `repository_owner_id:DIGITS`.
    RepositoryOwnerId,
    /// `repository_id:DIGITS`.
    RepositoryId,
    /// `job_workflow_ref` / `workflow_ref`: `OWNER/REPO/PATH@REF`. A literal value restricts
    /// which workflow (and, for `workflow_ref`, which ref) can use the role.
    WorkflowRef,
    /// A free value that, written out literally, restricts what a run may be (`event_name`,
    /// commit SHAs).
    Restricting,
    /// Any other claim: a free value (GitHub encodes `:` in values as `%3A`).
    Free,
    /// `repo_property_<name>`: a custom-property claim.
    PropertyPrefix,
}

/// The keys of a customized `sub`, in the order the analysis prefers them when it builds a
/// witness (the `context` template name renders without a key: as `pull_request`,
/// `ref:…` or `environment:…`, per GitHub's documented example
/// `repo:ORG/REPO:environment:NAME:job_workflow_ref:…`).
pub(crate) const TEMPLATE_KEYS: &[(&str, KeyKind)] = &[
    ("repo", KeyKind::Repo),
    ("ref", KeyKind::Ref),
    ("pull_request", KeyKind::PullRequest),
    ("environment", KeyKind::Environment),
    ("workflow", KeyKind::Free),
    ("repository_owner", KeyKind::RepositoryOwner),
    ("repository", KeyKind::Repository),
    ("repository_owner_id", KeyKind::RepositoryOwnerId),
    ("repository_id", KeyKind::RepositoryId),
    ("job_workflow_ref", KeyKind::WorkflowRef),
    ("workflow_ref", KeyKind::WorkflowRef),
    ("event_name", KeyKind::Restricting),
    ("sha", KeyKind::Restricting),
    ("workflow_sha", KeyKind::Restricting),
    ("job_workflow_sha", KeyKind::Restricting),
    ("ref_type", KeyKind::Free),
    ("ref_protected", KeyKind::Free),
    ("repository_visibility", KeyKind::Free),
    ("run_id", KeyKind::Free),
    ("run_number", KeyKind::Free),
    ("run_attempt", KeyKind::Free),
    ("runner_environment", KeyKind::Free),
    ("actor", KeyKind::Free),
    ("actor_id", KeyKind::Free),
    ("head_ref", KeyKind::Free),
    ("base_ref", KeyKind::Free),
    ("environment_node_id", KeyKind::Free),
    ("enterprise", KeyKind::Free),
    ("enterprise_id", KeyKind::Free),
    ("check_run_id", KeyKind::Free),
    (REPO_PROPERTY_PREFIX, KeyKind::PropertyPrefix),
];

/// The kind of a complete key of a customized `sub` (`repo_property_<name>` included).
pub(crate) fn template_key_kind(key: &str) -> Option<KeyKind> {
    if let Some(name) = key.strip_prefix(REPO_PROPERTY_PREFIX) {
        return (!name.is_empty() && name.chars().all(is_property_char))
            .then_some(KeyKind::PropertyPrefix);
    }
    TEMPLATE_KEYS
        .iter()
        .find(|(k, kind)| *k == key && *kind != KeyKind::PropertyPrefix)
        .map(|&(_, kind)| kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claim_list_is_complete_and_unique() {
        let keys = known_claim_keys();
        assert_eq!(keys.len(), 35);
        let mut sorted = keys.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), keys.len());
        for k in [
            "sub",
            "aud",
            "job_workflow_ref",
            "repository_owner_id",
            "check_run_id",
        ] {
            assert!(is_known_claim_key(k), "{k}");
        }
        assert!(is_known_claim_key("repo_property_team"));
        assert!(!is_known_claim_key("repo_property_"));
        assert!(!is_known_claim_key("repo"));
        assert!(!is_known_claim_key("Sub"));
    }

    #[test]
    fn every_template_key_except_template_names_is_a_claim() {
        for (k, kind) in TEMPLATE_KEYS {
            match kind {
                KeyKind::Repo | KeyKind::PullRequest | KeyKind::PropertyPrefix => {}
                _ => assert!(is_known_claim_key(k), "{k}"),
            }
        }
        assert_eq!(
            template_key_kind("repo_property_env"),
            Some(KeyKind::PropertyPrefix)
        );
        assert_eq!(template_key_kind("repo_property_"), None);
        assert_eq!(template_key_kind("sub"), None);
        assert_eq!(template_key_kind("ref"), Some(KeyKind::Ref));
    }
}
