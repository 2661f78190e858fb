//! The real `trustlint check` on fixtures: a snapshot of every output format, exit codes,
//! `--output`, `--quiet`, and terminal safety of every format.
//!
//! Runs from the repository root so that paths in the output are relative and stable. The
//! snapshots select the rules the fixture is about, so that rules added later do not change them.
//! Update snapshots with `INSTA_UPDATE=always cargo test --test cli_formats` and review the diff.

use assert_cmd::Command;
use serde_json::Value;
use std::process::Output;

const FIXTURE: &str = "fixtures/report/duplicate-condition.json";
const CLEAN: &str = "fixtures/report/clean.json";
const CONTROL_CHARS: &str = "fixtures/report/control-chars.json";
const SELECT: &str = "--select=duplicate-key,invalid-policy";

fn trustlint() -> Command {
    let mut cmd = Command::cargo_bin("trustlint").expect("the trustlint binary is built");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1");
    cmd
}

fn run(args: &[&str]) -> Output {
    trustlint().args(args).output().expect("trustlint runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("output is UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs `check` with `args`, expects exit code 1 (findings) and nothing on stderr.
fn check_with_findings(args: &[&str]) -> String {
    let mut all = vec!["check", SELECT];
    all.extend_from_slice(args);
    all.push(FIXTURE);
    let output = run(&all);
    assert_eq!(output.status.code(), Some(1), "stderr: {}", stderr(&output));
    assert_eq!(stderr(&output), "");
    stdout(&output)
}

#[test]
fn human_format() {
    let out = check_with_findings(&["--color", "never"]);
    assert!(!out.contains('\u{1b}'), "no colour: {out}");
    insta::assert_snapshot!("human", out);
}

#[test]
fn human_is_the_default_format() {
    assert_eq!(
        check_with_findings(&[]),
        check_with_findings(&["--format", "human", "--color", "never"])
    );
}

#[test]
fn human_format_with_colour() {
    let out = check_with_findings(&["--color", "always"]);
    assert!(out.contains("\u{1b}["), "coloured: {out:?}");
    assert!(
        out.ends_with("\u{1b}[1;31m1 finding in 1 of 1 file: 1 high\u{1b}[0m\n"),
        "summary coloured after the highest severity: {out:?}"
    );
}

#[test]
fn concise_format() {
    let out = check_with_findings(&["--format", "concise"]);
    assert!(!out.contains('\u{1b}'), "no colour: {out}");
    insta::assert_snapshot!("concise", out);
}

#[test]
fn concise_quiet_prints_only_the_summary() {
    let output = run(&["check", "--format", "concise", "-q", SELECT, FIXTURE]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output), "1 finding in 1 of 1 file: 1 high\n");
}

#[test]
fn json_format() {
    let out = check_with_findings(&["--format", "json"]);
    serde_json::from_str::<Value>(&out).expect("JSON");
    insta::assert_snapshot!("json", out);
}

/// Notices (here a Terraform document that is not evaluated) in the JSON report, with their
/// line and column, as well as on stderr.
#[test]
fn json_lists_notices() {
    let output = run(&["check", "--format", "json", "fixtures/report/notices"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report: Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    insta::assert_snapshot!(
        "json_notices",
        serde_json::to_string_pretty(&report["notices"]).unwrap()
    );
    assert!(
        stderr(&output).contains("fixtures/report/notices/main.tf: line 3, column 24: "),
        "{}",
        stderr(&output)
    );
}

#[test]
fn github_format() {
    let out = check_with_findings(&["--format", "github"]);
    insta::assert_snapshot!("github", out);
}

/// The SARIF log with the rule descriptors cut down to what this fixture exercises: the full
/// descriptors (every rule, with its page) are checked in `sarif_schema.rs` instead, so that
/// adding a rule or editing a page does not change this snapshot.
#[test]
fn sarif_format() {
    let out = check_with_findings(&["--format", "sarif"]);
    let mut log: Value = serde_json::from_str(&out).expect("SARIF is JSON");
    let driver = &mut log["runs"][0]["tool"]["driver"];
    for key in ["version", "semanticVersion"] {
        assert_eq!(driver[key], env!("CARGO_PKG_VERSION"));
        driver[key] = Value::from("[version]");
    }
    let rules = driver["rules"].take();
    let rules = rules.as_array().expect("rules");
    driver["rules"] = Value::from("[every registered rule: see sarif_schema.rs]");
    for result in log["runs"][0]["results"].as_array_mut().expect("results") {
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        result["ruleIndex"] = Value::from("[index of ruleId in rules]");
    }
    let mut shown = serde_json::to_string_pretty(&log).unwrap();
    shown.push('\n');
    insta::assert_snapshot!("sarif", shown);
}

#[test]
fn exit_code_is_0_without_findings() {
    for format in ["human", "concise", "json", "sarif", "github"] {
        let output = run(&["check", "--format", format, CLEAN]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{format}: {}",
            stderr(&output)
        );
    }
    let output = run(&["check", "--color", "never", CLEAN]);
    assert_eq!(stdout(&output), "no findings in 1 file\n");
    let output = run(&["check", "--format", "github", CLEAN]);
    assert_eq!(stdout(&output), "");
}

#[test]
fn exit_code_is_1_with_findings() {
    for format in ["human", "concise", "json", "sarif", "github"] {
        let output = run(&["check", "--format", format, FIXTURE]);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{format}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn fail_on_sets_the_threshold() {
    // The fixture's finding is high.
    for (threshold, code) in [
        ("info", 1),
        ("low", 1),
        ("medium", 1),
        ("high", 1),
        ("critical", 0),
    ] {
        let output = run(&["check", SELECT, "--fail-on", threshold, FIXTURE]);
        assert_eq!(output.status.code(), Some(code), "--fail-on {threshold}");
        assert!(
            stdout(&output).contains("1 finding in 1 of 1 file: 1 high"),
            "findings are reported whatever the threshold"
        );
    }
    let output = run(&["check", "--fail-on", "info", CLEAN]);
    assert_eq!(output.status.code(), Some(0));
    // Values are case-insensitive.
    for threshold in ["HIGH", "High", "CRITICAL"] {
        let output = run(&["check", SELECT, "--fail-on", threshold, FIXTURE]);
        let expected = if threshold == "CRITICAL" { 0 } else { 1 };
        assert_eq!(
            output.status.code(),
            Some(expected),
            "--fail-on {threshold}"
        );
    }
}

#[test]
fn exit_zero_reports_but_never_fails_on_findings() {
    let failing = run(&["check", SELECT, "--color", "never", FIXTURE]);
    let output = run(&["check", SELECT, "--color", "never", "--exit-zero", FIXTURE]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), stdout(&failing), "the same report");
    let output = run(&["check", "--exit-zero", "fixtures/report/no-such-file.json"]);
    assert_eq!(output.status.code(), Some(2), "errors still exit 2");
}

#[test]
fn min_severity_hides_findings_but_fail_on_still_sees_them() {
    // The fixture's one finding is high.
    let output = run(&[
        "check",
        SELECT,
        "--format",
        "concise",
        "--min-severity",
        "HIGH",
        FIXTURE,
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("high[duplicate-key]"));
    let args = [
        "check",
        SELECT,
        "--format",
        "concise",
        "--min-severity",
        "critical",
    ];
    let output = run(&[&args[..], &[FIXTURE]].concat());
    assert_eq!(
        output.status.code(),
        Some(1),
        "--fail-on low judges every finding"
    );
    assert_eq!(
        stdout(&output),
        "no findings in 1 file (1 below --min-severity)\n"
    );
    let output = run(&[&args[..], &["--fail-on", "critical", FIXTURE]].concat());
    assert_eq!(output.status.code(), Some(0));
    let output = run(&[
        "check",
        SELECT,
        "--format",
        "json",
        "--min-severity",
        "critical",
        FIXTURE,
    ]);
    let report: Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    assert_eq!(report["findings"], Value::Array(vec![]));
    assert_eq!(report["below_min_severity"], 1);
}

/// The demo in the concise format, medium and above: highest severity first, then by path.
#[test]
fn concise_demo_at_medium_and_above() {
    let output = run(&[
        "check",
        "--format",
        "concise",
        "--min-severity",
        "medium",
        "fixtures/demo",
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    insta::assert_snapshot!("concise_demo_medium", stdout(&output));
}

#[test]
fn a_scan_that_reads_no_file_warns_and_fails_with_fail_on_empty() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a policy\n").unwrap();
    let path = dir.path().to_str().unwrap();
    let output = run(&["check", "--color", "never", path]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stdout(&output), "no findings in 0 files\n");
    assert_eq!(
        stderr(&output),
        format!("trustlint: warning: no file was scanned in {path}: check the paths and the excludes (--fail-on-empty makes this an error)\n")
    );
    let output = run(&["check", "--fail-on-empty", path]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), "");
    assert_eq!(
        stderr(&output),
        format!("trustlint: error: no file was scanned in {path} (--fail-on-empty): check the paths and the excludes\n")
    );
    std::fs::write(dir.path().join("trustlint.toml"), "fail-on-empty = true\n").unwrap();
    let output = run(&["check", path]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let output = run(&["check", "--fail-on-empty", CLEAN]);
    assert_eq!(output.status.code(), Some(0), "a file was read");
}

#[test]
fn exit_code_is_2_for_a_missing_path() {
    let output = run(&["check", "fixtures/report/no-such-file.json"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), "");
    let err = stderr(&output);
    assert!(err.contains("trustlint: error:"), "{err}");
    assert!(err.contains("no-such-file.json"), "{err}");
}

#[test]
fn exit_code_is_2_for_an_unknown_rule() {
    let output = run(&["check", "--select", "no-such-rule", FIXTURE]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), "");
    let err = stderr(&output);
    assert!(err.contains("unknown rule \"no-such-rule\""), "{err}");
    for (option, value) in [
        ("--select", "subject-any-ownr"),
        ("--ignore", "duplicat-key"),
    ] {
        let output = run(&["check", option, value, FIXTURE]);
        assert_eq!(output.status.code(), Some(2));
        let near = if option == "--select" {
            "subject-any-owner"
        } else {
            "duplicate-key"
        };
        assert_eq!(
            stderr(&output),
            format!(
                "trustlint: error: {option}: unknown rule \"{value}\" (did you mean `{near}`?)\n"
            )
        );
    }
}

#[test]
fn output_writes_the_file_and_nothing_to_stdout() {
    let dir = tempfile::tempdir().unwrap();
    for format in ["human", "concise", "json", "sarif", "github"] {
        let path = dir.path().join(format!("report.{format}"));
        let path_arg = path.to_str().unwrap();
        let output = run(&["check", "--format", format, "--output", path_arg, FIXTURE]);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{format}: {}",
            stderr(&output)
        );
        assert_eq!(stdout(&output), "", "{format}: nothing on stdout");
        let written = std::fs::read_to_string(&path).expect("the report file is written");
        let direct = run(&["check", "--format", format, "--color", "never", FIXTURE]);
        assert_eq!(
            written,
            stdout(&direct),
            "{format}: same report as on stdout"
        );
        assert!(!written.contains('\u{1b}'), "{format}: no colour in a file");
    }
    let mut left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(
        left,
        [
            "report.concise",
            "report.github",
            "report.human",
            "report.json",
            "report.sarif"
        ],
        "no temporary file left behind"
    );
}

#[test]
fn quiet_prints_only_the_summary() {
    let output = run(&["check", "--quiet", "--color", "never", SELECT, FIXTURE]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output), "1 finding in 1 of 1 file: 1 high\n");
    let output = run(&["check", "-q", "--color", "never", CLEAN]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stdout(&output), "no findings in 1 file\n");
}

/// A flagged key holding an OSC title sequence, BEL, a clear-screen sequence and U+202E.
#[test]
fn no_format_lets_the_file_drive_the_terminal() {
    let raw = std::fs::read(format!("{}/{CONTROL_CHARS}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    assert!(raw.contains(&0x1b), "the fixture holds ESC");
    assert!(
        raw.windows(3).any(|w| w == "\u{202e}".as_bytes()),
        "the fixture holds U+202E"
    );
    let cases: &[&[&str]] = &[
        &["--color", "never"],
        &["--color", "always"],
        &["--format", "concise"],
        &["--format", "json"],
        &["--format", "sarif"],
        &["--format", "github"],
    ];
    for args in cases {
        let mut all = vec!["check"];
        all.extend_from_slice(args);
        all.push(CONTROL_CHARS);
        let output = run(&all);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{args:?}: {}",
            stderr(&output)
        );
        let out = stdout(&output);
        assert!(
            out.contains("duplicate-key"),
            "{args:?}: the finding is reported"
        );
        assert!(!out.contains('\u{202e}'), "{args:?}: raw U+202E in {out:?}");
        assert!(!out.contains('\u{7}'), "{args:?}: raw BEL in {out:?}");
        assert!(!out.contains("\u{1b}]"), "{args:?}: raw OSC in {out:?}");
        assert!(!out.contains("\u{1b}[2J"), "{args:?}: raw CSI in {out:?}");
        if args[1] != "always" {
            assert!(!out.contains('\u{1b}'), "{args:?}: raw ESC in {out:?}");
        }
    }
}
