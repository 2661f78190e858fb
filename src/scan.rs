//! A scan: discover files, read and parse each once (in parallel), then run the rules over the
//! parsed files (in parallel), with the repository's workflows as shared context.

use crate::config::Config;
use crate::policy::{build_policy, looks_like_trust_policy, PolicyProblem, TrustPolicy};
use crate::report::{Notice, Report};
use crate::rules::oidc_provider_extra_audience::{self, OidcProviderExtraAudience};
use crate::rules::{self, Finding, PolicyContext, Rule, Settings, WorkflowContext, Workflows};
use crate::source::{
    self, display_path, parse_json, parse_yaml, DiscoverOptions, Discovered, Node, SourceFile, Span,
};
use crate::sources::{self, EmbeddedPolicy, Extracted, OidcProviderDecl};
use crate::suppress;
use crate::workflow::{build_workflow, Workflow, WorkflowProblem};
use rayon::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;

/// What to scan and which rules to run.
pub struct ScanOptions<'a> {
    pub paths: Vec<PathBuf>,
    pub excludes: Vec<String>,
    pub rules: Vec<&'static dyn Rule>,
    pub config: &'a Config,
}

/// An error the user must fix (exit code 2): a missing path, a bad glob.
#[derive(Debug)]
pub struct ScanError(pub String);

/// A file parsed into one of the models the rules inspect.
enum Parsed {
    Policy {
        policy: TrustPolicy,
        problems: Vec<PolicyProblem>,
    },
    Workflow {
        workflow: Workflow,
        problems: Vec<WorkflowProblem>,
    },
    /// Trust policies embedded in a larger file (an account dump, a CloudFormation template),
    /// with the OIDC providers it declares.
    Embedded {
        policies: Vec<EmbeddedParsed>,
        providers: Vec<OidcProviderDecl>,
    },
}

/// One embedded trust policy with its model.
struct EmbeddedParsed {
    embedded: EmbeddedPolicy,
    policy: TrustPolicy,
    problems: Vec<PolicyProblem>,
}

/// Phase one's result for one file.
#[derive(Default)]
struct Loaded {
    read: bool,
    parsed: Option<(Arc<SourceFile>, Parsed)>,
    /// Findings made while parsing (syntax errors).
    findings: Vec<Finding>,
    notice: Option<Notice>,
}

pub fn scan(options: &ScanOptions<'_>) -> Result<Report, ScanError> {
    let discover_options = DiscoverOptions::new(&options.excludes)
        .map_err(|e| ScanError(format!("--exclude: {e}")))?;
    let (files, skipped) = source::discover(&options.paths, &discover_options)
        .map_err(|e| ScanError(e.to_string()))?;
    let settings = options.config.settings();

    let loaded: Vec<Loaded> = files
        .par_iter()
        .map(|file| load(file, &options.rules))
        .collect();

    // Reusable workflows are judged with their local callers: every workflow of the scan.
    let workflows = Workflows::new(
        loaded
            .iter()
            .filter_map(|l| match &l.parsed {
                Some((source, Parsed::Workflow { workflow, .. })) => {
                    Some((source.as_ref(), workflow))
                }
                _ => None,
            })
            .collect(),
    );
    let checked: Vec<Vec<Finding>> = loaded
        .par_iter()
        .map(|l| match &l.parsed {
            Some((source, parsed)) => check(source, parsed, &options.rules, &settings, &workflows),
            None => Vec::new(),
        })
        .collect();

    let mut report = Report::default();
    for skip in skipped {
        report.notices.push(Notice {
            path: display_path(&skip.path),
            message: format!("skipped: {}", skip.reason),
        });
    }
    for (file, findings) in loaded.into_iter().zip(checked) {
        report.files_scanned += usize::from(file.read);
        report.notices.extend(file.notice);
        let mut all: Vec<Finding> = file.findings.into_iter().chain(findings).collect();
        share_redactions(&mut all);
        for finding in all {
            if suppress::is_suppressed(&finding) {
                report.suppressed += 1;
            } else {
                report.findings.push(finding);
            }
        }
    }
    for finding in &mut report.findings {
        if let Some(severity) = options.config.severity_override(finding.rule) {
            finding.severity = severity;
        }
    }
    report.sort();
    Ok(report)
}

