//! `subject-admits-pull-request`: see `rules/subject-admits-pull-request.md`.

use super::subject_values;
use crate::rules::{Finding, PolicyContext, Rule};
use crate::subject::SubjectRisk;

crate::declare_rule!(
    SubjectAdmitsPullRequest,
    "subject-admits-pull-request",
    High
);

impl Rule for SubjectAdmitsPullRequest {
    fn check_policy(&self, ctx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        subject_values::report(
            ctx,
            &Self::META,
            SubjectRisk::AdmitsPullRequest,
            "pin the branch or environment the deploy runs from (\"repo:OWNER/REPO:ref:refs/heads/main\" or \":environment:production\"); pull requests should get a separate, read-only role if any",
            out,
        );
    }
}
