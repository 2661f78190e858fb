//! What a rule sees of the whole repository: every parsed policy and workflow, the configuration
//! and the repository's identity — and the cross-check
//! ([`Analysis`](crate::rules::crosscheck::Analysis)), computed once for all cross-check rules.

use super::Settings;
use crate::config::Config;
use crate::policy::TrustPolicy;
use crate::repo::RepoIdentity;
use crate::rules::crosscheck::{analyse, Analysis, RoleUse};
use crate::source::SourceFile;
use crate::workflow::{Job, Step, Workflow};
use std::path::Path;
use std::sync::{Arc, OnceLock};

/// A parsed trust policy.
#[derive(Clone)]
pub struct PolicyFile {
    pub file: Arc<SourceFile>,
    pub policy: Arc<TrustPolicy>,
    /// False for a `[roles]` file read only for the cross-check.
    pub scanned: bool,
    /// The role a CloudFormation/Terraform resource or an account dump names for this policy;
    /// `None` for a bare policy file, which is matched by its file name.
    pub role_name: Option<String>,
}

/// A parsed workflow.
#[derive(Clone)]
pub struct WorkflowFile {
    pub file: Arc<SourceFile>,
    pub workflow: Arc<Workflow>,
}

pub struct RepoContext<'a> {
    /// The first scanned path.
    pub root: &'a Path,
    pub config: &'a Config,
    pub identity: Option<&'a RepoIdentity>,
    /// Every trust policy of the scan.
    pub policies: &'a [PolicyFile],
    pub workflows: &'a [WorkflowFile],
    pub settings: &'a Settings,
    analysis: OnceLock<Analysis>,
}

impl<'a> RepoContext<'a> {
    pub fn new(
        root: &'a Path,
        config: &'a Config,
        identity: Option<&'a RepoIdentity>,
        policies: &'a [PolicyFile],
        workflows: &'a [WorkflowFile],
        settings: &'a Settings,
    ) -> Self {
        RepoContext {
            root,
            config,
            identity,
            policies,
            workflows,
            settings,
            analysis: OnceLock::new(),
        }
    }

    /// True when the repository is cross-checked at all: the scan has a trust policy or the
    /// configuration maps roles to policies. A repository with no policies is left alone.
    pub fn cross_checked(&self) -> bool {
        !self.policies.is_empty() || !self.config.roles.is_empty()
    }

    pub fn analysis(&self) -> &Analysis {
        self.analysis.get_or_init(|| analyse(self))
    }

    pub fn job_step(&self, u: &RoleUse) -> (&WorkflowFile, &Job, &Step) {
        let wf = &self.workflows[u.workflow];
        let job = &wf.workflow.jobs[u.job];
        (wf, job, &job.steps[u.step])
    }
}
