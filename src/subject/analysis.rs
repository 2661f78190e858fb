//! What one value of a positive `sub` condition admits.

use super::engine::{tokens, KeyOrder, Mode, PChar, Role, Search, Target};
use super::grammar::{parse_subject, Claim, Context, Subject};
use crate::iam::wildcard::{has_wildcard, like_match};

/// How a condition value is compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MatchKind {
    /// `StringEquals`: the value is literal (`*` and `?` included).
    Equals,
    /// `StringEqualsIgnoreCase`: literal, ASCII case ignored.
    EqualsIgnoreCase,
    /// `StringLike`: `*` is any run of characters, `?` exactly one.
    Like,
}

/// What a `sub` value lets in beyond one repository and one exact context. The breadth risks are
/// ordered from the broadest ([`AnyOwner`](SubjectRisk::AnyOwner)) to the narrowest
/// ([`RefPrefix`](SubjectRisk::RefPrefix)); [`ImmutableIdWildcard`](SubjectRisk::ImmutableIdWildcard)
/// stands apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SubjectRisk {
    /// A subject of another owner matches (wildcard in or before the owner, prefix confusion).
    AnyOwner,
    /// A customized-template subject that names no owner or repository at all.
    WithoutOwner,
    /// The owner is pinned, the repository is not.
    OrgWide,
    /// Owner and repository pinned; a `pull_request` run matches (or, for a customized template
    /// without any context claim, every run does).
    AdmitsPullRequest,
    /// Owner and repository pinned; any branch, tag or environment matches.
    AnyRef,
    /// Owner and repository pinned; only part of the branch, tag or environment name is.
    RefPrefix,
    /// An immutable-format value (`repo:OWNER@ID/REPO@ID:…`) with a wildcard in an ID.
    ImmutableIdWildcard,
}

/// One risk of one value, with a subject that proves it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubjectFinding {
    pub risk: SubjectRisk,
    /// A subject GitHub can emit that the value admits (by `like_match` for `Like`, equality
    /// for `Equals`, ASCII-case-insensitive equality for `EqualsIgnoreCase`) and that shows the
    /// risk.
    pub witness: String,
    /// One sentence naming what is admitted.
    pub explanation: String,
}

/// Which grammars a search reads.
#[derive(Clone, Copy)]
enum Grammars {
    /// The default format first (its witnesses read best), then any template: subjects of other
    /// repositories, whose admins choose their templates.
    Both,
    /// Customized templates only.
    Custom,
    /// Inside the pinned repository: the format the value is written in (the default format if
    /// the value admits any default-format subject, else a customized one).
    Pinned,
}

/// The breadth risks, broadest first: the search that builds the witness, the key order that
/// makes it read well, and the grammars it reads.
const BREADTH: [(SubjectRisk, Target, KeyOrder, Grammars); 6] = [
    (
        SubjectRisk::AnyOwner,
        Target::AnyOwner,
        KeyOrder::Identity,
        Grammars::Both,
    ),
    (
        SubjectRisk::WithoutOwner,
        Target::WithoutOwner,
        KeyOrder::Ownerless,
        Grammars::Custom,
    ),
    (
        SubjectRisk::OrgWide,
        Target::OrgWide,
        KeyOrder::Owner,
        Grammars::Both,
    ),
    (
        SubjectRisk::AdmitsPullRequest,
        Target::AdmitsPullRequest,
        KeyOrder::Context,
        Grammars::Pinned,
    ),
    (
        SubjectRisk::AnyRef,
        Target::AnyRef,
        KeyOrder::Context,
        Grammars::Pinned,
    ),
    (
        SubjectRisk::RefPrefix,
        Target::RefPrefix,
        KeyOrder::Context,
        Grammars::Pinned,
    ),
];

