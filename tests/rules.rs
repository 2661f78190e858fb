//! Every rule: its page, its fixtures (bad ones fire, good ones are clean), and a snapshot of the
//! real CLI output on its bad fixtures. A fixture is a file (`bad*.json`, `good*.yml`, …) or a
//! directory (`bad-*/`, a small repository for cross-file cases such as reusable workflows).
//! Fixtures live in `fixtures/rules/<family>/<id>/`, the family being the folder of the rule's
//! source (`src/rules/<family>/<id>.rs`); snapshots are named `rules__<family>__<id>.snap`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use trustlint::rules::{all_rules, page, Severity};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn trustlint(args: &[&str]) -> (String, i32) {
    let output = Command::new(env!("CARGO_BIN_EXE_trustlint"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("runs trustlint");
    (
        String::from_utf8(output.stdout).expect("utf-8 output"),
        output.status.code().expect("exit code"),
    )
}

/// The rule families: one folder each under `src/rules/` and `fixtures/rules/`.
const FAMILIES: &[&str] = &["trust", "workflow", "crosscheck"];

/// The family of a rule: the folder holding its source file.
fn family(rule: &str) -> &'static str {
    let file = format!("{}.rs", rule.replace('-', "_"));
    FAMILIES
        .iter()
        .copied()
        .find(|family| root().join("src/rules").join(family).join(&file).is_file())
        .unwrap_or_else(|| panic!("{rule}: no src/rules/<family>/{file}"))
}

fn fixture_files(rule: &str) -> Vec<PathBuf> {
    let dir = root().join("fixtures/rules").join(family(rule)).join(rule);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

fn relative(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/")
}

#[test]
fn every_rule_has_a_page_and_every_page_a_rule() {
    let ids: BTreeSet<&str> = all_rules().iter().map(|r| r.meta().id).collect();
    assert_eq!(ids.len(), all_rules().len(), "duplicate rule ids");
    let pages: BTreeSet<String> = std::fs::read_dir(root().join("rules"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    let ids_owned: BTreeSet<String> = ids.iter().map(|s| s.to_string()).collect();
    assert_eq!(pages, ids_owned, "rules/*.md and the registry disagree");
}

#[test]
fn every_page_follows_the_outline() {
    for rule in all_rules() {
        let meta = rule.meta();
        let text = meta.page;
        assert_eq!(
            text.lines().next(),
            Some(format!("# {}", meta.id).as_str()),
            "{}: title",
            meta.id
        );
        assert_eq!(
            page::declared_severity(text),
            Some(meta.severity.as_str()),
            "{}: severity line",
            meta.id
        );
        assert!(!meta.summary().is_empty(), "{}: summary", meta.id);
        assert!(!text.contains("TODO"), "{}: page has TODO", meta.id);
        let mut last = 0;
        for section in page::SECTIONS {
            let at = text
                .find(&format!("\n{section}\n"))
                .unwrap_or_else(|| panic!("{}: missing section {section}", meta.id));
            assert!(at > last, "{}: {section} out of order", meta.id);
            last = at;
        }
    }
}

#[test]
fn every_rule_has_bad_and_good_fixtures_and_every_fixture_dir_a_rule() {
    let ids: BTreeSet<String> = all_rules()
        .iter()
        .map(|r| r.meta().id.to_string())
        .collect();
    let families: BTreeSet<String> = std::fs::read_dir(root().join("fixtures/rules"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let expected: BTreeSet<String> = FAMILIES.iter().map(|f| f.to_string()).collect();
    assert_eq!(
        families, expected,
        "fixtures/rules/<family>/ and FAMILIES disagree"
    );
    let dirs: BTreeSet<String> = FAMILIES
        .iter()
        .flat_map(|fam| {
            std::fs::read_dir(root().join("fixtures/rules").join(fam))
                .unwrap()
                .map(move |e| {
                    let id = e.unwrap().file_name().to_string_lossy().into_owned();
                    assert_eq!(family(&id), *fam, "{id}: fixtures in the wrong family");
                    id
                })
        })
        .collect();
    assert_eq!(
        dirs, ids,
        "fixtures/rules/<family>/<id>/ and the registry disagree"
    );
    for id in &ids {
        let names: Vec<String> = fixture_files(id)
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert!(
            names.iter().any(|n| n.starts_with("bad")),
            "{id}: no bad fixture"
        );
        assert!(
            names.iter().any(|n| n.starts_with("good")),
            "{id}: no good fixture"
        );
    }
}

#[test]
fn bad_fixtures_fire_and_good_fixtures_are_clean() {
    for rule in all_rules() {
        let id = rule.meta().id;
        for file in fixture_files(id) {
            let path = relative(&file);
            let (stdout, code) = trustlint(&["check", &path, "--format", "json"]);
            let report: serde_json::Value = serde_json::from_str(&stdout).expect("json output");
            let findings = report["findings"].as_array().unwrap();
            let name = file.file_name().unwrap().to_string_lossy();
            if name.starts_with("bad") {
                assert!(
                    findings.iter().any(|f| f["rule"] == id),
                    "{path}: {id} did not fire; got {findings:#?}"
                );
                // The default --fail-on is low: info findings alone do not fail the run.
                let expected = if rule.meta().severity >= Severity::Low {
                    1
                } else {
                    0
                };
                assert_eq!(code, expected, "{path}: exit code");
            } else {
                // A good setup gets no false alarm from any rule.
                assert!(
                    findings.is_empty(),
                    "{path}: expected no findings, got {findings:#?}"
                );
                assert_eq!(code, 0, "{path}: exit code");
            }
        }
    }
}

#[test]
fn snapshots_of_each_rule_on_its_bad_fixtures() {
    for rule in all_rules() {
        let id = rule.meta().id;
        let bad: Vec<String> = fixture_files(id)
            .iter()
            .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("bad"))
            .map(|p| relative(p))
            .collect();
        // Files are checked together; a directory is a repository with its own trustlint.toml,
        // checked on its own.
        let (dirs, files): (Vec<&String>, Vec<&String>) =
            bad.iter().partition(|p| root().join(p).is_dir());
        let mut runs: Vec<Vec<&String>> = Vec::new();
        if !files.is_empty() {
            runs.push(files);
        }
        runs.extend(dirs.into_iter().map(|d| vec![d]));
        let mut stdout = String::new();
        for run in runs {
            let mut args = vec!["check", "--select", id, "--color", "never"];
            args.extend(run.iter().map(|s| s.as_str()));
            stdout.push_str(&trustlint(&args).0);
        }
        insta::assert_snapshot!(format!("{}__{id}", family(id)), stdout);
    }
}
