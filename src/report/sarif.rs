//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning, as plain `Serialize` structs.
//!
//! Every registered rule is described in `tool.driver.rules` (with its page as help and a
//! `security-severity` score), whether or not it fired, so `ruleIndex` is stable for a given
//! version. Locations are relative to `%SRCROOT%` (the directory trustlint ran in) and columns
//! count Unicode scalar values (`columnKind: unicodeCodePoints`), as everywhere in trustlint.

use super::{Notice, Report};
use crate::rules::{all_rules, Finding, RuleMeta, Severity};
use crate::source::{neutralize, LineCol, SourceFile};
use serde::Serialize;
use std::collections::BTreeMap;

/// The project's home page; rule pages live below it.
pub const INFORMATION_URI: &str = env!("CARGO_PKG_REPOSITORY");
const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";
/// Key of our own fingerprint in `partialFingerprints`; bump the version if its input changes.
const FINGERPRINT_KEY: &str = "trustlint/v1";
const RULE_TAGS: &[&str] = &["security", "iam", "github-actions"];

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    original_uri_base_ids: BTreeMap<&'static str, BaseId>,
    column_kind: &'static str,
    /// One: this run, with the notices as `toolExecutionNotifications`.
    invocations: Vec<Invocation>,
    results: Vec<SarifResult>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    /// A log is only written when the scan ran to its end: notices are not failures.
    execution_successful: bool,
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Message,
    locations: Vec<NotificationLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NotificationLocation {
    physical_location: NotificationPlace,
}

/// A physical location whose region is left out when the notice concerns the whole file.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NotificationPlace {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<StartRegion>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StartRegion {
    start_line: usize,
    start_column: usize,
}

/// An `originalUriBaseIds` entry without `uri`: the base is the directory trustlint ran in,
/// which we leave out so that the output does not depend on the machine.
#[derive(Serialize)]
struct BaseId {
    description: Message,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: &'static str,
    name: String,
    short_description: Message,
    full_description: Message,
    help: Help,
    help_uri: String,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Help {
    text: &'static str,
    markdown: &'static str,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: &'static [&'static str],
    precision: &'static str,
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Message,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    properties: ResultProperties,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Message>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
struct ResultProperties {
    severity: &'static str,
}

pub fn render(report: &Report) -> String {
    let rules = all_rules();
    let log = Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "trustlint",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: INFORMATION_URI,
                    rules: rules.iter().map(|r| rule(r.meta())).collect(),
                },
            },
            original_uri_base_ids: BTreeMap::from([(
                SRCROOT,
                BaseId {
                    description: Message {
                        text: "the directory trustlint ran in".to_string(),
                    },
                },
            )]),
            column_kind: "unicodeCodePoints",
            invocations: vec![Invocation {
                execution_successful: true,
                tool_execution_notifications: report.notices.iter().map(notification).collect(),
            }],
            results: report
                .findings
                .iter()
                .map(|f| {
                    let index = rules.iter().position(|r| r.meta().id == f.rule);
                    result(f, index)
                })
                .collect(),
        }],
    };
    let mut text =
        crate::escape::json(&serde_json::to_string_pretty(&log).expect("SARIF log serializes"));
    text.push('\n');
    text
}

fn rule(meta: &'static RuleMeta) -> Rule {
    let summary = meta.summary();
    let full = why_paragraph(meta.page).unwrap_or_else(|| summary.clone());
    Rule {
        id: meta.id,
        name: pascal_case(meta.id),
        short_description: Message { text: summary },
        full_description: Message { text: full },
        help: Help {
            text: meta.page,
            markdown: meta.page,
        },
        help_uri: format!("{INFORMATION_URI}/blob/main/rules/{}.md", meta.id),
        default_configuration: Configuration {
            level: level(meta.severity),
        },
        properties: RuleProperties {
            tags: RULE_TAGS,
            precision: "high",
            security_severity: security_severity(meta.severity),
        },
    }
}

