//! What the page states, as read from its text: every fact keeps its line number,
//! so each difference can point the maintainer at the page.
//!
//! The page prints parameters, response headers and body fields the same way (a
//! name, a type, description paragraphs, `Valid values[...]`, `Example...`), so one
//! [`Entry`] type holds all three. Body fields come as a flat list
//! ([`TreeItem`]): the page's text loses the schema's nesting, which is restored
//! later against the spec's known fields (`place`).

use std::fmt;

use serde_json::Value;

/// A piece of page text and the line it starts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    /// The text (paragraphs separated by a blank line).
    pub value: String,
    /// Its first line (1-based).
    pub line: usize,
}

/// Where a request parameter goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ParamIn {
    /// `Header parameters`.
    Header,
    /// `Path parameters`.
    Path,
    /// `Query parameters`.
    Query,
    /// `Cookie parameters`.
    Cookie,
}

impl ParamIn {
    /// The page's heading for this kind, and the value of OpenAPI's `in`.
    pub const ALL: [(ParamIn, &'static str, &'static str); 4] = [
        (ParamIn::Header, "Header parameters", "header"),
        (ParamIn::Path, "Path parameters", "path"),
        (ParamIn::Query, "Query parameters", "query"),
        (ParamIn::Cookie, "Cookie parameters", "cookie"),
    ];

    /// OpenAPI's `in` value.
    pub fn openapi(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(kind, _, _)| *kind == self)
            .map_or("header", |(_, _, name)| name)
    }
}

/// A parameter, a response header or a body field.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// Its name.
    pub name: String,
    /// The line of its name.
    pub line: usize,
    /// Its type as printed (without `Required`).
    pub ty: Text,
    /// Whether the page marks it `Required`.
    pub required: bool,
    /// Its description paragraphs.
    pub description: Option<Text>,
    /// Its `Valid values[...]` line.
    pub valid_values: Option<ValidValues>,
    /// Its `Example...` line, without the `Example` label.
    pub example: Option<Text>,
}

/// A `Valid values[ "a", "b" ]` line.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidValues {
    /// The text after the label.
    pub raw: String,
    /// The values, when the text is a JSON array (it is, on the page).
    pub values: Option<Vec<Value>>,
    /// Its line.
    pub line: usize,
}

/// A request parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Parameter {
    /// Where it goes.
    pub location: ParamIn,
    /// What the page says of it.
    pub entry: Entry,
}

/// A named example under a status: name, summary line, JSON.
#[derive(Clone, Debug, PartialEq)]
pub struct NamedExample {
    /// Its name.
    pub name: String,
    /// The line of its name.
    pub line: usize,
    /// The line under the name.
    pub summary: Option<Text>,
    /// The JSON, or why it does not parse.
    pub value: Result<Value, String>,
}

/// One item of a status's schema tree, in page order.
#[derive(Clone, Debug, PartialEq)]
pub enum TreeItem {
    /// An `object` line: the body itself, or the fields of the field before it.
    Object {
        /// The type printed (`object`).
        ty: String,
        /// Its line.
        line: usize,
        /// Text under it, if any (the page prints none today).
        description: Option<Text>,
    },
    /// A field.
    Field(Entry),
    /// A line the parser could not place (reported, never dropped).
    Stray(Text),
}

/// One documented response.
#[derive(Clone, Debug, PartialEq)]
pub struct Response {
    /// The status as printed (`200`).
    pub status: Text,
    /// The text under the status.
    pub description: Option<Text>,
    /// The `Headers` entries.
    pub headers: Vec<Entry>,
    /// The named examples.
    pub examples: Vec<NamedExample>,
    /// The body's schema tree, flat.
    pub body: Vec<TreeItem>,
}

/// A calendar date of the changelog.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    /// Year.
    pub year: u16,
    /// Month, 1-12.
    pub month: u8,
    /// Day, 1-31.
    pub day: u8,
}

impl fmt::Display for Date {
    /// ISO 8601, as the spec records it (`2026-04-24`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// One changelog entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Its date.
    pub date: Date,
    /// The date's line.
    pub line: usize,
    /// What changed.
    pub text: String,
}

/// Everything the page states that the check compares.
#[derive(Clone, Debug, PartialEq)]
pub struct Page {
    /// The first line (the page title), if it comes before the method.
    pub title: Option<Text>,
    /// The HTTP method as printed (`Get`).
    pub method: Text,
    /// The path template.
    pub path: Text,
    /// The paragraph under the path.
    pub lead: Option<Text>,
    /// Request parameters, in page order.
    pub parameters: Vec<Parameter>,
    /// Responses, in page order.
    pub responses: Vec<Response>,
    /// The changelog, in page order.
    pub changelog: Vec<Change>,
}
