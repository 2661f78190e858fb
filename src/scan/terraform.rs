//! Loading a Terraform file: its roles, documents and OIDC providers, with what Terraform
//! itself would read beside it — the module's other `.tf` files (variables, locals), its variable
//! files and the directories of its local module calls — read only inside the scan root.

use super::{embedded, has_extension, not_analysed, Loaded};
use crate::report::Notice;
use crate::source::{self, Discovered, SourceFile};
use crate::sources::{self, Extracted};
use std::path::PathBuf;
use std::sync::Arc;
/// Where the links of a file's siblings may lead: the directory the scan walked, or for a file
/// named on the command line the current directory when it lies below it, else its own directory.
fn sibling_root(file: &Discovered) -> PathBuf {
    if let Some(root) = &file.root {
        return root.clone();
    }
    let parent = file
        .path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."))
        .to_path_buf();
    match (std::env::current_dir(), std::fs::canonicalize(&file.path)) {
        (Ok(cwd), Ok(resolved)) if resolved.starts_with(&cwd) => cwd,
        _ => parent,
    }
}

/// A Terraform file: its roles and OIDC providers, with the module's other `.tf` files for
/// variables and locals.
pub(super) fn load_terraform(source: Arc<SourceFile>, file: &Discovered) -> Loaded {
    let explicit = file.explicit;
    if !sources::terraform::may_hold_roles(&source.text) {
        return Loaded {
            read: explicit,
            ..Loaded::default()
        };
    }
    let mut loaded = Loaded {
        read: true,
        ..Loaded::default()
    };
    let body = match sources::terraform::parse(&source.text) {
        Ok(body) => body,
        Err((message, span)) => {
            let at = source.line_col(span.start);
            loaded.notice = Some(not_analysed(
                &source,
                &format!(
                    "not analysed as Terraform (HCL error: {message} at line {}, column {})",
                    at.line, at.column
                ),
            ));
            return loaded;
        }
    };
    // Sibling, variable and module files are read only inside the scan root (a link planted in
    // the repository must not make trustlint read a file of the runner).
    let root = sibling_root(file);
    let mut entries: Vec<PathBuf> = source
        .path
        .parent()
        .and_then(|dir| std::fs::read_dir(dir).ok())
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| *path != source.path)
        .collect();
    entries.sort();
    let siblings: Vec<_> = entries
        .iter()
        .filter(|path| has_extension(path, "tf"))
        .filter_map(|path| source::read_sibling(path, &root))
        // Only variables and locals are taken from siblings: skip parsing the rest.
        .filter(|text| text.contains("variable") || text.contains("locals"))
        .filter_map(|text| sources::terraform::parse(&text).ok())
        .collect();
    // The variable files Terraform loads on its own, in its order.
    let mut var_files: Vec<(u8, &PathBuf)> = entries
        .iter()
        .filter_map(|path| {
            let name = path.file_name()?.to_str()?;
            Some((sources::terraform::var_file_rank(name)?, path))
        })
        .collect();
    var_files.sort();
    let var_files: Vec<_> = var_files
        .into_iter()
        .filter_map(|(_, path)| {
            let text = source::read_sibling(path, &root)?;
            let name = path.file_name()?.to_str()?;
            sources::terraform::parse_var_file(name, &text)
        })
        .collect();
    // The `.tf` files of the directories of the file's local module calls.
    let dir = source.path.parent().map(std::path::Path::to_path_buf);
    let modules: Vec<_> = sources::terraform::local_module_sources(&body)
        .into_iter()
        .map(|module_source| {
            let files = dir
                .as_ref()
                .and_then(|d| std::fs::read_dir(d.join(&module_source)).ok())
                .into_iter()
                .flatten()
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|path| has_extension(path, "tf"))
                .filter_map(|path| {
                    let name = path.file_name()?.to_str()?.to_string();
                    Some((name, source::read_sibling(&path, &root)?))
                })
                .collect::<std::collections::BTreeMap<_, _>>()
                .into_iter()
                .collect();
            sources::terraform::ModuleSource {
                source: module_source,
                files,
            }
        })
        .collect();
    let found = sources::terraform::extract(
        &source.display_path,
        &source.text,
        &body,
        &siblings,
        &var_files,
        &modules,
    );
    for (span, message) in found.notices {
        let at = source.line_col(span.start);
        loaded.notices.push(Notice {
            at: Some(at),
            ..Notice::new(source.display_path.clone(), message)
        });
    }
    loaded.parsed = Some((
        source,
        embedded(Extracted {
            policies: found.policies,
            providers: found.providers,
        }),
    ));
    loaded
}
