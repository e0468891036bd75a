//! Why a text is not the vendor page: each variant says what was missing and where.
//!
//! These are exit-2 failures of `cargo xtask page-check`: the input cannot be
//! compared with the spec at all, as opposed to a readable page that differs from
//! it (exit 1). Each message names the page line where the reader stopped, so a
//! truncated or wrong copy is recognised at once.

/// The input is not the text of Veriff's "List attempts IDs" page.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PageError {
    /// Nothing but whitespace.
    #[error("the file is empty")]
    Empty,
    /// Not UTF-8 text (or a NUL byte: a binary file).
    #[error("not text: {problem} at byte {byte} (line {line})")]
    NotText {
        /// What is wrong with the bytes.
        problem: &'static str,
        /// Byte offset of the first bad byte.
        byte: usize,
        /// The line it is on.
        line: usize,
    },
    /// No HTTP method line followed by a path line.
    #[error(
        "no method and path: expected a line with the HTTP method (`Get`) followed by a line \
         with the path (`/v1/sessions/{{id}}/attempts`), as the page shows under its title"
    )]
    NoPath,
    /// No `Responses` heading after the path.
    #[error("no `Responses` section after the path (line {path_line})")]
    NoResponses {
        /// The path's line.
        path_line: usize,
    },
    /// A `Responses` heading without any status under it.
    #[error(
        "the `Responses` section (line {line}) lists no response status (a line such as `200`)"
    )]
    NoStatuses {
        /// The heading's line.
        line: usize,
    },
    /// The text ends before the changelog: a partial copy.
    #[error(
        "the text ends at line {last_line}, before the page's changelog (`Document Versioning` / \
         `Changelog`): the copy looks truncated"
    )]
    NoChangelog {
        /// The last line of the text.
        last_line: usize,
    },
    /// A changelog heading without dated entries.
    #[error(
        "the changelog (line {line}) has no dated entry (a line such as `Apr 24, 2026` followed \
         by its text): the copy looks truncated"
    )]
    EmptyChangelog {
        /// The heading's line.
        line: usize,
    },
    /// A named example whose JSON never closes.
    #[error(
        "the example `{name}` (line {line}) never closes its JSON before the text ends: the copy \
         looks truncated"
    )]
    UnclosedExample {
        /// The example's name.
        name: String,
        /// The line of its name.
        line: usize,
    },
}
