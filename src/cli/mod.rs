//! The command line: one `Cli` with a subcommand each, and the flag groups every query command
//! shares (`InputArgs`, `FilterArgs`, `OutputArgs`), flattened rather than copied.
//!
//! Only declarations live here: validation that needs more than a type (times, CIDRs, regexes)
//! happens when `config` compiles the filter.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

mod by;
mod order;

pub use by::{Field, FieldParser, GroupSort};
pub use order::hoist;

/// A string argument whose usual values are offered by shell completion, while any value is
/// accepted (a CRD's resource name, a verb list): kaudit validates them itself, with messages
/// that name the flag.
#[derive(Clone)]
pub struct Suggest(pub &'static [&'static str]);

impl clap::builder::TypedValueParser for Suggest {
    type Value = String;
    fn parse_ref(
        &self,
        _cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        Ok(value.to_string_lossy().into_owned())
    }
    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(
            self.0.iter().map(|v| clap::builder::PossibleValue::new(*v)),
        ))
    }
}

/// `detect --max-evidence`'s default: more than any finding of the real logs in testdata/s5/
/// has.
pub const EVIDENCE: usize = 1000;
/// `detect --max-rule-hits`'s default: some 60 MB per rule at most, so that the few threshold
/// and sequence rules one request can match stay well within 512 MB together.
pub const RULE_HITS: usize = 200_000;

/// What the inputs hold (`--input-format`). `auto` recognises each line or document by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum InputFormat {
    /// Recognise each file, line and document by itself
    #[default]
    Auto,
    /// JSON lines of audit Events, as the API server's log backend writes them
    Native,
    /// JSON documents: an Event, an EventList (the webhook's batch) or an array of Events,
    /// pretty-printed or not
    Json,
    /// EKS: CloudWatch Logs JSON (`aws logs filter-log-events`/`get-log-events`), or the S3
    /// export's `TIMESTAMP {event}` lines
    Eks,
    /// GKE: Cloud Logging LogEntry objects, one per line or as `gcloud logging read
    /// --format=json` prints them
    Gke,
    /// AKS: Azure Monitor diagnostic records (`kube-audit`, `kube-audit-admin`), one per line or
    /// `{"records":[...]}` batches
    Aks,
}

/// Verbs offered by completion.
pub const VERB_VALUES: &[&str] = &crate::vocab::verbs::COMPLETION;

/// The exit-code table, as a macro so it can be `concat!`ed into each command's help.
macro_rules! exit_codes {
    () => {
        "Exit codes:
  0  success: at least one request matched
  1  the scan ran, but nothing matched
  2  error: bad arguments, unreadable input (also: a file truncated while read,
     gzip data past --max-gzip-ratio), (with --strict) malformed lines, or output
     that cannot be written (a closed pipe, `| head`, is not an error)"
    };
}

pub const EXIT_CODES: &str = exit_codes!();

/// The top-level help's exit codes: those of every command, and the alert of the two commands
/// that raise one.
const TOP_EXIT_CODES: &str = concat!(
    exit_codes!(),
    "
  3  an alert: `detect --fail-on` found something at or above that severity, or `policy
     check --fail-on-lint` met a warning or lint (it outranks 2: see their help)"
);

/// `kaudit timeline --help`: examples on the shipped sample, then the exit codes.
pub const TIMELINE_HELP: &str = concat!(
    "\
Examples:
  kaudit timeline -u eve testdata/s5/
      everything eve did (and what was done as eve), repeats collapsed
  kaudit timeline -r rolebindings,clusterrolebindings -v write --since '2026-11-21 14:58:30' testdata/s5/
      every RBAC binding change after start-up, who made it and whether it worked
  kaudit timeline --code 401 --context 1s testdata/s5/
      the failed authentication, with every other request in the second around it

",
    exit_codes!()
);

#[derive(Debug, Parser)]
#[command(
    name = "kaudit",
    version,
    about = "Answer who did what, when, from where, and with what result, from Kubernetes API-server audit logs.",
    long_about = "Answer who did what, when, from where, and with what result, from Kubernetes API-server audit logs.\n\n\
kaudit reads audit.k8s.io Event logs (JSON lines; rotated and gzipped sets; stdin), joins the \
stages of each request by auditID, and answers queries over requests.\n\n\
Flags go after the command or before it, as with kubectl: `kaudit -o json who ...` is `kaudit who -o json ...`.",
    after_help = TOP_EXIT_CODES,
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Overview of the logs: files, events, requests, codes, time span, top users/verbs/resources.
    #[command(after_help = concat!("Examples:
  kaudit summary /var/log/kubernetes/audit/       the whole rotated set
  kaudit summary --code 403 audit.log             only the denied requests
  kaudit summary -o json audit.log | jq .codes

", exit_codes!()))]
    #[command(mut_arg("limit", |a| a.help("At most N entries in each top list (users, verbs, resources, namespaces, clusters; default 10), 0 for all; status codes are always listed whole.")))]
    Summary(SummaryArgs),
    /// One row per matching request, in the order requests completed.
    #[command(after_help = concat!("Examples:
  kaudit events -v delete -r cm -n prod /var/log/kubernetes/audit/
  tail -F audit.log | kaudit events -u 'system:serviceaccount:ci:*' --code 4xx
  kaudit events --since 2h -o ndjson audit.log | jq .user

