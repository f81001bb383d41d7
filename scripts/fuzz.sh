#!/usr/bin/env bash
# Coverage-guided fuzzing of kaudit's readers with cargo-fuzz (libFuzzer), for runs longer
# than the bounded test in `cargo test` (tests/fuzz.rs).
#
#   scripts/fuzz.sh [TARGET] [SECONDS]     TARGET: line (default), document, gke, aks,
#                                          timestamp, or all (each for SECONDS); SECONDS: 600
#
# Runs on the stable toolchain: cargo-fuzz passes -Z flags (sanitizer, coverage), which stable
# rustc accepts with RUSTC_BOOTSTRAP=1. Installs cargo-fuzz if it is missing. Limits make
# unbounded work failures: an input that takes over 10 s (-timeout), a single allocation over
# 512 MB (-malloc_limit_mb, AddressSanitizer's hooks) or a process over 2 GB (-rss_limit_mb).
# New inputs go to scripts/fuzz/corpus/TARGET, crashes to scripts/fuzz/artifacts/TARGET (both
# ignored by git); the committed seeds are scripts/fuzz/seeds/TARGET. Reproduce a crash with
#   RUSTC_BOOTSTRAP=1 cargo fuzz run --fuzz-dir scripts/fuzz TARGET scripts/fuzz/artifacts/TARGET/crash-...
# and add it to seeds/ with a named regression test.
set -euo pipefail

target=${1:-line}
seconds=${2:-600}
dir="$(cd "$(dirname "$0")" && pwd)/fuzz"

if ! command -v cargo-fuzz >/dev/null; then
    cargo install cargo-fuzz --locked
fi
export RUSTC_BOOTSTRAP=1

if [ "$target" = all ]; then
    targets=(line document gke aks timestamp)
else
    targets=("$target")
fi

for t in "${targets[@]}"; do
    case $t in
        document) max_len=65536 ;;
        timestamp) max_len=128 ;;
        *) max_len=16384 ;;
    esac
    mkdir -p "$dir/corpus/$t"
    echo "fuzz.sh: $t for ${seconds}s" >&2
    cargo fuzz run --fuzz-dir "$dir" "$t" "$dir/corpus/$t" "$dir/seeds/$t" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=512 \
        -max_len="$max_len" -dict="$dir/audit.dict" -print_final_stats=1
done
