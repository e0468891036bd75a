//! The scan record: one per input line that names a session, the unit of `veriff
//! scan`'s NDJSON output, of `--resume` and of `veriff summary`.
//!
//! Schema version 1 (`"v": 1`), one JSON object per line:
//!
//! ```json
//! {"v":1,"line":3,"session_id":"<uuid>","attempts":[<attempt>, ...]}
//! {"v":1,"line":4,"session_id":"<uuid or the line as given>","error":{"kind":"api","http_status":404,"code":"1101","message":"Resource not found","requests":1}}
//! ```
//!
//! Exactly one of `attempts` (the session's attempts as the SDK decoded them, with
//! Veriff's member names, newest first) and `error` is present. Readers ignore
//! members they do not know, so adding one is not a new version; a change that
//! would mislead an existing reader (renaming, removing or re-typing a member)
//! bumps `v`, and readers refuse versions newer than theirs.

use std::io::{self, BufRead};

use serde::{Deserialize, Serialize};
use veriff_attempts::{Attempt, Error, SessionAttemptsResponse, SessionId};

use crate::output::error_text;

/// The record schema this program writes and the newest it reads.
pub const VERSION: u32 = 1;

/// One session's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Schema version ([`VERSION`]).
    pub v: u32,
    /// The input line it came from (1-based).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// The session id (lowercase), or the input line's text when it is not one.
    pub session_id: String,
    /// The session's attempts, when listing them succeeded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempts: Option<Vec<Attempt>>,
    /// Why the session could not be listed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Failure>,
}

/// Why a session could not be listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    /// What went wrong, one of [`kind`]'s values; readers must accept others.
    pub kind: String,
    /// The HTTP status of the last response, when there was one.
    pub http_status: Option<u16>,
    /// Veriff's error code, when the response was Veriff's error body.
    pub code: Option<String>,
    /// Veriff's message for an API error, otherwise what went wrong, on one line.
    pub message: String,
    /// How many requests were sent for the session (retries included; 0 when the
    /// line is not a session id).
    #[serde(default)]
    pub requests: u32,
}

/// The values of [`Failure::kind`].
pub mod kind {
    /// The input line is not a session id; nothing was sent.
    pub const INVALID_SESSION_ID: &str = "invalid_session_id";
    /// Veriff answered with its error body (400, 401, 404, 500): see `code`.
    pub const API: &str = "api";
    /// An undocumented status (429, 502, 503, ...), with no Veriff error body.
    pub const UNEXPECTED_STATUS: &str = "unexpected_status";
    /// The response's signature was missing or did not verify: nothing was read.
    pub const SIGNATURE: &str = "signature";
    /// The (verified) body was not the JSON the spec describes.
    pub const DECODE: &str = "decode";
    /// The body was larger than the limit.
    pub const BODY_TOO_LARGE: &str = "body_too_large";
    /// No complete response in time.
    pub const TIMEOUT: &str = "timeout";
    /// No response: connection refused or reset, DNS, TLS...
    pub const TRANSPORT: &str = "transport";
    /// Anything else.
    pub const INTERNAL: &str = "internal";
}

impl Record {
    /// The record of a session that was fetched.
    pub fn fetched(
        line: u64,
        id: SessionId,
        result: Result<SessionAttemptsResponse, Error>,
    ) -> Record {
        let (attempts, error) = match result {
            Ok(response) => (Some(response.verifications), None),
            Err(error) => (None, Some(Failure::from_error(&error))),
        };
        Record {
            v: VERSION,
            line: Some(line),
            session_id: id.to_string(),
            attempts,
            error,
        }
    }

    /// The record of a session that failed in this program rather than in a call.
    pub fn failed(line: u64, id: SessionId, failure: Failure) -> Record {
        Record {
            v: VERSION,
            line: Some(line),
            session_id: id.to_string(),
            attempts: None,
            error: Some(failure),
        }
    }

    /// The record of a line that is not a session id.
    pub fn malformed(line: u64, text: &str, reason: &str) -> Record {
        Record {
            v: VERSION,
            line: Some(line),
            session_id: text.to_owned(),
            attempts: None,
            error: Some(Failure {
                kind: kind::INVALID_SESSION_ID.to_owned(),
                http_status: None,
                code: None,
                message: reason.to_owned(),
                requests: 0,
            }),
        }
    }

    /// Reads one NDJSON line, checking what serde cannot: the version, and that
    /// exactly one of `attempts` and `error` is there.
    pub fn parse(line: &[u8]) -> Result<Record, String> {
        let record: Record = serde_json::from_slice(line).map_err(|err| err.to_string())?;
        if record.v == 0 || record.v > VERSION {
            return Err(format!(
                "record version {} is not one this veriff reads (1 to {VERSION}); a newer veriff may",
                record.v
            ));
        }
        if record.session_id.is_empty() {
            return Err("`session_id` is empty".to_owned());
        }
        match (&record.attempts, &record.error) {
            (Some(_), None) | (None, Some(_)) => Ok(record),
            (Some(_), Some(_)) => Err("it has both `attempts` and `error`".to_owned()),
            (None, None) => Err("it has neither `attempts` nor `error`".to_owned()),
        }
    }

    /// Whether the session failed.
    pub fn is_failure(&self) -> bool {
        self.error.is_some()
    }
}