", exit_codes!()))]
    #[command(mut_arg("limit", |a| a.help("At most N requests (--per-stage: stage rows; -o raw: the lines of N requests), 0 for all (the default).")))]
    Events(EventsArgs),
    /// The story in time order: one readable line per request, repeats collapsed.
    #[command(after_help = TIMELINE_HELP)]
    #[command(mut_arg("limit", |a| a.help("At most N lines, 0 for all (the default).")))]
    Timeline(TimelineArgs),
    /// Who: one row per actor (effective user) with requests, denials, verbs, resources, IPs.
    #[command(after_help = concat!("Examples:
  kaudit who -v delete -r cm -n payments testdata/s5/ who deleted configmaps in payments?
  kaudit who --code 403 --sort denied testdata/s5/    who is being refused the most?
  kaudit who -r secrets -v get,list testdata/s5/      who reads secrets?

", exit_codes!()))]
    #[command(mut_arg("limit", |a| a.help("At most N users, 0 for all (the default).")))]
    Who(WhoArgs),
    /// What: one row per verb and resource (or object) with requests, users, codes.
    #[command(after_help = concat!("Examples:
  kaudit what -u eve testdata/s5/                     what did eve do?
  kaudit what --by-object -v delete testdata/s5/      which objects were deleted?
  kaudit what --code 5xx testdata/s5/                 what failed on the server side?

", exit_codes!()))]
    #[command(mut_arg("limit", |a| a.help("At most N rows, 0 for all (the default).")))]
    What(WhatArgs),
    /// Where: one row per source IP (or user agent) with requests, users, denials.
    #[command(after_help = concat!("Examples:
  kaudit where -u system:anonymous testdata/s5/       where do anonymous requests come from?
  kaudit where --by user-agent -r secrets testdata/s5/
  kaudit where --ip 127.0.0.0/8 --sort last testdata/s5/

", exit_codes!()))]
    #[command(mut_arg("limit", |a| a.help("At most N rows, 0 for all (the default).")))]
    Where(WhereArgs),
    /// Top: group requests by any fields, with share, error rate and latency percentiles.
    #[command(after_help = concat!("Examples:
  kaudit top --by user testdata/s5/                   the busiest users
  kaudit top --by user,verb,resource -k 30 testdata/s5/
  kaudit top --by uri --code 4xx testdata/s5/         URIs that clients get wrong
  kaudit top --by annotation:pod-security.kubernetes.io/enforce-policy testdata/modern/d1/audit.log

Fields: user, group, verb, resource, subresource, namespace, name, code, decision, ip,
user-agent, api-group, level, hour, uri (without resourceVersion, timeout, timeoutSeconds,
watch, allowWatchBookmarks), annotation:KEY (the value of annotation KEY, `-` when a request
has none). Latency percentiles leave out long-running requests (watch, exec,
logs, proxy) and incomplete ones.

", exit_codes!()))]
    #[command(mut_arg("limit", |a| a.help("At most N rows (default 20), 0 for all.")))]
    Top(TopArgs),
    /// When: a time histogram of the matching requests, with peak, first/last and log gaps.
    #[command(after_help = concat!("Examples:
  kaudit when -u eve testdata/s5/                     when was eve active?
  kaudit when --code 403 --bucket 1m testdata/s5/     denials per minute
  kaudit when -v delete -o csv testdata/s5/           the buckets, for a spreadsheet

A bucket where the log itself has no requests at all is marked as a gap: quiet and missing
data look different.

", exit_codes!()))]
    When(WhenArgs),
    /// Latency: the slowest requests, percentiles per verb and resource, long-running and incomplete requests.
    #[command(after_help = concat!("Examples:
  kaudit latency testdata/s5/                         where does the API server spend time?
  kaudit latency -r pods -n payments -k 20 testdata/s5/   the slowest pod requests in payments
  kaudit latency -o csv testdata/s5/                  percentiles per verb and resource

Long-running requests (watch, exec, attach, logs, proxy) are held open by the client, so they
are reported apart; incomplete requests have no latency and are listed.

", exit_codes!()))]
    #[command(mut_arg("limit", |a| a.help("At most N rows in each list, 0 for all; by default the 10 slowest requests and 10 the API server timed by phase, and in tables 15 rows per percentile table and 20 incomplete requests (-o json/ndjson/csv: every one).")))]
    Latency(LatencyArgs),
    /// Tokens: each credential used, who issued it (TokenRequest), and who used it, from where.
    #[command(after_help = concat!("Examples:
  kaudit tokens testdata/modern/d1/                   every credential, its issue and its uses
  kaudit tokens -u 'system:serviceaccount:shop:*' testdata/modern/d1/   the tokens shop used
  kaudit tokens -o wide --code 403 testdata/modern/d1/  credentials refused: pods, agents, evidence

Since Kubernetes 1.30 each request names its credential (user.extra
authentication.kubernetes.io/credential-id: JTI=... for a service-account token, X509SHA256=...
for a client certificate) and a TokenRequest names the token it issued
(authentication.kubernetes.io/issued-credential-id). kaudit joins them: the filters select the
uses; the TokenRequest that issued a token is found whatever they say. A token a matching
TokenRequest issued and nobody used is listed too.

