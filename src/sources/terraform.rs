//! Terraform (`.tf`): the `assume_role_policy` of every `aws_iam_role` — `jsonencode({...})`, a
//! heredoc of JSON, or `data.aws_iam_policy_document.X.json` — and the `client_id_list` of every
//! `aws_iam_openid_connect_provider`.
//!
//! Read with `hcl-edit`, the HCL parser of the maintained hcl-rs project, because it keeps the
//! byte span of every expression (the `hcl-rs` value model does not). Expressions are evaluated
//! where the module decides them: variables with a `default` (looked up in the other `.tf` files
//! of the directory too, as Terraform loads a module), `locals`, string templates, `replace`,
//! `concat`, `tolist`/`toset`, `jsonencode`, `for` expressions over known lists, conditionals on
//! known booleans, `data.aws_partition.*.partition` (`aws`), `data.aws_caller_identity.*.account_id`
//! (the placeholder account, noted) and the ARN of a provider of the file. Everything else stays
//! symbolic, as in CloudFormation; a variable without a default inside a string stands for its
//! name, with a note. `dynamic` blocks are not expanded.

use super::cloudformation::PLACEHOLDER_ACCOUNT;
use super::{respan, unresolved, EmbeddedPolicy, OidcProviderDecl};
use crate::source::{parse_json, Node, NodeKind, ObjectEntry, Span, Spanned};
use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::structure::{Block, Body};
use hcl_edit::template::{Element, Template};
use hcl_edit::Span as _;
use std::collections::HashMap;

const MAX_DEPTH: usize = 32;

/// A cheap test of a `.tf` file's text before parsing it.
pub fn may_hold_roles(text: &str) -> bool {
    text.contains("aws_iam_role") || text.contains("aws_iam_openid_connect_provider")
}

/// Parses a file; `Err` with a message and span when HCL does not parse.
pub fn parse(text: &str) -> Result<Body, (String, Span)> {
    hcl_edit::parser::parse_body(text).map_err(|e| {
        let location = e.location();
        // The error knows its line and column; find the byte offset.
        let offset = text
            .split_inclusive('\n')
            .take(location.line().saturating_sub(1))
            .map(str::len)
            .sum::<usize>()
            + location.column().saturating_sub(1);
        let offset = offset.min(text.len());
        (e.message().to_string(), Span::new(offset, offset))
    })
}

/// The roles' trust policies and the OIDC providers of a file. `siblings` are the bodies of the
/// other `.tf` files of the module, for variables and locals.
pub fn extract(
    label_path: &str,
    text: &str,
    body: &Body,
    siblings: &[Body],
) -> (Vec<EmbeddedPolicy>, Vec<OidcProviderDecl>) {
    let module = Module::new(text, body, siblings);
    let mut policies = Vec::new();
    let mut providers = Vec::new();
    let mut referenced = Vec::new();
    for block in body.blocks() {
        let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
        match (block.ident.as_str(), labels.as_slice()) {
            ("resource", ["aws_iam_role", name]) => {
                let Some(attribute) = block.body.get_attribute("assume_role_policy") else {
                    continue;
                };
                if let Some(doc) = policy_document_reference(&attribute.value) {
                    referenced.push(doc);
                }
                let mut eval = Eval::new(&module);
                let document = eval.document(&attribute.value);
                if eval.incomplete || super::unresolved_expression(&document).is_some() {
                    continue;
                }
                let role_name = block
                    .body
                    .get_attribute("name")
                    .and_then(|a| a.value.as_str())
                    .map(str::to_string);
                policies.push(EmbeddedPolicy {
                    label: format!("{label_path}: aws_iam_role.{name}"),
                    role_name,
                    role_span: span_of(&block.labels[1], span_of(block, Span::default())),
                    document,
                    notes: eval.notes,
                });
            }
            ("resource", ["aws_iam_openid_connect_provider", name]) => {
                let mut eval = Eval::new(&module);
                let issuer = block
                    .body
                    .get_attribute("url")
                    .and_then(|u| eval.string(&u.value))
                    .map(|u| crate::policy::strip_scheme(&u).to_string());
                let Some(list) = block.body.get_attribute("client_id_list") else {
                    continue;
                };
                let client_ids = match eval.value(&list.value).kind {
                    NodeKind::Array(items) => items
                        .iter()
                        .filter_map(|i| i.as_str().map(|s| Spanned::new(s.to_string(), i.span)))
                        .collect(),
                    _ => Vec::new(),
                };
                providers.push(OidcProviderDecl {
                    label: format!("aws_iam_openid_connect_provider.{name}"),
                    issuer,
                    client_ids,
                    span: span_of(&list.key, Span::default()),
                });
            }
            _ => {}
        }
    }
    // A trust-policy document no role of the file uses (the role is in another file, or in a
    // calling module): analysed on its own when it is about assuming a role.
    for (name, block) in &module.documents {
        if referenced.iter().any(|r| r == name) || !assumes_role(block) {
            continue;
        }
        let mut eval = Eval::new(&module);
        let document = eval.policy_document(block, span_of(*block, Span::default()));
        if eval.incomplete {
            continue;
        }
        policies.push(EmbeddedPolicy {
            label: format!("{label_path}: data.aws_iam_policy_document.{name}"),
            role_name: None,
            role_span: span_of(*block, Span::default()),
            document,
            notes: eval.notes,
        });
    }
    policies.sort_by_key(|p| p.role_span.start);
    (policies, providers)
}

