//! `cargo xtask bench`: every performance figure of the project in one run, each
//! beside its target, marked met or missed. Progress goes to stderr, the table to
//! stdout (and `--json PATH` writes it for machines). Nothing asserts a time: a
//! missed target is a row, not a failure.
//!
//! Sections (`--only`, `--skip`):
//! - `sdk` (`sdk.rs`): the SDK's time per call against a minimal hand-written
//!   client, sequential and 32 in flight, against the in-process reference server;
//! - `server` (`server.rs`, `load.rs`): the real `veriff serve` (release, a second
//!   process) under `wrk` (or the in-process generator) at 1, 8 and 32
//!   connections, memory sampled over the soak run; nginx serving the same bytes
//!   as a static file and Prism's mock of the spec at 32 connections;
//! - `scan` (`scan.rs`): `veriff scan --concurrency 32` on 10,000 sessions against
//!   that server, throughput against the server's capacity, peak RSS (and peak RSS
//!   on 1,000,000 lines);
//! - `build` (`build.rs`): the clean debug build of the `sdk` crate and its
//!   dependency count;
//! - `conformance`: the main job's wall time, its build done beforehand.

mod build;
mod load;
mod process;
mod scan;
mod sdk;
mod server;
mod table;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use table::Table;

/// A part of the benchmark.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Section {
    /// The SDK against a minimal hand-written client.
    Sdk,
    /// `veriff serve` under load, against nginx and Prism; its memory.
    Server,
    /// `veriff scan` throughput against the server's capacity; its memory.
    Scan,
    /// Clean build time and dependency count of the sdk crate.
    Build,
    /// The main job's wall time.
    Conformance,
}

const ALL: [Section; 5] = [
    Section::Sdk,
    Section::Server,
    Section::Scan,
    Section::Build,
    Section::Conformance,
];

#[derive(clap::Args, Clone, Debug)]
#[command(after_help = "Figures go to stdout as a table, progress to stderr. \
    The full run takes several minutes; --quick is a smoke run (short durations, \
    no 1,000,000-line scan). Prism is measured when PRISM_BIN or \
    /tmp/prism/node_modules/.bin/prism exists; VERIFF_BIN overrides the release \
    veriff binary (built with `cargo build --release -p veriff-cli` otherwise).")]
pub struct Args {
    /// Run only these sections (comma-separated).
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        value_name = "SECTIONS",
        conflicts_with = "skip"
    )]
    only: Vec<Section>,
    /// Run every section but these (comma-separated).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "SECTIONS")]
    skip: Vec<Section>,
    /// A short smoke run: 2 s load runs, a 3 s soak, fewer SDK calls, no
    /// 1,000,000-line scan. Explicit options win.
    #[arg(long)]
    quick: bool,
    /// Seconds of the soak run (the server at the most connections, memory sampled
    /// every second) [default: 60, --quick 3].
    #[arg(long, visible_alias = "soak", value_name = "SECS",
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    duration: Option<u64>,
    /// Seconds of every other load run [default: 10, --quick 2].
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    load_duration: Option<u64>,
    /// Connections of the server's load runs (comma-separated; the largest is the
    /// soak run and the comparison with nginx and Prism).
    #[arg(long, value_delimiter = ',', value_name = "N", default_values_t = [1, 8, 32],
          value_parser = clap::value_parser!(u64).range(1..=10_000))]
    connections: Vec<u64>,
    /// Load generator.
    #[arg(long, value_enum, default_value = "auto")]
    generator: load::Generator,
    /// Worker threads of veriff serve and worker processes of nginx (the same
    /// for both: the comparison is per worker).
    #[arg(long, value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u64).range(1..=64))]
    workers: u64,
    /// SDK section: calls per client per round [default: 2000, --quick 300].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    calls: Option<u64>,
    /// SDK section: rounds, the median is reported [default: 7, --quick 3].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    rounds: Option<u64>,
    /// SDK section: calls in flight at once, one measurement per value.
    #[arg(long, value_delimiter = ',', value_name = "N", default_values_t = [1, 32],
          value_parser = clap::value_parser!(u64).range(1..=1024))]
    concurrency: Vec<u64>,
    /// Scan section: sessions of the throughput run.
    #[arg(long, value_name = "N", default_value_t = 10_000,
          value_parser = clap::value_parser!(u64).range(1..))]
    scan_sessions: u64,
    /// Scan section: input lines of the memory run; 0 skips it [default:
    /// 1000000, --quick 0].
    #[arg(long, value_name = "N")]
    scan_large: Option<u64>,
    /// Scan section: --concurrency of the scan.
    #[arg(long, value_name = "N", default_value_t = 32,
          value_parser = clap::value_parser!(u64).range(1..=1024))]
    scan_concurrency: u64,
    /// Also write the figures as JSON to this file.
    #[arg(long, value_name = "PATH")]
    json: Option<PathBuf>,
}

