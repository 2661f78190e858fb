//! Effective id-token permissions and their provenance.

use super::*;

use crate::source::{LineIndex, Span};

// ---------------------------------------------------------------- effective permissions

fn job<'w>(w: &'w Workflow, id: &str) -> &'w Job {
    w.job(id).unwrap_or_else(|| panic!("no job {id}"))
}

fn line_of(text: &str, span: Span) -> usize {
    LineIndex::new(text).line_col(text, span.start).line
}

const STEP: &str = r#""steps": [{"uses": "aws-actions/configure-aws-credentials@v4", "with": {"role-to-assume": "r", "aws-region": "us-east-1"}}]"#;

#[test]
fn no_permissions_anywhere_is_default_none() {
    let w = wf(&format!(
        r#"{{"on": "push", "jobs": {{"d": {{"runs-on": "x", {STEP}}}}}}}"#
    ));
    let e = effective_id_token("deploy.yml", &w, job(&w, "d"), &[]);
    assert_eq!(e.level, IdTokenLevel::None);
    assert_eq!(e.source, Provenance::Default);
}

#[test]
fn workflow_level_write() {
    let text = format!(
        r#"{{"on": "push", "permissions": {{"id-token": "write", "contents": "read"}}, "jobs": {{"d": {{"runs-on": "x", {STEP}}}}}}}"#
    );
    let w = wf(&text);
    let e = effective_id_token("deploy.yml", &w, job(&w, "d"), &[]);
    assert_eq!(e.level, IdTokenLevel::Write);
    let Provenance::WorkflowLevel(span) = e.source else {
        panic!("{:?}", e.source)
    };
    assert!(slice(&text, span).starts_with("{\"id-token\""));
}

#[test]
fn write_all_and_read_all() {
    let w = wf(&format!(
        r#"{{"on": "push", "permissions": "write-all", "jobs": {{
            "w": {{"runs-on": "x", {STEP}}},
            "r": {{"runs-on": "x", "permissions": "read-all", {STEP}}}}}}}"#
    ));
    assert_eq!(
        effective_id_token("d.yml", &w, job(&w, "w"), &[]).level,
        IdTokenLevel::Write
    );
    let r = effective_id_token("d.yml", &w, job(&w, "r"), &[]);
    assert_eq!(r.level, IdTokenLevel::None);
    assert!(matches!(
        r.source,
        Provenance::JobLevelReplacesWorkflow { .. }
    ));
}

#[test]
fn job_level_block_replaces_workflow_write() {
    let text = format!(
        "{{\"on\": \"push\",\n\"permissions\": {{\"id-token\": \"write\"}},\n\"jobs\": {{\n\"ok\": {{\"runs-on\": \"x\", \"permissions\": {{\"id-token\": \"write\", \"contents\": \"read\"}}, {STEP}}},\n\"deploy\": {{\"runs-on\": \"x\",\n\"permissions\": {{\"contents\": \"read\"}},\n{STEP}}}}}}}"
    );
    let w = wf(&text);
    let e = effective_id_token("deploy.yml", &w, job(&w, "deploy"), &[]);
    assert_eq!(e.level, IdTokenLevel::None);
    let Provenance::JobLevelReplacesWorkflow {
        job: j,
        workflow: wl,
    } = e.source.clone()
    else {
        panic!("{:?}", e.source)
    };
    assert_eq!(slice(&text, j), "{\"contents\": \"read\"}");
    assert_eq!(slice(&text, wl), "{\"id-token\": \"write\"}");
    let explained = e.explain("deploy.yml", &|p, s| format!("{p}:{}", line_of(&text, s)));
    assert_eq!(
        explained,
        "job-level permissions at deploy.yml:6 replace the workflow-level block that granted id-token: write (at deploy.yml:2), so the job gets id-token: none"
    );
    // A job-level block that grants it itself is plain JobLevel.
    let ok = effective_id_token("deploy.yml", &w, job(&w, "ok"), &[]);
    assert_eq!(ok.level, IdTokenLevel::Write);
    assert!(matches!(ok.source, Provenance::JobLevel(_)));
}

#[test]
fn invalid_id_token_value_is_effective_invalid() {
    let w = wf(&format!(
        r#"{{"on": "push", "jobs": {{"d": {{"runs-on": "x", "permissions": {{"id-token": "read"}}, {STEP}}}}}}}"#
    ));
    let e = effective_id_token("d.yml", &w, job(&w, "d"), &[]);
    assert_eq!(e.level, IdTokenLevel::Invalid("read".into()));
}

