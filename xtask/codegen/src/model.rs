//! The Rust model of the SDK's generated types, read back from the rendered file:
//! each type's name, whether it is `#[non_exhaustive]`, its fields (Rust name, JSON
//! name, Rust type) or variants (Rust name, wire value).
//!
//! It is read from the very tokens the generator writes (not from progenitor's
//! internals), so it cannot drift from the file. The conformance strategies are
//! rendered from it, and spec-diff compares two of them to say what a spec change
//! does to the crate's API.

use std::collections::BTreeMap;
use std::fmt;

use quote::ToTokens;
use serde::Serialize;

use crate::open_enum::OpenEnum;

/// Every public type of the generated `types` module, by Rust name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Model {
    /// Rust name → type.
    pub types: BTreeMap<String, RustItem>,
}

/// One generated type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RustItem {
    /// A struct with named fields (an object schema).
    Struct {
        /// Whether it is `#[non_exhaustive]`.
        non_exhaustive: bool,
        /// Its fields, in declaration order.
        fields: Vec<Field>,
    },
    /// A closed enum (progenitor's rendering of an `enum` schema).
    Enum {
        /// Whether it is `#[non_exhaustive]`.
        non_exhaustive: bool,
        /// Its variants, in declaration order.
        variants: Vec<Variant>,
    },
    /// An open enum (`x-extensible-enum: true`): the variants plus `Unknown`.
    OpenEnum {
        /// The documented variants, in the spec's order.
        variants: Vec<Variant>,
    },
    /// Anything else (a newtype, an alias): named, not modelled.
    Other {
        /// The item as Rust source, for messages.
        source: String,
    },
}

/// A struct field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Field {
    /// The Rust field (and builder method) name.
    pub rust: String,
    /// The JSON member name.
    pub json: String,
    /// Its type.
    pub ty: RustType,
}

/// An enum variant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Variant {
    /// The Rust variant name.
    pub rust: String,
    /// The wire value.
    pub json: String,
}

/// A field's type, as far as value strategies and API comparisons need it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "of", rename_all = "snake_case")]
pub enum RustType {
    /// `String`.
    String,
    /// `bool`.
    Bool,
    /// An integer type, by name (`i64`, `u32`, ...).
    Integer(String),
    /// A float type, by name.
    Float(String),
    /// `uuid::Uuid`.
    Uuid,
    /// The SDK's `Timestamp` (a `date-time` string).
    Timestamp,
    /// `serde_json::Value`.
    Json,
    /// `Option<T>`.
    Option(Box<RustType>),
    /// `Vec<T>`.
    Vec(Box<RustType>),
    /// A map from strings to `T`.
    Map(Box<RustType>),
    /// Another generated type, by Rust name.
    Named(String),
    /// A type this model does not know, as Rust source.
    Other(String),
}

impl fmt::Display for RustType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RustType::String => f.write_str("String"),
            RustType::Bool => f.write_str("bool"),
            RustType::Integer(name) | RustType::Float(name) => f.write_str(name),
            RustType::Uuid => f.write_str("Uuid"),
            RustType::Timestamp => f.write_str("Timestamp"),
            RustType::Json => f.write_str("serde_json::Value"),
            RustType::Option(inner) => write!(f, "Option<{inner}>"),
            RustType::Vec(inner) => write!(f, "Vec<{inner}>"),
            RustType::Map(inner) => write!(f, "Map<String, {inner}>"),
            RustType::Named(name) => f.write_str(name),
            RustType::Other(source) => f.write_str(source),
        }
    }
}

impl RustItem {
    /// Whether adding a field or variant is a minor change (the type is
    /// `#[non_exhaustive]`, or an open enum).
    pub fn is_non_exhaustive(&self) -> bool {
        match self {
            RustItem::Struct { non_exhaustive, .. } | RustItem::Enum { non_exhaustive, .. } => {
                *non_exhaustive
            }
            RustItem::OpenEnum { .. } => true,
            RustItem::Other { .. } => false,
        }
    }
}

impl Model {
    /// Reads the model from the rendered SDK file.
    pub fn from_file(file: &syn::File, open_enums: &[OpenEnum]) -> Self {
        let mut types = BTreeMap::new();
        let items = file.items.iter().find_map(|item| match item {
            syn::Item::Mod(module) if module.ident == "types" => {
                module.content.as_ref().map(|(_, items)| items)
            }
            _ => None,
        });
        for item in items.into_iter().flatten() {
            match item {
                syn::Item::Struct(item) => {
                    types.insert(item.ident.to_string(), read_struct(item));
                }
                syn::Item::Enum(item) => {
                    types.insert(item.ident.to_string(), read_enum(item));
                }
                syn::Item::Type(item) => {
                    types.insert(
                        item.ident.to_string(),
                        RustItem::Other {
                            source: item.to_token_stream().to_string(),
                        },
                    );
                }
                _ => {}
            }
        }
        for open in open_enums {
            let variants = open
                .variants
                .iter()
                .zip(&open.values)
                .map(|(rust, json)| Variant {
                    rust: rust.clone(),
                    json: json.clone(),
                })
                .collect();
            types.insert(open.ident.clone(), RustItem::OpenEnum { variants });
        }
        Self { types }
    }

    /// The type a named schema renders to (typify names a type after its schema,
    /// in PascalCase).
    pub fn for_schema(&self, schema: &str) -> Option<(String, &RustItem)> {
        let name = crate::pascal_case(schema);
        self.types.get(&name).map(|item| (name, item))
    }
}

fn has_non_exhaustive(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("non_exhaustive"))
}

