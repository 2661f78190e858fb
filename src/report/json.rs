//! `--format json`: a frozen, versioned shape (version 1), decoupled from internal types.

use super::Report;
use crate::source::neutralize;
use serde::Serialize;

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    findings: Vec<JsonFinding<'a>>,
    files_scanned: usize,
    suppressed: usize,
    baselined: usize,
    /// Files or parts of files not analysed, with the reason (also printed on stderr).
    notices: Vec<JsonNotice<'a>>,
    /// Left out by `--min-severity`; absent when none were.
    #[serde(skip_serializing_if = "is_zero")]
    below_min_severity: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: &'a str,
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: String,
    help: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    witness: Option<String>,
    fingerprint: String,
    /// Other places worth showing, possibly in other files (the trust policy of a workflow
    /// finding, the first of two duplicate keys).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related: Vec<JsonRelated<'a>>,
}

#[derive(Serialize)]
struct JsonNotice<'a> {
    path: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<usize>,
    message: String,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    path: &'a str,
    line: usize,
    column: usize,
    message: String,
}

pub fn render(report: &Report) -> String {
    let findings = report
        .findings
        .iter()
        .map(|f| {
            let (start, end) = (f.start(), f.end());
            JsonFinding {
                rule: f.rule,
                severity: f.severity.as_str(),
                path: &f.file.display_path,
                line: start.line,
                column: start.column,
                end_line: end.line,
                end_column: end.column,
                message: neutralize(&f.mask(&f.message)),
                help: f.help.as_deref().map(|h| neutralize(&f.mask(h))),
                witness: f.witness.as_deref().map(|w| neutralize(&f.mask(w))),
                fingerprint: f.fingerprint(),
                related: f
                    .related
                    .iter()
                    .map(|r| {
                        let file = r.file(f);
                        let at = file.line_col(r.span.start);
                        JsonRelated {
                            path: &file.display_path,
                            line: at.line,
                            column: at.column,
                            message: neutralize(&f.mask(&r.message)),
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    let out = JsonReport {
        version: 1,
        findings,
        files_scanned: report.files_scanned,
        suppressed: report.suppressed,
        baselined: report.baselined,
        notices: report
            .notices
            .iter()
            .map(|n| JsonNotice {
                path: &n.path,
                line: n.at.map(|at| at.line),
                column: n.at.map(|at| at.column),
                message: neutralize(&n.message),
            })
            .collect(),
        below_min_severity: report.hidden,
    };
    let mut text =
        crate::escape::json(&serde_json::to_string_pretty(&out).expect("report serializes"));
    text.push('\n');
    text
}
