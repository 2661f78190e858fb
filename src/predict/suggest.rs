//! The tightest `sub` values that admit what the workflows need, for `trustlint suggest` and
//! `trust-broader-than-workflows`.

use super::model::{GitRef, Prediction, RepoFacts};
use super::subjects::{context_subjects, subject_uses_ref, symbolic_claims};

/// A `sub` value for a trust policy that admits what the workflows need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuggestedSubValue {
    pub value: String,
    /// Needs `StringLike` (the value has `*`).
    pub needs_like: bool,
    /// When the value admits more than the workflows need, why.
    pub broader: Option<String>,
}

/// The tightest `sub` values for these predictions: exact values for concrete contexts,
/// patterns only where a filter needs one (`release/**` → `…:ref:refs/heads/release/*`).
/// Contexts that cannot be predicted are left out.
pub fn tightest_sub_values(predictions: &[Prediction], repo: &RepoFacts) -> Vec<SuggestedSubValue> {
    let mut out: Vec<SuggestedSubValue> = Vec::new();
    let mut push = |v: SuggestedSubValue| {
        if !out.iter().any(|o| o.value == v.value) {
            out.push(v);
        }
    };
    for p in predictions {
        for (i, ctx) in p.contexts.iter().enumerate() {
            let exact = ctx.git_ref.is_enumerated() || !subject_uses_ref(ctx, repo);
            if exact {
                if let Ok(subjects) = context_subjects(p, i, repo) {
                    for s in subjects {
                        push(SuggestedSubValue {
                            value: s.subject,
                            needs_like: false,
                            broader: None,
                        });
                    }
                }
                continue;
            }
            let Ok(symbolic) = symbolic_claims(p, ctx, repo) else {
                continue;
            };
            let filter = match &ctx.git_ref {
                GitRef::Branch(f) | GitRef::Tag(f) | GitRef::MergeQueue(f) => Some(f),
                _ => None,
            };
            let broader = filter.and_then(|f| {
                if !f.include && !f.is_any() {
                    Some(format!(
                        "IAM cannot exclude names: this also admits {}",
                        f.describe_patterns()
                    ))
                } else if f.globs.iter().any(|g| g.negated) {
                    Some(
                        "IAM cannot exclude names: this also admits the names the filter negates"
                            .to_string(),
                    )
                } else if f.uses_single_star() {
                    Some(
                        "GitHub's `*` does not match `/`, IAM's does: this also admits names with more `/`"
                            .to_string(),
                    )
                } else if f
                    .globs
                    .iter()
                    .any(|g| !g.negated && g.pattern.contains(['[', '+', '?']))
                {
                    Some(
                        "IAM has no character classes or repetition: this pattern is broader than the filter"
                            .to_string(),
                    )
                } else {
                    None
                }
            });
            for s in symbolic.sub {
                let needs_like = crate::iam::wildcard::has_wildcard(&s);
                push(SuggestedSubValue {
                    value: s,
                    needs_like,
                    broader: broader.clone(),
                });
            }
        }
    }
    // An exact value a pattern already covers is redundant.
    let patterns: Vec<String> = out
        .iter()
        .filter(|v| v.needs_like)
        .map(|v| v.value.clone())
        .collect();
    out.retain(|v| {
        v.needs_like
            || !patterns
                .iter()
                .any(|pat| crate::iam::wildcard::like_match(pat, &v.value))
    });
    out
}
