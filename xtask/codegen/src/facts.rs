//! The spec's facts that hand-written code relies on, rendered as constants so that
//! nothing hand-written repeats them: per operation, its path and method, its
//! documented statuses, which of them Veriff signs (the responses that list the
//! `X-HMAC-SIGNATURE` header), which are errors, and every response example.

use std::str::FromStr;

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;
use veriff_spec::{Location, Spec};

use crate::{GenerateError, SIGNATURE_HEADER, snake_case};

/// The HTTP methods an OpenAPI 3.0 path item may hold.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One operation's facts.
#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    /// `operationId`, which also names the generated client method.
    pub id: String,
    /// Upper-case HTTP method.
    pub method: String,
    /// The path template, e.g. `/v1/sessions/{id}/attempts`.
    pub path: String,
    /// The documented responses, in the spec's order.
    pub responses: Vec<Response>,
}

/// One documented response.
#[derive(Clone, Debug, PartialEq)]
pub struct Response {
    /// The HTTP status.
    pub status: u16,
    /// Whether it lists the signature header.
    pub signed: bool,
    /// Its examples, in the spec's order.
    pub examples: Vec<Example>,
}

/// One response example.
#[derive(Clone, Debug, PartialEq)]
pub struct Example {
    /// Its name (`example` for a media type's single `example`).
    pub name: String,
    /// Its `summary` (or `description`), empty if it has neither.
    pub summary: String,
    /// The body.
    pub value: Value,
}

/// Every operation of the spec, in document order.
pub fn operations(spec: &Spec) -> Result<Vec<Operation>, GenerateError> {
    let mut operations = Vec::new();
    let paths = Location::root().join("paths");
    for path in keys(spec, &paths) {
        for method in METHODS {
            let at = paths.join_all([path.as_str(), method]);
            if spec.get(&at).is_some() {
                operations.push(operation(spec, &at, &path, method)?);
            }
        }
    }
    Ok(operations)
}

fn operation(
    spec: &Spec,
    at: &Location,
    path: &str,
    method: &str,
) -> Result<Operation, GenerateError> {
    let id = spec
        .get(&at.join("operationId"))
        .and_then(Value::as_str)
        .ok_or_else(|| {
            GenerateError::Unsupported(format!(
                "{}: an operation needs an operationId (it names the client method)",
                at.pointer()
            ))
        })?;
    let mut responses = Vec::new();
    for code in keys(spec, &at.join("responses")) {
        let place = at.join_all(["responses", code.as_str()]);
        let status = code
            .parse::<u16>()
            .ok()
            .filter(|s| (100..=599).contains(s))
            .ok_or_else(|| {
                GenerateError::Unsupported(format!(
                    "{}: only numeric statuses (100-599) are supported, not `{code}`: list each status",
                    place.pointer()
                ))
            })?;
        let (response_at, _) = spec.resolve(&place)?;
        responses.push(Response {
            status,
            signed: lists_signature(spec, &response_at)?,
            examples: examples(spec, &response_at)?,
        });
    }
    Ok(Operation {
        id: id.to_owned(),
        method: method.to_ascii_uppercase(),
        path: path.to_owned(),
        responses,
    })
}

fn lists_signature(spec: &Spec, response: &Location) -> Result<bool, GenerateError> {
    Ok(keys(spec, &response.join("headers"))
        .iter()
        .any(|name| name.eq_ignore_ascii_case(SIGNATURE_HEADER)))
}

fn examples(spec: &Spec, response: &Location) -> Result<Vec<Example>, GenerateError> {
    let mut found = Vec::new();
    for media_type in keys(spec, &response.join("content")) {
        let media = response.join_all(["content", media_type.as_str()]);
        if let Some(value) = spec.get(&media.join("example")) {
            found.push(Example {
                name: "example".to_owned(),
                summary: String::new(),
                value: value.clone(),
            });
        }
        for name in keys(spec, &media.join("examples")) {
            let (_, object) = spec.resolve(&media.join_all(["examples", name.as_str()]))?;
            let Some(value) = object.get("value") else {
                return Err(GenerateError::Unsupported(format!(
                    "{}: an example needs a `value` (externalValue is not supported)",
                    media.join_all(["examples", name.as_str()]).pointer()
                )));
            };
            let summary = ["summary", "description"]
                .iter()
                .find_map(|key| object.get(*key).and_then(Value::as_str))
                .unwrap_or_default();
            found.push(Example {
                name,
                summary: summary.to_owned(),
                value: value.clone(),
            });
        }
    }
    Ok(found)
}

fn keys(spec: &Spec, at: &Location) -> Vec<String> {
    spec.get(at)
        .and_then(Value::as_object)
        .map(|object| object.keys().cloned().collect())
        .unwrap_or_default()
}

/// The `facts` module: one submodule per operation.
pub fn render(operations: &[Operation]) -> Result<TokenStream, GenerateError> {
    let modules = operations
        .iter()
        .map(render_operation)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(quote! {
        /// Facts of the spec that hand-written code relies on, one module per
        /// operation; read them through `crate::spec`.
        pub mod facts {
            #(#modules)*
        }
    })
}

