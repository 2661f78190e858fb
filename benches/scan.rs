//! `cargo bench --bench scan [-- N]`: scans a generated corpus of N trust policies and N workflows
//! (default 2,000 each: a mix of clean and flawed ones, in team directories beside unrelated JSON)
//! and prints the wall time, files per second and time per file. Run it with two sizes to see that
//! the time per file does not grow with the corpus. Not a timed test: numbers go in the README.

use std::path::Path;
use std::time::Instant;
use trustlint::config::Config;
use trustlint::rules::all_rules;
use trustlint::scan::{scan, ScanOptions};

const SUBJECTS: &[&str] = &[
    "repo:octo-org/app-{i}:environment:production",
    "repo:octo-org/app-{i}:*",
    "repo:octo-org/*",
    "repo:octo-org*",
    "repo:octo-org/app-{i}:ref:refs/heads/main*",
];

fn write_corpus(root: &Path, n: usize) {
    for i in 0..n {
        let dir = root.join(format!("team-{}/infra/iam", i % 50));
        std::fs::create_dir_all(&dir).unwrap();
        let sub = SUBJECTS[i % SUBJECTS.len()].replace("{i}", &i.to_string());
        let op = if sub.contains('*') {
            "StringLike"
        } else {
            "StringEquals"
        };
        let policy = format!(
            r#"{{
  "Version": "2012-10-17",
  "Statement": [
    {{
      "Sid": "GitHub{i}",
      "Effect": "Allow",
      "Principal": {{ "Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }},
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {{
        "StringEquals": {{ "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" }},
        "{op}": {{ "token.actions.githubusercontent.com:sub": "{sub}" }}
      }}
    }}
  ]
}}
"#
        );
        std::fs::write(dir.join(format!("role-{i}.trust.json")), policy).unwrap();
        let workflows = root.join(format!("team-{}/.github/workflows", i % 50));
        std::fs::create_dir_all(&workflows).unwrap();
        let id_token = if i % 3 == 0 {
            ""
        } else {
            "\n      id-token: write"
        };
        let workflow = format!(
            r#"name: deploy-{i}
on:
  push:
    branches: [main, "release/**"]
  workflow_dispatch:
permissions:
  contents: read
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4
      - run: make build
  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment: production
    permissions:
      contents: read{id_token}
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4
      - uses: aws-actions/configure-aws-credentials@v{v}
        with: &aws
          aws-region: eu-west-1
          role-to-assume: arn:aws:iam::123456789012:role/deploy-{i}
      - run: ./deploy.sh
  smoke:
    needs: deploy
    runs-on: ubuntu-latest
    permissions:
      id-token: write
    steps:
      - uses: aws-actions/configure-aws-credentials@v{v}
        with: *aws
      - run: ./smoke.sh
"#,
            v = 1 + i % 6
        );
        std::fs::write(workflows.join(format!("deploy-{i}.yml")), workflow).unwrap();
        if i % 4 == 0 {
            std::fs::write(
                dir.join(format!("package-{i}.json")),
                r#"{"name": "x", "version": "1.0.0"}"#,
            )
            .unwrap();
        }
    }
}

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(2_000);
    let dir = tempfile::tempdir().unwrap();
    write_corpus(dir.path(), n);
    let config = Config::default();
    let options = ScanOptions {
        paths: vec![dir.path().to_path_buf()],
        excludes: Vec::new(),
        rules: all_rules().to_vec(),
        config: &config,
        repository: None,
    };
    // One warm-up run fills the page cache; then the best of three.
    scan(&options).unwrap();
    let mut best = f64::MAX;
    let mut findings = 0;
    for _ in 0..3 {
        let start = Instant::now();
        let report = scan(&options).unwrap();
        best = best.min(start.elapsed().as_secs_f64());
        findings = report.findings.len();
    }
    println!(
        "scan: {n} policies + {n} workflows (+{} other JSON files), {findings} findings, {:.1} ms, {:.0} files/s, {:.1} µs/file, {} threads",
        n.div_ceil(4),
        best * 1e3,
        (2 * n) as f64 / best,
        best * 1e6 / (2 * n) as f64,
        rayon::current_num_threads()
    );
}
