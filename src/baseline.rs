//! Baselines: `check --write-baseline FILE` records the current findings; `check --baseline FILE`
//! reports only the findings the file does not record.
//!
//! Findings are matched on rule, path and [`Finding::fingerprint`] (which survives line shifts
//! and unrelated edits), as a multiset: a baseline entry absorbs one finding, so a second finding
//! with the same fingerprint is new.

use crate::report::Report;
use crate::rules::Finding;
use crate::source::neutralize;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

/// The version of the baseline file format.
pub const VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<Entry>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub rule: String,
    pub path: String,
    pub fingerprint: String,
    /// For humans reading the file; not matched.
    #[serde(default)]
    pub message: String,
}

type Key = (String, String, String);

fn key_of(finding: &Finding) -> Key {
    (
        finding.rule.to_string(),
        finding.file.display_path.clone(),
        finding.fingerprint(),
    )
}

impl Baseline {
    /// The baseline of a report's findings.
    pub fn of(report: &Report) -> Baseline {
        Baseline {
            version: VERSION,
            findings: report
                .findings
                .iter()
                .map(|f| Entry {
                    rule: f.rule.to_string(),
                    path: f.file.display_path.clone(),
                    fingerprint: f.fingerprint(),
                    message: neutralize(&f.mask(&f.message)),
                })
                .collect(),
        }
    }

    pub fn to_json(&self) -> String {
        let mut text =
            crate::escape::json(&serde_json::to_string_pretty(self).expect("baseline serializes"));
        text.push('\n');
        text
    }

    /// Reads a baseline file; the error says what is wrong with it.
    pub fn load(path: &Path) -> Result<Baseline, String> {
        let text = crate::source::read_text(path)
            .map_err(|skip| format!("baseline {}: {}", path.display(), skip.reason))?;
        let baseline: Baseline = serde_json::from_str(&text)
            .map_err(|e| format!("baseline {}: not a trustlint baseline: {e}", path.display()))?;
        if baseline.version != VERSION {
            return Err(format!(
                "baseline {}: unsupported version {} (expected {VERSION})",
                path.display(),
                baseline.version
            ));
        }
        Ok(baseline)
    }

    /// Removes from `report` every finding the baseline records (each entry absorbs at most
    /// one finding) and counts them in `report.baselined`.
    pub fn apply(&self, report: &mut Report) {
        let mut remaining: HashMap<Key, usize> = HashMap::new();
        for e in &self.findings {
            *remaining
                .entry((e.rule.clone(), e.path.clone(), e.fingerprint.clone()))
                .or_default() += 1;
        }
        let before = report.findings.len();
        report
            .findings
            .retain(|f| match remaining.get_mut(&key_of(f)) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    false
                }
                _ => true,
            });
        report.baselined += before - report.findings.len();
    }
}
