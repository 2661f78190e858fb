//! What a prediction is made of: the repository's facts, the `sub` format in force, the run's
//! ref as a set, the contexts a job can run in and the concrete subjects they present.

use super::glob::BranchFilter;
use crate::workflow::{Job, Workflow};

/// configure-aws-credentials' default audience.
pub const DEFAULT_AUDIENCE: &str = "sts.amazonaws.com";

/// A commit SHA used in merge-queue representatives.
pub(super) const SAMPLE_SHA: &str = "0123456789abcdef0123456789abcdef01234567";

/// What the linter knows about the repository whose workflows are predicted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoFacts {
    pub owner: String,
    pub name: String,
    pub owner_id: Option<u64>,
    pub repository_id: Option<u64>,
    pub default_branch: String,
    pub template: SubjectFormat,
}

impl RepoFacts {
    /// `owner/name` with the default branch `main`, no IDs, GitHub's default subject format.
    pub fn new(owner: &str, name: &str) -> RepoFacts {
        RepoFacts {
            owner: owner.to_string(),
            name: name.to_string(),
            owner_id: None,
            repository_id: None,
            default_branch: "main".to_string(),
            template: SubjectFormat::Default,
        }
    }

    /// `owner/name`.
    pub fn full_name(&self) -> String {
        format!("{}/{}", self.owner, self.name)
    }
}

/// The `sub` format in force for the repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubjectFormat {
    /// `repo:OWNER/REPO:<context>`
    Default,
    /// `repo:OWNER@OWNER_ID/REPO@REPO_ID:<context>` (needs both IDs in [`RepoFacts`]).
    Immutable,
    /// A customized template: claim keys in order (`repo`, `context`, `job_workflow_ref`…).
    Custom(Vec<String>),
}

/// The run's GITHUB_REF, as a set.
#[derive(Debug, Clone)]
pub enum GitRef {
    /// `refs/heads/<name>` for names the filter admits.
    Branch(BranchFilter),
    /// `refs/tags/<name>`.
    Tag(BranchFilter),
    /// `refs/pull/<number>/merge`.
    PullRequestMerge,
    /// `refs/heads/gh-readonly-queue/<base>/pr-<number>-<sha>` for bases the filter admits.
    MergeQueue(BranchFilter),
    /// A caller trustlint cannot see.
    Unknown,
}

/// The context part of `sub` (what follows `repo:OWNER/REPO:` in the default format).
#[derive(Debug, Clone)]
pub enum RefSet {
    /// `ref:refs/heads/<name>`
    Branch(BranchFilter),
    /// `ref:refs/tags/<name>`
    Tag(BranchFilter),
    /// `ref:refs/heads/gh-readonly-queue/<base>/…`
    MergeQueue(BranchFilter),
    /// `pull_request`
    PullRequest,
    /// `environment:<name>`
    Environment(String),
    /// `environment:` with a name given by an expression (kept as written).
    UnknownEnvironment(String),
    /// A reusable workflow with no caller in the repository: the caller's repository, event and
    /// ref are unknown.
    UnknownCaller,
}

/// One way the job can run, and the `sub` context it then presents.
#[derive(Debug, Clone)]
pub struct PredictedContext {
    /// The triggering event (for a called workflow: the caller's event).
    pub event: String,
    pub context: RefSet,
    /// The run's ref (for `job_workflow_ref` and the `ref` claim).
    pub git_ref: GitRef,
    /// For messages: "push to branches matching release/**".
    pub reason: String,
    /// Why a subject of this context might not be presented after all (an inferred event
    /// mapping, an `if:` trustlint does not read); `None` when the context is certain.
    pub caveat: Option<String>,
    /// The run's workflow name (`name:`, else its path): the `workflow` claim.
    pub workflow_name: String,
}

#[derive(Debug, Clone)]
pub struct Prediction {
    pub contexts: Vec<PredictedContext>,
    /// The `aud` the step asks for; `None` when an expression or otherwise unknown (noted).
    pub audience: Option<String>,
    /// `OWNER/REPO/<path of the job's workflow file>`: `job_workflow_ref` without its `@<ref>`.
    pub job_workflow: String,
    pub notes: Vec<String>,
}

/// A local caller of a reusable workflow: a job with `uses: ./.github/workflows/<file>` in
/// another workflow of the same repository, with its own callers when it is reusable too.
#[derive(Debug, Clone)]
pub struct Caller<'a> {
    pub path: &'a str,
    pub workflow: &'a Workflow,
    pub job: &'a Job,
    pub callers: Vec<Caller<'a>>,
}

/// One concrete subject the job can present.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PredictedSubject {
    pub subject: String,
    /// Index into [`Prediction::contexts`].
    pub context: usize,
    /// The full GITHUB_REF this subject stands for (`refs/heads/release/1.0`).
    pub git_ref: Option<String>,
    pub job_workflow_ref: Option<String>,
    /// "any branch matching release/**" — what the subject stands for.
    pub stands_for: String,
}
