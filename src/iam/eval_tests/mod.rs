//! The evaluation engine against IAM's documented semantics (IAM User Guide, "Policy evaluation
//! logic", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html,
//! and "Condition operators",
//! https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
//!
//! Shared helpers here; the cases by concern: [`conditions`] (absent keys, case, AND / OR),
//! [`statements`] (how statements combine, principal and action), [`operators`] (policy
//! variables, the other operator families, multivalued keys).

mod conditions;
mod operators;
mod statements;

use super::*;
use crate::policy::{build_policy, TrustPolicy};
use crate::source::parse_json;

const GH: &str = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
const SUB: &str = "token.actions.githubusercontent.com:sub";
const AUD: &str = "token.actions.githubusercontent.com:aud";

fn policy(json: &str) -> TrustPolicy {
    let (policy, problems) = build_policy(&parse_json(json).unwrap());
    // Unknown operators are reported by the builder (invalid-policy) and kept in the model.
    assert!(
        problems
            .iter()
            .all(|p| p.message.starts_with("unknown condition operator")),
        "{problems:?}"
    );
    policy.unwrap()
}

fn request(claims: &[(&str, &str)]) -> Request {
    Request::web_identity(
        Some(GH.to_string()),
        claims
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    )
}

/// A one-statement Allow policy trusting GitHub with `condition` as its Condition.
fn with_condition(version: &str, condition: &str) -> TrustPolicy {
    policy(&format!(
        r#"{{"Version": "{version}", "Statement": [{{"Effect": "Allow",
            "Principal": {{"Federated": "{GH}"}}, "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {condition}}}]}}"#
    ))
}

/// The truth and explanation of the only condition of a one-statement policy.
fn cond(operator: &str, key: &str, values: &str, claims: &[(&str, &str)]) -> (Truth, String) {
    let p = with_condition(
        "2012-10-17",
        &format!(r#"{{"{operator}": {{"{key}": {values}}}}}"#),
    );
    let s = &p.statements[0];
    let outcome = evaluate_condition(
        &s.conditions[0],
        &s.conditions[0].entries[0],
        &request(claims),
        true,
    );
    (outcome.truth, outcome.explanation)
}

fn truth(operator: &str, key: &str, values: &str, claims: &[(&str, &str)]) -> Truth {
    cond(operator, key, values, claims).0
}

use Truth::{False as F, True as T, Unknown as U};
