//! The `Responses` section: per status, in page order,
//!
//! ```text
//! 200                                  status
//! Successfully retrieved ...           description
//! Headers                              then header entries
//! single_attempt_with_custom_status    named examples: name, summary, JSON
//! Expand All                           page furniture
//! object                               the body's schema tree, flat
//! status / string / ... / Examplesuccess
//! ```
//!
//! up to the changelog. Reaching the end of the text instead is a truncated copy.

use serde_json::Value;

use super::entries::{self, body, is_changelog_heading, is_status, paragraphs, parse_entry};
use crate::error::PageError;
use crate::lines::{Lines, number};
use crate::page::{NamedExample, Response, Text, TreeItem};
use crate::types;

/// Every status block after the `Responses` heading, and the index of the
/// changelog heading that ends them.
pub fn parse(lines: &Lines, heading: usize) -> Result<(Vec<Response>, usize), PageError> {
    let end = lines.len();
    let mut responses: Vec<Response> = Vec::new();
    let mut index = heading + 1;
    loop {
        let Some(at) = lines.next_non_blank(index, end) else {
            return Err(if responses.is_empty() {
                PageError::NoStatuses {
                    line: number(heading),
                }
            } else {
                PageError::NoChangelog {
                    last_line: lines.len(),
                }
            });
        };
        if is_changelog_heading(lines.text(at)) {
            if responses.is_empty() {
                return Err(PageError::NoStatuses {
                    line: number(heading),
                });
            }
            return Ok((responses, at));
        }
        if !is_status(lines, at, end) {
            // Text before the first status, or a line no block claimed.
            let Some(last) = responses.last_mut() else {
                return Err(PageError::NoStatuses {
                    line: number(heading),
                });
            };
            last.body.push(TreeItem::Stray(text(lines, at)));
            index = at + 1;
            continue;
        }
        let (response, next) = status_block(lines, at, end)?;
        responses.push(response);
        index = next.max(at + 1);
    }
}

fn text(lines: &Lines, index: usize) -> Text {
    Text {
        value: lines.text(index).to_owned(),
        line: number(index),
    }
}

/// One status block starting at its status line.
fn status_block(lines: &Lines, at: usize, end: usize) -> Result<(Response, usize), PageError> {
    let (description, mut index) = body(lines, at + 1, end);
    let mut response = Response {
        status: text(lines, at),
        description: paragraphs(lines, &description),
        headers: Vec::new(),
        examples: Vec::new(),
        body: Vec::new(),
    };
    if let Some(headers) = lines.next_non_blank(index, end)
        && lines.text(headers) == "Headers"
    {
        index = headers + 1;
        while let Some(start) = lines.next_non_blank(index, end)
            && let Some((entry, next)) = parse_entry(lines, start, end)
        {
            response.headers.push(entry);
            index = next.max(start + 1);
        }
    }
    while let Some(start) = lines.next_non_blank(index, end)
        && let Some((summary, json)) = entries::example_json_start(lines, start, end)
    {
        let (example, next) = named_example(lines, start, summary, json)?;
        response.examples.push(example);
        index = next;
    }
    while let Some(start) = lines.next_non_blank(index, end) {
        let line = lines.text(start);
        if is_status(lines, start, end) || is_changelog_heading(line) {
            break;
        }
        if line == "Expand All" || line == "Collapse All" {
            index = start + 1;
        } else if let Some((entry, next)) = parse_entry(lines, start, end) {
            response.body.push(TreeItem::Field(entry));
            index = next.max(start + 1);
        } else if types::is_type(line) {
            let (under, next) = body(lines, start + 1, end);
            response.body.push(TreeItem::Object {
                ty: line.to_owned(),
                line: number(start),
                description: paragraphs(lines, &under),
            });
            index = next.max(start + 1);
        } else {
            response.body.push(TreeItem::Stray(text(lines, start)));
            index = start + 1;
        }
    }
    Ok((response, index))
}

/// A named example: its JSON runs until its brackets balance.
fn named_example(
    lines: &Lines,
    at: usize,
    summary: Option<usize>,
    json: usize,
) -> Result<(NamedExample, usize), PageError> {
    let name = lines.text(at).to_owned();
    let close = closing_line(lines, json).ok_or_else(|| PageError::UnclosedExample {
        name: name.clone(),
        line: number(at),
    })?;
    let source: Vec<&str> = (json..=close).map(|index| lines.raw(index)).collect();
    let value = serde_json::from_str::<Value>(&source.join("\n"))
        .map_err(|err| format!("not JSON: {err} (the JSON starts at line {})", number(json)));
    let example = NamedExample {
        name,
        line: number(at),
        summary: summary.map(|index| text(lines, index)),
        value,
    };
    Ok((example, close + 1))
}

/// The line where the brackets opened at `start` balance again (strings and
/// escapes respected), or `None` if the text ends first.
fn closing_line(lines: &Lines, start: usize) -> Option<usize> {
    let mut depth: usize = 0;
    let mut in_string = false;
    let mut escaped = false;
    for index in start..lines.len() {
        for c in lines.raw(index).chars() {
            if in_string {
                match (escaped, c) {
                    (true, _) => escaped = false,
                    (false, '\\') => escaped = true,
                    (false, '"') => in_string = false,
                    _ => {}
                }
                continue;
            }
            match c {
                '"' => in_string = true,
                '{' | '[' => depth += 1,
                '}' | ']' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return Some(index);
                    }
                }
                _ => {}
            }
        }
        // A string never spans lines in the page's pretty-printed JSON.
        in_string = false;
        escaped = false;
    }
    None
}
