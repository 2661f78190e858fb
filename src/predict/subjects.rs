//! The subjects a context presents: concrete representatives, membership of one subject, and
//! the IAM patterns covering them (for the decision against a trust policy).

use super::condition::{merge_queue_base, pull_merge_re};
use super::model::{
    GitRef, PredictedContext, PredictedSubject, Prediction, RefSet, RepoFacts, SubjectFormat,
    SAMPLE_SHA,
};
use super::triggers::describe_filter;
use crate::iam::Truth;

impl GitRef {
    /// A few concrete refs of the set, realistic first; empty for [`GitRef::Unknown`].
    pub fn representatives(&self, repo: &RepoFacts) -> Vec<String> {
        let default = repo.default_branch.as_str();
        match self {
            GitRef::Branch(f) => f
                .representatives_preferring(&[default])
                .into_iter()
                .map(|b| format!("refs/heads/{b}"))
                .collect(),
            GitRef::Tag(f) => f
                .representatives_preferring(&["v1.0.0"])
                .into_iter()
                .map(|t| format!("refs/tags/{t}"))
                .collect(),
            GitRef::PullRequestMerge => vec!["refs/pull/1/merge".to_string()],
            GitRef::MergeQueue(f) => f
                .representatives_preferring(&[default])
                .into_iter()
                .map(|b| format!("refs/heads/gh-readonly-queue/{b}/pr-1-{SAMPLE_SHA}"))
                .collect(),
            GitRef::Unknown => Vec::new(),
        }
    }

    /// Membership of a full ref.
    pub fn contains(&self, full_ref: &str) -> bool {
        match self {
            // A merge queue's `gh-readonly-queue/…` branches take pushes too.
            GitRef::Branch(f) => full_ref
                .strip_prefix("refs/heads/")
                .is_some_and(|n| f.matches(n)),
            GitRef::Tag(f) => full_ref
                .strip_prefix("refs/tags/")
                .is_some_and(|n| f.matches(n)),
            GitRef::PullRequestMerge => pull_merge_re().is_match(full_ref),
            GitRef::MergeQueue(f) => merge_queue_base(full_ref).is_some_and(|b| f.matches(b)),
            GitRef::Unknown => false,
        }
    }

    /// True when [`GitRef::representatives`] lists every member.
    pub fn is_enumerated(&self) -> bool {
        match self {
            GitRef::Branch(f) | GitRef::Tag(f) => f.finite_names().is_some(),
            _ => false,
        }
    }

    /// IAM patterns whose union covers every member (`refs/heads/release/*`).
    pub fn iam_cover(&self) -> Vec<String> {
        match self {
            GitRef::Branch(f) => f
                .iam_cover()
                .into_iter()
                .map(|c| format!("refs/heads/{c}"))
                .collect(),
            GitRef::Tag(f) => f
                .iam_cover()
                .into_iter()
                .map(|c| format!("refs/tags/{c}"))
                .collect(),
            GitRef::PullRequestMerge => vec!["refs/pull/*/merge".to_string()],
            GitRef::MergeQueue(f) => f
                .iam_cover()
                .into_iter()
                .map(|c| format!("refs/heads/gh-readonly-queue/{c}/pr-*"))
                .collect(),
            GitRef::Unknown => vec!["*".to_string()],
        }
    }

    fn ref_type(&self) -> Option<&'static str> {
        match self {
            GitRef::Branch(_) | GitRef::MergeQueue(_) => Some("branch"),
            GitRef::Tag(_) => Some("tag"),
            GitRef::PullRequestMerge | GitRef::Unknown => None,
        }
    }
}

impl RefSet {
    /// "any branch matching release/**", "environment production", …
    pub fn describe(&self) -> String {
        match self {
            RefSet::Branch(f) => describe_filter(f, "branch", "branches"),
            RefSet::Tag(f) => describe_filter(f, "tag", "tags"),
            RefSet::MergeQueue(f) => format!(
                "the merge queue of {}",
                describe_filter(f, "branch", "branches")
            ),
            RefSet::PullRequest => "pull requests".to_string(),
            RefSet::Environment(name) => format!("environment {name}"),
            RefSet::UnknownEnvironment(expr) => format!("the environment {expr}"),
            RefSet::UnknownCaller => "an unknown caller's run".to_string(),
        }
    }

    /// True when the `sub` context part depends on the run's ref.
    fn depends_on_ref(&self) -> bool {
        matches!(
            self,
            RefSet::Branch(_) | RefSet::Tag(_) | RefSet::MergeQueue(_)
        )
    }
}

