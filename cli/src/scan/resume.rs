//! `--out` and `--resume`: opening the output, and continuing an interrupted scan.
//!
//! Resuming reads `--out` twice, streaming both times:
//! 1. before the scan, to check it and repair its end. Every line must be a record
//!    (NDJSON), or every row part of a complete session (CSV, after the header),
//!    or the resume is refused with the line number. The last line is the
//!    exception: a crash or `kill -9` can cut it short, so an unterminated last
//!    line that is not a whole record (or a CSV session missing rows) is dropped
//!    and its session fetched again; an unterminated line that is a whole record
//!    gets its newline.
//! 2. during the scan, alongside the input ([`Done`]): an interrupted scan's output
//!    holds the first records of the input, in input order, so each input entry is
//!    compared with the next session of the file and skipped when they agree. Memory
//!    stays flat however long both are. If they disagree (another input, reordered
//!    or edited), the rest of the file's sessions are loaded into a set and entries
//!    are skipped when the set has them.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{self, BufReader, Read, Seek, SeekFrom, Write};
use std::path::Path;

use super::csv::Rows;
use super::input::normalise_key;
use super::output::{CSV_HEADER, Format, csv_rows_of};
use super::record::{LineError, MAX_RECORD_LINE, Record, RecordLines};
use crate::summary::Summary;

/// Why `--out` cannot be used.
#[derive(Debug)]
pub enum OutError {
    Io(io::Error),
    /// The file has records and `--resume` was not given.
    Exists,
    /// Line `line` is not part of a scan's output in this format.
    NotScanOutput {
        line: u64,
        reason: String,
    },
}

impl From<io::Error> for OutError {
    fn from(err: io::Error) -> Self {
        OutError::Io(err)
    }
}

/// An output file ready for appending.
pub struct Opened {
    pub file: File,
    /// Whether the CSV header must be written (a new or empty file).
    pub needs_header: bool,
    /// Sessions already in the file, and how many of them failed.
    pub kept: u64,
    pub failed: u64,
    /// Bytes of an unfinished last record that were dropped.
    pub dropped: u64,
    /// Which input entries to skip.
    pub done: Done,
}

/// Creates `path` for a new scan; refuses to overwrite a file that has content.
pub fn fresh(path: &Path) -> Result<Opened, OutError> {
    let file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)?;
    if file.metadata()?.len() > 0 {
        return Err(OutError::Exists);
    }
    Ok(Opened {
        file,
        needs_header: true,
        kept: 0,
        failed: 0,
        dropped: 0,
        done: Done::nothing(),
    })
}

/// Opens `path` to continue the scan it holds (a missing or empty file starts a
/// new one). Records already there are given to `summary` (NDJSON only).
pub fn resume(
    path: &Path,
    format: Format,
    summary: Option<&mut Summary>,
) -> Result<Opened, OutError> {
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)?;
    let length = file.metadata()?.len();
    let check = match format {
        Format::Ndjson => check_ndjson(BufReader::new(&mut file), summary)?,
        Format::Csv => check_csv(BufReader::new(&mut file))?,
    };
    if check.valid_end < length {
        file.set_len(check.valid_end)?;
    }
    file.seek(SeekFrom::End(0))?;
    if check.needs_newline {
        file.write_all(b"\n")?;
    }
    let done = if check.kept == 0 {
        Done::nothing()
    } else {
        let reader = BufReader::new(File::open(path)?.take(check.valid_end));
        let keys: Box<dyn Keys + Send> = match format {
            Format::Ndjson => Box::new(NdjsonKeys(RecordLines::new(reader))),
            Format::Csv => Box::new(CsvKeys {
                rows: Rows::new(reader),
                header_skipped: false,
            }),
        };
        Done::following(keys)
    };
    Ok(Opened {
        file,
        needs_header: check.valid_end == 0,
        kept: check.kept,
        failed: check.failed,
        dropped: length.saturating_sub(check.valid_end),
        done,
    })
}

/// What the first pass found.
struct Check {
    /// Sessions in the file, and how many failed.
    kept: u64,
    failed: u64,
    /// Where the file's whole records end.
    valid_end: u64,
    /// The last record is whole but lacks its `\n`.
    needs_newline: bool,
}

fn check_ndjson(
    reader: impl io::BufRead,
    mut summary: Option<&mut Summary>,
) -> Result<Check, OutError> {
    let mut lines = RecordLines::new(reader);
    let mut check = Check {
        kept: 0,
        failed: 0,
        valid_end: 0,
        needs_newline: false,
    };
    loop {
        let line = match lines.next_line() {
            Ok(Some(line)) => line,
            Ok(None) => return Ok(check),
            Err(LineError::Io(err)) => return Err(OutError::Io(err)),
            Err(LineError::TooLong(line)) => {
                return Err(OutError::NotScanOutput {
                    line,
                    reason: format!("it is longer than {MAX_RECORD_LINE} bytes"),
                });
            }
        };
        if line.bytes.trim_ascii().is_empty() {
            if line.terminated {
                check.valid_end = line.end;
            }
            continue;
        }
        match Record::parse(line.bytes) {
            Ok(record) => {
                check.kept += 1;
                check.failed += u64::from(record.is_failure());
                check.valid_end = line.end;
                check.needs_newline = !line.terminated;
                if let Some(summary) = summary.as_deref_mut() {
                    summary.add(&record);
                }
            }
            // Cut short by a crash: fetch that session again.
            Err(_) if !line.terminated => return Ok(check),
            Err(reason) => {
                return Err(OutError::NotScanOutput {
                    line: line.number,
                    reason: format!("it is not a scan record: {reason}"),
                });
            }
        }
    }
}

