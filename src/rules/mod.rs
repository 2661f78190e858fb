//! The rule engine: rule metadata, findings, the contexts rules receive and the registry — and
//! the rules, one folder per family: [`trust`] (one trust policy), [`workflow`] (one workflow)
//! and [`crosscheck`] (workflows against the trust policies of their roles).
//!
//! Each rule lives in its own file in its family's folder and is registered once in `registry`.
//! Its documentation is the Markdown page `rules/<id>.md`, embedded in the binary (for `explain`
//! and SARIF help).

mod context;
pub mod crosscheck;
mod finding;
pub mod page;
mod registry;
pub mod spelling;
pub mod trust;
pub mod workflow;

pub use context::{
    claim_of, is_global_key, GithubTrust, PolicyContext, PolicyFile, RepoContext, Settings,
    WorkflowContext, WorkflowFile, Workflows, WEB_IDENTITY_ACTION,
};
pub use crosscheck::{
    admitting_sub_value, describe_job, is_pull_request, repo_facts, Analysis, Denial, PolicyLookup,
    RoleUse,
};
pub use finding::{Finding, Related};
pub use registry::{all_rules, find_rule, unknown_rule};

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|sev| sev.as_str() == s)
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the code knows about a rule; the prose lives in its page.
#[derive(Debug)]
pub struct RuleMeta {
    pub id: &'static str,
    pub severity: Severity,
    /// The rule's Markdown page (`rules/<id>.md`).
    pub page: &'static str,
}

impl RuleMeta {
    /// The first paragraph of the page: one sentence saying what the rule reports.
    pub fn summary(&self) -> String {
        page::summary(self.page)
    }
}

/// A rule's metadata; implemented by [`declare_rule!`], so rule files hold only their checks.
pub trait RuleInfo {
    fn meta(&self) -> &'static RuleMeta;
}

/// A check. Hooks default to doing nothing, so a rule overrides only the input it inspects.
pub trait Rule: RuleInfo + Send + Sync {
    fn check_policy(&self, _ctx: &PolicyContext<'_>, _out: &mut Vec<Finding>) {}

    fn check_workflow(&self, _ctx: &WorkflowContext<'_>, _out: &mut Vec<Finding>) {}

    /// Called once per scan, after the per-file checks, with the whole repository.
    fn check_repository(&self, _ctx: &RepoContext<'_>, _out: &mut Vec<Finding>) {}
}

/// Declares a rule's unit struct and its metadata, with the page embedded from `rules/<id>.md`.
#[macro_export]
macro_rules! declare_rule {
    ($name:ident, $id:literal, $severity:ident) => {
        pub struct $name;

        impl $name {
            pub const META: $crate::rules::RuleMeta = $crate::rules::RuleMeta {
                id: $id,
                severity: $crate::rules::Severity::$severity,
                page: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/", $id, ".md")),
            };
        }

        impl $crate::rules::RuleInfo for $name {
            fn meta(&self) -> &'static $crate::rules::RuleMeta {
                &Self::META
            }
        }
    };
}