/// Gives every finding of a file every secret of that file to mask: the spans its rules marked
/// and any AWS key literal in the file (found whether or not `hardcoded-aws-key` runs), so that
/// no finding's snippet or message can show a key another finding redacts.
fn share_redactions(findings: &mut [Finding]) {
    let mut by_file: Vec<(*const SourceFile, Vec<Span>)> = Vec::new();
    for finding in findings.iter() {
        let file = Arc::as_ptr(&finding.file);
        let index = match by_file.iter().position(|(f, _)| *f == file) {
            Some(i) => i,
            None => {
                let spans = rules::hardcoded_aws_key::secret_spans(&finding.file.text);
                by_file.push((file, spans));
                by_file.len() - 1
            }
        };
        by_file[index].1.extend(finding.redactions.iter().copied());
    }
    for (_, spans) in &mut by_file {
        spans.sort();
        spans.dedup();
    }
    for finding in findings.iter_mut() {
        let file = Arc::as_ptr(&finding.file);
        if let Some((_, spans)) = by_file.iter().find(|(f, _)| *f == file) {
            finding.redactions.clone_from(spans);
        }
    }
}

fn check(
    source: &Arc<SourceFile>,
    parsed: &Parsed,
    rules: &[&'static dyn Rule],
    settings: &Settings,
    workflows: &Workflows<'_>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    match parsed {
        Parsed::Policy { policy, problems } => {
            let ctx = PolicyContext::new(source, policy, problems, settings);
            for rule in rules {
                rule.check_policy(&ctx, &mut out);
            }
        }
        Parsed::Embedded {
            policies,
            providers,
        } => {
            if selected(rules, OidcProviderExtraAudience::META.id) {
                oidc_provider_extra_audience::check_providers(
                    source, providers, settings, &mut out,
                );
            }
            for parsed in policies {
                let ctx = PolicyContext::new(source, &parsed.policy, &parsed.problems, settings);
                let mut found = Vec::new();
                for rule in rules {
                    rule.check_policy(&ctx, &mut found);
                }
                let label = sources::short_label(&parsed.embedded, &source.display_path);
                for mut finding in found {
                    // Say which embedded policy (role) a finding is about.
                    finding.message = format!("{label}: {}", finding.message);
                    // Two roles of one dump may have the same flaw at the same text.
                    finding.route = format!("{label}/{}", finding.route);
                    // What the extractor assumed about the values the finding is about (a
                    // parameter's default, a placeholder account), in the message so that
                    // every output format carries it.
                    let assumed: Vec<&str> = parsed
                        .embedded
                        .notes
                        .iter()
                        .filter(|(span, _)| {
                            let overlaps = |s: &Span| s.start < span.end && span.start < s.end;
                            overlaps(&finding.span)
                                || finding
                                    .related
                                    .iter()
                                    .any(|r| !r.is_elsewhere() && overlaps(&r.span))
                        })
                        .map(|(_, note)| note.as_str())
                        .collect();
                    if !assumed.is_empty() {
                        finding.message =
                            format!("{} [assumed: {}]", finding.message, assumed.join("; "));
                    }
                    out.push(finding);
                }
            }
        }
        Parsed::Workflow { workflow, problems } => {
            let ctx = WorkflowContext {
                file: source,
                workflow,
                problems,
                settings,
                workflows,
            };
            for rule in rules {
                rule.check_workflow(&ctx, &mut out);
            }
        }
    }
    out
}

/// What kind of file this is, by its path: workflows live in `.github/workflows/`.
fn is_workflow_path(path: &std::path::Path) -> bool {
    let is_yaml = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yml") || e.eq_ignore_ascii_case("yaml"));
    let in_workflows = path
        .parent()
        .is_some_and(|p| p.ends_with(".github/workflows"));
    is_yaml && in_workflows
}

