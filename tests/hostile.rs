//! Inputs a pull request could bring to make trustlint hang, eat memory, write where it should
//! not, or steer the terminal or the GitHub runner (issue 10). Every input is generated here,
//! none is a committed blob. Each case asserts the exit code, that every emitted line is clean,
//! and bounded work: by counting what was reported (the caps), and by a generous wall-clock
//! limit only as a guard against hangs (never a benchmark).

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;
use std::time::Duration;

/// Generous: only a hang or runaway work exceeds it, on a loaded machine.
const HANG: Duration = Duration::from_secs(120);

/// Control, bidi and invisible characters, line breaks and workflow commands, in one value.
const EVIL: &str = "x\u{1b}]8;;http://e\u{7}\u{1b}[2J\r\n::stop-commands::t\n::error::forged\u{202e}\u{2066}\u{200b}\u{85}##[add-mask]m";

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn trustlint(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_trustlint"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .timeout(HANG)
        .output()
        .expect("trustlint runs");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8 stderr"),
    }
}

/// Written independently of `trustlint::escape`: what the runner and a terminal must never see.
fn assert_clean(text: &str, annotations: bool, what: &str) {
    for line in text.split('\n') {
        let without_colour = strip_sgr(line);
        for c in without_colour.chars() {
            let bad = (c.is_control() && c != '\t')
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200b}'..='\u{200f}' | '\u{2028}' | '\u{2029}' | '\u{061c}' | '\u{feff}');
            assert!(!bad, "{what}: raw {c:?} in line {line:?}");
        }
        assert!(!line.contains("##["), "{what}: `##[` in line {line:?}");
        let command = without_colour.trim_start();
        if command.starts_with("::") {
            let ours = annotations
                && ["::error file=", "::warning file=", "::notice file="]
                    .iter()
                    .any(|p| line.starts_with(p));
            assert!(ours, "{what}: a line starts a workflow command: {line:?}");
        }
    }
}

fn strip_sgr(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(at) = rest.find('\u{1b}') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let params = after.strip_prefix('[').map(|b| {
            b.bytes()
                .take_while(|c| c.is_ascii_digit() || *c == b';')
                .count()
        });
        match params {
            Some(n) if after.as_bytes().get(n + 1) == Some(&b'm') => rest = &after[n + 2..],
            _ => {
                out.push('\u{1b}');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn assert_run_clean(run: &Run, annotations: bool, what: &str) {
    assert_clean(&run.stdout, annotations, &format!("{what} (stdout)"));
    assert_clean(&run.stderr, false, &format!("{what} (stderr)"));
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn policy(sid: &str, subs: &[String]) -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": sid,
            "Effect": "Allow",
            "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                "StringLike": {"token.actions.githubusercontent.com:sub": subs}
            }
        }]
    })
    .to_string()
}

fn findings(run: &Run) -> Vec<Value> {
    let report: Value = serde_json::from_str(&run.stdout).expect("JSON report");
    report["findings"].as_array().unwrap().clone()
}

