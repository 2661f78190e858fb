//! Source files, byte spans and the line/column index used by every layer.

mod discover;
mod json;
mod read;
mod redact;
mod yaml;

pub use discover::{discover, DiscoverOptions, Discovered, Skipped};
pub use json::{parse_json, JsonError, Node, NodeKind, ObjectEntry};
pub use read::{
    read_bounded, read_sibling, read_text, read_text_within, relative_inside, MAX_FILE_SIZE,
};
pub use redact::{mask_occurrences, mask_spans, redacted};
pub use yaml::{parse_yaml, YamlError, MAX_ALIAS_NODES, MAX_DEPTH};

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A half-open byte range `[start, end)` into a [`SourceFile`]'s text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end);
        Span { start, end }
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The smallest span that covers both.
    pub fn join(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// A value together with the span of the source text it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

/// A 1-based line and column; columns count Unicode scalar values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// Byte offsets of line starts, so that offset -> line/column is a binary search.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
    /// `(byte offset, characters before it)` at every [`CHECKPOINT`] bytes (rounded down to a
    /// character boundary): a column is counted from the nearest checkpoint, not from the start
    /// of its line, which on a one-line file of megabytes made every lookup linear.
    checkpoints: Vec<(usize, usize)>,
}

const CHECKPOINT: usize = 256;

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let mut checkpoints = Vec::with_capacity(text.len() / CHECKPOINT + 1);
        let (mut chars, mut last) = (0, 0);
        for at in (0..=text.len()).step_by(CHECKPOINT) {
            let mut boundary = at;
            while !text.is_char_boundary(boundary) {
                boundary -= 1;
            }
            chars += text[last..boundary].chars().count();
            checkpoints.push((boundary, chars));
            last = boundary;
        }
        LineIndex {
            line_starts,
            checkpoints,
        }
    }

    /// Characters before `offset` (a character boundary of `text`).
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        match self.checkpoints.get(offset / CHECKPOINT) {
            Some(&(at, chars)) if at <= offset => chars + text[at..offset].chars().count(),
            _ => text[..offset].chars().count(),
        }
    }

    /// Line and column of a byte offset (clamped to the text and to a char boundary).
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let column =
            self.chars_before(text, offset) - self.chars_before(text, self.line_starts[line]) + 1;
        LineCol {
            line: line + 1,
            column,
        }
    }

    /// Byte range of a 1-based line, without its line terminator.
    pub fn line_span(&self, text: &str, line: usize) -> Span {
        let start = self.line_starts[line - 1];
        let end = self
            .line_starts
            .get(line)
            .map(|&next| next - 1)
            .unwrap_or(text.len());
        let end = if end > start && text.as_bytes()[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        Span::new(start, end.max(start))
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

/// One file read for a scan: its path as shown to users, its text and its line index.
#[derive(Debug)]
pub struct SourceFile {
    /// Path relative to the working directory where possible, `/`-separated.
    pub display_path: String,
    pub path: PathBuf,
    pub text: Arc<str>,
    pub lines: LineIndex,
}

impl SourceFile {
    pub fn new(path: &Path, text: String) -> Self {
        let lines = LineIndex::new(&text);
        SourceFile {
            display_path: display_path(path),
            path: path.to_path_buf(),
            text: Arc::from(text),
            lines,
        }
    }

    pub fn line_col(&self, offset: usize) -> LineCol {
        self.lines.line_col(&self.text, offset)
    }

    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or("")
    }
}

/// A path relative to the current directory when it lies below it, with `/` separators.
pub fn display_path(path: &Path) -> String {
    let relative = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(&cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf());
    let mut shown = relative.to_string_lossy().replace('\\', "/");
    while let Some(rest) = shown.strip_prefix("./") {
        shown = rest.to_string();
    }
    shown
}

/// Escapes a value for one line of output: see [`crate::escape::value`].
pub use crate::escape::value as neutralize;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_chars_and_lines() {
        let text = "ab\nçd\r\nx";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 0), LineCol { line: 1, column: 1 });
        assert_eq!(idx.line_col(text, 3), LineCol { line: 2, column: 1 });
        // 'd' comes after the two-byte 'ç'
        assert_eq!(idx.line_col(text, 5), LineCol { line: 2, column: 2 });
        assert_eq!(idx.line_col(text, 8), LineCol { line: 3, column: 1 });
        assert_eq!(idx.line_span(text, 2), Span::new(3, 6));
        assert_eq!(idx.line_col(text, 999), LineCol { line: 3, column: 2 });
    }

    #[test]
    fn columns_on_a_long_line_agree_with_counting() {
        let text: String = "aé€😀\n".repeat(50) + &"xé€😀".repeat(400);
        let idx = LineIndex::new(&text);
        for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
            let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
            let expected = text[line_start..offset].chars().count() + 1;
            assert_eq!(idx.line_col(&text, offset).column, expected, "at {offset}");
        }
    }

    #[test]
    fn neutralize_escapes_terminal_controls() {
        assert_eq!(neutralize("a\u{1b}[31mb\n"), "a\\u{1b}[31mb\\u{a}");
        assert_eq!(neutralize("x\u{202e}y"), "x\\u{202e}y");
    }
}
