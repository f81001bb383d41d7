#!/usr/bin/env bash
# scripts/bench.sh - benchmark kaudit against jq (and ripgrep as a floor) on a
# synthetic Kubernetes audit log, and (--hostile) measure its peak memory on
# hostile inputs. Run `scripts/bench.sh --help` for usage.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: scripts/bench.sh [--quick] [--size4g] [--write] [--help]
       scripts/bench.sh --hostile [--quick] [--write]
       scripts/bench.sh --compare OLD_KAUDIT [--quick]

Benchmarks kaudit against jq 1.6, jaq 2, DuckDB (its Python package and its
CLI, SQL in scripts/bench_duckdb.py) and `rg -c` (a raw-scan floor) with
hyperfine on a synthetic audit log made by ../shared/tools/gen_audit.py
(--seed 1), and prints a Markdown table of the medians with the ratio vs jq and
jaq, the throughput, and PASS/FAIL for the targets of issues 5 and 19.

Each group is timed in RUNS interleaved rounds (jq and jaq once a round, the
other commands FAST_RUNS times a round), so that a shared machine slowing down
mid-group slows every command of it alike; the table gives medians over all
runs. Groups:
  selective  the same filter in jq, jaq, DuckDB, kaudit (with and without its
             prefilter) and rg -c on its literal: delete configmaps, user
             erin@example.com, code 403
  summary    jq/jaq: count ResponseComplete per user | sort | uniq -c;
             kaudit summary, top --by user, who, latency (full scans) and
             DuckDB's query for each; the parse ceiling (benches/ceiling.rs:
             serde_json into kaudit's Event, 2 threads, nothing else) and
             the validation floor (the same, each line only checked to be
             JSON, nothing kept) when cargo is there
  stdin      cat FILE | kaudit summary (MB/s)
  gzip       FILE rotated into 100 files (split -n l/100, cached), gzip -6 each:
             kaudit summary over the .gz set against the same set
             uncompressed, and zcat of the .gz set (the decompressor alone)
  threads    kaudit summary -j 1 and -j 2
  progress   kaudit summary under script(1) (stderr a terminal: the bar is
             drawn) with and without --no-progress
  commands   the forensic commands, detect, and events -o ndjson and -o csv
             (every request) against summary

With --hostile, only the hostile group runs (no hyperfine, jq or jaq needed):
peak RSS, wall time and exit code of kaudit (release build, default
settings) under `/usr/bin/time -f '%e %M'`, one run per command, on the
hostile inputs of issue 16, each output checked (summary -o json: records =
events + skipped + malformed, and the counts each input is built to give),
with PASS/FAIL against the target of 512 MB (512,000,000 bytes) peak RSS.
Inputs of the full run (--quick: 50-100x smaller, but lines of 1 MiB):
  open         10,000,000 RequestReceived events that never complete (3.65 GB):
               summary, events -o raw, timeline, and summary on stdin
  copytruncate a 2 GB log (gen_audit.py --size 2G --seed 7) summarized whole,
               then CT_ROUNDS times a fresh copy of it truncated to 0 bytes at
               a seeded random point of the scan: each round must exit 2 with
               "shrank" (0 if the scan had ended), never by a signal
  ka022        N=30,000 RoleBindings, each followed by the grantee's reads
               (../shared/repro/detect-ka022-quadratic.sh): detect, detect -o json
  eventlist    a 650 MB EventList of generated events, on one line and
               pretty-printed, each as a file and on stdin
  duplicates   a 1 GB log (seed 1), each of its lines twice in a row, and the
               log sent twice (cat FILE FILE): as many requests as the log
  big lines    1 GB of ~1 MiB lines (RequestResponse bodies): summary, on stdin,
               events -o raw, history, detect; one 300 MB line (a ConfigMap
               body) as a file and on stdin; one 200 MB line (its userAgent)
  users        1,000,000 requests, each of its own user, IP and agent: summary,
               who, top --by user, where --by user-agent, detect
  gzip bomb    1 GB of zeros, gzip -1 (1 MB), as a file and on stdin: exit 2
  10 GB        gen_audit.py --size 10G --seed 10 --inject-incident: summary,
               detect, timeline
The inputs take about 25 GB in KAUDIT_BENCH_DIR (free disk is checked before
each is made; the 2 GB copy of a copytruncate round is deleted after it).
Estimated time on 2 cores: 20-30 minutes the first time (7-15 of them make
the inputs), 10-15 minutes with the inputs cached; --quick: about a minute.

Options:
  --quick    100 MiB log, 3 rounds of 1 run: checks that the script works (numbers
             are not representative); with --hostile, small inputs (a minute or two)
  --size4g   also benchmark a 4 GiB log (in addition to the 1 GiB one)
  --hostile  run the hostile group (peak memory on hostile inputs, issue 16)
             instead of the timing groups
  --compare OLD_KAUDIT
             A/B of two builds instead of the timing groups: every query
             command (selective and full scans, each output format's heaviest
             use) run by OLD_KAUDIT and by this build in the same interleaved
             rounds, medians, the ratio new/old, and FAIL for a command more than
             3% slower (a refactor must not cost speed: issue 18)
  --write    also write BENCHMARKS.md at the repo root (overwrites it, but
             keeps its hand-measured "## Memory" section and what follows, and
             the hostile section); with --hostile, write only the hostile
             section (its own heading, replaced or appended), keeping the rest
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
  DUCKDB_VERSION    duckdb Python package to install (default 2.0.1)
  DUCKDB_CLI_VERSION
                    duckdb-cli package (the duckdb binary) to install
                    (default 1.5.6, the newest on PyPI)
  CT_ROUNDS         --hostile: copytruncate rounds (default 10; 3 with --quick)
  KAUDIT_BENCH_RSS_CAP
                    --hostile: a watchdog kills (SIGKILL) a kaudit run whose
                    peak RSS passes this many MB, to spare a shared machine;
                    the row then shows exit 137 and FAIL (default 4000)

Installs hyperfine, jq and (best effort) ripgrep with apt-get, jaq with
`cargo install jaq --locked`, and DuckDB (pip: duckdb==$DUCKDB_VERSION and
duckdb-cli==$DUCKDB_CLI_VERSION, in a virtualenv under KAUDIT_BENCH_DIR) when
absent (not for --hostile or --compare).
EOF
}

die() { echo "bench.sh: error: $*" >&2; exit 1; }
log() { echo "bench.sh: $*" >&2; }

# ---------------------------------------------------------------- arguments
quick=0 size4g=0 write=0 hostile=0 compare=""
while (($#)); do
    case "$1" in
        --compare)
            (($# > 1)) || die "--compare needs the old kaudit binary"
            compare=$2
            shift
            ;;
        --quick) quick=1 ;;
        --size4g) size4g=1 ;;
        --hostile) hostile=1 ;;
        --write) write=1 ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown argument: $1" ;;
    esac
    shift
done
if ((quick && size4g)); then die "--quick and --size4g don't go together"; fi
if [[ -n $compare ]]; then
    ((hostile || size4g || write)) && die "--compare goes with --quick only"
    [[ -x $compare ]] || die "--compare: not an executable: $compare"
fi
if ((hostile && size4g)); then die "--hostile and --size4g don't go together"; fi

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$script_dir/.." && pwd)
cd "$repo"
shared="$repo/../shared"
gen="$shared/tools/gen_audit.py"
[[ -f $gen ]] || die "generator not found: $gen (shared/ must sit beside the repo)"