impl Failure {
    /// The failure of a call, classified by its last attempt.
    pub fn from_error(error: &Error) -> Failure {
        let requests = match error {
            Error::RetriesExhausted { attempts, .. } => *attempts,
            _ => 1,
        };
        let last = error.last_attempt();
        let kind = match last {
            Error::Api { .. } => kind::API,
            Error::UnexpectedStatus { .. } => kind::UNEXPECTED_STATUS,
            Error::SignatureMissing { .. } | Error::SignatureInvalid { .. } => kind::SIGNATURE,
            Error::Decode { .. } => kind::DECODE,
            Error::BodyTooLarge { .. } => kind::BODY_TOO_LARGE,
            Error::Timeout(_) => kind::TIMEOUT,
            Error::Transport(_) => kind::TRANSPORT,
            _ => kind::INTERNAL,
        };
        let (code, message) = match last {
            Error::Api { code, message, .. } => {
                (Some(code.clone()), crate::output::one_line(message))
            }
            other => (None, error_text(other)),
        };
        Failure {
            kind: kind.to_owned(),
            http_status: last.status().map(|status| status.as_u16()),
            code,
            message,
            requests,
        }
    }

    /// Whether Veriff refused the credentials: every other request of the scan
    /// would be refused the same way.
    pub fn is_unauthorised(&self) -> bool {
        self.kind == kind::API && self.http_status == Some(401)
    }
}

/// The longest record line read back (a session's body is at most 16 MiB by
/// default; its record is about as long). Longer lines are refused, so that a file
/// that is not a scan's output cannot make a reader hold all of it.
pub const MAX_RECORD_LINE: usize = 64 * 1024 * 1024;

/// One line of a scan's output, as read back.
#[derive(Debug)]
pub struct RawLine<'a> {
    /// 1-based line number.
    pub number: u64,
    /// Byte offset just past its `\n`.
    pub end: u64,
    /// The line without its `\n`.
    pub bytes: &'a [u8],
    /// Whether it ended with `\n` (an unterminated last line may be cut short).
    pub terminated: bool,
}

/// Why a line could not be read.
#[derive(Debug)]
pub enum LineError {
    Io(io::Error),
    /// Line `.0` is longer than [`MAX_RECORD_LINE`].
    TooLong(u64),
}

/// Reads NDJSON lines one at a time, within [`MAX_RECORD_LINE`].
pub struct RecordLines<R> {
    reader: R,
    number: u64,
    offset: u64,
    buf: Vec<u8>,
}

impl<R: BufRead> RecordLines<R> {
    pub fn new(reader: R) -> Self {
        Self {
            reader,
            number: 0,
            offset: 0,
            buf: Vec::new(),
        }
    }

    /// The next line, or `None` at the end.
    pub fn next_line(&mut self) -> Result<Option<RawLine<'_>>, LineError> {
        self.buf.clear();
        let start = self.offset;
        let terminated = loop {
            let chunk = match self.reader.fill_buf() {
                Ok(chunk) => chunk,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => return Err(LineError::Io(err)),
            };
            if chunk.is_empty() {
                break false;
            }
            let (part, used, done) = match chunk.iter().position(|b| *b == b'\n') {
                Some(at) => (&chunk[..at], at + 1, true),
                None => (chunk, chunk.len(), false),
            };
            if self.buf.len() + part.len() > MAX_RECORD_LINE {
                return Err(LineError::TooLong(self.number + 1));
            }
            self.buf.extend_from_slice(part);
            self.reader.consume(used);
            self.offset += used as u64;
            if done {
                break true;
            }
        };
        if !terminated && self.offset == start {
            return Ok(None);
        }
        self.number += 1;
        Ok(Some(RawLine {
            number: self.number,
            end: self.offset,
            bytes: &self.buf,
            terminated,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_and_the_schema_is_checked() {
        let record = Record::malformed(3, "nope", "session id \"nope\" is not a UUID");
        let line = serde_json::to_vec(&record).unwrap_or_default();
        assert_eq!(
            String::from_utf8_lossy(&line),
            r#"{"v":1,"line":3,"session_id":"nope","error":{"kind":"invalid_session_id","http_status":null,"code":null,"message":"session id \"nope\" is not a UUID","requests":0}}"#
        );
        assert_eq!(Record::parse(&line), Ok(record));

        let newer = br#"{"v":2,"session_id":"x","attempts":[]}"#;
        assert!(Record::parse(newer).is_err_and(|e| e.contains("version 2")));
        let both = br#"{"v":1,"session_id":"x","attempts":[],"error":{"kind":"api","http_status":404,"code":"1101","message":"m"}}"#;
        assert!(Record::parse(both).is_err_and(|e| e.contains("both")));
        let neither = br#"{"v":1,"session_id":"x"}"#;
        assert!(Record::parse(neither).is_err_and(|e| e.contains("neither")));
        let response = br#"{"status":"success","verifications":[]}"#;
        assert!(Record::parse(response).is_err_and(|e| e.contains("missing field `v`")));
        let later =
            br#"{"v":1,"session_id":"x","attempts":[],"fetched_at":"2026-01-01T00:00:00Z"}"#;
        assert!(
            Record::parse(later).is_ok(),
            "members added later are ignored"
        );
    }

    #[test]
    fn lines_are_read_with_their_offsets() {
        let mut lines = RecordLines::new(&b"ab\n\ncd"[..]);
        let mut seen = Vec::new();
        while let Ok(Some(line)) = lines.next_line() {
            seen.push((line.number, line.end, line.bytes.to_vec(), line.terminated));
        }
        assert_eq!(
            seen,
            [
                (1, 3, b"ab".to_vec(), true),
                (2, 4, Vec::new(), true),
                (3, 6, b"cd".to_vec(), false)
            ]
        );
    }
}
