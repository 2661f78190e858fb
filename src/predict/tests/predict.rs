//! Predicted contexts and subjects per event, filters, environments, reusable workflows and
//! subject formats.

use super::*;

#[test]
fn push_without_filters_is_any_branch_and_any_tag() {
    let p = predict_yaml(&deploy_workflow(" push", ""));
    assert_eq!(kinds(&p), ["any branch", "any tag"]);
    let subs = subject_strings(&p, &repo());
    assert_eq!(subs[0], "repo:o/r:ref:refs/heads/main");
    assert!(subs.contains(&"repo:o/r:ref:refs/tags/v1.0.0".to_string()));
    assert!(subs.len() >= 3, "{subs:?}");
    assert!(can_present(&p, "repo:o/r:ref:refs/heads/any/thing"));
    assert!(can_present(&p, "repo:o/r:ref:refs/tags/x"));
    assert!(!can_present(&p, "repo:o/r:pull_request"));
    assert!(!can_present(&p, "repo:o/other:ref:refs/heads/main"));
    assert!(!can_present(&p, "repo:o/r:environment:prod"));
    assert_eq!(p.audience.as_deref(), Some("sts.amazonaws.com"));
    assert_eq!(p.job_workflow, "o/r/.github/workflows/deploy.yml");
    assert!(p.notes.is_empty(), "{:?}", p.notes);
}

#[test]
fn push_filters_select_branches_or_tags() {
    type Case<'a> = (&'a str, &'a [&'a str], &'a [&'a str], &'a [&'a str]);
    let cases: &[Case] = &[
        // (on:, contexts, subjects the job can present, subjects it cannot)
        (
            "\n  push:\n    branches: [main]",
            &["branch main"],
            &["repo:o/r:ref:refs/heads/main"],
            &[
                "repo:o/r:ref:refs/heads/dev",
                "repo:o/r:ref:refs/tags/v1",
                "repo:o/r:ref:refs/heads/MAIN",
            ],
        ),
        (
            "\n  push:\n    tags: ['v*']",
            &["tags matching v*"],
            &["repo:o/r:ref:refs/tags/v1.0.0", "repo:o/r:ref:refs/tags/v2"],
            &["repo:o/r:ref:refs/heads/main", "repo:o/r:ref:refs/tags/x1"],
        ),
        (
            "\n  push:\n    branches-ignore: [main, 'dependabot/**']",
            &["any branch except main, dependabot/**"],
            &["repo:o/r:ref:refs/heads/dev"],
            &[
                "repo:o/r:ref:refs/heads/main",
                "repo:o/r:ref:refs/heads/dependabot/npm/x",
                "repo:o/r:ref:refs/tags/v1",
            ],
        ),
        (
            "\n  push:\n    tags-ignore: ['v*']",
            &["any tag except v*"],
            &["repo:o/r:ref:refs/tags/nightly"],
            &["repo:o/r:ref:refs/tags/v1", "repo:o/r:ref:refs/heads/main"],
        ),
        (
            "\n  push:\n    branches: ['release/**', '!release/old']\n    tags: ['v[0-9]+.[0-9]+.[0-9]+']",
            &[
                "branches matching release/**, !release/old",
                "tags matching v[0-9]+.[0-9]+.[0-9]+",
            ],
            &[
                "repo:o/r:ref:refs/heads/release/1.0",
                "repo:o/r:ref:refs/heads/release/a/b",
                "repo:o/r:ref:refs/tags/v10.2.3",
            ],
            &[
                "repo:o/r:ref:refs/heads/release/old",
                "repo:o/r:ref:refs/heads/main",
                "repo:o/r:ref:refs/tags/v1.2",
            ],
        ),
        (
            "\n  push:\n    branches: [main, prod]\n    paths: ['src/**']",
            &["branches main, prod"],
            &[
                "repo:o/r:ref:refs/heads/main",
                "repo:o/r:ref:refs/heads/prod",
            ],
            &["repo:o/r:ref:refs/tags/v1"],
        ),
    ];
    for (on, contexts, yes, no) in cases {
        let p = predict_yaml(&deploy_workflow(on, ""));
        assert_eq!(kinds(&p), *contexts, "{on}");
        for s in *yes {
            assert!(can_present(&p, s), "{on}: {s}");
        }
        for s in *no {
            assert!(!can_present(&p, s), "{on}: {s}");
        }
        // Every representative is presentable.
        for s in subjects(&p, &repo()) {
            assert!(can_present(&p, &s.subject), "{on}: {}", s.subject);
        }
    }
    let p = predict_yaml(&deploy_workflow(
        "\n  push:\n    branches: ['release/**']",
        "",
    ));
    assert_eq!(
        subject_strings(&p, &repo())[0],
        "repo:o/r:ref:refs/heads/release/1.0"
    );
    let p = predict_yaml(&deploy_workflow("\n  push:\n    tags: ['v*']", ""));
    assert_eq!(
        subject_strings(&p, &repo())[0],
        "repo:o/r:ref:refs/tags/v1.0.0"
    );
}

