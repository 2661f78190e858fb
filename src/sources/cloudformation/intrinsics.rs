//! The intrinsic functions, in short (`!Sub`) and long (`Fn::Sub`) form: `Ref`, `Fn::Sub`,
//! `Fn::GetAtt`, `Fn::Join`, `Fn::Select`, `Fn::Split`, `Fn::If` and the conditions.

use super::eval::{Eval, Resolved, MAX_DEPTH};
use super::PLACEHOLDER_ACCOUNT;
use crate::source::{Node, NodeKind, ObjectEntry, Span};

/// An intrinsic function call: its long name (`Ref`, `Fn::Sub`) and argument.
pub(super) fn intrinsic(node: &Node) -> Option<(String, &Node)> {
    match &node.kind {
        NodeKind::Tagged { tag, value } => {
            let name = tag.strip_prefix('!')?;
            let long = match name {
                "Ref" | "Condition" => name.to_string(),
                other => format!("Fn::{other}"),
            };
            Some((long, value))
        }
        NodeKind::Object(entries) if entries.len() == 1 => {
            let entry = &entries[0];
            (entry.key == "Ref" || entry.key.starts_with("Fn::"))
                .then(|| (entry.key.clone(), &entry.value))
        }
        _ => None,
    }
}

impl Eval<'_, '_> {
    pub(super) fn call(&mut self, name: &str, arg: &Node, whole: &Node) -> Option<Node> {
        let span = whole.span;
        match name {
            "Ref" => {
                let Some(target) = arg.as_str() else {
                    return Some(self.unresolved(whole));
                };
                match self.resolve_name(target, span) {
                    Resolved::Value(v) => Some(v),
                    Resolved::NoValue => None,
                    Resolved::OpenParameter(_) | Resolved::Unknown => Some(self.unresolved(whole)),
                }
            }
            "Fn::GetAtt" => {
                let (logical, attribute) = match &arg.kind {
                    NodeKind::String(s) => match s.split_once('.') {
                        Some((l, a)) => (l.to_string(), a.to_string()),
                        None => return Some(self.unresolved(whole)),
                    },
                    NodeKind::Array(items) if items.len() == 2 => {
                        match (items[0].as_str(), self.string(&items[1])) {
                            (Some(l), Some(a)) => (l.to_string(), a),
                            _ => return Some(self.unresolved(whole)),
                        }
                    }
                    _ => return Some(self.unresolved(whole)),
                };
                match self.get_att(&logical, &attribute, span) {
                    Some(v) => Some(self.string_node(v, span)),
                    None => Some(self.unresolved(whole)),
                }
            }
            "Fn::Sub" => {
                let (template, variables) = match &arg.kind {
                    NodeKind::String(s) => (s.clone(), None),
                    NodeKind::Array(items) if items.len() == 2 => match items[0].as_str() {
                        Some(s) => (s.to_string(), items[1].entries()),
                        None => return Some(self.unresolved(whole)),
                    },
                    _ => return Some(self.unresolved(whole)),
                };
                match self.substitute(&template, variables, span) {
                    Some(v) => Some(self.string_node(v, span)),
                    None => Some(self.unresolved(whole)),
                }
            }
            "Fn::Join" => {
                let NodeKind::Array(args) = &arg.kind else {
                    return Some(self.unresolved(whole));
                };
                let (Some(delimiter), Some(list)) =
                    (args.first().and_then(Node::as_str), args.get(1))
                else {
                    return Some(self.unresolved(whole));
                };
                let delimiter = delimiter.to_string();
                let items = match self.value(list) {
                    Some(Node {
                        kind: NodeKind::Array(items),
                        ..
                    }) => items,
                    _ => return Some(self.unresolved(whole)),
                };
                let mut parts = Vec::new();
                let NodeKind::Array(written) = &list.kind else {
                    return Some(self.unresolved(whole));
                };
                // Parameters without a default stand for themselves inside a string.
                for (i, item) in items.iter().enumerate() {
                    match self.scalar(item) {
                        Some(s) => parts.push(s),
                        None => match written.get(i).and_then(|w| self.open_parameter(w)) {
                            Some(name) => {
                                self.note_open_parameter(&name, span);
                                parts.push(name);
                            }
                            None => return Some(self.unresolved(whole)),
                        },
                    }
                }
                Some(self.string_node(parts.join(&delimiter), span))
            }
            "Fn::Select" => {
                let NodeKind::Array(args) = &arg.kind else {
                    return Some(self.unresolved(whole));
                };
                let index = args
                    .first()
                    .and_then(|i| self.string(i))
                    .and_then(|i| i.parse::<usize>().ok());
                let list = args.get(1).and_then(|l| self.value(l));
                match (index, list) {
                    (
                        Some(index),
                        Some(Node {
                            kind: NodeKind::Array(items),
                            ..
                        }),
                    ) if index < items.len() => {
                        let mut item = items[index].clone();
                        item.span = span;
                        Some(item)
                    }
                    _ => Some(self.unresolved(whole)),
                }
            }
            "Fn::Split" => {
                let NodeKind::Array(args) = &arg.kind else {
                    return Some(self.unresolved(whole));
                };
                let delimiter = args.first().and_then(Node::as_str).map(str::to_string);
                let source = args.get(1).and_then(|s| self.string(s));
                match (delimiter, source) {
                    (Some(d), Some(s)) if !d.is_empty() => Some(Node {
                        kind: NodeKind::Array(
                            s.split(d.as_str())
                                .map(|p| self.string_node(p.to_string(), span))
                                .collect(),
                        ),
                        span,
                    }),
                    _ => Some(self.unresolved(whole)),
                }
            }
            "Fn::If" => {
                let NodeKind::Array(args) = &arg.kind else {
                    return Some(self.unresolved(whole));
                };
                let (Some(condition), Some(yes), Some(no)) = (
                    args.first().and_then(Node::as_str),
                    args.get(1),
                    args.get(2),
                ) else {
                    return Some(self.unresolved(whole));
                };
                match self.condition(condition) {
                    Some(true) => self.value(yes),
                    Some(false) => self.value(no),
                    None => Some(self.unresolved(whole)),
                }
            }
            _ => Some(self.unresolved(whole)),
        }
    }

