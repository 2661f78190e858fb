//! `subject-ref-prefix`: see `rules/subject-ref-prefix.md`.

use super::subject_values;
use crate::rules::{Finding, PolicyContext, Rule};
use crate::subject::SubjectRisk;

crate::declare_rule!(SubjectRefPrefix, "subject-ref-prefix", Low);

impl Rule for SubjectRefPrefix {
    fn check_policy(&self, ctx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        subject_values::report(
            ctx,
            &Self::META,
            SubjectRisk::RefPrefix,
            "write the full branch, tag or environment name; if several are needed, list each as its own value",
            out,
        );
    }
}
