//! `.github/workflows/release.yml`: clean under trustlint's own check and under zizmor (when
//! installed), least permissions, pinned actions, and the asset names that `cargo binstall`
//! (Cargo.toml) and the Action's `action/install.sh` expect, as `.ci/package` makes them.

use std::path::{Path, PathBuf};
use std::process::Command;

const WORKFLOW: &str = ".github/workflows/release.yml";
const VERSION: &str = env!("CARGO_PKG_VERSION");

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap()
}

/// The release targets, from the workflow's binary matrix.
fn matrix_targets() -> Vec<String> {
    let re = regex::Regex::new(r"- \{ target: ([\w-]+), os: [\w.-]+ \}").unwrap();
    re.captures_iter(&read(WORKFLOW))
        .map(|c| c[1].to_string())
        .collect()
}

#[test]
fn release_workflow_passes_trustlints_own_check() {
    let output = Command::new(env!("CARGO_BIN_EXE_trustlint"))
        .current_dir(root())
        .args(["check", "--format", "json", "--fail-on", "info", WORKFLOW])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["files_scanned"], 1, "{report}");
    assert_eq!(report["findings"], serde_json::json!([]), "{report}");
    assert_eq!(output.status.code(), Some(0));
}

/// zizmor from `$TRUSTLINT_ZIZMOR`, `target/ci-tools/bin` (where `.ci/run` installs it) or PATH.
fn zizmor() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("TRUSTLINT_ZIZMOR") {
        return Some(PathBuf::from(path));
    }
    let local = root().join("target/ci-tools/bin/zizmor");
    if local.is_file() {
        return Some(local);
    }
    Command::new("zizmor")
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|_| PathBuf::from("zizmor"))
}

