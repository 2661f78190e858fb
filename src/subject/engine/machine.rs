//! GitHub's subject language as a hand-made state machine: the grammar states ([`G`]), the
//! characters each state may take next, and the transition on one character with its role.

use super::search::{Mode, Search};
use super::Role;
use crate::subject::claims::{is_property_char, KeyKind};
use crate::subject::grammar::{is_env_char, is_owner_char, is_ref_name_char, is_repo_char};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum NameKind {
    Branch,
    Tag,
    Env,
}

/// A state of the subject grammar. `bool`s say "non-empty so far".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum G {
    /// Reading a key; a node of the key trie (0 is the root: the start of a claim).
    Key(u16),
    /// The `<name>` of `repo_property_<name>`.
    PropName(bool),
    SegOwner(bool),
    SegOwnerId(bool),
    SegRepoImm(bool),
    SegRepoId(bool),
    SegRepoClassic(bool),
    /// Reading `refs/heads/`, `refs/tags/` or `refs/pull/`: position, and which are still possible.
    RefKw {
        pos: u8,
        which: u8,
    },
    Name(NameKind, bool),
    PullNum(bool),
    /// `/merge` after `refs/pull/N`: characters matched.
    PullTail(u8),
    ClOwner(bool),
    ClRepoOwner(bool),
    ClRepoName(bool),
    /// `OWNER/REPO/PATH@REF` of a workflow reference; the second `bool` is true for a
    /// `job_workflow_ref` (the called workflow, whose `@REF` is free text: a branch, a tag or a
    /// SHA), false for a `workflow_ref` (the run's own workflow, whose `@REF` is the run's ref).
    WfOwner(bool, bool),
    WfRepo(bool, bool),
    WfPath(bool, bool),
    /// After the `@` of a workflow reference: the ref.
    WfRef(bool),
    Digits {
        owner: bool,
        ne: bool,
    },
    Free,
}

const REF_KEYWORDS: [&str; 3] = ["refs/heads/", "refs/tags/", "refs/pull/"];
const PULL_TAIL: &str = "/merge";

pub(super) fn field_of(g: G) -> Option<Role> {
    Some(match g {
        G::SegOwner(_) | G::ClOwner(_) | G::ClRepoOwner(_) | G::WfOwner(..) => Role::OwnerName,
        G::SegOwnerId(_) => Role::SegOwnerId,
        G::SegRepoId(_) => Role::SegRepoId,
        G::SegRepoImm(_) | G::SegRepoClassic(_) | G::ClRepoName(_) | G::WfRepo(..) => {
            Role::RepoName
        }
        G::Digits { owner: true, .. } => Role::ClaimOwnerId,
        G::Digits { owner: false, .. } => Role::ClaimRepoId,
        G::Name(NameKind::Branch, _) => Role::Branch,
        G::Name(NameKind::Tag, _) => Role::Tag,
        G::Name(NameKind::Env, _) => Role::Env,
        G::WfPath(..) | G::WfRef(_) | G::Free => Role::Other,
        G::Key(_) | G::PropName(_) | G::RefKw { .. } | G::PullNum(_) | G::PullTail(_) => {
            return None
        }
    })
}