", exit_codes!()))]
    #[command(mut_arg("limit", |a| a.help("At most N credentials, 0 for all (the default).")))]
    Tokens(TokensArgs),
    /// Every request that touched one object, in order, and what each write changed.
    #[command(after_help = history_help())]
    #[command(mut_arg("limit", |a| a.help("At most N requests, the first in time, 0 for all (the default).")))]
    History(HistoryArgs),
    /// Security detections over the matching requests: built-in rules and your own, findings by severity.
    #[command(after_help = "Examples:
  kaudit detect testdata/s5/                          findings, most severe first
  kaudit detect --min-severity high -o json /var/log/kubernetes/audit/
  kaudit detect --fail-on high --since 1h /var/log/kubernetes/audit/   (cron: exit 3 on findings)
  kaudit detect --list                             the catalogue: ids, severities, false positives
  kaudit detect --rules-file my-rules.yaml --no-builtin audit.log
  kaudit detect --check-rules my-rules.yaml

Rules read bodies (requestObject) where they need them: a log written at level Metadata has
none, and detect says which rules could not look.

Exit codes:
  0  the scan ran (with or without findings below --fail-on)
  2  error: bad arguments or rules, unreadable input, (with --strict) malformed lines, or
     output that cannot be written
  3  a finding at or above --fail-on. 3 outranks 2: a finding at or above --fail-on exits 3
     even when some input could not be read, --strict met malformed lines or the output
     could not be written (those errors are still on stderr and in the errors of -o json)")]
    #[command(mut_arg("limit", |a| a.help("At most N findings, the most severe first, 0 for all (the default); --fail-on still sees every finding.")))]
    Detect(DetectArgs),
    /// Audit policies (audit.k8s.io Policy): check one as the API server would load it and lint it, or simulate it on the logs.
    Policy(PolicyArgs),
    /// Print a shell completion script to stdout.
    #[command(after_help = "Examples:
  kaudit completions bash > ~/.local/share/bash-completion/completions/kaudit
  kaudit completions zsh > ~/.zfunc/_kaudit
  kaudit completions fish > ~/.config/fish/completions/kaudit.fish")]
    Completions {
        /// The shell to generate for.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) to stdout.
    #[command(after_help = "Examples:
  kaudit man | man -l -
  kaudit man > /usr/local/share/man/man1/kaudit.1")]
    Man,
}

#[derive(Debug, Args)]
pub struct SummaryArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub limit: Limit,
}

#[derive(Debug, Args)]
pub struct EventsArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[command(flatten)]
    pub output: OutputArgs<EventsFormat>,
    #[command(flatten)]
    pub limit: Limit,
    /// Order of rows: when requests completed (log order, streams live) or when they were
    /// received (held to the end); a table's first column, COMPLETED or RECEIVED, is that time.
    #[arg(long, value_enum, default_value_t = SortOrder::Completed, help_heading = "Output")]
    pub sort: SortOrder,
    /// One row per stage event (RequestReceived, ResponseStarted, ...) of the matching requests
    /// (--stage, a filter, chooses requests by the stages they have).
    #[arg(long = "per-stage", help_heading = "Output")]
    pub stages: bool,
    /// -o json|ndjson|csv: add each request's requestObject and responseObject (the last stage's
    /// that has each; null when not logged) and `bodies`, why one is null (level, truncated,
    /// incomplete, unreadable, none). Redacted as -o raw redacts, unless --show-secrets. With
    /// --per-stage, each stage event's own. Not for tables (an error); -o raw lines have their bodies.
    #[arg(long, help_heading = "Output")]
    pub bodies: bool,
    /// -o raw, --bodies: print the bodies' secrets as logged. By default each secret value in a
    /// body (Secret data, tokens, values under keys named like password/pass/secret/token/key/
    /// credential, credential-shaped text such as `password=...`, `Bearer ...`, URL passwords,
    /// `curl -u user:...`, `mysql -p...`, connection strings, API keys, private keys; not
    /// certificates, which are public) becomes `"<redacted N bytes>"`; every other byte stays as
    /// read. docs/secrets.md lists what is redacted.
    #[arg(long, help_heading = "Output")]
    pub show_secrets: bool,
}

