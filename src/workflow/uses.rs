//! `uses:` references of steps (actions) and jobs (reusable workflows).
//!
//! Shapes, per GitHub Docs, "Workflow syntax for GitHub Actions" (`jobs.<job_id>.steps[*].uses`
//! and `jobs.<job_id>.uses`,
//! https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#jobsjob_idstepsuses),
//! "Reusing workflow configurations",
//! https://docs.github.com/en/actions/reference/workflows-and-actions/reusing-workflow-configurations,
//! and the `step-uses` / `workflow-job.uses` definitions of actions/languageservices
//! `workflow-v1.0.json`):
//! - `owner/repo@ref` and `owner/repo/path/to/dir@ref` — an action in a repository;
//! - `owner/repo/.github/workflows/file.yml@ref` — a reusable workflow in another repository;
//! - `./path` — an action or (`./.github/workflows/file.yml`) a reusable workflow in the same
//!   repository, at the same commit: it takes no `@ref`;
//! - `docker://image:tag` (or `docker://image@sha256:…`) — a container image.

/// A parsed `uses:` value. The raw text is always kept; a value that fits none of the shapes is
/// [`UsesKind::Malformed`] with the reason, never an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsesRef {
    /// The value as written.
    pub raw: String,
    pub kind: UsesKind,
    /// The text after the first `@` of a repository reference (`v4`, `main`, a commit SHA);
    /// `None` when there is no `@` (an error for remote references, normal for local paths and
    /// docker images, whose digest stays part of `image`).
    pub git_ref: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UsesKind {
    /// `owner/repo[/path]`: an action, or a reusable workflow when `path` is
    /// `.github/workflows/<file>.yml|yaml`.
    Repository {
        owner: String,
        repo: String,
        /// The part after `owner/repo/`, without a trailing `/`.
        path: Option<String>,
    },
    /// `./path` in the same repository; `path` is kept as written (with the leading `./`).
    Local { path: String },
    /// `docker://…`; `image` is everything after the scheme.
    Docker { image: String },
    /// Not a `uses:` value GitHub can resolve.
    Malformed { reason: String },
}

const WORKFLOWS_DIR: &str = ".github/workflows/";

