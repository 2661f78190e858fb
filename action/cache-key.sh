#!/usr/bin/env bash
# The cache key of a from-source build: everything that goes into the binary — Cargo.toml,
# Cargo.lock, src/ and rules/ (the rule pages are compiled in) — and the runner's OS and arch.
set -euo pipefail
cd "${TRUSTLINT_ACTION_PATH:-${GITHUB_ACTION_PATH:?}}"
if command -v sha256sum > /dev/null; then sum() { sha256sum; }; else sum() { shasum -a 256; }; fi
digest=$(find Cargo.toml Cargo.lock src rules -type f | LC_ALL=C sort |
  while IFS= read -r file; do printf '%s\n' "$file"; sum < "$file"; done | sum | cut -c1-32)
echo "key=trustlint-build-${RUNNER_OS:-unknown}-${RUNNER_ARCH:-unknown}-$digest" >> "${GITHUB_OUTPUT:-/dev/stdout}"