impl Args {
    fn sections(&self) -> Vec<Section> {
        ALL.into_iter()
            .filter(|s| self.only.is_empty() || self.only.contains(s))
            .filter(|s| !self.skip.contains(s))
            .collect()
    }

    fn pick(&self, explicit: Option<u64>, full: u64, quick: u64) -> u64 {
        explicit.unwrap_or(if self.quick { quick } else { full })
    }
}

fn usize_of(value: u64) -> usize {
    usize::try_from(value).unwrap_or(usize::MAX)
}

/// Runs the benchmark, re-running itself optimised if this is a debug build
/// (figures from unoptimised code would measure the compiler's settings).
pub fn run(args: Args) -> ExitCode {
    if cfg!(debug_assertions) {
        return rerun_in_release();
    }
    let sections = args.sections();
    if sections.is_empty() {
        eprintln!("error: --skip leaves no section to run");
        return ExitCode::from(2);
    }
    // reqwest is built without a default TLS provider (plain HTTP here, but the
    // client builder insists on one).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the Tokio runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let temp = std::env::temp_dir().join(format!("veriff-bench-{}", std::process::id()));
    if let Err(err) = std::fs::create_dir_all(&temp) {
        eprintln!("error: cannot create {}: {err}", temp.display());
        return ExitCode::FAILURE;
    }
    let machine = machine();
    let table = runtime.block_on(bench(&args, &sections, &temp));
    let _ = std::fs::remove_dir_all(&temp);
    println!("{}", machine_line(&machine));
    print!("{}", table.render());
    if let Some(path) = &args.json {
        let json = table.json(&machine);
        let text = serde_json::to_string_pretty(&json).unwrap_or_default();
        if let Err(err) = std::fs::write(path, text + "\n") {
            eprintln!("error: cannot write {}: {err}", path.display());
            return ExitCode::FAILURE;
        }
        eprintln!("bench: figures written to {}", path.display());
    }
    ExitCode::SUCCESS
}

async fn bench(args: &Args, sections: &[Section], temp: &std::path::Path) -> Table {
    let root = codegen::workspace_root();
    let mut table = Table::default();
    if sections.contains(&Section::Sdk) {
        let settings = sdk::Settings {
            calls: usize_of(args.pick(args.calls, 2000, 300)),
            rounds: usize_of(args.pick(args.rounds, 7, 3)),
            concurrency: args.concurrency.iter().copied().map(usize_of).collect(),
        };
        sdk::run(&settings, &mut table).await;
    }
    let wants_server = sections.contains(&Section::Server);
    let wants_scan = sections.contains(&Section::Scan);
    if wants_server || wants_scan {
        let workers = usize_of(args.workers);
        let connections: Vec<usize> = args.connections.iter().copied().map(usize_of).collect();
        let scan_concurrency = usize_of(args.scan_concurrency);
        match veriff_bin(&root) {
            Err(why) => {
                table.missing("server", "veriff serve", why.clone(), "");
            }
            Ok(bin) => match server::start(&bin, workers).await {
                Err(why) => table.missing("server", "veriff serve", why, ""),
                Ok(veriff) => {
                    let mut settings = server::Settings {
                        generator: args.generator,
                        connections,
                        load_duration: Duration::from_secs(args.pick(args.load_duration, 10, 2)),
                        soak: Duration::from_secs(args.pick(args.duration, 60, 3)),
                        workers,
                        temp: temp.to_owned(),
                        spec: root.join("openapi/veriff-attempts.yaml"),
                    };
                    let mut capacity = Vec::new();
                    if wants_server {
                        capacity = server::run(&veriff, &settings, &mut table).await;
                    }
                    if wants_scan {
                        let at = capacity
                            .iter()
                            .find(|(c, _)| *c == scan_concurrency)
                            .map(|(_, rps)| *rps);
                        let at = match at {
                            Some(rps) => Some(rps),
                            None => {
                                // No server figure at the scan's concurrency: measure it.
                                eprintln!(
                                    "bench: scan: the server's capacity at c={scan_concurrency}"
                                );
                                settings.connections = vec![scan_concurrency];
                                load::run(
                                    settings.generator,
                                    &veriff.request(),
                                    scan_concurrency,
                                    settings.load_duration,
                                )
                                .await
                                .ok()
                                .map(|load| load.requests_per_sec)
                            }
                        };
                        let mut sizes = vec![usize_of(args.scan_sessions)];
                        let large = args.pick(args.scan_large, 1_000_000, 0);
                        if large > 0 {
                            sizes.push(usize_of(large));
                        }
                        let settings = scan::Settings {
                            bin: bin.clone(),
                            temp: temp.to_owned(),
                            concurrency: scan_concurrency,
                            sizes,
                        };
                        scan::run(&settings, &veriff, at, &mut table);
                    }
                }
            },
        }
    }
    if sections.contains(&Section::Build) {
        build::clean_build(&root, temp, &mut table);
    }
    if sections.contains(&Section::Conformance) {
        build::conformance(&root, &mut table);
    }
    table
}

