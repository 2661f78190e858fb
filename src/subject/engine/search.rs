//! The depth-first search of the product of a pattern with the subject grammar: its states and
//! edges, the accepting states and the pruning, with a visited set of hashed states.

use super::flags::{
    Flags, Target, C_CALLEE, C_KEY_LIT, C_RESTRICTING, C_VAL_LIT, ENV, F_FIRST_LOOSE, F_HAS_STAR,
    F_LAST_SLASH, F_LOOSE, F_MACRO, F_NE, F_SEP_LIT, GITREF, IDENT_QLOOSE, IDWILD, JWR_OWN_PIN,
    JWR_REPO_PIN, OWN_PIN, PR, REPO_PIN, SEG,
};
use super::machine::{field_of, G};
use super::trie::{trie, KeyOrder, Trie};
use super::{PChar, Role, Tok, STATE_BUDGET};
use crate::subject::claims::KeyKind;
use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

/// Which grammar to search.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// `repo:SEGMENT:CONTEXT` only.
    Default,
    /// Any sequence of claims (customized templates).
    Custom,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) struct St {
    i: u16,
    pub(super) g: G,
    /// Index of the current claim, saturating at 2.
    pub(super) stage: u8,
    pub(super) field: u8,
    pub(super) claim: u8,
    pub(super) flags: Flags,
    /// The current token was reached at the start of a claim (so, if it is a `*`, it may write
    /// whole claims even inside a pinned repository).
    at_claim_start: bool,
}

struct Edge {
    pub(super) chars: Vec<PChar>,
    pub(super) next: St,
}

/// One search: a pattern, a grammar, a target.
pub(crate) struct Search<'a> {
    toks: &'a [Tok],
    ignore_case: bool,
    pub(super) mode: Mode,
    pub(super) target: Target,
    pub(super) trie: &'static Trie,
    /// `lit_after[i]`: a literal token at `i` or later.
    lit_after: Vec<bool>,
}

impl<'a> Search<'a> {
    pub(crate) fn new(
        toks: &'a [Tok],
        ignore_case: bool,
        mode: Mode,
        target: Target,
        order: KeyOrder,
    ) -> Self {
        let mut lit_after = vec![false; toks.len() + 1];
        for i in (0..toks.len()).rev() {
            lit_after[i] = lit_after[i + 1] || matches!(toks[i], Tok::Lit(_));
        }
        Search {
            toks,
            ignore_case,
            mode,
            target,
            trie: trie(order),
            lit_after,
        }
    }

    /// The first accepting path (in preference order) whose text `valid` accepts.
    pub(crate) fn run(&self, valid: impl Fn(&str) -> bool) -> Option<Vec<PChar>> {
        struct Frame {
            edges: Vec<Edge>,
            next: usize,
            path_len: usize,
        }
        let start = St {
            i: 0,
            g: G::Key(0),
            stage: 0,
            field: 0,
            claim: C_KEY_LIT | C_VAL_LIT,
            flags: 0,
            at_claim_start: true,
        };
        if self.toks.len() >= u16::MAX as usize {
            return None;
        }
        let mut visited: HashSet<St, BuildHasherDefault<StateHasher>> = HashSet::default();
        visited.insert(start);
        let mut path: Vec<PChar> = Vec::new();
        let mut stack = vec![Frame {
            edges: self.edges(start),
            next: 0,
            path_len: 0,
        }];
        while let Some(top) = stack.last_mut() {
            if top.next >= top.edges.len() {
                stack.pop();
                continue;
            }
            let edge = &top.edges[top.next];
            top.next += 1;
            path.truncate(top.path_len);
            path.extend_from_slice(&edge.chars);
            let st = edge.next;
            if !visited.insert(st) {
                continue;
            }
            if visited.len() > STATE_BUDGET {
                return None;
            }
            if self.accepting(st) {
                let text: String = path.iter().map(|p| p.c).collect();
                if valid(&text) {
                    return Some(path);
                }
            }
            let edges = self.edges(st);
            stack.push(Frame {
                edges,
                next: 0,
                path_len: path.len(),
            });
        }
        None
    }

    pub(super) fn accepting(&self, st: St) -> bool {
        if st.i as usize != self.toks.len() || !self.can_end(st.g) {
            return false;
        }
        if self.mode == Mode::Default && st.stage != 1 {
            return false;
        }
        let Some(f) = self.fold_field(st.g, st.field, st.claim, st.stage, st.flags) else {
            return false;
        };
        let Some(f) = self.fold_claim(st.g, st.claim, f) else {
            return false;
        };
        self.target.accepts(f)
    }

