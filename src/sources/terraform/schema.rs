//! The schema of `data "aws_iam_policy_document"` as the AWS provider declares it, so that a
//! statement Terraform itself rejects (`action =` for `actions =`, a `principal` block) is an
//! `invalid-policy` finding rather than a silently dropped statement.
//!
//! Source: the provider's documentation of the data source,
//! <https://registry.terraform.io/providers/hashicorp/aws/latest/docs/data-sources/iam_policy_document>,
//! and Terraform's meta-arguments, <https://developer.hashicorp.com/terraform/language/meta-arguments>.

use crate::source::Span;
use hcl_edit::structure::{Attribute, Body};

/// One block type: its arguments, the required ones, and its nested block types.
pub(super) struct BlockSchema {
    pub(super) name: &'static str,
    pub(super) arguments: &'static [&'static str],
    pub(super) required: &'static [&'static str],
    pub(super) blocks: &'static [&'static str],
}

pub(super) const DOCUMENT: BlockSchema = BlockSchema {
    name: "data \"aws_iam_policy_document\"",
    arguments: &[
        "version",
        "policy_id",
        "source_policy_documents",
        "override_policy_documents",
        "source_json",
        "override_json",
        // Meta-arguments of every data block.
        "count",
        "for_each",
        "depends_on",
        "provider",
    ],
    required: &[],
    blocks: &["statement", "lifecycle"],
};

pub(super) const STATEMENT: BlockSchema = BlockSchema {
    name: "statement",
    arguments: &[
        "sid",
        "effect",
        "actions",
        "not_actions",
        "resources",
        "not_resources",
    ],
    required: &[],
    blocks: &["principals", "not_principals", "condition"],
};

pub(super) const PRINCIPALS: BlockSchema = BlockSchema {
    name: "principals",
    arguments: &["type", "identifiers"],
    required: &["type", "identifiers"],
    blocks: &[],
};

pub(super) const CONDITION: BlockSchema = BlockSchema {
    name: "condition",
    arguments: &["test", "variable", "values"],
    required: &["test", "variable", "values"],
    blocks: &[],
};

/// The arguments of a `dynamic` block.
const DYNAMIC: &[&str] = &["for_each", "iterator", "labels"];

/// The name a misspelling most likely means: the plural or singular of an allowed name.
pub(super) fn meant(name: &str, allowed: &[&'static str]) -> Option<&'static str> {
    allowed
        .iter()
        .find(|a| {
            name.strip_suffix('s') == Some(**a) || a.strip_suffix('s') == Some(name) || {
                name.eq_ignore_ascii_case(a)
            }
        })
        .copied()
}

/// The errors Terraform reports for `body` against `schema`, each with the span of the key it
/// is about (or of the block, for a missing argument).
pub(super) fn check(body: &Body, schema: &BlockSchema, block_span: Span) -> Vec<(Span, String)> {
    let span = |item: &dyn hcl_edit::Span| {
        item.span()
            .map(|r| Span::new(r.start, r.end))
            .unwrap_or(block_span)
    };
    let hint = |name: &str, allowed: &[&'static str]| match meant(name, allowed) {
        Some(m) => format!(" (did you mean `{m}`?)"),
        None => String::new(),
    };
    let mut out = Vec::new();
    for attribute in body.attributes() {
        let name = attribute.key.as_str();
        if !schema.arguments.contains(&name) {
            out.push((
                span(&attribute.key),
                format!(
                    "Terraform rejects this {}: an argument named `{name}` is not expected here{}",
                    schema.name,
                    hint(name, schema.arguments)
                ),
            ));
        }
    }
    for required in schema.required {
        let misspelt = body
            .attributes()
            .any(|a| meant(a.key.as_str(), schema.arguments) == Some(*required));
        if body.get_attribute(required).is_none() && !misspelt {
            out.push((
                block_span,
                format!(
                    "Terraform rejects this {} block: the argument `{required}` is required",
                    schema.name
                ),
            ));
        }
    }
    for block in body.blocks() {
        let ident = block.ident.as_str();
        if ident == "dynamic" {
            let label = block.labels.first().map(|l| l.as_str()).unwrap_or("");
            if !schema.blocks.contains(&label) {
                out.push((
                    span(&block.ident),
                    format!(
                        "Terraform rejects this {}: a dynamic block of type `{label}` is not expected here{}",
                        schema.name,
                        hint(label, schema.blocks)
                    ),
                ));
            }
            for attribute in block.body.attributes() {
                let name = attribute.key.as_str();
                if !DYNAMIC.contains(&name) {
                    out.push((
                        span(&attribute.key),
                        format!("Terraform rejects this dynamic block: an argument named `{name}` is not expected here"),
                    ));
                }
            }
        } else if !schema.blocks.contains(&ident) {
            out.push((
                span(&block.ident),
                format!(
                    "Terraform rejects this {}: blocks of type `{ident}` are not expected here{}",
                    schema.name,
                    hint(ident, schema.blocks)
                ),
            ));
        }
    }
    out
}

/// The argument `name` of a body, or the misspelling of it that [`check`] reports: rendered as
/// meant, so that the other rules judge the statement its author intended.
pub(super) fn attribute<'b>(
    body: &'b Body,
    name: &str,
    schema: &BlockSchema,
) -> Option<&'b Attribute> {
    body.get_attribute(name).or_else(|| {
        body.attributes().find(|a| {
            let key = a.key.as_str();
            !schema.arguments.contains(&key) && meant(key, schema.arguments) == Some(name)
        })
    })
}

/// True when a block named `ident` is, or misspells, a block of type `name`.
pub(super) fn is_block(ident: &str, name: &str, allowed: &[&'static str]) -> bool {
    ident == name || (!allowed.contains(&ident) && meant(ident, allowed) == Some(name))
}