fn span_of(item: &impl hcl_edit::Span, fallback: Span) -> Span {
    item.span()
        .map(|r| Span::new(r.start, r.end))
        .unwrap_or(fallback)
}

/// `data.aws_iam_policy_document.NAME.json` (with any index) -> NAME.
fn policy_document_reference(expr: &Expression) -> Option<String> {
    let path = traversal_path(expr)?;
    match path.as_slice() {
        [data, kind, name, json]
            if data == "data" && kind == "aws_iam_policy_document" && json == "json" =>
        {
            Some(name.clone())
        }
        _ => None,
    }
}

/// The attribute names of a traversal (`var.x`, `data.t.n.json`), indexes skipped.
fn traversal_path(expr: &Expression) -> Option<Vec<String>> {
    let Expression::Traversal(traversal) = expr else {
        return None;
    };
    let Expression::Variable(root) = &traversal.expr else {
        return None;
    };
    let mut path = vec![root.as_str().to_string()];
    for operator in &traversal.operators {
        match operator.value() {
            TraversalOperator::GetAttr(name) => path.push(name.as_str().to_string()),
            TraversalOperator::Index(_) | TraversalOperator::LegacyIndex(_) => {}
            _ => return None,
        }
    }
    Some(path)
}

/// True when a policy document's statements are about assuming a role (an `sts:AssumeRole…`
/// action and a `principals` block).
fn assumes_role(block: &Block) -> bool {
    block.body.get_blocks("statement").any(|s| {
        s.body.get_blocks("principals").next().is_some()
            && s.body.get_attribute("actions").is_some_and(|a| {
                let text = format!("{}", a.value);
                text.contains("sts:AssumeRole")
            })
    })
}

struct Definition<'a> {
    expr: &'a Expression,
    /// Declared in the scanned file (its spans are the file's) rather than a sibling file.
    here: bool,
}

struct Module<'a> {
    text: &'a str,
    variables: HashMap<String, Definition<'a>>,
    locals: HashMap<String, Definition<'a>>,
    documents: Vec<(String, &'a Block)>,
    providers: HashMap<String, &'a Block>,
}