    fn edges(&self, st: St) -> Vec<Edge> {
        let i = st.i as usize;
        let mut out = Vec::new();
        let Some(&tok) = self.toks.get(i) else {
            return out;
        };
        match tok {
            Tok::Lit(ch) => {
                let mut variants = vec![ch];
                if self.ignore_case {
                    for v in [ch.to_ascii_lowercase(), ch.to_ascii_uppercase()] {
                        if !variants.contains(&v) {
                            variants.push(v);
                        }
                    }
                }
                for c in variants {
                    self.push_char(&mut out, st, c, false, false, i + 1);
                }
            }
            Tok::One => {
                let (structural, rep) = self.candidates(st.g, false);
                for c in rep.into_iter().chain(structural) {
                    self.push_char(&mut out, st, c, true, false, i + 1);
                }
            }
            Tok::Star => {
                out.extend(self.macro_edges(st));
                out.push(Edge {
                    chars: Vec::new(),
                    next: St {
                        i: st.i + 1,
                        at_claim_start: st.g == G::Key(0),
                        ..st
                    },
                });
                let (structural, rep) = self.candidates(st.g, true);
                for c in structural.into_iter().chain(rep) {
                    self.push_char(&mut out, st, c, true, true, i);
                }
            }
        }
        out
    }

    fn push_char(&self, out: &mut Vec<Edge>, st: St, c: char, loose: bool, star: bool, i: usize) {
        let Some((next, role)) = self.advance(st, c, loose, star) else {
            return;
        };
        // Inside a pinned repository, whose template the value spells out, a `*` in a claim
        // value stands for that value only (`…@refs/heads/*` is not "and any claims after").
        if star
            && role == Role::ClaimSep
            && self.mode == Mode::Custom
            && self.target.in_repository()
            && !st.at_claim_start
        {
            return;
        }
        if self.hopeless(next, i) {
            return;
        }
        let at_claim_start = if i == st.i as usize {
            st.at_claim_start
        } else {
            next.g == G::Key(0)
        };
        out.push(Edge {
            chars: vec![PChar {
                c,
                role,
                loose,
                star,
            }],
            next: St {
                i: i as u16,
                at_claim_start,
                ..next
            },
        });
    }

    /// Realistic fillers for a `*`, tried before single characters: in a field a word
    /// (`attacker`, `-attacker`, `main`, …); in a key the rest of each key, most preferred first
    /// (a character-by-character walk of the trie would visit every `re…` key before `ref`).
    fn macro_edges(&self, st: St) -> Vec<Edge> {
        let mut out = Vec::new();
        if let G::Key(n) = st.g {
            for word in &self.trie.nodes[n as usize].completions {
                out.extend(self.emit(st, word, |r| matches!(r, Role::Key | Role::KeySep)));
            }
            return out;
        }
        let Some(role) = field_of(st.g) else {
            return out;
        };
        if st.field & F_MACRO != 0 {
            return out;
        }
        if let Some(word) = self.macro_word(st, role) {
            if let Some(mut edge) = self.emit(st, word, |r| r == role) {
                edge.next.field |= F_MACRO;
                out.push(edge);
            }
        }
        out
    }

    /// The edge that writes `word` with a `*` from `st`, if the grammar takes it and every
    /// character has a role `ok` accepts.
    fn emit(&self, st: St, word: &str, ok: impl Fn(Role) -> bool) -> Option<Edge> {
        let mut cur = st;
        let mut chars = Vec::new();
        for c in word.chars() {
            let (next, role) = self.advance(cur, c, true, true)?;
            if !ok(role) {
                return None;
            }
            chars.push(PChar {
                c,
                role,
                loose: true,
                star: true,
            });
            cur = next;
        }
        if self.hopeless(cur, st.i as usize) {
            return None;
        }
        Some(Edge { chars, next: cur })
    }

