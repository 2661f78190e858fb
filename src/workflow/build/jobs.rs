//! The builder's reading of `permissions:`, `env:`, `with:` and `jobs:`: each job, its
//! environment, and a caller job's `uses:`, `secrets:` and outputs.

use super::{is_identifier, Builder, CALLER_JOB_KEYS, STEPS_JOB_KEYS};
use crate::source::{Node, NodeKind, ObjectEntry, Spanned};
use crate::workflow::model::{
    scalar_text, EnvVar, Environment, Job, PermissionEntry, Permissions, PermissionsKind,
};
use crate::workflow::uses::{UsesKind, UsesRef};
use std::collections::HashSet;

impl Builder {
    pub(super) fn permissions(&mut self, node: &Node) -> Permissions {
        let kind = match &node.kind {
            NodeKind::String(s) if s == "read-all" => PermissionsKind::ReadAll,
            NodeKind::String(s) if s == "write-all" => PermissionsKind::WriteAll,
            NodeKind::Object(entries) if entries.is_empty() => PermissionsKind::None_,
            NodeKind::Object(_) => {
                let entries = self.mapping(node, "`permissions`").unwrap_or_default();
                let mut out = Vec::new();
                for entry in entries {
                    match scalar_text(&entry.value) {
                        Some(level) => out.push(PermissionEntry {
                            scope: Spanned::new(entry.key.clone(), entry.key_span),
                            level: Spanned::new(level, entry.value.span),
                        }),
                        None => self.invalid_permissions(
                            entry.value.span,
                            format!(
                                "the level of `{}` must be read, write or none, found {}",
                                entry.key,
                                entry.value.type_name()
                            ),
                        ),
                    }
                }
                PermissionsKind::Map(out)
            }
            _ => {
                let found = match node.as_str() {
                    Some(s) => format!("\"{s}\""),
                    None => node.type_name().to_string(),
                };
                self.invalid_permissions(
                    node.span,
                    format!(
                        "`permissions` must be read-all, write-all or a mapping of scopes to levels, found {found}"
                    ),
                );
                PermissionsKind::Invalid(node.clone())
            }
        };
        Permissions {
            span: node.span,
            kind,
        }
    }

    pub(super) fn env(&mut self, node: &Node, what: &str) -> Vec<EnvVar> {
        let Some(entries) = self.mapping(node, what) else {
            return Vec::new();
        };
        let mut vars = Vec::new();
        for entry in entries {
            if matches!(entry.value.kind, NodeKind::Array(_) | NodeKind::Object(_)) {
                self.invalid(
                    entry.value.span,
                    format!(
                        "the value of `{}` must be a string, found {}",
                        entry.key,
                        entry.value.type_name()
                    ),
                );
            }
            vars.push(EnvVar {
                name: Spanned::new(entry.key.clone(), entry.key_span),
                value: entry.value.clone(),
            });
        }
        vars
    }

    pub(super) fn with(&mut self, node: &Node, what: &str) -> Vec<(Spanned<String>, Node)> {
        let Some(entries) = self.mapping(node, what) else {
            return Vec::new();
        };
        entries
            .into_iter()
            .map(|e| (Spanned::new(e.key.clone(), e.key_span), e.value.clone()))
            .collect()
    }

    pub(super) fn jobs(&mut self, node: &Node) -> Vec<Job> {
        let Some(entries) = self.mapping(node, "`jobs`") else {
            return Vec::new();
        };
        let ids: HashSet<&str> = entries.iter().map(|e| e.key.as_str()).collect();
        // Sized once: a `Job` is large, and growing by doubling holds two copies at the peak.
        let mut jobs = Vec::with_capacity(entries.len());
        for entry in &entries {
            if !is_identifier(&entry.key) {
                self.invalid(
                    entry.key_span,
                    format!(
                        "job id \"{}\" must start with a letter or `_` and contain only letters, digits, `-` and `_`",
                        entry.key
                    ),
                );
            }
            if let Some(job) = self.job(entry) {
                for need in &job.needs {
                    if !ids.contains(need.value.as_str()) {
                        self.invalid(
                            need.span,
                            format!(
                                "job \"{}\" needs \"{}\", which is not a job of this workflow",
                                job.id.value, need.value
                            ),
                        );
                    }
                }
                jobs.push(job);
            }
        }
        jobs
    }