impl<'a> Module<'a> {
    fn new(text: &'a str, body: &'a Body, siblings: &'a [Body]) -> Self {
        let mut module = Module {
            text,
            variables: HashMap::new(),
            locals: HashMap::new(),
            documents: Vec::new(),
            providers: HashMap::new(),
        };
        for (here, body) in std::iter::once((true, body)).chain(siblings.iter().map(|b| (false, b)))
        {
            for block in body.blocks() {
                let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
                match (block.ident.as_str(), labels.as_slice()) {
                    ("variable", [name]) => {
                        if let Some(default) = block.body.get_attribute("default") {
                            module
                                .variables
                                .entry(name.to_string())
                                .or_insert(Definition {
                                    expr: &default.value,
                                    here,
                                });
                        }
                    }
                    ("locals", []) => {
                        for attribute in block.body.attributes() {
                            module
                                .locals
                                .entry(attribute.key.as_str().to_string())
                                .or_insert(Definition {
                                    expr: &attribute.value,
                                    here,
                                });
                        }
                    }
                    ("data", ["aws_iam_policy_document", name]) if here => {
                        module.documents.push((name.to_string(), block));
                    }
                    ("resource", ["aws_iam_openid_connect_provider", name]) if here => {
                        module.providers.insert(name.to_string(), block);
                    }
                    _ => {}
                }
            }
        }
        module
    }

    fn expression(&self, span: Span) -> String {
        let text = self.text.get(span.start..span.end).unwrap_or("");
        let mut one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if one_line.chars().count() > 80 {
            one_line = one_line.chars().take(77).collect::<String>() + "...";
        }
        one_line
    }
}

struct Eval<'m, 'a> {
    module: &'m Module<'a>,
    notes: Vec<(Span, String)>,
    depth: usize,
    /// `for` expression and `dynamic` block iterators in scope.
    scope: Vec<(String, Node)>,
    /// Set when a block of a policy document could not be rendered (a `dynamic` block over an
    /// unknown collection, a condition whose operator or key is unknown): the document would
    /// look tighter or looser than it is, so it is not analysed.
    incomplete: bool,
}

impl<'m, 'a> Eval<'m, 'a> {
    fn new(module: &'m Module<'a>) -> Self {
        Eval {
            module,
            notes: Vec::new(),
            depth: 0,
            scope: Vec::new(),
            incomplete: false,
        }
    }

    fn note(&mut self, span: Span, note: String) {
        if !self.notes.iter().any(|(s, n)| *s == span && *n == note) {
            self.notes.push((span, note));
        }
    }

    fn unresolved(&self, span: Span) -> Node {
        unresolved(self.module.expression(span), span)
    }

    fn string_node(value: String, span: Span) -> Node {
        Node {
            kind: NodeKind::String(value),
            span,
        }
    }

