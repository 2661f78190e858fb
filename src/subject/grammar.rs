//! Concrete GitHub Actions subjects (`sub`): the data model and a strict parser.
//!
//! A subject is a `:`-separated sequence of claims. GitHub encodes a `:` inside a value as `%3A`,
//! so splitting on `:` is exact. Three shapes exist:
//!
//! * default, classic: `repo:OWNER/REPO:CONTEXT`;
//! * default, immutable (repositories created, renamed or transferred from 2026-07-15, or opted
//!   in): `repo:OWNER@OWNER_ID/REPO@REPO_ID:CONTEXT`;
//! * customized (`include_claim_keys`): the claims of the template in template order, each
//!   `key:value`; the template name `repo` renders as `repo:OWNER/REPO` (with the IDs for an
//!   immutable repository) and `context` renders as the context itself, without a key.
//!
//! CONTEXT is `pull_request`, `ref:refs/heads/BRANCH`, `ref:refs/tags/TAG` or
//! `environment:NAME`.

use std::fmt;

use super::claims::{template_key_kind, KeyKind};

/// A concrete GitHub Actions OIDC subject, as [`parse_subject`] reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subject {
    /// Default format with names only: `repo:OWNER/REPO:CONTEXT` (`repository.owner_id` and
    /// `repository.id` are `None`).
    Classic {
        repository: Repository,
        context: Context,
    },
    /// Default format with immutable IDs: `repo:OWNER@OWNER_ID/REPO@REPO_ID:CONTEXT` (both IDs
    /// are `Some`).
    Immutable {
        repository: Repository,
        context: Context,
    },
    /// A subject built from a customized template: every claim in order. A two-claim subject
    /// `repo:…:CONTEXT` is never `Customized`: it reads as the default format it equals.
    Customized(Vec<Claim>),
}

/// The `repo:` segment of a subject.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Repository {
    /// Owner login: ASCII letters, digits and `-`.
    pub owner: String,
    /// Numeric owner ID (immutable format only), as written.
    pub owner_id: Option<String>,
    /// Repository name: ASCII letters, digits, `-`, `_` and `.`.
    pub name: String,
    /// Numeric repository ID (immutable format only), as written.
    pub id: Option<String>,
}

/// What the default format puts after the repository.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Context {
    /// `pull_request`: a run triggered by a pull request event (and no environment).
    PullRequest,
    /// `ref:refs/heads/NAME`.
    Branch(String),
    /// `ref:refs/tags/NAME`.
    Tag(String),
    /// `environment:NAME` (a `:` in the name is `%3A`).
    Environment(String),
}

/// One claim of a customized subject.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Claim {
    /// `repo:OWNER/REPO` or `repo:OWNER@ID/REPO@ID`.
    Repo(Repository),
    /// A context: `pull_request`, `ref:refs/heads/…`, `ref:refs/tags/…` or `environment:…`.
    /// (The `ref` and `environment` claims render the same way as the context.)
    Context(Context),
    /// Any other claim, e.g. `repository_owner:octo-org`, `ref:refs/pull/1/merge`,
    /// `job_workflow_ref:octo-org/ci/.github/workflows/deploy.yml@refs/heads/main`.
    Other { key: String, value: String },
}

