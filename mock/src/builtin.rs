//! The built-in data set: the vendor page's three 200 examples and a session without
//! attempts, under fixed session ids. `veriff serve` prints them at start-up.
//!
//! The data lives in `builtin.json` (a fixture file, parsed like any other); a test
//! checks that each documented session answers exactly the spec's example.

use crate::fixtures::Fixtures;

/// One session of the built-in data set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Example {
    /// The example's name in `openapi/veriff-attempts.yaml` (or `no_attempts`).
    pub name: &'static str,
    /// The session id that serves it.
    pub session_id: &'static str,
    /// What it shows.
    pub summary: &'static str,
}

/// The page's `single_attempt_with_custom_status` example.
pub const SINGLE_ATTEMPT_WITH_CUSTOM_STATUS: Example = Example {
    name: "single_attempt_with_custom_status",
    session_id: "00000000-0000-4000-8000-000000000001",
    summary: "Single attempt with custom status data",
};

/// The page's `multiple_attempts_mixed_statuses` example.
pub const MULTIPLE_ATTEMPTS_MIXED_STATUSES: Example = Example {
    name: "multiple_attempts_mixed_statuses",
    session_id: "00000000-0000-4000-8000-000000000002",
    summary: "Session with multiple attempts showing mixed statuses and custom status data",
};

/// The page's `attempt_no_custom_status` example.
pub const ATTEMPT_NO_CUSTOM_STATUS: Example = Example {
    name: "attempt_no_custom_status",
    session_id: "00000000-0000-4000-8000-000000000003",
    summary: "Attempt without custom user-defined data",
};

/// A session that exists but has no attempts yet: `"verifications": []`.
pub const NO_ATTEMPTS: Example = Example {
    name: "no_attempts",
    session_id: "00000000-0000-4000-8000-000000000004",
    summary: "Session without attempts",
};

/// The three documented 200 examples, in the spec's order.
pub const DOCUMENTED: [Example; 3] = [
    SINGLE_ATTEMPT_WITH_CUSTOM_STATUS,
    MULTIPLE_ATTEMPTS_MIXED_STATUSES,
    ATTEMPT_NO_CUSTOM_STATUS,
];

/// Every session of the built-in data set.
pub const ALL: [Example; 4] = [
    SINGLE_ATTEMPT_WITH_CUSTOM_STATUS,
    MULTIPLE_ATTEMPTS_MIXED_STATUSES,
    ATTEMPT_NO_CUSTOM_STATUS,
    NO_ATTEMPTS,
];

/// A session id that the built-in data set does not have: it answers 404.
pub const UNKNOWN_SESSION: &str = "00000000-0000-4000-8000-000000000404";

/// The built-in sessions' name, if `session_id` is one of them.
pub fn name_of(session_id: uuid::Uuid) -> Option<&'static str> {
    ALL.iter()
        .find(|example| example.session_id == session_id.hyphenated().to_string())
        .map(|example| example.name)
}

const DATA: &str = include_str!("builtin.json");

pub(crate) fn fixtures() -> Fixtures {
    match Fixtures::from_json("the built-in data set (veriff-mock/src/builtin.json)", DATA) {
        Ok(fixtures) => fixtures,
        // The data is compiled in and a unit test parses it: reaching this is a bug
        // in this crate, not a condition a caller can handle.
        Err(err) => panic!("{err}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_session_is_in_the_data_and_nothing_else() {
        let data = Fixtures::from_json("builtin.json", DATA).map_err(|e| e.to_string());
        let ids: Vec<String> = match &data {
            Ok(fixtures) => fixtures.sessions().map(|(id, _)| id.to_string()).collect(),
            Err(err) => panic!("{err}"),
        };
        assert_eq!(ids, ALL.map(|example| example.session_id.to_owned()));
        assert!(!ids.contains(&UNKNOWN_SESSION.to_owned()));
        let second = uuid::Uuid::parse_str(MULTIPLE_ATTEMPTS_MIXED_STATUSES.session_id).ok();
        assert_eq!(
            second.and_then(name_of),
            Some("multiple_attempts_mixed_statuses")
        );
    }
}
