//! What a rule receives: one trust policy ([`PolicyContext`]), one workflow with every workflow
//! of the scan ([`WorkflowContext`]), or the whole repository ([`RepoContext`]).

mod policy;
mod repo;
mod workflow;

pub use policy::{
    claim_of, is_global_key, GithubTrust, PolicyContext, Settings, WEB_IDENTITY_ACTION,
};
pub use repo::{PolicyFile, RepoContext, WorkflowFile};
pub use workflow::{WorkflowContext, Workflows};
