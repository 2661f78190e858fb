//! `--format human`: miette's graphical diagnostics, one per finding, then a summary line.
//!
//! Nothing read from a scanned file reaches the terminal unneutralised: messages, paths and
//! labels go through [`neutralize`], and the source text miette prints as a snippet goes through
//! [`snippet_text`], which keeps byte offsets valid so the spans still point at the right place.

use super::{RenderOptions, Report};
use crate::rules::{Finding, Severity};
use crate::source::{neutralize, LineIndex, SourceFile, Span};
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};
use std::fmt;
use std::sync::Arc;

/// Fixed, so that output does not depend on the terminal it is printed to.
const WIDTH: usize = 100;

/// Findings on longer lines (minified JSON) are printed without a snippet.
pub(crate) const MAX_SNIPPET_LINE: usize = 4096;

pub fn render(report: &Report, options: RenderOptions) -> String {
    let mut out = String::new();
    if !options.quiet {
        let theme = if options.color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_width(WIDTH)
            .with_links(false)
            .without_syntax_highlighting();
        // One neutralised copy and line index per file (and set of redactions), not per finding:
        // the work stays linear in the size of the files plus the number of findings.
        let mut sources = Sources::new();
        for finding in report.by_severity() {
            let diagnostic = FindingDiagnostic::new(finding, &mut sources);
            // miette pads labels to their column with a format width, which panics past 65535;
            // a snippet of such a line is no use to a reader anyway.
            let fits = diagnostic.labels.iter().all(|label| {
                diagnostic
                    .source
                    .line_len_at(label.offset(), label.len())
                    .is_some_and(|len| len <= MAX_SNIPPET_LINE)
            });
            if !fits || handler.render_report(&mut out, &diagnostic).is_err() {
                // miette failed to lay out the snippet: fall back to a plain line.
                let start = finding.start();
                out.push_str(&format!(
                    "{}[{}] {}:{}:{}: {}\n",
                    finding.severity,
                    finding.rule,
                    neutralize(&finding.file.display_path),
                    start.line,
                    start.column,
                    neutralize(&finding.mask(&finding.message))
                ));
            }
            out.push('\n');
        }
    }
    let summary = report.summary_line();
    match report.findings.iter().map(|f| f.severity).max() {
        Some(highest) if options.color => {
            out.push_str(&format!("{}{summary}\x1b[0m\n", ansi_style(highest)))
        }
        None if options.color => out.push_str(&format!("\x1b[32m{summary}\x1b[0m\n")),
        _ => {
            out.push_str(&summary);
            out.push('\n');
        }
    }
    out
}

/// ANSI style of the summary line, after the highest severity found.
fn ansi_style(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "\x1b[1;31m",
        Severity::Medium | Severity::Low => "\x1b[1;33m",
        Severity::Info => "\x1b[1;36m",
    }
}

fn miette_severity(severity: Severity) -> miette::Severity {
    match severity {
        Severity::Critical | Severity::High => miette::Severity::Error,
        Severity::Medium | Severity::Low => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    }
}

/// A finding dressed as a miette diagnostic, every text already neutralised.
struct FindingDiagnostic {
    /// `high[duplicate-key]`
    code: String,
    severity: miette::Severity,
    /// The message, then `witness: …` on its own line when there is one.
    message: String,
    help: Option<String>,
    source: Snippet,
    labels: Vec<LabeledSpan>,
}

/// The snippet text of each file, by file and redactions.
type Sources = std::collections::HashMap<(*const SourceFile, Vec<Span>), Arc<SnippetText>>;

/// A file's text as miette may print it, with its line index.
struct SnippetText {
    text: String,
    lines: LineIndex,
}

impl FindingDiagnostic {
    fn new(finding: &Finding, sources: &mut Sources) -> Self {
        let shown = |s: &str| neutralize(&finding.mask(s));
        let mut message = shown(&finding.message);
        if let Some(witness) = &finding.witness {
            message.push_str("\nwitness: ");
            message.push_str(&shown(witness));
        }
        // Places in other files cannot share this snippet: name them in the message.
        for related in finding.related.iter().filter(|r| r.is_elsewhere()) {
            let file = related.file(finding);
            let at = file.line_col(related.span.start);
            message.push_str(&format!(
                "\nsee {}:{}:{}: {}",
                neutralize(&file.display_path),
                at.line,
                at.column,
                shown(&related.message)
            ));
        }
        // Secrets the finding redacts are masked in the snippet too (same length, spans stay).
        let shared = sources
            .entry((Arc::as_ptr(&finding.file), finding.redactions.clone()))
            .or_insert_with(|| {
                let text = snippet_text(&finding.masked_text());
                let lines = LineIndex::new(&text);
                Arc::new(SnippetText { text, lines })
            })
            .clone();
        let text = &shared.text;
        let mut labels = vec![LabeledSpan::new_primary_with_span(
            None,
            source_span(finding.span, text.len()),
        )];
        labels.extend(
            finding
                .related
                .iter()
                .filter(|r| !r.is_elsewhere())
                .map(|related| {
                    LabeledSpan::new_with_span(
                        Some(shown(&related.message)),
                        source_span(related.span, text.len()),
                    )
                }),
        );
        FindingDiagnostic {
            code: format!("{}[{}]", finding.severity, finding.rule),
            severity: miette_severity(finding.severity),
            message,
            help: finding.help.as_deref().map(shown),
            source: Snippet {
                name: neutralize(&finding.file.display_path),
                shared,
            },
            labels,
        }
    }
}