/// The release `veriff` binary: `VERIFF_BIN`, or built now.
fn veriff_bin(root: &std::path::Path) -> Result<PathBuf, String> {
    if let Some(bin) = std::env::var_os("VERIFF_BIN") {
        return Ok(PathBuf::from(bin));
    }
    eprintln!("bench: cargo build --release -p veriff-cli");
    let status = std::process::Command::new(env!("CARGO"))
        .current_dir(root)
        .args(["build", "--release", "--quiet", "--package", "veriff-cli"])
        .status()
        .map_err(|err| format!("cannot run cargo: {err}"))?;
    if !status.success() {
        return Err("cargo build --release -p veriff-cli failed".to_owned());
    }
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    Ok(target.join("release/veriff"))
}

fn rerun_in_release() -> ExitCode {
    let status = std::process::Command::new(env!("CARGO"))
        .args([
            "run",
            "--release",
            "--quiet",
            "--package",
            "xtask-jobs",
            "--",
        ])
        .args(std::env::args_os().skip(1))
        .status();
    match status {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(status) => ExitCode::from(
            status
                .code()
                .and_then(|c| u8::try_from(c).ok())
                .unwrap_or(1),
        ),
        Err(err) => {
            eprintln!("error: cannot run `cargo run --release -p xtask-jobs`: {err}");
            ExitCode::FAILURE
        }
    }
}

/// The machine the figures come from.
fn machine() -> serde_json::Value {
    let read = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
    let cpu = read("/proc/cpuinfo")
        .lines()
        .find_map(|line| {
            line.strip_prefix("model name")?
                .split_once(':')
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let kernel = read("/proc/sys/kernel/osrelease").trim().to_owned();
    let load: Vec<String> = read("/proc/loadavg")
        .split_whitespace()
        .take(3)
        .map(str::to_owned)
        .collect();
    serde_json::json!({ "cores": cores, "cpu": cpu, "kernel": kernel, "load_at_start": load.join(" ") })
}

fn machine_line(machine: &serde_json::Value) -> String {
    let text = |key: &str| machine[key].as_str().unwrap_or_default().to_owned();
    format!(
        "machine: {} cores, {}, Linux {}, load average at start {}",
        machine["cores"],
        text("cpu"),
        text("kernel"),
        text("load_at_start")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: Args,
    }

    fn parse(line: &[&str]) -> Result<Args, String> {
        Cli::try_parse_from(std::iter::once("bench").chain(line.iter().copied()))
            .map(|cli| cli.args)
            .map_err(|err| err.to_string())
    }

    #[test]
    fn sections_are_chosen_with_only_or_skip() -> Result<(), String> {
        assert_eq!(parse(&[])?.sections(), ALL);
        assert_eq!(
            parse(&["--only", "server,scan"])?.sections(),
            [Section::Server, Section::Scan]
        );
        assert_eq!(
            parse(&["--skip", "build", "--skip", "conformance"])?.sections(),
            [Section::Sdk, Section::Server, Section::Scan]
        );
        Ok(())
    }

    #[test]
    fn bad_flags_are_rejected_with_a_clear_error() {
        let err = parse(&["--only", "servers"]).err().unwrap_or_default();
        assert!(
            err.contains("invalid value 'servers'") && err.contains("server"),
            "{err}"
        );
        let err = parse(&["--only", "sdk", "--skip", "scan"])
            .err()
            .unwrap_or_default();
        assert!(err.contains("cannot be used with"), "{err}");
        let err = parse(&["--duration", "0"]).err().unwrap_or_default();
        assert!(err.contains("--duration") && err.contains("0"), "{err}");
        let err = parse(&["--generator", "ab"]).err().unwrap_or_default();
        assert!(err.contains("wrk") && err.contains("in-process"), "{err}");
        let err = parse(&["--frobnicate"]).err().unwrap_or_default();
        assert!(err.contains("unexpected argument '--frobnicate'"), "{err}");
    }

    #[test]
    fn quick_shortens_what_was_not_given() -> Result<(), String> {
        let args = parse(&["--quick", "--duration", "20"])?;
        assert_eq!(args.pick(args.duration, 60, 3), 20);
        assert_eq!(args.pick(args.load_duration, 10, 2), 2);
        assert_eq!(args.pick(args.scan_large, 1_000_000, 0), 0);
        let args = parse(&["--soak", "5"])?;
        assert_eq!(args.pick(args.duration, 60, 3), 5);
        assert_eq!(args.pick(args.scan_large, 1_000_000, 0), 1_000_000);
        Ok(())
    }
}
