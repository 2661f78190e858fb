//! YAML into the same spanned tree as JSON ([`Node`]), built from saphyr-parser's events.
//!
//! Why events and not a YAML loader: loaders keep the last of two duplicate keys silently, and
//! a duplicate key in a workflow or a CloudFormation policy is a finding, so every entry is kept.
//!
//! What the tree holds, and the choices behind it:
//! - Spans are byte offsets. The parser counts chars; one table converts them.
//! - Scalars span their text (quoted ones with their quotes), without anchors and tags. Block
//!   scalars (`|`, `>`) span their content, without the header line and trailing blank lines.
//! - Plain scalars are typed by the YAML 1.2 core schema, so `on`, `yes` and `off` are strings
//!   (a workflow's `on:` key relies on it). Quoted and block scalars are always strings.
//! - Aliases are replaced by a copy of the anchored node, spans included, so a finding inside
//!   expanded content points at the anchor's definition. Merge keys (`<<: *a`, `<<: [*a, *b]`)
//!   copy the merged entries in front of the mapping's own, minus the keys the mapping (or an
//!   earlier merged mapping) sets itself, so an override is not a duplicate key.
//! - Copies are bounded ([`MAX_ALIAS_NODES`]) so that a "billion laughs" file fails fast, and
//!   nesting is bounded ([`MAX_DEPTH`]) because the tree is dropped and walked recursively.
//! - Tags: `!!str` and the other core-schema tags resolve to plain values; any other tag
//!   (CloudFormation's `!Ref`, `!Sub`…) becomes [`NodeKind::Tagged`].
//! - Only the first document of a stream is read.

use super::json::{Node, NodeKind, ObjectEntry};
use super::Span;
use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Tag};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

/// Deepest nesting of sequences and mappings accepted, aliases expanded.
pub const MAX_DEPTH: usize = 256;

/// Most nodes that anchors and aliases may copy in one document.
pub const MAX_ALIAS_NODES: usize = 100_000;

/// A syntax error, or a document this reader refuses, with the span it points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub message: String,
    pub span: Span,
}

/// Parses the first YAML document of `text`. A stream without a document gives `Null` at 0..0.
pub fn parse_yaml(text: &str) -> Result<Node, YamlError> {
    let offsets = CharOffsets::new(text);
    // Copying every anchored node in case an alias comes later would let nested anchors around a
    // large value cost (depth × size) memory; a first pass finds the anchors that are used. No
    // `*` in the text means no alias, and no need for it.
    let referenced = if text.contains('*') {
        referenced_anchors(text)
    } else {
        HashSet::new()
    };
    let mut builder = Builder {
        text,
        referenced,
        anchors: HashMap::new(),
        stack: Vec::new(),
        anchored: 0,
        expanded: 0,
        root: None,
    };
    let mut parser = Parser::new_from_str(text);
    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(|e| offsets.scan_error(&e))?;
        let span = offsets.span(span);
        match event {
            Event::Scalar(value, style, anchor, tag) => {
                builder.scalar(value, style, anchor, tag.as_deref(), span)?
            }
            Event::Alias(id) => builder.alias(id, span)?,
            Event::SequenceStart(anchor, tag) => {
                builder.open(false, anchor, tag.as_deref(), span)?
            }
            Event::MappingStart(anchor, tag) => builder.open(true, anchor, tag.as_deref(), span)?,
            Event::SequenceEnd | Event::MappingEnd => builder.close(span)?,
            Event::DocumentEnd | Event::StreamEnd => break,
            Event::StreamStart | Event::DocumentStart(_) | Event::Nothing => {}
        }
    }
    Ok(builder.root.unwrap_or(Node {
        kind: NodeKind::Null,
        span: Span::new(0, 0),
    }))
}

/// Char index -> byte offset. `None` for ASCII text, where the two agree.
struct CharOffsets {
    table: Option<Vec<usize>>,
    len: usize,
}

