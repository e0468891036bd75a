//! Open enums: the string enums the spec marks `x-extensible-enum: true` (the
//! extension oasdiff reads for an enum that may grow).
//!
//! progenitor would render a closed enum, which rejects a value it does not list;
//! Veriff's examples already return one the page does not list. An open enum has a
//! variant per documented value plus `Unknown(UnknownValue)`, which keeps any other
//! string and writes it back unchanged. It is `#[non_exhaustive]`, so a value the
//! spec learns later is a new variant, a minor change of the crate's API.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;
use veriff_spec::{Location, Spec};

use crate::{GenerateError, pascal_case};

/// The extension that marks an enum as open.
pub const EXTENSIBLE: &str = "x-extensible-enum";

/// One open enum: a named string schema with `x-extensible-enum: true`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenEnum {
    /// The schema's name under `components.schemas`.
    pub schema: String,
    /// The Rust type's name.
    pub ident: String,
    /// The documented values, in the spec's order.
    pub values: Vec<String>,
    /// One variant name per value.
    pub variants: Vec<String>,
    /// The schema's description.
    pub description: Option<String>,
}

/// Every open enum of the spec. An `x-extensible-enum` anywhere but on a named
/// string enum is refused with its place, so the flag never silently does nothing.
pub fn find(spec: &Spec) -> Result<Vec<OpenEnum>, GenerateError> {
    let mut found = Vec::new();
    let mut misplaced = Vec::new();
    visit(
        spec.document(),
        &Location::root(),
        &mut |at, node| match node.get(EXTENSIBLE) {
            None | Some(Value::Bool(false)) => {}
            Some(Value::Bool(true)) => match at.component_schema_name() {
                Some(name) => found.push((name.to_owned(), node.clone())),
                None => misplaced.push(format!(
                    "{}: {EXTENSIBLE} is only supported on a string enum under components.schemas \
                     (move the enum there and $ref it)",
                    at.pointer()
                )),
            },
            Some(other) => misplaced.push(format!(
                "{}: {EXTENSIBLE} must be true or false, found {other}",
                at.pointer()
            )),
        },
    );
    if !misplaced.is_empty() {
        return Err(GenerateError::Unsupported(misplaced.join("\n")));
    }
    found
        .into_iter()
        .map(|(name, node)| open_enum(&name, &node))
        .collect()
}

/// Calls `f` on every object of the document except example data.
fn visit(node: &Value, at: &Location, f: &mut impl FnMut(&Location, &Value)) {
    match node {
        Value::Object(map) => {
            f(at, node);
            for (key, child) in map {
                // Under `properties` the same names are property names, not data.
                let data = (key == "example" || key == "examples" || key.starts_with("x-"))
                    && at.last() != Some("properties");
                if !data {
                    visit(child, &at.join(key), f);
                }
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                visit(child, &at.join(index), f);
            }
        }
        _ => {}
    }
}

fn open_enum(name: &str, node: &Value) -> Result<OpenEnum, GenerateError> {
    let place = format!("/components/schemas/{name}");
    if node.get("type").and_then(Value::as_str) != Some("string") {
        return Err(GenerateError::Unsupported(format!(
            "{place}: {EXTENSIBLE} needs `type: string`"
        )));
    }
    let values: Vec<String> = match node.get("enum") {
        Some(Value::Array(values)) if !values.is_empty() => values
            .iter()
            .map(|v| {
                v.as_str().map(str::to_owned).ok_or_else(|| {
                    GenerateError::Unsupported(format!(
                        "{place}/enum: every value of an open enum must be a string, found {v}"
                    ))
                })
            })
            .collect::<Result<_, _>>()?,
        _ => {
            return Err(GenerateError::Unsupported(format!(
                "{place}: {EXTENSIBLE} needs a non-empty `enum` list"
            )));
        }
    };
    let variants: Vec<String> = values.iter().map(|v| pascal_case(v)).collect();
    for (index, variant) in variants.iter().enumerate() {
        if variant.is_empty() || variant.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(GenerateError::Unsupported(format!(
                "{place}/enum/{index}: `{}` gives no Rust variant name",
                values[index]
            )));
        }
        if variant == "Unknown" {
            return Err(GenerateError::Unsupported(format!(
                "{place}/enum/{index}: the value `{}` clashes with the open enum's `Unknown` variant",
                values[index]
            )));
        }
        if let Some(first) = variants[..index].iter().position(|v| v == variant) {
            return Err(GenerateError::Unsupported(format!(
                "{place}/enum/{index}: `{}` and `{}` both give the variant `{variant}`",
                values[first], values[index]
            )));
        }
    }
    Ok(OpenEnum {
        schema: name.to_owned(),
        ident: pascal_case(name),
        values,
        variants,
        // The page's words, then this project's note (`x-sdk-note`), as for the
        // other generated types.
        description: match (
            node.get("description").and_then(Value::as_str),
            node.get("x-sdk-note").and_then(Value::as_str),
        ) {
            (Some(text), Some(note)) => Some(format!("{text}\n\n{note}")),
            (text, note) => text.or(note).map(str::to_owned),
        },
    })
}

