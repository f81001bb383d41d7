#!/usr/bin/env bash
# scripts/bench.sh - benchmark kaudit against jq (and ripgrep as a floor) on a
# synthetic Kubernetes audit log. Run `scripts/bench.sh --help` for usage.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: scripts/bench.sh [--quick] [--size4g] [--write] [--help]

Benchmarks kaudit against jq 1.6, jaq 2 and `rg -c` (a raw-scan floor) with
hyperfine on a synthetic audit log made by ../shared/tools/gen_audit.py
(--seed 1), and prints a Markdown table of the medians with the ratio vs jq and
jaq, the throughput, and PASS/FAIL for the targets of issue 5.

Each group is timed in RUNS interleaved rounds (jq and jaq once a round, the
other commands FAST_RUNS times a round), so that a shared machine slowing down
mid-group slows every command of it alike; the table gives medians over all
runs. Groups:
  selective  the same filter in jq, jaq, kaudit (with and without its prefilter)
             and rg -c on its literal: delete configmaps, user erin@example.com,
             code 403
  summary    jq/jaq: count ResponseComplete per user | sort | uniq -c;
             kaudit summary, top --by user, who (full scans); the parse
             ceiling (benches/ceiling.rs: serde_json into kaudit's Event, 2
             threads, nothing else) when cargo is there
  stdin      cat FILE | kaudit summary (MB/s)
  threads    kaudit summary -j 1 and -j 2
  progress   kaudit summary under script(1) (stderr a terminal: the bar is
             drawn) with and without --no-progress
  commands   the forensic commands and detect against summary

Options:
  --quick    100 MiB log, 3 rounds of 1 run: checks that the script works (numbers
             are not representative)
  --size4g   also benchmark a 4 GiB log (in addition to the 1 GiB one)
  --write    also write BENCHMARKS.md at the repo root (overwrites it, but
             keeps its hand-measured "## Memory" section)
  -h, --help show this help

Environment:
  RUNS              rounds per group: the runs of jq and jaq (default 5; 3
                    with --quick)
  FAST_RUNS         runs per round of the other commands (default 3, so 15
                    runs each; 1 with --quick)
  KAUDIT            kaudit binary to benchmark (default target/release/kaudit,
                    built with `cargo build --release`; when set, no build)
  KAUDIT_BENCH_DIR  where generated logs are cached
                    (default ~/.cache/kaudit-bench; logs are made once, reused)
  KAUDIT_BENCH_MD   file that --write writes (default <repo>/BENCHMARKS.md)

Installs hyperfine, jq and (best effort) ripgrep with apt-get, and jaq with
`cargo install jaq --locked`, when absent.
EOF
}

die() { echo "bench.sh: error: $*" >&2; exit 1; }
log() { echo "bench.sh: $*" >&2; }

# ---------------------------------------------------------------- arguments
quick=0 size4g=0 write=0
while (($#)); do
    case "$1" in
        --quick) quick=1 ;;
        --size4g) size4g=1 ;;
        --write) write=1 ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown argument: $1" ;;
    esac
    shift
done
if ((quick && size4g)); then die "--quick and --size4g don't go together"; fi

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$script_dir/.." && pwd)
cd "$repo"
shared="$repo/../shared"
gen="$shared/tools/gen_audit.py"
[[ -f $gen ]] || die "generator not found: $gen (shared/ must sit beside the repo)"

bench_dir=${KAUDIT_BENCH_DIR:-$HOME/.cache/kaudit-bench}
bench_md=${KAUDIT_BENCH_MD:-$repo/BENCHMARKS.md}
if ((quick)); then
    runs=${RUNS:-3}
    fast_runs=${FAST_RUNS:-1}
    sizes=(100M)
else
    runs=${RUNS:-5}
    fast_runs=${FAST_RUNS:-3}
    sizes=(1G)
    if ((size4g)); then sizes+=(4G); fi
fi
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer, got '$runs'"
[[ $fast_runs =~ ^[1-9][0-9]*$ ]] || die "FAST_RUNS must be a positive integer, got '$fast_runs'"

