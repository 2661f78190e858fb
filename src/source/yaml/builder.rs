//! The tree builder: saphyr-parser's events into nodes, with anchors, aliases (copies, bounded)
//! and the nesting bound.

use super::scalars::{merge, plain_kind, tagged, TagKind};
use super::spans::{dash_before, skip_block_header, skip_properties};
use super::{YamlError, MAX_ALIAS_NODES, MAX_DEPTH};
use crate::source::json::{Node, NodeKind, ObjectEntry};
use crate::source::Span;
use saphyr_parser::{ScalarStyle, Tag};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

/// A finished node on its way to its parent.
struct Built {
    pub(super) node: Node,
    /// The source text the node came from: with its anchor and tag, or the alias for a copy.
    extent: Span,
    /// Nodes in the tree, for the copy budget.
    pub(super) size: usize,
    /// Levels of nesting below and including this node (0 for a scalar).
    height: usize,
    /// A plain, untagged `<<`.
    merge_key: bool,
    /// A copy made for an alias: its spans are the anchor's, its extent the alias.
    pub(super) alias: bool,
}

#[derive(Clone)]
pub(super) struct Anchored {
    pub(super) node: Node,
    pub(super) size: usize,
    height: usize,
}

pub(super) struct Frame {
    is_map: bool,
    pub(super) flow: bool,
    pub(super) anchor: usize,
    pub(super) tag: TagKind,
    /// Start of the start event: the anchor or tag if any.
    props_start: usize,
    content_start: usize,
    /// The furthest end of a child's source text.
    pub(super) end: usize,
    pub(super) size: usize,
    height: usize,
    pub(super) items: Vec<Node>,
    pub(super) entries: Vec<ObjectEntry>,
    pub(super) key: Option<(String, Span, bool)>,
    /// Values of `<<` entries with their source spans, applied when the mapping closes.
    pub(super) merges: Vec<(Node, Span)>,
}

pub(super) struct Builder<'t> {
    pub(super) text: &'t str,
    pub(super) referenced: HashSet<usize>,
    pub(super) anchors: HashMap<usize, Anchored>,
    pub(super) stack: Vec<Frame>,
    /// Nodes copied for anchors that aliases use, and for the aliases: two budgets, so that an
    /// anchor used once may be as large as one budget.
    pub(super) anchored: usize,
    pub(super) expanded: usize,
    pub(super) root: Option<Node>,
}