    /// The policy document an `assume_role_policy` expression gives.
    fn document(&mut self, expr: &Expression) -> Node {
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

    /// `data "aws_iam_policy_document"` as the JSON document it renders.
    fn policy_document(&mut self, block: &Block, span: Span) -> Node {
        let block_span = span_of(block, span);
        let mut entries = Vec::new();
        let version = match block.body.get_attribute("version") {
            Some(v) => self.value(&v.value),
            None => Self::string_node("2012-10-17".into(), block_span),
        };
        entries.push(entry("Version", block_span, version));
        let mut statements = Vec::new();
        for (statement, binding) in self.expand(&block.body, "statement") {
            self.scope.extend(binding.clone());
            statements.push(self.statement(statement));
            self.scope
                .truncate(self.scope.len() - usize::from(binding.is_some()));
        }
        entries.push(entry(
            "Statement",
            block_span,
            Node {
                kind: NodeKind::Array(statements),
                span: block_span,
            },
        ));
        Node {
            kind: NodeKind::Object(entries),
            span: block_span,
        }
    }

    fn statement(&mut self, block: &Block) -> Node {
        let span = span_of(block, Span::default());
        let mut entries = Vec::new();
        let attribute = |name: &str| block.body.get_attribute(name);
        if let Some(sid) = attribute("sid") {
            let value = self.value(&sid.value);
            entries.push(entry("Sid", span_of(&sid.key, span), value));
        }
        match attribute("effect") {
            Some(effect) => {
                let value = self.value(&effect.value);
                entries.push(entry("Effect", span_of(&effect.key, span), value));
            }
            // The data source's default.
            None => entries.push(entry(
                "Effect",
                span,
                Self::string_node("Allow".into(), span),
            )),
        }
        for (hcl, json) in [
            ("principals", "Principal"),
            ("not_principals", "NotPrincipal"),
        ] {
            let mut by_type: Vec<ObjectEntry> = Vec::new();
            let mut key_span = None;
            for (principals, binding) in self.expand(&block.body, hcl) {
                key_span.get_or_insert(span_of(&principals.ident, span));
                self.scope.extend(binding.clone());
                let pushed = usize::from(binding.is_some());
                let kind = principals
                    .body
                    .get_attribute("type")
                    .and_then(|t| self.string(&t.value));
                let (Some(kind), Some(type_attribute), Some(identifiers)) = (
                    kind,
                    principals.body.get_attribute("type"),
                    principals.body.get_attribute("identifiers"),
                ) else {
                    self.incomplete = true;
                    self.scope.truncate(self.scope.len() - pushed);
                    continue;
                };
                let values = self.value(&identifiers.value);
                self.scope.truncate(self.scope.len() - pushed);
                merge_list(
                    &mut by_type,
                    &kind,
                    span_of(&type_attribute.value, span),
                    values,
                );
            }
            if let Some(key_span) = key_span {
                // `type = "*"` with `identifiers = ["*"]` renders as `"Principal": "*"`.
                let wildcard = by_type.len() == 1
                    && by_type[0].key == "*"
                    && matches!(&by_type[0].value.kind, NodeKind::Array(v) if v.iter().all(|i| i.as_str() == Some("*")));
                let value = if wildcard {
                    Self::string_node("*".into(), by_type[0].value.span)
                } else {
                    Node {
                        kind: NodeKind::Object(by_type),
                        span: key_span,
                    }
                };
                entries.push(entry(json, key_span, value));
            }
        }
        for (hcl, json) in [("actions", "Action"), ("not_actions", "NotAction")] {
            if let Some(actions) = attribute(hcl) {
                let value = self.value(&actions.value);
                entries.push(entry(json, span_of(&actions.key, span), value));
            }
        }
        let mut operators: Vec<ObjectEntry> = Vec::new();
        let mut condition_span = None;
        for (condition, binding) in self.expand(&block.body, "condition") {
            condition_span.get_or_insert(span_of(&condition.ident, span));
            let pushed = usize::from(binding.is_some());
            self.scope.extend(binding);
            let get = |name: &str| condition.body.get_attribute(name);
            let (Some(test), Some(variable), Some(values)) =
                (get("test"), get("variable"), get("values"))
            else {
                self.incomplete = true;
                self.scope.truncate(self.scope.len() - pushed);
                continue;
            };
            let (Some(test_name), Some(variable_name)) =
                (self.string(&test.value), self.string(&variable.value))
            else {
                self.incomplete = true;
                self.scope.truncate(self.scope.len() - pushed);
                continue;
            };
            let values = self.value(&values.value);
            self.scope.truncate(self.scope.len() - pushed);
            let test_span = span_of(&test.value, span);
            let variable_span = span_of(&variable.value, span);
            let position = operators.iter().position(|o| o.key == test_name);
            let index = match position {
                Some(i) => i,
                None => {
                    operators.push(entry(
                        &test_name,
                        test_span,
                        Node {
                            kind: NodeKind::Object(Vec::new()),
                            span: test_span,
                        },
                    ));
                    operators.len() - 1
                }
            };
            let NodeKind::Object(keys) = &mut operators[index].value.kind else {
                continue;
            };
            merge_list(keys, &variable_name, variable_span, values);
        }
        if let Some(condition_span) = condition_span {
            entries.push(entry(
                "Condition",
                condition_span,
                Node {
                    kind: NodeKind::Object(operators),
                    span: condition_span,
                },
            ));
        }
        Node {
            kind: NodeKind::Object(entries),
            span,
        }
    }

    /// The `name` blocks of a body: the static ones, and the `content` of each `dynamic "name"`
    /// block once per element of its `for_each` (with the iterator to bind as `{key, value}`).
    /// A `dynamic` block over an unknown collection makes the document incomplete.
    fn expand<'b>(
        &mut self,
        body: &'b Body,
        name: &str,
    ) -> Vec<(&'b Block, Option<(String, Node)>)> {
        let mut out = Vec::new();
        for block in body.blocks() {
            if block.ident.as_str() == name && block.labels.is_empty() {
                out.push((block, None));
                continue;
            }
            let is_dynamic = block.ident.as_str() == "dynamic"
                && block.labels.len() == 1
                && block.labels[0].as_str() == name;
            if !is_dynamic {
                continue;
            }
            let content = block.body.get_blocks("content").next();
            let for_each = block
                .body
                .get_attribute("for_each")
                .map(|a| self.value(&a.value));
            let iterator = match block.body.get_attribute("iterator").map(|a| &a.value) {
                Some(Expression::Variable(v)) => v.as_str().to_string(),
                Some(_) => {
                    self.incomplete = true;
                    continue;
                }
                None => name.to_string(),
            };
            let items: Vec<(Node, Node)> = match for_each.map(|v| v.kind) {
                Some(NodeKind::Array(items)) => items
                    .into_iter()
                    .enumerate()
                    .map(|(i, item)| {
                        (
                            Node {
                                kind: NodeKind::Number(i.to_string()),
                                span: item.span,
                            },
                            item,
                        )
                    })
                    .collect(),
                Some(NodeKind::Object(entries)) => entries
                    .into_iter()
                    .map(|e| (Self::string_node(e.key, e.key_span), e.value))
                    .collect(),
                _ => {
                    self.incomplete = true;
                    continue;
                }
            };
            let Some(content) = content else {
                self.incomplete = true;
                continue;
            };
            for (key, value) in items {
                let span = value.span;
                let binding = Node {
                    kind: NodeKind::Object(vec![
                        entry("key", key.span, key),
                        entry("value", span, value),
                    ]),
                    span,
                };
                out.push((content, Some((iterator.clone(), binding))));
            }
        }
        out
    }

