//! The Terraform functions trustlint evaluates: `jsonencode`, `tolist`, `toset`, `replace` (not
//! with a regular expression), `concat` `length`, `try`, `coalesce`, `coalescelist`, `trimprefix` and `trimsuffix`; any other call
//! stays symbolic.

use super::eval::Eval;
use crate::source::{Node, NodeKind, Span};
use hcl_edit::expr::Expression;

impl Eval<'_, '_> {
    pub(super) fn call(&mut self, call: &hcl_edit::expr::FuncCall, span: Span) -> Node {
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
            // The first argument that evaluates without an error: here, the first that is known.
            ("try", args) if !args.is_empty() => {
                for arg in args {
                    let value = self.value(arg);
                    if !has_unresolved(&value) {
                        return value;
                    }
                }
                self.unresolved(span)
            }
            // The first argument that is neither null nor an empty string.
            ("coalesce", args) if !args.is_empty() => {
                for arg in args {
                    let value = self.value(arg);
                    match &value.kind {
                        NodeKind::Null => continue,
                        NodeKind::String(s) if s.is_empty() => continue,
                        _ if crate::sources::unresolved_expression(&value).is_some() => {
                            return self.unresolved(span)
                        }
                        _ => return value,
                    }
                }
                self.unresolved(span)
            }
            ("trimprefix" | "trimsuffix", [string, affix]) => {
                let (Some(s), Some(a)) = (self.string(string), self.string(affix)) else {
                    return self.unresolved(span);
                };
                let trimmed = match name {
                    "trimprefix" => s.strip_prefix(a.as_str()),
                    _ => s.strip_suffix(a.as_str()),
                };
                Self::string_node(trimmed.unwrap_or(&s).to_string(), span)
            }
            // The first argument that is a non-empty list.
            ("coalescelist", lists) if !lists.is_empty() => {
                for list in lists {
                    let value = self.value(list);
                    match &value.kind {
                        NodeKind::Array(items) if items.is_empty() => continue,
                        NodeKind::Array(_) => return value,
                        _ => return self.unresolved(span),
                    }
                }
                self.unresolved(span)
            }
            ("length", [arg]) => {
                let count = match &self.value(arg).kind {
                    NodeKind::Array(items) => items.len(),
                    NodeKind::Object(entries) => entries.len(),
                    NodeKind::String(s) => s.chars().count(),
                    _ => return self.unresolved(span),
                };
                Node {
                    kind: NodeKind::Number(count.to_string()),
                    span,
                }
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
}

fn has_unresolved(node: &Node) -> bool {
    if crate::sources::unresolved_expression(node).is_some() {
        return true;
    }
    match &node.kind {
        NodeKind::Array(items) => items.iter().any(has_unresolved),
        NodeKind::Object(entries) => entries.iter().any(|e| has_unresolved(&e.value)),
        _ => false,
    }
}
