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
mod tests {
    use super::*;
    use crate::source::parse_yaml;
    use crate::workflow::build_workflow;

    const ARN: &str = "arn:aws:iam::123456789012:role/deploy";

    fn workflow(yaml: &str) -> Workflow {
        let node = parse_yaml(yaml).unwrap_or_else(|e| panic!("{e:?}"));
        let (w, problems) = build_workflow(&node);
        // The model keeps an env value of the wrong type, and reports it.
        assert!(
            problems
                .iter()
                .all(|p| p.message.contains("must be a string")),
            "{problems:#?}"
        );
        w.unwrap()
    }

    /// A workflow with the given env blocks and one configure-aws-credentials step whose
    /// `role-to-assume` is `role`; each env is a YAML flow mapping.
    fn wf(workflow_env: &str, job_env: &str, step_env: &str, role: &str) -> Workflow {
        workflow(&format!(
            "on: push\nenv: {workflow_env}\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    env: {job_env}\n    steps:\n      - uses: aws-actions/configure-aws-credentials@v4\n        env: {step_env}\n        with:\n          role-to-assume: {}\n          aws-region: us-east-1\n",
            serde_json::to_string(role).unwrap()
        ))
    }

    fn resolve_in(w: &Workflow, config: &Config) -> RoleResolution {
        let job = &w.jobs[0];
        let step = &job.steps[0];
        let input = step.input_text("role-to-assume").unwrap();
        resolve_role(&input, step, job, w, config)
    }

    fn resolve(role: &str, config: &str) -> RoleResolution {
        let config = Config::parse(config).unwrap();
        resolve_in(&wf("{}", "{}", "{}", role), &config)
    }

    /// (arn, via) of a resolved role, comparable with a pair of `&str`.
    #[derive(Debug)]
    struct Pair(String, String);

    impl PartialEq<(&str, &str)> for Pair {
        fn eq(&self, other: &(&str, &str)) -> bool {
            self.0 == other.0 && self.1 == other.1
        }
    }

    #[track_caller]
    fn resolved(r: RoleResolution) -> Pair {
        match r {
            RoleResolution::Resolved { arn, via } => Pair(arn, via),
            other => panic!("expected resolved, got {other:#?}"),
        }
    }

    /// (reason, hint) of an unresolved role.
    #[track_caller]
    fn unresolved(r: RoleResolution) -> (String, String) {
        match r {
            RoleResolution::Unresolved { reason, hint } => (reason, hint),
            other => panic!("expected unresolved, got {other:#?}"),
        }
    }

    const VARS: &str = "[vars]\nAWS_ROLE_ARN = \"arn:aws:iam::123456789012:role/deploy\"\nACCOUNT = \"123456789012\"\nROLE_NAME = \"deploy\"\n";

    #[test]
    fn literal_arn() {
        let r = resolve(ARN, "");
        assert_eq!(r.arn(), Some(ARN));
        assert_eq!(resolved(r), (ARN, "literal"));
        let r = resolve("  arn:aws:iam::123456789012:role/ci/deploy ", "");
        assert_eq!(resolved(r).0, "arn:aws:iam::123456789012:role/ci/deploy");
    }

    #[test]
    fn malformed_arn_and_garbage() {
        let (reason, hint) = unresolved(resolve("arn:aws:iam::123:role/deploy", ""));
        assert!(
            reason.contains("not an IAM role ARN") && reason.contains("12-digit"),
            "{reason}"
        );
        assert!(hint.starts_with("fix role-to-assume"), "{hint}");
        let (reason, _) = unresolved(resolve("arn:aws:iam::123456789012:user/deploy", ""));
        assert!(reason.contains("not a role"), "{reason}");
        let (reason, _) = unresolved(resolve("my role!", ""));
        assert!(
            reason.contains("neither a role ARN nor a role name"),
            "{reason}"
        );
        let (reason, _) = unresolved(resolve("", ""));
        assert_eq!(reason, "role-to-assume is empty");
    }

    #[test]
    fn bare_role_names_need_the_account() {
        let (reason, hint) = unresolved(resolve("deploy", ""));
        assert_eq!(reason, "\"deploy\" is a role name without an account");
        assert!(
            hint.starts_with(
                "add `account = \"<12-digit account ID>\"` under [aws] in trustlint.toml"
            ),
            "{hint}"
        );

        let aws = "[aws]\naccount = \"123456789012\"\n";
        let r = resolve("deploy", aws);
        assert_eq!(
            resolved(r),
            (
                ARN,
                "literal -> role name with [aws] account 123456789012 from trustlint.toml"
            )
        );
        let r = resolve("ci/deploy", aws);
        assert_eq!(resolved(r).0, "arn:aws:iam::123456789012:role/ci/deploy");
        let r = resolve("/ci/deploy", aws);
        assert_eq!(resolved(r).0, "arn:aws:iam::123456789012:role/ci/deploy");
        let r = resolve(
            "deploy",
            "[aws]\naccount = \"123456789012\"\npartition = \"aws-cn\"\n",
        );
        assert_eq!(resolved(r).0, "arn:aws-cn:iam::123456789012:role/deploy");
    }

