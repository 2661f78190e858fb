//! Terraform (`.tf`): the `assume_role_policy` of every `aws_iam_role` — `jsonencode({...})`, a
//! heredoc of JSON, or `data.aws_iam_policy_document.X.json` — every trust-policy document of
//! the file, used or not, and the `client_id_list` of every `aws_iam_openid_connect_provider`.
//!
//! Read with `hcl-edit`, the HCL parser of the maintained hcl-rs project, because it keeps the
//! byte span of every expression (the `hcl-rs` value model does not). Expressions are evaluated
//! where the module decides them: variables with the values of the directory's variable files
//! (`terraform.tfvars`, `*.auto.tfvars[.json]`) or their `default` (looked up in the other `.tf`
//! files of the directory too, as Terraform loads a module), `locals`, string templates,
//! `replace`, `concat`, `tolist`/`toset`, `jsonencode`, `for` expressions over known lists,
//! conditionals and `==`/`!=`/`&&`/`||`/`!` on known values, `data.aws_partition.*.partition`
//! (`aws`), `data.aws_caller_identity.*.account_id` (the placeholder account, noted) and the ARN
//! of a provider of the file. Everything else stays symbolic, as in CloudFormation; a variable
//! without a default inside a string stands for a name GitHub allows, with a note. `count` and
//! `for_each` give one policy per instance ([`instances`]); `dynamic` blocks over known
//! collections are expanded. A statement Terraform rejects ([`schema`]) is an `invalid-policy`
//! problem. What cannot be evaluated (a document, a `dynamic` block over an unknown collection, a
//! module call) gets a notice at its place, never a silent skip.
//!
//! [`module`] loads the module's variables, locals, documents and providers; [`eval`] evaluates
//! an expression against them, with the built-in [`functions`] trustlint knows, and
//! [`policy_document`] renders `data "aws_iam_policy_document"` as the JSON it produces.

mod calls;
mod eval;
mod functions;
mod instances;
mod module;
mod policy_document;
mod schema;

#[cfg(test)]
mod dynamic_tests;
#[cfg(test)]
mod tests;

use self::eval::Eval;
use self::module::Module;
use super::{EmbeddedPolicy, OidcProviderDecl};
use crate::source::{Node, NodeKind, Span, Spanned};
use hcl_edit::expr::{Expression, TraversalOperator};
use hcl_edit::structure::{Block, Body};

/// A cheap test of a `.tf` file's text before parsing it: a role, a provider, a policy
/// document (a file may hold only the trust documents of roles declared elsewhere) or a module
/// call (which may create roles).
pub fn may_hold_roles(text: &str) -> bool {
    text.contains("aws_iam_role")
        || text.contains("module")
        || text.contains("aws_iam_openid_connect_provider")
        || text.contains("aws_iam_policy_document")
}

