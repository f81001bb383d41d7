//! Command-line arguments → resolved settings: colors, terminal width, threads, mmap, progress,
//! the compiled filter and the clock. The only place that reads the environment and asks
//! whether stdin/stdout/stderr are terminals; everything downstream takes a `Config`.

use std::io::IsTerminal;

use anyhow::{Result, anyhow, bail};

use crate::cli::{ColorChoice, FilterArgs, InputArgs, OutputArgs};
use crate::event::Ts;
use crate::filter::{Filter, FilterSpec};

#[derive(Debug)]
pub struct Config {
    pub threads: usize,
    pub chunk_size: usize,
    pub mmap: bool,
    /// Bound on gzip expansion, 0 for none (see `input::gzip`).
    pub max_gzip_ratio: u64,
    /// Bytes for requests still open, 0 for no bound (see `correlate::Merger::evict`).
    pub max_open_memory: usize,
    /// Lines longer than this holding a JSON value are cut into records as they are read.
    pub long_line: usize,
    /// Bytes between checkpoints (see `scan::CHECKPOINT`).
    pub checkpoint: u64,
    pub strict: bool,
    /// Show progress on stderr (a terminal), once a scan has run `progress_after`.
    pub progress: bool,
    pub progress_after: std::time::Duration,
    pub color: bool,
    /// stdout is a terminal: sanitize for display, line-buffer, fit the width.
    pub stdout_tty: bool,
    /// Columns available (terminal width, or `COLUMNS`), when known.
    pub width: Option<u16>,
    pub local: bool,
    pub now: Ts,
    pub filter: Filter,
    /// Skip lines that cannot match before parsing them.
    pub prefilter: Option<crate::filter::Prefilter>,
    /// `--input-format`.
    pub input_format: crate::input::format::Format,
    /// `--cluster NAME=PATH`: the cluster of the inputs at each path (`input::scopes`).
    pub clusters: Vec<(String, std::path::PathBuf)>,
}

/// More worker threads than this only costs memory and start-up time.
const MAX_THREADS: usize = 256;

/// Environment facts, gathered once so tests can substitute them.
#[derive(Debug, Clone)]
pub struct Env {
    pub stdin_tty: bool,
    pub stdout_tty: bool,
    pub stderr_tty: bool,
    pub no_color: bool,
    pub term_dumb: bool,
    pub columns: Option<u16>,
    pub cores: usize,
}

impl Env {
    pub fn detect() -> Env {
        let nonempty = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
        let stdout_tty = std::io::stdout().is_terminal();
        let columns = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.trim().parse::<u16>().ok())
            .filter(|c| *c > 0)
            .or_else(|| {
                if stdout_tty {
                    comfy_table::Table::new().width().filter(|w| *w > 0)
                } else {
                    None
                }
            });
        Env {
            stdin_tty: std::io::stdin().is_terminal(),
            stdout_tty,
            stderr_tty: std::io::stderr().is_terminal(),
            no_color: nonempty("NO_COLOR"),
            term_dumb: std::env::var("TERM").is_ok_and(|t| t == "dumb"),
            columns,
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        }
    }
}

