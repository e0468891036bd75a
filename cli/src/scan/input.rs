//! Session ids in, one per line, read as a stream: the input is never held in
//! memory, and a line is never longer in memory than [`MAX_LINE`] bytes, whatever
//! the file contains.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::thread;

use tokio::sync::mpsc;
use veriff_attempts::SessionId;

/// Longest line kept; a session id is 36 characters, so a longer line is reported
/// as malformed with its first [`MAX_LINE`] bytes.
pub const MAX_LINE: usize = 1024;

/// One input line that names a session (blank lines and `#` comments are skipped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// 1-based line number in the input.
    pub line: u64,
    /// Byte offset just past this line, for progress over a file.
    pub end: u64,
    /// The session id, or why the line is not one.
    pub id: Result<SessionId, Malformed>,
}

/// A line that is not a session id. Reported as that line's record; no request is
/// sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    /// The line, trimmed (lossy UTF-8, cut at [`MAX_LINE`] bytes).
    pub text: String,
    /// Why it was refused.
    pub reason: String,
}

impl Entry {
    /// What identifies the entry in a scan's output: the session id as written in
    /// records (lowercase), or the malformed line's text.
    pub fn key(&self) -> String {
        match &self.id {
            Ok(id) => id.to_string(),
            Err(malformed) => malformed.text.clone(),
        }
    }
}

/// The normalised form of a key read back from a scan's output: session ids in
/// any case become lowercase; anything else is kept as it is.
pub fn normalise_key(text: &str) -> String {
    text.parse::<SessionId>()
        .map(|id| id.to_string())
        .unwrap_or_else(|_| text.to_owned())
}

/// Where session ids come from.
#[derive(Debug, Clone)]
pub enum Source {
    Stdin,
    File(PathBuf),
}

impl Source {
    /// `-` is standard input.
    pub fn from_arg(arg: Option<&Path>) -> Source {
        match arg {
            None => Source::Stdin,
            Some(path) if path.as_os_str() == "-" => Source::Stdin,
            Some(path) => Source::File(path.to_owned()),
        }
    }

    /// Opens it; for a regular file, also returns its size (for a progress bar).
    pub fn open(&self) -> io::Result<(Box<dyn Read + Send>, Option<u64>)> {
        match self {
            Source::Stdin => Ok((Box::new(io::stdin()), None)),
            Source::File(path) => {
                let file = File::open(path)?;
                let size = file
                    .metadata()
                    .ok()
                    .filter(|meta| meta.is_file())
                    .map(|meta| meta.len());
                Ok((Box::new(file), size))
            }
        }
    }

    /// A name for messages.
    pub fn name(&self) -> String {
        match self {
            Source::Stdin => "standard input".to_owned(),
            Source::File(path) => path.display().to_string(),
        }
    }
}

/// Reads entries one line at a time.
pub struct Entries<R> {
    reader: BufReader<R>,
    line: u64,
    offset: u64,
    buf: Vec<u8>,
}

impl<R: Read> Entries<R> {
    pub fn new(reader: BufReader<R>) -> Self {
        Self {
            reader,
            line: 0,
            offset: 0,
            buf: Vec::with_capacity(64),
        }
    }

    /// The next line that names a session, or `None` at the end of the input.
    pub fn next_entry(&mut self) -> io::Result<Option<Entry>> {
        loop {
            let Some(overlong) = self.read_line()? else {
                return Ok(None);
            };
            self.line += 1;
            let text = String::from_utf8_lossy(&self.buf);
            // A byte order mark some editors put at the start of a file.
            let text = if self.line == 1 {
                text.trim_start_matches('\u{feff}')
            } else {
                &text
            };
            let text = text.trim();
            if text.is_empty() || text.starts_with('#') {
                continue;
            }
            let id = if overlong {
                Err(Malformed {
                    text: text.to_owned(),
                    reason: format!(
                        "line is longer than {MAX_LINE} bytes, so it is not a session id (a UUID)"
                    ),
                })
            } else {
                text.parse::<SessionId>().map_err(|err| Malformed {
                    text: text.to_owned(),
                    reason: err.to_string(),
                })
            };
            return Ok(Some(Entry {
                line: self.line,
                end: self.offset,
                id,
            }));
        }
    }

    /// Whether the next line needs another read from the source (which may block:
    /// a terminal, a slow pipe).
    pub fn exhausted(&self) -> bool {
        self.reader.buffer().is_empty()
    }

    /// Reads one line into `buf` (without its `\n`), keeping at most [`MAX_LINE`]
    /// bytes; returns whether the line was longer, or `None` at the end.
    fn read_line(&mut self) -> io::Result<Option<bool>> {
        self.buf.clear();
        let mut overlong = false;
        let mut any = false;
        loop {
            let chunk = match self.reader.fill_buf() {
                Ok(chunk) => chunk,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => return Err(err),
            };
            if chunk.is_empty() {
                return Ok(any.then_some(overlong));
            }
            any = true;
            let (part, used, done) = match chunk.iter().position(|b| *b == b'\n') {
                Some(at) => (&chunk[..at], at + 1, true),
                None => (chunk, chunk.len(), false),
            };
            let room = MAX_LINE.saturating_sub(self.buf.len());
            if part.len() > room {
                overlong = true;
            }
            self.buf.extend_from_slice(&part[..part.len().min(room)]);
            self.reader.consume(used);
            self.offset += used as u64;
            if done {
                return Ok(Some(overlong));
            }
        }
    }
}