#[derive(Debug, Args)]
pub struct DetectArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub limit: Limit,
    /// Print the rule catalogue (with --rules-file: and those rules) and exit.
    #[arg(long, help_heading = "Rules")]
    pub list: bool,
    /// Validate a rules file and exit: every problem, with the rule it is in.
    #[arg(long, value_name = "FILE", help_heading = "Rules")]
    pub check_rules: Option<PathBuf>,
    /// Add the rules of a YAML file (repeatable); same format as the built-in catalogue.
    #[arg(long = "rules-file", value_name = "FILE", help_heading = "Rules")]
    pub rules_file: Vec<PathBuf>,
    /// Leave out the built-in rules (only --rules-file rules run).
    #[arg(long, help_heading = "Rules")]
    pub no_builtin: bool,
    /// Run only these rules (ids, comma-separated or repeated).
    #[arg(long, value_name = "ID,...", help_heading = "Rules")]
    pub rules: Vec<String>,
    /// Leave out these rules (ids, comma-separated or repeated).
    #[arg(long, value_name = "ID,...", help_heading = "Rules")]
    pub skip: Vec<String>,
    /// Change a threshold rule: ID=COUNT or ID=COUNT/WINDOW (e.g. KA026=50/2m; WINDOW is a duration: 90s, 1h30m, 2d); repeatable.
    #[arg(long, value_name = "ID=N[/WINDOW]", help_heading = "Rules")]
    pub threshold: Vec<String>,
    /// Print only findings of this severity or higher.
    #[arg(long, value_enum, default_value_t = SeverityArg::Info, value_name = "SEVERITY", help_heading = "Rules")]
    pub min_severity: SeverityArg,
    /// Exit 3 when a finding is at or above this severity (for cron and CI), even if some input
    /// could not be read: 3 outranks 2.
    #[arg(long, value_enum, value_name = "SEVERITY", help_heading = "Rules")]
    pub fail_on: Option<SeverityArg>,
    /// Show body values in findings as logged (a rule's baseline on a body path); by default one
    /// that can be a secret is `<redacted N bytes>`, and credential-shaped text in others too.
    #[arg(long, help_heading = "Output")]
    pub show_secrets: bool,
    /// Requests a finding lists (the earliest); the others are counted (auditIDsLeftOut).
    #[arg(long, value_name = "N", default_value_t = EVIDENCE, help_heading = "Rules")]
    pub max_evidence: usize,
    /// Matching requests a threshold or sequence rule keeps to window or join (the earliest),
    /// and identities a baseline rule follows (the first by name); a note says what was left out.
    #[arg(long, value_name = "N", default_value_t = RULE_HITS, help_heading = "Rules")]
    pub max_rule_hits: usize,
}

#[derive(Debug, Args)]
pub struct PolicyArgs {
    #[command(subcommand)]
    pub command: PolicyCommand,
}

// parsed once per run: boxing the arguments would buy nothing
#[expect(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Validate an audit policy as kube-apiserver v1.20 loads it, then lint it (and, given logs, try it on them).
    #[command(
        after_help = POLICY_CHECK_HELP,
        mut_arg("paths", |a| a
            .value_name("LOGS")
            .help("Audit logs to try the policy on (files, folders, `-` for stdin; none: the policy alone): rules that match none of their requests are reported"))
    )]
    Check(PolicyCheckArgs),
    /// Simulate an audit policy on the requests in the logs: the rule each would match, the events and bytes it would write against what the logs hold, and the evidence it would no longer record.
    #[command(after_help = POLICY_SIMULATE_HELP)]
    #[command(mut_arg("limit", |a| a.help("At most N entries in each top list (default 10) and N groups of requests not recorded (default 20), 0 for all.")))]
    Simulate(PolicySimulateArgs),
}

/// `kaudit policy simulate --help`.
pub const POLICY_SIMULATE_HELP: &str = "Examples:
  kaudit policy simulate testdata/logrotate/s6-policy.yaml testdata/s5/
      s6's nine-rule policy on the s5 logs (written at RequestResponse): what it would keep
  kaudit policy simulate new-policy.yaml --namespace payments /var/log/kubernetes/audit/
  kaudit policy simulate -o json new-policy.yaml audit.log | jq '.simulated.bytes'

For each request in the logs: the first rule it matches (as kube-apiserver v1.20 evaluates
the policy: authenticated user, the name from the URL), the stage events that rule writes
(the policy's omitStages and the rule's), and their size, from the events the logs hold:
responseObject dropped below RequestResponse, requestObject below Request, an omitted stage
or level None writes nothing, a stage the logs lack is sized from another event of the same
request. Compared with what the logs hold now: per rule, per level and stage, top users and
resources by bytes, and the requests of interest (writes, secrets, denied, exec/attach/
port-forward, impersonation) that the policy would no longer record at all.

A request of interest is \"not recorded\" when the policy writes no event for it, or only
RequestReceived (no code, decision or impersonated user).

What the logs cannot tell is said under the tables: requests the logs' own policy did not
record are not seen, and bodies the logs lack (a request logged at Metadata, simulated at
RequestResponse) count zero bytes, so the estimate is then a lower bound (shown as >=). Bytes
are those of the uncompressed lines (the API server's JSON lines, one event each, and the
newline). Filters select requests as the logs show them (--level is the logged level).

Output: -o table (the default), wide (rule descriptions whole) or json; -k N: entries per top
list (default 10) and groups of requests not recorded (default 20), 0 for all.

Exit codes:
  0  requests were simulated
  1  no request in the logs (or none matching the filters)
  2  the policy would be refused by the API server (see `kaudit policy check`), a file cannot
     be read, bad arguments (with --strict: malformed lines), or output that cannot be
     written";

#[derive(Debug, Args)]
pub struct PolicySimulateArgs {
    /// The policy file (YAML or JSON) to simulate, as given to kube-apiserver's --audit-policy-file.
    #[arg(value_name = "POLICY")]
    pub policy: PathBuf,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[command(flatten)]
    pub output: OutputArgs<ReportFormat>,
    #[command(flatten)]
    pub limit: Limit,
    /// Follow this API server version's policy rules where versions differ (1.35 accepts group "*").
    #[arg(long, value_enum, default_value_t = ServerVersionArg::V1_20, value_name = "VERSION", help_heading = "Policy")]
    pub server_version: ServerVersionArg,
}

