//! Evaluation of an HCL expression where the module decides it: literals, templates, variables
//! with a default, locals, iterators in scope and the data sources trustlint knows; everything
//! else stays symbolic ([`unresolved`]).

use super::module::{open_variable, Module};
use super::{policy_document_reference, span_of, traversal_path};
use crate::source::{parse_json, Node, NodeKind, ObjectEntry, Span};
use crate::sources::cloudformation::PLACEHOLDER_ACCOUNT;
use crate::sources::{respan, unresolved};
use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::template::{Element, Template};
use hcl_edit::Span as _;

const MAX_DEPTH: usize = 32;

pub(super) struct Eval<'m, 'a> {
    pub(super) module: &'m Module<'a>,
    pub(super) notes: Vec<(Span, String)>,
    depth: usize,
    /// `for` expression and `dynamic` block iterators in scope.
    pub(super) scope: Vec<(String, Node)>,
    /// Why a block of a policy document could not be rendered (a `dynamic` block over an
    /// unknown collection, a condition whose operator or key is unknown), at its place: the
    /// document would look tighter or looser than it is, so it is not judged.
    pub(super) undecided: Vec<(Span, String)>,
    /// What Terraform itself would reject (an unknown argument or block, a missing required
    /// argument), each at its key.
    pub(super) problems: Vec<(Span, String)>,
}

impl<'m, 'a> Eval<'m, 'a> {
    pub(super) fn new(module: &'m Module<'a>) -> Self {
        Eval {
            module,
            notes: Vec::new(),
            depth: 0,
            scope: Vec::new(),
            undecided: Vec::new(),
            problems: Vec::new(),
        }
    }

    pub(super) fn note(&mut self, span: Span, note: String) {
        if !self.notes.iter().any(|(s, n)| *s == span && *n == note) {
            self.notes.push((span, note));
        }
    }

    pub(super) fn unresolved(&self, span: Span) -> Node {
        unresolved(self.module.expression(span), span)
    }

    pub(super) fn string_node(value: String, span: Span) -> Node {
        Node {
            kind: NodeKind::String(value),
            span,
        }
    }

    /// The policy document an `assume_role_policy` expression gives.
    pub(super) fn document(&mut self, expr: &Expression) -> Node {
        let span = span_of(expr, Span::default());
        if let Some(name) = policy_document_reference(expr) {
            let module = self.module;
            return match module.documents.iter().find(|(n, _)| *n == name) {
                Some((_, block)) => self.policy_document(block, span),
                None => self.unresolved(span),
            };
        }
        if let Expression::HeredocTemplate(heredoc) = expr {
            return self.heredoc_json(heredoc.template.span(), span);
        }
        let value = self.value(expr);
        match &value.kind {
            // A JSON string (a quoted literal, or a local holding one).
            NodeKind::String(json) => match parse_json(json) {
                Ok(parsed) => respan(&parsed, value.span),
                Err(_) => self.unresolved(span),
            },
            _ => value,
        }
    }

    /// A heredoc of JSON: parsed from the file text itself, so that every node keeps its span;
    /// `${...}` interpolations inside its strings are then evaluated.
    fn heredoc_json(&mut self, body: Option<std::ops::Range<usize>>, whole: Span) -> Node {
        let Some(body) = body else {
            return self.unresolved(whole);
        };
        let Some(text) = self.module.text.get(body.clone()) else {
            return self.unresolved(whole);
        };
        match parse_json(text) {
            Ok(parsed) => {
                let shifted = shift(&parsed, body.start);
                self.interpolate_strings(&shifted)
            }
            Err(_) => self.unresolved(whole),
        }
    }

    fn interpolate_strings(&mut self, node: &Node) -> Node {
        let kind = match &node.kind {
            NodeKind::String(s) if s.contains("${") || s.contains("%{") => {
                return match hcl_edit::parser::parse_template(s) {
                    Ok(template) => self.template(&template, node.span),
                    Err(_) => self.unresolved(node.span),
                };
            }
            NodeKind::Array(items) => {
                NodeKind::Array(items.iter().map(|i| self.interpolate_strings(i)).collect())
            }
            NodeKind::Object(entries) => NodeKind::Object(
                entries
                    .iter()
                    .map(|e| ObjectEntry {
                        key: e.key.clone(),
                        key_span: e.key_span,
                        value: self.interpolate_strings(&e.value),
                    })
                    .collect(),
            ),
            other => other.clone(),
        };
        Node {
            kind,
            span: node.span,
        }
    }

    pub(super) fn string(&mut self, expr: &Expression) -> Option<String> {
        scalar(&self.value(expr))
    }

