//! The data a server serves: the attempts of each session, and each session's fault.
//!
//! A fixture file is a JSON object. Every key but `"faults"` is a session id (a
//! hyphenated UUID) mapped to that session's attempts, exactly as they appear in the
//! response's `verifications` array. The optional `"faults"` key maps session ids to
//! [`Fault`]s. Attempts are parsed into the SDK's generated types, so a fixture is
//! checked against the same types clients decode with.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use uuid::Uuid;
use veriff_attempts::{Attempt, AttemptStatus, SessionId};

use crate::fault::Fault;

/// The key of a fixture file that holds faults instead of a session.
pub const FAULTS_KEY: &str = "faults";

/// Sessions with their attempts, and faults per session. Start from
/// [`Fixtures::builtin`], [`Fixtures::empty`] or a file ([`Fixtures::from_path`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Fixtures {
    sessions: BTreeMap<Uuid, Vec<Attempt>>,
    /// Exact 200 bodies for some sessions (the spec's examples, served as written).
    bodies: BTreeMap<Uuid, Bytes>,
    faults: BTreeMap<Uuid, Fault>,
}

/// A fixture file that cannot be used. The message names the file, the JSON path
/// of the problem, and what was expected.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FixtureError {
    /// The file could not be read.
    #[error("cannot read fixture file {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What the operating system reported.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a valid fixture file.
    #[error(
        "invalid fixture file {origin}: at {json_path}: {message} \
         (expected {{\"<session uuid>\": [attempt, ...], \"faults\": {{\"<session uuid>\": {{...}}}}}}; \
         see the veriff-mock README)"
    )]
    Invalid {
        /// Where the JSON came from (the file's path).
        origin: String,
        /// The JSON path of the problem, e.g. `$["f04bdb47-..."][0].status`.
        json_path: String,
        /// What was wrong, with line and column where the parser knows them.
        message: String,
    },
}

impl FixtureError {
    /// The JSON path of the problem, for [`FixtureError::Invalid`].
    pub fn json_path(&self) -> Option<&str> {
        match self {
            FixtureError::Invalid { json_path, .. } => Some(json_path),
            FixtureError::Read { .. } => None,
        }
    }
}

impl Fixtures {
    /// No sessions and no faults: every session id is unknown (404).
    pub fn empty() -> Self {
        Self::default()
    }

    /// The built-in data set: every 200 example of the spec and an empty session,
    /// under the ids in [`crate::builtin`].
    pub fn builtin() -> Self {
        crate::builtin::fixtures()
    }

    /// Reads a fixture file.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self, FixtureError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| FixtureError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::from_json(&path.display().to_string(), &text)
    }

    /// Parses fixture JSON; `origin` names where it came from in error messages.
    pub fn from_json(origin: &str, text: &str) -> Result<Self, FixtureError> {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let parsed: Result<Fixtures, _> = serde_path_to_error::deserialize(&mut deserializer);
        let fixtures = parsed.map_err(|err| FixtureError::Invalid {
            origin: origin.to_owned(),
            json_path: json_path(err.path()),
            message: err.into_inner().to_string(),
        })?;
        deserializer.end().map_err(|err| FixtureError::Invalid {
            origin: origin.to_owned(),
            json_path: "$".to_owned(),
            message: err.to_string(),
        })?;
        Ok(fixtures)
    }

    /// Sets the attempts of a session (replacing any it had). They are served newest
    /// first whatever their order here.
    pub fn with_session(mut self, session_id: SessionId, attempts: Vec<Attempt>) -> Self {
        self.sessions.insert(session_id.as_uuid(), attempts);
        self.bodies.remove(&session_id.as_uuid());
        self
    }

    /// Serves this exact 200 body for a session that has attempts (a documented
    /// example, byte for byte).
    pub(crate) fn with_body(mut self, session_id: SessionId, body: Bytes) -> Self {
        self.bodies.insert(session_id.as_uuid(), body);
        self
    }

    /// Sets the fault of a session (replacing any it had). The session need not have
    /// attempts: without them, the answer after the fault is 404.
    pub fn with_fault(mut self, session_id: SessionId, fault: Fault) -> Self {
        self.faults.insert(session_id.as_uuid(), fault);
        self
    }

    /// The sessions and their attempts, in session id order.
    pub fn sessions(&self) -> impl Iterator<Item = (Uuid, &[Attempt])> {
        self.sessions
            .iter()
            .map(|(id, attempts)| (*id, attempts.as_slice()))
    }

    /// The faults, in session id order.
    pub fn faults(&self) -> impl Iterator<Item = (Uuid, &Fault)> {
        self.faults.iter().map(|(id, fault)| (*id, fault))
    }

    pub(crate) fn into_parts(self) -> Parts {
        Parts {
            sessions: self.sessions,
            bodies: self.bodies,
            faults: self.faults,
        }
    }
}

