//! `cargo xtask page-check [PAGE] [--format text|json]`: the saved vendor page
//! against the spec (the logic is the `pagecheck` crate; this is the command line).
//!
//! Exit codes: 0 the page and the spec agree, 1 they differ (one line per
//! difference), 2 the check could not run (the file is not the vendor page, or the
//! spec does not load); the message says what is missing.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

/// The command's arguments.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The page's text, saved as openapi/README.md says [default: openapi/vendor-page.txt].
    pub page: Option<PathBuf>,

    /// `text` for people, `json` for machines (same differences).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One line per difference, then the recorded differences.
    Text,
    /// One JSON object: `agree`, `differences`, `recorded`, ...
    Json,
}

/// Agreement.
pub const AGREE: u8 = 0;
/// At least one difference.
pub const DIFFER: u8 = 1;
/// The check could not run.
pub const CANNOT_CHECK: u8 = 2;

/// Runs the check, writing the report to `out` and problems to `err`; returns the
/// exit code.
pub fn run(args: &Args, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let started = Instant::now();
    let page = args.page.clone().unwrap_or_else(pagecheck::saved_page);
    let report = match pagecheck::check_file(&page) {
        Ok(report) => report,
        Err(problem) => {
            let _ = writeln!(err, "error: {problem}");
            if args.format == Format::Json {
                let json = serde_json::json!({ "error": problem.to_string() });
                let _ = writeln!(out, "{json:#}");
            }
            return CANNOT_CHECK;
        }
    };
    let written = match args.format {
        Format::Text => writeln!(
            out,
            "{}checked in {} ms",
            report.text(),
            started.elapsed().as_millis()
        ),
        Format::Json => writeln!(out, "{:#}", report.json()),
    };
    if let Err(problem) = written {
        let _ = writeln!(err, "error: cannot write the report: {problem}");
        return CANNOT_CHECK;
    }
    if report.agrees() { AGREE } else { DIFFER }
}