    #[test]
    fn vars_and_secrets_from_the_config() {
        let r = resolve("${{ vars.AWS_ROLE_ARN }}", VARS);
        assert_eq!(resolved(r), (ARN, "vars.AWS_ROLE_ARN from trustlint.toml"));
        let r = resolve("${{ secrets.aws_role_arn }}", VARS);
        assert_eq!(
            resolved(r),
            (ARN, "secrets.aws_role_arn from trustlint.toml")
        );
        let r = resolve("${{ secrets['AWS_ROLE_ARN'] }}", VARS);
        assert_eq!(resolved(r).0, ARN);
        let r = resolve(
            "${{vars.ROLE_NAME}}",
            &format!("{VARS}[aws]\naccount = \"123456789012\"\n"),
        );
        assert_eq!(
            resolved(r),
            (ARN, "vars.ROLE_NAME from trustlint.toml -> role name with [aws] account 123456789012 from trustlint.toml")
        );
    }

    #[test]
    fn missing_vars_hint_exactly_what_to_add() {
        let (reason, hint) = unresolved(resolve("${{ vars.AWS_ROLE_ARN }}", ""));
        assert_eq!(
            reason,
            "`vars.AWS_ROLE_ARN` is a repository, environment or organization variable whose value trustlint cannot see"
        );
        assert_eq!(
            hint,
            "add `AWS_ROLE_ARN = \"arn:aws:iam::<account>:role/<name>\"` under [vars] in trustlint.toml"
        );
        let (reason, hint) = unresolved(resolve(
            "${{ secrets.ROLE }}",
            "[aws]\naccount = \"123456789012\"\n",
        ));
        assert!(reason.contains("a secret"), "{reason}");
        assert_eq!(
            hint,
            "add `ROLE = \"arn:aws:iam::123456789012:role/<name>\"` under [vars] in trustlint.toml"
        );
        // A piece of the ARN: no ARN as the example value, also through env.
        let (_, hint) = unresolved(resolve("arn:aws:iam::${{ vars.ACCT }}:role/deploy", ""));
        assert_eq!(hint, "add `ACCT = \"…\"` under [vars] in trustlint.toml");
        let w = wf(
            "{ACCT: \"${{ vars.ACCT }}\"}",
            "{}",
            "{}",
            "arn:aws:iam::${{ env.ACCT }}:role/x",
        );
        let (reason, hint) = unresolved(resolve_in(&w, &Config::default()));
        assert!(
            reason.starts_with("env.ACCT (workflow env) -> `vars.ACCT`"),
            "{reason}"
        );
        assert_eq!(hint, "add `ACCT = \"…\"` under [vars] in trustlint.toml");
    }

    #[test]
    fn pieces_are_substituted() {
        let r = resolve("arn:aws:iam::${{ vars.ACCOUNT }}:role/deploy", VARS);
        assert_eq!(resolved(r), (ARN, "vars.ACCOUNT from trustlint.toml"));
        let r = resolve(
            "arn:aws:iam::${{ vars.ACCOUNT }}:role/${{ vars.ROLE_NAME }}",
            VARS,
        );
        assert_eq!(
            resolved(r),
            (
                ARN,
                "vars.ACCOUNT from trustlint.toml, vars.ROLE_NAME from trustlint.toml"
            )
        );
        let r = resolve("${{ 'arn:aws:iam::123456789012:role/deploy' }}", "");
        assert_eq!(resolved(r), (ARN, "literal"));
        let r = resolve("arn:aws:iam::${{ '123456789012' }}:role/${{ 'it''s' }}", "");
        let (reason, _) = unresolved(r);
        assert!(reason.contains("\"it's\" is not a role name"), "{reason}");
    }

    #[test]
    fn env_through_step_job_and_workflow() {
        let config = Config::parse(VARS).unwrap();
        // Step env first.
        let w = wf(
            "{ROLE: \"arn:aws:iam::123456789012:role/workflow\"}",
            "{ROLE: \"arn:aws:iam::123456789012:role/job\"}",
            "{ROLE: \"arn:aws:iam::123456789012:role/step\"}",
            "${{ env.ROLE }}",
        );
        assert_eq!(
            resolved(resolve_in(&w, &config)),
            ("arn:aws:iam::123456789012:role/step", "env.ROLE (step env)")
        );
        // Then job env, whose value is itself an expression.
        let w = wf(
            "{ROLE: \"arn:aws:iam::123456789012:role/workflow\"}",
            "{ROLE: \"${{ vars.AWS_ROLE_ARN }}\"}",
            "{OTHER: x}",
            "${{ env.ROLE }}",
        );
        assert_eq!(
            resolved(resolve_in(&w, &config)),
            (
                ARN,
                "env.ROLE (job env) -> vars.AWS_ROLE_ARN from trustlint.toml"
            )
        );
        // Then workflow env; names ignore case.
        let w = wf(
            "{Role: \"arn:aws:iam::123456789012:role/workflow\"}",
            "{}",
            "{}",
            "${{ env.ROLE }}",
        );
        assert_eq!(
            resolved(resolve_in(&w, &config)),
            (
                "arn:aws:iam::123456789012:role/workflow",
                "env.Role (workflow env)"
            )
        );
    }

