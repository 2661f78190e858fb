//! The repository the scanned workflows belong to: `owner/name`, numeric IDs, default branch and
//! GitHub host, from `trustlint.toml`, the command line or the clone's `.git` directory.

use super::git::{self, DefaultBranchEvidence, RemoteRepo};
use crate::config::Config;
use std::path::{Path, PathBuf};

/// Where the repository's `owner/name` came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentitySource {
    /// `[github] repository` in trustlint.toml.
    Config,
    /// The `--repository` flag.
    Flag,
    /// `remote.origin.url` of the clone; the path is the git config file that names it.
    GitRemote(PathBuf),
    /// Not detected: built by a caller that knows the repository some other way.
    Unknown,
}

/// Where the default branch came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BranchSource {
    /// `[github] default-branch`.
    Config,
    /// The clone: `refs/remotes/origin/HEAD`, or the remote-tracking branches of origin.
    Clone(DefaultBranchEvidence),
    /// Nothing said: `main` is assumed.
    Assumed,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoIdentity {
    pub owner: String,
    pub name: String,
    /// For immutable subjects (`repo:OWNER@OWNER_ID/REPO@REPO_ID:…`); only from trustlint.toml.
    pub owner_id: Option<u64>,
    pub repository_id: Option<u64>,
    /// Without `refs/heads/`.
    pub default_branch: String,
    pub default_branch_source: BranchSource,
    /// The GitHub Enterprise Server (or GHE.com) host; `None` for github.com.
    pub host: Option<String>,
    pub source: IdentitySource,
}

/// The issuer of github.com's Actions tokens (without scheme, as the policy code compares them).
pub const GITHUB_COM_ISSUER: &str = "token.actions.githubusercontent.com";

impl RepoIdentity {
    /// `owner/name`.
    pub fn full_name(&self) -> String {
        format!("{}/{}", self.owner, self.name)
    }

    /// The issuer of the repository's Actions OIDC tokens, without scheme:
    /// `token.actions.githubusercontent.com` for github.com, `token.actions.SUBDOMAIN.ghe.com`
    /// for GHE.com (data residency), `HOST/_services/token` for GitHub Enterprise Server.
    /// (An Enterprise Cloud custom issuer, `…/ENTERPRISE-SLUG`, cannot be seen from here.)
    pub fn issuer(&self) -> String {
        match self.host.as_deref() {
            None => GITHUB_COM_ISSUER.to_string(),
            Some(host) if host.ends_with(".ghe.com") && !host.contains(':') => {
                format!("token.actions.{host}")
            }
            Some(host) => format!("{host}/_services/token"),
        }
    }
}

/// Finds the repository: `[github] repository` in `config`, else `flag` (`owner/name` or a
/// remote URL), else `remote.origin.url` of the clone at or above `root` (read from the git
/// config file; git is never run). `Ok(None)` when none of them names a GitHub repository;
/// `Err` only for an invalid `flag` (the message never shows credentials).
///
/// The rest of the identity:
/// - `owner-id`, `repository-id` from the config;
/// - host: `[github] host`, else the host of the flag's URL or of the remote (unless github.com);
/// - default branch: `[github] default-branch`, else what the clone recorded for origin
///   (`refs/remotes/origin/HEAD`, else its remote-tracking branches; see
///   [`git::origin_default_branch`]) when the clone's origin is this repository, else `main`.
///   `.git/HEAD` is the checked-out branch, not the default one, and is not read.
pub fn detect(
    root: &Path,
    config: &Config,
    flag: Option<&str>,
) -> Result<Option<RepoIdentity>, String> {
    let clone = git::find_git_dirs(root);
    let remote = clone.as_ref().and_then(|dirs| {
        let text = crate::source::read_text(&dirs.config_path()).ok()?;
        let url = git::origin_url(&git::parse_git_config(&text))?;
        git::parse_remote_url(&url)
    });

    let flag_repo = flag.map(parse_flag).transpose()?;
    let (owner, name, url_host, source) = if let Some(repository) = &config.github.repository {
        let (owner, name) = super::names::parse_repository(repository)?;
        (
            owner.to_string(),
            name.to_string(),
            None,
            IdentitySource::Config,
        )
    } else if let Some((owner, name, host)) = flag_repo {
        (owner, name, host, IdentitySource::Flag)
    } else if let (Some(dirs), Some(r)) = (&clone, &remote) {
        (
            r.owner.clone(),
            r.name.clone(),
            Some(r.host.clone()),
            IdentitySource::GitRemote(dirs.config_path()),
        )
    } else {
        return Ok(None);
    };

    let host = config
        .github
        .host
        .clone()
        .or(url_host)
        .filter(|h| h != "github.com");

    let clone_is_this_repository = remote.as_ref().is_some_and(|r: &RemoteRepo| {
        r.owner.eq_ignore_ascii_case(&owner) && r.name.eq_ignore_ascii_case(&name)
    });
    let (default_branch, default_branch_source) =
        if let Some(branch) = &config.github.default_branch {
            (branch.clone(), BranchSource::Config)
        } else if let Some((branch, evidence)) = clone
            .as_ref()
            .filter(|_| clone_is_this_repository)
            .and_then(|dirs| git::origin_default_branch(&dirs.common_dir))
        {
            (branch, BranchSource::Clone(evidence))
        } else {
            ("main".to_string(), BranchSource::Assumed)
        };

    Ok(Some(RepoIdentity {
        owner,
        name,
        owner_id: config.github.owner_id,
        repository_id: config.github.repository_id,
        default_branch,
        default_branch_source,
        host,
        source,
    }))
}

