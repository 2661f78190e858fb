//! Inline suppression in YAML files: `# trustlint: ignore[rule-id, ...] reason` on the line of a
//! finding or on the line above silences those rules there.

use crate::rules::Finding;
use regex::Regex;
use std::sync::LazyLock;

/// A YAML comment (a `#` at the start or after white space) holding the directive.
static DIRECTIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|\s)#\s*trustlint:\s*ignore\[([^\]]*)\]").expect("valid regex")
});

/// The rule ids a line's comment silences.
pub fn ignored_rules(line: &str) -> Vec<&str> {
    DIRECTIVE
        .captures_iter(line)
        .flat_map(|c| c.get(1).map(|m| m.as_str()).unwrap_or("").split(','))
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .collect()
}

/// True when a directive on the finding's line or the line above names its rule. Only YAML and
/// Terraform files have `#` comments; JSON policies cannot carry a directive.
pub fn is_suppressed(finding: &Finding) -> bool {
    let path = &finding.file.path;
    let yaml = path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        e.eq_ignore_ascii_case("yml")
            || e.eq_ignore_ascii_case("yaml")
            || e.eq_ignore_ascii_case("tf")
    });
    if !yaml {
        return false;
    }
    let text = &finding.file.text;
    let line = finding.start().line;
    [line, line.saturating_sub(1)]
        .into_iter()
        .filter(|&l| l >= 1 && l <= finding.file.lines.line_count())
        .any(|l| {
            let span = finding.file.lines.line_span(text, l);
            ignored_rules(&text[span.start..span.end]).contains(&finding.rule)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_directives() {
        assert_eq!(
            ignored_rules("  id-token: write # trustlint: ignore[excessive-id-token-permission] needed by attest"),
            ["excessive-id-token-permission"]
        );
        assert_eq!(
            ignored_rules("# trustlint: ignore[a, b ,c]"),
            ["a", "b", "c"]
        );
        assert!(ignored_rules("key: value#trustlint: ignore[a]").is_empty());
        assert!(ignored_rules("# trustlint: ignore[]").is_empty());
    }
}