impl UsesRef {
    /// Parses a `uses:` value. Never panics; anything unexpected becomes `Malformed`.
    pub fn parse(raw: &str) -> UsesRef {
        let malformed = |reason: &str| UsesRef {
            raw: raw.to_string(),
            kind: UsesKind::Malformed {
                reason: reason.to_string(),
            },
            git_ref: None,
        };
        if raw.is_empty() {
            return malformed("the value is empty");
        }
        if raw.chars().any(char::is_whitespace) {
            return malformed("the value contains whitespace");
        }
        if let Some(image) = strip_prefix_ignore_case(raw, "docker://") {
            if image.is_empty() {
                return malformed("`docker://` is not followed by an image");
            }
            return UsesRef {
                raw: raw.to_string(),
                kind: UsesKind::Docker {
                    image: image.to_string(),
                },
                git_ref: None,
            };
        }
        if let Some(rest) = raw.strip_prefix("./") {
            if rest.contains('@') {
                return malformed(
                    "a local path (`./…`) takes no `@ref`: it always runs the workflow's own commit",
                );
            }
            return UsesRef {
                raw: raw.to_string(),
                kind: UsesKind::Local {
                    path: raw.to_string(),
                },
                git_ref: None,
            };
        }
        if raw.starts_with('.') || raw.starts_with('/') || raw.starts_with('\\') {
            return malformed("a local path must start with `./`");
        }
        let (target, git_ref) = match raw.split_once('@') {
            Some((target, git_ref)) => (target, Some(git_ref)),
            None => (raw, None),
        };
        if git_ref == Some("") {
            return malformed("nothing follows `@`: expected a tag, branch or commit SHA");
        }
        let mut parts = target.splitn(3, '/');
        let owner = parts.next().unwrap_or("");
        let Some(repo) = parts.next() else {
            return malformed("expected `owner/repo@ref`, `./path` or `docker://image`");
        };
        let path = parts.next();
        // `_` appears in Enterprise Managed User names (`user_shortcode`).
        if owner.is_empty()
            || !owner
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        {
            return malformed("the owner must be a non-empty name of letters, digits, `-` and `_`");
        }
        if repo.is_empty()
            || !repo
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            return malformed(
                "the repository must be a non-empty name of letters, digits, `-`, `_` and `.`",
            );
        }
        let path = match path {
            None => None,
            Some(p) => {
                let p = p.strip_suffix('/').unwrap_or(p);
                if p.is_empty() || p.split('/').any(|seg| seg.is_empty()) {
                    return malformed("the path inside the repository has an empty segment");
                }
                Some(p.to_string())
            }
        };
        UsesRef {
            raw: raw.to_string(),
            kind: UsesKind::Repository {
                owner: owner.to_string(),
                repo: repo.to_string(),
                path,
            },
            git_ref: git_ref.map(str::to_string),
        }
    }

    /// True when the ref is a full 40-hex-digit commit SHA (the only immutable pin).
    pub fn is_full_sha(&self) -> bool {
        self.git_ref
            .as_deref()
            .is_some_and(|r| r.len() == 40 && r.bytes().all(|b| b.is_ascii_hexdigit()))
    }

    /// `owner/repo`, lowercased (GitHub owner and repository names are case-insensitive), for
    /// table lookups; `None` for local paths, docker images and malformed values.
    pub fn action_name(&self) -> Option<String> {
        match &self.kind {
            UsesKind::Repository { owner, repo, .. } => {
                Some(format!("{owner}/{repo}").to_ascii_lowercase())
            }
            _ => None,
        }
    }

    /// `owner/repo` or `owner/repo/path`, lowercased: tells `actions/attest-build-provenance`
    /// from its `…/predicate` sub-action.
    pub fn full_action_name(&self) -> Option<String> {
        match &self.kind {
            UsesKind::Repository { path: Some(p), .. } => Some(format!(
                "{}/{}",
                self.action_name()?,
                p.to_ascii_lowercase()
            )),
            UsesKind::Repository { .. } => self.action_name(),
            _ => None,
        }
    }

    /// The workflow file path inside its repository (`.github/workflows/x.yml`) when this
    /// references a reusable workflow, local or remote.
    pub fn workflow_path(&self) -> Option<&str> {
        let path = match &self.kind {
            UsesKind::Repository { path: Some(p), .. } => p.as_str(),
            UsesKind::Local { path } => path.trim_start_matches("./"),
            _ => return None,
        };
        let file = path.strip_prefix(WORKFLOWS_DIR)?;
        let is_yaml = file.ends_with(".yml") || file.ends_with(".yaml");
        (is_yaml && !file.contains('/')).then_some(path)
    }

    /// True for a reusable-workflow reference (local or remote).
    pub fn is_reusable_workflow(&self) -> bool {
        self.workflow_path().is_some()
    }

    pub fn is_local(&self) -> bool {
        matches!(self.kind, UsesKind::Local { .. })
    }

    pub fn is_malformed(&self) -> bool {
        matches!(self.kind, UsesKind::Malformed { .. })
    }
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo(owner: &str, repo: &str, path: Option<&str>) -> UsesKind {
        UsesKind::Repository {
            owner: owner.into(),
            repo: repo.into(),
            path: path.map(Into::into),
        }
    }

    #[test]
    fn parses_every_shape() {
        let sha = "8e5e7e5ab8b370d6c329ec480221332ada57f0ab";
        let cases: Vec<(&str, UsesKind, Option<&str>)> = vec![
            (
                "actions/checkout@v4",
                repo("actions", "checkout", None),
                Some("v4"),
            ),
            (
                "aws-actions/configure-aws-credentials@v4.0.2",
                repo("aws-actions", "configure-aws-credentials", None),
                Some("v4.0.2"),
            ),
            (
                "actions/attest-build-provenance/predicate@v1",
                repo("actions", "attest-build-provenance", Some("predicate")),
                Some("v1"),
            ),
            (
                "octo/repo/deep/path/to/dir/@main",
                repo("octo", "repo", Some("deep/path/to/dir")),
                Some("main"),
            ),
            (
                "octo-org/ci/.github/workflows/deploy.yml@refs/heads/main",
                repo("octo-org", "ci", Some(".github/workflows/deploy.yml")),
                Some("refs/heads/main"),
            ),
            ("actions/checkout", repo("actions", "checkout", None), None),
            (
                "owner/my.repo_x@feature@x",
                repo("owner", "my.repo_x", None),
                Some("feature@x"),
            ),
            (
                "./.github/workflows/build.yml",
                UsesKind::Local {
                    path: "./.github/workflows/build.yml".into(),
                },
                None,
            ),
            (
                "./actions/setup",
                UsesKind::Local {
                    path: "./actions/setup".into(),
                },
                None,
            ),
            (
                "docker://alpine:3.19",
                UsesKind::Docker {
                    image: "alpine:3.19".into(),
                },
                None,
            ),
            (
                "docker://ghcr.io/o/i@sha256:abc",
                UsesKind::Docker {
                    image: "ghcr.io/o/i@sha256:abc".into(),
                },
                None,
            ),
        ];
        for (raw, kind, git_ref) in cases {
            let parsed = UsesRef::parse(raw);
            assert_eq!(parsed.kind, kind, "{raw}");
            assert_eq!(parsed.git_ref.as_deref(), git_ref, "{raw}");
            assert_eq!(parsed.raw, raw);
        }
        assert_eq!(
            UsesRef::parse(&format!("actions/checkout@{sha}"))
                .git_ref
                .as_deref(),
            Some(sha)
        );
    }

    #[test]
    fn malformed_values_keep_the_raw_text() {
        for raw in [
            "",
            "checkout@v4",
            "actions/@v4",
            "/repo@v4",
            "actions/checkout@",
            "actions/check out@v4",
            " actions/checkout@v4",
            "act!ons/checkout@v4",
            "actions/checkout//x@v4",
            "../actions/setup",
            ".github/workflows/x.yml",
            "./.github/workflows/x.yml@main",
            "docker://",
            "@v4",
            "actions/ché@v1",
        ] {
            let parsed = UsesRef::parse(raw);
            assert!(parsed.is_malformed(), "{raw:?} parsed as {:?}", parsed.kind);
            assert_eq!(parsed.raw, raw);
            assert_eq!(parsed.action_name(), None);
        }
    }

    #[test]
    fn helpers() {
        let sha = "8E5E7E5AB8B370D6C329EC480221332ADA57F0AB";
        assert!(UsesRef::parse(&format!("a/b@{sha}")).is_full_sha());
        assert!(!UsesRef::parse("a/b@8e5e7e5").is_full_sha());
        assert!(!UsesRef::parse("a/b@v4").is_full_sha());
        assert!(!UsesRef::parse("a/b").is_full_sha());
        assert!(!UsesRef::parse(&format!("a/b@{}g", &sha[..39])).is_full_sha());

        let u = UsesRef::parse("AWS-Actions/Configure-AWS-Credentials@main");
        assert_eq!(
            u.action_name().as_deref(),
            Some("aws-actions/configure-aws-credentials")
        );
        let p = UsesRef::parse("actions/attest-build-provenance/Predicate@v1");
        assert_eq!(
            p.full_action_name().as_deref(),
            Some("actions/attest-build-provenance/predicate")
        );
        assert_eq!(
            p.action_name().as_deref(),
            Some("actions/attest-build-provenance")
        );
        assert_eq!(UsesRef::parse("./x").action_name(), None);
        assert_eq!(UsesRef::parse("docker://alpine").action_name(), None);

        let local = UsesRef::parse("./.github/workflows/deploy.yaml");
        assert!(local.is_reusable_workflow() && local.is_local());
        assert_eq!(local.workflow_path(), Some(".github/workflows/deploy.yaml"));
        let remote = UsesRef::parse("o/r/.github/workflows/deploy.yml@v1");
        assert_eq!(remote.workflow_path(), Some(".github/workflows/deploy.yml"));
        assert!(!UsesRef::parse("o/r/.github/workflows/sub/deploy.yml@v1").is_reusable_workflow());
        assert!(!UsesRef::parse("./.github/workflows/readme.md").is_reusable_workflow());
        assert!(!UsesRef::parse("./actions/setup").is_reusable_workflow());
    }
}
