//! GitHub OIDC subject grammar and pattern analysis.

/// Claim names in GitHub's Actions OIDC token (placeholder list until the analysis lands).
pub fn known_claim_keys() -> &'static [&'static str] {
    &[
        "sub",
        "aud",
        "iss",
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
        "jti",
        "nbf",
        "exp",
        "iat",
    ]
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchKind {
    Equals,
    EqualsIgnoreCase,
    Like,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SubjectRisk {
    AnyOwner,
    WithoutOwner,
    OrgWide,
    AdmitsPullRequest,
    AnyRef,
    RefPrefix,
    ImmutableIdWildcard,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubjectFinding {
    pub risk: SubjectRisk,
    pub witness: String,
    pub explanation: String,
}

pub fn analyze_sub_value(_value: &str, _kind: MatchKind) -> Vec<SubjectFinding> {
    Vec::new()
}
