//! Every rule, registered once, in the order `trustlint rules` lists them.

use super::*;

#[rustfmt::skip]
static RULES: &[&dyn Rule] = &[
    // Who may assume the role at all.
    &trust::wildcard_principal::WildcardPrincipal,
    &trust::missing_sub_condition::MissingSubCondition,
    // What the subject patterns admit.
    &trust::subject_any_owner::SubjectAnyOwner,
    &trust::subject_without_owner::SubjectWithoutOwner,
    &trust::subject_org_wide::SubjectOrgWide,
    &trust::subject_admits_pull_request::SubjectAdmitsPullRequest,
    &trust::immutable_id_wildcard::ImmutableIdWildcard,
    &trust::subject_any_ref::SubjectAnyRef,
    &trust::subject_ref_prefix::SubjectRefPrefix,
    // Conditions that do not mean what they say.
    &trust::fail_open_operator::FailOpenOperator,
    &trust::unknown_condition_key::UnknownConditionKey,
    &trust::wildcard_with_equals_operator::WildcardWithEqualsOperator,
    &trust::set_operator_on_single_valued_key::SetOperatorOnSingleValuedKey,
    // Audience.
    &trust::missing_aud_condition::MissingAudCondition,
    &trust::unexpected_audience::UnexpectedAudience,
    &trust::oidc_provider_extra_audience::OidcProviderExtraAudience,
    // Principal and action shape.
    &trust::wildcard_action::WildcardAction,
    &trust::not_principal_or_not_action::NotPrincipalOrNotAction,
    &trust::mismatched_action::MismatchedAction,
    &trust::unresolved_principal::UnresolvedPrincipal,
    // Workflows: credentials.
    &workflow::hardcoded_aws_key::HardcodedAwsKey,
    &workflow::static_aws_credentials::StaticAwsCredentials,
    &workflow::invalid_credentials_action_input::InvalidCredentialsActionInput,
    &workflow::credentials_in_outputs::CredentialsInOutputs,
    &workflow::unpinned_credentials_action::UnpinnedCredentialsAction,
    &workflow::outdated_credentials_action::OutdatedCredentialsAction,
    &workflow::github_actions_role_name::GithubActionsRoleName,
    // The document itself.
    &trust::duplicate_key::DuplicateKey,
    &trust::invalid_policy::InvalidPolicy,
    &workflow::invalid_workflow::InvalidWorkflow,
    // Workflows: permissions and triggers.
    &workflow::missing_id_token_permission::MissingIdTokenPermission,
    &workflow::invalid_permission::InvalidPermission,
    &workflow::oidc_untrusted_trigger::OidcUntrustedTrigger,
    &workflow::excessive_id_token_permission::ExcessiveIdTokenPermission,
    // Cross-check: workflows against the trust policies of their roles.
    &crosscheck::trust_policy_denies_workflow::TrustPolicyDeniesWorkflow,
    &crosscheck::audience_mismatch::AudienceMismatch,
    &crosscheck::pull_request_can_assume_role::PullRequestCanAssumeRole,
    &crosscheck::trust_broader_than_workflows::TrustBroaderThanWorkflows,
    &crosscheck::unresolved_role::UnresolvedRole,
];

pub fn all_rules() -> &'static [&'static dyn Rule] {
    RULES
}

pub fn find_rule(id: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| r.meta().id == id)
}

/// The error for an id no rule has, with the nearest registered id when one is close:
/// `unknown rule "subject-any-ownr" (did you mean `subject-any-owner`?)`.
pub fn unknown_rule(id: &str) -> String {
    let hint = match super::spelling::closest(id, RULES.iter().map(|r| r.meta().id)) {
        Some(near) => format!("did you mean `{near}`?"),
        None => "see `trustlint rules`".to_string(),
    };
    format!("unknown rule \"{id}\" ({hint})")
}

#[cfg(test)]
mod tests {
    #[test]
    fn unknown_rule_suggests_the_nearest_id() {
        assert_eq!(
            super::unknown_rule("subject-any-ownr"),
            "unknown rule \"subject-any-ownr\" (did you mean `subject-any-owner`?)"
        );
        assert_eq!(
            super::unknown_rule("no-such-rule"),
            "unknown rule \"no-such-rule\" (see `trustlint rules`)"
        );
    }
}
