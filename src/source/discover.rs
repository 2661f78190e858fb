//! Which files a scan reads: explicit files as given, directories walked with exclusions.

use globset::{Glob, GlobSet, GlobSetBuilder};
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// Directories never worth scanning: VCS data, dependencies, build output.
const SKIPPED_DIRS: &[&str] = &[".git", "node_modules", "target", "vendor"];

/// Extensions a directory scan reads anywhere (YAML outside `.github/workflows/` only when it
/// looks like a CloudFormation template). Explicit files are read whatever their name.
const SCANNED_EXTENSIONS: &[&str] = &["json", "yml", "yaml", "tf"];

/// Extensions a directory scan reads inside `.github/workflows/`.
const WORKFLOW_EXTENSIONS: &[&str] = &["yml", "yaml"];

pub struct DiscoverOptions {
    pub exclude: GlobSet,
}

impl DiscoverOptions {
    pub fn new(excludes: &[String]) -> Result<Self, globset::Error> {
        let mut builder = GlobSetBuilder::new();
        for pattern in excludes {
            builder.add(Glob::new(pattern)?);
            // `dir` and `dir/` also exclude everything below the directory.
            let trimmed = pattern.trim_end_matches('/');
            if !trimmed.ends_with("**") {
                builder.add(Glob::new(&format!("{trimmed}/**"))?);
            }
        }
        Ok(DiscoverOptions {
            exclude: builder.build()?,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discovered {
    pub path: PathBuf,
    /// Named on the command line rather than found by walking a directory.
    pub explicit: bool,
    /// The directory the walk that found it started from: its links may not lead out of it.
    /// `None` for a file named on the command line.
    pub root: Option<PathBuf>,
}

/// A file or directory that was not read, with the reason, for a notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub path: PathBuf,
    pub reason: String,
}

/// Expands the given paths into the files to read, in a stable (sorted) order.
/// A path that does not exist is an error the user must fix.
pub fn discover(
    roots: &[PathBuf],
    options: &DiscoverOptions,
) -> Result<(Vec<Discovered>, Vec<Skipped>), std::io::Error> {
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for root in roots {
        let meta = std::fs::metadata(root)
            .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", root.display())))?;
        if meta.is_file() {
            files.push(Discovered {
                path: root.clone(),
                explicit: true,
                root: None,
            });
            continue;
        }
        if !meta.is_dir() {
            // A FIFO or device named on the command line is never opened: say so.
            skipped.push(Skipped {
                path: root.clone(),
                reason: super::read::not_regular(&meta),
            });
            continue;
        }
        let mut live = LiveWorkflows::new(root);
        // follow_links(true) lets walkdir detect loops; a loop is reported and skipped.
        let walker = WalkDir::new(root)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|entry| {
                let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
                if entry.depth() > 0 && entry.file_type().is_dir() {
                    let name = entry.file_name().to_string_lossy();
                    if SKIPPED_DIRS.contains(&name.as_ref()) {
                        return false;
                    }
                }
                !(entry.depth() > 0
                    && (options.exclude.is_match(relative)
                        || options.exclude.is_match(entry.path())))
            });
        for entry in walker {
            match entry {
                Ok(entry) if entry.file_type().is_file() => {
                    let extension = entry.path().extension().and_then(|e| e.to_str());
                    let has = |list: &[&str]| {
                        extension.is_some_and(|e| list.iter().any(|s| s.eq_ignore_ascii_case(e)))
                    };
                    let in_workflows = entry
                        .path()
                        .parent()
                        .is_some_and(|p| p.ends_with(".github/workflows"));
                    if in_workflows && has(WORKFLOW_EXTENSIONS) {
                        let dir = entry.path().parent().unwrap_or(root);
                        match live.judge(dir) {
                            Liveness::Live => {}
                            Liveness::FirstNotLive => {
                                skipped.push(Skipped {
                                    path: dir.to_path_buf(),
                                    reason: NOT_LIVE_REASON.to_string(),
                                });
                                continue;
                            }
                            Liveness::NotLive => continue,
                        }
                    }
                    let scanned =
                        has(SCANNED_EXTENSIONS) || (in_workflows && has(WORKFLOW_EXTENSIONS));
                    if scanned {
                        files.push(Discovered {
                            path: entry.into_path(),
                            explicit: false,
                            root: Some(root.clone()),
                        });
                    }
                }
                Ok(_) => {}
                Err(err) => {
                    let path = err
                        .path()
                        .map(Path::to_path_buf)
                        .unwrap_or_else(|| root.clone());
                    let reason = if err.loop_ancestor().is_some() {
                        "symbolic link loop".to_string()
                    } else {
                        err.io_error()
                            .map(|e| e.to_string())
                            .unwrap_or_else(|| err.to_string())
                    };
                    skipped.push(Skipped { path, reason });
                }
            }
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files.dedup_by(|a, b| a.path == b.path);
    Ok((files, skipped))
}

/// The notice for a `.github/workflows/` folder a directory scan leaves out.
pub const NOT_LIVE_REASON: &str = "workflows outside the repository root's `.github/workflows/` \
     (test data or fixtures): GitHub never runs them; name a file on the command line to check it";

/// `config::FILE_NAME`, which this layer may not use.
const CONFIG_FILE: &str = "trustlint.toml";

enum Liveness {
    Live,
    /// Not live, and the first file of its folder: the folder gets its one notice.
    FirstNotLive,
    NotLive,
}

/// Which `.github/workflows/` folders under a scan root GitHub runs. GitHub runs only the
/// workflows of `<repository root>/.github/workflows/`
/// (<https://docs.github.com/en/actions/writing-workflows/about-workflows>), so a folder such as
/// `checks/x/testdata/.github/workflows/` is test data. A folder is live when the directory
/// holding its `.github` is the scan root or one of its ancestors (the user pointed at it), holds
/// its own `.git` (a nested clone is a repository), or — when no `.git` is found above the scan
/// root, so the repository root is unknown — holds a `trustlint.toml`.
struct LiveWorkflows {
    /// The scan root, canonical.
    root: Option<PathBuf>,
    in_git: bool,
    judged: Vec<(PathBuf, bool)>,
}

impl LiveWorkflows {
    fn new(root: &Path) -> Self {
        let root = std::fs::canonicalize(root).ok();
        let in_git = root
            .as_deref()
            .is_some_and(|r| r.ancestors().any(|a| a.join(".git").exists()));
        LiveWorkflows {
            root,
            in_git,
            judged: Vec::new(),
        }
    }

    fn judge(&mut self, workflows_dir: &Path) -> Liveness {
        if let Some((_, live)) = self.judged.iter().find(|(d, _)| d == workflows_dir) {
            return if *live {
                Liveness::Live
            } else {
                Liveness::NotLive
            };
        }
        let live = self.is_live(workflows_dir);
        self.judged.push((workflows_dir.to_path_buf(), live));
        if live {
            Liveness::Live
        } else {
            Liveness::FirstNotLive
        }
    }

    fn is_live(&self, workflows_dir: &Path) -> bool {
        let Some(holder) = workflows_dir.parent().and_then(Path::parent) else {
            return true;
        };
        let (Some(root), Ok(holder)) = (&self.root, std::fs::canonicalize(holder)) else {
            // Cannot tell: judge it rather than hide it.
            return true;
        };
        root.starts_with(&holder)
            || holder.join(".git").exists()
            || (!self.in_git && holder.join(CONFIG_FILE).is_file())
    }
}

#[cfg(test)]
mod tests {
    use super::super::read_text;
    use super::*;

    #[test]
    fn walks_sorted_and_skips_dependency_dirs_and_excludes() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for p in [
            "b.json",
            "a.json",
            "node_modules/x.json",
            "sub/c.json",
            "gen/d.json",
            "e.txt",
        ] {
            let path = root.join(p);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "{}").unwrap();
        }
        let options = DiscoverOptions::new(&["gen".to_string()]).unwrap();
        let (files, skipped) = discover(&[root.to_path_buf()], &options).unwrap();
        assert_eq!(names(&files, root), ["a.json", "b.json", "sub/c.json"]);
        assert!(skipped.is_empty());
    }

    #[test]
    fn missing_root_is_an_error() {
        let options = DiscoverOptions::new(&[]).unwrap();
        assert!(discover(&[PathBuf::from("/definitely/not/here")], &options).is_err());
    }

    #[test]
    fn binary_files_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.json");
        std::fs::write(&path, b"{\"a\":\0}").unwrap();
        assert_eq!(read_text(&path).unwrap_err().reason, "binary file");
    }

    fn names(files: &[Discovered], root: &Path) -> Vec<String> {
        files
            .iter()
            .map(|f| {
                f.path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect()
    }

    fn write_all(root: &Path, paths: &[&str]) {
        for p in paths {
            let path = root.join(p);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "on: push").unwrap();
        }
    }

    #[test]
    fn only_the_repository_roots_workflows_are_live() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join(".git")).unwrap();
        write_all(
            root,
            &[
                ".github/workflows/ci.yml",
                "checks/a/testdata/.github/workflows/x.yml",
                "checks/a/testdata/.github/workflows/y.yaml",
                "tests/fixtures/b/.github/workflows/z.yml",
                "vendored/.git/HEAD",
                "vendored/.github/workflows/v.yml",
            ],
        );
        let options = DiscoverOptions::new(&[]).unwrap();
        let (files, skipped) = discover(&[root.to_path_buf()], &options).unwrap();
        assert_eq!(
            names(&files, root),
            [
                ".github/workflows/ci.yml",
                "vendored/.github/workflows/v.yml"
            ]
        );
        // One notice per folder, not per file.
        let folders: Vec<_> = skipped
            .iter()
            .map(|s| s.path.strip_prefix(root).unwrap().to_path_buf())
            .collect();
        assert_eq!(
            folders,
            [
                PathBuf::from("checks/a/testdata/.github/workflows"),
                PathBuf::from("tests/fixtures/b/.github/workflows")
            ]
        );
        assert!(skipped.iter().all(|s| s.reason == NOT_LIVE_REASON));

        // Pointed at, a fixture repository is judged; so is a folder inside `.github`.
        let fixture = root.join("checks/a/testdata");
        let (files, skipped) = discover(std::slice::from_ref(&fixture), &options).unwrap();
        assert_eq!(names(&files, &fixture).len(), 2);
        assert!(skipped.is_empty());
        let github = root.join(".github");
        let (files, _) = discover(std::slice::from_ref(&github), &options).unwrap();
        assert_eq!(names(&files, &github), ["workflows/ci.yml"]);
    }

    #[test]
    fn without_git_a_trustlint_toml_marks_a_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("extract");
        write_all(
            &root,
            &[
                "a/trustlint.toml",
                "a/.github/workflows/ci.yml",
                "b/.github/workflows/ci.yml",
            ],
        );
        let options = DiscoverOptions::new(&[]).unwrap();
        let (files, skipped) = discover(std::slice::from_ref(&root), &options).unwrap();
        if dir.path().ancestors().any(|a| a.join(".git").exists()) {
            return; // the temporary directory is inside a clone: the rule does not apply
        }
        let names = names(&files, &root);
        assert!(names.contains(&"a/.github/workflows/ci.yml".to_string()));
        assert!(!names.contains(&"b/.github/workflows/ci.yml".to_string()));
        assert_eq!(skipped.len(), 1);
    }
}