/// The `rename = "..."` of an item's `#[serde(...)]` attributes.
fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    let mut rename = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let value: syn::LitStr = meta.value()?.parse()?;
                rename = Some(value.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            } else if meta.input.peek(syn::token::Paren) {
                let _ = meta.parse_nested_meta(|inner| {
                    if inner.input.peek(syn::Token![=]) {
                        let _: syn::Expr = inner.value()?.parse()?;
                    }
                    Ok(())
                });
            }
            Ok(())
        });
    }
    rename
}

fn read_struct(item: &syn::ItemStruct) -> RustItem {
    let syn::Fields::Named(named) = &item.fields else {
        return RustItem::Other {
            source: item.to_token_stream().to_string(),
        };
    };
    let fields = named
        .named
        .iter()
        .filter_map(|field| {
            let rust = field.ident.as_ref()?.to_string();
            let rust = rust.strip_prefix("r#").unwrap_or(&rust).to_owned();
            let json = serde_rename(&field.attrs).unwrap_or_else(|| rust.clone());
            Some(Field {
                rust,
                json,
                ty: rust_type(&field.ty),
            })
        })
        .collect();
    RustItem::Struct {
        non_exhaustive: has_non_exhaustive(&item.attrs),
        fields,
    }
}

fn read_enum(item: &syn::ItemEnum) -> RustItem {
    let simple = item
        .variants
        .iter()
        .all(|v| matches!(v.fields, syn::Fields::Unit));
    if !simple {
        return RustItem::Other {
            source: item.to_token_stream().to_string(),
        };
    }
    let variants = item
        .variants
        .iter()
        .map(|variant| {
            let rust = variant.ident.to_string();
            Variant {
                json: serde_rename(&variant.attrs).unwrap_or_else(|| rust.clone()),
                rust,
            }
        })
        .collect();
    RustItem::Enum {
        non_exhaustive: has_non_exhaustive(&item.attrs),
        variants,
    }
}

/// Reads a field type written by progenitor/typify (fully qualified std paths,
/// bare names for sibling generated types).
pub fn rust_type(ty: &syn::Type) -> RustType {
    let syn::Type::Path(path) = ty else {
        return RustType::Other(ty.to_token_stream().to_string());
    };
    let segments: Vec<String> = path
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    let last = path.path.segments.last();
    let arguments: Vec<&syn::Type> = match last.map(|s| &s.arguments) {
        Some(syn::PathArguments::AngleBracketed(args)) => args
            .args
            .iter()
            .filter_map(|a| match a {
                syn::GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let joined = segments.join("::");
    match (joined.as_str(), arguments.as_slice()) {
        ("std::string::String" | "String", []) => RustType::String,
        ("bool", []) => RustType::Bool,
        (
            "i8"
            | "i16"
            | "i32"
            | "i64"
            | "i128"
            | "u8"
            | "u16"
            | "u32"
            | "u64"
            | "u128"
            | "std::num::NonZeroU64",
            [],
        ) => RustType::Integer(joined.clone()),
        ("f32" | "f64", []) => RustType::Float(joined.clone()),
        ("uuid::Uuid", []) => RustType::Uuid,
        ("crate::Timestamp", []) => RustType::Timestamp,
        ("serde_json::Value", []) => RustType::Json,
        ("std::option::Option" | "Option", [inner]) => RustType::Option(Box::new(rust_type(inner))),
        ("std::vec::Vec" | "Vec", [inner]) => RustType::Vec(Box::new(rust_type(inner))),
        (
            "serde_json::Map" | "std::collections::HashMap" | "std::collections::BTreeMap",
            [_, value],
        ) => RustType::Map(Box::new(rust_type(value))),
        (_, []) if segments.len() == 1 => RustType::Named(joined.clone()),
        (_, [])
            if joined.starts_with("crate::generated::types::") || joined.starts_with("super::") =>
        {
            RustType::Named(segments.last().cloned().unwrap_or_default())
        }
        _ => RustType::Other(ty.to_token_stream().to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> Model {
        match crate::render_workspace(&crate::workspace_root()) {
            Ok(rendered) => rendered.model,
            Err(err) => panic!("{err}"),
        }
    }

    #[test]
    fn reads_fields_with_json_names_and_types() {
        let model = model();
        let Some(RustItem::Struct {
            non_exhaustive,
            fields,
        }) = model.types.get("UserStatus")
        else {
            panic!("no UserStatus struct in {model:?}");
        };
        assert!(non_exhaustive);
        let reason_code = fields.iter().find(|f| f.rust == "reason_code");
        assert_eq!(
            reason_code.map(|f| (f.json.as_str(), f.ty.to_string())),
            Some(("reasonCode", "Option<String>".to_owned()))
        );
        let created = fields.iter().find(|f| f.json == "createdAt");
        assert_eq!(created.map(|f| &f.ty), Some(&RustType::Timestamp));
    }

    #[test]
    fn reads_closed_and_open_enums() {
        let model = model();
        assert!(matches!(
            model.types.get("ErrorResponseStatus"),
            Some(RustItem::Enum { non_exhaustive: false, variants }) if variants[0].json == "fail"
        ));
        assert!(matches!(
            model.types.get("AttemptStatus"),
            Some(RustItem::OpenEnum { variants }) if variants.iter().any(|v| v.rust == "ResubmissionRequested")
        ));
        assert_eq!(
            model
                .for_schema("SessionAttemptsResponseVerification")
                .map(|(n, _)| n),
            Some("SessionAttemptsResponseVerification".to_owned())
        );
    }
}
