//! The session id: a UUID, checked before any request is built.

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

use crate::error::InputError;

/// A verification session id. Parsing accepts only the hyphenated 36-character
/// form (either case); it is sent, and signed, as lowercase.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SessionId(Uuid);

impl SessionId {
    /// The id as a UUID.
    pub fn as_uuid(&self) -> Uuid {
        self.0
    }
}

impl FromStr for SessionId {
    type Err = InputError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let refuse = || InputError::SessionId {
            value: value.to_owned(),
        };
        if value.len() != 36 {
            return Err(refuse());
        }
        Uuid::try_parse(value).map(SessionId).map_err(|_| refuse())
    }
}

impl TryFrom<&str> for SessionId {
    type Error = InputError;
    fn try_from(value: &str) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl TryFrom<&String> for SessionId {
    type Error = InputError;
    fn try_from(value: &String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl TryFrom<String> for SessionId {
    type Error = InputError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<Uuid> for SessionId {
    fn from(value: Uuid) -> Self {
        SessionId(value)
    }
}

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0.hyphenated(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_hyphenated_uuids_in_either_case_and_prints_lowercase() {
        let id: Result<SessionId, _> = "F04BDB47-D3BE-4B28-B028-A652FEB060B5".parse();
        assert_eq!(
            id.map(|id| id.to_string()),
            Ok("f04bdb47-d3be-4b28-b028-a652feb060b5".to_owned())
        );
    }

    #[test]
    fn refuses_everything_else_naming_the_value() {
        for bad in [
            "",
            "not-a-uuid",
            "f04bdb47d3be4b28b028a652feb060b5",
            "{f04bdb47-d3be-4b28-b028-a652feb060b5}",
            "f04bdb47-d3be-4b28-b028-a652feb060bz",
            "../../v1/sessions/f04bdb47-d3be-4b28-b028-a652fe",
        ] {
            let err = bad.parse::<SessionId>().err();
            assert_eq!(
                err,
                Some(InputError::SessionId {
                    value: bad.to_owned()
                }),
                "{bad}"
            );
        }
    }
}