fn check_csv(reader: impl io::BufRead) -> Result<Check, OutError> {
    let mut rows = Rows::new(reader);
    let mut check = Check {
        kept: 0,
        failed: 0,
        valid_end: 0,
        needs_newline: false,
    };
    match rows.next_row()? {
        None => return Ok(check),
        Some(row) if row.fields == CSV_HEADER => {
            check.valid_end = row.end;
            check.needs_newline = !row.terminated;
        }
        Some(row) if !row.terminated && CSV_HEADER.join(",").starts_with(&row.fields.join(",")) => {
            return Ok(check);
        }
        Some(_) => {
            return Err(OutError::NotScanOutput {
                line: 1,
                reason: format!(
                    "it is not veriff scan's CSV header ({})",
                    CSV_HEADER.join(",")
                ),
            });
        }
    }
    // Rows still expected for the session being read, and its id.
    let mut expected = 0;
    let mut session = String::new();
    let mut failure = false;
    while let Some(row) = rows.next_row()? {
        if !row.terminated {
            break;
        }
        if row.fields.len() != CSV_HEADER.len() {
            return Err(OutError::NotScanOutput {
                line: row.line,
                reason: format!(
                    "it has {} fields where veriff scan writes {}",
                    row.fields.len(),
                    CSV_HEADER.len()
                ),
            });
        }
        if expected == 0 {
            expected = csv_rows_of(&row.fields[1]).ok_or_else(|| OutError::NotScanOutput {
                line: row.line,
                reason: format!("its attempts field {:?} is not a number", row.fields[1]),
            })?;
            session.clone_from(&row.fields[0]);
            failure = row.fields[1].is_empty();
        } else if row.fields[0] != session {
            return Err(OutError::NotScanOutput {
                line: row.line,
                reason: format!(
                    "session {session} announced {expected} more row(s), but this row is {}",
                    row.fields[0]
                ),
            });
        }
        expected -= 1;
        if expected == 0 {
            check.kept += 1;
            check.failed += u64::from(failure);
            check.valid_end = row.end;
            check.needs_newline = false;
        }
    }
    Ok(check)
}

/// Sessions of an output file, in file order.
trait Keys {
    fn next_key(&mut self) -> io::Result<Option<String>>;
}

struct NdjsonKeys<R>(RecordLines<R>);

impl<R: io::BufRead> Keys for NdjsonKeys<R> {
    fn next_key(&mut self) -> io::Result<Option<String>> {
        #[derive(serde::Deserialize)]
        struct Key {
            session_id: String,
        }
        loop {
            let line = match self.0.next_line() {
                Ok(Some(line)) => line,
                Ok(None) => return Ok(None),
                Err(LineError::Io(err)) => return Err(err),
                Err(LineError::TooLong(line)) => {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("line {line} of the output is too long"),
                    ));
                }
            };
            if line.bytes.trim_ascii().is_empty() {
                continue;
            }
            let key: Key = serde_json::from_slice(line.bytes)?;
            return Ok(Some(normalise_key(&key.session_id)));
        }
    }
}

struct CsvKeys<R> {
    rows: Rows<R>,
    header_skipped: bool,
}

impl<R: io::BufRead> Keys for CsvKeys<R> {
    fn next_key(&mut self) -> io::Result<Option<String>> {
        if !self.header_skipped {
            self.header_skipped = true;
            if self.rows.next_row()?.is_none() {
                return Ok(None);
            }
        }
        let Some(first) = self.rows.next_row()? else {
            return Ok(None);
        };
        let (Some(id), Some(attempts)) = (first.fields.first(), first.fields.get(1)) else {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "short CSV row"));
        };
        for _ in 1..csv_rows_of(attempts).unwrap_or(1) {
            self.rows.next_row()?;
        }
        Ok(Some(normalise_key(id)))
    }
}

/// Which input entries already have their record in the output.
pub struct Done {
    /// The file's sessions not yet matched, while the file follows the input.
    keys: Option<Box<dyn Keys + Send>>,
    peeked: Option<String>,
    /// The file's remaining sessions, once it stopped following the input.
    set: Option<HashSet<String>>,
}

impl Done {
    /// Nothing is done: a new scan.
    pub fn nothing() -> Self {
        Self {
            keys: None,
            peeked: None,
            set: None,
        }
    }

