//! `veriff scan`: the attempts of many sessions, as a stream.
//!
//! ```text
//! input thread ──entries──▶ dispatcher ──spawn──▶ requests (≤ --concurrency, --rate)
//!                               ▲                       │
//!                               └── reorder buffer ◀────┘ ──in input order──▶ writer
//! ```
//!
//! Memory does not grow with the input: the input is read on its own thread, a
//! line at a time, through a bounded queue; at most `--concurrency` requests run;
//! finished records wait in a reorder buffer of [`WINDOW_PER_REQUEST`] ×
//! concurrency entries, and a new session is only started when its record would
//! fit in it; records are written as soon as every earlier one is.

mod csv;
pub mod input;
mod order;
mod output;
mod progress;
mod rate;
pub mod record;
mod resume;
mod stop;

use std::collections::{HashMap, VecDeque};
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::{Id, JoinError, JoinSet};
use tokio::time::{Instant, sleep_until};
use veriff_attempts::{Client, SessionId};

use crate::connection::{Connection, parse_timeout};
use crate::hint;
use crate::output::{
    EXIT_API, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_IO, EXIT_SOME_FAILED, EXIT_USAGE, error_text,
    error_with_hint,
};
use crate::summary::{Summary, render};
use input::{Entry, Item, Source};
use order::Reorder;
use output::{FLUSH_EVERY, Format, RecordWriter};
use progress::Progress;
use rate::Rate;
use record::{Failure, Record, kind};
use resume::{Done, Opened, OutError};
use stop::{Stop, StopSignals};

/// The reorder buffer holds this many records per concurrent request: room for
/// one slow session to be overtaken by many fast ones before the scan waits for it.
pub const WINDOW_PER_REQUEST: usize = 16;

pub const EXAMPLES: &str = "\
Examples:
  veriff scan --input ids.txt --out scan.ndjson            # ids one per line; # comments
  veriff scan --input ids.txt --out scan.ndjson --resume   # continue after Ctrl-C or a crash
  veriff scan --input ids.txt --concurrency 32 --rate 50 --summary > scan.ndjson
  veriff scan --input ids.txt --output csv --out scan.csv
  grep -v '^$' ids.txt | veriff scan | jq -c 'select(.error)'
  veriff summary scan.ndjson

Records (NDJSON, one per session, in input order; schema version 1):
  {\"v\":1,\"line\":1,\"session_id\":\"…\",\"attempts\":[…]}
  {\"v\":1,\"line\":2,\"session_id\":\"…\",\"error\":{\"kind\":\"api\",\"http_status\":404,\"code\":\"1101\",\"message\":\"…\",\"requests\":1}}

Exit status: 0 every session listed, 1 some sessions failed (their records say why),
2 bad arguments or settings, 3 Veriff refused the credentials (the scan stops),
74 input or output error, 130 interrupted (rerun with --resume to continue).";

#[derive(clap::Args)]
pub struct Args {
    /// Session ids, one per line (blank lines and lines starting with # are skipped);
    /// - for standard input [default: standard input].
    #[arg(long, short, value_name = "FILE")]
    input: Option<PathBuf>,

    /// Sessions fetched at the same time (1-1024).
    #[arg(long, short = 'c', value_name = "N", default_value_t = 8,
          value_parser = clap::value_parser!(u16).range(1..=1024))]
    concurrency: u16,

    /// Start at most this many sessions per second, evenly spaced (e.g. 20, or 0.5 for
    /// one every two seconds); retries come on top [default: no limit].
    #[arg(long, value_name = "PER_SECOND", value_parser = rate::parse)]
    rate: Option<f64>,

    /// Record format.
    #[arg(long, value_enum, default_value = "ndjson")]
    output: Format,

    /// Write the records to FILE instead of standard output. An existing file with
    /// content is only ever continued (--resume), never overwritten.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,

    /// Continue the scan in --out: input lines whose record is already there are
    /// skipped; an unfinished last record (after a crash) is dropped and fetched again.
    #[arg(long, requires = "out")]
    resume: bool,

    /// Print a summary at the end (on standard output with --out, otherwise on
    /// standard error); with --resume and NDJSON it covers the whole file.
    #[arg(long)]
    summary: bool,

    /// Seconds allowed per session, retries included (e.g. 2.5); each request gets the
    /// same bound [default: 30 per request, 60 per session].
    #[arg(long, value_name = "SECS", value_parser = parse_timeout)]
    timeout: Option<Duration>,

    /// Retries of a session after a transient failure (429, 500, 502, 503, 504,
    /// timeouts, connection errors), honouring Retry-After (0-10) [default: 2].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(0..=10))]
    retries: Option<u32>,

    #[command(flatten)]
    connection: Connection,
}

