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

mod builder;
mod scalars;
mod spans;

#[cfg(test)]
mod tests;

use self::builder::Builder;
use crate::source::json::{Node, NodeKind};
use crate::source::Span;
use saphyr_parser::{Event, Parser, ScanError};
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