    #[test]
    fn step_env_may_use_job_and_workflow_env() {
        let config = Config::parse(VARS).unwrap();
        let w = wf(
            "{ACCT: \"${{ vars.ACCOUNT }}\"}",
            "{PREFIX: \"arn:aws:iam::${{ vars.ACCOUNT }}\"}",
            "{ROLE: \"${{ env.PREFIX }}:role/deploy\"}",
            "${{ env.ROLE }}",
        );
        assert_eq!(
            resolved(resolve_in(&w, &config)),
            (
                ARN,
                "env.ROLE (step env) -> env.PREFIX (job env) -> vars.ACCOUNT from trustlint.toml"
            )
        );
    }

    #[test]
    fn job_and_workflow_env_have_no_env_context() {
        let config = Config::parse(VARS).unwrap();
        // A self-reference in the workflow env ends at once.
        let w = wf("{ROLE: \"${{ env.ROLE }}\"}", "{}", "{}", "${{ env.ROLE }}");
        let (reason, hint) = unresolved(resolve_in(&w, &config));
        assert_eq!(
            reason,
            "env.ROLE (workflow env) -> `env.ROLE` is used in the workflow env, where GitHub offers no `env` context"
        );
        assert!(hint.contains("vars.ROLE"), "{hint}");
        let w = wf(
            "{BASE: x}",
            "{ROLE: \"${{ env.BASE }}\"}",
            "{}",
            "${{ env.ROLE }}",
        );
        let (reason, _) = unresolved(resolve_in(&w, &config));
        assert!(reason.contains("used in the job env"), "{reason}");
        // A step env value does not see its own step's env.
        let w = wf("{}", "{}", "{A: \"${{ env.B }}\", B: x}", "${{ env.A }}");
        let (reason, _) = unresolved(resolve_in(&w, &config));
        assert!(
            reason.contains("not set in the job's or the workflow's `env:`"),
            "{reason}"
        );
    }

    #[test]
    fn missing_env_and_non_string_env() {
        let config = Config::default();
        let w = wf("{}", "{}", "{}", "${{ env.ROLE_ARN }}");
        let (reason, hint) = unresolved(resolve_in(&w, &config));
        assert!(
            reason.contains("not set in the step's, the job's or the workflow's `env:`"),
            "{reason}"
        );
        assert!(reason.contains("$GITHUB_ENV"), "{reason}");
        assert_eq!(
            hint,
            "set `ROLE_ARN` under `env:` of the step, the job or the workflow, or write the role ARN in role-to-assume"
        );
        let w = wf("{}", "{ROLE: [a, b]}", "{}", "${{ env.ROLE }}");
        let (reason, _) = unresolved(resolve_in(&w, &config));
        assert_eq!(reason, "env.ROLE (job env) is not a string");
        let w = wf("{}", "{ROLE: null}", "{}", "${{ env.ROLE }}");
        let (reason, _) = unresolved(resolve_in(&w, &config));
        assert_eq!(
            reason,
            "role-to-assume is empty after substitution (env.ROLE (job env))"
        );
    }

    #[test]
    fn recursion_is_bounded() {
        let config = Config::parse(VARS).unwrap();
        let w = wf(
            "{C: \"${{ vars.AWS_ROLE_ARN }}\"}",
            "{B: \"${{ vars.AWS_ROLE_ARN }}\"}",
            "{A: \"${{ env.B }}\"}",
            "${{ env.A }}",
        );
        let job = &w.jobs[0];
        let step = &job.steps[0];
        let resolver = |max_depth| Resolver {
            step,
            job,
            workflow: &w,
            config: &config,
            max_depth,
        };
        // The chain A (step) -> B (job) -> vars is three levels deep.
        assert_eq!(resolved(resolver(MAX_DEPTH).resolve("${{ env.A }}")).0, ARN);
        assert_eq!(resolved(resolver(3).resolve("${{ env.A }}")).0, ARN);
        let r = resolver(2).resolve("${{ env.A }}");
        let (reason, hint) = unresolved(r);
        assert_eq!(
            reason,
            "env.A (step env) -> env.B (job env) nests references more than 2 levels deep"
        );
        assert!(hint.contains("write the role ARN"), "{hint}");
    }

