//! Masking of secrets found in scanned files, so that no output format ever prints one.
//!
//! A finding carries the spans of its file that must not be shown
//! ([`Finding::redactions`](crate::rules::Finding)); reporters print source text through
//! [`mask_spans`] (same byte length, so every other span stays valid) and messages through
//! [`mask_occurrences`], which replaces the secret wherever it was quoted by its [`redacted`]
//! form.

use super::Span;

/// How many characters of a secret may be shown at each end.
const SHOWN: usize = 4;
/// Secrets shorter than this are shown with no characters at all.
const MIN_PARTIAL: usize = 3 * SHOWN;

/// The form of a secret that messages may show: its first and last four characters around `…`
/// (`AKIA…MPLE`), or `…` alone when the secret is too short for that to hide most of it.
pub fn redacted(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    if chars.len() < MIN_PARTIAL {
        return "…".to_string();
    }
    let head: String = chars[..SHOWN].iter().collect();
    let tail: String = chars[chars.len() - SHOWN..].iter().collect();
    format!("{head}…{tail}")
}

/// `text` with the characters inside `spans` replaced by `*` — keeping the first and last four
/// characters of a span long enough to spare them — and every other byte unchanged. A masked
/// character becomes as many `*` as its UTF-8 length, so the result has the same length and the
/// same character boundaries outside the spans. Spans are clamped to the text and to character
/// boundaries; they may overlap.
pub fn mask_spans(text: &str, spans: &[Span]) -> String {
    if spans.is_empty() {
        return text.to_string();
    }
    let mut masked = vec![false; text.len()];
    for span in spans {
        let (start, end) = clamp(text, *span);
        let chars: Vec<(usize, char)> = text[start..end].char_indices().collect();
        let keep = if chars.len() >= MIN_PARTIAL { SHOWN } else { 0 };
        for &(i, c) in &chars[keep..chars.len() - keep] {
            let at = start + i;
            masked[at..at + c.len_utf8()]
                .iter_mut()
                .for_each(|m| *m = true);
        }
    }
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        if masked[i] {
            out.extend(std::iter::repeat_n('*', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    debug_assert_eq!(out.len(), text.len());
    out
}

/// `message` with every occurrence of one of `secrets` replaced by its [`redacted`] form.
/// Secrets shorter than eight bytes are left alone: they cannot be told from ordinary words.
pub fn mask_occurrences<'a>(message: &str, secrets: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = message.to_string();
    let mut secrets: Vec<&str> = secrets.into_iter().filter(|s| s.len() >= 8).collect();
    // Longest first, so that a secret containing another is replaced whole.
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    secrets.dedup();
    for secret in secrets {
        if out.contains(secret) {
            out = out.replace(secret, &redacted(secret));
        }
    }
    out
}

fn clamp(text: &str, span: Span) -> (usize, usize) {
    let mut start = span.start.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = span.end.clamp(start, text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    (start, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacted_shows_at_most_four_characters_at_each_end() {
        assert_eq!(redacted("AKIAIOSFODNN7EXAMPLE"), "AKIA…MPLE");
        assert_eq!(
            redacted("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            "wJal…EKEY"
        );
        assert_eq!(redacted("short"), "…");
        assert_eq!(redacted("elevenchars"), "…");
        assert_eq!(redacted("twelve-chars"), "twel…hars");
        assert_eq!(redacted("ééééééééééééé"), "éééé…éééé");
    }

    #[test]
    fn mask_spans_keeps_length_and_ends() {
        let text = "key: AKIAIOSFODNN7EXAMPLE # x\n";
        let start = text.find("AKIA").unwrap();
        let out = mask_spans(text, &[Span::new(start, start + 20)]);
        assert_eq!(out, "key: AKIA************MPLE # x\n");
        assert_eq!(out.len(), text.len());
        assert_eq!(mask_spans(text, &[]), text);
    }

    #[test]
    fn mask_spans_handles_short_overlapping_unicode_and_bad_spans() {
        assert_eq!(mask_spans("a secret b", &[Span::new(2, 8)]), "a ****** b");
        let text = "xé secret é secret";
        let out = mask_spans(
            text,
            &[Span::new(2, 19), Span::new(0, 3), Span::new(50, 60)],
        );
        assert_eq!(out.len(), text.len());
        assert!(out.starts_with("***"), "{out}");
        // A span that starts inside a character is widened to the whole character.
        let out = mask_spans("é", &[Span::new(1, 2)]);
        assert_eq!(out, "**");
    }

    #[test]
    fn mask_occurrences_replaces_every_copy() {
        let key = "AKIAIOSFODNN7EXAMPLE";
        let message = format!("found {key} twice: {key}");
        assert_eq!(
            mask_occurrences(&message, [key]),
            "found AKIA…MPLE twice: AKIA…MPLE"
        );
        assert_eq!(mask_occurrences("a b c", ["a"]), "a b c");
    }
}
