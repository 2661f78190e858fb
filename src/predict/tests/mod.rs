//! Tests of subject prediction and of the decision against trust policies. Workflows are
//! written in YAML and read with `parse_yaml` into the same model the scan builds.

mod decide;
mod predict;

use super::*;
use crate::source::parse_yaml;
use crate::workflow::{build_workflow, oidc_consumer, Workflow};

pub(super) const CONFIGURE: &str = "
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: arn:aws:iam::123456789012:role/deploy
          aws-region: us-east-1";

/// A workflow that must build without any problem.
pub(super) fn wf(yaml: &str) -> Workflow {
    let node = parse_yaml(yaml).unwrap_or_else(|e| panic!("bad test YAML: {e:?}\n{yaml}"));
    let (workflow, problems) = build_workflow(&node);
    assert!(problems.is_empty(), "unexpected problems: {problems:#?}");
    workflow.expect("a workflow")
}

/// `on:` (YAML text, indented as a value of `on:`), then one job `deploy` with `job_extra`
/// lines and a configure-aws-credentials step.
pub(super) fn deploy_workflow(on: &str, job_extra: &str) -> String {
    format!(
        "on:{on}
permissions:
  id-token: write
jobs:
  deploy:
    runs-on: ubuntu-latest{job_extra}
    steps:{CONFIGURE}
"
    )
}

pub(super) fn repo() -> RepoFacts {
    RepoFacts::new("o", "r")
}

/// The prediction for the first OIDC-consuming step of the first job of `workflow`, with the
/// local callers found among `others` (path, workflow).
pub(super) fn predict_in(
    path: &str,
    workflow: &Workflow,
    others: &[(&str, &Workflow)],
    repo: &RepoFacts,
) -> Prediction {
    let mut all: Vec<(&str, &Workflow)> = others.to_vec();
    all.push((path, workflow));
    let callers = local_callers(path, &all);
    let job = workflow
        .jobs
        .iter()
        .find(|j| j.steps.iter().any(|s| oidc_consumer(s).is_some()))
        .expect("a job with an OIDC consumer");
    let step = job
        .steps
        .iter()
        .find(|s| oidc_consumer(s).is_some())
        .expect("a consumer step");
    predict_job(path, workflow, job, step, repo, &callers)
}

pub(super) fn predict_yaml(yaml: &str) -> Prediction {
    predict_in(".github/workflows/deploy.yml", &wf(yaml), &[], &repo())
}

pub(super) fn subject_strings(p: &Prediction, repo: &RepoFacts) -> Vec<String> {
    subjects(p, repo).into_iter().map(|s| s.subject).collect()
}

/// The contexts, in order, as [`RefSet::describe`] puts them.
pub(super) fn kinds(p: &Prediction) -> Vec<String> {
    p.contexts.iter().map(|c| c.context.describe()).collect()
}

/// True when some context of `p` can present `subject`.
pub(super) fn can_present(p: &Prediction, subject: &str) -> bool {
    p.contexts.iter().any(|c| admits(p, c, &repo(), subject))
}
