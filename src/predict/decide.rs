//! Predicted claims against a role's trust policy: will AWS deny the job, and does the policy
//! admit subjects no workflow needs?
//!
//! Soundness rules:
//! - `Denied` only with a witness: a concrete subject the job can present (membership-checked,
//!   no caveat on its context) that [`crate::iam::evaluate`] denies;
//! - `Allowed` for a context with infinitely many subjects (a branch filter with wildcards, a
//!   pull request's merge ref in `job_workflow_ref`) only when every representative is allowed
//!   AND every condition on a claim that varies over the set is provably constant over it (a
//!   `StringLike` pattern that covers the set's IAM over-approximation, or that cannot meet
//!   it). Otherwise `Unknown`;
//! - a policy that tests a claim of this issuer that trustlint does not predict makes every
//!   verdict `Unknown`.

use super::model::{
    PredictedContext, PredictedSubject, Prediction, RefSet, RepoFacts, SubjectFormat,
    DEFAULT_AUDIENCE,
};
use super::subjects::{
    build_subject, context_subjects, membership, symbolic_claims, SymbolicClaims,
};
use crate::iam::wildcard::like_match;
use crate::iam::{evaluate, Decision, Request, Truth};
use crate::policy::{strip_scheme, BaseOperator, ConditionEntry, Operator, Statement, TrustPolicy};
use crate::source::Span;

/// The decision for one predicted context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Every subject of the context is allowed; `statement` (a `Statement::index`) allows the
    /// first representative.
    Allowed {
        statement: usize,
        subject: String,
    },
    /// The job can present `witness_subject`, and the policy denies it.
    Denied {
        witness_subject: String,
        evaluation_reason: String,
    },
    /// Some subjects of the context are allowed, `witness_subject` is denied.
    PartlyDenied {
        witness_subject: String,
        evaluation_reason: String,
        allowed_subject: String,
        statement: usize,
    },
    Unknown {
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextVerdict {
    /// Index into [`Prediction::contexts`].
    pub context: usize,
    pub event: String,
    /// The context's reason ("push to branches matching release/**").
    pub reason: String,
    pub verdict: Verdict,
}

/// A subject the policy admits that no prediction produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admission {
    /// The allowing statement's `Statement::index`.
    pub statement: usize,
    /// The `sub` condition value that admits it (or the statement, when it has no such value).
    pub value_span: Span,
    pub example: String,
}

/// Claims of the issuer that trustlint can predict for a subject.
const PREDICTED_CLAIMS: &[&str] = &[
    "sub",
    "aud",
    "job_workflow_ref",
    "repository",
    "repository_owner",
    "repository_id",
    "repository_owner_id",
    "ref",
    "ref_type",
    "event_name",
    "environment",
    "workflow",
];

fn normalize_issuer(issuer: &str) -> String {
    strip_scheme(issuer)
        .trim_end_matches('/')
        .to_ascii_lowercase()
}

/// The claim name of a condition key under `issuer` (`sub`), lowercased.
fn issuer_claim(entry: &ConditionEntry, issuer: &str) -> Option<String> {
    let prefix = entry.key_prefix()?;
    (prefix.to_ascii_lowercase() == issuer).then(|| entry.claim_name().to_ascii_lowercase())
}

/// Every claim of `issuer` the policy tests.
fn tested_claims(policy: &TrustPolicy, issuer: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in &policy.statements {
        for (_, entry) in s.condition_entries() {
            if let Some(claim) = issuer_claim(entry, issuer) {
                if !out.contains(&claim) {
                    out.push(claim);
                }
            }
        }
    }
    out
}

