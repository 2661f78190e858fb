//! A finding: one problem at one place, with what to do about it.

use super::{RuleMeta, Severity};
use crate::source::{mask_occurrences, mask_spans, LineCol, SourceFile, Span};
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub file: Arc<SourceFile>,
    /// The primary location; always inside `file`.
    pub span: Span,
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// A concrete value the flawed policy admits, which its author most likely did not mean.
    pub witness: Option<String>,
    /// Secondary places in the same file worth showing.
    pub related: Vec<Related>,
    /// A structural address (statement, operator, key, value) that does not move when unrelated
    /// lines are added: the basis of fingerprints.
    pub route: String,
    /// Spans of `file` holding a secret that no output may print: reporters mask them in any
    /// source text they show, and mask the secret wherever a message quotes it. The scan adds
    /// the redactions of every finding of a file to all the others of that file.
    pub redactions: Vec<Span>,
}

#[derive(Debug, Clone)]
pub struct Related {
    /// Another file (the trust policy of a workflow finding, say); `None` for the finding's own.
    pub file: Option<Arc<SourceFile>>,
    pub span: Span,
    pub message: String,
}

impl Related {
    /// The file the span is in.
    pub fn file<'a>(&'a self, finding: &'a Finding) -> &'a Arc<SourceFile> {
        self.file.as_ref().unwrap_or(&finding.file)
    }

    /// True when the place is in another file than the finding's.
    pub fn is_elsewhere(&self) -> bool {
        self.file.is_some()
    }
}

impl Finding {
    pub fn new(
        meta: &RuleMeta,
        file: &Arc<SourceFile>,
        span: Span,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            rule: meta.id,
            severity: meta.severity,
            file: Arc::clone(file),
            span,
            message: message.into(),
            help: None,
            witness: None,
            related: Vec::new(),
            route: String::new(),
            redactions: Vec::new(),
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn witness(mut self, witness: impl Into<String>) -> Self {
        self.witness = Some(witness.into());
        self
    }

    pub fn related(mut self, span: Span, message: impl Into<String>) -> Self {
        self.related.push(Related {
            file: None,
            span,
            message: message.into(),
        });
        self
    }

    /// A related place in another file.
    pub fn related_in(
        mut self,
        file: &Arc<SourceFile>,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        let file = (!Arc::ptr_eq(file, &self.file)).then(|| Arc::clone(file));
        self.related.push(Related {
            file,
            span,
            message: message.into(),
        });
        self
    }

    pub fn route(mut self, route: impl Into<String>) -> Self {
        self.route = route.into();
        self
    }

    /// Marks a span of the file as a secret that no output may print.
    pub fn redact(mut self, span: Span) -> Self {
        if !self.redactions.contains(&span) {
            self.redactions.push(span);
        }
        self
    }

    /// `text` (a message, help, witness or label) with every secret this finding redacts
    /// replaced by its short redacted form (`AKIA…MPLE`).
    pub fn mask(&self, text: &str) -> String {
        if self.redactions.is_empty() {
            return text.to_string();
        }
        mask_occurrences(text, self.redactions.iter().map(|s| self.file.slice(*s)))
    }

    /// The file's text with the redacted spans masked in place (same length, so spans stay
    /// valid): the only form of the text a reporter may print.
    pub fn masked_text(&self) -> String {
        mask_spans(&self.file.text, &self.redactions)
    }

    /// Raises (never lowers) the severity; the rule page must say when and why.
    pub fn escalate(mut self, severity: Severity) -> Self {
        self.severity = self.severity.max(severity);
        self
    }

    pub fn start(&self) -> LineCol {
        self.file.line_col(self.span.start)
    }

    pub fn end(&self) -> LineCol {
        self.file.line_col(self.span.end)
    }

    /// Stable order: path, line, column, rule.
    pub fn sort_key(&self) -> (String, usize, usize, &'static str, String) {
        let start = self.start();
        (
            self.file.display_path.clone(),
            start.line,
            start.column,
            self.rule,
            self.message.clone(),
        )
    }

    /// A fingerprint that survives unrelated edits: rule, path and structural route, plus the
    /// flagged text itself — never line numbers.
    pub fn fingerprint(&self) -> String {
        // A fingerprint must not be a hash of a secret: hash the masked text instead.
        let masked;
        let flagged = if self.redactions.is_empty() {
            self.file.slice(self.span)
        } else {
            masked = self.masked_text();
            masked.get(self.span.start..self.span.end).unwrap_or("")
        };
        let input = format!(
            "{}\u{0}{}\u{0}{}\u{0}{}",
            self.rule, self.file.display_path, self.route, flagged
        );
        format!("{:016x}", fnv1a64(input.as_bytes()))
    }
}

/// FNV-1a: tiny, dependency-free and stable across Rust versions (unlike `DefaultHasher`).
fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf29ce484222325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x100000001b3);
    }
    hash
}