    fn macro_word(&self, st: St, role: Role) -> Option<&'static str> {
        let ne = st.field & F_NE != 0;
        let slash = st.field & F_LAST_SLASH != 0;
        let inside = self.target.in_repository();
        let name = |empty: &'static str, identity: &'static str| -> Option<&'static str> {
            if inside {
                Some(if !ne {
                    empty
                } else if slash {
                    "attacker"
                } else {
                    "-attacker"
                })
            } else if ne {
                None
            } else {
                Some(identity)
            }
        };
        match role {
            Role::OwnerName => Some(if ne { "-attacker" } else { "attacker" }),
            Role::SegOwnerId | Role::ClaimOwnerId => Some(if ne { "99" } else { "99999999" }),
            Role::SegRepoId | Role::ClaimRepoId => Some(if ne { "88" } else { "88888888" }),
            Role::RepoName => Some(match (self.target == Target::OrgWide, ne) {
                (true, false) => "any-repo",
                (true, true) => "-other",
                (false, false) => "app",
                (false, true) => "-app",
            }),
            Role::Branch => name("attacker-branch", "main"),
            Role::Tag => name("attacker-tag", "v1.0.0"),
            Role::Env => name("attacker-env", "production"),
            Role::Other if st.g == G::WfRef(false) => Some("refs/heads/main"),
            Role::Other if !ne => Some(if matches!(st.g, G::WfPath(false, _)) {
                ".github/workflows/deploy.yml@refs/heads/main"
            } else {
                "attacker"
            }),
            _ => None,
        }
    }

    /// Steps the grammar and keeps the books (field, claim and path flags). `None` when the
    /// grammar refuses `c`, the run-level rules refuse the path, or the target is out of reach.
    fn advance(&self, st: St, c: char, loose: bool, star: bool) -> Option<(St, Role)> {
        let (g, role) = self.step(st.g, st.stage, c)?;
        let mut s = St { g, ..st };
        match role {
            Role::ClaimSep => {
                let f = self.fold_field(st.g, st.field, st.claim, st.stage, st.flags)?;
                s.flags = self.fold_claim(st.g, st.claim, f)?;
                s.stage = (st.stage + 1).min(2);
                s.claim = C_KEY_LIT | C_VAL_LIT;
                s.field = 0;
            }
            Role::KeySep => {
                // A loose `:` after a literal key leaves the key literal: the value named it.
                if let G::Key(n) = st.g {
                    let node = &self.trie.nodes[n as usize];
                    let taken = match node.kind {
                        Some(KeyKind::Restricting | KeyKind::WorkflowRef) => {
                            s.claim |= C_RESTRICTING;
                            if node.prefix == "job_workflow_ref" {
                                s.claim |= C_CALLEE;
                            }
                            0
                        }
                        // One repository, one ref, one environment per run.
                        Some(KeyKind::Repo) => SEG,
                        Some(KeyKind::Ref) => GITREF | PR,
                        Some(KeyKind::Environment) => ENV | PR,
                        _ => 0,
                    };
                    if st.flags & taken != 0 {
                        return None;
                    }
                }
                s.field = if loose { 0 } else { F_SEP_LIT };
            }
            Role::Sep => {
                s.flags = self.fold_field(st.g, st.field, st.claim, st.stage, st.flags)?;
                if loose {
                    s.claim &= !C_VAL_LIT;
                }
                s.field = if loose { 0 } else { F_SEP_LIT };
            }
            Role::Key => {
                if loose {
                    s.claim &= !C_KEY_LIT;
                }
            }
            Role::RefKw => {
                if loose {
                    s.claim &= !C_VAL_LIT;
                }
            }
            _ => {
                // A pinned reusable workflow file at any of its refs still restricts the role
                // to that workflow: the ref of a `job_workflow_ref` does not count.
                let callee_ref = st.claim & C_CALLEE != 0 && matches!(g, G::WfRef(_));
                if loose && !callee_ref {
                    s.claim &= !C_VAL_LIT;
                }
                let mut fb = st.field;
                if fb & F_NE == 0 {
                    fb |= F_NE;
                    if loose {
                        fb |= F_FIRST_LOOSE;
                    }
                }
                if loose {
                    fb |= F_LOOSE;
                }
                if star {
                    fb |= F_HAS_STAR;
                }
                if c == '/' {
                    fb |= F_LAST_SLASH;
                } else {
                    fb &= !F_LAST_SLASH;
                }
                s.field = fb;
            }
        }
        s.flags &= self.target.relevant();
        if self.target.dead(s.flags) {
            return None;
        }
        Some((s, role))
    }

    /// True when no completion of `st` can satisfy the target: it needs a pin that only literal
    /// text can give, and no literal text is left.
    fn hopeless(&self, st: St, i: usize) -> bool {
        if self.lit_after[i.min(self.toks.len())] {
            return false;
        }
        let literal_field = st.field & F_NE != 0 && st.field & F_LOOSE == 0;
        let field = field_of(st.g);
        let may_pin_owner = st.flags & (OWN_PIN | JWR_OWN_PIN) != 0
            || (literal_field
                && matches!(
                    field,
                    Some(
                        Role::OwnerName | Role::SegOwnerId | Role::ClaimOwnerId | Role::ClaimRepoId
                    )
                ));
        let may_pin_repo = st.flags & (REPO_PIN | JWR_REPO_PIN) != 0
            || (literal_field
                && matches!(
                    field,
                    Some(Role::RepoName | Role::SegRepoId | Role::ClaimRepoId)
                ));
        match self.target {
            // Only the first claim, or a claim whose key the value spells, can still put a
            // loose owner where the value names one.
            Target::AnyOwner => {
                st.flags & IDENT_QLOOSE == 0 && st.stage > 0 && st.claim & C_KEY_LIT == 0
            }
            Target::OrgWide => !may_pin_owner,
            Target::AdmitsPullRequest | Target::AnyRef | Target::RefPrefix => {
                !(may_pin_owner && may_pin_repo)
            }
            Target::IdWildcard => {
                st.flags & IDWILD == 0
                    && !(st.field & F_SEP_LIT != 0
                        && matches!(field, Some(Role::SegOwnerId | Role::SegRepoId)))
            }
            Target::WithoutOwner | Target::Any => false,
        }
    }
}

/// A multiply-rotate hasher (the one rustc uses, "FxHash"): the visited set hashes small plain
/// states millions of times, and SipHash's flood resistance buys nothing here.
#[derive(Default)]
struct StateHasher(u64);

impl Hasher for StateHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.write_u64(u64::from(n));
    }

    fn write_u16(&mut self, n: u16) {
        self.write_u64(u64::from(n));
    }

    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}
