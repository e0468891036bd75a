//! Reading the page's own layout, top to bottom:
//!
//! 1. the title (first line), then the method line (`Get`) and the path line;
//! 2. the paragraph under the path (the operation's description);
//! 3. prose sections (what an attempt is, use cases, notes): not compared, the
//!    changelog and the file's diff cover them;
//! 4. `Header parameters`, `Path parameters` (and query/cookie ones, if the page
//!    ever gets any): entries ([`entries`]);
//! 5. `Responses`: per status, its description, `Headers`, named examples and the
//!    schema tree ([`responses`]);
//! 6. `Document Versioning` / `Changelog`: dated entries ([`changelog`]).
//!
//! Whatever the input, the result is a [`Page`] or a [`PageError`] saying which of
//! these landmarks is missing; nothing here indexes past the end or panics.

mod changelog;

pub use changelog::date;
mod entries;
mod responses;

use crate::error::PageError;
use crate::lines::{Lines, number};
use crate::page::{Page, ParamIn, Parameter, Text};

/// The HTTP methods the page may print above the path.
const METHODS: [&str; 7] = ["get", "post", "put", "patch", "delete", "head", "options"];

/// Parses the page's text.
pub fn parse(bytes: &[u8]) -> Result<Page, PageError> {
    let lines = Lines::decode(bytes)?;
    let first = lines
        .next_non_blank(0, lines.len())
        .ok_or(PageError::Empty)?;
    let (method, path) = method_and_path(&lines).ok_or(PageError::NoPath)?;
    let title = (first < method).then(|| text_at(&lines, first));
    let responses_heading = lines
        .find(path + 1, "Responses")
        .ok_or(PageError::NoResponses {
            path_line: number(path),
        })?;
    let parameters = parameters(&lines, path + 1, responses_heading);
    let (responses, changelog_at) = responses::parse(&lines, responses_heading)?;
    let changelog = changelog::parse(&lines, changelog_at)?;
    Ok(Page {
        title,
        method: text_at(&lines, method),
        path: text_at(&lines, path),
        lead: lead(&lines, path, responses_heading),
        parameters,
        responses,
        changelog,
    })
}

fn text_at(lines: &Lines, index: usize) -> Text {
    Text {
        value: lines.text(index).to_owned(),
        line: number(index),
    }
}

/// The first method line followed by a path line.
fn method_and_path(lines: &Lines) -> Option<(usize, usize)> {
    (0..lines.len()).find_map(|index| {
        let method = lines.text(index).to_ascii_lowercase();
        if !METHODS.contains(&method.as_str()) {
            return None;
        }
        let path = lines.next_non_blank(index + 1, lines.len())?;
        let text = lines.text(path);
        (text.starts_with('/') && !text.contains(char::is_whitespace)).then_some((index, path))
    })
}

/// The paragraph right under the path, unless a section starts there.
fn lead(lines: &Lines, path: usize, end: usize) -> Option<Text> {
    let start = lines.next_non_blank(path + 1, end)?;
    if entries::is_keyword(lines.text(start)) {
        return None;
    }
    let paragraph: Vec<&str> = (start..end)
        .map(|index| lines.text(index))
        .take_while(|line| !line.is_empty())
        .collect();
    Some(Text {
        value: paragraph.join("\n"),
        line: number(start),
    })
}

/// The entries of every `... parameters` section between the path and `Responses`.
fn parameters(lines: &Lines, start: usize, end: usize) -> Vec<Parameter> {
    let mut headings: Vec<(usize, ParamIn)> = ParamIn::ALL
        .iter()
        .filter_map(|(kind, heading, _)| {
            lines
                .find(start, heading)
                .filter(|&at| at < end)
                .map(|at| (at, *kind))
        })
        .collect();
    headings.sort();
    let mut found = Vec::new();
    for (position, (at, kind)) in headings.iter().enumerate() {
        let section_end = headings.get(position + 1).map_or(end, |(next, _)| *next);
        for entry in entries::parse_list(lines, at + 1, section_end) {
            found.push(Parameter {
                location: *kind,
                entry,
            });
        }
    }
    found
}
