//! The repository the workflows belong to, and the IAM roles their jobs assume.
//!
//! - [`names`] — GitHub `owner/name`, account IDs, partitions, role names and [`RoleArn`].

pub mod names;

pub use names::{is_account_id, is_partition, is_role_name, parse_repository, RoleArn};
