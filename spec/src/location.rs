//! Names for places: [`Location`] for a place in the spec document, [`JsonPath`] for
//! a place inside a JSON instance (an example, a generated body).

use std::fmt;

/// A place in the spec document, kept as its path segments.
///
/// It renders two ways: [`pointer`](Self::pointer) (RFC 6901, what `$ref` uses) and
/// [`dotted`](Self::dotted), the readable name used for examples, e.g.
/// `paths./v1/sessions/{id}/attempts.get.responses.200.content.application/json.examples.x`.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    segments: Vec<String>,
}

impl Location {
    /// The document root.
    pub fn root() -> Self {
        Self::default()
    }

    /// Parses a JSON pointer (`/a/b~1c`); `""` and `"/"`-less input is the root.
    pub fn from_pointer(pointer: &str) -> Self {
        let segments = pointer
            .split('/')
            .skip(1)
            .map(|s| s.replace("~1", "/").replace("~0", "~"))
            .collect();
        Self { segments }
    }

    /// This location extended by one segment.
    pub fn join(&self, segment: impl fmt::Display) -> Self {
        let mut segments = self.segments.clone();
        segments.push(segment.to_string());
        Self { segments }
    }

    /// This location extended by several segments.
    pub fn join_all<I, S>(&self, more: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: fmt::Display,
    {
        more.into_iter().fold(self.clone(), |at, s| at.join(s))
    }

    /// The segments, outermost first.
    pub fn segments(&self) -> &[String] {
        &self.segments
    }

    /// The last segment, if any.
    pub fn last(&self) -> Option<&str> {
        self.segments.last().map(String::as_str)
    }

    /// The RFC 6901 JSON pointer (`""` for the root).
    pub fn pointer(&self) -> String {
        self.segments
            .iter()
            .map(|s| format!("/{}", s.replace('~', "~0").replace('/', "~1")))
            .collect()
    }

    /// The readable dotted name (`<root>` for the root).
    pub fn dotted(&self) -> String {
        if self.segments.is_empty() {
            return "<root>".to_owned();
        }
        self.segments.join(".")
    }

    /// The name of the `components.schemas` entry this location is, if it is one.
    pub fn component_schema_name(&self) -> Option<&str> {
        match self.segments.as_slice() {
            [components, schemas, name] if components == "components" && schemas == "schemas" => {
                Some(name)
            }
            _ => None,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.dotted())
    }
}

/// One step into a JSON instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// An object member.
    Key(String),
    /// An array element.
    Index(usize),
}

/// A place inside a JSON instance, rendered JSONPath-style: `$.verifications[0].id`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JsonPath {
    steps: Vec<Step>,
}

impl JsonPath {
    /// The instance root, `$`.
    pub fn root() -> Self {
        Self::default()
    }

    /// This path extended by an object member.
    pub fn key(&self, key: &str) -> Self {
        let mut steps = self.steps.clone();
        steps.push(Step::Key(key.to_owned()));
        Self { steps }
    }

    /// This path extended by an array element.
    pub fn index(&self, index: usize) -> Self {
        let mut steps = self.steps.clone();
        steps.push(Step::Index(index));
        Self { steps }
    }

    /// This path followed by `more`.
    pub fn then(&self, more: &JsonPath) -> Self {
        let mut steps = self.steps.clone();
        steps.extend(more.steps.iter().cloned());
        Self { steps }
    }

    /// The steps, outermost first.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// A path of the given steps, outermost first.
    pub fn from_steps(steps: impl IntoIterator<Item = Step>) -> Self {
        Self {
            steps: steps.into_iter().collect(),
        }
    }

    /// The RFC 6901 pointer of this path, for `serde_json::Value::pointer_mut`.
    pub fn pointer(&self) -> String {
        self.steps
            .iter()
            .map(|step| match step {
                Step::Key(key) => format!("/{}", key.replace('~', "~0").replace('/', "~1")),
                Step::Index(index) => format!("/{index}"),
            })
            .collect()
    }
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("$")?;
        for step in &self.steps {
            match step {
                Step::Key(key) if is_identifier(key) => write!(f, ".{key}")?,
                Step::Key(key) => write!(f, "[{}]", serde_json::Value::from(key.as_str()))?,
                Step::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

fn is_identifier(key: &str) -> bool {
    let mut chars = key.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_escape_slash_and_tilde_both_ways() {
        let at = Location::root().join_all(["paths", "/v1/a~b", "get"]);
        assert_eq!(at.pointer(), "/paths/~1v1~1a~0b/get");
        assert_eq!(Location::from_pointer(&at.pointer()), at);
        assert_eq!(at.dotted(), "paths./v1/a~b.get");
    }

    #[test]
    fn component_schema_names_are_recognised() {
        let at = Location::from_pointer("/components/schemas/UserStatus");
        assert_eq!(at.component_schema_name(), Some("UserStatus"));
        assert_eq!(at.join("properties").component_schema_name(), None);
    }

    #[test]
    fn json_paths_read_like_jsonpath() {
        let path = JsonPath::root()
            .key("verifications")
            .index(0)
            .key("odd key");
        assert_eq!(path.to_string(), r#"$.verifications[0]["odd key"]"#);
        assert_eq!(path.pointer(), "/verifications/0/odd key");
    }
}