    pub(super) fn value(&mut self, expr: &Expression) -> Node {
        let span = span_of(expr, Span::default());
        if self.depth > MAX_DEPTH {
            return self.unresolved(span);
        }
        self.depth += 1;
        let out = self.value_inner(expr, span);
        self.depth -= 1;
        out
    }

    fn value_inner(&mut self, expr: &Expression, span: Span) -> Node {
        let node = |kind| Node { kind, span };
        match expr {
            Expression::Null(_) => node(NodeKind::Null),
            Expression::Bool(b) => node(NodeKind::Bool(*b.value())),
            Expression::Number(n) => node(NodeKind::Number(n.value().to_string())),
            Expression::String(s) => node(NodeKind::String(s.value().clone())),
            Expression::Array(array) => node(NodeKind::Array(
                array.iter().map(|e| self.value(e)).collect(),
            )),
            Expression::Object(object) => {
                let mut entries = Vec::new();
                for (key, value) in object.iter() {
                    let (name, key_span) = match key {
                        ObjectKey::Ident(ident) => {
                            (Some(ident.as_str().to_string()), span_of(ident, span))
                        }
                        ObjectKey::Expression(e) => (self.string(e), span_of(e, span)),
                    };
                    let Some(name) = name else {
                        return self.unresolved(span);
                    };
                    entries.push(ObjectEntry {
                        key: name,
                        key_span,
                        value: self.value(value.expr()),
                    });
                }
                node(NodeKind::Object(entries))
            }
            Expression::StringTemplate(template) => self.template(template, span),
            Expression::HeredocTemplate(heredoc) => self.template(&heredoc.template, span),
            Expression::Parenthesis(inner) => {
                let mut value = self.value(inner.inner());
                value.span = span;
                value
            }
            Expression::Variable(name) => {
                match self.scope.iter().rev().find(|(n, _)| n == name.as_str()) {
                    Some((_, value)) => respan(value, span),
                    None => self.unresolved(span),
                }
            }
            Expression::Traversal(_) => self.traversal(expr, span),
            Expression::Conditional(conditional) => match self.value(&conditional.cond_expr).kind {
                NodeKind::Bool(true) => self.value(&conditional.true_expr),
                NodeKind::Bool(false) => self.value(&conditional.false_expr),
                _ => self.unresolved(span),
            },
            Expression::FuncCall(call) => self.call(call, span),
            Expression::BinaryOp(_) | Expression::UnaryOp(_) => self
                .operation(expr, span)
                .unwrap_or_else(|| self.unresolved(span)),
            Expression::ForExpr(for_expr) => {
                if for_expr.key_expr.is_some()
                    || for_expr.cond.is_some()
                    || for_expr.intro.key_var.is_some()
                {
                    return self.unresolved(span);
                }
                let NodeKind::Array(items) = self.value(&for_expr.intro.collection_expr).kind
                else {
                    return self.unresolved(span);
                };
                let variable = for_expr.intro.value_var.as_str().to_string();
                let mut out = Vec::new();
                for item in items {
                    // An element of a module call's argument keeps its place in the call.
                    let place = if super::calls::from_caller(item.span) {
                        item.span
                    } else {
                        span
                    };
                    self.scope.push((variable.clone(), item));
                    let mut value = self.value(&for_expr.value_expr);
                    self.scope.pop();
                    value.span = place;
                    out.push(value);
                }
                node(NodeKind::Array(out))
            }
        }
    }

    fn template(&mut self, template: &Template, span: Span) -> Node {
        let elements: Vec<&Element> = template.iter().collect();
        // A template that is one interpolation of an unknown value is that unknown value.
        if let [Element::Interpolation(only)] = elements.as_slice() {
            let value = self.value(&only.expr);
            return match scalar(&value) {
                Some(s) => Self::string_node(s, span),
                None => self.unresolved(span),
            };
        }
        let mut out = String::new();
        for (i, element) in elements.iter().enumerate() {
            match element {
                Element::Literal(literal) => out.push_str(literal.value()),
                Element::Interpolation(interpolation) => {
                    let value = self.value(&interpolation.expr);
                    if let Some(s) = scalar(&value) {
                        out.push_str(&s);
                        continue;
                    }
                    let Some((what, name)) = placeholder_name(&interpolation.expr, self.module)
                    else {
                        return self.unresolved(span);
                    };
                    // Right after `repo:` and not followed by `/NAME`, it stands for the whole
                    // `OWNER/REPO`.
                    let next_is_repo = matches!(elements.get(i + 1), Some(Element::Literal(l)) if l.value().starts_with('/'));
                    let shown = if out.ends_with("repo:") && !next_is_repo {
                        format!("{name}/{name}")
                    } else {
                        name
                    };
                    self.note(
                        span,
                        format!("{what}: analysed as `{shown}`, a name GitHub allows (what the pattern around it admits holds for any plain value)"),
                    );
                    out.push_str(&shown);
                }
                Element::Directive(_) => return self.unresolved(span),
            }
        }
        Self::string_node(out, span)
    }