fn is_yaml_path(path: &std::path::Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yml") || e.eq_ignore_ascii_case("yaml"))
}

fn load(file: &Discovered, rules: &[&'static dyn Rule]) -> Loaded {
    let text = match source::read_text(&file.path) {
        Ok(text) => text,
        Err(skip) => {
            return Loaded {
                notice: Some(Notice {
                    path: display_path(&skip.path),
                    message: format!("skipped: {}", skip.reason),
                }),
                ..Loaded::default()
            }
        }
    };
    let source = Arc::new(SourceFile::new(&file.path, text));
    if has_extension(&file.path, "tf") {
        return load_terraform(source, file.explicit);
    }
    if is_yaml_path(&file.path) {
        if !is_workflow_path(&file.path) && sources::may_be_template(&source.text) {
            return load_template_yaml(source, file.explicit);
        }
        if !file.explicit && !is_workflow_path(&file.path) {
            // Other YAML (configuration of other tools) is not ours to judge.
            return Loaded::default();
        }
        load_workflow(source, file.explicit || is_workflow_path(&file.path), rules)
    } else {
        load_policy(source, file.explicit, rules)
    }
}

fn not_analysed(source: &SourceFile, why: &str) -> Notice {
    Notice {
        path: source.display_path.clone(),
        message: format!("{why}; skipped"),
    }
}

fn selected(rules: &[&'static dyn Rule], id: &str) -> bool {
    rules.iter().any(|r| r.meta().id == id)
}

fn load_policy(source: Arc<SourceFile>, explicit: bool, rules: &[&'static dyn Rule]) -> Loaded {
    let mut loaded = Loaded {
        read: true,
        ..Loaded::default()
    };
    let root = match parse_json(&source.text) {
        Ok(root) => root,
        Err(error) => {
            // A broken file is reported only when it is evidently meant to be a trust policy;
            // broken JSON of other kinds is not ours to judge.
            let meant_as_policy = (source.text.contains("\"Statement\"")
                && source.text.contains("sts:AssumeRole"))
                || source.text.contains("\"AssumeRolePolicyDocument\"");
            if meant_as_policy {
                if selected(rules, rules::invalid_policy::InvalidPolicy::META.id) {
                    loaded
                        .findings
                        .push(rules::invalid_policy::syntax_error(&source, &error));
                }
            } else if explicit {
                let at = source.line_col(error.span.start);
                loaded.notice = Some(not_analysed(
                    &source,
                    &format!(
                        "not a trust policy (not valid JSON: {} at line {}, column {})",
                        error.message, at.line, at.column
                    ),
                ));
            }
            return loaded;
        }
    };
    if !looks_like_trust_policy(&root) {
        if let Some(extracted) = sources::extract(&source.display_path, &source.text, &root) {
            loaded.parsed = Some((source, embedded(extracted)));
            return loaded;
        }
        if explicit {
            loaded.notice = Some(not_analysed(
                &source,
                "not a trust policy (no `Statement` with a `Principal`)",
            ));
        }
        return loaded;
    }
    let (policy, problems) = build_policy(&root);
    let policy = policy.unwrap_or(TrustPolicy {
        version: None,
        statements: Vec::new(),
        span: root.span,
    });
    loaded.parsed = Some((source, Parsed::Policy { policy, problems }));
    loaded
}

/// The policy model of each embedded document.
fn embedded(extracted: Extracted) -> Parsed {
    let policies = extracted
        .policies
        .into_iter()
        // A document that is one unresolved expression (`!ImportValue`, `file(...)`), or whose
        // statements or conditions are, cannot be judged: it is not analysed.
        .filter(|embedded| sources::structure_is_resolved(&embedded.document))
        .map(|embedded| {
            let (policy, problems) = build_policy(&embedded.document);
            let policy = policy.unwrap_or(TrustPolicy {
                version: None,
                statements: Vec::new(),
                span: embedded.document.span,
            });
            EmbeddedParsed {
                embedded,
                policy,
                problems,
            }
        })
        .collect();
    Parsed::Embedded {
        policies,
        providers: extracted.providers,
    }
}

fn has_extension(path: &std::path::Path, wanted: &str) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case(wanted))
}

/// A Terraform file: its roles and OIDC providers, with the module's other `.tf` files for
/// variables and locals.
fn load_terraform(source: Arc<SourceFile>, explicit: bool) -> Loaded {
    if !sources::terraform::may_hold_roles(&source.text) {
        return Loaded {
            read: explicit,
            ..Loaded::default()
        };
    }
    let mut loaded = Loaded {
        read: true,
        ..Loaded::default()
    };
    let body = match sources::terraform::parse(&source.text) {
        Ok(body) => body,
        Err((message, span)) => {
            let at = source.line_col(span.start);
            loaded.notice = Some(not_analysed(
                &source,
                &format!(
                    "not analysed as Terraform (HCL error: {message} at line {}, column {})",
                    at.line, at.column
                ),
            ));
            return loaded;
        }
    };
    let siblings: Vec<_> = source
        .path
        .parent()
        .and_then(|dir| std::fs::read_dir(dir).ok())
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| has_extension(path, "tf") && *path != source.path)
        .filter_map(|path| source::read_text(&path).ok())
        .filter_map(|text| sources::terraform::parse(&text).ok())
        .collect();
    let (policies, providers) =
        sources::terraform::extract(&source.display_path, &source.text, &body, &siblings);
    loaded.parsed = Some((
        source,
        embedded(Extracted {
            policies,
            providers,
        }),
    ));
    loaded
}

