#!/usr/bin/env bash
# Regenerate completions/ from the CLI definition (tests/cli.rs checks they are in sync).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet
k="${CARGO_TARGET_DIR:-target}/debug/kaudit"
"$k" completions bash >completions/kaudit.bash
"$k" completions zsh >completions/_kaudit
"$k" completions fish >completions/kaudit.fish
"$k" completions elvish >completions/kaudit.elvish
"$k" completions powershell >completions/_kaudit.ps1
echo "completions/ regenerated"
