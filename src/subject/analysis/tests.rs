use super::*;
use proptest::prelude::*;
use MatchKind::{Equals, EqualsIgnoreCase, Like};
use SubjectRisk::*;

/// Checks the shape of a result and that every witness is real.
fn check(value: &str, kind: MatchKind, findings: &[SubjectFinding]) {
    let breadth = findings
        .iter()
        .filter(|f| f.risk != ImmutableIdWildcard)
        .count();
    assert!(breadth <= 1, "{value}: {findings:?}");
    assert!(
        findings
            .iter()
            .filter(|f| f.risk == ImmutableIdWildcard)
            .count()
            <= 1
    );
    for f in findings {
        assert!(
            admits(value, kind, &f.witness),
            "{value} ({kind:?}) does not admit its witness {}",
            f.witness
        );
        assert!(
            parse_subject(&f.witness).is_some(),
            "{value}: witness {} is no GitHub subject",
            f.witness
        );
        assert!(f.explanation.contains(value), "{}", f.explanation);
    }
}

/// (value, kind, risks, witness of the first finding if it is worth pinning)
const TABLE: &[(&str, MatchKind, &[SubjectRisk], Option<&str>)] = &[
    // ---- nothing: owner, repository and one exact context are pinned, or nothing matches
    ("repo:o/r:ref:refs/heads/main", Like, &[], None),
    ("repo:o/r:ref:refs/heads/main", Equals, &[], None),
    ("repo:o/r:ref:refs/heads/main", EqualsIgnoreCase, &[], None),
    ("repo:o/r:environment:production", Like, &[], None),
    ("repo:o/r:environment:Production%3AV1", Equals, &[], None),
    ("repo:o@123/r@456:ref:refs/heads/main", Like, &[], None),
    ("repo:o@1/r@2:environment:prod", Equals, &[], None),
    ("repo:o/r:ref:refs/tags/v1.2.3", Equals, &[], None),
    ("repo:o/r:ref:refs/heads/feature/login", Like, &[], None),
    (
        "repository_owner_id:123:repository_id:456:environment:prod",
        Equals,
        &[],
        None,
    ),
    (
        "repo:o/r:job_workflow_ref:o/r/.github/workflows/d.yml@refs/heads/main",
        Like,
        &[],
        None,
    ),
    (
        "repo:o/r:environment:prod:job_workflow_ref:o/ci/.github/workflows/d.yml@refs/heads/main",
        Equals,
        &[],
        None,
    ),
    // `?` can only be the `/`: a funny way to pin o/r.
    ("repo:o?r:ref:refs/heads/main", Like, &[], None),
    // Extra claims after an exact context only narrow it.
    ("repo:o/r:ref:refs/heads/main:*", Like, &[], None),
    // Wildcards are literal under the Equals kinds: dead values, another rule's business.
    ("repo:o/r:*", Equals, &[], None),
    ("repo:*", EqualsIgnoreCase, &[], None),
    ("repo:o/r:ref:refs/heads/*", Equals, &[], None),
    // No GitHub subject matches these.
    ("", Like, &[], None),
    ("repo:o/r:main", Like, &[], None),
    ("context:ref:refs/heads/main", Equals, &[], None),
    ("sts.amazonaws.com", Like, &[], None),
    // ---- AnyOwner
    ("*", Like, &[AnyOwner], Some("repo:attacker/app:ref:refs/heads/main")),
    ("repo:*", Like, &[AnyOwner], Some("repo:attacker/app:ref:refs/heads/main")),
    (
        "repo:*/app:*",
        Like,
        &[AnyOwner],
        Some("repo:attacker/app:ref:refs/heads/main"),
    ),
    ("repo:*/x", Like, &[AnyOwner], Some("repo:attacker/app:ref:refs/heads/x")),
    (
        "repo:octo-org*",
        Like,
        &[AnyOwner],
        Some("repo:octo-org-attacker/app:ref:refs/heads/main"),
    ),
    (
        "repo:oc?o-org/app:*",
        Like,
        &[AnyOwner],
        Some("repo:ocxo-org/app:ref:refs/heads/main"),
    ),
    (
        "repository_owner:octo*",
        Like,
        &[AnyOwner],
        Some("repository_owner:octo-attacker"),
    ),
    (
        "*:environment:prod",
        Like,
        &[AnyOwner],
        Some("repo:attacker/app:environment:prod"),
    ),
    ("r*", Like, &[AnyOwner], Some("repo:attacker/app:ref:refs/heads/main")),
    ("repository_owner_id:12*", Like, &[AnyOwner], Some("repository_owner_id:1299")),
    (
        "job_workflow_ref:*",
        Like,
        &[AnyOwner],
        Some("job_workflow_ref:attacker/app/.github/workflows/deploy.yml@refs/heads/main"),
    ),
    (
        "environment:prod:repository_owner:octo-org*",
        Like,
        &[AnyOwner],
        Some("environment:prod:repository_owner:octo-org-attacker"),
    ),
    // The owner ID is literal, but the `*` before it can hold a whole attacker subject.
    ("repo:*@123/r@456:ref:refs/heads/main", Like, &[AnyOwner], None),
    // ---- WithoutOwner
    ("environment:production", Equals, &[WithoutOwner], Some("environment:production")),
    ("environment:production", Like, &[WithoutOwner], Some("environment:production")),
    ("ref:refs/heads/main", Equals, &[WithoutOwner], Some("ref:refs/heads/main")),
    (
        "repository_visibility:private:*",
        Like,
        &[WithoutOwner],
        Some("repository_visibility:private:environment:production"),
    ),
    ("environment:*", Like, &[WithoutOwner], Some("environment:production")),
    ("workflow:deploy", Equals, &[WithoutOwner], Some("workflow:deploy")),
    ("pull_request", Like, &[WithoutOwner], Some("pull_request")),
    // ---- OrgWide
    (
        "repo:octo-org/*",
        Like,
        &[OrgWide],
        Some("repo:octo-org/any-repo:ref:refs/heads/main"),
    ),
    (
        "repo:octo-org/app*",
        Like,
        &[OrgWide],
        Some("repo:octo-org/app-other:ref:refs/heads/main"),
    ),
    (
        "repo:octo-org/?pp:*",
        Like,
        &[OrgWide],
        Some("repo:octo-org/xpp:ref:refs/heads/main"),
    ),
    // `repo:o/r*` admits o/r's pull requests too, but other repositories first.
    ("repo:o/r*", Like, &[OrgWide], Some("repo:o/r-other:ref:refs/heads/main")),
    ("repository_owner:octo-org", Equals, &[OrgWide], Some("repository_owner:octo-org")),
    (
        "repository_owner_id:123:*",
        Like,
        &[OrgWide],
        Some("repository_owner_id:123:ref:refs/heads/main"),
    ),
    (
        "repo:octo-org@123/*",
        Like,
        &[OrgWide],
        Some("repo:octo-org@123/any-repo@88888888:ref:refs/heads/main"),
    ),
    // ---- AdmitsPullRequest
    ("repo:o/r:pull_request", Equals, &[AdmitsPullRequest], Some("repo:o/r:pull_request")),
    ("repo:o/r:pull_request", Like, &[AdmitsPullRequest], Some("repo:o/r:pull_request")),
    (
        "REPO:O/R:PULL_REQUEST",
        EqualsIgnoreCase,
        &[AdmitsPullRequest],
        Some("repo:O/R:pull_request"),
    ),
    ("repo:o/r:*", Like, &[AdmitsPullRequest], Some("repo:o/r:pull_request")),
    ("repo:o/r:pull*", Like, &[AdmitsPullRequest], Some("repo:o/r:pull_request")),
    ("repo:o/r:?ull_request", Like, &[AdmitsPullRequest], Some("repo:o/r:pull_request")),
    (
        "repo:o@1/r@2:*",
        Like,
        &[AdmitsPullRequest],
        Some("repo:o@1/r@2:pull_request"),
    ),
    (
        "repository_owner_id:1:repository_id:2:*",
        Like,
        &[AdmitsPullRequest],
        Some("repository_owner_id:1:repository_id:2:pull_request"),
    ),
    (
        "repo:o/r:*:job_workflow_ref:o/ci/.github/workflows/d.yml@refs/heads/main",
        Like,
        &[AdmitsPullRequest],
        Some("repo:o/r:pull_request:job_workflow_ref:o/ci/.github/workflows/d.yml@refs/heads/main"),
    ),
    // A `repo`-only template: every run of o/r presents exactly this.
    ("repo:o/r", Equals, &[AdmitsPullRequest], Some("repo:o/r")),
    // ---- AnyRef
    (
        "repo:o/r:ref:refs/heads/*",
        Like,
        &[AnyRef],
        Some("repo:o/r:ref:refs/heads/attacker-branch"),
    ),
    (
        "repo:o/r:ref:refs/tags/*",
        Like,
        &[AnyRef],
        Some("repo:o/r:ref:refs/tags/attacker-tag"),
    ),
    ("repo:o/r:ref:*", Like, &[AnyRef], Some("repo:o/r:ref:refs/heads/attacker-branch")),
    (
        "repo:o/r:environment:*",
        Like,
        &[AnyRef],
        Some("repo:o/r:environment:attacker-env"),
    ),
    (
        "repo:o/r:ref:refs/heads/*-deploy",
        Like,
        &[AnyRef],
        Some("repo:o/r:ref:refs/heads/attacker-branch-deploy"),
    ),
    (
        "repo:o@1/r@2:environment:*",
        Like,
        &[AnyRef],
        Some("repo:o@1/r@2:environment:attacker-env"),
    ),
    (
        "repository_owner_id:1:repository_id:2:environment:*",
        Like,
        &[AnyRef],
        Some("repository_owner_id:1:repository_id:2:environment:attacker-env"),
    ),
    // ---- RefPrefix
    (
        "repo:o/r:ref:refs/heads/main*",
        Like,
        &[RefPrefix],
        Some("repo:o/r:ref:refs/heads/main-attacker"),
    ),
    (
        "repo:o/r:ref:refs/tags/v*",
        Like,
        &[RefPrefix],
        Some("repo:o/r:ref:refs/tags/v-attacker"),
    ),
    (
        "repo:o/r:ref:refs/heads/release/*",
        Like,
        &[RefPrefix],
        Some("repo:o/r:ref:refs/heads/release/attacker"),
    ),
    (
        "repo:o/r:environment:prod*",
        Like,
        &[RefPrefix],
        Some("repo:o/r:environment:prod-attacker"),
    ),
    ("repo:o/r:ref:refs/heads/mai?", Like, &[RefPrefix], Some("repo:o/r:ref:refs/heads/maix")),
    ("repo:o/r:ref:refs/heads/?ain", Like, &[RefPrefix], Some("repo:o/r:ref:refs/heads/xain")),
    // ---- ImmutableIdWildcard
    (
        "repo:o@12?/r@5:ref:refs/heads/main",
        Like,
        &[ImmutableIdWildcard],
        Some("repo:o@129/r@5:ref:refs/heads/main"),
    ),
    (
        "repo:o@1/r@*:ref:refs/heads/main",
        Like,
        &[ImmutableIdWildcard],
        Some("repo:o@1/r@88888888:ref:refs/heads/main"),
    ),
    // The `*` in the owner ID can also hold another repository of octo-org (with a
    // customized template), so this is org-wide besides.
    (
        "repo:octo-org@*/octo-repo@*:*",
        Like,
        &[OrgWide, ImmutableIdWildcard],
        None,
    ),
    (
        "repo:*@*/app@*:*",
        Like,
        &[AnyOwner, ImmutableIdWildcard],
        Some("repo:attacker@99999999/app@88888888:ref:refs/heads/main"),
    ),
    // ---- reusable workflows: `job_workflow_ref` names the called workflow, not the caller
    (
        "job_workflow_ref:octo-org/ci/.github/workflows/deploy.yml@refs/heads/main",
        Equals,
        &[],
        None,
    ),
    // Any version of a pinned workflow file: still that workflow (its repository's writers
    // choose the refs).
    (
        "job_workflow_ref:octo-org/ci/.github/workflows/deploy.yml@*",
        Like,
        &[],
        None,
    ),
    (
        "repo:*:job_workflow_ref:octo-org/ci/.github/workflows/deploy.yml@refs/heads/main",
        Like,
        &[AnyOwner],
        Some("repo:attacker/app:job_workflow_ref:octo-org/ci/.github/workflows/deploy.yml@refs/heads/main"),
    ),
    (
        "repo:octo-org/*:job_workflow_ref:octo-org/ci/.github/workflows/deploy.yml@refs/heads/main",
        Like,
        &[OrgWide],
        Some("repo:octo-org/any-repo:job_workflow_ref:octo-org/ci/.github/workflows/deploy.yml@refs/heads/main"),
    ),
    (
        "job_workflow_ref:octo-org/*",
        Like,
        &[OrgWide],
        Some("job_workflow_ref:octo-org/any-repo/.github/workflows/deploy.yml@refs/heads/main"),
    ),
    // `workflow_ref` carries the run's own ref.
    (
        "repo:o/r:workflow_ref:o/r/.github/workflows/d.yml@refs/heads/*",
        Like,
        &[AnyRef],
        Some("repo:o/r:workflow_ref:o/r/.github/workflows/d.yml@refs/heads/attacker-branch"),
    ),
    (
        "repo:o/r:workflow_ref:o/r/.github/workflows/d.yml@*",
        Like,
        &[AdmitsPullRequest],
        Some("repo:o/r:workflow_ref:o/r/.github/workflows/d.yml@refs/pull/1/merge"),
    ),
    // Git's rules: a branch name does not end with `/`.
    (
        "repo:o/r:ref:refs/heads/*/*",
        Like,
        &[AnyRef],
        Some("repo:o/r:ref:refs/heads/attacker-branch/x"),
    ),
    // ---- a value that no default-format subject matches is read as a customized template
    // of the pinned repository: any branch, whatever the other claims say.
    ("repo:o/r:ref:refs/heads/*:*", Like, &[AnyRef], None),
];

