//! Caps on what one file can make a scan report: applied once, where the scan aggregates the
//! findings of every rule, so that no rule and no reporter does work that grows with an
//! attacker's input beyond them.

use crate::rules::Finding;
use crate::source::SourceFile;
use std::sync::Arc;

/// At most this many findings of one rule in one file are reported; the rest become one
/// "and N more" finding. A file crafted to make thousands of them would otherwise make every
/// reporter (and whoever reads the report) do work that grows with the attacker's input.
pub const MAX_FINDINGS_PER_RULE_PER_FILE: usize = 100;

/// At most this many related places are shown per finding, then one "and N more".
pub const MAX_RELATED_PER_FINDING: usize = 10;

/// Applies both caps to sorted findings, keeping the order (the summary of a rule's omitted
/// findings sits where the first omitted one was).
pub fn cap_findings(findings: &mut Vec<Finding>) {
    use std::collections::HashMap;
    let mut kept: HashMap<(*const SourceFile, &'static str), usize> = HashMap::new();
    // For each capped (file, rule): the index in `out` of its summary, and how many it stands for.
    let mut summary: HashMap<(*const SourceFile, &'static str), (usize, usize)> = HashMap::new();
    let mut out: Vec<Finding> = Vec::with_capacity(findings.len().min(4096));
    for mut finding in findings.drain(..) {
        let key = (Arc::as_ptr(&finding.file), finding.rule);
        let count = kept.entry(key).or_insert(0);
        if *count < MAX_FINDINGS_PER_RULE_PER_FILE {
            *count += 1;
            cap_related(&mut finding);
            out.push(finding);
            continue;
        }
        match summary.get_mut(&key) {
            Some((at, omitted)) => {
                *omitted += 1;
                let severity = finding.severity.max(out[*at].severity);
                out[*at].severity = severity;
            }
            None => {
                finding.related.clear();
                finding.witness = None;
                finding.help = Some(
                    "fix the findings shown, then run trustlint again to see the rest".to_string(),
                );
                finding.route = format!("more/{}", finding.rule);
                summary.insert(key, (out.len(), 1));
                out.push(finding);
            }
        }
    }
    for ((_, rule), (at, omitted)) in summary {
        out[at].message = format!(
            "and {omitted} more {rule} {} in this file, not shown (at most {MAX_FINDINGS_PER_RULE_PER_FILE} per rule per file)",
            crate::report::plural(omitted, "finding")
        );
    }
    *findings = out;
}

fn cap_related(finding: &mut Finding) {
    let total = finding.related.len();
    if total <= MAX_RELATED_PER_FINDING {
        return;
    }
    let mut first_omitted = finding.related.swap_remove(MAX_RELATED_PER_FINDING);
    finding.related.truncate(MAX_RELATED_PER_FINDING);
    first_omitted.message = format!(
        "and {} more {}",
        total - MAX_RELATED_PER_FINDING,
        crate::report::plural(total - MAX_RELATED_PER_FINDING, "place")
    );
    finding.related.push(first_omitted);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::trust::duplicate_key::DuplicateKey;
    use crate::source::Span;
    use std::path::Path;

    #[test]
    fn keeps_the_first_of_each_rule_and_file_then_says_how_many_more() {
        let a = Arc::new(SourceFile::new(Path::new("a.json"), "x".repeat(500)));
        let b = Arc::new(SourceFile::new(Path::new("b.json"), "x".repeat(500)));
        let mut findings: Vec<Finding> = (0..250)
            .map(|i| {
                let file = if i < 150 { &a } else { &b };
                let mut f = Finding::new(&DuplicateKey::META, file, Span::new(i, i + 1), "m");
                for r in 0..12 {
                    f = f.related(Span::new(r, r + 1), "r");
                }
                f
            })
            .collect();
        cap_findings(&mut findings);
        assert_eq!(findings.len(), 101 + 100);
        let summary = &findings[100];
        assert_eq!(
            summary.message,
            "and 50 more duplicate-key findings in this file, not shown (at most 100 per rule per file)"
        );
        assert!(summary.related.is_empty());
        assert!(Arc::ptr_eq(&findings[101].file, &b));
        let related = &findings[0].related;
        assert_eq!(related.len(), MAX_RELATED_PER_FINDING + 1);
        assert_eq!(related[10].message, "and 2 more places");
        assert_eq!(related[10].span, Span::new(10, 11));
    }
}
