//! `sdk/src/generated.rs`: progenitor's client and types, the open enums, the facts.

use progenitor::{
    GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl, TypePatch,
};
use quote::quote;
use veriff_spec::Spec;

use crate::open_enum::{self, OpenEnum};
use crate::{GenerateError, facts};

/// The rendered SDK file, before formatting, and what the model needs to know.
pub struct SdkFile {
    /// The whole file.
    pub file: syn::File,
    /// The open enums it declares (in `types`).
    pub open_enums: Vec<OpenEnum>,
}

/// progenitor's settings for this SDK; `non_exhaustive` names the generated structs
/// that get `#[non_exhaustive]`.
fn settings(open_enums: &[OpenEnum], non_exhaustive: &[String]) -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        // Every request passes through crate::call, which signs, sends, verifies
        // and classifies; a missing hook implementation is a compile error.
        .with_inner_type(quote!(crate::call::CallContext))
        .with_hooks(HooksMode::Expected)
        .with_derive("PartialEq")
        // chrono's own serde form drops an all-zero fraction (`.000Z` → `Z`); the
        // SDK's `Timestamp` writes back exactly the digits it read.
        .with_conversion(
            schemars::schema::SchemaObject {
                instance_type: Some(schemars::schema::InstanceType::String.into()),
                format: Some("date-time".to_owned()),
                ..Default::default()
            },
            "crate::Timestamp",
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        );
    for open in open_enums {
        settings.with_replacement(
            &open.schema,
            format!("crate::generated::types::{}", open.ident),
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        );
    }
    // Veriff may add response properties at any time (its backwards-compatible
    // changes policy); `#[non_exhaustive]` makes a new field a minor change of this
    // crate's API. Values are built with the generated builders instead of literals.
    for name in non_exhaustive {
        let mut patch = TypePatch::default();
        patch.with_attr("#[non_exhaustive]");
        settings.with_patch(name, &patch);
    }
    settings
}

/// Renders the SDK file for a loaded spec.
pub fn render(spec: &Spec) -> Result<SdkFile, GenerateError> {
    let mut document = spec.document().clone();
    fold_notes(&mut document);
    let api: openapiv3::OpenAPI = serde_json::from_value(document)
        .map_err(|err| GenerateError::Unsupported(format!("not OpenAPI 3.0: {err}")))?;
    let open_enums = open_enum::find(spec)?;
    let operations = facts::operations(spec)?;

    // First pass: which structs does progenitor generate? (Inline objects get names
    // of its own choosing, so the spec alone cannot say.)
    let mut first = Generator::new(&settings(&open_enums, &[]));
    first.generate_tokens(&api)?;
    let structs: Vec<String> = first
        .get_type_space()
        .iter_types()
        .filter(|t| matches!(t.details(), typify::TypeDetails::Struct(_)))
        .map(|t| t.name())
        .collect();

    let mut generator = Generator::new(&settings(&open_enums, &structs));
    let client = generator.generate_tokens(&api)?;
    let mut file: syn::File = syn::parse2(client)?;
    let types = types_module(&mut file)?;
    for open in &open_enums {
        let items: syn::File = syn::parse2(open_enum::render(open))?;
        types.extend(items.items);
    }
    let facts: syn::File = syn::parse2(facts::render(&operations)?)?;
    file.items.extend(facts.items);
    Ok(SdkFile { file, open_enums })
}

/// Appends each `x-sdk-note` to the `description` beside it, for the doc comments:
/// the spec's descriptions say exactly what the vendor page says (the page check
/// compares them), and what this project adds lives in `x-sdk-note`.
fn fold_notes(node: &mut serde_json::Value) {
    match node {
        serde_json::Value::Object(object) => {
            if let Some(note) = object
                .get("x-sdk-note")
                .and_then(|n| n.as_str())
                .map(str::to_owned)
            {
                let description = match object.get("description").and_then(|d| d.as_str()) {
                    Some(text) => format!("{text}\n\n{note}"),
                    None => note,
                };
                object.insert("description".to_owned(), description.into());
            }
            for (key, child) in object.iter_mut() {
                // Example values are data, whatever members they have.
                if key != "example" && key != "examples" {
                    fold_notes(child);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(fold_notes),
        _ => {}
    }
}

/// The items of progenitor's `pub mod types { ... }`.
fn types_module(file: &mut syn::File) -> Result<&mut Vec<syn::Item>, GenerateError> {
    file.items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(module) if module.ident == "types" => {
                module.content.as_mut().map(|(_, items)| items)
            }
            _ => None,
        })
        .ok_or_else(|| {
            GenerateError::Unsupported(
                "progenitor generated no `types` module: the spec declares no schema".to_owned(),
            )
        })
}
