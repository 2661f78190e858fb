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

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use super::claims::{is_property_char, KeyKind, TEMPLATE_KEYS};
use super::grammar::{is_env_char, is_owner_char, is_ref_name_char, is_repo_char};

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

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum NameKind {
    Branch,
    Tag,
    Env,
}

/// A state of the subject grammar. `bool`s say "non-empty so far".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum G {
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

fn field_of(g: G) -> Option<Role> {
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

// ---- the key trie --------------------------------------------------------------------------

struct Node {
    /// The key text up to this node.
    prefix: String,
    children: Vec<(char, u16)>,
    kind: Option<KeyKind>,
    /// On the path of `repo` (the only first claim of the default format).
    default_first: bool,
    /// On the path of `ref`, `environment` or `pull_request` (the default format's context).
    default_context: bool,
    /// On the path of a key in [`REPRESENTATIVE_KEYS`].
    representative: bool,
    /// The rest of every representative key through this node, with its `:` (none after
    /// `pull_request`), most preferred first: what a `*` here may write in one go.
    completions: Vec<String>,
}

/// One key of every kind (two of the free ones: restricting or not). A `*` that writes a key of
/// its own only needs these: the other keys behave like one of them. (Literal text and `?` still
/// read every key.)
const REPRESENTATIVE_KEYS: &[&str] = &[
    "repo",
    "ref",
    "pull_request",
    "environment",
    "workflow",
    "repository_owner",
    "repository",
    "repository_owner_id",
    "repository_id",
    "job_workflow_ref",
    "event_name",
];

struct Trie {
    nodes: Vec<Node>,
    /// Every key, most preferred first.
    order: Vec<&'static str>,
}

impl Trie {
    /// Keys in `preferred` order first (children are tried in insertion order), then the rest.
    fn build(preferred: &[&str]) -> Trie {
        let mut trie = Trie {
            order: Vec::new(),
            nodes: vec![Node {
                prefix: String::new(),
                children: Vec::new(),
                kind: None,
                default_first: true,
                default_context: true,
                representative: true,
                completions: Vec::new(),
            }],
        };
        let ordered = preferred
            .iter()
            .filter_map(|p| TEMPLATE_KEYS.iter().find(|(k, _)| k == p))
            .chain(TEMPLATE_KEYS.iter().filter(|(k, _)| !preferred.contains(k)));
        for &(key, kind) in ordered {
            trie.order.push(key);
            let first = key == "repo";
            let context = matches!(key, "ref" | "environment" | "pull_request");
            let representative = REPRESENTATIVE_KEYS.contains(&key);
            let mut node = 0usize;
            for c in key.chars() {
                let next = match trie.nodes[node].children.iter().find(|(ch, _)| *ch == c) {
                    Some(&(_, n)) => n as usize,
                    None => {
                        let prefix = format!("{}{c}", trie.nodes[node].prefix);
                        trie.nodes.push(Node {
                            prefix,
                            children: Vec::new(),
                            kind: None,
                            default_first: false,
                            default_context: false,
                            representative: false,
                            completions: Vec::new(),
                        });
                        let n = trie.nodes.len() - 1;
                        trie.nodes[node].children.push((c, n as u16));
                        n
                    }
                };
                node = next;
                trie.nodes[node].default_first |= first;
                trie.nodes[node].default_context |= context;
                trie.nodes[node].representative |= representative;
            }
            trie.nodes[node].kind = Some(kind);
        }
        for &key in trie
            .order
            .iter()
            .filter(|k| REPRESENTATIVE_KEYS.contains(k))
        {
            let colon = if key == "pull_request" { "" } else { ":" };
            for node in trie.nodes.iter_mut() {
                if let Some(rest) = key.strip_prefix(node.prefix.as_str()) {
                    if !rest.is_empty() {
                        node.completions.push(format!("{rest}{colon}"));
                    }
                }
            }
        }
        trie
    }
}

/// Which keys a witness should prefer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeyOrder {
    /// `repo` first: witnesses for owner and repository risks.
    Identity,
    /// Context keys first, `repo` last: witnesses inside one pinned repository.
    Context,
    /// `environment` first: witnesses for owner-less templates.
    Ownerless,
    /// `ref` first, `repo` after the context keys: witnesses for one owner's other repositories.
    Owner,
}