#[test]
fn each_event_gets_its_ref() {
    let mut trunk = repo();
    trunk.default_branch = "trunk".to_string();
    let cases: &[(&str, &[&str], &str)] = &[
        ("pull_request", &["pull requests"], "repo:o/r:pull_request"),
        (
            "workflow_dispatch",
            &["any branch", "any tag"],
            "repo:o/r:ref:refs/heads/trunk",
        ),
        ("schedule", &["branch trunk"], "repo:o/r:ref:refs/heads/trunk"),
        ("workflow_run", &["branch trunk"], "repo:o/r:ref:refs/heads/trunk"),
        (
            "repository_dispatch",
            &["branch trunk"],
            "repo:o/r:ref:refs/heads/trunk",
        ),
        ("issue_comment", &["branch trunk"], "repo:o/r:ref:refs/heads/trunk"),
        ("release", &["any tag"], "repo:o/r:ref:refs/tags/v1.0.0"),
        (
            "pull_request_target",
            &["branch trunk"],
            "repo:o/r:ref:refs/heads/trunk",
        ),
        (
            "pull_request_review",
            &["pull requests"],
            "repo:o/r:pull_request",
        ),
        (
            "merge_group",
            &["the merge queue of any branch"],
            "repo:o/r:ref:refs/heads/gh-readonly-queue/trunk/pr-1-0123456789abcdef0123456789abcdef01234567",
        ),
        (
            "create",
            &["any branch", "any tag"],
            "repo:o/r:ref:refs/heads/trunk",
        ),
    ];
    for (event, contexts, first) in cases {
        let w = wf(&deploy_workflow(&format!(" {event}"), ""));
        let p = predict_in(".github/workflows/deploy.yml", &w, &[], &trunk);
        assert_eq!(kinds(&p), *contexts, "{event}");
        assert_eq!(subject_strings(&p, &trunk)[0], *first, "{event}");
        assert!(p.contexts.iter().all(|c| c.event == *event));
    }
    // The inferred mappings carry a caveat; the documented ones do not.
    let caveat = |event: &str| {
        predict_yaml(&deploy_workflow(&format!(" {event}"), "")).contexts[0]
            .caveat
            .clone()
    };
    assert!(caveat("pull_request_target").is_some());
    assert!(caveat("pull_request_review_comment").is_some());
    assert!(caveat("pull_request").is_none());
    assert!(caveat("schedule").is_none());
    // A workflow_dispatch job can run on a tag.
    let p = predict_yaml(&deploy_workflow(" workflow_dispatch", ""));
    assert!(can_present(&p, "repo:o/r:ref:refs/tags/v9"));
    assert!(can_present(&p, "repo:o/r:ref:refs/heads/feature/x"));
    // Merge queue refs: the base must match the filter and the tail must be well formed.
    let p = predict_yaml(&deploy_workflow(
        "\n  merge_group:\n    branches: [main]",
        "",
    ));
    let sha = "0123456789abcdef0123456789abcdef01234567";
    assert!(can_present(
        &p,
        &format!("repo:o/r:ref:refs/heads/gh-readonly-queue/main/pr-42-{sha}")
    ));
    assert!(!can_present(
        &p,
        &format!("repo:o/r:ref:refs/heads/gh-readonly-queue/dev/pr-42-{sha}")
    ));
    assert!(!can_present(
        &p,
        "repo:o/r:ref:refs/heads/gh-readonly-queue/main/x"
    ));
    // Merge-queue branches take pushes too.
    let p = predict_yaml(&deploy_workflow(" push", ""));
    assert!(can_present(
        &p,
        &format!("repo:o/r:ref:refs/heads/gh-readonly-queue/main/pr-42-{sha}")
    ));
    // Unknown events are noted, not guessed.
    let p = predict_yaml(&deploy_workflow(" [push, not_an_event]", ""));
    assert_eq!(kinds(&p), ["any branch", "any tag"]);
    assert!(p.notes.iter().any(|n| n.contains("not_an_event")));
}