impl CharOffsets {
    fn new(text: &str) -> Self {
        let table = (!text.is_ascii()).then(|| {
            text.char_indices()
                .map(|(i, _)| i)
                .chain(std::iter::once(text.len()))
                .collect()
        });
        CharOffsets {
            table,
            len: text.len(),
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        match &self.table {
            None => char_index.min(self.len),
            Some(table) => table.get(char_index).copied().unwrap_or(self.len),
        }
    }

    fn span(&self, span: saphyr_parser::Span) -> Span {
        let start = self.byte(span.start.index());
        Span::new(start, self.byte(span.end.index()).max(start))
    }

    fn scan_error(&self, error: &ScanError) -> YamlError {
        let at = self.byte(error.marker().index());
        YamlError {
            message: error.info().to_string(),
            span: Span::new(at, at),
        }
    }
}

/// The anchor ids that some alias of the first document refers to. Errors and over-deep nesting
/// end the scan early: the building pass stops at the same point with the error.
fn referenced_anchors(text: &str) -> HashSet<usize> {
    let mut used = HashSet::new();
    let mut depth = 0usize;
    let mut parser = Parser::new_from_str(text);
    while let Some(Ok((event, _))) = parser.next_event() {
        match event {
            Event::Alias(id) => {
                used.insert(id);
            }
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    break;
                }
            }
            Event::SequenceEnd | Event::MappingEnd => depth = depth.saturating_sub(1),
            Event::DocumentEnd | Event::StreamEnd => break,
            _ => {}
        }
    }
    used
}

/// A finished node on its way to its parent.
struct Built {
    node: Node,
    /// The source text the node came from: with its anchor and tag, or the alias for a copy.
    extent: Span,
    /// Nodes in the tree, for the copy budget.
    size: usize,
    /// Levels of nesting below and including this node (0 for a scalar).
    height: usize,
    /// A plain, untagged `<<`.
    merge_key: bool,
    /// A copy made for an alias: its spans are the anchor's, its extent the alias.
    alias: bool,
}

#[derive(Clone)]
struct Anchored {
    node: Node,
    size: usize,
    height: usize,
}

struct Frame {
    is_map: bool,
    flow: bool,
    anchor: usize,
    tag: TagKind,
    /// Start of the start event: the anchor or tag if any.
    props_start: usize,
    content_start: usize,
    /// The furthest end of a child's source text.
    end: usize,
    size: usize,
    height: usize,
    items: Vec<Node>,
    entries: Vec<ObjectEntry>,
    key: Option<(String, Span, bool)>,
    /// Values of `<<` entries with their source spans, applied when the mapping closes.
    merges: Vec<(Node, Span)>,
}

struct Builder<'t> {
    text: &'t str,
    referenced: HashSet<usize>,
    anchors: HashMap<usize, Anchored>,
    stack: Vec<Frame>,
    /// Nodes copied for anchors that aliases use, and for the aliases: two budgets, so that an
    /// anchor used once may be as large as one budget.
    anchored: usize,
    expanded: usize,
    root: Option<Node>,
}