fn render_operation(operation: &Operation) -> Result<TokenStream, GenerateError> {
    let module = format_ident!("{}", snake_case(&operation.id));
    let (path, method) = (&operation.path, &operation.method);
    let codes = |keep: fn(&Response) -> bool| -> Vec<Literal> {
        operation
            .responses
            .iter()
            .filter(|r| keep(r))
            .map(|r| Literal::u16_unsuffixed(r.status))
            .collect()
    };
    let statuses = codes(|_| true);
    let signed = codes(|r| r.signed);
    let errors = codes(|r| r.status >= 400);
    let mut examples = Vec::new();
    for response in &operation.responses {
        let status = Literal::u16_unsuffixed(response.status);
        for example in &response.examples {
            let name = &example.name;
            let summary = &example.summary;
            let json = raw_string(&serde_json::to_string(&example.value).map_err(|err| {
                GenerateError::Unsupported(format!("example {name} has no JSON form: {err}"))
            })?)?;
            examples.push(quote! {
                crate::spec::Example { status: #status, name: #name, summary: #summary, json: #json }
            });
        }
    }
    let doc = format!("`{method} {path}` (`operationId: {}`).", operation.id);
    Ok(quote! {
        #[doc = #doc]
        pub mod #module {
            /// The path template.
            pub const PATH: &str = #path;
            /// The HTTP method.
            pub const METHOD: &str = #method;
            /// Every documented response status, in the spec's order.
            pub const STATUSES: &[u16] = &[#(#statuses),*];
            /// The statuses whose documented headers include `X-HMAC-SIGNATURE`:
            /// Veriff signs their body.
            pub const SIGNED_STATUSES: &[u16] = &[#(#signed),*];
            /// The documented error statuses (4xx and 5xx).
            pub const ERROR_STATUSES: &[u16] = &[#(#errors),*];
            /// Every documented response example, in the spec's order.
            pub const EXAMPLES: &[crate::spec::Example] = &[#(#examples),*];
        }
    })
}

/// `text` as a raw string literal with enough `#`s that it needs no escapes.
fn raw_string(text: &str) -> Result<Literal, GenerateError> {
    let mut hashes = 1;
    while text.contains(&format!("\"{}", "#".repeat(hashes))) {
        hashes += 1;
    }
    let fence = "#".repeat(hashes);
    Literal::from_str(&format!("r{fence}\"{text}\"{fence}")).map_err(|err| {
        GenerateError::Unsupported(format!("cannot write an example as a literal: {err}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn real() -> Vec<Operation> {
        let spec = match Spec::from_file(&crate::workspace_root().join(crate::SPEC)) {
            Ok(spec) => spec,
            Err(err) => panic!("{err}"),
        };
        match operations(&spec) {
            Ok(operations) => operations,
            Err(err) => panic!("{err}"),
        }
    }

    #[test]
    fn signed_statuses_are_those_listing_the_signature_header() {
        let operations = real();
        let spec = match Spec::from_file(&crate::workspace_root().join(crate::SPEC)) {
            Ok(spec) => spec,
            Err(err) => panic!("{err}"),
        };
        // Read the document directly: a response is signed when one of its
        // headers, followed through `$ref`, is named X-HMAC-SIGNATURE.
        let responses =
            Location::root().join_all(["paths", operations[0].path.as_str(), "get", "responses"]);
        for response in &operations[0].responses {
            let headers = responses.join_all([response.status.to_string().as_str(), "headers"]);
            let listed = keys(&spec, &headers)
                .iter()
                .any(|name| name.eq_ignore_ascii_case("x-hmac-signature"));
            assert_eq!(response.signed, listed, "{}", response.status);
        }
        // The page lists no X-HMAC-SIGNATURE for 401; it does for 200.
        let signed = |status: u16| {
            operations[0]
                .responses
                .iter()
                .any(|r| r.status == status && r.signed)
        };
        assert!(signed(200) && !signed(401));
    }

    #[test]
    fn examples_keep_the_spec_order_and_names() {
        let names: Vec<(u16, String)> = real()[0]
            .responses
            .iter()
            .flat_map(|r| r.examples.iter().map(move |e| (r.status, e.name.clone())))
            .collect();
        assert_eq!(
            names[0],
            (200, "single_attempt_with_custom_status".to_owned())
        );
        assert!(names.iter().any(|(status, _)| *status == 401));
    }

    #[test]
    fn raw_strings_outgrow_their_fences() -> Result<(), GenerateError> {
        assert_eq!(raw_string("a\"#b")?.to_string(), "r##\"a\"#b\"##");
        assert_eq!(raw_string("{}")?.to_string(), "r#\"{}\"#");
        Ok(())
    }

    #[test]
    fn status_ranges_are_refused_by_place() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      operationId: x\n      responses:\n        4XX: {description: d}\n";
        let err = Spec::from_text(text, "t")
            .map_err(GenerateError::from)
            .and_then(|spec| operations(&spec))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("/paths/~1x/get/responses/4XX"), "{err}");
    }
}
