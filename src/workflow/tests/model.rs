//! The model: triggers, permissions, jobs, steps, duplicate keys.

use super::*;
use crate::source::NodeKind;

// ---------------------------------------------------------------- triggers

#[test]
fn on_as_a_string() {
    let w = wf(&format!(r#"{{"on": "push", {JOBS}}}"#));
    assert_eq!(w.on.form, TriggerForm::Single);
    assert_eq!(w.on.events.len(), 1);
    assert_eq!(w.on.events[0].event.value, "push");
    assert!(w.on.events[0].config.is_none());
    assert!(!w.is_reusable());
}

#[test]
fn on_as_a_list_keeps_unknown_events() {
    let text = format!(r#"{{"on": ["push", "pull_request", "made_up_event"], {JOBS}}}"#);
    let w = wf(&text);
    assert_eq!(w.on.form, TriggerForm::List);
    let names: Vec<&str> = w.on.events.iter().map(|t| t.event.value.as_str()).collect();
    assert_eq!(names, ["push", "pull_request", "made_up_event"]);
    assert_eq!(slice(&text, w.on.events[1].event.span), "\"pull_request\"");
}

#[test]
fn on_as_a_map_reads_filters_and_settings() {
    let text = format!(
        r#"{{"on": {{
  "push": {{"branches": ["main", "release/**"], "tags": "v*", "paths-ignore": ["docs/**"]}},
  "pull_request": {{"branches-ignore": ["wip/*"], "types": ["opened", "synchronize"]}},
  "pull_request_target": null,
  "workflow_dispatch": {{"inputs": {{"env": {{"type": "choice", "options": ["dev", "prod"], "required": true}}}}}},
  "schedule": [{{"cron": "0 3 * * 1"}}, {{"cron": "0 4 * * *"}}],
  "workflow_run": {{"workflows": ["CI"], "types": "completed", "branches": ["main"]}},
  "workflow_call": {{
    "inputs": {{"target": {{"type": "string", "default": "dev", "required": false}}}},
    "secrets": {{"token": {{"required": true}}, "other": null}},
    "outputs": {{"url": {{"value": "${{{{ jobs.b.outputs.url }}}}"}}}}
  }},
  "release": {{"types": ["published"]}},
  "merge_group": null,
  "issue_comment": null
}}, {JOBS}}}"#
    );
    let w = wf(&text);
    assert_eq!(w.on.form, TriggerForm::Map);
    assert_eq!(w.on.events.len(), 10);
    assert!(w.is_reusable() && w.runs_directly());

    let push = w.trigger("push").unwrap();
    let branches = push.branches.as_ref().unwrap();
    assert!(branches.include);
    let pats: Vec<&str> = branches.patterns.iter().map(|p| p.value.as_str()).collect();
    assert_eq!(pats, ["main", "release/**"]);
    assert_eq!(slice(&text, branches.key_span), "\"branches\"");
    assert_eq!(push.tags.as_ref().unwrap().patterns[0].value, "v*");
    assert!(!push.paths.as_ref().unwrap().include);
    assert!(push.config.is_some());

    let pr = w.trigger("pull_request").unwrap();
    assert!(!pr.branches.as_ref().unwrap().include);
    assert_eq!(pr.types.len(), 2);
    assert!(w.trigger("pull_request_target").unwrap().config.is_none());

    let dispatch = w.trigger("workflow_dispatch").unwrap();
    assert_eq!(dispatch.inputs[0].name.value, "env");
    assert_eq!(dispatch.inputs[0].options.len(), 2);
    assert!(dispatch.inputs[0].is_required());

    let crons: Vec<&str> = w
        .trigger("schedule")
        .unwrap()
        .crons
        .iter()
        .map(|c| c.value.as_str())
        .collect();
    assert_eq!(crons, ["0 3 * * 1", "0 4 * * *"]);

    let run = w.trigger("workflow_run").unwrap();
    assert_eq!(run.workflows[0].value, "CI");
    assert_eq!(run.types[0].value, "completed");
    assert_eq!(run.branches.as_ref().unwrap().patterns[0].value, "main");

    let call = w.trigger("workflow_call").unwrap();
    assert_eq!(call.inputs[0].type_.as_ref().unwrap().value, "string");
    assert!(!call.inputs[0].is_required());
    let secrets: Vec<&str> = call.secrets.iter().map(|s| s.value.as_str()).collect();
    assert_eq!(secrets, ["token", "other"]);
    assert_eq!(
        call.outputs[0].value.as_ref().unwrap().value,
        "${{ jobs.b.outputs.url }}"
    );
    assert_eq!(w.trigger("release").unwrap().types[0].value, "published");
}