/// What a `.tf` file holds for trustlint.
#[derive(Debug, Default)]
pub struct Extracted {
    pub policies: Vec<EmbeddedPolicy>,
    pub providers: Vec<OidcProviderDecl>,
    /// What could not be evaluated, each at its place: a notice, never a silent skip.
    pub notices: Vec<(Span, String)>,
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

/// The `.tf` files (name, text) of the directory of a local module call's `source`.
#[derive(Debug, Clone)]
pub struct ModuleSource {
    pub source: String,
    pub files: Vec<(String, String)>,
}

/// The `source` of every local module call of a file (`./modules/role`, `../..`): the
/// directories whose `.tf` files [`extract`] needs.
pub fn local_module_sources(body: &Body) -> Vec<String> {
    let mut out: Vec<String> = body
        .blocks()
        .filter(|b| b.ident.as_str() == "module")
        .filter_map(|b| {
            b.body
                .get_attribute("source")?
                .value
                .as_str()
                .map(str::to_string)
        })
        .filter(|s| s.starts_with("./") || s.starts_with("../"))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The values one variable file (`terraform.tfvars`, `x.auto.tfvars.json`) assigns.
#[derive(Debug, Clone)]
pub struct VarFile {
    /// The file name, for the notes of findings.
    pub name: String,
    pub values: Vec<(String, Node)>,
}

/// Where a file of the module's directory stands among the variable files Terraform loads on
/// its own, in the order it loads them (later ones override earlier ones); `None` for any other
/// file. <https://developer.hashicorp.com/terraform/language/values/variables#variable-definition-precedence>
pub fn var_file_rank(file_name: &str) -> Option<u8> {
    match file_name {
        "terraform.tfvars" => Some(0),
        "terraform.tfvars.json" => Some(1),
        n if n.ends_with(".auto.tfvars") || n.ends_with(".auto.tfvars.json") => Some(2),
        _ => None,
    }
}

/// A variable file: HCL, or JSON when its name ends in `.json`; `None` when it does not parse.
/// Only literal values are allowed in them, so each is evaluated on its own.
pub fn parse_var_file(name: &str, text: &str) -> Option<VarFile> {
    let values = if name.ends_with(".json") {
        let root = crate::source::parse_json(text).ok()?;
        root.entries()?
            .iter()
            .map(|e| (e.key.clone(), e.value.clone()))
            .collect()
    } else {
        let body = parse(text).ok()?;
        let empty = Body::default();
        let module = Module::new(text, &empty, &[], &[]);
        let mut eval = Eval::new(&module);
        body.attributes()
            .map(|a| (a.key.as_str().to_string(), eval.value(&a.value)))
            .collect()
    };
    Some(VarFile {
        name: name.to_string(),
        values,
    })
}

/// The roles' trust policies and the OIDC providers of a file. `siblings` are the bodies of the
/// other `.tf` files of the module, for variables and locals; `var_files` the variable files
/// that apply, in the order Terraform loads them.
pub fn extract(
    label_path: &str,
    text: &str,
    body: &Body,
    siblings: &[Body],
    var_files: &[VarFile],
    modules: &[ModuleSource],
) -> Extracted {
    let module = Module::new(text, body, siblings, var_files);
    let mut out = extract_module(label_path, &module, body, modules);
    out.policies.sort_by_key(|p| p.role_span.start);
    out.notices.sort_by_key(|n| n.0.start);
    out
}

/// The policies, providers and notices of one file of a module.
fn extract_module(
    label_path: &str,
    module: &Module<'_>,
    body: &Body,
    modules: &[ModuleSource],
) -> Extracted {
    let mut out = Extracted::default();
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
                let (instances, notice) = Eval::new(module).instances(&block.body);
                out.notices.extend(notice);
                for instance in instances {
                    let mut eval = Eval::new(module);
                    eval.enter(&instance);
                    let document = eval.document(&attribute.value);
                    let role_name = block.body.get_attribute("name").and_then(|a| {
                        let value = eval.value(&a.value);
                        value.as_str().map(str::to_string)
                    });
                    out.judge(
                        eval,
                        EmbeddedPolicy {
                            label: format!("{label_path}: aws_iam_role.{name}{}", instance.suffix),
                            role_name,
                            role_span: span_of(&block.labels[1], span_of(block, Span::default())),
                            document,
                            notes: Vec::new(),
                            problems: Vec::new(),
                        },
                        span_of(&attribute.value, Span::default()),
                    );
                }
            }
            ("resource", ["aws_iam_openid_connect_provider", name]) => {
                let mut eval = Eval::new(module);
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
                out.providers.push(OidcProviderDecl {
                    label: format!("aws_iam_openid_connect_provider.{name}"),
                    issuer,
                    client_ids,
                    span: span_of(&list.key, Span::default()),
                });
            }
            ("module", [name]) => {
                let source = block
                    .body
                    .get_attribute("source")
                    .and_then(|a| a.value.as_str())
                    .unwrap_or("?");
                if let Some(read) = modules.iter().find(|m| m.source == source) {
                    if !read.files.is_empty() {
                        out.merge(calls::call(label_path, module, name, block, read));
                        continue;
                    }
                }
                // A module that may create a role: its call names a role, OIDC or GitHub.
                let may_create_role = ["oidc", "role", "github"].iter().any(|w| {
                    (name.to_string() + &block.body.to_string())
                        .to_ascii_lowercase()
                        .contains(w)
                });
                if !may_create_role {
                    continue;
                }
                let local = source.starts_with("./") || source.starts_with("../");
                let how = if local {
                    "its roles are judged with their own defaults where the module's directory is scanned, not with this call's arguments"
                } else {
                    "trustlint reads local modules only: scan a plan (`terraform show -json`) to judge what it creates"
                };
                out.notices.push((
                    span_of(&block.ident, span_of(block, Span::default())),
                    format!("module `{name}` (source `{source}`) is not evaluated: {how}"),
                ));
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
        let span = span_of(*block, Span::default());
        let (instances, notice) = Eval::new(module).instances(&block.body);
        out.notices.extend(notice);
        for instance in instances {
            let mut eval = Eval::new(module);
            eval.enter(&instance);
            let document = eval.policy_document(block, span);
            out.judge(
                eval,
                EmbeddedPolicy {
                    label: format!(
                        "{label_path}: data.aws_iam_policy_document.{name}{}",
                        instance.suffix
                    ),
                    role_name: None,
                    role_span: span,
                    document,
                    notes: Vec::new(),
                    problems: Vec::new(),
                },
                span,
            );
        }
    }
    out
}

impl Extracted {
    fn merge(&mut self, other: Extracted) {
        self.policies.extend(other.policies);
        self.providers.extend(other.providers);
        self.notices.extend(other.notices);
    }

