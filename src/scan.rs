//! A scan: discover files, read and parse each once (in parallel), run the rules, collect findings.

use crate::config::Config;
use crate::policy::{build_policy, looks_like_trust_policy, TrustPolicy};
use crate::report::{Notice, Report};
use crate::rules::{self, Finding, PolicyContext, Rule, Settings};
use crate::source::{self, display_path, parse_json, DiscoverOptions, Discovered, SourceFile};
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

pub fn scan(options: &ScanOptions<'_>) -> Result<Report, ScanError> {
    let discover_options = DiscoverOptions::new(&options.excludes)
        .map_err(|e| ScanError(format!("--exclude: {e}")))?;
    let (files, skipped) = source::discover(&options.paths, &discover_options)
        .map_err(|e| ScanError(e.to_string()))?;
    let settings = options.config.settings();

    let outcomes: Vec<FileOutcome> = files
        .par_iter()
        .map(|file| analyze_file(file, &options.rules, &settings))
        .collect();

    let mut report = Report::default();
    for skip in skipped {
        report.notices.push(Notice {
            path: display_path(&skip.path),
            message: format!("skipped: {}", skip.reason),
        });
    }
    for outcome in outcomes {
        report.files_scanned += usize::from(outcome.read);
        report.findings.extend(outcome.findings);
        report.notices.extend(outcome.notice);
    }
    for finding in &mut report.findings {
        if let Some(severity) = options.config.severity_override(finding.rule) {
            finding.severity = severity;
        }
    }
    report.sort();
    Ok(report)
}

#[derive(Default)]
struct FileOutcome {
    read: bool,
    findings: Vec<Finding>,
    notice: Option<Notice>,
}

fn analyze_file(
    file: &Discovered,
    rules: &[&'static dyn Rule],
    settings: &Settings,
) -> FileOutcome {
    let text = match source::read_text(&file.path) {
        Ok(text) => text,
        Err(skip) => {
            return FileOutcome {
                notice: Some(Notice {
                    path: display_path(&skip.path),
                    message: format!("skipped: {}", skip.reason),
                }),
                ..FileOutcome::default()
            }
        }
    };
    let source = Arc::new(SourceFile::new(&file.path, text));
    let mut outcome = FileOutcome {
        read: true,
        ..FileOutcome::default()
    };
    let not_a_policy = |why: &str| Notice {
        path: source.display_path.clone(),
        message: format!("not a trust policy ({why}); skipped"),
    };
    let root = match parse_json(&source.text) {
        Ok(root) => root,
        Err(error) => {
            // A broken file is reported only when it is evidently meant to be a trust policy;
            // broken JSON of other kinds is not ours to judge.
            let meant_as_policy =
                source.text.contains("\"Statement\"") && source.text.contains("sts:AssumeRole");
            if meant_as_policy && selected(rules, rules::invalid_policy::InvalidPolicy::META.id) {
                outcome
                    .findings
                    .push(rules::invalid_policy::syntax_error(&source, &error));
            } else if file.explicit {
                let at = source.line_col(error.span.start);
                outcome.notice = Some(not_a_policy(&format!(
                    "not valid JSON: {} at line {}, column {}",
                    error.message, at.line, at.column
                )));
            }
            return outcome;
        }
    };
    if !looks_like_trust_policy(&root) {
        if file.explicit {
            outcome.notice = Some(not_a_policy("no `Statement` with a `Principal`"));
        }
        return outcome;
    }
    let (policy, problems) = build_policy(&root);
    let policy = policy.unwrap_or(TrustPolicy {
        version: None,
        statements: Vec::new(),
        span: root.span,
    });
    let ctx = PolicyContext::new(&source, &policy, &problems, settings);
    for rule in rules {
        rule.check_policy(&ctx, &mut outcome.findings);
    }
    outcome
}

fn selected(rules: &[&'static dyn Rule], id: &str) -> bool {
    rules.iter().any(|r| r.meta().id == id)
}
