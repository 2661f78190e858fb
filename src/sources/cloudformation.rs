//! CloudFormation templates, JSON or YAML (CDK's `cdk.out/*.template.json` included): the
//! `AssumeRolePolicyDocument` of every `AWS::IAM::Role`, and the client-ID lists of
//! `AWS::IAM::OIDCProvider`s.
//!
//! Intrinsic functions are evaluated where the template alone decides their value, in short
//! (`!Sub`) and long (`Fn::Sub`) form: `Ref` and `Fn::Sub` of a parameter with a `Default` (the
//! value a stack gets when nobody overrides it), of a provider of the template (its ARN), of the
//! pseudo parameters `AWS::Partition` (`aws`), `AWS::URLSuffix` and `AWS::AccountId` (the
//! placeholder account `000000000000`, with a note); `Fn::GetAtt Provider.Arn`, `Fn::Join`,
//! `Fn::Select`, `Fn::Split` and `Fn::If` whose condition the defaults decide. An evaluated
//! string keeps the span of the expression it came from. Everything else stays symbolic (see
//! [`super::unresolved`]): it is never guessed.
//!
//! One exception, documented in the note it leaves: inside a `Fn::Sub` or `Fn::Join` string, a
//! parameter without a `Default` stands for itself (`repo:${GitHubOrg}/*` is analysed as
//! `repo:GitHubOrg/*`). The shape of the pattern around it — what the subject rules judge — is
//! the same for any plain value of the parameter; the note says what was assumed.

use super::{unresolved, EmbeddedPolicy, OidcProviderDecl};
use crate::source::{Node, NodeKind, ObjectEntry, Span, Spanned};
use std::collections::HashMap;

/// The account used where a template refers to its own account (`AWS::AccountId`).
pub const PLACEHOLDER_ACCOUNT: &str = "000000000000";

const MAX_DEPTH: usize = 64;

/// True when the document is a CloudFormation template.
pub fn is_template(root: &Node) -> bool {
    if root.get("AWSTemplateFormatVersion").is_some() {
        return true;
    }
    root.get("Resources")
        .and_then(|r| r.value.entries())
        .is_some_and(|resources| {
            resources.iter().any(|r| {
                r.value
                    .get("Type")
                    .and_then(|t| t.value.as_str())
                    .is_some_and(|t| t.starts_with("AWS::"))
            })
        })
}

/// The trust policies of the template's roles, or `None` when it is not a template.
pub fn extract(label_path: &str, text: &str, root: &Node) -> Option<Vec<EmbeddedPolicy>> {
    extract_template(label_path, text, root).map(|(policies, _)| policies)
}

/// The roles' trust policies and the OIDC providers of a template.
pub fn extract_template(
    label_path: &str,
    text: &str,
    root: &Node,
) -> Option<(Vec<EmbeddedPolicy>, Vec<OidcProviderDecl>)> {
    if !is_template(root) {
        return None;
    }
    let template = Template::new(text, root);
    let mut policies = Vec::new();
    let mut providers = Vec::new();
    let Some(resources) = root.get("Resources").and_then(|r| r.value.entries()) else {
        return Some((policies, providers));
    };
    for resource in resources {
        let kind = resource.value.get("Type").and_then(|t| t.value.as_str());
        let properties = resource.value.get("Properties").map(|p| &p.value);
        match (kind, properties) {
            (Some("AWS::IAM::Role"), Some(properties)) => {
                let Some(document) = properties.get("AssumeRolePolicyDocument") else {
                    continue;
                };
                let mut eval = Eval::new(&template);
                let node = eval
                    .value(&document.value)
                    .unwrap_or_else(|| unresolved("AWS::NoValue", document.value.span));
                let role_name = properties
                    .get("RoleName")
                    .and_then(|n| n.value.as_str())
                    .map(str::to_string);
                policies.push(EmbeddedPolicy {
                    label: format!("{label_path}: Resources.{}", resource.key),
                    role_name,
                    role_span: resource.key_span,
                    document: node,
                    notes: eval.notes,
                });
            }
            (Some("AWS::IAM::OIDCProvider"), Some(properties)) => {
                let mut eval = Eval::new(&template);
                let issuer = properties
                    .get("Url")
                    .and_then(|u| eval.string(&u.value))
                    .map(|u| crate::policy::strip_scheme(&u).to_string());
                let Some(list) = properties.get("ClientIdList") else {
                    continue;
                };
                let client_ids = match eval.value(&list.value) {
                    Some(Node {
                        kind: NodeKind::Array(items),
                        ..
                    }) => items
                        .iter()
                        .filter_map(|i| i.as_str().map(|s| Spanned::new(s.to_string(), i.span)))
                        .collect(),
                    _ => Vec::new(),
                };
                providers.push(OidcProviderDecl {
                    label: format!("Resources.{}", resource.key),
                    issuer,
                    client_ids,
                    span: list.key_span,
                });
            }
            _ => {}
        }
    }
    Some((policies, providers))
}