/// A span clamped to the text, so a bad span cannot make miette fail.
fn source_span(span: crate::source::Span, len: usize) -> SourceSpan {
    let start = span.start.min(len);
    let end = span.end.clamp(start, len);
    SourceSpan::from(start..end)
}

impl fmt::Debug for FindingDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FindingDiagnostic")
            .field("code", &self.code)
            .field("message", &self.message)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for FindingDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FindingDiagnostic {}

impl Diagnostic for FindingDiagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display + 'a>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
}

/// A named source whose reported columns count Unicode scalar values, as trustlint's do
/// (miette counts bytes), so the `[path:line:column]` header agrees with every other format.
///
/// miette finds the lines of a span by scanning the text from its start; it is handed only the
/// lines around the span instead (offsets and line numbers shifted back), so that a file with
/// many findings is not scanned once per finding.
struct Snippet {
    name: String,
    shared: Arc<SnippetText>,
}

impl Snippet {
    /// The length in bytes of the longer of the lines where the span `offset..offset + len`
    /// starts and ends (where miette places label columns).
    fn line_len_at(&self, offset: usize, len: usize) -> Option<usize> {
        let text = self.shared.text.as_str();
        let lines = &self.shared.lines;
        let first = lines.line_col(text, offset).line;
        let last = lines.line_col(text, offset + len).line;
        [first, last]
            .into_iter()
            .map(|line| lines.line_span(text, line).len())
            .max()
    }
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let text = self.shared.text.as_str();
        let lines = &self.shared.lines;
        let mut offset = span.offset().min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let end = (span.offset() + span.len()).min(text.len());
        // A window of whole lines with more context than asked for on both sides, so that
        // miette's own reading of it gives what it would give on the whole text.
        let first = lines
            .line_col(text, offset)
            .line
            .saturating_sub(context_lines_before + 1)
            .max(1);
        let last = lines.line_col(text, end).line + context_lines_after + 2;
        let window_start = lines.line_span(text, first).start;
        let window_end = if last <= lines.line_count() {
            lines.line_span(text, last).start
        } else {
            text.len()
        };
        let window = &text[window_start..window_end];
        let local = SourceSpan::from((span.offset() - window_start.min(span.offset()), span.len()));
        let contents = window.read_span(&local, context_lines_before, context_lines_after)?;
        let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let column = text[line_start..offset].chars().count();
        let data = contents.data();
        let at = contents.span().offset() + window_start;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            data,
            SourceSpan::from((at, contents.span().len())),
            contents.line() + first - 1,
            column,
            contents.line_count() + first - 1,
        )))
    }
}

