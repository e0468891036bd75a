//! [`Suite`]: everything the checks read (spec, validator, Rust types, known
//! contradictions), and the list of checks.
//!
//! Checks are plain functions over a `Suite`, not over the files, so mutation tests
//! run them on an edited copy of the spec or with a misbehaving Rust type.

use crate::checks;
use crate::codecs::Codecs;
use crate::contradictions::{self, KnownContradiction};
use crate::spec::{Spec, SpecError};
use crate::validator::SpecValidator;

/// Property-test cases per property when `PROPTEST_CASES` is not set.
pub const DEFAULT_CASES: u32 = 1_000;

/// What one check found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// How many cases (examples, values, generated inputs) it checked.
    pub cases: u64,
    /// Why it failed, one problem per line; `None` if it passed.
    pub failure: Option<String>,
}

impl Report {
    /// A pass over `cases` cases.
    pub fn passed(cases: usize) -> Self {
        Self::from_failures(cases, Vec::new())
    }

    /// A failure with one message.
    pub fn failed(cases: usize, why: impl Into<String>) -> Self {
        Self::from_failures(cases, vec![why.into()])
    }

    /// Passes if `failures` is empty; otherwise fails with one line per failure.
    pub fn from_failures(cases: usize, failures: Vec<String>) -> Self {
        Self {
            cases: u64::try_from(cases).unwrap_or(u64::MAX),
            failure: (!failures.is_empty()).then(|| failures.join("\n")),
        }
    }

    /// Whether the check passed.
    pub fn is_ok(&self) -> bool {
        self.failure.is_none()
    }
}

/// A named check.
pub type Check = (&'static str, fn(&Suite) -> Report);

/// Every check of the suite, in report order.
pub const CHECKS: [Check; 16] = [
    (
        "registry: a Rust type per schema",
        checks::registry_covers_every_schema,
    ),
    (
        "examples: valid against their schema",
        checks::examples_are_valid,
    ),
    (
        "examples: round-trip through Rust",
        checks::examples_round_trip,
    ),
    (
        "enums: every value round-trips",
        checks::enum_values_round_trip,
    ),
    (
        "enums: outside values (closed reject, open keep)",
        checks::outside_values,
    ),
    (
        "AttemptStatus: KNOWN == spec enum",
        checks::attempt_status_matches_spec,
    ),
    (
        "contradictions: all listed, none stale",
        checks::contradictions_are_known,
    ),
    (
        "prop a: SessionAttemptsResponse Rust→JSON→Rust",
        checks::rust_session_attempts_response,
    ),
    (
        "prop a: SessionAttemptsResponseVerification",
        checks::rust_attempt,
    ),
    ("prop a: UserStatus", checks::rust_user_status),
    ("prop a: ErrorResponse", checks::rust_error_response),
    (
        "prop b: SessionAttemptsResponse JSON→Rust→JSON",
        checks::spec_session_attempts_response,
    ),
    (
        "prop b: SessionAttemptsResponseVerification",
        checks::spec_attempt,
    ),
    ("prop b: UserStatus", checks::spec_user_status),
    ("prop b: ErrorResponse", checks::spec_error_response),
    (
        "prop: unknown AttemptStatus kept",
        checks::unknown_statuses_round_trip,
    ),
];

/// The inputs of every check.
pub struct Suite {
    spec: Spec,
    validator: SpecValidator,
    codecs: Codecs,
    known: Vec<KnownContradiction>,
    cases: Result<u32, String>,
}

impl Suite {
    /// The real thing: the spec and known list from `openapi/`, the generated types,
    /// `PROPTEST_CASES` (or [`DEFAULT_CASES`]) cases per property.
    pub fn load() -> Result<Self, SpecError> {
        let suite = Self::new(
            Spec::load()?,
            Codecs::generated(),
            contradictions::load_known()?,
        )?;
        Ok(suite.with_cases(cases_from_env()))
    }

    /// A suite over any spec, Rust types and known list (mutation tests).
    pub fn new(
        spec: Spec,
        codecs: Codecs,
        known: Vec<KnownContradiction>,
    ) -> Result<Self, SpecError> {
        let validator = SpecValidator::new(&spec)?;
        Ok(Self {
            spec,
            validator,
            codecs,
            known,
            cases: Ok(DEFAULT_CASES),
        })
    }

    /// The real suite, but over spec text (mutation tests edit the real spec).
    pub fn from_spec_text(text: &str) -> Result<Self, SpecError> {
        Self::new(
            Spec::from_text(text, "<in-memory>")?,
            Codecs::generated(),
            contradictions::load_known()?,
        )
    }

    /// This suite with other Rust types.
    #[must_use]
    pub fn with_codecs(mut self, codecs: Codecs) -> Self {
        self.codecs = codecs;
        self
    }

    /// This suite with another number of cases per property.
    #[must_use]
    pub fn with_cases(mut self, cases: Result<u32, String>) -> Self {
        self.cases = cases;
        self
    }

    /// The spec.
    pub fn spec(&self) -> &Spec {
        &self.spec
    }

    /// The validator over the spec.
    pub fn validator(&self) -> &SpecValidator {
        &self.validator
    }

    /// The Rust types.
    pub fn codecs(&self) -> &Codecs {
        &self.codecs
    }

    /// The known contradictions.
    pub fn known(&self) -> &[KnownContradiction] {
        &self.known
    }

    /// Cases per property, or why `PROPTEST_CASES` is unusable.
    pub fn cases(&self) -> Result<u32, String> {
        self.cases.clone()
    }

    /// Runs one check by name.
    pub fn run(&self, name: &str) -> Option<Report> {
        CHECKS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, check)| check(self))
    }
}

/// `PROPTEST_CASES` if set (it must be a positive number), else [`DEFAULT_CASES`].
pub fn cases_from_env() -> Result<u32, String> {
    match std::env::var("PROPTEST_CASES") {
        Err(_) => Ok(DEFAULT_CASES),
        Ok(text) => match text.trim().parse::<u32>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(format!("PROPTEST_CASES={text:?} is not a positive number")),
        },
    }
}
