//! The trust-policy rules: each reads one trust policy ([`PolicyContext`](super::PolicyContext))
//! — who may assume the role, what the subject patterns admit, conditions that do not mean what
//! they say, the audience, the principal and action shape, and the document itself.
//! `duplicate-key` also reads workflows, whose duplicate keys the same reader reports.
//!
//! [`subject_values`] analyses the `sub` values once per policy for the subject rules, with
//! witnesses the whole policy admits ([`subject_witness`]).

pub mod subject_values;
pub mod subject_witness;

pub mod duplicate_key;
pub mod fail_open_operator;
pub mod immutable_id_wildcard;
pub mod invalid_policy;
pub mod mismatched_action;
pub mod missing_aud_condition;
pub mod missing_sub_condition;
pub mod not_principal_or_not_action;
pub mod oidc_provider_extra_audience;
pub mod set_operator_on_single_valued_key;
pub mod subject_admits_pull_request;
pub mod subject_any_owner;
pub mod subject_any_ref;
pub mod subject_org_wide;
pub mod subject_ref_prefix;
pub mod subject_without_owner;
pub mod unexpected_audience;
pub mod unknown_condition_key;
pub mod unresolved_principal;
pub mod wildcard_action;
pub mod wildcard_principal;
pub mod wildcard_with_equals_operator;