    pub(super) fn traversal(&mut self, expr: &Expression, span: Span) -> Node {
        let Some(path) = traversal_path(expr) else {
            return self.unresolved(span);
        };
        let path: Vec<&str> = path.iter().map(String::as_str).collect();
        // An iterator in scope: `condition.value`, `subject.name`.
        if let Some((_, bound)) = self.scope.iter().rev().find(|(n, _)| n == path[0]) {
            let mut value = bound.clone();
            for attribute in &path[1..] {
                match value.get(attribute) {
                    Some(e) => value = e.value.clone(),
                    None => return self.unresolved(span),
                }
            }
            return value;
        }
        let module = self.module;
        match path.as_slice() {
            ["var", name] if module.assigned.contains_key(*name) => {
                let (value, file, keep) = &module.assigned[*name];
                match scalar(value) {
                    Some(shown) => {
                        self.note(span, format!("variable `{name}` = `{shown}` from {file}"))
                    }
                    None => self.note(span, format!("variable `{name}` from {file}")),
                }
                if *keep {
                    value.clone()
                } else {
                    respan(value, span)
                }
            }
            ["var", name] => match module.variables.get(*name) {
                Some(definition) => {
                    let value = self.value(definition.expr);
                    if let Some(shown) = scalar(&value) {
                        self.note(
                            span,
                            format!("variable `{name}` with its default `{shown}`"),
                        );
                    } else {
                        self.note(span, format!("variable `{name}` with its default"));
                    }
                    if definition.here {
                        value
                    } else {
                        respan(&value, span)
                    }
                }
                None => self.unresolved(span),
            },
            ["local", name] => match module.locals.get(*name) {
                Some(definition) => {
                    let value = self.value(definition.expr);
                    if definition.here {
                        value
                    } else {
                        respan(&value, span)
                    }
                }
                None => self.unresolved(span),
            },
            ["data", "aws_partition", _, "partition"] => Self::string_node("aws".into(), span),
            ["data", "aws_partition", _, "dns_suffix"] => {
                Self::string_node("amazonaws.com".into(), span)
            }
            ["data", "aws_caller_identity", _, "account_id"] => {
                self.note(span, format!("the caller's account: shown as the placeholder account {PLACEHOLDER_ACCOUNT}"));
                Self::string_node(PLACEHOLDER_ACCOUNT.into(), span)
            }
            ["aws_iam_openid_connect_provider", name, "arn"] => {
                let Some(block) = module.providers.get(*name) else {
                    return self.unresolved(span);
                };
                let Some(url) = block
                    .body
                    .get_attribute("url")
                    .and_then(|u| self.string(&u.value))
                else {
                    return self.unresolved(span);
                };
                self.note(span, format!("the provider's account: shown as the placeholder account {PLACEHOLDER_ACCOUNT}"));
                Self::string_node(
                    format!(
                        "arn:aws:iam::{PLACEHOLDER_ACCOUNT}:oidc-provider/{}",
                        crate::policy::strip_scheme(&url)
                    ),
                    span,
                )
            }
            _ => self.unresolved(span),
        }
    }
}

fn scalar(node: &Node) -> Option<String> {
    match &node.kind {
        NodeKind::String(s) | NodeKind::Number(s) => Some(s.clone()),
        NodeKind::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The tree with every span moved by `offset` bytes.
fn shift(node: &Node, offset: usize) -> Node {
    let move_span = |s: Span| Span::new(s.start + offset, s.end + offset);
    let kind = match &node.kind {
        NodeKind::Array(items) => NodeKind::Array(items.iter().map(|i| shift(i, offset)).collect()),
        NodeKind::Object(entries) => NodeKind::Object(
            entries
                .iter()
                .map(|e| ObjectEntry {
                    key: e.key.clone(),
                    key_span: move_span(e.key_span),
                    value: shift(&e.value, offset),
                })
                .collect(),
        ),
        other => other.clone(),
    };
    Node {
        kind,
        span: move_span(node.span),
    }
}

/// The variable without a default an interpolation is, and the placeholder that stands for
/// it: its name in letters, digits and hyphens only, which GitHub allows in owners,
/// repositories, branches and environments alike (a name with `_`, which no owner may have,
/// would make every pattern around it match nothing, and every subject rule silent).
fn placeholder_name(expr: &Expression, module: &Module<'_>) -> Option<(String, String)> {
    let variable = open_variable(expr, module)?;
    let mut name: String = variable
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .trim_matches('-')
        .to_string();
    if name.is_empty() {
        name = "value".to_string();
    }
    Some((format!("variable `{variable}` has no default"), name))
}
