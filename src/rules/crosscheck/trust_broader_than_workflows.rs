//! `trust-broader-than-workflows`: the trust policy of a role admits subjects that none of the
//! repository's workflows that assume the role produce.

use super::{describe_job, PolicyLookup};
use crate::predict::{tightest_sub_values, unused_admissions, Prediction};
use crate::repo::RoleResolution;
use crate::rules::{Finding, RepoContext, Rule};

crate::declare_rule!(
    TrustBroaderThanWorkflows,
    "trust-broader-than-workflows",
    Low
);

impl Rule for TrustBroaderThanWorkflows {
    fn check_repository(&self, ctx: &RepoContext<'_>, out: &mut Vec<Finding>) {
        let analysis = ctx.analysis();
        let Some(repo) = &analysis.repo else { return };
        // A step whose role is unknown may assume any of the roles: nothing is known then.
        if analysis
            .uses
            .iter()
            .any(|u| matches!(u.resolution, RoleResolution::Unresolved { .. }))
        {
            return;
        }
        for (pi, policy) in analysis.policies.iter().enumerate() {
            let users: Vec<_> = analysis
                .uses
                .iter()
                .filter(|u| matches!(u.policy, Some(PolicyLookup::Found(i)) if i == pi))
                .collect();
            let Some(first) = users.first() else { continue };
            let predictions: Vec<Prediction> =
                users.iter().filter_map(|u| u.prediction.clone()).collect();
            let admissions = unused_admissions(&policy.policy, &first.issuer, &predictions, repo);
            if admissions.is_empty() {
                continue;
            }
            let tightest = tightest_sub_values(&predictions, repo);
            let suggestion = tightest
                .iter()
                .map(|v| {
                    format!(
                        "`{}`{}",
                        v.value,
                        if v.needs_like { " (StringLike)" } else { "" }
                    )
                })
                .collect::<Vec<_>>()
                .join(", ");
            let mut spans = Vec::new();
            for a in &admissions {
                if spans.contains(&a.value_span) {
                    continue;
                }
                spans.push(a.value_span);
                let message = format!(
                    "the trust policy of {} admits subjects that no workflow job assuming the role presents, such as `{}` ({} job{} of the scan assume{} it)",
                    first.resolution.arn().unwrap_or_default(),
                    a.example,
                    users.len(),
                    if users.len() == 1 { "" } else { "s" },
                    if users.len() == 1 { "s" } else { "" },
                );
                let mut finding = Finding::new(&Self::META, &policy.file, a.value_span, message)
                    .witness(a.example.clone())
                    .route(format!("Statement[{}].sub", a.statement));
                finding = finding.help(if suggestion.is_empty() {
                    "narrow the sub condition to the subjects the workflows present (see `trustlint suggest`)".to_string()
                } else {
                    format!(
                        "the workflows need only {suggestion}: use these as the sub values (`trustlint suggest` prints the whole policy)"
                    )
                });
                for u in &users {
                    let (wf, job, _) = ctx.job_step(u);
                    finding = finding.related_in(
                        &wf.file,
                        u.role_span,
                        format!("{} assumes the role", describe_job(wf, job)),
                    );
                }
                out.push(finding);
            }
        }
    }
}