/// A callee workflow (only `workflow_call`) and callers, all in one repository.
fn repo_workflows(callee_perms: &str, caller_perms: &str) -> (Workflow, Workflow) {
    let callee = wf(&format!(
        r#"{{"on": {{"workflow_call": null}}, {callee_perms} "jobs": {{"deploy": {{"runs-on": "x", {STEP}}}}}}}"#
    ));
    let caller = wf(&format!(
        r#"{{"on": "push", {caller_perms} "jobs": {{"call": {{"uses": "./.github/workflows/deploy.yml"}}}}}}"#
    ));
    (callee, caller)
}

const CALLEE: &str = "repo/.github/workflows/deploy.yml";
const CALLER: &str = "repo/.github/workflows/ci.yml";

#[test]
fn callee_is_capped_by_a_caller_that_does_not_grant_it() {
    let (callee, caller) = repo_workflows(
        r#""permissions": {"id-token": "write"},"#,
        r#""permissions": {"contents": "read"},"#,
    );
    let all = [(CALLEE, &callee), (CALLER, &caller)];
    let grants = caller_grants(CALLEE, &all);
    assert_eq!(grants.len(), 1);
    assert_eq!(grants[0].caller_path, CALLER);
    assert_eq!(grants[0].caller_job_id.value, "call");
    assert_eq!(grants[0].level, IdTokenLevel::None);
    assert!(matches!(grants[0].source, Provenance::WorkflowLevel(_)));

    let e = effective_id_token(CALLEE, &callee, job(&callee, "deploy"), &grants);
    assert_eq!(
        e.level,
        IdTokenLevel::None,
        "the callee cannot raise what it is given"
    );
    let Provenance::Callers {
        declared,
        outcomes,
        runs_directly,
    } = &e.source
    else {
        panic!("{:?}", e.source)
    };
    assert!(!runs_directly);
    assert_eq!(declared.level, IdTokenLevel::Write);
    assert!(matches!(declared.source, Provenance::WorkflowLevel(_)));
    assert_eq!(outcomes.len(), 1);
    assert!(outcomes[0].exceeds_grant);
    assert_eq!(outcomes[0].level, IdTokenLevel::None);
    let text = e.explain(CALLEE, &|p, s| format!("{p}@{}", s.start));
    assert!(
        text.contains("grants only id-token: none, so the run fails at start"),
        "{text}"
    );
}

#[test]
fn callee_keeps_or_lowers_what_the_caller_grants() {
    // Caller grants write, callee declares nothing: it inherits write.
    let (callee, caller) = repo_workflows("", r#""permissions": {"id-token": "write"},"#);
    let all = [(CALLEE, &callee), (CALLER, &caller)];
    let e = effective_id_token_in_repo(CALLEE, &callee, job(&callee, "deploy"), &all);
    assert_eq!(e.level, IdTokenLevel::Write);
    // Caller grants write, callee lowers it with its own block.
    let (callee, caller) = repo_workflows(
        r#""permissions": {"contents": "read"},"#,
        r#""permissions": "write-all","#,
    );
    let all = [(CALLEE, &callee), (CALLER, &caller)];
    let e = effective_id_token_in_repo(CALLEE, &callee, job(&callee, "deploy"), &all);
    assert_eq!(e.level, IdTokenLevel::None);
    let Provenance::Callers { outcomes, .. } = &e.source else {
        panic!()
    };
    assert!(!outcomes[0].exceeds_grant);
    // Both grant: write.
    let (callee, caller) = repo_workflows(
        r#""permissions": {"id-token": "write"},"#,
        r#""permissions": {"id-token": "write"},"#,
    );
    let all = [(CALLEE, &callee), (CALLER, &caller)];
    assert_eq!(
        effective_id_token_in_repo(CALLEE, &callee, job(&callee, "deploy"), &all).level,
        IdTokenLevel::Write
    );
    // No permissions in the caller: default none, and the callee inherits none.
    let (callee, caller) = repo_workflows("", "");
    let all = [(CALLEE, &callee), (CALLER, &caller)];
    let e = effective_id_token_in_repo(CALLEE, &callee, job(&callee, "deploy"), &all);
    assert_eq!(e.level, IdTokenLevel::None);
}

#[test]
fn caller_job_permissions_win_over_its_workflow_level() {
    let callee = wf(&format!(
        r#"{{"on": "workflow_call", "permissions": {{"id-token": "write"}}, "jobs": {{"deploy": {{"runs-on": "x", {STEP}}}}}}}"#
    ));
    let caller = wf(
        r#"{"on": "push", "permissions": {"contents": "read"}, "jobs": {
            "good": {"uses": "./.github/workflows/deploy.yml", "permissions": {"id-token": "write"}},
            "bad": {"uses": "./.github/workflows/deploy.yml"}}}"#,
    );
    let all = [(CALLEE, &callee), (CALLER, &caller)];
    let grants = caller_grants(CALLEE, &all);
    let levels: Vec<(&str, &IdTokenLevel)> = grants
        .iter()
        .map(|g| (g.caller_job_id.value.as_str(), &g.level))
        .collect();
    assert_eq!(
        levels,
        [("good", &IdTokenLevel::Write), ("bad", &IdTokenLevel::None)]
    );
    let e = effective_id_token(CALLEE, &callee, job(&callee, "deploy"), &grants);
    // The weakest path wins: one caller does not grant it.
    assert_eq!(e.level, IdTokenLevel::None);
    let Provenance::Callers { outcomes, .. } = &e.source else {
        panic!()
    };
    let exceeds: Vec<bool> = outcomes.iter().map(|o| o.exceeds_grant).collect();
    assert_eq!(exceeds, [false, true]);
}

