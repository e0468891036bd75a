//! `conformance/src/generated.rs`: for every named schema, its Rust type and a
//! proptest strategy of that type's values, built with the type's generated builder.
//!
//! This is what lets the conformance suite test a new property, enum value or
//! schema in both directions without a hand-written line that names a generated
//! type's fields. Values are drawn per Rust type, not per JSON schema: any string,
//! timestamps of 0 to 9 fractional digits, `None` for every `Option`, every variant
//! of a closed enum and every documented value of an open one. A type the strategies
//! cannot build (a newtype, a recursive type) gets no strategy, and the suite says
//! so by name.

use std::collections::BTreeSet;

use proc_macro2::{Ident, Span, TokenStream};
use quote::{ToTokens, format_ident, quote};
use veriff_spec::Spec;
use veriff_spec::openapi::named_schemas;

use crate::model::{Field, Model, RustItem, RustType};
use crate::{GenerateError, snake_case};

/// Fields per tuple: proptest implements `Strategy` for tuples of up to 12.
const TUPLE: usize = 10;

/// Renders the conformance suite's generated file.
pub fn render(spec: &Spec, model: &Model) -> Result<syn::File, GenerateError> {
    let recursive = recursive_types(model);
    let mut entries = Vec::new();
    let mut open_enums = Vec::new();
    let mut functions = Vec::new();
    let mut rendered = BTreeSet::new();
    for schema in named_schemas(spec) {
        let Some((rust, item)) = model.for_schema(&schema) else {
            continue;
        };
        let ty = format_ident!("{rust}");
        let strategy = strategy_fn(&rust);
        let values = match values_of(model, &rust, &recursive) {
            Ok(()) => {
                quote! {
                    ::std::result::Result::Ok(crate::codecs::RustValues {
                        property: |suite| crate::properties::rust_round_trip(suite, #schema, #strategy()),
                        sample: || #strategy().prop_map(|value| crate::codecs::to_json(&value)).boxed(),
                    })
                }
            }
            Err(why) => quote! { ::std::result::Result::Err(#why) },
        };
        entries.push(quote! {
            crate::codecs::SchemaType {
                schema: #schema,
                rust: #rust,
                round_trip: crate::codecs::round_trip::<types::#ty>,
                rust_values: #values,
            }
        });
        if matches!(item, RustItem::OpenEnum { .. }) {
            open_enums.push(quote! {
                crate::codecs::OpenEnum {
                    schema: #schema,
                    rust: #rust,
                    known: || types::#ty::KNOWN.iter().map(types::#ty::as_str).collect(),
                    read: |text| {
                        let value = types::#ty::from(text);
                        (value.is_known(), value.as_str().to_owned())
                    },
                    round_trip: crate::codecs::round_trip::<types::#ty>,
                }
            });
        }
    }
    for (name, item) in &model.types {
        if values_of(model, name, &recursive).is_ok() && rendered.insert(name.clone()) {
            functions.push(type_strategy(name, item)?);
        }
    }
    let file = quote! {
        use proptest::prelude::*;
        use veriff_attempts::types;

        use crate::rust_values as values;

        /// Every named schema of the spec that has a Rust type, with the type's
        /// round trip and value strategy.
        pub(crate) fn schema_types() -> ::std::vec::Vec<crate::codecs::SchemaType> {
            ::std::vec::Vec::from([#(#entries),*])
        }

        /// Every open enum (`x-extensible-enum: true`).
        pub(crate) fn open_enums() -> ::std::vec::Vec<crate::codecs::OpenEnum> {
            ::std::vec::Vec::from([#(#open_enums),*])
        }

        #(#functions)*
    };
    Ok(syn::parse2(file)?)
}

/// `UserStatus` → `any_user_status`.
fn strategy_fn(rust: &str) -> Ident {
    format_ident!("any_{}", snake_case(rust))
}

/// Types that contain themselves (directly or not): no finite strategy for them.
fn recursive_types(model: &Model) -> BTreeSet<String> {
    fn reaches(model: &Model, from: &str, target: &str, seen: &mut BTreeSet<String>) -> bool {
        if !seen.insert(from.to_owned()) {
            return false;
        }
        let Some(RustItem::Struct { fields, .. }) = model.types.get(from) else {
            return false;
        };
        fields.iter().any(|field| {
            named_in(&field.ty)
                .iter()
                .any(|name| name == target || reaches(model, name, target, seen))
        })
    }
    model
        .types
        .keys()
        .filter(|name| {
            let Some(RustItem::Struct { fields, .. }) = model.types.get(*name) else {
                return false;
            };
            fields.iter().any(|field| {
                named_in(&field.ty).iter().any(|inner| {
                    inner == *name || reaches(model, inner, name, &mut BTreeSet::new())
                })
            })
        })
        .cloned()
        .collect()
}

fn named_in(ty: &RustType) -> Vec<String> {
    match ty {
        RustType::Named(name) => vec![name.clone()],
        RustType::Option(inner) | RustType::Vec(inner) | RustType::Map(inner) => named_in(inner),
        _ => Vec::new(),
    }
}

/// Whether a strategy can be built for the type; otherwise why not.
fn values_of(model: &Model, name: &str, recursive: &BTreeSet<String>) -> Result<(), String> {
    if recursive.contains(name) {
        return Err(format!(
            "{name} contains itself; teach xtask/codegen/src/strategies.rs to bound the depth"
        ));
    }
    match model.types.get(name) {
        Some(RustItem::Struct { fields, .. }) => fields.iter().try_for_each(|field| {
            type_supported(model, &field.ty, recursive)
                .map_err(|why| format!("{name}.{}: {why}", field.rust))
        }),
        Some(RustItem::Enum { .. } | RustItem::OpenEnum { .. }) => Ok(()),
        Some(RustItem::Other { .. }) => Err(format!(
            "{name} is not a struct or an enum; teach xtask/codegen/src/strategies.rs to build it"
        )),
        None => Err(format!("no generated type {name}")),
    }
}

fn type_supported(
    model: &Model,
    ty: &RustType,
    recursive: &BTreeSet<String>,
) -> Result<(), String> {
    match ty {
        RustType::Option(inner) | RustType::Vec(inner) => type_supported(model, inner, recursive),
        RustType::Map(_) => Err(
            "maps (additionalProperties) have no strategy; teach xtask/codegen/src/strategies.rs"
                .to_owned(),
        ),
        RustType::Named(name) => values_of(model, name, recursive),
        RustType::Other(source) => Err(format!(
            "type `{source}` has no strategy; teach xtask/codegen/src/strategies.rs"
        )),
        _ => Ok(()),
    }
}

/// The strategy function of one type.
fn type_strategy(name: &str, item: &RustItem) -> Result<TokenStream, GenerateError> {
    let ty = format_ident!("{name}");
    let function = strategy_fn(name);
    let doc = format!("Any value of `{name}`.");
    let body = match item {
        RustItem::Struct { fields, .. } => struct_body(&ty, fields)?,
        RustItem::Enum { variants, .. } => {
            let variants = variants.iter().map(|v| format_ident!("{}", v.rust));
            quote! { values::one_of(&[#(types::#ty::#variants),*]) }
        }
        RustItem::OpenEnum { .. } => quote! { values::one_of(types::#ty::KNOWN) },
        RustItem::Other { .. } => {
            return Err(GenerateError::Unsupported(format!(
                "internal: no strategy for {name}"
            )));
        }
    };
    Ok(quote! {
        #[doc = #doc]
        pub(crate) fn #function() -> BoxedStrategy<types::#ty> {
            #body
        }
    })
}

fn struct_body(ty: &Ident, fields: &[Field]) -> Result<TokenStream, GenerateError> {
    let chunks: Vec<&[Field]> = fields.chunks(TUPLE).collect();
    let tuple = |parts: Vec<TokenStream>| quote! { (#(#parts,)*) };
    let strategies: Vec<TokenStream> = chunks
        .iter()
        .map(|chunk| tuple(chunk.iter().map(|f| field_strategy(&f.ty)).collect()))
        .collect();
    let patterns: Vec<TokenStream> = chunks
        .iter()
        .map(|chunk| {
            tuple(
                chunk
                    .iter()
                    .map(|f| format_ident!("v_{}", f.rust).into_token_stream())
                    .collect(),
            )
        })
        .collect();
    // One tuple of up to TUPLE fields, or a tuple of such tuples.
    let (strategies, patterns) = match (strategies.as_slice(), patterns.as_slice()) {
        ([strategy], [pattern]) => (strategy.clone(), pattern.clone()),
        _ => (tuple(strategies), tuple(patterns)),
    };
    let setters = fields.iter().map(|f| {
        let method = field_ident(&f.rust);
        let value = format_ident!("v_{}", f.rust);
        quote! { .#method(#value) }
    });
    let refused = format!("the builder of {ty} refused a full set of fields");
    Ok(quote! {
        #strategies
            .prop_map(|#patterns| types::#ty::builder() #(#setters)*)
            .prop_filter_map(#refused, |builder| types::#ty::try_from(builder).ok())
            .boxed()
    })
}

fn field_strategy(ty: &RustType) -> TokenStream {
    match ty {
        RustType::String => quote! { values::text() },
        RustType::Bool => quote! { values::boolean() },
        RustType::Integer(name) => {
            let name: TokenStream = name.parse().unwrap_or_else(|_| quote!(i64));
            quote! { values::integer::<#name>() }
        }
        RustType::Float(name) if name == "f32" => quote! { values::float32() },
        RustType::Float(_) => quote! { values::float64() },
        RustType::Uuid => quote! { values::uuid() },
        RustType::Timestamp => quote! { values::date_time() },
        RustType::Json => quote! { values::json() },
        RustType::Option(inner) => {
            let inner = field_strategy(inner);
            quote! { values::option(#inner) }
        }
        RustType::Vec(inner) => {
            let inner = field_strategy(inner);
            quote! { values::vec(#inner) }
        }
        RustType::Named(name) => {
            let function = strategy_fn(name);
            quote! { #function() }
        }
        // `values_of` keeps these out; a compile error here would name the type.
        RustType::Map(_) | RustType::Other(_) => {
            let source = ty.to_string();
            quote! { compile_error!(#source) }
        }
    }
}

/// A field or builder method name; Rust keywords become raw identifiers.
fn field_ident(name: &str) -> Ident {
    const KEYWORDS: [&str; 38] = [
        "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum",
        "extern", "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move",
        "mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait",
        "true", "type", "unsafe", "use", "where", "while",
    ];
    if KEYWORDS.contains(&name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}
