//! `immutable-id-wildcard`: see `rules/immutable-id-wildcard.md`.

use super::subject_values;
use crate::rules::{Finding, PolicyContext, Rule};
use crate::subject::SubjectRisk;

crate::declare_rule!(ImmutableIdWildcard, "immutable-id-wildcard", High);

impl Rule for ImmutableIdWildcard {
    fn check_policy(&self, ctx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        subject_values::report(
            ctx,
            &Self::META,
            SubjectRisk::ImmutableIdWildcard,
            "write the numeric owner and repository IDs exactly (repo:OWNER@OWNER_ID/REPO@REPO_ID:…); they are what makes the subject survive renames and re-creations",
            out,
        );
    }
}