#[test]
fn callee_with_no_local_caller_depends_on_the_caller() {
    let (callee, _) = repo_workflows(r#""permissions": {"id-token": "write"},"#, "");
    let all = [(CALLEE, &callee)];
    let e = effective_id_token_in_repo(CALLEE, &callee, job(&callee, "deploy"), &all);
    assert_eq!(e.level, IdTokenLevel::Write, "at most what it declares");
    let Provenance::DependsOnCaller { declared } = &e.source else {
        panic!("{:?}", e.source)
    };
    assert!(matches!(declared.source, Provenance::WorkflowLevel(_)));

    // Declaring nothing: the caller decides, so the upper bound is write.
    let (callee, _) = repo_workflows("", "");
    let e = effective_id_token(CALLEE, &callee, job(&callee, "deploy"), &[]);
    assert_eq!(e.level, IdTokenLevel::Write);
    assert!(
        matches!(&e.source, Provenance::DependsOnCaller { declared } if declared.source == Provenance::Default)
    );
    assert!(e
        .explain(CALLEE, &|_, _| String::new())
        .contains("whatever the caller grants"));

    // Declaring a block without id-token: none whatever the caller grants.
    let (callee, _) = repo_workflows(r#""permissions": {"contents": "read"},"#, "");
    let e = effective_id_token(CALLEE, &callee, job(&callee, "deploy"), &[]);
    assert_eq!(e.level, IdTokenLevel::None);
}

#[test]
fn reusable_workflow_that_also_runs_directly() {
    let callee = wf(&format!(
        r#"{{"on": ["push", "workflow_call"], "jobs": {{"deploy": {{"runs-on": "x", {STEP}}}}}}}"#
    ));
    // No local caller: direct runs get the declaration (default none).
    let e = effective_id_token(CALLEE, &callee, job(&callee, "deploy"), &[]);
    assert_eq!(e.level, IdTokenLevel::None);
    assert_eq!(e.source, Provenance::Default);
    // A caller granting write does not help the direct push runs.
    let caller = wf(
        r#"{"on": "push", "permissions": "write-all", "jobs": {"c": {"uses": "./.github/workflows/deploy.yml"}}}"#,
    );
    let all = [(CALLEE, &callee), (CALLER, &caller)];
    let e = effective_id_token_in_repo(CALLEE, &callee, job(&callee, "deploy"), &all);
    assert_eq!(e.level, IdTokenLevel::None);
    let Provenance::Callers {
        outcomes,
        runs_directly,
        ..
    } = &e.source
    else {
        panic!()
    };
    assert!(runs_directly);
    assert_eq!(outcomes[0].level, IdTokenLevel::Write);
}

#[test]
fn callers_are_found_only_in_the_same_repository_and_nested_chains_resolve() {
    let callee = wf(&format!(
        r#"{{"on": "workflow_call", "jobs": {{"deploy": {{"runs-on": "x", {STEP}}}}}}}"#
    ));
    // middle.yml is itself reusable and calls deploy.yml; top.yml grants write to middle.
    let middle =
        wf(r#"{"on": "workflow_call", "jobs": {"m": {"uses": "./.github/workflows/deploy.yml"}}}"#);
    let top = wf(
        r#"{"on": "push", "jobs": {"t": {"uses": "./.github/workflows/middle.yml", "permissions": {"id-token": "write"}}}}"#,
    );
    let other_repo =
        wf(r#"{"on": "push", "jobs": {"x": {"uses": "./.github/workflows/deploy.yml"}}}"#);
    let remote =
        wf(r#"{"on": "push", "jobs": {"x": {"uses": "o/repo/.github/workflows/deploy.yml@v1"}}}"#);
    let all = [
        (CALLEE, &callee),
        ("repo/.github/workflows/middle.yml", &middle),
        ("repo/.github/workflows/top.yml", &top),
        ("elsewhere/.github/workflows/ci.yml", &other_repo),
        ("repo/.github/workflows/remote.yml", &remote),
    ];
    let grants = caller_grants(CALLEE, &all);
    assert_eq!(grants.len(), 1, "{grants:#?}");
    assert_eq!(grants[0].caller_path, "repo/.github/workflows/middle.yml");
    assert_eq!(grants[0].level, IdTokenLevel::Write);
    assert!(matches!(grants[0].source, Provenance::Callers { .. }));
    let e = effective_id_token(CALLEE, &callee, job(&callee, "deploy"), &grants);
    assert_eq!(e.level, IdTokenLevel::Write);
}

#[test]
fn call_cycles_terminate() {
    let a = wf(r#"{"on": "workflow_call", "jobs": {"a": {"uses": "./.github/workflows/b.yml"}}}"#);
    let b = wf(r#"{"on": "workflow_call", "jobs": {"b": {"uses": "./.github/workflows/a.yml"}}}"#);
    let all = [
        (".github/workflows/a.yml", &a),
        (".github/workflows/b.yml", &b),
    ];
    let grants = caller_grants(".github/workflows/a.yml", &all);
    assert_eq!(grants.len(), 1);
    let _ = effective_id_token(".github/workflows/a.yml", &a, job(&a, "a"), &grants);
    // A workflow calling itself is not its own caller.
    let own = [CallerGrant {
        caller_path: ".github/workflows/a.yml".into(),
        caller_job_id: job(&a, "a").id.clone(),
        span: Span::new(0, 0),
        level: IdTokenLevel::Write,
        source: Provenance::Default,
    }];
    let e = effective_id_token(".github/workflows/a.yml", &a, job(&a, "a"), &own);
    assert!(matches!(e.source, Provenance::DependsOnCaller { .. }));
}

#[test]
fn many_paths_between_callers_stay_cheap() {
    // 40 reusable workflows, each called by two others and running steps itself: the number of
    // caller chains is exponential, the work must not be.
    let docs: Vec<(String, Workflow)> = (0..40)
        .map(|i| {
            let json = format!(
                r#"{{"on": "workflow_call", "permissions": {{"id-token": "write"}}, "jobs": {{
                    "a": {{"uses": "./.github/workflows/w{}.yml"}},
                    "b": {{"uses": "./.github/workflows/w{}.yml"}},
                    "c": {{"runs-on": "x", "steps": [{{"run": "make"}}]}}
                }}}}"#,
                (i + 1) % 40,
                (i + 7) % 40
            );
            (format!("r/.github/workflows/w{i}.yml"), wf(&json))
        })
        .collect();
    let all: Vec<(&str, &Workflow)> = docs.iter().map(|(p, w)| (p.as_str(), w)).collect();
    let started = std::time::Instant::now();
    for (path, w) in &all {
        let e = effective_id_token_in_repo(path, w, job(w, "c"), &all);
        let _ = e.explain(path, &|p, s| format!("{p}:{}", s.start));
    }
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    // Nesting deeper than GitHub allows is cut, not followed.
    let grants = caller_grants("r/.github/workflows/w0.yml", &all);
    assert_eq!(grants.len(), 2);
}
