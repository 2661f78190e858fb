//! Evaluation of a template node where the template alone decides it: parameters with a
//! `Default`, pseudo parameters and the template's providers; everything else stays symbolic.

use super::intrinsics::intrinsic;
use super::template::Template;
use super::PLACEHOLDER_ACCOUNT;
use crate::source::{Node, NodeKind, ObjectEntry, Span};
use crate::sources::unresolved;

pub(super) const MAX_DEPTH: usize = 64;

/// What a name (`Ref` target, `${...}` in `Fn::Sub`) stands for.
pub(super) enum Resolved {
    Value(Node),
    NoValue,
    /// A parameter without a default.
    OpenParameter(String),
    Unknown,
}

pub(super) struct Eval<'t, 'a> {
    pub(super) template: &'t Template<'a>,
    pub(super) notes: Vec<(Span, String)>,
    pub(super) depth: usize,
}

impl<'t, 'a> Eval<'t, 'a> {
    pub(super) fn new(template: &'t Template<'a>) -> Self {
        Eval {
            template,
            notes: Vec::new(),
            depth: 0,
        }
    }

    pub(super) fn note(&mut self, span: Span, note: String) {
        if !self.notes.iter().any(|(s, n)| *s == span && *n == note) {
            self.notes.push((span, note));
        }
    }

    pub(super) fn unresolved(&self, node: &Node) -> Node {
        unresolved(self.template.expression(node.span), node.span)
    }

    /// The value of a node with its intrinsics evaluated; `None` for `AWS::NoValue`.
    pub(super) fn value(&mut self, node: &Node) -> Option<Node> {
        if self.depth > MAX_DEPTH {
            return Some(self.unresolved(node));
        }
        self.depth += 1;
        let out = self.value_inner(node);
        self.depth -= 1;
        out
    }

    fn value_inner(&mut self, node: &Node) -> Option<Node> {
        if let Some((name, arg)) = intrinsic(node) {
            return self.call(&name, arg, node);
        }
        match &node.kind {
            NodeKind::Object(entries) => {
                let entries = entries
                    .iter()
                    .filter_map(|e| {
                        Some(ObjectEntry {
                            key: e.key.clone(),
                            key_span: e.key_span,
                            value: self.value(&e.value)?,
                        })
                    })
                    .collect();
                Some(Node {
                    kind: NodeKind::Object(entries),
                    span: node.span,
                })
            }
            NodeKind::Array(items) => {
                let mut out = Vec::new();
                for item in items {
                    let spliced = intrinsic(item).is_some();
                    match self.value(item) {
                        // A function that yields a list (`Fn::If`, `Fn::Split`) inside a list.
                        Some(Node {
                            kind: NodeKind::Array(inner),
                            ..
                        }) if spliced => out.extend(inner),
                        Some(value) => out.push(value),
                        None => {}
                    }
                }
                Some(Node {
                    kind: NodeKind::Array(out),
                    span: node.span,
                })
            }
            NodeKind::Tagged { .. } => Some(self.unresolved(node)),
            _ => Some(node.clone()),
        }
    }

    pub(super) fn string_node(&self, value: String, span: Span) -> Node {
        Node {
            kind: NodeKind::String(value),
            span,
        }
    }

    /// A node evaluated to a string (numbers and booleans as written).
    pub(super) fn string(&mut self, node: &Node) -> Option<String> {
        let value = self.value(node)?;
        self.scalar(&value)
    }

    pub(super) fn scalar(&self, node: &Node) -> Option<String> {
        match &node.kind {
            NodeKind::String(s) | NodeKind::Number(s) => Some(s.clone()),
            NodeKind::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// The parameter a `Ref` names when that parameter has no default.
    pub(super) fn open_parameter(&self, node: &Node) -> Option<String> {
        let (name, arg) = intrinsic(node)?;
        let target = arg.as_str()?;
        (name == "Ref"
            && self
                .template
                .parameters
                .get(target)
                .is_some_and(|p| p.default.is_none()))
        .then(|| target.to_string())
    }

    pub(super) fn note_open_parameter(&mut self, name: &str, span: Span) {
        let mut note = format!(
            "parameter `{name}` has no Default: analysed as the literal text `{name}` (what the pattern around it admits holds for any plain value)"
        );
        if let Some(permits) = self.permits(name) {
            note.push_str(&format!(" — {permits}"));
        }
        self.note(span, note);
    }

    /// What a parameter's AllowedValues / AllowedPattern permit, for a note.
    fn permits(&self, name: &str) -> Option<String> {
        let parameter = self.template.parameters.get(name)?;
        let mut parts = Vec::new();
        if let Some(NodeKind::Array(values)) = parameter.allowed_values.map(|v| &v.kind) {
            let listed: Vec<String> = values
                .iter()
                .filter_map(|v| self.scalar(v))
                .map(|v| format!("`{v}`"))
                .collect();
            parts.push(format!("AllowedValues permits {}", listed.join(", ")));
        }
        if let Some(pattern) = parameter.allowed_pattern {
            parts.push(format!("AllowedPattern permits `{pattern}`"));
        }
        (!parts.is_empty()).then(|| parts.join(", "))
    }

    pub(super) fn resolve_name(&mut self, name: &str, span: Span) -> Resolved {
        match name {
            "AWS::Partition" => return Resolved::Value(self.string_node("aws".into(), span)),
            "AWS::URLSuffix" => {
                return Resolved::Value(self.string_node("amazonaws.com".into(), span))
            }
            "AWS::AccountId" => {
                self.note(
                    span,
                    format!("AWS::AccountId is the stack's account: shown as the placeholder account {PLACEHOLDER_ACCOUNT}"),
                );
                return Resolved::Value(self.string_node(PLACEHOLDER_ACCOUNT.into(), span));
            }
            "AWS::NoValue" => return Resolved::NoValue,
            _ if name.starts_with("AWS::") => return Resolved::Unknown,
            _ => {}
        }
        let template = self.template;
        if let Some(parameter) = template.parameters.get(name) {
            let Some(default) = parameter.default else {
                return Resolved::OpenParameter(name.to_string());
            };
            let Some(mut value) = self.value(default) else {
                return Resolved::Unknown;
            };
            value.span = span;
            let shown = self
                .scalar(&value)
                .unwrap_or_else(|| template.expression(default.span));
            let mut note = format!("parameter `{name}` with its Default `{shown}`");
            if let Some(permits) = self.permits(name) {
                note.push_str(&format!(" — {permits}"));
            }
            self.note(span, note);
            return Resolved::Value(value);
        }
        if let Some(arn) = self.provider_arn(name, span) {
            return Resolved::Value(self.string_node(arn, span));
        }
        Resolved::Unknown
    }
}