    fn string(&mut self, expr: &Expression) -> Option<String> {
        scalar(&self.value(expr))
    }

    fn value(&mut self, expr: &Expression) -> Node {
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
                    self.scope.push((variable.clone(), item));
                    let mut value = self.value(&for_expr.value_expr);
                    self.scope.pop();
                    value.span = span;
                    out.push(value);
                }
                node(NodeKind::Array(out))
            }
            _ => self.unresolved(span),
        }
    }

    fn template(&mut self, template: &Template, span: Span) -> Node {
        let mut out = String::new();
        for element in template.iter() {
            match element {
                Element::Literal(literal) => out.push_str(literal.value()),
                Element::Interpolation(interpolation) => {
                    let value = self.value(&interpolation.expr);
                    match scalar(&value) {
                        Some(s) => out.push_str(&s),
                        None => match open_variable(&interpolation.expr, self.module) {
                            Some(name) => {
                                self.note(
                                    span,
                                    format!("variable `{name}` has no default: analysed as the literal text `{name}` (what the pattern around it admits holds for any plain value)"),
                                );
                                out.push_str(&name);
                            }
                            None => return self.unresolved(span),
                        },
                    }
                }
                Element::Directive(_) => return self.unresolved(span),
            }
        }
        Self::string_node(out, span)
    }

    fn call(&mut self, call: &hcl_edit::expr::FuncCall, span: Span) -> Node {
        let args: Vec<&Expression> = call.args.iter().collect();
        let name = call.name.name.as_str();
        if !call.name.namespace.is_empty() {
            return self.unresolved(span);
        }
        match (name, args.as_slice()) {
            ("jsonencode" | "tolist" | "toset", [arg]) => {
                let mut value = self.value(arg);
                if name != "jsonencode" {
                    value.span = span;
                }
                value
            }
            ("replace", [string, search, replacement]) => {
                let (Some(s), Some(f), Some(r)) = (
                    self.string(string),
                    self.string(search),
                    self.string(replacement),
                ) else {
                    return self.unresolved(span);
                };
                // `/…/` searches are regular expressions: not evaluated.
                if f.len() > 1 && f.starts_with('/') && f.ends_with('/') {
                    return self.unresolved(span);
                }
                Self::string_node(s.replace(&f, &r), span)
            }
            ("concat", lists) => {
                let mut out = Vec::new();
                for list in lists {
                    match self.value(list).kind {
                        NodeKind::Array(items) => out.extend(items),
                        _ => return self.unresolved(span),
                    }
                }
                Node {
                    kind: NodeKind::Array(out),
                    span,
                }
            }
            _ => self.unresolved(span),
        }
    }

    fn traversal(&mut self, expr: &Expression, span: Span) -> Node {
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

/// The name of a variable without a default that an expression is.
fn open_variable(expr: &Expression, module: &Module<'_>) -> Option<String> {
    match traversal_path(expr)?.as_slice() {
        [var, name] if var == "var" && !module.variables.contains_key(name) => Some(name.clone()),
        _ => None,
    }
}

fn scalar(node: &Node) -> Option<String> {
    match &node.kind {
        NodeKind::String(s) | NodeKind::Number(s) => Some(s.clone()),
        NodeKind::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn entry(key: &str, key_span: Span, value: Node) -> ObjectEntry {
    ObjectEntry {
        key: key.to_string(),
        key_span,
        value,
    }
}

/// Adds `values` under `key`, appending to the list already there (the data source merges
/// repeated `principals` of one type and `condition`s of one test and variable).
fn merge_list(entries: &mut Vec<ObjectEntry>, key: &str, key_span: Span, values: Node) {
    let items = match values.kind {
        NodeKind::Array(items) => items,
        _ => vec![values],
    };
    if let Some(existing) = entries.iter_mut().find(|e| e.key == key) {
        if let NodeKind::Array(list) = &mut existing.value.kind {
            list.extend(items);
            return;
        }
    }
    let span = items
        .iter()
        .map(|i| i.span)
        .reduce(Span::join)
        .unwrap_or(key_span);
    entries.push(entry(
        key,
        key_span,
        Node {
            kind: NodeKind::Array(items),
            span,
        },
    ));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::unresolved_expression;

    fn policies(text: &str, siblings: &[&str]) -> Vec<EmbeddedPolicy> {
        let body = parse(text).unwrap();
        let siblings: Vec<Body> = siblings.iter().map(|s| parse(s).unwrap()).collect();
        extract("m.tf", text, &body, &siblings).0
    }

    fn statement(policy: &EmbeddedPolicy) -> Node {
        let NodeKind::Array(statements) = &policy.document.get("Statement").unwrap().value.kind
        else {
            panic!("no statements")
        };
        statements[0].clone()
    }

    #[test]
    fn jsonencode_keeps_the_span_of_each_value() {
        let text = "resource \"aws_iam_role\" \"r\" {\n  assume_role_policy = jsonencode({\n    Statement = [{ Effect = \"Allow\", Principal = { Federated = \"arn:x\" }, Condition = { StringLike = { \"k:sub\" = [\"repo:${var.org}/*\", local.l] } } }]\n  })\n}\nlocals {\n  l = upper(\"x\")\n}\n";
        let found = policies(text, &["variable \"org\" {\n  default = \"octo\"\n}\n"]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].label, "m.tf: aws_iam_role.r");
        let s = statement(&found[0]);
        let federated = &s
            .get("Principal")
            .unwrap()
            .value
            .get("Federated")
            .unwrap()
            .value;
        assert_eq!(&text[federated.span.start..federated.span.end], "\"arn:x\"");
        let values = &s
            .get("Condition")
            .unwrap()
            .value
            .get("StringLike")
            .unwrap()
            .value
            .get("k:sub")
            .unwrap()
            .value;
        let NodeKind::Array(values) = &values.kind else {
            panic!()
        };
        assert_eq!(values[0].as_str(), Some("repo:octo/*"));
        // A local of the same file keeps its own place: the expression it could not evaluate.
        assert_eq!(unresolved_expression(&values[1]), Some("upper(\"x\")"));
    }

    #[test]
    fn policy_document_data_source_renders_as_json() {
        let text = r#"
data "aws_iam_policy_document" "d" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = ["arn:a"]
    }
    principals {
      type        = "Federated"
      identifiers = ["arn:b"]
    }
    condition {
      test     = "StringEquals"
      variable = "k:aud"
      values   = ["sts.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "k:sub"
      values   = ["repo:o/r:ref:refs/heads/main"]
    }
  }
}
resource "aws_iam_role" "r" {
  assume_role_policy = data.aws_iam_policy_document.d.json
}
"#;
        let found = policies(text, &[]);
        assert_eq!(
            found.len(),
            1,
            "the document is analysed once, with its role"
        );
        let (policy, problems) = crate::policy::build_policy(&found[0].document);
        assert!(problems.is_empty(), "{problems:?}");
        let s = &policy.unwrap().statements[0];
        assert_eq!(s.federated().count(), 2);
        assert_eq!(s.conditions.len(), 1);
        assert_eq!(s.conditions[0].entries.len(), 2);
    }

    #[test]
    fn unreferenced_trust_documents_are_analysed_alone() {
        let text = "data \"aws_iam_policy_document\" \"trust\" {\n  statement {\n    actions = [\"sts:AssumeRole\"]\n    principals {\n      type = \"Service\"\n      identifiers = [\"ec2.amazonaws.com\"]\n    }\n  }\n}\ndata \"aws_iam_policy_document\" \"s3\" {\n  statement {\n    actions = [\"s3:GetObject\"]\n  }\n}\n";
        let found = policies(text, &[]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].label, "m.tf: data.aws_iam_policy_document.trust");
    }

    #[test]
    fn unknown_documents_are_skipped() {
        let text =
            "resource \"aws_iam_role\" \"r\" {\n  assume_role_policy = file(\"trust.json\")\n}\n";
        assert!(policies(text, &[]).is_empty());
    }
}