/// `:` inside a claim value is `%3A` in `sub`.
fn encode(value: &str) -> String {
    value.replace(':', "%3A")
}

/// Why a subject cannot be built.
pub(crate) type Unpredictable = String;

impl Prediction {
    /// `job_workflow_ref` for a run at `git_ref`.
    pub fn job_workflow_ref(&self, git_ref: &str) -> String {
        format!("{}@{git_ref}", self.job_workflow)
    }
}

/// Builds the subject of context `ctx` for a run at `git_ref` (`None`: a context whose subject
/// does not depend on the ref and a template that does not use it). `git_ref` may be an IAM
/// pattern (`refs/heads/release/*`): then so is the result.
pub(crate) fn build_subject(
    p: &Prediction,
    ctx: &PredictedContext,
    repo: &RepoFacts,
    git_ref: Option<&str>,
) -> Result<String, Unpredictable> {
    let context = match &ctx.context {
        RefSet::UnknownCaller => {
            return Err("the caller of this reusable workflow is not in this repository".into())
        }
        RefSet::UnknownEnvironment(expr) => {
            return Err(format!("the environment is an expression ({expr})"))
        }
        RefSet::Environment(name) => format!("environment:{}", encode(name)),
        RefSet::PullRequest => "pull_request".to_string(),
        RefSet::Branch(_) | RefSet::Tag(_) | RefSet::MergeQueue(_) => {
            format!("ref:{}", git_ref.ok_or("the ref is unknown")?)
        }
    };
    let repo_name = repo.full_name();
    match &repo.template {
        SubjectFormat::Default => Ok(format!("repo:{repo_name}:{context}")),
        SubjectFormat::Immutable => match (repo.owner_id, repo.repository_id) {
            (Some(oid), Some(rid)) => Ok(format!(
                "repo:{}@{oid}/{}@{rid}:{context}",
                repo.owner, repo.name
            )),
            _ => Ok(format!("repo:{repo_name}:{context}")),
        },
        SubjectFormat::Custom(keys) => {
            let mut parts: Vec<String> = Vec::new();
            for key in keys {
                let key = key.as_str();
                if key == "context" {
                    parts.push(context.clone());
                    continue;
                }
                let need_ref = || git_ref.ok_or_else(|| format!("the `{key}` claim (the ref)"));
                let value = match key {
                    "repo" | "repository" => repo_name.clone(),
                    "repository_owner" => repo.owner.clone(),
                    "repository_owner_id" => repo
                        .owner_id
                        .ok_or("the `repository_owner_id` claim is not configured")?
                        .to_string(),
                    "repository_id" => repo
                        .repository_id
                        .ok_or("the `repository_id` claim is not configured")?
                        .to_string(),
                    "environment" => match &ctx.context {
                        RefSet::Environment(name) => name.clone(),
                        _ => {
                            return Err(
                                "the template has `environment`, and this job has none".into()
                            )
                        }
                    },
                    "ref" => need_ref()?.to_string(),
                    "ref_type" => ctx
                        .git_ref
                        .ref_type()
                        .ok_or("the `ref_type` claim of a pull request run")?
                        .to_string(),
                    "job_workflow_ref" => p.job_workflow_ref(need_ref()?),
                    "workflow_ref" => format!("{}@{}", p.job_workflow.clone(), need_ref()?),
                    "event_name" => ctx.event.clone(),
                    "workflow" => ctx.workflow_name.clone(),
                    other => return Err(format!("the `{other}` claim of the template")),
                };
                parts.push(format!("{key}:{}", encode(&value)));
            }
            Ok(parts.join(":"))
        }
    }
}

/// True when the subject (under the repository's template) mentions the ref.
pub(super) fn subject_uses_ref(ctx: &PredictedContext, repo: &RepoFacts) -> bool {
    ctx.context.depends_on_ref()
        || matches!(&repo.template, SubjectFormat::Custom(keys)
            if keys.iter().any(|k| matches!(k.as_str(), "ref" | "job_workflow_ref" | "workflow_ref")))
}