/// The source text as miette may print it: every character that [`neutralize`] would escape
/// becomes `?` repeated to its UTF-8 length, so byte offsets (and spans) stay valid. `\r\n` line
/// ends are kept (miette understands them); a lone `\r` is replaced like any control character.
pub(crate) fn snippet_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let keep = match c {
            '\n' | '\t' => true,
            '\r' => chars.peek() == Some(&'\n'),
            c if c.is_ascii() => !c.is_ascii_control(),
            c => {
                let mut buf = [0; 4];
                let encoded = c.encode_utf8(&mut buf);
                neutralize(encoded) == *encoded
            }
        };
        if keep {
            out.push(c);
        } else {
            out.push_str(&"?".repeat(c.len_utf8()));
        }
    }
    debug_assert_eq!(out.len(), text.len());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::trust::duplicate_key::DuplicateKey;
    use crate::source::{SourceFile, Span};
    use std::path::Path;
    use std::sync::Arc;

    fn file(text: &str) -> Arc<SourceFile> {
        Arc::new(SourceFile::new(Path::new("policy.json"), text.to_string()))
    }

    fn span_of(text: &str, needle: &str) -> Span {
        let start = text.find(needle).expect("needle in text");
        Span::new(start, start + needle.len())
    }

    fn plain() -> RenderOptions {
        RenderOptions {
            color: false,
            quiet: false,
        }
    }

    #[test]
    fn snippet_text_keeps_offsets_and_drops_controls() {
        let text = "a\u{1b}[2Jb\u{202e}c\u{85}d\r\ne\rf\tg\u{7f}é\n";
        let shown = snippet_text(text);
        assert_eq!(shown.len(), text.len());
        assert_eq!(shown, "a?[2Jb???c??d\r\ne?f\tg?é\n");
        for (i, _) in text.char_indices() {
            assert!(shown.is_char_boundary(i));
        }
    }

    #[test]
    fn renders_code_snippet_labels_witness_and_help() {
        let text = "{\n  \"a\": 1,\n  \"a\": 2\n}\n";
        let f = file(text);
        let first = Span::new(4, 7);
        let second = Span::new(14, 17);
        let finding = Finding::new(&DuplicateKey::META, &f, second, "key \"a\" twice")
            .related(first, "first defined here")
            .witness("repo:octo-org-attacker/x:ref:refs/heads/main")
            .help("merge them");
        let report = Report {
            findings: vec![finding],
            files_scanned: 1,
            ..Report::default()
        };
        let out = render(&report, plain());
        assert!(out.starts_with("high[duplicate-key]\n"), "{out}");
        assert!(out.contains("× key \"a\" twice"), "{out}");
        assert!(
            out.contains("witness: repo:octo-org-attacker/x:ref:refs/heads/main"),
            "{out}"
        );
        assert!(out.contains("[policy.json:3:3]"), "{out}");
        assert!(out.contains("first defined here"), "{out}");
        assert!(out.contains("help: merge them"), "{out}");
        assert!(
            out.ends_with("\n1 finding in 1 of 1 file: 1 high\n"),
            "{out}"
        );
        assert!(!out.contains('\u{1b}'), "{out}");
    }

    #[test]
    fn header_column_counts_characters_not_bytes() {
        let text = "{\"é€\": \"x\", \"k\": 1}\n";
        let f = file(text);
        let finding = Finding::new(&DuplicateKey::META, &f, span_of(text, "\"k\""), "m");
        assert_eq!(finding.start().column, 13);
        let report = Report {
            findings: vec![finding],
            files_scanned: 1,
            ..Report::default()
        };
        let out = render(&report, plain());
        assert!(out.contains("[policy.json:1:13]"), "{out}");
    }

    #[test]
    fn terminal_controls_from_the_file_never_reach_the_output() {
        let text = "{\n  \"Condition\": {\"StringLike\": {\"sub\": \"repo:o/\u{1b}]0;pwned\u{7}\u{1b}[2J\u{202e}x:*\"}}\n}\n";
        let f = Arc::new(SourceFile::new(
            Path::new("evil\u{1b}[31m.json"),
            text.to_string(),
        ));
        let flagged = span_of(text, "\"repo:o/\u{1b}]0;pwned\u{7}\u{1b}[2J\u{202e}x:*\"");
        let finding = Finding::new(
            &DuplicateKey::META,
            &f,
            flagged,
            format!("bad value {}", f.slice(flagged)),
        )
        .related(span_of(text, "\"sub\""), "key \u{1b}[5m\u{202e}")
        .witness("repo:o/\u{1b}[2J\u{202e}")
        .help("fix \u{1b}[0m\u{2066}");
        let report = Report {
            findings: vec![finding],
            files_scanned: 1,
            ..Report::default()
        };
        for color in [false, true] {
            let out = render(
                &report,
                RenderOptions {
                    color,
                    quiet: false,
                },
            );
            assert!(out.contains("bad value"), "{out}");
            assert!(!out.contains('\u{202e}'), "{out}");
            assert!(!out.contains('\u{2066}'), "{out}");
            assert!(!out.contains('\u{7}'), "{out}");
            assert!(!out.contains("\u{1b}[2J"), "{out}");
            assert!(!out.contains("\u{1b}]"), "{out}");
            assert!(!out.contains("\u{1b}[5m"), "{out}");
            if !color {
                assert!(!out.contains('\u{1b}'), "{out}");
            }
        }
    }

    #[test]
    fn quiet_prints_only_the_summary() {
        let text = "{}\n";
        let f = file(text);
        let finding = Finding::new(&DuplicateKey::META, &f, Span::new(0, 1), "m");
        let report = Report {
            findings: vec![finding],
            files_scanned: 1,
            ..Report::default()
        };
        let options = RenderOptions {
            color: false,
            quiet: true,
        };
        assert_eq!(
            render(&report, options),
            "1 finding in 1 of 1 file: 1 high\n"
        );
        let coloured = RenderOptions {
            color: true,
            quiet: true,
        };
        assert_eq!(
            render(&report, coloured),
            "\x1b[1;31m1 finding in 1 of 1 file: 1 high\x1b[0m\n"
        );
        assert_eq!(
            render(&Report::default(), options),
            "no findings in 0 files\n"
        );
    }

    #[test]
    fn zero_length_span_at_end_of_file_renders() {
        let text = "{\n  \"a\": [1,\n";
        let f = file(text);
        let finding = Finding::new(
            &DuplicateKey::META,
            &f,
            Span::new(text.len(), text.len()),
            "unexpected end",
        );
        let report = Report {
            findings: vec![finding],
            files_scanned: 1,
            ..Report::default()
        };
        let out = render(&report, plain());
        assert!(out.contains("unexpected end"), "{out}");
        assert!(!out.contains("Failed to read"), "{out}");
    }
}