/// `--repository`: `owner/name`, or a remote URL (whose host is kept).
fn parse_flag(flag: &str) -> Result<(String, String, Option<String>), String> {
    let flag = flag.trim();
    if let Ok((owner, name)) = super::names::parse_repository(flag) {
        return Ok((owner.to_string(), name.to_string(), None));
    }
    if let Some(r) = git::parse_remote_url(flag) {
        return Ok((r.owner, r.name, Some(r.host)));
    }
    let shown = git::redact_url(flag);
    Err(match super::names::parse_repository(flag) {
        Err(e) if !flag.contains("://") && !flag.contains('@') => {
            format!("--repository: {e}")
        }
        _ => format!("--repository \"{shown}\": expected owner/name or a GitHub repository URL"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn write(path: &Path, text: &str) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    /// A clone at `dir` with an origin URL and optionally origin/HEAD.
    fn clone_at(dir: &Path, url: &str, origin_head: Option<&str>) {
        write(
            &dir.join(".git/config"),
            &format!("[core]\n\tbare = false\n[remote \"origin\"]\n\turl = {url}\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n"),
        );
        write(&dir.join(".git/HEAD"), "ref: refs/heads/feature/x\n");
        if let Some(branch) = origin_head {
            write(
                &dir.join(".git/refs/remotes/origin/HEAD"),
                &format!("ref: refs/remotes/origin/{branch}\n"),
            );
        }
    }

    fn config(text: &str) -> Config {
        Config::parse(text).unwrap()
    }

    fn detect_ok(root: &Path, config: &Config, flag: Option<&str>) -> RepoIdentity {
        detect(root, config, flag).unwrap().expect("an identity")
    }

    #[test]
    fn from_the_origin_remote_walking_up() {
        let dir = tempfile::tempdir().unwrap();
        clone_at(
            dir.path(),
            "git@github.com:octo-org/octo-repo.git",
            Some("trunk"),
        );
        let sub = dir.path().join("infra/iam");
        fs::create_dir_all(&sub).unwrap();
        let id = detect_ok(&sub, &Config::default(), None);
        assert_eq!(id.full_name(), "octo-org/octo-repo");
        assert_eq!(id.host, None);
        assert_eq!(id.default_branch, "trunk");
        assert_eq!(
            id.default_branch_source,
            BranchSource::Clone(DefaultBranchEvidence::OriginHead)
        );
        let expected = fs::canonicalize(dir.path()).unwrap().join(".git/config");
        assert_eq!(id.source, IdentitySource::GitRemote(expected));
        assert_eq!(id.issuer(), "token.actions.githubusercontent.com");
    }

    #[test]
    fn head_is_not_the_default_branch() {
        let dir = tempfile::tempdir().unwrap();
        clone_at(dir.path(), "https://github.com/o/r", None);
        let id = detect_ok(dir.path(), &Config::default(), None);
        assert_eq!(id.default_branch, "main");
        assert_eq!(id.default_branch_source, BranchSource::Assumed);
    }

    #[test]
    fn default_branch_from_packed_and_loose_remote_branches() {
        let dir = tempfile::tempdir().unwrap();
        clone_at(dir.path(), "https://github.com/o/r", None);
        write(
            &dir.path().join(".git/packed-refs"),
            "# pack-refs with: peeled fully-peeled sorted \n1111111111111111111111111111111111111111 refs/remotes/origin/master\n^2222222222222222222222222222222222222222\n3333333333333333333333333333333333333333 refs/tags/v1\n",
        );
        let id = detect_ok(dir.path(), &Config::default(), None);
        assert_eq!(
            (id.default_branch.as_str(), id.default_branch_source),
            (
                "master",
                BranchSource::Clone(DefaultBranchEvidence::OnlyRemoteBranch)
            )
        );
        write(
            &dir.path().join(".git/refs/remotes/origin/release/1.0"),
            "4444444444444444444444444444444444444444\n",
        );
        let id = detect_ok(dir.path(), &Config::default(), None);
        assert_eq!(
            (id.default_branch.as_str(), id.default_branch_source),
            (
                "master",
                BranchSource::Clone(DefaultBranchEvidence::RemoteBranches)
            )
        );
        write(
            &dir.path().join(".git/refs/remotes/origin/main"),
            "5555555555555555555555555555555555555555\n",
        );
        let id = detect_ok(dir.path(), &Config::default(), None);
        assert_eq!(id.default_branch_source, BranchSource::Assumed);
        // origin/HEAD wins over the heuristics.
        write(
            &dir.path().join(".git/refs/remotes/origin/HEAD"),
            "ref: refs/remotes/origin/release/1.0\n",
        );
        let id = detect_ok(dir.path(), &Config::default(), None);
        assert_eq!(id.default_branch, "release/1.0");
    }

    #[test]
    fn worktree_git_file_leads_to_the_common_dir() {
        let dir = tempfile::tempdir().unwrap();
        let main = dir.path().join("main");
        clone_at(
            &main,
            "ssh://git@github.com/octo-org/app.git",
            Some("develop"),
        );
        let wt_git = main.join(".git/worktrees/feature");
        write(&wt_git.join("HEAD"), "ref: refs/heads/feature\n");
        write(&wt_git.join("commondir"), "../..\n");
        let wt = dir.path().join("feature");
        write(&wt.join(".git"), &format!("gitdir: {}\n", wt_git.display()));
        let id = detect_ok(&wt, &Config::default(), None);
        assert_eq!(id.full_name(), "octo-org/app");
        assert_eq!(id.default_branch, "develop");
        let expected = fs::canonicalize(&main).unwrap().join(".git/config");
        assert_eq!(id.source, IdentitySource::GitRemote(expected));
    }

    #[test]
    fn submodule_git_file_is_relative_and_has_its_own_config() {
        let dir = tempfile::tempdir().unwrap();
        clone_at(dir.path(), "git@github.com:octo-org/outer.git", None);
        write(
            &dir.path().join(".git/modules/vendor/lib/config"),
            "[remote \"origin\"]\n\turl = https://github.com/other-org/lib\n",
        );
        let sub = dir.path().join("vendor/lib");
        write(&sub.join(".git"), "gitdir: ../../.git/modules/vendor/lib\n");
        let id = detect_ok(&sub, &Config::default(), None);
        assert_eq!(id.full_name(), "other-org/lib");
        // A broken .git file ends the search: the outer repository is not this one.
        write(&sub.join(".git"), "gitdir: ../../.git/modules/missing\n");
        assert_eq!(detect(&sub, &Config::default(), None).unwrap(), None);
    }

    #[test]
    fn enterprise_remote_sets_the_host_and_issuer() {
        let dir = tempfile::tempdir().unwrap();
        clone_at(dir.path(), "git@GHE.example.com:team/app.git", None);
        let id = detect_ok(dir.path(), &Config::default(), None);
        assert_eq!(id.host.as_deref(), Some("ghe.example.com"));
        assert_eq!(id.issuer(), "ghe.example.com/_services/token");
        clone_at(dir.path(), "https://octocorp.ghe.com/team/app", None);
        let id = detect_ok(dir.path(), &Config::default(), None);
        assert_eq!(id.issuer(), "token.actions.octocorp.ghe.com");
    }

    #[test]
    fn credentials_in_the_remote_never_surface() {
        let dir = tempfile::tempdir().unwrap();
        clone_at(
            dir.path(),
            "https://x-access-token:ghs_TOPSECRET@github.com/o/r.git",
            None,
        );
        let id = detect_ok(dir.path(), &Config::default(), None);
        assert_eq!(id.full_name(), "o/r");
        assert!(!format!("{id:?}").contains("TOPSECRET"));
        let err = detect(
            dir.path(),
            &Config::default(),
            Some("https://u:ghp_TOPSECRET@github.com/only-owner"),
        )
        .unwrap_err();
        assert!(!err.contains("TOPSECRET"), "{err}");
        assert!(err.contains("https://***@github.com/only-owner"), "{err}");
    }

    #[test]
    fn precedence_config_then_flag_then_remote() {
        let dir = tempfile::tempdir().unwrap();
        clone_at(
            dir.path(),
            "https://github.com/remote-org/remote-repo",
            Some("trunk"),
        );

        let id = detect_ok(dir.path(), &Config::default(), Some("flag-org/flag-repo"));
        assert_eq!(
            (id.full_name().as_str(), &id.source),
            ("flag-org/flag-repo", &IdentitySource::Flag)
        );
        // The clone is another repository: its origin/HEAD says nothing about this one.
        assert_eq!(id.default_branch_source, BranchSource::Assumed);

        let c = config(
            "[github]\nrepository = \"cfg-org/cfg-repo\"\nowner-id = 7\nrepository-id = 9\n",
        );
        let id = detect_ok(dir.path(), &c, Some("flag-org/flag-repo"));
        assert_eq!(
            (id.full_name().as_str(), &id.source),
            ("cfg-org/cfg-repo", &IdentitySource::Config)
        );
        assert_eq!((id.owner_id, id.repository_id), (Some(7), Some(9)));

        // The same repository as the clone (case aside): the clone's default branch applies.
        let c = config("[github]\nrepository = \"Remote-Org/remote-repo\"\n");
        let id = detect_ok(dir.path(), &c, None);
        assert_eq!(id.default_branch, "trunk");

        let c = config("[github]\ndefault-branch = \"release\"\nhost = \"ghe.corp.example\"\n");
        let id = detect_ok(dir.path(), &c, None);
        assert_eq!(id.full_name(), "remote-org/remote-repo");
        assert_eq!(
            (id.default_branch.as_str(), &id.default_branch_source),
            ("release", &BranchSource::Config)
        );
        assert_eq!(id.issuer(), "ghe.corp.example/_services/token");
    }

    #[test]
    fn flag_forms_and_errors() {
        let dir = tempfile::tempdir().unwrap();
        let id = detect_ok(
            dir.path(),
            &Config::default(),
            Some("git@ghe.example.com:t/a.git"),
        );
        assert_eq!(
            (id.full_name().as_str(), id.host.as_deref()),
            ("t/a", Some("ghe.example.com"))
        );
        let id = detect_ok(dir.path(), &Config::default(), Some(" o/r "));
        assert_eq!(id.full_name(), "o/r");
        let err = detect(dir.path(), &Config::default(), Some("o/r.git")).unwrap_err();
        assert!(
            err.starts_with("--repository:") && err.contains(".git"),
            "{err}"
        );
        let err = detect(dir.path(), &Config::default(), Some("just-owner")).unwrap_err();
        assert!(err.contains("owner/name"), "{err}");
    }

    #[test]
    fn nothing_found_is_none() {
        let dir = tempfile::tempdir().unwrap();
        // No remote named origin; a local-path origin; a GitLab origin.
        write(
            &dir.path().join(".git/config"),
            "[remote \"upstream\"]\n\turl = git@github.com:o/r\n",
        );
        assert_eq!(detect(dir.path(), &Config::default(), None).unwrap(), None);
        clone_at(dir.path(), "/srv/git/r.git", None);
        assert_eq!(detect(dir.path(), &Config::default(), None).unwrap(), None);
        clone_at(dir.path(), "git@gitlab.com:group/r.git", None);
        assert_eq!(detect(dir.path(), &Config::default(), None).unwrap(), None);
    }
}
