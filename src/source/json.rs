//! Strict JSON into a format-neutral tree of spanned nodes.
//!
//! jsonc-parser keeps a byte range on every node and, unlike serde_json, keeps duplicate object
//! keys visible — IAM silently drops one of two duplicate keys, so we must see both. Every JSONC
//! leniency is switched off: IAM accepts plain JSON only.

use super::Span;
use jsonc_parser::ast;
use jsonc_parser::{CollectOptions, ParseOptions};

/// A parsed value with the span of its source text. Other formats (YAML, HCL) can build the same
/// tree, so that the policy model is built from one representation.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Null,
    Bool(bool),
    /// The number as written: IAM compares condition values as strings.
    Number(String),
    String(String),
    Array(Vec<Node>),
    /// Entries in source order; duplicates are kept.
    Object(Vec<ObjectEntry>),
    /// A YAML value under a tag the reader does not resolve, such as CloudFormation's `!Ref` or
    /// `!Sub`: kept whole (tag as written, e.g. `!Ref`; value typed as if untagged) so that a
    /// CloudFormation reader can interpret it. Policy code treats it as an invalid value.
    Tagged {
        tag: String,
        value: Box<Node>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct ObjectEntry {
    pub key: String,
    pub key_span: Span,
    pub value: Node,
}

impl Node {
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn entries(&self) -> Option<&[ObjectEntry]> {
        match &self.kind {
            NodeKind::Object(entries) => Some(entries),
            _ => None,
        }
    }

    /// The last entry with this exact key — the one a JSON reader that drops duplicates keeps.
    pub fn get(&self, key: &str) -> Option<&ObjectEntry> {
        self.entries()?.iter().rev().find(|e| e.key == key)
    }

    /// A short name of the node's type for messages.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            NodeKind::Null => "null",
            NodeKind::Bool(_) => "a boolean",
            NodeKind::Number(_) => "a number",
            NodeKind::String(_) => "a string",
            NodeKind::Array(_) => "an array",
            NodeKind::Object(_) => "an object",
            NodeKind::Tagged { .. } => "an unresolved YAML tag",
        }
    }
}

/// A syntax error with the span it points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    pub message: String,
    pub span: Span,
}

pub fn parse_json(text: &str) -> Result<Node, JsonError> {
    let options = ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    // A UTF-8 byte order mark is accepted by IAM's console and by most editors.
    let (offset, body) = match text.strip_prefix('\u{feff}') {
        Some(rest) => (3, rest),
        None => (0, text),
    };
    let result =
        jsonc_parser::parse_to_ast(body, &CollectOptions::default(), &options).map_err(|err| {
            let range = err.range();
            JsonError {
                message: lowercase_first(&err.kind().to_string()),
                span: Span::new(range.start + offset, range.end.max(range.start) + offset),
            }
        })?;
    match result.value {
        Some(value) => Ok(convert(&value, offset)),
        None => Err(JsonError {
            message: "the file is empty: expected a JSON value".into(),
            span: Span::new(offset, offset),
        }),
    }
}

fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn span(range: jsonc_parser::common::Range, offset: usize) -> Span {
    Span::new(range.start + offset, range.end + offset)
}

fn convert(value: &ast::Value<'_>, offset: usize) -> Node {
    match value {
        ast::Value::StringLit(s) => Node {
            kind: NodeKind::String(s.value.to_string()),
            span: span(s.range, offset),
        },
        ast::Value::NumberLit(n) => Node {
            kind: NodeKind::Number(n.value.to_string()),
            span: span(n.range, offset),
        },
        ast::Value::BooleanLit(b) => Node {
            kind: NodeKind::Bool(b.value),
            span: span(b.range, offset),
        },
        ast::Value::NullKeyword(n) => Node {
            kind: NodeKind::Null,
            span: span(n.range, offset),
        },
        ast::Value::Array(a) => Node {
            kind: NodeKind::Array(a.elements.iter().map(|v| convert(v, offset)).collect()),
            span: span(a.range, offset),
        },
        ast::Value::Object(o) => Node {
            kind: NodeKind::Object(
                o.properties
                    .iter()
                    .map(|p| {
                        let (key, key_range) = match &p.name {
                            ast::ObjectPropName::String(s) => (s.value.to_string(), s.range),
                            ast::ObjectPropName::Word(w) => (w.value.to_string(), w.range),
                        };
                        ObjectEntry {
                            key,
                            key_span: span(key_range, offset),
                            value: convert(&p.value, offset),
                        }
                    })
                    .collect(),
            ),
            span: span(o.range, offset),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_duplicate_keys_and_spans() {
        let text = r#"{"a": 1, "a": "x"}"#;
        let node = parse_json(text).unwrap();
        let entries = node.entries().unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(
            &text[entries[1].key_span.start..entries[1].key_span.end],
            "\"a\""
        );
        assert_eq!(
            &text[entries[1].value.span.start..entries[1].value.span.end],
            "\"x\""
        );
        assert_eq!(node.get("a").unwrap().value.as_str(), Some("x"));
    }

    #[test]
    fn rejects_jsonc_leniencies() {
        for bad in [
            "{\"a\": 1,}",
            "// c\n{}",
            "{'a': 1}",
            "{a: 1}",
            "[0x10]",
            "[1 2]",
            "{} {}",
            "",
        ] {
            assert!(parse_json(bad).is_err(), "accepted {bad:?}");
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(100_000) + &"]".repeat(100_000);
        let err = parse_json(&text).unwrap_err();
        assert!(err.message.contains("nesting"), "{}", err.message);
    }

    #[test]
    fn bom_is_skipped_and_spans_stay_in_file_coordinates() {
        let text = "\u{feff}{\"k\": true}";
        let node = parse_json(text).unwrap();
        let v = &node.get("k").unwrap().value;
        assert_eq!(&text[v.span.start..v.span.end], "true");
    }
}
