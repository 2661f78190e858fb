//! Which trust policy belongs to a role:
//! 1. `[roles]` in trustlint.toml (`"ARN" = "path"`, relative to the config file); a file that was
//!    not part of the scan is read with the scan's loader;
//! 2. else the scanned policy file whose name without `.json` and then `.trust` is the role name
//!    (`deploy.json`, `deploy.trust.json` for `…:role/deploy`).

use crate::config::Config;
use crate::repo::{policy_path_for, role_name, RoleArn};
use crate::rules::{PolicyFile, RepoContext};
use crate::source::{SourceFile, Span};
use std::path::Path;
use std::sync::Arc;

/// The trust policy of a role, or why none is known.
#[derive(Clone)]
pub enum PolicyLookup {
    /// Index into [`Analysis::policies`].
    Found(usize),
    Missing {
        reason: String,
        hint: String,
        /// A place to show (the `[roles]` line of trustlint.toml).
        related: Option<(Arc<SourceFile>, Span, String)>,
    },
}

/// The file name of a policy without `.json` and then `.trust`.
fn policy_stem(file: &SourceFile) -> String {
    let name = file
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = name.strip_suffix(".json").unwrap_or(&name);
    name.strip_suffix(".trust").unwrap_or(name).to_string()
}

/// The span of the `[roles]` line naming `arn` in the config file.
fn roles_line(config: &Config, arn: &str) -> Option<(Arc<SourceFile>, Span, String)> {
    let path = config.path.as_ref()?;
    let text = crate::source::read_text(path).ok()?;
    let wanted = RoleArn::parse(arn).ok()?;
    let key = config
        .roles
        .keys()
        .find(|k| RoleArn::parse(k).is_ok_and(|k| k.same_role(&wanted)))?;
    let file = Arc::new(SourceFile::new(path, text));
    let at = file.text.find(key.as_str())?;
    let at = if file.text[..at].ends_with('"') {
        at - 1
    } else {
        at
    };
    let end = file.text[at..]
        .find('\n')
        .map_or(file.text.len(), |n| at + n);
    let span = Span::new(at, end);
    Some((
        file,
        span,
        "the role's trust policy is configured here".to_string(),
    ))
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// Scanned policies by file stem, built once per scan (a lookup per role use stays O(1)).
type StemIndex = std::collections::HashMap<String, Vec<usize>>;

pub(super) fn stem_index(policies: &[PolicyFile]) -> StemIndex {
    let mut index = StemIndex::new();
    for (i, p) in policies.iter().enumerate().filter(|(_, p)| p.scanned) {
        let name = p.role_name.clone().unwrap_or_else(|| policy_stem(&p.file));
        index.entry(name).or_default().push(i);
    }
    index
}

pub(super) fn lookup_policy(
    arn: &str,
    repo_prefix: &str,
    ctx: &RepoContext<'_>,
    policies: &mut Vec<PolicyFile>,
    stems: &StemIndex,
) -> PolicyLookup {
    if let Some(path) = policy_path_for(arn, ctx.config) {
        if let Some(i) = policies.iter().position(|p| same_file(&p.file.path, &path)) {
            return PolicyLookup::Found(i);
        }
        return match crate::scan::load_role_policy(&path, ctx.config) {
            Ok(p) => {
                policies.push(p);
                PolicyLookup::Found(policies.len() - 1)
            }
            Err(why) => PolicyLookup::Missing {
                reason: format!(
                    "the trust policy of {arn}, `{}` in trustlint.toml, cannot be used: {why}",
                    crate::source::display_path(&path)
                ),
                hint: "fix the path under `[roles]` in trustlint.toml (it is relative to the config file)"
                    .to_string(),
                related: roles_line(ctx.config, arn),
            },
        };
    }
    let name = role_name(arn).unwrap_or_default();
    let mut matching: Vec<usize> = stems.get(name).cloned().unwrap_or_default();
    // Several scanned repositories: prefer the policies of the workflow's own.
    if matching.len() > 1 {
        let same: Vec<usize> = matching
            .iter()
            .copied()
            .filter(|&i| policies[i].file.display_path.starts_with(repo_prefix))
            .collect();
        if !same.is_empty() {
            matching = same;
        }
    }
    match matching.as_slice() {
        [i] => PolicyLookup::Found(*i),
        [] => PolicyLookup::Missing {
            reason: format!("no trust policy of the scan belongs to {arn}"),
            hint: format!(
                "add `\"{arn}\" = \"path/to/{name}.json\"` under `[roles]` in trustlint.toml, or name the policy file `{name}.json` or `{name}.trust.json`"
            ),
            related: None,
        },
        several => PolicyLookup::Missing {
            reason: format!(
                "{} policy files are named after the role {name} ({})",
                several.len(),
                several
                    .iter()
                    .map(|&i| policies[i].file.display_path.clone())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            hint: format!(
                "say which one with `\"{arn}\" = \"path\"` under `[roles]` in trustlint.toml"
            ),
            related: None,
        },
    }
}