/// What a server is built from.
pub(crate) struct Parts {
    pub(crate) sessions: BTreeMap<Uuid, Vec<Attempt>>,
    pub(crate) bodies: BTreeMap<Uuid, Bytes>,
    pub(crate) faults: BTreeMap<Uuid, Fault>,
}

/// serde_path_to_error's path as a JSONPath-like string: `$["<key>"][0].status`.
fn json_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut text = String::from("$");
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => text.push_str(&format!("[{index}]")),
            Segment::Map { key } if is_identifier(key) => text.push_str(&format!(".{key}")),
            Segment::Map { key } => text.push_str(&format!("[{key:?}]")),
            Segment::Enum { variant } => text.push_str(&format!(".{variant}")),
            Segment::Unknown => text.push_str(".?"),
        }
    }
    text
}

fn is_identifier(key: &str) -> bool {
    key.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A session id as a fixture key: the hyphenated UUID form the SDK sends.
fn session_key<E: de::Error>(key: &str, place: &str) -> Result<Uuid, E> {
    key.parse::<SessionId>()
        .map(|id| id.as_uuid())
        .map_err(|_| {
            E::custom(format!(
                "{place} key {key:?} is not a session id: expected a hyphenated UUID such as \
             \"f04bdb47-d3be-4b28-b028-a652feb060b5\""
            ))
        })
}

impl<'de> serde::Deserialize<'de> for Fixtures {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(FileVisitor)
    }
}

struct FileVisitor;

impl<'de> Visitor<'de> for FileVisitor {
    type Value = Fixtures;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object mapping session ids to arrays of attempts")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fixtures, A::Error> {
        let mut fixtures = Fixtures::empty();
        let mut faults_seen = false;
        while let Some(key) = map.next_key::<String>()? {
            if key == FAULTS_KEY {
                if std::mem::replace(&mut faults_seen, true) {
                    return Err(de::Error::custom("the \"faults\" key appears twice"));
                }
                fixtures.faults = map.next_value::<FaultTable>()?.0;
                continue;
            }
            let id = session_key(&key, "top-level")?;
            let attempts: Vec<KnownStatusAttempt> = map.next_value()?;
            let attempts = attempts.into_iter().map(|attempt| attempt.0).collect();
            if fixtures.sessions.insert(id, attempts).is_some() {
                return Err(de::Error::custom(format!("session {key} appears twice")));
            }
        }
        Ok(fixtures)
    }
}

/// An attempt whose status is one of the spec's values: the mock only sends
/// responses that are valid against the spec.
struct KnownStatusAttempt(Attempt);

impl<'de> serde::Deserialize<'de> for KnownStatusAttempt {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let attempt = Attempt::deserialize(deserializer)?;
        match unknown_status_problem(&attempt) {
            Some(problem) => Err(de::Error::custom(problem)),
            None => Ok(KnownStatusAttempt(attempt)),
        }
    }
}

/// Why an attempt cannot be served, if its status is outside the spec's enum.
pub(crate) fn unknown_status_problem(attempt: &Attempt) -> Option<String> {
    if attempt.status.is_known() {
        return None;
    }
    let known: Vec<&str> = AttemptStatus::KNOWN
        .iter()
        .map(AttemptStatus::as_str)
        .collect();
    Some(format!(
        "status {:?} is not one of the spec's attempt statuses ({}); the reference server only sends \
         responses that are valid against the spec",
        attempt.status.as_str(),
        known.join(", ")
    ))
}

/// The `"faults"` object: session id → fault, each id at most once.
struct FaultTable(BTreeMap<Uuid, Fault>);

impl<'de> serde::Deserialize<'de> for FaultTable {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(FaultTableVisitor)
    }
}

struct FaultTableVisitor;

