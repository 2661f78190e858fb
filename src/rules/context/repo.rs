//! What a rule sees of the whole repository: every parsed policy and workflow, the configuration
//! and the repository's identity — and, computed once for all cross-check rules, every step that
//! assumes an AWS role with the job's OIDC token, the role's trust policy and the verdicts of the
//! job's predicted claims against it.
//!
//! Which trust policy belongs to a role:
//! 1. `[roles]` in trustlint.toml (`"ARN" = "path"`, relative to the config file); a file that was
//!    not part of the scan is read with the scan's loader;
//! 2. else the scanned policy file whose name without `.json` and then `.trust` is the role name
//!    (`deploy.json`, `deploy.trust.json` for `…:role/deploy`).

use super::Settings;
use crate::config::Config;
use crate::iam::wildcard::like_match;
use crate::iam::{closest_allow, evaluate, Request, Truth};
use crate::policy::{github_issuer_kind, Effect, Operator, TrustPolicy};
use crate::predict::{
    check_against, local_callers, predict_job, ContextVerdict, Prediction, RefSet, RepoFacts,
    SubjectFormat, Verdict,
};
use crate::repo::{
    policy_path_for, resolve_role, role_name, RepoIdentity, RoleArn, RoleResolution,
};
use crate::source::{SourceFile, Span};
use crate::workflow::{oidc_consumer, ConsumerKind, Job, Step, Workflow};
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

/// The trust policy of a role, or why none is known.
#[derive(Clone)]
pub enum PolicyLookup {
    /// Index into [`Analysis::policies`].
    Found(usize),
    Missing {
        reason: String,
        hint: String,
        /// A place to show (the `[roles]` line of trustlint.toml).
        related: Option<(Arc<SourceFile>, Span, String)>,
    },
}

/// A predicted context the role's trust policy denies.
#[derive(Clone, Debug)]
pub struct Denial {
    pub context: usize,
    pub witness: String,
    pub reason: String,
    /// Some subjects of the context are allowed.
    pub partly: bool,
    /// The policy admits the context with another audience: this audience, the job's being
    /// the only reason for the denial.
    pub admitted_audience: Option<String>,
    /// The deciding place in the policy: the failing condition of the closest Allow statement.
    pub deciding: Span,
    pub deciding_what: String,
}

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

/// The file name of a policy without `.json` and then `.trust`.
fn policy_stem(file: &SourceFile) -> String {
    let name = file
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = name.strip_suffix(".json").unwrap_or(&name);
    name.strip_suffix(".trust").unwrap_or(name).to_string()
}