/// Parses a concrete subject; `None` when GitHub cannot emit `s`.
///
/// Checked: every key is one GitHub can put in a template (see
/// [`known_claim_keys`](super::known_claim_keys), plus `repo`); names and IDs use the characters
/// GitHub allows; branch and tag names obey git's ref-name character rules; and the claims are
/// consistent with one run (one repository, one owner, at most one context; a pull request run
/// has no branch, tag or environment context). Not checked: lengths and GitHub's finer naming
/// rules (leading hyphens and the like).
pub fn parse_subject(s: &str) -> Option<Subject> {
    let fields: Vec<&str> = s.split(':').collect();
    let mut claims = Vec::new();
    let mut i = 0;
    while i < fields.len() {
        let key = fields[i];
        if key == "pull_request" {
            claims.push(Claim::Context(Context::PullRequest));
            i += 1;
            continue;
        }
        let value = *fields.get(i + 1)?;
        i += 2;
        claims.push(parse_claim(key, value)?);
    }
    check_consistency(&claims)?;
    if let [Claim::Repo(repository), Claim::Context(context)] = claims.as_slice() {
        let (repository, context) = (repository.clone(), context.clone());
        return Some(if repository.owner_id.is_some() {
            Subject::Immutable {
                repository,
                context,
            }
        } else {
            Subject::Classic {
                repository,
                context,
            }
        });
    }
    Some(Subject::Customized(claims))
}

fn parse_claim(key: &str, value: &str) -> Option<Claim> {
    let kind = template_key_kind(key)?;
    let other = || Claim::Other {
        key: key.to_string(),
        value: value.to_string(),
    };
    match kind {
        KeyKind::Repo => parse_repo_segment(value).map(Claim::Repo),
        KeyKind::Ref => match run_ref(value)? {
            Some(context) => Some(Claim::Context(context)),
            None => Some(other()),
        },
        KeyKind::Environment => (!value.is_empty() && value.chars().all(is_env_char))
            .then(|| Claim::Context(Context::Environment(value.to_string()))),
        KeyKind::PullRequest => None,
        KeyKind::RepositoryOwner => is_owner(value).then(other),
        KeyKind::Repository => {
            let (owner, name) = value.split_once('/')?;
            (is_owner(owner) && is_repo_name(name)).then(other)
        }
        KeyKind::RepositoryOwnerId | KeyKind::RepositoryId => is_digits(value).then(other),
        KeyKind::WorkflowRef => {
            let mut parts = value.splitn(3, '/');
            let (owner, name, rest) = (parts.next()?, parts.next()?, parts.next()?);
            let (path, git_ref) = rest.split_once('@')?;
            // The run's own workflow is at the run's ref; a called one at whatever `uses:` names.
            let ref_ok = if key == "workflow_ref" {
                run_ref(git_ref).is_some()
            } else {
                !git_ref.is_empty()
            };
            (is_owner(owner) && is_repo_name(name) && !path.is_empty() && ref_ok).then(other)
        }
        KeyKind::Restricting | KeyKind::Free | KeyKind::PropertyPrefix => Some(other()),
    }
}

/// A run's `GITHUB_REF`: `Some(Some(branch or tag))`, `Some(None)` for a pull request's
/// `refs/pull/N/merge`, `None` for anything else.
fn run_ref(value: &str) -> Option<Option<Context>> {
    if let Some(name) = value.strip_prefix("refs/heads/") {
        is_ref_name(name).then(|| Some(Context::Branch(name.to_string())))
    } else if let Some(name) = value.strip_prefix("refs/tags/") {
        is_ref_name(name).then(|| Some(Context::Tag(name.to_string())))
    } else {
        let number = value.strip_prefix("refs/pull/")?.strip_suffix("/merge")?;
        is_digits(number).then_some(None)
    }
}

fn parse_repo_segment(value: &str) -> Option<Repository> {
    let (owner_part, repo_part) = value.split_once('/')?;
    let (owner, owner_id) = match owner_part.split_once('@') {
        Some((o, id)) => (o, Some(id)),
        None => (owner_part, None),
    };
    let (name, id) = match repo_part.split_once('@') {
        Some((r, id)) => (r, Some(id)),
        None => (repo_part, None),
    };
    if !is_owner(owner) || !is_repo_name(name) || owner_id.is_some() != id.is_some() {
        return None;
    }
    if !owner_id.is_none_or(is_digits) || !id.is_none_or(is_digits) {
        return None;
    }
    Some(Repository {
        owner: owner.to_string(),
        owner_id: owner_id.map(str::to_string),
        name: name.to_string(),
        id: id.map(str::to_string),
    })
}