bench_dir=${KAUDIT_BENCH_DIR:-$HOME/.cache/kaudit-bench}
bench_md=${KAUDIT_BENCH_MD:-$repo/BENCHMARKS.md}
hostile_heading="## Hostile inputs: peak memory (issue 16)"
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
gen_tmp="" md_tmp="" victim="" made_inputs=0
cleanup() {
    [[ -n $gen_tmp ]] && rm -f -- "$gen_tmp"
    [[ -n $md_tmp ]] && rm -f -- "$md_tmp"
    [[ -n $victim ]] && rm -f -- "$victim"
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
have_rg=0 have_jaq=0 have_script=0 have_duck=0
duckdb_version=${DUCKDB_VERSION:-2.0.1}
duckdb_cli_version=${DUCKDB_CLI_VERSION:-1.5.6}
if ((hostile)); then
    [[ -x /usr/bin/time ]] || apt_install time || die "could not install time (needed for /usr/bin/time)"
    need_tool gzip gzip
elif [[ -n $compare ]]; then
    need_tool hyperfine hyperfine
else
    need_tool hyperfine hyperfine
    need_tool jq jq
    if command -v rg >/dev/null || apt_install ripgrep; then
        command -v rg >/dev/null && have_rg=1
    fi
    ((have_rg)) || log "ripgrep not available: skipping the rg floor"
    if ! command -v jaq >/dev/null && [[ -x $HOME/.cargo/bin/jaq ]]; then
        PATH="$HOME/.cargo/bin:$PATH"
    fi
    if ! command -v jaq >/dev/null && command -v cargo >/dev/null; then
        log "installing jaq: cargo install jaq --locked (once, a few minutes)"
        cargo install jaq --locked >"$tmp/jaq-install.log" 2>&1 || tail -n 20 "$tmp/jaq-install.log" >&2
    fi
    command -v jaq >/dev/null && have_jaq=1
    ((have_jaq)) || log "jaq not available: skipping the jaq baselines"
    # DuckDB: its Python package and its CLI, pinned, in a virtualenv of their own
    duck_venv="$bench_dir/duckdb-venv"
    duck_py="$duck_venv/bin/python" duck_cli="$duck_venv/bin/duckdb"
    if ! "$duck_py" -c "import duckdb, sys; sys.exit(duckdb.__version__ != '$duckdb_version')" 2>/dev/null ||
        [[ ! -x $duck_cli ]]; then
        log "installing duckdb==$duckdb_version and duckdb-cli==$duckdb_cli_version with pip (once)"
        mkdir -p -- "$bench_dir"
        { python3 -m venv "$duck_venv" &&
            "$duck_py" -m pip install -q "duckdb==$duckdb_version" "duckdb-cli==$duckdb_cli_version"; } \
            >"$tmp/duckdb-install.log" 2>&1 || tail -n 20 "$tmp/duckdb-install.log" >&2
    fi
    if "$duck_py" -c "import duckdb" 2>/dev/null && [[ -x $duck_cli ]]; then
        have_duck=1
    else
        log "DuckDB not available: skipping the DuckDB baselines"
    fi
    command -v script >/dev/null && have_script=1
fi

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
if ((!hostile)) && [[ -z $compare ]] && command -v cargo >/dev/null; then
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

# ensure_file NAME KIB CMD...: set $log_file to $bench_dir/NAME, made (once, then
# cached) from the standard output of CMD, which writes about KIB KiB; checks the
# free disk first. (Not called in $(...): errexit is off in command substitutions.)
ensure_file() {
    local name=$1 kib=$2 file="$bench_dir/$1" need avail
    shift 2
    if [[ -s $file ]]; then
        log "reusing cached $file"
    else
        mkdir -p -- "$bench_dir"
        need=$((kib * 11 / 10))
        avail=$(df -Pk -- "$bench_dir" | awk 'NR==2 {print $4}')
        ((avail >= need)) ||
            die "not enough disk in $bench_dir for $name (need ~${need} KiB, have ${avail} KiB)"
        gen_tmp="$file.tmp.$$"
        log "generating $file (once; cached for later runs)"
        "$@" >"$gen_tmp"
        mv -f -- "$gen_tmp" "$file"
        gen_tmp=""
        made_inputs=1
    fi
    log_file=$file
}

# ensure_log SIZE: set $log_file to the cached log (gen_audit.py, seed 1).
ensure_log() {
    ensure_file "audit-$1-seed1.log" "$(size_kib "$1")" python3 "$gen" --size "$1" --seed 1
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
jq_version="" hf_version=""
if ((!hostile)); then
    jq_version=$(jq --version 2>&1)
    hf_version=$(hyperfine --version 2>&1)
fi
rg_version=""
if ((have_rg)); then rg_version=$(rg --version 2>/dev/null | sed -n 1p); fi
jaq_version=""
if ((have_jaq)); then jaq_version=$(jaq --version 2>/dev/null | sed -n 1p); fi
kaudit_version=$("$kaudit" --version 2>/dev/null | sed -n 1p || true)
machine="$cpu_model, $ncpu CPUs (nproc), ${mem_gib} GiB RAM (free -g), $kernel${os_name:+, $os_name}"

# ---------------------------------------------------------------- hostile group (issue 16)
# Peak memory on hostile inputs: every input is generated here (deterministically, cached in
# $bench_dir, never committed), every command run once under /usr/bin/time, its output checked.

# hostile_gen_py KIND ARGS...: writes one hostile input to stdout (see hostile_main).
hostile_gen_py=$(
    cat <<'PY'
import base64, json, random, sys

out = sys.stdout
kind, args = sys.argv[1], sys.argv[2:]

def pool(n, seed=16):
    """n bytes of base64 text (seeded): bodies that do not compress to nothing"""
    return base64.b64encode(random.Random(seed).randbytes(n * 3 // 4 + 3)).decode()[:n]

def ts(sec, usec=0):
    """2026-11-21, from 15:00:00 on"""
    return "2026-11-21T%02d:%02d:%02d.%06dZ" % (15 + sec // 3600, sec // 60 % 60, sec % 60, usec)

def huge(event, placeholder, nbytes):
    """event on one line, placeholder (a string value in it) replaced by nbytes of base64"""
    pre, post = json.dumps(event).split(placeholder)
    out.write(pre)
    chunk = pool(1 << 20)
    left = max(nbytes - len(pre) - len(post) - 1, 0)
    while left:
        out.write(chunk[:left])
        left -= min(left, len(chunk))
    out.write(post + "\n")

if kind == "open":
    # requests that never complete (../shared/repro/open-requests-oom.sh, with times that go on
    # past one second)
    n = int(args[0])
    t = ('{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"%08d-open",'
         '"stage":"RequestReceived","requestURI":"/api/v1/namespaces/default/pods","verb":"list",'
         '"user":{"username":"u%d"},"objectRef":{"resource":"pods","namespace":"default"},'
         '"requestReceivedTimestamp":"%s","stageTimestamp":"%s"}\n')
    for start in range(0, n, 100000):
        block = []
        for i in range(start, min(n, start + 100000)):
            s = ts(*divmod(i, 1000000))
            block.append(t % (i, i % 1000, s, s))
        out.write("".join(block))

elif kind == "ka022":
    # ../shared/repro/detect-ka022-quadratic.sh: N RoleBindings to eve, each followed by her reads
    n = int(args[0])
    def ev(i, **k):
        return {"kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "RequestResponse",
                "auditID": f"id-{i}", "stage": "ResponseComplete", "requestURI": "/", "verb": k['verb'],
                "user": {"username": k['user']}, "sourceIPs": ["10.0.0.1"],
                "objectRef": {"resource": k['res'], "namespace": "default", "name": k['name'], "apiVersion": "v1"},
                "responseStatus": {"metadata": {}, "code": k['code']},
                "requestReceivedTimestamp": k['t'], "stageTimestamp": k['t']}
    for i in range(n):
        t = f"2026-11-21T14:{(i//1000)%60:02d}:{(i//20)%50:02d}.{i:06d}Z"
        e = ev(2*i, verb='create', user='admin', res='rolebindings', name=f'rb{i}', code=201, t=t)
        e['objectRef']['apiGroup'] = 'rbac.authorization.k8s.io'
        e['requestObject'] = {"kind": "RoleBinding", "roleRef": {"kind": "ClusterRole", "name": "cluster-admin", "apiGroup": "rbac.authorization.k8s.io"}, "subjects": [{"kind": "User", "name": "eve"}]}
        print(json.dumps(e))
        print(json.dumps(ev(2*i+1, verb='get', user='eve', res='secrets', name=f's{i}', code=200, t=t)))

elif kind == "eventlist":
    # the first lines of a log (SRC) up to BYTES, as the items of one EventList: on one line, or
    # pretty-printed (json.dumps indent 2, as jq prints it); the item count goes to COUNT_FILE
    src, limit, style, count_file = args[0], int(args[1]), args[2], args[3]
    n = size = 0
    with open(src) as f:
        if style == "line":
            out.write('{"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{},"items":[')
            for line in f:
                line = line.rstrip("\n")
                out.write("," + line if n else line)
                n += 1
                size += len(line) + 1
                if size >= limit:
                    break
            out.write("]}\n")
        else:
            out.write('{\n  "kind": "EventList",\n  "apiVersion": "audit.k8s.io/v1",\n  "metadata": {},\n  "items": [\n')
            for line in f:
                item = "    " + json.dumps(json.loads(line), indent=2).replace("\n", "\n    ")
                out.write(",\n" + item if n else item)
                n += 1
                size += len(item) + 2
                if size >= limit:
                    break
            out.write("\n  ]\n}\n")
    with open(count_file, "w") as c:
        c.write("%d\n" % n)

elif kind == "biglines":
    # lines of about 1 MiB up to BYTES: updates of four ConfigMaps at RequestResponse level, a
    # RequestReceived and a ResponseComplete each, both with the 1 MiB body
    limit = int(args[0])
    text = pool(4 << 20)
    blob = (1 << 20) - 900
    size = k = 0
    while size < limit:
        name = "big-%d" % (k % 4)
        obj = {"kind": "ConfigMap", "apiVersion": "v1", "metadata": {"name": name, "namespace": "bulk"},
               "data": {"blob": text[(k * 104729) % (len(text) - blob):][:blob]}}
        for stage in ("RequestReceived", "ResponseComplete"):
            e = {"kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "RequestResponse",
                 "auditID": "00000000-0000-4000-8000-%012d" % k, "stage": stage,
                 "requestURI": "/api/v1/namespaces/bulk/configmaps/" + name, "verb": "update",
                 "user": {"username": "deployer", "groups": ["system:authenticated"]},
                 "sourceIPs": ["10.0.3.7"], "userAgent": "helm/v3.15.2",
                 "objectRef": {"resource": "configmaps", "namespace": "bulk", "name": name, "apiVersion": "v1"},
                 "requestReceivedTimestamp": ts(k), "stageTimestamp": ts(k, 0 if stage == "RequestReceived" else 250000),
                 "requestObject": obj}
            if stage == "ResponseComplete":
                e["responseStatus"] = {"metadata": {}, "code": 200}
                e["responseObject"] = {"kind": "ConfigMap", "apiVersion": "v1",
                                       "metadata": {"name": name, "namespace": "bulk", "resourceVersion": str(1000 + k)}}
                e["annotations"] = {"authorization.k8s.io/decision": "allow", "authorization.k8s.io/reason": ""}
            line = json.dumps(e) + "\n"
            out.write(line)
            size += len(line)
        k += 1

elif kind in ("bigbody", "bigagent"):
    # one line of BYTES: a ConfigMap created with a body of one huge value, or a request whose
    # userAgent is the huge value
    nbytes = int(args[0])
    e = {"kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "Request",
         "auditID": "00000000-0000-4000-8000-000000000001", "stage": "ResponseComplete",
         "requestURI": "/api/v1/namespaces/bulk/configmaps", "verb": "create",
         "user": {"username": "mallory", "groups": ["system:authenticated"]}, "sourceIPs": ["10.0.6.66"],
         "userAgent": "kubectl/v1.30.0",
         "objectRef": {"resource": "configmaps", "namespace": "bulk", "name": "huge", "apiVersion": "v1"},
         "responseStatus": {"metadata": {}, "code": 201},
         "requestReceivedTimestamp": ts(0), "stageTimestamp": ts(0, 500000),
         "annotations": {"authorization.k8s.io/decision": "allow", "authorization.k8s.io/reason": ""}}
    if kind == "bigbody":
        e["requestObject"] = {"kind": "ConfigMap", "apiVersion": "v1",
                              "metadata": {"name": "huge", "namespace": "bulk"}, "data": {"blob": "@BLOB@"}}
    else:
        e["userAgent"] = "@BLOB@"
    huge(e, "@BLOB@", nbytes)

elif kind == "users":
    # N complete requests, each of its own user, source IP, user agent and object; one in 7 denied
    n = int(args[0])
    t = ('{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"u-%08d",'
         '"stage":"ResponseComplete","requestURI":"/api/v1/namespaces/%s/%s/%s","verb":"%s",'
         '"user":{"username":"user-%07d@example.com","groups":["system:authenticated"]},'
         '"sourceIPs":["10.%d.%d.%d"],"userAgent":"client-%07d/1.0",'
         '"objectRef":{"resource":"%s","namespace":"%s","name":"%s","apiVersion":"v1"},'
         '"responseStatus":{"metadata":{},"code":%d},"requestReceivedTimestamp":"%s","stageTimestamp":"%s",'
         '"annotations":{"authorization.k8s.io/decision":"%s","authorization.k8s.io/reason":""}}\n')
    res = ("pods", "configmaps", "secrets", "services", "serviceaccounts")
    verbs = ("get", "list", "create", "update", "delete", "watch")
    for start in range(0, n, 100000):
        block = []
        for i in range(start, min(n, start + 100000)):
            ns, name, r = "ns-%05d" % (i % 20000), "obj-%07d" % i, res[i % 5]
            denied = i % 7 == 0
            sec, ms = divmod(i, 1000)
            block.append(t % (i, ns, r, name, verbs[i % 6], i, i >> 16 & 255, i >> 8 & 255, i & 255, i,
                              r, ns, name, 403 if denied else 200, ts(sec, ms * 1000), ts(sec, ms * 1000 + 400),
                              "forbid" if denied else "allow"))
        out.write("".join(block))

else:
    sys.exit("unknown kind " + kind)
PY
)

hgen() { python3 -c "$hostile_gen_py" "$@"; }
gen_doubled() { sed p -- "$1"; }
gen_bomb() { head -c "$1" /dev/zero | gzip -1; }

# the target of issue 16: 512 MB = 512,000,000 bytes of peak RSS (/usr/bin/time's %M is in KiB)
target_kib=500000
rss_cap=${KAUDIT_BENCH_RSS_CAP:-4000}
cap_kib=0

h_cat=()          # files fed to kaudit's stdin through cat (a pipe); none: an empty pipe
h_out="$tmp/h.out" h_err="$tmp/h.err" h_time="$tmp/h.time" h_pid="$tmp/h.pid" h_rcf="$tmp/h.rc"
h_rows="$tmp/hostile.tsv" h_rounds="$tmp/rounds.tsv"

h_feed() { if ((${#h_cat[@]})); then cat -- "${h_cat[@]}"; fi; }

# h_timed CMD...: CMD under /usr/bin/time; the shell that execs it writes its pid to $h_pid
# (for the watchdog), its exit code goes to $h_rcf.
h_timed() {
    local rc=0
    # shellcheck disable=SC2016 # $$ and $@ are the inner shell's
    /usr/bin/time -f '%e %M' -o "$h_time" sh -c 'echo $$ >"$0"; exec "$@"' "$h_pid" "$@" 2>"$h_err" || rc=$?
    echo "$rc" >"$h_rcf"
}

# h_hwm PID: the peak RSS (VmHWM, KiB) of a kaudit process; fails once it is gone.
h_hwm() {
    local k v _ comm
    comm=$(cat -- "/proc/$1/comm" 2>/dev/null) || return 1
    [[ $comm == kaudit* ]] || return 1
    while read -r k v _; do
        if [[ $k == VmHWM: ]]; then
            echo "$v"
            return 0
        fi
    done 2>/dev/null <"/proc/$1/status"
    return 1
}

# hrun MODE CMD...: run kaudit (CMD) once, stdin from h_feed, stdout to $h_out (MODE save),
# counted by wc -lc into $h_out (count) or to /dev/null (null); a watchdog kills it (SIGKILL)
# once its peak RSS passes the cap. Sets h_wall (s), h_kib (peak RSS), h_rc, h_killed.
hrun() {
    local mode=$1 job pid="" hwm
    shift
    rm -f -- "$h_time" "$h_pid" "$h_rcf" "$h_out"
    case $mode in
        save) h_feed | h_timed "$@" >"$h_out" & ;;
        count) h_feed | h_timed "$@" | wc -lc >"$h_out" & ;;
        null) h_feed | h_timed "$@" >/dev/null & ;;
        *) die "hrun: bad mode $mode" ;;
    esac
    job=$!
    h_killed=0
    while kill -0 "$job" 2>/dev/null; do
        if [[ -z $pid && -s $h_pid ]]; then pid=$(<"$h_pid"); fi
        if [[ -n $pid ]] && ((!h_killed)) && hwm=$(h_hwm "$pid") && ((hwm > cap_kib)); then
            log "peak RSS ${hwm} KiB passed the cap of $rss_cap MB: killing kaudit (pid $pid)"
            h_killed=1
            kill -KILL "$pid" 2>/dev/null || true
        fi
        sleep 0.2
    done
    wait "$job" || true
    h_rc=$(cat -- "$h_rcf" 2>/dev/null || echo "?")
    h_wall="?" h_kib="?"
    if [[ -s $h_time ]]; then read -r h_wall h_kib < <(tail -n 1 -- "$h_time"); fi
    log "  exit $h_rc, ${h_wall} s, ${h_kib} KiB peak RSS"
}

# h_check_py MODE RC SPECS...: checks the output of the last hrun; prints STATUS<TAB>NOTES,
# STATUS "ok" or "FAIL: why". SPECS: sums (summary -o json: records = events + skipped +
# malformed), KEY=VALUE (a field of that JSON), lines=N (MODE count), out~REGEX (MODE save),
# err~REGEX (stderr).
h_check_py=$(
    cat <<'PY'
import json, re, sys
out, err, mode, rc, specs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
fails, notes = [], []
def text(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""
doc = None
if any(s == "sums" or ("=" in s and not s.startswith("lines=")) for s in specs):
    try:
        doc = json.loads(text(out))
    except ValueError:
        fails.append("no JSON output")
if doc is not None:
    g = lambda k: doc.get(k) or 0
    r, e, s, m = g("records"), g("events"), g("skipped"), g("malformed")
    note = "records {:,} = {:,} events + {:,} skipped + {:,} malformed; {:,} requests ({:,} incomplete)".format(
        r, e, s, m, g("requests"), g("incomplete"))
    if g("lateEvents"):
        note += ", {:,} late events".format(g("lateEvents"))
    notes.append(note)
    if "sums" in specs and r != e + s + m:
        fails.append("records != events + skipped + malformed")
count = None
if mode == "save" and doc is None:
    t = text(out)
    notes.append("{:,} lines ({:,} bytes) out".format(t.count("\n"), len(t.encode())))
if mode == "count":
    try:
        lines, nbytes = map(int, text(out).split())
        count = lines
        notes.append("{:,} lines ({:,} bytes) out".format(lines, nbytes))
    except ValueError:
        fails.append("no output count")
for s in specs:
    if s == "sums":
        continue
    if s.startswith("lines="):
        if count != int(s[6:]):
            fails.append("{} lines out, want {:,}".format(count, int(s[6:])))
    elif s.startswith("out~"):
        if not re.search(s[4:], text(out)):
            fails.append("output lacks /%s/" % s[4:])
    elif s.startswith("err~"):
        if not re.search(s[4:], text(err)):
            fails.append("stderr lacks /%s/" % s[4:])
    elif "=" in s and doc is not None:
        k, v = s.split("=", 1)
        if str(doc.get(k)) != v:
            fails.append("%s %s, want %s" % (k, doc.get(k), v))
e = text(err).strip().splitlines()
if e and (rc not in ("0", "1") or any(s.startswith("err~") for s in specs)):
    first = e[0] if len(e[0]) <= 110 else e[0][:107] + "..."
    notes.append("stderr: " + first)
status = "FAIL: " + "; ".join(fails) if fails else "ok"
print(status + "\t" + "; ".join(notes).replace("\t", " "))
PY
)

# hcase INPUT DISPLAY MODE WANT_RC SPECS... -- CMD...: run, check and record one row.
# DISPLAY is the command as the table shows it (FILE for the input); WANT_RC a regex.
hcase() {
    local input=$1 display=$2 mode=$3 want=$4 specs=() checked
    shift 4
    while (($#)) && [[ $1 != -- ]]; do
        specs+=("$1")
        shift
    done
    (($#)) || die "hcase: no -- before the command"
    shift
    log "[hostile] $input: $display"
    hrun "$mode" "$@"
    checked=$(python3 -c "$h_check_py" "$h_out" "$h_err" "$mode" "$h_rc" ${specs[@]+"${specs[@]}"})
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$input" "$display" "$h_wall" "$h_kib" "$h_rc" \
        "$want" "$h_killed" "$checked" >>"$h_rows"
    case $checked in
        ok*) ;;
        *) log "  check: ${checked%%$'\t'*}" ;;
    esac
}

# json_field KEY: a field of the JSON in $h_out (the last summary -o json).
json_field() {
    python3 -c 'import json, sys; print(json.load(open(sys.argv[1])).get(sys.argv[2]))' "$h_out" "$1"
}

# human FILE: its size, "3.65 GB" or "52.4 MB"; th N: 10000000 -> 10,000,000
human() {
    python3 -c 'import sys; n = int(sys.argv[1]); print("%.2f GB" % (n / 1e9) if n >= 1e9 else "%.1f MB" % (n / 1e6))' \
        "$(stat -L -c %s -- "$1")"
}
th() { python3 -c 'import sys; print("{:,}".format(int(sys.argv[1])))' "$1"; }

hostile_main() {
    local k=$kaudit f n avail want q e bytes rounds delays d i rc t0 hostile_start=$SECONDS
    : >"$h_rows"
    : >"$h_rounds"
    local open_n=10000000 ct_size=2G ka022_n=30000 dup_size=1G el_size=650M biglines_size=1G
    local body_size=300M agent_size=200M users_n=1000000 bomb_size=1G big_size=10G
    [[ $rss_cap =~ ^[1-9][0-9]*$ ]] || die "KAUDIT_BENCH_RSS_CAP must be a positive integer (MB), got '$rss_cap'"
    cap_kib=$((rss_cap * 1000000 / 1024))
    rounds=${CT_ROUNDS:-10}
    if ((quick)); then
        open_n=150000 ct_size=40M ka022_n=1000 dup_size=20M el_size=10M biglines_size=20M
        body_size=5M agent_size=5M users_n=40000 bomb_size=100M big_size=100M
        rounds=${CT_ROUNDS:-3}
    fi
    [[ $rounds =~ ^[1-9][0-9]*$ ]] || die "CT_ROUNDS must be a positive integer, got '$rounds'"

    # 1. requests that never complete
    ensure_file "hostile-open-$open_n.log" $((open_n * 366 / 1024)) hgen open "$open_n"
    f=$log_file
    n="$(th "$open_n") never-completing requests ($(human "$f"))"
    hcase "$n" "kaudit summary -o json FILE" save 0 sums "events=$open_n" "requests=$open_n" \
        "incomplete=$open_n" -- "$k" summary -o json "$f"
    hcase "$n" "kaudit events -o raw FILE" count 0 "lines=$open_n" -- "$k" events -o raw "$f"
    hcase "$n" "kaudit timeline FILE" count 0 -- "$k" timeline "$f"
    h_cat=("$f")
    hcase "$n" "cat FILE | kaudit summary -o json" save 0 sums "events=$open_n" "requests=$open_n" \
        -- "$k" summary -o json
    h_cat=()

    # 2. copytruncate: a fresh copy truncated to 0 bytes at a seeded random point of the scan
    ensure_file "audit-$ct_size-seed7.log" "$(size_kib "$ct_size")" python3 "$gen" --size "$ct_size" --seed 7
    f=$log_file
    n="$ct_size log (seed 7, $(human "$f"))"
    cat -- "$f" >/dev/null
    hcase "$n" "kaudit summary -o json FILE (not truncated)" save 0 sums -- "$k" summary -o json "$f"
    t0=$h_wall
    bytes=$(stat -L -c %s -- "$f")
    avail=$(df -Pk -- "$bench_dir" | awk 'NR==2 {print $4}')
    ((avail >= bytes * 11 / 10240)) || die "not enough disk in $bench_dir for a copy of $f"
    # delays: seeded fractions of the untruncated scan's wall time (at least 0.05 s)
    delays=$(python3 -c 'import random, sys
r = random.Random(7); t = float(sys.argv[1])
print(" ".join("%.3f" % max(0.05, r.uniform(0.1, 0.95) * t) for _ in range(int(sys.argv[2]))))' "$t0" "$rounds")
    victim="$bench_dir/victim-$$.log"
    i=0
    for d in $delays; do
        i=$((i + 1))
        log "[hostile] copytruncate round $i/$rounds: truncating after $d s"
        cp -- "$f" "$victim"
        # the delay runs from kaudit's start (its pid written), not from when it was asked for:
        # on a busy machine a start can lag, and a file cut before it is opened is only empty
        rm -f -- "$h_pid"
        (until [[ -s $h_pid ]]; do sleep 0.01; done; sleep "$d" && truncate -c -s 0 -- "$victim") &
        q=$!
        hrun save "$k" summary -o json "$victim"
        wait "$q" || true
        rc=$h_rc
        e=$(head -c 300 -- "$h_err" | tr '\n\t' '  ')
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$i" "$d" "$h_wall" "$h_kib" "$rc" "$e" >>"$h_rounds"
        rm -f -- "$victim"
    done
    victim=""

    # 3. KA022: N RoleBindings to one user, each followed by her requests
    ensure_file "hostile-ka022-$ka022_n.log" $((ka022_n * 2 / 1024 + 1)) hgen ka022 "$ka022_n"
    f=$log_file
    n="KA022, N=$(th "$ka022_n") ($(human "$f"))"
    hcase "$n" "kaudit detect FILE" save 0 'out~KA022' -- "$k" detect "$f"
    hcase "$n" "kaudit detect -o json FILE > /dev/null" null 0 -- "$k" detect -o json "$f"
    hcase "$n" "kaudit summary -o json FILE" save 0 sums "events=$((2 * ka022_n))" -- "$k" summary -o json "$f"

    # 4. EventList documents (items: the head of the seed-1 log)
    ensure_log "$dup_size"
    local src=$log_file style count
    for style in line pretty; do
        count="$bench_dir/hostile-eventlist-$style-$el_size.json.items"
        [[ -s $count ]] || rm -f -- "$bench_dir/hostile-eventlist-$style-$el_size.json"
        ensure_file "hostile-eventlist-$style-$el_size.json" "$(size_kib "$el_size")" \
            hgen eventlist "$src" "$(($(size_kib "$el_size") * 1024))" "$style" "$count"
        f=$log_file
        e=$(<"$count")
        if [[ $style == line ]]; then n="EventList on one line"; else n="EventList, pretty-printed"; fi
        n+=" ($(th "$e") items, $(human "$f"))"
        hcase "$n" "kaudit summary -o json FILE" save 0 sums "events=$e" malformed=0 -- "$k" summary -o json "$f"
        h_cat=("$f")
        hcase "$n" "cat FILE | kaudit summary -o json" save 0 sums "events=$e" malformed=0 -- "$k" summary -o json
        h_cat=()
    done

    # 5. lines delivered twice, a file delivered twice
    f=$src
    n="$dup_size log (seed 1, $(human "$f"))"
    hcase "$n" "kaudit summary -o json FILE (the single copy)" save 0 sums -- "$k" summary -o json "$f"
    q=$(json_field requests)
    e=$(json_field events)
    ensure_file "hostile-doubled-$dup_size.log" $(($(size_kib "$dup_size") * 2)) gen_doubled "$src"
    hcase "every line twice ($(human "$log_file"))" "kaudit summary -o json FILE" save 0 sums "requests=$q" \
        "events=$((2 * e))" -- "$k" summary -o json "$log_file"
    h_cat=("$f" "$f")
    hcase "the $dup_size log twice ($(human "$f") x 2)" "cat FILE FILE | kaudit summary -o json" save 0 sums \
        "requests=$q" "events=$((2 * e))" -- "$k" summary -o json
    h_cat=()

    # 6. big lines and bodies
    ensure_file "hostile-lines1m-$biglines_size.log" "$(size_kib "$biglines_size")" \
        hgen biglines "$(($(size_kib "$biglines_size") * 1024))"
    f=$log_file
    e=$(wc -l <"$f")
    n="$(th "$e") lines of ~1 MiB ($(human "$f"))"
    hcase "$n" "kaudit summary -o json FILE" save 0 sums "events=$e" malformed=0 -- "$k" summary -o json "$f"
    h_cat=("$f")
    hcase "$n" "cat FILE | kaudit summary -o json" save 0 sums "events=$e" malformed=0 -- "$k" summary -o json
    h_cat=()
    hcase "$n" "kaudit events -o raw FILE" count 0 "lines=$e" -- "$k" events -o raw "$f"
    hcase "$n" "kaudit history -n bulk configmap/big-0 FILE" count 0 -- "$k" history -n bulk configmap/big-0 "$f"
    hcase "$n" "kaudit detect FILE" count 0 -- "$k" detect "$f"

    ensure_file "hostile-body-$body_size.log" "$(size_kib "$body_size")" hgen bigbody "$(($(size_kib "$body_size") * 1024))"
    f=$log_file
    n="one $(human "$f") line (a ConfigMap body)"
    # a record is capped at 256 MiB, on every input path: a longer line is one malformed
    # record (exit 1: no request), read past without being held
    local want=0 ev=1
    (($(size_kib "$body_size") > 256 * 1024)) && want=1 ev=0
    hcase "$n" "kaudit summary -o json FILE" save "$want" sums records=1 "events=$ev" -- "$k" summary -o json "$f"
    h_cat=("$f")
    hcase "$n" "cat FILE | kaudit summary -o json" save "$want" sums records=1 "events=$ev" -- "$k" summary -o json
    h_cat=()
    hcase "$n" "kaudit events -o raw FILE" count "$want" "lines=$ev" -- "$k" events -o raw "$f"
    hcase "$n" "kaudit history -n bulk configmap/huge FILE" count "$want" -- "$k" history -n bulk configmap/huge "$f"

    ensure_file "hostile-agent-$agent_size.log" "$(size_kib "$agent_size")" hgen bigagent "$(($(size_kib "$agent_size") * 1024))"
    f=$log_file
    n="one $(human "$f") line (its userAgent)"
    hcase "$n" "kaudit summary -o json FILE" save 0 sums records=1 events=1 -- "$k" summary -o json "$f"
    hcase "$n" "kaudit summary FILE" count 0 -- "$k" summary "$f"
    hcase "$n" "kaudit who FILE" count 0 -- "$k" who "$f"
    hcase "$n" "kaudit events -o json FILE" count 0 -- "$k" events -o json "$f"

    # 7. many distinct users, IPs and agents
    ensure_file "hostile-users-$users_n.log" $((users_n * 560 / 1024)) hgen users "$users_n"
    f=$log_file
    n="$(th "$users_n") users, one request each ($(human "$f"))"
    hcase "$n" "kaudit summary -o json FILE" save 0 sums "requests=$users_n" -- "$k" summary -o json "$f"
    hcase "$n" "kaudit who FILE" count 0 -- "$k" who "$f"
    hcase "$n" "kaudit top --by user FILE" count 0 -- "$k" top --by user "$f"
    hcase "$n" "kaudit where --by user-agent FILE" count 0 -- "$k" where --by user-agent "$f"
    hcase "$n" "kaudit detect FILE" count 0 -- "$k" detect "$f"

    # 8. a gzip bomb
    ensure_file "hostile-bomb-$bomb_size.gz" $(($(size_kib "$bomb_size") / 500 + 1)) gen_bomb "$(($(size_kib "$bomb_size") * 1024))"
    f=$log_file
    n="gzip bomb: $bomb_size of zeros in $(th "$(stat -L -c %s -- "$f")") bytes"
    hcase "$n" "kaudit summary -o json FILE" save 2 sums 'err~gzip' -- "$k" summary -o json "$f"
    h_cat=("$f")
    hcase "$n" "cat FILE | kaudit summary -o json" save 2 sums 'err~gzip' -- "$k" summary -o json
    h_cat=()

    # 9. the largest: 10 GB with an incident
    ensure_file "audit-$big_size-seed10-incident.log" "$(size_kib "$big_size")" \
        python3 "$gen" --size "$big_size" --seed 10 --inject-incident
    f=$log_file
    n="$big_size log with an incident (seed 10, $(human "$f"))"
    hcase "$n" "kaudit summary -o json FILE" save 0 sums malformed=0 -- "$k" summary -o json "$f"
    hcase "$n" "kaudit detect FILE" save 0 'out~CRITICAL' -- "$k" detect "$f"
    hcase "$n" "kaudit timeline FILE" count 0 -- "$k" timeline "$f"

    hostile_minutes=$(((SECONDS - hostile_start + 30) / 60))
}

# the Markdown report of the hostile group: its table, the copytruncate rounds, the verdicts
hostile_report_py=$(
    cat <<'PY'
import re, sys
rows_path, rounds_path, target_kib, cap_mb = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
rows = [l.rstrip("\n").split("\t") for l in open(rows_path) if l.strip()]
rounds = [l.rstrip("\n").split("\t") for l in open(rounds_path) if l.strip()]

def mb(kib):
    return "%.1f" % (int(kib) * 1024 / 1e6) if kib.isdigit() else kib

def cell(s):
    return s.replace("|", "\\|")

out = ["| input | command | wall s | peak RSS MB | exit | output | <= 512 MB |",
       "|---|---|---:|---:|---|---|---|"]
over, bad_rc, bad_out, runs = [], [], [], 0
for input_, display, wall, kib, rc, want, killed, status, notes in rows:
    runs += 1
    what = "%s: `%s`" % (input_, display)
    rss_ok = kib.isdigit() and int(kib) <= target_kib and killed == "0"
    rc_ok = re.fullmatch(want, rc) is not None
    if not rss_ok:
        over.append("%s (%s MB)" % (what, mb(kib)))
    if not rc_ok:
        bad_rc.append("%s (exit %s, want %s)" % (what, rc, want))
    rss = mb(kib) + (" (killed at the %s MB cap)" % cap_mb if killed == "1" else "")
    ex = rc if rc_ok else "**%s** (want %s)" % (rc, want.replace("|", " or "))
    if killed == "1":
        check = "not checked (killed)"
    else:
        if status != "ok":
            bad_out.append("%s (%s)" % (what, status[6:]))
        check = "ok" if status == "ok" else "**%s**" % status
        if notes:
            check += ": " + notes
    out.append("| %s | `%s` | %s | %s | %s | %s | %s |" % (
        cell(input_), cell(display), wall, rss, cell(ex), cell(check), "PASS" if rss_ok else "**FAIL**"))
    if display.endswith("(not truncated)") and rounds:
        runs += 1
        kibs = [int(r[3]) for r in rounds if r[3].isdigit()]
        walls = [float(r[2]) for r in rounds if r[2].replace(".", "", 1).isdigit()]
        peak = max(kibs) if len(kibs) == len(rounds) else None
        codes = {}
        for r in rounds:
            codes[r[4]] = codes.get(r[4], 0) + 1
        wrong = [r for r in rounds if not (r[4] == "0" or (r[4] == "2" and "shrank" in r[5]))]
        what = "%s: `%s`" % (input_, "truncated mid-scan")
        rss_ok = peak is not None and peak <= target_kib
        if not rss_ok:
            over.append("%s (%s MB)" % (what, mb(str(peak))))
        if wrong:
            bad_rc.append("%s (rounds %s)" % (what, ", ".join("%s: exit %s" % (r[0], r[4]) for r in wrong)))
        ex = ", ".join("%s x%d" % (c, codes[c]) for c in sorted(codes))
        check = ("ok: every round exit 2 with \"shrank\", or 0 (the scan had ended)" if not wrong else
                 "**FAIL: %d round(s) exit otherwise**" % len(wrong))
        out.append("| %s | `kaudit summary -o json COPY`, COPY truncated to 0 bytes mid-scan: %d rounds, each on a fresh copy (max over rounds) | %s | %s | %s | %s | %s |" % (
            cell(input_), len(rounds), "%.2f" % max(walls) if walls else "?", mb(str(peak)) if peak else "?",
            ex, check, "PASS" if rss_ok else "**FAIL**"))
out.append("")
out.append("MB = 10^6 bytes; peak RSS = `/usr/bin/time` %M (KiB) x 1024. One run per command, default settings.")
if rounds:
    out.append("")
    out.append("Copytruncate rounds (truncation delay after the start, seeded; exit; wall; peak RSS; stderr):")
    out.append("")
    for i, d, wall, kib, rc, err in rounds:
        out.append("- round %s: %s s; exit %s; %s s; %s MB; %s" % (i, d, rc, wall, mb(kib), ("`%s`" % err[:160].strip()) if err.strip() else "-"))
out.append("")
out.append("Targets (issue 16):")
out.append("")
def verdict(bad, text):
    out.append("- %s %s" % ("PASS" if not bad else "FAIL", text))
    for b in bad:
        out.append("  - " + b)
verdict(over, "peak RSS at most 512 MB in every run (%d runs; %d over)" % (runs, len(over)))
verdict(bad_rc, "exit codes as documented, never a signal (%d unexpected)" % len(bad_rc))
verdict(bad_out, "outputs checked: the counts add up and show what each input holds (%d wrong)" % len(bad_out))
print("\n".join(out))
PY
)

# hostile_section: the Markdown section of the hostile group (heading included)
hostile_section() {
    echo "$hostile_heading"
    echo
    if ((quick)); then
        echo "**Quick run (--hostile --quick: small inputs): checks the script; figures are not the target's.**"
        echo
    fi
    echo "Peak resident memory of kaudit on the hostile inputs of issue 16, whose target is at most"
    echo "512 MB with default settings on every one of them. Reproduce: \`scripts/bench.sh --hostile --write\`."
    echo
    echo "- Machine: $machine"
    echo "- Commit: $commit"
    echo "- Date: $run_date"
    echo "- kaudit binary: $kaudit_note; \`kaudit --version\`: ${kaudit_version:-unknown}"
    echo "- Inputs: made by scripts/bench.sh (deterministic; cached in \`\${KAUDIT_BENCH_DIR:-~/.cache/kaudit-bench}\`, never committed); see \`scripts/bench.sh --help\`"
    echo "- Method: each command run once with \`/usr/bin/time -f '%e %M'\`, default settings; stdout to a file (\`summary -o json\`, checked), counted by \`wc -lc\`, or to /dev/null; stdin an empty pipe, or FILE through \`cat\` (a pipe) where the command says so; a watchdog kills a run past $rss_cap MB (KAUDIT_BENCH_RSS_CAP)"
    echo "- Duration: about $hostile_minutes min for the whole group (inputs ${hostile_inputs_note})"
    echo
    printf '%s\n' "$hostile_report"
}

if ((hostile)); then
    mkdir -p -- "$bench_dir"
    log "free disk in $bench_dir: $(df -Ph -- "$bench_dir" | awk 'NR==2 {print $4}') (the full run keeps about 25 GB of inputs there)"
    hostile_main
    hostile_report=$(python3 -c "$hostile_report_py" "$h_rows" "$h_rounds" "$target_kib" "$rss_cap")
    if ((made_inputs)); then
        hostile_inputs_note="made in this run, included"
    else
        hostile_inputs_note="cached from an earlier run"
    fi
    section=$(hostile_section)
    echo
    printf '%s\n' "$section"
    if ((write)); then
        md_tmp="$bench_md.tmp.$$"
        printf '%s\n' "$section" >"$tmp/section.md"
        # the section replaces its namesake (up to the next "## " heading) or is appended
        python3 - "$bench_md" "$hostile_heading" "$tmp/section.md" >"$md_tmp" <<'PY'
import sys
path, heading, section = sys.argv[1], sys.argv[2], open(sys.argv[3]).read()
try:
    text = open(path).read()
except FileNotFoundError:
    text = "# kaudit benchmarks\n"
lines = text.splitlines(keepends=True)
start = next((i for i, l in enumerate(lines) if l.rstrip("\n") == heading), None)
if start is None:
    sys.stdout.write(text.rstrip("\n") + "\n\n" + section)
else:
    end = next((j for j in range(start + 1, len(lines)) if lines[j].startswith("## ")), len(lines))
    sys.stdout.write("".join(lines[:start]) + section + ("\n" + "".join(lines[end:]) if end < len(lines) else ""))
PY
        mv -f -- "$md_tmp" "$bench_md"
        md_tmp=""
        log "wrote the section \"$hostile_heading\" of $bench_md"
    fi
    exit 0
fi

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
        if (($# < 3)) || [[ $1 != -n ]]; then die "measure: expected -n NAME CMD, got '$*'"; fi
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

# ---------------------------------------------------------------- --compare
# compare_main: OLD and this build on every query command, interleaved; exits.
compare_main() {
    ensure_log "${sizes[0]}"
    file=$log_file
    local qf q_old i=0 args
    qf=$(printf '%q' "$file")
    q_old=$(printf '%q' "$compare")
    local cmds=(
        "events -v delete -r configmaps"
        "events -u erin@example.com"
        "events --code 403"
        "events -o json"
        "events -o csv"
        "summary"
        "top --by user"
        "who"
        "what"
        "where"
        "when"
        "latency"
        "tokens"
        "timeline -u erin@example.com"
        "timeline -o json"
        "detect"
    )
    : >"$tmp/compare.list"
    for args in "${cmds[@]}"; do
        i=$((i + 1))
        log "compare $i/${#cmds[@]}: $args"
        measure "$tmp/compare.$i.json" \
            -n "old $args" "$q_old $args $qf" \
            -n "new $args" "$q_kaudit $args $qf"
        printf '%s\t%s\n' "$args" "$tmp/compare.$i.json" >>"$tmp/compare.list"
    done
    echo "## A/B: $(basename -- "$compare") (old) against $commit (new)"
    echo
    echo "- Machine: $cpu_model, $ncpu cores, ${mem_gib} GiB; $kernel; date $run_date"
    echo "- Log: $(basename -- "$file") ($(stat -L -c %s -- "$file") bytes); $method"
    echo
    python3 - "$tmp/compare.list" <<'PY'
import json, sys
print("| command | old (s) | new (s) | new/old | |")
print("|---|---|---|---|---|")
worst = 0.0
for line in open(sys.argv[1]):
    args, path = line.rstrip("\n").split("\t")
    res = {r["command"].split(" ", 1)[0]: r["median"] for r in json.load(open(path))["results"]}
    ratio = res["new"] / res["old"]
    worst = max(worst, ratio)
    print(f"| `{args}` | {res['old']:.3f} | {res['new']:.3f} | {ratio:.3f} | {'PASS' if ratio <= 1.03 else 'FAIL'} |")
print()
print(f"Slowest ratio: {worst:.3f} (target: no command more than 3% slower).")
PY
}

# duck_cmds QUERY: sets duck=(-n NAME CMD -n NAME CMD): DuckDB's CLI and Python package
# running the SQL of scripts/bench_duckdb.py for QUERY on $file (rows printed as CSV).
duck_cmds() {
    local sqlf="$tmp/duckdb-$1.sql"
    python3 "$script_dir/bench_duckdb.py" sql "$1" "$file" >"$sqlf"
    duck=(-n "duckdb cli: $1 FILE" "$(printf '%q' "$duck_cli") -csv -f $(printf '%q' "$sqlf")"
        -n "duckdb python: $1 FILE"
        "$(printf '%q %q run %q' "$duck_py" "$script_dir/bench_duckdb.py" "$1") $qf")
}

# ---------------------------------------------------------------- benchmarks
# hyperfine's own progress/summary goes to stderr; stdout carries only the report.
manifest="$tmp/manifest.tsv"
: >"$manifest"
q_kaudit=$(printf '%q' "$kaudit")
if [[ -n $compare ]]; then
    compare_main
    exit 0
fi

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
        if ((have_duck)); then
            duck_cmds "$qname"
            sel+=("${duck[@]}")
        fi
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
        -n "kaudit who FILE" "$q_kaudit who $qf"
        -n "kaudit latency FILE" "$q_kaudit latency $qf")
    if ((have_duck)); then
        for dq in summary top-user who latency; do
            duck_cmds "$dq"
            sum+=("${duck[@]}")
        done
    fi
    if [[ -n $ceiling ]]; then
        sum+=(-n "ceiling: serde_json parse of every line, 2 threads FILE" "$(printf '%q' "$ceiling") $qf 2"
            -n "floor: every line checked to be JSON, nothing kept (serde_json IgnoredAny), 2 threads FILE" "$(printf '%q' "$ceiling") $qf 2 --validate")
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

    # gzip: a rotated set of 100 files, compressed and not (made once from FILE, cached)
    rot="$bench_dir/rot-$size-seed1"
    if [[ ! -s $rot/done ]]; then
        log "[$size] making the rotated set $rot (once; cached for later runs)"
        rm -rf -- "$rot"
        mkdir -p -- "$rot"
        split -n l/100 -d -a 3 --additional-suffix=.log -- "$file" "$rot/audit-"
        for f in "$rot"/audit-*.log; do gzip -6 -c -- "$f" >"$f.gz"; done
        echo ok >"$rot/done"
        made_inputs=1
    fi
    qrot=$(printf '%q' "$rot")
    log "[$size] group gzip"
    measure "$tmp/gzip-$size.json" \
        -n "kaudit summary ROT/*.log (100 files)" "$q_kaudit summary $qrot/*.log" \
        -n "kaudit summary ROT/*.log.gz (the same, gzip -6)" "$q_kaudit summary $qrot/*.log.gz" \
        -n "zcat ROT/*.log.gz (decompression alone)" "zcat $qrot/*.log.gz" >&2
    printf '%s\t%s\t%s\t%s\n' "$size" "$bytes" gzip "$tmp/gzip-$size.json" >>"$manifest"

    # the forensic commands, timed against summary (a full scan) in the same run
    log "[$size] group commands"
    cmds=(-n "kaudit summary FILE" "$q_kaudit summary $qf")
    for c in when timeline who what where latency "top --by user,verb" detect \
        "events -o ndjson" "events -o csv"; do
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
    if c.startswith("floor:"):
        return "floor"
    if c.startswith("duckdb "):
        return "duckdb"
    return "kaudit"

def first(results, k, contains=""):
    for r in results:
        if kind(r) == k and contains in r["command"] and "--no-prefilter" not in r["command"]:
            return r["median"]
    return None

def duck(results, query):
    """The faster of DuckDB's CLI and Python package on `query` (its best form)."""
    t = [r["median"] for r in results if kind(r) == "duckdb" and (": %s " % query) in r["command"]]
    return min(t) if t else None

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
out.append("Targets (issues 5 and 19; DuckDB: the faster of its CLI and Python package):")
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
        r = ratio(k, rg); check(None if r is None else r <= 2, "%s (%s): %s the time of rg -c (<= 2x, issue 19)" % (group, size, fx(r)))
        d = duck(results, group.split(" ", 1)[1])
        r = ratio(d, k); check(None if r is None else r >= 10, "%s (%s): %s faster than DuckDB (>= 10x, issue 19)%s" % (group, size, fx(r),
            "" if d is None or rg is None else "; 10x would take %.3f s, and `rg -c` reading the log once takes %.3f s" % (d / 10, rg)))
    res = by.get((size, "summary"))
    if res:
        jq, jaq = first(res, "jq"), first(res, "jaq")
        for name in ("kaudit summary", "kaudit top --by user", "kaudit who"):
            k = first(res, "kaudit", name + " ")
            r = ratio(jq, k); check(None if r is None else r >= 20, "full scan `%s` (%s): %s faster than jq (>= 20x)" % (name, size, fx(r)))
            r = ratio(jaq, k); check(None if r is None else r >= 8, "full scan `%s` (%s): %s faster than jaq (>= 8x)" % (name, size, fx(r)))
            c = first(res, "ceiling")
            r = ratio(k, c); check(None if r is None else r <= 1.3, "full scan `%s` (%s): %s the time of the parse ceiling (<= 1.3x)" % (name, size, fx(r)))
        for name, query in (("kaudit summary", "summary"), ("kaudit top --by user", "top-user"),
                            ("kaudit who", "who"), ("kaudit latency", "latency")):
            k, d, v = first(res, "kaudit", name + " "), duck(res, query), first(res, "floor")
            r = ratio(d, k); check(None if r is None else r >= 2, "full scan `%s` (%s): %s faster than DuckDB's `%s` (>= 2x, issue 19)%s" % (name, size, fx(r), query,
                "" if d is None or v is None else "; 2x would take %.3f s, and checking that every line is JSON, keeping nothing, takes %.3f s" % (d / 2, v)))
    res = by.get((size, "stdin"))
    if res:
        mbs = [n for s2, n, g, _ in rows if s2 == size and g == "stdin"][0] / 1e6 / res[0]["median"]
        check(mbs >= 600, "stdin (%s): %.0f MB/s (>= 600 MB/s)" % (size, mbs))
    res = by.get((size, "gzip"))
    if res:
        r = res[1]["median"] / res[0]["median"]
        check(r <= 1.6, "gzip (%s): a gzip-rotated set takes %.2fx the time of the same bytes uncompressed (<= 1.6x, issue 19)" % (size, r))
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
            if r["command"].startswith("kaudit events -o ndjson"):
                check(r["median"] / base <= 2, "every request as NDJSON (%s): %.2fx the time of summary (<= 2x, issue 19)" % (size, r["median"] / base))
print("\n".join(out))
PY
)
report=$(python3 -c "$report_py" "$manifest")

duck_version=""
if ((have_duck)); then
    duck_version="DuckDB: Python package $("$duck_py" -c 'import duckdb; print(duckdb.__version__)'), CLI $("$duck_cli" --version | cut -d' ' -f1)"
fi
tools="$jq_version${jaq_version:+; $jaq_version}; $hf_version${rg_version:+; $rg_version}${duck_version:+; $duck_version}; kaudit: ${kaudit_version:-version unknown}"
# the SQL DuckDB ran, for the report
duck_sql=""
if ((have_duck)); then
    duck_sql="DuckDB's queries (scripts/bench_duckdb.py; the CLI runs them with \`-csv -f\`, Python with \`duckdb.sql(...).fetchall()\`):"$'\n'
    for dq in $(python3 "$script_dir/bench_duckdb.py" list); do
        duck_sql+=$'\n'"- \`$dq\`: \`$(python3 "$script_dir/bench_duckdb.py" sql "$dq" FILE)\`"
    done
fi
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
if [[ -n $duck_sql ]]; then
    echo
    printf '%s\n' "$duck_sql"
fi

if ((write)); then
    md_tmp="$bench_md.tmp.$$"
    # sections measured by hand (## Memory to the end) are kept
    kept="" kept_hostile=""
    if [[ -f $bench_md ]]; then
        kept=$(sed -n '/^## Memory$/,$p' "$bench_md")
        # the hostile group's section (scripts/bench.sh --hostile --write) too, wherever it is
        if ! grep -qxF -- "$hostile_heading" <<<"$kept"; then
            kept_hostile=$(awk -v h="$hostile_heading" '$0 == h {on = 1; print; next} on && /^## / {on = 0} on' "$bench_md")
        fi
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
        if [[ -n $duck_sql ]]; then
            echo
            printf '%s\n' "$duck_sql"
        fi
        if [[ -n $kept ]]; then
            echo
            printf '%s\n' "$kept"
        fi
        if [[ -n $kept_hostile ]]; then
            echo
            printf '%s\n' "$kept_hostile"
        fi
    } >"$md_tmp"
    mv -f -- "$md_tmp" "$bench_md"
    md_tmp=""
    log "wrote $bench_md"
fi
