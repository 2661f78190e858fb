//! `trust-policy-denies-workflow`: a subject the job will present is denied by the trust policy
//! of the role it assumes.
//!
//! High when the deploy is broken — every way the job runs is denied — or when a denied run is
//! one the workflow clearly means to deploy from (its `push` branches or tags, its
//! `environment`, `merge_group`, `schedule`, `release`). A denial of runs whose ref whoever
//! starts them chooses (`workflow_dispatch` from another branch, a pull request) is often the
//! point of the policy: info, with an `if:` guard to skip those runs instead of failing them.
//! The help never suggests admitting a pull request, an arbitrary branch or a wildcard.

use super::{describe_job, Denial, PolicyLookup};
use crate::predict::ContextVerdict;
use crate::predict::{PredictedContext, RefSet, Verdict};
use crate::rules::{Finding, RepoContext, Rule, Severity};

crate::declare_rule!(
    TrustPolicyDeniesWorkflow,
    "trust-policy-denies-workflow",
    High
);

/// Events whose runs the workflow's author chose (a branch or tag filter, the default branch):
/// a denial of one of them is a broken deploy.
const INTENDED_EVENTS: &[&str] = &["push", "merge_group", "schedule", "release"];

/// True when the workflow clearly means to run in this context: an intended event, or a job
/// environment (named by the author, whatever started the run).
pub(super) fn is_intended(context: &PredictedContext) -> bool {
    matches!(context.context, RefSet::Environment(_))
        || INTENDED_EVENTS.contains(&context.event.as_str())
}

/// True when no way the job runs is admitted: every predicted context is denied outright.
pub(super) fn every_run_denied(verdicts: &[ContextVerdict]) -> bool {
    !verdicts.is_empty()
        && verdicts
            .iter()
            .all(|v| matches!(v.verdict, Verdict::Denied { .. }))
}

/// The ref of a subject the policy admits for this job (`refs/heads/main`), for the guard.
fn admitted_ref(verdicts: &[ContextVerdict], default_branch: &str) -> String {
    verdicts
        .iter()
        .find_map(|v| match &v.verdict {
            Verdict::Allowed { subject, .. }
            | Verdict::PartlyDenied {
                allowed_subject: subject,
                ..
            } => subject
                .split_once(":ref:")
                .map(|(_, r)| r.split(':').next().unwrap_or(r).to_string()),
            _ => None,
        })
        .unwrap_or_else(|| format!("refs/heads/{default_branch}"))
}

/// What to do about a broken deploy, without widening trust to a pull request or a wildcard.
fn broken_help(first: &Denial, context: &PredictedContext) -> String {
    let pull_request =
        first.witness.contains(":pull_request") || context.event.starts_with("pull_request");
    let pattern = match &context.context {
        RefSet::Branch(filter) | RefSet::Tag(filter) => filter.finite_names().is_none(),
        RefSet::Environment(_) => false,
        _ => true,
    };
    if pull_request {
        "a role that deploys should not admit pull requests: run the job on `push` (or behind an `environment:`) instead, or give pull-request checks a separate read-only role".to_string()
    } else if pattern {
        format!(
            "the job deploys from refs matching a pattern ({}): give it an `environment:` with protection rules and admit that environment's subject (`repo:OWNER/REPO:environment:NAME`), or admit each ref by name, or narrow the trigger to the refs the role admits; do not admit a wildcard",
            context.reason
        )
    } else {
        format!(
            "admit `{}` in the role's trust policy (see `trustlint suggest`), or change the job so that it presents a subject the policy admits",
            first.witness
        )
    }
}

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
            if denials.is_empty() {
                continue;
            }
            let broken = every_run_denied(&u.verdicts);
            let intended = denials.iter().find(|d| is_intended(&p.contexts[d.context]));
            let first = intended.copied().unwrap_or(denials[0]);
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
            let high = broken || intended.is_some();
            let message = if high {
                format!(
                    "{} assumes {arn}, whose trust policy ({}) denies it: {}; {}",
                    describe_job(wf, job),
                    policy.file.display_path,
                    contexts.join("; "),
                    first.reason
                )
            } else {
                format!(
                    "{} assumes {arn}, whose trust policy ({}) refuses some of its runs: {}; {}. The runs the workflow means to deploy from are admitted, so this may be the point of the policy (info)",
                    describe_job(wf, job),
                    policy.file.display_path,
                    contexts.join("; "),
                    first.reason
                )
            };
            let help = if high {
                broken_help(first, &p.contexts[first.context])
            } else {
                let default_branch = analysis
                    .repo
                    .as_ref()
                    .map(|r| r.default_branch.as_str())
                    .unwrap_or("main");
                format!(
                    "if those runs are not meant to assume the role, skip them instead of letting them fail: add `if: github.ref == '{}'` to job `{}` (or to the step); do not widen the trust policy for them",
                    admitted_ref(&u.verdicts, default_branch),
                    job.id.value
                )
            };
            let mut finding = Finding::new(&Self::META, &wf.file, u.role_span, message)
                .witness(first.witness.clone())
                .route(u.route.clone())
                .help(help);
            if !high {
                finding.severity = Severity::Info;
            }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::predict::{BranchFilter, GitRef};

    fn context(event: &str, refs: RefSet) -> PredictedContext {
        PredictedContext {
            event: event.to_string(),
            context: refs,
            git_ref: GitRef::Unknown,
            reason: event.to_string(),
            caveat: None,
            workflow_name: "deploy".to_string(),
        }
    }

    fn verdict(context: usize, verdict: Verdict) -> ContextVerdict {
        ContextVerdict {
            context,
            event: String::new(),
            reason: String::new(),
            verdict,
        }
    }

    fn denied() -> Verdict {
        Verdict::Denied {
            witness_subject: "repo:o/r:ref:refs/heads/feature/x".to_string(),
            evaluation_reason: String::new(),
        }
    }

    #[test]
    fn intended_runs_and_broken_deploys() {
        let main = BranchFilter::exact("main");
        assert!(is_intended(&context("push", RefSet::Branch(main.clone()))));
        assert!(is_intended(&context(
            "merge_group",
            RefSet::MergeQueue(main.clone())
        )));
        assert!(is_intended(&context(
            "workflow_dispatch",
            RefSet::Environment("production".into())
        )));
        assert!(!is_intended(&context(
            "workflow_dispatch",
            RefSet::Branch(BranchFilter::any())
        )));
        assert!(!is_intended(&context("pull_request", RefSet::PullRequest)));

        let allowed = Verdict::Allowed {
            statement: 0,
            subject: "repo:o/r:ref:refs/heads/main".to_string(),
        };
        assert!(every_run_denied(&[
            verdict(0, denied()),
            verdict(1, denied())
        ]));
        assert!(!every_run_denied(&[
            verdict(0, allowed.clone()),
            verdict(1, denied())
        ]));
        assert!(!every_run_denied(&[]));
        assert_eq!(
            admitted_ref(&[verdict(0, denied()), verdict(1, allowed)], "trunk"),
            "refs/heads/main"
        );
        assert_eq!(
            admitted_ref(&[verdict(0, denied())], "trunk"),
            "refs/heads/trunk"
        );
    }
}
