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
        let names: Vec<_> = files
            .iter()
            .map(|f| {
                f.path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        assert_eq!(names, ["a.json", "b.json", "sub/c.json"]);
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
}
