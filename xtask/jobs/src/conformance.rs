//! `cargo xtask conformance`: the project's main job.
//!
//! Offline (the default), in this order: the generated code is fresh (which also
//! parses the spec with progenitor), the conformance suite's checks
//! (`conformance::run_offline`: spec loads, examples valid and round-tripping,
//! enums, properties, known contradictions), then the embedded reference server is
//! started and the SDK is driven through every documented response and every
//! fault ([`reference`]). With `--base-url` it instead runs a handful of read-only
//! requests against a real deployment ([`live`]).
//!
//! Either way it prints one table (check, cases, result, time), the reasons of any
//! failure, and exits non-zero if anything failed; `--junit PATH` also writes the
//! rows as JUnit XML.

mod http;
mod live;
mod reference;
mod report;

use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use ::conformance::Outcome;

#[derive(clap::Args)]
pub struct Args {
    /// Also write the report as JUnit XML to PATH (for CI systems).
    #[arg(long, value_name = "PATH")]
    junit: Option<PathBuf>,

    /// Run read-only live checks against this deployment instead of the offline
    /// suite (needs --api-key, --shared-secret and --session-id).
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,

    /// API key for the live checks.
    #[arg(long, env = "VERIFF_API_KEY", hide_env_values = true)]
    api_key: Option<String>,

    /// Shared secret for the live checks (prefer the environment variable).
    #[arg(long, env = "VERIFF_SHARED_SECRET", hide_env_values = true)]
    shared_secret: Option<String>,

    /// An existing session id of the deployment, for the live checks.
    #[arg(long, value_name = "UUID", requires = "base_url")]
    session_id: Option<String>,

    /// Live checks: fail on drift too. Without it, what the spec does not describe
    /// but the SDK tolerates (a value of an open enum the spec does not list, a
    /// property it does not declare) is reported with the spec change it calls
    /// for, and does not fail the run.
    #[arg(long, requires = "base_url")]
    strict: bool,
}

impl Args {
    /// The live target, when `--base-url` is given; every other live setting is
    /// then required. Credentials from the environment are ignored offline.
    fn live_target(&self) -> Result<Option<live::Target>, String> {
        let Some(base_url) = &self.base_url else {
            return Ok(None);
        };
        let missing = |what: &str| format!("--base-url needs {what} for the live checks");
        let session_id = self
            .session_id
            .clone()
            .ok_or_else(|| missing("--session-id"))?;
        if let Err(err) = session_id.parse::<veriff_attempts::SessionId>() {
            return Err(format!("--session-id: {err}"));
        }
        Ok(Some(live::Target {
            base_url: base_url.trim_end_matches('/').to_owned(),
            api_key: self
                .api_key
                .clone()
                .ok_or_else(|| missing("--api-key (or VERIFF_API_KEY)"))?,
            shared_secret: self
                .shared_secret
                .clone()
                .ok_or_else(|| missing("--shared-secret (or VERIFF_SHARED_SECRET)"))?,
            session_id,
            strict: self.strict,
        }))
    }
}

/// Runs the job and reports; the exit code is non-zero if any check failed.
pub fn run(root: &Path, args: Args) -> ExitCode {
    let live = match args.live_target() {
        Ok(live) => live,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let started = Instant::now();
    let (title, rows) = match &live {
        Some(target) => (
            format!("live checks against {}", target.base_url),
            runtime.block_on(live::run(target)),
        ),
        None => ("conformance".to_owned(), runtime.block_on(offline(root))),
    };
    let report = report::Report::new(title, rows, started.elapsed());
    print!("{}", report.text());
    if let Some(path) = &args.junit {
        if let Err(err) = std::fs::write(path, report.junit()) {
            eprintln!(
                "error: cannot write the JUnit report to {}: {err}",
                path.display()
            );
            return ExitCode::FAILURE;
        }
        println!("JUnit report written to {}", path.display());
    }
    if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Every offline check, in order. The suite's checks (CPU-bound, on threads of
/// their own) and the reference server's (mostly waiting on sockets and timers)
/// run at the same time.
async fn offline(root: &Path) -> Vec<Outcome> {
    let mut rows = vec![generated_code_is_fresh(root)];
    let suite = tokio::task::spawn_blocking(::conformance::run_offline);
    let reference = reference::run().await;
    match suite.await {
        Ok(outcomes) => rows.extend(outcomes),
        Err(err) => rows.push(outcome(
            "conformance suite".to_owned(),
            Err(format!("the suite did not finish: {err}")),
            Instant::now(),
        )),
    }
    rows.push(vendor_page_agrees(root));
    rows.extend(reference);
    rows
}

/// `cargo xtask page-check` on the saved vendor page: fails, listing every
/// difference, when someone refreshes the page without updating the spec or
/// edits the spec away from the page.
fn vendor_page_agrees(root: &Path) -> Outcome {
    let started = Instant::now();
    let result = match pagecheck::check_file(&root.join(pagecheck::PAGE_FILE)) {
        Ok(report) if report.agrees() => Ok(report.facts),
        Ok(report) => Err(format!(
            "{} difference(s); `cargo xtask page-check` shows them with the recorded ones:\n{}",
            report.differences.len(),
            report
                .differences
                .iter()
                .map(|d| format!("- {d}"))
                .collect::<Vec<_>>()
                .join("\n")
        )),
        Err(err) => Err(err.to_string()),
    };
    outcome(
        format!("vendor page: {} agrees with the spec", pagecheck::PAGE_FILE),
        result,
        started,
    )
}

fn generated_code_is_fresh(root: &Path) -> Outcome {
    let started = Instant::now();
    let result = codegen::check(root)
        .map(|()| 2)
        .map_err(|err| err.to_string());
    outcome(
        format!(
            "generated code: {} and {} are fresh",
            codegen::SDK_OUTPUT,
            codegen::CONFORMANCE_OUTPUT
        ),
        result,
        started,
    )
}

/// Times an async check that returns its number of cases or why it failed.
pub(crate) async fn timed<F>(check: impl Into<String>, run: F) -> Outcome
where
    F: Future<Output = Result<u64, String>>,
{
    let started = Instant::now();
    let result = run.await;
    outcome(check.into(), result, started)
}

fn outcome(check: String, result: Result<u64, String>, started: Instant) -> Outcome {
    let elapsed = started.elapsed();
    match result {
        Ok(cases) => Outcome {
            check,
            cases,
            failure: None,
            notes: Vec::new(),
            elapsed,
        },
        Err(failure) => Outcome {
            check,
            cases: 0,
            failure: Some(failure),
            notes: Vec::new(),
            elapsed,
        },
    }
}

/// Counts the cases of a check and collects the failing ones, so one failure does
/// not hide the others.
#[derive(Default)]
pub(crate) struct Tally {
    cases: u64,
    failures: Vec<String>,
}

impl Tally {
    /// Records one case.
    pub(crate) fn case(&mut self, name: &str, result: Result<(), String>) {
        self.cases += 1;
        if let Err(why) = result {
            self.failures.push(format!("{name}: {why}"));
        }
    }

    /// The check's result: its case count, or every failure.
    pub(crate) fn finish(self) -> Result<u64, String> {
        if self.failures.is_empty() {
            Ok(self.cases)
        } else {
            Err(self.failures.join("\n"))
        }
    }
}
