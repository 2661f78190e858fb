//! Every rule, registered once, in the order `trustlint rules` lists them.

use super::*;

#[rustfmt::skip]
static RULES: &[&dyn Rule] = &[
    // Who may assume the role at all.
    &wildcard_principal::WildcardPrincipal,
    &missing_sub_condition::MissingSubCondition,
    // What the subject patterns admit.
    &subject_any_owner::SubjectAnyOwner,
    &subject_without_owner::SubjectWithoutOwner,
    &subject_org_wide::SubjectOrgWide,
    &subject_admits_pull_request::SubjectAdmitsPullRequest,
    &immutable_id_wildcard::ImmutableIdWildcard,
    &subject_any_ref::SubjectAnyRef,
    &subject_ref_prefix::SubjectRefPrefix,
    // Conditions that do not mean what they say.
    &fail_open_operator::FailOpenOperator,
    &unknown_condition_key::UnknownConditionKey,
    &wildcard_with_equals_operator::WildcardWithEqualsOperator,
    &set_operator_on_single_valued_key::SetOperatorOnSingleValuedKey,
    // Audience.
    &missing_aud_condition::MissingAudCondition,
    &unexpected_audience::UnexpectedAudience,
    &oidc_provider_extra_audience::OidcProviderExtraAudience,
    // Principal and action shape.
    &wildcard_action::WildcardAction,
    &not_principal_or_not_action::NotPrincipalOrNotAction,
    &mismatched_action::MismatchedAction,
    &unresolved_principal::UnresolvedPrincipal,
    // Workflows: credentials.
    &hardcoded_aws_key::HardcodedAwsKey,
    &static_aws_credentials::StaticAwsCredentials,
    &invalid_credentials_action_input::InvalidCredentialsActionInput,
    &credentials_in_outputs::CredentialsInOutputs,
    &unpinned_credentials_action::UnpinnedCredentialsAction,
    &outdated_credentials_action::OutdatedCredentialsAction,
    &github_actions_role_name::GithubActionsRoleName,
    // The document itself.
    &duplicate_key::DuplicateKey,
    &invalid_policy::InvalidPolicy,
    &invalid_workflow::InvalidWorkflow,
    // Workflows: permissions and triggers.
    &missing_id_token_permission::MissingIdTokenPermission,
    &invalid_permission::InvalidPermission,
    &oidc_untrusted_trigger::OidcUntrustedTrigger,
    &excessive_id_token_permission::ExcessiveIdTokenPermission,
    // Cross-check: workflows against the trust policies of their roles.
    &trust_policy_denies_workflow::TrustPolicyDeniesWorkflow,
    &audience_mismatch::AudienceMismatch,
    &pull_request_can_assume_role::PullRequestCanAssumeRole,
    &trust_broader_than_workflows::TrustBroaderThanWorkflows,
    &unresolved_role::UnresolvedRole,
];

pub fn all_rules() -> &'static [&'static dyn Rule] {
    RULES
}

pub fn find_rule(id: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| r.meta().id == id)
}
