//! Whether the whole trust policy admits a subject rule's witness, as far as `sub` decides.
//!
//! A value's witness is found by reading the value alone; the policy can still rule it out.
//! Conditions of one statement are ANDed, so a `StringEquals sub = <main subject>` beside a
//! `StringLike sub = repo:o/r:*` admits no pull request; and an explicit `Deny` wins over every
//! Allow, so a Deny on `StringNotLike sub = repo:o/app:ref:refs/heads/main` narrows an Allow of
//! `repo:o/*` to that one subject. The check runs the IAM evaluator
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>)
//! on a request carrying only the witness as `sub`:
//!
//! - the statement's other conditions on a `sub` key must not be false;
//! - no `Deny` statement may surely apply: one whose principal and action cover the request and
//!   whose conditions are all on `sub` and all true. A Deny that also tests another key (`aud`,
//!   `aws:SourceIp`) may not apply to every token with this subject, so it rules nothing out.
//!
//! Conditions on other keys are left to their own rules: a witness is refused only by what `sub`
//! alone decides.

use crate::iam::{action_outcome, evaluate_condition, principal_outcome, Request, Truth};
use crate::policy::{Effect, Statement, TrustPolicy};
use crate::rules::claim_of;

/// The request a token with subject `witness` makes, from the statement's provider.
fn request(statement: &Statement, issuers: &[String], witness: &str) -> Request {
    let principal = statement.federated().next().map(|v| v.value.clone());
    let claims = issuers
        .iter()
        .map(|issuer| (format!("{issuer}:sub"), witness.to_string()))
        .collect();
    Request::web_identity(principal, claims)
}

fn is_sub_key(key: &str, issuers: &[String]) -> bool {
    claim_of(key, issuers).is_some_and(|c| c.eq_ignore_ascii_case("sub"))
}

/// The most `sub` values (in the statement and the Deny statements) for which witnesses are
/// checked against the whole policy: each check evaluates them all, once per candidate witness,
/// so a hostile policy with thousands would cost their square. Above it, witnesses are judged
/// by their own value, as they were before the check.
pub const MAX_CHECKED_VALUES: usize = 1000;

/// True when a witness of `statement` can be refused by something other than its own value:
/// another `sub` condition of the statement, or a Deny statement (within [`MAX_CHECKED_VALUES`]).
pub fn needs_check(policy: &TrustPolicy, statement: &Statement, issuers: &[String]) -> bool {
    let sub_entries = |s: &Statement| {
        s.conditions
            .iter()
            .flat_map(|b| b.entries.iter())
            .filter(|e| is_sub_key(&e.key.value, issuers))
            .map(|e| e.values.len())
            .collect::<Vec<_>>()
    };
    let own = sub_entries(statement);
    let denies: Vec<&Statement> = policy
        .statements
        .iter()
        .filter(|s| s.effect.value == Effect::Deny)
        .collect();
    if own.len() <= 1 && denies.is_empty() {
        return false;
    }
    let values: usize = own.iter().sum::<usize>()
        + denies
            .iter()
            .map(|d| sub_entries(d).iter().sum::<usize>())
            .sum::<usize>();
    values <= MAX_CHECKED_VALUES
}

/// True unless the policy, judging by `sub` alone, refuses `witness` through `statement`.
pub fn admitted(
    policy: &TrustPolicy,
    statement: &Statement,
    issuers: &[String],
    witness: &str,
) -> bool {
    let request = request(statement, issuers, witness);
    let expand = policy.expands_variables();
    let sub_conditions_hold = |s: &Statement| {
        s.conditions.iter().all(|block| {
            block
                .entries
                .iter()
                .filter(|entry| is_sub_key(&entry.key.value, issuers))
                .all(|entry| {
                    evaluate_condition(block, entry, &request, expand).truth != Truth::False
                })
        })
    };
    if !sub_conditions_hold(statement) {
        return false;
    }
    !policy
        .statements
        .iter()
        .filter(|s| s.effect.value == Effect::Deny)
        .any(|deny| surely_denies(deny, issuers, &request, expand))
}

