//! `trust-policy-denies-workflow`: a subject the job will present is denied by the trust policy
//! of the role it assumes.

use super::{describe_job, PolicyLookup};
use crate::rules::{Finding, RepoContext, Rule};

crate::declare_rule!(
    TrustPolicyDeniesWorkflow,
    "trust-policy-denies-workflow",
    High
);

impl Rule for TrustPolicyDeniesWorkflow {
    fn check_repository(&self, ctx: &RepoContext<'_>, out: &mut Vec<Finding>) {
        let analysis = ctx.analysis();
        for u in &analysis.uses {
            let (Some(PolicyLookup::Found(pi)), Some(p)) = (&u.policy, &u.prediction) else {
                continue;
            };
            // Denials that another audience would not cure; audience-only ones are
            // `audience-mismatch`.
            let denials: Vec<_> = u
                .denials
                .iter()
                .filter(|d| d.admitted_audience.is_none())
                .collect();
            let Some(first) = denials.first() else {
                continue;
            };
            let (wf, job, _) = ctx.job_step(u);
            let policy = &analysis.policies[pi.to_owned()];
            let arn = u.resolution.arn().unwrap_or_default();
            let contexts: Vec<String> = denials
                .iter()
                .map(|d| {
                    let c = &p.contexts[d.context];
                    format!(
                        "{} presents `{}`{}",
                        c.reason,
                        d.witness,
                        if d.partly {
                            " (for some of its refs)"
                        } else {
                            ""
                        }
                    )
                })
                .collect();
            let message = format!(
                "{} assumes {arn}, whose trust policy ({}) denies it: {}; {}",
                describe_job(wf, job),
                policy.file.display_path,
                contexts.join("; "),
                first.reason
            );
            let mut finding = Finding::new(&Self::META, &wf.file, u.role_span, message)
                .witness(first.witness.clone())
                .route(u.route.clone())
                .help(format!(
                    "admit `{}` in the role's trust policy (see `trustlint suggest`), or change the job so that it presents a subject the policy admits",
                    first.witness
                ));
            let mut shown = Vec::new();
            for d in &denials {
                if shown.contains(&d.deciding) {
                    continue;
                }
                shown.push(d.deciding);
                finding = finding.related_in(&policy.file, d.deciding, d.deciding_what.clone());
            }
            out.push(finding);
        }
    }
}
