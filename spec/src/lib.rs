//! Reading `openapi/veriff-attempts.yaml`: the one place that turns the hand-written
//! spec into something code can walk.
//!
//! - [`spec`]: YAML → JSON value, checked as OpenAPI 3.0 (with `openapiv3`, the
//!   parser progenitor uses), every `$ref` resolved; errors name a JSON pointer.
//! - [`location`]: places in the document ([`Location`]) and in JSON instances
//!   ([`location::JsonPath`]).
//! - [`openapi`]: walking the document: named schemas, schema roots, every example.
//! - [`contradictions`]: the vendor page's contradictions recorded in `x-vendor-*`
//!   extensions and `openapi/known-contradictions.yaml`.
//!
//! This crate depends on nothing generated from the spec, so the code generator
//! (`xtask/codegen`), the conformance suite and the page check can all build on it.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod contradictions;
pub mod location;
pub mod openapi;
pub mod spec;
mod structure;

pub use location::Location;
pub use spec::{Spec, SpecError, workspace_root};
