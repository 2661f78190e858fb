//! `subject-any-owner`: see `rules/subject-any-owner.md`.

use super::subject_values;
use crate::rules::{Finding, PolicyContext, Rule};
use crate::subject::SubjectRisk;

crate::declare_rule!(SubjectAnyOwner, "subject-any-owner", Critical);

impl Rule for SubjectAnyOwner {
    fn check_policy(&self, ctx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        subject_values::report(
            ctx,
            &Self::META,
            SubjectRisk::AnyOwner,
            "pin the owner and repository literally: \"repo:OWNER/REPO:ref:refs/heads/main\" (or :environment:NAME); a trailing `*` after the owner name admits every owner whose name starts with it",
            out,
        );
    }
}