fn result(f: &Finding, rule_index: Option<usize>) -> SarifResult {
    // Secrets the finding redacts never reach the log, not even quoted in a message.
    let shown = |s: &str| escape_brackets(&neutralize(&f.mask(s)));
    let mut text = shown(&f.message);
    if let Some(witness) = &f.witness {
        text.push_str("\nwitness: ");
        text.push_str(&shown(witness));
    }
    if let Some(help) = &f.help {
        text.push_str("\nhelp: ");
        text.push_str(&shown(help));
    }
    // Embedded links are how GitHub shows related locations.
    for (i, related) in f.related.iter().enumerate() {
        text.push_str(&format!("\nsee: [{}]({})", shown(&related.message), i + 1));
    }
    let related_locations = f
        .related
        .iter()
        .enumerate()
        .map(|(i, related)| Location {
            id: Some(i + 1),
            physical_location: physical_location(
                related.file(f),
                related.file(f).line_col(related.span.start),
                related.file(f).line_col(related.span.end),
            ),
            message: Some(Message {
                text: shown(&related.message),
            }),
        })
        .collect();
    SarifResult {
        rule_id: f.rule,
        rule_index,
        level: level(f.severity),
        message: Message { text },
        locations: vec![Location {
            id: None,
            physical_location: physical_location(&f.file, f.start(), f.end()),
            message: None,
        }],
        related_locations,
        partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, f.fingerprint())]),
        properties: ResultProperties {
            severity: f.severity.as_str(),
        },
    }
}

/// A file (or part of one) the scan did not analyse, as a warning about the run.
fn notification(notice: &Notice) -> Notification {
    let (uri, uri_base_id) = artifact_uri(&notice.path);
    Notification {
        level: "warning",
        message: Message {
            text: escape_brackets(&neutralize(&notice.message)),
        },
        locations: vec![NotificationLocation {
            physical_location: NotificationPlace {
                artifact_location: ArtifactLocation { uri, uri_base_id },
                region: notice.at.map(|at| StartRegion {
                    start_line: at.line,
                    start_column: at.column,
                }),
            },
        }],
    }
}

fn physical_location(file: &SourceFile, start: LineCol, end: LineCol) -> PhysicalLocation {
    let (uri, uri_base_id) = artifact_uri(&file.display_path);
    PhysicalLocation {
        artifact_location: ArtifactLocation { uri, uri_base_id },
        region: Region {
            start_line: start.line,
            start_column: start.column,
            end_line: end.line,
            end_column: end.column,
        },
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium | Severity::Low => "warning",
        Severity::Info => "note",
    }
}

/// GitHub's scale: >= 9.0 critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