#[test]
fn release_workflow_and_action_pass_zizmor() {
    let Some(zizmor) = zizmor() else {
        println!(
            "skipped: zizmor is not installed (pip install zizmor, or set TRUSTLINT_ZIZMOR; \
             bash .ci/run installs it into target/ci-tools)"
        );
        return;
    };
    for (persona, paths) in [
        ("pedantic", vec![WORKFLOW]),
        (
            "regular",
            vec![WORKFLOW, "action.yml", ".github/workflows/ci.yml"],
        ),
    ] {
        let output = Command::new(&zizmor)
            .current_dir(root())
            .args(["--offline", "--no-progress", "--persona", persona])
            .args(&paths)
            .output()
            .expect("zizmor runs");
        assert!(
            output.status.success(),
            "zizmor --persona {persona} {paths:?}:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
fn release_workflow_has_least_permissions_and_pinned_actions() {
    let text = read(WORKFLOW);
    assert!(
        text.contains("\npermissions: {}\n"),
        "no default permissions"
    );
    assert!(
        text.contains("    tags: [\"v[0-9]+.[0-9]+.[0-9]+\"]"),
        "runs on tags"
    );
    assert!(!text.contains("pull_request"), "never on pull requests");
    // Only the jobs that sign or publish get write scopes.
    let mut job = String::new();
    for line in text.lines() {
        if let Some(name) = line
            .strip_prefix("  ")
            .filter(|l| !l.starts_with(' ') && l.ends_with(':') && !l.starts_with('#'))
        {
            job = name.trim_end_matches(':').to_string();
        }
        let scope = line.trim();
        if scope.contains(": write") {
            let allowed: &[&str] = match job.as_str() {
                "attest" => &["id-token: write", "attestations: write"],
                "github-release" => &["contents: write"],
                "pypi" => &["id-token: write"],
                _ => &[],
            };
            assert!(
                allowed.iter().any(|a| scope.starts_with(a)),
                "job {job}: {scope}"
            );
        }
    }
    let jobs = [
        "binaries",
        "wheels",
        "checksums",
        "attest",
        "github-release",
        "pypi",
    ];
    for name in jobs {
        assert!(text.contains(&format!("\n  {name}:\n")), "job {name}");
    }
    assert_eq!(
        text.matches("\n    permissions:").count(),
        jobs.len(),
        "each job sets permissions"
    );
    let pinned =
        regex::Regex::new(r"uses: [\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$").unwrap();
    let uses: Vec<&str> = text
        .lines()
        .map(|l| l.trim().trim_start_matches("- "))
        .filter(|l| l.starts_with("uses:"))
        .collect();
    assert!(uses.len() >= 6);
    for line in uses {
        assert!(
            pinned.is_match(line),
            "not pinned by SHA with a version comment: {line}"
        );
    }
    for needle in [
        "actions/attest-build-provenance@",
        "subject-checksums: dist/SHA256SUMS",
        "sha256sum -- * > ../SHA256SUMS",
        "source-commit.txt",
        "gh release create",
        "pypa/gh-action-pypi-publish@",
        "persist-credentials: false",
        "bash .ci/package \"$TARGET\"",
    ] {
        assert!(text.contains(needle), "{needle}");
    }
}

#[test]
fn the_targets_are_those_binstall_and_the_action_expect() {
    let targets = matrix_targets();
    assert_eq!(
        targets,
        [
            "x86_64-unknown-linux-musl",
            "aarch64-unknown-linux-musl",
            "x86_64-apple-darwin",
            "aarch64-apple-darwin",
            "x86_64-pc-windows-msvc",
        ]
    );
    let install = read("action/install.sh");
    for target in &targets {
        assert!(
            install.contains(&format!(") target={target} ;;")),
            "install.sh: {target}"
        );
    }
    let cargo: toml::Table = read("Cargo.toml").parse().unwrap();
    let binstall = &cargo["package"]["metadata"]["binstall"];
    assert_eq!(
        binstall["pkg-url"].as_str().unwrap(),
        "{ repo }/releases/download/v{ version }/{ name }-{ version }-{ target }{ archive-suffix }"
    );
    assert_eq!(
        binstall["bin-dir"].as_str().unwrap(),
        "{ name }-{ version }-{ target }/{ bin }{ binary-ext }"
    );
    assert_eq!(binstall["pkg-fmt"].as_str(), Some("tgz"));
    assert_eq!(
        binstall["overrides"]["x86_64-pc-windows-msvc"]["pkg-fmt"].as_str(),
        Some("zip")
    );
    assert!(cargo["package"]["repository"]
        .as_str()
        .unwrap()
        .starts_with("https://github.com/"));
}

/// `.ci/package` lays out an archive exactly as binstall's `bin-dir` and install.sh read it.
#[cfg(unix)]
#[test]
fn package_script_makes_the_archive_binstall_expects() {
    let have = |tool: &str| {
        Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !have("tar") || !have("sha256sum") {
        println!("skipped: needs tar and sha256sum");
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let target = "aarch64-unknown-linux-musl";
    let fake = out.path().join("fake-binary");
    std::fs::write(&fake, "#!/bin/sh\n").unwrap();
    let status = Command::new("bash")
        .arg(root().join(".ci/package"))
        .args([target, fake.to_str().unwrap(), out.path().to_str().unwrap()])
        .status()
        .unwrap();
    assert!(status.success());
    let archive = format!("trustlint-{VERSION}-{target}.tar.gz");
    let listing = Command::new("tar")
        .arg("-tzf")
        .arg(out.path().join(&archive))
        .output()
        .unwrap();
    let listing = String::from_utf8(listing.stdout).unwrap();
    let dir = format!("trustlint-{VERSION}-{target}");
    for file in [
        "trustlint",
        "README.md",
        "LICENSE-MIT",
        "LICENSE-APACHE",
        "CHANGELOG.md",
    ] {
        assert!(
            listing.lines().any(|l| l == format!("{dir}/{file}")),
            "{file} in {listing}"
        );
    }
    let sum = std::fs::read_to_string(out.path().join(format!("{archive}.sha256"))).unwrap();
    assert!(sum.ends_with(&format!("  {archive}\n")), "{sum}");
}
