//! Conformance checks (filled in by the conformance issue).
