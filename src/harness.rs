//! The fuzz harness, shared by the cargo-fuzz targets in `fuzz/` and by `tests/fuzz_corpus.rs`,
//! which replays the committed corpus on stable Rust.
//!
//! Each target writes the input where a scan would find it, runs the whole check (or
//! `simulate`), renders every output format, and panics when an output promise is broken:
//! no unsafe character or workflow command before the last escaping pass, none after it, and
//! the JSON formats parse.

use crate::config::Config;
use crate::escape::{check_emitted, emit, Commands};
use crate::report::{render, Format, RenderOptions, Report};
use crate::scan::{scan, ScanOptions};
use std::path::{Path, PathBuf};

/// What the input is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    PolicyJson,
    WorkflowYaml,
    CloudFormation,
    Terraform,
    IamDump,
    Config,
    Baseline,
    Simulate,
}

impl Target {
    pub const ALL: [Target; 8] = [
        Target::PolicyJson,
        Target::WorkflowYaml,
        Target::CloudFormation,
        Target::Terraform,
        Target::IamDump,
        Target::Config,
        Target::Baseline,
        Target::Simulate,
    ];

    /// The name of the fuzz target and of its corpus directory.
    pub fn name(self) -> &'static str {
        match self {
            Target::PolicyJson => "policy_json",
            Target::WorkflowYaml => "workflow_yaml",
            Target::CloudFormation => "cloudformation",
            Target::Terraform => "terraform",
            Target::IamDump => "iam_dump",
            Target::Config => "config",
            Target::Baseline => "baseline",
            Target::Simulate => "simulate",
        }
    }

    pub fn from_name(name: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.name() == name)
    }

    /// Where the input is written, relative to the scan root.
    fn file_name(self) -> &'static str {
        match self {
            Target::PolicyJson | Target::Simulate => "policy.json",
            Target::WorkflowYaml => ".github/workflows/ci.yml",
            Target::CloudFormation => "template.yaml",
            Target::Terraform => "main.tf",
            Target::IamDump => "account-authorization-details.json",
            Target::Config => "trustlint.toml",
            Target::Baseline => "baseline.json",
        }
    }
}

/// A trust policy and a workflow assuming its role, so that the config and baseline targets
/// have findings to configure and record, and the cross-check has something to cross.
const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"S","Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:octo-org/*"}}}]}"#;
const WORKFLOW: &str = "on: pull_request\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    permissions:\n      id-token: write\n    steps:\n      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n          role-to-assume: arn:aws:iam::123456789012:role/deploy\n          aws-region: us-east-1\n";

/// Runs one input through everything it can reach; panics on a broken promise.
pub fn run(target: Target, data: &[u8]) {
    let Ok(dir) = tempfile::tempdir() else {
        return;
    };
    let root = dir.path();
    let path = root.join(target.file_name());
    if let Some(parent) = path.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    if std::fs::write(&path, data).is_err() {
        return;
    }
    if matches!(target, Target::Config | Target::Baseline) {
        let _ = std::fs::write(root.join("deploy.json"), POLICY);
        let _ = std::fs::create_dir_all(root.join(".github/workflows"));
        let _ = std::fs::write(root.join(".github/workflows/deploy.yml"), WORKFLOW);
    }
    match target {
        Target::Simulate => {
            let args = crate::cli::simulate::SimulateArgs {
                policy: path,
                claims: vec![
                    "sub=repo:octo-org/app:ref:refs/heads/main".into(),
                    "aud=sts.amazonaws.com".into(),
                ],
                principal: None,
                format: crate::cli::simulate::SimFormat::Human,
            };
            check(&crate::cli::simulate::unemitted(&args), false);
            let json = crate::cli::simulate::SimulateArgs {
                format: crate::cli::simulate::SimFormat::Json,
                ..args
            };
            check(&crate::cli::simulate::unemitted(&json), false);
        }
        Target::Config => {
            let text = String::from_utf8_lossy(data);
            match Config::parse(&text) {
                Ok(mut config) => {
                    config.path = Some(path);
                    scan_and_render(root, &config, None);
                }
                Err(message) => check_usage_error(&message),
            }
        }
        Target::Baseline => match crate::baseline::Baseline::load(&path) {
            Ok(baseline) => scan_and_render(root, &Config::default(), Some(&baseline)),
            Err(message) => check_usage_error(&message),
        },
        _ => scan_and_render(root, &Config::default(), None),
    }
}

fn scan_and_render(root: &Path, config: &Config, baseline: Option<&crate::baseline::Baseline>) {
    let options = ScanOptions {
        paths: vec![PathBuf::from(root)],
        excludes: config.exclude.clone(),
        rules: crate::rules::all_rules().to_vec(),
        config,
        repository: Some("octo-org/app".into()),
    };
    let mut report = match scan(&options) {
        Ok(report) => report,
        Err(e) => return check_usage_error(&e.0),
    };
    if let Some(baseline) = baseline {
        baseline.apply(&mut report);
    }
    check_report(&report);
}

/// Renders `report` in every format (human with and without colour) and its notices as `check`
/// prints them, and checks each.
pub fn check_report(report: &Report) {
    for format in [
        Format::Human,
        Format::Concise,
        Format::Json,
        Format::Sarif,
        Format::Github,
    ] {
        for color in [false, true] {
            if color && format != Format::Human {
                continue;
            }
            let text = render(
                report,
                format,
                RenderOptions {
                    color,
                    quiet: false,
                },
            );
            check(&text, format == Format::Github);
            if matches!(format, Format::Json | Format::Sarif) {
                if let Err(e) = serde_json::from_str::<serde_json::Value>(&text) {
                    panic!("{format:?} output is not JSON ({e}):\n{text}");
                }
            }
        }
    }
    for notice in &report.notices {
        check(
            &format!(
                "trustlint: note: {}: {}",
                crate::source::neutralize(&notice.path),
                crate::source::neutralize(&notice.message)
            ),
            false,
        );
    }
    check(&crate::baseline::Baseline::of(report).to_json(), false);
}

fn check_usage_error(message: &str) {
    check(
        &format!("trustlint: error: {}", crate::escape::value(message)),
        false,
    );
}

/// The output promises, on text before and after the last pass through [`emit`]: values are
/// escaped where they are put in the text, so the last pass only has `##[` left to break.
pub fn check(text: &str, annotations: bool) {
    let before = text.replace("##[", "");
    if let Err(e) = check_emitted(&before, annotations) {
        panic!("before the last escaping pass: {e}\n{text}");
    }
    let commands = if annotations {
        Commands::Annotations
    } else {
        Commands::None
    };
    if let Err(e) = check_emitted(&emit(text, commands), annotations) {
        panic!("after the last escaping pass: {e}\n{text}");
    }
}