#[test]
fn table() {
    assert!(TABLE.len() >= 40);
    let mut failures = Vec::new();
    for &(value, kind, risks, witness) in TABLE {
        let got = analyze_sub_value(value, kind);
        check(value, kind, &got);
        let got_risks: Vec<SubjectRisk> = got.iter().map(|f| f.risk).collect();
        if got_risks != risks {
            failures.push(format!(
                "{value} ({kind:?}): expected {risks:?}, got {got:#?}"
            ));
            continue;
        }
        if let Some(w) = witness {
            if got[0].witness != w {
                failures.push(format!(
                    "{value} ({kind:?}): expected witness {w}, got {}",
                    got[0].witness
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn immutable_id_wildcard_witness_keeps_names() {
    let got = analyze_sub_value("repo:octo-org@*/octo-repo@*:*", Like);
    let id = got.iter().find(|f| f.risk == ImmutableIdWildcard).unwrap();
    assert_eq!(
        id.witness,
        "repo:octo-org@99999999/octo-repo@88888888:ref:refs/heads/main"
    );
    let org = got.iter().find(|f| f.risk == OrgWide).unwrap();
    let subject = parse_subject(&org.witness).unwrap();
    assert_eq!(subject.owner().as_deref(), Some("octo-org"));
    assert_ne!(subject.repository_name().as_deref(), Some("octo-repo"));
}

#[test]
fn explanations_name_what_is_admitted() {
    let one = |v: &str, k| analyze_sub_value(v, k).remove(0).explanation;
    assert_eq!(
        one("repo:octo-org*", Like),
        "\"repo:octo-org*\" also matches repositories of other owners whose name starts with \"octo-org\", such as \"octo-org-attacker\" (subject \"repo:octo-org-attacker/app:ref:refs/heads/main\")"
    );
    assert!(one("environment:production", Equals).contains("environment named \"production\""));
    assert!(one("repo:octo-org/app*", Like).contains("whose name starts with \"app\""));
    assert!(one("repo:o/r:*", Like).contains("pull_request"));
    assert!(one("repo:o/r:ref:refs/tags/*", Like).contains("any tag of o/r"));
    assert!(one("repo:o/r:ref:*", Like).contains("any branch or tag"));
    assert!(one("repo:o/r:ref:refs/heads/main*", Like).contains("prefix \"main\""));
    assert!(
        one("repo:*@123/r@456:ref:refs/heads/main", Like).contains("customized subject template")
    );
}

/// Pieces real values are made of, for the property tests.
const PIECES: &[&str] = &[
    "repo:",
    "o",
    "octo-org",
    "/",
    "r",
    ":",
    "*",
    "*",
    "?",
    "@",
    "123",
    "ref:refs/heads/",
    "refs/tags/",
    "main",
    "pull_request",
    "environment:",
    "prod",
    "repository_owner:",
    "repository_id:",
    "job_workflow_ref:",
    "workflow:",
    ".github/workflows/d.yml@refs/heads/main",
    "-",
    "x",
];

fn value() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..9).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn witnesses_are_admitted_subjects(v in value()) {
        for kind in [Like, Equals, EqualsIgnoreCase] {
            let got = analyze_sub_value(&v, kind);
            check(&v, kind, &got);
        }
    }

    #[test]
    fn exact_values_never_look_broader_than_what_they_are(v in value()) {
        // A literal value admits only itself: whatever is reported is about that subject.
        let got = analyze_sub_value(&v, Equals);
        for f in &got {
            prop_assert_eq!(&f.witness, &v);
        }
        if let Some(subject) = parse_subject(&v) {
            prop_assert_eq!(subject.to_string(), v.clone());
            let pr = subject.context() == Some(Context::PullRequest);
            if subject.is_default_format() {
                prop_assert_eq!(!got.is_empty(), pr, "{:?}", got);
            }
        } else {
            prop_assert!(got.is_empty(), "{:?}", got);
        }
    }

    #[test]
    fn like_without_wildcards_is_equals(v in value()) {
        prop_assume!(!has_wildcard(&v));
        prop_assert_eq!(analyze_sub_value(&v, Like), analyze_sub_value(&v, Equals));
    }
}