/// One run has one repository, one owner and at most one context.
fn check_consistency(claims: &[Claim]) -> Option<()> {
    let mut owners: Vec<&str> = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    let mut owner_ids: Vec<&str> = Vec::new();
    let mut repo_ids: Vec<&str> = Vec::new();
    let mut contexts: Vec<&Context> = Vec::new();
    let mut pull_ref = false;
    let mut run_refs: Vec<Context> = Vec::new();
    let mut repo_claims = 0;
    let mut keys: Vec<&str> = Vec::new();
    for claim in claims {
        match claim {
            Claim::Repo(r) => {
                repo_claims += 1;
                owners.push(&r.owner);
                names.push(&r.name);
                owner_ids.extend(r.owner_id.as_deref());
                repo_ids.extend(r.id.as_deref());
            }
            Claim::Context(c) => contexts.push(c),
            Claim::Other { key, value } => {
                if keys.contains(&key.as_str()) {
                    return None;
                }
                keys.push(key);
                match key.as_str() {
                    "ref" => pull_ref = true,
                    "repository_owner" => owners.push(value),
                    "repository" | "workflow_ref" => {
                        let mut parts = value.splitn(3, '/');
                        owners.extend(parts.next());
                        names.extend(parts.next());
                        if key == "workflow_ref" {
                            let run = value.rsplit_once('@').and_then(|(_, r)| run_ref(r));
                            match run {
                                Some(Some(context)) => run_refs.push(context),
                                _ => pull_ref = true,
                            }
                        }
                    }
                    "repository_owner_id" => owner_ids.push(value),
                    "repository_id" => repo_ids.push(value),
                    _ => {}
                }
            }
        }
    }
    let same = |v: &[&str]| v.windows(2).all(|w| w[0].eq_ignore_ascii_case(w[1]));
    if repo_claims > 1 || !same(&owners) || !same(&names) || !same(&owner_ids) || !same(&repo_ids) {
        return None;
    }
    // The `ref` claim and the context may both render as `ref:…` (or, for an environment job,
    // `environment:…`): they must then agree.
    let pull = contexts.contains(&&Context::PullRequest) || pull_ref;
    let mut refs = contexts
        .iter()
        .copied()
        .chain(run_refs.iter())
        .filter(|c| matches!(c, Context::Branch(_) | Context::Tag(_)));
    let first_ref = refs.next();
    if refs.any(|r| Some(r) != first_ref) {
        return None;
    }
    let mut envs = contexts
        .iter()
        .filter(|c| matches!(c, Context::Environment(_)));
    let first_env = envs.next();
    if envs.any(|e| Some(e) != first_env) {
        return None;
    }
    let pull_requests = contexts
        .iter()
        .filter(|c| **c == &Context::PullRequest)
        .count();
    if pull_requests > 1 || (pull && (first_ref.is_some() || first_env.is_some())) {
        return None;
    }
    Some(())
}

impl Subject {
    /// The claims in order (a default-format subject is `[Repo, Context]`).
    pub fn claims(&self) -> Vec<Claim> {
        match self {
            Subject::Classic {
                repository,
                context,
            }
            | Subject::Immutable {
                repository,
                context,
            } => vec![
                Claim::Repo(repository.clone()),
                Claim::Context(context.clone()),
            ],
            Subject::Customized(claims) => claims.clone(),
        }
    }

    /// The owner login, from `repo:`, `repository_owner:` or `repository:`.
    pub fn owner(&self) -> Option<String> {
        self.claims().into_iter().find_map(|c| match c {
            Claim::Repo(r) => Some(r.owner),
            Claim::Other { key, value } if key == "repository_owner" => Some(value),
            Claim::Other { key, value } if key == "repository" => {
                value.split_once('/').map(|(o, _)| o.to_string())
            }
            _ => None,
        })
    }