/// True when the Deny applies to every request with this subject.
fn surely_denies(deny: &Statement, issuers: &[String], request: &Request, expand: bool) -> bool {
    if principal_outcome(deny, request).0 != Truth::True
        || action_outcome(deny, request).0 != Truth::True
    {
        return false;
    }
    deny.conditions.iter().all(|block| {
        block.entries.iter().all(|entry| {
            is_sub_key(&entry.key.value, issuers)
                && evaluate_condition(block, entry, request, expand).truth == Truth::True
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::build_policy;
    use crate::source::parse_json;

    const ISSUER: &str = "token.actions.githubusercontent.com";

    fn policy(statements: &str) -> TrustPolicy {
        let text = format!(r#"{{"Version": "2012-10-17", "Statement": [{statements}]}}"#);
        build_policy(&parse_json(&text).unwrap()).0.unwrap()
    }

    fn allow(conditions: &str) -> String {
        format!(
            r#"{{"Effect": "Allow", "Principal": {{"Federated": "arn:aws:iam::123456789012:oidc-provider/{ISSUER}"}}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {conditions}}}"#
        )
    }

    fn admits(p: &TrustPolicy, witness: &str) -> bool {
        admitted(p, &p.statements[0], &[ISSUER.to_string()], witness)
    }

    #[test]
    fn other_sub_conditions_of_the_statement_are_anded() {
        let p = policy(&allow(&format!(
            r#"{{"StringEquals": {{"{ISSUER}:aud": "sts.amazonaws.com", "{ISSUER}:sub": "repo:o/r:ref:refs/heads/main"}},
                "StringLike": {{"{ISSUER}:sub": "repo:o/r:*"}}}}"#
        )));
        assert!(!admits(&p, "repo:o/r:pull_request"));
        assert!(admits(&p, "repo:o/r:ref:refs/heads/main"));
    }

    #[test]
    fn a_deny_on_sub_alone_rules_witnesses_out() {
        let deny = format!(
            r#"{{"Effect": "Deny", "Principal": {{"Federated": "arn:aws:iam::123456789012:oidc-provider/{ISSUER}"}}, "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {{"StringNotLike": {{"{ISSUER}:sub": "repo:o/app:ref:refs/heads/main"}}}}}}"#
        );
        let p = policy(&format!(
            "{}, {deny}",
            allow(&format!(
                r#"{{"StringLike": {{"{ISSUER}:sub": "repo:o/*"}}}}"#
            ))
        ));
        assert!(!admits(&p, "repo:o/other:ref:refs/heads/main"));
        assert!(admits(&p, "repo:o/app:ref:refs/heads/main"));

        // A Deny that also tests another key may not apply: it rules nothing out.
        let partial = format!(
            r#"{{"Effect": "Deny", "Principal": {{"Federated": "arn:aws:iam::123456789012:oidc-provider/{ISSUER}"}}, "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {{"StringNotLike": {{"{ISSUER}:sub": "repo:o/app:*"}}, "IpAddress": {{"aws:SourceIp": "10.0.0.0/8"}}}}}}"#
        );
        let p = policy(&format!(
            "{}, {partial}",
            allow(&format!(
                r#"{{"StringLike": {{"{ISSUER}:sub": "repo:o/*"}}}}"#
            ))
        ));
        assert!(admits(&p, "repo:o/other:ref:refs/heads/main"));
    }

    #[test]
    fn the_check_runs_only_when_something_else_can_refuse() {
        let issuers = [ISSUER.to_string()];
        let lone = policy(&allow(&format!(
            r#"{{"StringLike": {{"{ISSUER}:sub": "repo:o/r:*"}}}}"#
        )));
        assert!(!needs_check(&lone, &lone.statements[0], &issuers));
        let anded = policy(&allow(&format!(
            r#"{{"StringEquals": {{"{ISSUER}:sub": "repo:o/r:ref:refs/heads/main"}}, "StringLike": {{"{ISSUER}:sub": "repo:o/r:*"}}}}"#
        )));
        assert!(needs_check(&anded, &anded.statements[0], &issuers));
        let many: Vec<String> = (0..MAX_CHECKED_VALUES)
            .map(|i| format!(r#""repo:o/r{i}:ref:refs/heads/main""#))
            .collect();
        let huge = policy(&allow(&format!(
            r#"{{"StringEquals": {{"{ISSUER}:sub": [{}]}}, "StringLike": {{"{ISSUER}:sub": "repo:o/*"}}}}"#,
            many.join(",")
        )));
        assert!(!needs_check(&huge, &huge.statements[0], &issuers));
    }

    #[test]
    fn the_search_goes_on_to_a_witness_the_policy_admits() {
        use crate::subject::{analyze_sub_value_where, MatchKind, SubjectRisk};
        // The Deny refuses the first pull-request-free witness the search would show; another
        // branch is still admitted, so the value is still reported, with that branch.
        let first =
            analyze_sub_value_where("repo:o/r:ref:refs/heads/*", MatchKind::Like, &|_| true);
        assert_eq!(first[0].risk, SubjectRisk::AnyRef);
        let refused = first[0].witness.clone();
        let other = analyze_sub_value_where("repo:o/r:ref:refs/heads/*", MatchKind::Like, &|w| {
            w != refused
        });
        assert_eq!(other[0].risk, SubjectRisk::AnyRef);
        assert_ne!(other[0].witness, refused);
        let none = analyze_sub_value_where("repo:o/r:ref:refs/heads/*", MatchKind::Like, &|w| {
            w == "repo:o/r:ref:refs/heads/main"
        });
        assert!(none.is_empty(), "{none:?}");
    }
}
