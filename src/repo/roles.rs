//! Which IAM role a step's `role-to-assume` means, and which trust-policy file belongs to it.
//!
//! `role-to-assume` is a role ARN or a role name (`deploy`, `path/deploy`), often written with
//! expressions: `${{ vars.AWS_ROLE_ARN }}`, `${{ secrets.ROLE }}`, `${{ env.ROLE }}`, or pieces
//! such as `arn:aws:iam::${{ vars.ACCOUNT }}:role/deploy`. [`resolve_role`] substitutes what can
//! be known statically and says exactly what to configure for the rest:
//!
//! - `vars.NAME` / `secrets.NAME` from `[vars]` in trustlint.toml (names ignore case);
//! - `env.NAME` from the step's `env:`, then the job's, then the workflow's, following GitHub's
//!   scoping: a value in a step's `env:` may use the job and workflow `env`, values in job and
//!   workflow `env:` cannot use `env` at all (GitHub offers no `env` context there). Values
//!   found are resolved in turn, to a bounded depth;
//! - a single-quoted string literal `${{ 'arn:…' }}`;
//! - a bare role name with `[aws] account` and `partition`.
//!
//! Anything else — `inputs.*`, `matrix.*`, `steps.*`, `needs.*`, `github.*`, operators and
//! function calls — is unresolved, with the reason and a hint.

use super::names::{split_role_resource, RoleArn};
use crate::config::Config;
use crate::source::NodeKind;
use crate::workflow::{
    expression_ranges, expression_refs, scalar_text, EnvVar, ExprRef, Job, Step, Workflow,
};
use std::path::PathBuf;

/// How deep `env` values may refer to other values. GitHub's scoping already ends every chain
/// after three levels (step env -> job env -> workflow env); the bound is a guard.
pub const MAX_DEPTH: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoleResolution {
    Resolved {
        arn: String,
        /// How the ARN was found: `literal`, `vars.AWS_ROLE_ARN from trustlint.toml`,
        /// `env.ROLE (job env) -> vars.AWS_ROLE_ARN from trustlint.toml`, …
        via: String,
    },
    Unresolved {
        reason: String,
        /// What to configure or change so that the role resolves.
        hint: String,
    },
}

impl RoleResolution {
    /// The ARN when resolved.
    pub fn arn(&self) -> Option<&str> {
        match self {
            RoleResolution::Resolved { arn, .. } => Some(arn),
            RoleResolution::Unresolved { .. } => None,
        }
    }
}

/// Resolves the `role-to-assume` text `input` of `step` (in `job` of `workflow`).
pub fn resolve_role(
    input: &str,
    step: &Step,
    job: &Job,
    workflow: &Workflow,
    config: &Config,
) -> RoleResolution {
    Resolver {
        step,
        job,
        workflow,
        config,
        max_depth: MAX_DEPTH,
    }
    .resolve(input)
}

/// The role name of a role ARN: `deploy` for `arn:aws:iam::123456789012:role/ci/deploy`.
pub fn role_name(arn: &str) -> Option<&str> {
    RoleArn::parse(arn).ok().map(|a| a.name)
}

/// The trust-policy file `[roles]` names for the role, relative to the config file's directory
/// (as written when the configuration was not read from a file). ARNs are compared exactly,
/// except for the case of the partition and account.
pub fn policy_path_for(arn: &str, config: &Config) -> Option<PathBuf> {
    let wanted = RoleArn::parse(arn).ok()?;
    let path = config.roles.iter().find_map(|(key, path)| {
        RoleArn::parse(key)
            .is_ok_and(|k| k.same_role(&wanted))
            .then_some(path)
    })?;
    Some(match config.base_dir() {
        Some(dir) => dir.join(path),
        None => path.clone(),
    })
}