#[test]
fn pull_request_subjects_and_job_workflow_ref() {
    let p = predict_yaml(&deploy_workflow(" [pull_request, push]", ""));
    let subs = subjects(&p, &repo());
    let pr = subs.iter().find(|s| s.subject == "repo:o/r:pull_request");
    let pr = pr.expect("a pull_request subject");
    assert_eq!(pr.git_ref.as_deref(), Some("refs/pull/1/merge"));
    assert_eq!(
        pr.job_workflow_ref.as_deref(),
        Some("o/r/.github/workflows/deploy.yml@refs/pull/1/merge")
    );
    assert_eq!(pr.stands_for, "pull requests");
    let main = &subs[subs
        .iter()
        .position(|s| s.subject.ends_with("heads/main"))
        .unwrap()];
    assert_eq!(
        main.job_workflow_ref.as_deref(),
        Some("o/r/.github/workflows/deploy.yml@refs/heads/main")
    );
}

#[test]
fn environment_overrides_everything() {
    let p = predict_yaml(&deploy_workflow(
        "\n  push:\n    branches: [main]\n  pull_request:\n  workflow_dispatch:",
        "\n    environment: production",
    ));
    assert!(p.contexts.len() >= 3);
    assert!(p
        .contexts
        .iter()
        .all(|c| matches!(&c.context, RefSet::Environment(e) if e == "production")));
    // One subject, whatever the event.
    assert_eq!(
        subject_strings(&p, &repo()),
        ["repo:o/r:environment:production"]
    );
    assert!(can_present(&p, "repo:o/r:environment:production"));
    assert!(!can_present(&p, "repo:o/r:ref:refs/heads/main"));
    assert!(!can_present(&p, "repo:o/r:pull_request"));
    // The mapping form, and `:` encoded as %3A.
    let p = predict_yaml(&deploy_workflow(
        " push",
        "\n    environment:\n      name: 'prod:eu'\n      url: https://x",
    ));
    assert_eq!(
        subject_strings(&p, &repo()),
        ["repo:o/r:environment:prod%3Aeu"]
    );
    // The environment's refs still feed job_workflow_ref.
    let subs = subjects(&p, &repo());
    assert_eq!(
        subs[0].job_workflow_ref.as_deref(),
        Some("o/r/.github/workflows/deploy.yml@refs/heads/main")
    );
}

#[test]
fn an_expression_environment_is_noted_not_guessed() {
    let p = predict_yaml(&deploy_workflow(
        " push",
        "\n    environment: ${{ inputs.target }}",
    ));
    assert!(p
        .contexts
        .iter()
        .all(|c| matches!(c.context, RefSet::UnknownEnvironment(_))));
    assert!(subjects(&p, &repo()).is_empty());
    assert!(p.notes.iter().any(|n| n.contains("expression")));
    for c in &p.contexts {
        assert_eq!(
            membership(&p, c, &repo(), "repo:o/r:environment:prod"),
            crate::iam::Truth::Unknown
        );
    }
    assert!(!can_present(&p, "repo:o/r:environment:prod"));
}

const CALLEE: &str = "
on:
  workflow_call:
permissions:
  id-token: write
jobs:
  deploy:
    runs-on: ubuntu-latest
    environment: staging
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: arn:aws:iam::123456789012:role/deploy
          audience: sts.amazonaws.com.cn
";

