//! The claim keys a subject may hold, as a trie the search walks one character at a time, in the
//! order a template puts them ([`KeyOrder`]).

use crate::subject::claims::{KeyKind, TEMPLATE_KEYS};
use std::sync::OnceLock;

pub(super) struct Node {
    /// The key text up to this node.
    pub(super) prefix: String,
    pub(super) children: Vec<(char, u16)>,
    pub(super) kind: Option<KeyKind>,
    /// On the path of `repo` (the only first claim of the default format).
    pub(super) default_first: bool,
    /// On the path of `ref`, `environment` or `pull_request` (the default format's context).
    pub(super) default_context: bool,
    /// On the path of a key in [`REPRESENTATIVE_KEYS`].
    pub(super) representative: bool,
    /// The rest of every representative key through this node, with its `:` (none after
    /// `pull_request`), most preferred first: what a `*` here may write in one go.
    pub(super) completions: Vec<String>,
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

pub(super) struct Trie {
    pub(super) nodes: Vec<Node>,
    /// Every key, most preferred first.
    pub(super) order: Vec<&'static str>,
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

pub(super) fn trie(order: KeyOrder) -> &'static Trie {
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