/// The Rust items of an open enum, for the generated `types` module.
pub fn render(open: &OpenEnum) -> TokenStream {
    let ident = format_ident!("{}", open.ident);
    let variants: Vec<_> = open.variants.iter().map(|v| format_ident!("{v}")).collect();
    let values = &open.values;
    let value_docs: Vec<String> = values.iter().map(|v| format!("`\"{v}\"`")).collect();
    let summary = open
        .description
        .clone()
        .unwrap_or_else(|| format!("The `{}` values of the spec.", open.schema));
    let doc = format!(
        "{summary}\n\n\
         An open enum (`{EXTENSIBLE}: true` in the spec): a variant per documented \
         value, and [`Unknown`](Self::Unknown) for any other string, kept exactly as \
         received and written back unchanged.\n\n\
         # Writing code that survives new values\n\n\
         A value the spec does not list today arrives as `Unknown`. When a later \
         release of this crate learns it, the same value arrives as a new named \
         variant instead, and the enum is `#[non_exhaustive]` so that this is not a \
         breaking change. So:\n\n\
         - match the variants you handle and end with a wildcard arm (`_ => ...`);\n\
         - to react to a value this release does not name yet, compare the wire form, \
           [`as_str`](Self::as_str), which is the same before and after the value is \
           learnt; never rely on it arriving as `Unknown`;\n\
         - use [`is_known`](Self::is_known) to tell whether this release names it."
    );
    let count_doc = format!(
        "Every value the spec documents, in the spec's order ({}).",
        values.len()
    );
    quote! {
        #[doc = #doc]
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #ident {
            #(#[doc = #value_docs] #variants,)*
            /// A value this release does not document, kept exactly as received.
            /// Do not match on its content: read it with
            /// [`as_str`](Self::as_str), which keeps working when a later release
            /// gives the value a variant of its own.
            Unknown(crate::UnknownValue),
        }

        impl #ident {
            #[doc = #count_doc]
            pub const KNOWN: &'static [#ident] = &[#(#ident::#variants),*];

            /// The wire form of this value.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#ident::#variants => #values,)*
                    #ident::Unknown(value) => value.as_str(),
                }
            }

            /// `false` for a value this release does not document.
            pub fn is_known(&self) -> bool {
                !matches!(self, #ident::Unknown(_))
            }
        }

        impl ::std::convert::From<&str> for #ident {
            fn from(value: &str) -> Self {
                match value {
                    #(#values => #ident::#variants,)*
                    other => #ident::Unknown(crate::UnknownValue::new(other)),
                }
            }
        }

        impl ::std::str::FromStr for #ident {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::std::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #ident {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(deserializer)?;
                Ok(Self::from(value.as_ref()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str =
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n";

    fn spec(schemas: &str) -> Spec {
        match Spec::from_text(&format!("{HEAD}{schemas}"), "t") {
            Ok(spec) => spec,
            Err(err) => panic!("{err}"),
        }
    }

    fn error(schemas: &str) -> String {
        find(&spec(schemas))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    }

    #[test]
    fn finds_marked_enums_only() -> Result<(), GenerateError> {
        let found = find(&spec(
            "    A: {type: string, enum: [in_progress, done], x-extensible-enum: true}\n    B: {type: string, enum: [x]}\n",
        ))?;
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].ident, "A");
        assert_eq!(found[0].variants, ["InProgress", "Done"]);
        Ok(())
    }

    #[test]
    fn misuse_is_refused_by_place() {
        let inline = error(
            "    O:\n      type: object\n      properties:\n        s: {type: string, enum: [a], x-extensible-enum: true}\n",
        );
        assert!(
            inline.contains("/components/schemas/O/properties/s") && inline.contains("move"),
            "{inline}"
        );
        let clash = error("    A: {type: string, enum: [unknown], x-extensible-enum: true}\n");
        assert!(clash.contains("Unknown"), "{clash}");
        let twins = error("    A: {type: string, enum: [a_b, a-b], x-extensible-enum: true}\n");
        assert!(twins.contains("both give the variant `AB`"), "{twins}");
        let not_string = error("    A: {type: integer, enum: [1], x-extensible-enum: true}\n");
        assert!(not_string.contains("type: string"), "{not_string}");
        let not_bool = error("    A: {type: string, enum: [a], x-extensible-enum: yes}\n");
        assert!(not_bool.contains("true or false"), "{not_bool}");
    }
}