pub async fn run(args: Args) -> ExitCode {
    let client = match args.connection.client(args.timeout, args.retries) {
        Ok(client) => client,
        Err(code) => return ExitCode::from(code),
    };
    let source = Source::from_arg(args.input.as_deref());
    let (reader, input_size) = match source.open() {
        Ok(opened) => opened,
        Err(err) => {
            error_with_hint(
                &format!("cannot read {}: {err}", source.name()),
                Some("--input names a file of session ids, one per line, or - for standard input"),
            );
            return ExitCode::from(EXIT_IO);
        }
    };
    let mut summary = args.summary.then(Summary::default);
    let destination = args
        .out
        .as_ref()
        .map_or("standard output".to_owned(), |p| p.display().to_string());

    let (out, needs_header, mut done, before): (Box<dyn Write>, bool, Done, Before) =
        match &args.out {
            None => (
                Box::new(io::stdout()),
                true,
                Done::nothing(),
                Before::default(),
            ),
            Some(path) => {
                let opened = if args.resume {
                    resume::resume(path, args.output, summary.as_mut())
                } else {
                    resume::fresh(path)
                };
                match opened {
                    Ok(Opened {
                        file,
                        needs_header,
                        kept,
                        failed,
                        dropped,
                        done,
                    }) => {
                        if args.resume {
                            announce_resume(&destination, kept, dropped);
                        }
                        (Box::new(file), needs_header, done, Before { kept, failed })
                    }
                    Err(err) => return out_failed(&destination, err),
                }
            }
        };
    let writer = match RecordWriter::new(out, args.output, needs_header) {
        Ok(writer) => writer,
        Err(err) => return out_failed(&destination, OutError::Io(err)),
    };
    if matches!(source, Source::Stdin) && io::stdin().is_terminal() {
        eprintln!("reading session ids from the terminal, one per line; end with Ctrl-D");
    }
    let entries =
        match input::spawn_reader(reader, move |entry: &Entry| done.contains(&entry.key())) {
            Ok(entries) => entries,
            Err(err) => {
                error_with_hint(&format!("cannot start reading the input: {err}"), None);
                return ExitCode::from(EXIT_INTERNAL);
            }
        };

    let concurrency = usize::from(args.concurrency);
    let mut scan = Scan {
        client,
        concurrency,
        rate: args.rate.map(Rate::per_second),
        order: Reorder::new(concurrency * WINDOW_PER_REQUEST),
        tasks: JoinSet::new(),
        running: HashMap::with_capacity(concurrency),
        writer,
        summary: summary.take(),
        progress: Progress::new(input_size),
        written: 0,
        failed: 0,
        before,
        skipped: 0,
        last_flush: Instant::now(),
    };
    let started = Instant::now();
    let stop = scan.run(entries, StopSignals::install()).await;
    scan.finish(stop, &destination, args.out.is_some(), args.resume, started)
}

/// The sessions an output file had before this run (`--resume`).
#[derive(Debug, Default, Clone, Copy)]
struct Before {
    kept: u64,
    failed: u64,
}

