//! `veriff summary FILE|-`: the figures of a scan's NDJSON output, as text or JSON.
//!
//! The whole file is read and checked before anything is printed: a file with a
//! line that is not a scan record is refused with that line's number, and nothing
//! is half-printed.

pub mod render;
pub mod stats;

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::PathBuf;
use std::process::ExitCode;

pub use stats::Summary;

use crate::output::{self, EXIT_INTERNAL, EXIT_IO, EXIT_USAGE};
use crate::scan::record::{LineError, MAX_RECORD_LINE, Record, RecordLines};

pub const EXAMPLES: &str = "\
Examples:
  veriff summary scan.ndjson
  veriff summary scan.ndjson --format json | jq .resubmission_rate
  veriff scan --input ids.txt | tee scan.ndjson | veriff summary -

Exit status: 0 printed, 2 the file is not a scan's NDJSON output (nothing printed),
74 the file cannot be read.";

#[derive(clap::Args)]
pub struct Args {
    /// A scan's NDJSON output (`veriff scan --output ndjson`); `-` for standard input.
    #[arg(value_name = "FILE")]
    file: PathBuf,

    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// Aligned figures and a histogram, for people.
    Text,
    /// One JSON object with the keys listed in the README, for programs.
    Json,
}

/// Why a file cannot be summarised.
#[derive(Debug)]
pub enum ReadError {
    Io(io::Error),
    /// Line `line` is not a scan record.
    NotARecord {
        line: u64,
        reason: String,
    },
}

pub async fn run(args: Args) -> ExitCode {
    // Reading is blocking I/O; keep it off the runtime's workers.
    match tokio::task::spawn_blocking(move || summarise(&args)).await {
        Ok(code) => code,
        Err(err) => {
            output::error_line(&err);
            ExitCode::from(EXIT_INTERNAL)
        }
    }
}

fn summarise(args: &Args) -> ExitCode {
    let (reader, name): (Box<dyn Read>, String) = if args.file.as_os_str() == "-" {
        (Box::new(io::stdin()), "standard input".to_owned())
    } else {
        match File::open(&args.file) {
            Ok(file) => (Box::new(file), args.file.display().to_string()),
            Err(err) => {
                output::error_with_hint(
                    &format!("cannot read {}: {err}", args.file.display()),
                    Some("name a scan's NDJSON output, or - for standard input"),
                );
                return ExitCode::from(EXIT_IO);
            }
        }
    };
    let mut summary = Summary::default();
    match read_records(reader, |record| summary.add(&record)) {
        Ok(_) => {}
        Err(ReadError::Io(err)) => {
            output::error_with_hint(&format!("cannot read {name}: {err}"), None);
            return ExitCode::from(EXIT_IO);
        }
        Err(ReadError::NotARecord { line, reason }) => {
            output::error_with_hint(
                &format!("{name} line {line} is not a veriff scan record: {reason}"),
                Some("veriff summary reads the NDJSON that veriff scan writes (--output ndjson)"),
            );
            return ExitCode::from(EXIT_USAGE);
        }
    }
    let report = summary.report();
    let text = match args.format {
        Format::Text => render::text(&report),
        Format::Json => match serde_json::to_string_pretty(&report) {
            Ok(json) => json + "\n",
            Err(err) => {
                output::error_line(&err);
                return ExitCode::from(EXIT_INTERNAL);
            }
        },
    };
    match output::print(&text) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            output::error_line(&err);
            ExitCode::from(EXIT_IO)
        }
    }
}

/// Reads every record of a scan's NDJSON output, in order, giving each to `each`;
/// blank lines are skipped. Returns how many there were.
pub fn read_records(reader: impl Read, mut each: impl FnMut(Record)) -> Result<u64, ReadError> {
    let mut lines = RecordLines::new(BufReader::with_capacity(64 * 1024, reader));
    let mut count = 0;
    loop {
        let line = match lines.next_line() {
            Ok(Some(line)) => line,
            Ok(None) => return Ok(count),
            Err(LineError::Io(err)) => return Err(ReadError::Io(err)),
            Err(LineError::TooLong(line)) => {
                return Err(ReadError::NotARecord {
                    line,
                    reason: format!("it is longer than {MAX_RECORD_LINE} bytes"),
                });
            }
        };
        if line.bytes.trim_ascii().is_empty() {
            continue;
        }
        match Record::parse(line.bytes) {
            Ok(record) => {
                count += 1;
                each(record);
            }
            Err(reason) => {
                return Err(ReadError::NotARecord {
                    line: line.number,
                    reason,
                });
            }
        }
    }
}
