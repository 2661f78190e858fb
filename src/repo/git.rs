//! Reading a clone's metadata without running git: the git directory (through a `.git` file for
//! worktrees and submodules), `config` (for `remote.origin.url` and `url.*.insteadOf`), the
//! default branch recorded by `refs/remotes/origin/HEAD`, and GitHub remote URLs.
//!
//! Remote URLs may carry credentials (`https://user:token@host/…`): they are dropped while
//! parsing and [`redact_url`] is the only way a URL is ever shown.

use std::path::{Path, PathBuf};

/// A clone found by walking up from a directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitDirs {
    /// Where `.git` (a directory or a `gitdir:` file) was found.
    pub work_tree: PathBuf,
    /// The git directory: `.git`, or the target of a `.git` file (`.git/worktrees/NAME`,
    /// `.git/modules/NAME`).
    pub git_dir: PathBuf,
    /// The directory holding `config`, `refs` and `packed-refs`: the target of `commondir` for a
    /// linked worktree, else the git directory.
    pub common_dir: PathBuf,
}

impl GitDirs {
    pub fn config_path(&self) -> PathBuf {
        self.common_dir.join("config")
    }
}

/// The nearest `.git` at or above `start`. A `.git` file is followed to its git directory; one
/// that cannot be followed ends the search with `None` (the repository is broken, and an outer
/// repository would be the wrong one).
pub fn find_git_dirs(start: &Path) -> Option<GitDirs> {
    let start = std::fs::canonicalize(start).unwrap_or_else(|_| start.to_path_buf());
    let mut dir = if start.is_file() {
        start.parent().map(Path::to_path_buf)
    } else {
        Some(start)
    };
    while let Some(d) = dir {
        let dot_git = d.join(".git");
        if dot_git.is_dir() {
            return Some(dirs_for(d, dot_git));
        }
        if dot_git.is_file() {
            let text = crate::source::read_text(&dot_git).ok()?;
            let target = text
                .lines()
                .find_map(|l| l.trim().strip_prefix("gitdir:"))?
                .trim();
            if target.is_empty() {
                return None;
            }
            let git_dir = d.join(target);
            return git_dir.is_dir().then(|| dirs_for(d, git_dir));
        }
        dir = d.parent().map(Path::to_path_buf);
    }
    None
}

fn dirs_for(work_tree: PathBuf, git_dir: PathBuf) -> GitDirs {
    let git_dir = std::fs::canonicalize(&git_dir).unwrap_or(git_dir);
    let common_dir = crate::source::read_text(&git_dir.join("commondir"))
        .ok()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .map(|t| git_dir.join(t))
        .filter(|p| p.is_dir())
        .map(|p| std::fs::canonicalize(&p).unwrap_or(p))
        .unwrap_or_else(|| git_dir.clone());
    GitDirs {
        work_tree,
        git_dir,
        common_dir,
    }
}

/// One `key = value` of a git config file: section and key lower-cased, subsection as written
/// (`[remote "origin"]`) or lower-cased (the old `[remote.origin]` form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigEntry {
    pub section: String,
    pub subsection: Option<String>,
    pub key: String,
    pub value: String,
}

