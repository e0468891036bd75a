//! Just enough RFC 4180 CSV: quoting on the way out, and reading rows back (with
//! quoted commas, quotes and line breaks) for `--resume`.

use std::io::{self, BufRead};

/// Appends `field`, quoted when it holds a comma, a quote or a line break.
pub fn push_field(out: &mut Vec<u8>, field: &str) {
    if field.contains([',', '"', '\n', '\r']) {
        out.push(b'"');
        out.extend_from_slice(field.replace('"', "\"\"").as_bytes());
        out.push(b'"');
    } else {
        out.extend_from_slice(field.as_bytes());
    }
}

/// Appends one row, fields separated by commas, ended by `\n`.
pub fn push_row<'a>(out: &mut Vec<u8>, fields: impl IntoIterator<Item = &'a str>) {
    for (n, field) in fields.into_iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        push_field(out, field);
    }
    out.push(b'\n');
}

/// One row read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub fields: Vec<String>,
    /// 1-based line number of its first line.
    pub line: u64,
    /// Byte offsets of the row's first byte and just past its `\n`.
    pub start: u64,
    pub end: u64,
    /// Whether the row ended with `\n` (an unterminated last row may be cut short).
    pub terminated: bool,
}

/// Reads rows one at a time.
pub struct Rows<R> {
    reader: R,
    offset: u64,
    /// Lines read so far.
    lines: u64,
    buf: Vec<u8>,
}

impl<R: BufRead> Rows<R> {
    pub fn new(reader: R) -> Self {
        Self {
            reader,
            offset: 0,
            lines: 0,
            buf: Vec::new(),
        }
    }

    /// The next row, or `None` at the end. A line break inside quotes belongs to the
    /// field: a row ends at a `\n` after an even number of quotes.
    pub fn next_row(&mut self) -> io::Result<Option<Row>> {
        self.buf.clear();
        let start = self.offset;
        let line = self.lines + 1;
        loop {
            let read = self.reader.read_until(b'\n', &mut self.buf)?;
            self.offset += read as u64;
            let terminated = self.buf.last() == Some(&b'\n');
            let quotes = self.buf.iter().filter(|b| **b == b'"').count();
            if read == 0 || (terminated && quotes % 2 == 0) {
                if self.buf.is_empty() {
                    return Ok(None);
                }
                self.lines += self.buf.iter().filter(|b| **b == b'\n').count() as u64;
                let text = String::from_utf8_lossy(&self.buf);
                let text = text.strip_suffix('\n').unwrap_or(&text);
                let text = text.strip_suffix('\r').unwrap_or(text);
                return Ok(Some(Row {
                    fields: split(text),
                    line,
                    start,
                    end: self.offset,
                    terminated,
                }));
            }
        }
    }
}

/// Splits one row into fields, unquoting them.
fn split(row: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = row.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(std::mem::take(&mut field)),
            (c, _) => field.push(c),
        }
    }
    fields.push(field);
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_round_trip_through_quoting() {
        let fields = [
            "plain",
            "a,b",
            "say \"hi\"",
            "two\nlines",
            "",
            "crlf\r\nhere",
        ];
        let mut out = Vec::new();
        push_row(&mut out, fields);
        push_row(&mut out, ["x", "y"]);
        let mut rows = Rows::new(out.as_slice());
        let first = rows.next_row().ok().flatten();
        assert_eq!(
            first.as_ref().map(|r| r.fields.clone()),
            Some(fields.map(String::from).to_vec())
        );
        let second = rows.next_row().ok().flatten();
        assert_eq!(
            second.as_ref().map(|r| (r.fields.clone(), r.end)),
            Some((vec!["x".to_owned(), "y".to_owned()], out.len() as u64))
        );
        assert_eq!(rows.next_row().ok(), Some(None));
    }

    #[test]
    fn an_unterminated_last_row_says_so() {
        let mut rows = Rows::new(&b"a,b\nc,\"d\ne"[..]);
        let first = rows.next_row().ok().flatten();
        assert_eq!(first.map(|r| r.terminated), Some(true));
        let cut = rows.next_row().ok().flatten();
        assert_eq!(
            cut.map(|r| (r.line, r.start, r.terminated)),
            Some((2, 4, false))
        );
    }
}
