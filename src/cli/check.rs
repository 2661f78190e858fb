//! `trustlint check`.

use super::{exit, usage_error};
use crate::config::Config;
use crate::escape::{emit, Commands};
use crate::report::{render, Format, RenderOptions};
use crate::rules::{all_rules, find_rule, Rule, Severity};
use crate::scan::{scan, ScanOptions};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Files and directories to scan.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Write the report to FILE instead of standard output (atomically).
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit with 1 when a finding has this severity or higher (any case: `HIGH` is `high`).
    #[arg(
        long,
        value_enum,
        ignore_case = true,
        default_value = "low",
        value_name = "SEVERITY"
    )]
    pub fail_on: SeverityArg,
    /// Exit with 0 whatever the findings (usage and I/O errors still exit with 2).
    #[arg(long)]
    pub exit_zero: bool,
    /// Show only findings of this severity or higher; `--fail-on` still judges every finding.
    #[arg(long, value_enum, ignore_case = true, value_name = "SEVERITY")]
    pub min_severity: Option<SeverityArg>,
    /// Exit with 2 when the scan reads no file (a mis-pathed CI gate must not pass silently).
    #[arg(long)]
    pub fail_on_empty: bool,
    /// Run only these rules (comma-separated ids).
    #[arg(long, value_delimiter = ',', value_name = "RULE,...")]
    pub select: Vec<String>,
    /// Do not run these rules (comma-separated ids).
    #[arg(long, value_delimiter = ',', value_name = "RULE,...")]
    pub ignore: Vec<String>,
    /// Skip paths matching this glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Use this configuration file instead of looking for trustlint.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Colours in human output (NO_COLOR is honoured by `auto`).
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
    /// The GitHub repository the workflows belong to (OWNER/NAME or a remote URL), for the
    /// cross-check, when trustlint.toml does not name it; else the clone's origin remote.
    #[arg(long, value_name = "OWNER/NAME")]
    pub repository: Option<String>,
    /// Print only the summary line (human and concise formats) and no notices.
    #[arg(long, short)]
    pub quiet: bool,
    /// Report only findings that this baseline file (from --write-baseline) does not record.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the current findings in FILE as a baseline and exit 0.
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    pub write_baseline: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SeverityArg {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl From<SeverityArg> for Severity {
    fn from(s: SeverityArg) -> Severity {
        match s {
            SeverityArg::Info => Severity::Info,
            SeverityArg::Low => Severity::Low,
            SeverityArg::Medium => Severity::Medium,
            SeverityArg::High => Severity::High,
            SeverityArg::Critical => Severity::Critical,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

pub fn run(args: &CheckArgs) -> i32 {
    let config = match &args.config {
        Some(path) => Config::load(path),
        None => Config::discover(
            args.paths
                .first()
                .map(PathBuf::as_path)
                .unwrap_or(Path::new(".")),
        ),
    };
    let config = match config {
        Ok(config) => config,
        Err(e) => return usage_error(format!("configuration: {e}")),
    };
    let rules = match selected_rules(args, &config) {
        Ok(rules) => rules,
        Err(e) => return usage_error(e),
    };
    let baseline = match &args.baseline {
        Some(path) => match crate::baseline::Baseline::load(path) {
            Ok(baseline) => Some(baseline),
            Err(e) => return usage_error(e),
        },
        None => None,
    };
    let mut excludes = config.exclude.clone();
    excludes.extend(args.exclude.iter().cloned());
    let options = ScanOptions {
        paths: args.paths.clone(),
        excludes,
        rules,
        config: &config,
        repository: args.repository.clone(),
    };
    let mut report = match scan(&options) {
        Ok(report) => report,
        Err(e) => return usage_error(e.0),
    };
    if report.files_scanned == 0 {
        let paths = args
            .paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ");
        if args.fail_on_empty || config.fail_on_empty {
            return usage_error(format!(
                "no file was scanned in {paths} (--fail-on-empty): check the paths and the excludes"
            ));
        }
        super::eprint_line(&format!(
            "trustlint: warning: no file was scanned in {}: check the paths and the excludes \
             (--fail-on-empty makes this an error)",
            crate::escape::value(&paths)
        ));
    }
    if let Some(path) = &args.write_baseline {
        let recorded = crate::baseline::Baseline::of(&report);
        if let Err(e) = write_atomically(path, &recorded.to_json()) {
            return usage_error(format!("writing the baseline {}: {e}", path.display()));
        }
        if !args.quiet {
            super::eprint_line(&format!(
                "trustlint: wrote {} ({} {})",
                crate::source::neutralize(&path.display().to_string()),
                recorded.findings.len(),
                crate::report::plural(recorded.findings.len(), "finding")
            ));
        }
        return exit::OK;
    }
    if let Some(baseline) = &baseline {
        baseline.apply(&mut report);
    }
    let threshold = Severity::from(args.fail_on);
    let fails = report.findings.iter().any(|f| f.severity >= threshold);
    if let Some(min) = args.min_severity.map(Severity::from) {
        let before = report.findings.len();
        report.findings.retain(|f| f.severity >= min);
        report.hidden = before - report.findings.len();
    }
    if !args.quiet {
        for notice in &report.notices {
            super::eprint_line(&format!(
                "trustlint: note: {}: {}",
                crate::source::neutralize(&notice.path),
                crate::source::neutralize(&notice.located_message())
            ));
        }
    }
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            args.output.is_none()
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let commands = if args.format == Format::Github {
        Commands::Annotations
    } else {
        Commands::None
    };
    let text = emit(
        &render(
            &report,
            args.format,
            RenderOptions {
                color,
                quiet: args.quiet,
            },
        ),
        commands,
    );
    let written = match &args.output {
        Some(path) => write_atomically(path, &text)
            .map_err(|e| format!("writing the report to {}: {e}", path.display())),
        None => match std::io::stdout().lock().write_all(text.as_bytes()) {
            // A closed pipe (`| head`) is not the user's error.
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                Err(format!("writing the report: {e}"))
            }
            _ => Ok(()),
        },
    };
    if let Err(e) = written {
        return usage_error(e);
    }
    if fails && !args.exit_zero {
        exit::FINDINGS
    } else {
        exit::OK
    }
}

fn selected_rules(args: &CheckArgs, config: &Config) -> Result<Vec<&'static dyn Rule>, String> {
    for id in args.select.iter().chain(&args.ignore) {
        if find_rule(id).is_none() {
            let option = if args.select.contains(id) {
                "--select"
            } else {
                "--ignore"
            };
            return Err(format!("{option}: {}", crate::rules::unknown_rule(id)));
        }
    }
    let select: Option<&[String]> = if !args.select.is_empty() {
        Some(&args.select)
    } else {
        config.select.as_deref()
    };
    Ok(all_rules()
        .iter()
        .copied()
        .filter(|r| select.is_none_or(|s| s.iter().any(|id| id == r.meta().id)))
        .filter(|r| {
            let id = r.meta().id;
            !args.ignore.iter().any(|i| i == id) && !config.ignore.iter().any(|i| i == id)
        })
        .collect())
}

/// Writes to a temporary file beside `path`, then renames it over `path`: readers never see a
/// half-written report.
///
/// The repository being scanned may have planted links where the report goes, so: the temporary
/// file has an unpredictable name and is created exclusively (`O_EXCL`, never through a link);
/// a symbolic link (or anything but a regular file) at `path` is refused rather than followed;
/// and should one appear after that check, `rename` replaces the link itself, never its target.
/// On failure the temporary file is removed.
pub(crate) fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::{Error, ErrorKind};
    if path.file_name().is_none() {
        return Err(Error::new(ErrorKind::InvalidInput, "needs a file name"));
    }
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                "is a symbolic link; trustlint does not write through links (remove it or name another file)",
            ))
        }
        Ok(meta) if !meta.is_file() => {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                "exists and is not a regular file",
            ))
        }
        _ => {}
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".trustlint-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    #[cfg(unix)]
    {
        // tempfile creates 0600; a report is as readable as any file the user writes.
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    // Dropping the temporary file (on any error above or here) deletes it.
    tmp.persist(path).map(drop).map_err(|e| e.error)
}
