//! A job's or step's `if:`: the comparisons of `github.ref`, `github.event_name` and
//! `github.ref_type` with a literal that narrow the contexts, and whether anything else in it
//! depends on the run.

use super::glob::BranchFilter;
use super::model::GitRef;
use super::triggers::Raw;
use crate::workflow::condition_refs;
use regex::Regex;
use std::sync::OnceLock;

/// What an `if:` condition keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Keep {
    RefEq(String),
    EventEq(String),
    EventNe(String),
    RefTypeEq(String),
    RefPrefix(String),
}

/// Reads an `if:`: the restrictions trustlint understands, and whether something else in it
/// depends on the ref or event.
fn read_condition(text: &str) -> (Vec<Keep>, bool) {
    let gating = refers_to_run(text);
    if !gating {
        return (Vec::new(), false);
    }
    let mut t = text.trim();
    if let Some(inner) = t.strip_prefix("${{").and_then(|s| s.strip_suffix("}}")) {
        if !inner.contains("${{") {
            t = inner.trim();
        }
    }
    if t.contains("||") || t.contains("${{") {
        return (Vec::new(), true);
    }
    static EQ: OnceLock<Regex> = OnceLock::new();
    static EQ_REV: OnceLock<Regex> = OnceLock::new();
    static STARTS: OnceLock<Regex> = OnceLock::new();
    let eq = EQ.get_or_init(|| {
        Regex::new(r"(?i)^github\.(ref|event_name|ref_type)\s*(==|!=)\s*'([^']*)'$")
            .expect("static regex")
    });
    let eq_rev = EQ_REV.get_or_init(|| {
        Regex::new(r"(?i)^'([^']*)'\s*(==|!=)\s*github\.(ref|event_name|ref_type)$")
            .expect("static regex")
    });
    let starts = STARTS.get_or_init(|| {
        Regex::new(r"(?i)^startsWith\(\s*github\.ref\s*,\s*'([^']*)'\s*\)$").expect("static regex")
    });
    let mut keeps = Vec::new();
    let mut unread = false;
    for term in t.split("&&") {
        let mut term = term.trim();
        while let Some(inner) = term.strip_prefix('(').and_then(|s| s.strip_suffix(')')) {
            term = inner.trim();
        }
        let parts = eq
            .captures(term)
            .map(|c| {
                (
                    c[1].to_ascii_lowercase(),
                    c[2].to_string(),
                    c[3].to_string(),
                )
            })
            .or_else(|| {
                eq_rev.captures(term).map(|c| {
                    (
                        c[3].to_ascii_lowercase(),
                        c[2].to_string(),
                        c[1].to_string(),
                    )
                })
            });
        match parts
            .as_ref()
            .map(|(k, op, v)| (k.as_str(), op.as_str(), v))
        {
            Some(("ref", "==", v)) => keeps.push(Keep::RefEq(v.clone())),
            Some(("event_name", "==", v)) => keeps.push(Keep::EventEq(v.clone())),
            Some(("event_name", "!=", v)) => keeps.push(Keep::EventNe(v.clone())),
            Some(("ref_type", "==", v)) => keeps.push(Keep::RefTypeEq(v.to_ascii_lowercase())),
            Some(_) => unread = true,
            None => match starts.captures(term) {
                Some(c) => keeps.push(Keep::RefPrefix(c[1].to_string())),
                None => unread |= refers_to_run(term),
            },
        }
    }
    (keeps, unread)
}

/// Whether an expression refers to the ref or the event (and so may filter runs).
fn refers_to_run(text: &str) -> bool {
    condition_refs(text).iter().any(|r| {
        r.starts_with("github.event")
            || r.starts_with("github.ref")
            || r.is("github.event_name")
            || r.is("github.ref_name")
            || r.is("github.ref_type")
            || r.is("github.ref_protected")
            || r.is("github.head_ref")
            || r.is("github.base_ref")
    })
}