/// The request claims for one subject; `Err` names a tested claim that cannot be predicted.
fn claims_for(
    p: &Prediction,
    ctx: &PredictedContext,
    repo: &RepoFacts,
    s: &PredictedSubject,
    issuer: &str,
    tested: &[String],
) -> Result<Vec<(String, String)>, String> {
    let mut claims = vec![(format!("{issuer}:sub"), s.subject.clone())];
    if let Some(aud) = &p.audience {
        claims.push((format!("{issuer}:aud"), aud.clone()));
    }
    for claim in tested {
        let value: Option<String> = match claim.as_str() {
            "sub" => continue,
            "aud" => match &p.audience {
                Some(_) => continue,
                None => return Err("the audience the step asks for is unknown".to_string()),
            },
            "job_workflow_ref" => s.job_workflow_ref.clone(),
            "repository" => Some(repo.full_name()),
            "repository_owner" => Some(repo.owner.clone()),
            "repository_id" => repo.repository_id.map(|i| i.to_string()),
            "repository_owner_id" => repo.owner_id.map(|i| i.to_string()),
            "ref" => s.git_ref.clone(),
            "ref_type" => match (&ctx.context, s.git_ref.as_deref()) {
                (_, Some(r)) if r.starts_with("refs/tags/") => Some("tag".to_string()),
                (RefSet::PullRequest, _) => None,
                (_, Some(r)) if r.starts_with("refs/heads/") => Some("branch".to_string()),
                _ => None,
            },
            "event_name" => Some(ctx.event.clone()),
            "environment" => match &ctx.context {
                RefSet::Environment(name) => Some(name.clone()),
                // No environment: GitHub omits the claim, so the key is absent.
                _ => continue,
            },
            "workflow" => Some(ctx.workflow_name.clone()),
            _ => None,
        };
        match value {
            Some(v) => claims.push((format!("{issuer}:{claim}"), v)),
            None => {
                return Err(format!(
                "the policy tests `{issuer}:{claim}`, which trustlint cannot predict for this job"
            ))
            }
        }
    }
    Ok(claims)
}

/// Decides every predicted context of `p` against `policy`. `provider_arn` is the Federated
/// principal the token comes from, `issuer` its issuer (`token.actions.githubusercontent.com`).
pub fn check_against(
    policy: &TrustPolicy,
    provider_arn: &str,
    issuer: &str,
    p: &Prediction,
    repo: &RepoFacts,
) -> Vec<ContextVerdict> {
    let issuer = normalize_issuer(issuer);
    let tested = tested_claims(policy, &issuer);
    let unpredictable: Vec<&String> = tested
        .iter()
        .filter(|c| !PREDICTED_CLAIMS.contains(&c.as_str()))
        .collect();
    p.contexts
        .iter()
        .enumerate()
        .map(|(i, ctx)| {
            let verdict = if let Some(claim) = unpredictable.first() {
                Verdict::Unknown {
                    reason: format!(
                        "the policy tests `{issuer}:{claim}`, a claim trustlint does not predict"
                    ),
                }
            } else {
                decide_context(policy, provider_arn, &issuer, &tested, p, i, repo)
            };
            ContextVerdict {
                context: i,
                event: ctx.event.clone(),
                reason: ctx.reason.clone(),
                verdict,
            }
        })
        .collect()
}

struct Outcome {
    subject: String,
    decision: Decision,
    statement: Option<usize>,
    reason: String,
}

