//! The page as numbered lines, the unit the whole parser works in.
//!
//! A browser's "select all, copy" keeps the page's layout as lines: one line per
//! name, type, example, paragraph. Decoding normalises only what a copy may vary
//! in without changing the page (a BOM, `\r\n`, no-break spaces, trailing spaces);
//! leading spaces stay, since JSON examples are indented.

use crate::error::PageError;

/// The page's lines; index 0 is line 1.
#[derive(Clone, Debug)]
pub struct Lines {
    lines: Vec<String>,
}

impl Lines {
    /// Decodes the page's bytes; refuses empty, binary and non-UTF-8 input.
    pub fn decode(bytes: &[u8]) -> Result<Self, PageError> {
        if let Some(byte) = bytes.iter().position(|&b| b == 0) {
            return Err(PageError::NotText {
                problem: "a NUL byte (a binary file)",
                byte,
                line: line_of(bytes, byte),
            });
        }
        let text = std::str::from_utf8(bytes).map_err(|err| PageError::NotText {
            problem: "invalid UTF-8",
            byte: err.valid_up_to(),
            line: line_of(bytes, err.valid_up_to()),
        })?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if text.trim().is_empty() {
            return Err(PageError::Empty);
        }
        let lines = text
            .split('\n')
            .map(|line| line.replace('\u{a0}', " ").trim_end().to_owned())
            .collect();
        Ok(Self { lines })
    }

    /// How many lines there are.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether there are no lines (never, once decoded: empty input is refused).
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The line at an index, trimmed; `""` past the end.
    pub fn text(&self, index: usize) -> &str {
        self.lines.get(index).map_or("", |line| line.trim())
    }

    /// The line at an index as it is (leading spaces kept); `""` past the end.
    pub fn raw(&self, index: usize) -> &str {
        self.lines.get(index).map_or("", String::as_str)
    }

    /// Whether the line at an index is blank (or past the end).
    pub fn is_blank(&self, index: usize) -> bool {
        self.text(index).is_empty()
    }

    /// The first non-blank line at or after `from`, before `end`.
    pub fn next_non_blank(&self, from: usize, end: usize) -> Option<usize> {
        (from..end.min(self.len())).find(|&i| !self.is_blank(i))
    }

    /// The first line at or after `from` whose trimmed text is `text`.
    pub fn find(&self, from: usize, text: &str) -> Option<usize> {
        (from..self.len()).find(|&i| self.text(i) == text)
    }
}

/// The 1-based line number of an index.
pub fn number(index: usize) -> usize {
    index + 1
}

fn line_of(bytes: &[u8], byte: usize) -> usize {
    1 + bytes.iter().take(byte).filter(|&&b| b == b'\n').count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_bom_and_no_break_spaces_are_normalised() -> Result<(), PageError> {
        let lines = Lines::decode("\u{feff}a\r\n  b\u{a0}c \r\n".as_bytes())?;
        assert_eq!(lines.raw(0), "a");
        assert_eq!(lines.raw(1), "  b c");
        assert_eq!(lines.text(1), "b c");
        assert_eq!(lines.text(99), "");
        Ok(())
    }

    #[test]
    fn binary_and_empty_input_are_refused() {
        assert_eq!(Lines::decode(b" \n\t\n").err(), Some(PageError::Empty));
        assert!(matches!(
            Lines::decode(b"ab\n\0"),
            Err(PageError::NotText {
                byte: 3,
                line: 2,
                ..
            })
        ));
        assert!(matches!(
            Lines::decode(b"ok\n\xff"),
            Err(PageError::NotText { line: 2, .. })
        ));
    }
}