fn announce_resume(destination: &str, kept: u64, dropped: u64) {
    if dropped > 0 {
        eprintln!(
            "resuming {destination}: dropped its unfinished last record ({dropped} bytes); that session is fetched again"
        );
    }
    eprintln!("resuming {destination}: it has {kept} sessions");
}

fn out_failed(destination: &str, err: OutError) -> ExitCode {
    match err {
        OutError::Exists => {
            error_with_hint(
                &format!("{destination} already has content"),
                Some("add --resume to continue that scan, or choose another --out"),
            );
            ExitCode::from(EXIT_USAGE)
        }
        OutError::NotScanOutput { line, reason } => {
            error_with_hint(
                &format!("cannot resume {destination}: line {line}: {reason}"),
                Some(
                    "--resume continues a file that veriff scan wrote with the same --output format",
                ),
            );
            ExitCode::from(EXIT_USAGE)
        }
        OutError::Io(err) => {
            error_with_hint(&format!("cannot write {destination}: {err}"), None);
            ExitCode::from(EXIT_IO)
        }
    }
}

/// What a request task returns.
type Listed = Result<veriff_attempts::SessionAttemptsResponse, veriff_attempts::Error>;

/// A session's record, and where its line ends in the input (for progress).
struct Finished {
    record: Record,
    end: u64,
}

/// A request in flight: enough to write its record whatever becomes of the task.
struct Running {
    seq: u64,
    line: u64,
    end: u64,
    id: SessionId,
}

struct Scan {
    client: Client,
    concurrency: usize,
    rate: Option<Rate>,
    order: Reorder<Finished>,
    tasks: JoinSet<Listed>,
    running: HashMap<Id, Running>,
    writer: RecordWriter,
    summary: Option<Summary>,
    progress: Option<Progress>,
    written: u64,
    failed: u64,
    before: Before,
    skipped: u64,
    last_flush: Instant,
}

impl Scan {
    /// Reads entries, runs requests, writes records in order, until the input ends
    /// or something stops the scan. Returns why it stopped.
    async fn run(&mut self, mut entries: mpsc::Receiver<Item>, mut signals: StopSignals) -> Stop {
        let mut next_seq: u64 = 0;
        // The current batch from the reader thread (at most input::BATCH entries).
        let mut queued: VecDeque<Entry> = VecDeque::new();
        let mut input_open = true;
        let mut stop: Option<Stop> = None;
        loop {
            // Start everything that may start now, without waiting.
            while stop.is_none() && self.has_room(next_seq) && self.rate_allows() {
                let Some(entry) = queued.pop_front() else {
                    break;
                };
                let seq = next_seq;
                next_seq += 1;
                if let Err(err) = self.start(seq, entry) {
                    self.tasks.abort_all();
                    stop = Some(output_stop(err));
                }
            }
            let accepting = stop.is_none() && (input_open || !queued.is_empty());
            if !accepting && self.tasks.is_empty() {
                break;
            }
            let room = self.has_room(next_seq);
            let now = Instant::now();
            let rate_at = self.rate.as_ref().map_or(now, |rate| rate.ready_at(now));
            let flush_at = self.last_flush + FLUSH_EVERY;
            tokio::select! {
                biased;
                () = signals.recv() => match &mut stop {
                    None => {
                        stop = Some(Stop::Interrupted { abandoned: false });
                        self.notice(&format!(
                            "stopping: waiting for {} sessions in flight (Ctrl-C again to abandon them)",
                            self.tasks.len()
                        ));
                    }
                    Some(Stop::Interrupted { abandoned }) if !*abandoned => {
                        *abandoned = true;
                        self.tasks.abort_all();
                    }
                    Some(_) => self.tasks.abort_all(),
                },
                Some(joined) = self.tasks.join_next_with_id(), if !self.tasks.is_empty() => {
                    if let Some(reason) = self.joined(joined) {
                        self.tasks.abort_all();
                        stop = Some(reason);
                    }
                }
                () = sleep_until(flush_at), if self.writer.dirty() => {
                    if let Err(err) = self.flush() {
                        self.tasks.abort_all();
                        stop = Some(output_stop(err));
                    }
                }
                // --rate: wait for the next start.
                () = sleep_until(rate_at), if accepting && room && !queued.is_empty() && rate_at > now => {}
                item = entries.recv(), if accepting && room && queued.is_empty() && input_open => match item {
                    Some(Item::Entries(batch)) => queued.extend(batch),
                    Some(Item::End { skipped }) => {
                        self.skipped = skipped;
                        input_open = false;
                    }
                    Some(Item::Failed(err)) => {
                        input_open = false;
                        stop = Some(Stop::Input(err));
                    }
                    None => {
                        input_open = false;
                        stop = Some(Stop::Input("the input reader stopped".to_owned()));
                    }
                },
            }
        }
        let flushed = self.flush();
        match (stop, flushed) {
            (Some(stop @ (Stop::Output(_) | Stop::ClosedPipe)), _) => stop,
            (_, Err(err)) => output_stop(err),
            (stop, Ok(())) => stop.unwrap_or(Stop::Finished),
        }
    }

