//! `subject-org-wide`: see `rules/subject-org-wide.md`.

use super::subject_values;
use crate::rules::{Finding, PolicyContext, Rule};
use crate::subject::SubjectRisk;

crate::declare_rule!(SubjectOrgWide, "subject-org-wide", High);

impl Rule for SubjectOrgWide {
    fn check_policy(&self, ctx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        subject_values::report(
            ctx,
            &Self::META,
            SubjectRisk::OrgWide,
            "list the repositories that deploy with this role: \"repo:OWNER/REPO:environment:production\", one value each",
            out,
        );
    }
}
