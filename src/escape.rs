//! The one place that decides which characters may leave the process.
//!
//! trustlint prints text from the repository it scans (paths, keys, `Sid`s, values) to a
//! terminal and, in CI, to a GitHub runner that executes workflow commands found in the log
//! (`::error …::`, `::stop-commands::…`, and the older `##[command]` form):
//! <https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands>.
//! Every value is escaped by [`value`] (visible `\u{…}` escapes, no line breaks survive), every
//! multi-line text trustlint composes by [`text`], JSON by [`json`], and every byte written to
//! stdout or stderr passes [`emit`] last, which makes sure no line can start a workflow command
//! unless the `github` format means it to.

/// Characters that can drive a terminal or hide/reorder text: C0 and C1 controls, DEL, bidi
/// embeddings, overrides, isolates and marks, line and paragraph separators, zero-width and other
/// invisible format characters, the BOM, interlinear annotations and tag characters.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{ad}'
                | '\u{061c}'
                | '\u{180e}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{206f}'
                | '\u{feff}'
                | '\u{fff9}'..='\u{fffb}'
                | '\u{e0000}'..='\u{e007f}'
        )
}

/// A value from a scanned file or the command line, as it may appear inside one line of output:
/// every unsafe character (including `\n`, `\r` and `\t`) becomes a visible `\u{…}` escape.
/// Idempotent: escaping an escaped value changes nothing.
pub fn value(s: &str) -> String {
    if !s.chars().any(is_unsafe) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        push_escaped(&mut out, c);
    }
    out
}

fn push_escaped(out: &mut String, c: char) {
    if is_unsafe(c) {
        out.push_str(&format!("\\u{{{:x}}}", c as u32));
    } else {
        out.push(c);
    }
}

/// Text trustlint composed over several lines: like [`value`], but `\n` and `\t` are kept (a
/// `\r` is not: it would let the rest of a line overwrite its start).
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\t' => out.push(c),
            c => push_escaped(&mut out, c),
        }
    }
    out
}

/// Serialized JSON made safe to print while decoding to the same value: serde_json escapes only
/// C0 controls, so every other unsafe character becomes a `\uXXXX` escape (a surrogate pair
/// above U+FFFF), and `##[` becomes `##\u005b`. Unsafe characters can only occur inside JSON
/// strings, where such escapes are valid.
pub fn json(serialized: &str) -> String {
    let mut out = String::with_capacity(serialized.len());
    for c in serialized.chars() {
        if c != '\n' && is_unsafe(c) {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else if c == '[' && out.ends_with("##") {
            out.push_str("\\u005b");
        } else {
            out.push(c);
        }
    }
    out
}

/// Who wrote the lines handed to [`emit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Commands {
    /// No line is a workflow command (every format but `github`).
    None,
    /// `--format github`: lines starting `::` are trustlint's own annotations, whose values
    /// [`crate::report::github`] has escaped.
    Annotations,
}

/// The last pass over everything written to stdout or stderr: unsafe characters are escaped
/// (`\n` and `\t` kept), a `##[` anywhere is broken up, and unless `commands` says the text holds
/// trustlint's own annotations, a line that starts with `::` after blanks (the runner trims them)
/// gets its first `:` escaped.
pub fn emit(s: &str, commands: Commands) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, line) in s.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let line = keep_sgr(line, text).replace("##[", "##\\u{5b}");
        let rest = line.trim_start();
        if commands == Commands::None && rest.starts_with("::") {
            out.push_str(&line[..line.len() - rest.len()]);
            out.push_str("\\u{3a}");
            out.push_str(&rest[1..]);
        } else {
            out.push_str(&line);
        }
    }
    out
}

/// Applies `escape` to `line` except to SGR sequences (`ESC [ digits ; … m`, colours only: they
/// cannot move the cursor, set a title or make a link), which the human reporters write
/// themselves; any other ESC is escaped.
fn keep_sgr(line: &str, escape: fn(&str) -> String) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find('\u{1b}') {
        out.push_str(&escape(&rest[..at]));
        let after = &rest[at + 1..];
        let len = sgr_len(after);
        if len > 0 {
            out.push('\u{1b}');
            out.push_str(&after[..len]);
        } else {
            out.push_str(&escape("\u{1b}"));
        }
        rest = &after[len..];
    }
    out.push_str(&escape(rest));
    out
}

