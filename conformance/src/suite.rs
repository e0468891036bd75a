//! [`Suite`]: everything the checks read (spec, validator, Rust types, known
//! contradictions), and the list of checks.
//!
//! Checks are plain functions over a `Suite`, not over the files, so mutation tests
//! run them on an edited copy of the spec or with a misbehaving Rust type.

use crate::checks;
use crate::codecs::Codecs;
use crate::contradictions::{self, KnownContradiction};
use crate::openapi::named_schemas;
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

/// A named check over a [`Suite`].
pub struct Check {
    /// The name in the report.
    pub name: String,
    run: Box<dyn Fn(&Suite) -> Report + Send + Sync>,
}

impl Check {
    fn new(
        name: impl Into<String>,
        run: impl Fn(&Suite) -> Report + Send + Sync + 'static,
    ) -> Self {
        Self {
            name: name.into(),
            run: Box::new(run),
        }
    }

    /// Runs the check.
    pub fn run(&self, suite: &Suite) -> Report {
        (self.run)(suite)
    }
}

/// Every check of the suite for a spec, in report order: the fixed checks, then
/// both property directions for every named schema of the spec (so a new schema
/// gets its properties without a new line here).
pub fn all_checks(spec: &Spec) -> Vec<Check> {
    let mut list = vec![
        Check::new(
            "registry: a Rust type per schema",
            checks::registry_covers_every_schema,
        ),
        Check::new(
            "examples: valid against their schema",
            checks::examples_are_valid,
        ),
        Check::new(
            "examples: round-trip through Rust",
            checks::examples_round_trip,
        ),
        Check::new(
            "enums: every value round-trips",
            checks::enum_values_round_trip,
        ),
        Check::new(
            "enums: outside values (closed reject, open keep)",
            checks::outside_values,
        ),
        Check::new(
            "open enums: Rust variants == spec enum",
            checks::open_enums_match_spec,
        ),
        Check::new(
            "contradictions: all listed, none stale",
            checks::contradictions_are_known,
        ),
    ];
    let schemas = named_schemas(spec);
    for schema in &schemas {
        let name = schema.clone();
        list.push(Check::new(
            format!("prop a: {schema} Rust→JSON→Rust"),
            move |suite| checks::rust_values(suite, &name),
        ));
    }
    for schema in &schemas {
        let name = schema.clone();
        list.push(Check::new(
            format!("prop b: {schema} JSON→Rust→JSON"),
            move |suite| checks::spec_round_trip(suite, &name),
        ));
    }
    list.push(Check::new(
        "prop: open enums keep unknown values",
        checks::unknown_values_round_trip,
    ));
    list.push(Check::new(
        "coverage: every property in both directions",
        checks::properties_covered,
    ));
    list
}

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
        all_checks(&self.spec)
            .iter()
            .find(|check| check.name == name)
            .map(|check| check.run(self))
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