impl Config {
    pub fn new<F: crate::cli::OutputFormat>(
        input: &InputArgs,
        filter: &FilterArgs,
        output: &OutputArgs<F>,
        env: &Env,
    ) -> Result<Config> {
        if input.paths.is_empty() && env.stdin_tty {
            bail!(
                "no input: give audit log files or folders, or pipe a log into kaudit\n\
                 (example: kaudit summary /var/log/kubernetes/audit/  or  tail -F audit.log | kaudit events)"
            );
        }
        let threads = threads(input, env)?;
        let now = now(input)?;
        let color = match output.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => env.stdout_tty && !env.no_color && !env.term_dumb,
        };
        let spec = filter_spec(filter);
        let clusters = cluster_paths(filter)?;
        let filter = Filter::compile(&spec, now, output.local)?;
        Ok(Config {
            // --strict promises every line was checked: parse them all
            prefilter: if input.no_prefilter || input.strict {
                None
            } else {
                filter.prefilter()
            },
            filter,
            threads,
            // no longer than a long line: a line longer than that then always ends its chunk,
            // so it is found whatever the chunks (`scan::long_line`)
            chunk_size: input
                .chunk_size
                .unwrap_or(crate::chunk::DEFAULT_CHUNK)
                .min(input.long_line.unwrap_or(crate::scan::LONG_LINE))
                .max(1),
            mmap: !input.no_mmap,
            input_format: input.input_format,
            max_gzip_ratio: input
                .max_gzip_ratio
                .unwrap_or(crate::input::gzip::DEFAULT_MAX_RATIO),
            long_line: input.long_line.unwrap_or(crate::scan::LONG_LINE).max(1),
            checkpoint: input.checkpoint.unwrap_or(crate::scan::CHECKPOINT).max(1),
            max_open_memory: input
                .max_open_memory
                .unwrap_or(crate::correlate::DEFAULT_OPEN_MEMORY),
            strict: input.strict,
            progress: env.stderr_tty && !input.no_progress,
            progress_after: std::time::Duration::from_millis(input.progress_after.unwrap_or(1000)),
            color,
            stdout_tty: env.stdout_tty,
            width: env.columns,
            local: output.local,
            now,
            clusters,
        })
    }
}

/// `--threads`, checked (1 to [`MAX_THREADS`]); the machine's cores when not given.
fn threads(input: &InputArgs, env: &Env) -> Result<usize> {
    Ok(match input.threads {
        Some(0) => bail!("--threads: must be at least 1 (example: --threads 2)"),
        Some(n) if n > MAX_THREADS => {
            bail!(
                "--threads: {n} is more than {MAX_THREADS} (example: --threads {})",
                env.cores
            )
        }
        Some(n) => n,
        None => env.cores,
    })
}

/// `--now`, read as an RFC 3339 time; the clock's time when not given.
fn now(input: &InputArgs) -> Result<Ts> {
    Ok(match &input.now {
        Some(s) => Ts::parse(s).ok_or_else(|| anyhow!("--now: {s:?} is not an RFC 3339 time"))?,
        None => Ts(jiff::Timestamp::now().as_microsecond()),
    })
}

/// The filter flags as a [`FilterSpec`]; a `--cluster` of the form NAME=PATH names inputs'
/// cluster instead of filtering ([`cluster_paths`]), so it is left out.
fn filter_spec(filter: &FilterArgs) -> FilterSpec {
    FilterSpec {
        user: filter.user.clone(),
        group: filter.group.clone(),
        verb: filter.verb.clone(),
        resource: filter.resource.clone(),
        namespace: filter.namespace.clone(),
        name: filter.name.clone(),
        audit_id: filter.audit_id.clone(),
        code: filter.code.clone(),
        decision: filter.decision.clone(),
        ip: filter.ip.clone(),
        user_agent: filter.user_agent.clone(),
        uri: filter.uri.clone(),
        since: filter.since.clone(),
        until: filter.until.clone(),
        level: filter.level.clone(),
        stage: filter.stage.clone(),
        incomplete: filter.incomplete,
        dry_run: filter.dry_run,
        annotation: filter.annotation.clone(),
        field_manager: filter.field_manager.clone(),
        cluster: filter
            .cluster
            .iter()
            .filter(|c| !c.contains('='))
            .cloned()
            .collect(),
    }
}

/// Each `--cluster NAME=PATH`: the cluster of the inputs at PATH, checked.
fn cluster_paths(filter: &FilterArgs) -> Result<Vec<(String, std::path::PathBuf)>> {
    let mut clusters = Vec::new();
    for c in filter.cluster.iter().filter(|c| c.contains('=')) {
        let (name, path) = c.split_once('=').unwrap_or_default();
        if name.trim().is_empty() || path.is_empty() || name.contains(['*', '?', '!', ',']) {
            bail!(
                "--cluster: {c:?}: write NAME=PATH to name the cluster of the inputs at PATH (example: --cluster prod=logs/prod/)"
            );
        }
        clusters.push((name.trim().to_string(), std::path::PathBuf::from(path)));
    }
    Ok(clusters)
}