pub(super) fn apply_condition(
    raw: Vec<Raw>,
    text: &str,
    whose: &str,
    notes: &mut Vec<String>,
) -> Vec<Raw> {
    let (keeps, unread) = read_condition(text);
    let mut out = raw;
    for keep in &keeps {
        let before = out.len();
        out = out.into_iter().filter_map(|r| restrict(r, keep)).collect();
        notes.push(format!(
            "the `if:` of {whose} keeps only runs where {}{}",
            match keep {
                Keep::RefEq(v) => format!("github.ref is {v}"),
                Keep::EventEq(v) => format!("the event is {v}"),
                Keep::EventNe(v) => format!("the event is not {v}"),
                Keep::RefTypeEq(v) => format!("the ref is a {v}"),
                Keep::RefPrefix(v) => format!("github.ref starts with {v}"),
            },
            if out.len() < before {
                format!(" ({} way(s) to run dropped)", before - out.len())
            } else {
                String::new()
            }
        ));
    }
    if unread {
        notes.push(format!(
            "the `if:` of {whose} ({text}) depends on the ref or event in a way trustlint does not read: a subject predicted here may never be presented"
        ));
        for r in &mut out {
            r.caveat.get_or_insert_with(|| {
                format!("the `if:` of {whose} may keep the job from running for this subject")
            });
        }
    }
    out
}

fn restrict(mut r: Raw, keep: &Keep) -> Option<Raw> {
    let unknown = matches!(r.git_ref, GitRef::Unknown);
    match keep {
        Keep::EventEq(e) => (unknown || r.event.eq_ignore_ascii_case(e)).then_some(r),
        Keep::EventNe(e) => (unknown || !r.event.eq_ignore_ascii_case(e)).then_some(r),
        Keep::RefTypeEq(t) => {
            let keep = matches!(
                (&r.git_ref, t.as_str()),
                (GitRef::Unknown, _)
                    | (GitRef::Tag(_), "tag")
                    | (
                        GitRef::Branch(_) | GitRef::MergeQueue(_) | GitRef::PullRequestMerge,
                        "branch"
                    )
            );
            keep.then_some(r)
        }
        Keep::RefPrefix(p) => {
            let p = p.as_str();
            let class = |prefix: &str| p == prefix || p == prefix.trim_end_matches('/');
            let keep = match &r.git_ref {
                GitRef::Unknown => true,
                GitRef::Tag(_) if class("refs/tags/") => true,
                GitRef::Branch(_) | GitRef::MergeQueue(_) if class("refs/heads/") => true,
                GitRef::PullRequestMerge if class("refs/pull/") => true,
                _ if class("refs/tags/") || class("refs/heads/") || class("refs/pull/") => false,
                _ => {
                    // A narrower prefix: keep the context, but it may not run for every member.
                    r.caveat.get_or_insert_with(|| {
                        format!("an `if:` keeps only refs starting with {p}")
                    });
                    true
                }
            };
            keep.then_some(r)
        }
        Keep::RefEq(v) => {
            let keep = match &r.git_ref {
                GitRef::Unknown => true,
                GitRef::Branch(f) => match v.strip_prefix("refs/heads/") {
                    Some(name) if f.matches(name) => {
                        r.git_ref = GitRef::Branch(BranchFilter::exact(name));
                        r.reason = format!("{} (only {v}, by `if:`)", r.reason);
                        true
                    }
                    _ => false,
                },
                GitRef::Tag(f) => match v.strip_prefix("refs/tags/") {
                    Some(name) if f.matches(name) => {
                        r.git_ref = GitRef::Tag(BranchFilter::exact(name));
                        r.reason = format!("{} (only {v}, by `if:`)", r.reason);
                        true
                    }
                    _ => false,
                },
                GitRef::PullRequestMerge => pull_merge_re().is_match(v),
                GitRef::MergeQueue(f) => merge_queue_base(v).is_some_and(|b| f.matches(b)),
            };
            keep.then_some(r)
        }
    }
}

pub(super) fn pull_merge_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^refs/pull/[1-9][0-9]*/merge$").expect("static regex"))
}

/// The base branch of a merge-queue ref `refs/heads/gh-readonly-queue/<base>/pr-<n>-<sha>`.
pub(super) fn merge_queue_base(full_ref: &str) -> Option<&str> {
    static TAIL: OnceLock<Regex> = OnceLock::new();
    let tail = TAIL.get_or_init(|| Regex::new(r"^pr-[0-9]+-[0-9a-f]{40}$").expect("static regex"));
    let rest = full_ref.strip_prefix("refs/heads/gh-readonly-queue/")?;
    let (base, last) = rest.rsplit_once('/')?;
    (!base.is_empty() && tail.is_match(last)).then_some(base)
}
