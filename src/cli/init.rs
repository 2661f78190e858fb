//! `trustlint init [PATH]`: writes a commented `trustlint.toml` with the repository detected from
//! the clone and the roles the workflows assume, each mapped to its trust policy when a file
//! named after the role exists.

use super::{exit, usage_error};
use crate::config::{Config, FILE_NAME};
use crate::repo::{detect, BranchSource, RoleArn};
use crate::source::{parse_json, parse_yaml};
use crate::workflow::build_workflow;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct InitArgs {
    /// The repository's root directory, where trustlint.toml is written.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Overwrite an existing trustlint.toml.
    #[arg(long)]
    pub force: bool,
}

const SKIPPED_DIRS: &[&str] = &[".git", "node_modules", "target", "vendor"];

pub fn run(args: &InitArgs) -> i32 {
    if !args.path.is_dir() {
        return usage_error(format!("{}: not a directory", args.path.display()));
    }
    let target = args.path.join(FILE_NAME);
    if target.exists() && !args.force {
        return usage_error(format!(
            "{} already exists (use --force to overwrite it)",
            target.display()
        ));
    }
    let text = render(&args.path);
    if let Err(e) = std::fs::write(&target, text) {
        return usage_error(format!("writing {}: {e}", target.display()));
    }
    super::eprint_line(&format!(
        "trustlint: wrote {}",
        crate::source::neutralize(&target.display().to_string())
    ));
    exit::OK
}

/// The contents of the generated trustlint.toml for the repository at `root`.
pub fn render(root: &Path) -> String {
    let mut out = String::from(
        "# trustlint configuration, written by `trustlint init`. Every key is optional; the\n\
         # README's \"Configuration\" section describes them all.\n\
         \n\
         # select = [\"missing-sub-condition\"]   # run only these rules (default: all)\n\
         # ignore = [\"subject-ref-prefix\"]      # never run these rules\n\
         # exclude = [\"generated/**\"]           # globs of paths to skip, relative to this file\n\
         \n\
         [github]\n",
    );
    match detect(root, &Config::default(), None) {
        Ok(Some(identity)) => {
            out.push_str(
                "# The repository the workflows run in (from the clone's origin remote).\n",
            );
            out.push_str(&format!("repository = {}\n", quote(&identity.full_name())));
            if let BranchSource::Clone(_) = identity.default_branch_source {
                out.push_str(&format!(
                    "default-branch = {}\n",
                    quote(&identity.default_branch)
                ));
            } else {
                out.push_str("# default-branch = \"main\"\n");
            }
            match &identity.host {
                Some(host) => out.push_str(&format!("host = {}\n", quote(host))),
                None => out.push_str(
                    "# host = \"github.example.com\"   # GitHub Enterprise Server only\n",
                ),
            }
        }
        _ => {
            out.push_str(
                "# The clone has no GitHub origin remote: name the repository the workflows run in.\n\
                 # repository = \"OWNER/NAME\"\n\
                 # default-branch = \"main\"\n",
            );
        }
    }

    out.push_str(
        "\n[roles]\n\
         # The trust policy of each role the workflows assume, relative to this file.\n",
    );
    let roles = workflow_roles(root);
    if roles.is_empty() {
        out.push_str(
            "# No workflow assumes a role by a literal ARN; map each role to its trust policy:\n\
             # \"arn:aws:iam::123456789012:role/deploy\" = \"infra/iam/deploy.trust.json\"\n",
        );
    }
    let policies = json_files(root);
    for arn in &roles {
        let name = RoleArn::parse(arn)
            .map(|a| a.name.to_string())
            .unwrap_or_default();
        match policy_named(&policies, &name) {
            Some(path) => {
                out.push_str(&format!("{} = {}\n", quote(arn), quote(&relative(root, path))))
            }
            None => out.push_str(&format!(
                "# No trust-policy file named after role {name} was found here; point it at the role's policy:\n\
                 # {} = \"path/to/{name}.trust.json\"\n",
                quote(arn)
            )),
        }
    }
    out.push_str(
        "\n# [vars]            # values of ${{ vars.NAME }} / ${{ secrets.NAME }} in role-to-assume\n\
         # AWS_ROLE_ARN = \"arn:aws:iam::123456789012:role/deploy\"\n\
         \n\
         # [aws]             # the account of bare role names in role-to-assume\n\
         # account = \"123456789012\"\n",
    );
    out
}

fn quote(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// The literal role ARNs of `role-to-assume` in `.github/workflows/*.y*ml`, sorted.
fn workflow_roles(root: &Path) -> BTreeSet<String> {
    let mut roles = BTreeSet::new();
    let Ok(entries) = std::fs::read_dir(root.join(".github/workflows")) else {
        return roles;
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let is_yaml = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("yml") || e.eq_ignore_ascii_case("yaml"));
        if !is_yaml {
            continue;
        }
        let Ok(text) = crate::source::read_text(&path) else {
            continue;
        };
        let Ok(root_node) = parse_yaml(&text) else {
            continue;
        };
        let (Some(workflow), _) = build_workflow(&root_node) else {
            continue;
        };
        for job in &workflow.jobs {
            for step in &job.steps {
                let is_credentials_action = step.uses.as_ref().is_some_and(|u| {
                    u.value.action_name().as_deref()
                        == Some("aws-actions/configure-aws-credentials")
                });
                if !is_credentials_action {
                    continue;
                }
                if let Some(role) = step.input_text("role-to-assume") {
                    let role = role.trim();
                    if RoleArn::parse(role).is_ok() {
                        roles.insert(role.to_string());
                    }
                }
            }
        }
    }
    roles
}

/// The `.json` files of the tree that are trust policies, sorted.
fn json_files(root: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0
                || !(e.file_type().is_dir()
                    && SKIPPED_DIRS.contains(&e.file_name().to_string_lossy().as_ref()))
        })
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        })
        .collect();
    files.retain(|p| {
        crate::source::read_text(p)
            .ok()
            .and_then(|t| parse_json(&t).ok())
            .is_some_and(|n| crate::policy::looks_like_trust_policy(&n))
    });
    files
}

/// The trust policy whose file name is the role name: `deploy.json`, `deploy.trust.json`, ….
fn policy_named<'a>(policies: &'a [PathBuf], role: &str) -> Option<&'a PathBuf> {
    if role.is_empty() {
        return None;
    }
    policies.iter().find(|p| {
        p.file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.split('.').next())
            .is_some_and(|stem| stem == role)
    })
}
