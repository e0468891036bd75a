//! Section `scan`: the release `veriff scan --concurrency 32` against the running
//! `veriff serve`, on an input of the documented session id repeated (every line is
//! the same signed 200 the server section measured), wall time → sessions per
//! second, and the scan's peak RSS from `wait4` (the kernel's `ru_maxrss`).

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::process;
use super::server::{API_KEY, SHARED_SECRET, Veriff};
use super::table::{Table, Target, median, mib, ratio, thousands};

const SECTION: &str = "scan";
/// The peak RSS the scan must stay under, at any input size.
const RSS_LIMIT_KIB: u64 = 64 * 1024;

pub struct Settings {
    pub bin: PathBuf,
    pub temp: PathBuf,
    pub concurrency: usize,
    /// Input sizes: the first is the throughput run; every one has an RSS row.
    pub sizes: Vec<usize>,
}

struct Scan {
    elapsed: Duration,
    max_rss_kib: u64,
}

fn input(path: &Path, session_id: &str, lines: usize) -> std::io::Result<()> {
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    for _ in 0..lines {
        writeln!(out, "{session_id}")?;
    }
    out.flush()
}

fn scan(settings: &Settings, veriff: &Veriff, lines: usize) -> Result<Scan, String> {
    let dir = &settings.temp;
    let input_path = dir.join(format!("ids-{lines}.txt"));
    let out_path = dir.join(format!("scan-{lines}.ndjson"));
    let _ = std::fs::remove_file(&out_path);
    input(&input_path, &veriff.session_id, lines)
        .map_err(|err| format!("cannot write {}: {err}", input_path.display()))?;
    let started = Instant::now();
    let child = Command::new(&settings.bin)
        .arg("scan")
        .arg("--input")
        .arg(&input_path)
        .arg("--out")
        .arg(&out_path)
        .args(["--concurrency", &settings.concurrency.to_string()])
        .env("VERIFF_BASE_URL", &veriff.base_url)
        .env("VERIFF_API_KEY", API_KEY)
        .env("VERIFF_SHARED_SECRET", SHARED_SECRET)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|err| format!("cannot start {}: {err}", settings.bin.display()))?;
    let limit = Duration::from_secs(600);
    let exit =
        process::wait_with_rusage(child, limit).map_err(|err| format!("veriff scan: {err}"))?;
    let elapsed = exit.at.duration_since(started);
    let result = match exit.code {
        Some(0) => count_records(&out_path).and_then(|records| {
            if records == lines {
                Ok(Scan {
                    elapsed,
                    max_rss_kib: exit.max_rss_kib,
                })
            } else {
                Err(format!(
                    "veriff scan wrote {records} records for {lines} lines"
                ))
            }
        }),
        Some(code) => Err(format!("veriff scan exited with {code}")),
        None => Err("veriff scan was killed by a signal".to_owned()),
    };
    let _ = std::fs::remove_file(&out_path);
    let _ = std::fs::remove_file(&input_path);
    result
}

/// Records in an NDJSON file: its lines, each a successful record.
fn count_records(path: &Path) -> Result<usize, String> {
    let text =
        std::fs::read(path).map_err(|err| format!("cannot read the scan's output: {err}"))?;
    let lines = text.split(|b| *b == b'\n').filter(|l| !l.is_empty());
    let mut count = 0;
    for line in lines {
        if line.windows(8).any(|w| w == b"\"error\":") {
            return Err(format!(
                "a session failed: {}",
                String::from_utf8_lossy(line)
                    .chars()
                    .take(200)
                    .collect::<String>()
            ));
        }
        count += 1;
    }
    Ok(count)
}

/// The run of median wall time, with the largest peak RSS of all.
fn median_run(runs: Vec<Scan>) -> Scan {
    let max_rss_kib = runs.iter().map(|run| run.max_rss_kib).max().unwrap_or(0);
    Scan {
        elapsed: median(runs.iter().map(|run| run.elapsed).collect()),
        max_rss_kib,
    }
}

/// `capacity`: the server's req/s at the scan's concurrency, from the server section.
pub fn run(settings: &Settings, veriff: &Veriff, capacity: Option<f64>, table: &mut Table) {
    if !settings.bin.is_file() {
        table.missing(
            SECTION,
            "veriff scan",
            format!("{} not found", settings.bin.display()),
            "",
        );
        return;
    }
    let c = settings.concurrency;
    for (i, &lines) in settings.sizes.iter().enumerate() {
        eprintln!(
            "bench: scan: {} sessions, --concurrency {c}",
            thousands(lines as f64)
        );
        let name = format!("veriff scan {} sessions, c={c}", thousands(lines as f64));
        // The throughput run is short: the median of three, the largest peak RSS.
        let repeats = if i == 0 { 3 } else { 1 };
        let runs: Result<Vec<Scan>, String> = (0..repeats)
            .map(|_| scan(settings, veriff, lines))
            .collect();
        match runs.map(median_run) {
            Ok(scan) => {
                let rate = lines as f64 / scan.elapsed.as_secs_f64().max(f64::MIN_POSITIVE);
                table.value(
                    SECTION,
                    name.clone(),
                    format!(
                        "{} sessions/s ({:.2} s{})",
                        thousands(rate),
                        scan.elapsed.as_secs_f64(),
                        if repeats > 1 { ", median of 3" } else { "" }
                    ),
                    rate,
                    "sessions/s",
                );
                if i == 0 {
                    match capacity {
                        Some(capacity) => {
                            let r = ratio(rate, capacity);
                            table.judged(
                                SECTION,
                                format!("scan / server capacity at c={c}"),
                                format!("{r:.2}× ({} req/s)", thousands(capacity)),
                                r,
                                "x",
                                Target::AtLeast(0.5),
                                "≥ 0.50×",
                            );
                        }
                        None => table.missing(
                            SECTION,
                            format!("scan / server capacity at c={c}"),
                            "no server figure at this concurrency",
                            "≥ 0.50×",
                        ),
                    }
                }
                table.judged(
                    SECTION,
                    format!("{name} peak RSS"),
                    mib(scan.max_rss_kib),
                    scan.max_rss_kib as f64,
                    "KiB",
                    Target::AtMost(RSS_LIMIT_KIB as f64),
                    "< 64 MiB",
                );
            }
            Err(why) => table.missing(SECTION, name, why, ""),
        }
    }
}