/// `--server-version`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ServerVersionArg {
    /// kube-apiserver v1.20 (the version of the real logs in testdata/s5/).
    #[value(name = "1.20")]
    V1_20,
    /// kube-apiserver v1.35: group "*" matches every API group.
    #[value(name = "1.35")]
    V1_35,
}

/// `kaudit policy check --help`.
pub const POLICY_CHECK_HELP: &str = "Examples:
  kaudit policy check /etc/kubernetes/audit-policy.yaml
  kaudit policy check testdata/logrotate/s6-policy.yaml testdata/s5/
      which of the policy's rules match none of the requests in the logs
  kaudit policy check -o json policy.yaml | jq .valid

Reported in this order: what makes the API server refuse the file (it would not start),
naming the rule (`rules[1].nonResourceURLs[0]: ...`); warnings (what it accepts silently, such
as an unknown key, which it drops); then lints, each with what to write instead: shadowed
(an earlier rule matches every request the rule could), sensitive-contents (secrets or
configmaps logged at Request or RequestResponse), pods-without-subresources,
no-omit-request-received, no-catch-all, and given logs no-match-in-logs (requests that the
logs' own policy did not record are not seen: use logs written at a broad level).

Exit codes:
  0  the API server would accept the policy (with or without warnings and lints)
  2  it would refuse it, the file cannot be read, bad arguments, a log that cannot be
     read or holds no audit event (with --strict: malformed lines), or output that cannot
     be written
  3  --fail-on-lint: accepted, with at least one warning or lint. 3 outranks 2: an
     unreadable log or output that cannot be written does not hide them";

#[derive(Debug, Args)]
pub struct PolicyCheckArgs {
    /// The policy file (YAML or JSON), as given to kube-apiserver's --audit-policy-file.
    #[arg(value_name = "POLICY")]
    pub policy: PathBuf,
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = CheckFormat::Text, help_heading = "Output")]
    pub output: CheckFormat,
    /// Exit 3 when the policy is accepted but has warnings or lints (for CI), even if a log could
    /// not be read: 3 outranks 2.
    #[arg(long, help_heading = "Output")]
    pub fail_on_lint: bool,
    /// Follow this API server version's policy rules where versions differ (1.35 accepts group "*").
    #[arg(long, value_enum, default_value_t = ServerVersionArg::V1_20, value_name = "VERSION", help_heading = "Policy")]
    pub server_version: ServerVersionArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// Problems, one per line, most serious first.
    Text,
    /// One JSON document: {valid, errors, warnings, lints, logs}.
    Json,
}

/// A finding's severity, as flags take it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

#[derive(Debug, Args)]
pub struct WhoArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub limit: Limit,
    /// Order of rows.
    #[arg(long, value_enum, default_value_t = GroupSort::Requests, help_heading = "Output")]
    pub sort: GroupSort,
}

#[derive(Debug, Args)]
pub struct WhatArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub limit: Limit,
    /// One row per object (namespace/name), not per resource.
    #[arg(long, help_heading = "Output")]
    pub by_object: bool,
    /// Order of rows.
    #[arg(long, value_enum, default_value_t = GroupSort::Requests, help_heading = "Output")]
    pub sort: GroupSort,
}

#[derive(Debug, Args)]
pub struct WhereArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub limit: Limit,
    /// Group by source IP (the address that connected: the last of sourceIPs) or by user agent.
    #[arg(long, value_enum, default_value_t = WhereBy::Ip, help_heading = "Output")]
    pub by: WhereBy,
    /// Order of rows.
    #[arg(long, value_enum, default_value_t = GroupSort::Requests, help_heading = "Output")]
    pub sort: GroupSort,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WhereBy {
    Ip,
    #[value(alias = "userAgent")]
    UserAgent,
}

#[derive(Debug, Args)]
pub struct TopArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub limit: Limit,
    /// Fields to group by, comma-separated (see below).
    #[arg(
        long,
        value_parser = FieldParser,
        value_delimiter = ',',
        required = true,
        value_name = "FIELD,...",
        help_heading = "Output"
    )]
    pub by: Vec<Field>,
}

#[derive(Debug, Args)]
pub struct WhenArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Bucket size: a duration of whole seconds (30s, 5m, 1h30m, 1d; default: chosen to keep about 40 rows or fewer).
    #[arg(long, value_name = "DURATION", help_heading = "Output")]
    pub bucket: Option<String>,
}

#[derive(Debug, Args)]
pub struct LatencyArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub limit: Limit,
}

#[derive(Debug, Args)]
pub struct TokensArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub limit: Limit,
}

/// `kaudit history --help`: real examples on the shipped sample, then the exit codes.
fn history_help() -> String {
    format!(
        "Examples:
  kaudit history cm/feature-toggles -n staging testdata/s5/               # who changed it, and how
  kaudit history deploy/checkout-ui -n staging -v write testdata/s5/      # writes only; diffs still exact
  kaudit history secret/ledger-db-creds -n payments -o json testdata/s5/  # values stay redacted

{EXIT_CODES}"
    )
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The object: KIND/NAME, KIND as `-r` takes it (cm, configmap, deploy, deployments.apps, secret, pods/exec).
    #[arg(value_name = "KIND/NAME")]
    pub object: String,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub limit: Limit,
    /// Show secrets as logged: Secret data, tokens, values under keys named like password/pass/secret/token/key/credential, and credential-shaped text (`password=...`, `Bearer ...`, URL passwords, `curl -u user:...`, `mysql -p...`, connection strings, API keys, private keys; not certificates, which are public) in bodies (default: `<redacted N bytes>`).
    #[arg(long, help_heading = "Output")]
    pub show_secrets: bool,
}