fn trie(order: KeyOrder) -> &'static Trie {
    static IDENTITY: OnceLock<Trie> = OnceLock::new();
    static CONTEXT: OnceLock<Trie> = OnceLock::new();
    static OWNERLESS: OnceLock<Trie> = OnceLock::new();
    static OWNER: OnceLock<Trie> = OnceLock::new();
    match order {
        KeyOrder::Identity => IDENTITY.get_or_init(|| {
            Trie::build(&["repo", "workflow", "ref", "pull_request", "environment"])
        }),
        KeyOrder::Context => CONTEXT.get_or_init(|| {
            Trie::build(&[
                "pull_request",
                "ref",
                "environment",
                "workflow",
                "event_name",
            ])
        }),
        KeyOrder::Ownerless => OWNERLESS
            .get_or_init(|| Trie::build(&["environment", "ref", "pull_request", "workflow"])),
        KeyOrder::Owner => {
            OWNER.get_or_init(|| Trie::build(&["ref", "environment", "workflow", "pull_request"]))
        }
    }
}

// ---- flags ---------------------------------------------------------------------------------

// Bits of the current field.
const F_NE: u8 = 1;
const F_LOOSE: u8 = 2;
const F_FIRST_LOOSE: u8 = 4;
const F_HAS_STAR: u8 = 8;
const F_MACRO: u8 = 16;
const F_SEP_LIT: u8 = 32;
const F_LAST_SLASH: u8 = 64;

// Bits of the current claim.
const C_KEY_LIT: u8 = 1;
const C_VAL_LIT: u8 = 2;
const C_RESTRICTING: u8 = 4;
/// The claim is a `job_workflow_ref`: its owner and repository are the reusable workflow's.
const C_CALLEE: u8 = 8;

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
const SEG: Flags = 1 << 13;
// The same for the reusable workflow a `job_workflow_ref` names: its owner and repository are not
// the caller's. They pin only when the value names no caller identity at all (GitHub's
// "require a reusable workflow" template); see `Effective`.
const JWR_SEEN: Flags = 1 << 14;
const JWR_OWN_PIN: Flags = 1 << 15;
const JWR_REPO_PIN: Flags = 1 << 16;
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
    fn of(f: Flags) -> Self {
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
    fn relevant(self) -> Flags {
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

    fn accepts(self, f: Flags) -> bool {
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
    fn dead(self, f: Flags) -> bool {
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
    fn in_repository(self) -> bool {
        matches!(
            self,
            Target::AdmitsPullRequest | Target::AnyRef | Target::RefPrefix
        )
    }
}

/// Which grammar to search.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// `repo:SEGMENT:CONTEXT` only.
    Default,
    /// Any sequence of claims (customized templates).
    Custom,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct St {
    i: u16,
    g: G,
    /// Index of the current claim, saturating at 2.
    stage: u8,
    field: u8,
    claim: u8,
    flags: Flags,
    /// The current token was reached at the start of a claim (so, if it is a `*`, it may write
    /// whole claims even inside a pinned repository).
    at_claim_start: bool,
}

struct Edge {
    chars: Vec<PChar>,
    next: St,
}

/// One search: a pattern, a grammar, a target.
pub(crate) struct Search<'a> {
    toks: &'a [Tok],
    ignore_case: bool,
    mode: Mode,
    target: Target,
    trie: &'static Trie,
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

    fn accepting(&self, st: St) -> bool {
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

    /// Characters worth trying for a wildcard at `g`: the structural ones (in preference order)
    /// and one representative of the characters that all behave alike there.
    fn candidates(&self, g: G, star: bool) -> (Vec<char>, Option<char>) {
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

    fn can_end(&self, g: G) -> bool {
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
    fn step(&self, g: G, stage: u8, c: char) -> Option<(G, Role)> {
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

    /// Sums up the field that ends at `g`.
    fn fold_field(&self, g: G, field: u8, claim: u8, stage: u8, flags: Flags) -> Option<Flags> {
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
    fn fold_claim(&self, g: G, claim: u8, flags: Flags) -> Option<Flags> {
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

/// Run-level rules: a pull request run has no branch, tag or environment context.
fn consistent(f: Flags) -> Option<Flags> {
    (f & PR == 0 || f & (GITREF | ENV) == 0).then_some(f)
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