struct Parameter<'a> {
    default: Option<&'a Node>,
    allowed_values: Option<&'a Node>,
    allowed_pattern: Option<&'a str>,
}

struct Template<'a> {
    text: &'a str,
    parameters: HashMap<&'a str, Parameter<'a>>,
    /// Logical id -> (type, properties).
    resources: HashMap<&'a str, (&'a str, Option<&'a Node>)>,
    conditions: HashMap<&'a str, &'a Node>,
}

impl<'a> Template<'a> {
    fn new(text: &'a str, root: &'a Node) -> Self {
        let section = |name: &str| {
            root.get(name)
                .and_then(|s| s.value.entries())
                .unwrap_or(&[])
        };
        let parameters = section("Parameters")
            .iter()
            .map(|p| {
                (
                    p.key.as_str(),
                    Parameter {
                        default: p.value.get("Default").map(|d| &d.value),
                        allowed_values: p.value.get("AllowedValues").map(|d| &d.value),
                        allowed_pattern: p
                            .value
                            .get("AllowedPattern")
                            .and_then(|d| d.value.as_str()),
                    },
                )
            })
            .collect();
        let resources = section("Resources")
            .iter()
            .filter_map(|r| {
                let kind = r.value.get("Type")?.value.as_str()?;
                Some((
                    r.key.as_str(),
                    (kind, r.value.get("Properties").map(|p| &p.value)),
                ))
            })
            .collect();
        let conditions = section("Conditions")
            .iter()
            .map(|c| (c.key.as_str(), &c.value))
            .collect();
        Template {
            text,
            parameters,
            resources,
            conditions,
        }
    }

    /// The source text of an expression, on one line and shortened, for messages.
    fn expression(&self, span: Span) -> String {
        let text = self.text.get(span.start..span.end).unwrap_or("");
        let mut one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if one_line.chars().count() > 80 {
            one_line = one_line.chars().take(77).collect::<String>() + "...";
        }
        one_line
    }
}

