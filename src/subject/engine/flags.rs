//! What a path has seen, summed up in bits as each field and claim ends, and the conditions on
//! those bits that a search target accepts.

use super::machine::{field_of, G};
use super::search::Search;
use super::Role;
use crate::subject::claims::KeyKind;

// Bits of the current field.
pub(super) const F_NE: u8 = 1;
pub(super) const F_LOOSE: u8 = 2;
pub(super) const F_FIRST_LOOSE: u8 = 4;
pub(super) const F_HAS_STAR: u8 = 8;
pub(super) const F_MACRO: u8 = 16;
pub(super) const F_SEP_LIT: u8 = 32;
pub(super) const F_LAST_SLASH: u8 = 64;

// Bits of the current claim.
pub(super) const C_KEY_LIT: u8 = 1;
pub(super) const C_VAL_LIT: u8 = 2;
pub(super) const C_RESTRICTING: u8 = 4;
/// The claim is a `job_workflow_ref`: its owner and repository are the reusable workflow's.
pub(super) const C_CALLEE: u8 = 8;

// Bits of the whole path so far.
pub(crate) const OWN_SEEN: Flags = 1;
pub(crate) const OWN_PIN: Flags = 1 << 1;
pub(crate) const REPO_SEEN: Flags = 1 << 2;
pub(crate) const REPO_PIN: Flags = 1 << 3;
pub(crate) const PR: Flags = 1 << 4;
pub(crate) const GITREF: Flags = 1 << 5;
pub(crate) const ENV: Flags = 1 << 6;
pub(crate) const NAME_PIN: Flags = 1 << 7;
pub(crate) const NAME_ANY: Flags = 1 << 8;
/// A name with a loose character that is not open from its start (`main*`, `mai?`, `?ain`).
pub(crate) const NAME_PARTIAL: Flags = 1 << 9;
pub(crate) const RESTRICT: Flags = 1 << 10;
pub(crate) const IDWILD: Flags = 1 << 11;
/// A loose owner field that the value itself puts in owner position: in the first claim, or
/// after a literal key.
pub(crate) const IDENT_QLOOSE: Flags = 1 << 12;
pub(super) const SEG: Flags = 1 << 13;
// The same for the reusable workflow a `job_workflow_ref` names: its owner and repository are not
// the caller's. They pin only when the value names no caller identity at all (GitHub's
// "require a reusable workflow" template); see `Effective`.
const JWR_SEEN: Flags = 1 << 14;
pub(super) const JWR_OWN_PIN: Flags = 1 << 15;
pub(super) const JWR_REPO_PIN: Flags = 1 << 16;
const JWR_QLOOSE: Flags = 1 << 17;

/// The path flags.
pub(crate) type Flags = u32;

/// Owner and repository as a target sees them: the caller's claims when there are any, else
/// the reusable workflow's.
struct Effective {
    own_seen: bool,
    own_pin: bool,
    qloose: bool,
    repo_seen: bool,
    repo_pin: bool,
}

impl Effective {
    pub(super) fn of(f: Flags) -> Self {
        let has = |b: Flags| f & b != 0;
        let caller_owner = has(OWN_SEEN);
        let caller_repo = has(REPO_SEEN);
        Effective {
            own_seen: caller_owner || has(JWR_SEEN),
            own_pin: has(OWN_PIN) || (!caller_owner && has(JWR_OWN_PIN)),
            qloose: has(IDENT_QLOOSE) || (!caller_owner && has(JWR_QLOOSE)),
            repo_seen: caller_repo || has(JWR_SEEN),
            repo_pin: has(REPO_PIN) || (!caller_repo && has(JWR_REPO_PIN)),
        }
    }
}

/// What a search looks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    AnyOwner,
    WithoutOwner,
    OrgWide,
    AdmitsPullRequest,
    AnyRef,
    RefPrefix,
    IdWildcard,
    /// Any subject at all.
    Any,
}

impl Target {
    /// The path flags the target looks at; the others are dropped so that the search does not
    /// tell apart states that differ only in them. The run-level bits always stay.
    pub(super) fn relevant(self) -> Flags {
        const RUN: Flags = PR | GITREF | ENV | SEG;
        const IDENTITY: Flags =
            OWN_SEEN | OWN_PIN | REPO_SEEN | REPO_PIN | JWR_SEEN | JWR_OWN_PIN | JWR_REPO_PIN;
        RUN | match self {
            Target::AnyOwner | Target::WithoutOwner | Target::OrgWide => {
                IDENTITY | IDENT_QLOOSE | JWR_QLOOSE
            }
            Target::AdmitsPullRequest | Target::AnyRef | Target::RefPrefix => {
                IDENTITY | NAME_PIN | NAME_ANY | NAME_PARTIAL | RESTRICT
            }
            Target::IdWildcard => IDWILD,
            Target::Any => 0,
        }
    }