#[derive(Debug, Args)]
pub struct TimelineArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub limit: Limit,
    /// Also show the other requests (any actor, not matching the filters) received within
    /// DURATION before or after a matching one, marked `·` (500ms, 30s, 2m, 1h30m).
    #[arg(long, value_name = "DURATION", help_heading = "Output")]
    pub context: Option<String>,
    /// Which neighbouring requests become one line with a count.
    #[arg(long, value_enum, default_value_t = Collapse::Object, value_name = "HOW", help_heading = "Output")]
    pub collapse: Collapse,
    /// Memory for the requests held to be put in time order, e.g. 64M, 1G; past it they are
    /// sorted in runs written to temporary files (in $TMPDIR) and merged at the end, so any
    /// number of requests fits (default: 32M).
    #[arg(long, value_name = "SIZE", value_parser = parse_size, help_heading = "Input")]
    pub sort_memory: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Collapse {
    /// Identical requests: same actor, verb, resource, object, code and markers.
    Object,
    /// The same, whatever the namespace and name (a sweep over many objects is one line).
    Kind,
    /// One line per request.
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SortOrder {
    Completed,
    Received,
}

#[derive(Debug, Args)]
pub struct InputArgs {
    /// Audit log files, folders (with their subfolders: every file that holds audit data, each rotated set oldest first) or `-` for stdin. With no path, reads stdin.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// What the inputs hold (default: recognised per file, line and document): native JSON
    /// lines, JSON documents (EventList, arrays), EKS CloudWatch/S3, GKE Cloud Logging, AKS
    /// diagnostic records.
    #[arg(
        long,
        value_name = "FORMAT",
        value_enum,
        default_value_t,
        hide_default_value = true,
        help_heading = "Input"
    )]
    pub input_format: InputFormat,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j', value_name = "N", help_heading = "Input")]
    pub threads: Option<usize>,
    /// Read files instead of memory-mapping them.
    #[arg(long, help_heading = "Input")]
    pub no_mmap: bool,
    /// Stop reading a gzip input once it expands more than N times its compressed size, past
    /// its first 64 MiB: a gzip bomb (default: 100; audit logs expand 10-20x; 0: no limit).
    #[arg(long, value_name = "N", help_heading = "Input")]
    pub max_gzip_ratio: Option<u64>,
    /// Memory for requests that have not ended yet (their last stage not read), e.g. 256M, 1G;
    /// past it the oldest are reported incomplete, and their later stages counted as late
    /// (default: 256M; 0: no limit).
    #[arg(long, value_name = "SIZE", value_parser = parse_size, help_heading = "Input")]
    pub max_open_memory: Option<usize>,
    /// Exit 2 if any line is malformed.
    #[arg(long, help_heading = "Input")]
    pub strict: bool,
    /// Never show progress (by default shown on a terminal once a scan runs over a second: a
    /// bar of bytes, of compressed bytes for gzip; a spinner with the bytes and requests read
    /// for stdin and pipes).
    #[arg(long, help_heading = "Input")]
    pub no_progress: bool,
    /// Milliseconds a scan runs before its progress is shown (default 1000; for testing).
    #[arg(long, hide = true, value_name = "MS")]
    pub progress_after: Option<u64>,
    /// Target chunk size in bytes for the parallel scan (for testing).
    #[arg(long, hide = true, value_name = "BYTES")]
    pub chunk_size: Option<usize>,
    /// Lines longer than this that hold a JSON value have their records cut as they are read
    /// (default 32 MiB; for testing).
    #[arg(long, hide = true, value_name = "BYTES")]
    pub long_line: Option<usize>,
    /// Bytes between checkpoints, where open requests past --max-open-memory are ended
    /// (default 32 MiB; for testing).
    #[arg(long, hide = true, value_name = "BYTES")]
    pub checkpoint: Option<u64>,
    /// Parse every line, even those that cannot match the filter (for testing the prefilter).
    #[arg(long, hide = true)]
    pub no_prefilter: bool,
    /// Pretend the current time is this (RFC 3339), for repeatable relative --since/--until.
    #[arg(long, hide = true, value_name = "TIME")]
    pub now: Option<String>,
}

/// A size in bytes: `1048576`, `512K`, `256M`, `1G` (binary units; `MiB` and `MB` alike).
fn parse_size(s: &str) -> Result<usize, String> {
    let t = s.trim();
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(digits);
    let n: usize = num.parse().map_err(|_| {
        format!("{s:?} is not a size; use bytes or a number with K, M or G (example: 256M)")
    })?;
    let shift = match unit.trim().to_ascii_uppercase().as_str() {
        "" | "B" => 0,
        "K" | "KB" | "KIB" => 10,
        "M" | "MB" | "MIB" => 20,
        "G" | "GB" | "GIB" => 30,
        "T" | "TB" | "TIB" => 40,
        _ => {
            return Err(format!(
                "{s:?} is not a size; use bytes or a number with K, M or G (example: 256M)"
            ));
        }
    };
    n.checked_mul(1usize << shift)
        .ok_or_else(|| format!("{s:?} is too large"))
}