#[test]
fn trigger_shape_errors() {
    let (w, problems) = build(&format!(
        r#"{{"on": {{"push": {{"branches": ["main"], "branches-ignore": ["x"]}},
            "schedule": {{"cron": "* * * * *"}},
            "workflow_call": {{"inputs": {{"x": {{"default": 1}}}}}},
            "pull_request": ["opened"]}}, {JOBS}}}"#
    ));
    let w = w.unwrap();
    let both = one_invalid(&problems, "`branches` and `branches-ignore` cannot both");
    assert!(both.related.is_some());
    // The first filter is kept.
    assert!(
        w.trigger("push")
            .unwrap()
            .branches
            .as_ref()
            .unwrap()
            .include
    );
    one_invalid(&problems, "`schedule` must be a list");
    one_invalid(&problems, "workflow_call input \"x\" has no `type`");
    one_invalid(
        &problems,
        "the `pull_request` event's settings must be a mapping, found an array",
    );
    assert_eq!(problems.len(), 4, "{:#?}", messages(&problems));

    let (_, problems) = build(&format!(r#"{{"on": 5, {JOBS}}}"#));
    one_invalid(&problems, "`on` must be an event name");
    let (_, problems) = build(&format!(r#"{{"on": ["push", {{"x": 1}}], {JOBS}}}"#));
    one_invalid(&problems, "each event in the `on` list");
}

#[test]
fn missing_on_and_jobs_are_invalid() {
    let (w, problems) = build(r#"{"name": "x"}"#);
    let w = w.expect("still a model");
    assert_eq!(w.on.form, TriggerForm::Missing);
    one_invalid(&problems, "no `on`");
    one_invalid(&problems, "no `jobs`");

    let (w, problems) = build(r#"["not", "a", "mapping"]"#);
    assert!(w.is_none());
    one_invalid(
        &problems,
        "a workflow file must be a mapping, found an array",
    );
}

// ---------------------------------------------------------------- permissions

fn workflow_permissions(json_value: &str) -> (Option<Permissions>, Vec<WorkflowProblem>) {
    let (w, problems) = build(&format!(
        r#"{{"on": "push", "permissions": {json_value}, {JOBS}}}"#
    ));
    (w.unwrap().permissions, problems)
}

#[test]
fn permissions_shapes_and_id_token() {
    let cases: &[(&str, IdTokenLevel)] = &[
        (r#""read-all""#, IdTokenLevel::None),
        (r#""write-all""#, IdTokenLevel::Write),
        ("{}", IdTokenLevel::None),
        (r#"{"contents": "read"}"#, IdTokenLevel::None),
        (
            r#"{"contents": "read", "id-token": "write"}"#,
            IdTokenLevel::Write,
        ),
        (r#"{"id-token": "none"}"#, IdTokenLevel::None),
        (
            r#"{"id-token": "read"}"#,
            IdTokenLevel::Invalid("read".into()),
        ),
        (
            r#"{"id-token": "Write"}"#,
            IdTokenLevel::Invalid("Write".into()),
        ),
        (
            r#"{"id-token": true}"#,
            IdTokenLevel::Invalid("true".into()),
        ),
    ];
    for (value, expected) in cases {
        let (p, problems) = workflow_permissions(value);
        assert!(problems.is_empty(), "{value}: {problems:#?}");
        assert_eq!(&p.unwrap().id_token(), expected, "{value}");
    }
    let (p, _) = workflow_permissions(r#""read-all""#);
    assert!(matches!(p.unwrap().kind, PermissionsKind::ReadAll));
    let (p, _) = workflow_permissions(r#""write-all""#);
    assert!(matches!(p.unwrap().kind, PermissionsKind::WriteAll));
    let (p, _) = workflow_permissions("{}");
    assert!(matches!(p.unwrap().kind, PermissionsKind::None_));
}

#[test]
fn permission_values_are_kept_raw() {
    let text = format!(
        r#"{{"on": "push", "permissions": {{"contents": "admin", "made-up": "write", "id-token": "read"}}, {JOBS}}}"#
    );
    let w = wf(&text);
    let p = w.permissions.unwrap();
    let PermissionsKind::Map(entries) = &p.kind else {
        panic!("{:?}", p.kind)
    };
    let raw: Vec<(&str, &str)> = entries
        .iter()
        .map(|e| (e.scope.value.as_str(), e.level.value.as_str()))
        .collect();
    assert_eq!(
        raw,
        [
            ("contents", "admin"),
            ("made-up", "write"),
            ("id-token", "read")
        ]
    );
    assert_eq!(slice(&text, entries[2].level.span), "\"read\"");
    assert_eq!(p.id_token(), IdTokenLevel::Invalid("read".into()));
}

#[test]
fn invalid_permission_blocks() {
    // Reported as their own kind (by invalid-permission), not as Invalid.
    const PERMS: WorkflowProblemKind = WorkflowProblemKind::InvalidPermissions;
    let (p, problems) = workflow_permissions(r#""read""#);
    one_of_kind(&problems, PERMS, "found \"read\"");
    assert_eq!(problems.len(), 1);
    assert_eq!(p.unwrap().id_token(), IdTokenLevel::Invalid("read".into()));
    let (p, problems) = workflow_permissions(r#"["id-token"]"#);
    one_of_kind(
        &problems,
        PERMS,
        "`permissions` must be read-all, write-all or a mapping",
    );
    assert!(matches!(p.unwrap().id_token(), IdTokenLevel::Invalid(_)));
    let (p, problems) = workflow_permissions(r#"{"id-token": {"x": 1}, "contents": "read"}"#);
    one_of_kind(
        &problems,
        PERMS,
        "the level of `id-token` must be read, write or none",
    );
    // The unreadable entry is dropped: id-token is not listed, so none.
    assert_eq!(p.unwrap().id_token(), IdTokenLevel::None);
}

#[test]
fn a_repeated_scope_is_a_duplicate_and_the_first_counts() {
    let (p, problems) = workflow_permissions(r#"{"id-token": "write", "id-token": "none"}"#);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].kind, WorkflowProblemKind::DuplicateKey);
    assert_eq!(p.unwrap().id_token(), IdTokenLevel::Write);
}

// ---------------------------------------------------------------- jobs, environment, steps

#[test]
fn environment_forms() {
    let text = r#"{"on": "push", "jobs": {
        "a": {"runs-on": "x", "environment": "production", "steps": [{"run": "a"}]},
        "b": {"runs-on": "x", "environment": {"name": "staging", "url": "https://s.example"}, "steps": [{"run": "a"}]},
        "c": {"runs-on": "x", "environment": "${{ inputs.target }}", "steps": [{"run": "a"}]},
        "d": {"runs-on": "x", "environment": {"name": "prod-${{ github.ref_name }}"}, "steps": [{"run": "a"}]}
    }}"#;
    let w = wf(text);
    let env = |id: &str| w.job(id).unwrap().environment.clone().unwrap();
    assert_eq!(env("a").name.value, "production");
    assert!(!env("a").is_expression);
    assert_eq!(slice(text, env("a").name.span), "\"production\"");
    assert_eq!(env("b").name.value, "staging");
    assert_eq!(env("b").url.unwrap().value, "https://s.example");
    assert!(env("c").is_expression);
    assert!(env("d").is_expression);

    let (_, problems) = build(
        r#"{"on": "push", "jobs": {"a": {"runs-on": "x", "environment": {"url": "u"}, "steps": [{"run": "a"}]}}}"#,
    );
    one_invalid(&problems, "an `environment` mapping needs a `name`");
}

#[test]
fn jobs_and_steps_are_read_with_spans() {
    let text = r#"{"name": "Deploy", "on": "push",
  "env": {"A": "1", "N": 5},
  "jobs": {
    "build": {"runs-on": "ubuntu-latest", "outputs": {"image": "${{ steps.b.outputs.image }}"},
      "steps": [
        {"uses": "actions/checkout@v4"},
        {"id": "b", "name": "Build", "run": "make", "env": {"TOKEN": "${{ secrets.T }}"}, "if": "github.ref == 'refs/heads/main'"}
      ]},
    "deploy": {"needs": ["build"], "if": true, "runs-on": ["self-hosted", "linux"],
      "strategy": {"matrix": {"r": ["a", "b"]}},
      "steps": [{"name": "Creds", "uses": "aws-actions/configure-aws-credentials@v4", "with": {"role-to-assume": "arn:aws:iam::1:role/r", "aws-region": "us-east-1"}}]},
    "call": {"needs": "deploy", "uses": "./.github/workflows/reusable.yml", "with": {"x": 1}, "secrets": "inherit"}
  }}"#;
    let w = wf(text);
    assert_eq!(w.name.as_ref().unwrap().value, "Deploy");
    assert_eq!(w.env.len(), 2);
    assert_eq!(w.env[1].value.kind, NodeKind::Number("5".into()));
    let ids: Vec<&str> = w.jobs.iter().map(|j| j.id.value.as_str()).collect();
    assert_eq!(ids, ["build", "deploy", "call"]);

    let build = w.job("build").unwrap();
    assert_eq!(slice(text, build.id.span), "\"build\"");
    assert_eq!(build.outputs[0].0.value, "image");
    assert_eq!(build.steps.len(), 2);
    let s0 = &build.steps[0];
    assert_eq!(s0.index, 0);
    assert_eq!(
        s0.uses.as_ref().unwrap().value.action_name().as_deref(),
        Some("actions/checkout")
    );
    assert_eq!(
        slice(text, s0.uses.as_ref().unwrap().span),
        "\"actions/checkout@v4\""
    );
    let s1 = &build.steps[1];
    assert_eq!(s1.id.as_ref().unwrap().value, "b");
    assert_eq!(s1.run.as_ref().unwrap().value, "make");
    assert_eq!(s1.env[0].name.value, "TOKEN");
    assert_eq!(s1.display_name(), "Build");
    assert!(s1.if_.is_some());

    let deploy = w.job("deploy").unwrap();
    assert_eq!(deploy.needs[0].value, "build");
    assert_eq!(deploy.if_.as_ref().unwrap().value, "true");
    assert!(matches!(
        deploy.runs_on.as_ref().unwrap().kind,
        NodeKind::Array(_)
    ));
    assert!(deploy.strategy.is_some());
    let creds = &deploy.steps[0];
    assert_eq!(
        creds.input_text("ROLE-TO-ASSUME").as_deref(),
        Some("arn:aws:iam::1:role/r")
    );
    assert_eq!(creds.input("missing"), None);

    let call = w.job("call").unwrap();
    assert!(call.is_caller());
    assert_eq!(
        call.uses.as_ref().unwrap().value.workflow_path(),
        Some(".github/workflows/reusable.yml")
    );
    assert_eq!(call.needs[0].value, "deploy");
    assert_eq!(call.with[0].0.value, "x");
    assert_eq!(call.secrets.as_ref().unwrap().as_str(), Some("inherit"));
    assert!(call.steps.is_empty());
}

#[test]
fn wrong_shapes_are_precise() {
    let (w, problems) = build(
        r#"{"on": "push", "permission": {"id-token": "write"}, "jobs": {
        "a": {"runs-on": "x", "steps": {"run": "x"}},
        "b": {"runs-on": "x", "steps": [{"uses": "actions/checkout@v4", "run": "echo"}, {"name": "nothing"}, "text"]},
        "c": {"runs-on": "x"},
        "d": {"uses": "./.github/workflows/x.yml", "environment": "prod", "runs-on": "x"},
        "e": {"uses": "actions/checkout@v4"},
        "f": {"runs-on": "x", "needs": ["nope"], "steps": [{"uses": "./.github/workflows/x.yml"}, {"uses": "actions/checkout"}, {"run": "x", "with": {"a": 1}}]},
        "9bad": {"runs-on": "x", "steps": [{"id": "s", "run": "a"}, {"id": "S", "run": "b"}, {"run": "c", "timeout": 3}]},
        "g": {"steps": [{"run": "x"}]},
        "h": "not a job",
        "i": {"uses": "o/r/.github/workflows/x.yml", "secrets": "all"},
        "j": {"uses": "./.github/workflows/x.yml", "steps": []}
    }}"#,
    );
    let w = w.unwrap();
    one_invalid(
        &problems,
        "unknown key \"permission\" at the top of the workflow",
    );
    one_invalid(
        &problems,
        "`steps` must be a list of steps, found an object",
    );
    let both = one_invalid(&problems, "step 1 has both `uses` and `run`");
    assert!(both.related.is_some());
    one_invalid(&problems, "step 2 has neither `uses` nor `run`");
    one_invalid(&problems, "step 3 must be a mapping, found a string");
    one_invalid(&problems, "job \"c\" has neither `steps` nor `uses`");
    one_invalid(&problems, "`environment` is not allowed in a job that calls a reusable workflow (set `environment` on the called workflow's jobs instead)");
    one_invalid(
        &problems,
        "`runs-on` is not allowed in a job that calls a reusable workflow",
    );
    one_invalid(&problems, "a job's `uses` must name a reusable workflow");
    one_invalid(&problems, "job \"f\" needs \"nope\"");
    one_invalid(
        &problems,
        "names a reusable workflow: call it from a job's `uses`",
    );
    one_invalid(&problems, "`uses: actions/checkout` has no `@ref`");
    one_invalid(
        &problems,
        "step 3 runs a script: `with` is only for `uses` steps",
    );
    one_invalid(&problems, "job id \"9bad\" must start with a letter");
    one_invalid(&problems, "step id \"S\" is used more than once");
    one_invalid(&problems, "unknown key \"timeout\" in step 3");
    one_invalid(&problems, "job \"g\" has no `runs-on`");
    one_invalid(&problems, "job \"h\" must be a mapping, found a string");
    one_invalid(
        &problems,
        "`uses: o/r/.github/workflows/x.yml` has no `@ref`",
    );
    one_invalid(
        &problems,
        "a caller job's `secrets` must be a mapping or `inherit`, found \"all\"",
    );
    one_invalid(
        &problems,
        "job \"j\" has both `uses` (calls a reusable workflow) and `steps`",
    );
    assert_eq!(problems.len(), 21, "{:#?}", messages(&problems));
    // Everything readable is still in the model; the caller's environment is kept for rules.
    assert_eq!(w.jobs.len(), 11 - 1);
    assert_eq!(w.job("b").unwrap().steps.len(), 2);
    assert!(w.job("d").unwrap().environment.is_some());
    // Problems come sorted by position.
    assert!(problems
        .windows(2)
        .all(|p| p[0].span.start <= p[1].span.start));
}

// ---------------------------------------------------------------- duplicate keys

#[test]
fn duplicate_keys_anywhere_are_reported_at_the_second_key() {
    let text = r#"{"on": "push", "jobs": {
  "a": {"runs-on": "x", "steps": [{"uses": "o/r@v1", "with": {"role": "first", "Role": "second"}}],
        "permissions": {"id-token": "write"}, "permissions": {}},
  "a": {"runs-on": "y", "steps": [{"run": "b"}]}
}}"#;
    let (w, problems) = build(text);
    let w = w.unwrap();
    let dups: Vec<&WorkflowProblem> = problems
        .iter()
        .filter(|p| p.kind == WorkflowProblemKind::DuplicateKey)
        .collect();
    assert_eq!(dups.len(), 3, "{:#?}", messages(&problems));
    assert_eq!(problems.len(), 3);
    // Sorted by position: `Role`, the second `permissions`, the second job `a`.
    assert_eq!(slice(text, dups[0].span), "\"Role\"");
    assert!(dups[0].message.contains("case-insensitively"));
    assert_eq!(slice(text, dups[0].related.as_ref().unwrap().0), "\"role\"");
    assert_eq!(slice(text, dups[1].span), "\"permissions\"");
    let second_a = text.rfind("\"a\"").unwrap();
    assert_eq!(dups[2].span.start, second_a);
    assert_eq!(
        dups[2].related.as_ref().unwrap().0.start,
        text.find("\"a\"").unwrap()
    );
    // GitHub keeps (and rejects) the first; so does the model.
    assert_eq!(w.jobs.len(), 1);
    let a = &w.jobs[0];
    assert_eq!(a.runs_on.as_ref().unwrap().as_str(), Some("x"));
    assert_eq!(
        a.permissions.as_ref().unwrap().id_token(),
        IdTokenLevel::Write
    );
    assert_eq!(a.steps[0].input_text("role").as_deref(), Some("first"));
}

// ---------------------------------------------------------------- never panic

#[test]
fn odd_documents_never_panic() {
    let docs = [
        "null",
        "true",
        "1",
        "\"x\"",
        "[]",
        "{}",
        r#"{"on": null, "jobs": null}"#,
        r#"{"on": {}, "jobs": {}}"#,
        r#"{"on": [], "jobs": []}"#,
        r#"{"on": {"push": 1}}"#,
        r#"{"on": {"push": {"branches": {"a": 1}, "tags": [1, null, []]}}}"#,
        r#"{"on": {"schedule": [1, {"x": 1}, {"cron": []}]}}"#,
        r#"{"on": {"workflow_call": {"inputs": [], "secrets": "x", "outputs": {"a": 1, "b": {}}}}}"#,
        r#"{"on": {"workflow_dispatch": {"inputs": {"a": null, "b": {"type": []}}}}}"#,
        r#"{"permissions": null, "env": [], "name": {}}"#,
        r#"{"jobs": {"": {}, "a": null, "b": [], "c": {"steps": null, "uses": 1, "needs": {}, "environment": []}}}"#,
        r#"{"jobs": {"a": {"uses": "", "with": [], "secrets": null, "outputs": [], "permissions": 7}}}"#,
        r#"{"jobs": {"a": {"runs-on": "x", "steps": [null, [], {"uses": {}}, {"uses": "docker://"}, {"run": []}, {"env": "x", "with": null}]}}}"#,
        r#"{"jobs": {"a": {"runs-on": "x", "environment": {"name": null, "url": []}, "steps": [{"run": "${{"}]}}}"#,
        r#"{"jobs": {"a": {"runs-on": "x", "steps": [{"uses": "@", "id": {}}, {"uses": "a/b@", "id": {}}]}}}"#,
    ];
    for doc in docs {
        let node = parse_json(doc).unwrap();
        let (w, _) = build_workflow(&node);
        exercise(w.as_ref());
    }
}
