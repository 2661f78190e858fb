//! The one function every file read goes through.
//!
//! The scanned repository controls its files: a FIFO would block a plain `read` forever, a link
//! to `/dev/zero` never ends, a sparse file reports any length it likes, and a path in its
//! trustlint.toml may point anywhere on the runner. So a read opens regular files only (after
//! resolving links, checked again on the open handle), never reads more than the limit (a bound
//! on the read, not a trust in `metadata().len()`), and, for paths that come from the
//! repository's own files, stays inside the directory they are relative to.

use super::Skipped;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// Files larger than this are skipped with a notice: no trust policy or workflow is that big.
pub const MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// Reads a whole regular file of at most `limit` bytes. With `within`, the file (its links
/// resolved) must lie inside that directory.
pub fn read_bounded(path: &Path, limit: u64, within: Option<&Path>) -> Result<Vec<u8>, Skipped> {
    let skip = |reason: String| Skipped {
        path: path.to_path_buf(),
        reason,
    };
    if let Some(root) = within {
        contained(path, root).map_err(skip)?;
    }
    // Refuse special files before opening: opening a FIFO for reading blocks until a writer
    // comes.
    let meta = std::fs::metadata(path).map_err(|e| skip(e.to_string()))?;
    if !meta.is_file() {
        return Err(skip(not_regular(&meta)));
    }
    let file = open_nonblocking(path).map_err(|e| skip(e.to_string()))?;
    // The path may have been swapped since: check what was opened.
    let meta = file.metadata().map_err(|e| skip(e.to_string()))?;
    if !meta.is_file() {
        return Err(skip(not_regular(&meta)));
    }
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| skip(e.to_string()))?;
    if bytes.len() as u64 > limit {
        return Err(skip(too_large(limit)));
    }
    Ok(bytes)
}

/// [`read_bounded`] at [`MAX_FILE_SIZE`], as UTF-8 text; a NUL in the first 8 KiB makes it a
/// binary file.
pub fn read_text_within(path: &Path, within: Option<&Path>) -> Result<String, Skipped> {
    let bytes = read_bounded(path, MAX_FILE_SIZE, within)?;
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return Err(Skipped {
            path: path.to_path_buf(),
            reason: "binary file".into(),
        });
    }
    String::from_utf8(bytes).map_err(|_| Skipped {
        path: path.to_path_buf(),
        reason: "not valid UTF-8 text".into(),
    })
}

/// Reads a file named on the command line or found by a scan (no containment).
pub fn read_text(path: &Path) -> Result<String, Skipped> {
    read_text_within(path, None)
}

/// A file next to a scanned file (a Terraform module's other `.tf` files): like a scanned file,
/// and its links must not lead out of `root`.
pub fn read_sibling(path: &Path, root: &Path) -> Option<String> {
    read_text_within(path, Some(root)).ok()
}

/// A path written in one of the repository's files, relative to `base`: absolute paths and
/// `..` that climb out of `base` are refused (with the reason), before anything is touched.
pub fn relative_inside(written: &Path) -> Result<(), String> {
    if written.has_root() || written.is_absolute() {
        return Err(
            "an absolute path: it must be relative to the directory of trustlint.toml".into(),
        );
    }
    let mut depth = 0usize;
    for component in written.components() {
        match component {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir if depth > 0 => depth -= 1,
            _ => {
                return Err(
                    "a path that leaves the directory of trustlint.toml (`..`): it must stay inside the repository".into(),
                )
            }
        }
    }
    Ok(())
}

/// `Ok` when `path`, links resolved, lies inside `root` (links resolved too).
fn contained(path: &Path, root: &Path) -> Result<(), String> {
    let root = if root.as_os_str().is_empty() {
        Path::new(".")
    } else {
        root
    };
    let resolved = std::fs::canonicalize(path).map_err(|e| e.to_string())?;
    let root: PathBuf =
        std::fs::canonicalize(root).map_err(|e| format!("{}: {e}", root.display()))?;
    if resolved.starts_with(&root) {
        Ok(())
    } else {
        Err("outside the repository (a link that leads out of it): not read".into())
    }
}

pub(crate) fn not_regular(meta: &std::fs::Metadata) -> String {
    let kind = meta.file_type();
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "not a regular file (a FIFO): not read".into();
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "not a regular file (a device): not read".into();
        }
        if kind.is_socket() {
            return "not a regular file (a socket): not read".into();
        }
    }
    if kind.is_dir() {
        return "a directory, not a file".into();
    }
    "not a regular file: not read".into()
}

fn too_large(limit: u64) -> String {
    if limit >= 1024 * 1024 {
        format!("file is larger than {} MiB", limit / 1024 / 1024)
    } else {
        format!("file is larger than {limit} bytes")
    }
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    // O_NONBLOCK: should a FIFO replace the file between the check and the open, the open
    // returns at once instead of waiting for a writer. Regular files ignore the flag.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    const O_NONBLOCK: i32 = 0o4000;
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    const O_NONBLOCK: i32 = 0x0004;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_at_most_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        std::fs::write(&path, "0123456789").unwrap();
        assert_eq!(read_bounded(&path, 10, None).unwrap().len(), 10);
        assert_eq!(
            read_bounded(&path, 9, None).unwrap_err().reason,
            "file is larger than 9 bytes"
        );
    }

    #[cfg(unix)]
    #[test]
    fn special_files_and_links_out_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let zero = dir.path().join("zero.tf");
        std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
        let why = read_bounded(&zero, 100, None).unwrap_err().reason;
        assert!(why.contains("device"), "{why}");
        let inner = dir.path().join("inner");
        std::fs::create_dir(&inner).unwrap();
        let outside = dir.path().join("outside.json");
        std::fs::write(&outside, "{}").unwrap();
        let link = inner.join("p.json");
        std::os::unix::fs::symlink(&outside, &link).unwrap();
        assert!(read_bounded(&link, 100, None).is_ok());
        let why = read_bounded(&link, 100, Some(&inner)).unwrap_err().reason;
        assert!(why.contains("outside"), "{why}");
    }

    #[test]
    fn written_paths_stay_inside() {
        assert!(relative_inside(Path::new("infra/p.json")).is_ok());
        assert!(relative_inside(Path::new("a/../b.json")).is_ok());
        assert!(relative_inside(Path::new("/etc/passwd")).is_err());
        assert!(relative_inside(Path::new("../x.json")).is_err());
        assert!(relative_inside(Path::new("a/../../x.json")).is_err());
    }
}
