//! A scan: discover files, read and parse each once (in parallel), then run the rules over the
//! parsed files (in parallel), with the repository's workflows as shared context.

use crate::config::Config;
use crate::policy::{build_policy, looks_like_trust_policy, PolicyProblem, TrustPolicy};
use crate::report::{Notice, Report};
use crate::rules::trust::oidc_provider_extra_audience::{self, OidcProviderExtraAudience};
use crate::rules::{
    self, Finding, PolicyContext, PolicyFile, RepoContext, Rule, Settings, WorkflowContext,
    WorkflowFile, Workflows,
};
use crate::source::{
    self, display_path, parse_json, parse_yaml, DiscoverOptions, Discovered, Node, SourceFile, Span,
};
use crate::sources::{self, EmbeddedPolicy, Extracted, OidcProviderDecl};
use crate::suppress;
use crate::workflow::{build_workflow, Workflow, WorkflowProblem};
use rayon::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;

mod terraform;
use terraform::load_terraform;

/// What to scan and which rules to run.
pub struct ScanOptions<'a> {
    pub paths: Vec<PathBuf>,
    pub excludes: Vec<String>,
    pub rules: Vec<&'static dyn Rule>,
    pub config: &'a Config,
    /// `--repository OWNER/NAME` (or a remote URL): the repository when trustlint.toml does not
    /// name it.
    pub repository: Option<String>,
}

/// An error the user must fix (exit code 2): a missing path, a bad glob.
#[derive(Debug)]
pub struct ScanError(pub String);

/// A file parsed into one of the models the rules inspect.
enum Parsed {
    Policy {
        policy: Arc<TrustPolicy>,
        problems: Vec<PolicyProblem>,
    },
    Workflow {
        workflow: Arc<Workflow>,
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
    /// Parts of the file that were not evaluated (Terraform constructs), each with its place.
    notices: Vec<Notice>,
}

pub fn scan(options: &ScanOptions<'_>) -> Result<Report, ScanError> {
    let discover_options = DiscoverOptions::new(&options.excludes)
        .map_err(|e| ScanError(format!("--exclude: {e}")))?;
    let (files, skipped) = source::discover(&options.paths, &discover_options)
        .map_err(|e| ScanError(e.to_string()))?;
    let settings = options.config.settings();
    // Workflows read only as context: their findings are not reported.
    let context = context_workflows(&files);
    let reported = files.len();

    let mut loaded: Vec<Loaded> = files
        .par_iter()
        .chain(context.par_iter())
        .map(|file| load(file, &options.rules))
        .collect();

    // Reusable workflows are judged with their local callers: every workflow of the scan.
    let workflows = Workflows::new(
        loaded
            .iter()
            .filter_map(|l| match &l.parsed {
                Some((source, Parsed::Workflow { workflow, .. })) => {
                    Some((source.as_ref(), workflow.as_ref()))
                }
                _ => None,
            })
            .collect(),
    );
    let checked: Vec<Vec<Finding>> = loaded[..reported]
        .par_iter()
        .map(|l| match &l.parsed {
            Some((source, parsed)) => check(source, parsed, &options.rules, &settings, &workflows),
            None => Vec::new(),
        })
        .collect();

    // The repository as a whole: workflows against the trust policies of their roles.
    let root = options
        .paths
        .first()
        .cloned()
        .unwrap_or_else(|| PathBuf::from("."));
    let identity = crate::repo::detect(&root, options.config, options.repository.as_deref())
        .map_err(|e| ScanError(format!("--repository: {e}")))?;
    let (policies, workflow_files) = repository_files(&loaded);
    let mut repo_findings = {
        let ctx = RepoContext::new(
            &root,
            options.config,
            identity.as_ref(),
            &policies,
            &workflow_files,
            &settings,
        );
        let mut out = Vec::new();
        for rule in &options.rules {
            rule.check_repository(&ctx, &mut out);
        }
        out
    };

    let mut report = Report::default();
    for skip in skipped {
        report.notices.push(Notice::new(
            display_path(&skip.path),
            format!("skipped: {}", skip.reason),
        ));
    }
    drop(workflows);
    loaded.truncate(reported);
    for (file, findings) in loaded.into_iter().zip(checked) {
        report.files_scanned += usize::from(file.read);
        report.notices.extend(file.notice);
        report.notices.extend(file.notices);
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
    // Cross-check findings in context-only workflows are not this run's to report.
    repo_findings.retain(|f| !context.iter().any(|c| c.path == f.file.path));
    share_redactions(&mut repo_findings);
    for finding in repo_findings {
        if suppress::is_suppressed(&finding) {
            report.suppressed += 1;
        } else {
            report.findings.push(finding);
        }
    }
    for finding in &mut report.findings {
        if let Some(severity) = options.config.severity_override(finding.rule) {
            finding.severity = severity;
        }
    }
    report.sort();
    crate::report::cap::cap_findings(&mut report.findings);
    Ok(report)
}

/// The other workflows of the `.github/workflows/` directory of each workflow named on the
/// command line, which the scan does not include: a hook such as pre-commit passes only the
/// changed files, and a reusable workflow is judged with the permissions its callers grant.
fn context_workflows(files: &[Discovered]) -> Vec<Discovered> {
    let mut dirs: Vec<&std::path::Path> = files
        .iter()
        .filter(|f| f.explicit && is_workflow_path(&f.path))
        .filter_map(|f| f.path.parent())
        .collect();
    dirs.sort();
    dirs.dedup();
    let mut context = Vec::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file() && is_workflow_path(p))
            .collect();
        paths.sort();
        for path in paths {
            let known = |p: &PathBuf| {
                files.iter().any(|f| same_file(&f.path, p))
                    || context.iter().any(|c: &Discovered| same_file(&c.path, p))
            };
            if !known(&path) {
                context.push(Discovered {
                    path,
                    explicit: false,
                    root: None,
                });
            }
        }
    }
    context
}

fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    a == b
        || match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        }
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
                let spans = rules::workflow::hardcoded_aws_key::secret_spans(&finding.file.text);
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

/// The parsed policies and workflows of a scan, for repository-level checks.
fn repository_files(loaded: &[Loaded]) -> (Vec<PolicyFile>, Vec<WorkflowFile>) {
    let mut policies = Vec::new();
    let mut workflows = Vec::new();
    for l in loaded {
        match &l.parsed {
            Some((source, Parsed::Policy { policy, .. })) => policies.push(PolicyFile {
                file: Arc::clone(source),
                policy: Arc::clone(policy),
                scanned: true,
                role_name: None,
            }),
            Some((
                source,
                Parsed::Embedded {
                    policies: embedded, ..
                },
            )) => policies.extend(embedded.iter().map(|e| PolicyFile {
                file: Arc::clone(source),
                policy: Arc::new(e.policy.clone()),
                scanned: true,
                role_name: e.embedded.role_name.clone(),
            })),
            Some((source, Parsed::Workflow { workflow, .. })) => workflows.push(WorkflowFile {
                file: Arc::clone(source),
                workflow: Arc::clone(workflow),
            }),
            None => {}
        }
    }
    (policies, workflows)
}

/// The policies and workflows under `paths`, parsed (for `suggest`).
pub fn parse_repository(
    paths: &[PathBuf],
    excludes: &[String],
) -> Result<(Vec<PolicyFile>, Vec<WorkflowFile>), ScanError> {
    let discover_options =
        DiscoverOptions::new(excludes).map_err(|e| ScanError(format!("--exclude: {e}")))?;
    let (files, _) =
        source::discover(paths, &discover_options).map_err(|e| ScanError(e.to_string()))?;
    let loaded: Vec<Loaded> = files
        .par_iter()
        .map(|file| load(file, rules::all_rules()))
        .collect();
    Ok(repository_files(&loaded))
}

/// Reads one trust policy the way a scan does (for `[roles]` files outside the scan). `Err`
/// says why it is not one.
pub fn load_policy_file(path: &std::path::Path) -> Result<PolicyFile, String> {
    load_policy_file_within(path, None)
}

/// The trust policy a `[roles]` entry of `config` names: read like [`load_policy_file`], and its
/// links may not lead out of the directory of trustlint.toml (the path itself was checked to be
/// relative and inside when the config was parsed).
pub fn load_role_policy(path: &std::path::Path, config: &Config) -> Result<PolicyFile, String> {
    load_policy_file_within(path, config.base_dir())
}

