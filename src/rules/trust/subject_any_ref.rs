//! `subject-any-ref`: see `rules/subject-any-ref.md`.

use super::subject_values;
use crate::rules::{Finding, PolicyContext, Rule};
use crate::subject::SubjectRisk;

crate::declare_rule!(SubjectAnyRef, "subject-any-ref", Medium);

impl Rule for SubjectAnyRef {
    fn check_policy(&self, ctx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        subject_values::report(
            ctx,
            &Self::META,
            SubjectRisk::AnyRef,
            "pin the branch (\"repo:OWNER/REPO:ref:refs/heads/main\") or, better, a protected environment with required reviewers (\"repo:OWNER/REPO:environment:production\")",
            out,
        );
    }
}