#[cfg(unix)]
#[test]
fn injection_through_every_output_path() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let evil_sub = format!("repo:octo-org/*{EVIL}");
    // A file name with a bidi override and a forged command; a Sid, a value and a workflow full
    // of the same.
    write(
        &root.join(format!("p\u{202e}\n::error::forged{}.json", "\u{7}")),
        &policy(EVIL, &["repo:octo-org/*".to_string(), evil_sub]),
    );
    write(
        &root.join("m\n::stop-commands::x\nz.json"),
        "{\"Statement\": [ not json",
    );
    let evil_json = serde_json::to_string(EVIL).unwrap();
    write(
        &root.join(".github/workflows/deploy.yml"),
        &format!(
            "name: {evil_json}\non: pull_request_target\njobs:\n  deploy:\n    name: {evil_json}\n    runs-on: ubuntu-latest\n    permissions: write-all\n    steps:\n      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n          role-to-assume: {}\n          aws-region: us-east-1\n",
            serde_json::to_string(&format!("arn:aws:iam::123456789012:role/{EVIL}")).unwrap()
        ),
    );
    for (format, annotations) in [
        ("human", false),
        ("concise", false),
        ("json", false),
        ("sarif", false),
        ("github", true),
    ] {
        let run = trustlint(
            root,
            &[
                "check",
                "--format",
                format,
                "--repository",
                "octo-org/app",
                ".",
            ],
        );
        assert_eq!(run.code, Some(1), "{format}: {}{}", run.stdout, run.stderr);
        assert_run_clean(&run, annotations, format);
        if format == "json" || format == "sarif" {
            serde_json::from_str::<Value>(&run.stdout).expect("still JSON");
        }
    }
    let coloured = trustlint(root, &["check", "--color", "always", "."]);
    assert_run_clean(&coloured, false, "human in colour");
    // The JSON path keeps its value, escaped: a reader decodes the real name.
    let json = trustlint(root, &["check", "--format", "json", "."]);
    assert!(
        json.stdout
            .contains("p\\u202e\\n::error::forged\\u0007.json"),
        "{}",
        json.stdout
    );
    let paths: Vec<String> = findings(&json)
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    assert!(paths.contains(&"p\u{202e}\n::error::forged\u{7}.json".to_string()));
    // The file with the forged command in its name, named on the command line: a notice.
    let named = trustlint(root, &["check", "m\n::stop-commands::x\nz.json"]);
    assert_run_clean(&named, false, "explicit invalid file");
    assert!(named.stdout.contains("stop-commands") || named.stderr.contains("stop-commands"));
    let github = trustlint(
        root,
        &[
            "check",
            "--format",
            "github",
            "m\n::stop-commands::x\nz.json",
        ],
    );
    assert_run_clean(&github, true, "github, explicit invalid file");

    // simulate: the Sid and the values of the policy, in both formats.
    std::fs::rename(
        root.join(format!("p\u{202e}\n::error::forged{}.json", "\u{7}")),
        root.join("evil.json"),
    )
    .unwrap();
    for format in ["human", "json"] {
        let run = trustlint(
            root,
            &[
                "simulate",
                "evil.json",
                "--claim",
                &format!("sub={EVIL}"),
                "--claim",
                "aud=sts.amazonaws.com",
                "--format",
                format,
            ],
        );
        assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
        assert_run_clean(&run, false, &format!("simulate {format}"));
    }
    let bad_claim = trustlint(root, &["simulate", "evil.json", "--claim", EVIL]);
    assert_eq!(bad_claim.code, Some(2));
    assert_run_clean(&bad_claim, false, "simulate usage error");

    // suggest and explain.
    let suggest = trustlint(root, &["suggest", "--repository", "octo-org/app", "."]);
    assert_run_clean(&suggest, false, "suggest");
    let explain = trustlint(root, &["explain", "subject-org-wide"]);
    assert_run_clean(&explain, false, "explain");

    // A usage error echoing a key of the repository's trustlint.toml.
    for (toml, expected) in [
        (format!("{evil_json} = 1\n"), "unknown field"),
        (
            format!("[github]\nrepository = {evil_json}\n"),
            "repository",
        ),
        (format!("[roles]\n{evil_json} = {evil_json}\n"), "line 2"),
    ] {
        write(&root.join("trustlint.toml"), &toml);
        let usage = trustlint(root, &["check", "."]);
        assert_eq!(usage.code, Some(2), "{}", usage.stderr);
        assert!(usage.stderr.contains(expected), "{}", usage.stderr);
        assert_eq!(usage.stderr.lines().count(), 1, "{}", usage.stderr);
        assert_run_clean(&usage, false, "usage error");
    }
}

