//! Facts of the spec this crate was generated from, for code that must agree with
//! it: which statuses the endpoint documents and which of them Veriff signs, and
//! the response examples the vendor documents.
//!
//! Everything here is generated from `openapi/veriff-attempts.yaml` by
//! `cargo xtask generate`; nothing hand-written repeats it. The reference server
//! (`veriff-mock`) serves these examples, and they make good fixtures for your own
//! tests, for instance through [`Client::decode_response`](crate::Client::decode_response).

pub use crate::generated::facts::list_attempts::{
    ERROR_STATUSES, EXAMPLES, METHOD, PATH, SIGNED_STATUSES, STATUSES,
};

/// One response example of the spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Example {
    /// The HTTP status it is documented under.
    pub status: u16,
    /// Its name in the spec (the vendor page's name for the 200 examples).
    pub name: &'static str,
    /// Its one-line summary (empty when the spec gives none).
    pub summary: &'static str,
    /// The body, as compact JSON.
    pub json: &'static str,
}

impl Example {
    /// The example documented under `status` with this name.
    pub fn find(status: u16, name: &str) -> Option<&'static Example> {
        EXAMPLES
            .iter()
            .find(|example| example.status == status && example.name == name)
    }

    /// Every example documented under `status`, in the spec's order.
    pub fn for_status(status: u16) -> impl Iterator<Item = &'static Example> {
        EXAMPLES
            .iter()
            .filter(move |example| example.status == status)
    }
}

/// Whether Veriff signs the body of a response with this status (the spec lists
/// `X-HMAC-SIGNATURE` among its headers).
pub fn is_signed(status: u16) -> bool {
    SIGNED_STATUSES.contains(&status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_is_json_of_a_documented_status() {
        assert!(!EXAMPLES.is_empty());
        for example in EXAMPLES {
            assert!(STATUSES.contains(&example.status), "{example:?}");
            assert!(
                serde_json::from_str::<serde_json::Value>(example.json).is_ok(),
                "{example:?}"
            );
        }
    }

    #[test]
    fn signed_statuses_are_documented_statuses() {
        assert!(SIGNED_STATUSES.iter().all(|s| STATUSES.contains(s)));
        assert!(ERROR_STATUSES.iter().all(|s| *s >= 400));
    }
}
