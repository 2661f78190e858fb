//! `count` and `for_each`: the instances a block declares, as Terraform expands them
//! (<https://developer.hashicorp.com/terraform/language/meta-arguments/count>,
//! <https://developer.hashicorp.com/terraform/language/meta-arguments/for_each>), and the
//! operators their conditions use (`var.p != null ? 1 : 0`).

use super::eval::Eval;
use super::policy_document::entry;
use crate::source::{Node, NodeKind, Span};
use crate::sources::unresolved_expression;
use hcl_edit::expr::{BinaryOperator, Expression, UnaryOperator};
use hcl_edit::structure::Body;

/// More instances than this are judged by their first ones, with a notice.
const MAX_INSTANCES: usize = 100;

/// One instance of a block: the suffix of its address (`[0]`, `["app"]`), the `count` or
/// `each` object to bind, and what was assumed to judge it.
pub(super) struct Instance {
    pub(super) suffix: String,
    pub(super) binding: Option<(String, Node)>,
    pub(super) assumed: Option<String>,
}

/// A note that holds for a whole instance: its span covers every finding of the policy.
pub(super) const WHOLE: Span = Span {
    start: 0,
    end: usize::MAX,
};

impl Eval<'_, '_> {
    /// The instances `body` declares: one without `count`/`for_each`, none when they evaluate
    /// to nothing (the block does not exist), one judged under an assumption when they cannot be
    /// decided. The second value is a notice when instances were left out.
    pub(super) fn instances(&mut self, body: &Body) -> (Vec<Instance>, Option<(Span, String)>) {
        if let Some(count) = body.get_attribute("count") {
            let value = self.value(&count.value);
            let span = super::span_of(&count.value, Span::default());
            let number = match &value.kind {
                NodeKind::Number(n) => n.parse::<f64>().ok(),
                _ => None,
            };
            let Some(n) = number.filter(|n| *n >= 0.0 && n.fract() == 0.0) else {
                let shown = self.module.expression(span);
                let index = crate::sources::unresolved("count.index", span);
                return (
                    vec![Instance {
                        suffix: String::new(),
                        binding: Some(("count".to_string(), object(&[("index", index)], span))),
                        assumed: Some(format!(
                            "`count = {shown}` is not decided: judged as if the role exists"
                        )),
                    }],
                    None,
                );
            };
            let n = n as usize;
            let kept = n.min(MAX_INSTANCES);
            let instances = (0..kept)
                .map(|i| Instance {
                    suffix: format!("[{i}]"),
                    binding: Some((
                        "count".to_string(),
                        object(&[("index", number_node(i, span))], span),
                    )),
                    assumed: None,
                })
                .collect();
            return (instances, (kept < n).then(|| too_many(span, n)));
        }
        let Some(for_each) = body.get_attribute("for_each") else {
            return (
                vec![Instance {
                    suffix: String::new(),
                    binding: None,
                    assumed: None,
                }],
                None,
            );
        };
        let span = super::span_of(&for_each.value, Span::default());
        let value = self.value(&for_each.value);
        let pairs: Vec<(Node, Node)> = match value.kind {
            // A set of strings: `each.key` and `each.value` are the element.
            NodeKind::Array(items) => items.into_iter().map(|i| (i.clone(), i)).collect(),
            NodeKind::Object(entries) => entries
                .into_iter()
                .map(|e| (Self::string_node(e.key, e.key_span), e.value))
                .collect(),
            _ => {
                let shown = self.module.expression(span);
                let unknown = crate::sources::unresolved("each.value", span);
                let key = crate::sources::unresolved("each.key", span);
                return (
                    vec![Instance {
                        suffix: String::new(),
                        binding: Some((
                            "each".to_string(),
                            object(&[("key", key), ("value", unknown)], span),
                        )),
                        assumed: Some(format!(
                            "`for_each = {shown}` is not decided: judged as one instance whose `each` is unknown"
                        )),
                    }],
                    None,
                );
            }
        };
        let n = pairs.len();
        let instances = pairs
            .into_iter()
            .take(MAX_INSTANCES)
            .map(|(key, value)| {
                let suffix = match (key.as_str(), &key.kind) {
                    (Some(s), _) => format!("[{s:?}]"),
                    (None, NodeKind::Number(n)) => format!("[{n}]"),
                    _ => "[each.key]".to_string(),
                };
                Instance {
                    suffix,
                    binding: Some((
                        "each".to_string(),
                        object(&[("key", key), ("value", value)], span),
                    )),
                    assumed: None,
                }
            })
            .collect();
        (instances, (n > MAX_INSTANCES).then(|| too_many(span, n)))
    }