#[test]
fn reusable_workflows_take_the_callers_context() {
    let callee = wf(CALLEE);
    let caller = wf("
on:
  push:
    branches: [main]
  pull_request:
permissions:
  id-token: write
jobs:
  call:
    uses: ./.github/workflows/deploy.yml
");
    let unrelated = wf("
on: push
jobs:
  call:
    uses: ./.github/workflows/other.yml
");
    let p = predict_in(
        ".github/workflows/deploy.yml",
        &callee,
        &[
            (".github/workflows/ci.yml", &caller),
            (".github/workflows/u.yml", &unrelated),
        ],
        &repo(),
    );
    assert_eq!(kinds(&p), ["environment staging", "environment staging"]);
    assert_eq!(
        p.contexts
            .iter()
            .map(|c| c.event.as_str())
            .collect::<Vec<_>>(),
        ["push", "pull_request"]
    );
    assert!(
        p.contexts[0].reason.contains("ci.yml"),
        "{}",
        p.contexts[0].reason
    );
    let subs = subjects(&p, &repo());
    assert_eq!(subs.len(), 1);
    assert_eq!(subs[0].subject, "repo:o/r:environment:staging");
    // The called file at the caller's ref.
    assert_eq!(
        subs[0].job_workflow_ref.as_deref(),
        Some("o/r/.github/workflows/deploy.yml@refs/heads/main")
    );
    assert_eq!(p.audience.as_deref(), Some("sts.amazonaws.com.cn"));

    // Without an environment, the caller's ref and event decide.
    let callee = wf(&CALLEE.replace("    environment: staging\n", ""));
    let p = predict_in(
        ".github/workflows/deploy.yml",
        &callee,
        &[(".github/workflows/ci.yml", &caller)],
        &repo(),
    );
    assert_eq!(kinds(&p), ["branch main", "pull requests"]);
    assert_eq!(
        subject_strings(&p, &repo()),
        ["repo:o/r:ref:refs/heads/main", "repo:o/r:pull_request"]
    );

    // Nested: a reusable caller resolved through its own caller.
    let middle = wf("
on: workflow_call
jobs:
  call:
    uses: ./.github/workflows/deploy.yml
");
    let top = wf("
on:
  release:
jobs:
  call:
    uses: ./.github/workflows/middle.yml
");
    let p = predict_in(
        ".github/workflows/deploy.yml",
        &callee,
        &[
            (".github/workflows/middle.yml", &middle),
            (".github/workflows/top.yml", &top),
        ],
        &repo(),
    );
    assert_eq!(kinds(&p), ["any tag"]);
    assert_eq!(p.contexts[0].event, "release");

    // No caller in the repository: unknown, noted.
    let p = predict_in(".github/workflows/deploy.yml", &callee, &[], &repo());
    assert_eq!(kinds(&p), ["an unknown caller's run"]);
    assert!(subjects(&p, &repo()).is_empty());
    assert!(p.notes.iter().any(|n| n.contains("no caller")));

    // Callers in another repository (another scan root) do not count.
    let p = predict_in(
        "a/.github/workflows/deploy.yml",
        &callee,
        &[("b/.github/workflows/ci.yml", &caller)],
        &repo(),
    );
    assert_eq!(kinds(&p), ["an unknown caller's run"]);
}

#[test]
fn a_reusable_workflow_that_also_runs_directly() {
    let callee = wf(&CALLEE.replace(
        "  workflow_call:\n",
        "  workflow_call:\n  schedule:\n    - cron: '0 0 * * *'\n",
    ));
    let caller = wf("
on:
  push:
    tags: ['v*']
jobs:
  call:
    uses: ./.github/workflows/deploy.yml
");
    let p = predict_in(
        ".github/workflows/deploy.yml",
        &callee,
        &[(".github/workflows/ci.yml", &caller)],
        &repo(),
    );
    assert_eq!(
        p.contexts
            .iter()
            .map(|c| c.event.as_str())
            .collect::<Vec<_>>(),
        ["schedule", "push"]
    );
}

#[test]
fn immutable_and_custom_formats() {
    let w = wf(&deploy_workflow(
        "\n  push:\n    branches: [main]",
        "\n    environment: prod",
    ));
    let mut immutable = repo();
    immutable.template = SubjectFormat::Immutable;
    immutable.owner_id = Some(11);
    immutable.repository_id = Some(22);
    let p = predict_in(".github/workflows/deploy.yml", &w, &[], &immutable);
    assert_eq!(
        subject_strings(&p, &immutable),
        ["repo:o@11/r@22:environment:prod"]
    );
    assert!(admits(
        &p,
        &p.contexts[0],
        &immutable,
        "repo:o@11/r@22:environment:prod"
    ));
    assert!(!admits(
        &p,
        &p.contexts[0],
        &immutable,
        "repo:o/r:environment:prod"
    ));
    assert!(p.notes.is_empty());

    // Without IDs: noted, and shown in the default format.
    immutable.owner_id = None;
    let p = predict_in(".github/workflows/deploy.yml", &w, &[], &immutable);
    assert_eq!(
        subject_strings(&p, &immutable),
        ["repo:o/r:environment:prod"]
    );
    assert!(p.notes.iter().any(|n| n.contains("immutable")));

    let mut custom = repo();
    custom.template = SubjectFormat::Custom(vec![
        "repo".into(),
        "context".into(),
        "job_workflow_ref".into(),
    ]);
    let p = predict_in(".github/workflows/deploy.yml", &w, &[], &custom);
    let expected =
        "repo:o/r:environment:prod:job_workflow_ref:o/r/.github/workflows/deploy.yml@refs/heads/main";
    assert_eq!(subject_strings(&p, &custom), [expected]);
    assert!(admits(&p, &p.contexts[0], &custom, expected));
    assert!(!admits(
        &p,
        &p.contexts[0],
        &custom,
        "repo:o/r:environment:prod:job_workflow_ref:o/r/.github/workflows/deploy.yml@refs/heads/dev"
    ));

    let mut custom = repo();
    custom.owner_id = Some(7);
    custom.template = SubjectFormat::Custom(vec![
        "repository_owner_id".into(),
        "ref".into(),
        "event_name".into(),
    ]);
    let w = wf(&deploy_workflow(
        "\n  push:\n    branches: ['release/**']",
        "",
    ));
    let p = predict_in(".github/workflows/deploy.yml", &w, &[], &custom);
    let first = "repository_owner_id:7:ref:refs/heads/release/1.0:event_name:push";
    assert_eq!(subject_strings(&p, &custom)[0], first);
    assert!(admits(
        &p,
        &p.contexts[0],
        &custom,
        "repository_owner_id:7:ref:refs/heads/release/a/b:event_name:push"
    ));
    assert!(!admits(
        &p,
        &p.contexts[0],
        &custom,
        "repository_owner_id:7:ref:refs/heads/main:event_name:push"
    ));

    // A claim trustlint cannot predict: no subject, membership unknown.
    custom.template = SubjectFormat::Custom(vec!["repo".into(), "actor".into()]);
    let p = predict_in(".github/workflows/deploy.yml", &w, &[], &custom);
    assert!(subjects(&p, &custom).is_empty());
    assert_eq!(
        membership(&p, &p.contexts[0], &custom, "repo:o/r:actor:mona"),
        crate::iam::Truth::Unknown
    );
}

#[test]
fn if_conditions_narrow_or_caveat() {
    // `github.ref == '…'` keeps one branch.
    let p = predict_yaml(&deploy_workflow(
        " [push, workflow_dispatch]",
        "\n    if: github.ref == 'refs/heads/main'",
    ));
    assert_eq!(kinds(&p), ["branch main", "branch main"]);
    assert!(p
        .notes
        .iter()
        .any(|n| n.contains("github.ref is refs/heads/main")));
    assert!(p.contexts.iter().all(|c| c.caveat.is_none()));

    // `github.event_name` keeps events; `&&` with other terms is fine.
    let p = predict_yaml(&deploy_workflow(
        " [push, pull_request]",
        "\n    if: ${{ github.event_name == 'push' && !cancelled() }}",
    ));
    assert_eq!(kinds(&p), ["any branch", "any tag"]);
    let p = predict_yaml(&deploy_workflow(
        " [push, pull_request]",
        "\n    if: github.event_name != 'pull_request'",
    ));
    assert_eq!(kinds(&p), ["any branch", "any tag"]);

    // Tags only.
    let p = predict_yaml(&deploy_workflow(
        " push",
        "\n    if: startsWith(github.ref, 'refs/tags/')",
    ));
    assert_eq!(kinds(&p), ["any tag"]);
    let p = predict_yaml(&deploy_workflow(
        " [push, pull_request]",
        "\n    if: github.ref_type == 'tag'",
    ));
    assert_eq!(kinds(&p), ["any tag"]);

    // The step's `if:` counts too.
    let yaml = deploy_workflow(" push", "").replace(
        "      - uses: aws-actions",
        "      - if: github.ref == 'refs/tags/v1'\n        uses: aws-actions",
    );
    let p = predict_yaml(&yaml);
    assert_eq!(kinds(&p), ["tag v1"]);

    // Something trustlint does not read: kept, with a caveat.
    let p = predict_yaml(&deploy_workflow(
        " push",
        "\n    if: contains(github.ref, 'release') || github.event_name == 'push'",
    ));
    assert_eq!(kinds(&p), ["any branch", "any tag"]);
    assert!(p.contexts.iter().all(|c| c.caveat.is_some()));

    // A condition on something else is ignored.
    let p = predict_yaml(&deploy_workflow(" push", "\n    if: vars.DEPLOY == 'true'"));
    assert!(p.contexts.iter().all(|c| c.caveat.is_none()));
    assert!(p.notes.is_empty());
}

#[test]
fn audiences() {
    let with_input = |value: &str| {
        let yaml = deploy_workflow(" push", "")
            .replace("aws-region: us-east-1", &format!("audience: {value}"));
        predict_yaml(&yaml)
    };
    assert_eq!(
        with_input("sts.amazonaws.com.cn").audience.as_deref(),
        Some("sts.amazonaws.com.cn")
    );
    let p = with_input("${{ vars.AUD }}");
    assert_eq!(p.audience, None);
    assert!(p.notes.iter().any(|n| n.contains("audience")));
    assert_eq!(
        with_input("''").audience.as_deref(),
        Some("sts.amazonaws.com")
    );

    // A script asking for the token itself.
    let script = wf(r#"
on: push
permissions:
  id-token: write
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - run: 'curl -H "Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN" "$ACTIONS_ID_TOKEN_REQUEST_URL&audience=sts.amazonaws.com"'
"#);
    let p = predict_in(".github/workflows/deploy.yml", &script, &[], &repo());
    assert_eq!(p.audience.as_deref(), Some("sts.amazonaws.com"));

    // actions/github-script calling core.getIDToken.
    let script = wf(r#"
on: push
permissions:
  id-token: write
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/github-script@v7
        with:
          script: 'const t = await core.getIDToken("sts.amazonaws.com.cn")'
"#);
    let p = predict_in(".github/workflows/deploy.yml", &script, &[], &repo());
    assert_eq!(p.audience.as_deref(), Some("sts.amazonaws.com.cn"));

    // Another provider's action: not predicted.
    let azure = wf(r#"
on: push
permissions:
  id-token: write
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: azure/login@v2
        with:
          client-id: x
          tenant-id: y
          subscription-id: z
"#);
    let p = predict_in(".github/workflows/deploy.yml", &azure, &[], &repo());
    assert_eq!(p.audience, None);
    assert!(p
        .notes
        .iter()
        .any(|n| n.contains("not configure-aws-credentials")));
}

#[test]
fn tightest_values() {
    let values = |on: &str, extra: &str| {
        tightest_sub_values(&[predict_yaml(&deploy_workflow(on, extra))], &repo())
    };
    let v = values("\n  push:\n    branches: ['release/**']", "");
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].value, "repo:o/r:ref:refs/heads/release/*");
    assert!(v[0].needs_like && v[0].broader.is_none());

    let v = values("\n  push:\n    branches: ['release/*']", "");
    assert_eq!(v[0].value, "repo:o/r:ref:refs/heads/release/*");
    assert!(v[0].broader.as_deref().unwrap().contains("`/`"));

    let v = values("\n  push:\n    branches: [main]", "");
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].value, "repo:o/r:ref:refs/heads/main");
    assert!(!v[0].needs_like);

    let v = values(" [push, pull_request]", "\n    environment: prod");
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].value, "repo:o/r:environment:prod");

    let v = values("\n  push:\n    branches-ignore: [main]", "");
    assert_eq!(v[0].value, "repo:o/r:ref:refs/heads/*");
    assert!(v[0].broader.as_deref().unwrap().contains("main"));

    // Several workflows: exact values a pattern covers are dropped.
    let a = predict_yaml(&deploy_workflow(
        "\n  push:\n    branches: ['release/**']",
        "",
    ));
    let b = predict_yaml(&deploy_workflow(
        "\n  push:\n    branches: [release/2.0, main]",
        "",
    ));
    let c = predict_yaml(&deploy_workflow(" pull_request", ""));
    let v: Vec<String> = tightest_sub_values(&[a, b, c], &repo())
        .into_iter()
        .map(|v| v.value)
        .collect();
    assert_eq!(
        v,
        [
            "repo:o/r:ref:refs/heads/release/*",
            "repo:o/r:ref:refs/heads/main",
            "repo:o/r:pull_request"
        ]
    );

    // Unpredictable contexts are left out.
    let v = values(" push", "\n    environment: ${{ inputs.env }}");
    assert!(v.is_empty());
}
