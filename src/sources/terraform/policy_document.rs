//! `data "aws_iam_policy_document"` rendered as the JSON document Terraform produces: its
//! `statement` blocks (static, and `dynamic` ones over known collections), principals and
//! conditions, merged as the data source merges them.

use super::eval::Eval;
use super::schema::{self, BlockSchema, CONDITION, DOCUMENT, PRINCIPALS, STATEMENT};
use super::span_of;
use crate::source::{Node, NodeKind, ObjectEntry, Span};
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Body};

impl Eval<'_, '_> {
    /// `data "aws_iam_policy_document"` as the JSON document it renders.
    pub(super) fn policy_document(&mut self, block: &Block, span: Span) -> Node {
        let block_span = span_of(block, span);
        self.problems(&block.body, &DOCUMENT, block_span);
        let mut entries = Vec::new();
        let version = match block.body.get_attribute("version") {
            Some(v) => self.value(&v.value),
            None => Self::string_node("2012-10-17".into(), block_span),
        };
        entries.push(entry("Version", block_span, version));
        let mut statements = Vec::new();
        for (statement, binding) in self.expand(&block.body, "statement", &DOCUMENT) {
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

    pub(super) fn statement(&mut self, block: &Block) -> Node {
        let span = span_of(block, Span::default());
        self.problems(&block.body, &STATEMENT, span);
        let mut entries = Vec::new();
        let attribute = |name: &str| schema::attribute(&block.body, name, &STATEMENT);
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
            for (principals, binding) in self.expand(&block.body, hcl, &STATEMENT) {
                let principals_span = span_of(principals, span);
                self.problems(&principals.body, &PRINCIPALS, principals_span);
                key_span.get_or_insert(span_of(&principals.ident, span));
                self.scope.extend(binding.clone());
                let pushed = usize::from(binding.is_some());
                let get = |name: &str| schema::attribute(&principals.body, name, &PRINCIPALS);
                let (Some(type_attribute), Some(identifiers)) = (get("type"), get("identifiers"))
                else {
                    // Terraform rejects the block: reported by the schema check.
                    self.scope.truncate(self.scope.len() - pushed);
                    continue;
                };
                let Some(kind) = self.string(&type_attribute.value) else {
                    let at = span_of(&type_attribute.value, span);
                    let shown = self.module.expression(at);
                    self.undecidable(at, format!("the principal type `{shown}` is not evaluated"));
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
        for (condition, binding) in self.expand(&block.body, "condition", &STATEMENT) {
            self.problems(&condition.body, &CONDITION, span_of(condition, span));
            condition_span.get_or_insert(span_of(&condition.ident, span));
            let pushed = usize::from(binding.is_some());
            self.scope.extend(binding);
            let get = |name: &str| schema::attribute(&condition.body, name, &CONDITION);
            let (Some(test), Some(variable), Some(values)) =
                (get("test"), get("variable"), get("values"))
            else {
                // Terraform rejects the block: reported by the schema check.
                self.scope.truncate(self.scope.len() - pushed);
                continue;
            };
            let (Some(test_name), Some(variable_name)) =
                (self.string(&test.value), self.string(&variable.value))
            else {
                let at = span_of(condition, span);
                self.undecidable(
                    at,
                    "the condition's `test` or `variable` is not evaluated".to_string(),
                );
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
    /// A `dynamic` block over an unknown collection leaves the document undecided.
    fn expand<'b>(
        &mut self,
        body: &'b Body,
        name: &str,
        parent: &BlockSchema,
    ) -> Vec<(&'b Block, Option<(String, Node)>)> {
        let mut out = Vec::new();
        for block in body.blocks() {
            if schema::is_block(block.ident.as_str(), name, parent.blocks)
                && block.labels.is_empty()
            {
                out.push((block, None));
                continue;
            }
            let is_dynamic = block.ident.as_str() == "dynamic"
                && block.labels.len() == 1
                && schema::is_block(block.labels[0].as_str(), name, parent.blocks);
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
                    self.undecidable(
                        span_of(&block.ident, Span::default()),
                        format!("the iterator of `dynamic \"{name}\"` is not a name"),
                    );
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
                    let at = block
                        .body
                        .get_attribute("for_each")
                        .map_or(span_of(&block.ident, Span::default()), |a| {
                            span_of(&a.value, Span::default())
                        });
                    let shown = self.module.expression(at);
                    self.undecidable(
                        at,
                        format!("`dynamic \"{name}\"` over `{shown}`, which is not evaluated"),
                    );
                    continue;
                }
            };
            let Some(content) = content else {
                self.undecidable(
                    span_of(&block.ident, Span::default()),
                    format!("`dynamic \"{name}\"` has no `content` block"),
                );
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
}

impl Eval<'_, '_> {
    /// A part of the document that cannot be rendered: the document would look tighter or
    /// looser than it is, so it is not judged, and a notice says why.
    fn undecidable(&mut self, span: Span, why: String) {
        if !self.undecided.iter().any(|(s, w)| *s == span && *w == why) {
            self.undecided.push((span, why));
        }
    }

    /// Records what Terraform would reject in a block (once, though a `dynamic` block's content
    /// is rendered once per element).
    fn problems(&mut self, body: &Body, schema: &BlockSchema, span: Span) {
        for problem in schema::check(body, schema, span) {
            if !self.problems.contains(&problem) {
                self.problems.push(problem);
            }
        }
    }
}

pub(super) fn entry(key: &str, key_span: Span, value: Node) -> ObjectEntry {
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
