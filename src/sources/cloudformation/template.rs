//! A CloudFormation template as the evaluator sees it: its parameters (with their defaults and
//! constraints), resources and conditions.

use crate::source::{Node, Span};
use std::collections::HashMap;

pub(super) struct Parameter<'a> {
    pub(super) default: Option<&'a Node>,
    pub(super) allowed_values: Option<&'a Node>,
    pub(super) allowed_pattern: Option<&'a str>,
}

pub(super) struct Template<'a> {
    pub(super) text: &'a str,
    pub(super) parameters: HashMap<&'a str, Parameter<'a>>,
    /// Logical id -> (type, properties).
    pub(super) resources: HashMap<&'a str, (&'a str, Option<&'a Node>)>,
    pub(super) conditions: HashMap<&'a str, &'a Node>,
}

impl<'a> Template<'a> {
    pub(super) fn new(text: &'a str, root: &'a Node) -> Self {
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
    pub(super) fn expression(&self, span: Span) -> String {
        let text = self.text.get(span.start..span.end).unwrap_or("");
        let mut one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if one_line.chars().count() > 80 {
            one_line = one_line.chars().take(77).collect::<String>() + "...";
        }
        one_line
    }
}
