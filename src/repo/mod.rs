//! The repository the workflows belong to, and the IAM roles their jobs assume.
//!
//! - [`detect`] — the repository's [`RepoIdentity`] (owner/name, IDs, default branch, host)
//!   from `[github]` in trustlint.toml, `--repository`, or the clone's `.git` directory, read
//!   as files ([`git`]);
//! - [`resolve_role`] — the role ARN a step's `role-to-assume` means ([`RoleResolution`], with
//!   how it was found or what to configure), and [`policy_path_for`] — its trust policy from
//!   `[roles]`;
//! - [`names`] — GitHub `owner/name`, account IDs, partitions, role names and [`RoleArn`].

pub mod git;
mod identity;
pub mod names;
mod roles;

pub use identity::{detect, BranchSource, IdentitySource, RepoIdentity, GITHUB_COM_ISSUER};
pub use names::{is_account_id, is_partition, is_role_name, parse_repository, RoleArn};
pub use roles::{policy_path_for, resolve_role, role_name, RoleResolution, MAX_DEPTH};
