//! The local callers of a reusable workflow: jobs of the same repository that `uses:` it, each
//! with its own callers, cycles cut.

use super::model::Caller;
use crate::workflow::{UsesKind, Workflow};

/// Splits `…/.github/workflows/<file>` into (prefix before `.github/`, repo-relative path).
fn split_workflow_path(path: &str) -> Option<(String, String)> {
    crate::workflow::split_workflow_path(path)
        .map(|(root, file)| (root, format!(".github/workflows/{file}")))
}

/// The path of a workflow file inside its repository (`.github/workflows/x.yml`).
pub fn repo_relative(path: &str) -> String {
    split_workflow_path(path)
        .map(|(_, rel)| rel)
        .unwrap_or_else(|| path.replace('\\', "/").trim_start_matches("./").to_string())
}

/// The local callers of the workflow at `callee_path` among `all` (same repository: same
/// prefix before `.github/workflows/`), each with its own callers; cycles are cut.
pub fn local_callers<'a>(callee_path: &str, all: &[(&'a str, &'a Workflow)]) -> Vec<Caller<'a>> {
    let mut visiting = Vec::new();
    callers_of(callee_path, all, &mut visiting)
}

fn callers_of<'a>(
    callee_path: &str,
    all: &[(&'a str, &'a Workflow)],
    visiting: &mut Vec<String>,
) -> Vec<Caller<'a>> {
    let Some((root, target)) = split_workflow_path(callee_path) else {
        return Vec::new();
    };
    if visiting.iter().any(|v| v == callee_path) {
        return Vec::new();
    }
    visiting.push(callee_path.to_string());
    let mut out = Vec::new();
    for &(path, workflow) in all {
        if path == callee_path || split_workflow_path(path).is_none_or(|(r, _)| r != root) {
            continue;
        }
        for job in &workflow.jobs {
            let Some(uses) = &job.uses else { continue };
            let UsesKind::Local { path: local } = &uses.value.kind else {
                continue;
            };
            if local.replace('\\', "/").trim_start_matches("./") != target {
                continue;
            }
            let callers = if workflow.is_reusable() {
                callers_of(path, all, visiting)
            } else {
                Vec::new()
            };
            out.push(Caller {
                path,
                workflow,
                job,
                callers,
            });
        }
    }
    visiting.pop();
    out
}
