//! No output format ever prints a full AWS key found in a scanned file: not in messages, not in
//! witnesses, not in the source snippets of the human format — also in findings of other rules
//! next to the key, and when `hardcoded-aws-key` itself is not run.

use assert_cmd::Command;
use std::path::Path;

/// AWS's documented example keys, as used in the fixtures.
const SECRETS: &[&str] = &[
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "ASIAY34FZKBOKMUTVV7A",
];

/// Fragments long enough that finding one means most of a key leaked.
fn leaked(out: &str) -> Option<&'static str> {
    SECRETS.iter().copied().find(|s| {
        let middle = &s[4..s.len() - 4];
        out.contains(s) || out.contains(middle)
    })
}

fn run(args: &[&str], dir: &Path) -> String {
    let output = Command::cargo_bin("trustlint")
        .expect("the trustlint binary is built")
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("trustlint runs");
    let mut text = String::from_utf8(output.stdout).expect("UTF-8 stdout");
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    text
}

const FORMATS: &[&str] = &["human", "json", "sarif", "github"];

#[test]
fn fixtures_with_keys_never_print_them_in_any_format() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for fixture in [
        "fixtures/rules/workflow/hardcoded-aws-key/bad.yml",
        "fixtures/rules/workflow/hardcoded-aws-key/bad-script-and-comment.yml",
    ] {
        for format in FORMATS {
            let out = run(&["check", "--format", format, fixture], root);
            assert!(
                out.contains("hardcoded-aws-key"),
                "{fixture} {format}: {out}"
            );
            assert!(out.contains("AKIA…MPLE"), "{fixture} {format}: {out}");
            assert_eq!(leaked(&out), None, "{fixture} {format}: {out}");
        }
    }
}

#[test]
fn other_findings_near_a_key_mask_it_even_when_the_key_rule_is_off() {
    let dir = tempfile::tempdir().unwrap();
    // An unknown input right next to the key (invalid-credentials-action-input), a key in a
    // comment, and a file that is not even valid YAML (invalid-workflow's snippet).
    let workflow = "\
on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          aws-region: us-east-1
          aws-acess-key-id: AKIAIOSFODNN7EXAMPLE # was wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
          aws-secret-access-key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
";
    std::fs::write(dir.path().join("deploy.yml"), workflow).unwrap();
    let broken = "on: push\njobs:\n  x: [AKIAIOSFODNN7EXAMPLE\n";
    std::fs::write(dir.path().join("broken.yml"), broken).unwrap();
    for file in ["deploy.yml", "broken.yml"] {
        for format in FORMATS {
            for select in [
                "--ignore=hardcoded-aws-key",
                "--select=invalid-credentials-action-input,invalid-workflow",
                "--fail-on=low",
            ] {
                let out = run(&["check", "--format", format, select, file], dir.path());
                assert!(
                    out.contains("invalid-credentials-action-input")
                        || out.contains("invalid-workflow"),
                    "{file} {format} {select}: {out}"
                );
                assert_eq!(leaked(&out), None, "{file} {format} {select}: {out}");
            }
        }
    }
}
