//! Merge keys, tags and the typing of plain scalars by the YAML 1.2 core schema.

use super::YamlError;
use crate::source::json::{Node, NodeKind, ObjectEntry};
use crate::source::Span;
use saphyr_parser::Tag;
use std::borrow::Cow;
use std::collections::HashSet;

/// The entries of a mapping with its `<<` merges applied: merged entries first (earlier merged
/// mappings win over later ones), then the mapping's own, which win over all merged ones.
pub(super) fn merge(
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

pub(super) fn tagged(tag: String, value: Node, tag_start: usize) -> Node {
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
pub(super) enum TagKind {
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
    pub(super) fn of(tag: Option<&Tag>) -> TagKind {
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

    pub(super) fn name(&self) -> String {
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
pub(super) fn plain_kind(value: Cow<str>) -> NodeKind {
    match &*value {
        "" | "~" | "null" | "Null" | "NULL" => NodeKind::Null,
        "true" | "True" | "TRUE" => NodeKind::Bool(true),
        "false" | "False" | "FALSE" => NodeKind::Bool(false),
        v if is_core_number(v) => NodeKind::Number(value.into_owned()),
        _ => NodeKind::String(value.into_owned()),
    }
}

pub(super) fn is_core_number(s: &str) -> bool {
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