/// What the reader thread sends.
#[derive(Debug)]
pub enum Item {
    /// Lines to scan, in input order.
    Entries(Vec<Entry>),
    /// The input ended; `skipped` entries were already in the output (`--resume`).
    End { skipped: u64 },
    /// Reading the input (or the output being resumed) failed.
    Failed(String),
}

/// Entries travel in batches of up to this many, so that the reader thread and the
/// scan wake each other once per batch, not once per line.
pub const BATCH: usize = 256;
/// Batches waiting between the reader thread and the scan: enough to keep requests
/// flowing, few enough to keep memory flat.
pub const QUEUE: usize = 4;

/// Reads `reader` on its own thread (blocking reads, including a terminal or a
/// pipe, never hold up the runtime), drops the entries `skip` says are done, and
/// sends the rest in order. A batch is sent when it is full or when the next line
/// is not read yet, so that ids typed or trickling in are not held back. Stops
/// when the receiver is dropped.
pub fn spawn_reader<S>(
    reader: Box<dyn Read + Send>,
    mut skip: S,
) -> io::Result<mpsc::Receiver<Item>>
where
    S: FnMut(&Entry) -> io::Result<bool> + Send + 'static,
{
    let (tx, rx) = mpsc::channel(QUEUE);
    thread::Builder::new()
        .name("veriff-scan-input".to_owned())
        .spawn(move || {
            let mut entries = Entries::new(BufReader::with_capacity(64 * 1024, reader));
            let mut skipped = 0;
            let mut batch = Vec::with_capacity(BATCH);
            let last = loop {
                match entries.next_entry() {
                    Ok(Some(entry)) => match skip(&entry) {
                        Ok(true) => skipped += 1,
                        Ok(false) => batch.push(entry),
                        Err(err) => break Item::Failed(err.to_string()),
                    },
                    Ok(None) => break Item::End { skipped },
                    Err(err) => break Item::Failed(err.to_string()),
                }
                if batch.len() >= BATCH || (!batch.is_empty() && entries.exhausted()) {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                    if tx.blocking_send(Item::Entries(full)).is_err() {
                        return;
                    }
                }
            };
            if !batch.is_empty() && tx.blocking_send(Item::Entries(batch)).is_err() {
                return;
            }
            let _ = tx.blocking_send(last);
        })?;
    Ok(rx)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(input: &[u8]) -> Vec<Entry> {
        let mut reader = Entries::new(BufReader::with_capacity(7, input));
        let mut all = Vec::new();
        while let Ok(Some(entry)) = reader.next_entry() {
            all.push(entry);
        }
        all
    }

    const ID: &str = "00000000-0000-4000-8000-000000000001";

    #[test]
    fn blank_lines_comments_crlf_and_a_bom_are_handled() {
        let input = format!(
            "\u{feff}{ID}\r\n\n   \n# a comment\n  #indented comment\n  {}  \nnot-a-uuid\n{ID}",
            ID.to_uppercase()
        );
        let got = entries(input.as_bytes());
        let lines: Vec<u64> = got.iter().map(|e| e.line).collect();
        assert_eq!(lines, [1, 6, 7, 8]);
        assert_eq!(got[0].key(), ID);
        assert_eq!(got[1].key(), ID, "uppercase is the same session");
        assert_eq!(got[2].key(), "not-a-uuid");
        assert!(
            matches!(&got[2].id, Err(m) if m.reason.contains("is not a UUID")),
            "{:?}",
            got[2]
        );
        assert_eq!(
            got[3].end,
            input.len() as u64,
            "the last line has no newline"
        );
        assert_eq!(got[0].end, ID.len() as u64 + 3 + 2);
    }

    #[test]
    fn a_huge_line_is_cut_and_reported_without_holding_it() {
        let mut input = vec![b'x'; MAX_LINE * 50];
        input.push(b'\n');
        input.extend_from_slice(ID.as_bytes());
        let got = entries(&input);
        assert_eq!(got.len(), 2);
        match &got[0].id {
            Err(malformed) => {
                assert_eq!(malformed.text.len(), MAX_LINE);
                assert!(malformed.reason.contains("longer than"));
            }
            Ok(id) => panic!("{id}"),
        }
        assert!(got[1].id.is_ok());
    }

    #[test]
    fn invalid_utf8_is_a_malformed_line_not_an_error() {
        let got = entries(b"\xff\xfe\n");
        assert_eq!(got.len(), 1);
        assert!(got[0].id.is_err());
    }

    #[test]
    fn keys_read_back_are_normalised() {
        assert_eq!(normalise_key(&ID.to_uppercase()), ID);
        assert_eq!(normalise_key("Not An Id"), "Not An Id");
    }
}
