//! `unresolved-role`: a job assumes an AWS role that cannot be cross-checked — the role, its
//! trust policy or the repository is unknown, or none of the job's contexts can be decided.

use super::{describe_job, PolicyLookup};
use crate::predict::Verdict;
use crate::repo::RoleResolution;
use crate::rules::{Finding, RepoContext, Rule};

crate::declare_rule!(UnresolvedRole, "unresolved-role", Info);

impl Rule for UnresolvedRole {
    fn check_repository(&self, ctx: &RepoContext<'_>, out: &mut Vec<Finding>) {
        if !ctx.cross_checked() {
            return;
        }
        let analysis = ctx.analysis();
        for u in &analysis.uses {
            let (wf, job, _) = ctx.job_step(u);
            let who = describe_job(wf, job);
            let (message, help, related) = match (&u.resolution, &u.policy) {
                (RoleResolution::Unresolved { reason, hint }, _) => (
                    format!("{who}: the role it assumes cannot be resolved: {reason}"),
                    hint.clone(),
                    None,
                ),
                (
                    RoleResolution::Resolved { arn, .. },
                    Some(PolicyLookup::Missing {
                        reason,
                        hint,
                        related,
                    }),
                ) => (
                    format!("{who} assumes {arn}, whose trust policy is unknown: {reason}"),
                    hint.clone(),
                    related.clone(),
                ),
                (RoleResolution::Resolved { arn, .. }, _) if u.prediction.is_none() => (
                    format!(
                        "{who} assumes {arn}, but the repository is unknown, so its claims cannot be predicted"
                    ),
                    "set `repository = \"OWNER/NAME\"` under `[github]` in trustlint.toml, or pass `--repository OWNER/NAME`".to_string(),
                    None,
                ),
                // Everything resolved, yet no context of the job could be decided (an
                // environment from an expression, an `if:` trustlint does not read…): say so
                // rather than stay silent.
                (RoleResolution::Resolved { arn, .. }, Some(PolicyLookup::Found(_)))
                    if !u.verdicts.is_empty()
                        && u.verdicts.iter().all(|v| matches!(v.verdict, Verdict::Unknown { .. })) =>
                {
                    let mut reasons: Vec<String> = u
                        .verdicts
                        .iter()
                        .filter_map(|v| match &v.verdict {
                            Verdict::Unknown { reason } => Some(format!("{}: {reason}", v.reason)),
                            _ => None,
                        })
                        .collect();
                    reasons.dedup();
                    (
                        format!(
                            "{who} assumes {arn}, but whether its trust policy admits the job cannot be decided: {}",
                            reasons.join("; ")
                        ),
                        "make the job's subject predictable (a literal `environment:`, branch filters on the trigger), or check the claims with `trustlint simulate`".to_string(),
                        None,
                    )
                }
                _ => continue,
            };
            let mut finding = Finding::new(&Self::META, &wf.file, u.role_span, message)
                .route(u.route.clone())
                .help(help);
            if let Some((file, span, what)) = related {
                finding = finding.related_in(&file, span, what);
            }
            out.push(finding);
        }
    }
}