    fn following(keys: Box<dyn Keys + Send>) -> Self {
        Self {
            keys: Some(keys),
            peeked: None,
            set: None,
        }
    }

    /// Whether the entry with this key is done; call it for every input entry, in
    /// input order.
    pub fn contains(&mut self, key: &str) -> io::Result<bool> {
        if let Some(set) = &self.set {
            return Ok(set.contains(key));
        }
        let Some(keys) = self.keys.as_mut() else {
            return Ok(false);
        };
        if self.peeked.is_none() {
            self.peeked = keys.next_key()?;
        }
        match self.peeked.as_deref() {
            None => {
                self.keys = None;
                Ok(false)
            }
            Some(next) if next == key => {
                self.peeked = None;
                Ok(true)
            }
            Some(_) => {
                // The file does not follow this input: remember the rest of it.
                let mut set: HashSet<String> = self.peeked.take().into_iter().collect();
                while let Some(next) = keys.next_key()? {
                    set.insert(next);
                }
                self.keys = None;
                let done = set.contains(key);
                self.set = Some(set);
                Ok(done)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct List(std::vec::IntoIter<&'static str>);

    impl Keys for List {
        fn next_key(&mut self) -> io::Result<Option<String>> {
            Ok(self.0.next().map(str::to_owned))
        }
    }

    fn skipped(file: Vec<&'static str>, input: &[&str]) -> Vec<bool> {
        let mut done = Done::following(Box::new(List(file.into_iter())));
        input
            .iter()
            .map(|key| done.contains(key).unwrap_or(false))
            .collect()
    }

    #[test]
    fn a_prefix_of_the_input_is_followed_then_everything_is_new() {
        assert_eq!(
            skipped(vec!["a", "b"], &["a", "b", "c", "a"]),
            [true, true, false, false],
            "after the file's end, even a repeated id is a new line to scan"
        );
    }

    #[test]
    fn a_file_that_does_not_follow_the_input_falls_back_to_a_set() {
        assert_eq!(
            skipped(vec!["a", "b", "c"], &["b", "c", "d", "a"]),
            [true, true, false, true]
        );
        assert_eq!(
            skipped(vec!["a", "b"], &["a", "x", "b"]),
            [true, false, true]
        );
    }

    fn check(text: &str, format: Format) -> Result<(u64, u64, bool), String> {
        let result = match format {
            Format::Ndjson => check_ndjson(text.as_bytes(), None),
            Format::Csv => check_csv(text.as_bytes()),
        };
        match result {
            Ok(c) => Ok((c.kept, c.valid_end, c.needs_newline)),
            Err(OutError::NotScanOutput { line, reason }) => Err(format!("{line}: {reason}")),
            Err(other) => Err(format!("{other:?}")),
        }
    }

    const A: &str = r#"{"v":1,"line":1,"session_id":"a","attempts":[]}"#;
    const B: &str = r#"{"v":1,"line":2,"session_id":"b","error":{"kind":"timeout","http_status":null,"code":null,"message":"m","requests":3}}"#;

    #[test]
    fn ndjson_an_unfinished_last_line_is_dropped_a_bad_middle_line_refused() {
        let whole = format!("{A}\n{B}\n");
        assert_eq!(
            check(&whole, Format::Ndjson),
            Ok((2, whole.len() as u64, false))
        );
        let cut = format!("{A}\n{}", &B[..20]);
        assert_eq!(
            check(&cut, Format::Ndjson),
            Ok((1, A.len() as u64 + 1, false))
        );
        let no_newline = format!("{A}\n{B}");
        assert_eq!(
            check(&no_newline, Format::Ndjson),
            Ok((2, no_newline.len() as u64, true))
        );
        let bad = format!("{A}\nnot json\n{B}\n");
        assert!(check(&bad, Format::Ndjson).is_err_and(|e| e.starts_with("2: ")));
    }

    #[test]
    fn csv_a_session_missing_rows_is_dropped() {
        let header = CSV_HEADER.join(",");
        let one = "a,2,id1,approved,t,,,,\na,2,id2,declined,t,,,,\n";
        let two = "b,,,,,,404,1101,Resource not found\n";
        let whole = format!("{header}\n{one}{two}");
        assert_eq!(
            check(&whole, Format::Csv),
            Ok((2, whole.len() as u64, false))
        );
        let missing_row = format!("{header}\n{two}a,2,id1,approved,t,,,,\n");
        assert_eq!(
            check(&missing_row, Format::Csv),
            Ok((1, (header.len() + 1 + two.len()) as u64, false))
        );
        let not_csv = format!("{A}\n");
        assert!(check(&not_csv, Format::Csv).is_err_and(|e| e.starts_with("1: ")));
        let interleaved = format!("{header}\na,2,id1,approved,t,,,,\n{two}");
        assert!(check(&interleaved, Format::Csv).is_err_and(|e| e.starts_with("3: ")));
    }
}