impl Builder<'_> {
    fn scalar(
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

    fn alias(&mut self, id: usize, span: Span) -> Result<(), YamlError> {
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

    fn open(
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

    fn close(&mut self, span: Span) -> Result<(), YamlError> {
        let frame = self
            .stack
            .pop()
            .expect("the parser balances collection events");
        let end = if frame.flow { span.end } else { frame.end };
        let content = Span::new(frame.content_start, end.max(frame.content_start));
        let kind = if frame.is_map {
            NodeKind::Object(merge(frame.entries, frame.merges)?)
        } else {
            NodeKind::Array(frame.items)
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

/// The entries of a mapping with its `<<` merges applied: merged entries first (earlier merged
/// mappings win over later ones), then the mapping's own, which win over all merged ones.
fn merge(
    entries: Vec<ObjectEntry>,
    sources: Vec<(Node, Span)>,
) -> Result<Vec<ObjectEntry>, YamlError> {
    if sources.is_empty() {
        return Ok(entries);
    }
    let invalid = |node: &Node, span: Span| YamlError {
        message: format!(
            "a merge key `<<` takes a mapping or a list of mappings, found {}",
            node.type_name()
        ),
        span,
    };
    let mut mappings = Vec::new();
    for (node, span) in sources {
        match node.kind {
            NodeKind::Object(merged) => mappings.push(merged),
            NodeKind::Array(items) => {
                for item in items {
                    match item.kind {
                        NodeKind::Object(merged) => mappings.push(merged),
                        _ => return Err(invalid(&item, item.span)),
                    }
                }
            }
            _ => return Err(invalid(&node, span)),
        }
    }
    let mut taken: HashSet<String> = entries.iter().map(|e| e.key.clone()).collect();
    let mut out = Vec::new();
    for merged in mappings {
        // Within one merged mapping the last of duplicate keys is the one a loader sees.
        let mut kept: Vec<ObjectEntry> = merged
            .into_iter()
            .rev()
            .filter(|e| taken.insert(e.key.clone()))
            .collect();
        kept.reverse();
        out.extend(kept);
    }
    out.extend(entries);
    Ok(out)
}

fn tagged(tag: String, value: Node, tag_start: usize) -> Node {
    let span = Span::new(tag_start.min(value.span.start), value.span.end);
    Node {
        kind: NodeKind::Tagged {
            tag,
            value: Box::new(value),
        },
        span,
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum TagKind {
    None,
    /// `!` alone: "a string" for scalars.
    NonSpecific,
    Str,
    Seq,
    Map,
    /// Another core-schema tag (`int`, `bool`, `binary`…), by its short name.
    Core(String),
    /// Any other tag, as written for local tags (`!Ref`), else resolved (`tag:example.com:x`).
    Other(String),
}

impl TagKind {
    fn of(tag: Option<&Tag>) -> TagKind {
        let Some(tag) = tag else {
            return TagKind::None;
        };
        if tag.is_yaml_core_schema() {
            return match tag.suffix.as_str() {
                "str" => TagKind::Str,
                "seq" => TagKind::Seq,
                "map" => TagKind::Map,
                other => TagKind::Core(other.to_string()),
            };
        }
        match (tag.handle.as_str(), tag.suffix.as_str()) {
            ("", "!") => TagKind::NonSpecific,
            ("!", suffix) => TagKind::Other(format!("!{suffix}")),
            (handle, suffix) => TagKind::Other(format!("{handle}{suffix}")),
        }
    }

    fn name(&self) -> String {
        match self {
            TagKind::None => String::new(),
            TagKind::NonSpecific => "!".into(),
            TagKind::Str => "tag:yaml.org,2002:str".into(),
            TagKind::Seq => "tag:yaml.org,2002:seq".into(),
            TagKind::Map => "tag:yaml.org,2002:map".into(),
            TagKind::Core(name) => format!("tag:yaml.org,2002:{name}"),
            TagKind::Other(name) => name.clone(),
        }
    }
}

/// A plain scalar typed by the YAML 1.2 core schema.
fn plain_kind(value: Cow<str>) -> NodeKind {
    match &*value {
        "" | "~" | "null" | "Null" | "NULL" => NodeKind::Null,
        "true" | "True" | "TRUE" => NodeKind::Bool(true),
        "false" | "False" | "FALSE" => NodeKind::Bool(false),
        v if is_core_number(v) => NodeKind::Number(value.into_owned()),
        _ => NodeKind::String(value.into_owned()),
    }
}

fn is_core_number(s: &str) -> bool {
    let digits = |t: &str, radix: u32| !t.is_empty() && t.chars().all(|c| c.is_digit(radix));
    if let Some(hex) = s.strip_prefix("0x") {
        return digits(hex, 16);
    }
    if let Some(octal) = s.strip_prefix("0o") {
        return digits(octal, 8);
    }
    if matches!(s, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") {
        return true;
    }
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e)),
        None => (unsigned, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        None => digits(mantissa, 10),
        Some(("", fraction)) => digits(fraction, 10),
        Some((int, fraction)) => digits(int, 10) && (fraction.is_empty() || digits(fraction, 10)),
    };
    let exponent_ok = match exponent {
        None => true,
        Some(e) => digits(e.strip_prefix(['-', '+']).unwrap_or(e), 10),
    };
    mantissa_ok && exponent_ok
}

/// The start of a node's content after `count` properties (anchor, tag) and the separation
/// (spaces, line breaks, comments) around them, not past `bound`.
fn skip_properties(text: &str, mut pos: usize, mut count: usize, bound: usize) -> usize {
    let bytes = text.as_bytes();
    if count == 0 {
        return pos;
    }
    loop {
        pos = skip_separation(bytes, pos, bound);
        if count == 0 || pos >= bound || !matches!(bytes[pos], b'!' | b'&') {
            return pos.min(bound);
        }
        count -= 1;
        if bytes[pos..].starts_with(b"!<") {
            // A verbatim tag may hold flow indicators.
            while pos < bound && bytes[pos] != b'>' {
                pos += 1;
            }
        }
        while pos < bound
            && !matches!(
                bytes[pos],
                b' ' | b'\t' | b'\r' | b'\n' | b',' | b'[' | b']' | b'{' | b'}'
            )
        {
            pos += 1;
        }
    }
}

fn skip_separation(bytes: &[u8], mut pos: usize, bound: usize) -> usize {
    while pos < bound {
        match bytes[pos] {
            b' ' | b'\t' | b'\r' | b'\n' => pos += 1,
            b'#' => {
                while pos < bound && bytes[pos] != b'\n' {
                    pos += 1;
                }
            }
            _ => break,
        }
    }
    pos
}

/// From a block scalar's `|`/`>` header to its first content character, not past `bound`.
fn skip_block_header(text: &str, pos: usize, bound: usize) -> usize {
    let bytes = text.as_bytes();
    if pos >= bound || !matches!(bytes[pos], b'|' | b'>') {
        return pos;
    }
    let line_end = bytes[pos..bound]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bound, |i| pos + i);
    line_end
        + bytes[line_end..bound]
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count()
}

/// For a block sequence whose start event points past its first `- `, the `-`.
fn dash_before(text: &str, pos: usize) -> usize {
    let bytes = text.as_bytes();
    if bytes.get(pos) == Some(&b'-') {
        return pos;
    }
    let mut at = pos;
    while at > 0 && matches!(bytes[at - 1], b' ' | b'\t') {
        at -= 1;
    }
    if at > 0 && bytes[at - 1] == b'-' {
        at - 1
    } else {
        pos
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice(text: &str, span: Span) -> &str {
        &text[span.start..span.end]
    }

    fn parse(text: &str) -> Node {
        parse_yaml(text).unwrap_or_else(|e| panic!("{e:?} in {text:?}"))
    }

    fn value<'n>(node: &'n Node, key: &str) -> &'n Node {
        &node
            .get(key)
            .unwrap_or_else(|| panic!("no key {key}"))
            .value
    }

    fn items(node: &Node) -> &[Node] {
        match &node.kind {
            NodeKind::Array(items) => items,
            other => panic!("not an array: {other:?}"),
        }
    }

    fn keys(node: &Node) -> Vec<&str> {
        node.entries()
            .unwrap()
            .iter()
            .map(|e| e.key.as_str())
            .collect()
    }

    #[test]
    fn key_and_value_spans_slice_the_text() {
        let text = "a: 1\nb:  'two'\nc: \"th\\\"ree\"\nd:\n  e: [x, {f: g}]\n";
        let root = parse(text);
        assert_eq!(keys(&root), ["a", "b", "c", "d"]);
        for entry in root.entries().unwrap() {
            assert_eq!(slice(text, entry.key_span), entry.key);
        }
        assert_eq!(slice(text, value(&root, "b").span), "'two'");
        assert_eq!(value(&root, "b").as_str(), Some("two"));
        assert_eq!(slice(text, value(&root, "c").span), "\"th\\\"ree\"");
        assert_eq!(value(&root, "c").as_str(), Some("th\"ree"));
        let d = value(&root, "d");
        assert_eq!(slice(text, d.span), "e: [x, {f: g}]");
        let e = value(d, "e");
        assert_eq!(slice(text, e.span), "[x, {f: g}]");
        assert_eq!(slice(text, items(e)[1].span), "{f: g}");
        assert_eq!(slice(text, value(&items(e)[1], "f").span), "g");
        assert_eq!(slice(text, root.span), text.trim_end());
    }

    #[test]
    fn spans_are_bytes_after_multibyte_text() {
        let text = "é: \"🎉 ok\"\nnamé: [ü, x]\nz: 🦀🦀\n";
        let root = parse(text);
        let entries = root.entries().unwrap();
        assert_eq!(slice(text, entries[0].key_span), "é");
        assert_eq!(slice(text, entries[0].value.span), "\"🎉 ok\"");
        assert_eq!(slice(text, entries[1].key_span), "namé");
        assert_eq!(slice(text, items(&entries[1].value)[1].span), "x");
        assert_eq!(slice(text, entries[2].value.span), "🦀🦀");
        assert_eq!(entries[2].value.as_str(), Some("🦀🦀"));
    }

    #[test]
    fn bom_and_crlf_keep_file_coordinates() {
        let text = "\u{feff}a: 1\r\nb: [x]\r\n";
        let root = parse(text);
        assert_eq!(slice(text, root.get("a").unwrap().key_span), "a");
        assert_eq!(slice(text, value(&root, "b").span), "[x]");
    }

    #[test]
    fn plain_scalars_follow_the_yaml_1_2_core_schema() {
        let text = "on: push\nyes: no\nt: True\nf: FALSE\nn: ~\nn2: NULL\nempty:\n\
                    i: -12\nh: 0x1F\no: 0o17\nfl: 3.10\nexp: 1e-3\ndot: .5\ninf: -.inf\nnan: .NaN\n\
                    ver: 1.2.3\nq: 'true'\nlit: |\n  42\nsep: 1_000\n";
        let root = parse(text);
        assert_eq!(keys(&root)[0], "on");
        assert_eq!(value(&root, "on").as_str(), Some("push"));
        assert_eq!(value(&root, "yes").as_str(), Some("no"));
        assert_eq!(value(&root, "t").kind, NodeKind::Bool(true));
        assert_eq!(value(&root, "f").kind, NodeKind::Bool(false));
        for null in ["n", "n2", "empty"] {
            assert_eq!(value(&root, null).kind, NodeKind::Null, "{null}");
        }
        for (key, number) in [
            ("i", "-12"),
            ("h", "0x1F"),
            ("o", "0o17"),
            ("fl", "3.10"),
            ("exp", "1e-3"),
            ("dot", ".5"),
            ("inf", "-.inf"),
            ("nan", ".NaN"),
        ] {
            assert_eq!(value(&root, key).kind, NodeKind::Number(number.into()));
        }
        for (key, string) in [
            ("ver", "1.2.3"),
            ("q", "true"),
            ("lit", "42\n"),
            ("sep", "1_000"),
        ] {
            assert_eq!(value(&root, key).as_str(), Some(string), "{key}");
        }
        // Keys keep their text whatever their type.
        let root = parse("true: 1\n~: 2\n1.0: 3\n");
        assert_eq!(keys(&root), ["true", "~", "1.0"]);
    }

    #[test]
    fn block_scalars_span_their_content() {
        let text = "run: |\n  echo hi\n  echo there\n\nnext: >-\n  folded\n  text\nlast: |\n";
        let root = parse(text);
        let run = value(&root, "run");
        assert_eq!(run.as_str(), Some("echo hi\necho there\n"));
        assert_eq!(slice(text, run.span), "echo hi\n  echo there");
        let next = value(&root, "next");
        assert_eq!(next.as_str(), Some("folded text"));
        assert_eq!(slice(text, next.span), "folded\n  text");
        assert_eq!(value(&root, "last").as_str(), Some(""));
        let text = "a: !Sub |  # keep\n  ${X}\n";
        let root = parse(text);
        let NodeKind::Tagged { tag, value: inner } = &value(&root, "a").kind else {
            panic!("not tagged")
        };
        assert_eq!(tag, "!Sub");
        assert_eq!(inner.as_str(), Some("${X}\n"));
        assert_eq!(slice(text, inner.span), "${X}");
        assert_eq!(
            slice(text, value(&root, "a").span),
            "!Sub |  # keep\n  ${X}"
        );
    }

    #[test]
    fn sequence_spans_start_at_the_first_dash() {
        let text = "k:\n- a\n- b\nj:\n  - &x c\n  - - d\n    - e\nl: &s\n- f\n";
        let root = parse(text);
        assert_eq!(slice(text, value(&root, "k").span), "- a\n- b");
        let j = value(&root, "j");
        assert_eq!(slice(text, j.span), "- &x c\n  - - d\n    - e");
        assert_eq!(slice(text, items(j)[0].span), "c");
        assert_eq!(slice(text, items(j)[1].span), "- d\n    - e");
        assert_eq!(slice(text, value(&root, "l").span), "- f");
    }

    #[test]
    fn duplicate_keys_are_kept_with_their_spans() {
        let text = "sub: a\nother: 1\nsub: b\n";
        let root = parse(text);
        let entries = root.entries().unwrap();
        assert_eq!(keys(&root), ["sub", "other", "sub"]);
        assert_eq!(entries[0].key_span, Span::new(0, 3));
        assert_eq!(entries[2].key_span, Span::new(16, 19));
        assert_eq!(slice(text, entries[2].value.span), "b");
        assert_eq!(root.get("sub").unwrap().value.as_str(), Some("b"));
    }

    #[test]
    fn aliases_copy_the_anchored_node() {
        let text = "base: &b {x: 1}\nname: &n hello\nuse: *b\nagain: *n\nlist: [*n, *n]\n";
        let root = parse(text);
        let used = value(&root, "use");
        assert_eq!(used, value(&root, "base"));
        // The copy keeps the anchor's spans.
        assert_eq!(slice(text, used.span), "{x: 1}");
        assert_eq!(value(&root, "again").as_str(), Some("hello"));
        assert_eq!(slice(text, value(&root, "again").span), "hello");
        assert_eq!(items(value(&root, "list")).len(), 2);
        // An alias used as a key has its scalar's text and the alias's span.
        let text = "a: &k name\n*k : v\n";
        let root = parse(text);
        let entry = &root.entries().unwrap()[1];
        assert_eq!(entry.key, "name");
        assert_eq!(slice(text, entry.key_span), "*k");
        // A redefined anchor refers to its latest definition.
        let root = parse("a: &x 1\nb: *x\nc: &x 2\nd: *x\n");
        assert_eq!(value(&root, "b").kind, NodeKind::Number("1".into()));
        assert_eq!(value(&root, "d").kind, NodeKind::Number("2".into()));
    }

    #[test]
    fn merge_keys_put_merged_entries_first_and_let_own_keys_win() {
        let text =
            "defaults: &d\n  runs-on: ubuntu\n  timeout: 5\nextra: &e\n  env: x\n  timeout: 9\n\
                    job:\n  <<: *d\n  runs-on: windows\nboth:\n  <<: [*e, *d]\n  name: n\n";
        let root = parse(text);
        let job = value(&root, "job");
        assert_eq!(keys(job), ["timeout", "runs-on"]);
        assert_eq!(value(job, "runs-on").as_str(), Some("windows"));
        assert_eq!(value(job, "timeout").kind, NodeKind::Number("5".into()));
        assert_eq!(slice(text, job.span), "<<: *d\n  runs-on: windows");
        let both = value(&root, "both");
        // The first merged mapping wins over the second.
        assert_eq!(keys(both), ["env", "timeout", "runs-on", "name"]);
        assert_eq!(value(both, "timeout").kind, NodeKind::Number("9".into()));
        // A flow mapping merges too; a quoted "<<" is an ordinary key.
        let root = parse("m: {<<: {a: 1}, b: 2}\nq: {'<<': 1}\n");
        assert_eq!(keys(value(&root, "m")), ["a", "b"]);
        assert_eq!(keys(value(&root, "q")), ["<<"]);
        let err = parse_yaml("s: &s 1\nm:\n  <<: *s\n").unwrap_err();
        assert!(err.message.contains("merge key"), "{}", err.message);
        assert_eq!(err.span, Span::new(17, 19));
    }

    #[test]
    fn billion_laughs_fails_fast() {
        let mut text = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        for (prev, name) in ["a", "b", "c", "d", "e", "f", "g", "h"]
            .iter()
            .zip(["b", "c", "d", "e", "f", "g", "h", "i"])
        {
            let refs = vec![format!("*{prev}"); 9].join(",");
            text.push_str(&format!("{name}: &{name} [{refs}]\n"));
        }
        let started = std::time::Instant::now();
        let err = parse_yaml(&text).unwrap_err();
        assert!(started.elapsed() < std::time::Duration::from_millis(500));
        assert!(err.message.contains("alias bomb"), "{}", err.message);
        assert!(slice(&text, err.span).starts_with('*'), "{:?}", err.span);
    }

    #[test]
    fn nested_anchors_cannot_multiply_memory() {
        let mut text = String::new();
        for i in 0..200 {
            text.push_str(&format!("{}- &a{i}\n", "  ".repeat(i)));
        }
        text.push_str(&format!("{}- [{}]\n", "  ".repeat(200), "1,".repeat(2000)));
        text.push_str(&(0..200).map(|i| format!("- *a{i}\n")).collect::<String>());
        let err = parse_yaml(&text).unwrap_err();
        assert!(err.message.contains("alias bomb"), "{}", err.message);
    }

    #[test]
    fn recursive_alias_is_an_error() {
        let err = parse_yaml("a: &x [1, *x]\n").unwrap_err();
        assert!(err.message.contains("contains it"), "{}", err.message);
        assert_eq!(err.span, Span::new(10, 12));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        for text in [
            "[".repeat(100_000),
            "{a: ".repeat(100_000),
            "- ".repeat(100_000) + "x",
            // A `*` anywhere makes the anchor pass run over the same text.
            "- ".repeat(100_000) + "x # *",
        ] {
            assert!(parse_yaml(&text).is_err());
        }
        let err = parse_yaml(&("- ".repeat(300) + "x")).unwrap_err();
        assert!(err.message.contains("nesting"), "{}", err.message);
        assert_eq!(err.span.start, 2 * MAX_DEPTH);
        assert!(parse_yaml(&("- ".repeat(MAX_DEPTH) + "x")).is_ok());
        // An alias may not carry a deep value deeper than the limit.
        let deep = "[".repeat(200) + &"]".repeat(200);
        let text = format!("a: &d {deep}\nb: {}*d{}\n", "[".repeat(60), "]".repeat(60));
        let err = parse_yaml(&text).unwrap_err();
        assert!(err.message.contains("nesting limit"), "{}", err.message);
    }

    #[test]
    fn syntax_errors_point_at_the_problem() {
        for (text, at_line) in [
            ("a:\n\tb: 1\n", 2),
            ("a: 1\nb: \"unclosed\n", 2),
            ("a:\n  b: 1\n c: 2\n", 3),
            ("a: [1, 2\n", 2),
            ("é: *nothing\n", 1),
        ] {
            let err = parse_yaml(text).unwrap_err();
            let line = text[..err.span.start].matches('\n').count() + 1;
            assert_eq!(line, at_line, "{text:?}: {err:?}");
            assert!(text.is_char_boundary(err.span.start));
        }
    }

    #[test]
    fn documents_empty_and_multiple() {
        for empty in ["", "# only a comment\n", "\n\n"] {
            assert_eq!(
                parse(empty),
                Node {
                    kind: NodeKind::Null,
                    span: Span::new(0, 0)
                }
            );
        }
        let root = parse("a: 1\n---\nb: 2\n");
        assert_eq!(keys(&root), ["a"]);
        let root = parse("---\nname: x\n...\n--- [unclosed\n");
        assert_eq!(keys(&root), ["name"]);
    }

    #[test]
    fn tags() {
        let text =
            "s: !!str 123\ni: !!int 7\nb: !!bool nope\nr: !Ref MyRole\ng: !GetAtt [R, Arn]\n\
                    j: !Join\n  - ''\n  - [a, b]\nn: ! 12\nm: !!map {a: 1}\n";
        let root = parse(text);
        assert_eq!(value(&root, "s").as_str(), Some("123"));
        assert_eq!(slice(text, value(&root, "s").span), "123");
        assert_eq!(value(&root, "i").kind, NodeKind::Number("7".into()));
        assert_eq!(value(&root, "n").as_str(), Some("12"));
        assert!(value(&root, "m").entries().is_some());
        let tagged = |key: &str| match &value(&root, key).kind {
            NodeKind::Tagged { tag, value } => (tag.clone(), (**value).clone()),
            other => panic!("{key}: {other:?}"),
        };
        let (tag, inner) = tagged("r");
        assert_eq!((tag.as_str(), inner.as_str()), ("!Ref", Some("MyRole")));
        assert_eq!(slice(text, inner.span), "MyRole");
        assert_eq!(slice(text, value(&root, "r").span), "!Ref MyRole");
        let (tag, inner) = tagged("g");
        assert_eq!(tag, "!GetAtt");
        assert_eq!(slice(text, inner.span), "[R, Arn]");
        let (tag, inner) = tagged("j");
        assert_eq!(tag, "!Join");
        assert_eq!(items(&inner).len(), 2);
        assert_eq!(
            slice(text, value(&root, "j").span),
            "!Join\n  - ''\n  - [a, b]"
        );
        let (tag, inner) = tagged("b");
        assert_eq!(tag, "tag:yaml.org,2002:bool");
        assert_eq!(inner.as_str(), Some("nope"));
        assert_eq!(value(&root, "r").type_name(), "an unresolved YAML tag");
    }

    #[test]
    fn github_workflow() {
        let text = r#"name: deploy
on: {push: {branches: [main]}}
permissions:
  id-token: write
  contents: read
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Configure AWS
        uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: arn:aws:iam::123456789012:role/deploy
          aws-region: eu-west-1
      - run: |
          aws sts get-caller-identity
"#;
        let root = parse(text);
        assert_eq!(keys(&root), ["name", "on", "permissions", "jobs"]);
        let on = value(&root, "on");
        let branches = value(value(on, "push"), "branches");
        assert_eq!(slice(text, branches.span), "[main]");
        assert_eq!(items(branches)[0].as_str(), Some("main"));
        let permissions = value(&root, "permissions");
        assert_eq!(value(permissions, "id-token").as_str(), Some("write"));
        assert_eq!(
            slice(text, permissions.span),
            "id-token: write\n  contents: read"
        );
        let steps = items(value(value(value(&root, "jobs"), "deploy"), "steps"));
        assert_eq!(steps.len(), 3);
        assert_eq!(
            value(&steps[1], "uses").as_str(),
            Some("aws-actions/configure-aws-credentials@v4")
        );
        let with = value(&steps[1], "with");
        let role = with.get("role-to-assume").unwrap();
        assert_eq!(slice(text, role.key_span), "role-to-assume");
        assert_eq!(
            slice(text, role.value.span),
            "arn:aws:iam::123456789012:role/deploy"
        );
        assert_eq!(slice(text, steps[0].span), "uses: actions/checkout@v4");
        assert_eq!(
            value(&steps[2], "run").as_str(),
            Some("aws sts get-caller-identity\n")
        );
    }

    #[test]
    fn complex_keys_use_their_text() {
        let text = "? [a, b]\n: v\n{x: 1}: 2\n!Ref k: 3\n";
        let root = parse(text);
        let entries = root.entries().unwrap();
        assert_eq!(keys(&root), ["[a, b]", "{x: 1}", "!Ref k"]);
        for entry in entries {
            assert_eq!(slice(text, entry.key_span), entry.key);
        }
    }

    #[test]
    fn core_numbers() {
        for yes in [
            "0", "-1", "+7", "1.", "1.5e10", "2E+3", ".inf", "+.INF", "0xff", "0o7",
        ] {
            assert!(is_core_number(yes), "{yes}");
        }
        for no in [
            "", ".", "-", "1e", "0x", "0o8", "1.2.3", "+0x1", "e3", "inf", "1_0", "-.nan",
        ] {
            assert!(!is_core_number(no), "{no}");
        }
    }

    fn check_spans(text: &str, node: &Node) {
        let valid = |span: Span| {
            span.start <= span.end
                && span.end <= text.len()
                && text.is_char_boundary(span.start)
                && text.is_char_boundary(span.end)
        };
        let mut stack = vec![node];
        while let Some(node) = stack.pop() {
            assert!(valid(node.span), "{:?} in {text:?}", node.span);
            match &node.kind {
                NodeKind::Array(items) => stack.extend(items),
                NodeKind::Object(entries) => {
                    for entry in entries {
                        assert!(valid(entry.key_span), "{:?} in {text:?}", entry.key_span);
                        stack.push(&entry.value);
                    }
                }
                NodeKind::Tagged { value, .. } => stack.push(value),
                _ => {}
            }
        }
    }

    const TOKENS: &[&str] = &[
        "a", "b", "on", "1", "true", ":", ": ", "-", "- ", "[", "]", "{", "}", ", ", "&a ", "*a",
        "&b ", "*b", "!Ref ", "!!str ", "!!int ", "| ", ">- ", "'", "\"", " #c", "? ", "<<: ", "~",
        " ", "  ", "\n", "\r\n", "\t", "é", "🦀", "\n  ", "\n- ", "\n  - ", "---\n",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]

        #[test]
        fn never_panics_and_spans_are_valid(
            tokens in proptest::collection::vec(proptest::sample::select(TOKENS), 0..40)
        ) {
            let text = tokens.concat();
            if let Ok(node) = parse_yaml(&text) {
                check_spans(&text, &node);
            }
        }
    }
}