#[derive(Debug, Args, Default)]
pub struct FilterArgs {
    /// Authenticated or impersonated user (glob: `system:serviceaccount:ci:*`).
    #[arg(short, long, value_name = "GLOB", help_heading = "Filters")]
    pub user: Vec<String>,
    /// A group of the user or of the impersonated user (glob).
    #[arg(short, long, value_name = "GLOB", help_heading = "Filters")]
    pub group: Vec<String>,
    /// Verbs: get,list,watch,create,update,patch,delete,deletecollection; classes read, write.
    #[arg(short, long, value_name = "LIST", help_heading = "Filters", value_parser = Suggest(VERB_VALUES), hide_possible_values = true)]
    pub verb: Vec<String>,
    /// Resources: plural, singular or short name (cm, deploy, crb), NAME.GROUP, NAME/SUBRESOURCE.
    #[arg(short, long, value_name = "LIST", help_heading = "Filters", value_parser = Suggest(crate::vocab::resources::completion()), hide_possible_values = true)]
    pub resource: Vec<String>,
    /// Namespaces.
    #[arg(short, long, value_name = "LIST", help_heading = "Filters")]
    pub namespace: Vec<String>,
    /// Every namespace: what kaudit reads when no -n is given (accepted for kubectl's habit).
    #[arg(
        short = 'A',
        long,
        conflicts_with = "namespace",
        help_heading = "Filters"
    )]
    pub all_namespaces: bool,
    /// Object name (glob).
    #[arg(long, value_name = "GLOB", help_heading = "Filters")]
    pub name: Vec<String>,
    /// Requests with this auditID (a list, exact): the evidence a finding or another tool
    /// names (example: --audit-id 2d6a0ac4-...,7f1e...).
    #[arg(long, value_name = "LIST", help_heading = "Filters")]
    pub audit_id: Vec<String>,
    /// Response codes or classes: 403, 4xx, 5xx.
    #[arg(long, value_name = "LIST", help_heading = "Filters")]
    pub code: Vec<String>,
    /// Authorization decision: allow or forbid.
    #[arg(long, value_name = "allow|forbid", help_heading = "Filters")]
    pub decision: Vec<String>,
    /// Source IP or CIDR (any of the request's sourceIPs).
    #[arg(long, value_name = "IP|CIDR", help_heading = "Filters")]
    pub ip: Vec<String>,
    /// User agent (regex).
    #[arg(long, value_name = "REGEX", help_heading = "Filters")]
    pub user_agent: Vec<String>,
    /// Request URI (regex).
    #[arg(long, value_name = "REGEX", help_heading = "Filters")]
    pub uri: Vec<String>,
    /// Received at or after: RFC 3339, a date, or a duration before now (30m, 2h, 7d).
    #[arg(
        long,
        visible_alias = "since-time",
        value_name = "TIME",
        help_heading = "Filters"
    )]
    pub since: Option<String>,
    /// Received before: RFC 3339, a date, or a duration before now.
    #[arg(
        long,
        visible_alias = "until-time",
        value_name = "TIME",
        help_heading = "Filters"
    )]
    pub until: Option<String>,
    /// Audit level: Metadata, Request, RequestResponse.
    #[arg(long, value_name = "LIST", help_heading = "Filters")]
    pub level: Vec<String>,
    /// Requests that had this stage: RequestReceived, ResponseStarted, ResponseComplete, Panic.
    #[arg(long, value_name = "LIST", help_heading = "Filters")]
    pub stage: Vec<String>,
    /// Only requests that never completed (no ResponseComplete or Panic in the logs).
    #[arg(long, help_heading = "Filters")]
    pub incomplete: bool,
    /// Dry runs: only (known dry runs), exclude (leave them out), unknown (deletes logged
    /// without their body, where the log cannot tell).
    #[arg(long, value_name = "only|exclude|unknown", help_heading = "Filters")]
    pub dry_run: Option<DryRunSel>,
    /// An annotation: KEY (present) or KEY=VALUE, each a glob
    /// (example: --annotation 'pod-security.kubernetes.io/*').
    #[arg(long, value_name = "KEY[=VALUE]", help_heading = "Filters")]
    pub annotation: Vec<String>,
    /// The fieldManager of a write (glob; example: --field-manager 'kubectl-*').
    #[arg(long, value_name = "GLOB", help_heading = "Filters")]
    pub field_manager: Vec<String>,
    /// Requests of these clusters (a list of globs, any case; `!GLOB` leaves one out). A
    /// cluster's name comes from the log's wrapper (AKS resourceId, GKE cluster_name, EKS log
    /// group) or from NAME=PATH, which names the cluster of the inputs at PATH (a file, a
    /// folder, or - for stdin) instead of filtering
    /// (example: --cluster prod=logs/prod/ --cluster staging=logs/staging/ --cluster 'prod*').
    #[arg(long, value_name = "GLOB|NAME=PATH", help_heading = "Filters")]
    pub cluster: Vec<String>,
}