/// Parses git's config syntax: `[section]`, `[section "sub"]`, `[section.sub]`, `key = value`,
/// a bare `key` (true), `#`/`;` comments, double quotes, `\` escapes and line continuations.
/// Malformed lines are skipped; `include` directives are not followed.
pub fn parse_git_config(text: &str) -> Vec<ConfigEntry> {
    let mut entries = Vec::new();
    let mut section = String::new();
    let mut subsection: Option<String> = None;
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let mut rest = line.trim_start();
        if rest.starts_with('[') {
            let Some(end) = header_end(rest) else {
                continue;
            };
            let header = &rest[1..end];
            match header.find(|c: char| c.is_whitespace()) {
                Some(space) => {
                    section = header[..space].to_ascii_lowercase();
                    let quoted = header[space..].trim();
                    subsection = quoted
                        .strip_prefix('"')
                        .and_then(|q| q.strip_suffix('"'))
                        .map(unescape_subsection);
                }
                None => match header.split_once('.') {
                    Some((s, sub)) => {
                        section = s.to_ascii_lowercase();
                        subsection = Some(sub.to_ascii_lowercase());
                    }
                    None => {
                        section = header.to_ascii_lowercase();
                        subsection = None;
                    }
                },
            }
            // A key may follow the header on the same line.
            rest = rest[end + 1..].trim_start();
            if rest.is_empty() || rest.starts_with(['#', ';']) {
                continue;
            }
        }
        if rest.is_empty() || rest.starts_with(['#', ';']) || section.is_empty() {
            continue;
        }
        let (key, raw) = match rest.find('=') {
            Some(eq) => (rest[..eq].trim(), Some(&rest[eq + 1..])),
            None => (rest.trim(), None),
        };
        if key.is_empty()
            || !key.starts_with(|c: char| c.is_ascii_alphabetic())
            || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            continue;
        }
        let value = match raw {
            None => "true".to_string(),
            Some(raw) => {
                let mut raw = raw.to_string();
                let mut value = String::new();
                loop {
                    match read_value(&raw, &mut value) {
                        Continuation::Done => break,
                        Continuation::NextLine => match lines.next() {
                            Some(next) => raw = next.to_string(),
                            None => break,
                        },
                    }
                }
                value
            }
        };
        entries.push(ConfigEntry {
            section: section.clone(),
            subsection: subsection.clone(),
            key: key.to_ascii_lowercase(),
            value,
        });
    }
    entries
}

/// The `]` that closes a section header, skipping a quoted subsection.
fn header_end(line: &str) -> Option<usize> {
    let mut in_quotes = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_quotes => escaped = true,
            '"' => in_quotes = !in_quotes,
            ']' if !in_quotes => return Some(i),
            _ => {}
        }
    }
    None
}

fn unescape_subsection(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else {
            out.push(c);
        }
    }
    out
}

enum Continuation {
    Done,
    NextLine,
}

/// Appends the value on one line to `out`: trims unquoted whitespace at the ends, ends at an
/// unquoted comment, and asks for the next line after a trailing `\`.
fn read_value(line: &str, out: &mut String) -> Continuation {
    let mut in_quotes = false;
    // Whitespace outside quotes is kept (as spaces) only between other characters, as git does;
    // a continuation keeps the space before the `\` and the indentation after it.
    let mut pending_space = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                out.push_str(&std::mem::take(&mut pending_space));
                in_quotes = !in_quotes;
            }
            '\\' => {
                out.push_str(&std::mem::take(&mut pending_space));
                match chars.next() {
                    None => return Continuation::NextLine,
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some('b') => {
                        out.pop();
                    }
                    Some(other) => out.push(other),
                }
            }
            '#' | ';' if !in_quotes => break,
            c if c.is_whitespace() && !in_quotes => {
                if !out.is_empty() {
                    pending_space.push(' ');
                }
            }
            c => {
                out.push_str(&std::mem::take(&mut pending_space));
                out.push(c);
            }
        }
    }
    Continuation::Done
}

/// `remote.origin.url` (the first, which git fetches from), rewritten by the longest matching
/// `url.<base>.insteadOf` prefix.
pub fn origin_url(entries: &[ConfigEntry]) -> Option<String> {
    let url = entries
        .iter()
        .find(|e| {
            e.section == "remote" && e.subsection.as_deref() == Some("origin") && e.key == "url"
        })?
        .value
        .clone();
    let rewrite = entries
        .iter()
        .filter(|e| e.section == "url" && e.key == "insteadof" && !e.value.is_empty())
        .filter(|e| url.starts_with(e.value.as_str()))
        .max_by_key(|e| e.value.len());
    Some(match rewrite {
        Some(e) => format!(
            "{}{}",
            e.subsection.as_deref().unwrap_or_default(),
            &url[e.value.len()..]
        ),
        None => url,
    })
}

