//! The README's install and release claims, kept in step with the files they describe: the
//! repository URL, the PyPI name, the version and tag, the commands, the measured build time's
//! presence, and the sample output (what the current build prints for the demo).

use assert_cmd::Command;
use std::path::Path;

const VERSION: &str = env!("CARGO_PKG_VERSION");
const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap()
}

fn readme() -> String {
    read("README.md")
}

#[test]
fn install_comes_first_and_names_every_way() {
    let readme = readme();
    let first_section = readme.find("\n## ").unwrap();
    assert!(
        readme[first_section..].starts_with("\n## Install\n"),
        "the first section is Install"
    );
    let install = &readme[first_section..readme.find("\n## What it finds\n").unwrap()];
    for needle in [
        "pipx install trustlint-iam",
        "uvx --from trustlint-iam trustlint",
        "cargo binstall trustlint",
        &format!("cargo install --locked --git {REPOSITORY}"),
        "[release binary](#release-binaries)",
    ] {
        assert!(install.contains(needle), "Install lacks {needle:?}");
    }
    assert!(readme.contains("### Release binaries\n"));
    assert!(
        readme.contains("3 min 15 s wall"),
        "the from-source build time, as measured"
    );
}

#[test]
fn the_pypi_name_is_the_one_pyproject_builds() {
    let pyproject: toml::Table = read("pyproject.toml").parse().unwrap();
    let name = pyproject["project"]["name"].as_str().unwrap();
    assert_eq!(name, "trustlint-iam");
    assert_eq!(
        pyproject["tool"]["maturin"]["bindings"].as_str(),
        Some("bin")
    );
    let readme = readme();
    assert!(readme.contains(&format!("pipx install {name}")));
    assert!(
        readme.contains("`trustlint` there is an unrelated project"),
        "why the PyPI name differs"
    );
    let mirror = read("pre-commit-mirror/template/pyproject.toml");
    assert!(mirror.contains(&format!("\"{name}==@VERSION@\"")));
    let workflow = read(".github/workflows/release.yml");
    assert!(workflow.contains(&format!("https://pypi.org/project/{name}/")));
}

#[test]
fn every_repository_url_is_cargo_tomls() {
    assert!(
        REPOSITORY.starts_with("https://github.com/"),
        "{REPOSITORY}"
    );
    let slug = REPOSITORY.trim_start_matches("https://github.com/");
    let (owner, name) = slug.split_once('/').unwrap();
    let re = regex::Regex::new(r"github\.com/([\w.-]+)/(trustlint[\w.-]*)").unwrap();
    for path in ["README.md", "CHANGELOG.md"] {
        for cap in re.captures_iter(&read(path)) {
            assert_eq!(&cap[1], owner, "{path}: {}", &cap[0]);
            assert!(
                cap[2].starts_with(name),
                "{path}: {} is not {REPOSITORY}",
                &cap[0]
            );
        }
    }
    // The Action pins in the README name the same repository.
    assert!(readme().contains(&format!("uses: {slug}@FULL_COMMIT_SHA")));
}

#[test]
fn tags_in_the_readme_are_the_cargo_version_and_said_to_be_uncut() {
    let readme = readme();
    let tag = format!("v{VERSION}");
    let rev = regex::Regex::new(r"rev: (v[\w.]+)").unwrap();
    let revs: Vec<String> = rev
        .captures_iter(&readme)
        .map(|c| c[1].to_string())
        .collect();
    assert!(!revs.is_empty());
    for found in &revs {
        assert_eq!(found, &tag, "rev: {found}");
    }
    let comment = regex::Regex::new(r"# (v\d+\.\d+\.\d+)").unwrap();
    for cap in comment.captures_iter(&readme) {
        let found = &cap[1];
        // Third-party action pins carry their own versions.
        let line = readme[..cap.get(0).unwrap().start()]
            .lines()
            .last()
            .unwrap_or_default();
        if line.contains("trustlint") {
            assert_eq!(found, tag, "{line}");
        }
    }
    // While the CHANGELOG's newest entry is unreleased, the README says the tag is not cut.
    let changelog = read("CHANGELOG.md");
    let newest = changelog
        .lines()
        .find(|l| l.starts_with("## "))
        .expect("a CHANGELOG entry");
    if newest.starts_with("## [Unreleased]") {
        assert!(newest.contains(VERSION), "{newest}");
        assert!(readme.contains("No release has been tagged yet"));
        for line in readme
            .lines()
            .filter(|l| l.contains(&format!("rev: {tag}")))
        {
            assert!(line.contains("not cut yet"), "{line}");
        }
    } else {
        assert!(
            newest.starts_with(&format!("## [{VERSION}]")),
            "the newest CHANGELOG entry is this version: {newest}"
        );
    }
    assert!(readme.contains("\n## Releasing\n"));
    assert!(readme.contains("Tag the commit `vX.Y.Z`"));
}

#[test]
fn the_commands_in_the_readme_exist() {
    let help = Command::cargo_bin("trustlint")
        .unwrap()
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    let readme = readme();
    // The commands of the shell blocks.
    let mut shell = String::new();
    let mut inside = false;
    for line in readme.lines() {
        if line.starts_with("```") {
            inside = line == "```sh";
        } else if inside {
            shell.push_str(line);
            shell.push('\n');
        }
    }
    let used = regex::Regex::new(r"(?m)^(?:\$ )?trustlint ([a-z]+)").unwrap();
    let mut seen = 0;
    for cap in used.captures_iter(&shell) {
        let command = &cap[1];
        assert!(
            help.contains(&format!("\n  {command} ")),
            "README runs `trustlint {command}`, which --help does not list"
        );
        seen += 1;
    }
    assert!(seen >= 5, "{seen}");
    for script in [
        ".ci/run",
        ".ci/package",
        "pre-commit-mirror/make",
        "action/install.sh",
    ] {
        assert!(root().join(script).is_file(), "{script}");
        assert!(readme.contains(script.trim_start_matches("./")), "{script}");
    }
}

#[test]
fn the_sample_output_is_what_the_demo_prints() {
    let readme = readme();
    let (start, end) = (
        "<!-- sample:start -->\n```text\n",
        "```\n<!-- sample:end -->",
    );
    let from = readme.find(start).expect("sample:start") + start.len();
    let to = readme.find(end).expect("sample:end");
    let sample = &readme[from..to];
    let output = Command::cargo_bin("trustlint")
        .unwrap()
        .current_dir(root())
        .args(["check", "--color", "never", "fixtures/demo"])
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let real = String::from_utf8(output.stdout).unwrap();
    // The sample is one whole finding of the real output, and its summary line.
    let (finding, summary) = sample.trim_end().rsplit_once("\n\n").unwrap();
    assert!(
        real.contains(&format!("{finding}\n")),
        "README sample is not in the output of `trustlint check fixtures/demo`:\n{real}"
    );
    assert_eq!(real.trim_end().lines().last(), Some(summary));
}
