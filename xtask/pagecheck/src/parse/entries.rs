//! Entries (a parameter, a response header, a body field) and the landmarks that
//! end them.
//!
//! An entry starts at a name line followed by a type line. Its body runs to the
//! next landmark: another entry, a bare type line (`object`, which opens the fields
//! of the entry before it), a status, a heading, a named example. Within the body,
//! trailing `Example...` and `Valid values[...]` lines are peeled off; the rest is
//! the description, paragraph by paragraph.

use crate::lines::{Lines, number};
use crate::page::{Entry, Text, ValidValues};
use crate::types;

/// Lines that are page furniture or headings, never names or descriptions.
const KEYWORDS: [&str; 11] = [
    "Headers",
    "Responses",
    "Expand All",
    "Collapse All",
    "Header parameters",
    "Path parameters",
    "Query parameters",
    "Cookie parameters",
    "Document Versioning",
    "Changelog",
    "Request body",
];

/// The label of an example line (`Exampleyour-api-key`: the copy drops the space).
pub const EXAMPLE_LABEL: &str = "Example";
/// The label of a valid-values line.
pub const VALID_VALUES_LABEL: &str = "Valid values";

/// Whether a (trimmed) line is a heading or page furniture.
pub fn is_keyword(text: &str) -> bool {
    KEYWORDS.contains(&text)
}

/// Whether a (trimmed) line starts the changelog.
pub fn is_changelog_heading(text: &str) -> bool {
    text == "Document Versioning" || text == "Changelog"
}

/// If an entry starts at `index`, the index of its type line and the type.
pub fn entry_start(lines: &Lines, index: usize, end: usize) -> Option<(usize, types::TypeLine)> {
    let name = lines.text(index);
    if index >= end || !is_name(name) {
        return None;
    }
    let type_index = lines.next_non_blank(index + 1, end)?;
    let ty = types::parse(lines.text(type_index))?;
    // `object` / `number` / `string`: an `object` line opening fields, then a field
    // named `number` of type `string`; not a field named `object`.
    if types::is_type(name)
        && lines
            .next_non_blank(type_index + 1, end)
            .is_some_and(|after| types::is_type(lines.text(after)))
    {
        return None;
    }
    Some((type_index, ty))
}

/// Whether a line can be a name: parameter, header and field names are single
/// words, and never the page's labels. (A description line is prose; the line
/// before a body's `object` line may be an `Example...` line.)
fn is_name(text: &str) -> bool {
    !text.is_empty()
        && !text.contains(char::is_whitespace)
        && !is_keyword(text)
        && !starts_json(text)
        && !text.starts_with(EXAMPLE_LABEL)
        && !text.starts_with(VALID_VALUES_LABEL)
}

/// Whether a status line (`200`, `4XX`, `default`) is at `index`.
pub fn is_status(lines: &Lines, index: usize, end: usize) -> bool {
    let text = lines.text(index);
    let shaped = text == "default"
        || (text.len() == 3
            && text.starts_with(['1', '2', '3', '4', '5'])
            && (text[1..].chars().all(|c| c.is_ascii_digit()) || &text[1..] == "XX"));
    shaped
        && lines
            .next_non_blank(index + 1, end)
            .is_none_or(|next| !types::is_type(lines.text(next)))
}

/// Whether a named example starts at `index`: a name, a blank line, optionally a
/// summary line and a blank line, then a line opening JSON.
pub fn example_start(lines: &Lines, index: usize, end: usize) -> bool {
    example_json_start(lines, index, end).is_some()
}

/// The summary line (if any) and the first JSON line of a named example at `index`.
pub fn example_json_start(
    lines: &Lines,
    index: usize,
    end: usize,
) -> Option<(Option<usize>, usize)> {
    let name = lines.text(index);
    if name.is_empty()
        || is_keyword(name)
        || starts_json(name)
        || types::is_type(name)
        || !lines.is_blank(index + 1)
    {
        return None;
    }
    let next = lines.next_non_blank(index + 1, end)?;
    if starts_json(lines.text(next)) {
        return Some((None, next));
    }
    if !lines.is_blank(next + 1) {
        return None;
    }
    let json = lines.next_non_blank(next + 1, end)?;
    starts_json(lines.text(json)).then_some((Some(next), json))
}

fn starts_json(text: &str) -> bool {
    text.starts_with(['{', '[', '}', ']'])
}

/// Whether the line at `index` ends an entry's body (or a description).
pub fn is_landmark(lines: &Lines, index: usize, end: usize) -> bool {
    index >= end
        || is_keyword(lines.text(index))
        || types::is_type(lines.text(index))
        || entry_start(lines, index, end).is_some()
        || is_status(lines, index, end)
        || example_start(lines, index, end)
}

/// The lines from `start` up to the next landmark: (indices, index after).
pub fn body(lines: &Lines, start: usize, end: usize) -> (Vec<usize>, usize) {
    let stop = (start..end)
        .find(|&index| !lines.is_blank(index) && is_landmark(lines, index, end))
        .unwrap_or(end.max(start));
    ((start..stop).collect(), stop)
}