/// The default branch the clone recorded for `origin`, and how it was found.
pub fn origin_default_branch(common_dir: &Path) -> Option<(String, DefaultBranchEvidence)> {
    if let Ok(text) = crate::source::read_text(&common_dir.join("refs/remotes/origin/HEAD")) {
        if let Some(branch) = text
            .trim()
            .strip_prefix("ref:")
            .map(str::trim)
            .and_then(|r| r.strip_prefix("refs/remotes/origin/"))
            .filter(|b| !b.is_empty())
        {
            return Some((branch.to_string(), DefaultBranchEvidence::OriginHead));
        }
    }
    let branches = remote_branches(common_dir);
    let only = |b: &str| branches.iter().any(|x| x == b);
    if branches.len() == 1 {
        return Some((branches[0].clone(), DefaultBranchEvidence::OnlyRemoteBranch));
    }
    match (only("main"), only("master")) {
        (true, false) => Some(("main".into(), DefaultBranchEvidence::RemoteBranches)),
        (false, true) => Some(("master".into(), DefaultBranchEvidence::RemoteBranches)),
        _ => None,
    }
}

/// How [`origin_default_branch`] found the branch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultBranchEvidence {
    /// `refs/remotes/origin/HEAD` points at it (set by `git clone`).
    OriginHead,
    /// It is the only remote-tracking branch of origin.
    OnlyRemoteBranch,
    /// Exactly one of `main` and `master` is a remote-tracking branch of origin.
    RemoteBranches,
}

/// Remote-tracking branches of origin, loose (`refs/remotes/origin/…`) and packed, without HEAD.
fn remote_branches(common_dir: &Path) -> Vec<String> {
    let mut names = Vec::new();
    let base = common_dir.join("refs/remotes/origin");
    let mut stack = vec![base.clone()];
    while let Some(dir) = stack.pop() {
        let Ok(read) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in read.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if names.len() < 10_000 {
                    stack.push(path);
                }
            } else if let Ok(rel) = path.strip_prefix(&base) {
                let name = rel.to_string_lossy().replace('\\', "/");
                if name != "HEAD" {
                    names.push(name);
                }
            }
        }
    }
    if let Ok(packed) = crate::source::read_text(&common_dir.join("packed-refs")) {
        for line in packed.lines() {
            if line.starts_with(['#', '^']) {
                continue;
            }
            if let Some(name) = line
                .split_whitespace()
                .nth(1)
                .and_then(|r| r.strip_prefix("refs/remotes/origin/"))
            {
                if name != "HEAD" {
                    names.push(name.to_string());
                }
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

/// A GitHub repository named by a remote URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteRepo {
    /// Lower-cased host, with the port of an http(s) URL when it is not the default;
    /// `github.com` for github.com and its aliases (`www.github.com`, `ssh.github.com`).
    pub host: String,
    pub owner: String,
    pub name: String,
}

/// Hosts that serve git but are not GitHub: their `owner/name` is no GitHub repository.
const NOT_GITHUB: &[&str] = &[
    "gitlab.com",
    "bitbucket.org",
    "codeberg.org",
    "gitee.com",
    "git.sr.ht",
    "dev.azure.com",
    "ssh.dev.azure.com",
    "source.developers.google.com",
];

/// Reads `owner/name` and the host from a remote URL: `https://host/o/r(.git)`, `http://…`,
/// `ssh://[user@]host[:port]/o/r(.git)`, `git://…`, scp-style `[user@]host:o/r(.git)`, with
/// trailing slashes and credentials allowed. `None` for local paths, `file://` URLs, URLs with
/// more or fewer than two path segments, and known non-GitHub hosts; any other host is taken
/// for a GitHub Enterprise Server.
pub fn parse_remote_url(url: &str) -> Option<RemoteRepo> {
    let url = url.trim();
    let (host_port, path, keep_port) = if let Some((scheme, rest)) = url.split_once("://") {
        let scheme = scheme.to_ascii_lowercase();
        let keep_port = match scheme.as_str() {
            "https" | "http" => true,
            "ssh" | "git+ssh" | "ssh+git" | "git" => false,
            _ => return None,
        };
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        (host_port, path, keep_port)
    } else {
        // scp-like syntax: a ':' before any '/'.
        let colon = url.find(':')?;
        if url[..colon].contains('/') {
            return None;
        }
        let host = url[..colon]
            .rsplit_once('@')
            .map_or(&url[..colon], |(_, h)| h);
        (host, &url[colon + 1..], false)
    };
    let (host, port) = split_port(host_port);
    let host = host.to_ascii_lowercase();
    if host.is_empty()
        || !host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".-".contains(&b))
    {
        return None;
    }
    if NOT_GITHUB.contains(&host.as_str()) || host.ends_with(".visualstudio.com") {
        return None;
    }
    let host = match host.as_str() {
        "www.github.com" | "ssh.github.com" => "github.com".to_string(),
        _ => match port {
            Some(p) if keep_port && p != "443" && p != "80" => format!("{host}:{p}"),
            _ => host,
        },
    };
    let path = path.trim_start_matches('/').trim_end_matches('/');
    let path = match path.len().checked_sub(4) {
        Some(cut)
            if path
                .get(cut..)
                .is_some_and(|t| t.eq_ignore_ascii_case(".git")) =>
        {
            &path[..cut]
        }
        _ => path,
    };
    let path = path.trim_end_matches('/');
    let (owner, name) = super::names::parse_repository(path).ok()?;
    Some(RemoteRepo {
        host,
        owner: owner.to_string(),
        name: name.to_string(),
    })
}

fn split_port(host_port: &str) -> (&str, Option<&str>) {
    match host_port.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => (host, Some(port)),
        _ => (host_port, None),
    }
}

