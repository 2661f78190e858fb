//! Which GitHub subjects does an IAM pattern admit? A search of the product of the pattern with the
//! subject grammar.
//!
//! The pattern (a `StringLike` value: `*`, `?` and literal characters) is an automaton over
//! characters; so is GitHub's subject language (see [`grammar`](super::grammar)), written here as a
//! hand-made state machine. A depth-first search walks both at once, one character at a time, and
//! remembers for every character whether a wildcard produced it ("loose") or the pattern spelled it
//! ("literal"). Fields (owner, repository, IDs, branch, tag and environment names) are summed up in
//! a few flags as they end: an owner field whose characters are all literal *pins* the owner, a
//! branch name with a loose character is open, and so on. A risk is a condition on those flags, so
//! "does the value admit a subject with this risk" is "is there an accepting path whose flags
//! satisfy it", and the path is the witness.
//!
//! The search is exact for the language the state machine describes, with two deliberate limits:
//! claims are not correlated across the subject except for the run-level rules below, and the
//! search gives up (finds nothing) after [`STATE_BUDGET`] states. Every witness is re-checked by
//! [`parse_subject`](super::parse_subject), which also checks that the claims describe one run;
//! the search goes on when a path fails that check.
//!
//! Two grammars are searched: [`Mode::Default`] (`repo:SEGMENT:CONTEXT` only), first, because its
//! witnesses read best; then [`Mode::Custom`]: any sequence of claims, as an owner who sets a
//! customized template for their own repository can produce. The second matters for soundness: a
//! wildcard before the owner can stand for a whole other repository plus claims of the attacker's
//! choosing (e.g. a workflow name, which is free text), so `repo:*@123/r@456:ref:refs/heads/main`
//! is matched by `repo:attacker/app:workflow:x@123/r@456:ref:refs/heads/main`.
//!
//! Modelling decisions:
//! * Owner identity is the owner name, or the owner ID where the value spells one: a path pins
//!   the owner when one of its owner fields (name or ID, in `repo:`, `repository_owner`,
//!   `repository`, `repository_owner_id`, `repository_id`, `workflow_ref`) is wholly literal. The
//!   owner and repository of a `job_workflow_ref` are the *called* workflow's: they pin only when
//!   the value names no caller at all (GitHub's "require a reusable workflow" template).
//! * Inside a pinned repository the value is read in the format it is written in: a `*` inside a
//!   claim value stands for that value only, while a `*` where a claim starts (`repo:o/r:*`) may
//!   stand for whole claims. (The search for those risks is told so by its target.)
//! * Run-level rules: one `repo:` claim, one branch or tag, one environment, one pull request
//!   context; a pull request run has no branch, tag or environment context.

mod flags;
mod machine;
mod search;
mod trie;

pub(crate) use flags::Target;
pub(crate) use search::{Mode, Search};
pub(crate) use trie::KeyOrder;

/// The most product states one search visits before it gives up (and finds nothing).
pub(crate) const STATE_BUDGET: usize = 60_000;

/// One token of an IAM condition value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tok {
    Lit(char),
    One,
    Star,
}

/// Reads a value; with `wildcards` false (`StringEquals…`) every character is literal.
pub(crate) fn tokens(value: &str, wildcards: bool) -> Vec<Tok> {
    value
        .chars()
        .map(|c| match c {
            '*' if wildcards => Tok::Star,
            '?' if wildcards => Tok::One,
            c => Tok::Lit(c),
        })
        .collect()
}

/// What a character of a subject is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Role {
    /// A character of a claim key (or the `pull_request` token).
    Key,
    /// The `:` between a key and its value.
    KeySep,
    /// The `:` between two claims.
    ClaimSep,
    /// `@` or `/` inside a value.
    Sep,
    /// `refs/heads/`, `refs/tags/`, `refs/pull/N/merge`.
    RefKw,
    OwnerName,
    SegOwnerId,
    ClaimOwnerId,
    RepoName,
    SegRepoId,
    ClaimRepoId,
    Branch,
    Tag,
    Env,
    Other,
}

impl Role {
    pub(crate) fn is_field(self) -> bool {
        !matches!(
            self,
            Role::Key | Role::KeySep | Role::ClaimSep | Role::Sep | Role::RefKw
        )
    }
}

/// One character of a witness.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PChar {
    pub c: char,
    pub role: Role,
    /// Produced by a wildcard.
    pub loose: bool,
    /// Produced by a `*` (rather than a `?`).
    pub star: bool,
}
