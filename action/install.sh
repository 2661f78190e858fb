#!/usr/bin/env bash
# Installs the released trustlint binary that matches this action's own version and the
# runner's OS and architecture, after checking its SHA-256 against the release's SHA256SUMS.
#
# Writes `found=true` and `bin=PATH` to $GITHUB_OUTPUT when a release matched, `found=false`
# (and the reason on stderr) when none did, so that action.yml builds from source instead. A
# checksum mismatch is a hard failure, never a reason to fall back.
#
# Environment (set by action.yml; the overrides exist for tests/action_script.rs):
#   TRUSTLINT_ACTION_PATH   the action's checkout (default $GITHUB_ACTION_PATH)
#   TRUSTLINT_ACTION_REF    github.action_ref: a tag such as v0.1.0, a full commit SHA, a branch
#   TRUSTLINT_RELEASES      base URL of the releases (default
#                           $GITHUB_SERVER_URL/$TRUSTLINT_ACTION_REPOSITORY/releases/download);
#                           a file:// URL or a plain directory works too
#   TRUSTLINT_INSTALL_DIR   where the binary goes (default $RUNNER_TEMP/trustlint-bin)
#   RUNNER_OS, RUNNER_ARCH  as on GitHub runners
set -euo pipefail

action_path=${TRUSTLINT_ACTION_PATH:-${GITHUB_ACTION_PATH:?}}
output=${GITHUB_OUTPUT:-/dev/null}

not_found() {
  echo "trustlint: no release binary: $*; building from source instead" >&2
  echo "found=false" >> "$output"
  exit 0
}

# The version of this checkout of the action, from its own Cargo.toml.
version=$(sed -n 's/^version = "\([^"]*\)"$/\1/p' "$action_path/Cargo.toml" | head -n 1)
[ -n "$version" ] || not_found "no version in $action_path/Cargo.toml"
tag="v$version"

# The ref the workflow used; the runner checks actions out under .../OWNER/REPO/REF, so the
# directory name stands in when github.action_ref is empty.
ref=${TRUSTLINT_ACTION_REF:-}
[ -n "$ref" ] || ref=$(basename "$action_path")

case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
  Linux/X64) target=x86_64-unknown-linux-musl ;;
  Linux/ARM64) target=aarch64-unknown-linux-musl ;;
  macOS/X64) target=x86_64-apple-darwin ;;
  macOS/ARM64) target=aarch64-apple-darwin ;;
  Windows/X64) target=x86_64-pc-windows-msvc ;;
  *) not_found "no release build for ${RUNNER_OS:-?}/${RUNNER_ARCH:-?}" ;;
esac
case "$target" in
  *windows*) archive="trustlint-$version-$target.zip" exe=trustlint.exe ;;
  *) archive="trustlint-$version-$target.tar.gz" exe=trustlint ;;
esac

releases=${TRUSTLINT_RELEASES:-${GITHUB_SERVER_URL:-https://github.com}/${TRUSTLINT_ACTION_REPOSITORY:-${GITHUB_ACTION_REPOSITORY:?}}/releases/download}
case "$releases" in
  *://*) ;;
  *) releases="file://$(cd "$releases" && pwd)" ;;
esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fetch() { # URL FILE: false when the file does not exist there
  curl --fail --silent --show-error --location --proto '=https,file' --retry 3 \
    --output "$2" "$1" 2> "$work/curl.log"
}

fetch "$releases/$tag/SHA256SUMS" "$work/SHA256SUMS" || not_found "release $tag has no SHA256SUMS"

# A tag ref must be this version's tag; a commit SHA must be the commit the release was built
# from. Anything else (a branch, another tag) may hold other code than the release.
if [ "$ref" != "$tag" ]; then
  if [[ "$ref" =~ ^[0-9a-f]{40}$ ]]; then
    fetch "$releases/$tag/source-commit.txt" "$work/source-commit.txt" ||
      not_found "release $tag does not name its commit"
    built_from=$(tr -d ' \r\n' < "$work/source-commit.txt")
    [ "$built_from" = "$ref" ] || not_found "release $tag was built from $built_from, the action is at $ref"
  else
    not_found "the action ref $ref is not the release tag $tag or its commit"
  fi
fi

fetch "$releases/$tag/$archive" "$work/$archive" || not_found "release $tag has no $archive"

expected=$(awk -v name="$archive" '$2 == name || $2 == "*" name { print $1 }' "$work/SHA256SUMS")
[ -n "$expected" ] || { echo "trustlint: SHA256SUMS of $tag does not list $archive" >&2; exit 1; }
if command -v sha256sum > /dev/null; then
  actual=$(sha256sum "$work/$archive" | cut -d ' ' -f 1)
else
  actual=$(shasum -a 256 "$work/$archive" | cut -d ' ' -f 1)
fi
if [ "$actual" != "$expected" ]; then
  echo "trustlint: checksum mismatch for $archive: expected $expected, got $actual" >&2
  exit 1
fi

mkdir -p "$work/unpacked"
case "$archive" in
  *.zip)
    if command -v unzip > /dev/null; then
      unzip -q "$work/$archive" -d "$work/unpacked"
    else
      7z x -y -o"$work/unpacked" "$work/$archive" > /dev/null
    fi
    ;;
  *) tar -xzf "$work/$archive" -C "$work/unpacked" ;;
esac
binary="$work/unpacked/trustlint-$version-$target/$exe"
[ -f "$binary" ] || { echo "trustlint: $archive does not hold trustlint-$version-$target/$exe" >&2; exit 1; }

dir=${TRUSTLINT_INSTALL_DIR:-${RUNNER_TEMP:?}/trustlint-bin}
mkdir -p "$dir"
cp "$binary" "$dir/$exe"
chmod +x "$dir/$exe"
"$dir/$exe" --version >&2
echo "trustlint: installed the $tag release binary for $target (SHA-256 verified)" >&2
{
  echo "found=true"
  echo "bin=$dir/$exe"
} >> "$output"
