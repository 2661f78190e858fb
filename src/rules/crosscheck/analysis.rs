//! The cross-check, computed once per scan: every step that assumes an AWS role with the job's
//! OIDC token, the role's trust policy ([`lookup`](super::lookup)) and the verdicts of the job's
//! predicted claims against it ([`verdicts`](super::verdicts)).

use super::lookup::{lookup_policy, stem_index};
use super::verdicts::{decide, Denial};
use super::PolicyLookup;
use crate::config::Config;
use crate::predict::{
    local_callers, predict_job, ContextVerdict, Prediction, RefSet, RepoFacts, SubjectFormat,
};
use crate::repo::{resolve_role, RepoIdentity, RoleResolution};
use crate::rules::{PolicyFile, RepoContext, WorkflowFile};
use crate::source::Span;
use crate::workflow::{inlined_aws_steps, oidc_consumer, ConsumerKind, Job, Workflow};

/// One step that assumes an AWS role with the job's OIDC token.
pub struct RoleUse {
    /// Index into [`RepoContext::workflows`].
    pub workflow: usize,
    pub job: usize,
    pub step: usize,
    /// The `role-to-assume` value.
    pub role_span: Span,
    pub route: String,
    pub resolution: RoleResolution,
    /// `None` while the role is unresolved.
    pub policy: Option<PolicyLookup>,
    /// `None` when the repository is unknown.
    pub prediction: Option<Prediction>,
    /// The issuer and provider ARN the job's token comes from (with a found policy).
    pub issuer: String,
    pub provider_arn: String,
    pub verdicts: Vec<ContextVerdict>,
    pub denials: Vec<Denial>,
}

/// The cross-check, computed once.
pub struct Analysis {
    /// The scanned policies, then `[roles]` files read for the cross-check.
    pub policies: Vec<PolicyFile>,
    pub uses: Vec<RoleUse>,
    /// `None` when the repository is unknown.
    pub repo: Option<RepoFacts>,
}

/// The facts the predictor needs, from the repository's identity and `[github]`.
pub fn repo_facts(identity: &RepoIdentity, config: &Config) -> RepoFacts {
    let template = match &config.github.subject_template {
        Some(keys) if keys != &["repo", "context"] => SubjectFormat::Custom(keys.clone()),
        Some(_) => SubjectFormat::Default,
        None if identity.owner_id.is_some() && identity.repository_id.is_some() => {
            SubjectFormat::Immutable
        }
        None => SubjectFormat::Default,
    };
    RepoFacts {
        owner: identity.owner.clone(),
        name: identity.name.clone(),
        owner_id: identity.owner_id,
        repository_id: identity.repository_id,
        default_branch: identity.default_branch.clone(),
        template,
    }
}

pub(crate) fn analyse(ctx: &RepoContext<'_>) -> Analysis {
    let mut policies: Vec<PolicyFile> = ctx.policies.to_vec();
    let stems = stem_index(&policies);
    let repo = ctx.identity.map(|i| repo_facts(i, ctx.config));
    let pairs: Vec<(&str, &Workflow)> = ctx
        .workflows
        .iter()
        .map(|w| (w.file.display_path.as_str(), w.workflow.as_ref()))
        .collect();
    let mut uses = Vec::new();
    for (wi, wf) in ctx.workflows.iter().enumerate() {
        let path = wf.file.display_path.as_str();
        // Only a reusable workflow has callers; looking them up for every workflow would make
        // the scan quadratic in the number of workflows.
        let callers = if wf.workflow.is_reusable() {
            local_callers(path, &pairs)
        } else {
            Vec::new()
        };
        for (ji, job) in wf.workflow.jobs.iter().enumerate() {
            for (si, outer) in job.steps.iter().enumerate() {
                // A local composite action's credential steps, with the caller's inputs bound,
                // are judged as the calling step; a role written in the action file is shown at
                // the calling step's `uses:`.
                let inlined = inlined_aws_steps(&wf.file.path, outer);
                let at_uses = outer.uses.as_ref().map(|u| u.span);
                let candidates = std::iter::once((outer, None)).chain(
                    inlined
                        .iter()
                        .map(|i| (&i.step, at_uses.filter(|_| !i.role_from_caller))),
                );
                for (step, span_override) in candidates {
                    let is_aws =
                        oidc_consumer(step).is_some_and(|c| c.kind == ConsumerKind::AwsCredentials);
                    let Some(node) = step.input("role-to-assume").filter(|_| is_aws) else {
                        continue;
                    };
                    let input = step.input_text("role-to-assume").unwrap_or_default();
                    let resolution =
                        resolve_role(input.trim(), step, job, &wf.workflow, ctx.config);
                    let prefix = path
                        .rfind(".github/workflows/")
                        .map_or("", |at| &path[..at]);
                    let policy = resolution
                        .arn()
                        .map(|arn| lookup_policy(arn, prefix, ctx, &mut policies, &stems));
                    let prediction = repo
                        .as_ref()
                        .map(|r| predict_job(path, &wf.workflow, job, step, r, &callers));
                    let mut u = RoleUse {
                        workflow: wi,
                        job: ji,
                        step: si,
                        role_span: span_override.unwrap_or(node.span),
                        // The step's id, else the role it assumes: not its position, which moves
                        // when steps are added above it (fingerprints must not).
                        route: format!(
                            "jobs.{}.steps.{}.with.role-to-assume",
                            job.id.value,
                            step.id
                                .as_ref()
                                .map(|i| i.value.clone())
                                .unwrap_or_else(|| format!("[{}]", input.trim()))
                        ),
                        resolution,
                        policy,
                        prediction,
                        issuer: String::new(),
                        provider_arn: String::new(),
                        verdicts: Vec::new(),
                        denials: Vec::new(),
                    };
                    decide(ctx, &policies, repo.as_ref(), &mut u);
                    uses.push(u);
                }
            }
        }
    }
    Analysis {
        policies,
        uses,
        repo,
    }
}

/// "job `deploy` (.github/workflows/deploy.yml)"
pub fn describe_job(wf: &WorkflowFile, job: &Job) -> String {
    format!(
        "job `{}` of {}",
        job.id.value,
        crate::predict::repo_relative(&wf.file.display_path)
    )
}

/// True for the pull request context.
pub fn is_pull_request(p: &Prediction, context: usize) -> bool {
    matches!(
        p.contexts.get(context).map(|c| &c.context),
        Some(RefSet::PullRequest)
    )
}
