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
    analyze_sub_value_where(value, kind, &|_| true)
}

/// [`analyze_sub_value`], with every witness also passing `admitted`: the caller's whole-policy
/// check (the other conditions of the statement, `Deny` statements). The search goes on past a
/// witness `admitted` refuses, so a risk is reported with a witness the policy lets in, or not
/// at all.
pub fn analyze_sub_value_where(
    value: &str,
    kind: MatchKind,
    admitted: &dyn Fn(&str) -> bool,
) -> Vec<SubjectFinding> {
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
        modes.iter().find_map(|&mode| {
            Search::new(&toks, ignore_case, mode, target, order).run(|text| {
                parse_subject(text).is_some() && admits(value, kind, text) && admitted(text)
            })
        })
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
mod tests;
