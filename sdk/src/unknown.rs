//! The payload of an open enum's `Unknown` variant.

use std::fmt;

/// A value of an open enum (such as [`AttemptStatus`](crate::AttemptStatus)) that
/// this release of the crate does not document, exactly as received.
///
/// It is opaque on purpose. When a later release learns the value, the same
/// response decodes to a named variant instead of `Unknown`, so code that matches
/// on the content of `Unknown` would silently stop matching. Read the wire form
/// with the enum's own `as_str()`, which gives the same string before and after.
/// Values are only made by decoding or by `From<&str>` on the enum, so an
/// `Unknown` never holds a value the enum names.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownValue(String);

impl UnknownValue {
    /// Only the generated open enums make these, for values they do not name.
    pub(crate) fn new(value: &str) -> Self {
        Self(value.to_owned())
    }

    /// The value as received.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use crate::AttemptStatus;

    #[test]
    fn an_unknown_value_is_kept_and_a_known_one_is_never_unknown() {
        let unknown = AttemptStatus::from("needs_manual_review");
        assert!(!unknown.is_known());
        assert_eq!(unknown.as_str(), "needs_manual_review");
        assert!(
            matches!(&unknown, AttemptStatus::Unknown(v) if v.as_str() == "needs_manual_review")
        );
        for known in AttemptStatus::KNOWN {
            assert_eq!(&AttemptStatus::from(known.as_str()), known);
            assert!(known.is_known());
        }
    }
}