/// Analyses one value of a positive `sub` condition (`StringEquals`, `StringEqualsIgnoreCase`,
/// `StringLike`; the caller splits value lists and handles the operators).
///
/// Returns at most one breadth finding, the broadest that applies (AnyOwner > WithoutOwner >
/// OrgWide > AdmitsPullRequest > AnyRef > RefPrefix), plus ImmutableIdWildcard when the value is
/// in the immutable format with a wildcard in an ID. Nothing for a value that pins owner,
/// repository and one exact context, for a value no GitHub subject matches, and for `*`/`?` under
/// the `Equals` kinds (literal characters there: the value is dead, which another rule reports).
///
/// Every finding is decided by a search of the subjects the value admits (see the `engine`
/// module) and carries the subject it found, re-checked with [`parse_subject`] and against the
/// value. Owners of *other* repositories are assumed to control their own subject template (any
/// repository admin can set one), so a wildcard before the owner can stand for a whole subject of
/// theirs; the pinned repository itself is assumed to use the format the value is written in
/// (the default format when the value admits any default-format subject).
///
/// Decisions on the edges:
/// * A wildcard in the owner-ID part of an immutable value also lets another repository of that
///   owner in (its admin can choose a template whose free-text claim holds the rest of the
///   value), so `repo:o@*/r@*:*` is OrgWide as well as ImmutableIdWildcard.
/// * `repo:o/r*` is OrgWide (it admits `o/r-other`), the broadest risk, not AdmitsPullRequest.
/// * A branch, tag or environment name open from its first character through a `*`
///   (`refs/heads/*`, `refs/heads/*-deploy`) is AnyRef; a name with a literal prefix or with
///   only `?` (`main*`, `mai?`, `?ain`) is RefPrefix.
/// * A customized value that pins the repository but names no branch, tag, environment, workflow
///   or event (`repo:o/r` under a `repo`-only template) admits every run: AdmitsPullRequest.
/// * GitHub renders the `context` template element without a key, so `context:…` values match
///   nothing. `EqualsIgnoreCase` of a branch is not reported (`refs/heads/MAIN` is another branch
///   but not a broader class).
pub fn analyze_sub_value(value: &str, kind: MatchKind) -> Vec<SubjectFinding> {
    let like = kind == MatchKind::Like;
    if !like && has_wildcard(value) {
        return Vec::new();
    }
    let toks = tokens(value, like);
    let ignore_case = kind == MatchKind::EqualsIgnoreCase;
    let search = |target: Target, order: KeyOrder, mode: Mode| {
        Search::new(&toks, ignore_case, mode, target, order)
            .run(|text| parse_subject(text).is_some() && admits(value, kind, text))
    };
    let default_shaped = search(Target::Any, KeyOrder::Identity, Mode::Default).is_some();
    let find = |target: Target, order: KeyOrder, grammars: Grammars| {
        let modes: &[Mode] = match grammars {
            Grammars::Both => &[Mode::Default, Mode::Custom],
            Grammars::Custom => &[Mode::Custom],
            Grammars::Pinned if default_shaped => &[Mode::Default],
            Grammars::Pinned => &[Mode::Custom],
        };
        modes.iter().find_map(|&mode| search(target, order, mode))
    };
    let mut findings = Vec::new();
    for (risk, target, order, grammars) in BREADTH {
        if let Some(path) = find(target, order, grammars) {
            findings.push(finding(risk, value, kind, &path));
            break;
        }
    }
    if like && value.contains('@') && has_wildcard(value) {
        if let Some(path) = find(Target::IdWildcard, KeyOrder::Identity, Grammars::Both) {
            findings.push(finding(
                SubjectRisk::ImmutableIdWildcard,
                value,
                kind,
                &path,
            ));
        }
    }
    findings
}

/// True when a condition with `value` under `kind` is satisfied by the subject `text`.
fn admits(value: &str, kind: MatchKind, text: &str) -> bool {
    match kind {
        MatchKind::Like => like_match(value, text),
        MatchKind::Equals => value == text,
        MatchKind::EqualsIgnoreCase => value.eq_ignore_ascii_case(text),
    }
}

fn finding(risk: SubjectRisk, value: &str, kind: MatchKind, path: &[PChar]) -> SubjectFinding {
    let witness: String = path.iter().map(|p| p.c).collect();
    debug_assert!(admits(value, kind, &witness), "{value} !~ {witness}");
    let subject = parse_subject(&witness).expect("the search only returns valid subjects");
    let explanation = explain(risk, value, &witness, &subject, path);
    SubjectFinding {
        risk,
        witness,
        explanation,
    }
}

