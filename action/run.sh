#!/usr/bin/env bash
# Runs one scan: a SARIF report for code scanning, then annotations made from that report, so
# that the findings are computed once. The scan's exit code is the step's.
#
# Environment (set by action.yml):
#   TRUSTLINT_BIN      the trustlint executable (default: trustlint on PATH)
#   TRUSTLINT_PATHS    files and directories: one per line, or separated by spaces when the
#                      value is a single line (use lines for paths that contain spaces)
#   TRUSTLINT_FAIL_ON  info|low|medium|high|critical
#   TRUSTLINT_CONFIG   a trustlint.toml (optional)
#   TRUSTLINT_ARGS     more `check` arguments, separated by whitespace (optional)
#   TRUSTLINT_SARIF    the report's path (default trustlint.sarif)
set -euo pipefail

bin=${TRUSTLINT_BIN:-trustlint}
sarif=${TRUSTLINT_SARIF:-trustlint.sarif}
output=${GITHUB_OUTPUT:-/dev/null}

paths=()
input=${TRUSTLINT_PATHS:-.}
if [[ "$input" == *$'\n'* ]]; then
  while IFS= read -r line; do
    line=${line%$'\r'}
    # Surrounding blanks are YAML layout, not part of the path.
    line=${line#"${line%%[![:space:]]*}"}
    line=${line%"${line##*[![:space:]]}"}
    [ -n "$line" ] && paths+=("$line")
  done <<< "$input"
else
  read -r -a paths <<< "$input" || true
fi
[ "${#paths[@]}" -gt 0 ] || paths=(.)

args=()
read -r -a args <<< "${TRUSTLINT_ARGS:-}" || true
if [ -n "${TRUSTLINT_CONFIG:-}" ]; then
  args+=(--config "$TRUSTLINT_CONFIG")
fi

rm -f "$sarif"
set +e
"$bin" check --format sarif --output "$sarif" --fail-on "${TRUSTLINT_FAIL_ON:-low}" \
  ${args[@]+"${args[@]}"} -- "${paths[@]}"
code=$?
set -e

if [ ! -f "$sarif" ]; then
  echo "trustlint: no report was written (exit code $code)" >&2
  exit "$code"
fi
echo "sarif=$sarif" >> "$output"

# Annotations made from the report (action/annotate.py): Python is on every GitHub-hosted
# runner; elsewhere the findings are still in the report.
python=$(command -v python3 || command -v python || true)
if [ -n "$python" ]; then
  "$python" "$(dirname "$0")/annotate.py" "$sarif"
else
  echo "::notice title=trustlint::Python is not installed, so no annotations; the findings are in $sarif"
fi
exit "$code"