# ---------------------------------------------------------------- cleanup
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kaudit-bench.XXXXXX")
gen_tmp="" md_tmp=""
cleanup() {
    [[ -n $gen_tmp ]] && rm -f -- "$gen_tmp"
    [[ -n $md_tmp ]] && rm -f -- "$md_tmp"
    rm -rf -- "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- tools
as_root() {
    if ((EUID == 0)); then
        "$@"
    elif command -v sudo >/dev/null; then
        sudo "$@"
    else
        return 1
    fi
}

# apt_install PKG: install with apt-get; on failure run apt-get update and retry.
apt_install() {
    local pkg=$1 aptlog="$tmp/apt-$1.log"
    command -v apt-get >/dev/null || return 1
    log "installing $pkg with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    if as_root apt-get install -y -q "$pkg" >"$aptlog" 2>&1; then
        return 0
    fi
    log "apt-get install $pkg failed; running apt-get update and retrying"
    if as_root apt-get update -q >>"$aptlog" 2>&1 &&
        as_root apt-get install -y -q "$pkg" >>"$aptlog" 2>&1; then
        return 0
    fi
    tail -n 20 "$aptlog" >&2
    return 1
}

need_tool() { # need_tool CMD PKG
    command -v "$1" >/dev/null && return 0
    apt_install "$2" || die "could not install $2 (needed for $1)"
    command -v "$1" >/dev/null || die "$1 still not found after installing $2"
}

command -v python3 >/dev/null || die "python3 is required"
need_tool hyperfine hyperfine
need_tool jq jq
have_rg=0
if command -v rg >/dev/null || apt_install ripgrep; then
    command -v rg >/dev/null && have_rg=1
fi
((have_rg)) || log "ripgrep not available: skipping the rg floor"
have_jaq=0
if ! command -v jaq >/dev/null && [[ -x $HOME/.cargo/bin/jaq ]]; then
    PATH="$HOME/.cargo/bin:$PATH"
fi
if ! command -v jaq >/dev/null && command -v cargo >/dev/null; then
    log "installing jaq: cargo install jaq --locked (once, a few minutes)"
    cargo install jaq --locked >"$tmp/jaq-install.log" 2>&1 || tail -n 20 "$tmp/jaq-install.log" >&2
fi
command -v jaq >/dev/null && have_jaq=1
((have_jaq)) || log "jaq not available: skipping the jaq baselines"
have_script=0
command -v script >/dev/null && have_script=1

# ---------------------------------------------------------------- kaudit
if [[ -n ${KAUDIT:-} ]]; then
    kaudit=$KAUDIT
    kaudit_note="override KAUDIT=$KAUDIT (not built by this script)"
    log "using KAUDIT=$kaudit (skipping cargo build)"
else
    if ! command -v cargo >/dev/null && [[ -x $HOME/.cargo/bin/cargo ]]; then
        PATH="$HOME/.cargo/bin:$PATH"
    fi
    command -v cargo >/dev/null || die "cargo not found (install Rust, or set KAUDIT)"
    log "building kaudit: cargo build --release"
    cargo build --release >&2
    kaudit="$repo/target/release/kaudit"
    kaudit_note="target/release/kaudit (cargo build --release)"
fi
if [[ $kaudit != */* ]]; then
    kaudit=$(command -v "$kaudit") || die "KAUDIT not found on PATH: $KAUDIT"
fi
[[ -x $kaudit ]] || die "kaudit binary not executable: $kaudit"

# the bare-parse ceiling (benches/ceiling.rs), built with the bench profile
ceiling=""
if command -v cargo >/dev/null; then
    log "building the parse ceiling: cargo bench --bench ceiling --no-run"
    ceiling=$(cargo bench --bench ceiling --no-run --message-format=json 2>/dev/null |
        python3 -c 'import json,sys
for l in sys.stdin:
    m = json.loads(l)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "ceiling" and m.get("executable"):
        print(m["executable"])') || ceiling=""
    [[ -x $ceiling ]] || { log "could not build benches/ceiling.rs: no ceiling row"; ceiling=""; }
fi

# ---------------------------------------------------------------- logs
size_kib() { # 100M -> 102400, 1G -> 1048576
    local n=${1%[MG]}
    case $1 in
        *M) echo $((n * 1024)) ;;
        *G) echo $((n * 1024 * 1024)) ;;
        *) die "bad size $1" ;;
    esac
}

# ensure_log SIZE: set $log_file to the cached log, generating it if needed.
# (Not called in $(...): errexit is off in command substitutions.)
ensure_log() {
    local size=$1 file="$bench_dir/audit-$1-seed1.log" need avail
    if [[ -s $file ]]; then
        log "reusing cached log $file"
    else
        mkdir -p -- "$bench_dir"
        need=$(($(size_kib "$size") * 11 / 10))
        avail=$(df -Pk -- "$bench_dir" | awk 'NR==2 {print $4}')
        ((avail >= need)) ||
            die "not enough disk in $bench_dir for a $size log (need ~${need} KiB, have ${avail} KiB)"
        gen_tmp="$file.tmp.$$"
        log "generating $size log (seed 1) -> $file (once; cached for later runs)"
        python3 "$gen" --size "$size" --seed 1 >"$gen_tmp"
        mv -f -- "$gen_tmp" "$file"
        gen_tmp=""
    fi
    log_file=$file
}

# ---------------------------------------------------------------- environment
cpu_model=$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || true)
cpu_model=${cpu_model:-unknown}
ncpu=$(nproc)
mem_gib=$(free -g | awk '/^Mem:/ {print $2}')
kernel=$(uname -sr)
os_name=$(sed -n 's/^PRETTY_NAME="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' /etc/os-release 2>/dev/null || true)
if commit=$(git rev-parse --short HEAD 2>/dev/null); then
    if [[ -n $(git status --porcelain --untracked-files=no -- . ':!BENCHMARKS.md' 2>/dev/null) ]]; then
        commit="$commit (dirty work tree)"
    fi
else
    commit="unknown (no commit yet)"
fi
run_date=$(date -u '+%Y-%m-%d %H:%M:%S UTC')
jq_version=$(jq --version 2>&1)
hf_version=$(hyperfine --version 2>&1)
rg_version=""
if ((have_rg)); then rg_version=$(rg --version 2>/dev/null | sed -n 1p); fi
jaq_version=""
if ((have_jaq)); then jaq_version=$(jaq --version 2>/dev/null | sed -n 1p); fi
kaudit_version=$("$kaudit" --version 2>/dev/null | sed -n 1p || true)

hf_opts=(--ignore-failure)
# --output=null appeared in hyperfine 1.15; older ones discard stdout anyway.
if grep -q -- '--output' <<<"$(hyperfine --help 2>&1)"; then
    hf_opts+=(--output=null)
fi
method="$runs interleaved rounds per group (the first after one warm-up run of each command): jq and jaq run once a round, the other commands $fast_runs times a round (hyperfine \`${hf_opts[*]}\`); medians over all runs of a command ($runs for jq and jaq, $((runs * fast_runs)) for the others)"

# measure OUT -n NAME CMD [-n NAME CMD]...: times the commands of one group in
# $runs rounds, each round running every command (the slow baselines, jq and
# jaq, once; the others $fast_runs times), so that the machine's drift over
# the minutes a group takes (this is a shared machine) falls on all of them
# alike. Writes OUT as hyperfine's --export-json does (command, median, min,
# max, mean, times), the commands in the order given.
measure() {
    local out=$1 r
    shift
    local slow=() fast=() warm=()
    : >"$out.names"
    while (($#)); do
        (($# >= 3)) && [[ $1 == -n ]] || die "measure: expected -n NAME CMD, got '$*'"
        case $2 in
            "jq "* | "jaq "*) slow+=(-n "$2" "$3") ;;
            *) fast+=(-n "$2" "$3") ;;
        esac
        printf '%s\n' "$2" >>"$out.names"
        shift 3
    done
    for ((r = 1; r <= runs; r++)); do
        # this machine reclaims cold page cache on its own (DAMON): a 4 GB log read once was
        # 18 MB resident a few minutes later, so the log is read again before each round
        cat -- "$file" >/dev/null
        warm=()
        if ((r == 1)); then warm=(--warmup 1); fi
        if ((${#slow[@]})); then
            hyperfine "${hf_opts[@]}" "${warm[@]}" --runs 1 --export-json "$out.slow.$r" "${slow[@]}" >&2
        fi
        if ((${#fast[@]})); then
            hyperfine "${hf_opts[@]}" "${warm[@]}" --runs "$fast_runs" --export-json "$out.fast.$r" "${fast[@]}" >&2
        fi
    done
    python3 - "$out" "$runs" <<'PY'
import json, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
names = open(out + ".names").read().splitlines()
times = {n: [] for n in names}
for r in range(1, rounds + 1):
    for part in ("slow", "fast"):
        try:
            with open("%s.%s.%d" % (out, part, r)) as f:
                results = json.load(f)["results"]
        except FileNotFoundError:
            continue
        for res in results:
            times[res["command"]].extend(res["times"])
results = []
for n in names:
    t = times[n]
    results.append({"command": n, "median": statistics.median(t), "min": min(t),
                    "max": max(t), "mean": statistics.fmean(t), "times": t})
with open(out, "w") as f:
    json.dump({"results": results}, f)
PY
}

# ---------------------------------------------------------------- benchmarks
# hyperfine's own progress/summary goes to stderr; stdout carries only the report.
manifest="$tmp/manifest.tsv"
: >"$manifest"
q_kaudit=$(printf '%q' "$kaudit")

for size in "${sizes[@]}"; do
    ensure_log "$size"
    file=$log_file
    bytes=$(stat -L -c %s -- "$file")
    qf=$(printf '%q' "$file")

    log "warming the page cache: $file ($bytes bytes)"
    cat -- "$file" >/dev/null

    # Pre-flight: kaudit must exit 0 (matches) or 1 (no match); anything else
    # (crash, usage error) would make the -i timings meaningless.
    rc=0
    matches=$("$kaudit" events -v delete -r configmaps -o ndjson "$file" 2>"$tmp/preflight.err" | wc -l) || rc=$?
    if ((rc > 1)); then
        cat "$tmp/preflight.err" >&2
        die "kaudit events exited $rc on $file"
    fi
    rc=0
    "$kaudit" summary "$file" >/dev/null 2>"$tmp/preflight.err" || rc=$?
    if ((rc > 1)); then
        cat "$tmp/preflight.err" >&2
        die "kaudit summary exited $rc on $file"
    fi
    log "pre-flight ok: kaudit selective query printed $matches lines"

    # selective: one group per query, each with its jq, jaq and rg baselines
    # (name|jq filter|kaudit args|rg literal)
    queries=(
        "delete-configmaps|select(.verb==\"delete\" and .objectRef.resource==\"configmaps\")|events -v delete -r configmaps -o ndjson|\"verb\":\"delete\""
        "user-erin|select(.user.username==\"erin@example.com\" or .impersonatedUser.username==\"erin@example.com\")|who -u erin@example.com|\"username\":\"erin@example.com\""
        "code-403|select(.responseStatus.code==403)|events --code 403 -o ndjson|\"code\":403"
    )
    for q in "${queries[@]}"; do
        IFS='|' read -r qname qjq qk qrg <<<"$q"
        qjq_q=$(printf '%q' "$qjq")
        qrg_q=$(printf '%q' "$qrg")
        sel=(-n "jq -c '$qjq' FILE" "jq -c $qjq_q $qf")
        if ((have_jaq)); then sel+=(-n "jaq -c '$qjq' FILE" "jaq -c $qjq_q $qf"); fi
        sel+=(-n "kaudit $qk FILE" "$q_kaudit $qk $qf"
            -n "kaudit $qk --no-prefilter FILE (parse every line)" "$q_kaudit $qk --no-prefilter $qf")
        if ((have_rg)); then sel+=(-n "rg -c '$qrg' FILE (floor)" "rg -c $qrg_q $qf"); fi
        log "[$size] group selective $qname"
        measure "$tmp/selective-$qname-$size.json" "${sel[@]}" >&2
        printf '%s\t%s\t%s\t%s\n' "$size" "$bytes" "selective $qname" "$tmp/selective-$qname-$size.json" >>"$manifest"
    done

    # summary (hyperfine runs each command with sh -c, so the pipeline works)
    count_jq='select(.stage=="ResponseComplete")|.user.username'
    sum=(-n "jq -r '$count_jq' FILE | sort | uniq -c" "jq -r '$count_jq' $qf | sort | uniq -c")
    if ((have_jaq)); then
        sum+=(-n "jaq -r '$count_jq' FILE | sort | uniq -c" "jaq -r '$count_jq' $qf | sort | uniq -c")
    fi
    sum+=(-n "kaudit summary FILE" "$q_kaudit summary $qf"
        -n "kaudit top --by user FILE" "$q_kaudit top --by user $qf"
        -n "kaudit who FILE" "$q_kaudit who $qf")
    if [[ -n $ceiling ]]; then
        sum+=(-n "ceiling: serde_json parse of every line, 2 threads FILE" "$(printf '%q' "$ceiling") $qf 2")
    fi
    log "[$size] group summary"
    measure "$tmp/summary-$size.json" "${sum[@]}" >&2
    printf '%s\t%s\t%s\t%s\n' "$size" "$bytes" summary "$tmp/summary-$size.json" >>"$manifest"

    # threads: scaling of a full scan
    log "[$size] group threads"
    measure "$tmp/threads-$size.json" \
        -n "kaudit summary -j 1 FILE" "$q_kaudit summary -j 1 $qf" \
        -n "kaudit summary -j 2 FILE" "$q_kaudit summary -j 2 $qf" >&2
    printf '%s\t%s\t%s\t%s\n' "$size" "$bytes" threads "$tmp/threads-$size.json" >>"$manifest"

    # progress: stderr a terminal (script(1)), bar drawn or not
    if ((have_script)); then
        log "[$size] group progress"
        measure "$tmp/progress-$size.json" \
            -n "kaudit summary FILE --no-progress (under script)" \
            "script -qfec '$q_kaudit summary $qf --no-progress >/dev/null' /dev/null </dev/null" \
            -n "kaudit summary FILE (under script: progress bar)" \
            "script -qfec '$q_kaudit summary $qf >/dev/null' /dev/null </dev/null" >&2
        printf '%s\t%s\t%s\t%s\n' "$size" "$bytes" progress "$tmp/progress-$size.json" >>"$manifest"
    fi

    # stdin
    log "[$size] group stdin"
    measure "$tmp/stdin-$size.json" \
        -n "cat FILE | kaudit summary" \
        "cat $qf | $q_kaudit summary" >&2
    printf '%s\t%s\t%s\t%s\n' "$size" "$bytes" stdin "$tmp/stdin-$size.json" >>"$manifest"

    # the forensic commands, timed against summary (a full scan) in the same run
    log "[$size] group commands"
    cmds=(-n "kaudit summary FILE" "$q_kaudit summary $qf")
    for c in when timeline who what where latency "top --by user,verb" detect; do
        cmds+=(-n "kaudit $c FILE" "$q_kaudit $c $qf")
    done
    measure "$tmp/commands-$size.json" "${cmds[@]}" >&2
    printf '%s\t%s\t%s\t%s\n' "$size" "$bytes" commands "$tmp/commands-$size.json" >>"$manifest"
done

# ---------------------------------------------------------------- report
# Reads the manifest (size, bytes, group, hyperfine JSON) and prints the
# Markdown table followed by the target lines.
report_py=$(
    cat <<'PY'
import json, sys

rows, by = [], {}
with open(sys.argv[1]) as f:
    for line in f:
        size, nbytes, group, path = line.rstrip("\n").split("\t")
        with open(path) as j:
            results = json.load(j)["results"]
        by[(size, group)] = results
        rows.append((size, int(nbytes), group, results))

def kind(r):
    c = r["command"]
    for k in ("jq", "jaq", "rg"):
        if c.startswith(k + " "):
            return k
    if c.startswith("ceiling:"):
        return "ceiling"
    return "kaudit"

def first(results, k, contains=""):
    for r in results:
        if kind(r) == k and contains in r["command"] and "--no-prefilter" not in r["command"]:
            return r["median"]
    return None

def ratio(base, med):
    return base / med if base and med else None

def fx(r):
    return "n/a" if r is None else ("%.1fx" % r)

def cell(s):
    return s.replace("|", "\\|")

out = ["| log | group | command | median s | min s | max s | vs jq | vs jaq | MB/s |",
       "|---|---|---|---:|---:|---:|---:|---:|---:|"]
for size, nbytes, group, results in rows:
    if group == "commands":
        continue
    base = by.get((size, "summary")) if group == "stdin" else results
    jq, jaq = first(base, "jq"), first(base, "jaq")
    for r in results:
        med = r["median"]
        k = kind(r)
        vj = "baseline" if k == "jq" else fx(ratio(jq, med))
        vq = "baseline" if k == "jaq" else ("" if k == "jq" else fx(ratio(jaq, med)))
        mbs = "%.1f" % (nbytes / 1e6 / med) if med > 0 else "n/a"
        out.append("| %s | %s | `%s` | %.3f | %.3f | %.3f | %s | %s | %s |" % (
            size, group, cell(r["command"]), med, r["min"], r["max"], vj, vq, mbs))
out.append("")
out.append("MB = 10^6 bytes; throughput = log size / median wall time. "
           "\"vs jq\" = jq median / command median (stdin: vs the summary group's jq).")
out.append("")
out.append("Targets (issue 5):")
out.append("")
def check(ok, text):
    out.append("- %s %s" % ("n/a " if ok is None else ("PASS" if ok else "FAIL"), text))
sizes = list(dict.fromkeys(s for s, _, _, _ in rows))
for size in sizes:
    for (s2, group), results in by.items():
        if s2 != size or not group.startswith("selective"):
            continue
        k, jq, jaq, rg = first(results, "kaudit"), first(results, "jq"), first(results, "jaq"), first(results, "rg")
        r = ratio(jq, k); check(None if r is None else r >= 60, "%s (%s): %s faster than jq (>= 60x)" % (group, size, fx(r)))
        r = ratio(jaq, k); check(None if r is None else r >= 25, "%s (%s): %s faster than jaq (>= 25x)" % (group, size, fx(r)))
        r = ratio(k, rg); check(None if r is None else r <= 3, "%s (%s): %s the time of rg -c (<= 3x)" % (group, size, fx(r)))
    res = by.get((size, "summary"))
    if res:
        jq, jaq = first(res, "jq"), first(res, "jaq")
        for name in ("kaudit summary", "kaudit top --by user", "kaudit who"):
            k = first(res, "kaudit", name + " ")
            r = ratio(jq, k); check(None if r is None else r >= 20, "full scan `%s` (%s): %s faster than jq (>= 20x)" % (name, size, fx(r)))
            r = ratio(jaq, k); check(None if r is None else r >= 8, "full scan `%s` (%s): %s faster than jaq (>= 8x)" % (name, size, fx(r)))
            c = first(res, "ceiling")
            r = ratio(k, c); check(None if r is None else r <= 1.3, "full scan `%s` (%s): %s the time of the parse ceiling (<= 1.3x)" % (name, size, fx(r)))
    res = by.get((size, "stdin"))
    if res:
        mbs = [n for s2, n, g, _ in rows if s2 == size and g == "stdin"][0] / 1e6 / res[0]["median"]
        check(mbs >= 600, "stdin (%s): %.0f MB/s (>= 600 MB/s)" % (size, mbs))
    res = by.get((size, "threads"))
    if res:
        r = res[0]["median"] / res[1]["median"]
        check(r >= 1.8, "threads (%s): 2 threads %.2fx faster than 1 (>= 1.8x)" % (size, r))
    res = by.get((size, "progress"))
    if res:
        c = res[1]["median"] / res[0]["median"] - 1
        check(c < 0.02, "progress bar (%s): costs %+.1f%% (< 2%%)" % (size, 100 * c))
if len(sizes) > 1:
    a, b = by.get((sizes[0], "summary")), by.get((sizes[-1], "summary"))
    na = [n for s2, n, g, _ in rows if s2 == sizes[0] and g == "summary"][0]
    nb = [n for s2, n, g, _ in rows if s2 == sizes[-1] and g == "summary"][0]
    if a and b:
        ka, kb = first(a, "kaudit", "kaudit summary "), first(b, "kaudit", "kaudit summary ")
        t = kb / ka
        check(t <= 4.4 * nb / na / 4, "linear: summary on %s takes %.2fx the time of %s (%.2fx the bytes; <= 4.4x for 4x)" % (sizes[-1], t, sizes[0], nb / na))
cmd_rows = [(s, n, r) for s, n, g, r in rows if g == "commands"]
if cmd_rows:
    out.append("")
    out.append("Forensic commands against `summary` (a full scan) on the same log, same run:")
    out.append("")
    out.append("| log | command | median s | min s | max s | vs summary |")
    out.append("|---|---|---:|---:|---:|---:|")
    for size, nbytes, results in cmd_rows:
        base = results[0]["median"]
        for r in results:
            out.append("| %s | `%s` | %.3f | %.3f | %.3f | %.2fx |" % (
                size, cell(r["command"]), r["median"], r["min"], r["max"], r["median"] / base))
    for size, nbytes, results in cmd_rows:
        base = results[0]["median"]
        for r in results:
            if r["command"].startswith("kaudit detect"):
                check(r["median"] / base <= 2, "detect (%s): %.2fx the time of summary (<= 2x, issue 6)" % (size, r["median"] / base))
print("\n".join(out))
PY
)
report=$(python3 -c "$report_py" "$manifest")

machine="$cpu_model, $ncpu CPUs (nproc), ${mem_gib} GiB RAM (free -g), $kernel${os_name:+, $os_name}"
tools="$jq_version${jaq_version:+; $jaq_version}; $hf_version${rg_version:+; $rg_version}; kaudit: ${kaudit_version:-version unknown}"
gen_cmds=""
for size in "${sizes[@]}"; do
    gen_cmds+="\`python3 ../shared/tools/gen_audit.py --size $size --seed 1\`; "
done
gen_cmds=${gen_cmds%; }

echo
title="## kaudit benchmark"
if ((quick)); then title+=" (--quick: not representative)"; fi
echo "$title"
echo
echo "- machine: $machine"
echo "- commit: $commit"
echo "- date: $run_date"
echo "- tools: $tools"
echo "- kaudit binary: $kaudit_note"
echo "- method: $method; page cache warm"
echo
printf '%s\n' "$report"

if ((write)); then
    md_tmp="$bench_md.tmp.$$"
    # sections measured by hand (## Memory to the end) are kept
    kept=""
    if [[ -f $bench_md ]]; then
        kept=$(sed -n '/^## Memory$/,$p' "$bench_md")
    fi
    {
        echo "# kaudit benchmarks"
        echo
        echo "Wall-clock time of kaudit against jq 1.6 and jaq 2 (the usual ways to query audit logs)"
        echo "and \`rg -c\` (a raw line-scan floor) on a synthetic Kubernetes audit log."
        if ((quick)); then
            echo
            echo "**Quick run (100 MiB log, $runs rounds): checks the script; numbers are not representative.**"
        fi
        echo
        echo "Reproduce: \`scripts/bench.sh --write\` (add \`--size4g\` for the 4 GiB log), with the project's \`shared/\` folder beside the repository (it holds the log generator)."
        echo
        echo "## Setup"
        echo
        echo "- Machine: $machine"
        echo "- Commit: $commit"
        echo "- Date: $run_date"
        echo "- Tools: $tools"
        echo "- kaudit binary: $kaudit_note"
        echo "- Log: $gen_cmds (cached in \`\${KAUDIT_BENCH_DIR:-~/.cache/kaudit-bench}\`)"
        echo "- Method: $method;"
        echo "  baselines and kaudit measured in the same run, page cache warmed first,"
        echo "  each command's stdout discarded; FILE is the log path."
        echo
        echo "## Results"
        echo
        printf '%s\n' "$report"
        if [[ -n $kept ]]; then
            echo
            printf '%s\n' "$kept"
        fi
    } >"$md_tmp"
    mv -f -- "$md_tmp" "$bench_md"
    md_tmp=""
    log "wrote $bench_md"
fi