#[cfg(unix)]
#[test]
fn output_never_writes_through_a_planted_link() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        &root.join("p.json"),
        &policy("S", &["repo:octo-org/*".into()]),
    );
    let victim = root.join("victim.txt");
    std::fs::write(&victim, "precious").unwrap();
    std::os::unix::fs::symlink(&victim, root.join("report.sarif")).unwrap();
    // The predictable names of the old temporary file, planted too.
    for pid in 1..64 {
        let _ = std::os::unix::fs::symlink(&victim, root.join(format!(".report.sarif.{pid}.tmp")));
    }
    let run = trustlint(
        root,
        &[
            "check",
            "--format",
            "sarif",
            "--output",
            "report.sarif",
            "p.json",
        ],
    );
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("symbolic link"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    assert!(std::fs::symlink_metadata(root.join("report.sarif"))
        .unwrap()
        .file_type()
        .is_symlink());

    // A regular file is replaced; no temporary file is left behind, after success or failure.
    std::fs::write(root.join("out.json"), "old").unwrap();
    let run = trustlint(
        root,
        &[
            "check", "--format", "json", "--output", "out.json", "p.json",
        ],
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    serde_json::from_str::<Value>(&std::fs::read_to_string(root.join("out.json")).unwrap())
        .unwrap();
    std::fs::create_dir(root.join("a-dir")).unwrap();
    let run = trustlint(root, &["check", "--output", "a-dir", "p.json"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    let leftovers: Vec<_> = std::fs::read_dir(root)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".trustlint-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // The baseline writer shares the same path.
    std::os::unix::fs::symlink(&victim, root.join("baseline.json")).unwrap();
    let run = trustlint(
        root,
        &["check", "--write-baseline", "baseline.json", "p.json"],
    );
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
}

#[cfg(unix)]
#[test]
fn special_files_are_never_opened_or_read_without_bound() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // A FIFO named on the command line: a notice, not "no findings in 0 files" alone.
    let fifo = root.join("fifo.json");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let run = trustlint(root, &["check", "fifo.json"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("fifo.json: skipped: not a regular file (a FIFO)"),
        "{}",
        run.stderr
    );

    // Terraform siblings: a FIFO and a link to /dev/zero.
    let tf = root.join("infra");
    write(
        &tf.join("main.tf"),
        "resource \"aws_iam_role\" \"r\" {\n  name = \"r\"\n  assume_role_policy = var.policy\n}\n",
    );
    assert!(std::process::Command::new("mkfifo")
        .arg(tf.join("variables.tf"))
        .status()
        .unwrap()
        .success());
    std::os::unix::fs::symlink("/dev/zero", tf.join("zero.tf")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", root.join("zero.json")).unwrap();
    let run = trustlint(root, &["check", "--format", "json", "."]);
    assert!(matches!(run.code, Some(0) | Some(1)), "{}", run.stderr);
    assert_run_clean(&run, false, "special siblings");
    let run = trustlint(root, &["check", "zero.json"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stderr.contains("a device"), "{}", run.stderr);

    // A 400 MB sparse trustlint.toml: refused after reading at most the limit.
    let sparse = root.join("sparse");
    std::fs::create_dir(&sparse).unwrap();
    write(&sparse.join("p.json"), "{}");
    let file = std::fs::File::create(sparse.join("trustlint.toml")).unwrap();
    file.set_len(400 * 1024 * 1024).unwrap();
    let run = trustlint(&sparse, &["check", "."]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("larger than 10 MiB"), "{}", run.stderr);

    // A trustlint.toml that is a FIFO is an error, not a silent default nor a hang.
    let piped = root.join("piped");
    std::fs::create_dir(&piped).unwrap();
    write(&piped.join("p.json"), "{}");
    assert!(std::process::Command::new("mkfifo")
        .arg(piped.join("trustlint.toml"))
        .status()
        .unwrap()
        .success());
    let run = trustlint(&piped, &["check", "."]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("FIFO"), "{}", run.stderr);
    // --config and --baseline naming a FIFO.
    let run = trustlint(&piped, &["check", "--config", "trustlint.toml", "p.json"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    let run = trustlint(root, &["check", "--baseline", "fifo.json", "infra"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("FIFO"), "{}", run.stderr);
}

#[test]
fn roles_paths_stay_inside_the_repository() {
    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path().join("outside.json");
    std::fs::write(&outside, policy("Outside", &["repo:octo-org/*".into()])).unwrap();
    let repo = dir.path().join("repo");
    for path in [
        outside.display().to_string(),
        "../outside.json".to_string(),
        "a/../../outside.json".to_string(),
    ] {
        write(
            &repo.join("trustlint.toml"),
            &format!(
                "[roles]\n\"arn:aws:iam::123456789012:role/deploy\" = {}\n",
                serde_json::to_string(&path).unwrap()
            ),
        );
        let run = trustlint(&repo, &["check", "--format", "json", "."]);
        assert_eq!(run.code, Some(2), "{path}: {}{}", run.stdout, run.stderr);
        assert!(
            run.stderr.contains("[roles]") || run.stderr.contains("trustlint.toml"),
            "{}",
            run.stderr
        );
        assert!(!run.stdout.contains("Outside"), "{}", run.stdout);
    }
}

#[cfg(unix)]
#[test]
fn a_roles_link_out_of_the_repository_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path().join("outside.json");
    std::fs::write(&outside, policy("Outside", &["repo:octo-org/*".into()])).unwrap();
    let repo = dir.path().join("repo");
    write(
        &repo.join("trustlint.toml"),
        "[roles]\n\"arn:aws:iam::123456789012:role/deploy\" = \"policy.json\"\n",
    );
    std::os::unix::fs::symlink(&outside, repo.join("policy.json")).unwrap();
    let config = trustlint::config::Config::load(&repo.join("trustlint.toml")).unwrap();
    let Err(why) = trustlint::scan::load_role_policy(&repo.join("policy.json"), &config) else {
        panic!("a policy outside the repository was read");
    };
    assert!(why.contains("outside"), "{why}");
    // A link inside the repository is fine.
    std::fs::copy(&outside, repo.join("real.json")).unwrap();
    std::os::unix::fs::symlink(repo.join("real.json"), repo.join("inside.json")).unwrap();
    assert!(trustlint::scan::load_role_policy(&repo.join("inside.json"), &config).is_ok());
}

#[test]
fn bombs_and_deep_nesting_end_in_a_diagnostic() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut laughs = vec![
        "on: push".to_string(),
        "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]".to_string(),
    ];
    for i in 1..10 {
        laughs.push(format!(
            "a{i}: &a{i} [{}]",
            vec![format!("*a{}", i - 1); 9].join(", ")
        ));
    }
    laughs.push("jobs:\n  j:\n    runs-on: *a9\n    steps: [{run: x}]".into());
    write(
        &root.join(".github/workflows/laughs.yml"),
        &(laughs.join("\n") + "\n"),
    );
    write(
        &root.join("deep.json"),
        &format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)),
    );
    write(
        &root.join(".github/workflows/deep.yml"),
        &format!(
            "on: push\njobs:\n  a:\n    x: {}{}\n",
            "[".repeat(100_000),
            "]".repeat(100_000)
        ),
    );
    write(
        &root.join("deep-template.yaml"),
        &format!(
            "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}{}\n",
            "{a: ".repeat(50_000),
            "}".repeat(50_000)
        ),
    );
    let run = trustlint(root, &["check", "--format", "json", "."]);
    assert!(matches!(run.code, Some(0) | Some(1)), "{}", run.stderr);
    assert_run_clean(&run, false, "bombs");
    let run = trustlint(root, &["check", "--format", "github", "."]);
    assert_run_clean(&run, true, "bombs (github)");
}

#[test]
fn findings_are_capped_per_rule_per_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // 20k sub values, each reported by a subject rule.
    let subs: Vec<String> = (0..20_000)
        .map(|i| match i % 3 {
            0 => format!("repo:octo-org/*{i}"),
            1 => format!("repo:octo-org/app{i}:pull_request"),
            _ => format!("repo:*/app{i}:*"),
        })
        .collect();
    write(&root.join("subs.json"), &policy("S", &subs));
    // 100k duplicate keys in one statement of a trust policy.
    let base = policy("S", &["repo:octo-org/app:ref:refs/heads/main".to_string()]);
    let dup = base.replacen(
        "\"Sid\":",
        &format!("{}\"Sid\":", "\"Sid\": \"d\",".repeat(100_000)),
        1,
    );
    write(&root.join("dup.json"), &dup);
    let run = trustlint(root, &["check", "--format", "json", "."]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let all = findings(&run);
    let mut per: std::collections::HashMap<(String, String), usize> = Default::default();
    for f in &all {
        *per.entry((
            f["path"].as_str().unwrap().into(),
            f["rule"].as_str().unwrap().into(),
        ))
        .or_default() += 1;
    }
    assert!(per.values().all(|&n| n <= 101), "{per:?}");
    assert!(
        all.iter()
            .any(|f| f["message"].as_str().unwrap().starts_with("and ")
                && f["message"]
                    .as_str()
                    .unwrap()
                    .contains("more subject-org-wide findings")),
        "{per:?}"
    );
    assert_eq!(
        per[&("dup.json".to_string(), "duplicate-key".to_string())],
        101
    );
    // The human report of the same is linear work too.
    let run = trustlint(root, &["check", "subs.json"]);
    assert_eq!(run.code, Some(1));
    assert_run_clean(&run, false, "capped human report");
}

#[test]
fn related_places_are_capped_per_finding() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let jobs: String = (0..4000)
        .map(|i| format!("  j{i}:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n"))
        .collect();
    write(
        &root.join(".github/workflows/w.yml"),
        &format!("on: push\npermissions:\n  id-token: write\njobs:\n{jobs}"),
    );
    let run = trustlint(root, &["check", "--format", "json", "."]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let all = findings(&run);
    let excessive: Vec<_> = all
        .iter()
        .filter(|f| f["rule"] == "excessive-id-token-permission")
        .collect();
    assert!(!excessive.is_empty(), "{}", run.stdout);
    for f in &all {
        let related = f["related"].as_array().map_or(0, Vec::len);
        assert!(related <= 11, "{related} related places");
    }
    assert!(
        excessive
            .iter()
            .any(|f| f["related"].as_array().is_some_and(
                |r| r.len() == 11 && r[10]["message"].as_str().unwrap().starts_with("and 39")
            )),
        "{}",
        run.stdout
    );
    let run = trustlint(root, &["check", "."]);
    assert_run_clean(&run, false, "4k jobs, human");
}

/// Duplicate-key detection in workflow mappings looks each key up in a hash map
/// (`src/workflow/build/mod.rs`, `duplicate_keys`): 100k jobs once took tens of seconds.
#[test]
fn a_hundred_thousand_jobs() {
    let dir = tempfile::tempdir().unwrap();
    let jobs: String = (0..100_000)
        .map(|i| format!("  j{i}: {{runs-on: x, steps: [{{run: y}}]}}\n"))
        .collect();
    write(
        &dir.path().join(".github/workflows/w.yml"),
        &format!("on: push\njobs:\n{jobs}"),
    );
    let run = trustlint(dir.path(), &["check", "--format", "json", "."]);
    assert!(matches!(run.code, Some(0) | Some(1)), "{}", run.stderr);
}

/// Minified JSON: a finding far into a one-line file. Columns are found from checkpoints, not
/// by counting from the start of the line, and miette (which cannot pad a label past column
/// 65535) is not asked to draw the snippet.
#[test]
fn findings_far_into_one_long_line() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let base = policy("S", &["repo:octo-org/app:ref:refs/heads/main".to_string()]);
    write(
        &root.join("dup.json"),
        &base.replacen(
            "\"Sid\":",
            &format!("{}\"Sid\":", "\"a\":1,".repeat(100_000)),
            1,
        ),
    );
    write(
        &root.join("long.json"),
        &policy(&"x".repeat(70_000), &["repo:octo-org/*".to_string()]),
    );
    let run = trustlint(root, &["check", "."]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stdout.contains("dup.json:1:"), "{}", run.stdout);
    assert_run_clean(&run, false, "long line, human");
    let run = trustlint(root, &["check", "--format", "json", "dup.json"]);
    let all: Vec<Value> = findings(&run)
        .into_iter()
        .filter(|f| f["rule"] == "duplicate-key")
        .collect();
    assert_eq!(all.len(), 101);
    assert_eq!(
        all[1]["column"].as_u64().unwrap() - all[0]["column"].as_u64().unwrap(),
        6
    );
    let run = trustlint(
        root,
        &[
            "simulate",
            "long.json",
            "--claim",
            "sub=x",
            "--claim",
            "aud=y",
        ],
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert_run_clean(&run, false, "long line, simulate");
}
