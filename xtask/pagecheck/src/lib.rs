//! `cargo xtask page-check`: does the spec still say what Veriff's page says?
//!
//! The spec (`openapi/veriff-attempts.yaml`) is written by hand from Veriff's
//! "List attempts IDs" page, and Veriff publishes no spec of its own, only the
//! page. This crate reads a saved copy of the page's text ([`PAGE_FILE`], as a
//! browser copies it) and lists, one line each, every place where the page and the
//! spec disagree:
//!
//! - [`parse`] reads the page's layout into a [`page::Page`] (method, path,
//!   parameters, statuses with headers, named examples and the schema tree,
//!   changelog), every fact with its line; text that is not the page is a
//!   [`PageError`] naming the missing landmark;
//! - [`place`] restores the nesting the text loses, from the spec's known fields;
//! - [`compare`] compares fact by fact through [`spec_view`] (the spec rendered the
//!   way the page prints it) and counts what the spec records as different on
//!   purpose (`x-vendor-page-*`, `openapi/known-contradictions.yaml`);
//! - [`report`] prints the result for people or machines.
//!
//! It depends on the spec reader (`veriff-spec`) only, never on generated code,
//! so it runs whatever state the SDK is in.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod compare;
pub mod error;
pub mod lines;
pub mod page;
pub mod parse;
pub mod place;
pub mod report;
pub mod spec_view;
pub mod types;

use std::path::{Path, PathBuf};

use veriff_spec::contradictions::{self, KnownContradiction};
use veriff_spec::{Spec, SpecError};

pub use error::PageError;
pub use report::{Difference, Kind, Recorded, Report};

/// The saved copy of the page, relative to the workspace root.
pub const PAGE_FILE: &str = "openapi/vendor-page.txt";

/// Why a check could not run: exit 2 of `cargo xtask page-check`.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    /// The page file could not be read.
    #[error("{path}: cannot read the page: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The text is not the vendor page.
    #[error(
        "{origin}: not the text of Veriff's \"List attempts IDs\" page: {source}. \
         Save the page's text as openapi/README.md says (open the page, select all, copy, save as text)"
    )]
    NotThePage {
        /// Where the text came from.
        origin: String,
        /// What is missing.
        source: PageError,
    },
    /// The spec or the known-contradictions list could not be read.
    #[error("cannot compare with the spec: {0}")]
    Spec(#[from] SpecError),
}

/// Checks page text (as bytes: it may not even be text) against a loaded spec.
pub fn check(
    page: &[u8],
    origin: &str,
    spec: &Spec,
    known: &[KnownContradiction],
) -> Result<Report, CheckError> {
    let parsed = parse::parse(page).map_err(|source| CheckError::NotThePage {
        origin: origin.to_owned(),
        source,
    })?;
    let findings = compare::compare(&parsed, spec_view::View { spec }, known);
    Ok(Report::new(
        origin.to_owned(),
        display(Path::new(spec.origin())),
        findings,
    ))
}

/// Checks a page file against the workspace's spec and known-contradictions list.
pub fn check_file(page: &Path) -> Result<Report, CheckError> {
    let bytes = std::fs::read(page).map_err(|source| CheckError::Read {
        path: page.to_owned(),
        source,
    })?;
    let spec = Spec::load()?;
    let known = contradictions::load_known()?;
    check(&bytes, &display(page), &spec, &known)
}

/// A path relative to the workspace root when it is inside it (shorter messages).
fn display(path: &Path) -> String {
    let root = veriff_spec::workspace_root();
    path.strip_prefix(&root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// The saved copy of the page in this workspace.
pub fn saved_page() -> PathBuf {
    veriff_spec::workspace_root().join(PAGE_FILE)
}