/// A YAML file outside `.github/workflows/` that mentions a role or an OIDC provider: a
/// CloudFormation template, or nothing of ours.
fn load_template_yaml(source: Arc<SourceFile>, explicit: bool) -> Loaded {
    let mut loaded = Loaded {
        read: true,
        ..Loaded::default()
    };
    let root = match parse_yaml(&source.text) {
        Ok(root) => root,
        Err(error) => {
            let at = source.line_col(error.span.start);
            loaded.notice = Some(not_analysed(
                &source,
                &format!(
                    "not analysed as a CloudFormation template (YAML error: {} at line {}, column {})",
                    error.message, at.line, at.column
                ),
            ));
            return loaded;
        }
    };
    match sources::extract(&source.display_path, &source.text, &root) {
        Some(extracted) => loaded.parsed = Some((source, embedded(extracted))),
        None if explicit => {
            loaded.notice = Some(not_analysed(
                &source,
                "not a GitHub Actions workflow or CloudFormation template",
            ))
        }
        None => {}
    }
    loaded
}

/// True when the document looks like a workflow: a mapping with `jobs`.
fn looks_like_workflow(root: &Node) -> bool {
    root.get("jobs").is_some()
}

fn load_workflow(
    source: Arc<SourceFile>,
    is_workflow: bool,
    rules: &[&'static dyn Rule],
) -> Loaded {
    let mut loaded = Loaded {
        read: true,
        ..Loaded::default()
    };
    if !is_workflow {
        return loaded;
    }
    let root = match parse_yaml(&source.text) {
        Ok(root) => root,
        Err(error) => {
            if selected(rules, rules::invalid_workflow::InvalidWorkflow::META.id) {
                loaded
                    .findings
                    .push(rules::invalid_workflow::syntax_error(&source, &error));
            }
            return loaded;
        }
    };
    if !looks_like_workflow(&root) && !is_workflow_path(&source.path) {
        loaded.notice = Some(not_analysed(
            &source,
            "not a GitHub Actions workflow (no `jobs`)",
        ));
        return loaded;
    }
    let (workflow, problems) = build_workflow(&root);
    match workflow {
        Some(workflow) => {
            loaded.parsed = Some((source, Parsed::Workflow { workflow, problems }));
        }
        None => {
            // Not even a mapping: every problem is an invalid-workflow finding.
            if selected(rules, rules::invalid_workflow::InvalidWorkflow::META.id) {
                loaded.findings.extend(
                    problems
                        .iter()
                        .map(|p| rules::invalid_workflow::problem_finding(&source, p)),
                );
            }
        }
    }
    loaded
}
