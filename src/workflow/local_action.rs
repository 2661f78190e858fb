//! Local actions (`uses: ./path`): the composite action a step runs from the repository itself,
//! read from `<repository root>/<path>/action.yml` (or `action.yaml`), so that a wrapper around
//! configure-aws-credentials counts as consuming the job's token.
//!
//! A local path is relative to the workspace, the repository's root after checkout
//! (<https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax#example-using-an-action-in-the-same-repository-as-the-workflow>),
//! and the root is the directory holding the workflow's `.github/workflows/`. Composite actions
//! that use other local actions are followed [`MAX_DEPTH`] deep.

use super::build::build_composite_steps;
use super::model::Step;
use super::oidc::{oidc_consumer, OidcConsumer};
use crate::source::{parse_yaml, read_text_within};
use std::path::{Path, PathBuf};

/// How many local actions deep a chain is followed (a cycle ends there too).
pub const MAX_DEPTH: usize = 4;

const ACTION_FILES: &[&str] = &["action.yml", "action.yaml"];

/// The repository root of a workflow at `<root>/.github/workflows/<file>`.
pub fn repository_root(workflow_path: &Path) -> Option<&Path> {
    let workflows = workflow_path.parent()?;
    if !workflows.ends_with(".github/workflows") {
        return None;
    }
    workflows.parent()?.parent()
}

/// A local composite action's steps, with the action file they come from.
pub struct LocalAction {
    pub file: PathBuf,
    pub steps: Vec<Step>,
}

/// Reads the composite action `uses` (`./path`) names, inside `root`. `None` when the path leaves
/// the repository, has no action file, or is not a composite action.
pub fn read_local_action(root: &Path, uses: &str) -> Option<LocalAction> {
    let relative = uses.trim().trim_start_matches("./");
    let dir = root.join(relative);
    let root = std::fs::canonicalize(root).ok()?;
    let dir = std::fs::canonicalize(dir).ok()?;
    if !dir.starts_with(&root) {
        return None;
    }
    let file = ACTION_FILES
        .iter()
        .map(|name| dir.join(name))
        .find(|f| f.is_file())?;
    // Bounded, and no link out of the repository.
    let text = read_text_within(&file, Some(&root)).ok()?;
    let node = parse_yaml(&text).ok()?;
    let steps = build_composite_steps(&node)?;
    Some(LocalAction { file, steps })
}

/// The step's local action, when it is one, and the first step inside it (through nested local
/// actions) that needs the token, as a consumer of the calling step.
pub fn local_action_consumer(workflow_path: &Path, step: &Step) -> Option<OidcConsumer> {
    let root = repository_root(workflow_path)?;
    consumer_in(root, step, MAX_DEPTH)
}

fn consumer_in(root: &Path, step: &Step, depth: usize) -> Option<OidcConsumer> {
    let uses = step.uses.as_ref().filter(|u| u.value.is_local())?;
    if depth == 0 {
        return None;
    }
    let action = read_local_action(root, &uses.value.raw)?;
    action.steps.iter().find_map(|inner| {
        let found = oidc_consumer(inner).or_else(|| consumer_in(root, inner, depth - 1))?;
        Some(OidcConsumer {
            kind: found.kind,
            reason: format!(
                "the local action {} runs a step that needs it: {}",
                uses.value.raw, found.reason
            ),
        })
    })
}

/// A configure-aws-credentials step of a local composite action, as the calling step runs it:
/// every input written `${{ inputs.NAME }}` replaced by the caller's `with: NAME` (so spans of
/// those inputs are in the workflow file).
pub struct InlinedStep {
    pub step: Step,
    /// `role-to-assume` came from the caller's `with:` (its span is in the workflow file);
    /// otherwise it is written in the action file.
    pub role_from_caller: bool,
}

/// The AWS credential steps of the composite action `step` runs (one level: what the cross-check
/// judges), with the caller's inputs bound.
pub fn inlined_aws_steps(workflow_path: &Path, step: &Step) -> Vec<InlinedStep> {
    let Some(uses) = step.uses.as_ref().filter(|u| u.value.is_local()) else {
        return Vec::new();
    };
    let Some(action) =
        repository_root(workflow_path).and_then(|r| read_local_action(r, &uses.value.raw))
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for inner in action.steps {
        let mut bound = inner;
        let mut role_from_caller = false;
        for (key, value) in &mut bound.with {
            let Some(name) = value.as_str().and_then(input_reference) else {
                continue;
            };
            if let Some(given) = step.input(&name) {
                *value = given.clone();
                role_from_caller |= key.value.eq_ignore_ascii_case("role-to-assume");
            }
        }
        let is_aws = oidc_consumer(&bound)
            .is_some_and(|c| c.kind == super::oidc::ConsumerKind::AwsCredentials);
        if is_aws {
            out.push(InlinedStep {
                step: bound,
                role_from_caller,
            });
        }
    }
    out
}