impl Builder<'_> {
    pub(super) fn scalar(
        &mut self,
        value: Cow<str>,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
        span: Span,
    ) -> Result<(), YamlError> {
        let tag = TagKind::of(tag);
        let props = usize::from(anchor != 0) + usize::from(tag != TagKind::None);
        let mut start = span.start;
        let mut end = span.end;
        let block = matches!(style, ScalarStyle::Literal | ScalarStyle::Folded);
        if props > 0 {
            start = skip_properties(self.text, start, props, end);
            if block {
                start = skip_block_header(self.text, start, end);
            }
        }
        if block {
            end = start + self.text[start..end].trim_end().len();
        }
        let content = Span::new(start, end);
        let plain = style == ScalarStyle::Plain;
        let merge_key = plain && tag == TagKind::None && value == "<<";
        let untagged = |value: Cow<str>| match plain {
            true => plain_kind(value),
            false => NodeKind::String(value.into_owned()),
        };
        let resolved = match &tag {
            TagKind::None => Ok(untagged(value)),
            TagKind::NonSpecific | TagKind::Str => Ok(NodeKind::String(value.into_owned())),
            TagKind::Core(name) => match (name.as_str(), plain_kind(Cow::Borrowed(&value))) {
                ("int" | "float", kind @ NodeKind::Number(_))
                | ("bool", kind @ NodeKind::Bool(_))
                | ("null", kind @ NodeKind::Null) => Ok(kind),
                _ => Err(value),
            },
            TagKind::Seq | TagKind::Map | TagKind::Other(_) => Err(value),
        };
        let node = match resolved {
            Ok(kind) => Node {
                kind,
                span: content,
            },
            Err(value) => {
                let inner = Node {
                    kind: untagged(value),
                    span: content,
                };
                tagged(tag.name(), inner, span.start)
            }
        };
        let size = 1 + usize::from(matches!(node.kind, NodeKind::Tagged { .. }));
        self.finish(
            anchor,
            Built {
                node,
                extent: span,
                size,
                height: 0,
                merge_key,
                alias: false,
            },
        )
    }

    pub(super) fn alias(&mut self, id: usize, span: Span) -> Result<(), YamlError> {
        let Some(anchored) = self.anchors.get(&id) else {
            // The parser rejects unknown anchors, so this anchor is still open around us.
            return Err(YamlError {
                message: format!(
                    "the alias `{}` refers to a node that contains it",
                    &self.text[span.start..span.end]
                ),
                span,
            });
        };
        if self.stack.len() + anchored.height > MAX_DEPTH {
            return Err(YamlError {
                message: format!(
                    "alias expansion exceeds the nesting limit of {MAX_DEPTH} levels (a YAML alias bomb?)"
                ),
                span,
            });
        }
        let anchored = anchored.clone();
        charge(&mut self.expanded, anchored.size, span)?;
        self.attach(Built {
            node: anchored.node,
            extent: span,
            size: anchored.size,
            height: anchored.height,
            merge_key: false,
            alias: true,
        })
    }

    pub(super) fn open(
        &mut self,
        is_map: bool,
        anchor: usize,
        tag: Option<&Tag>,
        span: Span,
    ) -> Result<(), YamlError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(YamlError {
                message: format!("nesting deeper than {MAX_DEPTH} levels"),
                span,
            });
        }
        let tag = TagKind::of(tag);
        let props = usize::from(anchor != 0) + usize::from(tag != TagKind::None);
        let mut content_start = skip_properties(self.text, span.start, props, span.end);
        // A flow collection's start event ends with its bracket; a block one's ends at its first
        // entry, or after the first `- ` of a sequence that is not indented under its key.
        let flow =
            span.end > span.start && matches!(self.text.as_bytes()[span.end - 1], b'[' | b'{');
        if !is_map && !flow {
            content_start = dash_before(self.text, content_start);
        }
        self.stack.push(Frame {
            is_map,
            flow,
            anchor,
            tag,
            props_start: span.start,
            content_start,
            end: content_start,
            size: 1,
            height: 1,
            items: Vec::new(),
            entries: Vec::new(),
            key: None,
            merges: Vec::new(),
        });
        Ok(())
    }

    pub(super) fn close(&mut self, span: Span) -> Result<(), YamlError> {
        let frame = self
            .stack
            .pop()
            .expect("the parser balances collection events");
        let end = if frame.flow { span.end } else { frame.end };
        let content = Span::new(frame.content_start, end.max(frame.content_start));
        // Collections grow by doubling while their events stream in; the finished tree lives
        // as long as the file's rules run, so give the slack back (a 5 MB workflow of 100k
        // small jobs keeps ~100 MB less).
        let kind = if frame.is_map {
            let mut entries = merge(frame.entries, frame.merges)?;
            entries.shrink_to_fit();
            NodeKind::Object(entries)
        } else {
            let mut items = frame.items;
            items.shrink_to_fit();
            NodeKind::Array(items)
        };
        let node = Node {
            kind,
            span: content,
        };
        let matching = if frame.is_map {
            TagKind::Map
        } else {
            TagKind::Seq
        };
        let (node, size) = match frame.tag {
            TagKind::None => (node, frame.size),
            tag if tag == matching => (node, frame.size),
            tag => (tagged(tag.name(), node, frame.props_start), frame.size + 1),
        };
        self.finish(
            frame.anchor,
            Built {
                node,
                extent: Span::new(frame.props_start, end.max(frame.props_start)),
                size,
                height: frame.height,
                merge_key: false,
                alias: false,
            },
        )
    }

    /// Records an anchored node that a later alias uses, then hands the node to its parent.
    fn finish(&mut self, anchor: usize, built: Built) -> Result<(), YamlError> {
        if anchor != 0 && self.referenced.contains(&anchor) {
            // Every used anchor is copied at least once more by an alias: a document whose
            // anchors exceed the budget would see its aliases exceed it too.
            charge(&mut self.anchored, built.size, built.extent)?;
            self.anchors.insert(
                anchor,
                Anchored {
                    node: built.node.clone(),
                    size: built.size,
                    height: built.height,
                },
            );
        }
        self.attach(built)
    }

    fn attach(&mut self, built: Built) -> Result<(), YamlError> {
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some(built.node);
            return Ok(());
        };
        frame.end = frame.end.max(built.extent.end);
        frame.size += built.size;
        frame.height = frame.height.max(built.height + 1);
        if !frame.is_map {
            frame.items.push(built.node);
        } else if let Some((key, key_span, merge_key)) = frame.key.take() {
            if merge_key {
                frame.merges.push((built.node, built.extent));
            } else {
                frame.entries.push(ObjectEntry {
                    key,
                    key_span,
                    value: built.node,
                });
            }
        } else {
            // An alias key is written where the alias is; other keys where their node is.
            let span = if built.alias {
                built.extent
            } else {
                built.node.span
            };
            // Scalars give their value; booleans, nulls and anything else their text.
            let key = match &built.node.kind {
                NodeKind::String(s) | NodeKind::Number(s) => s.clone(),
                _ => self.text[built.node.span.start..built.node.span.end].to_string(),
            };
            frame.key = Some((key, span, built.merge_key));
        }
        Ok(())
    }
}

/// Counts copied nodes against [`MAX_ALIAS_NODES`].
fn charge(counter: &mut usize, nodes: usize, span: Span) -> Result<(), YamlError> {
    *counter += nodes;
    if *counter > MAX_ALIAS_NODES {
        return Err(YamlError {
            message: format!(
                "alias expansion exceeds {MAX_ALIAS_NODES} nodes (a YAML alias bomb?)"
            ),
            span,
        });
    }
    Ok(())
}
