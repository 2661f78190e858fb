//! `--format github`: workflow commands that GitHub turns into annotations on the diff.

use super::Report;
use crate::rules::Severity;
use crate::source::neutralize;

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let (start, end) = (f.start(), f.end());
        let level = match f.severity {
            Severity::Critical | Severity::High => "error",
            Severity::Medium | Severity::Low => "warning",
            Severity::Info => "notice",
        };
        // Each value is escaped on its own (a `\n` in it becomes `\u{a}`); the line breaks
        // trustlint puts between them become `%0A`, which the runner turns back into lines
        // inside the one annotation.
        let shown = |s: &str| neutralize(&f.mask(s));
        let mut message = format!("[{}] {}", f.severity, shown(&f.message));
        if let Some(witness) = &f.witness {
            message.push_str(&format!("\nwitness: {}", shown(witness)));
        }
        if let Some(help) = &f.help {
            message.push_str(&format!("\nhelp: {}", shown(help)));
        }
        out.push_str(&format!(
            "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            escape_property(&neutralize(&f.file.display_path)),
            start.line,
            start.column,
            end.line,
            end.column,
            escape_property(f.rule),
            escape_data(&message),
        ));
    }
    out
}

/// Escaping of the message part, as in @actions/core's `escapeData`.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping of property values, as in @actions/core's `escapeProperty`.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_actions_core() {
        assert_eq!(escape_data("a%b\nc"), "a%25b%0Ac");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