impl<'de> Visitor<'de> for FaultTableVisitor {
    type Value = FaultTable;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object mapping session ids to faults")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FaultTable, A::Error> {
        let mut faults = BTreeMap::new();
        while let Some(key) = map.next_key::<String>()? {
            let id = session_key(&key, "\"faults\"")?;
            let fault: Fault = map.next_value()?;
            if faults.insert(id, fault).is_some() {
                return Err(de::Error::custom(format!(
                    "\"faults\" names session {key} twice"
                )));
            }
        }
        Ok(FaultTable(faults))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "00000000-0000-4000-8000-00000000000a";

    /// An attempt as the spec documents it (whatever members it has), with the
    /// values these tests edit.
    fn attempt() -> String {
        let mut attempt = veriff_attempts::spec::Example::for_status(200)
            .filter_map(|e| serde_json::from_str::<serde_json::Value>(e.json).ok())
            .find_map(|body| body["verifications"].get(0).cloned())
            .unwrap_or_default();
        attempt["id"] = "b3d79efa-6c2a-4b8e-92cd-da8467185c7a".into();
        attempt["status"] = "submitted".into();
        attempt["userDefinedData"] = serde_json::json!([]);
        attempt["createdTime"] = "2023-09-18T10:15:42.789Z".into();
        attempt.to_string()
    }

    fn error(text: &str) -> (String, String) {
        match Fixtures::from_json("f.json", text) {
            Ok(fixtures) => panic!("accepted: {fixtures:?}"),
            Err(err) => (
                err.json_path().unwrap_or_default().to_owned(),
                err.to_string(),
            ),
        }
    }

    #[test]
    fn plain_and_faulted_sessions_parse() {
        let attempt = attempt();
        let text = format!(
            r#"{{"{A}": [{attempt}], "faults": {{"{A}": {{"status": 503, "times": 1}}}}}}"#
        );
        let fixtures = Fixtures::from_json("f.json", &text).map_err(|e| e.to_string());
        let fixtures = fixtures.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            fixtures
                .sessions()
                .map(|(_, a)| a.len())
                .collect::<Vec<_>>(),
            [1]
        );
        assert_eq!(
            fixtures
                .faults()
                .map(|(_, f)| f.clone())
                .collect::<Vec<_>>(),
            [Fault::service_unavailable().times(1)]
        );
    }

    #[test]
    fn errors_name_the_file_and_the_json_path() {
        let bad_status = format!(
            r#"{{"{A}": [{}]}}"#,
            attempt().replace("submitted", "archived")
        );
        let cases = [
            ("[]".to_owned(), "$", "a JSON object mapping session ids"),
            (
                r#"{"not-a-uuid": []}"#.to_owned(),
                "$",
                "top-level key \"not-a-uuid\" is not a session id",
            ),
            (
                format!(r#"{{"{A}": {{}}}}"#),
                &format!("$[\"{A}\"]") as &str,
                "expected a sequence",
            ),
            (
                format!(r#"{{"{A}": [{{"id": "x"}}]}}"#),
                &format!("$[\"{A}\"][0].id"),
                "UUID",
            ),
            (
                format!(
                    r#"{{"{A}": [{}]}}"#,
                    attempt().replace("10:15:42.789Z", "yesterday")
                ),
                &format!("$[\"{A}\"][0].createdTime"),
                "at line 1 column",
            ),
            (
                bad_status,
                &format!("$[\"{A}\"][0]"),
                "status \"archived\" is not one of the spec's",
            ),
            (
                format!(r#"{{"{A}": [], "{}": []}}"#, A.to_uppercase()),
                "$",
                "appears twice",
            ),
            (
                r#"{"faults": {"x": {}}}"#.to_owned(),
                "$.faults",
                "\"faults\" key \"x\" is not a session id",
            ),
            (
                format!(r#"{{"faults": {{"{A}": {{"status": 42}}}}}}"#),
                &format!("$.faults[\"{A}\"]"),
                "not a fault status",
            ),
            (
                format!(r#"{{"{A}": []}} trailing"#),
                "$",
                "trailing characters",
            ),
        ];
        for (text, path, message) in cases {
            let (got_path, got_message) = error(&text);
            assert_eq!(got_path, path, "{text}: {got_message}");
            assert!(got_message.contains(message), "{text}: {got_message}");
            assert!(
                got_message.starts_with("invalid fixture file f.json: at "),
                "{got_message}"
            );
        }
    }

    #[test]
    fn a_missing_file_is_named() {
        let err = Fixtures::from_path("/nonexistent/fixtures.json")
            .err()
            .map(|e| e.to_string());
        assert!(
            err.is_some_and(|e| e.contains("cannot read fixture file /nonexistent/fixtures.json"))
        );
    }
}
