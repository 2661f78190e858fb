//! `pull-request-can-assume-role`: a pull_request-triggered job that consumes the OIDC token
//! reaches a role whose trust policy admits the `pull_request` subject.

use super::{admitting_sub_value, describe_job, is_pull_request, PolicyLookup};
use crate::predict::Verdict;
use crate::rules::{Finding, RepoContext, Rule};

crate::declare_rule!(
    PullRequestCanAssumeRole,
    "pull-request-can-assume-role",
    High
);

impl Rule for PullRequestCanAssumeRole {
    fn check_repository(&self, ctx: &RepoContext<'_>, out: &mut Vec<Finding>) {
        let analysis = ctx.analysis();
        for u in &analysis.uses {
            let (Some(PolicyLookup::Found(pi)), Some(p)) = (&u.policy, &u.prediction) else {
                continue;
            };
            let allowed = u.verdicts.iter().find_map(|v| match &v.verdict {
                Verdict::Allowed { statement, subject } if is_pull_request(p, v.context) => {
                    Some((v, *statement, subject))
                }
                _ => None,
            });
            let Some((v, statement, subject)) = allowed else {
                continue;
            };
            let (wf, job, _) = ctx.job_step(u);
            let policy = &analysis.policies[*pi];
            let value = admitting_sub_value(&policy.policy, statement, &u.issuer, subject)
                .unwrap_or(policy.policy.span);
            let arn = u.resolution.arn().unwrap_or_default();
            let message = format!(
                "{} runs for {} and presents `{subject}`, which the trust policy of {arn} ({}) admits: the code of an unreviewed pull request gets the role's credentials",
                describe_job(wf, job),
                v.reason,
                policy.file.display_path
            );
            let mut finding = Finding::new(&Self::META, &wf.file, u.role_span, message)
                .witness(subject.clone())
                .route(u.route.clone())
                .help("pin the policy's sub to the branch or environment the deploy runs from, and give pull requests (if they need AWS at all) a separate read-only role; or stop running this step on pull_request");
            if let Some(trigger) = wf.workflow.trigger(&v.event) {
                finding = finding.related(trigger.event.span, format!("triggered by {}", v.event));
            }
            finding = finding.related_in(
                &policy.file,
                value,
                "this value admits the pull_request subject",
            );
            out.push(finding);
        }
    }
}