    /// Evaluates in the scope of one instance, noting what was assumed for it.
    pub(super) fn enter(&mut self, instance: &Instance) {
        self.scope.extend(instance.binding.clone());
        if let Some(assumed) = &instance.assumed {
            self.note(WHOLE, assumed.clone());
        }
    }

    /// `a == b`, `a != b`, `&&`, `||`, comparisons of numbers; `None` when not decided.
    pub(super) fn operation(&mut self, expr: &Expression, span: Span) -> Option<Node> {
        let bool_node = |b: bool| Node {
            kind: NodeKind::Bool(b),
            span,
        };
        match expr {
            Expression::UnaryOp(op) => match (op.operator.value(), self.value(&op.expr).kind) {
                (UnaryOperator::Not, NodeKind::Bool(b)) => Some(bool_node(!b)),
                _ => None,
            },
            Expression::BinaryOp(op) => {
                let lhs = self.value(&op.lhs_expr);
                let rhs = self.value(&op.rhs_expr);
                let number = |n: &Node| match &n.kind {
                    NodeKind::Number(s) => s.parse::<f64>().ok(),
                    _ => None,
                };
                let result = match op.operator.value() {
                    BinaryOperator::Eq => same(&lhs, &rhs)?,
                    BinaryOperator::NotEq => !same(&lhs, &rhs)?,
                    BinaryOperator::And | BinaryOperator::Or => {
                        let (NodeKind::Bool(a), NodeKind::Bool(b)) = (&lhs.kind, &rhs.kind) else {
                            return None;
                        };
                        match op.operator.value() {
                            BinaryOperator::And => *a && *b,
                            _ => *a || *b,
                        }
                    }
                    comparison => {
                        let (a, b) = (number(&lhs)?, number(&rhs)?);
                        match comparison {
                            BinaryOperator::Less => a < b,
                            BinaryOperator::LessEq => a <= b,
                            BinaryOperator::Greater => a > b,
                            BinaryOperator::GreaterEq => a >= b,
                            _ => return None,
                        }
                    }
                };
                Some(bool_node(result))
            }
            _ => None,
        }
    }
}

/// Whether two values are equal as Terraform compares them; `None` when one is unknown.
fn same(a: &Node, b: &Node) -> Option<bool> {
    if unresolved_expression(a).is_some() || unresolved_expression(b).is_some() {
        return None;
    }
    Some(match (&a.kind, &b.kind) {
        (NodeKind::Null, NodeKind::Null) => true,
        (NodeKind::Number(x), NodeKind::Number(y)) => {
            x.parse::<f64>().ok() == y.parse::<f64>().ok()
        }
        (NodeKind::String(x), NodeKind::String(y)) => x == y,
        (NodeKind::Bool(x), NodeKind::Bool(y)) => x == y,
        (NodeKind::Array(x), NodeKind::Array(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            for (i, j) in x.iter().zip(y) {
                if !same(i, j)? {
                    return Some(false);
                }
            }
            true
        }
        (NodeKind::Object(x), NodeKind::Object(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            for e in x {
                let Some(f) = y.iter().find(|f| f.key == e.key) else {
                    return Some(false);
                };
                if !same(&e.value, &f.value)? {
                    return Some(false);
                }
            }
            true
        }
        (NodeKind::Tagged { .. }, _) | (_, NodeKind::Tagged { .. }) => return None,
        _ => false,
    })
}

fn object(fields: &[(&str, Node)], span: Span) -> Node {
    Node {
        kind: NodeKind::Object(
            fields
                .iter()
                .map(|(k, v)| entry(k, span, v.clone()))
                .collect(),
        ),
        span,
    }
}

fn number_node(i: usize, span: Span) -> Node {
    Node {
        kind: NodeKind::Number(i.to_string()),
        span,
    }
}

fn too_many(span: Span, n: usize) -> (Span, String) {
    (
        span,
        format!("{n} instances: only the first {MAX_INSTANCES} are judged"),
    )
}