/// Where an expression is evaluated, which decides what `env` holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// The step's `with:`: step, job and workflow `env`.
    With,
    /// A value in the step's `env:`: job and workflow `env`.
    StepEnv,
    /// A value in the job's `env:`: no `env` context.
    JobEnv,
    /// A value in the workflow's `env:`: no `env` context.
    WorkflowEnv,
}

impl Scope {
    fn describe(self) -> &'static str {
        match self {
            Scope::With => "role-to-assume",
            Scope::StepEnv => "step env",
            Scope::JobEnv => "job env",
            Scope::WorkflowEnv => "workflow env",
        }
    }
}

struct Unresolved {
    reason: String,
    hint: String,
}

fn unresolved(reason: impl Into<String>, hint: impl Into<String>) -> Unresolved {
    Unresolved {
        reason: reason.into(),
        hint: hint.into(),
    }
}

/// Text with its expressions substituted, and how each was resolved.
struct Substituted {
    text: String,
    via: Vec<String>,
}

struct Resolver<'a> {
    step: &'a Step,
    job: &'a Job,
    workflow: &'a Workflow,
    config: &'a Config,
    max_depth: usize,
}

impl Resolver<'_> {
    fn resolve(&self, input: &str) -> RoleResolution {
        match self.resolve_role_text(input) {
            Ok((arn, via)) => RoleResolution::Resolved { arn, via },
            Err(u) => RoleResolution::Unresolved {
                reason: u.reason,
                hint: u.hint,
            },
        }
    }

    fn resolve_role_text(&self, input: &str) -> Result<(String, String), Unresolved> {
        let whole = is_single_expression(input);
        let substituted = self.substitute(input, Scope::With, 0, whole)?;
        let text = substituted.text.trim();
        let via = if substituted.via.is_empty() {
            "literal".to_string()
        } else {
            substituted.via.join(", ")
        };
        let fix = if substituted.via.is_empty() {
            "fix role-to-assume".to_string()
        } else {
            format!("fix the value ({via})")
        };
        if text.is_empty() {
            return Err(unresolved(
                if substituted.via.is_empty() {
                    "role-to-assume is empty".to_string()
                } else {
                    format!("role-to-assume is empty after substitution ({via})")
                },
                format!("{fix}: write a role ARN such as {}", self.example_arn()),
            ));
        }
        if text.starts_with("arn:") {
            return match RoleArn::parse(text) {
                Ok(_) => Ok((text.to_string(), via)),
                Err(e) => Err(unresolved(
                    format!("\"{text}\" is not an IAM role ARN: {e}"),
                    format!(
                        "{fix}: a role ARN is arn:PARTITION:iam::ACCOUNT:role/NAME, such as {}",
                        self.example_arn()
                    ),
                )),
            };
        }
        let relative = text.trim_start_matches('/');
        if let Err(e) = split_role_resource(relative) {
            return Err(unresolved(
                format!("\"{text}\" is neither a role ARN nor a role name: {e}"),
                format!("{fix}: write a role ARN such as {}", self.example_arn()),
            ));
        }
        let Some(account) = &self.config.aws.account else {
            return Err(unresolved(
                format!("\"{text}\" is a role name without an account"),
                "add `account = \"<12-digit account ID>\"` under [aws] in trustlint.toml, or write the full role ARN in role-to-assume",
            ));
        };
        let partition = self.config.aws.partition();
        let arn = format!("arn:{partition}:iam::{account}:role/{relative}");
        Ok((
            arn,
            format!("{via} -> role name with [aws] account {account} from trustlint.toml"),
        ))
    }

    /// An example ARN for hints, with the configured partition and account when known.
    fn example_arn(&self) -> String {
        format!(
            "arn:{}:iam::{}:role/<name>",
            self.config.aws.partition(),
            self.config.aws.account.as_deref().unwrap_or("<account>")
        )
    }

    /// Substitutes every `${{ … }}` in `text`. `whole_value` says the text is one expression
    /// that stands for the whole role (for the hints' example values).
    fn substitute(
        &self,
        text: &str,
        scope: Scope,
        depth: usize,
        whole_value: bool,
    ) -> Result<Substituted, Unresolved> {
        let mut out = Substituted {
            text: String::new(),
            via: Vec::new(),
        };
        let mut last = 0;
        for (whole, body) in expression_ranges(text) {
            out.text.push_str(&text[last..whole.start]);
            last = whole.end;
            let written = &text[whole.clone()];
            let Some(body) = body else {
                return Err(unresolved(
                    format!("\"{written}\" is not closed with `}}}}`"),
                    "close the expression with `}}` in the workflow",
                ));
            };
            let inner = text[body].trim();
            if let Some(literal) = string_literal(inner) {
                out.text.push_str(&literal);
                continue;
            }
            let refs = expression_refs(written);
            let single = match refs.as_slice() {
                [r] if written[r.range.clone()] == *inner => Some(r),
                _ => None,
            };
            let Some(r) = single else {
                return Err(unresolved(
                    format!("\"{written}\" is not a plain reference (trustlint does not evaluate operators or functions)"),
                    "write one reference such as `${{ vars.AWS_ROLE_ARN }}` or a literal role ARN in role-to-assume",
                ));
            };
            let (value, via) = self.reference(r, scope, depth, whole_value)?;
            out.text.push_str(&value);
            out.via.push(via);
        }
        out.text.push_str(&text[last..]);
        Ok(out)
    }

    /// The value of one reference and how it was found.
    fn reference(
        &self,
        r: &ExprRef,
        scope: Scope,
        depth: usize,
        whole_value: bool,
    ) -> Result<(String, String), Unresolved> {
        let written = r.dotted();
        let name = match r.path.as_slice() {
            [name] if name != "*" => name.as_str(),
            _ if matches!(r.context.as_str(), "vars" | "secrets" | "env") => {
                return Err(unresolved(
                    format!("`{written}` is not a single {} name", r.context),
                    format!(
                        "refer to one name, such as `${{{{ {}.AWS_ROLE_ARN }}}}`",
                        r.context
                    ),
                ));
            }
            _ => "",
        };
        match r.context.as_str() {
            "vars" | "secrets" => match self.config.var(name) {
                Some(value) => Ok((value.to_string(), format!("{written} from trustlint.toml"))),
                None => {
                    let example = if whole_value {
                        self.example_arn()
                    } else {
                        "…".to_string()
                    };
                    let what = if r.context == "vars" {
                        "a repository, environment or organization variable"
                    } else {
                        "a secret"
                    };
                    Err(unresolved(
                        format!("`{written}` is {what} whose value trustlint cannot see"),
                        format!("add `{name} = \"{example}\"` under [vars] in trustlint.toml"),
                    ))
                }
            },
            "env" => self.env(name, scope, depth, whole_value),
            "inputs" => Err(unresolved(
                format!("`{written}` is an input given by whoever triggers or calls the workflow"),
                "write the role ARN in role-to-assume, or take it from a variable (`${{ vars.NAME }}`) and add NAME under [vars] in trustlint.toml",
            )),
            "matrix" => Err(unresolved(
                format!("`{written}` differs between the job's matrix combinations"),
                "write one step per role with a literal role ARN, or take it from a variable (`${{ vars.NAME }}`) listed under [vars] in trustlint.toml",
            )),
            "steps" | "needs" => Err(unresolved(
                format!("`{written}` is an output computed while the workflow runs"),
                "write the role ARN in role-to-assume, or take it from a variable (`${{ vars.NAME }}`) and add NAME under [vars] in trustlint.toml",
            )),
            _ => Err(unresolved(
                format!("`{written}` is only known while the workflow runs"),
                "write the role ARN in role-to-assume, or take it from a variable (`${{ vars.NAME }}`) and add NAME under [vars] in trustlint.toml",
            )),
        }
    }

    /// `env.NAME` seen from `scope`.
    fn env(
        &self,
        name: &str,
        scope: Scope,
        depth: usize,
        whole_value: bool,
    ) -> Result<(String, String), Unresolved> {
        let levels: &[(Scope, &[EnvVar])] = match scope {
            Scope::With => &[
                (Scope::StepEnv, &self.step.env),
                (Scope::JobEnv, &self.job.env),
                (Scope::WorkflowEnv, &self.workflow.env),
            ],
            Scope::StepEnv => &[
                (Scope::JobEnv, &self.job.env),
                (Scope::WorkflowEnv, &self.workflow.env),
            ],
            Scope::JobEnv | Scope::WorkflowEnv => {
                return Err(unresolved(
                    format!(
                        "`env.{name}` is used in the {}, where GitHub offers no `env` context",
                        scope.describe()
                    ),
                    format!(
                        "in the {}, use `${{{{ vars.{name} }}}}` (with {name} under [vars] in trustlint.toml) or a literal value",
                        scope.describe()
                    ),
                ));
            }
        };
        let found = levels
            .iter()
            .find_map(|(level, vars)| find_env(vars, name).map(|v| (*level, v)));
        let Some((level, var)) = found else {
            let searched = match scope {
                Scope::With => "the step's, the job's or the workflow's `env:`",
                _ => "the job's or the workflow's `env:`",
            };
            return Err(unresolved(
                format!("`env.{name}` is not set in {searched} (a value written to $GITHUB_ENV at run time cannot be followed)"),
                format!("set `{name}` under `env:` of the step, the job or the workflow, or write the role ARN in role-to-assume"),
            ));
        };
        let label = format!("env.{} ({})", var.name.value, level.describe());
        let value = match &var.value.kind {
            NodeKind::Null => Some(String::new()),
            _ => scalar_text(&var.value),
        };
        let Some(value) = value else {
            return Err(unresolved(
                format!("{label} is not a string"),
                format!("give `{}` a string value", var.name.value),
            ));
        };
        if depth + 1 >= self.max_depth && value.contains("${{") {
            return Err(unresolved(
                format!(
                    "{label} nests references more than {} levels deep",
                    self.max_depth
                ),
                "write the role ARN, or one `${{ vars.NAME }}` reference, in role-to-assume",
            ));
        }
        let whole = whole_value && is_single_expression(&value);
        let inner = self
            .substitute(&value, level, depth + 1, whole)
            .map_err(|u| Unresolved {
                reason: format!("{label} -> {}", u.reason),
                hint: u.hint,
            })?;
        let via = if inner.via.is_empty() {
            label
        } else {
            format!("{label} -> {}", inner.via.join(", "))
        };
        Ok((inner.text, via))
    }
}

/// The variable of that name: exactly as written, else ignoring ASCII case (GitHub's contexts
/// ignore case).
fn find_env<'v>(vars: &'v [EnvVar], name: &str) -> Option<&'v EnvVar> {
    vars.iter().find(|v| v.name.value == name).or_else(|| {
        vars.iter()
            .find(|v| v.name.value.eq_ignore_ascii_case(name))
    })
}

/// The text is one `${{ … }}` and nothing else (besides spaces).
fn is_single_expression(text: &str) -> bool {
    let trimmed = text.trim();
    matches!(expression_ranges(trimmed).as_slice(), [(whole, Some(_))] if whole.start == 0 && whole.end == trimmed.len())
}

/// The value of a single-quoted expression string literal (`''` is a quote).
fn string_literal(body: &str) -> Option<String> {
    let inner = body.strip_prefix('\'')?.strip_suffix('\'')?;
    let mut out = String::new();
    let mut rest = inner;
    while let Some(q) = rest.find('\'') {
        if rest[q + 1..].starts_with('\'') {
            out.push_str(&rest[..=q]);
            rest = &rest[q + 2..];
        } else {
            return None;
        }
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests;