/// An intrinsic function call: its long name (`Ref`, `Fn::Sub`) and argument.
fn intrinsic(node: &Node) -> Option<(String, &Node)> {
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

/// What a name (`Ref` target, `${...}` in `Fn::Sub`) stands for.
enum Resolved {
    Value(Node),
    NoValue,
    /// A parameter without a default.
    OpenParameter(String),
    Unknown,
}

struct Eval<'t, 'a> {
    template: &'t Template<'a>,
    notes: Vec<(Span, String)>,
    depth: usize,
}

impl<'t, 'a> Eval<'t, 'a> {
    fn new(template: &'t Template<'a>) -> Self {
        Eval {
            template,
            notes: Vec::new(),
            depth: 0,
        }
    }

    fn note(&mut self, span: Span, note: String) {
        if !self.notes.iter().any(|(s, n)| *s == span && *n == note) {
            self.notes.push((span, note));
        }
    }

    fn unresolved(&self, node: &Node) -> Node {
        unresolved(self.template.expression(node.span), node.span)
    }

    /// The value of a node with its intrinsics evaluated; `None` for `AWS::NoValue`.
    fn value(&mut self, node: &Node) -> Option<Node> {
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

    fn string_node(&self, value: String, span: Span) -> Node {
        Node {
            kind: NodeKind::String(value),
            span,
        }
    }

    fn call(&mut self, name: &str, arg: &Node, whole: &Node) -> Option<Node> {
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

    /// A node evaluated to a string (numbers and booleans as written).
    fn string(&mut self, node: &Node) -> Option<String> {
        let value = self.value(node)?;
        self.scalar(&value)
    }

    fn scalar(&self, node: &Node) -> Option<String> {
        match &node.kind {
            NodeKind::String(s) | NodeKind::Number(s) => Some(s.clone()),
            NodeKind::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// The parameter a `Ref` names when that parameter has no default.
    fn open_parameter(&self, node: &Node) -> Option<String> {
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

    fn note_open_parameter(&mut self, name: &str, span: Span) {
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

    fn resolve_name(&mut self, name: &str, span: Span) -> Resolved {
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

    fn get_att(&mut self, logical: &str, attribute: &str, span: Span) -> Option<String> {
        (attribute == "Arn")
            .then(|| self.provider_arn(logical, span))
            .flatten()
    }

    /// The ARN of an `AWS::IAM::OIDCProvider` of the template.
    fn provider_arn(&mut self, logical: &str, span: Span) -> Option<String> {
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
    fn condition(&mut self, name: &str) -> Option<bool> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{parse_json, parse_yaml};
    use crate::sources::unresolved_expression;

    fn statement(text: &str) -> (EmbeddedPolicy, Node) {
        let root = parse_yaml(text).unwrap();
        let mut policies = extract("t.yaml", text, &root).unwrap();
        let policy = policies.remove(0);
        let NodeKind::Array(statements) = &policy.document.get("Statement").unwrap().value.kind
        else {
            panic!("no statements")
        };
        let first = statements[0].clone();
        (policy, first)
    }

    const HEAD: &str = "AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n  Org: {Type: String, Default: octo-org}\n  Open: {Type: String}\n  Env: {Type: String, Default: prod, AllowedValues: [prod, dev]}\nConditions:\n  IsProd: !Equals [!Ref Env, prod]\n  NotProd: !Not [!Condition IsProd]\nResources:\n  P:\n    Type: AWS::IAM::OIDCProvider\n    Properties: {Url: https://token.actions.githubusercontent.com, ClientIdList: [sts.amazonaws.com]}\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Statement:\n        - Effect: Allow\n";

    #[test]
    fn evaluates_refs_subs_joins_and_conditions() {
        let text = format!(
            "{HEAD}          Principal: {{Federated: !GetAtt P.Arn}}\n          Condition:\n            StringEquals:\n              a: !Sub 'repo:${{Org}}/app:${{!x}}'\n              b: !If [NotProd, one, two]\n              c: !Join [':', [!Ref 'AWS::Partition', !Select [1, [x, y]], !Ref Open]]\n              d: !Ref Open\n              e: {{'Fn::Sub': ['${{A}}-${{AWS::Region}}', {{A: z}}]}}\n"
        );
        let (policy, statement) = statement(&text);
        let federated = &statement
            .get("Principal")
            .unwrap()
            .value
            .get("Federated")
            .unwrap()
            .value;
        assert_eq!(
            federated.as_str(),
            Some("arn:aws:iam::000000000000:oidc-provider/token.actions.githubusercontent.com")
        );
        // The evaluated value keeps the span of its expression.
        assert_eq!(
            &text[federated.span.start..federated.span.end],
            "!GetAtt P.Arn"
        );
        let condition = &statement
            .get("Condition")
            .unwrap()
            .value
            .get("StringEquals")
            .unwrap()
            .value;
        let value = |k: &str| condition.get(k).unwrap().value.clone();
        assert_eq!(value("a").as_str(), Some("repo:octo-org/app:${x}"));
        assert_eq!(value("b").as_str(), Some("two"));
        assert_eq!(value("c").as_str(), Some("aws:y:Open"));
        assert_eq!(unresolved_expression(&value("d")), Some("!Ref Open"));
        assert!(unresolved_expression(&value("e")).is_some());
        let notes: Vec<&str> = policy.notes.iter().map(|(_, n)| n.as_str()).collect();
        assert!(
            notes.iter().any(|n| n.contains("placeholder account")),
            "{notes:?}"
        );
        assert!(
            notes
                .iter()
                .any(|n| n.contains("`Org` with its Default `octo-org`")),
            "{notes:?}"
        );
        assert!(
            notes.iter().any(|n| n.contains("`Open` has no Default")),
            "{notes:?}"
        );
    }

    #[test]
    fn only_templates_are_read() {
        for text in [
            r#"{"Resources": {"X": {"Type": "Custom::Thing"}}}"#,
            r#"{"Statement": []}"#,
        ] {
            assert!(extract("x", text, &parse_json(text).unwrap()).is_none());
        }
        let text = r#"{"Resources": {"X": {"Type": "AWS::S3::Bucket"}}}"#;
        assert_eq!(
            extract("x", text, &parse_json(text).unwrap())
                .unwrap()
                .len(),
            0
        );
    }

    #[test]
    fn recursive_conditions_stop() {
        let text = "AWSTemplateFormatVersion: x\nConditions:\n  A: !Condition A\nResources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Statement:\n        - Effect: !If [A, Allow, Deny]\n";
        let (_, statement) = statement(text);
        assert!(unresolved_expression(&statement.get("Effect").unwrap().value).is_some());
    }
}