    /// The repository name, from `repo:` or `repository:`.
    pub fn repository_name(&self) -> Option<String> {
        self.claims().into_iter().find_map(|c| match c {
            Claim::Repo(r) => Some(r.name),
            Claim::Other { key, value } if key == "repository" => {
                value.split_once('/').map(|(_, r)| r.to_string())
            }
            _ => None,
        })
    }

    /// The context (the first one, for a customized subject).
    pub fn context(&self) -> Option<Context> {
        self.claims().into_iter().find_map(|c| match c {
            Claim::Context(c) => Some(c),
            _ => None,
        })
    }

    /// True for a default-format subject (classic or immutable).
    pub fn is_default_format(&self) -> bool {
        !matches!(self, Subject::Customized(_))
    }
}

impl fmt::Display for Repository {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.owner_id, &self.id) {
            (Some(oid), Some(rid)) => write!(f, "{}@{}/{}@{}", self.owner, oid, self.name, rid),
            _ => write!(f, "{}/{}", self.owner, self.name),
        }
    }
}

impl fmt::Display for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Context::PullRequest => f.write_str("pull_request"),
            Context::Branch(b) => write!(f, "ref:refs/heads/{b}"),
            Context::Tag(t) => write!(f, "ref:refs/tags/{t}"),
            Context::Environment(e) => write!(f, "environment:{e}"),
        }
    }
}

impl fmt::Display for Claim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Claim::Repo(r) => write!(f, "repo:{r}"),
            Claim::Context(c) => c.fmt(f),
            Claim::Other { key, value } => write!(f, "{key}:{value}"),
        }
    }
}

/// Renders the subject back; `parse_subject(&s.to_string()) == Some(s)`.
impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, claim) in self.claims().iter().enumerate() {
            if i > 0 {
                f.write_str(":")?;
            }
            claim.fmt(f)?;
        }
        Ok(())
    }
}

// Character classes, shared with the pattern analysis so that both read the same language.

/// GitHub logins: ASCII letters, digits and hyphens.
pub(crate) fn is_owner_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-'
}

/// GitHub repository names: ASCII letters, digits, `-`, `_`, `.`.
pub(crate) fn is_repo_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
}

/// Characters git allows in a ref name (`git check-ref-format`), and no `:`.
pub(crate) fn is_ref_name_char(c: char) -> bool {
    !c.is_control() && !matches!(c, ':' | '?' | '*' | '[' | '\\' | '^' | '~' | ' ')
}

/// Environment names: anything but control characters (a `:` arrives as `%3A`).
pub(crate) fn is_env_char(c: char) -> bool {
    !c.is_control() && c != ':'
}

fn is_owner(s: &str) -> bool {
    !s.is_empty() && s.chars().all(is_owner_char)
}

fn is_repo_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(is_repo_char)
}