/// The span of the `[roles]` line naming `arn` in the config file.
fn roles_line(config: &Config, arn: &str) -> Option<(Arc<SourceFile>, Span, String)> {
    let path = config.path.as_ref()?;
    let text = std::fs::read_to_string(path).ok()?;
    let wanted = RoleArn::parse(arn).ok()?;
    let key = config
        .roles
        .keys()
        .find(|k| RoleArn::parse(k).is_ok_and(|k| k.same_role(&wanted)))?;
    let file = Arc::new(SourceFile::new(path, text));
    let at = file.text.find(key.as_str())?;
    let at = if file.text[..at].ends_with('"') {
        at - 1
    } else {
        at
    };
    let end = file.text[at..]
        .find('\n')
        .map_or(file.text.len(), |n| at + n);
    let span = Span::new(at, end);
    Some((
        file,
        span,
        "the role's trust policy is configured here".to_string(),
    ))
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// Scanned policies by file stem, built once per scan (a lookup per role use stays O(1)).
type StemIndex = std::collections::HashMap<String, Vec<usize>>;

fn stem_index(policies: &[PolicyFile]) -> StemIndex {
    let mut index = StemIndex::new();
    for (i, p) in policies.iter().enumerate().filter(|(_, p)| p.scanned) {
        let name = p.role_name.clone().unwrap_or_else(|| policy_stem(&p.file));
        index.entry(name).or_default().push(i);
    }
    index
}

fn lookup_policy(
    arn: &str,
    repo_prefix: &str,
    ctx: &RepoContext<'_>,
    policies: &mut Vec<PolicyFile>,
    stems: &StemIndex,
) -> PolicyLookup {
    if let Some(path) = policy_path_for(arn, ctx.config) {
        if let Some(i) = policies.iter().position(|p| same_file(&p.file.path, &path)) {
            return PolicyLookup::Found(i);
        }
        return match crate::scan::load_policy_file(&path) {
            Ok(p) => {
                policies.push(p);
                PolicyLookup::Found(policies.len() - 1)
            }
            Err(why) => PolicyLookup::Missing {
                reason: format!(
                    "the trust policy of {arn}, `{}` in trustlint.toml, cannot be used: {why}",
                    crate::source::display_path(&path)
                ),
                hint: "fix the path under `[roles]` in trustlint.toml (it is relative to the config file)"
                    .to_string(),
                related: roles_line(ctx.config, arn),
            },
        };
    }
    let name = role_name(arn).unwrap_or_default();
    let mut matching: Vec<usize> = stems.get(name).cloned().unwrap_or_default();
    // Several scanned repositories: prefer the policies of the workflow's own.
    if matching.len() > 1 {
        let same: Vec<usize> = matching
            .iter()
            .copied()
            .filter(|&i| policies[i].file.display_path.starts_with(repo_prefix))
            .collect();
        if !same.is_empty() {
            matching = same;
        }
    }
    match matching.as_slice() {
        [i] => PolicyLookup::Found(*i),
        [] => PolicyLookup::Missing {
            reason: format!("no trust policy of the scan belongs to {arn}"),
            hint: format!(
                "add `\"{arn}\" = \"path/to/{name}.json\"` under `[roles]` in trustlint.toml, or name the policy file `{name}.json` or `{name}.trust.json`"
            ),
            related: None,
        },
        several => PolicyLookup::Missing {
            reason: format!(
                "{} policy files are named after the role {name} ({})",
                several.len(),
                several
                    .iter()
                    .map(|&i| policies[i].file.display_path.clone())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            hint: format!(
                "say which one with `\"{arn}\" = \"path\"` under `[roles]` in trustlint.toml"
            ),
            related: None,
        },
    }
}

/// The issuer the job's token comes from, as the policy can be checked against it: the
/// repository's issuer, or an Enterprise Cloud / configured issuer the policy trusts instead
/// (which the repository cannot tell from its clone).
fn choose_issuer(policy: &TrustPolicy, identity: &RepoIdentity, settings: &Settings) -> String {
    let own = identity.issuer();
    let mut alternative = None;
    for s in &policy.statements {
        for issuer in s.oidc_issuers() {
            let issuer = issuer.trim_end_matches('/').to_string();
            if issuer.eq_ignore_ascii_case(&own) {
                return own;
            }
            let custom = match github_issuer_kind(&issuer, &settings.extra_issuers) {
                Some(crate::policy::GithubIssuer::Configured) => true,
                Some(crate::policy::GithubIssuer::EnterpriseCloud { .. }) => {
                    identity.host.is_none()
                }
                _ => false,
            };
            if custom && alternative.is_none() {
                alternative = Some(issuer);
            }
        }
    }
    alternative.unwrap_or(own)
}

/// Positive `aud` values of the policy's Allow statements for `issuer`, without wildcards.
fn admitted_audiences(policy: &TrustPolicy, issuer: &str) -> Vec<String> {
    let mut out = Vec::new();
    for s in policy
        .statements
        .iter()
        .filter(|s| s.effect.value == Effect::Allow)
    {
        for (block, entry) in s.condition_entries() {
            let Operator::Known { base, .. } = &block.operator else {
                continue;
            };
            if base.is_negated()
                || !entry.claim_name().eq_ignore_ascii_case("aud")
                || !entry
                    .key_prefix()
                    .is_some_and(|p| p.eq_ignore_ascii_case(issuer))
            {
                continue;
            }
            for v in &entry.values {
                if !v.value.contains(['*', '?']) && !out.contains(&v.value) {
                    out.push(v.value.clone());
                }
            }
        }
    }
    out
}

/// The failing place of the closest Allow statement for `subject`.
fn deciding_place(
    policy: &TrustPolicy,
    provider_arn: &str,
    issuer: &str,
    subject: &str,
    audience: Option<&str>,
) -> (Span, String) {
    let mut claims = vec![(format!("{issuer}:sub"), subject.to_string())];
    if let Some(aud) = audience {
        claims.push((format!("{issuer}:aud"), aud.to_string()));
    }
    let request = Request::web_identity(Some(provider_arn.to_string()), claims);
    let e = evaluate(policy, &request);
    let Some(i) = closest_allow(&e.statements) else {
        return (policy.span, "the policy has no Allow statement".to_string());
    };
    let outcome = &e.statements[i];
    let Some(statement) = policy.statements.iter().find(|s| s.index == outcome.index) else {
        return (policy.span, "the policy".to_string());
    };
    if let Some(c) = outcome.conditions.iter().find(|c| c.truth == Truth::False) {
        if let Some(entry) = statement
            .conditions
            .get(c.block)
            .and_then(|b| b.entries.get(c.entry))
        {
            return (
                Span::new(entry.key.span.start, entry.value_span.end),
                format!("{}: {}", statement.label(), c.explanation),
            );
        }
    }
    if outcome.principal == Truth::False {
        let span = statement
            .federated()
            .next()
            .map(|v| v.span)
            .unwrap_or(statement.span);
        return (
            span,
            format!(
                "{}: the token's provider is {provider_arn}",
                statement.label()
            ),
        );
    }
    (
        statement.span,
        format!("{} does not match", statement.label()),
    )
}

/// The span of the positive `sub` value of `statement` that admits `subject`.
pub fn admitting_sub_value(
    policy: &TrustPolicy,
    statement: usize,
    issuer: &str,
    subject: &str,
) -> Option<Span> {
    let s = policy.statements.iter().find(|s| s.index == statement)?;
    for (block, entry) in s.condition_entries() {
        let Operator::Known { base, .. } = &block.operator else {
            continue;
        };
        if base.is_negated()
            || !entry.claim_name().eq_ignore_ascii_case("sub")
            || !entry
                .key_prefix()
                .is_some_and(|p| p.eq_ignore_ascii_case(issuer))
        {
            continue;
        }
        for v in &entry.values {
            let hit = if base.is_like() {
                like_match(&v.value, subject)
            } else if base.ignores_case() {
                v.value.eq_ignore_ascii_case(subject)
            } else {
                v.value == subject
            };
            if hit {
                return Some(v.span);
            }
        }
    }
    Some(s.span)
}

fn analyse(ctx: &RepoContext<'_>) -> Analysis {
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
            for (si, step) in job.steps.iter().enumerate() {
                let is_aws =
                    oidc_consumer(step).is_some_and(|c| c.kind == ConsumerKind::AwsCredentials);
                let Some(node) = step.input("role-to-assume").filter(|_| is_aws) else {
                    continue;
                };
                let input = step.input_text("role-to-assume").unwrap_or_default();
                let resolution = resolve_role(input.trim(), step, job, &wf.workflow, ctx.config);
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
                    role_span: node.span,
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
    Analysis {
        policies,
        uses,
        repo,
    }
}

fn decide(
    ctx: &RepoContext<'_>,
    policies: &[PolicyFile],
    repo: Option<&RepoFacts>,
    u: &mut RoleUse,
) {
    let (Some(PolicyLookup::Found(pi)), Some(p), Some(repo), Some(identity), Some(arn)) = (
        &u.policy,
        &u.prediction,
        repo,
        ctx.identity,
        u.resolution.arn(),
    ) else {
        return;
    };
    let Ok(role) = RoleArn::parse(arn) else {
        return;
    };
    let policy = &policies[*pi].policy;
    let issuer = choose_issuer(policy, identity, ctx.settings);
    let provider_arn = format!(
        "arn:{}:iam::{}:oidc-provider/{issuer}",
        role.partition, role.account
    );
    let verdicts = check_against(policy, &provider_arn, &issuer, p, repo);
    let mut denials = Vec::new();
    for v in &verdicts {
        let (witness, reason, partly) = match &v.verdict {
            Verdict::Denied {
                witness_subject,
                evaluation_reason,
            } => (witness_subject, evaluation_reason, false),
            Verdict::PartlyDenied {
                witness_subject,
                evaluation_reason,
                ..
            } => (witness_subject, evaluation_reason, true),
            _ => continue,
        };
        // Would another audience let the context in? Then the audience is the only reason.
        let admitted_audience = admitted_audiences(policy, &issuer)
            .into_iter()
            .filter(|a| p.audience.as_deref() != Some(a.as_str()))
            .find(|a| {
                let mut other = p.clone();
                other.audience = Some(a.clone());
                let again = check_against(policy, &provider_arn, &issuer, &other, repo);
                again.get(v.context).is_some_and(|c| {
                    !matches!(
                        c.verdict,
                        Verdict::Denied { .. } | Verdict::PartlyDenied { .. }
                    )
                })
            });
        let (deciding, deciding_what) = deciding_place(
            policy,
            &provider_arn,
            &issuer,
            witness,
            p.audience.as_deref(),
        );
        denials.push(Denial {
            context: v.context,
            witness: witness.clone(),
            reason: reason.clone(),
            partly,
            admitted_audience,
            deciding,
            deciding_what,
        });
    }
    u.issuer = issuer;
    u.provider_arn = provider_arn;
    u.verdicts = verdicts;
    u.denials = denials;
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
