//! The builder's reading of `on:`: the triggers, their filters, and a reusable workflow's
//! inputs, secrets and outputs.

use super::Builder;
use crate::source::{Node, NodeKind, Spanned};
use crate::workflow::model::{CallOutput, Filter, Trigger, TriggerForm, TriggerInput, Triggers};

impl Builder {
    pub(super) fn triggers(&mut self, node: &Node) -> Triggers {
        let simple = |event: Spanned<String>| Trigger {
            span: event.span,
            event,
            config: None,
            branches: None,
            tags: None,
            paths: None,
            types: Vec::new(),
            workflows: Vec::new(),
            crons: Vec::new(),
            inputs: Vec::new(),
            secrets: Vec::new(),
            outputs: Vec::new(),
        };
        match &node.kind {
            NodeKind::String(s) => Triggers {
                form: TriggerForm::Single,
                events: vec![simple(Spanned::new(s.clone(), node.span))],
                span: node.span,
            },
            NodeKind::Array(items) => {
                let mut events = Vec::new();
                for item in items {
                    match item.as_str() {
                        Some(s) => events.push(simple(Spanned::new(s.to_string(), item.span))),
                        None => self.invalid(
                            item.span,
                            format!(
                                "each event in the `on` list must be an event name, found {}",
                                item.type_name()
                            ),
                        ),
                    }
                }
                Triggers {
                    form: TriggerForm::List,
                    events,
                    span: node.span,
                }
            }
            NodeKind::Object(_) => {
                let entries = self.mapping(node, "`on`").unwrap_or_default();
                let events = entries
                    .into_iter()
                    .map(|entry| {
                        let mut t = simple(Spanned::new(entry.key.clone(), entry.key_span));
                        t.span = entry.key_span.join(entry.value.span);
                        self.trigger_config(&mut t, &entry.value);
                        t
                    })
                    .collect();
                Triggers {
                    form: TriggerForm::Map,
                    events,
                    span: node.span,
                }
            }
            _ => {
                self.invalid(
                    node.span,
                    format!(
                        "`on` must be an event name, a list of events or a mapping of events, found {}",
                        node.type_name()
                    ),
                );
                Triggers {
                    form: TriggerForm::Missing,
                    events: Vec::new(),
                    span: node.span,
                }
            }
        }
    }

    fn trigger_config(&mut self, t: &mut Trigger, value: &Node) {
        let event = t.event.value.clone();
        if matches!(value.kind, NodeKind::Null) {
            if event == "schedule" {
                self.invalid(
                    value.span,
                    "`schedule` needs a list of `- cron: '…'` entries",
                );
            }
            return;
        }
        t.config = Some(value.clone());
        if event == "schedule" {
            let NodeKind::Array(items) = &value.kind else {
                self.invalid(
                    value.span,
                    format!(
                        "`schedule` must be a list of `- cron: '…'` entries, found {}",
                        value.type_name()
                    ),
                );
                return;
            };
            for item in items {
                let Some(entries) = self.mapping(item, "each `schedule` entry") else {
                    continue;
                };
                match entries.iter().find(|e| e.key == "cron") {
                    Some(cron) => {
                        if let Some(c) = self.string(&cron.value, "`cron`") {
                            t.crons.push(c);
                        }
                    }
                    None => self.invalid(item.span, "a `schedule` entry needs a `cron`"),
                }
            }
            return;
        }
        let what = format!("the `{event}` event's settings");
        let Some(entries) = self.mapping(value, &what) else {
            return;
        };
        for entry in entries {
            let key = entry.key.as_str();
            match key {
                "branches" | "branches-ignore" | "tags" | "tags-ignore" | "paths"
                | "paths-ignore" => {
                    let base = key.trim_end_matches("-ignore");
                    let filter = Filter {
                        include: !key.ends_with("-ignore"),
                        patterns: self.string_list(&entry.value, &format!("`{key}`")),
                        key_span: entry.key_span,
                    };
                    let slot = match base {
                        "branches" => &mut t.branches,
                        "tags" => &mut t.tags,
                        _ => &mut t.paths,
                    };
                    if let Some(previous) = slot {
                        let message = format!(
                            "`{base}` and `{base}-ignore` cannot both filter the same event"
                        );
                        let first = previous.key_span;
                        self.invalid_related(entry.key_span, message, first, "the other filter");
                    } else {
                        *slot = Some(filter);
                    }
                }
                "types" => t.types = self.string_list(&entry.value, "`types`"),
                "workflows" if event == "workflow_run" => {
                    t.workflows = self.string_list(&entry.value, "`workflows`")
                }
                "inputs" if event == "workflow_call" || event == "workflow_dispatch" => {
                    t.inputs = self.inputs(&entry.value, &event)
                }
                "secrets" if event == "workflow_call" => {
                    t.secrets = self.call_secrets(&entry.value)
                }
                "outputs" if event == "workflow_call" => {
                    t.outputs = self.call_outputs(&entry.value)
                }
                // Other settings (`names`, `versions`, …) are kept in `config` only.
                _ => {}
            }
        }
    }

    fn inputs(&mut self, node: &Node, event: &str) -> Vec<TriggerInput> {
        let what = format!("`{event}.inputs`");
        let Some(entries) = self.mapping(node, &what) else {
            return Vec::new();
        };
        let mut inputs = Vec::new();
        for entry in entries {
            let mut input = TriggerInput {
                name: Spanned::new(entry.key.clone(), entry.key_span),
                type_: None,
                default: None,
                required: None,
                options: Vec::new(),
            };
            let input_what = format!("input \"{}\"", entry.key);
            if let Some(fields) = self.mapping(&entry.value, &input_what) {
                for f in fields {
                    match f.key.as_str() {
                        "type" => input.type_ = self.string(&f.value, "an input's `type`"),
                        "default" => input.default = Some(f.value.clone()),
                        "required" => input.required = Some(f.value.clone()),
                        "options" => input.options = self.string_list(&f.value, "`options`"),
                        _ => {}
                    }
                }
                // `type` is required for workflow_call inputs (`workflow-call-input-definition`).
                if event == "workflow_call" && input.type_.is_none() {
                    self.invalid(
                        entry.key_span,
                        format!(
                            "workflow_call input \"{}\" has no `type` (boolean, number or string)",
                            entry.key
                        ),
                    );
                }
            }
            inputs.push(input);
        }
        inputs
    }

    fn call_secrets(&mut self, node: &Node) -> Vec<Spanned<String>> {
        let Some(entries) = self.mapping(node, "`workflow_call.secrets`") else {
            return Vec::new();
        };
        entries
            .into_iter()
            .map(|e| Spanned::new(e.key.clone(), e.key_span))
            .collect()
    }

    fn call_outputs(&mut self, node: &Node) -> Vec<CallOutput> {
        let Some(entries) = self.mapping(node, "`workflow_call.outputs`") else {
            return Vec::new();
        };
        let mut outputs = Vec::new();
        for entry in entries {
            let value = match self.mapping(&entry.value, &format!("output \"{}\"", entry.key)) {
                Some(fields) => match fields.iter().find(|f| f.key == "value") {
                    Some(v) => self.string(&v.value, "an output's `value`"),
                    None => {
                        self.invalid(
                            entry.key_span,
                            format!("workflow_call output \"{}\" has no `value`", entry.key),
                        );
                        None
                    }
                },
                None => None,
            };
            outputs.push(CallOutput {
                name: Spanned::new(entry.key.clone(), entry.key_span),
                value,
            });
        }
        outputs
    }
}