    pub(super) fn job(&mut self, entry: &ObjectEntry) -> Option<Job> {
        let id = Spanned::new(entry.key.clone(), entry.key_span);
        let what = format!("job \"{}\"", entry.key);
        let entries = self.mapping(&entry.value, &what)?;
        let uses_entry = entries.iter().find(|e| e.key == "uses").copied();
        let steps_entry = entries.iter().find(|e| e.key == "steps").copied();
        let mut job = Job {
            id,
            name: None,
            runs_on: None,
            environment: None,
            needs: Vec::new(),
            if_: None,
            permissions: None,
            env: Vec::new(),
            steps: Vec::new(),
            uses: None,
            with: Vec::new(),
            secrets: None,
            outputs: Vec::new(),
            strategy: None,
            span: entry.key_span.join(entry.value.span),
        };
        match (uses_entry, steps_entry) {
            (Some(u), Some(s)) => self.invalid_related(
                u.key_span,
                format!(
                    "{what} has both `uses` (calls a reusable workflow) and `steps`: a job does one or the other"
                ),
                s.key_span,
                "steps here",
            ),
            (None, None) => self.invalid(
                entry.key_span,
                format!("{what} has neither `steps` nor `uses`"),
            ),
            _ => {}
        }
        let caller = uses_entry.is_some();
        let allowed = if caller {
            CALLER_JOB_KEYS
        } else {
            STEPS_JOB_KEYS
        };
        for e in &entries {
            let key = e.key.as_str();
            // `steps` beside `uses` is reported above, once.
            let reported_above = caller && key == "steps";
            if !allowed.contains(&key) && !reported_above {
                if caller && STEPS_JOB_KEYS.contains(&key) {
                    let extra = if key == "environment" {
                        " (set `environment` on the called workflow's jobs instead)"
                    } else {
                        ""
                    };
                    self.invalid(
                        e.key_span,
                        format!(
                            "`{key}` is not allowed in a job that calls a reusable workflow{extra}: such a job takes only {}",
                            CALLER_JOB_KEYS.join(", ")
                        ),
                    );
                } else {
                    self.unknown_key(e, &format!("in {what}"), allowed);
                }
                // Keep reading it anyway: a rule may still want `environment` or `runs-on`.
            }
            match key {
                "name" => job.name = self.string(&e.value, "a job's `name`"),
                "runs-on" => job.runs_on = Some(e.value.clone()),
                "environment" => job.environment = self.environment(&e.value).map(Box::new),
                "needs" => job.needs = self.string_list(&e.value, "`needs`"),
                "if" => job.if_ = self.string(&e.value, "a job's `if`"),
                "permissions" => job.permissions = Some(self.permissions(&e.value)),
                "env" => job.env = self.env(&e.value, "a job's `env`"),
                "steps" => job.steps = self.steps(&e.value),
                "uses" => job.uses = self.job_uses(&e.value).map(Box::new),
                "with" => job.with = self.with(&e.value, "a caller job's `with`"),
                "secrets" => job.secrets = self.job_secrets(&e.value).map(Box::new),
                "outputs" => job.outputs = self.job_outputs(&e.value),
                "strategy" => job.strategy = Some(Box::new(e.value.clone())),
                _ => {}
            }
        }
        if !caller && steps_entry.is_some() && job.runs_on.is_none() {
            self.invalid(
                entry.key_span,
                format!("{what} has no `runs-on`: GitHub needs it for a job with steps"),
            );
        }
        Some(job)
    }

    pub(super) fn environment(&mut self, node: &Node) -> Option<Environment> {
        let (name, url) = match &node.kind {
            NodeKind::Object(_) => {
                let entries = self.mapping(node, "`environment`")?;
                let url = match entries.iter().find(|e| e.key == "url") {
                    Some(u) => self.string(&u.value, "`environment.url`"),
                    None => None,
                };
                let Some(name) = entries.iter().find(|e| e.key == "name") else {
                    self.invalid(node.span, "an `environment` mapping needs a `name`");
                    return None;
                };
                (self.string(&name.value, "`environment.name`")?, url)
            }
            _ => (self.string(node, "`environment`")?, None),
        };
        Some(Environment {
            is_expression: name.value.contains("${{"),
            name,
            url,
            span: node.span,
        })
    }

    fn job_uses(&mut self, node: &Node) -> Option<Spanned<UsesRef>> {
        let raw = self.string(node, "a job's `uses`")?;
        let uses = UsesRef::parse(&raw.value);
        match &uses.kind {
            UsesKind::Malformed { reason } => self.invalid(
                node.span,
                format!("`uses: {}` is not a reusable workflow reference: {reason}", raw.value),
            ),
            _ if !uses.is_reusable_workflow() => self.invalid(
                node.span,
                format!(
                    "a job's `uses` must name a reusable workflow (`./.github/workflows/<file>.yml` or `owner/repo/.github/workflows/<file>.yml@ref`), found \"{}\"",
                    raw.value
                ),
            ),
            UsesKind::Repository { .. } if uses.git_ref.is_none() => self.invalid(
                node.span,
                format!(
                    "`uses: {}` has no `@ref`: a reusable workflow in another repository needs a tag, branch or commit SHA",
                    raw.value
                ),
            ),
            _ => {}
        }
        Some(Spanned::new(uses, node.span))
    }

    fn job_secrets(&mut self, node: &Node) -> Option<Node> {
        match &node.kind {
            NodeKind::Object(_) => {}
            NodeKind::String(s) if s == "inherit" => {}
            _ => self.invalid(
                node.span,
                format!(
                    "a caller job's `secrets` must be a mapping or `inherit`, found {}",
                    match node.as_str() {
                        Some(s) => format!("\"{s}\""),
                        None => node.type_name().to_string(),
                    }
                ),
            ),
        }
        Some(node.clone())
    }

    fn job_outputs(&mut self, node: &Node) -> Vec<(Spanned<String>, Spanned<String>)> {
        let Some(entries) = self.mapping(node, "a job's `outputs`") else {
            return Vec::new();
        };
        entries
            .into_iter()
            .filter_map(|e| {
                let value = self.string(&e.value, &format!("output \"{}\"", e.key))?;
                Some((Spanned::new(e.key.clone(), e.key_span), value))
            })
            .collect()
    }
}
