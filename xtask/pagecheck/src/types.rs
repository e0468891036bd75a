//! The page's type lines: `string`, `string | null`, `string (date-time)`,
//! `Array of object (UserStatus)`, optionally followed by `Required`
//! (`stringRequired`, `string (uuid) Required`: the copy may drop the space).
//!
//! Recognising a type line is what tells the parser where an entry starts (a name
//! line followed by a type line), so the grammar is strict: a description that
//! happens to begin with "Array of objects ..." is not a type.

/// The base types the page prints.
const BASES: [&str; 8] = [
    "string", "number", "integer", "boolean", "object", "array", "null", "any",
];

/// A type line: the type as printed, and whether the page marks it `Required`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypeLine {
    /// The type without `Required`, whitespace collapsed, e.g. `string (uuid)`.
    pub text: String,
    /// Whether the page marks the entry `Required`.
    pub required: bool,
}

/// Reads a type line, or `None` if the line is not one.
pub fn parse(line: &str) -> Option<TypeLine> {
    let line = line.trim();
    // Most lines are prose: refuse them before allocating anything.
    let first = line.split([' ', '(']).next().unwrap_or_default();
    let first = first.strip_suffix("Required").unwrap_or(first);
    if first != "Array" && !BASES.contains(&first) {
        return None;
    }
    let (core, required) = match line.strip_suffix("Required") {
        Some(core) => (core.trim_end(), true),
        None => (line, false),
    };
    let text = core.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() || !text.split(" | ").all(is_single) {
        return None;
    }
    Some(TypeLine { text, required })
}

/// Whether a line is a type line.
pub fn is_type(line: &str) -> bool {
    parse(line).is_some()
}

/// Whether a type is an object or an array of objects: its fields follow it on
/// the page, after an `object` line.
pub fn has_fields(text: &str) -> bool {
    text.split(" | ")
        .map(|single| {
            let mut single = single;
            while let Some(rest) = single.strip_prefix("Array of ") {
                single = rest;
            }
            single
        })
        .any(|single| single == "object" || single.starts_with("object ("))
}

/// `base`, `base (qualifier)` or `Array of <single>`.
fn is_single(text: &str) -> bool {
    if let Some(rest) = text.strip_prefix("Array of ") {
        return is_single(rest);
    }
    let (base, qualifier) = match text.split_once(" (") {
        Some((base, rest)) => (base, rest.strip_suffix(')')),
        None => (text, Some("")),
    };
    let Some(qualifier) = qualifier else {
        return false;
    };
    BASES.contains(&base)
        && qualifier
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.:/".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pages_type_lines_are_read() {
        for (line, text, required) in [
            ("stringRequired", "string", true),
            ("string (uuid) Required", "string (uuid)", true),
            ("string | null", "string | null", false),
            ("string (date-time)", "string (date-time)", false),
            (
                "Array of object (UserStatus)",
                "Array of object (UserStatus)",
                false,
            ),
            ("object", "object", false),
        ] {
            assert_eq!(
                parse(line),
                Some(TypeLine {
                    text: text.to_owned(),
                    required
                }),
                "{line}"
            );
        }
    }

    #[test]
    fn prose_is_not_a_type() {
        for line in [
            "Array of objects describing the custom statuses defined by the user.",
            "Exampleapproved",
            "status",
            "string (two words)",
            "Required",
            "",
        ] {
            assert_eq!(parse(line), None, "{line}");
        }
    }

    #[test]
    fn objects_and_arrays_of_objects_have_fields() {
        assert!(has_fields("object"));
        assert!(has_fields("Array of object (UserStatus)"));
        assert!(has_fields("object (X) | null"));
        assert!(!has_fields("Array of string"));
        assert!(!has_fields("string | null"));
    }
}