    pub(super) fn accepts(self, f: Flags) -> bool {
        let has = |b: Flags| f & b != 0;
        let e = Effective::of(f);
        let pinned = e.own_pin && e.repo_pin;
        match self {
            Target::AnyOwner => e.own_seen && !e.own_pin && e.qloose,
            Target::WithoutOwner => !e.own_seen && !e.repo_seen,
            Target::OrgWide => e.own_pin && !e.repo_pin,
            Target::AdmitsPullRequest => pinned && (has(PR) || !has(GITREF | ENV | RESTRICT | PR)),
            // Every name open: nothing narrows the run down.
            Target::AnyRef => pinned && !has(PR | NAME_PIN | NAME_PARTIAL) && has(NAME_ANY),
            Target::RefPrefix => pinned && !has(PR | NAME_PIN) && has(NAME_PARTIAL),
            Target::Any => true,
            Target::IdWildcard => has(IDWILD),
        }
    }

    /// Flags that rule the target out for good (flags only grow along a path).
    pub(super) fn dead(self, f: Flags) -> bool {
        let dead_bits = match self {
            Target::AnyOwner => OWN_PIN,
            Target::WithoutOwner => OWN_SEEN | REPO_SEEN | JWR_SEEN,
            Target::OrgWide => REPO_PIN,
            Target::AdmitsPullRequest => GITREF | ENV,
            Target::AnyRef => PR | NAME_PIN | NAME_PARTIAL,
            Target::RefPrefix => PR | NAME_PIN,
            Target::IdWildcard | Target::Any => 0,
        };
        f & dead_bits != 0
    }

    /// Witnesses inside a pinned repository use attacker-flavoured branch names.
    pub(super) fn in_repository(self) -> bool {
        matches!(
            self,
            Target::AdmitsPullRequest | Target::AnyRef | Target::RefPrefix
        )
    }
}

impl<'a> Search<'a> {
    /// Sums up the field that ends at `g`.
    pub(super) fn fold_field(
        &self,
        g: G,
        field: u8,
        claim: u8,
        stage: u8,
        flags: Flags,
    ) -> Option<Flags> {
        let Some(role) = field_of(g) else {
            return Some(flags);
        };
        if field & F_NE == 0 {
            return Some(flags);
        }
        let mut f = flags;
        let loose = field & F_LOOSE != 0;
        let qualified = claim & C_KEY_LIT != 0 || stage == 0;
        let id_wild = loose && field & F_SEP_LIT != 0;
        if claim & C_CALLEE != 0 {
            match role {
                Role::OwnerName => {
                    f |= JWR_SEEN;
                    if !loose {
                        f |= JWR_OWN_PIN;
                    } else if qualified {
                        f |= JWR_QLOOSE;
                    }
                }
                Role::RepoName if !loose => f |= JWR_REPO_PIN,
                _ => {}
            }
            return consistent(f);
        }
        match role {
            Role::OwnerName | Role::SegOwnerId | Role::ClaimOwnerId => {
                f |= OWN_SEEN;
                if !loose {
                    f |= OWN_PIN;
                } else if qualified {
                    f |= IDENT_QLOOSE;
                }
                if role == Role::SegOwnerId && id_wild {
                    f |= IDWILD;
                }
            }
            Role::RepoName | Role::SegRepoId => {
                f |= REPO_SEEN;
                if !loose {
                    f |= REPO_PIN;
                }
                if role == Role::SegRepoId && id_wild {
                    f |= IDWILD;
                }
            }
            Role::ClaimRepoId => {
                f |= REPO_SEEN | OWN_SEEN;
                if !loose {
                    f |= REPO_PIN | OWN_PIN;
                } else if qualified {
                    f |= IDENT_QLOOSE;
                }
            }
            Role::Branch | Role::Tag | Role::Env => {
                let bit = if role == Role::Env { ENV } else { GITREF };
                if f & bit != 0 {
                    return None;
                }
                f |= bit;
                if !loose {
                    f |= NAME_PIN;
                } else if field & F_FIRST_LOOSE != 0 && field & F_HAS_STAR != 0 {
                    f |= NAME_ANY;
                } else {
                    f |= NAME_PARTIAL;
                }
            }
            _ => {}
        }
        consistent(f)
    }

    /// Sums up the claim that ends at `g`.
    pub(super) fn fold_claim(&self, g: G, claim: u8, flags: Flags) -> Option<Flags> {
        let mut f = flags;
        let pull_request = match g {
            G::Key(n) => self.trie.nodes[n as usize].kind == Some(KeyKind::PullRequest),
            G::PullTail(_) => true,
            _ => false,
        };
        if pull_request {
            if f & PR != 0 {
                return None;
            }
            f |= PR;
        }
        if matches!(g, G::SegRepoId(_) | G::SegRepoClassic(_)) {
            if f & SEG != 0 {
                return None;
            }
            f |= SEG;
        }
        if claim & C_RESTRICTING != 0 && claim & C_VAL_LIT != 0 {
            f |= RESTRICT;
        }
        consistent(f)
    }
}

/// Run-level rules: a pull request run has no branch, tag or environment context.
fn consistent(f: Flags) -> Option<Flags> {
    (f & PR == 0 || f & (GITREF | ENV) == 0).then_some(f)
}