/// The concrete subjects of one context (with their refs); `Err` when none can be built.
pub(crate) fn context_subjects(
    p: &Prediction,
    index: usize,
    repo: &RepoFacts,
) -> Result<Vec<PredictedSubject>, Unpredictable> {
    let ctx = &p.contexts[index];
    let refs = ctx.git_ref.representatives(repo);
    if refs.is_empty() {
        build_subject(p, ctx, repo, None)?;
        return Err(format!("no concrete ref found for {}", ctx.reason));
    }
    let mut out: Vec<PredictedSubject> = Vec::new();
    for r in refs {
        let subject = build_subject(p, ctx, repo, Some(&r))?;
        out.push(PredictedSubject {
            subject,
            context: index,
            job_workflow_ref: Some(p.job_workflow_ref(&r)),
            git_ref: Some(r),
            stands_for: ctx.context.describe(),
        });
    }
    Ok(out)
}

/// Concrete representative subjects of every context, each with what it stands for; contexts
/// whose subject cannot be predicted are left out (see [`Prediction::notes`]). Duplicate
/// subjects (the same environment reached by two events) are kept once.
pub fn subjects(p: &Prediction, repo: &RepoFacts) -> Vec<PredictedSubject> {
    let mut out: Vec<PredictedSubject> = Vec::new();
    for i in 0..p.contexts.len() {
        if let Ok(subjects) = context_subjects(p, i, repo) {
            for s in subjects {
                if !out.iter().any(|o| o.subject == s.subject) {
                    out.push(s);
                }
            }
        }
    }
    out
}

/// Candidate refs named inside a subject: after `ref:` and after `@` (job_workflow_ref).
fn refs_in(subject: &str) -> Vec<String> {
    let mut out = Vec::new();
    let tokens: Vec<&str> = subject.split(':').collect();
    for (i, t) in tokens.iter().enumerate() {
        if *t == "ref" {
            if let Some(next) = tokens.get(i + 1) {
                out.push(next.to_string());
            }
        }
        if let Some((_, r)) = t.split_once('@') {
            if r.starts_with("refs/") {
                out.push(r.to_string());
            }
        }
    }
    out.dedup();
    out
}

/// Can a run of this context present exactly `subject`? `Unknown` where a part cannot be
/// predicted (an expression environment, an unknown caller, a template claim trustlint does
/// not know).
pub fn membership(
    p: &Prediction,
    ctx: &PredictedContext,
    repo: &RepoFacts,
    subject: &str,
) -> Truth {
    match &ctx.context {
        RefSet::UnknownCaller | RefSet::UnknownEnvironment(_) => return Truth::Unknown,
        _ => {}
    }
    let mut unknown = false;
    if subject_uses_ref(ctx, repo) {
        for r in refs_in(subject) {
            if !ctx.git_ref.contains(&r) {
                continue;
            }
            match build_subject(p, ctx, repo, Some(&r)) {
                Ok(s) if s == subject => return Truth::True,
                Ok(_) => {}
                Err(_) => unknown = true,
            }
        }
        if refs_in(subject).is_empty() {
            // Still find out whether a part is unpredictable.
            if let Some(r) = ctx.git_ref.representatives(repo).first() {
                unknown |= build_subject(p, ctx, repo, Some(r)).is_err();
            }
        }
    } else {
        let any_ref = ctx.git_ref.representatives(repo);
        match build_subject(p, ctx, repo, any_ref.first().map(String::as_str)) {
            Ok(s) if s == subject => return Truth::True,
            Ok(_) => {}
            Err(_) => unknown = true,
        }
    }
    if unknown {
        Truth::Unknown
    } else {
        Truth::False
    }
}

/// Can this job present exactly `subject` in context `ctx`? `true` only when certain.
pub fn admits(p: &Prediction, ctx: &PredictedContext, repo: &RepoFacts, subject: &str) -> bool {
    membership(p, ctx, repo, subject) == Truth::True
}

/// IAM patterns whose union covers every subject of the context (`None` when unpredictable),
/// and the same for `job_workflow_ref` and the `ref` claim.
pub(crate) struct SymbolicClaims {
    pub sub: Vec<String>,
    pub job_workflow_ref: Vec<String>,
    pub git_ref: Vec<String>,
}

pub(crate) fn symbolic_claims(
    p: &Prediction,
    ctx: &PredictedContext,
    repo: &RepoFacts,
) -> Result<SymbolicClaims, Unpredictable> {
    let covers = ctx.git_ref.iam_cover();
    let mut sub = Vec::new();
    for c in &covers {
        let s = build_subject(p, ctx, repo, Some(c))?;
        if !sub.contains(&s) {
            sub.push(s);
        }
    }
    Ok(SymbolicClaims {
        sub,
        job_workflow_ref: covers.iter().map(|c| p.job_workflow_ref(c)).collect(),
        git_ref: covers,
    })
}