    /// Whether entry `seq` may start: a request slot is free and its record would
    /// fit in the reorder buffer.
    fn has_room(&self, seq: u64) -> bool {
        self.tasks.len() < self.concurrency && self.order.has_room(seq)
    }

    /// Whether `--rate` lets a request start now.
    fn rate_allows(&self) -> bool {
        let now = Instant::now();
        self.rate
            .as_ref()
            .is_none_or(|rate| rate.ready_at(now) <= now)
    }

    /// Starts a session's request, or records a malformed line at once.
    fn start(&mut self, seq: u64, entry: Entry) -> io::Result<()> {
        match entry.id {
            Err(malformed) => {
                let record = Record::malformed(entry.line, &malformed.text, &malformed.reason);
                self.order.insert(
                    seq,
                    Finished {
                        record,
                        end: entry.end,
                    },
                );
                self.release()
            }
            Ok(id) => {
                if let Some(rate) = &mut self.rate {
                    rate.take(Instant::now());
                }
                let client = self.client.clone();
                let handle = self
                    .tasks
                    .spawn(async move { client.list_attempts(id).await });
                self.running.insert(
                    handle.id(),
                    Running {
                        seq,
                        line: entry.line,
                        end: entry.end,
                        id,
                    },
                );
                Ok(())
            }
        }
    }

    /// A request ended. Returns why the scan must stop, if it must.
    fn joined(&mut self, joined: Result<(Id, Listed), JoinError>) -> Option<Stop> {
        let (id, outcome) = match joined {
            Ok((id, result)) => (id, Ok(result)),
            Err(err) => (err.id(), Err(err)),
        };
        let running = self.running.remove(&id)?;
        let record = match outcome {
            Ok(result) => Record::fetched(running.line, running.id, result),
            // Abandoned by a second Ctrl-C or a fatal stop: not written.
            Err(err) if err.is_cancelled() => return None,
            // A panic is a bug, but only this session's failure.
            Err(err) => Record::failed(
                running.line,
                running.id,
                Failure {
                    kind: kind::INTERNAL.to_owned(),
                    http_status: None,
                    code: None,
                    message: format!("the request task failed (a bug in veriff): {err}"),
                    requests: 1,
                },
            ),
        };
        if let Some(failure) = record.error.as_ref().filter(|f| f.is_unauthorised()) {
            // Not written: once the credentials are fixed, --resume fetches it.
            return Some(Stop::Unauthorised(failure.clone()));
        }
        self.order.insert(
            running.seq,
            Finished {
                record,
                end: running.end,
            },
        );
        self.release().err().map(output_stop)
    }