/// `duplicate-key` → `DuplicateKey`.
fn pascal_case(id: &str) -> String {
    id.split(['-', '_'])
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The first paragraph of the page's `## Why` section, joined into one line.
fn why_paragraph(page: &str) -> Option<String> {
    let mut lines = page.lines().skip_while(|l| l.trim() != "## Why").skip(1);
    let body: Vec<&str> = lines
        .by_ref()
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(str::trim)
        .collect();
    (!body.is_empty()).then(|| body.join(" "))
}

/// A display path as an artifact URI: relative paths against `%SRCROOT%`, absolute ones (a file
/// outside the working directory) as `file:` URIs. Percent-encodes everything but unreserved
/// characters and `/`, so spaces, `#`, `%` or control characters cannot break the URI.
fn artifact_uri(display_path: &str) -> (String, Option<&'static str>) {
    let bytes = display_path.as_bytes();
    let drive = bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && &bytes[1..3] == b":/";
    if drive {
        let (letter, rest) = display_path.split_at(2);
        (format!("file:///{letter}{}", percent_encode(rest)), None)
    } else if display_path.starts_with('/') {
        (format!("file://{}", percent_encode(display_path)), None)
    } else {
        (percent_encode(display_path), Some(SRCROOT))
    }
}

fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for &b in path.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// In SARIF plain-text messages `[` and `]` start embedded links unless escaped (§3.11.6).
fn escape_brackets(text: &str) -> String {
    text.replace('[', "\\[").replace(']', "\\]")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::trust::duplicate_key::DuplicateKey;
    use crate::source::{SourceFile, Span};
    use serde_json::Value;
    use std::path::Path;
    use std::sync::Arc;

    #[test]
    fn pascal_case_of_rule_ids() {
        assert_eq!(pascal_case("duplicate-key"), "DuplicateKey");
        assert_eq!(pascal_case("subject-org-wide"), "SubjectOrgWide");
        assert_eq!(pascal_case("x"), "X");
    }

    #[test]
    fn uris_are_relative_and_encoded() {
        assert_eq!(
            artifact_uri("infra/iam/role.json"),
            ("infra/iam/role.json".to_string(), Some(SRCROOT))
        );
        assert_eq!(
            artifact_uri("a dir/#1 50%.json"),
            ("a%20dir/%231%2050%25.json".to_string(), Some(SRCROOT))
        );
        assert_eq!(
            artifact_uri("/tmp/x.json"),
            ("file:///tmp/x.json".to_string(), None)
        );
        assert_eq!(
            artifact_uri("C:/work/x.json"),
            ("file:///C:/work/x.json".to_string(), None)
        );
        assert_eq!(artifact_uri("é\u{1b}.json").0, "%C3%A9%1B.json");
    }

    #[test]
    fn why_paragraph_is_first_paragraph_of_why() {
        let page = "# x\n\n**Severity:** high\n\nSummary.\n\n## Why\n\nFirst line\nsecond line.\n\nMore.\n\n## Bad\n";
        assert_eq!(
            why_paragraph(page).as_deref(),
            Some("First line second line.")
        );
        assert_eq!(why_paragraph("# x\n\nSummary.\n"), None);
    }

    #[test]
    fn result_carries_location_related_witness_and_fingerprint() {
        let text = "{\n  \"a\": 1,\n  \"a\": [\"\u{1b}[2J\u{202e}\"]\n}\n";
        let file = Arc::new(SourceFile::new(Path::new("dir/p.json"), text.into()));
        let finding = Finding::new(
            &DuplicateKey::META,
            &file,
            Span::new(14, 17),
            "key [a] \u{1b}[31m",
        )
        .related(Span::new(4, 7), "first defined here")
        .witness("repo:octo-org-attacker/x:ref:refs/heads/main")
        .help("merge")
        .route("r");
        let report = Report {
            findings: vec![finding.clone()],
            files_scanned: 1,
            ..Report::default()
        };
        let out = render(&report);
        assert!(out.ends_with("}\n"));
        assert!(!out.contains('\u{1b}') && !out.contains('\u{202e}'));
        let log: Value = serde_json::from_str(&out).unwrap();
        let run = &log["runs"][0];
        assert_eq!(run["columnKind"], "unicodeCodePoints");
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        assert_eq!(rules.len(), all_rules().len());
        let r = &run["results"][0];
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], "duplicate-key");
        assert_eq!(r["level"], "error");
        assert_eq!(
            r["message"]["text"],
            "key \\[a\\] \\u{1b}\\[31m\nwitness: repo:octo-org-attacker/x:ref:refs/heads/main\nhelp: merge\nsee: [first defined here](1)"
        );
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "dir/p.json");
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert_eq!(
            loc["region"],
            serde_json::json!({"startLine": 3, "startColumn": 3, "endLine": 3, "endColumn": 6})
        );
        let related = &r["relatedLocations"][0];
        assert_eq!(related["id"], 1);
        assert_eq!(related["message"]["text"], "first defined here");
        assert_eq!(related["physicalLocation"]["region"]["startLine"], 2);
        assert_eq!(
            r["partialFingerprints"]["trustlint/v1"],
            finding.fingerprint()
        );
        assert_eq!(r["properties"]["severity"], "high");
    }

    #[test]
    fn levels_and_scores_follow_severity() {
        assert_eq!(level(Severity::Critical), "error");
        assert_eq!(level(Severity::Low), "warning");
        assert_eq!(level(Severity::Info), "note");
        let score = |s| security_severity(s).parse::<f64>().unwrap();
        assert!(score(Severity::Critical) >= 9.0);
        assert!((7.0..9.0).contains(&score(Severity::High)));
        assert!((4.0..7.0).contains(&score(Severity::Medium)));
        assert!((0.1..4.0).contains(&score(Severity::Low)));
        assert!(score(Severity::Info) < score(Severity::Low));
    }

    #[test]
    fn a_whole_file_notice_has_no_region() {
        let report = Report {
            notices: vec![Notice::new("a b.json", "skipped: [not a policy]\u{202e}")],
            ..Report::default()
        };
        let log: Value = serde_json::from_str(&render(&report)).unwrap();
        let invocation = &log["runs"][0]["invocations"][0];
        assert_eq!(invocation["executionSuccessful"], true);
        let notification = &invocation["toolExecutionNotifications"][0];
        assert_eq!(
            notification["message"]["text"],
            "skipped: \\[not a policy\\]\\u{202e}"
        );
        let place = &notification["locations"][0]["physicalLocation"];
        assert_eq!(place["artifactLocation"]["uri"], "a%20b.json");
        assert!(place.get("region").is_none(), "{place}");
    }
}
