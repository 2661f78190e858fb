//! Tests of the workflow model, effective permissions and OIDC consumers. Workflows are written
//! as JSON (a subset of YAML) and read with `parse_json` into the same `Node` tree.

mod model;
mod oidc;
mod permissions;

use super::*;
use crate::source::{parse_json, Node, NodeKind, ObjectEntry, Span};

pub(super) fn build(json: &str) -> (Option<Workflow>, Vec<WorkflowProblem>) {
    let node = parse_json(json).unwrap_or_else(|e| panic!("bad test JSON: {e:?}\n{json}"));
    build_workflow(&node)
}

/// A workflow that must build without any problem.
pub(super) fn wf(json: &str) -> Workflow {
    let (workflow, problems) = build(json);
    assert!(problems.is_empty(), "unexpected problems: {problems:#?}");
    workflow.expect("a workflow")
}

pub(super) fn messages(problems: &[WorkflowProblem]) -> Vec<&str> {
    problems.iter().map(|p| p.message.as_str()).collect()
}

/// Asserts exactly one Invalid problem containing `needle` and returns it.
pub(super) fn one_invalid<'p>(
    problems: &'p [WorkflowProblem],
    needle: &str,
) -> &'p WorkflowProblem {
    one_of_kind(problems, WorkflowProblemKind::Invalid, needle)
}

/// Asserts exactly one problem of `kind` containing `needle` and returns it.
pub(super) fn one_of_kind<'p>(
    problems: &'p [WorkflowProblem],
    kind: WorkflowProblemKind,
    needle: &str,
) -> &'p WorkflowProblem {
    let hits: Vec<_> = problems
        .iter()
        .filter(|p| p.kind == kind && p.message.contains(needle))
        .collect();
    assert_eq!(hits.len(), 1, "{needle:?} in {:#?}", messages(problems));
    hits[0]
}

pub(super) fn slice(text: &str, span: Span) -> &str {
    &text[span.start..span.end]
}

pub(super) const JOBS: &str =
    r#""jobs": {"b": {"runs-on": "ubuntu-latest", "steps": [{"run": "true"}]}}"#;

/// Runs every public analysis over a model; panics are the failure.
pub(super) fn exercise(w: Option<&Workflow>) {
    let Some(w) = w else { return };
    let all = [
        (".github/workflows/w.yml", w),
        (".github/workflows/c.yml", w),
    ];
    for job in &w.jobs {
        let e = effective_id_token_in_repo(".github/workflows/w.yml", w, job, &all);
        let _ = e.explain("w.yml", &|p, s| format!("{p}:{}", s.start));
        for step in &job.steps {
            let _ = oidc_consumer(step);
            if let Some(run) = &step.run {
                let _ = expression_refs(&run.value);
            }
        }
        if let Some(cond) = &job.if_ {
            let _ = condition_refs(&cond.value);
        }
    }
    if let Some(p) = &w.permissions {
        let _ = p.id_token();
    }
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    const KEYS: &[&str] = &[
        "on",
        "jobs",
        "permissions",
        "id-token",
        "steps",
        "uses",
        "run",
        "with",
        "env",
        "runs-on",
        "environment",
        "name",
        "needs",
        "if",
        "secrets",
        "outputs",
        "strategy",
        "push",
        "branches",
        "branches-ignore",
        "tags",
        "schedule",
        "cron",
        "workflow_call",
        "inputs",
        "type",
        "value",
        "url",
        "role-to-assume",
        "ID-TOKEN",
        "a",
        "",
    ];
    const STRINGS: &[&str] = &[
        "write",
        "none",
        "read",
        "read-all",
        "write-all",
        "inherit",
        "push",
        "workflow_call",
        "./.github/workflows/w.yml",
        "./.github/workflows/c.yml",
        "o/r@v1",
        "@",
        "docker://x",
        "${{ secrets.A }}",
        "${{",
        "aws-actions/configure-aws-credentials@v4",
        "é",
        "",
        "ACTIONS_ID_TOKEN_REQUEST_URL",
    ];

    fn node() -> impl Strategy<Value = Node> {
        let sp = || Span::new(0, 0);
        let leaf = prop_oneof![
            Just(NodeKind::Null),
            any::<bool>().prop_map(NodeKind::Bool),
            Just(NodeKind::Number("1".into())),
            prop::sample::select(STRINGS).prop_map(|s| NodeKind::String(s.to_string())),
        ]
        .prop_map(move |kind| Node { kind, span: sp() });
        leaf.prop_recursive(5, 64, 6, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(move |items| Node {
                    kind: NodeKind::Array(items),
                    span: Span::new(0, 0),
                }),
                prop::collection::vec((prop::sample::select(KEYS), inner), 0..6).prop_map(
                    move |entries| Node {
                        kind: NodeKind::Object(
                            entries
                                .into_iter()
                                .map(|(k, value)| ObjectEntry {
                                    key: k.to_string(),
                                    key_span: Span::new(0, 0),
                                    value,
                                })
                                .collect()
                        ),
                        span: Span::new(0, 0),
                    }
                ),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn arbitrary_trees_never_panic(root in node()) {
            let (w, _) = build_workflow(&root);
            exercise(w.as_ref());
        }

        #[test]
        fn arbitrary_text_never_panics(s in ".{0,40}") {
            let _ = expression_refs(&s);
            let _ = condition_refs(&s);
            let u = UsesRef::parse(&s);
            prop_assert_eq!(u.raw, s);
        }
    }
}
