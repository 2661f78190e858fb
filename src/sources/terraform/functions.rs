//! The Terraform functions trustlint evaluates: `jsonencode`, `tolist`, `toset`, `replace` (not
//! with a regular expression) and `concat`; any other call stays symbolic.

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
