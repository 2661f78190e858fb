//! Reporters: one module per output format, all rendering the same [`Report`].

pub mod cap;
pub mod concise;
pub mod github;
pub mod human;
pub mod json;
pub mod sarif;

use crate::rules::{Finding, Severity};
use crate::source::LineCol;

/// Everything a scan produced.
#[derive(Debug, Default)]
pub struct Report {
    /// In stable order (path, line, column, rule): the order of `json`, `sarif` and `github`,
    /// which diffs and fingerprints rely on. People read [`Report::by_severity`] instead.
    pub findings: Vec<Finding>,
    pub files_scanned: usize,
    /// Findings silenced by an inline `# trustlint: ignore[...]` comment.
    pub suppressed: usize,
    /// Findings left out because `--baseline` already records them.
    pub baselined: usize,
    /// Findings left out of the output by `--min-severity` (they still count for `--fail-on`).
    pub hidden: usize,
    /// Files (or parts of files) that were not analysed, with the reason: printed on stderr,
    /// listed in `json` and in SARIF's `toolExecutionNotifications`, never as findings.
    pub notices: Vec<Notice>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub path: String,
    /// Where in the file, when the reader knows (Terraform's unevaluated expressions).
    pub at: Option<LineCol>,
    pub message: String,
}

impl Notice {
    /// A notice about a whole file.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Notice {
        Notice {
            path: path.into(),
            at: None,
            message: message.into(),
        }
    }

    /// The message, after `line L, column C: ` when the place is known (as stderr prints it).
    pub fn located_message(&self) -> String {
        match self.at {
            Some(at) => format!("line {}, column {}: {}", at.line, at.column, self.message),
            None => self.message.clone(),
        }
    }
}

impl Report {
    pub fn sort(&mut self) {
        self.findings.sort_by_cached_key(|f| f.sort_key());
        self.notices
            .sort_by(|a, b| (&a.path, a.at).cmp(&(&b.path, b.at)));
    }

    /// The findings as `human` and `concise` print them: highest severity first, then path,
    /// line, column (and rule).
    pub fn by_severity(&self) -> Vec<&Finding> {
        let mut shown: Vec<&Finding> = self.findings.iter().collect();
        shown.sort_by_cached_key(|f| (std::cmp::Reverse(f.severity), f.sort_key()));
        shown
    }

    /// How many distinct files hold a finding.
    pub fn files_with_findings(&self) -> usize {
        self.findings
            .iter()
            .map(|f| f.file.display_path.as_str())
            .collect::<std::collections::HashSet<_>>()
            .len()
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// `3 findings in 2 of 5 files: 1 critical, 2 high` — or `no findings in 5 files`.
    pub fn summary_line(&self) -> String {
        let line = self.counts_line();
        let mut extra = Vec::new();
        if self.suppressed > 0 {
            extra.push(format!("{} suppressed", self.suppressed));
        }
        if self.baselined > 0 {
            extra.push(format!("{} baselined", self.baselined));
        }
        if self.hidden > 0 {
            extra.push(format!("{} below --min-severity", self.hidden));
        }
        if extra.is_empty() {
            line
        } else {
            format!("{line} ({})", extra.join(", "))
        }
    }

    fn counts_line(&self) -> String {
        if self.findings.is_empty() {
            return format!(
                "no findings in {} {}",
                self.files_scanned,
                plural(self.files_scanned, "file")
            );
        }
        let parts: Vec<String> = Severity::ALL
            .iter()
            .filter_map(|&s| {
                let n = self.count(s);
                (n > 0).then(|| format!("{n} {s}"))
            })
            .collect();
        format!(
            "{} {} in {} of {} {}: {}",
            self.findings.len(),
            plural(self.findings.len(), "finding"),
            self.files_with_findings(),
            self.files_scanned,
            plural(self.files_scanned, "file"),
            parts.join(", ")
        )
    }
}

pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Concise,
    Json,
    Sarif,
    Github,
}

#[derive(Debug, Clone, Copy)]
pub struct RenderOptions {
    pub color: bool,
    /// Only the summary line (human and concise formats).
    pub quiet: bool,
}

pub fn render(report: &Report, format: Format, options: RenderOptions) -> String {
    match format {
        Format::Human => human::render(report, options),
        Format::Concise => concise::render(report, options),
        Format::Json => json::render(report),
        Format::Sarif => sarif::render(report),
        Format::Github => github::render(report),
    }
}
