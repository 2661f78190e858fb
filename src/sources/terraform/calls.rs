//! Local module calls (`module "x" { source = "./modules/role" ... }`): the module's roles and
//! documents evaluated with the call's arguments bound to its variables (their defaults
//! otherwise), as Terraform does
//! (<https://developer.hashicorp.com/terraform/language/modules/syntax>), reported in the
//! calling file: at the argument when a value came from it, at the call's name otherwise.

use super::eval::Eval;
use super::module::Module;
use super::{extract_module, parse, span_of, Extracted, ModuleSource};
use crate::source::{Node, NodeKind, ObjectEntry, Span};
use hcl_edit::structure::{Block, Body};

/// Spans of the caller's values, while they travel through the module's evaluation, are moved
/// this far, so that they can be told from the module's own spans afterwards.
const CALLER: usize = 1 << 40;

/// The arguments of a module block that are not the module's variables.
const META_ARGUMENTS: &[&str] = &[
    "source",
    "version",
    "count",
    "for_each",
    "providers",
    "depends_on",
];

pub(super) fn call(
    label_path: &str,
    caller: &Module<'_>,
    name: &str,
    block: &Block,
    read: &ModuleSource,
) -> Extracted {
    let at = span_of(&block.labels[0], span_of(block, Span::default()));
    let mut out = Extracted::default();
    let files: Vec<(&str, Body)> = read
        .files
        .iter()
        .filter_map(|(_, text)| Some((text.as_str(), parse(text).ok()?)))
        .collect();
    let (instances, notice) = Eval::new(caller).instances(&block.body);
    out.notices.extend(notice);
    for instance in instances {
        let mut arguments = Vec::new();
        let mut eval = Eval::new(caller);
        eval.enter(&instance);
        for attribute in block.body.attributes() {
            let key = attribute.key.as_str();
            if META_ARGUMENTS.contains(&key) {
                continue;
            }
            let value = eval.value(&attribute.value);
            arguments.push((key.to_string(), shift(&value)));
        }
        let caller_notes: Vec<(Span, String)> = eval
            .notes
            .into_iter()
            .map(|(span, note)| (shift_span(span), note))
            .collect();
        for (i, (text, body)) in files.iter().enumerate() {
            let siblings: Vec<Body> = files
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, (_, b))| b.clone())
                .collect();
            let mut module = Module::new(text, body, &siblings, &[]);
            for (key, value) in &arguments {
                if module.declared.contains(key) {
                    let from = format!("the argument of module `{name}`");
                    module
                        .assigned
                        .insert(key.clone(), (value.clone(), from, true));
                }
            }
            let found = extract_module(label_path, &module, body, &[]);
            let prefix = format!("module.{name}{}", instance.suffix);
            for mut policy in found.policies {
                let short = policy
                    .label
                    .split_once(": ")
                    .map_or(policy.label.clone(), |(_, l)| l.to_string());
                policy.label = format!("{label_path}: {prefix}.{short}");
                policy.role_span = at;
                policy.document = relocate(&policy.document, at);
                policy.notes.extend(caller_notes.iter().cloned());
                policy.notes = policy
                    .notes
                    .into_iter()
                    .map(|(span, note)| (relocate_span(span, at), note))
                    .collect();
                policy.problems = policy
                    .problems
                    .into_iter()
                    .map(|(span, problem)| (relocate_span(span, at), problem))
                    .collect();
                out.policies.push(policy);
            }
            for (_, notice) in found.notices {
                out.notices.push((at, format!("{prefix}: {notice}")));
            }
        }
    }
    out
}

/// True for a span of a caller's value on its way through the module.
pub(super) fn from_caller(span: Span) -> bool {
    span.start >= CALLER && span.end != usize::MAX
}

fn shift_span(span: Span) -> Span {
    Span::new(span.start + CALLER, span.end + CALLER)
}

/// A caller's value with its spans marked as the caller's.
fn shift(node: &Node) -> Node {
    map_spans(node, &|s| shift_span(s))
}

/// The caller's spans back in place; the module's own at the call.
fn relocate(node: &Node, at: Span) -> Node {
    map_spans(node, &|s| relocate_span(s, at))
}

fn relocate_span(span: Span, at: Span) -> Span {
    if span.start >= CALLER && span.end >= CALLER && span.end != usize::MAX {
        Span::new(span.start - CALLER, span.end - CALLER)
    } else if span.end == usize::MAX {
        // A note about the whole instance.
        span
    } else {
        at
    }
}

fn map_spans(node: &Node, f: &dyn Fn(Span) -> Span) -> Node {
    let kind = match &node.kind {
        NodeKind::Array(items) => NodeKind::Array(items.iter().map(|i| map_spans(i, f)).collect()),
        NodeKind::Object(entries) => NodeKind::Object(
            entries
                .iter()
                .map(|e| ObjectEntry {
                    key: e.key.clone(),
                    key_span: f(e.key_span),
                    value: map_spans(&e.value, f),
                })
                .collect(),
        ),
        NodeKind::Tagged { tag, value } => NodeKind::Tagged {
            tag: tag.clone(),
            value: Box::new(map_spans(value, f)),
        },
        other => other.clone(),
    };
    Node {
        kind,
        span: f(node.span),
    }
}