fn load_policy_file_within(
    path: &std::path::Path,
    within: Option<&std::path::Path>,
) -> Result<PolicyFile, String> {
    let text = source::read_text_within(path, within).map_err(|skip| skip.reason)?;
    let source = Arc::new(SourceFile::new(path, text));
    let root = parse_json(&source.text).map_err(|error| {
        let at = source.line_col(error.span.start);
        format!(
            "not valid JSON: {} at line {}, column {}",
            error.message, at.line, at.column
        )
    })?;
    if !looks_like_trust_policy(&root) {
        return Err("not a trust policy (no `Statement` with a `Principal`)".to_string());
    }
    let (policy, _) = build_policy(&root);
    let policy = policy.ok_or("not a valid trust policy")?;
    Ok(PolicyFile {
        file: source,
        policy: Arc::new(policy),
        scanned: false,
        role_name: None,
    })
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
    let text = match source::read_text_within(&file.path, file.root.as_deref()) {
        Ok(text) => text,
        Err(skip) => {
            return Loaded {
                notice: Some(Notice::new(
                    display_path(&skip.path),
                    format!("skipped: {}", skip.reason),
                )),
                ..Loaded::default()
            }
        }
    };
    let source = Arc::new(SourceFile::new(&file.path, text));
    if has_extension(&file.path, "tf") {
        return load_terraform(source, file);
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
    Notice::new(source.display_path.clone(), format!("{why}; skipped"))
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
                if selected(rules, rules::trust::invalid_policy::InvalidPolicy::META.id) {
                    loaded
                        .findings
                        .push(rules::trust::invalid_policy::syntax_error(&source, &error));
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
    loaded.parsed = Some((
        source,
        Parsed::Policy {
            policy: Arc::new(policy),
            problems,
        },
    ));
    loaded
}

/// The policy model of each embedded document.
fn embedded(extracted: Extracted) -> Parsed {
    let policies = extracted
        .policies
        .into_iter()
        // A document that is one unresolved expression (`!ImportValue`, `file(...)`), or whose
        // statements or conditions are, cannot be judged: it is not analysed.
        // What the source format rejects is reported in any case.
        .filter(|embedded| {
            sources::structure_is_resolved(&embedded.document) || !embedded.problems.is_empty()
        })
        .map(|embedded| {
            let (policy, mut problems) = match sources::structure_is_resolved(&embedded.document) {
                true => build_policy(&embedded.document),
                false => (None, Vec::new()),
            };
            problems.extend(
                embedded
                    .problems
                    .iter()
                    .map(|(span, message)| PolicyProblem {
                        kind: crate::policy::ProblemKind::Invalid,
                        message: message.clone(),
                        span: *span,
                        related: None,
                    }),
            );
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
            // Broken YAML outside `.github/workflows/` is reported only when it is evidently
            // meant to be a workflow (pre-commit passes every changed YAML file).
            let meant_as_workflow = is_workflow_path(&source.path) || source.text.contains("jobs:");
            if !meant_as_workflow {
                let at = source.line_col(error.span.start);
                loaded.notice = Some(not_analysed(
                    &source,
                    &format!(
                        "not a GitHub Actions workflow (not valid YAML: {} at line {}, column {})",
                        error.message, at.line, at.column
                    ),
                ));
                return loaded;
            }
            if selected(
                rules,
                rules::workflow::invalid_workflow::InvalidWorkflow::META.id,
            ) {
                loaded
                    .findings
                    .push(rules::workflow::invalid_workflow::syntax_error(
                        &source, &error,
                    ));
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
            loaded.parsed = Some((
                source,
                Parsed::Workflow {
                    workflow: Arc::new(workflow),
                    problems,
                },
            ));
        }
        None => {
            // Not even a mapping: every problem is an invalid-workflow finding.
            if selected(
                rules,
                rules::workflow::invalid_workflow::InvalidWorkflow::META.id,
            ) {
                loaded.findings.extend(
                    problems
                        .iter()
                        .map(|p| rules::workflow::invalid_workflow::problem_finding(&source, p)),
                );
            }
        }
    }
    loaded
}