/// A branch or tag name as `git check-ref-format --branch` accepts it.
fn is_ref_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars().all(is_ref_name_char)
        && s != "@"
        && !s.contains("..")
        && !s.contains("@{")
        && !s.ends_with('.')
        && s.split('/')
            .all(|part| !part.is_empty() && !part.starts_with('.') && !part.ends_with(".lock"))
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo(owner: &str, name: &str) -> Repository {
        Repository {
            owner: owner.into(),
            owner_id: None,
            name: name.into(),
            id: None,
        }
    }

    #[test]
    fn default_formats() {
        assert_eq!(
            parse_subject("repo:octo-org/octo-repo:ref:refs/heads/main"),
            Some(Subject::Classic {
                repository: repo("octo-org", "octo-repo"),
                context: Context::Branch("main".into())
            })
        );
        assert_eq!(
            parse_subject("repo:octo-org/octo-repo:environment:Production%3AV1")
                .unwrap()
                .context(),
            Some(Context::Environment("Production%3AV1".into()))
        );
        let imm = parse_subject("repo:octo-org@123456/octo-repo@456789:pull_request").unwrap();
        assert!(matches!(imm, Subject::Immutable { .. }));
        assert_eq!(imm.owner().as_deref(), Some("octo-org"));
        assert_eq!(
            imm.to_string(),
            "repo:octo-org@123456/octo-repo@456789:pull_request"
        );
        assert_eq!(
            parse_subject("repo:o/r:ref:refs/tags/v1.2.3")
                .unwrap()
                .context(),
            Some(Context::Tag("v1.2.3".into()))
        );
    }

    #[test]
    fn customized_templates() {
        let s = "repo:octo-org/octo-repo:environment:prod:job_workflow_ref:octo-org/ci/.github/workflows/d.yml@refs/heads/main";
        let parsed = parse_subject(s).unwrap();
        assert!(matches!(parsed, Subject::Customized(ref c) if c.len() == 3));
        assert_eq!(parsed.to_string(), s);
        for ok in [
            "environment:production",
            "repository_owner:monalisa:repository_visibility:private",
            "repository_owner_id:123:repository_id:456:environment:prod",
            "job_workflow_ref:octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main",
            "environment:production%3Aeastus:repository_owner:octo-org",
            "repo_property_workspace_id:ws-abc123",
            "repo:o/r",
            "repo:o/r:pull_request:ref:refs/pull/7/merge",
            "repo:o/r:ref:refs/heads/main:ref:refs/heads/main",
            "repo:o/r:ref:refs/heads/main:workflow_ref:o/r/.github/workflows/d.yml@refs/heads/main",
            "repo:o/r:pull_request:workflow_ref:o/r/.github/workflows/d.yml@refs/pull/3/merge",
            "repo:o/r:job_workflow_ref:o/ci/.github/workflows/d.yml@0123abc",
            "head_ref:",
        ] {
            assert!(
                matches!(parse_subject(ok), Some(Subject::Customized(_))),
                "{ok}"
            );
        }
    }

    #[test]
    fn rejects_what_github_cannot_emit() {
        for bad in [
            "",
            "repo:",
            "repo:o",
            "repo:o/",
            "repo:o/r:",
            "repo:o/r:ref:",
            "repo:o/r:ref:main",
            "repo:o/r:ref:refs/heads/",
            "repo:o/r:ref:refs/heads/a*b",
            "repo:o/r:ref:refs/heads/a/",
            "repo:o/r:ref:refs/heads/a//b",
            "repo:o/r:ref:refs/heads/a..b",
            "repo:o/r:ref:refs/heads/.hidden",
            "repo:o/r:ref:refs/tags/v1.lock",
            "repo:o/r:workflow_ref:o/r/.github/workflows/d.yml@main",
            "repo:o/r:pull_request:workflow_ref:o/r/.github/workflows/d.yml@refs/heads/main",
            "repo:o/r:ref:refs/heads/a:workflow_ref:o/r/.github/workflows/d.yml@refs/heads/b",
            "repo:o@1/r:ref:refs/heads/main",
            "repo:o@x/r@2:pull_request",
            "repo:o.x/r:pull_request",
            "repo:o/r@:pull_request",
            "context:ref:refs/heads/main",
            "sub:x",
            "repo:o/r:environment",
            "repo:o/r:pull_request:environment:prod",
            "repo:o/r:pull_request:pull_request",
            "repo:o/r:repo:o/r",
            "repo:o/r:ref:refs/heads/a:ref:refs/heads/b",
            "repo:o/r:repository_owner:x",
            "repository_owner:a:repository_owner:a",
            "repository_owner:o/r",
            "repository_id:12a",
            "job_workflow_ref:o/r",
            "job_workflow_ref:o/r/.github/workflows/d.yml",
            "job_workflow_ref:o/r/@refs/heads/main",
        ] {
            assert_eq!(parse_subject(bad), None, "{bad}");
        }
    }
}
