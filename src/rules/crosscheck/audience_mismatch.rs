//! `audience-mismatch`: the job asks for an audience the role's trust policy does not admit,
//! and that is the only reason AWS would deny it.

use super::{describe_job, PolicyLookup};
use crate::rules::{Finding, RepoContext, Rule};

crate::declare_rule!(AudienceMismatch, "audience-mismatch", High);

impl Rule for AudienceMismatch {
    fn check_repository(&self, ctx: &RepoContext<'_>, out: &mut Vec<Finding>) {
        let analysis = ctx.analysis();
        for u in &analysis.uses {
            let (Some(PolicyLookup::Found(pi)), Some(p)) = (&u.policy, &u.prediction) else {
                continue;
            };
            // Reported only when every denial of the job is cured by another audience.
            if u.denials.is_empty() || u.denials.iter().any(|d| d.admitted_audience.is_none()) {
                continue;
            }
            let d = &u.denials[0];
            let admitted = d.admitted_audience.clone().unwrap_or_default();
            let (wf, job, step) = ctx.job_step(u);
            let policy = &analysis.policies[*pi];
            let asked = p.audience.clone().unwrap_or_default();
            let written = step.input("audience").is_some();
            let span = step.input("audience").map_or(u.role_span, |n| n.span);
            let message = format!(
                "{} asks for the audience `{asked}`{}, but the trust policy of {} ({}) admits only `{admitted}`: AWS denies the token (`{}`)",
                describe_job(wf, job),
                if written { "" } else { " (configure-aws-credentials' default)" },
                u.resolution.arn().unwrap_or_default(),
                policy.file.display_path,
                d.witness
            );
            out.push(
                Finding::new(&Self::META, &wf.file, span, message)
                    .witness(asked.clone())
                    .route(u.route.replace("role-to-assume", "audience"))
                    .help(format!(
                        "set `audience: {admitted}` on the step, or admit `{asked}` in the policy's aud condition (the STS audience of the aws-cn partition is sts.amazonaws.com.cn)"
                    ))
                    .related_in(&policy.file, d.deciding, d.deciding_what.clone()),
            );
        }
    }
}
