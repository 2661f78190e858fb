//! `--format concise`: one line per finding, `path:line:col: severity[rule] message`, then the
//! summary line — for terminals too narrow for snippets, and for editors and `grep`.
//!
//! Only the first line of a message is printed; the path and message pass [`neutralize`], so a
//! line break or control character from a scanned file becomes a visible escape and cannot start
//! a second line.

use super::{RenderOptions, Report};
use crate::source::neutralize;

pub fn render(report: &Report, options: RenderOptions) -> String {
    let mut out = String::new();
    if !options.quiet {
        for f in report.by_severity() {
            let start = f.start();
            let message = f.mask(&f.message);
            let first = message.lines().next().unwrap_or("");
            out.push_str(&format!(
                "{}:{}:{}: {}[{}] {}\n",
                neutralize(&f.file.display_path),
                start.line,
                start.column,
                f.severity,
                f.rule,
                neutralize(first)
            ));
        }
    }
    out.push_str(&report.summary_line());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::trust::duplicate_key::DuplicateKey;
    use crate::rules::{Finding, Severity};
    use crate::source::{SourceFile, Span};
    use std::path::Path;
    use std::sync::Arc;

    fn options(quiet: bool) -> RenderOptions {
        RenderOptions {
            color: false,
            quiet,
        }
    }

    #[test]
    fn one_line_per_finding_with_the_first_line_of_the_message() {
        let text = "{\n  \"a\": 1,\n  \"a\": 2\n}\n";
        let file = Arc::new(SourceFile::new(
            Path::new("p\u{202e}\n::x.json"),
            text.to_string(),
        ));
        let finding = Finding::new(
            &DuplicateKey::META,
            &file,
            Span::new(14, 17),
            "key \"a\u{1b}[2J\" twice\nsecond line",
        );
        let report = Report {
            findings: vec![finding],
            files_scanned: 1,
            ..Report::default()
        };
        assert_eq!(
            render(&report, options(false)),
            "p\\u{202e}\\u{a}::x.json:3:3: high[duplicate-key] key \"a\\u{1b}[2J\" twice\n\
             1 finding in 1 of 1 file: 1 high\n"
        );
        assert_eq!(
            render(&report, options(true)),
            "1 finding in 1 of 1 file: 1 high\n"
        );
    }

    #[test]
    fn highest_severity_first_then_path_line_column() {
        let text = "{\n  \"a\": 1,\n  \"a\": 2\n}\n";
        let at = |path: &str| Arc::new(SourceFile::new(Path::new(path), text.to_string()));
        let (a, b) = (at("a.json"), at("b.json"));
        let finding = |file, span, severity| {
            let mut f = Finding::new(&DuplicateKey::META, file, span, "m");
            f.severity = severity;
            f
        };
        let (early, late) = (Span::new(4, 7), Span::new(14, 17));
        let mut report = Report {
            findings: vec![
                finding(&a, early, Severity::High),
                finding(&a, late, Severity::Low),
                finding(&b, early, Severity::Critical),
                finding(&a, late, Severity::High),
            ],
            files_scanned: 3,
            ..Report::default()
        };
        report.sort();
        let stable: Vec<String> = report
            .findings
            .iter()
            .map(|f| format!("{}:{}", f.file.display_path, f.start().line))
            .collect();
        assert_eq!(stable, ["a.json:2", "a.json:3", "a.json:3", "b.json:2"]);
        assert_eq!(
            render(&report, options(false)),
            "b.json:2:3: critical[duplicate-key] m\n\
             a.json:2:3: high[duplicate-key] m\n\
             a.json:3:3: high[duplicate-key] m\n\
             a.json:3:3: low[duplicate-key] m\n\
             4 findings in 2 of 3 files: 1 critical, 2 high, 1 low\n"
        );
    }
}