impl<'a> Search<'a> {
    /// Characters worth trying for a wildcard at `g`: the structural ones (in preference order)
    /// and one representative of the characters that all behave alike there.
    pub(super) fn candidates(&self, g: G, star: bool) -> (Vec<char>, Option<char>) {
        let mut s = Vec::new();
        let rep = match g {
            G::Key(n) => {
                let node = &self.trie.nodes[n as usize];
                if node.kind.is_some() {
                    s.push(':');
                }
                s.extend(
                    node.children
                        .iter()
                        .filter(|&&(_, child)| {
                            !star || self.trie.nodes[child as usize].representative
                        })
                        .map(|&(c, _)| c),
                );
                (node.kind == Some(KeyKind::PropertyPrefix)).then_some('x')
            }
            G::PropName(ne) => {
                if ne {
                    s.push(':');
                }
                Some('x')
            }
            G::SegOwner(ne) => {
                if ne {
                    s.extend(['/', '@']);
                }
                Some('x')
            }
            G::SegOwnerId(ne) => {
                if ne {
                    s.push('/');
                }
                Some('9')
            }
            G::SegRepoImm(ne) => {
                if ne {
                    s.push('@');
                }
                Some('x')
            }
            G::SegRepoId(ne) => {
                if ne {
                    s.push(':');
                }
                Some('8')
            }
            G::RefKw { pos, which } => {
                for (k, kw) in REF_KEYWORDS.iter().enumerate() {
                    if which & (1 << k) != 0 {
                        if let Some(c) = kw.chars().nth(pos as usize) {
                            if !s.contains(&c) {
                                s.push(c);
                            }
                        }
                    }
                }
                None
            }
            G::PullNum(ne) => {
                if ne {
                    s.push('/');
                }
                Some('1')
            }
            G::PullTail(p) => {
                match PULL_TAIL.chars().nth(p as usize) {
                    Some(c) => s.push(c),
                    None => s.push(':'),
                }
                None
            }
            G::ClRepoOwner(ne) | G::WfOwner(ne, _) | G::WfRepo(ne, _) => {
                if ne {
                    s.push('/');
                }
                Some('x')
            }
            G::WfPath(ne, _) => {
                if ne {
                    s.push('@');
                }
                Some('x')
            }
            G::SegRepoClassic(ne)
            | G::Name(_, ne)
            | G::ClOwner(ne)
            | G::ClRepoName(ne)
            | G::WfRef(ne) => {
                if ne {
                    s.push(':');
                }
                Some('x')
            }
            G::Digits { ne, .. } => {
                if ne {
                    s.push(':');
                }
                Some('9')
            }
            G::Free => {
                s.push(':');
                Some('x')
            }
        };
        (s, rep)
    }

    pub(super) fn can_end(&self, g: G) -> bool {
        match g {
            G::Key(n) => self.trie.nodes[n as usize].kind == Some(KeyKind::PullRequest),
            G::SegRepoId(ne)
            | G::SegRepoClassic(ne)
            | G::Name(_, ne)
            | G::ClOwner(ne)
            | G::ClRepoName(ne)
            | G::WfRef(ne) => ne,
            G::Digits { ne, .. } => ne,
            G::PullTail(p) => p as usize == PULL_TAIL.len(),
            G::Free => true,
            _ => false,
        }
    }