/// The URL with any `user:password@` of a `scheme://` URL replaced by `***@`: how a remote URL
/// may be shown.
pub fn redact_url(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://") {
        let authority_end = rest.find('/').unwrap_or(rest.len());
        if let Some(at) = rest[..authority_end].rfind('@') {
            return format!("{scheme}://***@{}", &rest[at + 1..]);
        }
    }
    url.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn remote(url: &str) -> Option<(String, String, String)> {
        parse_remote_url(url).map(|r| (r.host, r.owner, r.name))
    }

    fn gh(owner: &str, name: &str) -> Option<(String, String, String)> {
        Some(("github.com".into(), owner.into(), name.into()))
    }

    #[test]
    fn github_url_forms() {
        for url in [
            "https://github.com/octo-org/octo-repo",
            "https://github.com/octo-org/octo-repo.git",
            "https://github.com/octo-org/octo-repo/",
            "https://github.com/octo-org/octo-repo.git/",
            "https://github.com/octo-org/octo-repo//",
            "http://github.com/octo-org/octo-repo",
            "HTTPS://GitHub.com/octo-org/octo-repo",
            "https://www.github.com/octo-org/octo-repo",
            "https://github.com:443/octo-org/octo-repo",
            "ssh://git@github.com/octo-org/octo-repo.git",
            "ssh://git@github.com:22/octo-org/octo-repo",
            "ssh://git@ssh.github.com:443/octo-org/octo-repo.git",
            "git+ssh://git@github.com/octo-org/octo-repo.git",
            "git://github.com/octo-org/octo-repo.git",
            "git@github.com:octo-org/octo-repo.git",
            "git@github.com:octo-org/octo-repo",
            "git@github.com:/octo-org/octo-repo.git",
            "github.com:octo-org/octo-repo.git",
            "  git@github.com:octo-org/octo-repo.git\n",
        ] {
            assert_eq!(remote(url), gh("octo-org", "octo-repo"), "{url}");
        }
    }

    #[test]
    fn credentials_are_dropped() {
        let url = "https://x-access-token:ghp_SECRET123@github.com/octo-org/octo-repo.git";
        let parsed = parse_remote_url(url).unwrap();
        assert_eq!(
            (parsed.owner.as_str(), parsed.name.as_str()),
            ("octo-org", "octo-repo")
        );
        assert!(!format!("{parsed:?}").contains("SECRET"));
        assert_eq!(
            redact_url(url),
            "https://***@github.com/octo-org/octo-repo.git"
        );
        assert_eq!(remote("https://user@github.com/o/r"), gh("o", "r"));
        assert_eq!(
            redact_url("git@github.com:o/r.git"),
            "git@github.com:o/r.git"
        );
    }

    #[test]
    fn enterprise_hosts() {
        let ghes = |h: &str| Some((h.to_string(), "team".to_string(), "app".to_string()));
        assert_eq!(
            remote("https://GHE.example.com/team/app.git"),
            ghes("ghe.example.com")
        );
        assert_eq!(
            remote("git@ghe.example.com:team/app.git"),
            ghes("ghe.example.com")
        );
        assert_eq!(
            remote("ssh://git@ghe.example.com:2222/team/app"),
            ghes("ghe.example.com")
        );
        assert_eq!(
            remote("https://ghe.example.com:8443/team/app"),
            ghes("ghe.example.com:8443")
        );
        assert_eq!(
            remote("https://octocorp.ghe.com/team/app"),
            ghes("octocorp.ghe.com")
        );
    }

    #[test]
    fn not_github_repositories() {
        for url in [
            "/srv/git/app.git",
            "../app",
            "file:///srv/git/team/app.git",
            "C:\\repos\\app",
            "https://github.com/octo-org",
            "https://github.com/octo-org/octo-repo/tree/main",
            "https://gitlab.com/group/app.git",
            "git@gitlab.com:group/app.git",
            "https://bitbucket.org/team/app.git",
            "https://dev.azure.com/org/project/_git/app",
            "git@ssh.dev.azure.com:v3/org/project/app",
            "https://org.visualstudio.com/project/_git/app",
            "https://github.com/o/r%20x",
            "",
        ] {
            assert_eq!(remote(url), None, "{url}");
        }
    }

    #[test]
    fn git_config_syntax() {
        let text = r#"
# comment
[core]
	bare = false
	filemode
[remote "origin"] ; the remote
	url = "https://github.com/o/r.git" # trailing comment
	fetch = +refs/heads/*:refs/remotes/origin/*
	url = https://github.com/o/second.git
[Remote "Upstream"]
	URL = git@github.com:up/r.git
[branch.Main]
	remote = origin
[alias]
	lg = log \
	  --oneline
	s = "status \"-s\""
"#;
        let entries = parse_git_config(text);
        let get = |s: &str, sub: Option<&str>, k: &str| {
            entries
                .iter()
                .find(|e| e.section == s && e.subsection.as_deref() == sub && e.key == k)
                .map(|e| e.value.as_str())
        };
        assert_eq!(get("core", None, "filemode"), Some("true"));
        assert_eq!(
            get("remote", Some("origin"), "url"),
            Some("https://github.com/o/r.git")
        );
        assert_eq!(
            get("remote", Some("Upstream"), "url"),
            Some("git@github.com:up/r.git")
        );
        assert_eq!(get("branch", Some("main"), "remote"), Some("origin"));
        assert_eq!(get("alias", None, "lg"), Some("log    --oneline"));
        assert_eq!(get("alias", None, "s"), Some("status \"-s\""));
        assert_eq!(
            origin_url(&entries).as_deref(),
            Some("https://github.com/o/r.git")
        );
    }

    #[test]
    fn insteadof_rewrites_the_origin_url() {
        let entries = parse_git_config(
            "[remote \"origin\"]\n\turl = gh:octo-org/app\n[url \"git@github.com:\"]\n\tinsteadOf = gh:\n[url \"https://x/\"]\n\tinsteadOf = g\n",
        );
        let url = origin_url(&entries).unwrap();
        assert_eq!(url, "git@github.com:octo-org/app");
        assert_eq!(remote(&url), gh("octo-org", "app"));
    }

    #[test]
    fn no_origin_no_url() {
        let entries = parse_git_config("[remote \"upstream\"]\n\turl = git@github.com:o/r\n");
        assert_eq!(origin_url(&entries), None);
    }
}