/// The length of `[0;1;31m` at the start of `s` (after an ESC), else 0.
fn sgr_len(s: &str) -> usize {
    let Some(body) = s.strip_prefix('[') else {
        return 0;
    };
    let params = body
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b';')
        .count();
    if body.as_bytes().get(params) == Some(&b'm') {
        params + 2
    } else {
        0
    }
}

/// `line` without its SGR sequences.
fn remove_sgr(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find('\u{1b}') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let len = sgr_len(after);
        if len == 0 {
            out.push('\u{1b}');
        }
        rest = &after[len..];
    }
    out.push_str(rest);
    out
}

/// Checks the promises above on text that is about to be emitted: no unsafe character but `\n`,
/// `\t` and colour (SGR) sequences, no `##[`, and no line starting with `::` except, when `annotations` is set, lines of
/// the form `::error file=…::…`, `::warning …` or `::notice …`. Returns the first offending line.
pub fn check_emitted(s: &str, annotations: bool) -> Result<(), String> {
    for line in s.split('\n') {
        let without_sgr = remove_sgr(line);
        if without_sgr.chars().any(|c| c != '\t' && is_unsafe(c)) {
            return Err(format!("unsafe character in line {line:?}"));
        }
        if line.contains("##[") {
            return Err(format!("`##[` in line {line:?}"));
        }
        let rest = without_sgr.trim_start();
        if rest.starts_with("::") {
            let ours = annotations
                && without_sgr.len() == rest.len()
                && ["::error file=", "::warning file=", "::notice file="]
                    .iter()
                    .any(|p| line.starts_with(p));
            if !ours {
                return Err(format!("line starts a workflow command: {line:?}"));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = "a\u{1b}]8;;http://x\u{7}b\u{1b}[2J\r\n::stop-commands::x\u{202e}\u{2066}\u{200b}\u{85}\u{2028}##[error]e\u{e0041}";

    #[test]
    fn value_leaves_one_safe_line() {
        let v = value(HOSTILE);
        assert!(!v.contains('\n') && !v.contains('\r'), "{v}");
        assert!(check_emitted(&emit(&v, Commands::None), false).is_ok());
        assert_eq!(value(&v), v, "idempotent");
        assert_eq!(value("repo:o/r:*"), "repo:o/r:*");
        assert_eq!(value("x\u{202e}y\nz"), "x\\u{202e}y\\u{a}z");
    }

    #[test]
    fn emit_breaks_commands_unless_they_are_ours() {
        let out = emit("ok\n  ::error::forged\n##[add-mask]x", Commands::None);
        assert_eq!(out, "ok\n  \\u{3a}:error::forged\n##\\u{5b}add-mask]x");
        assert!(check_emitted(&out, false).is_ok());
        let ours = "::error file=a,line=1::m\n";
        assert_eq!(emit(ours, Commands::Annotations), ours);
        assert!(check_emitted(ours, true).is_ok());
        assert!(check_emitted(ours, false).is_err());
        assert!(check_emitted(&emit(HOSTILE, Commands::None), false).is_ok());
        let coloured = "\u{1b}[1;31m3 findings\u{1b}[0m \u{1b}]0;t\u{7}";
        assert_eq!(
            emit(coloured, Commands::None),
            "\u{1b}[1;31m3 findings\u{1b}[0m \\u{1b}]0;t\\u{7}"
        );
        assert!(check_emitted(&emit(coloured, Commands::None), false).is_ok());
    }

    #[test]
    fn json_escapes_decode_to_the_same_value() {
        let original = serde_json::json!({ "path": HOSTILE });
        let serialized = json(&serde_json::to_string_pretty(&original).unwrap());
        assert!(check_emitted(&serialized, false).is_ok(), "{serialized}");
        assert!(serialized.contains("\\u202e"), "{serialized}");
        let back: serde_json::Value = serde_json::from_str(&serialized).unwrap();
        assert_eq!(back, original);
    }
}