fn decide_context(
    policy: &TrustPolicy,
    provider_arn: &str,
    issuer: &str,
    tested: &[String],
    p: &Prediction,
    index: usize,
    repo: &RepoFacts,
) -> Verdict {
    let ctx = &p.contexts[index];
    let subjects = match context_subjects(p, index, repo) {
        Ok(s) => s,
        Err(why) => {
            return Verdict::Unknown {
                reason: format!("the subject cannot be predicted: {why}"),
            }
        }
    };
    let mut outcomes = Vec::new();
    for s in &subjects {
        if membership(p, ctx, repo, &s.subject) != Truth::True {
            // Never happens for subjects built from the context; never report one anyway.
            continue;
        }
        let claims = match claims_for(p, ctx, repo, s, issuer, tested) {
            Ok(c) => c,
            Err(why) => return Verdict::Unknown { reason: why },
        };
        let request = Request::web_identity(Some(provider_arn.to_string()), claims);
        let e = evaluate(policy, &request);
        outcomes.push(Outcome {
            subject: s.subject.clone(),
            decision: e.decision,
            statement: e.statement,
            reason: e.reason,
        });
    }
    let denied = outcomes.iter().find(|o| o.decision == Decision::Deny);
    let allowed = outcomes.iter().find(|o| o.decision == Decision::Allow);
    let all_denied = outcomes.iter().all(|o| o.decision == Decision::Deny);
    if outcomes.is_empty() {
        return Verdict::Unknown {
            reason: "no concrete subject could be built".to_string(),
        };
    }
    if let Some(d) = denied {
        if let Some(caveat) = &ctx.caveat {
            return Verdict::Unknown {
                reason: format!("{} would be denied ({}), but {caveat}", d.subject, d.reason),
            };
        }
        return match (all_denied, allowed) {
            (false, Some(a)) => Verdict::PartlyDenied {
                witness_subject: d.subject.clone(),
                evaluation_reason: d.reason.clone(),
                allowed_subject: a.subject.clone(),
                statement: a.statement.unwrap_or(0),
            },
            _ => Verdict::Denied {
                witness_subject: d.subject.clone(),
                evaluation_reason: d.reason.clone(),
            },
        };
    }
    if let Some(u) = outcomes.iter().find(|o| o.decision == Decision::Unknown) {
        return Verdict::Unknown {
            reason: format!("for {}: {}", u.subject, u.reason),
        };
    }
    // Every representative is allowed.
    let first = &outcomes[0];
    if !ctx.git_ref.is_enumerated() {
        let proof = symbolic_claims(p, ctx, repo)
            .map_err(|e| e.to_string())
            .and_then(|sym| constant_over_set(policy, issuer, &sym));
        if let Err(why) = proof {
            return Verdict::Unknown {
                reason: format!(
                    "every representative of {} is allowed ({}), but trustlint cannot prove that all of them are: {why}",
                    ctx.context.describe(),
                    outcomes
                        .iter()
                        .map(|o| o.subject.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
        }
    }
    Verdict::Allowed {
        statement: first.statement.unwrap_or(0),
        subject: first.subject.clone(),
    }
}

/// Ok when every condition of every statement on a claim that varies over the set (`sub`,
/// `job_workflow_ref`, `ref`) has the same truth for every member of the set.
fn constant_over_set(
    policy: &TrustPolicy,
    issuer: &str,
    sym: &SymbolicClaims,
) -> Result<(), String> {
    for statement in &policy.statements {
        for (block, entry) in statement.condition_entries() {
            let patterns = match issuer_claim(entry, issuer).as_deref() {
                Some("sub") => &sym.sub,
                Some("job_workflow_ref") => &sym.job_workflow_ref,
                Some("ref") => &sym.git_ref,
                _ => continue,
            };
            let mut truth: Option<bool> = None;
            for a in patterns {
                match condition_constant(&block.operator, entry, a) {
                    Some(t) if truth.is_none_or(|prev| prev == t) => truth = Some(t),
                    _ => {
                        return Err(format!(
                            "{} treats some subjects of {a} differently from others ({} {} {})",
                            statement.label(),
                            block.operator,
                            entry.key.value,
                            entry
                                .values
                                .iter()
                                .map(|v| v.value.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ))
                    }
                }
            }
        }
    }
    Ok(())
}

/// The truth of a condition for every string of the IAM pattern `a`, when it is the same for
/// all of them and trustlint can show it; the key is present (single-valued).
fn condition_constant(operator: &Operator, entry: &ConditionEntry, a: &str) -> Option<bool> {
    let Operator::Known { base, .. } = operator else {
        return None;
    };
    if !entry.unresolved.is_empty() || entry.values.iter().any(|v| v.value.contains("${")) {
        return None;
    }
    let singleton = !a.contains(['*', '?']);
    let fold = |s: &str, ignore_case: bool| {
        if ignore_case {
            s.to_ascii_lowercase()
        } else {
            s.to_string()
        }
    };
    let positive = match base {
        BaseOperator::Null => return Some(true),
        BaseOperator::StringEquals
        | BaseOperator::StringNotEquals
        | BaseOperator::StringEqualsIgnoreCase
        | BaseOperator::StringNotEqualsIgnoreCase => {
            let ic = base.ignores_case();
            let a = fold(a, ic);
            let values: Vec<String> = entry.values.iter().map(|v| fold(&v.value, ic)).collect();
            if singleton {
                values.contains(&a)
            } else if values.iter().any(|v| like_match(&a, v)) {
                return None;
            } else {
                false
            }
        }
        BaseOperator::StringLike | BaseOperator::StringNotLike => {
            let mut all_disjoint = true;
            let mut covered = false;
            for v in &entry.values {
                if covers(&v.value, a) {
                    covered = true;
                    break;
                }
                if intersects(&v.value, a) {
                    all_disjoint = false;
                }
            }
            if covered {
                true
            } else if all_disjoint {
                false
            } else {
                return None;
            }
        }
        _ => return None,
    };
    Some(if base.is_negated() {
        !positive
    } else {
        positive
    })
}

/// True when every string matched by IAM pattern `a` is matched by IAM pattern `p` (a sound,
/// not complete, test: `a`'s wildcards may only be absorbed by `p`'s `*`).
pub(crate) fn covers(p: &str, a: &str) -> bool {
    let p: Vec<char> = p.chars().collect();
    let a: Vec<char> = a.chars().collect();
    let mut memo = vec![vec![None; a.len() + 1]; p.len() + 1];
    covers_at(&p, &a, 0, 0, &mut memo)
}

fn covers_at(p: &[char], a: &[char], i: usize, j: usize, memo: &mut [Vec<Option<bool>>]) -> bool {
    if let Some(r) = memo[i][j] {
        return r;
    }
    let r = if j == a.len() {
        p[i..].iter().all(|&c| c == '*')
    } else if i == p.len() {
        false
    } else if p[i] == '*' {
        covers_at(p, a, i + 1, j, memo) || covers_at(p, a, i, j + 1, memo)
    } else if a[j] == '*' {
        false
    } else if a[j] == '?' {
        p[i] == '?' && covers_at(p, a, i + 1, j + 1, memo)
    } else {
        (p[i] == '?' || p[i] == a[j]) && covers_at(p, a, i + 1, j + 1, memo)
    };
    memo[i][j] = Some(r);
    r
}

/// True when some string is matched by both IAM patterns.
pub(crate) fn intersects(p: &str, a: &str) -> bool {
    let p: Vec<char> = p.chars().collect();
    let a: Vec<char> = a.chars().collect();
    let mut memo = vec![vec![None; a.len() + 1]; p.len() + 1];
    intersects_at(&p, &a, 0, 0, &mut memo)
}

fn intersects_at(
    p: &[char],
    a: &[char],
    i: usize,
    j: usize,
    memo: &mut [Vec<Option<bool>>],
) -> bool {
    if let Some(r) = memo[i][j] {
        return r;
    }
    let r = if i == p.len() && j == a.len() {
        true
    } else if i < p.len() && p[i] == '*' {
        intersects_at(p, a, i + 1, j, memo) || (j < a.len() && intersects_at(p, a, i, j + 1, memo))
    } else if j < a.len() && a[j] == '*' {
        intersects_at(p, a, i, j + 1, memo) || (i < p.len() && intersects_at(p, a, i + 1, j, memo))
    } else if i < p.len() && j < a.len() {
        (p[i] == '?' || a[j] == '?' || p[i] == a[j]) && intersects_at(p, a, i + 1, j + 1, memo)
    } else {
        false
    };
    memo[i][j] = Some(r);
    r
}

/// The `sub` values of `issuer` conditions in a statement, with their operator.
fn sub_values<'s>(
    statement: &'s Statement,
    issuer: &str,
) -> Vec<(
    BaseOperator,
    &'s crate::source::Spanned<String>,
    &'s ConditionEntry,
)> {
    let mut out = Vec::new();
    for (block, entry) in statement.condition_entries() {
        if issuer_claim(entry, issuer).as_deref() != Some("sub") {
            continue;
        }
        if let Some(base) = block.operator.base() {
            for v in &entry.values {
                out.push((base, v, entry));
            }
        }
    }
    out
}

/// True for a subject in GitHub's default or immutable shape.
fn plausible(subject: &str, repo: &RepoFacts) -> bool {
    if matches!(repo.template, SubjectFormat::Custom(_)) {
        return true;
    }
    let Some(rest) = subject.strip_prefix("repo:") else {
        return false;
    };
    let Some((repo_part, context)) = rest.split_once(':') else {
        return false;
    };
    repo_part.contains('/')
        && (context == "pull_request"
            || context
                .strip_prefix("ref:refs/heads/")
                .or_else(|| context.strip_prefix("ref:refs/tags/"))
                .or_else(|| context.strip_prefix("environment:"))
                .is_some_and(|v| !v.is_empty() && !v.contains(':')))
}

/// Probe subjects for [`unused_admissions`]: witnesses of the subject analysis, each literal
/// (or instantiated) `sub` value of the policy, and a pull request, an unused branch, a tag,
/// an unused environment and the default branch of the repository.
fn probes(policy: &TrustPolicy, issuer: &str, repo: &RepoFacts) -> Vec<String> {
    use crate::subject::{analyze_sub_value, MatchKind};
    let mut out: Vec<String> = Vec::new();
    let mut push = |s: String| {
        if plausible(&s, repo) && !out.contains(&s) {
            out.push(s);
        }
    };
    for statement in &policy.statements {
        for (base, v, _) in sub_values(statement, issuer) {
            let kind = if base.is_like() {
                MatchKind::Like
            } else if base.ignores_case() {
                MatchKind::EqualsIgnoreCase
            } else {
                MatchKind::Equals
            };
            for finding in analyze_sub_value(&v.value, kind) {
                push(finding.witness);
            }
            if base.is_like() {
                push(v.value.replace(['*', '?'], "x"));
            } else {
                push(v.value.clone());
            }
        }
    }
    // A context of the repository, in its subject format.
    let shape = |context: &str| -> Option<String> {
        let any = Prediction {
            contexts: Vec::new(),
            audience: None,
            job_workflow: String::new(),
            notes: Vec::new(),
        };
        let ctx = PredictedContext {
            event: "push".to_string(),
            context: match context.split_once(':') {
                Some(("environment", name)) => RefSet::Environment(name.to_string()),
                Some(("ref", _)) => RefSet::Branch(super::glob::BranchFilter::any()),
                _ => RefSet::PullRequest,
            },
            git_ref: super::model::GitRef::Unknown,
            reason: String::new(),
            caveat: None,
            workflow_name: String::new(),
        };
        let git_ref = context.strip_prefix("ref:");
        match repo.template {
            SubjectFormat::Custom(_) => None,
            _ => build_subject(&any, &ctx, repo, git_ref).ok(),
        }
    };
    for context in [
        "pull_request".to_string(),
        "ref:refs/heads/trustlint-unused-branch".to_string(),
        "ref:refs/tags/trustlint-unused-tag".to_string(),
        "environment:trustlint-unused".to_string(),
        format!("ref:refs/heads/{}", repo.default_branch),
    ] {
        if let Some(s) = shape(&context) {
            push(s);
        }
    }
    out
}

/// Subjects the policy admits (for a token of `issuer`) that none of `predictions` (the jobs
/// that assume this role) produces, with the statement and `sub` value that admit each.
pub fn unused_admissions(
    policy: &TrustPolicy,
    issuer: &str,
    predictions: &[Prediction],
    repo: &RepoFacts,
) -> Vec<Admission> {
    let issuer = normalize_issuer(issuer);
    let audience = predictions
        .iter()
        .find_map(|p| p.audience.clone())
        .unwrap_or_else(|| DEFAULT_AUDIENCE.to_string());
    let mut out: Vec<Admission> = Vec::new();
    for probe in probes(policy, &issuer, repo) {
        let produced = predictions.iter().any(|p| {
            p.contexts
                .iter()
                .any(|ctx| membership(p, ctx, repo, &probe) != Truth::False)
        });
        if produced {
            continue;
        }
        let request = Request::web_identity(
            None,
            vec![
                (format!("{issuer}:sub"), probe.clone()),
                (format!("{issuer}:aud"), audience.clone()),
            ],
        );
        let e = evaluate(policy, &request);
        if e.decision != Decision::Allow {
            continue;
        }
        let Some(statement) = e
            .statement
            .and_then(|i| policy.statements.iter().find(|s| s.index == i))
        else {
            continue;
        };
        let trusts_issuer = statement
            .oidc_issuers()
            .iter()
            .any(|i| normalize_issuer(i) == issuer);
        if !trusts_issuer {
            continue;
        }
        let value_span = sub_values(statement, &issuer)
            .into_iter()
            .find(|(base, v, _)| {
                !base.is_negated()
                    && if base.is_like() {
                        like_match(&v.value, &probe)
                    } else if base.ignores_case() {
                        v.value.eq_ignore_ascii_case(&probe)
                    } else {
                        v.value == probe
                    }
            })
            .map(|(_, v, _)| v.span)
            .unwrap_or(statement.span);
        let admission = Admission {
            statement: statement.index,
            value_span,
            example: probe,
        };
        if !out.contains(&admission) {
            out.push(admission);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pattern_cover_and_intersection() {
        let cases: &[(&str, &str, bool, bool)] = &[
            // (p, a, p covers a, p and a intersect)
            (
                "repo:o/r:*",
                "repo:o/r:ref:refs/heads/release/*",
                true,
                true,
            ),
            (
                "repo:o/r:ref:refs/heads/release/*",
                "repo:o/r:ref:refs/heads/release/*",
                true,
                true,
            ),
            (
                "repo:o/r:ref:refs/heads/main",
                "repo:o/r:ref:refs/heads/release/*",
                false,
                false,
            ),
            (
                "repo:o/r:ref:refs/heads/release/1*",
                "repo:o/r:ref:refs/heads/release/*",
                false,
                true,
            ),
            ("a?c", "abc", true, true),
            ("a?c", "a?c", true, true),
            ("abc", "a?c", false, true),
            ("a*", "b*", false, false),
            ("*a", "*b", false, false),
            ("*a*", "*b*", false, true),
            ("*", "", true, true),
            ("", "*", false, true),
            ("a", "a", true, true),
        ];
        for (p, a, cov, int) in cases {
            assert_eq!(covers(p, a), *cov, "covers({p:?}, {a:?})");
            assert_eq!(intersects(p, a), *int, "intersects({p:?}, {a:?})");
        }
    }

    #[test]
    fn plausible_subjects() {
        let repo = RepoFacts::new("o", "r");
        assert!(plausible("repo:o/r:pull_request", &repo));
        assert!(plausible("repo:o/r:ref:refs/heads/a/b", &repo));
        assert!(plausible("repo:o@1/r@2:environment:prod", &repo));
        assert!(!plausible("repo:o/r:x", &repo));
        assert!(!plausible("repo:o/r:ref:refs/heads/", &repo));
        assert!(!plausible("x", &repo));
    }
}
