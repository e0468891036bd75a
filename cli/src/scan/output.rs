//! Writing records: NDJSON (one [`Record`] per line) or CSV (one row per attempt).
//!
//! Each record is encoded whole and handed to the buffer in one `write_all`, and
//! the buffer is flushed at least every [`FLUSH_EVERY`], on Ctrl-C and at the end:
//! an interrupted file ends with whole records, except after a crash or `kill -9`,
//! where the last line may be cut short (`--resume` handles that).

use std::io::{self, BufWriter, Write};
use std::time::Duration;

use super::csv;
use super::record::Record;

/// Records reach the file at most this long after they are written.
pub const FLUSH_EVERY: Duration = Duration::from_millis(250);

/// The CSV header; `--resume` checks it.
pub const CSV_HEADER: [&str; 9] = [
    "session_id",
    "attempts",
    "attempt_id",
    "status",
    "created_time",
    "custom_statuses",
    "http_status",
    "error_code",
    "error",
];

/// The output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One JSON record per session and line (schema version 1); `veriff summary`
    /// reads it.
    Ndjson,
    /// One row per attempt (a session without attempts, or that failed, has one row).
    Csv,
}

/// Encodes records into a buffered writer.
pub struct RecordWriter {
    out: BufWriter<Box<dyn Write>>,
    format: Format,
    scratch: Vec<u8>,
    dirty: bool,
}

impl RecordWriter {
    /// A writer; `header` writes the CSV header first (not when appending).
    pub fn new(out: Box<dyn Write>, format: Format, header: bool) -> io::Result<Self> {
        let mut writer = Self {
            out: BufWriter::with_capacity(64 * 1024, out),
            format,
            scratch: Vec::with_capacity(1024),
            dirty: false,
        };
        if header && format == Format::Csv {
            csv::push_row(&mut writer.scratch, CSV_HEADER);
            writer.out.write_all(&writer.scratch)?;
            writer.dirty = true;
        }
        Ok(writer)
    }

    /// Writes one record.
    pub fn write(&mut self, record: &Record) -> io::Result<()> {
        self.scratch.clear();
        match self.format {
            Format::Ndjson => {
                serde_json::to_writer(&mut self.scratch, record)?;
                self.scratch.push(b'\n');
            }
            Format::Csv => csv_rows(&mut self.scratch, record),
        }
        self.out.write_all(&self.scratch)?;
        self.dirty = true;
        Ok(())
    }

    /// Whether records were written since the last flush.
    pub fn dirty(&self) -> bool {
        self.dirty
    }

    /// Hands everything written to the file (or pipe).
    pub fn flush(&mut self) -> io::Result<()> {
        self.dirty = false;
        self.out.flush()
    }
}

/// A record's CSV rows: one per attempt, or one for a session without attempts
/// or that failed.
pub fn csv_rows(out: &mut Vec<u8>, record: &Record) {
    let id = record.session_id.as_str();
    match (&record.attempts, &record.error) {
        (Some(attempts), _) if !attempts.is_empty() => {
            let count = attempts.len().to_string();
            for attempt in attempts {
                csv::push_row(
                    out,
                    [
                        id,
                        &count,
                        &attempt.id.to_string(),
                        attempt.status.as_str(),
                        &attempt.created_time.to_string(),
                        &crate::attempts::custom_statuses(attempt),
                        "",
                        "",
                        "",
                    ],
                );
            }
        }
        (Some(_), _) => csv::push_row(out, [id, "0", "", "", "", "", "", "", ""]),
        (None, Some(failure)) => {
            let status = failure.http_status.map(|s| s.to_string());
            csv::push_row(
                out,
                [
                    id,
                    "",
                    "",
                    "",
                    "",
                    "",
                    status.as_deref().unwrap_or(""),
                    failure.code.as_deref().unwrap_or(""),
                    &failure.message,
                ],
            );
        }
        (None, None) => csv::push_row(out, [id, "", "", "", "", "", "", "", ""]),
    }
}

/// How many CSV rows a session has, from its first row's `attempts` field: the
/// count, or 1 for a session without attempts or that failed.
pub fn csv_rows_of(attempts_field: &str) -> Option<usize> {
    if attempts_field.is_empty() {
        return Some(1);
    }
    attempts_field.parse::<usize>().ok().map(|n| n.max(1))
}