/// A run of characters of one field of a witness.
struct Field {
    role: Role,
    text: String,
    /// The characters before the first loose one.
    literal_prefix: String,
    loose: bool,
    star: bool,
}

fn fields(path: &[PChar]) -> Vec<Field> {
    let mut out: Vec<Field> = Vec::new();
    let mut open = false;
    for p in path {
        if !p.role.is_field() {
            open = false;
            continue;
        }
        if !open {
            out.push(Field {
                role: p.role,
                text: String::new(),
                literal_prefix: String::new(),
                loose: false,
                star: false,
            });
            open = true;
        }
        let f = out.last_mut().expect("pushed above");
        f.text.push(p.c);
        if !p.loose && !f.loose {
            f.literal_prefix.push(p.c);
        }
        f.loose |= p.loose;
        f.star |= p.star;
    }
    out
}

fn explain(
    risk: SubjectRisk,
    value: &str,
    witness: &str,
    subject: &Subject,
    path: &[PChar],
) -> String {
    let fields = fields(path);
    let loose_field = |roles: &[Role]| fields.iter().find(|f| f.loose && roles.contains(&f.role));
    let template_note = if subject.is_default_format() {
        ""
    } else {
        ", from a customized subject template, which any repository admin can set"
    };
    let repo = match (subject.owner(), subject.repository_name()) {
        (Some(o), Some(r)) => format!("{o}/{r}"),
        _ => "the repository".to_string(),
    };
    match risk {
        SubjectRisk::AnyOwner => {
            let field = loose_field(&[
                Role::OwnerName,
                Role::SegOwnerId,
                Role::ClaimOwnerId,
                Role::ClaimRepoId,
            ]);
            match field {
                Some(f) if f.role == Role::OwnerName && !f.literal_prefix.is_empty() && f.star => {
                    format!(
                        "\"{value}\" also matches repositories of other owners whose name starts with \"{}\", such as \"{}\" (subject \"{witness}\"{template_note})",
                        f.literal_prefix, f.text
                    )
                }
                Some(f) if f.role == Role::OwnerName && !f.literal_prefix.is_empty() => format!(
                    "\"{value}\" does not pin the repository owner exactly: it also matches the owner \"{}\" (subject \"{witness}\"{template_note})",
                    f.text
                ),
                Some(f) if f.role == Role::OwnerName => format!(
                    "\"{value}\" does not pin the repository owner: any GitHub user or organization, such as \"{}\", can present a matching token (subject \"{witness}\"{template_note})",
                    f.text
                ),
                Some(f) if f.role == Role::ClaimRepoId => format!(
                    "\"{value}\" does not pin the repository ID: it also matches repository {} of another owner (subject \"{witness}\"{template_note})",
                    f.text
                ),
                Some(f) => format!(
                    "\"{value}\" does not pin the owner ID: it also matches the account with ID {} (subject \"{witness}\"{template_note})",
                    f.text
                ),
                None => format!(
                    "\"{value}\" does not pin the repository owner: it also matches \"{witness}\""
                ),
            }
        }
        SubjectRisk::WithoutOwner => {
            let example = match subject.context() {
                Some(Context::Environment(e)) => format!(" with an environment named \"{e}\""),
                Some(Context::Branch(b)) => format!(" with a branch named \"{b}\""),
                Some(Context::Tag(t)) => format!(" with a tag named \"{t}\""),
                Some(Context::PullRequest) => " with a pull request".to_string(),
                None => String::new(),
            };
            format!(
                "\"{value}\" pins no owner or repository: any repository on GitHub{example} that uses the same customized subject template presents \"{witness}\" and gets the role"
            )
        }
        SubjectRisk::OrgWide => {
            let (owner, of_owner) =
                match (subject.owner(), claim_value(subject, "repository_owner_id")) {
                    (Some(o), _) => (format!("the owner \"{o}\""), o),
                    (None, Some(id)) => (format!("the owner with ID {id}"), format!("owner {id}")),
                    (None, None) => ("the owner".to_string(), "that owner".to_string()),
                };
            match loose_field(&[Role::RepoName, Role::SegRepoId, Role::ClaimRepoId]) {
                Some(f) if f.role == Role::RepoName && !f.literal_prefix.is_empty() && f.star => {
                    format!(
                        "\"{value}\" pins {owner} but only the start of the repository name: any repository of {of_owner} whose name starts with \"{}\", such as \"{}\", matches (subject \"{witness}\"{template_note})",
                        f.literal_prefix, f.text
                    )
                }
                Some(f) if f.role == Role::RepoName => format!(
                    "\"{value}\" pins {owner} but not the repository: other repositories of {of_owner}, such as \"{}\", match (subject \"{witness}\"{template_note})",
                    f.text
                ),
                Some(f) => format!(
                    "\"{value}\" pins {owner} but not the repository ID: repository {} matches too (subject \"{witness}\"{template_note})",
                    f.text
                ),
                None => format!(
                    "\"{value}\" pins {owner} but no repository: every repository of {of_owner} that uses the same customized subject template presents \"{witness}\""
                ),
            }
        }
        SubjectRisk::AdmitsPullRequest => {
            let pull_request = subject.claims().iter().any(|c| match c {
                Claim::Context(Context::PullRequest) => true,
                Claim::Other { key, value } => key == "ref" && value.starts_with("refs/pull/"),
                _ => false,
            });
            if pull_request {
                format!(
                    "\"{value}\" admits \"{witness}\": workflows of {repo} triggered by pull_request get the role, and they run code from the pull request"
                )
            } else {
                format!(
                    "\"{value}\" names no branch, tag, environment, workflow or event, so under this customized subject template every workflow run of {repo}, pull_request runs included, presents \"{witness}\""
                )
            }
        }
        SubjectRisk::AnyRef => {
            let ref_type_open = path.iter().any(|p| p.role == Role::RefKw && p.loose);
            match loose_field(&[Role::Branch, Role::Tag, Role::Env]).map(|f| f.role) {
                Some(Role::Env) => format!(
                    "\"{value}\" admits any environment of {repo}, such as \"{witness}\": a workflow that names a new environment creates it, so anyone who can push a workflow gets the role"
                ),
                Some(Role::Tag) if !ref_type_open => format!(
                    "\"{value}\" admits any tag of {repo}, such as \"{witness}\": anyone who can push a tag gets the role"
                ),
                _ if ref_type_open => format!(
                    "\"{value}\" admits any branch or tag of {repo}, such as \"{witness}\": anyone who can push a branch or a tag gets the role"
                ),
                _ => format!(
                    "\"{value}\" admits any branch of {repo}, such as \"{witness}\": anyone who can push a branch gets the role"
                ),
            }
        }
        SubjectRisk::RefPrefix => {
            let field = loose_field(&[Role::Branch, Role::Tag, Role::Env]);
            let what = match field.map(|f| f.role) {
                Some(Role::Tag) => "tag",
                Some(Role::Env) => "environment",
                _ => "branch",
            };
            let name = field.map(|f| f.text.as_str()).unwrap_or_default();
            match field {
                Some(f) if !f.literal_prefix.is_empty() && f.star => format!(
                    "\"{value}\" pins only the prefix \"{}\" of the {what} name, so it also matches the {what} \"{name}\" (subject \"{witness}\")",
                    f.literal_prefix
                ),
                _ => format!(
                    "\"{value}\" does not pin the whole {what} name: it also matches the {what} \"{name}\" (subject \"{witness}\")"
                ),
            }
        }
        SubjectRisk::ImmutableIdWildcard => {
            let what = match loose_field(&[Role::SegOwnerId, Role::SegRepoId]).map(|f| f.role) {
                Some(Role::SegRepoId) => "repository",
                _ => "owner",
            };
            format!(
                "\"{value}\" wildcards the numeric {what} ID of the immutable subject format and so throws its protection away: another {what} that takes over the name after a rename, transfer or deletion, such as \"{witness}\", matches"
            )
        }
    }
}

fn claim_value(subject: &Subject, key: &str) -> Option<String> {
    subject.claims().into_iter().find_map(|c| match c {
        Claim::Other { key: k, value } if k == key => Some(value),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
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
        assert!(one("repo:*@123/r@456:ref:refs/heads/main", Like)
            .contains("customized subject template"));
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
}