    #[test]
    fn runtime_contexts_are_unresolved_with_hints() {
        let cases = [
            (
                "${{ inputs.role }}",
                "an input given by whoever triggers or calls the workflow",
            ),
            (
                "${{ matrix.role }}",
                "differs between the job's matrix combinations",
            ),
            (
                "${{ steps.pick.outputs.role }}",
                "an output computed while the workflow runs",
            ),
            (
                "${{ needs.plan.outputs.role }}",
                "an output computed while the workflow runs",
            ),
            (
                "${{ github.event.inputs.role }}",
                "only known while the workflow runs",
            ),
            (
                "arn:aws:iam::123456789012:role/${{ inputs.env }}-deploy",
                "an input",
            ),
        ];
        for (role, needle) in cases {
            let (reason, hint) = unresolved(resolve(role, VARS));
            assert!(reason.contains(needle), "{role}: {reason}");
            assert!(!hint.is_empty(), "{role}");
        }
    }

    #[test]
    fn expressions_trustlint_does_not_evaluate() {
        for role in [
            "${{ vars.A || vars.AWS_ROLE_ARN }}",
            "${{ format('arn:aws:iam::{0}:role/deploy', vars.ACCOUNT) }}",
            "${{ true }}",
        ] {
            let (reason, hint) = unresolved(resolve(role, VARS));
            assert!(reason.contains("not a plain reference"), "{role}: {reason}");
            assert!(hint.contains("${{ vars.AWS_ROLE_ARN }}"), "{hint}");
        }
        let (reason, _) = unresolved(resolve("${{ vars.AWS_ROLE_ARN", VARS));
        assert!(reason.contains("not closed"), "{reason}");
        let (reason, _) = unresolved(resolve("${{ vars.A.B }}", VARS));
        assert!(reason.contains("not a single vars name"), "{reason}");
        let (reason, _) = unresolved(resolve("${{ vars.* }}", VARS));
        assert!(reason.contains("not a single vars name"), "{reason}");
    }

    #[test]
    fn substituted_values_are_checked() {
        let config = "[vars]\nROLE = \"arn:aws:iam::1:role/x\"\n";
        let (reason, hint) = unresolved(resolve("${{ vars.ROLE }}", config));
        assert!(reason.contains("not an IAM role ARN"), "{reason}");
        assert!(
            hint.starts_with("fix the value (vars.ROLE from trustlint.toml)"),
            "{hint}"
        );
        let (reason, _) = unresolved(resolve("${{ vars.EMPTY }}", "[vars]\nEMPTY = \"\"\n"));
        assert!(
            reason.starts_with("role-to-assume is empty after substitution"),
            "{reason}"
        );
    }

    #[test]
    fn role_names_and_policy_paths() {
        assert_eq!(
            role_name("arn:aws:iam::123456789012:role/ci/deploy"),
            Some("deploy")
        );
        assert_eq!(role_name("deploy"), None);

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(crate::config::FILE_NAME);
        std::fs::write(
            &path,
            "[roles]\n\"arn:aws:iam::123456789012:role/deploy\" = \"infra/iam/deploy.trust.json\"\n\"arn:aws:iam::123456789012:role/ci/Build\" = \"ci/../build.json\"\n",
        )
        .unwrap();
        let config = Config::load(&path).unwrap();
        assert_eq!(
            policy_path_for(ARN, &config),
            Some(dir.path().join("infra/iam/deploy.trust.json"))
        );
        assert_eq!(
            policy_path_for("arn:AWS:iam::123456789012:role/deploy", &config),
            Some(dir.path().join("infra/iam/deploy.trust.json"))
        );
        assert_eq!(
            policy_path_for("arn:aws:iam::123456789012:role/ci/Build", &config),
            Some(dir.path().join("ci/../build.json"))
        );
        // Role names and paths compare exactly.
        assert_eq!(
            policy_path_for("arn:aws:iam::123456789012:role/Deploy", &config),
            None
        );
        assert_eq!(
            policy_path_for("arn:aws:iam::123456789012:role/ci/build", &config),
            None
        );
        assert_eq!(
            policy_path_for("arn:aws:iam::123456789012:role/x/deploy", &config),
            None
        );
        assert_eq!(
            policy_path_for("arn:aws:iam::210987654321:role/deploy", &config),
            None
        );
        assert_eq!(policy_path_for("deploy", &config), None);

        let parsed =
            Config::parse("[roles]\n\"arn:aws:iam::123456789012:role/deploy\" = \"p.json\"\n")
                .unwrap();
        assert_eq!(policy_path_for(ARN, &parsed), Some(PathBuf::from("p.json")));
    }
}