/// Paragraphs of the non-blank lines among `indices` (blank lines separate them).
pub fn paragraphs(lines: &Lines, indices: &[usize]) -> Option<Text> {
    let first = indices.iter().copied().find(|&i| !lines.is_blank(i))?;
    let mut text = String::new();
    let mut previous: Option<usize> = None;
    for &index in indices {
        if lines.is_blank(index) {
            continue;
        }
        if let Some(previous) = previous {
            text.push_str(if index == previous + 1 { "\n" } else { "\n\n" });
        }
        text.push_str(lines.text(index));
        previous = Some(index);
    }
    Some(Text {
        value: text,
        line: number(first),
    })
}

/// The entry starting at `index`, and the index after it.
pub fn parse_entry(lines: &Lines, index: usize, end: usize) -> Option<(Entry, usize)> {
    let (type_index, ty) = entry_start(lines, index, end)?;
    let (mut body, next) = body(lines, type_index + 1, end);
    body.retain(|&i| !lines.is_blank(i));
    let mut example = None;
    let mut valid_values = None;
    while let Some(&last) = body.last() {
        let text = lines.text(last);
        if example.is_none()
            && let Some(value) = text.strip_prefix(EXAMPLE_LABEL)
        {
            example = Some(Text {
                value: value.trim().to_owned(),
                line: number(last),
            });
        } else if valid_values.is_none()
            && let Some(raw) = text.strip_prefix(VALID_VALUES_LABEL)
        {
            let raw = raw.trim().to_owned();
            valid_values = Some(ValidValues {
                values: serde_json::from_str(&raw).ok(),
                raw,
                line: number(last),
            });
        } else {
            break;
        }
        body.pop();
    }
    let description = paragraphs(lines, &with_gaps(lines, &body));
    let entry = Entry {
        name: lines.text(index).to_owned(),
        line: number(index),
        ty: Text {
            value: ty.text,
            line: number(type_index),
        },
        required: ty.required,
        description,
        valid_values,
        example,
    };
    Some((entry, next))
}

/// The non-blank `indices` plus the blank lines between them, so that paragraph
/// breaks survive.
fn with_gaps(lines: &Lines, indices: &[usize]) -> Vec<usize> {
    match (indices.first(), indices.last()) {
        (Some(&first), Some(&last)) => (first..=last)
            .filter(|i| indices.contains(i) || lines.is_blank(*i))
            .collect(),
        _ => Vec::new(),
    }
}

/// Every entry between `start` and `end` (a parameters section). Lines that are
/// not entries are skipped: a section holds nothing else on the page.
pub fn parse_list(lines: &Lines, start: usize, end: usize) -> Vec<Entry> {
    let mut found = Vec::new();
    let mut index = start;
    while let Some(at) = lines.next_non_blank(index, end) {
        match parse_entry(lines, at, end) {
            Some((entry, next)) => {
                found.push(entry);
                index = next.max(at + 1);
            }
            None => index = at + 1,
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::PageError;

    fn lines(text: &str) -> Result<Lines, PageError> {
        Lines::decode(text.as_bytes())
    }

    #[test]
    fn an_entry_with_paragraphs_valid_values_and_example() -> Result<(), PageError> {
        let lines = lines(
            "status\nstring\n\nFirst.\n\nSecond\nline.\n\nValid values[ \"a\", \"b\" ]\nExamplea\nnext\nstring\n",
        )?;
        let (entry, next) = parse_entry(&lines, 0, lines.len()).ok_or(PageError::NoPath)?;
        assert_eq!(entry.name, "status");
        assert_eq!(entry.ty.value, "string");
        assert_eq!(
            entry.description.map(|d| d.value),
            Some("First.\n\nSecond\nline.".to_owned())
        );
        let values = entry.valid_values.and_then(|v| v.values);
        assert_eq!(values, Some(vec!["a".into(), "b".into()]));
        assert_eq!(
            entry.example.map(|e| (e.value, e.line)),
            Some(("a".into(), 10))
        );
        assert_eq!(next, 10);
        Ok(())
    }

    #[test]
    fn an_object_line_opening_a_field_named_like_a_type_is_not_a_field() -> Result<(), PageError> {
        let lines = lines("object\nnumber\nstring\n")?;
        assert!(entry_start(&lines, 0, lines.len()).is_none());
        assert!(entry_start(&lines, 1, lines.len()).is_some());
        Ok(())
    }

    #[test]
    fn statuses_examples_and_keywords_are_landmarks() -> Result<(), PageError> {
        let lines = lines("400\n\nBad request\n\nname\n\nSummary\n\n{\n}\nExpand All\n")?;
        assert!(is_status(&lines, 0, lines.len()));
        assert!(example_start(&lines, 4, lines.len()));
        assert!(!example_start(&lines, 2, lines.len()));
        assert!(is_landmark(&lines, 10, lines.len()));
        Ok(())
    }
}
