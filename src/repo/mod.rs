//! The repository the workflows belong to, and the IAM roles their jobs assume.
//!
//! - [`detect`] — the repository's [`RepoIdentity`] (owner/name, IDs, default branch, host)
//!   from `[github]` in trustlint.toml, `--repository`, or the clone's `.git` directory, read
//!   as files ([`git`]);
//! - [`names`] — GitHub `owner/name`, account IDs, partitions, role names and [`RoleArn`].

pub mod git;
mod identity;
pub mod names;

pub use identity::{detect, BranchSource, IdentitySource, RepoIdentity, GITHUB_COM_ISSUER};
pub use names::{is_account_id, is_partition, is_role_name, parse_repository, RoleArn};