    /// Writes every record whose turn has come.
    fn release(&mut self) -> io::Result<()> {
        while let Some(finished) = self.order.pop_ready() {
            self.writer.write(&finished.record)?;
            self.written += 1;
            if finished.record.is_failure() {
                self.failed += 1;
            }
            if let Some(summary) = &mut self.summary {
                summary.add(&finished.record);
            }
            if let Some(progress) = &mut self.progress {
                progress.update(finished.end, self.written, self.failed);
            }
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.last_flush = Instant::now();
        self.writer.flush()
    }

    /// A line on stderr, above the progress bar when there is one.
    fn notice(&self, line: &str) {
        match &self.progress {
            Some(progress) => progress.println(line),
            None => eprintln!("{line}"),
        }
    }

    /// Final messages, the summary and the exit status.
    fn finish(
        mut self,
        stop: Stop,
        destination: &str,
        to_file: bool,
        resumed: bool,
        started: Instant,
    ) -> ExitCode {
        if let Some(progress) = self.progress.take() {
            progress.finish();
            let elapsed = started.elapsed().as_secs_f64();
            eprintln!(
                "{} sessions written to {destination} in {elapsed:.1} s ({:.0}/s), {} failed",
                self.written,
                self.written as f64 / elapsed.max(0.001),
                self.failed
            );
        }
        if resumed {
            eprintln!(
                "skipped {} input lines whose record was already in {destination}",
                self.skipped
            );
        }
        if let Some(summary) = &mut self.summary
            && !matches!(stop, Stop::Output(_) | Stop::ClosedPipe)
        {
            let text = render::text(&summary.report());
            if to_file {
                let _ = crate::output::print(&text);
            } else {
                let _ = io::stderr().lock().write_all(text.as_bytes());
            }
        }
        let written = format!("{} sessions written to {destination}", self.written);
        // After --resume the output is the whole scan: its earlier failures count.
        let failed = self.failed + self.before.failed;
        let sessions = self.written + self.before.kept;
        let code = match stop {
            Stop::Finished | Stop::ClosedPipe if failed == 0 => return ExitCode::SUCCESS,
            Stop::Finished | Stop::ClosedPipe => {
                eprintln!("{failed} of {sessions} sessions failed; their records say why");
                EXIT_SOME_FAILED
            }
            Stop::Interrupted { abandoned } => {
                let abandoned = if abandoned {
                    "; the sessions in flight were abandoned"
                } else {
                    ""
                };
                let hint = if to_file {
                    "run the same command with --resume to continue"
                } else {
                    "write to a file with --out to be able to --resume"
                };
                error_with_hint(&format!("interrupted: {written}{abandoned}"), Some(hint));
                EXIT_INTERRUPTED
            }
            Stop::Unauthorised(failure) => {
                report_unauthorised(&failure, &written, to_file);
                EXIT_API
            }
            Stop::Output(err) => {
                error_with_hint(
                    &format!(
                        "cannot write records to {destination}: {}",
                        error_text(&err)
                    ),
                    None,
                );
                EXIT_IO
            }
            Stop::Input(err) => {
                error_with_hint(&format!("cannot read the input: {err}; {written}"), None);
                EXIT_IO
            }
        };
        ExitCode::from(code)
    }
}

fn report_unauthorised(failure: &Failure, written: &str, to_file: bool) {
    let code = failure.code.as_deref().unwrap_or("");
    let then = if to_file {
        "then rerun the same command with --resume"
    } else {
        "then run the scan again"
    };
    error_with_hint(
        &format!(
            "Veriff refused the credentials (HTTP 401, code {code}: {}), so the scan stopped; {written}",
            failure.message
        ),
        Some(&format!("{}; {then}", hint::for_unauthorised(code))),
    );
}

/// A closed standard output ends the scan quietly; any other write error is fatal.
fn output_stop(err: io::Error) -> Stop {
    if err.kind() == io::ErrorKind::BrokenPipe {
        Stop::ClosedPipe
    } else {
        Stop::Output(err)
    }
}