/// `--dry-run`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DryRunSel {
    /// Only known dry runs.
    Only,
    /// Leave known dry runs out (deletes the log cannot tell about stay).
    Exclude,
    /// Only deletes logged without their body: dry run or not, the log cannot tell.
    Unknown,
}

/// The output formats of a command that prints rows or a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned table for people (plain text when stdout is not a terminal).
    Table,
    /// Table with every column.
    Wide,
    /// One JSON document: exact values, with control, bidi and invisible characters as \uXXXX escapes.
    Json,
    /// One JSON object per line (escaped as json).
    Ndjson,
    /// CSV with a header row, for spreadsheets: control, bidi and invisible characters shown as in tables (\e, \u{202e}); a cell starting with = + - @ tab or CR gets a leading ' (numbers such as -12 stay numbers).
    Csv,
}

/// `events`' output formats: every format, and the log lines themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EventsFormat {
    /// Aligned table for people (plain text when stdout is not a terminal).
    Table,
    /// Table with every column.
    Wide,
    /// One JSON document: exact values, with control, bidi and invisible characters as \uXXXX escapes.
    Json,
    /// One JSON object per line (escaped as json).
    Ndjson,
    /// CSV with a header row, for spreadsheets: control, bidi and invisible characters shown as in tables (\e, \u{202e}); a cell starting with = + - @ tab or CR gets a leading ' (numbers such as -12 stay numbers).
    Csv,
    /// The original log lines: byte-exact but for secret values in bodies, redacted unless --show-secrets; to a terminal, control, bidi and invisible characters as JSON escapes.
    Raw,
}

/// The output formats of a report that has no rows to stream (`policy simulate`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// The report for people.
    Table,
    /// The report with every column.
    Wide,
    /// One JSON document.
    Json,
}

/// What every command's format says about its layout: `-o wide` shows values whole.
pub trait OutputFormat: ValueEnum + Clone + Copy + Send + Sync + 'static {
    fn is_wide(self) -> bool;
    /// The table for people, fitted to a terminal (not wide, not a machine format).
    fn is_table(self) -> bool;
}

impl OutputFormat for Format {
    fn is_wide(self) -> bool {
        self == Format::Wide
    }
    fn is_table(self) -> bool {
        self == Format::Table
    }
}

impl OutputFormat for EventsFormat {
    fn is_wide(self) -> bool {
        self == EventsFormat::Wide
    }
    fn is_table(self) -> bool {
        self == EventsFormat::Table
    }
}

impl OutputFormat for ReportFormat {
    fn is_wide(self) -> bool {
        self == ReportFormat::Wide
    }
    fn is_table(self) -> bool {
        self == ReportFormat::Table
    }
}

impl EventsFormat {
    /// The row format; `None` for `raw`, which is not rows.
    pub fn rows(self) -> Option<Format> {
        Some(match self {
            EventsFormat::Table => Format::Table,
            EventsFormat::Wide => Format::Wide,
            EventsFormat::Json => Format::Json,
            EventsFormat::Ndjson => Format::Ndjson,
            EventsFormat::Csv => Format::Csv,
            EventsFormat::Raw => return None,
        })
    }
}

impl From<ReportFormat> for Format {
    fn from(f: ReportFormat) -> Format {
        match f {
            ReportFormat::Table => Format::Table,
            ReportFormat::Wide => Format::Wide,
            ReportFormat::Json => Format::Json,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// `-k/--limit N`: one meaning in every command: at most N rows in each table or list the
/// command prints (in every format), `0` for all of them. What a row is and the default
/// differ by command, so each command's help says them (`Command` sets that text).
#[derive(Debug, Clone, Copy, Args)]
pub struct Limit {
    #[arg(long, short = 'k', value_name = "N", help_heading = "Output")]
    pub limit: Option<usize>,
}

impl Limit {
    /// The rows to keep: `None` for all (`-k 0`, or no `-k` and no `default`).
    pub fn rows(self, default: Option<usize>) -> Option<usize> {
        match self.limit {
            Some(0) => None,
            Some(n) => Some(n),
            None => default,
        }
    }
    /// The rows to keep with a default of `default`; `usize::MAX` for all.
    pub fn or(self, default: usize) -> usize {
        self.rows(Some(default)).unwrap_or(usize::MAX)
    }
}

#[derive(Debug, Args)]
pub struct OutputArgs<F: OutputFormat = Format> {
    /// Output format.
    #[arg(
        short,
        long,
        value_enum,
        default_value = "table",
        help_heading = "Output"
    )]
    pub output: F,
    /// Leave out the header row (table, wide, csv); timeline: the date lines (each line then starts with its date).
    #[arg(long, help_heading = "Output")]
    pub no_headers: bool,
    /// When to use colors: auto (stdout is a terminal, NO_COLOR unset, TERM not dumb), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN", help_heading = "Output")]
    pub color: ColorChoice,
    /// Show times in UTC (the default).
    #[arg(long, overrides_with = "local", help_heading = "Output")]
    pub utc: bool,
    /// Show times in the local time zone; dates in --since/--until are read as local too.
    #[arg(long, overrides_with = "utc", help_heading = "Output")]
    pub local: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }
}