/// `NAME` of a value that is exactly `${{ inputs.NAME }}`.
fn input_reference(text: &str) -> Option<String> {
    let inner = text.trim().strip_prefix("${{")?.strip_suffix("}}")?.trim();
    let name = inner.strip_prefix("inputs.")?;
    name.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        .then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::parse_json;
    use crate::workflow::build_workflow;

    fn write(root: &Path, path: &str, text: &str) {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn step(uses: &str) -> Step {
        let doc = format!(
            r#"{{"on": "push", "jobs": {{"a": {{"runs-on": "x", "steps": [{{"uses": "{uses}"}}]}}}}}}"#
        );
        build_workflow(&parse_json(&doc).unwrap()).0.unwrap().jobs[0].steps[0].clone()
    }

    const AWS: &str = "runs:\n  using: composite\n  steps:\n    - uses: aws-actions/configure-aws-credentials@v4\n      with:\n        role-to-assume: arn:aws:iam::123456789012:role/deploy\n        aws-region: us-east-1\n";

    #[test]
    fn composite_actions_are_followed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let workflow = root.join(".github/workflows/deploy.yml");
        write(root, ".github/workflows/deploy.yml", "on: push");
        write(root, ".github/actions/aws/action.yml", AWS);
        write(
            root,
            ".github/actions/outer/action.yaml",
            "runs:\n  using: composite\n  steps:\n    - uses: ./.github/actions/aws\n",
        );
        write(
            root,
            ".github/actions/lint/action.yml",
            "runs:\n  using: composite\n  steps:\n    - run: make lint\n      shell: bash\n",
        );
        write(
            root,
            ".github/actions/loop/action.yml",
            "runs:\n  using: composite\n  steps:\n    - uses: ./.github/actions/loop\n",
        );
        let found = local_action_consumer(&workflow, &step("./.github/actions/aws")).unwrap();
        assert_eq!(found.kind, crate::workflow::ConsumerKind::AwsCredentials);
        assert!(
            found.reason.contains("./.github/actions/aws"),
            "{}",
            found.reason
        );
        assert!(local_action_consumer(&workflow, &step("./.github/actions/outer")).is_some());
        assert!(local_action_consumer(&workflow, &step("./.github/actions/lint")).is_none());
        assert!(local_action_consumer(&workflow, &step("./.github/actions/loop")).is_none());
        assert!(local_action_consumer(&workflow, &step("./.github/actions/none")).is_none());
        // A JavaScript or Docker action is code trustlint cannot read: not a composite action.
        write(
            root,
            "action.yml",
            "runs:\n  using: node24\n  main: dist/index.js\n",
        );
        assert!(read_local_action(root, "./").is_none());
        assert!(read_local_action(root, "./.github/actions/lint").is_some());
        assert!(local_action_consumer(&workflow, &step("./../../etc")).is_none());
        // The caller's `with:` binds the action's inputs.
        write(
            root,
            ".github/actions/role/action.yml",
            "runs:\n  using: composite\n  steps:\n    - uses: aws-actions/configure-aws-credentials@v4\n      with:\n        role-to-assume: ${{ inputs.role }}\n        aws-region: us-east-1\n",
        );
        let doc = r#"{"on": "push", "jobs": {"a": {"runs-on": "x", "steps": [{"uses": "./.github/actions/role", "with": {"role": "arn:aws:iam::123456789012:role/deploy"}}]}}}"#;
        let caller = build_workflow(&parse_json(doc).unwrap()).0.unwrap().jobs[0].steps[0].clone();
        let inlined = inlined_aws_steps(&workflow, &caller);
        assert_eq!(inlined.len(), 1);
        assert!(inlined[0].role_from_caller);
        assert_eq!(
            inlined[0].step.input_text("role-to-assume").as_deref(),
            Some("arn:aws:iam::123456789012:role/deploy")
        );
        assert_eq!(
            input_reference("${{ inputs.role-arn }}").as_deref(),
            Some("role-arn")
        );
        assert_eq!(input_reference("x-${{ inputs.role }}"), None);
        // A workflow outside `.github/workflows/` has no repository root to resolve from.
        assert!(
            local_action_consumer(&root.join("x.yml"), &step("./.github/actions/aws")).is_none()
        );
    }
}
