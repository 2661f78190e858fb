//! A Terraform module as the evaluator sees it: the variables with a default and the locals of
//! every `.tf` file of the directory, and the policy documents and OIDC providers of the scanned
//! file.

use super::{traversal_path, VarFile};
use crate::source::{Node, Span};
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Body};
use std::collections::HashMap;

pub(super) struct Definition<'a> {
    pub(super) expr: &'a Expression,
    /// Declared in the scanned file (its spans are the file's) rather than a sibling file.
    pub(super) here: bool,
}

pub(super) struct Module<'a> {
    pub(super) text: &'a str,
    pub(super) variables: HashMap<String, Definition<'a>>,
    /// Values the module's variable files assign (`terraform.tfvars`, `*.auto.tfvars`…), over
    /// the defaults, with the file each came from; only for declared variables, as Terraform.
    /// The last value says whether the value keeps its own spans (a module call's argument,
    /// in the caller's coordinates) rather than taking the reference's.
    pub(super) assigned: HashMap<String, (Node, String, bool)>,
    pub(super) declared: Vec<String>,
    pub(super) locals: HashMap<String, Definition<'a>>,
    pub(super) documents: Vec<(String, &'a Block)>,
    pub(super) providers: HashMap<String, &'a Block>,
}

impl<'a> Module<'a> {
    pub(super) fn new(
        text: &'a str,
        body: &'a Body,
        siblings: &'a [Body],
        var_files: &[VarFile],
    ) -> Self {
        let mut module = Module {
            text,
            variables: HashMap::new(),
            assigned: HashMap::new(),
            declared: Vec::new(),
            locals: HashMap::new(),
            documents: Vec::new(),
            providers: HashMap::new(),
        };
        let mut declared = Vec::new();
        for (here, body) in std::iter::once((true, body)).chain(siblings.iter().map(|b| (false, b)))
        {
            for block in body.blocks() {
                let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
                match (block.ident.as_str(), labels.as_slice()) {
                    ("variable", [name]) => {
                        declared.push(name.to_string());
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
        // Later files override earlier ones.
        for file in var_files {
            for (name, value) in &file.values {
                if declared.contains(name) {
                    module
                        .assigned
                        .insert(name.clone(), (value.clone(), file.name.clone(), false));
                }
            }
        }
        module.declared = declared;
        module
    }

    pub(super) fn expression(&self, span: Span) -> String {
        let text = self.text.get(span.start..span.end).unwrap_or("");
        let mut one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if one_line.chars().count() > 80 {
            one_line = one_line.chars().take(77).collect::<String>() + "...";
        }
        one_line
    }
}

/// The name of a variable without a default that an expression is.
pub(super) fn open_variable(expr: &Expression, module: &Module<'_>) -> Option<String> {
    match traversal_path(expr)?.as_slice() {
        [var, name]
            if var == "var"
                && !module.variables.contains_key(name)
                && !module.assigned.contains_key(name) =>
        {
            Some(name.clone())
        }
        _ => None,
    }
}