#[cfg(test)]
mod dynamic_tests {
    use super::*;

    fn policies(text: &str) -> Vec<EmbeddedPolicy> {
        let body = parse(text).unwrap();
        extract("m.tf", text, &body, &[]).0
    }

    const DOC: &str = r#"
variable "subjects" {
  default = ["repo:o/a:ref:refs/heads/main", "repo:o/b:*"]
}
data "aws_iam_policy_document" "d" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = ["arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com"]
    }
    dynamic "condition" {
      for_each = FOR_EACH
      iterator = s
      content {
        test     = "StringLike"
        variable = "token.actions.githubusercontent.com:sub"
        values   = [s.value]
      }
    }
  }
}
resource "aws_iam_role" "r" {
  assume_role_policy = data.aws_iam_policy_document.d.json
}
"#;

    #[test]
    fn dynamic_blocks_over_known_lists_are_expanded() {
        let found = policies(&DOC.replace("FOR_EACH", "var.subjects"));
        assert_eq!(found.len(), 1);
        let (policy, problems) = crate::policy::build_policy(&found[0].document);
        assert!(problems.is_empty(), "{problems:?}");
        let entry = &policy.unwrap().statements[0].conditions[0].entries[0];
        let values: Vec<&str> = entry.values.iter().map(|v| v.value.as_str()).collect();
        assert_eq!(values, ["repo:o/a:ref:refs/heads/main", "repo:o/b:*"]);
    }

    #[test]
    fn dynamic_blocks_over_unknown_collections_leave_the_document_unanalysed() {
        // Rendering it without the condition would report a missing `sub` that may be there.
        assert!(policies(&DOC.replace("FOR_EACH", "var.unknown")).is_empty());
    }
}