    fn get_att(&mut self, logical: &str, attribute: &str, span: Span) -> Option<String> {
        (attribute == "Arn")
            .then(|| self.provider_arn(logical, span))
            .flatten()
    }

    /// The ARN of an `AWS::IAM::OIDCProvider` of the template.
    pub(super) fn provider_arn(&mut self, logical: &str, span: Span) -> Option<String> {
        let (kind, properties) = *self.template.resources.get(logical)?;
        if kind != "AWS::IAM::OIDCProvider" {
            return None;
        }
        let url = self.string(&properties?.get("Url")?.value)?;
        let account = self.resolve_name("AWS::AccountId", span);
        let Resolved::Value(account) = account else {
            return None;
        };
        Some(format!(
            "arn:aws:iam::{}:oidc-provider/{}",
            account.as_str().unwrap_or(PLACEHOLDER_ACCOUNT),
            crate::policy::strip_scheme(&url)
        ))
    }

    /// `Fn::Sub`: `${Name}`, `${Logical.Attribute}` and `${!Literal}`.
    fn substitute(
        &mut self,
        template: &str,
        variables: Option<&[ObjectEntry]>,
        span: Span,
    ) -> Option<String> {
        let mut out = String::new();
        let mut rest = template;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            if let Some(literal) = after.strip_prefix('!') {
                out.push_str("${");
                rest = literal;
                continue;
            }
            let end = after.find('}')?;
            let name = after[..end].trim();
            rest = &after[end + 1..];
            if let Some(variable) = variables.and_then(|v| v.iter().rev().find(|e| e.key == name)) {
                match self.string(&variable.value) {
                    Some(v) => out.push_str(&v),
                    None => match self.open_parameter(&variable.value) {
                        Some(p) => {
                            self.note_open_parameter(&p, span);
                            out.push_str(&p);
                        }
                        None => return None,
                    },
                }
                continue;
            }
            if let Some((logical, attribute)) = name.split_once('.') {
                out.push_str(&self.get_att(logical, attribute, span)?);
                continue;
            }
            match self.resolve_name(name, span) {
                Resolved::Value(v) => out.push_str(&self.scalar(&v)?),
                Resolved::OpenParameter(p) => {
                    self.note_open_parameter(&p, span);
                    out.push_str(&p);
                }
                Resolved::NoValue | Resolved::Unknown => return None,
            }
        }
        out.push_str(rest);
        Some(out)
    }

    /// A condition of the `Conditions` section, decided by the parameters' defaults.
    pub(super) fn condition(&mut self, name: &str) -> Option<bool> {
        if self.depth > MAX_DEPTH {
            return None;
        }
        let node = *self.template.conditions.get(name)?;
        self.depth += 1;
        let out = self.condition_expression(node);
        self.depth -= 1;
        out
    }

    fn condition_expression(&mut self, node: &Node) -> Option<bool> {
        let (name, arg) = intrinsic(node)?;
        let args: Vec<&Node> = match &arg.kind {
            NodeKind::Array(items) => items.iter().collect(),
            _ => vec![arg],
        };
        match name.as_str() {
            "Fn::Equals" if args.len() == 2 => {
                let a = self.string(args[0])?;
                let b = self.string(args[1])?;
                Some(a == b)
            }
            "Fn::Not" if args.len() == 1 => self.condition_expression(args[0]).map(|b| !b),
            "Fn::And" | "Fn::Or" => {
                let values: Option<Vec<bool>> =
                    args.iter().map(|a| self.condition_expression(a)).collect();
                let values = values?;
                Some(if name == "Fn::And" {
                    values.iter().all(|&b| b)
                } else {
                    values.iter().any(|&b| b)
                })
            }
            "Condition" => self.condition(arg.as_str()?),
            _ => None,
        }
    }
}