    /// Keeps a rendered document for the rules, or says why it cannot be judged: a document
    /// with an undecided block or an unresolved structure would look tighter or looser than it
    /// is. What Terraform rejects is judged in any case.
    fn judge(&mut self, eval: Eval<'_, '_>, mut policy: EmbeddedPolicy, at: Span) {
        let short = policy
            .label
            .split_once(": ")
            .map_or(policy.label.as_str(), |(_, l)| l)
            .to_string();
        let undecided = if let Some((span, why)) = eval.undecided.first() {
            Some((*span, why.clone()))
        } else if let Some(expression) = super::unresolved_expression(&policy.document) {
            Some((at, format!("the document `{expression}` is not evaluated")))
        } else if !super::structure_is_resolved(&policy.document) {
            Some((
                at,
                "a statement, its effect, action or condition operator is not evaluated"
                    .to_string(),
            ))
        } else {
            None
        };
        if let Some((span, why)) = undecided {
            self.notices.push((
                span,
                format!("{short}: {why}; its trust policy is not judged"),
            ));
            if eval.problems.is_empty() {
                return;
            }
            // Only what Terraform rejects is reported.
            policy.document = super::unresolved(String::new(), policy.document.span);
        }
        policy.notes.extend(eval.notes);
        policy.problems = eval.problems;
        self.policies.push(policy);
    }
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

/// True when a policy document's statements are about assuming a role: a statement (static or
/// `dynamic`) that names `sts:AssumeRoleWithWebIdentity` or the GitHub issuer, or names an
/// `sts:AssumeRole…` action and has a principal block — under any spelling of its keys, so that
/// a statement Terraform rejects is still judged.
fn assumes_role(block: &Block) -> bool {
    let statements = block.body.blocks().filter_map(|b| match b.ident.as_str() {
        "dynamic" => b.body.get_blocks("content").next(),
        _ => Some(b),
    });
    statements.into_iter().any(|s| {
        let text = s.body.to_string();
        let principals = s.body.blocks().any(|b| {
            let ident = match b.ident.as_str() {
                "dynamic" => b.labels.first().map(|l| l.as_str()).unwrap_or(""),
                ident => ident,
            };
            ident.starts_with("principal") || ident.starts_with("not_principal")
        });
        text.contains("AssumeRoleWithWebIdentity")
            || text.contains("token.actions.githubusercontent.com")
            || (principals && text.contains("sts:AssumeRole"))
    })
}
