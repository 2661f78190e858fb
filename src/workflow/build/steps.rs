//! The builder's reading of a job's `steps:`: each step and its `uses:`.

use super::{Builder, STEP_KEYS};
use crate::source::{Node, NodeKind, Span, Spanned};
use crate::workflow::model::Step;
use crate::workflow::uses::{UsesKind, UsesRef};
use std::collections::hash_map::{Entry, HashMap};

impl Builder {
    pub(super) fn steps(&mut self, node: &Node) -> Vec<Step> {
        let NodeKind::Array(items) = &node.kind else {
            self.invalid(
                node.span,
                format!(
                    "`steps` must be a list of steps, found {}",
                    node.type_name()
                ),
            );
            return Vec::new();
        };
        // Sized once (a `Step` is large, and doubling from 4 wastes most of it for the usual
        // short job); step ids looked up in a map, not by scanning the earlier steps.
        let mut steps: Vec<Step> = Vec::with_capacity(items.len());
        let mut first_ids: HashMap<String, Span> = HashMap::new();
        for (index, item) in items.iter().enumerate() {
            let Some(step) = self.step(index, item) else {
                continue;
            };
            if let Some(id) = &step.id {
                match first_ids.entry(id.value.to_ascii_lowercase()) {
                    Entry::Occupied(first) => {
                        let message = format!(
                            "step id \"{}\" is used more than once in this job",
                            id.value
                        );
                        self.invalid_related(id.span, message, *first.get(), "first used here");
                    }
                    Entry::Vacant(slot) => {
                        slot.insert(id.span);
                    }
                }
            }
            steps.push(step);
        }
        steps
    }

    pub(super) fn step(&mut self, index: usize, node: &Node) -> Option<Step> {
        let what = format!("step {}", index + 1);
        let entries = self.mapping(node, &what)?;
        let mut step = Step {
            index,
            id: None,
            name: None,
            uses: None,
            with: Vec::new(),
            run: None,
            env: Vec::new(),
            if_: None,
            span: node.span,
        };
        let find = |k: &str| entries.iter().find(|e| e.key == k).copied();
        let (uses_e, run_e) = (find("uses"), find("run"));
        match (uses_e, run_e) {
            (Some(u), Some(r)) => {
                let (first, second) = if u.key_span.start < r.key_span.start {
                    (u, r)
                } else {
                    (r, u)
                };
                self.invalid_related(
                    second.key_span,
                    format!("{what} has both `uses` and `run`: a step does one or the other"),
                    first.key_span,
                    "the other one",
                );
            }
            (None, None)
                if !["wait", "wait-all", "cancel"]
                    .iter()
                    .any(|k| find(k).is_some()) =>
            {
                self.invalid(node.span, format!("{what} has neither `uses` nor `run`"));
            }
            _ => {}
        }
        for e in &entries {
            match e.key.as_str() {
                "name" => step.name = self.string(&e.value, "a step's `name`"),
                "id" => step.id = self.string(&e.value, "a step's `id`"),
                "if" => step.if_ = self.string(&e.value, "a step's `if`"),
                "uses" => step.uses = self.step_uses(&e.value).map(Box::new),
                "run" => step.run = self.string(&e.value, "`run`"),
                "with" => {
                    if run_e.is_some() && uses_e.is_none() {
                        self.invalid(
                            e.key_span,
                            format!("{what} runs a script: `with` is only for `uses` steps"),
                        );
                    }
                    step.with = self.with(&e.value, "a step's `with`");
                }
                "env" => step.env = self.env(&e.value, "a step's `env`"),
                "shell" | "working-directory" if uses_e.is_some() && run_e.is_none() => {
                    self.invalid(
                        e.key_span,
                        format!("{what} uses an action: `{}` is only for `run` steps", e.key),
                    );
                }
                key if !STEP_KEYS.contains(&key) => {
                    self.unknown_key(e, &format!("in {what}"), STEP_KEYS)
                }
                _ => {}
            }
        }
        Some(step)
    }

    fn step_uses(&mut self, node: &Node) -> Option<Spanned<UsesRef>> {
        let raw = self.string(node, "a step's `uses`")?;
        let uses = UsesRef::parse(&raw.value);
        match &uses.kind {
            UsesKind::Malformed { reason } => self.invalid(
                node.span,
                format!("`uses: {}` cannot be resolved: {reason}", raw.value),
            ),
            _ if uses.is_reusable_workflow() => self.invalid(
                node.span,
                format!(
                    "`uses: {}` names a reusable workflow: call it from a job's `uses`, not from a step",
                    raw.value
                ),
            ),
            UsesKind::Repository { .. } if uses.git_ref.is_none() => self.invalid(
                node.span,
                format!(
                    "`uses: {}` has no `@ref`: an action from a repository needs a tag, branch or commit SHA",
                    raw.value
                ),
            ),
            _ => {}
        }
        Some(Spanned::new(uses, node.span))
    }
}