    /// The grammar's transition on `c`, with the role of `c`.
    pub(super) fn step(&self, g: G, stage: u8, c: char) -> Option<(G, Role)> {
        let custom = self.mode == Mode::Custom;
        if c == ':' && self.can_end(g) {
            // The default format has exactly two claims.
            return (custom || stage == 0).then_some((G::Key(0), Role::ClaimSep));
        }
        let ne = |ok: bool, g: G, role: Role| ok.then_some((g, role));
        match g {
            G::Key(n) => {
                let node = &self.trie.nodes[n as usize];
                if c == ':' {
                    let entry = match node.kind? {
                        KeyKind::Repo => G::SegOwner(false),
                        KeyKind::Ref => G::RefKw {
                            pos: 0,
                            which: if custom { 0b111 } else { 0b011 },
                        },
                        KeyKind::Environment => G::Name(NameKind::Env, false),
                        KeyKind::RepositoryOwner => G::ClOwner(false),
                        KeyKind::Repository => G::ClRepoOwner(false),
                        KeyKind::RepositoryOwnerId => G::Digits {
                            owner: true,
                            ne: false,
                        },
                        KeyKind::RepositoryId => G::Digits {
                            owner: false,
                            ne: false,
                        },
                        KeyKind::WorkflowRef => {
                            G::WfOwner(false, node.prefix == "job_workflow_ref")
                        }
                        KeyKind::Restricting | KeyKind::Free => G::Free,
                        KeyKind::PullRequest | KeyKind::PropertyPrefix => return None,
                    };
                    return Some((entry, Role::KeySep));
                }
                if node.kind == Some(KeyKind::PropertyPrefix) {
                    return (custom && is_property_char(c))
                        .then_some((G::PropName(true), Role::Key));
                }
                let &(_, child) = node.children.iter().find(|(ch, _)| *ch == c)?;
                let child_node = &self.trie.nodes[child as usize];
                let allowed = custom
                    || if stage == 0 {
                        child_node.default_first
                    } else {
                        child_node.default_context
                    };
                allowed.then_some((G::Key(child), Role::Key))
            }
            G::PropName(ok) => {
                if c == ':' {
                    ne(ok, G::Free, Role::KeySep)
                } else {
                    ne(is_property_char(c), G::PropName(true), Role::Key)
                }
            }
            G::SegOwner(ok) => match c {
                '@' => ne(ok, G::SegOwnerId(false), Role::Sep),
                '/' => ne(ok, G::SegRepoClassic(false), Role::Sep),
                c => ne(is_owner_char(c), G::SegOwner(true), Role::OwnerName),
            },
            G::SegOwnerId(ok) => match c {
                '/' => ne(ok, G::SegRepoImm(false), Role::Sep),
                c => ne(c.is_ascii_digit(), G::SegOwnerId(true), Role::SegOwnerId),
            },
            G::SegRepoImm(ok) => match c {
                '@' => ne(ok, G::SegRepoId(false), Role::Sep),
                c => ne(is_repo_char(c), G::SegRepoImm(true), Role::RepoName),
            },
            G::SegRepoId(_) => ne(c.is_ascii_digit(), G::SegRepoId(true), Role::SegRepoId),
            G::SegRepoClassic(_) => ne(is_repo_char(c), G::SegRepoClassic(true), Role::RepoName),
            G::RefKw { pos, which } => {
                let mut next = 0u8;
                for (k, kw) in REF_KEYWORDS.iter().enumerate() {
                    if which & (1 << k) != 0 && kw.chars().nth(pos as usize) == Some(c) {
                        next |= 1 << k;
                    }
                }
                if next == 0 {
                    return None;
                }
                let done = REF_KEYWORDS
                    .iter()
                    .enumerate()
                    .find(|(k, kw)| next & (1 << k) != 0 && kw.len() == pos as usize + 1);
                let g = match done {
                    Some((0, _)) => G::Name(NameKind::Branch, false),
                    Some((1, _)) => G::Name(NameKind::Tag, false),
                    Some(_) => G::PullNum(false),
                    None => G::RefKw {
                        pos: pos + 1,
                        which: next,
                    },
                };
                Some((g, Role::RefKw))
            }
            G::Name(kind, _) => {
                let ok = match kind {
                    NameKind::Env => is_env_char(c),
                    NameKind::Branch | NameKind::Tag => is_ref_name_char(c),
                };
                let role = match kind {
                    NameKind::Branch => Role::Branch,
                    NameKind::Tag => Role::Tag,
                    NameKind::Env => Role::Env,
                };
                ne(ok, G::Name(kind, true), role)
            }
            G::PullNum(ok) => match c {
                '/' => ne(ok, G::PullTail(1), Role::RefKw),
                c => ne(c.is_ascii_digit(), G::PullNum(true), Role::RefKw),
            },
            G::PullTail(p) => ne(
                PULL_TAIL.chars().nth(p as usize) == Some(c),
                G::PullTail(p + 1),
                Role::RefKw,
            ),
            G::ClOwner(_) => ne(is_owner_char(c), G::ClOwner(true), Role::OwnerName),
            G::ClRepoOwner(ok) => match c {
                '/' => ne(ok, G::ClRepoName(false), Role::Sep),
                c => ne(is_owner_char(c), G::ClRepoOwner(true), Role::OwnerName),
            },
            G::ClRepoName(_) => ne(is_repo_char(c), G::ClRepoName(true), Role::RepoName),
            G::WfOwner(ok, callee) => match c {
                '/' => ne(ok, G::WfRepo(false, callee), Role::Sep),
                c => ne(is_owner_char(c), G::WfOwner(true, callee), Role::OwnerName),
            },
            G::WfRepo(ok, callee) => match c {
                '/' => ne(ok, G::WfPath(false, callee), Role::Sep),
                c => ne(is_repo_char(c), G::WfRepo(true, callee), Role::RepoName),
            },
            G::WfPath(ok, true) => match c {
                '@' => ne(ok, G::WfRef(false), Role::Other),
                c => ne(c != ':', G::WfPath(true, true), Role::Other),
            },
            // The run's own workflow: its ref is the run's ref, read like a `ref` claim.
            G::WfPath(ok, false) => match c {
                '@' => ne(
                    ok,
                    G::RefKw {
                        pos: 0,
                        which: 0b111,
                    },
                    Role::Sep,
                ),
                c => ne(c != ':', G::WfPath(true, false), Role::Other),
            },
            G::WfRef(_) => ne(c != ':', G::WfRef(true), Role::Other),
            G::Digits { owner, .. } => {
                let role = if owner {
                    Role::ClaimOwnerId
                } else {
                    Role::ClaimRepoId
                };
                ne(c.is_ascii_digit(), G::Digits { owner, ne: true }, role)
            }
            G::Free => ne(c != ':', G::Free, Role::Other),
        }
    }
}
