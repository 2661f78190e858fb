//! `subject-without-owner`: see `rules/subject-without-owner.md`.

use super::subject_values;
use crate::rules::{Finding, PolicyContext, Rule};
use crate::subject::SubjectRisk;

crate::declare_rule!(SubjectWithoutOwner, "subject-without-owner", Critical);

impl Rule for SubjectWithoutOwner {
    fn check_policy(&self, ctx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        subject_values::report(
            ctx,
            &Self::META,
            SubjectRisk::WithoutOwner,
            "include the repository in the subject template (`repo` or `repository_owner_id`/`repository_id` in include_claim_keys) and pin it in the value, or add a StringEquals condition on the repository claim",
            out,
        );
    }
}
